import time, sys
import numpy as np
from rashba_diffusion.physics.micromagnetics import MicromagneticParameters, ZhangLiDrive, SpinDiffusionDrive
from rashba_diffusion.physics.rashba import paper_film, Drive
from rashba_diffusion.problems.specs import DomainWallSpec
from rashba_diffusion.problems.domain_wall import DomainWallSession
spin = len(sys.argv) > 1 and sys.argv[1] == "spin"
if spin:
    f = paper_film(0.0, tau_sf_s=2e-14, polarization=-0.1)
    p = MicromagneticParameters(ms_a_per_m=1e5, a_ex_j_per_m=1e-11, alpha_gilbert=0.02, k_u_j_per_m3=2.5e4, k_perp_j_per_m3=5e4)
    kw = dict(spin=SpinDiffusionDrive(f, Drive(3e6, (1, 0, 0)), 1.0))
    L, h, T = 320.0, 2.5, 0.1e-9
else:
    p = MicromagneticParameters(ms_a_per_m=2e5, a_ex_j_per_m=1.3e-11, alpha_gilbert=0.1, k_u_j_per_m3=5e5, k_perp_j_per_m3=5e4)
    kw = dict(drive=ZhangLiDrive((150, 0, 0), 0.2))
    L, h, T = 82.0, 1.28, 0.1e-9
res = {}
for dt in (2e-12, 1e-12, 0.5e-12, 0.25e-12, 0.0625e-12):
    t0 = time.perf_counter()
    s = DomainWallSession(p, DomainWallSpec(t_end_s=T, dt_s=dt, cell_nm=h, length_nm=L, window=False), **kw)
    d = s.dynamics
    d.initialise(s._profile(0.0), relax_dt_s=2e-12)
    d.run(T, dt)
    res[dt] = d.m_values().copy()
    print(dt, "q", s.wall_coordinates(), "norm", s.norm_error(), time.perf_counter()-t0, d.cost())
    s.close()
ref = res[0.0625e-12]
errs = [np.max(np.abs(res[dt]-ref)) for dt in (2e-12, 1e-12, 0.5e-12, 0.25e-12)]
print("errors", errs)
print("orders", [np.log2(errs[i]/errs[i+1]) for i in range(3)])
