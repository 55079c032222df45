"""Reports of a benchmark run: one CSV row per job, the Markdown tables of docs/performance.md, and the files
(pure: no DOLFINx, no MPI)."""

from __future__ import annotations

import csv
import io
import math
import os
import time
from pathlib import Path

from ...files import atomic_write_text, strict_json
from .registry import ok_results, torque_rel_diff

WIRE_PHASES = ("mesh", "forms", "matrix_create", "assemble_matrix", "assemble_rhs", "setup", "solve", "postprocess")
BASELINE_PHASES = ("mesh", "assemble", "bcs", "factorization", "solve", "postprocess", "total")


def _fmt(x, spec=".3g") -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return format(x, spec) if isinstance(x, int | float) else str(x)


def report_csv(report: dict) -> str:
    """One row per job: case, ranks, dofs, every phase time, ratios, peak RSS (max over ranks)."""
    cols = ["entry", "case", "ranks", "dofs", "cell_nm", "krylov_iterations", *[f"t_{p}_s" for p in WIRE_PHASES],
            "t_neutrality_s", "t_charge_current_s", "full_solve_s", "end_to_end_s", "bare_factorization_s",
            "full_over_factorization", *[f"scipy_{p}_s" for p in BASELINE_PHASES], "scipy_factor_nnz",
            "speedup_vs_scipy", "baseline_rel_diff", "baseline_skipped", "points", "sweep_seconds",
            "seconds_per_point", "factorization_seconds", "refactorization_seconds", "ratio", "xi_DL", "xi_FL",
            "closed_form_1d_rel_diff", "peak_rss_mb_max", "error"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in report["results"]:
        row = dict(r)
        for p, v in r.get("timings_s", {}).items():
            row[f"t_{p}_s"] = v
        for p, v in r.get("baseline", {}).get("timings_s", {}).items():
            row[f"scipy_{p}_s"] = v
        row["scipy_factor_nnz"] = r.get("baseline", {}).get("factor_nnz")
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
    for r in sorted(ok_results(report["results"], "wire"), key=lambda r: (r["dofs"], r["ranks"])):
        t = r["timings_s"]
        lines.append(f"| {r['dofs']} | {r['ranks']} | " + " | ".join(_fmt(t.get(p)) for p in WIRE_PHASES)
                     + f" | {_fmt(r['full_solve_s'])} | {_fmt(r['bare_factorization_s'])} | "
                     f"{_fmt(r['full_over_factorization'])} | {_fmt(max(r['peak_rss_mb']), '.0f')} |")
    base = [r for r in ok_results(report["results"], "wire", 1) if "baseline" in r or "baseline_skipped" in r]
    if base:
        lines += ["", "### SciPy baseline (scikit-fem assembly + SuperLU), same mesh and problem, 1 rank, s", "",
                  "| dofs | " + " | ".join(BASELINE_PHASES) + " | ours (after mesh) | speedup vs SciPy | "
                  "torque rel. diff |", "|---" * (len(BASELINE_PHASES) + 4) + "|"]
        for r in sorted(base, key=lambda r: r["dofs"]):
            if "baseline" not in r:
                lines.append(f"| {r['dofs']} | {r['baseline_skipped']} |" + " |" * (len(BASELINE_PHASES) + 2))
                continue
            t = r["baseline"]["timings_s"]
            lines.append(f"| {r['dofs']} | " + " | ".join(_fmt(t.get(p)) for p in BASELINE_PHASES)
                         + f" | {_fmt(r['end_to_end_s'])} | {_fmt(r['speedup_vs_scipy'])} | "
                         f"{_fmt(r['baseline_rel_diff'], '.1e')} |")
    films = ok_results(report["results"], "film3d")
    if films:
        lines += ["", "### 3D film box, GMRES + GAMG (preset `iterative`), s", "",
                  "| cell (nm) | dofs | ranks | iterations | assemble A | setup | solve | full solve | "
                  "peak RSS/rank (MiB) |", "|---" * 9 + "|"]
        for r in sorted(films, key=lambda r: (r["dofs"], r["ranks"])):
            t = r["timings_s"]
            lines.append(f"| {_fmt(r['cell_nm'])} | {r['dofs']} | {r['ranks']} | {r['krylov_iterations']} | "
                         f"{_fmt(t['assemble_matrix'])} | {_fmt(t['setup'])} | {_fmt(t['solve'])} | "
                         f"{_fmt(r['full_solve_s'])} | {_fmt(max(r['peak_rss_mb']), '.0f')} |")
    lines += (_bilayer_markdown(report["results"]) + _fig3_markdown(report["results"])
              + _domain_wall_markdown(report["results"]) + _pumping_markdown(report["results"])
              + _targets_markdown(s))
    lines += ["", "### Registry", "", "| entry | available | note |", "|---|---|---|"]
    for name, e in report["entries"].items():
        lines.append(f"| {name} | {'yes' if e['available'] else 'no'} | {e['reason'] or e['description']} |")
    lines += ["", "### Summary", "", "```json", strict_json(s, indent=1, null_non_finite=True), "```", ""]
    return "\n".join(lines)


def _bilayer_markdown(results: list[dict]) -> list[str]:
    runs = sorted(ok_results(results, "bilayer3d"), key=lambda r: (r["dofs"], r["ranks"]))
    if not runs:
        return []
    one = {r["dofs"]: r for r in runs if r["ranks"] == 1}
    phases = ("mesh", "charge_current", "forms", "assemble_matrix", "setup", "solve", "postprocess")
    lines = ["", "### 3D bilayer stripe (P2, FGMRES + GAMG, preset `iterative`), phase wall times in s (max over "
             "ranks)", "", "| cell (nm) | dofs | ranks | iterations | " + " | ".join(phases) + " | full solve | "
             "2 ranks / 1 rank speedup | torque rel. diff to 1 rank | ξ rel. diff to 1D closed form | "
             "peak RSS/rank (MiB) |", "|---" * (len(phases) + 10) + "|"]
    for r in runs:
        t, r1 = r["timings_s"], one.get(r["dofs"])
        two = r["ranks"] > 1 and r1 is not None
        speed = _fmt(r1["full_solve_s"] / r["full_solve_s"], ".2f") if two else "–"
        diff = _fmt(torque_rel_diff(r1["T_vector_J_per_m2"], r["T_vector_J_per_m2"]), ".1e") if two else "–"
        lines.append(f"| {_fmt(r['cell_nm'])} | {r['dofs']} | {r['ranks']} | {r['krylov_iterations']} | "
                     + " | ".join(_fmt(t.get(p)) for p in phases) + f" | {_fmt(r['full_solve_s'])} | {speed} | "
                     f"{diff} | {_fmt(r['closed_form_1d_rel_diff'], '.1e')} | {_fmt(max(r['peak_rss_mb']), '.0f')} |")
    return lines


def _fig3_markdown(results: list[dict]) -> list[str]:
    runs = sorted(ok_results(results, "fig3_sweep"), key=lambda r: r["ranks"])
    if not runs:
        return []
    lines = ["", "### Fig. 3 sweep (sweep engine, examples/fig3_torque_vs_alpha.toml) against one MUMPS "
             "factorization on its mesh", "",
             "| points | dofs | ranks | sweep (s, median) | first sweep (s) | s/point | factorization (ms) | "
             "refactorization (ms) | sweep / (points × factorization) | loop / (points × factorization) |",
             "|---" * 10 + "|"]
    for r in runs:
        name = f"{r['points']}{' (reduced)' if r['reduced'] else ''}"
        lines.append(f"| {name} | {r['dofs']} | {r['ranks']} | {_fmt(r['sweep_seconds'])} | "
                     f"{_fmt(r['sweep_seconds_first'])} | {_fmt(r['seconds_per_point'])} | "
                     f"{_fmt(1e3 * r['factorization_seconds'])} | {_fmt(1e3 * r['refactorization_seconds'])} | "
                     f"{_fmt(r['ratio'], '.2f')} | {_fmt(r['ratio_loop'], '.2f')} |")
    return lines


def _domain_wall_markdown(results: list[dict]) -> list[str]:
    runs = ok_results(results, "domain_wall")
    if not runs:
        return []
    r = runs[0]
    lines = ["", f"### Domain wall with self-consistent spin diffusion ({r['length_nm']:g} nm wire, {r['t_end_ns']:g} "
             f"ns, {r['dt_ps']:g} ps steps, LLG {r['llg_dofs']} dofs, spin P{r['spin_degree']} {r['spin_dofs']} dofs)",
             "", "| run (s) | steps | steps/s | spin share of a step | LLG share | Newton its/step | LLG "
             "factorizations | spin its/solve | spin factorizations / solves |", "|---" * 9 + "|",
             f"| {_fmt(r['run_s'])} | {r['time_steps']} | {_fmt(r['steps_per_second'])} | "
             f"{_fmt(r['spin_share_of_step'], '.2f')} | {_fmt(r['llg_share_of_step'], '.2f')} | "
             f"{_fmt(r['llg_iterations_per_step'], '.2f')} | {r['llg_factorizations']} | "
             f"{_fmt(r['spin_iterations_per_solve'], '.2f')} | {r['spin_factorizations']} / {r['spin_solves']} |",
             "", f"Spin solve variants, side by side ({r['compare_steps']} steps each from the same relaxed wall):", "",
             "| variant (warm start + factorization) | spin ms/step | solves/step | its/solve | factorizations | "
             "time / default |", "|---" * 6 + "|"]
    for name, v in r["variants"].items():
        lines.append(f"| {name} | {_fmt(1e3 * v['spin_seconds_per_step'])} | "
                     f"{_fmt(v['spin_solves_per_step'], '.2f')} | {_fmt(v['spin_iterations_per_solve'], '.2f')} | "
                     f"{v['spin_factorizations']} | "
                     f"{_fmt(r['spin_time_ratio_over_default'][name], '.2f')} |")
    return lines


def _pumping_markdown(results: list[dict]) -> list[str]:
    runs = ok_results(results, "pumping")
    if not runs:
        return []
    lines = ["", "### Spin pumping, time-stepped (BDF2, GMRES with a lagged LU), 1 rank", "",
             "| case | dofs | steps | factorizations | Krylov iterations | per step (s) | factorizing share | "
             "assembly share | transient (s) | quasi-static (s) | end to end (s) | a, b, ⟨δS⟩ rel. diff to exact |",
             "|---" * 12 + "|"]
    for r in runs:
        ph = r["phases_s"]
        name = r["pumping_case"] + (" (tiny)" if r["tiny"] else "")
        lines.append(f"| {name} | {r['dofs']} | {r['time_steps']} | {r['factorizations']} | "
                     f"{r['krylov_iterations']} | {_fmt(r['time_per_step_s'])} | "
                     f"{_fmt(r['factorization_share'], '.2f')} | "
                     f"{_fmt(ph['assemble_matrix'] / r['transient_s'], '.2f')} | {_fmt(r['transient_s'])} | "
                     f"{_fmt(r['quasi_static_s'])} | {_fmt(r['end_to_end_s'])} | "
                     f"{_fmt(r['a_rel_diff_exact'], '.1e')}, {_fmt(r['b_rel_diff_exact'], '.1e')}, "
                     f"{_fmt(r['spin_rel_diff_exact'], '.1e')} |")
    return lines


def _targets_markdown(s: dict) -> list[str]:
    """The performance targets against this run's numbers (– where the run did not measure it)."""
    def row(target, value, ok, where):
        status = "–" if value is None else ("met" if ok else "not met")
        return f"| {target} | {_fmt(value, '.3g')} {where} | {status} |"

    f_lu, sp, fig3 = s.get("full_over_factorization"), s.get("speedup_vs_scipy"), s.get("fig3_sweep_seconds")
    bl = s.get("bilayer3d_speedup_2_over_1_ranks")
    dw = s.get("domain_wall_run_s")
    return ["", "### Targets (this run)", "", "| target | measured | status |", "|---|---|---|",
            row("full solve ≤ 1.3 × bare factorization at 1e6 dofs (2D, MUMPS)", f_lu, f_lu is not None and
                f_lu <= 1.3, f"at {s.get('dofs')} dofs"),
            row("≥ 5 × faster than SciPy at 1e6 dofs", sp, sp is not None and sp >= 5,
                f"at {s.get('speedup_vs_scipy_dofs')} dofs"),
            row("2 ranks ≥ 1.6 × 1 rank on the 3D case", bl, bl is not None and bl >= 1.6,
                f"(bilayer, {s.get('bilayer3d_speedup_dofs')} dofs)"),
            row("Fig. 3 sweep ≤ 60 s", fig3, fig3 is not None and fig3 <= 60,
                f"s ({s.get('fig3_sweep_points')} points{', reduced' if s.get('fig3_sweep_reduced') else ''})"),
            row("1 µm wall with spin diffusion, 5 ns ≤ 5 min", dw, dw is not None and dw <= 300, "s (the run "
                "measured; full suite: 1 µm, 5 ns)"),
            *(row(f"pumping {c} ≤ 60 s", s.get(f"pumping_{c}_seconds"), s.get(f"pumping_{c}_seconds") is not None
                  and s[f"pumping_{c}_seconds"] <= 60, "s") for c in ("helix1d", "uniform2d"))]


def write_reports(report: dict, outdir: str | os.PathLike) -> list[Path]:
    """``<outdir>/<timestamp>.{json,csv,md}``, each written atomically."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    outdir = Path(outdir)
    paths = [outdir / f"{stamp}.{ext}" for ext in ("json", "csv", "md")]
    atomic_write_text(paths[0], strict_json(report, indent=1, null_non_finite=True) + "\n")
    atomic_write_text(paths[1], report_csv(report))
    atomic_write_text(paths[2], report_markdown(report))
    return paths
