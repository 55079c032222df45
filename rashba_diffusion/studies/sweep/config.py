"""Sweep configuration: the TOML schema, parsed into validated frozen dataclasses.

Schema (every table and key is optional unless noted; units are in the key
names; docs/sweeps.md has the full reference)::

    [material]                 # any Film field; omitted fields: the paper's Fig. 2 values
    alpha_ev_nm = 0.05
    tau_delta_s = 1e-14        # or delta_xc_ev (one of them)
    [drive]
    efield_v_per_m = 1e5
    direction = [1, 0, 0]
    [magnetization]            # m = [mx, my, mz], or theta_deg / phi_deg (default m = x̂)
    m = [1, 0, 0]
    [geometry]
    kind = "1d"                # "1d" cross-section or "2d" full wire
    width_nm = 50
    length_nm = 200            # 2d only
    [mesh]
    cell_nm = 0.05             # default: from the most demanding point of the sweep
    degree = 2
    [sweep]
    mode = "grid"              # "grid" (outer product, first axis outermost) or "zip"
    [sweep.axes]               # name = list | {start, stop, num[, log]}
    tau_delta_s = [1e-13, 3e-14, 1e-14]
    alpha_ev_nm = {start = 5e-4, stop = 5e-2, num = 40, log = true}
    [output]
    profiles = false           # also write s, ν, T across the width for every point

Axis names: any :class:`~rashba_diffusion.parameters.Film` field, the drive's
``efield_v_per_m`` and ``direction`` (a list of vectors), and the
magnetization as ``m`` (a list of vectors) or ``theta_deg`` / ``phi_deg``
(m = (sinθ cosφ, sinθ sinφ, cosθ)).  Errors are :class:`ConfigError` (a
:class:`~rashba_diffusion.parameters.ParameterError`) naming the key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .parameters import Drive, Film, ParameterError, paper_film, unit_vector

DEFAULT_EFIELD_V_PER_M = 1e5
DEFAULT_WIDTH_NM = 50.0

FILM_FIELDS = {f.name: f for f in dataclasses.fields(Film)}
STRING_FIELDS = {"polarization_rule", "precession_rule", "charge_coupling"}
BOOL_FIELDS = {"charge_gamma"}
DRIVE_AXES = {"efield_v_per_m", "direction"}
ANGLE_AXES = {"theta_deg", "phi_deg"}
VECTOR_AXES = {"m", "direction"}
AXIS_NAMES = tuple(FILM_FIELDS) + ("efield_v_per_m", "direction", "m", "theta_deg", "phi_deg")

TABLES = {
    "material": set(FILM_FIELDS),
    "drive": {"efield_v_per_m", "direction"},
    "magnetization": {"m", "theta_deg", "phi_deg"},
    "geometry": {"kind", "width_nm", "length_nm"},
    "mesh": {"cell_nm", "degree"},
    "sweep": {"mode", "axes"},
    "output": {"profiles"},
}


class ConfigError(ParameterError):
    """A sweep configuration is invalid; the message names the key."""


def _err(key: str, problem: str) -> ConfigError:
    return ConfigError(f"config key '{key}': {problem}")


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


def _number(key: str, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise _err(key, f"expected a number, got {type(v).__name__} {v!r}")
    return float(v)


def _vector(key: str, v: Any) -> tuple[float, float, float]:
    if not isinstance(v, list | tuple) or len(v) != 3:
        raise _err(key, f"expected a 3-vector [x, y, z], got {v!r}")
    return tuple(_number(f"{key}[{i}]", x) for i, x in enumerate(v))


def _scalar_value(key: str, name: str, v: Any):
    """Type check of one value of a material/drive/angle parameter."""
    if name in STRING_FIELDS:
        if not isinstance(v, str):
            raise _err(key, f"expected a string, got {type(v).__name__} {v!r}")
        return v
    if name in BOOL_FIELDS:
        if not isinstance(v, bool):
            raise _err(key, f"expected true or false, got {v!r}")
        return v
    if name in VECTOR_AXES:
        return _vector(key, v)
    return _number(key, v)


@dataclass(frozen=True)
class Axis:
    """One sweep axis: a parameter name and its values (floats, strings, bools or 3-tuples).

    ``valid`` lists the axis names of the problem (default: the wire's, :data:`AXIS_NAMES`).
    """

    name: str
    values: tuple
    valid: tuple[str, ...] = field(default=AXIS_NAMES, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = f"sweep.axes.{self.name}"
        if self.name not in self.valid:
            raise _err(key, f"unknown axis; valid axes: {', '.join(self.valid)}")
        if len(self.values) == 0:
            raise _err(key, "an axis needs at least one value")
        object.__setattr__(self, "values", tuple(_scalar_value(f"{key}[{i}]", self.name, v)
                                                 for i, v in enumerate(self.values)))

    @classmethod
    def from_spec(cls, name: str, spec: Any, valid: tuple[str, ...] = AXIS_NAMES) -> Axis:
        """An axis from a TOML value: a list, or a table ``{start, stop, num[, log]}``."""
        key = f"sweep.axes.{name}"
        if name not in valid:
            raise _err(key, f"unknown axis; valid axes: {', '.join(valid)}")
        if isinstance(spec, list):
            return cls(name, tuple(spec), valid)
        if not isinstance(spec, Mapping):
            raise _err(key, f"expected a list of values or a table {{start, stop, num, log}}, got {spec!r}")
        unknown = set(spec) - {"start", "stop", "num", "log"}
        if unknown:
            raise _err(f"{key}.{sorted(unknown)[0]}", "unknown key; valid keys: start, stop, num, log")
        for k in ("start", "stop", "num"):
            if k not in spec:
                raise _err(f"{key}.{k}", "missing (a range needs start, stop and num)")
        if name in VECTOR_AXES or name in STRING_FIELDS or name in BOOL_FIELDS:
            raise _err(key, "a range needs a numeric parameter; give a list of values")
        start, stop = _number(f"{key}.start", spec["start"]), _number(f"{key}.stop", spec["stop"])
        num = spec["num"]
        if isinstance(num, bool) or not isinstance(num, int) or num < 1:
            raise _err(f"{key}.num", f"expected an integer >= 1, got {num!r}")
        log = spec.get("log", False)
        if not isinstance(log, bool):
            raise _err(f"{key}.log", f"expected true or false, got {log!r}")
        if log:
            if start <= 0 or stop <= 0:
                raise _err(key, f"a log range needs start > 0 and stop > 0, got start = {start!r}, stop = {stop!r}")
            vals = np.geomspace(start, stop, num)
        else:
            vals = np.linspace(start, stop, num)
        return cls(name, tuple(float(v) for v in vals), valid)


def check_axes(axes: tuple[Axis, ...], mode: str) -> None:
    """Checks common to every problem: the mode, no axis twice, m or angles, equal lengths for zip."""
    if mode not in ("grid", "zip"):
        raise _err("sweep.mode", f"{mode!r} is invalid; valid values: 'grid', 'zip'")
    names = [a.name for a in axes]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise _err(f"sweep.axes.{sorted(dup)[0]}", "given twice")
    if "m" in names and ANGLE_AXES & set(names):
        raise _err("sweep.axes.m", "sweep either m or theta_deg/phi_deg, not both")
    if mode == "zip" and len({len(a.values) for a in axes}) > 1:
        lens = ", ".join(f"{a.name}: {len(a.values)}" for a in axes)
        raise _err("sweep.mode", f"'zip' needs axes of equal length, got {lens}")


def check_magnetization(cfg) -> None:
    """Validate (in place) the base ``m`` / ``theta_deg`` / ``phi_deg`` of a frozen config."""
    if cfg.m is not None and (cfg.theta_deg is not None or cfg.phi_deg is not None):
        raise _err("magnetization", "give either m or theta_deg/phi_deg, not both")
    if cfg.m is not None:
        object.__setattr__(cfg, "m", unit_vector("m", cfg.m))
    for name in ("theta_deg", "phi_deg"):
        if getattr(cfg, name) is not None:
            object.__setattr__(cfg, name, _number(f"magnetization.{name}", getattr(cfg, name)))


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
    m = _vector("magnetization.m", mag["m"]) if "m" in mag else None
    theta = _number("magnetization.theta_deg", mag["theta_deg"]) if "theta_deg" in mag else None
    phi = _number("magnetization.phi_deg", mag["phi_deg"]) if "phi_deg" in mag else None
    if m is None and theta is None and phi is None:
        m = default_m
    if m is not None:
        m = _wrap("magnetization.m", unit_vector, "m", m)
    return m, theta, phi


@dataclass(frozen=True)
class SweepPoint:
    """One point of a sweep: its index, the axis values and the full parameter set."""

    index: int
    axes: dict
    film: Film
    drive: Drive
    m: tuple[float, float, float]


@dataclass(frozen=True)
class SweepConfig:
    """A validated sweep: base parameters, geometry, axes and outputs.

    Parameters
    ----------
    film, drive
        Base material and drive; axes override their fields point by point.
    m
        Base magnetization (unit 3-vector), or ``None`` to take it from
        ``theta_deg``/``phi_deg``.
    theta_deg, phi_deg
        Base angles of m (used when ``m`` is ``None`` or angle axes exist;
        default θ = 90°, φ = 0°, i.e. m = x̂).
    wire
        :class:`~rashba_diffusion.wire.WireSpec` (geometry and mesh).
    axes
        The sweep axes; ``mode = "grid"`` takes their outer product (the first
        axis varies slowest), ``"zip"`` pairs equal-length axes.
    profiles
        Also record s, ν and T across the width at every point.

    Every point is validated when the config is built (``points``), before
    any mesh or solve.
    """

    film: Film
    drive: Drive
    wire: Any
    m: tuple[float, float, float] | None = (1.0, 0.0, 0.0)
    theta_deg: float | None = None
    phi_deg: float | None = None
    axes: tuple[Axis, ...] = ()
    mode: str = "grid"
    profiles: bool = False

    problem = "wire"

    def __post_init__(self) -> None:
        check_axes(self.axes, self.mode)
        names = [a.name for a in self.axes]
        if {"delta_xc_ev", "tau_delta_s"} <= set(names):
            raise _err("sweep.axes.delta_xc_ev", "sweep either delta_xc_ev or tau_delta_s, not both")
        check_magnetization(self)
        object.__setattr__(self, "_points", tuple(self._build_points()))

    # -- points --------------------------------------------------------------
    def _combinations(self) -> Iterator[dict]:
        return combinations(self.axes, self.mode)

    def _build_points(self) -> Iterator[SweepPoint]:
        use_angles = self.m is None or bool(ANGLE_AXES & {a.name for a in self.axes})
        for i, combo in enumerate(self._combinations()):
            film_changes = {k: v for k, v in combo.items() if k in FILM_FIELDS}
            try:
                film = self.film.replace(**film_changes) if film_changes else self.film
                drive = self.drive
                if DRIVE_AXES & set(combo):
                    drive = Drive(combo.get("efield_v_per_m", drive.efield_v_per_m),
                                  combo.get("direction", drive.direction))
                m = point_m(combo, self.m, self.theta_deg, self.phi_deg, use_angles)
            except ParameterError as e:
                where = ", ".join(f"{k} = {v!r}" for k, v in combo.items())
                raise ConfigError(f"sweep point {i} ({where}): {e}") from None
            yield SweepPoint(index=i, axes=combo, film=film, drive=drive, m=m)

    @property
    def points(self) -> tuple[SweepPoint, ...]:
        """Every point of the sweep, in order (validated)."""
        return self._points  # type: ignore[attr-defined]

    def __len__(self) -> int:
        return len(self.points)

    # -- identity ------------------------------------------------------------
    def canonical(self) -> dict:
        """A JSON-able description of everything that determines the results."""
        return {
            "film": dataclasses.asdict(self.film),
            "drive": {"efield_v_per_m": self.drive.efield_v_per_m, "direction": list(self.drive.direction)},
            "m": None if self.m is None else list(self.m),
            "theta_deg": self.theta_deg,
            "phi_deg": self.phi_deg,
            "wire": dataclasses.asdict(self.wire),
            "axes": [{"name": a.name, "values": [list(v) if isinstance(v, tuple) else v for v in a.values]}
                     for a in self.axes],
            "mode": self.mode,
            "profiles": self.profiles,
        }

    def digest(self) -> str:
        """SHA-256 of :meth:`canonical` (the identity checked when a sweep resumes)."""
        text = json.dumps(self.canonical(), sort_keys=True, allow_nan=True)
        return hashlib.sha256(text.encode()).hexdigest()


# -- TOML ------------------------------------------------------------------------
def _table(d: Mapping, name: str, tables: Mapping[str, set] = TABLES) -> dict:
    t = d.get(name, {})
    if not isinstance(t, Mapping):
        raise _err(name, f"expected a table [{name}], got {t!r}")
    unknown = set(t) - tables[name]
    if unknown:
        raise _err(f"{name}.{sorted(unknown)[0]}", f"unknown key; valid keys: {', '.join(sorted(tables[name]))}")
    return dict(t)


def _wrap(key: str, fn, *args, **kwargs):
    """Call a validating constructor and prefix its ParameterError with the config key."""
    try:
        return fn(*args, **kwargs)
    except ConfigError:
        raise
    except ParameterError as e:
        raise ConfigError(f"config key '{key}': {e}") from None
    except TypeError as e:
        raise ConfigError(f"config key '{key}': {e}") from None


PROBLEMS = ("wire", "bilayer", "film")


def film_parameters(d: Mapping) -> tuple[Film, Drive, tuple | None, float | None, float | None]:
    """(film, drive, m, theta_deg, phi_deg) of the ``[material]``, ``[drive]``, ``[magnetization]`` tables.

    Shared by the wire and the film-on-a-mesh problems (:mod:`rashba_diffusion.config_film`).
    """
    mat = _table(d, "material")
    for k, v in mat.items():
        _scalar_value(f"material.{k}", k, v)
    if "delta_xc_ev" in mat and "tau_delta_s" in mat:
        raise _err("material.delta_xc_ev", "give either delta_xc_ev or tau_delta_s, not both")
    film = _wrap("material", paper_film, **mat)  # omitted fields: the paper's Figs. 2-3 material

    drv = _table(d, "drive")
    efield = _number("drive.efield_v_per_m", drv.get("efield_v_per_m", DEFAULT_EFIELD_V_PER_M))
    direction = _vector("drive.direction", drv.get("direction", [1.0, 0.0, 0.0]))
    drive = _wrap("drive", Drive, efield, direction)

    m, theta, phi = magnetization_from_table(_table(d, "magnetization"), (1.0, 0.0, 0.0))
    return film, drive, m, theta, phi


def sweep_axes(d: Mapping, valid: tuple[str, ...] = AXIS_NAMES) -> tuple[tuple[Axis, ...], str]:
    """(axes, mode) of the ``[sweep]`` table."""
    sw = _table(d, "sweep")
    mode = sw.get("mode", "grid")
    axes_t = sw.get("axes", {})
    if not isinstance(axes_t, Mapping):
        raise _err("sweep.axes", f"expected a table of axes, got {axes_t!r}")
    return tuple(Axis.from_spec(name, spec, valid) for name, spec in axes_t.items()), mode


def config_from_dict(d: Mapping, base_dir: str | Path | None = None):
    """Build and validate a sweep config from a parsed TOML document.

    The top-level key ``problem`` picks the schema: ``"wire"`` (default: :class:`SweepConfig`),
    ``"bilayer"`` (:class:`~rashba_diffusion.config_bilayer.BilayerSweepConfig`) or ``"film"``
    (:class:`~rashba_diffusion.config_film.FilmSweepConfig`).  ``base_dir``: the
    directory that relative mesh file paths are relative to (that of the TOML file; default the working
    directory).
    """
    from .wire import WireSpec

    problem = d.get("problem", "wire")
    if problem not in PROBLEMS:
        raise _err("problem", f"{problem!r} is invalid; valid values: {', '.join(map(repr, PROBLEMS))}")
    if problem == "bilayer":
        from .config_bilayer import bilayer_config_from_dict

        return bilayer_config_from_dict(d, base_dir)
    if problem == "film":
        from .config_film import film_config_from_dict

        return film_config_from_dict(d, base_dir)
    unknown = set(d) - set(TABLES) - {"problem"}
    if unknown:
        raise _err(sorted(unknown)[0], f"unknown table; valid tables: {', '.join(TABLES)}")
    film, drive, m, theta, phi = film_parameters(d)

    geo = _table(d, "geometry")
    msh = _table(d, "mesh")
    kind = geo.get("kind", "1d")
    if not isinstance(kind, str):
        raise _err("geometry.kind", f"expected a string ('1d' or '2d'), got {kind!r}")
    width = _number("geometry.width_nm", geo.get("width_nm", DEFAULT_WIDTH_NM))
    length = _number("geometry.length_nm", geo["length_nm"]) if "length_nm" in geo else None
    if length is not None and kind != "2d":
        raise _err("geometry.length_nm", "only used with kind = '2d'")
    cell = _number("mesh.cell_nm", msh["cell_nm"]) if "cell_nm" in msh else None
    degree = msh.get("degree", 2)
    if isinstance(degree, bool) or not isinstance(degree, int):
        raise _err("mesh.degree", f"expected an integer (1, 2, 3), got {degree!r}")
    wire = _wrap("geometry", WireSpec, width_nm=width, geometry=kind, length_nm=length, cell_nm=cell, degree=degree)

    axes, mode = sweep_axes(d)

    out = _table(d, "output")
    profiles = out.get("profiles", False)
    if not isinstance(profiles, bool):
        raise _err("output.profiles", f"expected true or false, got {profiles!r}")
    return SweepConfig(film=film, drive=drive, wire=wire, m=m, theta_deg=theta, phi_deg=phi, axes=axes,
                       mode=mode, profiles=profiles)


def load_config(path: str | Path):
    """Read and validate a TOML sweep configuration."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            d = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} does not exist") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config file {str(path)!r} is not valid TOML: {e}") from None
    return config_from_dict(d, path.parent)
