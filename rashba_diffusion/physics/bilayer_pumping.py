"""Spin pumping into the heavy metal of the package's bilayer, and the bilayer's SOT fields (docs/model.md §13.5).

Conventions are those of ``bilayer`` (docs/model.md §11): spin currents in charge units (A/m², the 2e/ħ
convention), spin accumulation μ_s stored as a voltage μ_s/e, the mixing law from HM to FM (flow +ẑ)::

    j_s = (1/e)[G_r m×(Δμ×m) + G_i Δμ×m],      Δμ = μ_N(0⁻) − μ_F(0⁺)

and the package's mapping of the torque onto the LLG, ṁ = γ T/(Ms d_F) with T = (ħ/2e) j_s (ideal sink).
A precessing m acts on the interface as a spin battery: in the frame rotating with m the heavy metal's
accumulation is shifted by ħΩ (Ω⊥ = m×ṁ); with the package's mapping the sign that makes pumping dissipate
(Onsager reciprocity with the torque) is Δμ → Δμ + ħ m×ṁ (docs/model.md §13.5.1).  The heavy metal seen from the
interface is the conductance g_N = (σ_N/2λ_N) tanh(d_N/λ_N) (docs/model.md §11.4), so the back-flow puts g_N in
series with G, and::

    α' + i α'_i = (γħ²/(2e² Ms d_F)) · G/(1 + 2λ_N ρ_N G coth(d_N/λ_N)),     G = G_r + i G_i,  ρ_N = 1/σ_N

enters the LLG as + α' m×ṁ + α'_i ṁ: α' adds to the Gilbert damping, α'_i divides γ and α by (1 − α'_i).
This module covers the ideal-sink FM (all transverse spin absorbed at the interface).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import constants as sc

from ..errors import ParameterError
from ..units import GAMMA_E_RAD_PER_S_T, HBAR_OVER_2E, NM
from ..validation import check_finite, check_positive
from .bilayer import Ferromagnet, HeavyMetal, Interface, analytic_efficiencies
from .vectors import cross


def pumping_prefactor(ms_a_per_m: float, fm_thickness_nm: float,
                      gamma_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T) -> float:
    """γħ²/(2e² Ms d_F) in m²/S: α' = this × G_eff (G in S/m²)."""
    ms = check_positive("ms_a_per_m", ms_a_per_m, "A/m")
    d = check_positive("fm_thickness_nm", fm_thickness_nm, "nm") * NM
    g = check_positive("gamma_rad_per_s_t", gamma_rad_per_s_t, "rad/(s·T)")
    return g * sc.hbar**2 / (2.0 * sc.e**2 * ms * d)


def spin_pumping_alpha_formula(
    g_r_s_per_m2: float,
    g_i_s_per_m2: float,
    rho_n_ohm_m: float,
    lambda_n_nm: float,
    d_n_nm: float,
    ms_a_per_m: float,
    fm_thickness_nm: float,
    gamma_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T,
) -> complex:
    """α' + iα'_i = γħ²G/(2e²Ms d_F) / (1 + 2λρG coth(d_N/λ)) with complex G = G_r + iG_i (§13.5.2).

    ``d_n_nm = inf``: coth → 1 (a thick heavy metal).  G_i = 0 gives the real formula with backflow.
    """
    g = complex(check_finite("g_mix_real_s_per_m2", g_r_s_per_m2, "S/m²"),
                check_finite("g_mix_imag_s_per_m2", g_i_s_per_m2, "S/m²"))
    rho = check_positive("rho_n_ohm_m", rho_n_ohm_m, "Ω·m")
    lam = check_positive("lambda_n_nm", lambda_n_nm, "nm") * NM
    d_n = check_positive("d_n_nm", d_n_nm, "nm", allow_inf=True)
    coth = 1.0 if math.isinf(d_n) else 1.0 / math.tanh(d_n * NM / lam)
    k = pumping_prefactor(ms_a_per_m, fm_thickness_nm, gamma_rad_per_s_t)
    return complex(k * g / (1.0 + 2.0 * lam * rho * g * coth))


