import numpy as np
from rashba_diffusion.fem import solver as S
orig = S.LaggedNewtonSolver._norm
log = []
def norm(self, v):
    r = orig(self, v); log.append(r); return r
S.LaggedNewtonSolver._norm = norm
origf = S.LaggedNewtonSolver._factorize
def fac(self):
    log.append("F"); return origf(self)
S.LaggedNewtonSolver._factorize = fac
from rashba_diffusion.fem._compat import MPI, fem, ufl
from rashba_diffusion.fem.solver import LaggedNewtonSolver
from rashba_diffusion.meshing.structured import wire_along_x
from rashba_diffusion.models.rashba import RashbaModel
from rashba_diffusion.physics.rashba import Drive, paper_film
g = wire_along_x(MPI.COMM_SELF, 100.0, 1.0)
V3 = fem.functionspace(g.msh, ("Lagrange", 1, (3,)))
m = fem.Function(V3)
def texture(angle):
    return lambda x: np.vstack([np.sin(angle * x[0] / 100.0), 0 * x[0], np.cos(angle * x[0] / 100.0)])
m.interpolate(texture(1.0))
model = RashbaModel(g, paper_film(0.0, tau_sf_s=2e-14), Drive(1e6), m)
U = fem.Function(model.V)
F = fem.form(ufl.action(model.a_ufl, U) - model.L_ufl)
chord = LaggedNewtonSolver(F, model.a, U, model.bcs, rtol=1e-12)
for angle in (1.0, 1.01, 1.02, 1.03, 4.0):
    m.interpolate(texture(angle)); model.update(m=m)
    log.clear()
    try:
        chord.solve()
    finally:
        print(angle, ["%s" % x if x == "F" else "%.2e" % x for x in log][:60])
