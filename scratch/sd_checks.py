import time, math, sys, json
from rashba_diffusion.physics.micromagnetics import MicromagneticParameters, SpinDiffusionDrive
from rashba_diffusion.physics.rashba import paper_film, Drive
from rashba_diffusion.problems.specs import DomainWallSpec
from rashba_diffusion.problems.domain_wall import run_domain_wall
f = paper_film(0.0, tau_sf_s=2e-14, polarization=-0.1)
scale = float(sys.argv[1])  # wall width scale: Delta = 20 nm * scale
h = float(sys.argv[2]); dt = float(sys.argv[3])*1e-12; T = float(sys.argv[4])*1e-9; deg = int(sys.argv[5]) if len(sys.argv) > 5 else 1
# Delta = sqrt(A/K): keep A, K_u -> K_u/scale^2; keep omega_K (K_perp) and alpha
p = MicromagneticParameters(ms_a_per_m=1e5, a_ex_j_per_m=1e-11, alpha_gilbert=float(sys.argv[6]) if len(sys.argv) > 6 else 0.05, k_u_j_per_m3=2.5e4/scale**2, k_perp_j_per_m3=1e5)
t0 = time.perf_counter()
r = run_domain_wall(p, DomainWallSpec(t_end_s=T, dt_s=dt, cell_nm=h, length_nm=16*20*scale, spin_degree=deg), spin=SpinDiffusionDrive(f, Drive(3e6, (1, 0, 0)), 1.0))
s = r.summary
b = s["zhang_li_effective"]["beta"]
print("Delta %.0f h %.3f dt %.2g deg %d: v %.4f ref %.4f beta_eff %.6f beta' %.6f rel %.3e walker %s steps %d spin_its/solve %.2f  %.1fs" % (20*scale, h, dt, deg, s["velocity_m_per_s"], s["velocity_reference_m_per_s"], s["beta_effective"], b, s["beta_effective"]/b-1, s["walker"], s["time_steps"], s["spin_iterations"]/s["spin_solves"], time.perf_counter()-t0))
