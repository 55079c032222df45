"""Macrospin Landau–Lifshitz–Gilbert (LLG) model with spin torques, and the closed forms it is checked against.

Everything is SI: m is a unit vector, fields are in tesla, γ > 0 in rad/(s·T), time in s.  The derivations of
every formula here, with the signs, are in ``docs/model.md`` §13.

Gilbert form (§13.1)::

    ṁ = −γ m×B_eff + α m×ṁ + α_i ṁ + τ,        τ ⟂ m

with B_eff = B_ext + B_K (m·ê)ê − B_h (m·ĥ)ĥ − μ0 Ms N·m (§13.2), the prescribed torques (§13.3)::

    τ_DL = −γ B_DL m×(m×σ)      τ_FL = −γ B_FL m×σ      τ_STT = −γ a_J m×(m×p)

and α_i the reactive (Im G↑↓) spin-pumping coefficient of §13.5 (0 unless pumping is modelled).  The prescribed torques
are fields that depend on m: B_DL m×σ, B_FL σ and a_J m×p; so the right-hand side is −γ m×B_tot plus any extra
torque from a callable (the self-consistent hook: a solve of the package's Rashba film or bilayer for the current m).

Explicit Landau–Lifshitz form (§13.1.2)::

    ṁ = [a + α' m×a] / (1 + α'²),   a = (−γ m×B_tot + τ_extra,⊥) / (1 − α_i),   α' = α/(1 − α_i)

Relation to the package's torque T (J/m², ``bilayer``/``torque``): T = −m×(Ms d B) with B = T/(Ms d), so
τ = γ T/(Ms d) (§13.3.2): the package's T_DL, T_FL give B_DL = T_DL/(Ms d), B_FL = T_FL/(Ms d) in the forms above.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import constants as sc

from ..errors import ParameterError
from ..units import GAMMA_E_RAD_PER_S_T, NM
from ..validation import check_finite, check_non_negative, check_positive, finite_vector, unit_vector
from .vectors import cross

#: μ0 in T·m/A (scipy.constants)
MU0_T_M_PER_A = float(sc.mu_0)
#: demagnetizing factors of a uniform ellipsoid sum to 1 to this tolerance
DEMAG_SUM_TOLERANCE = 1e-6
#: m0 is accepted as an equilibrium when |m0 × B_eff(m0)| ≤ this × (|B_eff| + 1 T)
EQUILIBRIUM_TOLERANCE = 1e-9

Vector = tuple[float, float, float]
#: an extra torque τ(m, t) in 1/s (the Gilbert-form term, projected on the plane ⟂ m by the caller)
TorqueFunction = Callable[[np.ndarray, float], np.ndarray]


#: bounds of the macrospin's inputs, where the model (or floating point) ends: Ms 5x that of Fe65Co35 (as
#: physics.torque.MAX_MS_A_PER_M), gamma 60x the electron's, a Gilbert damping of 100, fields of 1e4 T
MAX_MS_A_PER_M = 1e7
MAX_GAMMA_RAD_PER_S_T = 1e13
MAX_ALPHA_GILBERT = 100.0
MAX_FIELD_T = 1e4


def _field(name: str, value: float) -> float:
    """A field in T: finite, |B| <= MAX_FIELD_T."""
    v = check_finite(name, value, "T")
    if abs(v) > MAX_FIELD_T:
        raise ParameterError(f"{name} = {value!r} T is invalid; valid range: [-{MAX_FIELD_T:g}, {MAX_FIELD_T:g}]")
    return v


def _demag(value) -> Vector | None:
    if value is None:
        return None
    n = finite_vector("demag_factors", value, "(dimensionless)")
    if min(n) < 0.0 or max(n) > 1.0 or abs(sum(n) - 1.0) > DEMAG_SUM_TOLERANCE:
        raise ParameterError(
            f"demag_factors = {n} (dimensionless) is invalid; valid range: each in [0, 1], "
            f"Nx + Ny + Nz = 1 within {DEMAG_SUM_TOLERANCE:g} (thin film in the xy plane: 0,0,1)"
        )
    return n


@dataclass(frozen=True)
class MacrospinParameters:
    """A uniformly magnetized magnet (macrospin) and the torques acting on it.

    Parameters
    ----------
    ms_a_per_m
        Saturation magnetization Ms in A/m (> 0).
    alpha_gilbert
        Gilbert damping α (dimensionless, >= 0); include any spin-pumping enhancement Re α' here.
    gamma_rad_per_s_t
        Gyromagnetic ratio γ > 0 in rad/(s·T); default |γ_e| (``GAMMA_E_RAD_PER_S_T``).
    b_ext_t
        External field B_ext (3 components, T).
    b_k_t, easy_axis
        Uniaxial anisotropy field B_K = 2K_u/Ms (T, >= 0) along the unit vector ê (energy −K_u (m·ê)²).
    b_hard_t, hard_axis
        Hard-axis field B_h = 2K_⊥/Ms (T, >= 0) along the unit vector ĥ (energy +K_⊥ (m·ĥ)²).
    demag_factors
        (Nx, Ny, Nz), each in [0, 1], summing to 1 (a film in the xy plane: (0, 0, 1)); ``None``: no demag field.
    b_dl_t, b_fl_t, sigma
        Damping-like and field-like spin-orbit fields (T, any sign) and the unit polarization σ:
        τ = −γ B_DL m×(m×σ) − γ B_FL m×σ (the package's B = T/(Ms d_F); docs/model.md §13.3).
    a_j_t, p
        Slonczewski field a_J (T, any sign) and the unit polarizer p: τ = −γ a_J m×(m×p).
    alpha_reactive
        α_i, the coefficient of the reactive term α_i ṁ (Im G↑↓ spin pumping, docs/model.md §13.5; < 1); it divides
        γ and α by (1 − α_i).
    """

    ms_a_per_m: float
    alpha_gilbert: float
    gamma_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T
    b_ext_t: Vector = (0.0, 0.0, 0.0)
    b_k_t: float = 0.0
    easy_axis: Vector = (0.0, 0.0, 1.0)
    b_hard_t: float = 0.0
    hard_axis: Vector = (0.0, 0.0, 1.0)
    demag_factors: Vector | None = None
    b_dl_t: float = 0.0
    b_fl_t: float = 0.0
    sigma: Vector = (0.0, 1.0, 0.0)
    a_j_t: float = 0.0
    p: Vector = (1.0, 0.0, 0.0)
    alpha_reactive: float = 0.0

    def __post_init__(self) -> None:
        s = object.__setattr__
        s(self, "ms_a_per_m", check_positive("ms_a_per_m", self.ms_a_per_m, "A/m", upper=MAX_MS_A_PER_M))
        s(self, "alpha_gilbert", check_non_negative("alpha_gilbert", self.alpha_gilbert, "(dimensionless)",
                                               MAX_ALPHA_GILBERT))
        s(self, "gamma_rad_per_s_t", check_positive("gamma_rad_per_s_t", self.gamma_rad_per_s_t, "rad/(s·T)",
                                                    upper=MAX_GAMMA_RAD_PER_S_T))
        s(self, "b_ext_t", finite_vector("b_ext_t", self.b_ext_t, "T", MAX_FIELD_T))
        s(self, "b_k_t", check_non_negative("b_k_t", self.b_k_t, "T", MAX_FIELD_T))
        s(self, "b_hard_t", check_non_negative("b_hard_t", self.b_hard_t, "T", MAX_FIELD_T))
        for name in ("easy_axis", "hard_axis", "sigma", "p"):
            s(self, name, unit_vector(name, getattr(self, name)))
        s(self, "demag_factors", _demag(self.demag_factors))
        for name in ("b_dl_t", "b_fl_t", "a_j_t"):
            s(self, name, _field(name, getattr(self, name)))
        ai = check_finite("alpha_reactive", self.alpha_reactive, "(dimensionless)")
        if ai >= 1.0:
            raise ParameterError(f"alpha_reactive = {ai!r} (dimensionless) is invalid; valid range: (-inf, 1)")
        s(self, "alpha_reactive", ai)

    def replace(self, **changes) -> MacrospinParameters:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def without_current(self) -> MacrospinParameters:
        """The same magnet with the prescribed torques (B_DL, B_FL, a_J) switched off."""
        return self.replace(b_dl_t=0.0, b_fl_t=0.0, a_j_t=0.0)

    @property
    def mu0_ms_t(self) -> float:
        """μ0 Ms in T."""
        return MU0_T_M_PER_A * self.ms_a_per_m

    def field_matrix_t(self) -> tuple[np.ndarray, np.ndarray]:
        """(b, Q) with B_eff(m) = b + Q m: the energy is quadratic in m (§13.2).

        Q = B_K êêᵀ − B_h ĥĥᵀ − μ0 Ms diag(N), symmetric.
        """
        e = np.array(self.easy_axis)
        h = np.array(self.hard_axis)
        q = self.b_k_t * np.outer(e, e) - self.b_hard_t * np.outer(h, h)
        if self.demag_factors is not None:
            q = q - self.mu0_ms_t * np.diag(self.demag_factors)
        return np.array(self.b_ext_t), q

    def effective_field_t(self, m) -> np.ndarray:
        """B_eff(m) = −(1/Ms) ∂E/∂m in T (external + anisotropy + hard axis + demag)."""
        b, q = self.field_matrix_t()
        return b + q @ np.asarray(m, dtype=float)

    def energy_density_j_per_m3(self, m) -> np.ndarray | float:
        """E(m) = Ms (−b·m − ½ m·Q m) in J/m³, for m of shape (3,) or (N, 3).

        = −Ms B_ext·m − K_u (m·ê)² + K_⊥ (m·ĥ)² + (μ0 Ms²/2) m·N m.
        """
        b, q = self.field_matrix_t()
        m = np.asarray(m, dtype=float)
        e = -(m @ b) - 0.5 * np.einsum("...i,ij,...j->...", m, q, m)
        return self.ms_a_per_m * e

    def prescribed_torque_per_s(self, m) -> np.ndarray:
        """τ_DL + τ_FL + τ_STT in 1/s at m (the Gilbert-form torques of §13.3)."""
        m = np.asarray(m, dtype=float)
        return -self.gamma_rad_per_s_t * cross(m, self.torque_field_t(m))

    def torque_field_t(self, m) -> np.ndarray:
        """The field whose precession torque −γ m×B equals the prescribed torques: B_DL m×σ + B_FL σ + a_J m×p."""
        m = np.asarray(m, dtype=float)
        sig = np.array(self.sigma)
        out = self.b_fl_t * sig
        if self.b_dl_t:
            out = out + self.b_dl_t * cross(m, sig)
        if self.a_j_t:
            out = out + self.a_j_t * cross(m, np.array(self.p))
        return out


def make_rhs(
    params: MacrospinParameters, torque: TorqueFunction | None = None, *, current: bool = True
) -> Callable[[float, np.ndarray], np.ndarray]:
    """The explicit right-hand side f(t, m) = ṁ in 1/s (Landau–Lifshitz form, §13.1.2).

    Parameters
    ----------
    params
        The magnet and its prescribed torques.
    torque
        Optional extra torque τ(m, t) in 1/s (the self-consistent hook); its component along m is removed.
    current
        ``False``: prescribed torques and ``torque`` off (e.g. after a current pulse).

    Notes
    -----
    f(t, m)·m = 0 for any m (not only |m| = 1): every term is a cross product with m or projected off m. The
    implicit midpoint rule then keeps |m| exactly (``integrators.integrate_midpoint``).
    """
    b, q = params.field_matrix_t()
    g = params.gamma_rad_per_s_t / (1.0 - params.alpha_reactive)
    a_eff = params.alpha_gilbert / (1.0 - params.alpha_reactive)
    inv = 1.0 / (1.0 + a_eff**2)
    dl, fl, aj = (params.b_dl_t, params.b_fl_t, params.a_j_t) if current else (0.0, 0.0, 0.0)
    # the constant part of the torque field (B_FL σ) joins b; B_DL m×σ + a_J m×p = m×(B_DL σ + a_J p) = m×w
    b0, b1, b2 = (b + fl * np.array(params.sigma)).tolist()
    w0, w1, w2 = (dl * np.array(params.sigma) + aj * np.array(params.p)).tolist()
    (q00, q01, q02), (q10, q11, q12), (q20, q21, q22) = q.tolist()
    extra = torque if current else None
    scale_extra = 1.0 / (1.0 - params.alpha_reactive)

    def f(t: float, m: np.ndarray) -> np.ndarray:
        # scalar arithmetic: ~5x faster than numpy on 3-vectors, and this runs 6 times per step
        x, y, z = m.tolist()
        fx = b0 + q00 * x + q01 * y + q02 * z + (y * w2 - z * w1)
        fy = b1 + q10 * x + q11 * y + q12 * z + (z * w0 - x * w2)
        fz = b2 + q20 * x + q21 * y + q22 * z + (x * w1 - y * w0)
        ax, ay, az = -g * (y * fz - z * fy), -g * (z * fx - x * fz), -g * (x * fy - y * fx)
        if extra is not None:
            tx, ty, tz = np.asarray(extra(m, t), dtype=float).tolist()
            par = (tx * x + ty * y + tz * z) / (x * x + y * y + z * z)
            ax += scale_extra * (tx - par * x)
            ay += scale_extra * (ty - par * y)
            az += scale_extra * (tz - par * z)
        return np.array((inv * (ax + a_eff * (y * az - z * ay)), inv * (ay + a_eff * (z * ax - x * az)),
                         inv * (az + a_eff * (x * ay - y * ax))))

    return f


# --------------------------------------------------------------------------- torque adapters (self-consistent hook)
def torque_from_fields(
    fields_t: Callable[[np.ndarray], tuple[float, float]], sigma, gamma_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T
) -> TorqueFunction:
    """Wrap m ↦ (B_DL, B_FL) in tesla (e.g. a bilayer or Rashba solve at m) as a torque τ(m, t) in 1/s.

    τ = −γ B_DL(m) m×(m×σ) − γ B_FL(m) m×σ, the forms of §13.3 with m-dependent coefficients.
    """
    sig = np.array(unit_vector("sigma", sigma))
    gamma = check_positive("gamma_rad_per_s_t", gamma_rad_per_s_t, "rad/(s·T)")

    def tau(m: np.ndarray, t: float) -> np.ndarray:
        b_dl, b_fl = fields_t(m)
        ms = cross(m, sig)
        return -gamma * (b_dl * cross(m, ms) + b_fl * ms)

    return tau


def torque_from_areal_torque(
    torque_j_per_m2: Callable[[np.ndarray], np.ndarray],
    ms_a_per_m: float,
    thickness_nm: float,
    gamma_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T,
    *,
    sign: int,
) -> TorqueFunction:
    """Wrap m ↦ T (a torque per area, J/m², e.g. the package's ``T_vector_J_per_m2``) as τ(m, t) = sign·γT/(Ms d).

    ``sign`` is the mapping of the model that computed T: ``physics.rashba.LLG_TORQUE_SIGN`` (−1: T is the spin
    angular momentum handed to the magnet) for the Rashba film, ``physics.bilayer.LLG_TORQUE_SIGN`` (+1: the
    moment-direction convention) for the bilayer (docs/model.md §10, docs/model.md §13.3.3).
    """
    if sign not in (1, -1):
        raise ParameterError(f"sign = {sign!r} is invalid; valid values: 1, -1")
    k = sign * check_positive("gamma_rad_per_s_t", gamma_rad_per_s_t, "rad/(s·T)") / (
        check_positive("ms_a_per_m", ms_a_per_m, "A/m") * check_positive("thickness_nm", thickness_nm, "nm") * NM
    )

    def tau(m: np.ndarray, t: float) -> np.ndarray:
        return k * np.asarray(torque_j_per_m2(m), dtype=float)

    return tau


# --------------------------------------------------------------------------- closed forms (§13.4)
def tangent_basis(m0) -> tuple[np.ndarray, np.ndarray]:
    """A right-handed orthonormal pair (e1, e2) ⟂ m0 with e1 × e2 = m0."""
    m0 = np.asarray(m0, dtype=float)
    trial = np.eye(3)[int(np.argmin(np.abs(m0)))]
    e1 = trial - (trial @ m0) * m0
    e1 /= np.linalg.norm(e1)
    return e1, cross(m0, e1)


def tangent_stiffness_t(params: MacrospinParameters, m0) -> np.ndarray:
    """The 2×2 stiffness K_ij = (m0·B0) δ_ij − e_i·Q e_j (T) of the energy about the equilibrium m0 (§13.4.1).

    Raises ParameterError when m0 is not an equilibrium of B_eff (|m0 × B_eff(m0)| too large).
    """
    m0 = np.array(unit_vector("m0", m0))
    b, q = params.field_matrix_t()
    b0 = b + q @ m0
    if np.linalg.norm(cross(m0, b0)) > EQUILIBRIUM_TOLERANCE * (np.linalg.norm(b0) + 1.0):
        raise ParameterError(
            f"m0 = {tuple(m0)} is not an equilibrium: |m0 × B_eff| = {np.linalg.norm(cross(m0, b0)):.3g} T; "
            "valid range: m0 ∥ B_eff(m0)"
        )
    e = tangent_basis(m0)
    return np.array([[(m0 @ b0) * (i == j) - e[i] @ q @ e[j] for j in range(2)] for i in range(2)])


def linearized_eigenvalue_per_s(params: MacrospinParameters, m0) -> complex:
    """λ = −Γ + iω (1/s, Im λ ≥ 0) of the LLG linearized about the equilibrium m0, without current (§13.4.1).

    tr A = −α' γ' tr K/(1 + α'²), det A = γ'² det K/(1 + α'²), λ = tr/2 + sqrt(tr²/4 − det), with
    γ' = γ/(1 − α_i), α' = α/(1 − α_i).  Overdamped or unstable equilibria give a real λ (the larger root).
    """
    k = tangent_stiffness_t(params, m0)
    g = params.gamma_rad_per_s_t / (1.0 - params.alpha_reactive)
    a = params.alpha_gilbert / (1.0 - params.alpha_reactive)
    tr = -a * g * np.trace(k) / (1.0 + a * a)
    det = g * g * np.linalg.det(k) / (1.0 + a * a)
    disc = complex(tr * tr / 4.0 - det)
    return complex(tr / 2.0 + np.sqrt(disc))


def kittel_thin_film(
    b_t: float, b_k_t: float, mu0_ms_t: float, alpha: float, gamma_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T
) -> tuple[float, float]:
    """(f in GHz, Γ in 1/s) of the ringdown of an in-plane film (§13.4.1).

    Geometry: film in the xy plane (N = (0, 0, 1)), B and the easy axis both along the in-plane m0.
    K = diag(B + B_K, B + B_K + μ0Ms); ω² = γ² (B+B_K)(B+B_K+μ0Ms)/(1+α²) − Γ², Γ = αγ(2B + 2B_K + μ0Ms)/(2(1+α²)).
    """
    k1, k2 = b_t + b_k_t, b_t + b_k_t + mu0_ms_t
    g = gamma_rad_per_s_t
    gam = alpha * g * (k1 + k2) / (2.0 * (1.0 + alpha**2))
    w2 = g * g * k1 * k2 / (1.0 + alpha**2) - gam**2
    return math.sqrt(w2) / (2.0 * math.pi) / 1e9, gam


def slonczewski_threshold_a_j_t(alpha: float, b_t: float, b_k_t: float, mu0_ms_t: float) -> float:
    """a_J,c = α (B + B_K + μ0Ms/2) (T) at which the in-plane state m0 loses stability (§13.4.2).

    Geometry: film in the xy plane, B and the easy axis along m0 = +x̂, polarizer p = −x̂ (a_J > 0 pushes m
    toward p).  Exact for the linearized LLG (no small-α approximation): tr A changes sign at a_J = α tr K/2.
    """
    return alpha * (b_t + b_k_t + 0.5 * mu0_ms_t)


def lee_switching_threshold_b_dl_t(b_k_eff_t: float, b_x_t: float) -> float:
    """Lee et al., APL 102, 112410 (2013): |B_DL,c| = B_K,eff/2 − B_x/√2 (T), the first order in B_x (§13.4.3)."""
    return 0.5 * b_k_eff_t - b_x_t / math.sqrt(2.0)


def static_switching_threshold_b_dl_t(b_k_eff_t: float, b_x_t: float) -> float:
    """The exact macrospin (saddle-node) threshold |B_DL,c| (T) of a perpendicular magnet (§13.4.3).

    Equilibria in the xz plane satisfy B_DL = g(θ) = cos θ (B_x − B_K sin θ); the up state disappears at the
    extremum sin θ* = (B_x + √(B_x² + 8B_K²))/(4B_K): |B_DL,c| = cos θ* (B_K sin θ* − B_x).  Valid for
    0 <= B_x < B_K (B_x >= 0: the favourable sign of the field).
    """
    bk = check_positive("b_k_eff_t", b_k_eff_t, "T")
    if not 0.0 <= b_x_t < bk:
        raise ParameterError(f"b_x_t = {b_x_t!r} T is invalid; valid range: [0, b_k_eff_t = {bk:g})")
    s = (b_x_t + math.sqrt(b_x_t**2 + 8.0 * bk**2)) / (4.0 * bk)
    return math.sqrt(1.0 - s * s) * (bk * s - b_x_t)
