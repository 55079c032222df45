"""Sweeps of the macrospin LLG (``problem = "llg"``): switching phase diagrams and ringdowns over grids of fields,
torques, damping, ...; one row of scalar outcomes per run (docs/sweeps.md, docs/model.md §13).

Schema (units in the key names; ``ms_a_per_m``, ``alpha_gilbert`` and ``t_end_ns`` are required)::

    problem = "llg"
    [magnet]                   # MacrospinParameters: ms_a_per_m, alpha_gilbert, gamma_rad_per_s_t, b_ext_t = [x, y, z],
                               # b_k_t, easy_axis, b_hard_t, hard_axis, demag_factors = [Nx, Ny, Nz]
    [torque]                   # prescribed torques: b_dl_t, b_fl_t, sigma, a_j_t, p
    [magnetization]            # the initial m0: m = [x, y, z], or theta_deg / phi_deg (default: the easy axis)
    [run]
    t_end_ns = 1.5
    pulse_ns = 1.0             # the current (every torque) is on for t < pulse; default always on
    method = "rk45"            # or "midpoint" (needs dt_ps)
    dt_ps = 1.0                # rk45: largest step; midpoint: the step
    rtol = 1e-9                # rk45's relative tolerance
    max_steps = 1e7            # the size guard: a point of more (estimated) time steps is refused before any run
    [sweep]                    # mode, axes (as for the wire)

Axes (:data:`AXIS_NAMES`): the scalar fields of the magnet and the torques, the external field's components
``b_ext_x_t``, ``b_ext_y_t``, ``b_ext_z_t``, ``t_end_ns``, ``pulse_ns``, and m0 as ``m`` or ``theta_deg`` /
``phi_deg``.  A switching phase diagram is a grid of a torque field (the current: B_DL, B_FL or a_J are
proportional to it) and an external field component.

A point is one run of :func:`~rashba_diffusion.physics.macrospin.run_macrospin`, identical on every rank; the
rows are its scalar outcomes (``switched``, ``switching_time_s``, ``m_final_*``, the ringdown, ...).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ...physics.llg import MacrospinParameters
from ...physics.macrospin import DEFAULT_MAX_STEPS, MAX_T_END_NS, METHODS, MacrospinPoint, estimate_steps
from ...validation import check_limit, check_positive, check_size
from .config import MAGNETIZATION_AXES, ProblemKind, SweepConfigBase, SweepPoint, magnetization_from_table, sweep_axes
from .toml import check_tables, error, numbers, string, table, vector, wrap

#: seconds per ns and per ps (divided by: 1.5 ns is exactly 1.5e-9 s)
PER_NS, PER_PS = 1e9, 1e12
#: the scalar fields of MacrospinParameters that are axes (the names of the dataclass and of the command line)
PARAMETER_AXES = ("ms_a_per_m", "alpha_gilbert", "gamma_rad_per_s_t", "b_k_t", "b_hard_t", "b_dl_t", "b_fl_t",
                  "a_j_t")
#: the components of the external field as axes
FIELD_AXES = ("b_ext_x_t", "b_ext_y_t", "b_ext_z_t")
RUN_AXES = ("t_end_ns", "pulse_ns")
AXIS_NAMES = (*PARAMETER_AXES, *FIELD_AXES, *RUN_AXES, *MAGNETIZATION_AXES)

MAGNET_VECTORS = {"b_ext_t", "easy_axis", "hard_axis", "demag_factors"}
TORQUE_VECTORS = {"sigma", "p"}
TABLES = {
    "magnet": {"ms_a_per_m", "alpha_gilbert", "gamma_rad_per_s_t", "b_k_t", "b_hard_t", *MAGNET_VECTORS},
    "torque": {"b_dl_t", "b_fl_t", "a_j_t", *TORQUE_VECTORS},
    "magnetization": set(MAGNETIZATION_AXES),
    "run": {"t_end_ns", "pulse_ns", "method", "dt_ps", "rtol", "max_steps"},
    "sweep": {"mode", "axes"},
}

#: input columns of every llg row, in order (``theta_deg``, ``phi_deg`` are added when m0 comes from angles)
INPUT_COLUMNS = (
    "ms_a_per_m", "alpha_gilbert", "gamma_rad_per_s_t", "b_ext_x_t", "b_ext_y_t", "b_ext_z_t", "b_k_t",
    "easy_axis_x", "easy_axis_y", "easy_axis_z", "b_hard_t", "hard_axis_x", "hard_axis_y", "hard_axis_z",
    "demag_x", "demag_y", "demag_z", "b_dl_t", "b_fl_t", "sigma_x", "sigma_y", "sigma_z", "a_j_t", "p_x", "p_y",
    "p_z", "m0_x", "m0_y", "m0_z", "t_end_s", "pulse_end_s", "method", "dt_s", "rtol",
)  # fmt: skip
#: output columns of every llg row (``switching_time_s`` and the ringdown empty when there is none)
OUTPUT_COLUMNS = (
    "switched", "switching_time_s", "m_final_x", "m_final_y", "m_final_z", "ringdown_frequency_ghz",
    "ringdown_decay_rate_per_s", "max_norm_error", "time_steps", "solve_seconds", "point_seconds",
)  # fmt: skip
COLUMN_TYPES = {"method": str, "switched": bool, "time_steps": int}


@dataclass(frozen=True, kw_only=True)
class LLGSweepConfig(SweepConfigBase[MacrospinPoint]):
    """A validated macrospin sweep (every point is built and checked here).

    Parameters
    ----------
    params
        The base magnet and prescribed torques; the axes override their fields point by point.
    t_end_s, pulse_end_s, method, dt_s, rtol
        The run (as :class:`~rashba_diffusion.physics.macrospin.MacrospinPoint`).
    m, theta_deg, phi_deg
        The base initial magnetization m0, as in :class:`~rashba_diffusion.studies.sweep.config.SweepConfigBase`.
    axes, mode
        The sweep axes (names: :data:`AXIS_NAMES`) and ``"grid"`` or ``"zip"``.
    """

    problem = "llg"
    AXIS_NAMES = AXIS_NAMES

    params: MacrospinParameters
    t_end_s: float
    pulse_end_s: float | None = None
    method: str = MacrospinPoint.method
    dt_s: float | None = None
    rtol: float = MacrospinPoint.rtol
    #: the size guard (not part of the identity: it decides whether a point runs, not its result)
    max_steps: float = DEFAULT_MAX_STEPS

    def _check(self) -> None:
        if self.profiles:
            raise error("output.profiles", "not available for problem = 'llg'")

    def _params(self, combo: dict, m: tuple[float, float, float]) -> MacrospinPoint:
        changes = {k: v for k, v in combo.items() if k in PARAMETER_AXES}
        field = list(self.params.b_ext_t)
        for i, name in enumerate(FIELD_AXES):
            if name in combo:
                field[i] = combo[name]
        params = self.params.replace(**changes, b_ext_t=tuple(field))
        t_end = combo["t_end_ns"] / PER_NS if "t_end_ns" in combo else self.t_end_s
        pulse = combo["pulse_ns"] / PER_NS if "pulse_ns" in combo else self.pulse_end_s
        point = MacrospinPoint(params, m, t_end, pulse_end_s=pulse, method=self.method, dt_s=self.dt_s,
                               rtol=self.rtol)
        check_size("time steps (estimated)", estimate_steps(point), self.max_steps, "run.max_steps")
        return point

    def _canonical_fields(self) -> dict:
        return {"problem": self.problem, "params": dataclasses.asdict(self.params), "t_end_s": self.t_end_s,
                "pulse_end_s": self.pulse_end_s, "method": self.method, "dt_s": self.dt_s, "rtol": self.rtol}


def _magnet(t: dict) -> MacrospinParameters:
    """The :class:`MacrospinParameters` of the ``[magnet]`` and ``[torque]`` tables."""
    magnet, torque = t["magnet"], t["torque"]
    for key in ("ms_a_per_m", "alpha_gilbert"):
        if key not in magnet:
            raise error(f"magnet.{key}", "missing (required)")
    fields = {**numbers(magnet, "magnet", TABLES["magnet"] - MAGNET_VECTORS),
              **numbers(torque, "torque", TABLES["torque"] - TORQUE_VECTORS)}
    fields.update({k: vector(f"magnet.{k}", v) for k, v in magnet.items() if k in MAGNET_VECTORS})
    fields.update({k: vector(f"torque.{k}", v) for k, v in torque.items() if k in TORQUE_VECTORS})
    return wrap("magnet", MacrospinParameters, **fields)


def config_from_dict(d: Mapping, base_dir: str | Path | None = None) -> LLGSweepConfig:
    """Build and validate an :class:`LLGSweepConfig` from a parsed TOML document (``problem = "llg"``)."""
    check_tables(d, TABLES, "llg")
    t = {name: table(d, name, TABLES) for name in TABLES}
    params = _magnet(t)
    m, theta, phi = magnetization_from_table(t["magnetization"], params.easy_axis)
    run = t["run"]
    if "t_end_ns" not in run:
        raise error("run.t_end_ns", "missing (required)")
    times = numbers(run, "run", {"t_end_ns", "pulse_ns", "dt_ps", "rtol", "max_steps"})
    units = {"t_end_ns": "ns", "pulse_ns": "ns", "dt_ps": "ps", "rtol": "(dimensionless)"}
    upper = {"t_end_ns": MAX_T_END_NS, "pulse_ns": MAX_T_END_NS, "dt_ps": MAX_T_END_NS * 1e3}
    max_steps = wrap("run.max_steps", check_limit, "max_steps", times.pop("max_steps", DEFAULT_MAX_STEPS))
    times = {k: wrap(f"run.{k}", check_positive, k, v, units[k], upper=upper.get(k)) for k, v in times.items()}
    method = string("run.method", run.get("method", MacrospinPoint.method))
    if method not in METHODS:
        raise error("run.method", f"{method!r} is invalid; valid values: {', '.join(METHODS)}")
    axes, mode = sweep_axes(d, AXIS_NAMES, TABLES)
    return wrap("run", LLGSweepConfig, params=params, t_end_s=times["t_end_ns"] / PER_NS,
                pulse_end_s=times["pulse_ns"] / PER_NS if "pulse_ns" in times else None, method=method,
                dt_s=times["dt_ps"] / PER_PS if "dt_ps" in times else None,
                rtol=times.get("rtol", MacrospinPoint.rtol), max_steps=max_steps, m=m, theta_deg=theta, phi_deg=phi,
                axes=axes, mode=mode)


def input_row(config: LLGSweepConfig, p: SweepPoint[MacrospinPoint]) -> dict:
    """Every input of point ``p`` (the values matched when a sweep resumes)."""
    q, m0 = p.params, config.point_m(p.axes)
    par = q.params
    demag = par.demag_factors or (None, None, None)
    row = {"ms_a_per_m": par.ms_a_per_m, "alpha_gilbert": par.alpha_gilbert, "gamma_rad_per_s_t": par.gamma_rad_per_s_t,
           "b_k_t": par.b_k_t, "b_hard_t": par.b_hard_t, "b_dl_t": par.b_dl_t, "b_fl_t": par.b_fl_t,
           "a_j_t": par.a_j_t, "t_end_s": q.t_end_s, "pulse_end_s": q.pulse_end_s, "method": q.method,
           "dt_s": q.dt_s, "rtol": q.rtol}
    for name, v in (("b_ext", par.b_ext_t), ("easy_axis", par.easy_axis), ("hard_axis", par.hard_axis),
                    ("demag", demag), ("sigma", par.sigma), ("p", par.p), ("m0", m0)):
        suffix = "_t" if name == "b_ext" else ""
        row.update({f"{name}_{c}{suffix}": x for c, x in zip("xyz", v, strict=True)})
    return {c: row[c] for c in INPUT_COLUMNS}


def output_row(summary: dict) -> dict:
    """The output columns (but ``point_seconds``) from a :class:`~rashba_diffusion.problems.macrospin.MacrospinSession`
    summary."""
    out = {k: summary[k] for k in ("switched", "switching_time_s", "ringdown_frequency_ghz",
                                   "ringdown_decay_rate_per_s", "max_norm_error", "time_steps", "solve_seconds")}
    out.update({f"m_final_{c}": v for c, v in zip("xyz", summary["m_final"], strict=True)})
    return out


def mesh_info(config: LLGSweepConfig) -> dict:
    """No mesh: nothing to record."""
    return {}


def prepare(config: LLGSweepConfig, comm) -> None:
    return None


def open_session(config: LLGSweepConfig, params: MacrospinPoint, comm, petsc_options: dict | None, prepared):
    from ...problems.macrospin import MacrospinSession

    return MacrospinSession()


LLG = ProblemKind(name="llg", config_from_dict=config_from_dict, input_columns=INPUT_COLUMNS,
                  output_columns=OUTPUT_COLUMNS, column_types=COLUMN_TYPES, input_row=input_row,
                  output_row=output_row, mesh_info=mesh_info, prepare=prepare, open_session=open_session)
