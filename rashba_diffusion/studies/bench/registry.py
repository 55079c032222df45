"""Benchmark registry, runner and reports; the ``rashba-diffusion bench`` command.

Each registry entry expands into jobs (a case of :mod:`.cases`, its
arguments, a rank count).  Every job runs in a fresh process, through
``mpiexec -n 2`` for two ranks, and hands back one JSON line.  Entries whose
package module is missing from the checkout are reported as
``available: false`` with the reason, and skipped.  The SciPy baseline of a
wire job is skipped (with the reason in the report) when its time or memory,
extrapolated from the smaller baselines of the same run, exceeds the caps
(:func:`plan_baseline`).

This module does not import DOLFINx: the parent process only spawns and
collects, so it never holds MPI state that ``mpiexec`` children could trip on.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...launch import mpiexec
from .scaling import fit_scaling_model, largest_dofs, prediction_table, summarize_mumps2d, summarize_precond3d

#: the package's directory and the checkout's root (which holds examples/)
PACKAGE_DIR = Path(__file__).resolve().parents[2]
ROOT = PACKAGE_DIR.parent
#: the modules whose cases the jobs run, each in its own process (``python -m``)
CASES_MODULE = "rashba_diffusion.studies.bench.cases"
SCALE_CASES_MODULE = "rashba_diffusion.studies.bench.scale_cases"

#: 2D wire sizes (target P2 dofs) of each suite
WIRE_DOFS = {"full": (1e4, 1e5, 1e6), "quick": (1e4, 1e5), "tiny": (2e3,)}
#: 3D film box refinements (cells across its width; h halves each time)
FILM3D_CELLS = {"full": (6, 12, 24), "quick": (), "tiny": ()}
#: the paper's Fig. 3 sweep (3 exchange splittings × 40 α values), in the repository's examples
FIG3_CONFIG = ROOT / "examples" / "fig3_torque_vs_alpha.toml"
#: the Fig. 3 sweep (examples/fig3_torque_vs_alpha.toml, 3 × 40 points, default wire mesh): timed sweeps and
#: factorizations after each; the tiny suite (tests) shrinks it to 3 × 3 points on a coarse mesh
FIG3_SWEEP = {"full": {"sweeps": 5, "reps": 15}, "quick": {"sweeps": 3, "reps": 5},
              "tiny": {"sweeps": 1, "reps": 2, "points_per_axis": 3, "cell_nm": 1.0}}
#: 3D bilayer stripe: interface cell heights (nm; the whole mesh scales with it) -> ~1e4, 1e5, 4e5, 1e6 dofs
BILAYER3D_CELL_NM = {"full": (1.0, 0.42, 0.25, 0.17), "quick": (1.0, 0.42), "tiny": (1.0,)}
#: the tiny suite's bilayer stripe is smaller (≈ 3e3 dofs); the others use the bench's (cases.BILAYER_LENGTH_NM)
BILAYER3D_TINY_SIZE_NM = 12.0
#: SciPy baseline caps: estimated seconds (default 10 min) and fraction of the available memory
BASELINE_MAX_S = 600.0
BASELINE_MAX_MEMORY_FRACTION = 0.8
#: SuperLU factor storage per nonzero: a float64 value and an int32 row index
FACTOR_BYTES_PER_NNZ = 12
#: peak memory of the baseline over its factor storage: at 1e6 dofs the factors were estimated at 17 GiB
#: and the process was killed at a peak of 23.2 GiB still factorizing (docs/performance.md)
BASELINE_PEAK_OVER_FACTORS = 1.5
#: without two smaller baselines to fit: the growth of sparse LU on 2D meshes with a nested-dissection-like
#: ordering (work ∝ n^1.5, fill ∝ n log n ≈ n^1.1 over one decade)
BASELINE_TIME_EXPONENT = 1.5
BASELINE_FILL_EXPONENT = 1.1
RANKS = {"full": (1, 2), "quick": (1,), "tiny": (1,)}
#: the domain wall with self-consistent spin diffusion: a 1 µm wire for 5 ns (full; target <= 5 min on 2 cores),
#: 0.5 ns (quick), a 200 nm wire for 20 ps (tiny); the spin-solve variants over compare_steps steps each
DOMAIN_WALL = {"full": {"length_nm": 1000.0, "t_end_ns": 5.0, "compare_steps": 200},
               "quick": {"length_nm": 1000.0, "t_end_ns": 0.5, "compare_steps": 100},
               "tiny": {"length_nm": 260.0, "t_end_ns": 0.02, "cell_nm": 2.5, "compare_steps": 8}}
#: the solver of the 3D entries (bilayer3d, film3d): the 3D default preset (fem.solver_options.default_preset
#: picks it from 2e4 dofs on; named here so that the smallest sizes use it too)
DEFAULT_3D_OPTIONS = {"preset": "multigrid"}

#: the 3D preconditioner study (entry ``precond3d``): series (name, problem, degree, bilayer stripe (nm), sizes,
#: refinements per size); sizes are cells across the film box, or the bilayer's interface cell (nm), on the
#: finest mesh.  The P1 series are nested (each mesh the uniform refinement of the first), so that the
#: ``multigrid`` preset has geometric levels; the P2 series are meshed directly (p-multigrid only).
PRECOND3D_SERIES = {
    "full": (
        ("film box P2", "film3d", 2, None, (6, 12, 18, 24), (0, 0, 0, 0)),
        ("film box P1, nested", "film3d", 1, None, (3, 6, 12, 24), (0, 1, 2, 3)),
        ("bilayer stripe 24 nm P2", "bilayer3d", 2, 24.0, (1.0, 0.6, 0.42, 0.33), (0, 0, 0, 0)),
        ("bilayer stripe 8 nm P1, nested", "bilayer3d", 1, 8.0, (1.0, 0.5, 0.25, 0.125), (0, 1, 2, 3)),
    ),
    "quick": (),
    "tiny": (
        ("film box P2", "film3d", 2, None, (4, 6), (0, 0)),
        ("film box P1, nested", "film3d", 1, None, (3, 6), (0, 1)),
    ),
}
#: the presets compared: today's GAMG preset and the new default of 3D
PRECOND3D_PRESETS = ("iterative", "multigrid")
#: sizes (the first ones of each series) whose multigrid run is also solved with MUMPS for the output difference
PRECOND3D_REFERENCE_SIZES = 2

#: the MUMPS study (entry ``mumps2d``): options of each variant (the 2D wire, MUMPS LU) ...
MUMPS2D_VARIANTS: dict[str, dict] = {
    "direct": {"preset": "direct"},  # ICNTL(7) = 7: MUMPS picks the ordering (METIS here)
    "amd": {"preset": "direct", "mat_mumps_icntl_7": 0},
    "amf": {"preset": "direct", "mat_mumps_icntl_7": 2},
    "scotch": {"preset": "direct", "mat_mumps_icntl_7": 3},
    "pord": {"preset": "direct", "mat_mumps_icntl_7": 4},
    "metis": {"preset": "direct", "mat_mumps_icntl_7": 5},
    "qamd": {"preset": "direct", "mat_mumps_icntl_7": 6},
    # BLR alone (no outer iterations): its dropping tolerance shows in the torques
    "blr": {"preset": "direct", "mat_mumps_icntl_35": 2, "mat_mumps_cntl_7": 1e-6, "mat_mumps_icntl_37": 1},
    # single-precision factors in FGMRES, without BLR
    "single": {"preset": "direct_large", "mat_mumps_icntl_35": 0},
    "direct_large": {"preset": "direct_large"},
    "ooc": {"preset": "direct", "mat_mumps_icntl_22": 1},  # out-of-core factors (in MUMPS_OOC_TMPDIR)
}
#: ... and the variants run at each size (target dofs): orderings and compressions at 1e4 and 1e5, the two
#: presets around the 2e5 threshold of the size-dependent default, and at 1e6 (the 4 GiB target)
MUMPS2D_JOBS = {
    "full": ((1e4, ("direct", "amd", "amf", "scotch", "pord", "metis", "qamd", "blr", "single", "direct_large")),
             (1e5, ("direct", "amd", "amf", "scotch", "pord", "metis", "qamd", "blr", "single", "direct_large",
                    "ooc")),
             (2e5, ("direct", "direct_large")), (4e5, ("direct", "direct_large")),
             (1e6, ("direct", "direct_large"))),
    "quick": (),
    "tiny": ((2e3, ("direct", "pord", "blr", "direct_large")),),
}
#: the scaling-model runs (entry ``scaling``): the bench's bilayer stripe with the multigrid preset at these
#: interface cells (nm; ≈ 1.1e4, 4.1e4, 1.2e5, 3.9e5, 1.1e6 dofs) on 1 and 2 ranks (tiny: a 12 nm stripe)
SCALING_CELL_NM = {"full": (1.0, 0.6, 0.42, 0.25, 0.17), "quick": (), "tiny": (1.0, 0.7)}

#: seconds before a job is abandoned
JOB_TIMEOUT_S = 3600
RESULT_TAG = "BENCH_RESULT "


@dataclass
class Job:
    """One process to run: ``case(**kwargs)`` on ``ranks`` MPI ranks."""

    entry: str
    case: str
    kwargs: dict
    ranks: int
    module: str = CASES_MODULE


@dataclass
class Entry:
    """A benchmark of the registry.

    ``requires`` names a module of this package (e.g. ``"studies.sweep.engine"``); when it is
    missing the entry is reported as not available instead of run.
    ``jobs(suite, ranks, petsc_options)`` returns what to run.  A ``study`` entry (the scale studies: long)
    runs only when named (``--only``).
    """

    name: str
    description: str
    jobs: Callable[[str, tuple[int, ...], dict | None], list[Job]]
    requires: str | None = None
    notes: list[str] = field(default_factory=list)
    study: bool = False

    def available(self) -> tuple[bool, str]:
        if self.requires is None:
            return True, ""
        spec = importlib.util.find_spec(f"rashba_diffusion.{self.requires}")
        # only a module of this very checkout counts (an editable install may resolve another one)
        if spec is None or spec.origin is None or not Path(spec.origin).resolve().is_relative_to(PACKAGE_DIR):
            return False, f"not available: module rashba_diffusion.{self.requires} is missing (not merged yet)"
        return True, ""


def _wire_jobs(suite, ranks, petsc_options):
    return [Job("wire2d", "wire", {"target_dofs": n, "petsc_options": petsc_options, "baseline": r == 1}, r)
            for n in WIRE_DOFS[suite] for r in ranks]


def _film3d_jobs(suite, ranks, petsc_options):
    return [Job("film3d", "film3d", {"cells_across": n, "petsc_options": petsc_options or DEFAULT_3D_OPTIONS}, r)
            for n in FILM3D_CELLS[suite] for r in ranks]


def _fig3_jobs(suite, ranks, petsc_options):
    return [Job("fig3_sweep", "fig3_sweep", {"config": str(FIG3_CONFIG), **FIG3_SWEEP[suite]}, r) for r in ranks]


def _bilayer3d_jobs(suite, ranks, petsc_options):
    size = {"length_nm": BILAYER3D_TINY_SIZE_NM, "width_nm": BILAYER3D_TINY_SIZE_NM} if suite == "tiny" else {}
    return [Job("bilayer3d", "bilayer3d", {"cell_nm": h, "petsc_options": petsc_options or DEFAULT_3D_OPTIONS,
                                           **size}, r)
            for h in BILAYER3D_CELL_NM[suite] for r in ranks]


def _domain_wall_jobs(suite, ranks, petsc_options):
    return [Job("domain_wall", "domain_wall", dict(DOMAIN_WALL[suite]), 1)]  # 1D: one rank (docs/performance.md)


#: the pumping cases (:func:`.cases.pumping_case`) of each suite
PUMPING_CASES = {"full": ("helix1d", "uniform2d", "constant2d"), "quick": ("helix1d",),
                 "tiny": ("helix1d", "uniform2d", "constant2d")}


def _pumping_jobs(suite, ranks, petsc_options):
    return [Job("pumping", "pumping", {"case": c, "tiny": suite == "tiny"}, 1) for c in PUMPING_CASES[suite]]


def _precond3d_jobs(suite, ranks, petsc_options):
    """Every series size with both presets on 1 rank (MUMPS differences at the smallest sizes), and the largest
    size of every series on 2 ranks when 2 is among ``ranks``."""
    jobs = []
    for name, problem, degree, stripe, sizes, refinements in PRECOND3D_SERIES[suite]:
        for i, (size, k) in enumerate(zip(sizes, refinements, strict=True)):
            for r in ranks:
                if r > 1 and i < len(sizes) - 1:
                    continue
                for preset in PRECOND3D_PRESETS:
                    kw = {"problem": problem, "size": size, "degree": degree, "refinements": k, "preset": preset,
                          "series": name, "petsc_options": petsc_options,
                          "reference": r == 1 and preset == "multigrid" and i < PRECOND3D_REFERENCE_SIZES}
                    if stripe is not None:
                        kw["stripe_nm"] = stripe
                    jobs.append(Job("precond3d", "solve3d", kw, r, SCALE_CASES_MODULE))
    return jobs


def _mumps2d_jobs(suite, ranks, petsc_options):
    return [Job("mumps2d", "mumps2d", {"target_dofs": n, "variant": v,
                                       "petsc_options": {**MUMPS2D_VARIANTS[v], **(petsc_options or {})}},
                1, SCALE_CASES_MODULE)
            for n, variants in MUMPS2D_JOBS[suite] for v in variants]


def _scaling_jobs(suite, ranks, petsc_options):
    stripe = {"stripe_nm": BILAYER3D_TINY_SIZE_NM} if suite == "tiny" else {}
    return [Job("scaling", "solve3d", {"problem": "bilayer3d", "size": h, "degree": 2, "preset": "multigrid",
                                       "petsc_options": petsc_options, "series": "scaling", **stripe},
                r, SCALE_CASES_MODULE)
            for h in SCALING_CELL_NM[suite] for r in ranks]


REGISTRY: dict[str, Entry] = {
    e.name: e
    for e in (
        Entry("wire2d", "(a) one 2D wire solve (P2, MUMPS) at ~1e4/1e5/1e6 dofs, bare factorization, SciPy baseline",
              _wire_jobs),
        Entry("fig3_sweep", "(b) the Fig. 3 sweep (examples/fig3_torque_vs_alpha.toml, 3 × 40 points, default "
              "wire mesh) with the sweep engine, against one MUMPS factorization on the same mesh", _fig3_jobs,
              requires="studies.sweep.engine"),
        Entry("bilayer3d", "(c) 3D HM/FM bilayer stripe, FGMRES + p-multigrid (the 3D default), ~1e4 to ~1e6 "
              "dofs (iterations over refinements, torque on 1 and 2 ranks)", _bilayer3d_jobs,
              requires="problems.bilayer"),
        Entry("film3d", "3D Rashba film box: FGMRES + p-multigrid iterations over 3 refinements", _film3d_jobs),
        Entry("domain_wall", "(d) a domain wall in a 1 µm wire driven by the film's self-consistent spin "
              "diffusion for 5 ns: steps/s, the spin solve's share, warm start and factorization reuse side by "
              "side", _domain_wall_jobs, requires="problems.domain_wall"),
        Entry("pumping", "spin pumping, time-stepped (BDF2, lagged LU): the 1D helix, the 2D 200 × 200 nm uniform "
              "precession and the same mesh with a constant operator; time per step, factorization share",
              _pumping_jobs, requires="problems.pumping"),
        Entry("precond3d", "3D preconditioner study: iterative (GAMG) against multigrid, P1 (nested meshes) and "
              "P2, film box and bilayer stripe, iterations per refinement, CPU time and memory per dof, MUMPS "
              "differences, 2-rank speed-up at the largest sizes", _precond3d_jobs, study=True),
        Entry("mumps2d", "2D MUMPS study: orderings, block low-rank, single-precision factors (direct_large), "
              "out-of-core; flops, factor entries, memory, CPU times, torques against the plain LU",
              _mumps2d_jobs, study=True),
        Entry("scaling", "scaling model: the 3D bilayer stripe with multigrid, 1e4 to 1e6 dofs, 1 and 2 ranks, "
              "phases, memory parts, PETSc events; the fitted model of time and memory and its prediction for "
              "1e8 dofs (docs/scaling.md)", _scaling_jobs, study=True),
    )
}  # fmt: skip


def _child_env() -> dict[str, str]:
    """This package first on PYTHONPATH; one thread per rank (no BLAS/OpenMP oversubscription)."""
    env = dict(os.environ)
    root = str(ROOT)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def run_job(job: Job) -> dict:
    """Run one job in a fresh process; its JSON result, or ``{"error": ...}``."""
    cmd = [sys.executable, "-m", job.module, job.case, json.dumps(job.kwargs)]
    if job.ranks > 1:
        exe = mpiexec()
        if exe is None:
            return {"error": "no mpiexec found", "ranks": job.ranks}
        cmd = [exe, "-n", str(job.ranks), *cmd]
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, env=_child_env(), capture_output=True, text=True, timeout=JOB_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {JOB_TIMEOUT_S} s", "ranks": job.ranks}
    wall = time.perf_counter() - t0
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith(RESULT_TAG)]
    if p.returncode != 0 or not lines:
        return {"error": f"exit {p.returncode}: {p.stderr.strip()[-2000:]}", "ranks": job.ranks}
    out = json.loads(lines[-1][len(RESULT_TAG):])
    out["process_wall_s"] = wall
    return out


def machine_info() -> dict:
    """CPU, memory and load of this machine (load: 1-minute average at the time of the call)."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        ram = psutil.virtual_memory().total / 2**30
    except ImportError:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(ram, 1), "platform": platform.platform(),
            "loadavg_1min": os.getloadavg()[0]}


