"""Correctness check of ``rashba_diffusion.fem.pmg`` on small 3D cases (the tests issue 15 asks for, as a script).

For each case it solves with MUMPS, today's ``iterative`` preset and the multigrid recipes, and asserts that

* every multigrid solution's output (film box: volume means of s and ν; bilayer: the torque vector)
  equals MUMPS's to 1e-7 relative (the Krylov tolerance is 1e-9 on the residual), and the true residual
  is below 1e-8 ‖b‖;
* the multigrid needs fewer Krylov iterations than ``iterative`` on the same mesh (≤ on the coarsest);
* :class:`pmg.PMultigrid` re-solves after a re-assembly with the same iterations and solution;
* feature detection picks GAMG on this PETSc (no hypre in the PyPI wheel).

Cases: film box P2 (6 and 12 cells across, p-multigrid with the ILU(0) and the point-block Jacobi smoother),
film box P1 (12 cells, nested from 3: geometric multigrid), bilayer stripe 8 nm P2 (h = 0.5 and 0.33 nm,
p-multigrid) and P1 (h = 0.25 nm nested from 1 nm).

Usage (from the repository root; about a minute)::

    .venv/bin/python benchmarks/scale/check_pmg.py
    .venv/bin/mpiexec -n 2 .venv/bin/python benchmarks/scale/check_pmg.py

Prints one line per solve and ``check_pmg: OK`` (exit 0) or the failed assertions (exit 1).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import numpy as np  # noqa: E402

CASES = (
    # (case, size, degree, mesh levels, multigrid recipes)
    ("film3d", 6, 2, 1, ("pmg", "pmg:crtol=0.01", "pmgc")),
    ("film3d", 12, 2, 1, ("pmg:crtol=0.01", "pmg:crtol=0.01/spc=pbjacobi/sm=6", "pmgc")),
    ("film3d", 12, 1, 3, ("gmg", "gmg_gamg")),
    ("bilayer3d", 0.5, 2, 1, ("pmg:crtol=0.01", "pmgc")),
    # the point-block Jacobi smoother needs 7 iterations from the coarsest meshes on; iterative passes it at ~2e4
    ("bilayer3d", 0.33, 2, 1, ("pmg:crtol=0.01/spc=pbjacobi/sm=6",)),
    ("bilayer3d", 0.25, 1, 3, ("gmg",)),
)


def main() -> int:
    comm = common.MPI.COMM_WORLD
    failures: list[str] = []

    def check(ok: bool, msg: str) -> None:
        if not ok:
            failures.append(msg)

    hypre = common.has_external_package("hypre")
    check(not hypre, "this PETSc reports hypre: the wheel should not have it")
    coarse = common.pmg.amg_coarse_options()
    check(coarse["pc_type"] == ("hypre" if hypre else "gamg"),
          f"amg_coarse_options picked {coarse['pc_type']}")
    for case, size, degree, levels, recipes in CASES:
        if case == "film3d":
            p = common.film_problem(size, degree, levels, comm)
        else:
            p = common.bilayer_problem(size, degree, levels, 8.0, comm)
        ref = common.solve(p, "mumps")
        base = common.solve(p, "iterative")
        tag = f"{case} P{degree} size {size} ({ref['dofs']} dofs, {comm.size} rank(s))"
        if comm.rank == 0:
            print(f"{tag}: iterative {base['iterations']} iterations", flush=True)
        for recipe in recipes:
            r = common.solve(p, recipe)
            diff = float(np.max(np.abs(np.subtract(r["output"], ref["output"]))) / np.max(np.abs(ref["output"])))
            if comm.rank == 0:
                extra = ""
                if "resolve_iterations" in r["info"]:
                    extra = (f", re-solve {r['info']['resolve_iterations']} iterations, "
                             f"change {r['info']['resolve_rel_change']:.1e}")
                print(f"{tag}: {recipe} {r['iterations']} iterations, output rel. diff to MUMPS {diff:.1e}, "
                      f"true residual {r['true_rel_residual']:.1e}{extra}", flush=True)
            check(r["converged_reason"] > 0, f"{tag} {recipe}: not converged ({r['converged_reason']})")
            check(diff < 1e-7, f"{tag} {recipe}: output differs from MUMPS by {diff:.1e}")
            check(r["true_rel_residual"] < 1e-8, f"{tag} {recipe}: true residual {r['true_rel_residual']:.1e}")
            check(r["iterations"] <= base["iterations"],
                  f"{tag} {recipe}: {r['iterations']} iterations > iterative's {base['iterations']}")
            if "resolve_iterations" in r["info"]:
                check(abs(r["info"]["resolve_iterations"] - r["iterations"]) <= 1,
                      f"{tag} {recipe}: re-solve took {r['info']['resolve_iterations']} iterations")
                check(r["info"]["resolve_rel_change"] < 1e-8,
                      f"{tag} {recipe}: re-solve changed the solution by {r['info']['resolve_rel_change']:.1e}")
    if comm.rank == 0:
        print("check_pmg: OK" if not failures else "check_pmg: FAILED\n" + "\n".join(failures), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
