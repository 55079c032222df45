"""Time discretization, physics-agnostic (pure numpy, no DOLFINx): uniform steps over an interval or a period,
backward differentiation formulas, extrapolation.

Used by the transient Rashba model (:mod:`rashba_diffusion.models.pumping`; any first-order system M u' = f(t, u)
solved implicitly with a constant step, docs/model.md §12.9) and by the finite-element LLG
(:mod:`rashba_diffusion.problems.llg`, docs/model.md §14.3: equal steps over a fixed interval, explicitly coupled
quantities (a torque field, ṁ) carried to second order).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import ParameterError
from ..validation import check_positive

#: the schemes by name: BDF order
BDF_SCHEMES = {"bdf1": 1, "bdf2": 2}
#: a requested step that exceeds interval/n by less than this relative amount still gives n steps
STEP_ROUNDING = 1e-9


@dataclass(frozen=True)
class BDF:
    """The backward differentiation formula of order 1 (implicit Euler) or 2, constant step h.

    u'(t_{n+1}) ≈ (c0 u^{n+1} + c1 u^n + c2 u^{n-1})/h with

    * order 1: (c0, c1, c2) = (1, −1, 0), local error −h u''/2;
    * order 2: (3/2, −2, 1/2), local error −h² u'''/3; the first step (no u^{-1}) is an order-1 step, which
      keeps the global error O(h²) (one O(h²) local error).

    Both are A-stable and L-stable (their amplification factor tends to 0 for stiff modes), which the fast
    spin relaxation (rates up to 1/fs against a drive period of 100 ps) needs.
    """

    order: int

    def __post_init__(self) -> None:
        if self.order not in (1, 2):
            raise ParameterError(f"order = {self.order!r} is invalid; valid values: 1, 2")

    @classmethod
    def named(cls, scheme: str) -> BDF:
        """The scheme ``"bdf1"`` or ``"bdf2"``."""
        if scheme not in BDF_SCHEMES:
            raise ParameterError(f"scheme = {scheme!r} is invalid; valid values: {tuple(BDF_SCHEMES)}")
        return cls(BDF_SCHEMES[scheme])

    def coefficients(self, step_index: int) -> tuple[float, float, float]:
        """(c0, c1, c2) of step ``step_index`` (0 is the first step, from u^0 to u^1)."""
        if self.order == 1 or step_index == 0:
            return 1.0, -1.0, 0.0
        return 1.5, -2.0, 0.5


def steps_per_interval(interval: float, max_step: float, *, name: str = "max_step", unit: str = "(time)") -> int:
    """The fewest n >= 1 with interval/n <= max_step; a step longer than the interval is an error.

    Both in ``unit``; ``name`` is the step's name in the error.  A ``max_step`` that misses interval/n only
    by round-off gives n.
    """
    t = check_positive("interval", interval, unit)
    h = check_positive(name, max_step, unit)
    if h > t * (1.0 + STEP_ROUNDING):
        raise ParameterError(f"{name} = {max_step!r} {unit} is invalid: it exceeds the interval {t:.6g} {unit}; "
                             f"valid range: (0, {t:.6g}]")
    return max(1, math.ceil(t / h * (1.0 - STEP_ROUNDING)))


def extrapolate_half_step(latest, previous):
    """The value half a step beyond ``latest`` from two samples one step apart: (3/2) latest − (1/2) previous.

    Second order (error (3/8) k² u'' for step k).  With samples at t_n, t_{n−1} it gives u(t_{n+1/2}) (a torque at
    the midpoint of the next step); with midpoint samples at t_{n−1/2}, t_{n−3/2} it gives u(t_n) (ṁ at a step's end
    from two midpoint differences).  Works on floats and numpy arrays.
    """
    return 1.5 * latest - 0.5 * previous


@dataclass(frozen=True)
class UniformSteps:
    """``steps_per_period`` equal steps per period over ``periods`` periods (t_n = n h, h = period/steps)."""

    period: float
    steps_per_period: int
    periods: int

    def __post_init__(self) -> None:
        check_positive("period", self.period, "(time)")
        for name in ("steps_per_period", "periods"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ParameterError(f"{name} = {v!r} is invalid; valid range: integer >= 1")

    @property
    def step(self) -> float:
        """h = period/steps_per_period."""
        return self.period / self.steps_per_period

    @property
    def total_steps(self) -> int:
        return self.steps_per_period * self.periods

    def time(self, n: int) -> float:
        """t_n = n h (exact multiples of the period at the period boundaries)."""
        q, r = divmod(n, self.steps_per_period)
        return q * self.period + r * self.step
