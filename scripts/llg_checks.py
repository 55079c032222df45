"""The numbers quoted in docs/model.md §13.10: each check of tests/unit/test_llg_physics.py with its measured error.

Run:  nice -n 10 .venv/bin/python scripts/llg_checks.py      (~1 min on one core)
"""

from __future__ import annotations

import math

import numpy as np
from scipy import constants as sc

from rashba_diffusion.physics.bilayer import HeavyMetal, Interface
from rashba_diffusion.physics.bilayer_pumping import spin_pumping_alpha
from rashba_diffusion.physics.domain_wall import WallParameters, run_wall, walker_current_m_per_s, wall_velocity_m_per_s
from rashba_diffusion.physics.llg import (
    MacrospinParameters,
    kittel_thin_film,
    lee_switching_threshold_b_dl_t,
    linearized_eigenvalue_per_s,
    slonczewski_threshold_a_j_t,
    static_switching_threshold_b_dl_t,
)
from rashba_diffusion.physics.macrospin import run_macrospin

MS = 8.0e5
MU0MS = sc.mu_0 * MS


def tilted(theta: float) -> np.ndarray:
    return np.array([math.cos(theta), 0.6 * math.sin(theta), 0.8 * math.sin(theta)])


def bisect(unstable, lo: float, hi: float, iterations: int) -> float:
    assert not unstable(lo) and unstable(hi)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if unstable(mid) else (mid, hi)
    return 0.5 * (lo + hi)


def ringdown() -> None:
    film = MacrospinParameters(ms_a_per_m=MS, alpha_gilbert=0.01, b_ext_t=(0.05, 0, 0), b_k_t=0.01,
                               easy_axis=(1, 0, 0), demag_factors=(0, 0, 1))
    f, gam = kittel_thin_film(0.05, 0.01, MU0MS, 0.01)
    print(f"Kittel (in-plane film, B = 50 mT, B_K = 10 mT, alpha = 0.01): f = {f:.6f} GHz, Gamma = {gam:.6e} 1/s")
    for method, kw in (("rk45", dict(rtol=1e-10, atol=1e-12)), ("midpoint", dict(dt_s=0.25e-12))):
        r = run_macrospin(film, tilted(1e-3), 3e-9, method=method, **kw)
        print(f"  {method:8s}: rel. error f {r.ringdown_frequency_ghz / f - 1:+.2e}, Gamma "
              f"{r.ringdown_decay_rate_per_s / gam - 1:+.2e}, max | |m|-1 | {r.max_norm_error:.1e}, "
              f"steps {r.time_steps}")
    bk, bh, s = 0.5, 0.2, 0.2
    p = MacrospinParameters(ms_a_per_m=MS, alpha_gilbert=0.02, b_ext_t=(bk * s, 0, 0), b_k_t=bk,
                            easy_axis=(0, 0, 1), b_hard_t=bh, hard_axis=(0, 1, 0))
    m_eq = np.array([s, 0.0, math.sqrt(1 - s * s)])
    lam = linearized_eigenvalue_per_s(p, m_eq)
    m0 = m_eq + 1e-3 * np.array([0.0, 0.6, 0.0]) + 8e-4 * np.array([m_eq[2], 0.0, -m_eq[0]])
    r = run_macrospin(p, m0 / np.linalg.norm(m0), 1e-9, rtol=1e-10, atol=1e-12)
    err_f = r.ringdown_frequency_ghz * 2e9 * math.pi / lam.imag - 1
    print(f"tilted equilibrium with hard axis: rel. error f {err_f:+.2e}, "
          f"Gamma {r.ringdown_decay_rate_per_s / -lam.real - 1:+.2e}")


def slonczewski() -> None:
    alpha, b = 0.05, 0.02
    p = MacrospinParameters(ms_a_per_m=MS, alpha_gilbert=alpha, b_ext_t=(b, 0, 0), demag_factors=(0, 0, 1),
                            p=(-1, 0, 0))
    m0 = np.array([math.cos(1e-4), math.sin(1e-4), 0.0])

    def grows(a_j: float) -> bool:
        r = run_macrospin(p.replace(a_j_t=a_j), m0, 5e-9)
        dev = np.linalg.norm(r.m - np.array([1.0, 0.0, 0.0]), axis=1)
        n = len(dev) // 10
        return dev[-n:].max() > dev[:n].max()

    ref = slonczewski_threshold_a_j_t(alpha, b, 0.0, MU0MS)
    found = bisect(grows, 0.0, 2 * alpha * (b + MU0MS), 12)
    print(f"Slonczewski threshold: bisection {found * 1e3:.4f} mT, closed form {ref * 1e3:.4f} mT, "
          f"rel. error {found / ref - 1:+.2e}")


