"""Sweeps of the Rashba film on a 2D mesh (``problem = "film"``): the TOML schema, the CSV columns, the session.

Schema (docs/sweeps.md, "Problem film")::

    problem = "film"
    [material]                 # as for the wire (any Film field; omitted: the paper's Figs. 2-3 values)
    [drive]                    # efield_v_per_m, direction
    [magnetization]            # m, or theta_deg / phi_deg (default m = x̂)
    [mesh]                     # either a generated mesh ...
    kind = "hall-bar"          # "hall-bar", "notch" or "wire": the fields of meshing.specs.HallBarMesh, ...
    length_nm = 60
    width_nm = 20
    arm_width_nm = 6
    arm_length_nm = 6
    cell_nm = 0.5
    degree = 2
    # ... or a file:  file = "device.msh" (relative to the TOML file), tag_map = {edges = 6, ...}
    [sweep]                    # mode, axes: the wire's axes (material, drive, m or angles)

The generator's parameters are validated by its dataclass (:data:`~rashba_diffusion.meshing.specs.SPECS`), so
the rules are not written twice; the errors are re-raised as :class:`~rashba_diffusion.errors.ConfigError`
naming the key.  The mesh is fixed for the whole sweep (no geometry axes): it is built once and one
:class:`~rashba_diffusion.problems.film.FilmSession` serves every point (the axes only change
``fem.Constant`` values).  The input columns are the wire's; the outputs are :data:`OUTPUT_COLUMNS`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ...errors import ParameterError
from ...meshing.specs import SPECS, MeshSpec, lagrange_nodes
from ...meshing.tags import SPIN_SINK_NAMES
from ...physics.rashba import RashbaPoint, validity_warnings
from ...problems.specs import RASHBA_COMPONENTS
from ...validation import check_degree
from .config import ProblemKind, sweep_axes
from .toml import check_mesh_unchanged, check_tables, error, mesh_degree, mesh_file, number, wrap
from .wire import (
    AXIS_NAMES,
    COLUMN_TYPES,
    INPUT_COLUMNS,
    RashbaSweepConfigBase,
    film_parameters,
    input_row,
    s_bulk_columns,
)
from .wire import TABLES as WIRE_TABLES

#: generator kinds a film can be meshed with (the 2D single-material ones of meshing.specs.SPECS)
FILM_MESH_KINDS = ("hall-bar", "notch", "wire")
#: [mesh] keys besides the generator's fields
MESH_KEYS = ("kind", "file", "tag_map", "degree")
#: tables of a film config ([mesh] is checked by its own rules: its keys depend on the kind)
TABLES = ("material", "drive", "magnetization", "mesh", "sweep")
#: output columns of every film row; the mid-line ones are empty when the mesh has no mid-line
OUTPUT_COLUMNS = (
    "T_perp_J_per_m2", "T_par_J_per_m2", "T_perp_midline_J_per_m2", "T_par_midline_J_per_m2",
    "T_perp_bulk_J_per_m2", "T_par_bulk_J_per_m2", "s_bulk_x_hbar_per_m2", "s_bulk_y_hbar_per_m2",
    "s_bulk_z_hbar_per_m2", "area_nm2", "midline_nm", "dofs", "ranks", "solve_seconds", "point_seconds",
)  # fmt: skip
#: the summary keys copied as they are (the rest: the bulk spin vector, timings)
COPIED_KEYS = ("T_perp_J_per_m2", "T_par_J_per_m2", "T_perp_midline_J_per_m2", "T_par_midline_J_per_m2",
           "T_perp_bulk_J_per_m2", "T_par_bulk_J_per_m2", "area_nm2", "midline_nm", "dofs", "ranks",
           "solve_seconds")


@dataclass(frozen=True)
class FilmMesh:
    """The mesh of a film sweep: a generator spec (:class:`~rashba_diffusion.meshing.specs.HallBarMesh`, ...)
    or a file with a tag map."""

    spec: MeshSpec | None = None
    file: str | None = None
    tag_map: dict | None = None
    degree: int = 2
    #: SHA-256 of the file's content (part of the sweep's identity), ``None`` for a generator
    sha256: str | None = dataclasses.field(default=None, compare=False)

    def __post_init__(self) -> None:
        if (self.spec is None) == (self.file is None):
            raise ParameterError("mesh = a generator spec or a file (exactly one) is required")
        object.__setattr__(self, "degree", check_degree(self.degree))

    @property
    def kind(self) -> str:
        """The generator's kind, or ``"file"``."""
        return self.spec.kind if self.spec is not None else "file"

    @property
    def cell_nm(self) -> float | None:
        """The generator's cell size (``None`` for a file)."""
        return None if self.spec is None else self.spec.cell_nm


