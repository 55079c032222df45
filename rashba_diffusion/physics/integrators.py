"""Time integrators for ṁ = f(t, m) on the unit sphere (numpy only; docs/model.md §13.6).

* :func:`integrate_dp45`: Dormand–Prince 5(4) (Dormand & Prince, J. Comput. Appl. Math. 6, 19 (1980)), adaptive
  with the embedded error estimate, local extrapolation (the 5th-order solution is kept) and first-same-as-last;
  after every accepted step m is renormalized to |m| = 1.  The projection changes m by the scheme's own norm
  drift, O(h⁶) per step, so the order stays 5 (measured: ``scripts/llg_convergence.py``).
* :func:`integrate_midpoint`: the implicit midpoint rule m₁ = m₀ + h f(t + h/2, (m₀ + m₁)/2), order 2.  When
  f(t, m)·m = 0 for every m (true for ``llg.make_rhs``), |m₁|² − |m₀|² = 2h f·m_mid = 0: the norm is kept without
  any projection, and for a quadratic energy the discrete energy law E₁ − E₀ = −h αγ|m×B|²/(1+α²) ≤ 0 holds
  exactly (docs/model.md §13.6.2).  The implicit equation is solved by fixed-point iteration (contraction factor
  ≈ h·|∂f/∂m|/2, so it needs h·|∂f/∂m| < 2; the error is ~ (h ω)² anyway).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# Package imports from the pre-restructuring location (repoint to errors.py later).
from ..errors import ParameterError

Rhs = Callable[[float, np.ndarray], np.ndarray]

# Dormand–Prince 5(4) tableau
_C = (0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0)
_A = (
    (),
    (1 / 5,),
    (3 / 40, 9 / 40),
    (44 / 45, -56 / 15, 32 / 9),
    (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
    (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
    (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84),
)
#: 5th-order weights (= the last row of A: first same as last)
_B5 = np.array((35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0.0))
#: 5th − 4th order weights: the embedded error estimate
_E = _B5 - np.array((5179 / 57600, 0.0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40))
#: step-size controller: safety factor and the bounds of the change per step
_SAFETY, _MIN_FACTOR, _MAX_FACTOR = 0.9, 0.2, 5.0
#: refuse runs longer than this many steps (a stiff or mis-scaled problem)
MAX_STEPS = 5_000_000


@dataclass(frozen=True)
class Trajectory:
    """The stored states of one integration.

    Attributes
    ----------
    t_s
        Times (N,), from t0 to t1 inclusive.
    m
        States (N, 3).
    dmdt_per_s
        f(t, m) at the stored states (N, 3) (for cubic Hermite interpolation).
    time_steps, rejected_steps
        Accepted and rejected steps.
    max_projection
        Largest | |m| − 1 | removed by the renormalization of a step (0 for the midpoint rule, which never projects).
    """

    t_s: np.ndarray
    m: np.ndarray
    dmdt_per_s: np.ndarray
    time_steps: int
    rejected_steps: int
    max_projection: float

    @property
    def max_norm_error(self) -> float:
        """max | |m| − 1 | over the stored states."""
        return float(np.max(np.abs(np.linalg.norm(self.m, axis=1) - 1.0)))


def _check_span(t0: float, t1: float) -> None:
    if not (math.isfinite(t0) and math.isfinite(t1)) or t1 <= t0:
        raise ParameterError(f"t_end_s = {t1!r} s is invalid; valid range: (t0 = {t0!r} s, inf)")


def _finish(ts, ms, fs, steps, rejected, proj) -> Trajectory:
    return Trajectory(np.array(ts), np.array(ms), np.array(fs), steps, rejected, proj)


def integrate_dp45(
    f: Rhs,
    m0,
    t0: float,
    t1: float,
    *,
    rtol: float = 1e-9,
    atol: float = 1e-12,
    max_step: float | None = None,
    fixed_step: float | None = None,
) -> Trajectory:
    """Dormand–Prince 5(4) with renormalization of m after every accepted step.

    Parameters
    ----------
    f
        Right-hand side ṁ = f(t, m).
    m0
        Initial unit vector.
    t0, t1
        Time span (s).
    rtol, atol
        Error tolerances of the embedded estimate (per component; |m| = 1, so atol ≲ rtol is the useful range).
    max_step
        Largest step (s); ``None``: (t1 − t0)/10.
    fixed_step
        Take steps of this size without error control (to measure the order); the last step ends at t1.
    """
    _check_span(t0, t1)
    y = np.array(m0, dtype=float)
    y /= np.linalg.norm(y)
    t = t0
    k1 = f(t, y)
    ts, ms, fs = [t], [y], [k1]
    steps = rejected = 0
    proj = 0.0
    h_max = (t1 - t0) / 10.0 if max_step is None else float(max_step)
    if fixed_step is not None:
        h = float(fixed_step)
    else:
        speed = float(np.linalg.norm(k1))
        h = min(h_max, 0.01 / speed if speed > 0 else h_max)
    k = [k1] + [None] * 6
    while t < t1:
        if steps + rejected > MAX_STEPS:
            raise ParameterError(f"more than {MAX_STEPS} steps: t_end_s = {t1!r} s too long for the dynamics; "
                                 "valid range: fewer steps (shorter run, looser rtol)")
        last = t + h >= t1 * (1.0 - 1e-15) or t1 - (t + h) < 1e-12 * h
        if last:
            h = t1 - t
        for i in range(1, 7):
            yi = y + h * sum(a * kj for a, kj in zip(_A[i], k[:i], strict=False))
            k[i] = f(t + _C[i] * h, yi)
        y_new = yi  # the 7th stage is evaluated at the 5th-order solution (FSAL)
        if fixed_step is None:
            err_vec = h * sum(e * kj for e, kj in zip(_E, k, strict=True) if e != 0.0)
            scale = atol + rtol * np.maximum(np.abs(y), np.abs(y_new))
            err = float(np.sqrt(np.mean((err_vec / scale) ** 2)))
            if not math.isfinite(err):
                raise ParameterError("the LLG right-hand side returned a non-finite value; check the torque hook")
            if err > 1.0:
                rejected += 1
                h *= max(_MIN_FACTOR, _SAFETY * err**-0.2)
                continue
            factor = _MAX_FACTOR if err == 0.0 else min(_MAX_FACTOR, max(_MIN_FACTOR, _SAFETY * err**-0.2))
        norm = float(np.linalg.norm(y_new))
        proj = max(proj, abs(norm - 1.0))
        y = y_new / norm
        t = t1 if last else t + h
        steps += 1
        k[0] = k[6]
        ts.append(t)
        ms.append(y)
        fs.append(k[0])
        if fixed_step is None:
            h = min(h * factor, h_max)
    return _finish(ts, ms, fs, steps, rejected, proj)


def integrate_midpoint(
    f: Rhs, m0, t0: float, t1: float, dt: float, *, tol: float = 1e-14, max_iter: int = 200
) -> Trajectory:
    """The implicit midpoint rule with a fixed step ``dt`` (the last step ends at t1); no projection.

    Raises ParameterError when the fixed-point iteration does not converge (dt too large for the dynamics).
    """
    _check_span(t0, t1)
    if not (math.isfinite(dt) and dt > 0):
        raise ParameterError(f"dt_s = {dt!r} s is invalid; valid range: (0, t_end_s]")
    n = max(1, math.ceil((t1 - t0) / dt - 1e-9))
    y = np.array(m0, dtype=float)
    y /= np.linalg.norm(y)
    ts, ms, fs = [t0], [y], [f(t0, y)]
    for i in range(n):
        ta, tb = t0 + (t1 - t0) * i / n, t0 + (t1 - t0) * (i + 1) / n
        h = tb - ta
        y1 = y + h * fs[-1]
        for _ in range(max_iter):
            y_next = y + h * f(ta + 0.5 * h, 0.5 * (y + y1))
            if np.max(np.abs(y_next - y1)) <= tol:
                y1 = y_next
                break
            y1 = y_next
        else:
            raise ParameterError(
                f"dt_s = {dt!r} s is invalid: the implicit midpoint iteration did not converge; "
                "valid range: dt_s well below 1/(γ |B_eff|)"
            )
        if not np.all(np.isfinite(y1)):
            raise ParameterError("the LLG right-hand side returned a non-finite value; check the torque hook")
        y = y1
        ts.append(tb)
        ms.append(y)
        fs.append(f(tb, y))
    return _finish(ts, ms, fs, n, 0, 0.0)