def _power_law(points: list[tuple[float, float]], n: float, default_exponent: float) -> tuple[float, float]:
    """Extrapolate ``y(n)`` from ``(n_i, y_i)``: the power law through the two largest, else ``default_exponent``."""
    points = sorted(points)
    (n1, y1) = points[-1]
    p = default_exponent
    if len(points) > 1 and points[-2][0] < n1 and points[-2][1] > 0 and y1 > 0:
        p = max(math.log(y1 / points[-2][1]) / math.log(n1 / points[-2][0]), 1.0)
    return y1 * (n / n1) ** p, p


def available_memory_bytes() -> float:
    """Memory available to new processes (psutil; else /proc/meminfo's MemAvailable)."""
    try:
        import psutil

        return float(psutil.virtual_memory().available)
    except ImportError:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) * 1024.0
    return math.inf


def plan_baseline(target_dofs: float, done: list[dict], max_s: float | None = BASELINE_MAX_S,
                  max_dofs: float | None = None) -> str | None:
    """Why the SciPy baseline at ``target_dofs`` is to be skipped, or ``None`` to run it.

    Its time (``total``) and SuperLU's factor memory (nnz of L + U) are extrapolated from the baselines
    already run (``done``: this run's results) by the power law through the two largest (one: the sparse-LU
    exponents of 2D meshes, :data:`BASELINE_TIME_EXPONENT`, :data:`BASELINE_FILL_EXPONENT`); none run yet:
    no estimate, run it.  ``max_s``/``max_dofs`` ``None``: no such cap.
    """
    if max_dofs is not None and target_dofs > max_dofs:
        return f"skipped: {target_dofs:.3g} dofs > --baseline-max-dofs {max_dofs:.3g}"
    base = [r for r in done if r.get("case") == "wire" and "baseline" in r and "error" not in r]
    if not base:
        return None
    t_est, p_t = _power_law([(r["dofs"], r["baseline"]["timings_s"]["total"]) for r in base], target_dofs,
                            BASELINE_TIME_EXPONENT)
    if max_s is not None and t_est > max_s:
        return (f"skipped: estimated {t_est:.0f} s > --baseline-max-s {max_s:g} (∝ dofs^{p_t:.2f} from the "
                f"smaller baselines of this run)")
    fills = [(r["dofs"], r["baseline"]["factor_nnz"]) for r in base if r["baseline"].get("factor_nnz")]
    if fills:
        nnz, p_m = _power_law(fills, target_dofs, BASELINE_FILL_EXPONENT)
        factors = nnz * FACTOR_BYTES_PER_NNZ
        need = BASELINE_PEAK_OVER_FACTORS * factors
        avail = BASELINE_MAX_MEMORY_FRACTION * available_memory_bytes()
        if need > avail:
            return (f"skipped: SuperLU factors estimated {factors / 2**30:.1f} GiB (nnz ∝ dofs^{p_m:.2f}), peak "
                    f"{BASELINE_PEAK_OVER_FACTORS:g}× that > {BASELINE_MAX_MEMORY_FRACTION:g} × available memory "
                    f"= {avail / 2**30:.1f} GiB")
    return None


