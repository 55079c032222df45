"""Run the command line or a function on N MPI ranks and record, on every rank, what it computed and how the
meshes were split; the checks every MPI test makes of those records.

A test calls :func:`run_ranks`, which starts ``mpiexec -n N python -m tests.mpi_ranks OUTDIR KIND ...``; each rank
writes ``OUTDIR/rank<r>.json`` with

* ``meshes``: every mesh a function space was built on (cells owned by this rank, cells in all, its
  communicator's size), recorded by wrapping ``dolfinx.fem.functionspace``;
* ``results``: the summary of every :class:`rashba_diffusion.problems.base.Result` built on this rank (one per
  solve: a sweep records every point);
* ``rc`` and ``stdout`` (KIND ``cli``: ``rashba-diffusion ARGS`` in this process), or ``value`` (KIND ``call``:
  ``MODULE:FUNCTION`` called with JSON keyword arguments, its JSON-able return value).

Then :func:`assert_distributed` checks that the work was really split (on each rank 0 < owned cells < all cells,
the owned cells add up to all cells, and the communicator spans every rank: a rank solving the whole problem
alone fails) and :func:`assert_ranks_agree` that every rank holds the same results (not only rank 0, which alone
prints).  Only this worker imports DOLFINx; the test process stays free of MPI state.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from rashba_diffusion.launch import mpiexec

ROOT = Path(__file__).resolve().parent.parent
#: keys that measure the run (wall times, the parallel layout) rather than the result: excluded by name
MEASURED_KEYS = frozenset({"solve_seconds", "total_seconds", "point_seconds", "ranks"})
#: the ranks of one run must agree to round-off: they hold the same allreduced values (measured: identical)
RANKS_AGREE_REL = 1e-13
#: 2 ranks against 1: MUMPS factors another partition's matrix and sums in another order (measured ≤ 6e-15 over
#: every MPI test's summaries and sweep rows; 1e-12 leaves room for other orderings and platforms)
SERIAL_REL = 1e-12

_MESHES: dict[int, dict] = {}


def record_mesh(msh) -> None:
    """Record how ``msh`` is split (for functions that build meshes without a function space)."""
    tdim = msh.topology.dim
    imap = msh.topology.index_map(tdim)
    _MESHES.setdefault(id(msh), {"tdim": tdim, "cells_local": int(imap.size_local),
                                 "cells_global": int(imap.size_global), "comm_size": int(msh.comm.size)})


def require_mpiexec() -> str:
    """The mpiexec of the venv (or PATH); a missing one fails the test with what to do (never a silent skip)."""
    exe = mpiexec()
    if exe is None:
        pytest.fail("mpiexec not found next to the Python or on PATH: the MPI tests need it. The DOLFINx wheel "
                    "installs one into the venv (bash scripts/bootstrap.sh); with conda-forge, install mpich.",
                    pytrace=False)
    return exe


def run_ranks(ranks: int, kind: str, args: list[str], env: dict, tmp_path: Path, timeout: float = 600,
              cwd: Path | None = None) -> list[dict]:
    """Run the worker on ``ranks`` processes (1: no mpiexec) and return every rank's record, rank 0 first."""
    out = tmp_path / f"ranks{ranks}-{uuid.uuid4().hex[:8]}"
    out.mkdir()
    cmd = [sys.executable, "-m", "tests.mpi_ranks", str(out), kind, *args]
    if ranks > 1:
        cmd = [require_mpiexec(), "-n", str(ranks), *cmd]
    env = dict(env)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    assert p.returncode == 0, p.stdout + p.stderr
    records = [json.loads((out / f"rank{r}.json").read_text()) for r in range(ranks)]
    assert [r["rank"] for r in records] == list(range(ranks)) and {r["size"] for r in records} == {ranks}
    return records


def assert_distributed(records: list[dict]) -> None:
    """Every mesh was split over all ranks: each rank owns some cells and not all, and they add up."""
    n = len(records)
    assert n > 1
    counts = [len(r["meshes"]) for r in records]
    assert counts[0] > 0 and len(set(counts)) == 1, f"meshes recorded per rank: {counts}"
    for i in range(counts[0]):
        per_rank = [r["meshes"][i] for r in records]
        total = per_rank[0]["cells_global"]
        for rank, m in enumerate(per_rank):
            assert m["comm_size"] == n, f"mesh {i} lives on a communicator of {m['comm_size']} rank(s), not {n}"
            assert m["cells_global"] == total
            assert 0 < m["cells_local"] < total, f"rank {rank} owns {m['cells_local']} of {total} cells of mesh {i}"
        assert sum(m["cells_local"] for m in per_rank) == total


