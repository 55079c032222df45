import time, sys, json
from rashba_diffusion.physics.micromagnetics import MicromagneticParameters, SpinDiffusionDrive
from rashba_diffusion.physics.rashba import paper_film, Drive
from rashba_diffusion.problems.specs import DomainWallSpec
from rashba_diffusion.problems.domain_wall import run_domain_wall
f = paper_film(0.0, tau_sf_s=2e-14, polarization=-0.1)
p = MicromagneticParameters(ms_a_per_m=1e5, a_ex_j_per_m=1e-11, alpha_gilbert=0.02, k_u_j_per_m3=2.5e4, k_perp_j_per_m3=5e4)
E = float(sys.argv[1]) if len(sys.argv) > 1 else 3e6
t_end = float(sys.argv[2]) if len(sys.argv) > 2 else 1.5e-9
dt = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-12
cell = float(sys.argv[4]) if len(sys.argv) > 4 else None
t0 = time.perf_counter()
r = run_domain_wall(p, DomainWallSpec(t_end_s=t_end, dt_s=dt, cell_nm=cell), spin=SpinDiffusionDrive(f, Drive(E, (1, 0, 0)), 1.0))
s = r.summary
print(json.dumps({k: s[k] for k in s if k not in ("conventions",)}, indent=0))
print("total", time.perf_counter()-t0)
