"""Micromagnetic material and drive of the finite-element LLG (numpy only; docs/model.md §14).

The energy density (J/m³) of a texture m(r), |m| = 1, is

    e(m) = A |∇m|² + K_u [1 − (m·ê)²] + K_⊥ (m·ĥ)² + K_d m_z² − Ms B_ext·m + D [m_z ∇·m − (m·∇) m_z]

with the exchange stiffness A, the easy axis ê (K_u ≥ 0), the hard axis ĥ (K_⊥ ≥ 0), the thin-film demag as a local
hard axis along the film normal ẑ (K_d = μ0Ms²/2 when ``thin_film_demag``), the Zeeman field and the interfacial
Dzyaloshinskii–Moriya interaction D (film normal ẑ; the sign convention of Thiaville et al., EPL 100, 57002 (2012),
mumax3's ``Dind``).  The current drives the Zhang–Li torques (u the spin-drift velocity, β the non-adiabatic
parameter)::

    ṁ = −γ m×B_eff + α m×ṁ − (u·∇)m + β m×(u·∇)m

This module holds the validated parameters, the local anisotropy as a quadratic form and its principal axes, the
1D wall profile and the collective-coordinate reference (:mod:`.domain_wall`) of a wall in these materials.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ..units import GAMMA_E_RAD_PER_S_T
from ..validation import (
    check_length,
    check_magnitude,
    check_non_negative,
    check_positive,
    finite_vector,
    unit_vector,
)
from .domain_wall import WallParameters
from .llg import MAX_ALPHA_GILBERT, MAX_FIELD_T, MAX_GAMMA_RAD_PER_S_T, MAX_MS_A_PER_M, MU0_T_M_PER_A
from .rashba import Drive, Film

Vector = tuple[float, float, float]
#: the film normal (the thin-film demag and the interfacial DMI refer to it)
FILM_NORMAL: Vector = (0.0, 0.0, 1.0)
#: a hard axis within this angle of perpendicular to the easy axis counts as perpendicular (|ê·ĥ| below it)
PERPENDICULAR_TOLERANCE = 1e-9
#: the wall's profile needs an easy axis: the smallest anisotropy gap K_eff accepted, relative to the largest term
MIN_ANISOTROPY_GAP = 1e-9


#: the valid ranges of the micromagnetic inputs (docs/reliability.md, "Bounds"): orders of magnitude beyond any
#: material (A ~ 1e-11 J/m, K ~ 1e6 J/m³, D ~ 1e-3 J/m², u ~ 1e2 m/s), inside floating point with a wide margin
MAX_EXCHANGE_J_PER_M = 1e-6
MAX_ANISOTROPY_J_PER_M3 = 1e10
MAX_DMI_J_PER_M2 = 1e2
MAX_DRIFT_M_PER_S = 1e7
MAX_BETA = 1e3


@dataclass(frozen=True)
class MicromagneticParameters:
    """The magnet of a finite-element LLG run (SI).

    Parameters
    ----------
    ms_a_per_m
        Saturation magnetization Ms (A/m, > 0).
    a_ex_j_per_m
        Exchange stiffness A (J/m, > 0).
    alpha_gilbert
        Gilbert damping α (>= 0).
    k_u_j_per_m3, easy_axis
        Uniaxial anisotropy K_u (J/m³, >= 0) along the unit vector ê: energy K_u [1 − (m·ê)²].
    k_perp_j_per_m3, hard_axis
        Hard-axis anisotropy K_⊥ (J/m³, >= 0) along the unit vector ĥ: energy K_⊥ (m·ĥ)²; with K_⊥ > 0, ĥ ⟂ ê.
    thin_film_demag
        Add the thin-film demagnetizing energy (μ0Ms²/2) m_z² (a local hard axis along the film normal ẑ).
    b_ext_t
        External field (T).
    dmi_j_per_m2
        Interfacial DMI constant D (J/m², any sign; film normal ẑ).
    gamma_rad_per_s_t
        γ > 0 (rad/(s·T)); default |γ_e|.
    """

    ms_a_per_m: float
    a_ex_j_per_m: float
    alpha_gilbert: float
    k_u_j_per_m3: float = 0.0
    easy_axis: Vector = (0.0, 0.0, 1.0)
    k_perp_j_per_m3: float = 0.0
    hard_axis: Vector = (0.0, 1.0, 0.0)
    thin_film_demag: bool = False
    b_ext_t: Vector = (0.0, 0.0, 0.0)
    dmi_j_per_m2: float = 0.0
    gamma_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T

    def __post_init__(self) -> None:
        s = object.__setattr__
        s(self, "ms_a_per_m", check_positive("ms_a_per_m", self.ms_a_per_m, "A/m", upper=MAX_MS_A_PER_M))
        s(self, "a_ex_j_per_m", check_positive("a_ex_j_per_m", self.a_ex_j_per_m, "J/m", upper=MAX_EXCHANGE_J_PER_M))
        s(self, "alpha_gilbert", check_non_negative("alpha_gilbert", self.alpha_gilbert, "(dimensionless)",
                                               MAX_ALPHA_GILBERT))
        s(self, "k_u_j_per_m3", check_non_negative("k_u_j_per_m3", self.k_u_j_per_m3, "J/m³", MAX_ANISOTROPY_J_PER_M3))
        s(self, "k_perp_j_per_m3", check_non_negative("k_perp_j_per_m3", self.k_perp_j_per_m3, "J/m³",
                                                 MAX_ANISOTROPY_J_PER_M3))
        s(self, "easy_axis", unit_vector("easy_axis", self.easy_axis))
        s(self, "hard_axis", unit_vector("hard_axis", self.hard_axis))
        if not isinstance(self.thin_film_demag, bool):
            raise ParameterError(f"thin_film_demag = {self.thin_film_demag!r} is invalid; valid values: True, False")
        s(self, "b_ext_t", finite_vector("b_ext_t", self.b_ext_t, "T", MAX_FIELD_T))
        s(self, "dmi_j_per_m2", check_magnitude("dmi_j_per_m2", self.dmi_j_per_m2, "J/m²", MAX_DMI_J_PER_M2))
        s(self, "gamma_rad_per_s_t", check_positive("gamma_rad_per_s_t", self.gamma_rad_per_s_t, "rad/(s·T)",
                                                    upper=MAX_GAMMA_RAD_PER_S_T))
        dot = abs(float(np.dot(self.easy_axis, self.hard_axis)))
        if self.k_perp_j_per_m3 > 0.0 and dot > PERPENDICULAR_TOLERANCE:
            raise ParameterError(
                f"hard_axis = {self.hard_axis} is invalid with easy_axis = {self.easy_axis}: |ê·ĥ| = {dot:.3g}; "
                "valid: ĥ ⟂ ê when k_perp_j_per_m3 > 0")

    @property
    def demag_k_j_per_m3(self) -> float:
        """K_d = μ0Ms²/2 (J/m³) when ``thin_film_demag``, else 0."""
        return 0.5 * MU0_T_M_PER_A * self.ms_a_per_m**2 if self.thin_film_demag else 0.0

    def anisotropy_matrix_j_per_m3(self) -> np.ndarray:
        """The symmetric 3×3 K of the local energy m·Km (up to the constant K_u): −K_u êêᵀ + K_⊥ ĥĥᵀ + K_d ẑẑᵀ."""
        e, h, z = (np.asarray(v) for v in (self.easy_axis, self.hard_axis, FILM_NORMAL))
        return (-self.k_u_j_per_m3 * np.outer(e, e) + self.k_perp_j_per_m3 * np.outer(h, h)
                + self.demag_k_j_per_m3 * np.outer(z, z))

    def principal_axes(self) -> WallAxes:
        """The easy, medium and hard axes of the local anisotropy and the two gaps (:class:`WallAxes`).

        A 1D wall rotates from +easy to −easy through the medium axis; the collective-coordinate model sees
        K_eff = k_mid − k_min (its K_u) and K⊥,eff = k_max − k_mid (its K_⊥).  The easy axis is ``easy_axis``
        itself whenever it is an eigenvector with the lowest eigenvalue (sign kept).
        """
        k = self.anisotropy_matrix_j_per_m3()
        w, v = np.linalg.eigh(k)
        scale = max(np.max(np.abs(w)), 1e-300)
        if w[1] - w[0] <= MIN_ANISOTROPY_GAP * scale:
            raise ParameterError(
                f"k_u_j_per_m3 = {self.k_u_j_per_m3!r} J/m³ is invalid: the local anisotropy has no unique easy axis "
                f"(eigenvalues {w.tolist()} J/m³); valid range: an easy axis lower than every other direction")
        axes = [v[:, i] for i in range(3)]
        e0 = np.asarray(self.easy_axis)
        if abs(abs(axes[0] @ e0) - 1.0) < 1e-12:
            axes[0] = e0.copy()
        h0 = np.asarray(self.hard_axis)
        if self.k_perp_j_per_m3 > 0 and abs(abs(axes[2] @ h0) - 1.0) < 1e-12:
            axes[2] = h0.copy()
        # a right-handed frame (easy, medium, hard) with hard = easy × medium
        medium = np.cross(axes[2], axes[0])
        return WallAxes(tuple(axes[0]), tuple(medium), tuple(axes[2]), float(w[1] - w[0]), float(w[2] - w[1]))

    def wall_width_m(self) -> float:
        """Δ = √(A/K_eff) (m), the static 1D wall's width (K_eff of :meth:`principal_axes`)."""
        return math.sqrt(self.a_ex_j_per_m / self.principal_axes().k_eff_j_per_m3)


