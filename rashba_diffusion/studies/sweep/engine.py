"""Parameter sweeps of the wire: one mesh, one model, one solver, many points; resumable CSV output.

Python API
----------
::

    from rashba_diffusion.config import Axis, SweepConfig, load_config
    from rashba_diffusion.parameters import Drive, paper_film
    from rashba_diffusion.sweep import run_sweep
    from rashba_diffusion.wire import WireSpec

    cfg = load_config("examples/fig3_torque_vs_alpha.toml")          # from TOML, or built directly:
    cfg = SweepConfig(film=paper_film(), drive=Drive(1e5), wire=WireSpec(50.0), m=None,
                      axes=(Axis("theta_deg", (0.0, 45.0, 90.0)), Axis("phi_deg", (0.0, 90.0))))
    res = run_sweep(cfg, out_dir=None)       # in memory; out_dir="DIR" writes DIR/sweep.csv (resumable)
    for row in res.rows:                     # one dict per point, index order
        print(row["theta_deg"], row["m_x"], row["T_perp_J_per_m2"], row["T_par_J_per_m2"])

Axes may be any :class:`~rashba_diffusion.parameters.Film` field, ``efield_v_per_m``,
``direction`` (vectors), ``m`` (vectors) or ``theta_deg``/``phi_deg`` (degrees; m = (sinθ cosφ,
sinθ sinφ, cosθ)).  Several axes form a grid (outer product, first axis outermost) or, with
``mode="zip"``, are paired.  ``res.rows`` holds, per point, every input (:data:`INPUT_COLUMNS`;
``theta_deg``/``phi_deg`` too when m comes from angles) and every output
(:data:`OUTPUT_COLUMNS`).  With ``profiles=True`` in the config, ``res.profiles[i]`` is the
profile dict of point i (internal units, as :attr:`WireResult.profile`); on disk it is
``profiles.csv`` in SI units.

How the cost per point stays close to one factorization
-------------------------------------------------------
Every point is validated first (:class:`~rashba_diffusion.config.SweepConfig`).  The mesh is built
once, sized for the most demanding point (:func:`~rashba_diffusion.wire.resolve_spec`: the default
cell is that of the smallest ``shortest_length_nm()`` over the sweep).  One
:class:`~rashba_diffusion.wire.WireSession` then holds the model (all coefficients are
``fem.Constant``), the matrix (its sparsity and MUMPS's symbolic analysis are reused) and the
compiled torque integrals; per point it updates the constants, re-assembles, refactors and
back-substitutes.

Files and resuming
------------------
``out_dir/sweep.csv`` is a tidy table (header line, one row per point, SI or named units in the
column names), appended by rank 0 and flushed after every row (fsynced at most every
``FSYNC_INTERVAL_S`` and on close).  ``out_dir/sweep.json``
records the config's SHA-256 (:meth:`SweepConfig.digest`), the package version and the columns.
Running the same config again skips the rows already present (matched by index and input values;
a torn last line from a kill is dropped), so an interrupted sweep resumes where it stopped and a
finished one does no work (not even a mesh).  A different config or package version in the same
directory is an error (:class:`SweepStateError`) unless ``force=True``, which starts over.
Under ``mpiexec -n N`` every rank takes part in every solve (one distributed solve at a time).

Testing hook: the environment variable ``RASHBA_SWEEP_ABORT_AFTER=k`` makes the process SIGKILL
itself right after the k-th row of this invocation is on disk (simulates a kill).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import __version__
from .config import ConfigError, SweepConfig, SweepPoint, load_config
from .parameters import FS, HBAR_EV_FS, NM
from .torque import torque_to_j_per_m2

CSV_NAME = "sweep.csv"
SIDECAR_NAME = "sweep.json"
PROFILES_NAME = "profiles.csv"
FORMAT_VERSION = 1
ABORT_ENV = "RASHBA_SWEEP_ABORT_AFTER"

#: input columns of every row, in order (``theta_deg``, ``phi_deg`` are added when m comes from angles)
INPUT_COLUMNS = (
    "alpha_ev_nm", "tau_s", "tau_sf_s", "kf_per_nm", "delta_xc_ev", "tau_delta_s", "mass_ratio",
    "polarization", "polarization_rule", "precession_rule", "charge_coupling", "charge_gamma",
    "efield_v_per_m", "e_direction_x", "e_direction_y", "e_direction_z", "m_x", "m_y", "m_z",
)  # fmt: skip
ANGLE_COLUMNS = ("theta_deg", "phi_deg")
#: output columns of every row, in order
OUTPUT_COLUMNS = (
    "T_perp_J_per_m2", "T_par_J_per_m2", "T_perp_bulk_J_per_m2", "T_par_bulk_J_per_m2",
    "T_perp_bulk_hall_free_J_per_m2", "T_par_bulk_hall_free_J_per_m2",
    "s_bulk_x_hbar_per_m2", "s_bulk_y_hbar_per_m2", "s_bulk_z_hbar_per_m2",
    "dofs", "ranks", "solve_seconds", "point_seconds",
)  # fmt: skip
#: outputs that are measurements of this run, not results (excluded from comparisons)
TIMING_COLUMNS = ("solve_seconds", "point_seconds", "ranks")
PROFILE_COLUMNS = (
    "index", "y_nm", "s_x_hbar_per_m2", "s_y_hbar_per_m2", "s_z_hbar_per_m2", "nu_per_m2",
    "T_perp_J_per_m2", "T_par_J_per_m2",
)  # fmt: skip
_STRING_COLUMNS = {"polarization_rule", "precession_rule", "charge_coupling", "interface"}
_INT_COLUMNS = {"index", "dofs", "ranks"}
_PER_NM2_TO_PER_M2 = 1.0 / NM**2


class SweepStateError(ConfigError):
    """The output directory holds results that do not belong to this config (use ``force``)."""


@dataclass
class SweepResult:
    """What :func:`run_sweep` produced.

    Attributes
    ----------
    rows
        One dict per point, in index order (resumed rows are read back from the CSV).
    columns
        Column order of the rows / CSV.
    solved, skipped
        Points solved by this call, and points found already done on disk.
    cell_nm, dofs
        The mesh used (``None`` when nothing had to be solved).
    seconds
        Wall time of the call.
    profiles
        ``{index: profile}`` of the points solved by this call (only with ``config.profiles``).
    """

    rows: list[dict]
    columns: tuple[str, ...]
    solved: int
    skipped: int
    cell_nm: float | None
    dofs: int | None
    seconds: float
    out_dir: Path | None = None
    profiles: dict[int, dict] = field(default_factory=dict)


def columns_for(config: SweepConfig) -> tuple[str, ...]:
    """The CSV columns of ``config``'s rows."""
    angles = ANGLE_COLUMNS if _uses_angles(config) else ()
    return ("index", *angles, *INPUT_COLUMNS, *OUTPUT_COLUMNS)


