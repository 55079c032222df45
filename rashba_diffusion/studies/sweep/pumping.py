"""Sweeps of spin and charge pumping (``problem = "pumping"``): the TOML schema, the CSV columns, the sessions.

Schema (every table and key optional; defaults: those of ``rashba-diffusion pumping``; docs/sweeps.md)::

    problem = "pumping"
    [material]                 # any Film field (omitted: the paper's Fig. 2 material, the Hamiltonian's S0)
    [precession]               # frequency_ghz = 10, cone_angle_deg = 30, axis = [0, 0, 1],
                               # texture = "uniform" | "helix", wavevector_per_nm (helix only)
    [model]
    sec6_model = false         # the paper's Sec. VI assumptions (no DP, B = Γ = R = 0)
    [magnet]                   # ms_a_per_m, thickness_nm (both, for Δα and γ_eff/γ)
    [geometry]                 # kind = "bulk" (default) | "1d" | "2d", length_nm, width_nm, interior_fraction
    [mesh]                     # cell_nm, degree (1d, 2d)
    [time]                     # dt_ps, periods, scheme = "bdf1" | "bdf2" (1d, 2d)
    [sweep]                    # mode, axes (as for the wire)

Axis names: any :class:`~rashba_diffusion.physics.rashba.Film` field, ``frequency_ghz``, ``cone_angle_deg``,
``wavevector_per_nm``, ``axis`` (a list of vectors), ``ms_a_per_m`` and ``thickness_nm``.  The texture is one per
sweep (it fixes how m enters the compiled forms).  Sessions: one
:class:`~rashba_diffusion.problems.pumping.PumpingSession` (or the mesh-free ``BulkPumpingSession``) for the
whole sweep, its mesh sized for the most demanding film.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ...physics.pumping import MagnetLayer, Precession, PumpingPoint
from ...physics.rashba import Film
from ...problems.specs import PumpingSpec
from .config import ProblemKind, SweepConfigBase, SweepPoint, sweep_axes
from .toml import check_tables, error, mesh_degree, number, numbers, string, table, vector, wrap
from .wire import COLUMN_TYPES as FILM_COLUMN_TYPES
from .wire import FILM_COLUMNS, FILM_FIELDS, film_row, material_film

PRECESSION_KEYS = ("frequency_ghz", "cone_angle_deg", "axis", "texture", "wavevector_per_nm")
MAGNET_KEYS = ("ms_a_per_m", "thickness_nm")
#: the axes of a pumping sweep
AXIS_NAMES = (*FILM_FIELDS, "frequency_ghz", "cone_angle_deg", "wavevector_per_nm", "axis", *MAGNET_KEYS)
TABLES = {
    "material": set(FILM_FIELDS),
    "precession": set(PRECESSION_KEYS),
    "model": {"sec6_model"},
    "magnet": set(MAGNET_KEYS),
    "geometry": {"kind", "length_nm", "width_nm", "interior_fraction"},
    "mesh": {"cell_nm", "degree"},
    "time": {"dt_ps", "periods", "scheme"},
    "sweep": {"mode", "axes"},
}
INPUT_COLUMNS = (*FILM_COLUMNS, "frequency_ghz", "cone_angle_deg", "axis_x", "axis_y", "axis_z", "texture",
                 "wavevector_per_nm", "sec6_model", "ms_a_per_m", "thickness_nm")
OUTPUT_COLUMNS = (
    "torque_coefficient_a", "torque_coefficient_b", "torque_coefficient_a_adiabatic",
    "torque_coefficient_b_adiabatic", "s0_hbar_per_m2", "pumped_spin_dc_x_hbar_per_m2",
    "pumped_spin_dc_y_hbar_per_m2", "pumped_spin_dc_z_hbar_per_m2", "charge_current_dc_x_a_per_m",
    "charge_current_dc_y_a_per_m", "charge_current_dc_z_a_per_m", "gilbert_damping_enhancement",
    "gyromagnetic_ratio_factor", "dofs", "time_steps", "ranks", "solve_seconds", "point_seconds",
)  # fmt: skip
COLUMN_TYPES = {**FILM_COLUMN_TYPES, "texture": str, "sec6_model": bool}


@dataclass(frozen=True, kw_only=True)
class PumpingSweepConfig(SweepConfigBase[PumpingPoint]):
    """A validated pumping sweep: the base point, the geometry and time discretization, the axes.

    Parameters
    ----------
    film, precession, sec6_model, magnet
        The base :class:`~rashba_diffusion.physics.pumping.PumpingPoint`; the axes override its fields.
    spec
        Geometry and time stepping (:class:`~rashba_diffusion.problems.specs.PumpingSpec`).
    axes, mode
        The sweep axes (names: :data:`AXIS_NAMES`) and ``"grid"`` or ``"zip"``.
    """

    problem = "pumping"
    AXIS_NAMES = AXIS_NAMES

    film: Film
    precession: Precession
    sec6_model: bool = False
    magnet: MagnetLayer | None = None
    spec: PumpingSpec
    m: tuple[float, float, float] | None = None  # m is prescribed by the precession, not a parameter

    @property
    def uses_angles(self) -> bool:
        """Never: m(x, t) is the precession's (no θ, φ columns)."""
        return False

    def point_m(self, axes: dict):
        return None

    def _check(self) -> None:
        if self.profiles:
            raise error("output.profiles", "not available for problem = 'pumping' (the time series is in the "
                        "command's --out)")
        names = {a.name for a in self.axes}
        if {"delta_xc_ev", "tau_delta_s"} <= names:
            raise error("sweep.axes.delta_xc_ev", "sweep either delta_xc_ev or tau_delta_s, not both")
        if names & set(MAGNET_KEYS) and self.magnet is None:
            raise error(f"sweep.axes.{sorted(names & set(MAGNET_KEYS))[0]}", "needs the [magnet] table (both "
                        "ms_a_per_m and thickness_nm)")

    def _params(self, combo: dict, m) -> PumpingPoint:
        film_changes = {k: v for k, v in combo.items() if k in FILM_FIELDS}
        film = self.film.replace(**film_changes) if film_changes else self.film
        pr_changes = {k: v for k, v in combo.items() if k in PRECESSION_KEYS}
        precession = dataclasses.replace(self.precession, **pr_changes) if pr_changes else self.precession
        magnet = self.magnet
        if magnet is not None and set(MAGNET_KEYS) & set(combo):
            magnet = dataclasses.replace(magnet, **{k: v for k, v in combo.items() if k in MAGNET_KEYS})
        point = PumpingPoint(film, precession, self.sec6_model, magnet)
        point.model()  # e.g. some longitudinal relaxation must exist
        if self.spec.geometry != "bulk":
            self.spec.steps_per_period(precession.period_ps)  # a step longer than the period is an error
        return point

    def resolved_spec(self) -> PumpingSpec:
        """``spec`` with the cell of the most demanding film of the sweep (one mesh serves every point)."""
        if self.spec.geometry == "bulk" or self.spec.cell_nm is not None:
            return self.spec
        return dataclasses.replace(self.spec, cell_nm=min(self.spec.resolved_cell_nm(p.params.film)
                                                          for p in self.points))

    def _canonical_fields(self) -> dict:
        return {
            "problem": self.problem,
            "film": dataclasses.asdict(self.film),
            "precession": dataclasses.asdict(self.precession),
            "sec6_model": self.sec6_model,
            "magnet": None if self.magnet is None else dataclasses.asdict(self.magnet),
            "spec": dataclasses.asdict(self.spec),
        }


