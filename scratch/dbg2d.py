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
from rashba_diffusion.fem._compat import MPI, mesh
from rashba_diffusion.models.llg import LLGModel, terms_from_parameters
from rashba_diffusion.physics.micromagnetics import MicromagneticParameters
from rashba_diffusion.problems.llg import TextureDynamics
import sys
dmi = float(sys.argv[1])
p = MicromagneticParameters(ms_a_per_m=5e5, a_ex_j_per_m=1.5e-11, alpha_gilbert=0.1, k_u_j_per_m3=8e5,
                            thin_film_demag=True, dmi_j_per_m2=dmi, b_ext_t=(0.01, 0.0, 0.05))
msh = mesh.create_rectangle(MPI.COMM_WORLD, [[0.0, 0.0], [40.0, 20.0]], [16, 8])
model = LLGModel(msh, p, terms_from_parameters(p), 1e-12)
def bubble(x):
    r = np.hypot(x[0] - 20.0, x[1] - 10.0)
    th = 2 * np.arctan(np.exp((6.0 - r) / 3.0))
    ang = np.arctan2(x[1] - 10.0, x[0] - 20.0)
    return np.vstack([np.sin(th) * np.cos(ang), np.sin(th) * np.sin(ang), np.cos(th)])
dyn = TextureDynamics(model, atol=1e-13)
log.clear()
try:
    dyn.initialise(bubble)
finally:
    print(["%s" % x if x == "F" else "%.2e" % x for x in log])
for i in range(3):
    log.clear()
    try:
        dyn.step(1e-12)
    finally:
        print(["%s" % x if x == "F" else "%.2e" % x for x in log][:20])
