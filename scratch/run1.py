import time, sys
from rashba_diffusion.physics.micromagnetics import MicromagneticParameters, ZhangLiDrive
from rashba_diffusion.problems.specs import DomainWallSpec
from rashba_diffusion.problems.domain_wall import run_domain_wall
p = MicromagneticParameters(ms_a_per_m=8e5, a_ex_j_per_m=1.3e-11, alpha_gilbert=0.1, k_u_j_per_m3=5e5, k_perp_j_per_m3=2e5)
u = float(sys.argv[1]) if len(sys.argv) > 1 else 50.0
t0 = time.perf_counter()
r = run_domain_wall(p, DomainWallSpec(t_end_s=2e-9, dt_s=2e-12), ZhangLiDrive((u, 0, 0), 0.2))
s = r.summary
print({k: s[k] for k in ("velocity_m_per_s", "velocity_reference_m_per_s", "walker", "walker_reference", "walker_threshold_u_m_per_s", "max_norm_error", "time_steps", "window_shifts", "llg_newton_iterations", "llg_factorizations", "llg_seconds", "width_nm", "width_final_nm", "cell_nm", "length_nm")})
print("total", time.perf_counter()-t0)
