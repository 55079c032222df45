"""Torque post-processing (Eq. 24) and its decomposition.

Conventions (also in README.md):

* T = −(1/τΔ) m × δS + (1/τφ) δS, δS = s − (s·m) m  (Eq. 24), a rate of
  spin density in 1/(nm² fs); ħ·T is a torque per area (J/m²).
* With û = ẑ × Ê (û = ŷ for E ∥ x̂):  T = T⊥ û × m + T∥ m × (û × m).
  T⊥ is the field-like ("out-of-plane") and T∥ the damping-like ("in-plane")
  coefficient.  Both basis vectors have norm |û × m|, so the decomposition is
  undefined (NaN) when m ∥ û.
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ..units import EV_PER_NM2_TO_J_PER_M2, HBAR_EV_FS, NM
from .rashba import Coefficients
from .vectors import PARALLEL_TOLERANCE, cross


def torque_from_spin(c: Coefficients, m: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Eq. 24 for arrays of shape (3,) or (3, N) (m the same shape or (3,))."""
    m = np.asarray(m, dtype=float)
    s = np.asarray(s, dtype=float)
    if s.ndim == 2 and m.ndim == 1:
        m = m[:, None]
    ds = s - np.sum(s * m, axis=0) * m
    return -c.inv_tau_delta * cross(m, ds) + c.inv_tau_phi * ds


def decompose(T: np.ndarray, m: np.ndarray, u: np.ndarray) -> tuple:
    """(T⊥, T∥) with T = T⊥ u×m + T∥ m×(u×m); arrays of shape (3,) or (3, N)."""
    T = np.asarray(T, dtype=float)
    m = np.asarray(m, dtype=float)
    u = np.asarray(u, dtype=float)
    if T.ndim == 2:
        if m.ndim == 1:
            m = m[:, None]
        u = u[:, None]
    e_perp = cross(u, m)
    e_par = cross(m, e_perp)
    norm2 = np.sum(e_perp * e_perp, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        bad = norm2 < PARALLEL_TOLERANCE**2
        t_perp = np.where(bad, np.nan, np.sum(T * e_perp, axis=0) / np.where(bad, 1.0, norm2))
        t_par = np.where(bad, np.nan, np.sum(T * e_par, axis=0) / np.where(bad, 1.0, norm2))
    if T.ndim == 1:
        return float(t_perp), float(t_par)
    return t_perp, t_par


def torque_to_j_per_m2(t) -> float | np.ndarray:
    """ħ·T: a torque rate in 1/(nm² fs) to a torque per area in J/m²."""
    return np.asarray(t) * HBAR_EV_FS * EV_PER_NM2_TO_J_PER_M2 if np.ndim(t) else float(
        t * HBAR_EV_FS * EV_PER_NM2_TO_J_PER_M2
    )


#: the largest saturation magnetization accepted (A/m): 5× that of Fe65Co35 (1.95e6 A/m)
MAX_MS_A_PER_M = 1e7


def effective_fields_tesla(
    t_perp_j_per_m2: float, t_par_j_per_m2: float, ms_a_per_m: float, thickness_nm: float, *, llg_sign: int
) -> tuple[float, float]:
    """The fields (T) that act on m like the two torque components.

    A model's torque per area τ (J/m²) enters the LLG equation as ṁ ∋ llg_sign·γτ/(Ms t) (Ms in A/m, t the
    film thickness): ``llg_sign`` is the model's own mapping, ``physics.rashba.LLG_TORQUE_SIGN`` (−1) for the
    Rashba film and ``physics.bilayer.LLG_TORQUE_SIGN`` (+1) for the bilayer (docs/model.md §7, §10).  With
    τ = τ⊥ û×m + τ∥ m×(û×m) and −γ m×(B_FL û + B_DL m×û) = γ[B_FL û×m + B_DL m×(û×m)], the current then
    acts like the field B = B_FL û + B_DL m×û in dm/dt = −γ m×B, with

        B_FL = llg_sign·τ⊥/(Ms t),    B_DL = llg_sign·τ∥/(Ms t).

    Returns
    -------
    (B_FL, B_DL) in tesla.
    """
    if llg_sign not in (1, -1):
        raise ParameterError(f"llg_sign = {llg_sign!r} is invalid; valid values: 1, -1")
    denom = ms_a_per_m * thickness_nm * NM / llg_sign
    return t_perp_j_per_m2 / denom, t_par_j_per_m2 / denom