@dataclass(frozen=True)
class WallAxes:
    """The principal axes of the local anisotropy (unit vectors, right-handed: hard = easy × medium) and its gaps."""

    easy: Vector
    medium: Vector
    hard: Vector
    k_eff_j_per_m3: float
    k_perp_eff_j_per_m3: float


@dataclass(frozen=True)
class ZhangLiDrive:
    """Zhang–Li current drive: spin-drift velocity u (m/s, a 3-vector in the film plane) and β.

    τ = −(u·∇)m + β m×(u·∇)m; u ∥ +x̂ moves an up→down wall with the electrons' spin current along +x̂.
    """

    u_m_per_s: Vector
    beta: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "u_m_per_s", finite_vector("u_m_per_s", self.u_m_per_s, "m/s", MAX_DRIFT_M_PER_S))
        object.__setattr__(self, "beta", check_magnitude("beta", self.beta, "(dimensionless)", MAX_BETA))


def wall_profile(x_nm: np.ndarray, center_nm: float, width_nm: float, axes: WallAxes, phi_rad: float = 0.0,
                 wall_type: int = 1) -> np.ndarray:
    """m (3, N) of the rigid wall θ = 2 atan exp(Q(x − q)/Δ) along x, rotating from +ê (θ = 0) to −ê (θ = π).

    m = cos θ ê + sin θ (cos φ n̂ + sin φ ĥ) with n̂ the medium axis; Q = +1: +ê at x → −∞ (up→down).
    """
    if wall_type not in (1, -1):
        raise ParameterError(f"wall_type = {wall_type!r} is invalid; valid values: 1, -1")
    th = 2.0 * np.arctan(np.exp(wall_type * (np.asarray(x_nm, dtype=float) - center_nm) / width_nm))
    e, n, h = (np.asarray(v)[:, None] for v in (axes.easy, axes.medium, axes.hard))
    return np.cos(th) * e + np.sin(th) * (math.cos(phi_rad) * n + math.sin(phi_rad) * h)