def _uses_angles(config: SweepConfig) -> bool:
    return config.m is None or any(a.name in ANGLE_COLUMNS for a in config.axes)


def input_row(config: SweepConfig, p: SweepPoint) -> dict:
    """Every input of point ``p`` (the values matched when a sweep resumes)."""
    f, d = p.film, p.drive
    delta = f.exchange_ev
    tau_delta = f.tau_delta_s if f.tau_delta_s is not None else (HBAR_EV_FS * FS / delta if delta > 0 else math.inf)
    row: dict = {"index": p.index}
    if _uses_angles(config):
        row["theta_deg"] = p.axes.get("theta_deg", 90.0 if config.theta_deg is None else config.theta_deg)
        row["phi_deg"] = p.axes.get("phi_deg", 0.0 if config.phi_deg is None else config.phi_deg)
    row.update({
        "alpha_ev_nm": f.alpha_ev_nm, "tau_s": f.tau_s, "tau_sf_s": f.tau_sf_s, "kf_per_nm": f.kf_per_nm,
        "delta_xc_ev": delta, "tau_delta_s": tau_delta, "mass_ratio": f.mass_ratio, "polarization": f.polarization,
        "polarization_rule": f.polarization_rule, "precession_rule": f.precession_rule,
        "charge_coupling": f.charge_coupling, "charge_gamma": f.charge_gamma,
        "efield_v_per_m": d.efield_v_per_m,
        "e_direction_x": d.direction[0], "e_direction_y": d.direction[1], "e_direction_z": d.direction[2],
        "m_x": p.m[0], "m_y": p.m[1], "m_z": p.m[2],
    })  # fmt: skip
    return row


def output_row(summary: dict, point_seconds: float) -> dict:
    """The output columns from a :class:`~rashba_diffusion.wire.WireSession` summary."""
    out = {k: summary[k] for k in OUTPUT_COLUMNS[:6]}
    for c, v in zip("xyz", summary["s_bulk_hbar_per_m2"], strict=True):
        out[f"s_bulk_{c}_hbar_per_m2"] = v
    out.update(dofs=summary["dofs"], ranks=summary["ranks"], solve_seconds=summary["solve_seconds"],
               point_seconds=point_seconds)
    return out