def config_from_dict(d: Mapping, base_dir: str | Path | None = None) -> PumpingSweepConfig:
    """Build and validate a :class:`PumpingSweepConfig` from a parsed TOML document (``problem = "pumping"``)."""
    check_tables(d, TABLES, "pumping")
    film = material_film(d, TABLES)
    pr = table(d, "precession", TABLES)
    kw = numbers(pr, "precession", {"frequency_ghz", "cone_angle_deg", "wavevector_per_nm"})
    if "axis" in pr:
        kw["axis"] = vector("precession.axis", pr["axis"])
    if "texture" in pr:
        kw["texture"] = string("precession.texture", pr["texture"])
    kw.setdefault("frequency_ghz", 10.0)
    precession = wrap("precession", Precession, **kw)
    model = table(d, "model", TABLES)
    sec6 = model.get("sec6_model", False)
    if not isinstance(sec6, bool):
        raise error("model.sec6_model", f"expected true or false, got {sec6!r}")
    mag = numbers(table(d, "magnet", TABLES), "magnet", set(MAGNET_KEYS))
    if mag and set(mag) != set(MAGNET_KEYS):
        raise error(f"magnet.{sorted(set(MAGNET_KEYS) - set(mag))[0]}", "missing (give both ms_a_per_m and "
                    "thickness_nm)")
    magnet = wrap("magnet", MagnetLayer, **mag) if mag else None
    geo, msh, tm = table(d, "geometry", TABLES), table(d, "mesh", TABLES), table(d, "time", TABLES)
    lengths = numbers(geo, "geometry", {"length_nm", "width_nm", "interior_fraction"})
    periods = tm.get("periods")
    if periods is not None and (isinstance(periods, bool) or not isinstance(periods, int)):
        raise error("time.periods", f"expected an integer >= 2, got {periods!r}")
    spec_kw = {k: v for k, v in {
        "geometry": string("geometry.kind", geo.get("kind", "bulk")),
        "length_nm": lengths.get("length_nm"), "width_nm": lengths.get("width_nm"),
        "interior_fraction": lengths.get("interior_fraction"),
        "cell_nm": number("mesh.cell_nm", msh["cell_nm"]) if "cell_nm" in msh else None,
        "degree": mesh_degree(msh),
        "dt_ps": number("time.dt_ps", tm["dt_ps"]) if "dt_ps" in tm else None,
        "periods": periods,
        "scheme": string("time.scheme", tm["scheme"]) if "scheme" in tm else None,
    }.items() if v is not None}
    spec = wrap("geometry", PumpingSpec, **spec_kw)
    axes, mode = sweep_axes(d, AXIS_NAMES, TABLES)
    return PumpingSweepConfig(film=film, precession=precession, sec6_model=sec6, magnet=magnet, spec=spec,
                              axes=axes, mode=mode)


