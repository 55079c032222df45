import time
import numpy as np
from rashba_diffusion.fem._compat import PETSc, fem_petsc, MPI
from rashba_diffusion.physics.micromagnetics import MicromagneticParameters, ZhangLiDrive
from rashba_diffusion.problems.specs import DomainWallSpec
from rashba_diffusion.problems.domain_wall import DomainWallSession
p = MicromagneticParameters(ms_a_per_m=1e5, a_ex_j_per_m=1e-11, alpha_gilbert=0.02, k_u_j_per_m3=2.5e4, k_perp_j_per_m3=5e4)
s = DomainWallSession(p, DomainWallSpec(t_end_s=1e-9, dt_s=1e-12, cell_nm=1.11), ZhangLiDrive((20, 0, 0), 0.4))
d = s.dynamics
d.initialise(s._profile(0.0))
A = fem_petsc.create_matrix(s.model.J)
A.zeroEntries(); fem_petsc.assemble_matrix(A, s.model.J); A.assemble()
print("size", A.getSize(), "bs", A.getBlockSize(), A.getType())
b = A.createVecRight(); b.set(1.0); x = b.duplicate()
for solver, order in (("petsc","nd"),("petsc","rcm"),("petsc","natural"),("petsc","qmd"),("mumps",None),("superlu_dist", None)):
    ksp = PETSc.KSP().create(MPI.COMM_SELF); ksp.setOperators(A); ksp.setType("preonly"); pc = ksp.getPC(); pc.setType("lu"); pc.setFactorSolverType(solver)
    if order: pc.setFactorOrdering(order)
    try:
        t0 = time.perf_counter()
        for _ in range(20):
            pc.setReusePreconditioner(False); A.assemble(); ksp.setOperators(A); ksp.setUp()
        tf = (time.perf_counter()-t0)/20
        t0 = time.perf_counter()
        for _ in range(50): ksp.solve(b, x)
        ts = (time.perf_counter()-t0)/50
        print(solver, order, "factor %.2f ms solve %.3f ms" % (tf*1e3, ts*1e3))
    except Exception as e:
        print(solver, order, "fail", e)
t0 = time.perf_counter()
for _ in range(20):
    A.zeroEntries(); fem_petsc.assemble_matrix(A, s.model.J); A.assemble()
print("assemble J %.2f ms" % ((time.perf_counter()-t0)/20*1e3))
t0 = time.perf_counter()
for _ in range(50):
    with b.localForm() as l: l.set(0)
    fem_petsc.assemble_vector(b, s.model.F)
print("assemble F %.3f ms" % ((time.perf_counter()-t0)/50*1e3))
