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
from rashba_diffusion.physics.micromagnetics import MicromagneticParameters, ZhangLiDrive
from rashba_diffusion.problems.specs import DomainWallSpec
from rashba_diffusion.problems.domain_wall import DomainWallSession
p = MicromagneticParameters(ms_a_per_m=8e5, a_ex_j_per_m=1.3e-11, alpha_gilbert=0.1, k_u_j_per_m3=5e5, k_perp_j_per_m3=2e5)
s = DomainWallSession(p, DomainWallSpec(t_end_s=2e-9, dt_s=2e-12, window=True), ZhangLiDrive((50, 0, 0), 0.2))
d = s.dynamics
d.initialise(s._profile(0.0), relax_dt_s=2e-12); print("relax", d.relax_steps)
for i in range(300):
    if i < 290 and i > 5:
        d.step(2e-12); continue
    log.clear(); d.step(2e-12)
    print(["%s" % x if x == "F" else "%.2e" % x for x in log])
