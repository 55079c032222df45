"""Preconditioner study: Krylov iterations and times against h for candidate PETSc option sets.

Runs the benchmark's 3D cases (``cases.run_film3d``: the Rashba film box, 4 fields; and
``cases.run_bilayer3d``: the HM/FM stripe, 6 fields) for every candidate in ``CANDIDATES`` and
every refinement, in this process, and prints one JSON line per run plus a table.  A candidate is a
preset name (``iterative``, ``gamg_v1``, ...) or a dict of PETSc options laid over the first iterative
preset ``gamg_v1`` (``None`` values remove a key); ``a+b`` combines candidates.

Usage (from the repository root)::

    .venv/bin/python benchmarks/precond_study.py --case film3d --sizes 6,12,18 --candidates gamg_v1,iterative,sa+sm4
    .venv/bin/python benchmarks/precond_study.py --case bilayer3d --sizes 1.0,0.5,0.33 --stripe-nm 8

Timings depend on the machine's load; the iteration counts are what this study compares.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's package first

from rashba_diffusion.errors import SolveError  # noqa: E402
from rashba_diffusion.fem.solver_options import SOLVER_PRESETS  # noqa: E402
from rashba_diffusion.studies.bench import cases  # noqa: E402

#: candidates, as changes to the ``gamg_v1`` preset (threshold 0.02, 2 GMRES+ILU(0) smoothing steps);
#: the ``iterative`` preset is thr10+sm6
CANDIDATES: dict[str, dict] = {
    "old": {},
    "noagg": {"pc_gamg_aggressive_coarsening": 0},
    "sa": {"pc_gamg_agg_nsmooths": 1},
    "sa_noagg": {"pc_gamg_agg_nsmooths": 1, "pc_gamg_aggressive_coarsening": 0},
    "thr05": {"pc_gamg_threshold": 0.05},
    "thr10": {"pc_gamg_threshold": 0.1},
    "thr00": {"pc_gamg_threshold": 0.0},
    "thr20": {"pc_gamg_threshold": 0.2},
    "sm3": {"mg_levels_ksp_max_it": 3},
    "sm4": {"mg_levels_ksp_max_it": 4},
    "sm6": {"mg_levels_ksp_max_it": 6},
    "ilu1": {"mg_levels_sub_pc_factor_levels": 1},
    "w": {"pc_mg_cycle_type": "w"},
    "coarse": {"pc_gamg_coarse_eq_limit": 1000},
    "sor": {"mg_levels_ksp_type": "richardson", "mg_levels_pc_type": "sor", "mg_levels_sub_pc_type": None,
            "mg_levels_ksp_max_it": 2},
    "cheb": {"mg_levels_ksp_type": "chebyshev", "mg_levels_pc_type": "jacobi", "mg_levels_sub_pc_type": None,
             "mg_levels_ksp_max_it": 3},
}


def options(name: str) -> dict:
    """The full option set of candidate ``name`` (``a+b``: both candidates' changes, in that order)."""
    if name in SOLVER_PRESETS:
        return dict(SOLVER_PRESETS[name])
    opts = dict(SOLVER_PRESETS["gamg_v1"])
    for part in name.split("+"):
        for k, v in CANDIDATES[part].items():
            if v is None:
                opts.pop(k, None)
            else:
                opts[k] = v
    return opts


def run(case: str, size: float, name: str, degree: int, stripe_nm: float) -> dict:
    opts = options(name)
    t0 = time.perf_counter()
    try:
        if case == "film3d":
            r = cases.run_film3d(int(size), degree=degree, petsc_options=opts)
        else:
            r = cases.run_bilayer3d(size, length_nm=stripe_nm, width_nm=stripe_nm, petsc_options=opts)
    except SolveError as e:
        return {"case": case, "size": size, "candidate": name, "error": str(e)[:200]}
    t = r["timings_s"]
    return {"case": case, "size": size, "candidate": name, "degree": degree, "dofs": r["dofs"],
            "iterations": r["krylov_iterations"], "setup_s": t["setup"], "solve_s": t["solve"],
            "total_s": time.perf_counter() - t0, "us_per_dof": 1e6 * (t["setup"] + t["solve"]) / r["dofs"]}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--case", choices=("film3d", "bilayer3d"), required=True)
    p.add_argument("--sizes", required=True, help="film3d: cells across; bilayer3d: interface cell (nm)")
    p.add_argument("--candidates", default="gamg_v1,iterative")
    p.add_argument("--degree", type=int, default=2, help="film3d only (the bilayer is P2)")
    p.add_argument("--stripe-nm", type=float, default=cases.BILAYER_LENGTH_NM)
    a = p.parse_args()
    rows = []
    for name in a.candidates.split(","):
        for size in (float(s) for s in a.sizes.split(",")):
            row = run(a.case, size, name, a.degree, a.stripe_nm)
            print(json.dumps(row), flush=True)
            rows.append(row)
    print("| candidate | size | dofs | iterations | setup (s) | solve (s) | µs/dof |")
    for r in rows:
        if "error" in r:
            print(f"| {r['candidate']} | {r['size']} | | failed | | | |")
        else:
            print(f"| {r['candidate']} | {r['size']} | {r['dofs']} | {r['iterations']} | {r['setup_s']:.3g} | "
                  f"{r['solve_s']:.3g} | {r['us_per_dof']:.3g} |")


if __name__ == "__main__":
    main()
