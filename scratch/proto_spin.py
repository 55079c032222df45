import time, math
import numpy as np
from rashba_diffusion.fem._compat import fem, mesh, ufl, MPI, PETSc, fem_petsc
from rashba_diffusion.fem.geometry import Geometry
from rashba_diffusion.models.rashba import RashbaModel
from rashba_diffusion.physics.rashba import Drive, paper_film
from rashba_diffusion.fem.solver import LinearSolver
import dataclasses
film = dataclasses.replace(paper_film(5e-2), alpha_ev_nm=0.0)
for ncell, deg in ((1000, 1), (1000, 2), (2000, 1)):
    L = 1000.0
    msh = mesh.create_interval(MPI.COMM_WORLD, ncell, [0.0, L])
    msh.topology.create_connectivity(0, 1)
    lo = mesh.locate_entities_boundary(msh, 0, lambda x: np.abs(x[0]) < 1e-9)
    hi = mesh.locate_entities_boundary(msh, 0, lambda x: np.abs(x[0]-L) < 1e-9)
    ents = np.concatenate([lo, hi]).astype(np.int32); vals = np.concatenate([np.full(lo.size, 1), np.full(hi.size, 2)]).astype(np.int32)
    o = np.argsort(ents)
    ft = mesh.meshtags(msh, 0, ents[o], vals[o])
    g = Geometry(msh=msh, facet_tags=ft, mode="plane", width_nm=L, length_nm=L, spin_sinks=(1, 2), contacts=(1, 2))
    V3 = fem.functionspace(msh, ("Lagrange", 1, (3,)))
    m = fem.Function(V3)
    m.interpolate(lambda x: np.vstack([np.sin(2*np.arctan(np.exp((x[0]-500)/20))), 0*x[0], np.cos(2*np.arctan(np.exp((x[0]-500)/20)))]))
    model = RashbaModel(g, film, Drive(1e5, (1, 0, 0)), m, degree=deg)
    Am = fem_petsc.create_matrix(model.a)
    t0 = time.perf_counter()
    for _ in range(20):
        Am.zeroEntries(); fem_petsc.assemble_matrix(Am, model.a, bcs=model.bcs); Am.assemble()
    ta = (time.perf_counter()-t0)/20
    b = fem_petsc.create_vector(model.V)
    t0 = time.perf_counter()
    for _ in range(20):
        with b.localForm() as l: l.set(0)
        fem_petsc.assemble_vector(b, model.L)
    tb = (time.perf_counter()-t0)/20
    for st in ("mumps", "petsc"):
        s = LinearSolver(model.system, {"pc_factor_mat_solver_type": st})
        U = fem.Function(model.V)
        s.solve(out=U)
        t0 = time.perf_counter()
        for _ in range(10):
            s.solve(out=U)
        print(ncell, deg, st, "assemble A %.2f ms, b %.2f ms, full solve %.2f ms" % (ta*1e3, tb*1e3, (time.perf_counter()-t0)/10*1e3), {k: round(v*1e3, 2) for k, v in s.timings.items()})
