"""The command line's contract: exit statuses, one-line messages, signals, and ending every MPI rank together.

Every subcommand runs inside :func:`run`, so it gets all of this without doing anything (docs/reliability.md
says what a subcommand must still do itself).

======  =====================================================================================================
status  meaning and the one stderr line (``--debug``, or ``RASHBA_DEBUG=1``, adds the traceback before it)
======  =====================================================================================================
0       success
1       anything else: an I/O error while writing (a full disk), running out of memory, a bug:
        ``rashba-diffusion: failed: ...``
2       bad input (flags, TOML, meshes and tag maps, output paths, PETSc options, size limits, a busy output
        folder): ``rashba-diffusion: error: <parameter> = <value> <unit> ...; valid ...``; nothing is written
3       a failed solve (not converged, NaN or infinite results): ``rashba-diffusion: solve failed: ...``
130     interrupted by SIGINT (Ctrl-C) or SIGTERM: ``rashba-diffusion: interrupted by SIGINT ...``; partial
        outputs are removed (a sweep keeps its finished rows and resumes)
======  =====================================================================================================

Under ``mpiexec -n N`` (N > 1), a failure ends every rank within seconds with the same status.  An MPI job
whose ranks return on their own can hang: a rank that leaves early keeps the others waiting in their next
collective call, and one that leaves before ``MPI_Init`` keeps them waiting in it (MPICH's hydra kills the
job only when a rank calls ``MPI_Abort`` or dies of a signal).  So a failed rank calls ``MPI_Abort(status)``,
which MPICH's ``mpiexec`` returns as its own exit status (measured: docs/reliability.md).  Rank 0 prints its
line and aborts at once; any other rank first waits :data:`GRACE_S` seconds (when every rank failed alike,
rank 0's abort ends it, so the line is printed once) and then prints its line, marked with its rank, and
aborts.  Before aborting, a rank sends its stderr to /dev/null, which hides MPICH's own "application called
MPI_Abort" line.  A failure before MPI started (bad input) initializes MPI for the abort: every rank reaches
``MPI_Init``, the healthy ones in their work.  Only argparse's errors, which depend on the command line alone
and so happen on every rank alike, return without MPI.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator

from ..errors import Interrupted, ParameterError, SolveError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_SOLVE_FAILED = 3
EXIT_INTERRUPTED = 130
#: the start of every line the command line writes to stderr
PROG = "rashba-diffusion"
#: seconds a failed rank other than 0 waits for rank 0 to end the job before it ends it itself
GRACE_S = 2.0
#: environment variable that turns on ``--debug``
DEBUG_ENV = "RASHBA_DEBUG"
#: PETSc's own signal handler would take SIGINT/SIGTERM away from Python (it aborts with status 59)
PETSC_NO_SIGNAL_HANDLER = "-no_signal_handler"
#: fault injection for the tests of the MPI contract: ``RASHBA_FAULT=<rank>:<where>`` makes that rank alone fail
#: ``start`` (bad input, before MPI) or ``finish`` (an I/O error after the solve, before the outputs)
FAULT_ENV = "RASHBA_FAULT"
#: (rank, size) environment variables of MPI launchers (MPICH/hydra, Open MPI, Slurm)
LAUNCHER_ENV = (("PMI_RANK", "PMI_SIZE"), ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"),
                ("SLURM_PROCID", "SLURM_NTASKS"))
LOGGER = "rashba_diffusion"


class Parser(argparse.ArgumentParser):
    """argparse with the contract's error line: the usage block, then ``rashba-diffusion: error: ...``."""

    def error(self, message: str):  # type: ignore[override]
        if job_rank_size()[0] != 0:  # every rank fails alike here (the command line): rank 0 says it
            self.exit(EXIT_BAD_INPUT)
        self.print_usage(sys.stderr)
        where = self.prog.removeprefix(PROG).strip()
        self.exit(EXIT_BAD_INPUT, f"{PROG}: error: {message}{f' ({where})' if where else ''}\n")


def leaf_parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The parsers that run a command (those without subcommands of their own)."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield parser
        return
    for action in subs:
        for child in dict.fromkeys(action.choices.values()):
            yield from leaf_parsers(child)


def add_debug_flag(parser: argparse.ArgumentParser) -> None:
    """``--debug`` on every command (tracebacks on failure)."""
    for p in leaf_parsers(parser):
        p.add_argument("--debug", action="store_true", help="on failure, print the traceback too "
                       f"(also: {DEBUG_ENV}=1)")


