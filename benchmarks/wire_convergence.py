"""Mesh convergence of the width-averaged torques of the paper's wire (1D cross-section).

Usage:  python benchmarks/wire_convergence.py [--degree 2] [--json out.json]

For α = 5e-4, 5e-3, 5e-2 eV·nm (Fig. 2 material, W = 50 nm, m = x̂) it halves the
cell size five times, reports the observed order p = log2(|e_{h}|/|e_{h/2}|) from
successive differences, the Richardson-extrapolated value and the relative error
of the default mesh (cell = λ_min/10) against it.
"""

from __future__ import annotations

import argparse
import json
import math

from rashba_diffusion.parameters import Drive, paper_film
from rashba_diffusion.wire import WireSpec, default_cell_nm, solve_wire


def study(alpha: float, degree: int) -> dict:
    film, drive = paper_film(alpha), Drive(1e5)
    spec0 = WireSpec(50.0, degree=degree)
    h0 = default_cell_nm(film, spec0)
    default = solve_wire(film, drive, (1, 0, 0), spec0).summary
    hs = [h0 * 4 / 2**k for k in range(6)]
    vals = {k: [] for k in ("T_perp_J_per_m2", "T_par_J_per_m2")}
    for h in hs:
        s = solve_wire(film, drive, (1, 0, 0), WireSpec(50.0, cell_nm=h, degree=degree)).summary
        for k in vals:
            vals[k].append(s[k])
    out = {"alpha_ev_nm": alpha, "cells_nm": hs, "default_cell_nm": h0}
    for k, v in vals.items():
        d = [v[i] - v[i + 1] for i in range(len(v) - 1)]
        orders = [math.log2(abs(d[i] / d[i + 1])) if d[i + 1] != 0 else math.nan for i in range(len(d) - 1)]
        p = orders[-1]
        extrap = v[-1] + (v[-1] - v[-2]) / (2**p - 1)
        out[k] = {
            "values": v,
            "observed_orders": orders,
            "richardson": extrap,
            "default_rel_error": abs(default[k] - extrap) / abs(extrap),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--degree", type=int, default=2)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    res = [study(alpha, a.degree) for alpha in (5e-4, 5e-3, 5e-2)]
    print("| α (eV·nm) | quantity | orders (successive) | Richardson (J/m²) | default-mesh rel. error |")
    print("|---|---|---|---|---|")
    for r in res:
        for k in ("T_perp_J_per_m2", "T_par_J_per_m2"):
            q = r[k]
            orders = ", ".join(f"{o:.2f}" for o in q["observed_orders"])
            print(f"| {r['alpha_ev_nm']:.0e} | {k} | {orders} | {q['richardson']:.6e} | {q['default_rel_error']:.1e} |")
    if a.json:
        from rashba_diffusion.io import atomic_write_text

        atomic_write_text(a.json, json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
