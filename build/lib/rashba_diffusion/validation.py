"""Validation of user input: each check returns the clean value or raises :class:`ParameterError`.

The message always names the parameter, the value, its unit and the valid range.
"""

from __future__ import annotations

import math

import numpy as np

from .errors import ParameterError

#: |m| must equal 1 to this tolerance
UNIT_VECTOR_TOLERANCE = 1e-6
#: Lagrange degrees of the finite-element spaces
DEGREES = (1, 2, 3)


def check_positive(name: str, value: float, unit: str, *, allow_inf: bool = False) -> float:
    """Return ``float(value)`` or raise a :class:`ParameterError` naming the parameter.

    Parameters
    ----------
    name, unit
        Used verbatim in the message (e.g. ``"tau_s"``, ``"s"``).
    allow_inf
        Whether ``+inf`` (switching a process off) is accepted.
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} = {value!r} {unit}: not a number; valid range: > 0") from None
    upper = "inf]" if allow_inf else "inf)"
    if math.isnan(v) or v <= 0.0 or (math.isinf(v) and not allow_inf):
        raise ParameterError(f"{name} = {value!r} {unit} is invalid; valid range: (0, {upper}")
    return v


def check_finite(name: str, value: float, unit: str) -> float:
    """Return ``float(value)`` if finite, else raise :class:`ParameterError`."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} = {value!r} {unit}: not a number") from None
    if not math.isfinite(v):
        raise ParameterError(f"{name} = {value!r} {unit} is invalid; valid range: finite real")
    return v


def unit_vector(name: str, value, *, in_plane: bool = False) -> tuple[float, float, float]:
    """Validate a unit 3-vector (|v| = 1 within ``UNIT_VECTOR_TOLERANCE``)."""
    try:
        v = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} = {value!r} (dimensionless): not a 3-vector of numbers") from None
    if v.size != 3 or not np.all(np.isfinite(v)):
        raise ParameterError(f"{name} = {value!r} (dimensionless): need 3 finite components")
    norm = float(np.linalg.norm(v))
    if abs(norm - 1.0) > UNIT_VECTOR_TOLERANCE:
        raise ParameterError(
            f"{name} = {tuple(v.tolist())} (dimensionless) has norm {norm:.8g}; "
            f"valid range: |{name}| = 1 within {UNIT_VECTOR_TOLERANCE:g}"
        )
    if in_plane and abs(v[2]) > UNIT_VECTOR_TOLERANCE:
        raise ParameterError(
            f"{name} = {tuple(v.tolist())} (dimensionless) must lie in the film plane; "
            "valid range: z component = 0"
        )
    return tuple(float(x) for x in v / norm)


def check_degree(degree) -> int:
    """The Lagrange degree as an int, or :class:`ParameterError` (valid: :data:`DEGREES`)."""
    if degree not in DEGREES:
        raise ParameterError(f"degree = {degree!r} is invalid; valid values: 1, 2, 3")
    return int(degree)
