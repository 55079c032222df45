"""Numbers quoted in docs/model.md §12 and §9 items 10-15 (paper Sec. VI).

Run:  .venv/bin/python scripts/dynamics_numbers.py [--json out.json]

Every value printed here comes from rashba_diffusion.physics.pumping (numpy/scipy
only, a few seconds).  Material: the paper's film (paper_film(5e-2): τ = 1 fs,
τΔ = 10 fs, τsf = 1 ps, kF = 4.3/nm) unless stated; the magnet for Δα is an
example, Ms = 1e6 A/m and t = 1 nm (Δα scales as 1/(Ms t)).
"""

from __future__ import annotations

import argparse
import json
import math

import numpy as np

from rashba_diffusion.physics import pumping as pp
from rashba_diffusion.physics.bulk import relaxation_matrix, solve_bulk
from rashba_diffusion.physics.rashba import Drive, paper_film
from rashba_diffusion.physics.torque import torque_from_spin

MAGNET = pp.MagnetLayer(ms_a_per_m=1.0e6, thickness_nm=1.0)
ALPHA = 5e-2


def _f(x) -> str:
    if isinstance(x, (list, tuple, np.ndarray)):
        return "[" + ", ".join(_f(v) for v in x) + "]"
    return f"{x:.6g}" if isinstance(x, float) else str(x)


def section(title: str) -> None:
    print(f"\n== {title}")


def equilibrium(out: dict) -> None:
    section("item 11: equilibrium spin s0 (ħ/nm²) and the Stoner-band check")
    f = paper_film(ALPHA)
    c = f.coefficients()
    rows = {}
    for rule in ("hamiltonian", "eq17", "eq38"):
        rows[rule] = f.replace(polarization_rule=rule).coefficients().s0_per_nm2
        print(f"s0[{rule}] = {rows[rule]:.6g} ħ/nm² = {rows[rule] * 1e18:.6g} ħ/m²")
    bands = {}
    for alpha in (0.0, ALPHA):
        for m in ((0, 0, 1), (1, 0, 0), (0.6, 0, 0.8)):
            fa = paper_film(alpha)
            s = pp.band_equilibrium_spin_per_nm2(fa, m)
            s0 = fa.coefficients().s0_per_nm2
            dev = float(np.linalg.norm(s - s0 * np.asarray(m)) / abs(s0))
            bands[f"alpha={alpha},m={m}"] = dev
            print(f"bands α={alpha} m={m}: S = {_f(s)}; |S − s0 m|/|s0| = {dev:.3g}")
    static = {}
    for rule in ("eq17", "eq38", "hamiltonian"):
        r = solve_bulk(f.replace(polarization_rule=rule), Drive(1e5), (1, 0, 0))
        static[rule] = (r.T_perp_j_per_m2, r.T_par_j_per_m2)
        print(f"static bulk m = x̂, E = 1e5 V/m, rule {rule}: T⊥ = {r.T_perp_j_per_m2:.4g}, "
              f"T∥ = {r.T_par_j_per_m2:.4g} J/m²")
    out["s0_per_nm2"] = rows
    out["band_check_relative_deviation"] = bands
    out["static_torques_j_per_m2"] = static
    out["eps_F_ev"], out["n_per_nm2"], out["delta_xc_ev"] = c.eps_F, c.n, f.exchange_ev


