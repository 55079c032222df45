"""Sweeps of the wire (``problem = "wire"``, the default): the TOML schema, the CSV columns, the session.

Schema (every table and key is optional; units are in the key names; docs/sweeps.md has the full reference)::

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

Axis names: any :class:`~rashba_diffusion.physics.rashba.Film` field, the drive's ``efield_v_per_m`` and
``direction`` (a list of vectors), and the magnetization as ``m`` (a list of vectors) or ``theta_deg`` /
``phi_deg`` (m = (sinθ cosφ, sinθ sinφ, cosθ)).

How the cost per point stays close to one factorization: the mesh is built once, sized for the most
demanding point (:meth:`WireSweepConfig.resolved_spec`: the default cell is that of the smallest
``shortest_length_nm()`` over the sweep).  One :class:`~rashba_diffusion.problems.wire.WireSession` then holds
the model (all coefficients are ``fem.Constant``), the matrix (its sparsity and MUMPS's symbolic analysis are
reused) and the compiled torque integrals; per point it updates the constants, re-assembles, refactors and
back-substitutes.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ...physics.rashba import Drive, Film, RashbaPoint, paper_film, validity_warnings
from ...problems.specs import WireSpec, estimate_wire_dofs, most_demanding, resolve_wire_spec
from ...units import FS, HBAR_EV_FS
from .config import (
    MAGNETIZATION_AXES,
    ProblemKind,
    SweepConfigBase,
    SweepPoint,
    axis_value,
    magnetization_from_table,
    sweep_axes,
)
from .toml import check_tables, error, mesh_degree, number, table, vector, wrap

DEFAULT_EFIELD_V_PER_M = 1e5
DEFAULT_WIDTH_NM = 50.0
FILM_FIELDS = {f.name: f for f in dataclasses.fields(Film)}
DRIVE_AXES = ("efield_v_per_m", "direction")
#: the axes of the Rashba film (wire and film-on-a-mesh sweeps)
AXIS_NAMES = (*FILM_FIELDS, *DRIVE_AXES, *MAGNETIZATION_AXES)

TABLES = {
    "material": set(FILM_FIELDS),
    "drive": set(DRIVE_AXES),
    "magnetization": set(MAGNETIZATION_AXES),
    "geometry": {"kind", "width_nm", "length_nm"},
    "mesh": {"cell_nm", "degree"},
    "sweep": {"mode", "axes"},
    "output": {"profiles"},
}

#: input columns of every Rashba row (wire and film), in order
INPUT_COLUMNS = (
    "alpha_ev_nm", "tau_s", "tau_sf_s", "kf_per_nm", "delta_xc_ev", "tau_delta_s", "mass_ratio",
    "polarization", "polarization_rule", "precession_rule", "charge_coupling", "charge_gamma",
    "efield_v_per_m", "e_direction_x", "e_direction_y", "e_direction_z", "m_x", "m_y", "m_z",
)  # fmt: skip
#: output columns of every wire row, in order
OUTPUT_COLUMNS = (
    "T_perp_J_per_m2", "T_par_J_per_m2", "T_perp_bulk_J_per_m2", "T_par_bulk_J_per_m2",
    "T_perp_bulk_hall_free_J_per_m2", "T_par_bulk_hall_free_J_per_m2",
    "s_bulk_x_hbar_per_m2", "s_bulk_y_hbar_per_m2", "s_bulk_z_hbar_per_m2",
    "dofs", "ranks", "solve_seconds", "point_seconds",
)  # fmt: skip
#: the input columns that are not numbers
COLUMN_TYPES = {"polarization_rule": str, "precession_rule": str, "charge_coupling": str, "charge_gamma": bool}


@dataclass(frozen=True, kw_only=True)
class RashbaSweepConfigBase(SweepConfigBase[RashbaPoint]):
    """Base material and drive of a Rashba-film sweep (wire or film); axes override their fields per point."""

    AXIS_NAMES = AXIS_NAMES

    film: Film
    drive: Drive

    def _check(self) -> None:
        names = {a.name for a in self.axes}
        if {"delta_xc_ev", "tau_delta_s"} <= names:
            raise error("sweep.axes.delta_xc_ev", "sweep either delta_xc_ev or tau_delta_s, not both")

    def _params(self, combo: dict, m: tuple[float, float, float]) -> RashbaPoint:
        film_changes = {k: v for k, v in combo.items() if k in FILM_FIELDS}
        film = self.film.replace(**film_changes) if film_changes else self.film
        drive = self.drive
        if set(DRIVE_AXES) & set(combo):
            drive = Drive(combo.get("efield_v_per_m", drive.efield_v_per_m), combo.get("direction", drive.direction))
        return RashbaPoint(film, drive, m)

    def _rashba_canonical(self) -> dict:
        return {"film": dataclasses.asdict(self.film),
                "drive": {"efield_v_per_m": self.drive.efield_v_per_m, "direction": list(self.drive.direction)},
                "profiles": self.profiles}


@dataclass(frozen=True, kw_only=True)
class WireSweepConfig(RashbaSweepConfigBase):
    """A validated wire sweep: base parameters, geometry (``wire``: a :class:`WireSpec`), axes and outputs.

    ``profiles``: also record s, ν and T across the width at every point.  Parameters as for
    :class:`~rashba_diffusion.studies.sweep.config.SweepConfigBase` and :class:`RashbaSweepConfigBase`.
    """

    problem = "wire"

    wire: WireSpec

    def _canonical_fields(self) -> dict:
        return {**self._rashba_canonical(), "wire": dataclasses.asdict(self.wire)}

    def resolved_spec(self) -> WireSpec:
        """``wire`` with the cell (and 2D length) of the most demanding point: one mesh serves every point."""
        return resolve_wire_spec([p.params.film for p in self.points], self.wire)


def material_film(d: Mapping, tables: Mapping[str, set]) -> Film:
    """The film of the ``[material]`` table (any Film field; omitted: the paper's Figs. 2-3 material, the
    default polarization rule)."""
    mat = table(d, "material", tables)
    for k, v in mat.items():
        axis_value(f"material.{k}", k, v)
    if "delta_xc_ev" in mat and "tau_delta_s" in mat:
        raise error("material.delta_xc_ev", "give either delta_xc_ev or tau_delta_s, not both")
    return wrap("material", paper_film, **mat)


def film_parameters(d: Mapping) -> tuple[Film, Drive, tuple | None, float | None, float | None]:
    """(film, drive, m, theta_deg, phi_deg) of the ``[material]``, ``[drive]``, ``[magnetization]`` tables.

    Shared by the wire and the film-on-a-mesh problems.
    """
    film = material_film(d, TABLES)
    drv = table(d, "drive", TABLES)
    efield = number("drive.efield_v_per_m", drv.get("efield_v_per_m", DEFAULT_EFIELD_V_PER_M))
    direction = vector("drive.direction", drv.get("direction", [1.0, 0.0, 0.0]))
    drive = wrap("drive", Drive, efield, direction)

    m, theta, phi = magnetization_from_table(table(d, "magnetization", TABLES), (1.0, 0.0, 0.0))
    return film, drive, m, theta, phi


def config_from_dict(d: Mapping, base_dir: str | Path | None = None) -> WireSweepConfig:
    """Build and validate a :class:`WireSweepConfig` from a parsed TOML document (``base_dir``: unused)."""
    check_tables(d, TABLES)
    film, drive, m, theta, phi = film_parameters(d)

    geo = table(d, "geometry", TABLES)
    msh = table(d, "mesh", TABLES)
    kind = geo.get("kind", "1d")
    if not isinstance(kind, str):
        raise error("geometry.kind", f"expected a string ('1d' or '2d'), got {kind!r}")
    width = number("geometry.width_nm", geo.get("width_nm", DEFAULT_WIDTH_NM))
    length = number("geometry.length_nm", geo["length_nm"]) if "length_nm" in geo else None
    if length is not None and kind != "2d":
        raise error("geometry.length_nm", "only used with kind = '2d'")
    cell = number("mesh.cell_nm", msh["cell_nm"]) if "cell_nm" in msh else None
    wire = wrap("geometry", WireSpec, width_nm=width, geometry=kind, length_nm=length, cell_nm=cell,
                degree=mesh_degree(msh))

    axes, mode = sweep_axes(d, AXIS_NAMES, TABLES)

    out = table(d, "output", TABLES)
    profiles = out.get("profiles", False)
    if not isinstance(profiles, bool):
        raise error("output.profiles", f"expected true or false, got {profiles!r}")
    return WireSweepConfig(film=film, drive=drive, wire=wire, m=m, theta_deg=theta, phi_deg=phi, axes=axes,
                           mode=mode, profiles=profiles)


#: the input columns of a film (every Rashba-film problem: wire, film, pumping)
FILM_COLUMNS = INPUT_COLUMNS[:12]


def film_row(f: Film) -> dict:
    """The :data:`FILM_COLUMNS` of a film (Δxc and τΔ both, whichever was given)."""
    delta = f.exchange_ev
    tau_delta = f.tau_delta_s if f.tau_delta_s is not None else (HBAR_EV_FS * FS / delta if delta > 0 else math.inf)
    return {
        "alpha_ev_nm": f.alpha_ev_nm, "tau_s": f.tau_s, "tau_sf_s": f.tau_sf_s, "kf_per_nm": f.kf_per_nm,
        "delta_xc_ev": delta, "tau_delta_s": tau_delta, "mass_ratio": f.mass_ratio, "polarization": f.polarization,
        "polarization_rule": f.polarization_rule, "precession_rule": f.precession_rule,
        "charge_coupling": f.charge_coupling, "charge_gamma": f.charge_gamma,
    }  # fmt: skip


def input_row(config: RashbaSweepConfigBase, p: SweepPoint[RashbaPoint]) -> dict:
    """Every input of point ``p`` of a wire or film sweep (the values matched when a sweep resumes)."""
    d, m = p.params.drive, config.point_m(p.axes)
    return {
        **film_row(p.params.film),
        "efield_v_per_m": d.efield_v_per_m,
        "e_direction_x": d.direction[0], "e_direction_y": d.direction[1], "e_direction_z": d.direction[2],
        "m_x": m[0], "m_y": m[1], "m_z": m[2],
    }  # fmt: skip


def s_bulk_columns(summary: dict) -> dict:
    """The bulk spin density's three columns from a wire or film summary."""
    return {f"s_bulk_{c}_hbar_per_m2": v for c, v in zip("xyz", summary["s_bulk_hbar_per_m2"], strict=True)}


