"""The LU costs behind the pumping solver's choices (docs/model.md §12.9, problems/pumping.py).

Run:  OMP_NUM_THREADS=1 .venv/bin/python scripts/pumping_lu_costs.py

Assembles the transient operator (BDF2, 32 steps per period) of uniform precession about ẑ on the 1d line
(400 nm, 0.5 nm P2 cells, 6.4e3 dofs) and the default 2d rectangle (200 × 200 nm, P2, 4.2e4 dofs), and times,
for MUMPS and PETSc's own LU, a first factorization, a numeric refactorization and a back-substitution (mean
of 20), and prints the ratios.  ``FACTORIZATION_COST_IN_ITERATIONS`` of problems/pumping.py is a
refactorization over the time of one GMRES iteration (back-substitution, product, orthogonalization), taken from
the phases of the pumping benchmark (``bench --only pumping``: ``factorize``/factorizations against
``solve``/Krylov iterations).
"""

from __future__ import annotations

import time

from rashba_diffusion.fem._compat import PETSc, fem_petsc
from rashba_diffusion.physics.pumping import Precession, PumpingPoint
from rashba_diffusion.physics.rashba import paper_film
from rashba_diffusion.problems.pumping import PumpingSession
from rashba_diffusion.problems.specs import PumpingSpec


def lu_times(spec: PumpingSpec) -> dict:
    point = PumpingPoint(paper_film(5e-2), Precession(10.0, 30.0))
    with PumpingSession(point, spec) as s:
        s.model.set_rate(1.5, -2.0, 0.5, point.precession.period_fs / 32)
        A = fem_petsc.assemble_matrix(s.model.system.a, bcs=s.model.system.bcs)
        A.assemble()
        out = {"dofs": A.getSize()[0]}
        b = A.createVecLeft()
        b.set(1.0)
        x = b.duplicate()
        for solver in ("mumps", "petsc"):
            ksp = PETSc.KSP().create()
            ksp.setOperators(A)
            ksp.setType("preonly")
            pc = ksp.getPC()
            pc.setType("lu")
            pc.setFactorSolverType(solver)
            t0 = time.perf_counter()
            ksp.setUp()
            first = time.perf_counter() - t0
            t0 = time.perf_counter()
            for _ in range(20):
                ksp.solve(b, x)
            solve = (time.perf_counter() - t0) / 20
            A.zeroEntries()  # assembled again: a new state, the next set-up refactorizes (same pattern)
            fem_petsc.assemble_matrix(A, s.model.system.a, bcs=s.model.system.bcs)
            A.assemble()
            pc.setReusePreconditioner(False)
            ksp.setOperators(A)
            t0 = time.perf_counter()
            ksp.setUp()
            out[solver] = {"factorize_s": first, "refactorize_s": time.perf_counter() - t0, "solve_s": solve}
            ksp.destroy()
        A.destroy()
    return out


def main() -> None:
    for name, spec in (("1d", PumpingSpec("1d", length_nm=400.0, cell_nm=0.5, periods=2)),
                       ("2d", PumpingSpec("2d", periods=2))):
        r = lu_times(spec)
        m, p = r["mumps"], r["petsc"]
        print(f"{name}: {r['dofs']} dofs; MUMPS factorize {m['factorize_s']:.4f} s, refactorize "
              f"{m['refactorize_s']:.4f} s, back-substitute {m['solve_s'] * 1e3:.3f} ms; PETSc LU factorize "
              f"{p['factorize_s']:.4f} s, refactorize {p['refactorize_s']:.4f} s, back-substitute "
              f"{p['solve_s'] * 1e3:.3f} ms; MUMPS/PETSc refactorize {m['refactorize_s'] / p['refactorize_s']:.2f}, "
              f"back-substitute {m['solve_s'] / p['solve_s']:.2f}", flush=True)


if __name__ == "__main__":
    main()