def uniform(out: dict) -> None:
    section("items 12, 14: uniform precession, 10 GHz, θ = 30° (a, b, Δα, pumped spin, current)")
    f = paper_film(ALPHA)
    res = {}
    for label, kw, changes in (
        ("full", {}, {}),
        ("sec6", {"sec6_model": True}, {}),
        ("no_dp", {}, {"inv_tau_dp": 0.0}),
    ):
        for rule in ("hamiltonian", "eq17"):
            mod = pp.PumpingModel.from_film(f.replace(polarization_rule=rule), **kw)
            if changes:
                mod = mod.with_coefficients(**changes)
            for axis in ((0, 0, 1), (1, 0, 0), (0, 1, 0)):
                pr = pp.Precession(10.0, 30.0, axis=axis)
                s = pp.pumping_summary(mod, pr, MAGNET)
                key = f"{label}/{rule}/axis={axis}"
                s.pop("conventions")
                res[key] = s
                print(f"{key}: a = {s['torque_coefficient_a']:.6g}, b = {s['torque_coefficient_b']:.6g}, "
                      f"a_ad = {s['torque_coefficient_a_adiabatic']:.6g}, "
                      f"b_ad = {s['torque_coefficient_b_adiabatic']:.6g}, "
                      f"Δα = {s['gilbert_damping_enhancement']:.4g}, γ_eff/γ = {s['gyromagnetic_ratio_factor']:.6g}, "
                      f"⟨δS⟩ = {_f(s['pumped_spin_dc_hbar_per_m2'])} ħ/m², "
                      f"J = {_f(s['charge_current_dc_a_per_m'])} A/m")
    c = f.coefficients()
    xi, beta, bt = pp.isotropic_rates(c)
    a25, b25 = pp.eq25_pumping_coefficients(c)
    print(f"Eq. 25 (isotropic, quasi-static): ξ = {xi:.6g}, β = {beta:.6g}, β̃ = {bt:.6g}; a = {a25:.6g}, b = {b25:.6g}")
    print(f"κ = γħ s0/(Ms t) for Ms = {MAGNET.ms_a_per_m:g} A/m, t = {MAGNET.thickness_nm:g} nm: "
          f"{MAGNET.coupling(c.s0_per_nm2):.6g}")
    mod = pp.PumpingModel.from_film(f).with_coefficients(inv_tau_dp=0.0, R=0.0)
    pr = pp.Precession(10.0, 30.0, axis=(1, 0, 0))
    print(f"Eq. 44 closed form (no DP, R = 0), axis x̂: J = {_f(pp.eq44_dc_charge_current_a_per_m(mod, pr))} A/m; "
          f"spectral: {_f(pp.solve_periodic(mod, pr).charge_current_dc_a_per_m)} A/m")
    # the R share of the dc current and the ω sin²θ scaling with DP (full model, axis x̂)
    full = pp.PumpingModel.from_film(f)
    sol = pp.solve_periodic(full, pr)
    jb = -full.coefficients.charge_B_factor * full.coefficients.B * np.cross([0, 0, 1.0], sol.pumped_spin_dc_per_nm2)
    jb *= pp.PARTICLE_SHEET_CURRENT_TO_A_PER_M
    print(f"full model axis x̂: J = {_f(sol.charge_current_dc_a_per_m)} A/m, its B part −e kB B ẑ×⟨δS⟩ = {_f(jb)} A/m")
    scal = {}
    for fghz, th in ((1.0, 30.0), (10.0, 30.0), (100.0, 30.0), (10.0, 60.0), (10.0, 90.0)):
        j = pp.solve_periodic(full, pp.Precession(fghz, th, axis=(1, 0, 0))).charge_current_dc_a_per_m[1]
        scal[f"{fghz}GHz/{th}deg"] = j / (fghz * math.sin(math.radians(th)) ** 2)
        print(f"full model axis x̂: J_y/(f sin²θ) at {fghz} GHz, {th}°: {scal[f'{fghz}GHz/{th}deg']:.6g} A/(m·GHz)")
    out["uniform"] = res
    out["eq25"] = {"xi": xi, "beta": beta, "beta_tilde": bt, "a": a25, "b": b25}
    out["current_scaling_a_per_m_ghz"] = scal