def run_suite(suite: str, ranks: tuple[int, ...] | None = None, entries: list[str] | None = None,
              petsc_options: dict | None = None, progress=None, baseline_max_s: float | None = BASELINE_MAX_S,
              baseline_max_dofs: float | None = None) -> dict:
    """Run the registry (or ``entries``) for ``suite`` (``full``, ``quick``, ``tiny``); the whole report.

    Without ``entries`` every entry but the studies (:attr:`Entry.study`) runs.

    ``baseline_max_s``, ``baseline_max_dofs``: caps of the SciPy baseline (:func:`plan_baseline`).
    """
    ranks = tuple(ranks or RANKS[suite])
    report = {"suite": suite, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine_info(),
              "ranks": list(ranks), "entries": {}, "results": []}
    for name, entry in REGISTRY.items():
        if (entries and name not in entries) or (not entries and entry.study):
            continue
        ok, reason = entry.available()
        info = {"description": entry.description, "available": ok, "reason": reason}
        for job in entry.jobs(suite, ranks, petsc_options) if ok else []:
            skipped = None
            if job.kwargs.get("baseline"):
                skipped = plan_baseline(job.kwargs["target_dofs"], report["results"], baseline_max_s,
                                        baseline_max_dofs)
                if skipped:
                    job.kwargs["baseline"] = False
            if progress:
                progress(f"{name}: {job.case} {job.kwargs} on {job.ranks} rank(s)")
            res = run_job(job)
            res.update(entry=name, ranks=job.ranks)
            if skipped:
                res["baseline_skipped"] = skipped
            report["results"].append(res)
        report["entries"][name] = info
    report["machine"]["loadavg_1min_end"] = os.getloadavg()[0]
    report["versions"] = next((r["versions"] for r in report["results"] if "versions" in r), {})
    report["summary"] = summarize(report)
    return report


