"""The sweep engine: one session for many points (a new one only when a point needs it); resumable CSV output.

Python API
----------
::

    from rashba_diffusion import Axis, Drive, WireSpec, WireSweepConfig, load_config, paper_film, run_sweep

    cfg = load_config("examples/fig3_torque_vs_alpha.toml")          # from TOML, or built directly:
    cfg = WireSweepConfig(film=paper_film(), drive=Drive(1e5), wire=WireSpec(50.0), m=None,
                          axes=(Axis("theta_deg", (0.0, 45.0, 90.0)), Axis("phi_deg", (0.0, 90.0))))
    res = run_sweep(cfg, out_dir=None)       # in memory; out_dir="DIR" writes DIR/sweep.csv (resumable)
    for row in res.rows:                     # one dict per point, index order
        print(row["theta_deg"], row["m_x"], row["T_perp_J_per_m2"], row["T_par_J_per_m2"])

The problem (``config.problem``: wire, film, bilayer, llg) is looked up in
:data:`~rashba_diffusion.studies.sweep.registry.PROBLEMS`; its module has the schema, the axes and the
columns (e.g. :mod:`.wire`).  Several axes form a grid (outer product, first axis outermost) or, with
``mode="zip"``, are paired.  ``res.rows`` holds, per point, every input (``theta_deg``/``phi_deg`` too when m
comes from angles) and every output.  With ``profiles=True`` in a wire config, ``res.profiles[i]`` is the
profile dict of point i (internal units, as the wire's ``Result.profile``); on disk it is ``profiles.csv`` in
SI units.

Sessions
--------
Every point is validated first (by the config).  :class:`SessionRunner` opens the problem's session for the
first point to solve and keeps it while ``session.reusable(point)`` holds (for the wire and film always: all
parameters are ``fem.Constant``), so a point pays assembly, one numeric factorization and back-substitution.
``point_seconds`` is the time of the point's solve and row, not of opening a session.

Files and resuming
------------------
``out_dir/sweep.csv`` is a tidy table (header line, one row per point, SI or named units in the
column names), appended by rank 0 and flushed after every row (fsynced at most every
``FSYNC_INTERVAL_S`` and on close).  ``out_dir/sweep.json``
records the config's SHA-256 (``config.digest()``), the package version, the columns and the provenance: the
record of the run that started the folder (version, command, time, conventions, solver) and of every run since
(``runs``); the digest is the config's alone, so the provenance never stops a resume.
Running the same config again skips the rows already present (matched by index and input values;
a torn last line from a kill is dropped), so an interrupted sweep resumes where it stopped and a
finished one does no work (not even a mesh).  A different config or package version in the same
directory is an error (:class:`SweepStateError`) unless ``force=True``, which starts over.  A mesh file's
content hash is part of the config's identity, so a replaced mesh file does not resume into old rows.
Under ``mpiexec -n N`` every rank takes part in every solve (one distributed solve at a time).

Safety (docs/reliability.md)
----------------------------
* **One sweep per folder.**  Rank 0 holds an exclusive lock of ``out_dir`` (:class:`~rashba_diffusion.files.
  FolderLock`, ``.rashba.lock``) for the whole run: a second sweep into the folder fails at once
  (:class:`SweepStateError` naming the holder).  The kernel drops the lock of a killed process, so a stale
  lock never blocks.
* **Nothing written before everything is checked.**  The config, the folder's state, the size guard
  (``max_dofs``) and, when there is work, the mesh (a mesh file's tag roles) are checked before ``sweep.json``
  is written or ``force`` discards anything.
* **Failures.**  A failed solve or a non-finite output (other than an undefined torque) raises
  :class:`~rashba_diffusion.errors.SolveError` naming the point; the rows before it stay, like after an
  interrupt, and the same command resumes.

Testing hook: the environment variable ``RASHBA_SWEEP_ABORT_AFTER=k`` makes the process SIGKILL
itself right after the k-th row of this invocation is on disk (simulates a kill).
"""

from __future__ import annotations

import csv
import json
import logging
import math
import os
import signal
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ... import __version__
from ...errors import NonFiniteResult, ParameterError, SolveError, SweepStateError
from ...fem.solver_options import resolve_petsc_options
from ...files import UNDEFINED_ALLOWED, FolderLock, atomic_write_text, strict_json
from ...launch import run_record
from ...physics.bilayer import BilayerPoint, bilayer_conventions
from ...physics.macrospin import CONVENTIONS as MACROSPIN_CONVENTIONS
from ...physics.macrospin import MacrospinPoint
from ...physics.pumping import PumpingPoint
from ...physics.pumping import conventions as pumping_conventions
from ...physics.rashba import RashbaPoint, film_conventions
from ...problems.outputs import PROFILE_COLUMNS as PROFILE_SI_COLUMNS
from ...problems.outputs import profile_si
from ...validation import check_size
from .config import ProblemKind, SweepConfigBase, SweepPoint
from .registry import PROBLEMS, check_sweep_size

