"""What every sweep configuration shares: axes, the points of a grid or zip, the magnetization given as m or
as angles, the identity digest (:class:`SweepConfigBase`), and the description of a problem kind
(:class:`ProblemKind`) that the registry lists and the engine runs.

Axis names are checked by each problem's config (its ``AXIS_NAMES``); errors are
:class:`~rashba_diffusion.errors.ConfigError` (a :class:`~rashba_diffusion.errors.ParameterError`) naming the key.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

import numpy as np

from ...errors import ConfigError, ParameterError
from ...validation import unit_vector
from .toml import error, number, table, vector, wrap

#: value types of the axes (every other axis is a number)
STRING_AXES = {"polarization_rule", "precession_rule", "charge_coupling"}
BOOL_AXES = {"charge_gamma"}
VECTOR_AXES = {"m", "direction", "axis"}
ANGLE_AXES = {"theta_deg", "phi_deg"}
#: the input columns of m's angles (when m comes from angles)
ANGLE_COLUMNS = ("theta_deg", "phi_deg")
MAGNETIZATION_AXES = ("m", "theta_deg", "phi_deg")
# TypeVar/Generic rather than PEP 695 class parameters: the repository's Python 3.11 tools parse this package
P = TypeVar("P")
C = TypeVar("C")


def _cos_sin_deg(a: float) -> tuple[float, float]:
    """(cos a, sin a) for a in degrees, exact at multiples of 90° (so that m = ŷ is exactly ŷ)."""
    r = a % 360.0
    exact = {0.0: (1.0, 0.0), 90.0: (0.0, 1.0), 180.0: (-1.0, 0.0), 270.0: (0.0, -1.0)}
    if r in exact:
        return exact[r]
    return math.cos(math.radians(a)), math.sin(math.radians(a))


def angles_to_m(theta_deg: float, phi_deg: float) -> tuple[float, float, float]:
    """m = (sinθ cosφ, sinθ sinφ, cosθ) for polar angle θ from ẑ and azimuth φ from x̂ (degrees)."""
    ct, st = _cos_sin_deg(theta_deg)
    cp, sp = _cos_sin_deg(phi_deg)
    return (st * cp, st * sp, ct)


def axis_value(key: str, name: str, v: Any):
    """Type check of one value of the axis ``name``."""
    if name in STRING_AXES:
        if not isinstance(v, str):
            raise error(key, f"expected a string, got {type(v).__name__} {v!r}")
        return v
    if name in BOOL_AXES:
        if not isinstance(v, bool):
            raise error(key, f"expected true or false, got {v!r}")
        return v
    if name in VECTOR_AXES:
        return vector(key, v)
    return number(key, v)


def check_axis_name(name: str, valid: tuple[str, ...]) -> None:
    """``name`` must be one of the problem's axes."""
    if name not in valid:
        raise error(f"sweep.axes.{name}", f"unknown axis; valid axes: {', '.join(valid)}")


