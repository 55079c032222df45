"""How the package was launched: where to find ``mpiexec``, and the record of a run that output files carry
(pure: used by the benchmark runner and the tests, which must not hold MPI state)."""

from __future__ import annotations

import datetime
import platform
import shlex
import shutil
import sys
from pathlib import Path

from . import __version__

#: the command-line program
PROG = "rashba-diffusion"


def mpiexec() -> str | None:
    """The mpiexec next to the running Python (the MPICH wheel's), else the one on PATH."""
    cand = Path(sys.executable).parent / "mpiexec"
    return str(cand) if cand.exists() else shutil.which("mpiexec")


def utc_now() -> str:
    """The current time in UTC, ISO 8601 to the second (``2026-12-01T09:30:00Z``)."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def command_line(argv: list[str] | None = None) -> str:
    """A shell-quoted command: ``rashba-diffusion ARGV`` when ``argv`` (the command line's arguments) is given,
    else the running process's own ``sys.argv`` (a script or a notebook kernel: ``python ...``)."""
    if argv is not None:
        return shlex.join([PROG, *argv])
    return shlex.join([Path(sys.executable).name, *sys.argv])


def run_record(command: str | None = None) -> dict:
    """What every output records about the run that wrote it: package and version, the command, the time (UTC),
    Python and the platform.  ``command`` (:func:`command_line`) defaults to this process's ``sys.argv``."""
    return {
        "package": "rashba_diffusion",
        "version": __version__,
        "command": command if command is not None else command_line(),
        "created_utc": utc_now(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
