"""Benchmark registry, runner and reports; the ``rashba-diffusion bench`` command.

Each registry entry expands into jobs (a case of :mod:`bench_cases`, its
arguments, a rank count).  Every job runs in a fresh process, through
``mpiexec -n 2`` for two ranks, and hands back one JSON line.  Entries whose
package module is missing (the sweep engine, the 3D bilayer) are reported as
``available: false`` with the reason, and skipped.

This module does not import DOLFINx: the parent process only spawns and
collects, so it never holds MPI state that ``mpiexec`` children could trip on.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io as _io
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: 2D wire sizes (target P2 dofs) of each suite
WIRE_DOFS = {"full": (1e4, 1e5, 1e6), "quick": (1e4, 1e5), "tiny": (2e3,)}
#: 3D film box refinements (cells across its width; h halves each time)
FILM3D_CELLS = {"full": (6, 12, 24), "quick": (), "tiny": ()}
#: α values of the interim sweep loop
SWEEP_POINTS = {"full": 10, "quick": 10, "tiny": 3}
#: the Fig. 3 sweep: 3 exchange splittings × 40 α values (issue 6)
FIG3_POINTS = 3 * 40
RANKS = {"full": (1, 2), "quick": (1,), "tiny": (1,)}
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


@dataclass
class Entry:
    """A benchmark of the registry.

    ``requires`` names a module of this package (e.g. ``"sweep"``); when it is
    missing the entry is reported as not available instead of run.
    ``jobs(suite, ranks, petsc_options)`` returns what to run.
    """

    name: str
    description: str
    jobs: Callable[[str, tuple[int, ...], dict | None], list[Job]]
    requires: str | None = None
    notes: list[str] = field(default_factory=list)

    def available(self) -> tuple[bool, str]:
        if self.requires is None:
            return True, ""
        spec = importlib.util.find_spec(f"rashba_diffusion.{self.requires}")
        # only a module of this very checkout counts (an editable install may resolve another one)
        if spec is None or spec.origin is None or Path(spec.origin).parent != Path(__file__).resolve().parent:
            return False, f"not available: module rashba_diffusion.{self.requires} is missing (not merged yet)"
        return True, ""


def _wire_jobs(suite, ranks, petsc_options):
    return [Job("wire2d", "wire", {"target_dofs": n, "petsc_options": petsc_options, "baseline": r == 1}, r)
            for n in WIRE_DOFS[suite] for r in ranks]


def _film3d_jobs(suite, ranks, petsc_options):
    return [Job("film3d", "film3d", {"cells_across": n, "petsc_options": petsc_options}, r)
            for n in FILM3D_CELLS[suite] for r in ranks]


def _sweep_interim_jobs(suite, ranks, petsc_options):
    kw = {"n_alpha": SWEEP_POINTS[suite]}
    if suite == "tiny":
        kw["cell_nm"] = 1.0  # a coarse mesh: the test checks the plumbing, not the physics
    return [Job("sweep_interim", "sweep_interim", kw, r) for r in ranks]


def _no_adapter(name):
    def jobs(suite, ranks, petsc_options):
        raise NotImplementedError(
            f"module present but no benchmark adapter for {name} yet: add a case to bench_cases.CASES "
            "and return its jobs here"
        )

    return jobs


REGISTRY: dict[str, Entry] = {
    e.name: e
    for e in (
        Entry("wire2d", "(a) one 2D wire solve (P2, MUMPS) at ~1e4/1e5/1e6 dofs, bare factorization, SciPy baseline",
              _wire_jobs),
        Entry("fig3_sweep", f"(b) the Fig. 3 sweep ({FIG3_POINTS} points) with the sweep engine",
              _no_adapter("fig3_sweep"), requires="sweep"),
        Entry("sweep_interim", "interim sweep measure: model.update + solve over α on one default 1D wire mesh",
              _sweep_interim_jobs),
        Entry("bilayer3d", "(c) 3D bilayer stripe at ~1e6 dofs", _no_adapter("bilayer3d"), requires="bilayer"),
        Entry("film3d", "3D Rashba film box (stand-in for the bilayer): GMRES+GAMG iterations over 3 refinements",
              _film3d_jobs),
    )
}  # fmt: skip


def mpiexec() -> str | None:
    """The mpiexec next to the running Python (the MPICH wheel's), else the one on PATH."""
    cand = Path(sys.executable).parent / "mpiexec"
    return str(cand) if cand.exists() else shutil.which("mpiexec")


def _child_env() -> dict[str, str]:
    """This package first on PYTHONPATH; one thread per rank (no BLAS/OpenMP oversubscription)."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def run_job(job: Job) -> dict:
    """Run one job in a fresh process; its JSON result, or ``{"error": ...}``."""
    cmd = [sys.executable, "-m", "rashba_diffusion.bench_cases", job.case, json.dumps(job.kwargs)]
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


def run_suite(suite: str, ranks: tuple[int, ...] | None = None, entries: list[str] | None = None,
              petsc_options: dict | None = None, progress=None) -> dict:
    """Run the registry (or ``entries``) for ``suite`` (``full``, ``quick``, ``tiny``); the whole report."""
    ranks = tuple(ranks or RANKS[suite])
    report = {"suite": suite, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": machine_info(),
              "ranks": list(ranks), "entries": {}, "results": []}
    for name, entry in REGISTRY.items():
        if entries and name not in entries:
            continue
        ok, reason = entry.available()
        info = {"description": entry.description, "available": ok, "reason": reason}
        if ok:
            try:
                jobs = entry.jobs(suite, ranks, petsc_options)
            except NotImplementedError as e:
                info.update(available=False, reason=str(e))
                jobs = []
            for job in jobs:
                if progress:
                    progress(f"{name}: {job.case} {job.kwargs} on {job.ranks} rank(s)")
                res = run_job(job)
                res.update(entry=name, ranks=job.ranks)
                report["results"].append(res)
        report["entries"][name] = info
    report["machine"]["loadavg_1min_end"] = os.getloadavg()[0]
    report["versions"] = next((r["versions"] for r in report["results"] if "versions" in r), {})
    report["summary"] = summarize(report)
    return report


def _ok(results, case, ranks=None):
    return [r for r in results if r.get("case") == case and "error" not in r and (ranks is None or r["ranks"] == ranks)]


def summarize(report: dict) -> dict:
    """The headline numbers (issue 6's quick-look contract and targets)."""
    res = report["results"]
    wires = sorted(_ok(res, "wire", 1), key=lambda r: r["dofs"])
    out: dict = {}
    if wires:
        big = wires[-1]
        out["dofs"] = big["dofs"]
        out["full_over_factorization"] = big["full_over_factorization"]
        out["speedup_vs_scipy"] = big.get("speedup_vs_scipy")
        out["baseline_rel_diff"] = big.get("baseline_rel_diff")
    else:
        out.update(dofs=None, full_over_factorization=None, speedup_vs_scipy=None)
    two = {r["dofs"]: r for r in _ok(res, "wire", 2)}
    if wires and wires[-1]["dofs"] in two:
        out["wire_speedup_2_over_1_ranks"] = wires[-1]["full_solve_s"] / two[wires[-1]["dofs"]]["full_solve_s"]
    sweep = report["entries"].get("fig3_sweep", {})
    interim = _ok(res, "sweep_interim", 1)
    if sweep.get("available") and _ok(res, "fig3_sweep", 1):
        out["sweep_seconds_per_point"] = _ok(res, "fig3_sweep", 1)[0]["seconds_per_point"]
    elif interim:
        out["sweep_seconds_per_point"] = interim[0]["seconds_per_point"]
        out["sweep_seconds_per_point_label"] = interim[0]["label"]
        out["fig3_sweep_seconds_estimate"] = interim[0]["seconds_per_point"] * FIG3_POINTS
    else:
        out["sweep_seconds_per_point"] = None
        out["sweep_seconds_per_point_reason"] = sweep.get("reason") or "sweep not run"
    films = sorted(_ok(res, "film3d", 1), key=lambda r: r["dofs"])
    if films:
        out["film3d_iterations"] = {str(r["cell_nm"]): r["krylov_iterations"] for r in films}
        two3 = {r["dofs"]: r for r in _ok(res, "film3d", 2)}
        if films[-1]["dofs"] in two3:
            out["film3d_speedup_2_over_1_ranks"] = films[-1]["full_solve_s"] / two3[films[-1]["dofs"]]["full_solve_s"]
    out["errors"] = [f"{r.get('entry')} ({r['ranks']} ranks): {r['error'][:300]}" for r in res if "error" in r]
    return out


# -- reports -------------------------------------------------------------------------------------
WIRE_PHASES = ("mesh", "forms", "matrix_create", "assemble_matrix", "assemble_rhs", "setup", "solve", "postprocess")
BASELINE_PHASES = ("mesh", "assemble", "bcs", "factorization", "solve", "postprocess", "total")


def _fmt(x, spec=".3g") -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return format(x, spec) if isinstance(x, int | float) else str(x)


def report_csv(report: dict) -> str:
    """One row per job: case, ranks, dofs, every phase time, ratios, peak RSS (max over ranks)."""
    cols = ["entry", "case", "ranks", "dofs", "cell_nm", "krylov_iterations", *[f"t_{p}_s" for p in WIRE_PHASES],
            "t_neutrality_s", "full_solve_s", "end_to_end_s", "bare_factorization_s", "full_over_factorization",
            *[f"scipy_{p}_s" for p in BASELINE_PHASES], "speedup_vs_scipy", "baseline_rel_diff", "loop_s",
            "seconds_per_point", "peak_rss_mb_max", "error"]
    buf = _io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in report["results"]:
        row = dict(r)
        for p, v in r.get("timings_s", {}).items():
            row[f"t_{p}_s"] = v
        for p, v in r.get("baseline", {}).get("timings_s", {}).items():
            row[f"scipy_{p}_s"] = v
        row["peak_rss_mb_max"] = max(r["peak_rss_mb"]) if r.get("peak_rss_mb") else None
        w.writerow(["" if row.get(c) is None else row.get(c) for c in cols])
    return buf.getvalue()


def report_markdown(report: dict) -> str:
    """The tables of docs/performance.md for this run."""
    m, v, s = report["machine"], report.get("versions", {}), report["summary"]
    lines = [
        f"Run `{report['suite']}` started {report['started']} on {m['nproc']} × {m['cpu']}, {m['ram_gib']} GiB RAM; "
        f"1-min load average {m['loadavg_1min']:.2f} at the start, {m['loadavg_1min_end']:.2f} at the end.",
        f"Versions: dolfinx {v.get('dolfinx', '?')}, PETSc {v.get('petsc', '?')}, Python {v.get('python', '?')}.",
        "",
        "### 2D wire (P2, MUMPS LU), phase wall times in s (max over ranks)",
        "",
        "| dofs | ranks | " + " | ".join(WIRE_PHASES) + " | full solve | bare LU | full/LU | peak RSS/rank (MiB) |",
        "|---" * (len(WIRE_PHASES) + 6) + "|",
    ]
    for r in sorted(_ok(report["results"], "wire"), key=lambda r: (r["dofs"], r["ranks"])):
        t = r["timings_s"]
        lines.append(f"| {r['dofs']} | {r['ranks']} | " + " | ".join(_fmt(t.get(p)) for p in WIRE_PHASES)
                     + f" | {_fmt(r['full_solve_s'])} | {_fmt(r['bare_factorization_s'])} | "
                     f"{_fmt(r['full_over_factorization'])} | {_fmt(max(r['peak_rss_mb']), '.0f')} |")
    base = [r for r in _ok(report["results"], "wire", 1) if "baseline" in r]
    if base:
        lines += ["", "### SciPy baseline (scikit-fem assembly + SuperLU), same mesh and problem, 1 rank, s", "",
                  "| dofs | " + " | ".join(BASELINE_PHASES) + " | ours (after mesh) | speedup vs SciPy | "
                  "torque rel. diff |", "|---" * (len(BASELINE_PHASES) + 4) + "|"]
        for r in sorted(base, key=lambda r: r["dofs"]):
            t = r["baseline"]["timings_s"]
            lines.append(f"| {r['dofs']} | " + " | ".join(_fmt(t.get(p)) for p in BASELINE_PHASES)
                         + f" | {_fmt(r['end_to_end_s'])} | {_fmt(r['speedup_vs_scipy'])} | "
                         f"{_fmt(r['baseline_rel_diff'], '.1e')} |")
    films = _ok(report["results"], "film3d")
    if films:
        lines += ["", "### 3D film box, GMRES + GAMG (preset `iterative`), s", "",
                  "| cell (nm) | dofs | ranks | iterations | assemble A | setup | solve | full solve | "
                  "peak RSS/rank (MiB) |", "|---" * 9 + "|"]
        for r in sorted(films, key=lambda r: (r["dofs"], r["ranks"])):
            t = r["timings_s"]
            lines.append(f"| {_fmt(r['cell_nm'])} | {r['dofs']} | {r['ranks']} | {r['krylov_iterations']} | "
                         f"{_fmt(t['assemble_matrix'])} | {_fmt(t['setup'])} | {_fmt(t['solve'])} | "
                         f"{_fmt(r['full_solve_s'])} | {_fmt(max(r['peak_rss_mb']), '.0f')} |")
    sweeps = _ok(report["results"], "sweep_interim")
    if sweeps:
        lines += ["", "### Sweep (interim: plain update + solve loop, default 1D wire mesh)", "",
                  "| points | dofs | ranks | loop (s) | s/point | Fig. 3 estimate (120 points, s) |", "|---" * 6 + "|"]
        for r in sorted(sweeps, key=lambda r: r["ranks"]):
            lines.append(f"| {r['points']} | {r['dofs']} | {r['ranks']} | {_fmt(r['loop_s'])} | "
                         f"{_fmt(r['seconds_per_point'])} | {_fmt(r['seconds_per_point'] * FIG3_POINTS)} |")
    lines += ["", "### Registry", "", "| entry | available | note |", "|---|---|---|"]
    for name, e in report["entries"].items():
        lines.append(f"| {name} | {'yes' if e['available'] else 'no'} | {e['reason'] or e['description']} |")
    lines += ["", "### Summary", "", "```json", json.dumps(s, indent=1, sort_keys=True), "```", ""]
    return "\n".join(lines)


def write_reports(report: dict, outdir: str | os.PathLike) -> list[Path]:
    """``<outdir>/<timestamp>.{json,csv,md}``, each written atomically."""
    from .io import atomic_write_text

    stamp = time.strftime("%Y%m%d-%H%M%S")
    outdir = Path(outdir)
    paths = [outdir / f"{stamp}.{ext}" for ext in ("json", "csv", "md")]
    atomic_write_text(paths[0], json.dumps(report, indent=1, sort_keys=True) + "\n")
    atomic_write_text(paths[1], report_csv(report))
    atomic_write_text(paths[2], report_markdown(report))
    return paths


# -- command line --------------------------------------------------------------------------------
def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options shared by ``rashba-diffusion bench`` and ``benchmarks/run.py``."""
    p.add_argument("--quick", action="store_true", help="reduced set (< 2 min): wire at 1e4, 1e5 dofs, 1 rank")
    p.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)  # seconds; for the tests
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument("--ranks", default=None, help="comma-separated rank counts (default: 1,2 full; 1 quick)")
    p.add_argument("--only", default=None, help=f"comma-separated registry entries ({', '.join(REGISTRY)})")
    p.add_argument("--out", default=None, help="directory for <timestamp>.json/.csv/.md reports")
    p.add_argument("--petsc-option", action="append", default=[], metavar="KEY=VALUE",
                   help="PETSc option for the wire and 3D solves (repeatable; preset=iterative|direct|asm)")


def cmd_bench(a: argparse.Namespace) -> int:
    """Run a suite, optionally write the reports, print the summary."""
    from .solver_options import parse_petsc_option_args

    suite = "tiny" if a.tiny else "quick" if a.quick else "full"
    ranks = tuple(int(x) for x in a.ranks.split(",")) if a.ranks else None
    opts = parse_petsc_option_args(a.petsc_option) or None
    only = a.only.split(",") if a.only else None

    def progress(msg):
        print(f"[bench] {msg}", file=sys.stderr, flush=True)

    report = run_suite(suite, ranks, only, opts, progress=None if a.json else progress)
    if a.out:
        for p in write_reports(report, a.out):
            print(f"[bench] wrote {p}", file=sys.stderr)
    s = report["summary"]
    if a.json:
        print(json.dumps(s, sort_keys=True))
    else:
        print(report_markdown(report))
    return 1 if s["errors"] else 0


def add_parser(sub) -> None:
    """Register ``rashba-diffusion bench`` on the CLI's subparsers (one call in cli.build_parser)."""
    b = sub.add_parser("bench", help="performance benchmarks (see docs/performance.md)")
    add_arguments(b)
    b.set_defaults(func=cmd_bench)