@dataclass(frozen=True)
class Axis:
    """One sweep axis: a parameter name and its values (floats, strings, bools or 3-tuples).

    ``valid``: the axis names of the problem, checked here if given (a config checks its axes in any case).
    """

    name: str
    values: tuple
    valid: tuple[str, ...] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = f"sweep.axes.{self.name}"
        if self.valid is not None:
            check_axis_name(self.name, self.valid)
        if len(self.values) == 0:
            raise error(key, "an axis needs at least one value")
        object.__setattr__(self, "values", tuple(axis_value(f"{key}[{i}]", self.name, v)
                                                 for i, v in enumerate(self.values)))

    @classmethod
    def from_spec(cls, name: str, spec: Any, valid: tuple[str, ...]) -> Axis:
        """An axis from a TOML value: a list, or a table ``{start, stop, num[, log]}``."""
        key = f"sweep.axes.{name}"
        check_axis_name(name, valid)
        if isinstance(spec, list):
            return cls(name, tuple(spec), valid)
        if not isinstance(spec, Mapping):
            raise error(key, f"expected a list of values or a table {{start, stop, num, log}}, got {spec!r}")
        unknown = set(spec) - {"start", "stop", "num", "log"}
        if unknown:
            raise error(f"{key}.{sorted(unknown)[0]}", "unknown key; valid keys: start, stop, num, log")
        for k in ("start", "stop", "num"):
            if k not in spec:
                raise error(f"{key}.{k}", "missing (a range needs start, stop and num)")
        if name in VECTOR_AXES or name in STRING_AXES or name in BOOL_AXES:
            raise error(key, "a range needs a numeric parameter; give a list of values")
        start, stop = number(f"{key}.start", spec["start"]), number(f"{key}.stop", spec["stop"])
        num = spec["num"]
        if isinstance(num, bool) or not isinstance(num, int) or num < 1:
            raise error(f"{key}.num", f"expected an integer >= 1, got {num!r}")
        log = spec.get("log", False)
        if not isinstance(log, bool):
            raise error(f"{key}.log", f"expected true or false, got {log!r}")
        if log:
            if start <= 0 or stop <= 0:
                raise error(key, f"a log range needs start > 0 and stop > 0, got start = {start!r}, stop = {stop!r}")
            vals = np.geomspace(start, stop, num)
        else:
            vals = np.linspace(start, stop, num)
        return cls(name, tuple(float(v) for v in vals), valid)


def check_axes(axes: tuple[Axis, ...], mode: str) -> None:
    """Checks common to every problem: the mode, no axis twice, m or angles, equal lengths for zip."""
    if mode not in ("grid", "zip"):
        raise error("sweep.mode", f"{mode!r} is invalid; valid values: 'grid', 'zip'")
    names = [a.name for a in axes]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise error(f"sweep.axes.{sorted(dup)[0]}", "given twice")
    if "m" in names and ANGLE_AXES & set(names):
        raise error("sweep.axes.m", "sweep either m or theta_deg/phi_deg, not both")
    if mode == "zip" and len({len(a.values) for a in axes}) > 1:
        lens = ", ".join(f"{a.name}: {len(a.values)}" for a in axes)
        raise error("sweep.mode", f"'zip' needs axes of equal length, got {lens}")


def sweep_axes(d: Mapping, valid: tuple[str, ...], tables: Mapping[str, set]) -> tuple[tuple[Axis, ...], str]:
    """(axes, mode) of the ``[sweep]`` table."""
    sw = table(d, "sweep", tables)
    mode = sw.get("mode", "grid")
    axes_t = sw.get("axes", {})
    if not isinstance(axes_t, Mapping):
        raise error("sweep.axes", f"expected a table of axes, got {axes_t!r}")
    return tuple(Axis.from_spec(name, spec, valid) for name, spec in axes_t.items()), mode


def check_magnetization(cfg) -> None:
    """Validate (in place) the base ``m`` / ``theta_deg`` / ``phi_deg`` of a frozen config."""
    if cfg.m is not None and (cfg.theta_deg is not None or cfg.phi_deg is not None):
        raise error("magnetization", "give either m or theta_deg/phi_deg, not both")
    if cfg.m is not None:
        object.__setattr__(cfg, "m", unit_vector("m", cfg.m))
    for name in ("theta_deg", "phi_deg"):
        if getattr(cfg, name) is not None:
            object.__setattr__(cfg, name, number(f"magnetization.{name}", getattr(cfg, name)))


def combinations(axes: tuple[Axis, ...], mode: str) -> Iterator[dict]:
    """The axis values of every point: ``grid`` (outer product, first axis slowest) or ``zip``."""
    if not axes:
        yield {}
        return
    if mode == "zip":
        for vals in zip(*(a.values for a in axes), strict=True):
            yield {a.name: v for a, v in zip(axes, vals, strict=True)}
        return
    for idx in np.ndindex(*(len(a.values) for a in axes)):
        yield {a.name: a.values[i] for a, i in zip(axes, idx, strict=True)}