def spurious(out: dict) -> None:
    section("§12.1: acting on the equilibrium s0 m with relaxation or diffusion (wrong)")
    # (i) uniform: relaxation on S = s0 m + δS has the exact periodic solution δS = −s0 m(t), S ≡ 0
    mod = pp.PumpingModel.from_film(paper_film(ALPHA))
    pr = pp.Precession(10.0, 30.0)
    sol = pp.solve_periodic(mod, pr)
    ds, _ = sol.fields(np.linspace(0, 2 * np.pi, 16, endpoint=False))
    ratio_u = abs(mod.s0_per_nm2) / float(np.abs(ds).max())
    print(f"uniform, 10 GHz, 30°: the wrong δS = −s0 m is {ratio_u:.4g}x the pumped |δS|, and a = b = 0")
    # (ii) helix about ẑ, α = 0: diffusion of s0 m adds the static source s0 D ∂x² m; co-rotating frame
    m0 = pp.PumpingModel.from_film(paper_film(0.0))
    c, s0 = m0.coefficients, m0.s0_per_nm2
    rows = {"uniform_ratio": ratio_u}
    for k in (1e-3, 1e-2):
        pr = pp.Precession(10.0, 30.0, texture="helix", wavevector_per_nm=k)
        th, w = pr.theta_rad, pr.omega_per_fs
        mv = np.array([math.sin(th), 0.0, math.cos(th)])
        zx = np.array([[0, -1.0, 0], [1.0, 0, 0], [0, 0, 0]])
        K = relaxation_matrix(c, mv) + w * zx + c.D * k * k * np.diag([1.0, 1.0, 0.0])
        mdot = w * np.cross([0, 0, 1.0], mv)
        x_static = -s0 * c.D * k * k * math.sin(th) * np.array([1.0, 0, 0])  # s0 D ∂x² m at ψ = 0
        b = {}
        for label, X in (("right", -s0 * mdot), ("wrong", -s0 * mdot + x_static)):
            T = torque_from_spin(c, mv, np.linalg.solve(K, X))
            b[label] = float(T @ np.cross(mv, mdot) / (s0 * mdot @ mdot))
        xi, _, bt = pp.isotropic_rates(c)
        est = c.D * k * k * math.cos(th) * (1 - xi * bt) / w
        d46 = pp.eq46_coefficients(c, pr)[1]
        rows[f"k={k}"] = {"b_right": b["right"], "b_wrong": b["wrong"], "estimate": est, "eq46": d46}
        print(f"helix about ẑ, α = 0, k = {k}/nm, 10 GHz, 30°: b = {b['right']:.6g}; with D∇²(s0 m): "
              f"{b['wrong']:.6g} (shift {b['wrong'] - b['right']:.4g}; estimate Dk²cosθ(1−ξβ̃)/ω = {est:.4g}; "
              f"the true texture term Eq. 46: {d46:.4g})")
    out["spurious"] = rows


