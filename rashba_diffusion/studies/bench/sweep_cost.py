"""Cost of a parameter sweep against one LU factorization on the same mesh (the Fig. 3 benchmark).

Used by ``benchmarks/sweep_fig3.py`` (standalone, JSON) and by the ``fig3_sweep`` entry of the
benchmark registry (:mod:`.registry`, :mod:`.cases`).  Measured in one process, on the mesh the
sweep itself uses (the default cell of the most demanding point, ``WireSweepConfig.resolved_spec``):

* ``sweep_seconds``: median over ``sweeps`` runs of the wall time of ``run_sweep`` on the
  config into a fresh directory, from the validated config to the last fsynced CSV row, mesh, model and
  solver set-up included; ``sweep_seconds_first`` is the first of them (it also pays the process's
  one-time costs: loading the JIT-compiled forms, first use of MUMPS); ``sweep_loop_seconds``: the sum
  of the per-point times (``point_seconds``), i.e. without the set-up.
* ``factorization_seconds``: median over ``reps`` fresh KSPs of ``ksp.setUp()`` (MUMPS LU: symbolic
  analysis + numeric factorization) of the matrix of the sweep's middle point, assembled beforehand;
  ``refactorization_seconds``: median of the numeric factorization alone (same KSP, operator marked
  changed), which is what a sweep point pays.  ``reps`` of each after every sweep (interleaved, so that
  sweeps and factorizations see the same machine load).
* ``ratio`` = sweep_seconds / (points × factorization_seconds), and the same for the first sweep
  (``ratio_first``), the loop alone (``ratio_loop``) and against the numeric refactorization.
* ``breakdown_seconds``: mean per-point time of each phase (parameter update, matrix assembly,
  right-hand side, factorization + back-substitutions + neutrality, torque integrals + bulk references,
  CSV row formatting), from one more pass that drives a ``WireSession`` directly.

Every time is the maximum over the MPI ranks (all ranks take part in every solve).
"""

from __future__ import annotations

import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

from ...fem._compat import MPI, PETSc
from ...fem.solver_options import DIRECT_PETSC_OPTIONS
from ...problems.wire import WireSession
from ..sweep.config import Axis
from ..sweep.engine import fmt, input_row, run_sweep
from ..sweep.registry import PROBLEMS
from ..sweep.wire import WireSweepConfig


def _max(comm: MPI.Comm, t: float) -> float:
    return comm.allreduce(float(t), op=MPI.MAX)


def factorization_times(A: PETSc.Mat, reps: int, tag: str = "", numeric: bool = True) -> tuple[list[float],
                                                                                                 list[float]]:
    """Wall times (max over ranks) of MUMPS LU on the assembled matrix ``A``.

    Returns ``(fresh, refactor)``: ``fresh[i]`` is ``KSPSetUp`` of a new KSP (symbolic analysis + numeric
    factorization); with ``numeric``, ``refactor[i]`` is the numeric factorization alone (the same KSP after
    the matrix state was bumped), else ``refactor`` is empty.  Collective on ``A``'s communicator.
    """
    comm = A.getComm().tompi4py()
    fresh, refactor = [], []
    opts = PETSc.Options()
    for r in range(reps):
        prefix = f"bench_lu_{tag}_{r}_"
        for k, v in DIRECT_PETSC_OPTIONS.items():
            opts[prefix + k] = v
        ksp = PETSc.KSP().create(A.getComm())
        ksp.setOptionsPrefix(prefix)
        ksp.setOperators(A)
        ksp.setFromOptions()
        comm.barrier()
        t0 = time.perf_counter()
        ksp.setUp()
        fresh.append(_max(comm, time.perf_counter() - t0))
        if numeric:
            A.assemble()  # bumps the matrix state: the next setUp redoes the numeric factorization only
            ksp.setOperators(A)
            comm.barrier()
            t0 = time.perf_counter()
            ksp.setUp()
            refactor.append(_max(comm, time.perf_counter() - t0))
        ksp.destroy()
        for k in DIRECT_PETSC_OPTIONS:
            del opts[prefix + k]
    return fresh, refactor