def output_row(summary: dict) -> dict:
    """The output columns (but ``point_seconds``) from a :class:`~rashba_diffusion.problems.wire.WireSession`
    summary."""
    return {**{k: summary[k] for k in OUTPUT_COLUMNS[:6]}, **s_bulk_columns(summary),
            "dofs": summary["dofs"], "ranks": summary["ranks"], "solve_seconds": summary["solve_seconds"]}


def mesh_info(config: WireSweepConfig) -> dict:
    spec = config.resolved_spec()
    return {"cell_nm": spec.cell_nm, "length_nm": spec.length_nm, "geometry": spec.geometry}


def prepare(config: WireSweepConfig, comm) -> None:
    """Nothing is shared beyond the one session."""
    return None


def open_session(config: WireSweepConfig, params: RashbaPoint, comm, petsc_options: dict | None, prepared):
    from ...problems.wire import WireSession

    return WireSession(params, config.resolved_spec(), comm, petsc_options)


def dofs(config: WireSweepConfig, prepared) -> float:
    """The one mesh's degrees of freedom (1D exact, 2D estimated), before it is built."""
    films = [p.params.film for p in config.points]
    return estimate_wire_dofs(most_demanding(films), config.resolved_spec())


def warnings(config: WireSweepConfig) -> list[str]:
    return validity_warnings([p.params.film for p in config.points], config.resolved_spec().cell_nm)


WIRE = ProblemKind(name="wire", config_from_dict=config_from_dict, input_columns=INPUT_COLUMNS,
                   output_columns=OUTPUT_COLUMNS, column_types=COLUMN_TYPES, input_row=input_row,
                   output_row=output_row, mesh_info=mesh_info, prepare=prepare, open_session=open_session,
                   dofs=dofs, warnings=warnings)