def ok_results(results, case, ranks=None):
    return [r for r in results if r.get("case") == case and "error" not in r and (ranks is None or r["ranks"] == ranks)]


def speedup_2_over_1(res: list[dict], case: str) -> tuple[dict, dict, dict] | None:
    """(1-rank result, 2-rank result, speedup) at the largest size run on both, or None."""
    two = {r["dofs"]: r for r in ok_results(res, case, 2)}
    one = [r for r in sorted(ok_results(res, case, 1), key=lambda r: r["dofs"]) if r["dofs"] in two]
    if not one:
        return None
    r1, r2 = one[-1], two[one[-1]["dofs"]]
    return r1, r2, r1["full_solve_s"] / r2["full_solve_s"]


def torque_rel_diff(a: list[float], b: list[float]) -> float:
    """|T_a − T_b| / |T_a| of two torque vectors."""
    a, b = [float(x) for x in a], [float(x) for x in b]
    return math.dist(a, b) / math.hypot(*a)


def summarize(report: dict) -> dict:
    """The headline numbers: the quick-look contract of ``bench --json`` and the performance targets."""
    res = report["results"]
    wires = sorted(ok_results(res, "wire", 1), key=lambda r: r["dofs"])
    out: dict = {}
    if wires:
        big = wires[-1]
        out["dofs"] = big["dofs"]
        out["full_over_factorization"] = big["full_over_factorization"]
        based = [r for r in wires if "speedup_vs_scipy" in r]
        out["speedup_vs_scipy"] = based[-1]["speedup_vs_scipy"] if based else None
        out["speedup_vs_scipy_dofs"] = based[-1]["dofs"] if based else None
        out["baseline_rel_diff"] = based[-1]["baseline_rel_diff"] if based else None
        skipped = {r["dofs"]: r["baseline_skipped"] for r in wires if "baseline_skipped" in r}
        if skipped:
            out["baseline_skipped"] = skipped
    else:
        out.update(dofs=None, full_over_factorization=None, speedup_vs_scipy=None)
    sp = speedup_2_over_1(res, "wire")
    if sp:
        out["wire_speedup_2_over_1_ranks"] = sp[2]
    sweep = report["entries"].get("fig3_sweep", {})
    fig3 = ok_results(res, "fig3_sweep", 1)
    if fig3:
        f = fig3[0]
        out["sweep_seconds_per_point"] = f["seconds_per_point"]
        out.update(fig3_sweep_seconds=f["sweep_seconds"], fig3_sweep_points=f["points"],
                   fig3_sweep_dofs=f["dofs"], fig3_sweep_over_factorizations=f["ratio"],
                   fig3_sweep_reduced=f["reduced"])
        two = ok_results(res, "fig3_sweep", 2)
        if two:
            out["fig3_sweep_seconds_2_ranks"] = two[0]["sweep_seconds"]
    else:
        out["sweep_seconds_per_point"] = None
        out["sweep_seconds_per_point_reason"] = sweep.get("reason") or "fig3_sweep not run"
    for case in ("bilayer3d", "film3d"):
        runs = sorted(ok_results(res, case, 1), key=lambda r: r["dofs"])
        if runs:
            out[f"{case}_dofs"] = runs[-1]["dofs"]
            out[f"{case}_full_solve_s"] = runs[-1]["full_solve_s"]
            out[f"{case}_iterations"] = {str(r["dofs"]): r["krylov_iterations"] for r in runs}
        if case == "bilayer3d" and runs:
            # the quick-look of the 3D default preset: Krylov iterations at each size, coarse to fine
            out["iterative_dofs"] = [r["dofs"] for r in runs]
            out["iterative_iterations"] = [r["krylov_iterations"] for r in runs]
            out["iterative_iteration_growth"] = runs[-1]["krylov_iterations"] / max(runs[0]["krylov_iterations"], 1)
            out["iterative_pc_type"] = runs[-1]["petsc_options"].get("pc_type")
        sp = speedup_2_over_1(res, case)
        if sp:
            out[f"{case}_speedup_2_over_1_ranks"] = sp[2]
            out[f"{case}_speedup_dofs"] = sp[0]["dofs"]
            if case == "bilayer3d":
                out["bilayer3d_torque_rel_diff_2_vs_1_ranks"] = torque_rel_diff(sp[0]["T_vector_J_per_m2"],
                                                                                sp[1]["T_vector_J_per_m2"])
    walls = ok_results(res, "domain_wall", 1)
    if walls:
        w = walls[0]
        out.update(domain_wall_run_s=w["run_s"], domain_wall_steps_per_second=w["steps_per_second"],
                   domain_wall_spin_share=w["spin_share_of_step"],
                   domain_wall_spin_time_ratios=w["spin_time_ratio_over_default"])
    for r in ok_results(res, "pumping", 1):
        c = r["pumping_case"]
        out[f"pumping_{c}_seconds"] = r["end_to_end_s"]
        out[f"pumping_{c}_seconds_per_step"] = r["time_per_step_s"]
        out[f"pumping_{c}_factorization_share"] = r["factorization_share"]
        out[f"pumping_{c}_factorizations"] = r["factorizations"]
    if ok_results(res, "solve3d") or ok_results(res, "mumps2d"):
        studies(res, out)
    out["errors"] = [f"{r.get('entry')} ({r['ranks']} ranks): {r['error'][:300]}" for r in res if "error" in r]
    return out


#: the 2-rank memory budget of the "largest 3D bilayer on this machine" prediction (bytes)
LARGEST_BUDGET_B = 20 * 2**30


def studies(res: list[dict], out: dict) -> None:
    """The scale studies' summaries into ``out`` (keys ``precond3d``, ``mumps2d``, ``scaling_model``)."""
    if any(r.get("entry") == "precond3d" for r in res):
        out["precond3d"] = summarize_precond3d(res)
    if any(r.get("entry") == "mumps2d" for r in res):
        out["mumps2d"] = summarize_mumps2d(res)
    model = fit_scaling_model(res) if any(r.get("entry") == "scaling" for r in res) else None
    if model is not None:
        model["prediction_1e8"] = prediction_table(model)
        model["largest_dofs_20_gib_2_ranks"] = largest_dofs(model, 2, LARGEST_BUDGET_B)
        out["scaling_model"] = model
