"""Mesh convergence of the width-averaged torques of the paper's wire.

Usage:  python benchmarks/wire_convergence.py [--degree 2] [--two-d] [--json out.json]

For α = 5e-4, 5e-3, 5e-2 eV·nm (Fig. 2 material, W = 50 nm, m = x̂, E = 1e5 V/m)
the 1D cross-section is solved on cells 4 h0 / 2^k (k = 0..5, h0 = the default
cell λ_min/10).  It reports the observed orders p = log2(|Δ_k|/|Δ_k+1|) of
successive differences, the Richardson-extrapolated value (finest pair, last
observed order) and the relative error of the default mesh against it.  The
default must be within 0.5 % (tests/system/test_convergence.py asserts it).

``--two-d`` also solves the full 2D wire (gmsh, default length) with the default
edge cell h0 (0.5 λ_min) and 2 h0, 4 h0, and reports the deviation of each from
the 1D Richardson value (the middle of a long wire is the cross-section).
"""

from __future__ import annotations

import argparse
import json

from rashba_diffusion import Drive, WireSpec, paper_film, solve_wire
from rashba_diffusion.problems.specs import default_wire_cell_nm
from rashba_diffusion.verification.references import TORQUE_KEYS, wire_mesh_study

ALPHAS_EV_NM = (5e-4, 5e-3, 5e-2)
DRIVE = Drive(1e5)
M = (1.0, 0.0, 0.0)
#: the paper's wire: its PF = Δxc/εF (the package's default is the Hamiltonian's), as in docs/verification.md
RULE = "eq17"
WIDTH_NM = 50.0


def two_d_check(alpha: float, reference: dict, degree: int = 2) -> dict:
    """2D wire on edge cells 4 h0, 2 h0, h0 against the 1D Richardson values."""
    film = paper_film(alpha, polarization_rule=RULE)
    h0 = default_wire_cell_nm(film, WireSpec(WIDTH_NM, geometry="2d", degree=degree))
    rows = []
    for f in (4.0, 2.0, 1.0):
        s = solve_wire(film, DRIVE, M, WireSpec(WIDTH_NM, geometry="2d", cell_nm=f * h0, degree=degree)).summary
        rows.append({"cell_nm": f * h0, "dofs": s["dofs"],
                     **{k: s[k] for k in TORQUE_KEYS},
                     **{f"{k}_rel_dev": abs(s[k] - reference[k]) / abs(reference[k]) for k in TORQUE_KEYS}})
    return {"alpha_ev_nm": alpha, "rows": rows}


def run(degree: int = 2, levels: int = 6, two_d: bool = False) -> dict:
    studies = [wire_mesh_study(paper_film(a, polarization_rule=RULE), DRIVE, M, WIDTH_NM, degree=degree,
                               levels=levels)
               for a in ALPHAS_EV_NM]
    out = {"studies": studies}
    if two_d:
        out["two_d"] = [two_d_check(s["alpha_ev_nm"], {k: s[k]["richardson"] for k in TORQUE_KEYS}, degree)
                        for s in studies]
    return out


def markdown(res: dict) -> str:
    lines = ["| α (eV·nm) | quantity | observed orders (coarse → fine) | Richardson (J/m²) | default cell (nm) "
             "| default-mesh rel. error |", "|---|---|---|---|---|---|"]
    for r in res["studies"]:
        for k in TORQUE_KEYS:
            q = r[k]
            orders = ", ".join(f"{o:.2f}" for o in q["observed_orders"])
            lines.append(f"| {r['alpha_ev_nm']:.0e} | {k} | {orders} | {q['richardson']:.7e} "
                         f"| {r['default_cell_nm']:.4f} | {q['default_rel_error']:.1e} |")
    if "two_d" in res:
        lines += ["", "| α (eV·nm) | 2D edge cell (nm) | dofs | T⊥ rel. dev. from 1D Richardson "
                  "| T∥ rel. dev. from 1D Richardson |", "|---|---|---|---|---|"]
        for r in res["two_d"]:
            for row in r["rows"]:
                lines.append(f"| {r['alpha_ev_nm']:.0e} | {row['cell_nm']:.4f} | {row['dofs']} "
                             f"| {row['T_perp_J_per_m2_rel_dev']:.1e} | {row['T_par_J_per_m2_rel_dev']:.1e} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--degree", type=int, default=2)
    ap.add_argument("--two-d", action="store_true", help="also check the 2D wire against the 1D extrapolation")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    res = run(a.degree, two_d=a.two_d)
    print(markdown(res))
    if a.json:
        from rashba_diffusion.files import atomic_write_text

        atomic_write_text(a.json, json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