def fmt(v) -> str:
    """CSV text of a value: floats round-trip exactly (``repr``), ``None`` is empty."""
    if v is None:
        return ""
    if isinstance(v, bool | np.bool_):
        return "true" if v else "false"
    if isinstance(v, int | np.integer):
        return str(int(v))
    if isinstance(v, float | np.floating):
        return repr(float(v))
    return str(v)


def parse(column: str, text: str):
    """Inverse of :func:`fmt` for the sweep columns."""
    if column in _STRING_COLUMNS:
        return text
    if column == "charge_gamma":
        return text == "true"
    if text == "":
        return None
    if column in _INT_COLUMNS:
        return int(text)
    return float(text)


def profile_rows(index: int, profile: dict[str, np.ndarray]) -> list[list[str]]:
    """profiles.csv rows of one point, in SI (ħ/m², 1/m², J/m²)."""
    t_perp = torque_to_j_per_m2(profile["T_perp"])
    t_par = torque_to_j_per_m2(profile["T_par"])
    cols = (profile["y_nm"], profile["s_x"] * _PER_NM2_TO_PER_M2, profile["s_y"] * _PER_NM2_TO_PER_M2,
            profile["s_z"] * _PER_NM2_TO_PER_M2, profile["nu"] * _PER_NM2_TO_PER_M2, t_perp, t_par)
    return [[str(index), *(repr(float(c[j])) for c in cols)] for j in range(len(profile["y_nm"]))]


# -- the output directory ----------------------------------------------------------
def _sidecar(config: SweepConfig, columns: tuple[str, ...], mesh_info: dict) -> dict:
    return {
        "format": FORMAT_VERSION,
        "config_sha256": config.digest(),
        "package": "rashba_diffusion",
        "package_version": __version__,
        "columns": list(columns),
        "points": len(config),
        **mesh_info,
        "config": config.canonical(),
    }


def _read_done_rows(path: Path, columns: tuple[str, ...], expected: list[dict], n_inputs: int) -> list[dict]:
    """Rows already in ``path`` (a torn last line is cut off the file), checked against ``expected``."""
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        # killed while writing a row: drop the partial line (everything before it was fsynced)
        cut = data.rfind(b"\n") + 1
        with path.open("r+b") as f:
            f.truncate(cut)
            f.flush()
            os.fsync(f.fileno())
        data = data[:cut]
    lines = data.decode().splitlines()
    if not lines:
        return []
    header = next(csv.reader([lines[0]]))
    if tuple(header) != columns:
        raise SweepStateError(f"{path}: its columns differ from this config's; use --force to start over")
    done = []
    for lineno, fields in enumerate(csv.reader(lines[1:]), start=2):
        if len(fields) != len(columns):
            raise SweepStateError(f"{path}:{lineno}: {len(fields)} fields, expected {len(columns)}; "
                                  "use --force to start over")
        i = int(fields[0])
        if not 0 <= i < len(expected):
            raise SweepStateError(f"{path}:{lineno}: point index {i} is not in this sweep; use --force")
        want = expected[i]
        for c, text in zip(columns[:n_inputs], fields[:n_inputs], strict=True):
            if text != fmt(want[c]):
                raise SweepStateError(f"{path}:{lineno}: point {i} has {c} = {text}, this config gives "
                                      f"{fmt(want[c])}; use --force to start over")
        done.append({c: parse(c, t) for c, t in zip(columns, fields, strict=True)})
    return done


def _prepare_out_dir(out: Path, config: SweepConfig, runner, expected: list[dict], force: bool) -> list[dict]:
    """Rank 0: check/create the output directory; return the rows already done."""
    out.mkdir(parents=True, exist_ok=True)
    csv_path, meta_path, prof_path = out / CSV_NAME, out / SIDECAR_NAME, out / PROFILES_NAME
    columns = runner.columns
    meta = _sidecar(config, columns, runner.mesh_info())
    done: list[dict] = []
    if force:
        for p in (csv_path, prof_path):
            p.unlink(missing_ok=True)
    elif meta_path.exists():
        try:
            old = json.loads(meta_path.read_text())
        except (json.JSONDecodeError, OSError) as e:
            raise SweepStateError(f"{meta_path} is unreadable ({e}); use --force to start over") from None
        if old.get("config_sha256") != meta["config_sha256"]:
            raise SweepStateError(
                f"{out} holds a sweep of a different config (sha256 {str(old.get('config_sha256'))[:12]}…, "
                f"this one {meta['config_sha256'][:12]}…); use another --out, or --force to discard it"
            )
        if old.get("package_version") != __version__:
            raise SweepStateError(
                f"{out} was written by rashba_diffusion {old.get('package_version')}, this is {__version__}; "
                "use --force to recompute it"
            )
        if csv_path.exists():
            done = _read_done_rows(csv_path, columns, expected, runner.n_inputs)
    elif csv_path.exists():
        raise SweepStateError(f"{csv_path} exists without {SIDECAR_NAME}; use --force to overwrite it")
    from .io import atomic_write_text

    atomic_write_text(meta_path, json.dumps(meta, indent=2, sort_keys=True, allow_nan=True) + "\n")
    if config.profiles:
        # keep only the profiles of finished rows: a point's profile is written before its row, so a
        # kill can leave (possibly torn) profile lines of a point without a row, never the reverse
        keep = {str(r["index"]) for r in done}
        lines = prof_path.read_text().splitlines()[1:] if prof_path.exists() else []
        kept = [ln for ln in lines if ln.split(",", 1)[0] in keep]
        atomic_write_text(prof_path, "\n".join([",".join(PROFILE_COLUMNS), *kept]) + "\n")
    return done