@dataclass(frozen=True, kw_only=True)
class FilmSweepConfig(RashbaSweepConfigBase):
    """A validated film sweep: the wire's parameters and axes on a fixed 2D mesh (:class:`FilmMesh`)."""

    problem = "film"

    mesh: FilmMesh

    def _check(self) -> None:
        if self.profiles:
            raise error("output.profiles", "not available for problem = 'film' (no cross-section)")
        super()._check()

    def _canonical_fields(self) -> dict:
        # the mesh is recorded under "wire", the key it always had, and the content hash of a mesh file only
        # when there is one: the digests of existing generator-mesh results still match
        mesh = dataclasses.asdict(self.mesh)
        sha = mesh.pop("sha256")
        extra = {} if sha is None else {"mesh_file_sha256": sha}
        return {**self._rashba_canonical(), "wire": mesh, "problem": self.problem, **extra}


def generator_spec(msh: dict) -> MeshSpec:
    """The validated generator dataclass of ``[mesh] kind = ...`` (its fields are the other keys)."""
    kind = msh["kind"]
    if not isinstance(kind, str) or kind not in FILM_MESH_KINDS:
        raise error("mesh.kind", f"{kind!r} is invalid; valid values: {', '.join(map(repr, FILM_MESH_KINDS))}")
    cls = SPECS[kind]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    valid = sorted({*fields, *MESH_KEYS} - {"file", "tag_map"})
    args = {}
    for k, v in msh.items():
        if k in ("kind", "degree"):
            continue
        if k not in fields:
            raise error(f"mesh.{k}", f"unknown key for kind = {kind!r}; valid keys: {', '.join(valid)}")
        ftype = str(fields[k].type)
        if ftype == "bool":
            if not isinstance(v, bool):
                raise error(f"mesh.{k}", f"expected true or false, got {v!r}")
            args[k] = v
        elif ftype.startswith("tuple"):
            if not isinstance(v, list):
                raise error(f"mesh.{k}", f"expected a list of numbers, got {v!r}")
            args[k] = tuple(number(f"mesh.{k}[{i}]", x) for i, x in enumerate(v))
        else:
            args[k] = number(f"mesh.{k}", v)
    missing = [n for n, f in fields.items() if f.default is dataclasses.MISSING and n not in args]
    if missing:
        raise error(f"mesh.{missing[0]}", f"missing (kind = {kind!r} needs {', '.join(missing)})")
    return wrap("mesh", cls, **args)


def _mesh_from_table(msh: dict, base_dir: str | Path | None) -> FilmMesh:
    degree = mesh_degree(msh)
    if "file" in msh:
        if "kind" in msh:
            raise error("mesh.kind", "give either file or kind, not both")
        extra = sorted(set(msh) - set(MESH_KEYS))
        if extra:
            raise error(f"mesh.{extra[0]}", "unknown key with [mesh] file; valid keys: degree, file, tag_map")
        path, tag_map, sha = mesh_file(msh, base_dir)
        return wrap("mesh", FilmMesh, file=path, tag_map=tag_map, degree=degree, sha256=sha)
    if "tag_map" in msh:
        raise error("mesh.tag_map", "only used with [mesh] file")
    if "kind" not in msh:
        raise error("mesh", "give a mesh file (file = ...) or a generator (kind = "
                    f"{' | '.join(map(repr, FILM_MESH_KINDS))} and its parameters)")
    return wrap("mesh", FilmMesh, spec=generator_spec(msh), degree=degree)


