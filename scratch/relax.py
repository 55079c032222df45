import time, math
from rashba_diffusion.physics.micromagnetics import MicromagneticParameters
from rashba_diffusion.problems.specs import DomainWallSpec
from rashba_diffusion.problems.domain_wall import DomainWallSession
ZL = MicromagneticParameters(ms_a_per_m=2e5, a_ex_j_per_m=1.3e-11, alpha_gilbert=0.1, k_u_j_per_m3=5e5, k_perp_j_per_m3=5e4)
D = math.sqrt(1.3e-11/5e5)*1e9
for dt in (1e-12, 5e-12, 20e-12):
    t0 = time.perf_counter()
    s = DomainWallSession(ZL, DomainWallSpec(t_end_s=1e-9, cell_nm=D/8, length_nm=16*D, window=False))
    s.dynamics.initialise(s._profile(0.0), relax_dt_s=dt)
    print(dt, s.dynamics.relax_steps, sum(s.energies_j_per_m2().values())/(4*math.sqrt(1.3e-11*5e5))-1, s.dynamics.solver.iterations, time.perf_counter()-t0)
