"""Measured order of the macrospin integrators (docs/model.md §13.6.3).

Problem: an in-plane Py-like film (Ms = 8e5 A/m, N = (0,0,1), B = 50 mT and B_K = 10 mT along x̂, α = 0.05) with
a damping-like torque B_DL = 10 mT (σ = ŷ), from a 0.5 rad tilt over 0.2 ns: nonlinear, ~1.5 precession
periods.  Reference: scipy's DOP853 at rtol 1e-13 (independent code).  Error: |m(t_end) − m_ref| for fixed
steps h = t_end/n, and for the adaptive DP45 against rtol.

Run:  .venv/bin/python scripts/llg_convergence.py
"""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate import solve_ivp

from rashba_diffusion.physics.integrators import integrate_dp45, integrate_midpoint
from rashba_diffusion.physics.llg import MacrospinParameters, make_rhs

T_END_S = 0.2e-9


def problem():
    p = MacrospinParameters(ms_a_per_m=8e5, alpha_gilbert=0.05, b_ext_t=(0.05, 0, 0), b_k_t=0.01,
                            easy_axis=(1, 0, 0), demag_factors=(0, 0, 1), b_dl_t=0.01, sigma=(0, 1, 0))
    th = 0.5
    m0 = np.array([math.cos(th), 0.6 * math.sin(th), 0.8 * math.sin(th)])
    f = make_rhs(p)
    ref = solve_ivp(f, (0, T_END_S), m0, method="DOP853", rtol=1e-13, atol=1e-15).y[:, -1]
    return f, m0, ref / np.linalg.norm(ref)


def table(name, steps, run, ref):
    print(f"\n{name}\n{'n':>6} {'h (ps)':>10} {'error':>11} {'order':>7}")
    prev = None
    for n in steps:
        err = float(np.linalg.norm(run(n).m[-1] - ref))
        order = "" if prev is None else f"{math.log(prev[1] / err) / math.log(n / prev[0]):7.3f}"
        print(f"{n:6d} {T_END_S / n * 1e12:10.4f} {err:11.3e} {order:>7}")
        prev = (n, err)


def main() -> None:
    f, m0, ref = problem()
    table("Dormand-Prince 5(4), fixed steps, renormalized", [20, 40, 80, 160, 320, 640],
          lambda n: integrate_dp45(f, m0, 0.0, T_END_S, fixed_step=T_END_S / n), ref)
    table("implicit midpoint (no projection)", [100, 200, 400, 800, 1600],
          lambda n: integrate_midpoint(f, m0, 0.0, T_END_S, T_END_S / n), ref)
    print(f"\nadaptive DP45\n{'rtol':>8} {'steps':>6} {'error':>11}")
    for rtol in (1e-6, 1e-8, 1e-10, 1e-12):
        tr = integrate_dp45(f, m0, 0.0, T_END_S, rtol=rtol, atol=1e-3 * rtol)
        print(f"{rtol:8.0e} {tr.time_steps:6d} {np.linalg.norm(tr.m[-1] - ref):11.3e}")


if __name__ == "__main__":
    main()
