"""Heavy-metal / ferromagnet bilayer, the physics: materials, parameter sets, sources and closed forms.

Spin drift-diffusion of the spin accumulation μ_s (3 components, energy; stored in eV, i.e. the spin voltage
μ_s/e in volts) with the spin current density j_s[a][d] in charge units (A/m², the 2e/ħ convention: the spin
angular-momentum current density is (ħ/2e) j_s).  See docs/model.md §11 for the derivation, the closed-form
1D solution (:func:`analytic_efficiencies`) and every sign convention.

Per subdomain (cell tags "hm", "fm"):

    j_s[a][d] = −(σ/2e) ∂_d μ_a + J0[a][d],       ∂_d j_s[a][d] = −(σ/2e) L(μ)_a

HM: L(μ) = μ/λ_N²,  J0 = θ_SH ε_adk j_k (spin Hall).   FM: L(μ) = μ/λ_sf² + μ×m/λ_J² + m×(μ×m)/λ_φ².
Interface z = 0 ("interface" facets), spin current from HM to FM (flow +ẑ):

    mixing:      j_s⊥ = (1/e)[Re G m×(Δμ×m) + Im G Δμ×m],  longitudinal spin current blocked,
                 Δμ = μ_N − μ_F  (μ_F ≡ 0 for an ideal transverse spin sink: HM unknowns only)
    continuous:  one field μ across HM and FM.

The mixing interface with a finite FM uses two fields on the whole mesh (6 components), each pinned to zero
outside its own layer, coupled by an interior-facet integral: μ is discontinuous across the interface.

The finite-element model is :class:`rashba_diffusion.models.bilayer.BilayerModel`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..errors import ParameterError
from ..units import HBAR_OVER_2E, NM
from ..validation import MAX_LENGTH_NM, check_length, check_magnitude, check_positive, unit_vector
from .torque import MAX_MS_A_PER_M, decompose
from .vectors import EPS, Z_HAT

InterfaceKind = Literal["mixing", "continuous"]

#: the charge current flows along x̂; the interface normal (HM -> FM) is +ẑ
CURRENT_DIRECTION = np.array([1.0, 0.0, 0.0])
INTERFACE_NORMAL = Z_HAT
#: σ̂ = n̂ × ĵ: the polarization of the bare spin Hall current that flows into the FM (θ_SH > 0); ŷ
SIGMA_HAT = np.cross(INTERFACE_NORMAL, CURRENT_DIRECTION)
#: defaults of ``rashba-diffusion bilayer`` and of the bilayer TOML schema: a Pt-like HM, a Pt/Co-like interface
DEFAULTS = {"hm_thickness_nm": 3.0, "hm_lambda_nm": 1.4, "hm_sigma_s_per_m": 7e6, "theta_sh": 0.19,
            "g_mix_real_s_per_m2": 5e14, "g_mix_imag_s_per_m2": 1e14, "j_a_per_m2": 1e11}
#: valid ranges of the bilayer's inputs (docs/reliability.md, "Bounds"): far beyond measured values (σ of Ag
#: 6.3e7 S/m, |θ_SH| ≲ 1 in metals, G↑↓ of Pt/Co ~5e14 S/m², j ≲ 1e12 A/m² before the film melts), inside
#: floating point with a wide margin
MAX_CONDUCTIVITY_S_PER_M = 1e10
MAX_THETA_SH = 100.0
MAX_G_MIX_S_PER_M2 = 1e24  # the closed form's G → ∞ limit is studied at 1e22
MAX_CURRENT_A_PER_M2 = 1e15
#: m of ``rashba-diffusion bilayer`` and of the bilayer TOML schema: ẑ, the perpendicular magnet of a Pt/Co-like
#: stack.  m ⟂ σ̂, so the torque itself is non-zero and its DL/FL basis (m×(σ̂×m) = σ̂, σ̂×m = x̂) is orthonormal in
#: every geometry; m ∥ σ̂ would leave only the linear-response coefficients (docs/model.md §11.5)
DEFAULT_M = (0.0, 0.0, 1.0)
#: how the bilayer's torque T enters the LLG equation: ṁ = LLG_TORQUE_SIGN · γT/(Ms d_F).  Every equation of
#: the bilayer (spin Hall source, mixing law, FM precession and dephasing, torque) is linear in μ_s, so the
#: model does not fix whether μ_s's polarization denotes spin or moment; the bilayer uses the moment-direction
#: convention of the SOT literature (θ_SH > 0 and j ∥ +x̂ give a damping-like field along m×σ̂ that pulls m
#: toward σ̂), and the spin-pumping source must then be Δμ + ħ m×ṁ for pumping to damp (docs/model.md §10,
#: docs/model.md §13.5.1).  The Rashba film's sign is fixed by its Hamiltonian instead (``rashba.LLG_TORQUE_SIGN``).
LLG_TORQUE_SIGN = 1


@dataclass(frozen=True)
class HeavyMetal:
    """The heavy-metal layer (no exchange).  The defaults are ``rashba-diffusion bilayer``'s (:data:`DEFAULTS`, a
    Pt-like metal).

    Parameters
    ----------
    thickness_nm
        d_N in nm (> 0).
    lambda_nm
        Spin-diffusion length λ_N in nm (> 0).
    sigma_s_per_m
        Conductivity σ_N in S/m (> 0).
    theta_sh
        Spin Hall angle θ_SH (dimensionless, finite, either sign; convention in docs/model.md §11).
    """

    thickness_nm: float = DEFAULTS["hm_thickness_nm"]
    lambda_nm: float = DEFAULTS["hm_lambda_nm"]
    sigma_s_per_m: float = DEFAULTS["hm_sigma_s_per_m"]
    theta_sh: float = DEFAULTS["theta_sh"]

    def __post_init__(self) -> None:
        object.__setattr__(self, "thickness_nm", check_length("hm_thickness_nm", self.thickness_nm))
        object.__setattr__(self, "lambda_nm", check_length("hm_lambda_nm", self.lambda_nm))
        object.__setattr__(self, "sigma_s_per_m", check_positive("hm_sigma_s_per_m", self.sigma_s_per_m, "S/m",
                                                                 upper=MAX_CONDUCTIVITY_S_PER_M))
        object.__setattr__(self, "theta_sh", check_magnitude("theta_sh", self.theta_sh, "(dimensionless)",
                                                             MAX_THETA_SH))


@dataclass(frozen=True)
class Ferromagnet:
    """The ferromagnetic layer.

    With none of ``lambda_j_nm``, ``lambda_phi_nm``, ``lambda_sf_nm`` given it is an ideal transverse spin sink
    (μ_F ≡ 0 behind the mixing interface) and ``thickness_nm`` only enters the effective fields.  With any of
    them given it is a finite layer of thickness d_F (then required) in which a missing length means that
    process is off (λ = ∞).

    Parameters
    ----------
    thickness_nm
        d_F in nm (> 0).
    sigma_s_per_m
        Conductivity σ_F in S/m (> 0); ``None``: σ_N of the heavy metal (no conductivity contrast).
    lambda_j_nm, lambda_phi_nm, lambda_sf_nm
        Exchange-precession, transverse-dephasing and spin-flip lengths in nm (> 0, ``inf`` allowed).
    ms_a_per_m
        Saturation magnetization in A/m (> 0), for the effective fields only.
    """

    thickness_nm: float | None = None
    sigma_s_per_m: float | None = None
    lambda_j_nm: float | None = None
    lambda_phi_nm: float | None = None
    lambda_sf_nm: float | None = None
    ms_a_per_m: float | None = None

    def __post_init__(self) -> None:
        for name, unit, inf_ok, upper in (
            ("thickness_nm", "nm", False, MAX_LENGTH_NM), ("sigma_s_per_m", "S/m", False, MAX_CONDUCTIVITY_S_PER_M),
            ("lambda_j_nm", "nm", True, MAX_LENGTH_NM), ("lambda_phi_nm", "nm", True, MAX_LENGTH_NM),
            ("lambda_sf_nm", "nm", True, MAX_LENGTH_NM), ("ms_a_per_m", "A/m", False, MAX_MS_A_PER_M),
        ):  # fmt: skip
            v = getattr(self, name)
            if v is not None:
                object.__setattr__(self, name, check_positive(f"fm_{name}", v, unit, allow_inf=inf_ok, upper=upper))
        if not self.is_ideal_sink and self.thickness_nm is None:
            raise ParameterError(
                "fm_thickness_nm = None nm is invalid for a finite ferromagnet (its lengths are given); "
                "valid range: (0, inf)"
            )

    @property
    def is_ideal_sink(self) -> bool:
        return self.lambda_j_nm is None and self.lambda_phi_nm is None and self.lambda_sf_nm is None

    def inverse_lengths_sq_per_nm2(self) -> dict[str, float]:
        """1/λ² in nm⁻² of the three FM processes (0 for a process that is off)."""
        out = {}
        for key, lam in (("sf", self.lambda_sf_nm), ("j", self.lambda_j_nm), ("phi", self.lambda_phi_nm)):
            out[key] = 0.0 if lam is None or math.isinf(lam) else 1.0 / lam**2
        return out


@dataclass(frozen=True)
class Interface:
    """The HM/FM interface.  The defaults are ``rashba-diffusion bilayer``'s (:data:`DEFAULTS`, a Pt/Co-like
    mixing interface); a transparent one is ``Interface("continuous")`` (G is then unused).

    Parameters
    ----------
    kind
        ``"mixing"``: spin-mixing-conductance jump condition; ``"continuous"``: transparent (μ continuous; needs
        a finite FM).
    g_mix_real_s_per_m2, g_mix_imag_s_per_m2
        Re G↑↓ (≥ 0, dissipative) and Im G↑↓ (finite) in S/m² (conductance per area; j_s = (G/e) μ_s).
    """

    kind: InterfaceKind = "mixing"
    g_mix_real_s_per_m2: float = DEFAULTS["g_mix_real_s_per_m2"]
    g_mix_imag_s_per_m2: float = DEFAULTS["g_mix_imag_s_per_m2"]

    def __post_init__(self) -> None:
        if self.kind not in ("mixing", "continuous"):
            raise ParameterError(f"interface = {self.kind!r} is invalid; valid values: 'mixing', 'continuous'")
        gr = check_magnitude("g_mix_real_s_per_m2", self.g_mix_real_s_per_m2, "S/m²", MAX_G_MIX_S_PER_M2,
                             nonnegative=True)
        gi = check_magnitude("g_mix_imag_s_per_m2", self.g_mix_imag_s_per_m2, "S/m²", MAX_G_MIX_S_PER_M2)
        object.__setattr__(self, "g_mix_real_s_per_m2", gr)
        object.__setattr__(self, "g_mix_imag_s_per_m2", gi)

    @property
    def g_complex(self) -> complex:
        return complex(self.g_mix_real_s_per_m2, self.g_mix_imag_s_per_m2)


def check_combination(fm: Ferromagnet, interface: Interface) -> None:
    """Reject a continuous interface to an ideal sink (there is no FM layer to be continuous with)."""
    if interface.kind == "continuous" and fm.is_ideal_sink:
        raise ParameterError(
            "interface = 'continuous' needs a finite ferromagnet: give fm_lambda_j_nm, fm_lambda_phi_nm or "
            "fm_lambda_sf_nm (nm, > 0), or use interface = 'mixing'"
        )


def structure_key(fm: Ferromagnet, interface: Interface) -> tuple:
    """What fixes the bilayer's weak form beyond its coefficients: FM kind, interface kind, FM processes on.

    Two parameter sets with the same key (on the same mesh) share one :class:`BilayerModel` and its compiled
    forms; only :meth:`BilayerModel.set_parameters` is needed between them.
    """
    k = fm.inverse_lengths_sq_per_nm2()
    on = tuple((key, (not fm.is_ideal_sink) and k[key] != 0.0) for key in ("sf", "j", "phi"))
    return ("ideal_sink" if fm.is_ideal_sink else "finite", interface.kind, on)


def spin_hall_source(theta_sh: float, j_a_per_m2: np.ndarray) -> np.ndarray:
    """The bare spin Hall current J0[a][d] = θ_SH ε_adk j_k (A/m²): flow along n̂ carries spin θ_SH n̂ × j."""
    return theta_sh * np.einsum("adk,k->ad", EPS, np.asarray(j_a_per_m2, dtype=float))


def check_current_density(j_a_per_m2: float) -> float:
    """The charge current density j_N (A/m²) as a float; finite and non-zero (the efficiencies divide by it)."""
    j_n = check_magnitude("j_a_per_m2", j_a_per_m2, "A/m²", MAX_CURRENT_A_PER_M2)
    if j_n == 0.0:
        raise ParameterError(f"j_a_per_m2 = 0.0 A/m² is invalid (the efficiencies divide by it); valid range: "
                             f"0 < |j| <= {MAX_CURRENT_A_PER_M2:g}")
    return j_n


def sigma_ratio(hm: HeavyMetal, fm: Ferromagnet) -> float:
    """σ_F/σ_N (1 when the FM has no conductivity of its own)."""
    return (fm.sigma_s_per_m or hm.sigma_s_per_m) / hm.sigma_s_per_m


def lengths_nm(hm: HeavyMetal, fm: Ferromagnet) -> list[float]:
    """The finite lengths of the bilayer (nm): λ_N, d_N and, for a finite FM, its lengths and d_F."""
    out = [hm.lambda_nm, hm.thickness_nm]
    if not fm.is_ideal_sink:
        out += [v for v in (fm.lambda_j_nm, fm.lambda_phi_nm, fm.lambda_sf_nm, fm.thickness_nm)
                if v is not None and math.isfinite(v)]
    return out


@dataclass(frozen=True)
class BilayerPoint:
    """One parameter set of the bilayer (validated): materials, interface, current density and a uniform m."""

    hm: HeavyMetal
    fm: Ferromagnet
    interface: Interface
    j_a_per_m2: float
    m: tuple[float, float, float]

    def __post_init__(self) -> None:
        check_combination(self.fm, self.interface)
        object.__setattr__(self, "j_a_per_m2", check_current_density(self.j_a_per_m2))
        object.__setattr__(self, "m", unit_vector("m", self.m))


# --------------------------------------------------------------------------- closed form
def analytic_efficiencies(hm: HeavyMetal, fm: Ferromagnet, interface: Interface) -> tuple[float, float]:
    """(ξ_DL, ξ_FL) of the 1D bilayer in closed form (docs/model.md §11.4).

    ξ = θ_SH (1 − sech(d_N/λ_N)) · c with c = f G_s/(G_s + g_N) (complex; ξ_DL = Re c, ξ_FL = −Im c), where
    g_N = (σ_N/2λ_N) tanh(d_N/λ_N), G_s the transverse conductance of interface + FM in the complex notation
    i ≡ m× (ideal sink: conj G; continuous: G_F; mixing + finite FM: in series) and f the share of the
    absorbed transverse spin current that goes to the magnetization (not lost by spin flip).
    Independent of m (spin-rotation symmetry about m).
    """
    check_combination(fm, interface)
    lam = hm.lambda_nm * NM
    delta = hm.thickness_nm / hm.lambda_nm
    g_n = hm.sigma_s_per_m / (2.0 * lam) * math.tanh(delta)
    f = 1.0
    if fm.is_ideal_sink:
        g_s = interface.g_complex.conjugate()
    else:
        k = fm.inverse_lengths_sq_per_nm2()
        q2 = complex(k["sf"] + k["phi"], -k["j"]) / NM**2  # 1/m²
        q = np.sqrt(q2)  # principal root: Re q > 0
        sigma_f = fm.sigma_s_per_m or hm.sigma_s_per_m
        g_f = 0.5 * sigma_f * q * np.tanh(q * fm.thickness_nm * NM)
        f = (q2 - k["sf"] / NM**2) / q2
        if interface.kind == "continuous":
            g_s = g_f
        else:
            gc = interface.g_complex.conjugate()
            g_s = 0.0 if gc == 0 else 1.0 / (1.0 / gc + 1.0 / g_f)
    c = f * g_s / (g_s + g_n) * hm.theta_sh * (1.0 - 1.0 / math.cosh(delta))
    return float(c.real), float(-c.imag)


def absorbed_spin_current(mu_v: np.ndarray, m: np.ndarray, interface: Interface) -> np.ndarray:
    """Mixing-interface spin current (A/m², HM -> FM) for a spin accumulation μ (V, shape (3,) or (3, N))
    in front of an ideal sink: Re G m×(μ×m) + Im G μ×m (numpy twin of :meth:`BilayerModel.mixing_current`)."""
    mu = np.asarray(mu_v, dtype=float)
    mm = np.asarray(m, dtype=float).reshape((3,) + (1,) * (mu.ndim - 1))
    transverse = mu - np.sum(mu * mm, axis=0) * mm
    return interface.g_mix_real_s_per_m2 * transverse + interface.g_mix_imag_s_per_m2 * np.cross(mu, mm, axis=0)


def fm_torque_density_j_per_m3(mu_v: np.ndarray, m: np.ndarray, hm: HeavyMetal, fm: Ferromagnet) -> np.ndarray:
    """Torque per volume on the magnetization of a finite FM (J/m³) for a spin accumulation μ (V, shape (3,) or
    (3, N)): (ħ/2e)(σ_F/2)[μ×m/λ_J² + m×(μ×m)/λ_φ²], the exchange-precession and dephasing terms (spin flip
    hands spin to the lattice).  Its integral over the FM thickness is the torque per area (docs/model.md §11.5;
    numpy twin of :meth:`BilayerModel.fm_loss` with ``"torque"``)."""
    mu = np.asarray(mu_v, dtype=float)
    mm = np.asarray(m, dtype=float).reshape((3,) + (1,) * (mu.ndim - 1))
    k = fm.inverse_lengths_sq_per_nm2()
    transverse = mu - np.sum(mu * mm, axis=0) * mm
    loss = (k["j"] * np.cross(mu, mm, axis=0) + k["phi"] * transverse) / NM**2  # V/m²
    sigma_f = fm.sigma_s_per_m or hm.sigma_s_per_m
    return HBAR_OVER_2E * 0.5 * sigma_f * loss


def decompose_dl_fl(T: np.ndarray, m: np.ndarray, sigma: np.ndarray = SIGMA_HAT) -> tuple[float, float]:
    """(T_DL, T_FL) with T = T_DL m×(σ̂×m) + T_FL σ̂×m (NaN when m ∥ σ̂)."""
    t_fl, t_dl = decompose(T, np.asarray(m, dtype=float), np.asarray(sigma, dtype=float))
    return t_dl, t_fl


def probe_polarization(m: np.ndarray) -> np.ndarray:
    """A unit vector ⟂ m (for the linear-response efficiencies when m ∥ σ̂)."""
    m = np.asarray(m, dtype=float)
    p = np.cross(CURRENT_DIRECTION, m)
    if np.linalg.norm(p) < 0.5:
        p = np.cross(INTERFACE_NORMAL, m)
    return p / np.linalg.norm(p)


def bilayer_conventions(point: BilayerPoint) -> dict:
    """Every convention in force for a bilayer solve (the ``provenance.conventions`` of ``summary.json``;
    docs/model.md §10, §11)."""
    return {
        "spin_accumulation": "mu_s in V (mu_s/e); its polarization denotes the moment direction",
        "spin_current": "charge units (A/m^2, the 2e/hbar convention); angular momentum (hbar/2e) j_s",
        "current_direction": CURRENT_DIRECTION.tolist(),
        "interface_normal": INTERFACE_NORMAL.tolist(),
        "sigma_hat": SIGMA_HAT.tolist(),
        "spin_hall_source": "J0[a][d] = theta_SH eps_adk j_k",
        "interface": point.interface.kind,
        "interface_law": "j_s = (1/e)[Re G m x (dmu x m) + Im G dmu x m], dmu = mu_N - mu_F, HM -> FM",
        "fm": "ideal_sink" if point.fm.is_ideal_sink else "finite",
        "torque_decomposition": "T = T_DL m x (sigma x m) + T_FL sigma x m",
        "llg_torque_sign": LLG_TORQUE_SIGN,
        "torque_to_magnetization": "dm/dt = llg_torque_sign * gamma * T / (Ms d_F)",
        "effective_fields": "B = B_FL sigma + B_DL m x sigma acts as dm/dt = -gamma m x B: B = T/(Ms d_F)",
        "efficiency": "xi = (2e/hbar) T / j_N",
    }