# -- where this process sits in an MPI job --------------------------------------------------------------
def _initialized_mpi():
    mpi = sys.modules.get("mpi4py.MPI")
    if mpi is not None and mpi.Is_initialized() and not mpi.Is_finalized():
        return mpi
    return None


def job_rank_size() -> tuple[int, int]:
    """(rank, size) of this process: from MPI when it runs, else from the launcher's environment."""
    mpi = _initialized_mpi()
    if mpi is not None:
        return mpi.COMM_WORLD.rank, mpi.COMM_WORLD.size
    for rank_var, size_var in LAUNCHER_ENV:
        with contextlib.suppress(KeyError, ValueError):
            return int(os.environ[rank_var]), int(os.environ[size_var])
    return 0, 1


class _RankZero(logging.Filter):
    """Rank 0 says everything; the other ranks only errors (the failure lines are :func:`terminate`'s)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR or job_rank_size()[0] == 0


class _Format(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{PROG}: {record.levelname.lower()}: {record.getMessage()}"


class _Stderr(logging.Handler):
    """Writes to the *current* ``sys.stderr`` (an in-process caller may have replaced it since)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:  # a logging failure must never end the command
            self.handleError(record)


def configure_logging(verbose: int = 0, quiet: bool = False) -> None:
    """The ``rashba_diffusion`` logger's messages go to stderr, once, as ``rashba-diffusion: warning: ...``:
    warnings by default, ``verbose`` 1 info, 2 debug, ``quiet`` errors only; under MPI, ranks other than 0 say
    errors only.  A later call changes the level (the command line calls it again with ``-v``/``-q``)."""
    level = logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logger = logging.getLogger(LOGGER)
    handler = next((h for h in logger.handlers if getattr(h, "_rashba_cli", False)), None)
    if handler is None:
        handler = _Stderr()
        handler._rashba_cli = True  # type: ignore[attr-defined]
        handler.setFormatter(_Format())
        handler.addFilter(_RankZero())
        logger.addHandler(handler)
    handler.setLevel(level)
    logger.setLevel(level)


