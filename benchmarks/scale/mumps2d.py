"""MUMPS tuning study for the 2D wire (issue 15, item 2): ordering, block low-rank, memory, SciPy ratio.

Every (size, variant) runs the benchmark's wire solve (``bench_cases``: the paper's 200 × 50 nm wire, P2,
uniform gmsh mesh sized for a target dof count; ``wire.WireSession``) in a fresh process
(``mpiexec -n RANKS`` for ``--ranks 2``) with the variant's MUMPS options, and records

* the phases of the full solve (as ``bench_cases.run_wire``; ``setup`` = MUMPS analysis + factorization),
  a second, numeric-only factorization of the same matrix (``refactor_s``: what a sweep point pays),
  ``end_to_end_s`` = forms + full solve (the scope of the SciPy comparison);
* MUMPS's own statistics: INFOG(7) ordering used, INFOG(9)/(29) entries in the factors (full / effective
  with BLR), INFOG(16)/(17) estimated and INFOG(18)/(19), (21)/(22) actual memory in MB (max / sum over
  ranks), INFOG(32) analysis type, RINFOG(1)/(3)/(14) flops (estimated / elimination / BLR effective);
* CPU times (``solve_cpu_s``: the session's solve, i.e. the full solve without the forms, and
  ``refactor_cpu_s``; for the baseline everything after the mesh): less sensitive than wall times to other
  jobs on the machine;
* RSS after the mesh, after the session (forms, matrix, KSP) and the peak (MiB per rank);
* the torques T_perp, T_par and their relative difference to the first variant of the same size
  (``torque_rel_diff``; the first variant should be ``default``, the full-rank factorization).

``--baseline`` adds the SciPy/SuperLU baseline (``baseline.solve_wire_baseline``, 1 rank) on the same
mesh in its own process; with ``--reps N`` the baseline and the variants are interleaved N times and
``speedup_vs_scipy`` (baseline total / our end-to-end, as ``bench_cases.run_wire``) is given per rep and as
the ratio of medians, for wall times and (keys ``...:cpu``) for CPU times (ours without the cached forms).

A variant is ``+``-joined parts: a name from ``VARIANTS`` or ``icntl_N=V`` / ``cntl_N=V`` (MUMPS controls).

Usage (from the repository root)::

    .venv/bin/python benchmarks/scale/mumps2d.py --sizes 1e4,1e5 \\
        --variants default,amd,metis,scotch,pord,qamd,metis+blr --out benchmarks/scale/data/mumps2d.json
    .venv/bin/python benchmarks/scale/mumps2d.py --sizes 1e5 --baseline --reps 3 --variants default,metis+blr

Output: one JSON line per run, a Markdown table, and ``--out`` (JSON with the command and every row).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: named option sets (PETSc's MUMPS options without the KSP prefix)
VARIANTS: dict[str, dict[str, object]] = {
    "default": {},  # ICNTL(7) = 7: MUMPS picks the ordering
    "amd": {"mat_mumps_icntl_7": 0},
    "amf": {"mat_mumps_icntl_7": 2},
    "scotch": {"mat_mumps_icntl_7": 3},
    "pord": {"mat_mumps_icntl_7": 4},
    "metis": {"mat_mumps_icntl_7": 5},
    "qamd": {"mat_mumps_icntl_7": 6},
    # parallel analysis (ICNTL(28) = 2) with PT-Scotch (ICNTL(29) = 1); ParMETIS is not in the wheel
    "ptscotch": {"mat_mumps_icntl_28": 2, "mat_mumps_icntl_29": 1},
    # block low-rank factorization, dropping tolerance CNTL(7) (relative, of the BLR blocks)
    "blr": {"mat_mumps_icntl_35": 1, "mat_mumps_cntl_7": 1e-10},
    "noscale": {"mat_mumps_icntl_8": 0},
    "ooc": {"mat_mumps_icntl_22": 1},  # out-of-core factors (MUMPS_OOC_TMPDIR)
    # the (BLR) factorization as the preconditioner of GMRES: round-off accuracy from an approximate factor
    "gmres": {"ksp_type": "gmres", "ksp_rtol": 1e-12},
    # the same with right preconditioning (the true residual is what converges): needed with single precision,
    # where left-preconditioned GMRES stops at a true residual ~1e-6 ||b|| (measured at 1e5 dofs)
    "fgmres": {"ksp_type": "fgmres", "ksp_rtol": 1e-12},
    # single-precision MUMPS factors of the double matrix (PETSc >= 3.25: -pc_precision); with ``gmres`` the
    # outer iterations in double precision restore the accuracy (``fgmres``)
    "single": {"pc_precision": "single"},
}

INFOG = (7, 9, 16, 17, 18, 19, 21, 22, 29, 32)
RINFOG = (1, 3, 14)


def variant_options(variant: str) -> dict[str, str]:
    """The PETSc options (MUMPS LU) of a ``+``-joined variant."""
    opts: dict[str, str] = {"ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": "mumps"}
    for part in variant.split("+"):
        if part in VARIANTS:
            opts.update({k: str(v) for k, v in VARIANTS[part].items()})
        elif "=" in part:
            k, v = part.split("=", 1)
            if k.startswith("blr"):  # blr=TOL shorthand
                opts.update(mat_mumps_icntl_35="1", mat_mumps_cntl_7=v)
            else:
                opts[f"mat_mumps_{k}"] = v
        else:
            raise SystemExit(f"unknown variant part {part!r}; valid: {sorted(VARIANTS)}, icntl_N=V, cntl_N=V")
    return opts


def _entries(v: int) -> float:
    """MUMPS reports large counts as −(count / 1e6)."""
    return float(-v * 1e6 if v < 0 else v)


def run_one(spec: dict) -> dict:
    """One wire solve with a variant's options, or the SciPy baseline, in this process."""
    sys.path.insert(0, str(HERE.parents[1]))
    import resource

    from rashba_diffusion.fem._compat import MPI
    from rashba_diffusion.meshing.gmsh_build import wire as wire_mesh
    from rashba_diffusion.physics.rashba import Drive, RashbaPoint, paper_film
    from rashba_diffusion.problems.specs import WireSpec
    from rashba_diffusion.problems.wire import WireSession
    from rashba_diffusion.studies.bench import cases as bench_cases

    def rss() -> float:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize() / 2**20

    comm = MPI.COMM_WORLD
    film, drive = paper_film(bench_cases.WIRE_ALPHA_EV_NM), Drive(bench_cases.EFIELD_V_PER_M)
    L, W = bench_cases.WIRE_LENGTH_NM, bench_cases.WIRE_WIDTH_NM
    h = bench_cases.wire_cell_nm(spec["target_dofs"])
    rss0 = rss()
    t0 = time.perf_counter()
    g = wire_mesh(L, W, h, cell_bulk_nm=h, comm=comm)
    t_mesh = time.perf_counter() - t0
    rss_mesh = rss()
    out = {"target_dofs": spec["target_dofs"], "variant": spec["variant"], "ranks": comm.size, "cell_nm": h,
           "mesh_s": t_mesh}
    if spec["variant"] == "scipy":
        from rashba_diffusion.verification.scipy_baseline import solve_wire_baseline

        gx = g.msh.geometry
        c0 = time.process_time()
        b = solve_wire_baseline(gx.x, gx.dofmaps(0) if callable(gx.dofmaps) else gx.dofmaps[0], L, W,
                                film.coefficients(), drive, bench_cases.WIRE_M)
        out.update(dofs=b.dofs, timings_s=b.timings, end_to_end_s=b.timings["total"], factor_nnz=b.factor_nnz,
                   solve_cpu_s=time.process_time() - c0,
                   T_perp_J_per_m2=b.T_perp_J_per_m2, T_par_J_per_m2=b.T_par_J_per_m2)
    else:
        opts = variant_options(spec["variant"])
        spec_w = WireSpec(width_nm=W, geometry="2d", length_nm=L, cell_nm=h)
        session = WireSession(RashbaPoint(film, drive, bench_cases.WIRE_M), spec_w, comm, petsc_options=opts,
                              geometry=g)
        rss_session = rss()
        c0 = time.process_time()
        res = session.solve(profile=False)
        cpu_solve = time.process_time() - c0
        tm = {k: comm.allreduce(float(v), op=MPI.MAX) for k, v in res.timings.items()}
        ksp, A = session.solver.ksp, session.solver.A
        F = ksp.getPC().getFactorMatrix()
        infog = {i: int(F.getMumpsInfog(i)) for i in INFOG}
        rinfog = {i: float(F.getMumpsRinfog(i)) for i in RINFOG}
        # the numeric factorization alone (a sweep point): bump the matrix state, set up again
        A.assemble()
        ksp.setOperators(A)
        comm.barrier()
        t0, c0 = time.perf_counter(), time.process_time()
        ksp.setUp()
        refactor = comm.allreduce(time.perf_counter() - t0, op=MPI.MAX)
        refactor_cpu = comm.allreduce(time.process_time() - c0, op=MPI.MAX)
        full = sum(tm[k] for k in bench_cases.FULL_SOLVE_PHASES if k in tm)
        out.update(
            dofs=res.summary["dofs"], petsc_options=opts, timings_s=tm, full_solve_s=full,
            end_to_end_s=full + tm["forms"], refactor_s=refactor, refactor_cpu_s=refactor_cpu,
            solve_cpu_s=comm.allreduce(cpu_solve, op=MPI.MAX),
            T_perp_J_per_m2=res.summary["T_perp_J_per_m2"], T_par_J_per_m2=res.summary["T_par_J_per_m2"],
            krylov_iterations=res.summary["krylov_iterations"], infog=infog, rinfog=rinfog,
            factor_entries=_entries(infog[9]),
            factor_entries_effective=_entries(infog[29]),
            rss_mesh_mb=comm.allgather(rss_mesh - rss0), rss_session_mb=comm.allgather(rss_session - rss_mesh),
        )  # fmt: skip
    out["peak_rss_mb"] = comm.allgather(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def _json_default(obj):
    """numpy scalars -> Python numbers."""
    if hasattr(obj, "item"):
        return obj.item()
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def spawn(spec: dict, ranks: int, timeout: float) -> dict:
    py = sys.executable
    cmd = [py, str(Path(__file__).resolve()), "--one", json.dumps(spec)]
    if ranks > 1:
        cmd = [str(Path(py).parent / "mpiexec"), "-n", str(ranks), *cmd]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MUMPS_OOC_TMPDIR": os.environ.get("MUMPS_OOC_TMPDIR", "/tmp")}
    try:
        p = subprocess.run(["nice", "-n", "10", *cmd], capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {**spec, "ranks": ranks, "error": f"timeout after {timeout:g} s"}
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    return {**spec, "ranks": ranks, "error": (p.stderr or p.stdout)[-800:]}


def table(rows: list[dict]) -> str:
    head = ("| dofs | ranks | variant | ordering (INFOG 7) | analysis+factorization (s) | refactor (s) | solve (s) | "
            "end-to-end (s) | factor entries (eff.) | MUMPS mem max/sum (MB, INFOG 21/22) | peak RSS/rank (MiB) | "
            "torque rel. diff |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r.get('target_dofs')} | {r.get('ranks')} | {r['variant']} | failed: "
                         f"{r['error'][-80:]!r} |" + " |" * 9)
            continue
        if r["variant"] == "scipy":
            lines.append(f"| {r['dofs']} | 1 | SciPy/SuperLU | COLAMD | {r['timings_s']['factorization']:.3g} | | "
                         f"{r['timings_s']['solve']:.3g} | {r['end_to_end_s']:.3g} | {r['factor_nnz']:.3g} | | "
                         f"{max(r['peak_rss_mb']):.0f} | {r.get('torque_rel_diff', float('nan')):.1e} |")
            continue
        t, ig = r["timings_s"], r["infog"]
        entries = f"{r['factor_entries']:.3g} ({r['factor_entries_effective']:.3g})"
        lines.append(
            f"| {r['dofs']} | {r['ranks']} | {r['variant']} | {ig['7']} | {t['setup']:.3g} | {r['refactor_s']:.3g} | "
            f"{t['solve']:.3g} | {r['end_to_end_s']:.3g} | {entries} | {ig['21']}/{ig['22']} | "
            f"{max(r['peak_rss_mb']):.0f} | {r.get('torque_rel_diff', 0.0):.1e} |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--one", help=argparse.SUPPRESS)
    p.add_argument("--sizes", default="1e4,1e5", help="target dof counts")
    p.add_argument("--variants", default="default,amd,metis,scotch,pord,qamd")
    p.add_argument("--ranks", default="1")
    p.add_argument("--baseline", action="store_true", help="add the SciPy baseline (1 rank) per size")
    p.add_argument("--reps", type=int, default=1, help="interleave baseline and variants this many times")
    p.add_argument("--timeout", type=float, default=1200.0)
    p.add_argument("--out")
    a = p.parse_args()
    if a.one:
        out = run_one(json.loads(a.one))
        from rashba_diffusion.fem._compat import MPI

        if MPI.COMM_WORLD.rank == 0:
            print("RESULT " + json.dumps(out, default=_json_default), flush=True)
        return
    rows: list[dict] = []
    summary: dict = {}
    for size in (float(s) for s in a.sizes.split(",")):
        per_rep: dict[str, list[float]] = {}
        for rep in range(a.reps):
            ref = None
            jobs = ([("scipy", 1)] if a.baseline else []) + [
                (v, int(n)) for n in a.ranks.split(",") for v in a.variants.split(",")]
            for variant, ranks in jobs:
                row = spawn({"target_dofs": size, "variant": variant}, ranks, a.timeout)
                row["rep"] = rep
                if "error" not in row:
                    if ref is None and variant != "scipy":
                        ref = row
                    if ref is not None and row is not ref:
                        row["torque_rel_diff"] = max(abs(row["T_perp_J_per_m2"] / ref["T_perp_J_per_m2"] - 1),
                                                     abs(row["T_par_J_per_m2"] / ref["T_par_J_per_m2"] - 1))
                    per_rep.setdefault(f"{variant}@{ranks}", []).append(row["end_to_end_s"])
                    per_rep.setdefault(f"{variant}@{ranks}:cpu", []).append(row["solve_cpu_s"])
                print(json.dumps(row), flush=True)
                rows.append(row)
        if a.baseline and per_rep.get("scipy@1"):
            summary[str(size)] = {}
            for k, v in per_rep.items():
                if k.startswith("scipy@1"):
                    continue
                base = per_rep["scipy@1:cpu" if k.endswith(":cpu") else "scipy@1"]
                summary[str(size)][k] = {
                    "seconds": v, "speedup_vs_scipy_per_rep": [b / x for b, x in zip(base, v, strict=False)],
                    "speedup_vs_scipy_of_medians": statistics.median(base) / statistics.median(v)}
    md = table(rows)
    print(md)
    if summary:
        print(json.dumps(summary, indent=1))
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(json.dumps({"command": " ".join(sys.argv), "date": time.strftime("%Y-%m-%d %H:%M:%S"),
                                           "loadavg_end": os.getloadavg(), "rows": rows, "speedup": summary,
                                           "table": md}, indent=1))


if __name__ == "__main__":
    main()