def _assert_same(a, b, rel: float, where: str) -> None:
    if isinstance(b, dict):
        assert isinstance(a, dict) and sorted(set(a) - MEASURED_KEYS) == sorted(set(b) - MEASURED_KEYS), where
        for k in b:
            if k not in MEASURED_KEYS:
                _assert_same(a[k], b[k], rel, f"{where}.{k}")
    elif isinstance(b, list):
        assert isinstance(a, list) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_same(x, y, rel, f"{where}[{i}]")
    elif isinstance(b, float) and not isinstance(b, bool):
        if math.isnan(b):
            assert isinstance(a, float) and math.isnan(a), f"{where}: {a!r} != nan"
        else:
            assert a == pytest.approx(b, rel=rel, abs=0.0), f"{where}: {a!r} != {b!r}"
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def assert_ranks_agree(records: list[dict], rel: float = RANKS_AGREE_REL) -> None:
    """Every rank computed the same results (and value) as rank 0, wall times excepted."""
    base = records[0]
    assert base["results"] or "value" in base, "nothing recorded"
    for r in records[1:]:
        _assert_same(r["results"], base["results"], rel, f"rank {r['rank']} results")
        if "value" in base:
            _assert_same(r["value"], base["value"], rel, f"rank {r['rank']} value")


def assert_same_results(parallel: list[dict], serial: list[dict], rel: float) -> None:
    """Rank 0 of a parallel run against the serial run: the same results (and printed JSON) to ``rel``."""
    _assert_same(parallel[0]["results"], serial[0]["results"], rel, "results")
    if "value" in serial[0]:
        _assert_same(parallel[0]["value"], serial[0]["value"], rel, "value")
    if serial[0].get("stdout", "").startswith("{"):
        _assert_same(json.loads(parallel[0]["stdout"]), json.loads(serial[0]["stdout"]), rel, "stdout")


def check_parallel(parallel: list[dict], serial: list[dict], rel: float) -> None:
    """What every 2-rank test asserts: the mesh was split, all ranks agree, and they agree with one rank."""
    assert_distributed(parallel)
    assert_ranks_agree(parallel)
    assert_same_results(parallel, serial, rel)


def _jsonable(v):
    if hasattr(v, "tolist"):
        return v.tolist()
    if isinstance(v, Path):
        return str(v)
    raise TypeError(f"not JSON-able: {type(v).__name__}")


def main(argv: list[str]) -> int:
    out, kind, rest = Path(argv[0]), argv[1], argv[2:]
    # run as ``python -m tests.mpi_ranks``, this module is ``__main__``: a function under test that imports
    # ``tests.mpi_ranks`` (record_mesh) must find this one, not a second copy with its own records
    sys.modules.setdefault("tests.mpi_ranks", sys.modules[__name__])
    from rashba_diffusion.fem._compat import MPI, fem
    from rashba_diffusion.problems import base

    comm = MPI.COMM_WORLD
    results: list[dict] = []
    functionspace = fem.functionspace

    def recording_functionspace(msh, *a, **k):
        record_mesh(msh)
        return functionspace(msh, *a, **k)

    result_init = base.Result.__init__

    def recording_init(self, *a, **k):
        result_init(self, *a, **k)
        results.append(self.summary)  # a reference: keys added after construction are seen

    fem.functionspace = recording_functionspace
    base.Result.__init__ = recording_init
    record: dict = {}
    if kind == "cli":
        from rashba_diffusion import cli

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            try:
                rc = cli.main(rest)
            except SystemExit as e:  # argparse
                rc = e.code
        record.update(rc=rc, stdout=buf.getvalue())
    elif kind == "call":
        import importlib

        module, func = rest[0].split(":")
        record["value"] = getattr(importlib.import_module(module), func)(**json.loads(rest[1]))
    else:
        raise SystemExit(f"unknown kind {kind!r}")
    record.update(rank=comm.rank, size=comm.size, meshes=list(_MESHES.values()), results=results)
    (out / f"rank{comm.rank}.json").write_text(json.dumps(record, default=_jsonable))
    return int(record.get("rc") or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
