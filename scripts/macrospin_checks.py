"""The numbers quoted in docs/model.md §13.10–§13.11 for the macrospin command: the cost of the self-consistent
torques, the FE spin pumping against the backflow formula, and the switching threshold of the llg sweep.

Run:  nice -n 10 .venv/bin/python scripts/macrospin_checks.py      (~3 min on one core)

Timings are wall times on a shared machine: compare the ratios printed side by side in one run.
"""

from __future__ import annotations

import math
import time

import numpy as np

from rashba_diffusion.physics.bilayer import Ferromagnet, HeavyMetal, Interface
from rashba_diffusion.physics.bilayer_pumping import spin_pumping_alpha
from rashba_diffusion.physics.llg import MacrospinParameters, lee_switching_threshold_b_dl_t
from rashba_diffusion.physics.macrospin import MacrospinPoint
from rashba_diffusion.physics.rashba import Drive, paper_film
from rashba_diffusion.problems.bilayer import solve_bilayer
from rashba_diffusion.problems.macrospin import BilayerTorque, RashbaTorque, run_self_consistent
from rashba_diffusion.problems.specs import WireSpec
from rashba_diffusion.studies.sweep.engine import run_sweep
from rashba_diffusion.studies.sweep.registry import config_from_dict

MS = 8e5


def rashba_cost() -> None:
    """An in-plane film (B = 50 mT along x̂, α = 0.1) under the Rashba film's torque at E = 5e6 V/m, 0.2 ns."""
    params = MacrospinParameters(ms_a_per_m=MS, alpha_gilbert=0.1, b_ext_t=(0.05, 0, 0), demag_factors=(0, 0, 1))
    point = MacrospinPoint(params, (1.0, 0.0, 0.0), 0.2e-9, rtol=1e-7)
    print("Rashba film torque, solved at every m (W = 50 nm, t = 5 nm, E = 5e6 V/m, 0.2 ns, rtol 1e-7):")
    print(f"{'cell_nm':>8} {'dofs':>6} {'steps':>6} {'solves':>7} {'hits':>5} {'ms/solve':>9} {'run s':>7} "
          f"{'solve share':>11}")
    for cell in (None, 0.5):
        spec = WireSpec(50.0, cell_nm=cell)
        with RashbaTorque(paper_film(), Drive(5e6), spec, MS, 5.0, m_start=point.m0) as source:
            t0 = time.perf_counter()
            r, s = run_self_consistent(point, source)
            run_s = time.perf_counter() - t0
        print(f"{s['cell_nm']:8.4f} {s['dofs']:6d} {s['time_steps']:6d} {s['torque_solves']:7d} "
              f"{s['torque_cache_hits']:5d} {1e3 * s['torque_solve_seconds'] / s['torque_solves']:9.2f} "
              f"{run_s:7.2f} {s['torque_solve_seconds'] / run_s:11.3f}   m_final {np.round(r.m_final, 6)}")


def bilayer_cost() -> None:
    """A perpendicular magnet switched by the 1D bilayer's torque (j = −3e13 A/m², d_F = 1 nm): both evaluations."""
    params = MacrospinParameters(ms_a_per_m=MS, alpha_gilbert=0.5, b_ext_t=(0.05, 0, 0), b_k_t=0.5)
    point = MacrospinPoint(params, (0.1, 0.0, math.sqrt(0.99)), 1.5e-9, pulse_end_s=1e-9, rtol=1e-8)
    hm, it = HeavyMetal(3.0, 1.4, 7e6, 0.19), Interface("mixing", 5e14, 1e14)
    print("\nBilayer torque, 1.5 ns switching run (1 ns pulse):")
    out = {}
    for evaluation in ("structure", "solve"):
        with BilayerTorque(hm, it, -3e13, MS, 1.0, evaluation=evaluation, m_start=point.m0) as source:
            t0 = time.perf_counter()
            r, s = run_self_consistent(point, source)
            out[evaluation] = (r, time.perf_counter() - t0)
        print(f"  {evaluation:9s}: steps {s['time_steps']}, solves {s['torque_solves']}, "
              f"run {out[evaluation][1]:.2f} s (solves {s['torque_solve_seconds']:.2f} s), switched {s['switched']}, "
              f"structure residual {s.get('torque_structure_residual', '-')}")
    dm = np.max(np.abs(np.array(out["structure"][0].m_final) - np.array(out["solve"][0].m_final)))
    print(f"  |m_final(structure) - m_final(solve)| = {dm:.1e}; time ratio solve/structure "
          f"{out['solve'][1] / out['structure'][1]:.1f}")


def bilayer_vs_closed_form() -> None:
    """The same switching run with the solved bilayer torque and with the prescribed fields of the closed-form ξ."""
    from rashba_diffusion.physics.bilayer_pumping import bilayer_sot_fields_t

    hm, it = HeavyMetal(3.0, 1.4, 7e6, 0.19), Interface("mixing", 5e14, 1e14)
    params = MacrospinParameters(ms_a_per_m=MS, alpha_gilbert=0.5, b_ext_t=(0.05, 0, 0), b_k_t=0.5)
    point = MacrospinPoint(params, (0.1, 0.0, math.sqrt(0.99)), 1.5e-9, pulse_end_s=1e-9, rtol=1e-8)
    for j, t_end in ((-3e13, 1.5e-9), (1.5e13, 1.5e-9), (-3e13, 0.1e-9)):
        pulse = 1e-9 if t_end > 1e-9 else None
        run = MacrospinPoint(params, point.m0, t_end, pulse_end_s=pulse, rtol=point.rtol)
        b_dl, b_fl = bilayer_sot_fields_t(hm, Ferromagnet(), it, j, MS, 1.0)
        prescribed = MacrospinPoint(params.replace(b_dl_t=b_dl, b_fl_t=b_fl, sigma=(0, 1, 0)), run.m0, run.t_end_s,
                                    run.pulse_end_s, rtol=run.rtol).run()
        with BilayerTorque(hm, it, j, MS, 1.0, m_start=run.m0) as source:
            solved, s = run_self_consistent(run, source)
        dm = np.max(np.abs(np.array(solved.m_final) - np.array(prescribed.m_final)))
        print(f"  j = {j:.1e} A/m², {t_end * 1e9:g} ns: B_DL {s['B_DL_T']:.9e} T (closed form {b_dl:.9e}), "
              f"switched {solved.switched} / {prescribed.switched}, max |Δm_final| = {dm:.1e}")