def textures(out: dict) -> None:
    section("items 13, 15: textures (b − b(k = 0)), Eqs. 46-47 at any ξ")
    res = {}
    m0 = pp.PumpingModel.from_film(paper_film(0.0))
    for k in (1e-3, 1e-2, 3e-2, 1e-1):
        pr = pp.Precession(10.0, 30.0, texture="helix", wavevector_per_nm=k)
        s = pp.solve_periodic(m0, pr, quasi_static=True).torque_coefficient_b
        s_u = pp.solve_periodic(m0, pp.Precession(10.0, 30.0), quasi_static=True).torque_coefficient_b
        ex = (pp.solve_periodic(m0, pr).torque_coefficient_b
              - pp.solve_periodic(m0, pp.Precession(10.0, 30.0)).torque_coefficient_b)
        d46 = pp.eq46_coefficients(m0.coefficients, pr)[1]
        res[f"alpha0/helix_z/k={k}"] = {"db_quasi_static": s - s_u, "db_exact": ex, "db_eq46": d46}
        print(f"α = 0, helix about ẑ, k = {k}/nm: Δb quasi-static = {s - s_u:.6g}, exact(10 GHz) = {ex:.6g}, "
              f"Eq. 46 = {d46:.6g}")
    for label, mod in (("sec6", pp.PumpingModel.from_film(paper_film(2e-2), sec6_model=True)),
                       ("full", pp.PumpingModel.from_film(paper_film(2e-2)))):
        for k in (1e-3, 1e-2, 3e-2):
            b = {}
            for sg in (1, -1):
                pr = pp.Precession(10.0, 30.0, axis=(0, 1, 0), texture="helix", wavevector_per_nm=sg * k)
                b[sg] = pp.solve_periodic(mod, pr).torque_coefficient_b
            d47 = pp.eq47_coefficients(mod.coefficients, pp.Precession(10.0, 30.0, axis=(0, 1, 0), texture="helix",
                                                                       wavevector_per_nm=k))[1]
            res[f"{label}/cycloid_y/alpha=2e-2/k={k}"] = {"b_plus": b[1], "b_minus": b[-1], "odd_eq47": d47}
            print(f"α = 2e-2 {label}, cycloid about ŷ, k = ±{k}/nm: b(+k) = {b[1]:.6g}, b(−k) = {b[-1]:.6g}, "
                  f"(b+ − b−)/2 = {(b[1] - b[-1]) / 2:.6g}, Eq. 47 = {d47:.6g}")
    c = paper_film(ALPHA).coefficients()
    r0 = c.inv_tau_sf + c.inv_tau_phi
    kc = (c.C - math.sqrt(c.C**2 - c.D * r0)) / c.D
    q = 1 + 4 * c.varsigma2
    c6 = pp.sec6_coefficients(c)
    print(f"item 15: κc = {kc:.6g}/nm = {kc * 1e9:.4g}/m; C²/D = {c.C**2 / c.D:.6g}, 1/τdp = {c.inv_tau_dp:.6g}, "
          f"1/(τdp q³) = {c.inv_tau_dp / q**3:.6g} 1/fs")
    for kap in (0.06, 0.636):
        print(f"  κ = {kap}/nm, m = ŷ: slowest rate Sec. VI = {pp.spin_wave_rates(c6, (0, 1, 0), kap)[0]:.4g}, "
              f"full = {pp.spin_wave_rates(c, (0, 1, 0), kap)[0]:.4g} 1/fs")
    # the Sec. VI model with the helix above κc: the periodic "solution" exists but is not an attractor
    mod6 = pp.PumpingModel.from_film(paper_film(ALPHA), sec6_model=True)
    pr = pp.Precession(10.0, 30.0, axis=(0, 1, 0), texture="helix", wavevector_per_nm=0.3)
    b_full = pp.solve_periodic(pp.PumpingModel.from_film(paper_film(ALPHA)), pr).torque_coefficient_b
    print(f"  Sec. VI cycloid about ŷ, k = 0.3/nm: b = {pp.solve_periodic(mod6, pr).torque_coefficient_b:.6g} "
          f"(unstable background); full model: {b_full:.6g}")
    out["textures"] = res
    out["kappa_c_per_nm"] = kc


def item10(out: dict) -> None:
    section("item 10: Γ∇z·(m n)")
    c = paper_film(ALPHA).coefficients()
    ee = 1e5 * 1e-9  # eV/nm at E = 1e5 V/m
    ratio = c.Gamma * c.n / (c.D * c.NF * ee)
    print(f"Γ n0 / (D NF eE) at E = 1e5 V/m: {ratio:.4g} (an 'equilibrium' current Γ n0 ẑ×m vs the drift current)")
    mod = pp.PumpingModel.from_film(paper_film(ALPHA))
    modg = mod.with_coefficients(charge_G_factor=1.0)
    pr = pp.Precession(10.0, 30.0, axis=(0, 1, 0), texture="helix", wavevector_per_nm=0.05)
    s, g = pp.solve_periodic(mod, pr), pp.solve_periodic(modg, pr)
    db = abs(g.torque_coefficient_b / s.torque_coefficient_b - 1)
    dj = float(np.linalg.norm(g.charge_current_dc_a_per_m - s.charge_current_dc_a_per_m)
               / np.linalg.norm(s.charge_current_dc_a_per_m))
    print(f"cycloid about ŷ, k = 0.05/nm, 10 GHz: kΓ = 1 vs 0 changes b by {db:.3g} (relative), J by {dj:.3g}")
    out["item10"] = {"equilibrium_current_ratio_at_1e5_v_per_m": ratio, "db_rel": db, "dj_rel": dj}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", help="also write the numbers to this file")
    args = ap.parse_args()
    out: dict = {}
    equilibrium(out)
    uniform(out)
    spurious(out)
    textures(out)
    item10(out)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=1, default=lambda o: o.tolist() if isinstance(o, np.ndarray) else str(o))


if __name__ == "__main__":
    main()