#: seconds between fsyncs of the CSV (every row is flushed to the OS at once)
FSYNC_INTERVAL_S = 1.0


class _Appender:
    """Rank 0's append-only CSV writer.

    Every row is flushed to the OS before the next solve, so a killed or crashed
    *process* loses nothing.  fsync (which guards against a crash of the *machine*)
    costs about as much as a twentieth of a point of the default 1D sweep, so it runs
    at most every ``FSYNC_INTERVAL_S`` and on close: a power cut can lose at most that
    last second of rows, which the next run recomputes (a torn last line is dropped).
    """

    def __init__(self, path: Path, header: tuple[str, ...]):
        new = not path.exists() or path.stat().st_size == 0
        self.f = path.open("a", newline="")
        self.w = csv.writer(self.f, lineterminator="\n")
        self._synced = time.monotonic()
        if new:
            self.write([list(header)])

    def write(self, rows: list[list[str]]) -> None:
        self.w.writerows(rows)
        self.f.flush()
        if time.monotonic() - self._synced >= FSYNC_INTERVAL_S:
            self._sync()

    def _sync(self) -> None:
        os.fsync(self.f.fileno())
        self._synced = time.monotonic()

    def close(self) -> None:
        self.f.flush()
        self._sync()
        self.f.close()


# -- the problems ----------------------------------------------------------------------
class WireRunner:
    """The wire problem of the sweep engine: columns, inputs, one :class:`~rashba_diffusion.wire.WireSession`.

    A runner gives :func:`run_sweep` ``columns``, ``n_inputs`` (the leading input columns, matched on
    resume), ``input_row(p)``, ``mesh_info()`` (for sweep.json), ``start(todo, comm, petsc_options)``
    and ``solve(p) -> (output columns, profile or None)``; after ``start``, ``cell_nm`` and ``dofs``.
    """

    def __init__(self, config: SweepConfig):
        from .wire import resolve_spec

        self.config = config
        self.columns = columns_for(config)
        self.n_inputs = self.columns.index(OUTPUT_COLUMNS[0])
        self.spec = resolve_spec([p.film for p in config.points], config.wire)
        self.cell_nm = self.dofs = None

    def input_row(self, p: SweepPoint) -> dict:
        return input_row(self.config, p)

    def mesh_info(self) -> dict:
        return {"cell_nm": self.spec.cell_nm, "length_nm": self.spec.length_nm, "geometry": self.spec.geometry}

    def start(self, todo: list, comm, petsc_options: dict | None) -> None:
        from .wire import WireSession

        self.session = WireSession(todo[0].film, todo[0].drive, todo[0].m, self.spec, comm, petsc_options)
        self.cell_nm, self.dofs = self.session.cell_nm, self.session.ndofs

    def solve(self, p: SweepPoint) -> tuple[dict, dict | None]:
        t0 = time.perf_counter()
        r = self.session.solve(film=p.film, drive=p.drive, m=p.m, profile=self.config.profiles)
        return output_row(r.summary, time.perf_counter() - t0), (r.profile if self.config.profiles else None)


def runner_for(config):
    """The problem runner of a config (``config.problem``: "wire", "bilayer" or "film")."""
    problem = getattr(config, "problem", "wire")
    if problem == "bilayer":
        from .bilayer_sweep import BilayerRunner

        return BilayerRunner(config)
    if problem == "film":
        from .film_sweep import FilmRunner

        return FilmRunner(config)
    return WireRunner(config)