def point_m(combo: dict, m, theta_deg: float | None, phi_deg: float | None, use_angles: bool):
    """m of one point: an ``m`` axis, else the angles (axes or base; default θ = 90°, φ = 0°), else base m."""
    if "m" in combo:
        return unit_vector("m", combo["m"])
    if use_angles:
        theta = combo.get("theta_deg", 90.0 if theta_deg is None else theta_deg)
        phi = combo.get("phi_deg", 0.0 if phi_deg is None else phi_deg)
        return unit_vector("m", angles_to_m(theta, phi))
    return m


def magnetization_from_table(mag: dict, default_m: tuple[float, float, float]):
    """(m, theta_deg, phi_deg) of a validated ``[magnetization]`` table (m = ``default_m`` when empty)."""
    m = vector("magnetization.m", mag["m"]) if "m" in mag else None
    theta = number("magnetization.theta_deg", mag["theta_deg"]) if "theta_deg" in mag else None
    phi = number("magnetization.phi_deg", mag["phi_deg"]) if "phi_deg" in mag else None
    if m is None and theta is None and phi is None:
        m = default_m
    if m is not None:
        m = wrap("magnetization.m", unit_vector, "m", m)
    return m, theta, phi


@dataclass(frozen=True)
class SweepPoint(Generic[P]):  # noqa: UP046
    """One point of a sweep: its index, the axis values and the full, validated parameter set."""

    index: int
    axes: dict
    params: P