LOG = logging.getLogger("rashba_diffusion")

CSV_NAME = "sweep.csv"
SIDECAR_NAME = "sweep.json"
PROFILES_NAME = "profiles.csv"
FORMAT_VERSION = 1
ABORT_ENV = "RASHBA_SWEEP_ABORT_AFTER"

#: outputs that are measurements of this run, not results (excluded from comparisons)
TIMING_COLUMNS = ("solve_seconds", "point_seconds", "ranks")
PROFILE_COLUMNS = ("index", *PROFILE_SI_COLUMNS)
#: columns that hold integers (every problem's); the problem's kind names its string and boolean ones
INT_COLUMNS = {"index", "dofs", "ranks"}

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


def parse(column: str, text: str, column_types: Mapping[str, type]):
    """Inverse of :func:`fmt` for the sweep columns (``column_types``: the problem's non-float columns)."""
    kind = column_types.get(column)
    if kind is str:
        return text
    if kind is bool:
        return text == "true"
    if text == "":
        return None
    if kind is int or column in INT_COLUMNS:
        return int(text)
    return float(text)


def profile_rows(index: int, profile: dict[str, np.ndarray]) -> list[list[str]]:
    """profiles.csv rows of one point, in SI (ħ/m², 1/m², J/m²; as the wire's ``profile.csv``)."""
    table = profile_si(profile)
    cols = [table[k] for k in PROFILE_SI_COLUMNS]
    return [[str(index), *(repr(float(c[j])) for c in cols)] for j in range(len(profile["y_nm"]))]


def input_row(kind: ProblemKind, config: SweepConfigBase, p: SweepPoint) -> dict:
    """Every input of point ``p``: its index, θ and φ when m comes from angles, the problem's inputs."""
    row: dict = {"index": p.index}
    if config.uses_angles:
        row.update(config.angles(p))
    row.update(kind.input_row(config, p))
    return row


# -- the output directory ----------------------------------------------------------
def _sidecar(config: SweepConfigBase, columns: tuple[str, ...], mesh_info: dict) -> dict:
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


def _read_done_rows(path: Path, columns: tuple[str, ...], expected: list[dict], n_inputs: int,
                    column_types: Mapping[str, type]) -> list[dict]:
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
        done.append({c: parse(c, t, column_types) for c, t in zip(columns, fields, strict=True)})
    return done


#: the polarization rule that configs without ``polarization_rule`` meant before the default became "hamiltonian"
FORMER_DEFAULT_POLARIZATION_RULE = "eq17"


