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

import math
import re
from collections.abc import Mapping

import numpy as np

from ..errors import ParameterError
from ..units import EV_PER_NM2_TO_J_PER_M2, HBAR_EV_FS, HBAR_OVER_2E, NM
from ..validation import check_length, check_positive
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


#: a film summary's torque pairs: the keys ``T_perp<suffix>_J_per_m2`` and ``T_par<suffix>_J_per_m2``
_PERP_KEY = re.compile(r"^T_perp(?P<suffix>.*)_J_per_m2$")


def film_torque_suffixes(summary: Mapping) -> list[str]:
    """The suffixes of the (T⊥, T∥) pairs in a film summary: ``""``, ``"_bulk"``, ``"_midline"``, ..."""
    return [m["suffix"] for k in sorted(summary) if (m := _PERP_KEY.match(k)) and f"T_par{m['suffix']}_J_per_m2"
            in summary]


def _number(v) -> float:
    """A summary value as a float (``None``, an undefined torque, as NaN)."""
    return math.nan if v is None else float(v)


def add_film_dl_fl(summary: dict, *, llg_sign: int) -> None:
    """Add the bilayer's names to a film summary: ``T_FL<suffix>_J_per_m2``, ``T_DL<suffix>_J_per_m2``.

    The film's torque acts as ṁ = σγħT/(Ms t) with σ = ``llg_sign``, the bilayer's as ṁ = +γT/(Ms d_F) with
    T = T_DL m×(σ̂×m) + T_FL σ̂×m.  With û in σ̂'s place, the same action on m needs T_FL = σħT⊥ and T_DL = σħT∥
    (docs/model.md §10.1), so that a film's and a bilayer's T_DL, T_FL, ξ and B compare like with like.
    """
    if llg_sign not in (1, -1):
        raise ParameterError(f"llg_sign = {llg_sign!r} is invalid; valid values: 1, -1")
    for sfx in film_torque_suffixes(summary):
        summary[f"T_FL{sfx}_J_per_m2"] = llg_sign * _number(summary[f"T_perp{sfx}_J_per_m2"])
        summary[f"T_DL{sfx}_J_per_m2"] = llg_sign * _number(summary[f"T_par{sfx}_J_per_m2"])


def add_film_efficiencies(summary: dict, thickness_nm: float, ms_a_per_m: float | None = None, *,
                          llg_sign: int) -> None:
    """Add what a film's thickness t (and saturation magnetization Ms) give to a film summary.

    Needs ``j_sheet_A_per_m`` (the sheet current σE, A/m) and the torque pairs.  Adds ``thickness_nm``, the
    current density ``j_A_per_m2`` = j_sheet/t, the efficiencies ``xi_DL<suffix>``, ``xi_FL<suffix>`` =
    (2e/ħ) T/j (of :func:`add_film_dl_fl`'s T_DL, T_FL; NaN when j = 0) and, with ``ms_a_per_m``, the effective
    fields ``B_FL<suffix>_T``, ``B_DL<suffix>_T`` (:func:`effective_fields_tesla`).
    """
    t = check_positive("thickness_nm", thickness_nm, "nm")
    add_film_dl_fl(summary, llg_sign=llg_sign)
    j = summary["j_sheet_A_per_m"] / (t * NM)
    summary["thickness_nm"], summary["j_A_per_m2"] = t, j
    for sfx in film_torque_suffixes(summary):
        for kind in ("DL", "FL"):
            torque = summary[f"T_{kind}{sfx}_J_per_m2"]
            summary[f"xi_{kind}{sfx}"] = torque / (HBAR_OVER_2E * j) if j != 0 else math.nan
        if ms_a_per_m is not None:
            b_fl, b_dl = effective_fields_tesla(_number(summary[f"T_perp{sfx}_J_per_m2"]),
                                                _number(summary[f"T_par{sfx}_J_per_m2"]), ms_a_per_m, t,
                                                llg_sign=llg_sign)
            summary[f"B_FL{sfx}_T"], summary[f"B_DL{sfx}_T"] = b_fl, b_dl


def check_efficiency_inputs(thickness_nm: float | None, ms_a_per_m: float | None) -> tuple[float | None, float | None]:
    """Validate a film's thickness t (nm, > 0) and saturation magnetization Ms (A/m, > 0), both optional; Ms
    needs t (the effective fields are ħT/(Ms t)).  Returns them as floats."""
    if ms_a_per_m is not None and thickness_nm is None:
        raise ParameterError(f"ms_a_per_m = {ms_a_per_m!r} A/m needs thickness_nm (nm, > 0): the effective fields "
                             "are hbar*T/(Ms t)")
    t = None if thickness_nm is None else check_length("thickness_nm", thickness_nm)
    ms = None if ms_a_per_m is None else check_positive("ms_a_per_m", ms_a_per_m, "A/m", upper=MAX_MS_A_PER_M)
    return t, ms
