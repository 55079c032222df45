"""Cost of the full Fig. 3 sweep against the cost of one LU factorization on the same mesh.

Usage:  python benchmarks/sweep_fig3.py [--config examples/fig3_torque_vs_alpha.toml] [--reps 15] [--sweeps 3]
                                      [--json out.json]

Measured in one run, on the mesh the sweep itself uses (default cell of the most demanding point):

* ``sweep_seconds``: median over ``--sweeps`` runs of the wall time of :func:`rashba_diffusion.sweep.run_sweep`
  on the config (3 × 40 = 120 points) into a fresh directory, from the validated config to the last
  fsynced CSV row, mesh, model and solver set-up included; ``sweep_seconds_first`` is the first of them
  (it also pays the process's one-time costs); ``sweep_loop_seconds``: the sum of the per-point times
  (``point_seconds``), i.e. without the set-up.
* ``factorization_seconds``: median over ``--reps`` fresh KSPs of ``ksp.setUp()`` (MUMPS LU: symbolic
  analysis + numeric factorization) of the matrix of the sweep's middle point, assembled beforehand;
  ``refactorization_seconds``: median of the numeric factorization alone (same KSP, operator marked
  changed), which is what a sweep point pays.  ``--reps`` of each after every sweep (interleaved, so
  that sweeps and factorizations see the same machine load).
* ``ratio`` = sweep_seconds / (points × factorization_seconds) (the issue's target: ≤ 1.3), and the same
  for the first sweep and for the loop alone.
* ``breakdown_seconds``: mean per-point time of each phase (parameter update, matrix assembly, right-hand
  side, factorization + back-substitutions + neutrality, torque integrals + bulk references, CSV row),
  from a second pass that drives :class:`rashba_diffusion.wire.WireSession` directly.

Writes one JSON object (stdout, or ``--json FILE`` atomically).  Timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from rashba_diffusion import __version__
from rashba_diffusion._compat import DOLFINX_VERSION, MPI, PETSc
from rashba_diffusion.config import load_config
from rashba_diffusion.io import atomic_write_text
from rashba_diffusion.solver import DEFAULT_PETSC_OPTIONS
from rashba_diffusion.sweep import fmt, input_row, output_row, run_sweep
from rashba_diffusion.wire import WireSession, resolve_spec

ROOT = Path(__file__).resolve().parent.parent


def factorization_times(A: PETSc.Mat, reps: int, tag: int = 0) -> tuple[list[float], list[float]]:
    """(fresh setUp times, numeric-only refactorization times) of MUMPS LU on ``A``."""
    fresh, numeric = [], []
    opts = PETSc.Options()
    for r in range(reps):
        prefix = f"bench_lu_{tag}_{r}_"
        for k, v in DEFAULT_PETSC_OPTIONS.items():
            opts[prefix + k] = v
        ksp = PETSc.KSP().create(A.getComm())
        ksp.setOptionsPrefix(prefix)
        ksp.setOperators(A)
        ksp.setFromOptions()
        t0 = time.perf_counter()
        ksp.setUp()
        fresh.append(time.perf_counter() - t0)
        A.assemble()  # bumps the matrix state: the next setUp redoes the numeric factorization only
        ksp.setOperators(A)
        t0 = time.perf_counter()
        ksp.setUp()
        numeric.append(time.perf_counter() - t0)
        ksp.destroy()
    return fresh, numeric


def breakdown(cfg, spec, comm) -> dict[str, float]:
    """Mean per-point seconds of each phase of a sweep point (second pass, no files)."""
    pts = cfg.points
    s = WireSession(pts[0].film, pts[0].drive, pts[0].m, spec, comm)
    phases = {k: 0.0 for k in ("update", "assemble_matrix", "assemble_rhs", "factor_and_solve", "postprocess",
                               "row_format")}
    for p in pts:
        t0 = time.perf_counter()
        s.model.update(film=p.film, drive=p.drive, m=p.m)
        phases["update"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        r = s.solve(profile=False)  # parameters already set
        total = time.perf_counter() - t0
        t = r.timings
        phases["assemble_matrix"] += t["assemble_matrix"]
        phases["assemble_rhs"] += t["assemble_rhs"]
        phases["factor_and_solve"] += t["solve"]
        phases["postprocess"] += total - (t["assemble_matrix"] + t["assemble_rhs"] + t["solve"])
        t0 = time.perf_counter()
        row = {**input_row(cfg, p), **output_row(r.summary, 0.0)}
        [fmt(v) for v in row.values()]
        phases["row_format"] += time.perf_counter() - t0
    return {k: v / len(pts) for k, v in phases.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=str(ROOT / "examples" / "fig3_torque_vs_alpha.toml"))
    ap.add_argument("--reps", type=int, default=15, help="factorizations timed after each sweep (median of all)")
    ap.add_argument("--sweeps", type=int, default=3, help="full sweeps timed (median; the first is also reported)")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    comm = MPI.COMM_WORLD
    cfg = load_config(a.config)
    n = len(cfg)

    spec = resolve_spec([p.film for p in cfg.points], cfg.wire)
    mid = cfg.points[n // 2]
    session = None
    # Each sweep starts from nothing (fresh directory, new mesh, model, solver); the first one in the
    # process also pays the one-time costs (loading the JIT-compiled forms, first use of MUMPS and tqdm).
    # Sweeps and factorizations alternate so that both see the same machine load.
    sweeps, loops, fresh, numeric = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = comm.bcast(tmp, root=0)
        for k in range(a.sweeps):
            t0 = time.perf_counter()
            res = run_sweep(cfg, Path(tmp) / f"sweep{k}", comm=comm)
            sweeps.append(time.perf_counter() - t0)
            loops.append(sum(r["point_seconds"] for r in res.rows))
            if session is None:  # the matrix of the sweep's middle point, on the sweep's mesh
                session = WireSession(mid.film, mid.drive, mid.m, spec, comm)
                session.solver.assemble_matrix()
            f, nf = factorization_times(session.solver.A, a.reps, tag=k)
            fresh += f
            numeric += nf
    sweep_seconds = statistics.median(sweeps)
    loop_seconds = statistics.median(loops)
    fact = statistics.median(fresh)
    refact = statistics.median(numeric)
    out = {
        "config": os.path.relpath(a.config, ROOT),
        "points": n,
        "ranks": comm.size,
        "dofs": res.dofs,
        "cell_nm": res.cell_nm,
        "sweep_seconds": sweep_seconds,
        "sweep_seconds_first": sweeps[0],
        "sweep_seconds_samples": sweeps,
        "sweep_loop_seconds": loop_seconds,
        "per_point_seconds": loop_seconds / n,
        "factorization_seconds": fact,
        "factorization_samples": fresh,
        "refactorization_seconds": refact,
        "refactorization_samples": numeric,
        "ratio": sweep_seconds / (n * fact),
        "ratio_first": sweeps[0] / (n * fact),
        "ratio_loop": loop_seconds / (n * fact),
        "ratio_vs_refactorization": sweep_seconds / (n * refact),
        "breakdown_seconds": breakdown(cfg, spec, comm),
        "machine": {"node": platform.node(), "cpus": os.cpu_count(), "load_avg_1min": os.getloadavg()[0],
                    "python": platform.python_version(), "dolfinx": DOLFINX_VERSION,
                    "rashba_diffusion": __version__},
    }
    if comm.rank == 0:
        text = json.dumps(out, indent=2) + "\n"
        if a.json:
            atomic_write_text(a.json, text)
        print(text, end="")


if __name__ == "__main__":
    main()
