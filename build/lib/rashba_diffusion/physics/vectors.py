"""Vector algebra shared by the physics: the Levi-Civita symbol, ẑ, cross products (numpy only)."""

from __future__ import annotations

import numpy as np

#: the Levi-Civita symbol ε_abc
EPS = np.zeros((3, 3, 3))
EPS[0, 1, 2] = EPS[1, 2, 0] = EPS[2, 0, 1] = 1.0
EPS[0, 2, 1] = EPS[2, 1, 0] = EPS[1, 0, 2] = -1.0
#: the film normal ẑ
Z_HAT = np.array([0.0, 0.0, 1.0])
#: |û × m| below this: m ∥ û and a torque decomposition on the basis (û×m, m×(û×m)) is undefined
PARALLEL_TOLERANCE = 1e-9


def cross(a, b) -> np.ndarray:
    """a × b along axis 0, for shapes (3,) or (3, N) (broadcast).

    Written out because ``np.cross``'s axis handling costs ~10x more per call
    and a sweep evaluates a handful of these per point.
    """
    return np.array([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]])


def cross_matrix(v: np.ndarray) -> np.ndarray:
    """[v]x with [v]x a = v x a."""
    return np.array([[0.0, -v[2], v[1]], [v[2], 0.0, -v[0]], [-v[1], v[0], 0.0]])
