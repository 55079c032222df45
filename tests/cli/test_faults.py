"""Fault tests of the command line: concurrent sweeps, interrupts (SIGINT, SIGTERM) of a sweep and of
``wire --out``, a stale lock, a full disk.  Each runs the real ``rashba-diffusion`` in a subprocess.

What they show (docs/reliability.md, "Fault tests"):

* a second sweep into a busy folder exits 2 naming the first, which finishes with every row once;
* a sweep killed with SIGKILL leaves its lock behind; the next run takes it over and resumes;
* SIGINT or SIGTERM during a sweep: exit 130, one line saying how many rows are kept, no lock, no temporary
  file; the same command resumes to the rows of an uninterrupted run;
* SIGINT or SIGTERM during ``wire --out DIR``: exit 130 (or 0 if the run had finished), and DIR holds the old
  complete set of files or the new one, never a mix, and no temporary file; a re-run writes the new set;
* a full disk (a small tmpfs; root only): exit 1, one line, the old outputs intact, nothing left behind, on
  one rank and on two.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import mpiexec

SCRIPT = str(Path(sys.executable).parent / "rashba-diffusion")
TMP_PREFIX = ".rashba-tmp-"
#: a sweep of ten seconds or more (long enough for the second sweeps of test_two_sweeps_into_one_folder to find it
#: running): 40 points of a fine 1D wire
SLOW_SWEEP = """
[geometry]
width_nm = 10
[mesh]
cell_nm = 0.0005
[sweep.axes]
alpha_ev_nm = {start = 0.01, stop = 0.05, num = 40}
"""
#: outputs that measure the run, not the result
TIMING = {"solve_seconds", "point_seconds", "ranks"}
OLD = ["wire", "--width-nm", "12", "--alpha-ev-nm", "0.03"]
NEW = ["wire", "--width-nm", "20", "--geometry", "2d", "--length-nm", "60", "--cell-nm", "0.4"]


def start(argv: list[str], cwd: Path, env: dict, ranks: int = 1) -> subprocess.Popen:
    cmd = [SCRIPT, *argv] if ranks == 1 else [mpiexec(), "-n", str(ranks), SCRIPT, *argv]
    return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def finish(p: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        pytest.fail("hung")
    return p.returncode, out, err


def run(argv: list[str], cwd: Path, env: dict, ranks: int = 1) -> tuple[int, str, str]:
    return finish(start(argv, cwd, env, ranks))


def wait_for(cond, timeout: float = 120.0) -> None:
    t_end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > t_end:
            pytest.fail("the condition never came true")
        time.sleep(0.05)


#: bit of SIGTERM in /proc/PID/status's SigCgt mask (signal n is bit n - 1)
SIGTERM_CAUGHT = 1 << (signal.SIGTERM - 1)


def wait_started(p: subprocess.Popen, timeout: float = 120.0) -> None:
    """Wait until ``p`` (the ``rashba-diffusion`` script) catches SIGTERM: Python catches only SIGINT by itself, so
    this is the moment the command line's start-up guard (cli.contract.startup_guard) is in place, whatever the
    machine's load made Python's own start-up take.  Returns early if ``p`` ended."""
    status = Path(f"/proc/{p.pid}/status")

    def caught() -> bool:
        if p.poll() is not None:
            return True
        try:
            line = next(ln for ln in status.read_text().splitlines() if ln.startswith("SigCgt:"))
        except (OSError, StopIteration):
            return p.poll() is not None
        return bool(int(line.split()[1], 16) & SIGTERM_CAUGHT)

    wait_for(caught, timeout)


def data_rows(path: Path) -> int:
    return max(0, len(path.read_text().splitlines()) - 1) if path.exists() else 0


def rows(path: Path) -> list[dict]:
    with path.open() as f:
        return [{k: v for k, v in r.items() if k not in TIMING} for r in csv.DictReader(f)]


def our_lines(err: str) -> list[str]:
    return [ln for ln in err.splitlines() if ln.startswith("rashba-diffusion: ")
            and not ln.startswith("rashba-diffusion: warning:")]


def temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.startswith(TMP_PREFIX)] if folder.exists() else []


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The slow sweep, uninterrupted."""
    d = tmp_path_factory.mktemp("reference")
    (d / "s.toml").write_text(SLOW_SWEEP)
    env = {**os.environ}
    status, _, err = run(["sweep", "s.toml", "--out", "ref", "--quiet"], d, env)
    assert status == 0, err
    return rows(d / "ref" / "sweep.csv")


