"""Sweep configuration of the Rashba film on a 2D mesh (``problem = "film"``).

Schema (docs/sweeps.md, "Problem film")::

    problem = "film"
    [material]                 # as for the wire (any Film field; omitted: the paper's Figs. 2-3 values)
    [drive]                    # efield_v_per_m, direction
    [magnetization]            # m, or theta_deg / phi_deg (default m = x̂)
    [mesh]                     # either a generated mesh ...
    kind = "hall-bar"          # "hall-bar", "notch" or "wire": the fields of meshes.HallBarMesh, ...
    length_nm = 60
    width_nm = 20
    arm_width_nm = 6
    arm_length_nm = 6
    cell_nm = 0.5
    degree = 2
    # ... or a file:  file = "device.msh" (relative to the TOML file), tag_map = {edges = 6, ...}
    [sweep]                    # mode, axes: the wire's axes (material, drive, m or angles)

The generator's parameters are validated by its dataclass (:data:`meshes.SPECS`), so the rules are not
written twice; the errors are re-raised as :class:`~rashba_diffusion.config.ConfigError` naming the key.
The mesh is fixed for the whole sweep (no geometry axes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import SweepConfig, _err, _number, _wrap, film_parameters, sweep_axes
from .parameters import ParameterError

#: generator kinds a film can be meshed with (the 2D single-material ones of meshes.SPECS)
FILM_MESH_KINDS = ("hall-bar", "notch", "wire")
#: [mesh] keys besides the generator's fields
MESH_KEYS = ("kind", "file", "tag_map", "degree")
#: tables of a film config ([mesh] is checked by its own rules: its keys depend on the kind)
TABLES = ("material", "drive", "magnetization", "mesh", "sweep")


@dataclass(frozen=True)
class FilmMesh:
    """The mesh of a film sweep: a generator spec (``meshes.HallBarMesh``, ...) or a file with a tag map."""

    spec: Any = None
    file: str | None = None
    tag_map: dict | None = None
    degree: int = 2

    def __post_init__(self) -> None:
        if (self.spec is None) == (self.file is None):
            raise ParameterError("mesh = a generator spec or a file (exactly one) is required")
        if self.degree not in (1, 2, 3):
            raise ParameterError(f"degree = {self.degree!r} is invalid; valid values: 1, 2, 3")

    @property
    def kind(self) -> str:
        """The generator's kind, or ``"file"``."""
        return self.spec.kind if self.spec is not None else "file"

    @property
    def cell_nm(self) -> float | None:
        """The generator's cell size (``None`` for a file)."""
        return None if self.spec is None else self.spec.cell_nm


@dataclass(frozen=True)
class FilmSweepConfig(SweepConfig):
    """A validated film sweep: the wire's parameters and axes on a fixed 2D mesh (``wire`` is a :class:`FilmMesh`)."""

    problem = "film"

    def __post_init__(self) -> None:
        if self.profiles:
            raise _err("output.profiles", "not available for problem = 'film' (no cross-section)")
        super().__post_init__()

    def canonical(self) -> dict:
        return {**super().canonical(), "problem": self.problem}


def _generator_spec(msh: dict) -> Any:
    """The validated generator dataclass of ``[mesh] kind = ...`` (its fields are the other keys)."""
    from .meshes import SPECS

    kind = msh["kind"]
    if not isinstance(kind, str) or kind not in FILM_MESH_KINDS:
        raise _err("mesh.kind", f"{kind!r} is invalid; valid values: {', '.join(map(repr, FILM_MESH_KINDS))}")
    cls = SPECS[kind]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    valid = sorted({*fields, *MESH_KEYS} - {"file", "tag_map"})
    args = {}
    for k, v in msh.items():
        if k in ("kind", "degree"):
            continue
        if k not in fields:
            raise _err(f"mesh.{k}", f"unknown key for kind = {kind!r}; valid keys: {', '.join(valid)}")
        ftype = str(fields[k].type)
        if ftype == "bool":
            if not isinstance(v, bool):
                raise _err(f"mesh.{k}", f"expected true or false, got {v!r}")
            args[k] = v
        elif ftype.startswith("tuple"):
            if not isinstance(v, list):
                raise _err(f"mesh.{k}", f"expected a list of numbers, got {v!r}")
            args[k] = tuple(_number(f"mesh.{k}[{i}]", x) for i, x in enumerate(v))
        else:
            args[k] = _number(f"mesh.{k}", v)
    missing = [n for n, f in fields.items() if f.default is dataclasses.MISSING and n not in args]
    if missing:
        raise _err(f"mesh.{missing[0]}", f"missing (kind = {kind!r} needs {', '.join(missing)})")
    return _wrap("mesh", cls, **args)


def _mesh_from_table(msh: dict, base_dir: str | Path | None) -> FilmMesh:
    degree = msh.get("degree", 2)
    if isinstance(degree, bool) or not isinstance(degree, int):
        raise _err("mesh.degree", f"expected an integer (1, 2, 3), got {degree!r}")
    if "file" in msh:
        if "kind" in msh:
            raise _err("mesh.kind", "give either file or kind, not both")
        extra = sorted(set(msh) - set(MESH_KEYS))
        if extra:
            raise _err(f"mesh.{extra[0]}", "unknown key with [mesh] file; valid keys: degree, file, tag_map")
        file = msh["file"]
        if not isinstance(file, str):
            raise _err("mesh.file", f"expected a string, got {type(file).__name__} {file!r}")
        path = Path(file)
        if not path.is_absolute() and base_dir is not None:
            path = Path(base_dir) / path
        if not path.is_file():
            raise _err("mesh.file", f"{str(path)!r} does not exist")
        tag_map = msh.get("tag_map")
        if tag_map is not None:
            if not isinstance(tag_map, Mapping):
                raise _err("mesh.tag_map", f"expected a table {{our name = tag(s)}}, got {tag_map!r}")
            tag_map = dict(tag_map)
        return _wrap("mesh", FilmMesh, file=str(path.resolve()), tag_map=tag_map, degree=degree)
    if "tag_map" in msh:
        raise _err("mesh.tag_map", "only used with [mesh] file")
    if "kind" not in msh:
        raise _err("mesh", "give a mesh file (file = ...) or a generator (kind = "
                   f"{' | '.join(map(repr, FILM_MESH_KINDS))} and its parameters)")
    return _wrap("mesh", FilmMesh, spec=_generator_spec(msh), degree=degree)


def film_config_from_dict(d: Mapping, base_dir: str | Path | None = None) -> FilmSweepConfig:
    """Build and validate a :class:`FilmSweepConfig` from a parsed TOML document (``problem = "film"``).

    ``[material]``, ``[drive]``, ``[magnetization]`` and ``[sweep]`` are read as for the wire
    (:func:`config.film_parameters`, :func:`config.sweep_axes`); ``base_dir`` is the directory a relative
    ``[mesh] file`` is relative to.
    """
    unknown = set(d) - set(TABLES) - {"problem"}
    if unknown:
        raise _err(sorted(unknown)[0], f"unknown table for problem = 'film'; valid tables: {', '.join(TABLES)}")
    film, drive, m, theta, phi = film_parameters(d)
    msh = d.get("mesh", {})
    if not isinstance(msh, Mapping):
        raise _err("mesh", f"expected a table [mesh], got {msh!r}")
    mesh = _mesh_from_table(dict(msh), base_dir)
    axes, mode = sweep_axes(d)
    return FilmSweepConfig(film=film, drive=drive, wire=mesh, m=m, theta_deg=theta, phi_deg=phi, axes=axes,
                           mode=mode)