def breakdown(cfg: WireSweepConfig, spec, comm: MPI.Comm) -> dict[str, float]:
    """Mean per-point seconds of each phase of a sweep point (one pass over ``cfg``, no files)."""
    pts = cfg.points
    kind = PROBLEMS[cfg.problem]
    s = WireSession(pts[0].params, spec, comm)
    phases = dict.fromkeys(("update", "assemble_matrix", "assemble_rhs", "factor_and_solve", "postprocess",
                            "row_format"), 0.0)
    for p in pts:
        t0 = time.perf_counter()
        s.model.update(film=p.params.film, drive=p.params.drive, m=p.params.m)
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
        row = {**input_row(kind, cfg, p), **kind.output_row(r.summary), "point_seconds": 0.0}
        [fmt(v) for v in row.values()]
        phases["row_format"] += time.perf_counter() - t0
    s.close()
    return {k: _max(comm, v / len(pts)) for k, v in phases.items()}


def reduce_config(cfg: WireSweepConfig, points_per_axis: int | None = None,
                  cell_nm: float | None = None) -> WireSweepConfig:
    """A smaller sweep for quick checks: the first ``points_per_axis`` values of every axis, and/or another cell."""
    axes = cfg.axes
    if points_per_axis is not None:
        axes = tuple(Axis(a.name, a.values[:points_per_axis]) for a in cfg.axes)
    wire = cfg.wire if cell_nm is None else dataclasses.replace(cfg.wire, cell_nm=cell_nm)
    return dataclasses.replace(cfg, axes=axes, wire=wire)


def measure_sweep(cfg: WireSweepConfig, sweeps: int = 3, reps: int = 15, comm: MPI.Comm | None = None,
                  with_breakdown: bool = True) -> dict:
    """Time ``sweeps`` runs of the sweep engine on ``cfg`` against ``reps`` factorizations after each one.

    See the module docstring for the keys.  Collective: call it on every rank of ``comm``.
    """
    comm = MPI.COMM_WORLD if comm is None else comm
    n = len(cfg)
    spec = cfg.resolved_spec()
    mid = cfg.points[n // 2]
    session = None
    # Each sweep starts from nothing (fresh directory, new mesh, model, solver); sweeps and factorizations
    # alternate so that both see the same machine load.
    times, loops, fresh, refactor = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = comm.bcast(tmp, root=0)
        for k in range(sweeps):
            comm.barrier()
            t0 = time.perf_counter()
            res = run_sweep(cfg, Path(tmp) / f"sweep{k}", comm=comm)
            times.append(_max(comm, time.perf_counter() - t0))
            loops.append(_max(comm, sum(r["point_seconds"] for r in res.rows)))
            if session is None:  # the matrix of the sweep's middle point, on the sweep's mesh
                session = WireSession(mid.params, spec, comm)
                session.solver.assemble_matrix()
            f, nf = factorization_times(session.solver.A, reps, tag=str(k))
            fresh += f
            refactor += nf
    session.close()
    sweep_s = statistics.median(times)
    loop_s = statistics.median(loops)
    fact = statistics.median(fresh)
    refact = statistics.median(refactor)
    out = {
        "points": n, "ranks": comm.size, "dofs": res.dofs, "cell_nm": res.cell_nm, "geometry": spec.geometry,
        "sweep_seconds": sweep_s, "sweep_seconds_first": times[0], "sweep_seconds_samples": times,
        "sweep_loop_seconds": loop_s, "seconds_per_point": sweep_s / n, "loop_seconds_per_point": loop_s / n,
        "factorization_seconds": fact, "factorization_samples": fresh,
        "refactorization_seconds": refact, "refactorization_samples": refactor,
        "ratio": sweep_s / (n * fact), "ratio_first": times[0] / (n * fact), "ratio_loop": loop_s / (n * fact),
        "ratio_vs_refactorization": sweep_s / (n * refact),
    }  # fmt: skip
    if with_breakdown:
        out["breakdown_seconds"] = breakdown(cfg, spec, comm)
    return out
