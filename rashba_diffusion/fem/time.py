"""Time-stepping helpers that know no physics (pure numpy): uniform steps over an interval, extrapolation.

Used by the finite-element LLG (:mod:`rashba_diffusion.problems.llg`, docs/model.md §14.3) to step a fixed
interval with equal steps and to carry explicitly coupled quantities (a torque field, ṁ) to second order.
"""

from __future__ import annotations

import math

from ..errors import ParameterError
from ..validation import check_positive

#: a requested step that exceeds interval/n by less than this relative amount still gives n steps
STEP_ROUNDING = 1e-9


def steps_per_interval(interval: float, max_step: float, *, name: str = "max_step", unit: str = "(time)") -> int:
    """The fewest n >= 1 with interval/n <= max_step; a step longer than the interval is an error.

    Both in ``unit``; ``name`` is the step's name in the error.  A ``max_step`` that misses interval/n only by
    round-off gives n.
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