def test_two_sweeps_into_one_folder(tmp_path, cli_env, reference):
    (tmp_path / "s.toml").write_text(SLOW_SWEEP)
    (tmp_path / "other.toml").write_text(SLOW_SWEEP.replace("num = 40", "num = 3"))
    first = start(["sweep", "s.toml", "--out", "o", "--quiet"], tmp_path, cli_env)
    wait_for(lambda: data_rows(tmp_path / "o" / "sweep.csv") >= 1)
    for config in ("s.toml", "other.toml"):  # the same config would duplicate rows, another would mix them
        status, out, err = run(["sweep", config, "--out", "o", "--quiet"], tmp_path, cli_env)
        assert status == 2 and out == "", err
        [line] = our_lines(err)
        assert line.startswith("rashba-diffusion: error: output folder 'o' is in use by pid ")
        assert f"pid {first.pid} " in line and "sweep s.toml" in line, line
    status, _, err = finish(first)
    assert status == 0, err
    assert rows(tmp_path / "o" / "sweep.csv") == reference  # every row once, none of the refused runs
    assert not (tmp_path / "o" / ".rashba.lock").exists()


def test_a_stale_lock_is_taken_over(tmp_path, cli_env, reference):
    """SIGKILL (no clean-up at all) leaves the lock file; the kernel has dropped the lock itself."""
    (tmp_path / "s.toml").write_text(SLOW_SWEEP)
    status, _, _ = run(["sweep", "s.toml", "--out", "o", "--quiet"], tmp_path,
                       {**cli_env, "RASHBA_SWEEP_ABORT_AFTER": "3"})
    assert status == -signal.SIGKILL
    lock = json.loads((tmp_path / "o" / ".rashba.lock").read_text())
    status, out, err = run(["sweep", "s.toml", "--out", "o"], tmp_path, cli_env)  # not -q: the warning is asked
    assert status == 0, err
    assert f"took over the lock of a sweep that no longer runs (pid {lock['pid']}" in err
    assert "solved 37, skipped 3" in out
    assert rows(tmp_path / "o" / "sweep.csv") == reference


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_sweep_resumes(sig, tmp_path, cli_env, reference):
    (tmp_path / "s.toml").write_text(SLOW_SWEEP)
    p = start(["sweep", "s.toml", "--out", "o", "--quiet"], tmp_path, cli_env)
    wait_for(lambda: data_rows(tmp_path / "o" / "sweep.csv") >= 2)
    p.send_signal(sig)
    status, out, err = finish(p)
    assert status == 130 and "Traceback" not in err, err
    [line] = our_lines(err)
    kept = data_rows(tmp_path / "o" / "sweep.csv")
    assert line == (f"rashba-diffusion: interrupted by {sig.name}; o/sweep.csv keeps the {kept} finished row(s); "
                    "the same command resumes the sweep")
    assert not (tmp_path / "o" / ".rashba.lock").exists() and temporaries(tmp_path) == []
    status, out, err = run(["sweep", "s.toml", "--out", "o", "--quiet"], tmp_path, cli_env)
    assert status == 0, err
    assert f"solved {40 - kept}, skipped {kept}" in out
    assert rows(tmp_path / "o" / "sweep.csv") == reference


def output_set(folder: Path) -> tuple[set[str], dict | None]:
    names = {p.name for p in folder.iterdir()} if folder.exists() else set()
    summary = json.loads((folder / "summary.json").read_text()) if (folder / "summary.json").exists() else None
    return names, summary


#: what summary.json's provenance records of the run, not of the result
RUN_PROVENANCE = ("command", "created_utc")


def comparable(summary: dict) -> dict:
    """The summary without what measures or names the run (wall times, the command line and its time)."""
    out = {k: v for k, v in summary.items() if k not in ("solve_seconds", "total_seconds")}
    if isinstance(out.get("provenance"), dict):
        out["provenance"] = {k: v for k, v in out["provenance"].items() if k not in RUN_PROVENANCE}
    return out


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_wire_out_leaves_the_old_or_the_new_set(sig, tmp_path, cli_env):
    """Interrupts at delays that cover the imports, the mesh, the solve and the writing of the outputs.

    The delays count from the moment the command line's start-up guard is in place (:func:`wait_started`), not
    from the process's start: a signal in Python's own start-up, before any of the package runs, is Python's
    (docs/reliability.md), and how long that start-up takes depends on the machine's load."""
    status, _, err = run([*OLD, "--out", "d"], tmp_path, cli_env)
    assert status == 0, err
    old = output_set(tmp_path / "d")
    status, _, err = run([*NEW, "--out", "new"], tmp_path, cli_env)
    assert status == 0, err
    new_names, new_summary = output_set(tmp_path / "new")
    seen = set()
    for delay in (0.0, 1.0, 2.0, 3.0, 4.5, 6.0, 7.5, 9.0):  # after Python's own start-up (docs/reliability.md)
        p = start([*NEW, "--out", "d"], tmp_path, cli_env)
        wait_started(p)
        time.sleep(delay)
        p.send_signal(sig)
        status, _, err = finish(p)
        assert status in (0, 130) and "Traceback" not in err, err
        if status == 130:
            [line] = our_lines(err)
            assert line in (f"rashba-diffusion: interrupted by {sig.name}",
                            f"rashba-diffusion: interrupted by {sig.name} (during start-up)"), line
        names, summary = output_set(tmp_path / "d")
        assert temporaries(tmp_path) == []
        if summary["width_nm"] == 12.0:
            assert (names, summary) == old
            seen.add("old")
        else:
            assert names == new_names and comparable(summary) == comparable(new_summary)
            seen.add("new")
        if status == 0:
            break
    status, _, err = run([*NEW, "--out", "d"], tmp_path, cli_env)  # and a run to the end replaces the set
    assert status == 0, err
    names, summary = output_set(tmp_path / "d")
    assert names == new_names and comparable(summary) == comparable(new_summary)
    assert "old" in seen


