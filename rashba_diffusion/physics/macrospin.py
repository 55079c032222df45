"""Macrospin runs: integrate the LLG of ``llg`` and fit the ringdown (docs/model.md §13.6–§13.7).

:func:`run_macrospin` is the library entry point of the ``macrospin`` command: it integrates
ṁ = −γ m×B_eff + α m×ṁ + α_i ṁ + τ from m0 for ``t_end_s`` (optionally with the current on only for
t < ``pulse_end_s``), then fits the small-amplitude ringdown about the final state.  :class:`MacrospinPoint`
bundles one run's parameters (the ``llg`` sweep's parameter set); :meth:`MacrospinResult.time_series_csv` is
the ``--out`` time series.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.interpolate import CubicHermiteSpline

from ..errors import ParameterError
from ..validation import check_positive, unit_vector
from .integrators import Trajectory, integrate_dp45, integrate_midpoint
from .llg import MacrospinParameters, TorqueFunction, make_rhs, tangent_basis

Method = Literal["rk45", "midpoint"]
METHODS = ("rk45", "midpoint")
#: the sign conventions of a run, as ``rashba-diffusion macrospin --json`` reports them (docs/model.md §13.1–§13.3)
CONVENTIONS = {
    "llg": "dm/dt = -gamma m x B_eff + alpha m x dm/dt + alpha_i dm/dt + tau, gamma > 0 (m precesses "
           "counter-clockwise about B seen from its tip)",
    "effective_field": "B_eff = B_ext + B_K (m.e) e - B_h (m.h) h - mu0 Ms N m",
    "torques": "tau_DL = -gamma B_DL m x (m x sigma), tau_FL = -gamma B_FL m x sigma, "
               "tau_STT = -gamma a_J m x (m x p); B_DL > 0 (a_J > 0) pulls m toward sigma (p)",
    "areal_torque": "with --torque rashba|bilayer, the solved torque per area T (J/m^2) acts as "
                    "tau = llg_torque_sign gamma T/(Ms d)",
    "switched": "m_final . m0 < 0",
}
#: the columns of :meth:`MacrospinResult.time_series_csv` (the ``--out`` file ``timeseries.csv``)
TIME_SERIES_COLUMNS = ("t_s", "m_x", "m_y", "m_z", "energy_density_j_per_m3", "torque_x_per_s", "torque_y_per_s",
                       "torque_z_per_s")

#: the ringdown is fitted where |m − m_final| stays below this (rad): the linear regime, where the
#: amplitude-dependent frequency shift is ≲ 1e-3 relative
RINGDOWN_LINEAR_AMPLITUDE = 0.05
#: ... and only when the oscillation there is larger than this (rad) (otherwise: nothing to fit)
RINGDOWN_MIN_AMPLITUDE = 1e-9
#: ... and only when the linear model z_{k+1} = Φ z_k + c explains the samples to this relative residual
RINGDOWN_MAX_RESIDUAL = 1e-3
#: fewest samples in the fit window
RINGDOWN_MIN_SAMPLES = 40


@dataclass(frozen=True)
class Ringdown:
    """A damped oscillation fitted on a trajectory: m − m_eq ∝ Re[c e^{(−Γ + iω)t}] (residual: of the fitted map)."""

    frequency_ghz: float
    decay_rate_per_s: float
    residual: float
    samples: int


@dataclass(frozen=True)
class MacrospinResult:
    """What :func:`run_macrospin` returns (the JSON contract of ``macrospin`` is :meth:`summary`).

    Attributes
    ----------
    m_final
        m at t_end.
    ringdown_frequency_ghz, ringdown_decay_rate_per_s
        The fitted ringdown about m_final (``None`` when there is none: no oscillation, overdamped, growing, or
        not in the linear regime).
    switched
        m_final · m0 < 0.
    max_norm_error
        max | |m| − 1 | over the stored states.
    time_steps
        Accepted steps.
    t_s, m, energy_density_j_per_m3
        The trajectory (N,), (N, 3), (N,); the energy is that of the magnet (no current terms).
    max_projection
        Largest norm correction applied by the renormalization of one step (0 for ``midpoint``).
    torque_per_s
        The current-induced torque τ (N, 3) in 1/s at the stored states: the prescribed torques plus the extra
        torque hook (its part ⟂ m), the Gilbert-form term of the LLG; 0 where the current is off.
    switching_time_s
        When ``switched``: the last time m·m0 crossed zero downwards (linear interpolation between stored
        states); else ``None``.
    """

    m_final: tuple[float, float, float]
    ringdown_frequency_ghz: float | None
    ringdown_decay_rate_per_s: float | None
    switched: bool
    max_norm_error: float
    time_steps: int
    t_s: np.ndarray
    m: np.ndarray
    energy_density_j_per_m3: np.ndarray
    max_projection: float
    torque_per_s: np.ndarray
    switching_time_s: float | None

    def summary(self) -> dict:
        """The scalar outputs as a JSON-ready dict (SI units in the keys)."""
        return {
            "m_final": list(self.m_final),
            "ringdown_frequency_ghz": self.ringdown_frequency_ghz,
            "ringdown_decay_rate_per_s": self.ringdown_decay_rate_per_s,
            "switched": self.switched,
            "switching_time_s": self.switching_time_s,
            "max_norm_error": self.max_norm_error,
            "time_steps": self.time_steps,
        }

    def time_series_csv(self) -> str:
        """The trajectory as CSV text: t, m, energy density and torque at every stored state (SI, units in the
        column names: :data:`TIME_SERIES_COLUMNS`); floats round-trip exactly (``repr``)."""
        lines = [",".join(TIME_SERIES_COLUMNS)]
        data = np.column_stack([self.t_s, self.m, self.energy_density_j_per_m3, self.torque_per_s])
        lines += [",".join(repr(float(v)) for v in row) for row in data]
        return "\n".join(lines) + "\n"


#: the range of rtol and atol (RK45)
MIN_TOLERANCE, MAX_TOLERANCE = 1e-14, 0.1


@dataclass(frozen=True)
class MacrospinPoint:
    """One macrospin run, validated: the magnet and its torques, the start, the duration and the integrator.

    The parameter set of the ``llg`` sweep and of ``rashba-diffusion macrospin``; :meth:`run` integrates it.
    Fields as the arguments of :func:`run_macrospin` (``m0`` a unit 3-vector, times in s, ``method`` one of
    :data:`METHODS`; ``midpoint`` needs ``dt_s``).
    """

    params: MacrospinParameters
    m0: tuple[float, float, float]
    t_end_s: float
    pulse_end_s: float | None = None
    method: Method = "rk45"
    dt_s: float | None = None
    rtol: float = 1e-9
    atol: float = 1e-12

    def __post_init__(self) -> None:
        s = object.__setattr__
        if not isinstance(self.params, MacrospinParameters):
            raise ParameterError(f"params = {self.params!r} is invalid; valid: a MacrospinParameters")
        s(self, "m0", unit_vector("m0", self.m0))
        s(self, "t_end_s", check_positive("t_end_s", self.t_end_s, "s"))
        for name, unit in (("pulse_end_s", "s"), ("dt_s", "s")):
            if getattr(self, name) is not None:
                s(self, name, check_positive(name, getattr(self, name), unit))
        if self.method not in METHODS:
            raise ParameterError(f"method = {self.method!r} is invalid; valid values: {', '.join(METHODS)}")
        if self.method == "midpoint" and self.dt_s is None:
            raise ParameterError("dt_s = None s is invalid for method 'midpoint'; valid range: (0, t_end_s]")
        # below ~1e-14 RK45 cannot meet the tolerance in double precision; above 0.1 the result is not a solution
        s(self, "rtol", check_positive("rtol", self.rtol, "(dimensionless)", lower=MIN_TOLERANCE, upper=MAX_TOLERANCE))
        s(self, "atol", check_positive("atol", self.atol, "(dimensionless)", lower=MIN_TOLERANCE, upper=MAX_TOLERANCE))

    def run(self, torque: TorqueFunction | None = None) -> MacrospinResult:
        """:func:`run_macrospin` of this point (``torque``: the extra torque hook, e.g. a self-consistent solve)."""
        return run_macrospin(self.params, self.m0, self.t_end_s, method=self.method, dt_s=self.dt_s, rtol=self.rtol,
                             atol=self.atol, torque=torque, pulse_end_s=self.pulse_end_s)



#: the default size guard of a run (``macrospin --max-steps``, an llg sweep's ``run.max_steps``)
DEFAULT_MAX_STEPS = 1e7
#: the longest run accepted (ns): 1 s, a billion precession periods in 1 T
MAX_T_END_NS = 1e9
#: steps per precession period an adaptive RK45 takes at least (the estimate of :func:`estimate_steps`)
STEPS_PER_PERIOD = 20


def estimate_steps(point: MacrospinPoint) -> float:
    """An estimate of the time steps of ``point`` (the size guard of ``macrospin``, before any work):
    t_end/dt for the midpoint rule (and for an rk45 step cap), else 20 per precession period in the largest field
    of the magnet (|B_ext| + B_K + B_h + μ0Ms + |B_DL| + |B_FL| + |a_J|)."""
    q = point.params
    b = (math.hypot(*q.b_ext_t) + q.b_k_t + q.b_hard_t + q.mu0_ms_t + abs(q.b_dl_t) + abs(q.b_fl_t)
         + abs(q.a_j_t))
    steps = STEPS_PER_PERIOD * point.t_end_s * q.gamma_rad_per_s_t * b / (2 * math.pi)
    if point.dt_s is not None:
        steps = max(steps, point.t_end_s / point.dt_s)
    return steps

def _integrate(f, m0, t0, t1, method: Method, dt_s, rtol, atol) -> Trajectory:
    if method == "rk45":
        return integrate_dp45(f, m0, t0, t1, rtol=rtol, atol=atol, max_step=dt_s)
    if method == "midpoint":
        if dt_s is None:
            raise ParameterError("dt_s = None s is invalid for method 'midpoint'; valid range: (0, t_end_s]")
        return integrate_midpoint(f, m0, t0, t1, dt_s)
    raise ParameterError(f"method = {method!r} is invalid; valid values: 'rk45', 'midpoint'")


def run_macrospin(
    params: MacrospinParameters,
    m0,
    t_end_s: float,
    *,
    method: Method = "rk45",
    dt_s: float | None = None,
    rtol: float = 1e-9,
    atol: float = 1e-12,
    torque: TorqueFunction | None = None,
    pulse_end_s: float | None = None,
) -> MacrospinResult:
    """Integrate the macrospin LLG from m0 over [0, t_end_s] and fit the final ringdown.

    Parameters
    ----------
    params
        The magnet and its prescribed torques.
    m0
        Initial unit vector.
    t_end_s
        Duration (s, > 0).
    method
        ``"rk45"`` (adaptive Dormand–Prince 5(4) with renormalization; ``dt_s`` = largest step) or ``"midpoint"``
        (implicit midpoint, norm-preserving, fixed step ``dt_s``).
    rtol, atol
        Tolerances of ``rk45``.
    torque
        Extra torque τ(m, t) in 1/s, e.g. the package's solve at the current m wrapped by
        ``llg.torque_from_fields`` or ``llg.torque_from_areal_torque`` (the self-consistent hook).  It is called
        at every stage (6 per ``rk45`` step, ~3–30 per midpoint iteration loop).
    pulse_end_s
        The current (prescribed torques and ``torque``) is on for t < pulse_end_s and off afterwards; ``None``:
        always on.  The ringdown is fitted on the part after the pulse.
    """
    m0 = np.array(unit_vector("m0", m0))
    t_end = check_positive("t_end_s", t_end_s, "s")
    if dt_s is not None:
        dt_s = check_positive("dt_s", dt_s, "s")
    segments = [(0.0, t_end, True)]
    if pulse_end_s is not None:
        pe = check_positive("pulse_end_s", pulse_end_s, "s")
        segments = [(0.0, min(pe, t_end), True)] + ([(pe, t_end, False)] if pe < t_end else [])
    parts = []
    m_start = m0
    for t0, t1, on in segments:
        tr = _integrate(make_rhs(params, torque, current=on), m_start, t0, t1, method, dt_s, rtol, atol)
        parts.append(tr)
        m_start = tr.m[-1]
    last = parts[-1]
    t = np.concatenate([parts[0].t_s] + [p.t_s[1:] for p in parts[1:]])
    m = np.concatenate([parts[0].m] + [p.m[1:] for p in parts[1:]])
    ring = fit_ringdown(last.t_s, last.m, last.dmdt_per_s)
    m_final = m[-1]
    torques = [_torque_at(params, torque, p, on) for p, (_, _, on) in zip(parts, segments, strict=True)]
    switched = bool(m_final @ m0 < 0.0)
    return MacrospinResult(
        m_final=tuple(float(x) for x in m_final),
        ringdown_frequency_ghz=None if ring is None else ring.frequency_ghz,
        ringdown_decay_rate_per_s=None if ring is None else ring.decay_rate_per_s,
        switched=switched,
        max_norm_error=float(np.max(np.abs(np.linalg.norm(m, axis=1) - 1.0))),
        time_steps=sum(p.time_steps for p in parts),
        t_s=t,
        m=m,
        energy_density_j_per_m3=np.asarray(params.energy_density_j_per_m3(m)),
        max_projection=max(p.max_projection for p in parts),
        torque_per_s=np.concatenate([torques[0]] + [q[1:] for q in torques[1:]]),
        switching_time_s=switching_time_s(t, m, m0) if switched else None,
    )


def _torque_at(params: MacrospinParameters, torque: TorqueFunction | None, part: Trajectory,
               on: bool) -> np.ndarray:
    """τ (N, 3) in 1/s at the stored states of one segment: prescribed + the hook's part ⟂ m (0 with the current
    off).  A hook that caches its last evaluations (``problems.macrospin``) answers these from the cache: every
    stored state is the first-same-as-last stage of its step."""
    if not on:
        return np.zeros_like(part.m)
    out = np.array([params.prescribed_torque_per_s(mi) for mi in part.m])
    if torque is not None:
        extra = np.array([np.asarray(torque(mi, ti), dtype=float) for ti, mi in zip(part.t_s, part.m, strict=True)])
        out += extra - np.sum(extra * part.m, axis=1)[:, None] * part.m
    return out


def switching_time_s(t_s: np.ndarray, m: np.ndarray, m0) -> float | None:
    """The last time m·m0 crosses zero downwards (s; linear interpolation between stored states), or ``None``."""
    proj = np.asarray(m) @ np.asarray(m0, dtype=float)
    down = np.nonzero((proj[:-1] >= 0.0) & (proj[1:] < 0.0))[0]
    if down.size == 0:
        return None
    i = int(down[-1])
    return float(t_s[i] + (t_s[i + 1] - t_s[i]) * proj[i] / (proj[i] - proj[i + 1]))


def fit_ringdown(t_s: np.ndarray, m: np.ndarray, dmdt_per_s: np.ndarray | None = None) -> Ringdown | None:
    """Fit a damped oscillation about the final state of a trajectory (docs/model.md §13.7).

    The window is the second half of the run, shortened to where |m − m_final| < ``RINGDOWN_LINEAR_AMPLITUDE``.
    There m is resampled on a uniform grid (cubic Hermite with the stored ṁ, spacing = the median step), projected
    on a tangent basis (e1, e2) at m_final, and the linear map z_{k+1} = Φ z_k + c is fitted by least squares
    (c absorbs the offset between m_final and the true equilibrium).  The eigenvalues μ of Φ give
    λ = ln μ / Δt = −Γ ± iω exactly for linear dynamics, whatever the ellipticity of the precession.  The map also
    has the three quadratic terms z_i z_j of the flow map's Taylor expansion: about a tilted equilibrium the
    second-order response (a decaying offset and second harmonic, relative size ∝ amplitude) would otherwise bias
    Γ by ~3e-5 at an amplitude of 1e-3 rad (measured); with them the bias is O(amplitude²).

    Returns ``None`` when the window is too short or the oscillation too small, when the fit residual exceeds
    ``RINGDOWN_MAX_RESIDUAL`` (not linear), or when μ is real (overdamped) or |μ| ≥ 1 (not decaying).
    """
    t_s = np.asarray(t_s, dtype=float)
    m = np.asarray(m, dtype=float)
    m_ref = m[-1] / np.linalg.norm(m[-1])
    dev = np.linalg.norm(m - m_ref, axis=1)
    start = int(np.searchsorted(t_s, 0.5 * (t_s[0] + t_s[-1])))
    large = np.nonzero(dev > RINGDOWN_LINEAR_AMPLITUDE)[0]
    if large.size:
        start = max(start, int(large[-1]) + 1)
    if t_s.size - start < 3:
        return None
    tw, mw = t_s[start:], m[start:]
    dt = float(np.median(np.diff(tw)))
    n = int(math.floor((tw[-1] - tw[0]) / dt)) + 1
    if n < RINGDOWN_MIN_SAMPLES:
        return None
    grid = tw[0] + dt * np.arange(n)
    if dmdt_per_s is None:
        samples = np.array([np.interp(grid, tw, mw[:, i]) for i in range(3)]).T
    else:
        samples = CubicHermiteSpline(tw, mw, np.asarray(dmdt_per_s, dtype=float)[start:], axis=0)(grid)
    e1, e2 = tangent_basis(m_ref)
    z = np.stack([samples @ e1, samples @ e2], axis=1)
    spread = float(np.sqrt(np.mean(np.sum((z - z.mean(axis=0)) ** 2, axis=1))))
    if spread < RINGDOWN_MIN_AMPLITUDE:
        return None
    z = (z - z.mean(axis=0)) / spread  # O(1) columns for the least squares
    z0 = z[:-1]
    x = np.hstack([z0, np.ones((n - 1, 1)), z0[:, :1] ** 2, z0[:, :1] * z0[:, 1:], z0[:, 1:] ** 2])
    coef, *_ = np.linalg.lstsq(x, z[1:], rcond=None)
    resid = float(np.linalg.norm(z[1:] - x @ coef) / np.linalg.norm(z[1:]))
    if resid > RINGDOWN_MAX_RESIDUAL:
        return None
    mu = np.linalg.eigvals(coef[:2].T)
    mu = mu[np.argmax(mu.imag)]
    if mu.imag <= 0.0 or abs(mu) >= 1.0:
        return None
    lam = np.log(mu) / dt
    return Ringdown(float(lam.imag / (2.0 * math.pi) / 1e9), float(-lam.real), resid, n)