def wall_reference(params: MicromagneticParameters, drive: ZhangLiDrive, wall_type: int = 1) -> WallParameters | None:
    """The collective-coordinate model (:mod:`.domain_wall`, docs/model.md §13.8) of a 1D wall along x̂.

    Its K_u and K_⊥ are K_eff and K⊥,eff of :meth:`MicromagneticParameters.principal_axes` (the (q, φ) equations are
    invariant under a proper rotation of spin space, so the axes need not be ẑ and ŷ), u = u_x, B_z = B_ext·ê.
    ``None`` where the model does not apply: DMI (it couples spin and space), a field component off the easy axis,
    a drift velocity off the wire's axis, or α = 0.
    """
    axes = params.principal_axes()
    b = np.asarray(params.b_ext_t)
    e = np.asarray(axes.easy)
    b_easy = float(b @ e)
    if params.dmi_j_per_m2 != 0.0 or np.linalg.norm(b - b_easy * e) > 0.0 or params.alpha_gilbert == 0.0:
        return None
    if drive.u_m_per_s[1] != 0.0 or drive.u_m_per_s[2] != 0.0:
        return None
    return WallParameters(
        ms_a_per_m=params.ms_a_per_m, a_ex_j_per_m=params.a_ex_j_per_m, k_u_j_per_m3=axes.k_eff_j_per_m3,
        k_perp_j_per_m3=axes.k_perp_eff_j_per_m3, alpha_gilbert=params.alpha_gilbert, beta=drive.beta,
        u_m_per_s=drive.u_m_per_s[0], gamma_rad_per_s_t=params.gamma_rad_per_s_t, b_easy_t=b_easy,
        wall_type=wall_type)


@dataclass(frozen=True)
class SpinDiffusionDrive:
    """The Rashba film whose spin accumulation, solved for the texture, drives it (docs/model.md §14.4).

    Parameters
    ----------
    film, drive
        The film and its electric field (the current).
    thickness_nm
        Film thickness t (nm, > 0) of τ = σγħT/(Ms t).
    pumping
        Include the source −s0 ṁ of the moving equilibrium spin (default; off: the E-driven part only).
    """

    film: Film
    drive: Drive
    thickness_nm: float
    pumping: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.film, Film) or not isinstance(self.drive, Drive):
            raise ParameterError("SpinDiffusionDrive needs a Film and a Drive")
        object.__setattr__(self, "thickness_nm", check_length("thickness_nm", self.thickness_nm))
        if not isinstance(self.pumping, bool):
            raise ParameterError(f"pumping = {self.pumping!r} is invalid; valid values: True, False")