def config_from_dict(d: Mapping, base_dir: str | Path | None = None) -> FilmSweepConfig:
    """Build and validate a :class:`FilmSweepConfig` from a parsed TOML document (``problem = "film"``).

    ``[material]``, ``[drive]``, ``[magnetization]`` and ``[sweep]`` are read as for the wire; ``base_dir`` is
    the directory a relative ``[mesh] file`` is relative to.
    """
    check_tables(d, TABLES, "film")
    film, drive, m, theta, phi = film_parameters(d)
    msh = d.get("mesh", {})
    if not isinstance(msh, Mapping):
        raise error("mesh", f"expected a table [mesh], got {msh!r}")
    mesh = _mesh_from_table(dict(msh), base_dir)
    axes, mode = sweep_axes(d, AXIS_NAMES, WIRE_TABLES)
    return FilmSweepConfig(film=film, drive=drive, mesh=mesh, m=m, theta_deg=theta, phi_deg=phi, axes=axes,
                           mode=mode)


def output_row(summary: dict) -> dict:
    """The output columns (but ``point_seconds``) from a :class:`~rashba_diffusion.problems.film.FilmSession`
    summary; the mid-line ones are ``None`` (empty) without a mid-line."""
    return {**{k: summary.get(k) for k in COPIED_KEYS}, **s_bulk_columns(summary)}


def mesh_info(config: FilmSweepConfig) -> dict:
    mesh = config.mesh
    return {"mesh_kind": mesh.kind, "mesh_file": mesh.file, "cell_nm": mesh.cell_nm, "degree": mesh.degree}


#: the role a film's mesh must map: spin sinks (else the solve has no boundary condition)
FILM_ROLES = {"spin sinks": [*sorted(SPIN_SINK_NAMES), "probe_*"]}


def prepare(config: FilmSweepConfig, comm):
    """The sweep's mesh: the generator's, or the file read with the tag map (built once; its roles checked)."""
    if config.mesh.spec is not None:
        from ...meshing.gmsh_build import generate

        return generate(config.mesh.spec, comm)
    from ...meshing.files import load_mesh

    if comm.rank == 0:
        check_mesh_unchanged(config.mesh.file, config.mesh.sha256)
    return load_mesh(config.mesh.file, comm, config.mesh.tag_map, any_of=FILM_ROLES)


def dofs(config: FilmSweepConfig, geometry) -> float | None:
    """A generator's mesh: estimated before gmsh runs; a file's: exact once it is read."""
    if config.mesh.spec is not None:
        return RASHBA_COMPONENTS * lagrange_nodes(config.mesh.spec.estimate_cells(), 2, config.mesh.degree)
    if geometry is None:
        return None
    from ...problems.base import count_dofs

    return count_dofs(geometry, config.mesh.degree, RASHBA_COMPONENTS)


def warnings(config: FilmSweepConfig) -> list[str]:
    return validity_warnings([p.params.film for p in config.points], config.mesh.cell_nm)


def open_session(config: FilmSweepConfig, params: RashbaPoint, comm, petsc_options: dict | None, geometry):
    from ...problems.film import FilmSession

    return FilmSession(params, geometry, config.mesh.degree, petsc_options, cell_nm=config.mesh.cell_nm)


FILM = ProblemKind(name="film", config_from_dict=config_from_dict, input_columns=INPUT_COLUMNS,
                   output_columns=OUTPUT_COLUMNS, column_types=COLUMN_TYPES, input_row=input_row,
                   output_row=output_row, mesh_info=mesh_info, prepare=prepare, open_session=open_session,
                   dofs=dofs, warnings=warnings)