def input_row(config: PumpingSweepConfig, p: SweepPoint[PumpingPoint]) -> dict:
    """Every input of point ``p`` (the values matched when a sweep resumes)."""
    pt = p.params
    pr, mag = pt.precession, pt.magnet
    return {
        **film_row(pt.film),
        "frequency_ghz": pr.frequency_ghz, "cone_angle_deg": pr.cone_angle_deg,
        "axis_x": pr.axis[0], "axis_y": pr.axis[1], "axis_z": pr.axis[2], "texture": pr.texture,
        "wavevector_per_nm": pr.wavevector_per_nm, "sec6_model": pt.sec6_model,
        "ms_a_per_m": None if mag is None else mag.ms_a_per_m,
        "thickness_nm": None if mag is None else mag.thickness_nm,
    }  # fmt: skip


def output_row(summary: dict) -> dict:
    """The output columns (but ``point_seconds``) from a pumping session's summary."""
    out = {k: summary[k] for k in OUTPUT_COLUMNS[:5]}
    out.update({f"pumped_spin_dc_{c}_hbar_per_m2": v
                for c, v in zip("xyz", summary["pumped_spin_dc_hbar_per_m2"], strict=True)})
    out.update({f"charge_current_dc_{c}_a_per_m": v
                for c, v in zip("xyz", summary["charge_current_dc_a_per_m"], strict=True)})
    for k in ("gilbert_damping_enhancement", "gyromagnetic_ratio_factor", "dofs", "time_steps", "ranks",
              "solve_seconds"):
        out[k] = summary[k]
    return out


def mesh_info(config: PumpingSweepConfig) -> dict:
    s = config.resolved_spec()
    return {"geometry": s.geometry, "cell_nm": s.cell_nm, "length_nm": s.length_nm, "width_nm": s.width_nm}


def prepare(config: PumpingSweepConfig, comm) -> None:
    """Nothing is shared beyond the one session."""
    return None


def open_session(config: PumpingSweepConfig, params: PumpingPoint, comm, petsc_options: dict | None, prepared):
    from ...problems.pumping import open_pumping_session

    return open_pumping_session(params, config.resolved_spec(), comm)


PUMPING = ProblemKind(name="pumping", config_from_dict=config_from_dict, input_columns=INPUT_COLUMNS,
                      output_columns=OUTPUT_COLUMNS, column_types=COLUMN_TYPES, input_row=input_row,
                      output_row=output_row, mesh_info=mesh_info, prepare=prepare, open_session=open_session)