def spin_pumping_alpha(hm: HeavyMetal, interface: Interface, ms_a_per_m: float, fm_thickness_nm: float,
                       gamma_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T) -> complex:
    """α' + iα'_i of the package's bilayer materials (ideal-sink FM behind a mixing interface), §13.5.2."""
    return spin_pumping_alpha_formula(interface.g_mix_real_s_per_m2, interface.g_mix_imag_s_per_m2,
                                      1.0 / hm.sigma_s_per_m, hm.lambda_nm, hm.thickness_nm, ms_a_per_m,
                                      fm_thickness_nm, gamma_rad_per_s_t)


def check_pumping(fm: Ferromagnet, interface: Interface) -> tuple[float, float]:
    """(Ms in A/m, d_F in nm) of a bilayer whose spin pumping can be computed, or :class:`ParameterError`.

    Needs ``fm.ms_a_per_m`` and ``fm.thickness_nm`` (α' is per magnetic moment), a mixing interface (the spin
    battery acts in the mixing law) and an ideal-sink FM (a finite FM's own transverse relaxation in the
    rotating frame is not derived, docs/model.md §13.5.5).
    """
    if fm.ms_a_per_m is None or fm.thickness_nm is None:
        raise ParameterError("spin pumping needs fm_ms_a_per_m (A/m, > 0) and fm_thickness_nm (nm, > 0): give "
                             "--ms-a-per-m and --fm-thickness-nm")
    if interface.kind != "mixing" or not fm.is_ideal_sink:
        raise ParameterError(f"spin pumping with interface = {interface.kind!r} and a "
                             f"{'ideal-sink' if fm.is_ideal_sink else 'finite'} ferromagnet is invalid; valid: "
                             "interface 'mixing' with an ideal-sink ferromagnet (no --fm-lambda-* lengths)")
    return fm.ms_a_per_m, fm.thickness_nm


def hm_spin_conductance_s_per_m2(hm: HeavyMetal) -> float:
    """g_N = (σ_N/2λ_N) tanh(d_N/λ_N): the heavy metal seen from the interface (docs/model.md §11.4)."""
    return hm.sigma_s_per_m / (2.0 * hm.lambda_nm * NM) * math.tanh(hm.thickness_nm / hm.lambda_nm)


def pumping_battery_v(m, dmdt_per_s) -> np.ndarray:
    """ħ m×ṁ/e in volts: the shift of Δμ/e at the interface by the precession (add it to μ_N − μ_F), §13.5.1."""
    return sc.hbar / sc.e * cross(np.asarray(m, dtype=float), np.asarray(dmdt_per_s, dtype=float))


def interface_spin_current_a_per_m2(g_mix_s_per_m2: complex, m, delta_mu_v) -> np.ndarray:
    """The package's mixing law j_s = G_r m×(Δμ×m) + G_i Δμ×m (A/m², HM → FM), with Δμ as μ/e in volts."""
    m = np.asarray(m, dtype=float)
    dmu = np.asarray(delta_mu_v, dtype=float)
    g = complex(g_mix_s_per_m2)
    return g.real * cross(m, cross(dmu, m)) + g.imag * cross(dmu, m)


def bilayer_sot_fields_t(hm: HeavyMetal, fm: Ferromagnet, interface: Interface, j_a_per_m2: float,
                         ms_a_per_m: float, fm_thickness_nm: float) -> tuple[float, float]:
    """(B_DL, B_FL) in T of the 1D bilayer: B = ξ (ħ/2e) j/(Ms d_F) with ξ from ``bilayer.analytic_efficiencies``.

    Use them as ``MacrospinParameters(b_dl_t=..., b_fl_t=..., sigma=(0, 1, 0))`` (σ̂ = ŷ for j ∥ +x̂): the
    package's T = T_DL m×(σ̂×m) + T_FL σ̂×m maps on τ = −γB_DL m×(m×σ̂) − γB_FL m×σ̂ (docs/model.md §13.3.2).
    They do not depend on m (spin-rotation symmetry about m of the 1D bilayer).
    """
    xi_dl, xi_fl = analytic_efficiencies(hm, fm, interface)
    j = check_finite("j_a_per_m2", j_a_per_m2, "A/m²")
    denom = check_positive("ms_a_per_m", ms_a_per_m, "A/m") * check_positive("fm_thickness_nm", fm_thickness_nm,
                                                                              "nm") * NM
    return xi_dl * HBAR_OVER_2E * j / denom, xi_fl * HBAR_OVER_2E * j / denom