# -- the engine -------------------------------------------------------------------------
def run_sweep(config: SweepConfig, out_dir: str | os.PathLike | None = None, *, comm=None, quiet: bool = True,
              force: bool = False, petsc_options: dict | None = None) -> SweepResult:
    """Solve every point of ``config`` (see the module docstring).

    Parameters
    ----------
    config
        The validated sweep.
    out_dir
        Directory for ``sweep.csv``/``sweep.json`` (and ``profiles.csv``); ``None`` keeps the results in
        memory only (nothing is resumed).
    comm
        MPI communicator (default ``MPI.COMM_WORLD``); all ranks solve every point.
    quiet
        No progress bar (it is shown on rank 0 only, and only when stderr is a terminal).
    force
        Discard results of another config in ``out_dir`` instead of raising :class:`SweepStateError`.
    petsc_options
        Extra PETSc options for the solver.
    """
    from ._compat import MPI

    t_start = time.perf_counter()
    comm = MPI.COMM_WORLD if comm is None else comm
    points = config.points
    runner = runner_for(config)
    columns = runner.columns
    expected = [runner.input_row(p) for p in points]
    out = Path(out_dir) if out_dir is not None else None

    done: list[dict] = []
    if out is not None:
        state: tuple[str | None, list[dict]] = (None, [])
        if comm.rank == 0:
            try:
                state = (None, _prepare_out_dir(out, config, runner, expected, force))
            except SweepStateError as e:
                state = (str(e), [])
        msg, done = comm.bcast(state, root=0)
        if msg is not None:
            raise SweepStateError(msg)
    done_idx = {r["index"] for r in done}
    todo = [p for p in points if p.index not in done_idx]
    rows = {r["index"]: r for r in done}
    result = SweepResult(rows=[], columns=columns, solved=0, skipped=len(done), cell_nm=None, dofs=None,
                         seconds=0.0, out_dir=out)
    if todo:
        from tqdm import tqdm

        runner.start(todo, comm, petsc_options)
        writer = prof_writer = None
        if out is not None and comm.rank == 0:
            writer = _Appender(out / CSV_NAME, columns)
            if config.profiles:
                prof_writer = _Appender(out / PROFILES_NAME, PROFILE_COLUMNS)
        abort_after = int(os.environ.get(ABORT_ENV, "0") or 0)
        show = not quiet and comm.rank == 0 and sys.stderr.isatty()
        bar = tqdm(total=len(points), initial=len(done), disable=not show, desc="sweep", unit="pt")
        try:
            for p in todo:
                outputs, profile = runner.solve(p)
                row = {**expected[p.index], **outputs}
                rows[p.index] = row
                if profile is not None:
                    result.profiles[p.index] = profile
                if prof_writer is not None:
                    prof_writer.write(profile_rows(p.index, profile))
                if writer is not None:
                    writer.write([[fmt(row[c]) for c in columns]])
                result.solved += 1
                bar.update(1)
                if abort_after and result.solved >= abort_after:
                    os.kill(os.getpid(), signal.SIGKILL)
        finally:
            bar.close()
            for w in (writer, prof_writer):
                if w is not None:
                    w.close()
    result.cell_nm, result.dofs = runner.cell_nm, runner.dofs
    result.rows = [rows[i] for i in sorted(rows)]
    result.seconds = time.perf_counter() - t_start
    return result


# -- command line -----------------------------------------------------------------------
def cmd_sweep(a: argparse.Namespace) -> int:
    """``rashba-diffusion sweep CONFIG.toml [--out DIR] [--quiet] [--force]``."""
    config = load_config(a.config)  # every point validated before DOLFINx is even imported
    out = Path(a.out) if a.out else Path("results") / Path(a.config).stem
    from ._compat import MPI

    comm = MPI.COMM_WORLD
    res = run_sweep(config, out, comm=comm, quiet=a.quiet, force=a.force)
    if comm.rank == 0:
        mesh = f", cell_nm {res.cell_nm:.6g}, {res.dofs} dofs" if res.cell_nm is not None else ""
        print(f"sweep: {len(config)} points, solved {res.solved}, skipped {res.skipped} (already in "
              f"{out / CSV_NAME}){mesh}, {res.seconds:.3f} s on {comm.size} rank(s)")
    return 0


def add_parser(sub) -> None:
    """Register ``sweep`` on the CLI's subparsers (one call in :func:`rashba_diffusion.cli.build_parser`)."""
    s = sub.add_parser("sweep", help="run a parameter sweep from a TOML file (resumable; see docs/sweeps.md)")
    s.add_argument("config", help="TOML sweep configuration")
    s.add_argument("--out", default=None, help="output directory (default: results/<config name>)")
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.add_argument("--force", action="store_true", help="discard results of a different config in --out")
    s.set_defaults(func=cmd_sweep)
