"""How MPICH's ``mpiexec`` ends a job, measured: the facts the command line's MPI contract is built on.

    .venv/bin/python scripts/mpiexec_exit_behaviour.py [--timeout 15]

Runs small two-rank mpi4py programs under the venv's ``mpiexec`` and prints, per scenario, the exit status of
``mpiexec``, the seconds until it returned (``hang`` when it had not after ``--timeout`` s and was killed) and
the last stderr line.  docs/reliability.md quotes the result; rerun it after changing the MPI library.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rashba_diffusion.launch import mpiexec  # noqa: E402

PROGRAM = textwrap.dedent('''
    import os, signal, sys, time
    mode, code = sys.argv[1], int(sys.argv[2])
    rank = int(os.environ.get("PMI_RANK", "0"))
    if mode == "exit-before-init" and rank == 0:
        sys.exit(code)                      # rank 0 leaves before MPI_Init; rank 1 initializes
    if mode == "handler":
        def stop(signum, frame):
            raise KeyboardInterrupt
        signal.signal(signal.SIGTERM, stop)
    from mpi4py import MPI
    comm = MPI.COMM_WORLD
    if mode == "abort-one":                 # rank 1 aborts, rank 0 waits in a barrier
        if comm.rank == 1:
            comm.Abort(code)
        comm.barrier()
    elif mode == "abort-all":
        comm.Abort(code)
    elif mode == "exit-all":
        sys.exit(code)
    elif mode == "exit-one":                # rank 1 leaves, rank 0 waits in a barrier
        if comm.rank == 1:
            sys.exit(code)
        comm.barrier()
    elif mode == "exit-before-init":
        comm.barrier()
    elif mode in ("sleep", "handler"):      # both ranks wait; the caller sends a signal to mpiexec
        try:
            time.sleep(60)
        except KeyboardInterrupt:
            sys.exit(130)
''')

#: (name, mode, code, signal sent to mpiexec after 3 s or None)
SCENARIOS = [
    ("one rank calls MPI_Abort(2), the other waits in a collective", "abort-one", 2, None),
    ("one rank calls MPI_Abort(130)", "abort-one", 130, None),
    ("every rank calls MPI_Abort(3)", "abort-all", 3, None),
    ("every rank exits with status 2", "exit-all", 2, None),
    ("one rank exits with 2, the other waits in a collective", "exit-one", 2, None),
    ("rank 0 exits with 2 before MPI_Init, rank 1 calls it", "exit-before-init", 2, None),
    ("SIGINT to mpiexec; ranks exit 130 on KeyboardInterrupt", "sleep", 0, signal.SIGINT),
    ("SIGTERM to mpiexec; ranks keep the default action", "sleep", 0, signal.SIGTERM),
    ("SIGTERM to mpiexec; ranks exit 130 from a handler", "handler", 0, signal.SIGTERM),
]


def run(script: Path, mode: str, code: int, sig, timeout: float) -> tuple[str, str, str]:
    cmd = [mpiexec(), "-n", "2", sys.executable, str(script), mode, str(code)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    t0 = time.monotonic()
    if sig is not None:
        time.sleep(3.0)
        t0 = time.monotonic()
        p.send_signal(sig)
    try:
        _, err = p.communicate(timeout=timeout)
        status, seconds = str(p.returncode), f"{time.monotonic() - t0:.1f}"
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        _, err = p.communicate()
        status, seconds = "-", "hang"
    lines = [ln.strip() for ln in err.splitlines() if ln.strip() and not set(ln.strip()) <= {"="}]
    return status, seconds, (lines[-1] if lines else "")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=15.0, help="seconds before a job counts as hung")
    a = ap.parse_args()
    if mpiexec() is None:
        print("no mpiexec", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as d:
        script = Path(d) / "prog.py"
        script.write_text(PROGRAM)
        print("| scenario | mpiexec status | seconds | last stderr line |\n|---|---|---|---|")
        for name, mode, code, sig in SCENARIOS:
            status, seconds, last = run(script, mode, code, sig, a.timeout)
            print(f"| {name} | {status} | {seconds} | {last[:90]} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