@contextlib.contextmanager
def startup_guard() -> Iterator[None]:
    """While the command line loads (before :func:`process_setup`): SIGINT or SIGTERM print the contract's line
    and end the process with status 130 (nothing has been done yet).  The handlers are restored after.

    The signals are blocked meanwhile and delivered at the end: the threads that the imports start (OpenBLAS's)
    inherit the blocked mask, so that SIGINT and SIGTERM always go to the main thread.  A signal delivered to
    another thread while METIS orders a matrix (in MUMPS's analysis) runs METIS's own SIGTERM handler there,
    which longjmps across threads: SIGSEGV (measured; docs/reliability.md).  The heavy imports, gmsh and the
    solver's PETSc calls likewise run with the signals blocked (``files.deferred_signals(block=True)``), so the
    threads they start inherit it too.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, _frame):
        os.write(2, f"{PROG}: interrupted by {signal.Signals(signum).name} (during start-up)\n".encode())
        os._exit(EXIT_INTERRUPTED)

    signals = {signal.SIGINT, signal.SIGTERM}
    old = {s: signal.signal(s, stop) for s in signals}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a signal that came meanwhile ends the process here
        for s, h in old.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)


@contextlib.contextmanager
def process_setup(final: bool = False) -> Iterator[None]:
    """SIGTERM raises :class:`Interrupted` and SIGINT ``KeyboardInterrupt`` (restored afterwards, for in-process
    callers), PETSc leaves the signals to Python, warnings go to stderr.

    ``final``: this command is the whole process (the ``rashba-diffusion`` script, ``python -m``): the handlers
    are not restored, so that the signals stay ignored once the command has ended (:func:`run`,
    :func:`terminate`).  Python's shutdown resets every signal it handles to the default action, and libraries
    finalize after it (MPI, PETSc): a signal then would kill the process (status -2 or -15, no line) although
    its work and outputs were complete."""
    opts = os.environ.get("PETSC_OPTIONS", "")
    if PETSC_NO_SIGNAL_HANDLER not in opts.split():
        os.environ["PETSC_OPTIONS"] = f"{opts} {PETSC_NO_SIGNAL_HANDLER}".strip()
    configure_logging()
    old = {}

    def on_sigterm(signum, _frame):
        raise Interrupted("SIGTERM")

    with contextlib.suppress(ValueError):  # not the main thread: leave the handlers alone
        old[signal.SIGTERM] = signal.signal(signal.SIGTERM, on_sigterm)
        old[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if final:
            _ignore_signals()
        else:
            for s, h in old.items():
                signal.signal(s, h if h is not None else signal.SIG_DFL)


def _ignore_signals() -> None:
    """SIGINT and SIGTERM are ignored from now on (main thread only: elsewhere Python cannot set handlers)."""
    if threading.current_thread() is threading.main_thread():
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, signal.SIG_IGN)


# -- the outcome of a command ----------------------------------------------------------------------------
def _one_line(text: str) -> str:
    return "; ".join(part.strip() for part in str(text).splitlines() if part.strip())


def _notes(e: BaseException) -> str:
    notes = [_one_line(n) for n in getattr(e, "__notes__", ())]
    return "".join(f"; {n}" for n in notes if n)


def classify(e: BaseException) -> tuple[int, str]:
    """(exit status, the one stderr line) of an exception that ended a command."""
    if isinstance(e, ParameterError):
        return EXIT_BAD_INPUT, f"{PROG}: error: {_one_line(e)}{_notes(e)}"
    if isinstance(e, SolveError):
        return EXIT_SOLVE_FAILED, f"{PROG}: solve failed: {_one_line(e)}{_notes(e)}"
    if isinstance(e, KeyboardInterrupt):
        name = e.signal_name if isinstance(e, Interrupted) else "SIGINT"
        return EXIT_INTERRUPTED, f"{PROG}: interrupted by {name}{_notes(e)}"
    if isinstance(e, MemoryError):
        return EXIT_FAILED, f"{PROG}: failed: out of memory{_notes(e)} (lower the size: see --max-dofs)"
    if isinstance(e, OSError):
        return EXIT_FAILED, f"{PROG}: failed: {_one_line(e)}{_notes(e)}"
    detail = _one_line(e) or "(no message)"
    return EXIT_FAILED, (f"{PROG}: failed: internal error {type(e).__name__}: {detail}{_notes(e)} "
                         "(a bug: please report it with the output of --debug)")


def _silence_stderr() -> None:
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
        sys.stderr.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)


def terminate(status: int, line: str) -> int:
    """Print ``line`` and return ``status``; in an MPI job of several ranks, end the whole job with it.

    A second SIGINT or SIGTERM is ignored from here on: the process is ending, and its clean-up is done.
    """
    _ignore_signals()
    _, size = job_rank_size()
    if size > 1:
        try:
            from mpi4py import MPI  # initializes MPI when the failure came first (see the module docstring)
        except Exception:  # no usable MPI: fall back to a plain exit
            MPI = None
        if MPI is not None and MPI.COMM_WORLD.size > 1:
            rank = MPI.COMM_WORLD.rank
            if rank != 0:
                with contextlib.suppress(BaseException):  # a second signal must not stop the abort
                    time.sleep(GRACE_S)
                line = line.replace(": ", f": [rank {rank}] ", 1)
            print(line, file=sys.stderr, flush=True)
            _silence_stderr()
            MPI.COMM_WORLD.Abort(status)
    print(line, file=sys.stderr, flush=True)
    return status


def inject_fault(where: str) -> None:
    """The test hook :data:`FAULT_ENV`: fail on one rank only, at ``where``."""
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    rank, _, at = spec.partition(":")
    if at == where and str(job_rank_size()[0]) == rank:
        if where == "start":
            raise ParameterError(f"injected fault on rank {rank} ({FAULT_ENV}={spec})")
        raise OSError(f"injected fault on rank {rank} ({FAULT_ENV}={spec})")


def run(a: argparse.Namespace, final: bool = False) -> int:
    """Run the command of the parsed arguments ``a`` under the contract; the exit status.

    ``final`` (the command is the whole process, :func:`process_setup`): once it has ended, SIGINT and SIGTERM
    are ignored, so that one arriving while the process shuts down cannot turn a finished run into a killed one.
    """
    debug = bool(getattr(a, "debug", False)) or os.environ.get(DEBUG_ENV, "") not in ("", "0")
    try:
        inject_fault("start")
        for check in getattr(a, "_checks", None) or ():  # declared by the parser (cli.common.declare_check)
            check(a)
        status = a.func(a)
        if final:  # the work is done and its outputs are in place: the process only ends from here
            _ignore_signals()
        return EXIT_OK if status is None else int(status)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else EXIT_FAILED
    except BaseException as e:  # the contract: every failure becomes a status and one line
        status, line = classify(e)
        if debug:
            traceback.print_exc()
        return terminate(status, line)