@dataclass(frozen=True, kw_only=True)
class SweepConfigBase(Generic[P]):  # noqa: UP046
    """What every validated sweep has: the base magnetization, the axes, the points, the identity.

    Every point is built and validated here (:attr:`points`), before any mesh or solve.  A problem's config
    adds its base parameters as fields and provides :meth:`_params` (a combination of axis values -> the
    parameter set) and :meth:`_canonical_fields`; ``AXIS_NAMES`` and ``problem`` name its axes and itself.

    Parameters
    ----------
    m
        Base magnetization (unit 3-vector), or ``None`` to take it from ``theta_deg``/``phi_deg``.
    theta_deg, phi_deg
        Base angles of m (used when ``m`` is ``None`` or angle axes exist; default θ = 90°, φ = 0°, i.e.
        m = x̂).
    axes
        The sweep axes; ``mode = "grid"`` takes their outer product (the first axis varies slowest),
        ``"zip"`` pairs equal-length axes.
    profiles
        Also record profiles across the width at every point (problems with a cross-section only).
    """

    problem: ClassVar[str]
    AXIS_NAMES: ClassVar[tuple[str, ...]]

    m: tuple[float, float, float] | None = (1.0, 0.0, 0.0)
    theta_deg: float | None = None
    phi_deg: float | None = None
    axes: tuple[Axis, ...] = ()
    mode: str = "grid"
    profiles: bool = False

    def __post_init__(self) -> None:
        check_axes(self.axes, self.mode)
        for a in self.axes:
            check_axis_name(a.name, self.AXIS_NAMES)
        self._check()
        check_magnetization(self)
        object.__setattr__(self, "_points", tuple(self._build_points()))

    def _check(self) -> None:
        """Checks of a problem beyond the common ones (before the points are built)."""

    def _params(self, combo: dict, m: tuple[float, float, float]) -> P:
        """The parameter set of one combination of axis values, with its m (raises ParameterError)."""
        raise NotImplementedError

    def _canonical_fields(self) -> dict:
        """The problem's part of :meth:`canonical`."""
        raise NotImplementedError

    @property
    def uses_angles(self) -> bool:
        """Whether m comes from θ, φ (base angles or angle axes): the rows then carry θ and φ."""
        return self.m is None or bool(ANGLE_AXES & {a.name for a in self.axes})

    def angles(self, p: SweepPoint) -> dict[str, float]:
        """θ and φ of point ``p`` (degrees; their defaults 90°, 0°)."""
        return {"theta_deg": p.axes.get("theta_deg", 90.0 if self.theta_deg is None else self.theta_deg),
                "phi_deg": p.axes.get("phi_deg", 0.0 if self.phi_deg is None else self.phi_deg)}

    def point_m(self, axes: dict) -> tuple[float, float, float]:
        """m of the point with these axis values, as the config resolves it: what its row records.

        The parameter set holds the same unit vector validated once more (which may move its last bit), so the
        rows take m from here: their inputs then match rows written before, and a sweep still resumes.
        """
        return point_m(axes, self.m, self.theta_deg, self.phi_deg, self.uses_angles)

    def _build_points(self) -> Iterator[SweepPoint[P]]:
        for i, combo in enumerate(combinations(self.axes, self.mode)):
            try:
                params = self._params(combo, self.point_m(combo))
            except ParameterError as e:
                where = ", ".join(f"{k} = {v!r}" for k, v in combo.items())
                raise ConfigError(f"sweep point {i} ({where}): {e}") from None
            yield SweepPoint(index=i, axes=combo, params=params)

    @property
    def points(self) -> tuple[SweepPoint[P], ...]:
        """Every point of the sweep, in order (validated)."""
        return self._points  # type: ignore[attr-defined]

    def __len__(self) -> int:
        return len(self.points)

    def canonical(self) -> dict:
        """A JSON-able description of everything that determines the results."""
        return {
            **self._canonical_fields(),
            "m": None if self.m is None else list(self.m),
            "theta_deg": self.theta_deg,
            "phi_deg": self.phi_deg,
            "axes": [{"name": a.name, "values": [list(v) if isinstance(v, tuple) else v for v in a.values]}
                     for a in self.axes],
            "mode": self.mode,
        }

    def digest(self) -> str:
        """SHA-256 of :meth:`canonical` (the identity checked when a sweep resumes)."""
        text = json.dumps(self.canonical(), sort_keys=True, allow_nan=True)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class ProblemKind(Generic[P, C]):  # noqa: UP046
    """A problem as the sweep engine runs it: its schema, its CSV columns and how to open its session.

    Everything but :attr:`prepare` and :attr:`open_session` is light; those two import the problem's
    session module when called.

    Attributes
    ----------
    name
        The value of ``problem`` in the TOML file.
    config_from_dict
        ``(parsed TOML, base directory of relative paths) -> config``.
    input_columns, output_columns
        The CSV columns of a row after ``index`` (and θ, φ when m comes from angles): inputs (matched when a
        sweep resumes), then outputs; the engine adds ``point_seconds``'s value.
    column_types
        ``str``, ``bool`` or ``int`` for the columns that are not floats (how a resumed CSV is read back).
    input_row
        ``(config, point) -> {input column: value}``.
    output_row
        ``(Result.summary) -> {output column: value}`` (all but ``point_seconds``).
    mesh_info
        ``config -> dict`` recorded in ``sweep.json``.
    prepare
        ``(config, comm) -> what every session of the run shares`` (a mesh read once), or ``None``.
        Collective; it checks what only the mesh can tell (the roles of a mesh file's tags) and raises
        ParameterError on every rank alike.
    open_session
        ``(config, params, comm, petsc_options, prepared) -> Session``.
    dofs
        ``(config, prepared) -> the degrees of freedom of the sweep's largest session`` for the size guard
        (``--max-dofs``): called with ``prepared = None`` before any mesh (an estimate, or ``None`` when only
        the mesh can tell), and again after :attr:`prepare` when that returned a mesh (collective).
    warnings
        ``config -> messages`` where the sweep leaves the model's validity (logged, not errors).
    """

    name: str
    config_from_dict: Callable[[Mapping, Path | None], C]
    input_columns: tuple[str, ...]
    output_columns: tuple[str, ...]
    column_types: Mapping[str, type]
    input_row: Callable[[C, SweepPoint[P]], dict]
    output_row: Callable[[dict], dict]
    mesh_info: Callable[[C], dict]
    prepare: Callable[[C, Any], Any]
    open_session: Callable[[C, P, Any, dict | None, Any], Any]
    dofs: Callable[[C, Any], float | None] = field(default=lambda config, prepared: None)
    warnings: Callable[[C], list[str]] = field(default=lambda config: [])

    def columns(self, config: C) -> tuple[str, ...]:
        """The CSV columns of ``config``'s rows."""
        angles = ANGLE_COLUMNS if config.uses_angles else ()
        return ("index", *angles, *self.input_columns, *self.output_columns)
