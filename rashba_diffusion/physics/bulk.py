"""The infinite medium (Eqs. 26-33): an exact 3x3 solve, any m and field.

This module is deliberately written from the printed Eq. 26 and Eq. 33 in
plain numpy, independently of the UFL operator in :mod:`rashba_diffusion.models.rashba`, so that the
wire's interior can be checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import SolveError
from ..units import V_PER_M_TO_EV_PER_NM
from ..validation import unit_vector
from .rashba import Coefficients, Drive, Film
from .torque import decompose, torque_from_spin, torque_to_j_per_m2
from .vectors import Z_HAT, cross, cross_matrix

#: the normal of the wire's edges: the wire runs along x̂ with its width along ŷ
#: (:func:`~rashba_diffusion.meshing.structured.cross_section`, :func:`~rashba_diffusion.meshing.gmsh_build.wire`),
#: whatever the field's direction Ê, so this (not ẑ × Ê) is the Hall-free normal of its interior (docs/model.md §8)
WIRE_EDGE_NORMAL = (0.0, 1.0, 0.0)


def relaxation_matrix(c: Coefficients, m: np.ndarray) -> np.ndarray:
    """M with M s = s/τsf + (s + s_z ẑ)/τdp + (1/τΔ) s×m + (1/τφ) m×(s×m)  (Eq. 26)."""
    eye = np.eye(3)
    return (
        (c.inv_tau_sf + c.inv_tau_dp) * eye
        + c.inv_tau_dp * np.outer(Z_HAT, Z_HAT)
        - c.inv_tau_delta * cross_matrix(m)  # s×m = -m×s
        + c.inv_tau_phi * (eye - np.outer(m, m))  # m×(s×m) = s - (m·s)m
    )


def source_eq33(c: Coefficients, m: np.ndarray, eE: np.ndarray) -> np.ndarray:
    """X of Eq. 33 in 1/(nm² fs); eE is the vector e·E in eV/nm."""
    u = cross(Z_HAT, eE)  # ẑ × (eE)
    return c.NF * (
        c.B * u
        + 2.0 * c.C * c.PF * cross(u, m)
        + 2.0 * c.R * np.dot(m, u) * m
        + c.Gamma * c.PF * cross(m, cross(u, m))
    )


@dataclass(frozen=True)
class BulkResult:
    """Infinite-medium spin density and torque.

    ``s`` in ħ/nm², ``torque`` in 1/(nm² fs); the ``*_j_per_m2`` values are
    ħ·T in J/m².
    """

    s: np.ndarray
    torque: np.ndarray
    T_perp: float
    T_par: float
    hall_gradient: float = 0.0

    @property
    def T_perp_j_per_m2(self) -> float:
        return torque_to_j_per_m2(self.T_perp)

    @property
    def T_par_j_per_m2(self) -> float:
        return torque_to_j_per_m2(self.T_par)

    @property
    def s_per_m2(self) -> np.ndarray:
        """s in units of ħ per m²."""
        return self.s * 1e18


def _linear_solve(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``A⁻¹ b``; a singular system (no relaxation of some spin component) is a failed solve, not a crash."""
    try:
        return np.linalg.solve(A, b)
    except np.linalg.LinAlgError:
        raise SolveError("the infinite medium's equations (Eq. 26) are singular for these parameters") from None


def solve_bulk(
    film: Film | Coefficients,
    drive: Drive,
    m,
    *,
    hall_free_normal=None,
) -> BulkResult:
    """Solve Eq. 26 with the source of Eq. 33.

    Parameters
    ----------
    film
        The material (or its coefficients, e.g. with terms switched off).
    drive
        The applied field.
    m
        Unit magnetization (3 components).
    hall_free_normal
        ``None``: the open infinite medium (∇ν = 0).  An in-plane unit vector
        n̂: the interior of a long wire whose edges have normal n̂, where the
        charge current across the wire must vanish (the package's wire:
        :data:`WIRE_EDGE_NORMAL` = ŷ for every Ê).  A uniform gradient ∇ν = g n̂
        then builds up and feeds the B and R sources (docs/model.md §9 item 9).
        The Γν m×ẑ drift of the charge equation is neglected here (ν = 0 at
        the wire's centre).
    """
    c = film if isinstance(film, Coefficients) else film.coefficients()
    m = np.asarray(unit_vector("m", m))
    eE = drive.e_field_ev_per_nm
    M = relaxation_matrix(c, m)
    X = source_eq33(c, m, eE)
    g = 0.0
    if hall_free_normal is None:
        s = _linear_solve(M, X)
    else:
        n = np.asarray(unit_vector("hall_free_normal", hall_free_normal, in_plane=True))
        # B and R sources of a density gradient g n̂ (per unit g): NF eE -> g n̂
        un = cross(Z_HAT, n)
        Xg = c.B * un + 2.0 * c.R * np.dot(m, un) * m
        # charge current along n̂ (Eq. 16 in flux form, see docs/model.md):
        # -D (g + NF eE·n̂) - kB B (s×ẑ)·n̂ - kR R (s·m)(m×ẑ)·n̂ = 0
        # (s×ẑ)·n̂ = s·(ẑ×n̂)
        row_s = -c.charge_B_factor * c.B * cross(Z_HAT, n) - c.charge_R_factor * c.R * np.dot(cross(m, Z_HAT), n) * m
        K = np.zeros((4, 4))
        K[:3, :3] = M
        K[:3, 3] = -Xg
        K[3, :3] = row_s
        K[3, 3] = -c.D
        rhs = np.concatenate([X, [c.D * c.NF * np.dot(eE, n)]])
        sol = _linear_solve(K, rhs)
        s, g = sol[:3], float(sol[3])
    T = torque_from_spin(c, m, s)
    t_perp, t_par = decompose(T, m, drive.transverse)
    return BulkResult(s=s, torque=T, T_perp=t_perp, T_par=t_par, hall_gradient=g)


def weak_coupling_torques(c: Coefficients, drive: Drive) -> tuple[float, float]:
    """Eqs. 36-37 (τdp → ∞, B and R dropped) in 1/(nm² fs), with β̃ as in Sec. III."""
    tau_delta = 1.0 / c.inv_tau_delta
    xi = tau_delta * (c.inv_tau_sf + c.inv_tau_phi)
    beta = tau_delta * c.inv_tau_sf
    bt = beta / (1.0 + xi**2)
    pre = drive.efield_v_per_m * V_PER_M_TO_EV_PER_NM * c.PF * c.NF
    t_perp = pre * (2.0 * (1.0 - xi * bt) * c.C + bt * c.Gamma)
    t_par = pre * ((1.0 - xi * bt) * c.Gamma - 2.0 * bt * c.C)
    return t_perp, t_par
