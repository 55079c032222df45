"""Factorization back-ends on the 1D LLG's Jacobian: the measurement behind ``fem/solver.py``'s choice
(``SERIAL_FACTOR_SOLVER``, ``PARALLEL_FACTOR_SOLVER``, ``SERIAL_ORDERING``).

    nice -n 10 .venv/bin/python scripts/llg_factor_backends.py

Builds the domain-wall session of a Zhang–Li wire (1 µm, h = 1.11 nm: 3468 dofs, block size 6), assembles the
midpoint rule's Jacobian at the start profile and times, for PETSc's LU under each ordering, MUMPS and
SuperLU_DIST, one symbolic + numeric factorization and one back-substitution (means over 20 and 50 repeats),
then one assembly of the Jacobian and of the residual.  Serial only.
"""

from __future__ import annotations

import time

from rashba_diffusion.fem._compat import MPI, PETSc, fem_petsc
from rashba_diffusion.physics.micromagnetics import MicromagneticParameters, ZhangLiDrive
from rashba_diffusion.problems.domain_wall import DomainWallSession
from rashba_diffusion.problems.specs import DomainWallSpec

BACKENDS = (("petsc", "nd"), ("petsc", "rcm"), ("petsc", "natural"), ("petsc", "qmd"), ("mumps", None),
            ("superlu_dist", None))


def main() -> None:
    p = MicromagneticParameters(ms_a_per_m=1e5, a_ex_j_per_m=1e-11, alpha_gilbert=0.02, k_u_j_per_m3=2.5e4,
                                k_perp_j_per_m3=5e4)
    s = DomainWallSession(p, DomainWallSpec(t_end_s=1e-9, dt_s=1e-12, cell_nm=1.11), ZhangLiDrive((20, 0, 0), 0.4))
    s.dynamics.initialise(s.start_profile(0.0))
    A = fem_petsc.create_matrix(s.model.J)
    A.zeroEntries()
    fem_petsc.assemble_matrix(A, s.model.J)
    A.assemble()
    print("size", A.getSize(), "block size", A.getBlockSize(), A.getType())
    b = A.createVecRight()
    b.set(1.0)
    x = b.duplicate()
    for solver, order in BACKENDS:
        ksp = PETSc.KSP().create(MPI.COMM_SELF)
        ksp.setOperators(A)
        ksp.setType("preonly")
        pc = ksp.getPC()
        pc.setType("lu")
        pc.setFactorSolverType(solver)
        if order:
            pc.setFactorOrdering(order)
        try:
            t0 = time.perf_counter()
            for _ in range(20):
                pc.setReusePreconditioner(False)
                A.assemble()
                ksp.setOperators(A)
                ksp.setUp()
            tf = (time.perf_counter() - t0) / 20
            t0 = time.perf_counter()
            for _ in range(50):
                ksp.solve(b, x)
            ts = (time.perf_counter() - t0) / 50
            print(f"{solver} {order}: factor {tf * 1e3:.2f} ms, solve {ts * 1e3:.3f} ms")
        except PETSc.Error as e:  # a back-end this PETSc lacks
            print(f"{solver} {order}: unavailable ({e})")
        ksp.destroy()
    t0 = time.perf_counter()
    for _ in range(20):
        A.zeroEntries()
        fem_petsc.assemble_matrix(A, s.model.J)
        A.assemble()
    print(f"assemble J {(time.perf_counter() - t0) / 20 * 1e3:.2f} ms")
    t0 = time.perf_counter()
    for _ in range(50):
        with b.localForm() as loc:
            loc.set(0)
        fem_petsc.assemble_vector(b, s.model.F)
    print(f"assemble F {(time.perf_counter() - t0) / 50 * 1e3:.3f} ms")
    s.close()


if __name__ == "__main__":
    main()
