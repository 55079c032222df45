"""3D preconditioner study (issue 15, item 1): Krylov iterations, set-up/solve time, memory and output error
against h for today's ``iterative`` preset, p-multigrid and geometric multigrid.

Each (size, recipe) runs in a fresh process (``mpiexec -n RANKS`` for ``--ranks 2``), so its peak RSS is its
own; all recipes of one size solve the same mesh and matrix.  Recipes and their suffixes are documented in
:mod:`common` (``mumps``, ``iterative``, ``pmg``, ``pmg_lu``, ``gmg``, ``gmg_gamg``; e.g.
``pmg:crtol=0.01/sm=3``).  With ``mumps`` among the recipes every other row gets ``output_rel_diff``:
max |output − output_MUMPS| / |output_MUMPS| (film box: the volume means of s and ν; bilayer: the torque
vector).  ``--levels N`` builds each mesh as the (N−1)-fold uniform refinement of a coarser one (needed by
``gmg``; film box: ``--levels auto`` gives a coarsest box of 3 cells across).

Usage (from the repository root; sizes: film box cells across W, bilayer interface cell in nm)::

    .venv/bin/python benchmarks/scale/precond3d.py --case film3d --degree 2 --sizes 6,12,24 --levels auto \\
        --recipes mumps,iterative,pmg,pmg:crtol=0.01,gmg --out benchmarks/scale/data/film_p2.json

Output: one JSON line per run on stdout, a Markdown table at the end, and ``--out`` (JSON: the command,
the machine's load, every row).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _levels(case: str, size: float, levels: str, index: int) -> int:
    """Mesh levels of the ``index``-th size: ``levels`` is one number, one per size (comma-separated) or auto."""
    if levels != "auto":
        parts = levels.split(",")
        return int(parts[index] if len(parts) > 1 else parts[0])
    if case == "film3d":
        return int(round(math.log2(size / 3))) + 1
    raise SystemExit("--levels auto is for the film box only")


def run_one(spec: dict) -> dict:
    """Build the problem and solve it with one recipe (this process)."""
    sys.path.insert(0, str(HERE))
    import common

    comm = common.MPI.COMM_WORLD
    if spec["case"] == "film3d":
        p = common.film_problem(int(spec["size"]), spec["degree"], spec["levels"], comm)
    else:
        p = common.bilayer_problem(float(spec["size"]), spec["degree"], spec["levels"], spec["stripe_nm"], comm)
    out = common.solve(p, spec["recipe"])
    out.update(size=spec["size"], levels=spec["levels"], stripe_nm=spec.get("stripe_nm"))
    return out


def spawn(spec: dict, ranks: int, timeout: float) -> dict:
    """Run one case in a fresh (niced) process; the result row or an error row."""
    py = sys.executable
    cmd = [py, str(Path(__file__).resolve()), "--one", json.dumps(spec)]
    if ranks > 1:
        cmd = [str(Path(py).parent / "mpiexec"), "-n", str(ranks), *cmd]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    try:
        p = subprocess.run(["nice", "-n", "10", *cmd], capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {**spec, "ranks": ranks, "error": f"timeout after {timeout:g} s"}
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    return {**spec, "ranks": ranks, "error": (p.stderr or p.stdout)[-600:]}


def rel_diff(out: list[float], ref: list[float]) -> float:
    num = max(abs(a - b) for a, b in zip(out, ref, strict=True))
    return num / max(abs(b) for b in ref)


def table(rows: list[dict]) -> str:
    lines = ["| size | dofs | ranks | recipe | iterations | coarse solves/its | setup (s) | solve (s) | "
             "setup+solve (µs/dof) | peak RSS/rank (MiB) | output rel. diff to MUMPS |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['size']} | | {r.get('ranks')} | {r['recipe']} | failed: {r['error'][:60]!r} "
                         "| | | | | | |")
            continue
        t, i = r["timings_s"], r["info"]
        coarse = f"{i['coarse_solves']}/{i['coarse_iterations']}" if "coarse_solves" in i else "–"
        diff = f"{r['output_rel_diff']:.1e}" if "output_rel_diff" in r else "–"
        lines.append(f"| {r['size']} | {r['dofs']} | {r['ranks']} | {r['recipe']} | {r['iterations']} | {coarse} | "
                     f"{t['setup']:.3g} | {t['solve']:.3g} | {1e6 * r['setup_solve_s'] / r['dofs']:.3g} | "
                     f"{max(r['peak_rss_mb']):.0f} | {diff} |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--one", help=argparse.SUPPRESS)
    p.add_argument("--case", choices=("film3d", "bilayer3d"))
    p.add_argument("--degree", type=int, default=2)
    p.add_argument("--sizes", help="film3d: cells across W; bilayer3d: interface cell (nm)")
    p.add_argument("--levels", default="1",
                   help="mesh levels (uniform refinements + 1): one, one per size, or 'auto' (film box)")
    p.add_argument("--stripe-nm", type=float, default=24.0, help="bilayer stripe length = width (nm)")
    p.add_argument("--recipes", default="mumps,iterative,pmg")
    p.add_argument("--ranks", default="1", help="comma-separated rank counts")
    p.add_argument("--timeout", type=float, default=900.0)
    p.add_argument("--out", help="JSON file for the rows")
    a = p.parse_args()
    if a.one:
        out = run_one(json.loads(a.one))
        import common  # noqa: F401  (imported by run_one)

        if common.MPI.COMM_WORLD.rank == 0:
            print("RESULT " + json.dumps(out), flush=True)
        return
    rows = []
    for index, size in enumerate(a.sizes.split(",")):
        ref = None
        for ranks in (int(r) for r in a.ranks.split(",")):
            for recipe in a.recipes.split(","):
                spec = {"case": a.case, "size": float(size), "degree": a.degree, "recipe": recipe,
                        "levels": _levels(a.case, float(size), a.levels, index), "stripe_nm": a.stripe_nm}
                row = spawn(spec, ranks, a.timeout)
                if recipe == "mumps" and "error" not in row and ref is None:
                    ref = row["output"]
                elif ref is not None and "error" not in row:
                    row["output_rel_diff"] = rel_diff(row["output"], ref)
                print(json.dumps(row), flush=True)
                rows.append(row)
    md = table(rows)
    print(md)
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(json.dumps({"command": " ".join(sys.argv), "date": time.strftime("%Y-%m-%d %H:%M:%S"),
                                           "loadavg_end": os.getloadavg(), "rows": rows, "table": md}, indent=1))


if __name__ == "__main__":
    main()
