import time, math, sys
import numpy as np
from rashba_diffusion.physics.micromagnetics import MicromagneticParameters, ZhangLiDrive
from rashba_diffusion.physics.domain_wall import wall_velocity_m_per_s, walker_current_m_per_s
from rashba_diffusion.problems.specs import DomainWallSpec
from rashba_diffusion.problems.domain_wall import run_domain_wall
p = MicromagneticParameters(ms_a_per_m=2e5, a_ex_j_per_m=1.3e-11, alpha_gilbert=0.1, k_u_j_per_m3=5e5, k_perp_j_per_m3=5e4)
d = p.wall_width_m()*1e9
h = d / float(sys.argv[1]) if len(sys.argv) > 1 else d/6
dt = float(sys.argv[2])*1e-12 if len(sys.argv) > 2 else 2e-12
for ratio, beta, T in ((0.5, 0.2, 1e-9), (1.0, 0.1, 0.3e-9), (1.5, 0.2, 2.5e-9), (3.0, 0.2, 1.5e-9)):
    uw = 0.1 * d*1e-9 * 2.2e11*5e4/2e5 / 0.1
    from rashba_diffusion.physics.micromagnetics import wall_reference
    ref = wall_reference(p, ZhangLiDrive((1.0, 0, 0), 0.2))
    uw = walker_current_m_per_s(ref)
    u = ratio * uw
    t0 = time.perf_counter()
    r = run_domain_wall(p, DomainWallSpec(t_end_s=T, dt_s=dt, cell_nm=h, length_nm=16*d), ZhangLiDrive((u, 0, 0), beta))
    s = r.summary
    phi = s["wall_angle_final_rad"]
    extra = "uW_FE/uW %.4f" % (u/math.sin(2*phi)/uw) if not s["walker"] else ""
    print("u/uW %.2f beta %.2f v %.4f ref %.4f rel %.2e walker %s/%s norm %.1e steps %d %s  %.1fs" % (ratio, beta, s["velocity_m_per_s"], s["velocity_reference_m_per_s"], s["velocity_m_per_s"]/s["velocity_reference_m_per_s"]-1, s["walker"], s["walker_reference"], s["max_norm_error"], s["time_steps"], extra, time.perf_counter()-t0))
