"""Tables of the 3D preconditioner study from its JSON results (no solving).

Reads ``benchmarks/scale/data/precond3d_*.json`` (written by ``precond3d.py``), groups the rows by case
(case, degree, stripe, ranks) and prints, per case, a Markdown table of Krylov iterations against dofs
for every recipe, the growth of the iterations (finest / coarsest), the fitted exponent x of
setup + solve time ∝ dofs^x over the sizes with dofs ≥ 1e4 (smaller ones are dominated by fixed costs;
wall time, and CPU time in parentheses where the rows have it),
the time ratio to ``iterative`` at each size, and the peak RSS per rank at the largest size.

Usage::

    .venv/bin/python benchmarks/scale/summarize.py [files ...] > benchmarks/scale/data/precond3d_summary.md
"""

from __future__ import annotations

import glob
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent


def fit_exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(time) against log(dofs)."""
    pts = [(math.log(d), math.log(t)) for d, t in points if d >= 1e4 and t > 0]
    if len(pts) < 2:
        return float("nan")
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx else float("nan")


def _ratio(row: dict, base: dict) -> str:
    """Wall-time ratio, with the CPU-time ratio in parentheses when both rows have it."""
    out = f"{row['setup_solve_s'] / base['setup_solve_s']:.2f}"
    if "setup_solve_cpu_s" in row and "setup_solve_cpu_s" in base:
        out += f" ({row['setup_solve_cpu_s'] / base['setup_solve_cpu_s']:.2f})"
    return out


def main() -> None:
    files = sys.argv[1:] or sorted(glob.glob(str(HERE / "data" / "precond3d_*.json")))
    groups: dict[tuple, dict[str, dict[int, dict]]] = defaultdict(lambda: defaultdict(dict))
    sources: dict[tuple, set[str]] = defaultdict(set)
    ranks_files = []
    for f in files:
        rows = json.loads(Path(f).read_text())["rows"]
        if len({r.get("ranks") for r in rows}) > 1:  # a 1-vs-2-rank comparison: its own table
            ranks_files.append((f, rows))
            continue
        # a file whose meshes are refinement hierarchies (its coarsest size may be a single level)
        nested = any(r.get("levels", 1) > 1 for r in rows)
        for r in rows:
            if "error" in r or r["recipe"] == "mumps":
                continue
            stripe = r.get("stripe_nm") if r["case"] == "bilayer3d" else None
            key = (r["case"], r["degree"], stripe, r["ranks"], "nested" if nested else "direct")
            groups[key][r["recipe"]][r["dofs"]] = r
            sources[key].add(Path(f).name)
    for key in sorted(groups, key=str):
        case, degree, stripe, ranks, meshes = key
        recipes = groups[key]
        dofs = sorted({d for rows in recipes.values() for d in rows})
        where = f", stripe {stripe:g} nm" if stripe else ""
        title = f"{case} P{degree}{where}, {ranks} rank(s), {meshes} meshes"
        print(f"\n### {title}\n\n(from {', '.join(sorted(sources[key]))})\n")
        print("| recipe | " + " | ".join(str(d) for d in dofs) + " | growth | time exponent wall (CPU) | "
              "peak RSS (MiB) at max |")
        print("|---|" + "---|" * (len(dofs) + 3))
        for name, rows in recipes.items():
            its = [str(rows[d]["iterations"]) if d in rows else "" for d in dofs]
            have = [d for d in dofs if d in rows]
            growth = rows[have[-1]]["iterations"] / rows[have[0]]["iterations"]
            expo = f"{fit_exponent([(d, rows[d]['setup_solve_s']) for d in have]):.2f}"
            if all("setup_solve_cpu_s" in rows[d] for d in have):
                expo += f" ({fit_exponent([(d, rows[d]['setup_solve_cpu_s']) for d in have]):.2f})"
            rss = max(rows[have[-1]]["peak_rss_mb"])
            print(f"| {name} | " + " | ".join(its) + f" | {growth:.2f} | {expo} | {rss:.0f} |")
        base = recipes.get("iterative", {})
        if base:
            print("\nsetup + solve time relative to `iterative` (same size, same run; wall, and CPU in parentheses "
                  "where recorded):\n")
            print("| recipe | " + " | ".join(str(d) for d in dofs) + " |")
            print("|---|" + "---|" * len(dofs))
            for name, rows in recipes.items():
                cells = [_ratio(rows[d], base[d]) if d in rows and d in base else "" for d in dofs]
                print(f"| {name} | " + " | ".join(cells) + " |")


    for f, rows in ranks_files:
        print(f"\n### 1 vs 2 ranks ({Path(f).name})\n")
        print("| case | dofs | recipe | iterations 1 / 2 ranks | setup+solve 1 rank (s) | 2 ranks (s) | speed-up | "
              "peak RSS/rank 1 / 2 (MiB) | output rel. diff to MUMPS 1 / 2 |")
        print("|---|---|---|---|---|---|---|---|---|")
        by = defaultdict(dict)
        for r in rows:
            if "error" not in r:
                by[(r["case"], r["dofs"], r["recipe"])][r["ranks"]] = r
        for (case, dofs, recipe), rr in by.items():
            if 1 not in rr or 2 not in rr:
                continue
            a, b = rr[1], rr[2]
            diff = " / ".join(f"{x['output_rel_diff']:.1e}" if "output_rel_diff" in x else "–" for x in (a, b))
            print(f"| {case} | {dofs} | {recipe} | {a['iterations']} / {b['iterations']} | {a['setup_solve_s']:.3g} | "
                  f"{b['setup_solve_s']:.3g} | {a['setup_solve_s'] / b['setup_solve_s']:.2f} | "
                  f"{max(a['peak_rss_mb']):.0f} / {max(b['peak_rss_mb']):.0f} | {diff} |")


if __name__ == "__main__":
    main()