def _differences(old, new, where: str = "") -> list[str]:
    """The dotted keys at which two canonical configs differ, with both values."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for k in sorted(set(old) | set(new)):
            out += _differences(old.get(k), new.get(k), f"{where}.{k}" if where else str(k))
        return out
    return [] if old == new else [f"{where}: {old!r} there, {new!r} here"]


def _differences_note(old, new) -> str:
    """What a refused resume tells the user: the differing keys, and what to add when the only difference is
    the change of the default polarization rule (a folder of the former default must not silently resume)."""
    if not isinstance(old, dict):
        return ""
    diffs = _differences(old, new)
    note = "; differs in " + ", ".join(diffs[:4]) + (f" and {len(diffs) - 4} more" if len(diffs) > 4 else "")
    film = old.get("film") if isinstance(old.get("film"), dict) else {}
    if (len(diffs) == 1 and diffs[0].startswith("film.polarization_rule:")
            and film.get("polarization_rule") == FORMER_DEFAULT_POLARIZATION_RULE):
        note += (f" (the default polarization_rule is now {new['film']['polarization_rule']!r}; this folder was made "
                 f"with {FORMER_DEFAULT_POLARIZATION_RULE!r}: add polarization_rule = "
                 f'"{FORMER_DEFAULT_POLARIZATION_RULE}" to [material] to resume it)')
    return note


def conventions(config: SweepConfigBase) -> dict:
    """The physics conventions of a sweep: those of its first point (a swept rule, e.g. ``polarization_rule``,
    is an input column of ``sweep.csv``); empty for a problem without a convention table."""
    params = config.points[0].params if len(config) else None
    if isinstance(params, RashbaPoint):
        return film_conventions(params.film, params.drive)
    if isinstance(params, BilayerPoint):
        return bilayer_conventions(params)
    if isinstance(params, MacrospinPoint):
        return dict(MACROSPIN_CONVENTIONS)
    if isinstance(params, PumpingPoint):
        return pumping_conventions(params.model(), params.precession)
    return {}


#: what ``sweep.json`` records of each run in ``runs`` (its ``provenance`` holds all of the first run's record)
RUN_KEYS = ("version", "command", "created_utc", "mpi_ranks", "dolfinx")


def run_provenance(config: SweepConfigBase, command: str | None, petsc_options: dict | None, comm) -> dict:
    """The record of one invocation of a sweep (``sweep.json``'s ``provenance`` and ``runs``)."""
    from ...fem._compat import DOLFINX_VERSION

    return {**run_record(command), "dolfinx": DOLFINX_VERSION, "mpi_ranks": comm.size,
            "conventions": conventions(config), "solver": {"petsc_options": resolve_petsc_options(petsc_options)}}


def _json_safe(obj):
    """``sweep.json``'s content as strict JSON: a non-finite number (τsf = inf) is written as its name."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return repr(obj)
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_json_safe(v) for v in obj]
    return obj


def _check_out_dir(out: Path, config: SweepConfigBase, kind: ProblemKind, expected: list[dict],
                   force: bool) -> tuple[list[dict], dict | None]:
    """Rank 0, holding the folder's lock: the rows already done and the folder's ``sweep.json`` (``None``: none,
    or ``force``).  Writes nothing (but drops a torn last line)."""
    csv_path, meta_path = out / CSV_NAME, out / SIDECAR_NAME
    columns = kind.columns(config)
    if force:
        return [], None
    if meta_path.exists():
        try:
            old = json.loads(meta_path.read_text())
        except (json.JSONDecodeError, OSError) as e:
            raise SweepStateError(f"{meta_path} is unreadable ({e}); use --force to start over") from None
        if old.get("config_sha256") != config.digest():
            raise SweepStateError(
                f"{out} holds a sweep of a different config (sha256 {str(old.get('config_sha256'))[:12]}…, "
                f"this one {config.digest()[:12]}…"
                f"{_differences_note(old.get('config'), _json_safe(config.canonical()))}; a replaced mesh file "
                "counts as a different config); use another --out, or --force to discard it"
            )
        if old.get("package_version") != __version__:
            raise SweepStateError(
                f"{out} was written by rashba_diffusion {old.get('package_version')}, this is {__version__}; "
                "use --force to recompute it"
            )
        if csv_path.exists():
            return _read_done_rows(csv_path, columns, expected, count_inputs(kind, columns), kind.column_types), old
        return [], old
    if csv_path.exists():
        raise SweepStateError(f"{csv_path} exists without {SIDECAR_NAME}; use --force to overwrite it")
    return [], None


def _write_out_dir(out: Path, config: SweepConfigBase, kind: ProblemKind, done: list[dict], force: bool,
                   record: dict | None = None, old: dict | None = None) -> None:
    """Rank 0, once everything is checked: ``sweep.json`` (and ``profiles.csv``); with ``force``, the old rows go.

    ``record`` (:func:`run_provenance`) is this invocation's: ``sweep.json`` keeps the one of the run that
    started the folder (``old``, the folder's ``sweep.json``) as ``provenance`` and appends every invocation's to
    ``runs``.
    """
    csv_path, meta_path, prof_path = out / CSV_NAME, out / SIDECAR_NAME, out / PROFILES_NAME
    if force:
        for p in (csv_path, prof_path):
            p.unlink(missing_ok=True)
    meta = _sidecar(config, kind.columns(config), kind.mesh_info(config))
    record = record or {}
    run = {k: record[k] for k in RUN_KEYS if k in record}
    meta["provenance"], meta["runs"] = record, [run]
    if old is not None:
        if isinstance(old.get("provenance"), dict):  # folders before provenance have none: this run starts it
            meta["provenance"] = old["provenance"]
        meta["runs"] = [*(old.get("runs") if isinstance(old.get("runs"), list) else []), run]
    atomic_write_text(meta_path, strict_json(_json_safe(meta), indent=2) + "\n")
    if config.profiles:
        # keep only the profiles of finished rows: a point's profile is written before its row, so a
        # kill can leave (possibly torn) profile lines of a point without a row, never the reverse
        keep = {str(r["index"]) for r in done}
        lines = prof_path.read_text().splitlines()[1:] if prof_path.exists() else []
        kept = [ln for ln in lines if ln.split(",", 1)[0] in keep]
        atomic_write_text(prof_path, "\n".join([",".join(PROFILE_COLUMNS), *kept]) + "\n")


#: seconds between fsyncs of the CSV (every row is flushed to the OS at once)
FSYNC_INTERVAL_S = 1.0


class Appender:
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


def _collective(comm, work):
    """Run ``work()`` on rank 0 and give every rank its result; its ParameterError is raised on every rank."""
    state: tuple[tuple[type, str] | None, object] = (None, None)
    if comm.rank == 0:
        try:
            state = (None, work())
        except ParameterError as e:
            state = ((type(e), str(e)), None)
    err, value = comm.bcast(state, root=0)
    if err is not None:
        raise err[0](err[1])
    return value


# -- the sessions -------------------------------------------------------------------------
def count_inputs(kind: ProblemKind, columns: tuple[str, ...]) -> int:
    """How many leading columns are inputs (matched when a sweep resumes)."""
    return columns.index(kind.output_columns[0])


class SessionRunner:
    """Solves the points of a sweep with the problem's sessions: one open at a time, a new one only when the
    point needs it (:meth:`Session.reusable`).

    After a solve, :attr:`cell_nm` and :attr:`dofs` describe the session's mesh; :attr:`sessions_built`
    counts the sessions opened.  :meth:`close` releases the open session.
    """

    def __init__(self, kind: ProblemKind, config: SweepConfigBase, comm, petsc_options: dict | None = None):
        self.kind, self.config, self.comm, self.petsc_options = kind, config, comm, petsc_options
        self.session = None
        self.cell_nm = self.dofs = None
        self.sessions_built = 0
        self._prepared = None
        self._started = False

    def start(self):
        """What every session shares (a mesh read once, its tag roles checked); collective, only when there is
        work.  Returns it (``None`` if nothing is shared)."""
        if not self._started:
            self._prepared = self.kind.prepare(self.config, self.comm)
            self._started = True
        return self._prepared

    def solve(self, p: SweepPoint) -> tuple[dict, dict | None]:
        """(output columns, profile or ``None``) of point ``p``."""
        self.start()
        if self.session is None or not self.session.reusable(p.params):
            self.close()
            self.session = self.kind.open_session(self.config, p.params, self.comm, self.petsc_options,
                                                  self._prepared)
            self.sessions_built += 1
        t0 = time.perf_counter()
        r = self.session.solve(p.params, profile=self.config.profiles)
        self.cell_nm, self.dofs = self.session.cell_nm, self.session.ndofs
        outputs = {**self.kind.output_row(r.summary), "point_seconds": time.perf_counter() - t0}
        return outputs, (r.profile if self.config.profiles else None)

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None


# -- the engine -------------------------------------------------------------------------
def check_outputs(kind: ProblemKind, p: SweepPoint, outputs: dict) -> None:
    """A non-finite output is a failed solve, but an undefined torque (NaN: m ∥ û) is a legitimate ``nan``."""
    bad = [f"{c} = {v!r}" for c, v in outputs.items() if isinstance(v, float) and not math.isfinite(v)
           and not (math.isnan(v) and UNDEFINED_ALLOWED.match(c))]
    if bad:
        raise NonFiniteResult(f"non-finite result: {', '.join(bad[:6])}")


def _where(p: SweepPoint) -> str:
    return f"sweep point {p.index}" + (f" ({', '.join(f'{k} = {v!r}' for k, v in p.axes.items())})" if p.axes else "")


def run_sweep(config: SweepConfigBase, out_dir: str | os.PathLike | None = None, *, comm=None, quiet: bool = True,
              force: bool = False, petsc_options: dict | None = None, max_dofs: float | None = None,
              argv: list[str] | None = None, command: str | None = None) -> SweepResult:
    """Solve every point of ``config`` (see the module docstring).

    Parameters
    ----------
    config
        The validated sweep.
    out_dir
        Directory for ``sweep.csv``/``sweep.json`` (and ``profiles.csv``); ``None`` keeps the results in
        memory only (nothing is resumed).  Locked for the run: a second sweep into it fails.
    comm
        MPI communicator (default ``MPI.COMM_WORLD``); all ranks solve every point.
    quiet
        No progress bar (it is shown on rank 0 only, and only when stderr is a terminal).
    force
        Discard results of another config in ``out_dir`` instead of raising :class:`SweepStateError`.
    petsc_options
        Extra PETSc options for the solver.
    max_dofs
        The size guard: a sweep whose largest session has more degrees of freedom raises ParameterError
        before any mesh is built (or, for a mesh file, before any form).  ``None``: no limit.
    argv
        The command recorded in the folder's lock (default ``sys.argv``).
    command
        The command recorded in ``sweep.json``'s provenance (default: this process's ``sys.argv``).

    Raises
    ------
    ParameterError
        Bad input (before anything is written); :class:`SweepStateError` for a folder that holds another
        config or is in use by another sweep.
    SolveError
        A point failed (naming it); the rows before it stay in ``sweep.csv``.
    """
    from ...fem._compat import MPI

    t_start = time.perf_counter()
    comm = MPI.COMM_WORLD if comm is None else comm
    points = config.points
    kind = PROBLEMS[config.problem]
    columns = kind.columns(config)
    expected = [input_row(kind, config, p) for p in points]
    out = Path(out_dir) if out_dir is not None else None
    check_sweep_size(config, max_dofs)
    for message in kind.warnings(config):
        LOG.warning(message)

    lock = FolderLock(out, "sweep") if out is not None and comm.rank == 0 else None
    try:
        def check_folder() -> tuple[list[dict], dict | None]:
            lock.acquire(sys.argv if argv is None else argv)
            if lock.stale:
                LOG.warning(f"{out}: took over the lock of a sweep that no longer runs (pid {lock.stale.get('pid')} "
                            f"on {lock.stale.get('host')}); its rows are kept and resumed")
            return _check_out_dir(out, config, kind, expected, force)

        done, old_meta = ([], None) if out is None else _collective(comm, check_folder)
        record = None if out is None else run_provenance(config, command, petsc_options, comm)
        LOG.info("sweep of %d points (%s): %d to solve, %d already in %s", len(points), config.problem,
                 len(points) - len(done), len(done), out)
        done_idx = {r["index"] for r in done}
        todo = [p for p in points if p.index not in done_idx]
        rows = {r["index"]: r for r in done}
        result = SweepResult(rows=[], columns=columns, solved=0, skipped=len(done), cell_nm=None, dofs=None,
                             seconds=0.0, out_dir=out)
        runner = SessionRunner(kind, config, comm, petsc_options) if todo else None
        if runner is not None:
            prepared = runner.start()  # a mesh file is read and its roles checked: still nothing written
            if max_dofs is not None and prepared is not None:
                n = kind.dofs(config, prepared)
                if n is not None:
                    check_size("degrees of freedom of the sweep's mesh", n, max_dofs, "--max-dofs")
        if out is not None:
            _collective(comm, lambda: _write_out_dir(out, config, kind, done, force, record, old_meta))
        if runner is not None:
            _solve_points(runner, config, kind, todo, expected, rows, result, out, quiet, comm, len(points),
                          len(done))
        result.rows = [rows[i] for i in sorted(rows)]
        result.seconds = time.perf_counter() - t_start
        return result
    finally:
        if lock is not None:
            lock.release()


def _solve_points(runner: SessionRunner, config: SweepConfigBase, kind: ProblemKind, todo: list[SweepPoint],
                  expected: list[dict], rows: dict, result: SweepResult, out: Path | None, quiet: bool, comm,
                  total: int, skipped: int) -> None:
    """Solve ``todo`` in order, appending every row to the CSV (rank 0) as soon as it exists."""
    from tqdm import tqdm

    # no monitor thread: a thread started now would not block SIGTERM, which must reach the main thread only
    # (cli.contract.startup_guard)
    tqdm.monitor_interval = 0
    columns = kind.columns(config)
    writer = prof_writer = None
    if out is not None and comm.rank == 0:
        writer = Appender(out / CSV_NAME, columns)
        if config.profiles:
            prof_writer = Appender(out / PROFILES_NAME, PROFILE_COLUMNS)
    abort_after = int(os.environ.get(ABORT_ENV, "0") or 0)
    show = not quiet and comm.rank == 0 and sys.stderr.isatty()
    bar = tqdm(total=total, initial=skipped, disable=not show, desc="sweep", unit="pt")
    try:
        for p in todo:
            try:
                outputs, profile = runner.solve(p)
                check_outputs(kind, p, outputs)
            except SolveError as e:
                raise type(e)(f"{_where(p)}: {e}") from e
            except ParameterError as e:
                raise type(e)(f"{_where(p)}: {e}") from e
            rows[p.index] = row = {**expected[p.index], **outputs}
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
    except KeyboardInterrupt as e:
        if out is not None:
            e.add_note(f"{out / CSV_NAME} keeps the {skipped + result.solved} finished row(s); the same command "
                       "resumes the sweep")
        raise
    finally:
        bar.close()
        runner.close()
        for w in (writer, prof_writer):
            if w is not None:
                w.close()
        result.cell_nm, result.dofs = runner.cell_nm, runner.dofs
