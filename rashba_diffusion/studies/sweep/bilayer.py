"""Sweep configuration of the heavy-metal / ferromagnet bilayer (``problem = "bilayer"``).

Schema (every table and key optional; defaults: those of ``rashba-diffusion bilayer``; docs/sweeps.md)::

    problem = "bilayer"
    [heavy_metal]              # HeavyMetal: thickness_nm, lambda_nm, sigma_s_per_m, theta_sh
    [ferromagnet]              # Ferromagnet: thickness_nm, sigma_s_per_m, lambda_j_nm, lambda_phi_nm,
                               # lambda_sf_nm, ms_a_per_m (no length given: an ideal transverse spin sink)
    [interface]                # Interface: kind ("mixing"/"continuous"), g_mix_real_s_per_m2, g_mix_imag_s_per_m2
    [drive]
    j_a_per_m2 = 1e11          # charge current density in the HM along x̂
    [magnetization]            # m, or theta_deg / phi_deg (default m = ŷ)
    [geometry]                 # BilayerSpec: kind ("1d"/"2d"/"3d"), width_nm, length_nm, charge_current
    [mesh]                     # cell_nm, degree; or file (+ tag_map) instead of [geometry]
    [sweep]                    # mode, axes (as for the wire)

Axis names are the command-line names of ``rashba-diffusion bilayer`` (:data:`AXIS_FIELDS`), plus ``m`` or
``theta_deg`` / ``phi_deg``.  The values are validated by the dataclasses of :mod:`bilayer` (no second copy of
the rules); their :class:`~rashba_diffusion.parameters.ParameterError` is re-raised as a
:class:`~rashba_diffusion.config.ConfigError` that names the key.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .bilayer import (
    CLI_DEFAULTS,
    BilayerSpec,
    Ferromagnet,
    HeavyMetal,
    Interface,
    _check_current,
    check_combination,
    default_cell_nm,
    default_width_nm,
    stripe_spec,
)
from .config import (
    ANGLE_AXES,
    Axis,
    ConfigError,
    _err,
    _number,
    _table,
    _wrap,
    check_axes,
    check_magnetization,
    combinations,
    magnetization_from_table,
    point_m,
)
from .parameters import ParameterError

#: sweep axis -> (dataclass, field): the names of ``rashba-diffusion bilayer``'s flags
AXIS_FIELDS = {
    "hm_thickness_nm": ("hm", "thickness_nm"), "hm_lambda_nm": ("hm", "lambda_nm"),
    "hm_sigma_s_per_m": ("hm", "sigma_s_per_m"), "theta_sh": ("hm", "theta_sh"),
    "fm_thickness_nm": ("fm", "thickness_nm"), "fm_sigma_s_per_m": ("fm", "sigma_s_per_m"),
    "fm_lambda_j_nm": ("fm", "lambda_j_nm"), "fm_lambda_phi_nm": ("fm", "lambda_phi_nm"),
    "fm_lambda_sf_nm": ("fm", "lambda_sf_nm"), "fm_ms_a_per_m": ("fm", "ms_a_per_m"),
    "g_mix_real_s_per_m2": ("interface", "g_mix_real_s_per_m2"),
    "g_mix_imag_s_per_m2": ("interface", "g_mix_imag_s_per_m2"),
    "j_a_per_m2": ("drive", "j_a_per_m2"),
}  # fmt: skip
AXIS_NAMES = (*AXIS_FIELDS, "m", "theta_deg", "phi_deg")
#: axes that change the generated mesh (forbidden with a mesh file, which fixes the thicknesses)
THICKNESS_AXES = ("hm_thickness_nm", "fm_thickness_nm")

TABLES = {
    "heavy_metal": {"thickness_nm", "lambda_nm", "sigma_s_per_m", "theta_sh"},
    "ferromagnet": {f.name for f in dataclasses.fields(Ferromagnet)},
    "interface": {"kind", "g_mix_real_s_per_m2", "g_mix_imag_s_per_m2"},
    "drive": {"j_a_per_m2"},
    "magnetization": {"m", "theta_deg", "phi_deg"},
    "geometry": {"kind", "width_nm", "length_nm", "charge_current"},
    "mesh": {"cell_nm", "degree", "file", "tag_map"},
    "sweep": {"mode", "axes"},
}
DEFAULT_M = (0.0, 1.0, 0.0)


@dataclass(frozen=True)
class BilayerPoint:
    """One point of a bilayer sweep: its index, the axis values and the full parameter set."""

    index: int
    axes: dict
    hm: HeavyMetal
    fm: Ferromagnet
    interface: Interface
    j_a_per_m2: float
    m: tuple[float, float, float]


@dataclass(frozen=True)
class BilayerSweepConfig:
    """A validated bilayer sweep (every point is built and checked here, before any mesh).

    Parameters
    ----------
    hm, fm, interface, j_a_per_m2
        Base parameters; the axes override their fields point by point.
    spec
        Geometry and discretization (:class:`~rashba_diffusion.bilayer.BilayerSpec`).
    m, theta_deg, phi_deg
        Base magnetization, as in :class:`~rashba_diffusion.config.SweepConfig`.
    mesh_file, tag_map
        Solve on this mesh file instead of the generated mesh of ``spec``.
    axes, mode
        The sweep axes (names: :data:`AXIS_NAMES`) and ``"grid"`` or ``"zip"``.
    """

    hm: HeavyMetal
    fm: Ferromagnet
    interface: Interface
    j_a_per_m2: float
    spec: BilayerSpec
    m: tuple[float, float, float] | None = DEFAULT_M
    theta_deg: float | None = None
    phi_deg: float | None = None
    mesh_file: str | None = None
    tag_map: dict | None = None
    axes: tuple[Axis, ...] = ()
    mode: str = "grid"

    problem = "bilayer"
    profiles = False

    def __post_init__(self) -> None:
        check_axes(self.axes, self.mode)
        for a in self.axes:
            if a.name not in AXIS_NAMES:
                raise _err(f"sweep.axes.{a.name}", f"unknown axis; valid axes: {', '.join(AXIS_NAMES)}")
            if self.mesh_file is not None and a.name in THICKNESS_AXES:
                raise _err(f"sweep.axes.{a.name}", "the mesh file fixes the layer thicknesses; sweep them on a "
                           "generated mesh ([geometry] kind) instead")
        check_magnetization(self)
        object.__setattr__(self, "_points", tuple(self._build_points()))

    def _build_points(self):
        use_angles = self.m is None or bool(ANGLE_AXES & {a.name for a in self.axes})
        for i, combo in enumerate(combinations(self.axes, self.mode)):
            try:
                parts: dict[str, dict] = {"hm": {}, "fm": {}, "interface": {}, "drive": {}}
                for name, v in combo.items():
                    if name in AXIS_FIELDS:
                        obj, fld = AXIS_FIELDS[name]
                        parts[obj][fld] = v
                hm = dataclasses.replace(self.hm, **parts["hm"])
                fm = dataclasses.replace(self.fm, **parts["fm"])
                interface = dataclasses.replace(self.interface, **parts["interface"])
                check_combination(fm, interface)
                j = _check_current(parts["drive"].get("j_a_per_m2", self.j_a_per_m2))
                m = point_m(combo, self.m, self.theta_deg, self.phi_deg, use_angles)
                if self.mesh_file is None and self.spec.geometry == "3d":
                    stripe_spec(hm, fm, self.spec)  # the stripe's dimensions, before gmsh runs
            except ParameterError as e:
                where = ", ".join(f"{k} = {v!r}" for k, v in combo.items())
                raise ConfigError(f"sweep point {i} ({where}): {e}") from None
            yield BilayerPoint(index=i, axes=combo, hm=hm, fm=fm, interface=interface, j_a_per_m2=j, m=m)

    @property
    def points(self) -> tuple[BilayerPoint, ...]:
        """Every point of the sweep, in order (validated)."""
        return self._points  # type: ignore[attr-defined]

    def __len__(self) -> int:
        return len(self.points)

    def resolved_spec(self) -> BilayerSpec:
        """``spec`` with the cell (and 2D/3D width, 3D length) of the most demanding point filled in.

        One cell size serves every point (the smallest default over the sweep), so that a row differs from a
        ``solve_bilayer`` call with the same ``cell_nm`` only by round-off.  The mesh itself is rebuilt when a
        thickness changes (``BilayerSession.reusable``).
        """
        if self.mesh_file is not None:
            return self.spec
        pts = self.points
        cell = self.spec.cell_nm or min(default_cell_nm(p.hm, p.fm, self.spec) for p in pts)
        width = self.spec.width_nm
        if self.spec.geometry != "1d" and width is None:
            width = max(default_width_nm(p.hm, p.fm, self.spec) for p in pts)
        length = self.spec.length_nm
        if self.spec.geometry == "3d" and length is None:
            length = width
        return dataclasses.replace(self.spec, cell_nm=cell, width_nm=width, length_nm=length)

    def canonical(self) -> dict:
        """A JSON-able description of everything that determines the results."""
        return {
            "problem": self.problem,
            "hm": dataclasses.asdict(self.hm),
            "fm": dataclasses.asdict(self.fm),
            "interface": dataclasses.asdict(self.interface),
            "j_a_per_m2": self.j_a_per_m2,
            "m": None if self.m is None else list(self.m),
            "theta_deg": self.theta_deg,
            "phi_deg": self.phi_deg,
            "spec": dataclasses.asdict(self.spec),
            "mesh_file": self.mesh_file,
            "tag_map": self.tag_map,
            "axes": [{"name": a.name, "values": [list(v) if isinstance(v, tuple) else v for v in a.values]}
                     for a in self.axes],
            "mode": self.mode,
        }

    def digest(self) -> str:
        """SHA-256 of :meth:`canonical` (the identity checked when a sweep resumes)."""
        text = json.dumps(self.canonical(), sort_keys=True, allow_nan=True)
        return hashlib.sha256(text.encode()).hexdigest()


def _numbers(table: dict, name: str, keys: set[str]) -> dict:
    """Type-check the numeric keys of a table (the error names the key)."""
    return {k: _number(f"{name}.{k}", v) for k, v in table.items() if k in keys}


def _string(key: str, v: Any) -> str:
    if not isinstance(v, str):
        raise _err(key, f"expected a string, got {type(v).__name__} {v!r}")
    return v


def bilayer_config_from_dict(d: Mapping, base_dir: str | Path | None = None) -> BilayerSweepConfig:
    """Build and validate a :class:`BilayerSweepConfig` from a parsed TOML document (``problem = "bilayer"``)."""
    unknown = set(d) - set(TABLES) - {"problem"}
    if unknown:
        raise _err(sorted(unknown)[0], f"unknown table for problem = 'bilayer'; valid tables: {', '.join(TABLES)}")
    t = {name: _table(d, name, TABLES) for name in TABLES}

    hm_t = _numbers(t["heavy_metal"], "heavy_metal", TABLES["heavy_metal"])
    hm = _wrap("heavy_metal", HeavyMetal, hm_t.get("thickness_nm", CLI_DEFAULTS["hm_thickness_nm"]),
               hm_t.get("lambda_nm", CLI_DEFAULTS["hm_lambda_nm"]),
               hm_t.get("sigma_s_per_m", CLI_DEFAULTS["hm_sigma_s_per_m"]),
               hm_t.get("theta_sh", CLI_DEFAULTS["theta_sh"]))
    fm = _wrap("ferromagnet", Ferromagnet, **_numbers(t["ferromagnet"], "ferromagnet", TABLES["ferromagnet"]))
    it = t["interface"]
    kind = _string("interface.kind", it.get("kind", "mixing"))
    gs = _numbers(it, "interface", {"g_mix_real_s_per_m2", "g_mix_imag_s_per_m2"})
    interface = _wrap("interface", Interface, kind, gs.get("g_mix_real_s_per_m2", CLI_DEFAULTS["g_mix_real_s_per_m2"]),
                      gs.get("g_mix_imag_s_per_m2", CLI_DEFAULTS["g_mix_imag_s_per_m2"]))
    _wrap("interface", check_combination, fm, interface)
    j = _number("drive.j_a_per_m2", t["drive"].get("j_a_per_m2", CLI_DEFAULTS["j_a_per_m2"]))
    j = _wrap("drive.j_a_per_m2", _check_current, j)
    m, theta, phi = magnetization_from_table(t["magnetization"], DEFAULT_M)

    geo, msh = t["geometry"], t["mesh"]
    mesh_file = tag_map = None
    if "file" in msh:
        for k in sorted(geo):
            raise _err(f"geometry.{k}", "not used with [mesh] file (the mesh file is the geometry)")
        if "cell_nm" in msh:
            raise _err("mesh.cell_nm", "not used with [mesh] file (the mesh file fixes the cells)")
        path = Path(_string("mesh.file", msh["file"]))
        if not path.is_absolute() and base_dir is not None:
            path = Path(base_dir) / path
        if not path.is_file():
            raise _err("mesh.file", f"{str(path)!r} does not exist")
        mesh_file = str(path.resolve())
        if "tag_map" in msh:
            tag_map = msh["tag_map"]
            if not isinstance(tag_map, Mapping):
                raise _err("mesh.tag_map", f"expected a table {{our name = tag(s)}}, got {tag_map!r}")
            tag_map = dict(tag_map)
    elif "tag_map" in msh:
        raise _err("mesh.tag_map", "only used with [mesh] file")
    degree = msh.get("degree", 2)
    if isinstance(degree, bool) or not isinstance(degree, int):
        raise _err("mesh.degree", f"expected an integer (1, 2, 3), got {degree!r}")
    lengths = _numbers(geo, "geometry", {"width_nm", "length_nm"})
    cell = _number("mesh.cell_nm", msh["cell_nm"]) if "cell_nm" in msh else None
    charge = _string("geometry.charge_current", geo["charge_current"]) if "charge_current" in geo else None
    kind = _string("geometry.kind", geo.get("kind", "1d"))
    spec = _wrap("geometry", BilayerSpec, geometry=kind, width_nm=lengths.get("width_nm"), cell_nm=cell,
                 degree=degree, length_nm=lengths.get("length_nm"), charge_current=charge)
    if charge == "contacts" and spec.geometry != "3d":
        raise _err("geometry.charge_current", f"'contacts' is invalid with kind = {spec.geometry!r}; valid: "
                   "kind = '3d'")
    if spec.length_nm is not None and spec.geometry != "3d":
        raise _err("geometry.length_nm", "only used with kind = '3d'")
    if spec.width_nm is not None and spec.geometry == "1d":
        raise _err("geometry.width_nm", "only used with kind = '2d' or '3d'")

    sw = _table(d, "sweep", TABLES)
    axes_t = sw.get("axes", {})
    if not isinstance(axes_t, Mapping):
        raise _err("sweep.axes", f"expected a table of axes, got {axes_t!r}")
    axes = tuple(Axis.from_spec(name, v, AXIS_NAMES) for name, v in axes_t.items())
    return BilayerSweepConfig(hm=hm, fm=fm, interface=interface, j_a_per_m2=j, spec=spec, m=m, theta_deg=theta,
                              phi_deg=phi, mesh_file=mesh_file, tag_map=tag_map, axes=axes,
                              mode=sw.get("mode", "grid"))
