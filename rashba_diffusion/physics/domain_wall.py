"""1D domain wall: the collective-coordinate (q, φ) model with Zhang–Li torques (docs/model.md §13.8–§13.9).

Wire along x̂, easy axis ẑ (K_u), hard axis ŷ (K_⊥), so the wall at rest is Néel-like (φ = 0: m in the xz plane).
LLG with the Zhang–Li torques (u along x̂, > 0 along +x̂)::

    ṁ = −γ m×B_eff + α m×ṁ − u ∂x m + β u m×∂x m

Rigid-profile ansatz θ(x, t) = 2 arctan exp(Q (x − q(t))/Δ), φ(x, t) = φ(t), Δ = √(A/K_u), Q = +1 for the
up→down wall (m_z = +1 at x → −∞), −1 for down→up.  Projecting the LLG (§13.8.1) gives::

    q̇/Δ − Q α φ̇ = u/Δ + Q ω_K sin 2φ              ω_K = γ K_⊥/Ms
    Q φ̇ + α q̇/Δ = Q γ B_z + β u/Δ                   B_z: field along +ẑ

Closed forms (§13.8.2): below Walker breakdown v = (β/α) u + Q γ B_z Δ/α; Walker threshold
|γB_z + Q(β − α)u/Δ| = α ω_K, at B_z = 0: u_W = α Δ ω_K/|β − α|; above it the time-averaged velocity
⟨v⟩ = (QγB_zΔ + βu)/α − Q Δ sgn(a) √(a² − (αω_K)²)/(α(1 + α²)), a = γB_z + Q(β − α)u/Δ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import constants as sc
from scipy.integrate import solve_ivp

from ..errors import ParameterError
from ..units import FS, GAMMA_E_RAD_PER_S_T, NM
from ..validation import check_finite, check_positive
from .pumping import isotropic_rates
from .rashba import LLG_TORQUE_SIGN, Drive, Film


@dataclass(frozen=True)
class WallParameters:
    """A 1D wire with one domain wall, driven by a Zhang–Li current and a field along the easy axis.

    Parameters
    ----------
    ms_a_per_m
        Ms in A/m (> 0).
    a_ex_j_per_m
        Exchange stiffness A in J/m (> 0).
    k_u_j_per_m3
        Easy-axis (ẑ) anisotropy K_u in J/m³ (> 0); with the thin-film demag as a local term, K_u is the effective one.
    k_perp_j_per_m3
        Hard-axis (ŷ) anisotropy K_⊥ in J/m³ (>= 0).
    alpha_gilbert
        α (> 0).
    beta
        Non-adiabatic parameter β (finite).
    u_m_per_s
        Spin-drift velocity u in m/s (finite; > 0 along +x̂).
    gamma_rad_per_s_t
        γ > 0 in rad/(s·T).
    b_easy_t
        Field along +ẑ in T (finite).
    wall_type
        Q = +1 (up→down along +x̂) or −1 (down→up).
    """

    ms_a_per_m: float
    a_ex_j_per_m: float
    k_u_j_per_m3: float
    k_perp_j_per_m3: float
    alpha_gilbert: float
    beta: float
    u_m_per_s: float
    gamma_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T
    b_easy_t: float = 0.0
    wall_type: int = 1

    def __post_init__(self) -> None:
        s = object.__setattr__
        s(self, "ms_a_per_m", check_positive("ms_a_per_m", self.ms_a_per_m, "A/m"))
        s(self, "a_ex_j_per_m", check_positive("a_ex_j_per_m", self.a_ex_j_per_m, "J/m"))
        s(self, "k_u_j_per_m3", check_positive("k_u_j_per_m3", self.k_u_j_per_m3, "J/m³"))
        kp = check_finite("k_perp_j_per_m3", self.k_perp_j_per_m3, "J/m³")
        if kp < 0:
            raise ParameterError(f"k_perp_j_per_m3 = {kp!r} J/m³ is invalid; valid range: [0, inf)")
        s(self, "k_perp_j_per_m3", kp)
        s(self, "alpha_gilbert", check_positive("alpha_gilbert", self.alpha_gilbert, "(dimensionless)"))
        s(self, "beta", check_finite("beta", self.beta, "(dimensionless)"))
        s(self, "u_m_per_s", check_finite("u_m_per_s", self.u_m_per_s, "m/s"))
        s(self, "gamma_rad_per_s_t", check_positive("gamma_rad_per_s_t", self.gamma_rad_per_s_t, "rad/(s·T)"))
        s(self, "b_easy_t", check_finite("b_easy_t", self.b_easy_t, "T"))
        if self.wall_type not in (1, -1):
            raise ParameterError(f"wall_type = {self.wall_type!r} is invalid; valid values: 1, -1")

    @property
    def width_m(self) -> float:
        """Δ = √(A/K_u) in m (the profile of the wall at rest with φ = 0)."""
        return math.sqrt(self.a_ex_j_per_m / self.k_u_j_per_m3)

    @property
    def omega_k_per_s(self) -> float:
        """ω_K = γ K_⊥/Ms = γ B_⊥/2 in 1/s."""
        return self.gamma_rad_per_s_t * self.k_perp_j_per_m3 / self.ms_a_per_m


def wall_rhs(p: WallParameters):
    """f(t, (q, φ)) = (q̇, φ̇) of the collective-coordinate model (the module docstring's two equations, solved)."""
    a, b, d, w, q_ = p.alpha_gilbert, p.beta, p.width_m, p.omega_k_per_s, p.wall_type
    gb = p.gamma_rad_per_s_t * p.b_easy_t
    u = p.u_m_per_s

    def f(t: float, y: np.ndarray) -> np.ndarray:
        phidot = (gb + q_ * (b - a) * u / d - a * w * math.sin(2.0 * y[1])) / (1.0 + a * a)
        qdot = u + q_ * d * w * math.sin(2.0 * y[1]) + q_ * a * d * phidot
        return np.array((qdot, phidot))

    return f


def _drive(p: WallParameters) -> float:
    """a = γB_z + Q(β − α)u/Δ: (1 + α²)φ̇ = a − αω_K sin 2φ."""
    return p.gamma_rad_per_s_t * p.b_easy_t + p.wall_type * (p.beta - p.alpha_gilbert) * p.u_m_per_s / p.width_m


def walker_current_m_per_s(p: WallParameters) -> float:
    """u_W = α Δ ω_K/|β − α| (m/s) at B_z = 0 (``inf`` when β = α: no breakdown)."""
    if p.beta == p.alpha_gilbert:
        return math.inf
    return p.alpha_gilbert * p.width_m * p.omega_k_per_s / abs(p.beta - p.alpha_gilbert)


def is_above_walker(p: WallParameters) -> bool:
    """Whether |γB_z + Q(β − α)u/Δ| > α ω_K (no steady tilt angle exists)."""
    return abs(_drive(p)) > p.alpha_gilbert * p.omega_k_per_s


def wall_velocity_m_per_s(p: WallParameters) -> float:
    """The steady (below Walker) or time-averaged (above) wall velocity of the model, in m/s (§13.8.2)."""
    a, d, q_ = p.alpha_gilbert, p.width_m, p.wall_type
    steady = (q_ * p.gamma_rad_per_s_t * p.b_easy_t * d + p.beta * p.u_m_per_s) / a
    if not is_above_walker(p):
        return steady
    drive = _drive(p)
    root = math.sqrt(drive**2 - (a * p.omega_k_per_s) ** 2)
    return steady - q_ * d * math.copysign(root, drive) / (a * (1.0 + a * a))


@dataclass(frozen=True)
class WallRun:
    """A run of the collective-coordinate ODE: the mean velocity, whether φ kept turning, and the trajectory."""

    velocity_m_per_s: float
    walker: bool
    width_nm: float
    t_s: np.ndarray
    q_m: np.ndarray
    phi_rad: np.ndarray


def run_wall(p: WallParameters, t_end_s: float, *, phi0_rad: float = 0.0, rtol: float = 1e-10) -> WallRun:
    """Integrate the (q, φ) ODE from q = 0, φ = φ0 over [0, t_end_s] (scipy DOP853) and measure the velocity.

    The velocity is measured on the second half of the run: if φ turns by more than π there (Walker breakdown),
    ⟨q̇⟩ = Δq/Δt between the first and last times φ crosses a multiple of π (whole periods of the precession);
    otherwise q̇ at the end (the steady state).
    """
    t_end = check_positive("t_end_s", t_end_s, "s")
    f = wall_rhs(p)
    sol = solve_ivp(f, (0.0, t_end), [0.0, check_finite("phi0_rad", phi0_rad, "rad")], method="DOP853",
                    rtol=rtol, atol=[rtol * p.width_m, rtol], dense_output=True)
    if not sol.success:
        raise ParameterError(f"the wall ODE failed: {sol.message}")
    t = np.linspace(t_end / 2, t_end, 20001)
    q, phi = sol.sol(t)
    walker = abs(phi[-1] - phi[0]) > math.pi
    if walker:
        k = np.floor(phi / math.pi)
        idx = np.nonzero(np.diff(k) != 0)[0]
        if idx.size < 2:
            raise ParameterError(f"t_end_s = {t_end!r} s is too short to average over a precession period")

        def crossing(i: int) -> float:  # the time where φ = n π between samples i and i + 1 (root of the dense output)
            target = max(k[i], k[i + 1]) * math.pi
            lo, hi = t[i], t[i + 1]
            for _ in range(60):
                mid = 0.5 * (lo + hi)
                if (sol.sol(mid)[1] - target) * (phi[i] - target) > 0:
                    lo = mid
                else:
                    hi = mid
            return 0.5 * (lo + hi)

        t1, t2 = crossing(int(idx[0])), crossing(int(idx[-1]))
        v = (sol.sol(t2)[0] - sol.sol(t1)[0]) / (t2 - t1)
    else:
        v = f(t_end, sol.sol(t_end))[0]
    full_t = np.linspace(0.0, t_end, 2001)
    qf, phif = sol.sol(full_t)
    return WallRun(float(v), bool(walker), p.width_m / 1e-9, full_t, qf, phif)


# --------------------------------------------------------------------------- §13.9: the package's spin-diffusion torque
@dataclass(frozen=True)
class EffectiveZhangLi:
    """The Zhang–Li LLG that the α_R = 0 spin-diffusion torque (Eq. 25 + pumping) amounts to (docs/model.md §13.9).

    ṁ = −γ' m×B + α' m×ṁ − (u'·∇)m + β' m×(u'·∇)m with N = 1 + η(1 − ξβ̃):
    γ' = γ/N, α' = (α0 + ηβ̃)/N, u' = η(1 − ξβ̃) v_e/N, β' = β̃/(1 − ξβ̃).
    """

    gamma_rad_per_s_t: float
    alpha: float
    u_m_per_s: float
    beta: float
    renormalization: float

    @property
    def wall_velocity_m_per_s(self) -> float:
        """Below Walker: v = β' u'/α' = η β̃ v_e/(α0 + η β̃)."""
        return self.beta * self.u_m_per_s / self.alpha


def spin_diffusion_eta(s0_hbar_per_m2: float, ms_a_per_m: float, thickness_nm: float,
                       gamma_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T, *, sign: int) -> float:
    """η = sign · γ ħ s0/(Ms t) (dimensionless): the torque T (in ħ per area per time) enters ṁ as η T/s0.

    s0: the equilibrium spin density along m (S0 = s0 m, in ħ/m²; < 0 with the Hamiltonian's rule), t the film
    thickness.  ``sign`` is the mapping of the torque onto ṁ: ``physics.rashba.LLG_TORQUE_SIGN`` (−1, the spin
    angular momentum handed to the magnet) for the Rashba film's torque (docs/model.md §10, docs/model.md §13.3.3).
    """
    if sign not in (1, -1):
        raise ParameterError(f"sign = {sign!r} is invalid; valid values: 1, -1")
    s0 = check_finite("s0_hbar_per_m2", s0_hbar_per_m2, "ħ/m²")
    t = check_positive("thickness_nm", thickness_nm, "nm") * 1e-9
    return sign * check_positive("gamma_rad_per_s_t", gamma_rad_per_s_t, "rad/(s·T)") * sc.hbar * s0 / (
        check_positive("ms_a_per_m", ms_a_per_m, "A/m") * t)


def spin_diffusion_zhang_li(xi: float, beta_tilde: float, eta: float, alpha0: float, v_e_m_per_s: float,
                            gamma_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T) -> EffectiveZhangLi:
    """The effective Zhang–Li parameters of §13.9 from the model's ξ, β̃ (local limit), η and the bare α0.

    ξ = τΔ(1/τsf + 1/τφ), β̃ = (τΔ/τsf)/(1 + ξ²) (α_R = 0: no D'yakonov–Perel), v_e = −j_e/(n e) the electron drift
    velocity (the package's u = s0 v_e).  Needs 1 − ξβ̃ ≠ 0, N > 0 and α' > 0.
    """
    for name, v in (("xi", xi), ("beta_tilde", beta_tilde), ("eta", eta), ("v_e_m_per_s", v_e_m_per_s)):
        check_finite(name, v, "(dimensionless)" if name != "v_e_m_per_s" else "m/s")
    if check_finite("alpha0", alpha0, "(dimensionless)") < 0:
        raise ParameterError(f"alpha0 = {alpha0!r} (dimensionless) is invalid; valid range: [0, inf)")
    one = 1.0 - xi * beta_tilde
    n = 1.0 + eta * one
    alpha = (alpha0 + eta * beta_tilde) / n
    if one == 0.0 or n <= 0.0 or alpha <= 0.0:
        raise ParameterError(
            f"eta = {eta!r} with xi = {xi!r}, beta_tilde = {beta_tilde!r}, alpha0 = {alpha0!r} gives "
            f"N = {n:g}, alpha' = {alpha:g}; valid range: 1 − ξβ̃ ≠ 0, N > 0, α' > 0 (η β̃ > −α0: the sign of η "
            "must make the spin-diffusion damping positive, docs/model.md §13.3.3)"
        )
    return EffectiveZhangLi(gamma_rad_per_s_t / n, alpha, eta * one * v_e_m_per_s / n, beta_tilde / one, n)


# --------------------------------------------------------------------------- measuring a sampled run
#: fraction of the run (from the end) over which a steady velocity is fitted
STEADY_FIT_FRACTION = 0.25


@dataclass(frozen=True)
class VelocityMeasurement:
    """The wall's mean velocity from a sampled run, and whether its angle kept turning (Walker breakdown)."""

    velocity_m_per_s: float
    walker: bool
    #: the averaging window (s)
    t_from_s: float
    t_to_s: float


def measure_velocity(t_s: np.ndarray, q_m: np.ndarray, phi_rad: np.ndarray) -> VelocityMeasurement:
    """The steady mean velocity of a sampled wall trajectory (q(t), φ(t) unwrapped), as :func:`run_wall` measures it.

    Walker breakdown: φ turns by more than π over the second half of the run; the mean is then Δq/Δt between the
    first and last times φ crosses a multiple of π there (whole periods, linear interpolation between samples).
    Otherwise the slope of a least-squares line through the last :data:`STEADY_FIT_FRACTION` of the run.
    """
    t, q, phi = (np.asarray(a, dtype=float) for a in (t_s, q_m, phi_rad))
    if t.ndim != 1 or t.size < 8 or q.shape != t.shape or phi.shape != t.shape:
        raise ParameterError(f"need >= 8 samples of t, q, φ of equal length; got {t.shape}, {q.shape}, {phi.shape}")
    half = t >= 0.5 * (t[0] + t[-1])
    th, qh, ph = t[half], q[half], phi[half]
    if abs(ph[-1] - ph[0]) > math.pi:
        k = np.floor(ph / math.pi)
        idx = np.nonzero(np.diff(k) != 0)[0]
        if idx.size >= 2:
            def crossing(i: int) -> tuple[float, float]:
                target = max(k[i], k[i + 1]) * math.pi
                w = (target - ph[i]) / (ph[i + 1] - ph[i])
                return th[i] + w * (th[i + 1] - th[i]), qh[i] + w * (qh[i + 1] - qh[i])

            (t1, q1), (t2, q2) = crossing(int(idx[0])), crossing(int(idx[-1]))
            if t2 > t1:
                return VelocityMeasurement(float((q2 - q1) / (t2 - t1)), True, float(t1), float(t2))
        raise ParameterError(f"t_end = {t[-1]!r} s is too short to average over a precession period of the wall")
    tail = t >= t[-1] - STEADY_FIT_FRACTION * (t[-1] - t[0])
    slope = np.polyfit(t[tail] - t[-1], q[tail], 1)[0]
    return VelocityMeasurement(float(slope), False, float(t[tail][0]), float(t[-1]))


def electron_drift_velocity_m_per_s(film: Film, drive: Drive) -> np.ndarray:
    """v_e = −j_e/(n e) = −(τ/m*) eE (m/s, a 3-vector): the conduction electrons' drift (docs/model.md §13.9.1).

    From the model's own coefficients: the particle current of the drift is −D NF eE (docs/model.md §2) over the
    density n = kF²/2π.
    """
    c = film.coefficients()
    n_per_nm2 = film.kf_per_nm**2 / (2.0 * math.pi)
    return -c.D * c.NF * drive.e_field_ev_per_nm / n_per_nm2 * (NM / FS)


def rashba_wall_zhang_li(film: Film, drive: Drive, ms_a_per_m: float, thickness_nm: float, alpha0: float,
                         gamma_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T) -> EffectiveZhangLi:
    """The effective Zhang–Li parameters (§13.9) of the α_R = 0 Rashba film's spin-diffusion torque on a wall along x̂.

    ξ, β̃ from the film's coefficients (:func:`.pumping.isotropic_rates`), η = σγħs0/(Ms t) with σ the film's
    ``LLG_TORQUE_SIGN``, v_e the x component of :func:`electron_drift_velocity_m_per_s`.  Needs α_R = 0 (no
    D'yakonov–Perel, no spin-orbit torque: the closed form has neither).
    """
    if film.alpha_ev_nm != 0.0:
        raise ParameterError(f"alpha_ev_nm = {film.alpha_ev_nm!r} eV·nm is invalid for the closed form of §13.9; "
                             "valid values: 0 (no Rashba coupling)")
    c = film.coefficients()
    xi, _, beta_tilde = isotropic_rates(c)
    eta = spin_diffusion_eta(c.s0_per_nm2 / NM**2, ms_a_per_m, thickness_nm, gamma_rad_per_s_t, sign=LLG_TORQUE_SIGN)
    v_e = float(electron_drift_velocity_m_per_s(film, drive)[0])
    return spin_diffusion_zhang_li(xi, beta_tilde, eta, alpha0, v_e, gamma_rad_per_s_t)
