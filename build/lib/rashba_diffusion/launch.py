"""Where to find ``mpiexec`` (pure: used by the benchmark runner and the tests, which must not hold MPI state)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def mpiexec() -> str | None:
    """The mpiexec next to the running Python (the MPICH wheel's), else the one on PATH."""
    cand = Path(sys.executable).parent / "mpiexec"
    return str(cand) if cand.exists() else shutil.which("mpiexec")