#: runs a mesh and a small sweep in one process, then prints, per thread, whether SIGINT and SIGTERM are blocked
THREAD_PROBE = """
import json, os, sys
from rashba_diffusion.cli import main
assert main(["mesh", "wire", "--length-nm", "20", "--width-nm", "5", "--cell-nm", "1", "-o", "m.msh"]) == 0
assert main(["sweep", "s.toml", "--out", "o", "--quiet"]) == 0
threads = {}
for tid in os.listdir("/proc/self/task"):
    with open(f"/proc/self/task/{tid}/status") as f:
        blocked = int(next(ln for ln in f if ln.startswith("SigBlk:")).split()[1], 16)
    threads[tid] = [bool(blocked & (1 << (s - 1))) for s in (2, 15)]  # SIGINT, SIGTERM
print(json.dumps({"main": str(os.getpid()), "threads": threads}))
"""


def test_only_the_main_thread_takes_sigint_and_sigterm(tmp_path, cli_env):
    """The threads that OpenBLAS, gmsh, DOLFINx and the sweep start block SIGINT and SIGTERM, so that the kernel
    delivers them to the main thread (measured: SIGTERM delivered to another thread while METIS ordered a matrix
    ran METIS's own handler there: SIGSEGV).  On the code before this guard the OpenBLAS and gmsh threads took
    them."""
    (tmp_path / "s.toml").write_text("[geometry]\nwidth_nm = 10\n[sweep.axes]\nalpha_ev_nm = [0.01, 0.02]\n")
    p = subprocess.run([sys.executable, "-c", THREAD_PROBE], cwd=tmp_path, capture_output=True, text=True,
                       env={**cli_env, "OPENBLAS_NUM_THREADS": "2"}, timeout=600)
    assert p.returncode == 0, p.stderr
    probe = json.loads(p.stdout.splitlines()[-1])
    main = probe["threads"].pop(probe["main"])
    assert main == [False, False]
    assert len(probe["threads"]) >= 2, probe  # OpenBLAS's and gmsh's at least
    assert all(blocked == [True, True] for blocked in probe["threads"].values()), probe


def test_a_signal_during_start_up_waits_for_the_imports_then_ends_the_process(cli_env, tmp_path):
    script = ("import os, signal\n"
              "from rashba_diffusion.cli import contract\n"
              "with contract.startup_guard():\n"
              "    os.kill(os.getpid(), signal.SIGTERM)\n"
              "    print('the imports went on', flush=True)\n"
              "print('not reached', flush=True)\n")
    p = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, env=cli_env,
                       timeout=120)
    assert (p.returncode, p.stdout) == (130, "the imports went on\n"), p.stderr
    assert p.stderr == "rashba-diffusion: interrupted by SIGTERM (during start-up)\n"


@pytest.fixture
def full_disk(tmp_path):
    """A 128 kB tmpfs (root only): room for the bilayer's outputs (about 50 kB), not for a wire's beside them (about
    170 kB: fields.vtu, profile.csv, the PNGs)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(mnt)], capture_output=True,
                       text=True)
    if p.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {p.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", str(mnt)], check=True)


@pytest.mark.parametrize("ranks", [1, pytest.param(2, marks=[pytest.mark.mpi, pytest.mark.skipif(
    mpiexec() is None, reason="no mpiexec")])], ids=["1-rank", "2-ranks"])
def test_full_disk(ranks, full_disk, tmp_path, cli_env):
    status, _, err = run(["bilayer", "--out", str(full_disk / "res")], tmp_path, cli_env)  # a small old set
    assert status == 0, err
    old = output_set(full_disk / "res")
    status, out, err = run(["wire", "--out", str(full_disk / "res")], tmp_path, cli_env, ranks)
    assert status == 1 and out == "" and "Traceback" not in err, err
    [line] = our_lines(err)
    assert line.startswith("rashba-diffusion: failed: [Errno 28] No space left on device"), line
    assert f"writing the outputs into '{full_disk / 'res'}' failed; it is as it was before this run" in line
    assert output_set(full_disk / "res") == old and temporaries(full_disk) == []
    assert {p.name for p in full_disk.iterdir()} == {"res"}


def test_full_disk_mesh(full_disk, tmp_path, cli_env):
    status, out, err = run(["mesh", "wire", "--length-nm", "200", "--width-nm", "100", "--cell-nm", "0.5", "-o",
                            str(full_disk / "m.msh"), "--xdmf"], tmp_path, cli_env)
    assert status == 1 and out == "" and "Traceback" not in err, err
    [line] = our_lines(err)
    assert "No space left on device" in line, line
    assert list(full_disk.iterdir()) == []
