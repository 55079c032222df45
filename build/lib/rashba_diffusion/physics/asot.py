"""A single ferromagnetic film with bulk spin-current sources: anomalous spin-orbit torque (ASOT) and the
anomalous-Hall (AHE) torque.  The same spin drift-diffusion as the bilayer's FM (docs/model.md §11.2, §11.7).

The film occupies 0 ≤ z ≤ d_F (coordinate z, infinite in-plane), the current flows along x̂.  Sources
(bare spin currents J0[a][d], A/m², the mechanism of the bilayer's sources):

* ASOT (transverse spin Hall effect of the FM): J0 = θ_ASOT ε_adk j_k, polarization ŷ for flow ẑ whatever m;
* AHE (Taniguchi-like reading of the AHE paper, Eqs. 5 and 11-12): J0[a][z] = θ_AH (û⊥·m) û⊥_a, û⊥ = ẑ × ĵ,
  flowing out of plane, so that the torque is ∝ (û⊥·m) û⊥×m ∝ sin 2φ.

Surfaces are "free" (zero normal spin current) or "sink" (μ = 0).  The torque on each half of the film is the
exchange-precession and dephasing absorption integrated over that half (J/m²): the finite-element solve is
:func:`rashba_diffusion.problems.ferromagnet_film.solve_ferromagnet_film`; here are the sources and the closed
form.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import constants as sc

from ..errors import ParameterError
from ..units import HBAR_OVER_2E, NM
from ..validation import check_finite, check_positive, unit_vector
from .bilayer import CURRENT_DIRECTION, Ferromagnet, spin_hall_source
from .vectors import Z_HAT

#: boundary condition of a film surface: zero normal spin current ("free") or μ = 0 ("sink")
Surface = Literal["free", "sink"]
SURFACES = ("free", "sink")
#: û⊥ = ẑ × ĵ: in-plane, perpendicular to the current
U_PERP = np.cross(Z_HAT, CURRENT_DIRECTION)


def ahe_source(theta_ah: float, m, j_a_per_m2: float) -> np.ndarray:
    """J0[a][d] = θ_AH (û⊥·m) û⊥_a ẑ_d j (A/m²): the AHE spin current, polarized along û⊥ with the
    projection (û⊥·m) of the paper's Eq. 5, flowing out of plane."""
    m = np.asarray(unit_vector("m", m))
    out = np.zeros((3, 3))
    out[:, 2] = theta_ah * float(U_PERP @ m) * U_PERP * j_a_per_m2
    return out


def check_film(fm: Ferromagnet, bottom: Surface, top: Surface) -> float:
    """Validate a single film (a finite FM with its thickness and conductivity; known surfaces): σ_F in S/m."""
    if fm.is_ideal_sink or fm.thickness_nm is None:
        raise ParameterError("a single film needs fm_thickness_nm and at least one of its lengths (nm, > 0)")
    for name, s in (("bottom", bottom), ("top", top)):
        if s not in SURFACES:
            raise ParameterError(f"{name} = {s!r} is invalid; valid values: 'free', 'sink'")
    if not fm.sigma_s_per_m:
        raise ParameterError("fm_sigma_s_per_m = None S/m is invalid for a single film; valid range: (0, inf)")
    return check_positive("fm_sigma_s_per_m", fm.sigma_s_per_m, "S/m")


def asot_source(theta_asot: float, j_a_per_m2: float) -> np.ndarray:
    """The transverse spin Hall current of the FM (same convention as the HM's, docs/model.md §11.2)."""
    return spin_hall_source(check_finite("theta_asot", theta_asot, "(dimensionless)"),
                            check_finite("j_a_per_m2", j_a_per_m2, "A/m²") * CURRENT_DIRECTION)


def analytic_surface_torque(fm: Ferromagnet, m, polarization, j0_a_per_m2: float) -> np.ndarray:
    """Torque vector (J/m²) on the top half of a film with free surfaces and a uniform out-of-plane bare spin
    current j0 p (docs/model.md §11.7): T_top = (ħ/2e) j0 [Re c s + Im c m×s], s = m×(p×m),
    c = f (1 − sech(q d/2)), q² = 1/λ_sf² + 1/λ_φ² − i/λ_J², f = 1 − 1/(λ_sf² q²).  The bottom is −T_top."""
    m = np.asarray(unit_vector("m", m))
    p = np.asarray(polarization, dtype=float)
    k = fm.inverse_lengths_sq_per_nm2()
    q2 = complex(k["sf"] + k["phi"], -k["j"])  # nm⁻²
    q = np.sqrt(q2)
    c = (q2 - k["sf"]) / q2 * (1.0 - 1.0 / np.cosh(q * fm.thickness_nm / 2.0))
    s = np.cross(m, np.cross(p, m))
    return HBAR_OVER_2E * j0_a_per_m2 * (c.real * s + c.imag * np.cross(m, s))


def ahe_kappa(j_sd_ev: float, spin: float, polarization: float, v_f_m_per_s: float, sigma_ratio: float,
              mu0_ms_tesla: float, skin_depth_nm: float) -> float:
    """κ = H_SO/H of the AHE paper's Eq. 14: (J_sd S/Ms)(1/(2e P v_F))(σ⊥/σ∥)(1/λ), with μ0Ms in tesla and
    j_c ≈ H/λ (dimensionless)."""
    for name, v, unit in (("j_sd_ev", j_sd_ev, "eV"), ("spin", spin, "(dimensionless)"),
                          ("polarization", polarization, "(dimensionless)"), ("v_f_m_per_s", v_f_m_per_s, "m/s"),
                          ("sigma_ratio", sigma_ratio, "(dimensionless)"), ("mu0_ms_tesla", mu0_ms_tesla, "T"),
                          ("skin_depth_nm", skin_depth_nm, "nm")):
        check_positive(name, v, unit)
    h_so_over_h = j_sd_ev * sc.electron_volt * spin / (2 * sc.e * polarization * v_f_m_per_s) * sigma_ratio / (
        skin_depth_nm * NM)  # tesla
    return h_so_over_h / mu0_ms_tesla