def pumping_ringdown() -> None:
    """The in-plane film's ringdown with the FE α', α'_i against the linearized eigenvalue with α0 + α', α'_i."""
    from rashba_diffusion.physics.llg import linearized_eigenvalue_per_s

    hm = HeavyMetal(3.0, 1.4, 7e6, 0.19)
    for g_i in (0.0, 4e14):
        params = MacrospinParameters(ms_a_per_m=MS, alpha_gilbert=0.01, b_ext_t=(0.05, 0, 0), b_k_t=0.01,
                                     easy_axis=(1, 0, 0), demag_factors=(0, 0, 1))
        with BilayerTorque(hm, Interface("mixing", 3e14, g_i), 0.0, MS, 2.0) as source:
            pumped = source.pumping()
        from rashba_diffusion.problems.macrospin import with_pumping

        p2 = with_pumping(params, pumped)
        r = MacrospinPoint(p2, (0.9999995, 0.0006, 0.0008), 3e-9).run()
        lam = linearized_eigenvalue_per_s(p2, (1.0, 0.0, 0.0))
        bare = MacrospinPoint(params, (0.9999995, 0.0006, 0.0008), 3e-9).run()
        err_f = r.ringdown_frequency_ghz * 2e9 * math.pi / lam.imag - 1
        print(f"  G_i = {g_i:.0e}: alpha' = {pumped['gilbert_damping_enhancement']:.6e}, alpha'_i = "
              f"{pumped['pumping_reactive_coefficient']:.3e}; ringdown f {err_f:+.1e}, "
              f"Gamma {r.ringdown_decay_rate_per_s / -lam.real - 1:+.1e} vs the eigenvalue; Gamma/Gamma_0 = "
              f"{r.ringdown_decay_rate_per_s / bare.ringdown_decay_rate_per_s:.6f}, (alpha0 + alpha')/alpha0 = "
              f"{p2.alpha_gilbert / 0.01:.6f}")


def pumping() -> None:
    """α' + iα'_i of the FE solve against the backflow formula, over d_N and G."""
    worst = 0.0
    for g in (5e14, 3e14 + 4e14j):
        for d_n in (0.5, 1.4, 3.0, 10.0):
            hm = HeavyMetal(d_n, 1.4, 7e6, 0.19)
            fm = Ferromagnet(thickness_nm=2.0, ms_a_per_m=MS)
            it = Interface("mixing", g.real, g.imag)
            s = solve_bilayer(hm, fm, it, (0, 0, 1), 1e11, pumping=True).summary
            ref = spin_pumping_alpha(hm, it, MS, 2.0)
            fe = complex(s["gilbert_damping_enhancement"], s["pumping_reactive_coefficient"])
            worst = max(worst, abs(fe - ref) / abs(ref))
            print(f"  G = {g:.1e}, d_N = {d_n:4.1f} nm: alpha' = {fe.real:.6e}, alpha'_i = {fe.imag:.6e}, "
                  f"|FE - formula|/|formula| = {abs(fe - ref) / abs(ref):.1e} ({s['dofs']} dofs)")
    print(f"  worst {worst:.1e}")


def lee_sweep() -> None:
    """The llg sweep's boundary at B_x = 0.1 B_K (B_K = 0.5 T, α = 1, 1 ns pulse): a fine B_DL axis."""
    b_k, b_x = 0.5, 0.05
    lee = lee_switching_threshold_b_dl_t(b_k, b_x)
    values = [-lee * (1 + k / 100) for k in range(-3, 4)]
    doc = {"problem": "llg", "magnet": {"ms_a_per_m": MS, "alpha_gilbert": 1.0, "b_k_t": b_k},
           "torque": {"sigma": [0, 1, 0]}, "magnetization": {"m": [0, 0, 1]},
           "run": {"t_end_ns": 1.5, "pulse_ns": 1.0, "rtol": 1e-8},
           "sweep": {"axes": {"b_ext_x_t": [b_x], "b_dl_t": values}}}
    res = run_sweep(config_from_dict(doc))
    row = " ".join(f"{r['b_dl_t'] / -lee:.2f}:{'S' if r['switched'] else '.'}" for r in res.rows)
    print(f"\nllg sweep at B_x = 0.1 B_K, |B_DL|/Lee (Lee = {lee:.5f} T): {row}")


if __name__ == "__main__":
    rashba_cost()
    bilayer_cost()
    print("\nBilayer torque solved vs prescribed closed-form fields (1.5 ns switching run):")
    bilayer_vs_closed_form()
    print("\nSpin pumping, FE (bilayer --pumping) vs backflow formula (Ms = 8e5 A/m, d_F = 2 nm):")
    pumping()
    print("\nRingdown with the FE pumping (d_N = 3 nm, G_r = 3e14 S/m², d_F = 2 nm, alpha0 = 0.01):")
    pumping_ringdown()
    lee_sweep()
