"""Run many command lines as real processes with one Python start-up: a fork server (tests only).

``python tests/cli/cli_server.py < cases.json > results.json``.  The server imports the command line once
(light: no DOLFINx, no MPI); each case is a child process forked from it, with its own working directory,
environment, stdout and stderr files and exit status, which calls ``rashba_diffusion.cli.main(argv)`` as the
``rashba-diffusion`` script does.  A case that imports DOLFINx does so in its child (nothing heavy is loaded
before the fork).  The children run one at a time.

A case: ``{"argv": [...], "cwd": DIR, "env": {...}, "timeout": s}``; a result: ``{"status": int | None,
"stdout": str, "stderr": str, "timed_out": bool, "dolfinx": bool}`` (``dolfinx``: the case imported DOLFINx;
the marker line the child adds to its stderr for it is removed).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import time

# BLAS threads and fork do not mix: one thread before anything imports numpy
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

from rashba_diffusion.cli import main  # noqa: E402

#: what a child adds to its stderr when the case imported DOLFINx (removed from the result)
MARKER = "\n[cli_server: dolfinx was imported]\n"


def run_case(case: dict, scratch: str) -> dict:
    out_path, err_path = os.path.join(scratch, "out"), os.path.join(scratch, "err")
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: a fresh command-line process from here on
        status = 1
        try:
            os.setsid()  # its own process group: a timeout kills it and whatever it started
            os.chdir(case["cwd"])
            os.environ.update(case.get("env", {}))
            for fd, path in ((1, out_path), (2, err_path)):
                f = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(f, fd)
                os.close(f)
            sys.argv = ["rashba-diffusion", *case["argv"]]
            status = main(case["argv"])
            sys.stdout.flush()
            sys.stderr.flush()
            if "dolfinx" in sys.modules:  # tell the parent the case loaded DOLFINx (last on its stderr)
                os.write(2, MARKER.encode())
        except SystemExit as e:
            status = e.code if isinstance(e.code, int) else 1
        except BaseException:  # the contract says this cannot happen: make it visible
            import traceback

            traceback.print_exc()
            status = 99
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(status)
    deadline = time.monotonic() + case.get("timeout", 120)
    timed_out = False
    while True:
        done, wstatus = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            timed_out = True
            os.killpg(pid, signal.SIGKILL)
            _, wstatus = os.waitpid(pid, 0)
            break
        time.sleep(0.005)
    status = os.waitstatus_to_exitcode(wstatus)
    with open(out_path, errors="replace") as f:
        stdout = f.read()
    with open(err_path, errors="replace") as f:
        stderr = f.read()
    heavy = stderr.endswith(MARKER)
    stderr = stderr.removesuffix(MARKER)
    return {"status": None if timed_out else status, "stdout": stdout, "stderr": stderr, "timed_out": timed_out,
            "dolfinx": heavy}


def serve() -> None:
    cases = json.load(sys.stdin)
    with tempfile.TemporaryDirectory() as scratch:
        results = [run_case(c, scratch) for c in cases]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    serve()
