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
p = MicromagneticParameters(ms_a_per_m=2e5, a_ex_j_per_m=1.3e-11, alpha_gilbert=0.1, k_u_j_per_m3=5e5, k_perp_j_per_m3=5e4)
s = DomainWallSession(p, DomainWallSpec(t_end_s=1e-10, dt_s=8e-12, cell_nm=1.28, length_nm=82, window=False), ZhangLiDrive((300, 0, 0), 0.2))
d = s.dynamics
d.initialise(s._profile(0.0), relax_dt_s=2e-12); print("relax", d.relax_steps)
for i in range(5):
    log.clear()
    try:
        d.step(8e-12)
    finally:
        print(["%s" % x if x == "F" else "%.2e" % x for x in log])