def switches(b_x: float, b_dl: float, alpha: float, pulse_s: float = 1e-9) -> bool:
    p = MacrospinParameters(ms_a_per_m=MS, alpha_gilbert=alpha, b_ext_t=(b_x, 0, 0), b_k_t=0.5,
                            easy_axis=(0, 0, 1), b_dl_t=b_dl, sigma=(0, 1, 0))
    m0 = np.array([b_x / 0.5, 0.0, math.sqrt(1 - (b_x / 0.5) ** 2)])
    return run_macrospin(p, m0, pulse_s * 1.5, pulse_end_s=pulse_s, rtol=1e-8, atol=1e-11).switched


def lee() -> None:
    bk = 0.5
    print("SOT switching threshold |B_DL,c| of a perpendicular magnet (B_K = 0.5 T), sigma = y, B_x > 0:")
    print(f"{'B_x/B_K':>8} {'alpha':>6} {'bisection':>10} {'exact static':>12} {'Lee':>8} {'vs exact':>9} "
          f"{'vs Lee':>8}")
    for bxr, alpha, pulse in ((0.1, 1.0, 1e-9), (0.3, 1.0, 1e-9), (0.1, 0.1, 5e-9)):
        bx = bxr * bk
        found = bisect(lambda b, bx=bx, alpha=alpha, pulse=pulse: switches(bx, -b, alpha, pulse), 0.0, 0.8 * bk, 12)
        ex, le = static_switching_threshold_b_dl_t(bk, bx), lee_switching_threshold_b_dl_t(bk, bx)
        print(f"{bxr:8.2f} {alpha:6.2f} {found:10.5f} {ex:12.5f} {le:8.5f} {found / ex - 1:+9.2e} "
              f"{found / le - 1:+8.2e}")
    for alpha, bxr, pulse, top in ((1.0, 0.1, 1e-9, 1.0), (1.0, 0.2, 1e-9, 1.0), (0.01, 0.1, 5e-9, 0.8)):
        print(f"alpha = {alpha}, B_x = {bxr} B_K, {pulse * 1e9:g} ns pulse + {pulse * 0.5e9:g} ns: "
              "switched (S) or not (.) vs |B_DL|/B_K (B_DL < 0)")
        ratios = np.arange(0.30, top + 1e-3, 0.05)
        row = "".join("S" if switches(bxr * bk, -r * bk, alpha, pulse) else "." for r in ratios)
        print("  " + " ".join(f"{r:.2f}" for r in ratios) + "\n  " + "    ".join(row))


def wall() -> None:
    base = dict(ms_a_per_m=MS, a_ex_j_per_m=1.3e-11, k_u_j_per_m3=5e5, k_perp_j_per_m3=5e4, alpha_gilbert=0.02)
    u_w = walker_current_m_per_s(WallParameters(beta=0.04, u_m_per_s=1.0, **base))
    print(f"wall: Delta = {math.sqrt(1.3e-11 / 5e5) * 1e9:.3f} nm, u_W = {u_w:.3f} m/s (alpha 0.02, beta 0.04)")
    for beta, u in ((0.04, 0.5 * u_w), (0.02, 500.0), (0.04, 2 * u_w), (0.0, 1.5 * u_w), (0.1, 0.375 * u_w)):
        p = WallParameters(beta=beta, u_m_per_s=u, **base)
        run = run_wall(p, 100e-9)
        ref = wall_velocity_m_per_s(p)
        print(f"  beta {beta:4.2f} u {u:8.3f} m/s: ODE v = {run.velocity_m_per_s:10.5f} m/s, closed form "
              f"{ref:10.5f}, rel. error {run.velocity_m_per_s / ref - 1:+.1e}, walker {run.walker}")


def pumping() -> None:
    hm = HeavyMetal(thickness_nm=3.0, lambda_nm=1.5, sigma_s_per_m=5e6, theta_sh=0.1)
    for g in (5e14, 5e14 + 1e14j):
        a = spin_pumping_alpha(hm, Interface(g_mix_real_s_per_m2=g.real, g_mix_imag_s_per_m2=g.imag), MS, 5.0)
        print(f"pumping, Pt-like HM (3 nm, lambda 1.5 nm, 5e6 S/m), G = {g:.1e} S/m^2, Ms = 8e5 A/m, d_F = 5 nm: "
              f"alpha' = {a.real:.4e}, alpha'_i = {a.imag:.4e}")


if __name__ == "__main__":
    ringdown()
    slonczewski()
    lee()
    wall()
    pumping()
