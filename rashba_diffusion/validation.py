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
#: the longest length accepted (nm): 1 m.  Any mesh of it is stopped long before by the size guards
#: (:data:`DEFAULT_MAX_DOFS`); the bound keeps lengths, areas and their ratios far inside floating point.
MAX_LENGTH_NM = 1e9
#: the size guards' defaults: degrees of freedom of one solve (``--max-dofs``), cells of a generated mesh
#: (``mesh --max-cells``) and points of a sweep (``--max-points``).  2e7 dofs need tens of GB with MUMPS.
DEFAULT_MAX_DOFS = 2e7
DEFAULT_MAX_CELLS = 1e7
DEFAULT_MAX_POINTS = 1e6


def _fmt_range(lower: float | None, upper: float | None, allow_inf: bool) -> str:
    lo = f"[{lower:g}" if lower is not None else "(0"
    hi = f"{upper:g}]" if upper is not None else ("inf]" if allow_inf else "inf)")
    return f"{lo}, {hi}" + (" or inf" if allow_inf and upper is not None else "")


def check_positive(name: str, value: float, unit: str, *, allow_inf: bool = False, lower: float | None = None,
                   upper: float | None = None) -> float:
    """Return ``float(value)`` or raise a :class:`ParameterError` naming the parameter.

    Parameters
    ----------
    name, unit
        Used verbatim in the message (e.g. ``"tau_s"``, ``"s"``).
    allow_inf
        Whether ``+inf`` (switching a process off) is accepted.
    lower, upper
        Bounds (inclusive) where the model or floating point ends; ``None``: 0 (exclusive) and none.
    """
    valid = _fmt_range(lower, upper, allow_inf)
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} = {value!r} {unit}: not a number; valid range: {valid}") from None
    bad = math.isnan(v) or v <= 0.0 or (math.isinf(v) and not allow_inf)
    if not math.isinf(v):
        bad = bad or (lower is not None and v < lower) or (upper is not None and v > upper)
    if bad:
        raise ParameterError(f"{name} = {value!r} {unit} is invalid; valid range: {valid}")
    return v


def check_length(name: str, value: float) -> float:
    """A length in nm: > 0 and at most :data:`MAX_LENGTH_NM`."""
    return check_positive(name, value, "nm", upper=MAX_LENGTH_NM)


def check_magnitude(name: str, value: float, unit: str, max_abs: float, *, nonnegative: bool = False) -> float:
    """A finite number with |value| <= ``max_abs`` (and >= 0 with ``nonnegative``), else ParameterError."""
    lo = 0.0 if nonnegative else -max_abs
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} = {value!r} {unit}: not a number; valid range: [{lo:g}, {max_abs:g}]") from None
    if not (lo <= v <= max_abs):  # NaN fails too
        raise ParameterError(f"{name} = {v:.12g} {unit} is invalid; valid range: [{lo:g}, {max_abs:g}]")
    return v


def check_limit(flag: str, value, unit: str = "") -> float:
    """A size limit given on the command line (``--max-dofs``): a number > 0 (``inf``: no limit)."""
    return check_positive(flag, value, unit or "(count)", allow_inf=True)


def check_size(what: str, estimate: float, limit: float, flag: str) -> None:
    """Raise ParameterError if ``estimate`` (of ``what``) exceeds ``limit`` (the value of ``flag``)."""
    if not estimate <= limit:  # NaN and inf estimates fail too
        raise ParameterError(f"{what} = {estimate:.3g} is invalid; valid range: <= {flag} = {limit:.3g} "
                             f"(raise {flag} if this machine has the memory and time for it)")


def check_finite(name: str, value: float, unit: str) -> float:
    """Return ``float(value)`` if finite, else raise :class:`ParameterError`."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} = {value!r} {unit}: not a number") from None
    if not math.isfinite(v):
        raise ParameterError(f"{name} = {value!r} {unit} is invalid; valid range: finite real")
    return v


def check_non_negative(name: str, value: float, unit: str, upper: float = math.inf) -> float:
    """A finite number in [0, ``upper``], else :class:`ParameterError`."""
    v = check_finite(name, value, unit)
    if not 0.0 <= v <= upper:
        raise ParameterError(f"{name} = {value!r} {unit} is invalid; valid range: [0, {upper:g}]")
    return v


def finite_vector(name: str, value, unit: str, max_abs: float = math.inf) -> tuple[float, float, float]:
    """A 3-vector of finite numbers, each |component| <= ``max_abs``, else :class:`ParameterError`."""
    try:
        v = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} = {value!r} {unit}: not a 3-vector of numbers") from None
    if v.size != 3 or not np.all(np.isfinite(v)):
        raise ParameterError(f"{name} = {value!r} {unit}: need 3 finite components")
    if np.any(np.abs(v) > max_abs):
        raise ParameterError(f"{name} = {value!r} {unit} is invalid; valid range: each component in "
                             f"[-{max_abs:g}, {max_abs:g}]")
    return (float(v[0]), float(v[1]), float(v[2]))


def unit_vector(name: str, value, *, in_plane: bool = False) -> tuple[float, float, float]:
    """Validate a unit 3-vector (|v| = 1 within ``UNIT_VECTOR_TOLERANCE``)."""
    v = np.array(finite_vector(name, value, "(dimensionless)"))
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
