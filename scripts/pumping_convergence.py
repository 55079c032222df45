"""Temporal convergence of the finite-element pumping run against the exact periodic state (docs/model.md §12.9).

Run:  .venv/bin/python scripts/pumping_convergence.py [--json out.json] [--quick]

Uniform precession (10 GHz, θ = 30°, paper film α = 5e-2 eV·nm, full model with DP) about ẑ and about x̂, on the
1d line (1000 nm between contacts, 2 nm P2 cells, averaged over the central 200 nm: its quasi-static interior
equals the infinite film to 1e-12, and the contacts' ν response, which reaches ~sqrt(2D/ω) = 63 nm in at 10 GHz,
stays below 1e-9 there; a 100 nm line shows a floor of ~5e-8 in b from it), BDF1 and BDF2 with 16 … 512 steps
per period (2 periods, the second averaged); and the 2d rectangle (200 × 200 nm, P1, 0.5 nm edge cells) with
BDF2 up to 64 steps.  Prints the relative errors of
a, b and ⟨δS⟩ along the axis, and the observed orders log2(e(h)/e(h/2)).  The slow test
``test_temporal_convergence_study`` runs the same study.
"""

from __future__ import annotations

import argparse
import json
import math

from rashba_diffusion.physics.pumping import Precession, PumpingPoint
from rashba_diffusion.physics.rashba import paper_film
from rashba_diffusion.problems.pumping import solve_pumping
from rashba_diffusion.problems.pumping_bulk import solve_bulk_pumping
from rashba_diffusion.problems.specs import PumpingSpec

KEYS = ("torque_coefficient_a", "torque_coefficient_b")


def study(axis, geometry: str = "1d", scheme: str = "bdf2", steps=(16, 32, 64, 128, 256, 512)) -> dict:
    """Errors against the exact state for each number of steps per period, and the observed orders."""
    point = PumpingPoint(paper_film(5e-2), Precession(10.0, 30.0, axis=axis))
    exact, _ = solve_bulk_pumping(point)
    i = max(range(3), key=lambda j: abs(axis[j]))
    rows = []
    for n in steps:
        if geometry == "1d":
            spec = PumpingSpec("1d", length_nm=1000.0, cell_nm=2.0, dt_ps=100.0 / n, periods=2, scheme=scheme,
                               interior_fraction=0.2)
        else:
            spec = PumpingSpec("2d", length_nm=200.0, width_nm=200.0, cell_nm=0.5, degree=1, dt_ps=100.0 / n,
                               periods=2, scheme=scheme)
        s = solve_pumping(point, spec).summary
        err = {k: abs(s[k] / exact[k] - 1.0) for k in KEYS}
        err["spin"] = abs(s["pumped_spin_dc_hbar_per_m2"][i] / exact["pumped_spin_dc_hbar_per_m2"][i] - 1.0)
        rows.append({"steps_per_period": n, "dofs": s["dofs"], "factorizations": s["factorizations"],
                     "krylov_iterations": s["krylov_iterations"], **{f"error_{k}": v for k, v in err.items()}})
    for prev, row in zip(rows, rows[1:], strict=False):
        for k in (*KEYS, "spin"):
            row[f"order_{k}"] = math.log2(prev[f"error_{k}"] / row[f"error_{k}"])
    return {"axis": list(axis), "geometry": geometry, "scheme": scheme, "rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", default=None)
    ap.add_argument("--quick", action="store_true", help="16 … 128 steps only")
    a = ap.parse_args()
    steps = (16, 32, 64, 128) if a.quick else (16, 32, 64, 128, 256, 512)
    out = []
    for geometry, axis, scheme in (("1d", (0, 0, 1), "bdf1"), ("1d", (0, 0, 1), "bdf2"), ("1d", (1, 0, 0), "bdf1"),
                                   ("1d", (1, 0, 0), "bdf2"), ("2d", (0, 0, 1), "bdf2")):
        st = study(axis, geometry, scheme, steps if geometry == "1d" else steps[:4])
        out.append(st)
        print(f"\n{geometry} axis {tuple(axis)} {scheme}")
        print("| steps/period | dofs | factorizations | iterations | err a | err b | err ⟨δS⟩ | order a | order b | "
              "order ⟨δS⟩ |")
        for r in st["rows"]:
            orders = " | ".join(f"{r[f'order_{k}']:.2f}" if f"order_{k}" in r else "–" for k in (*KEYS, "spin"))
            print(f"| {r['steps_per_period']} | {r['dofs']} | {r['factorizations']} | {r['krylov_iterations']} | "
                  f"{r['error_torque_coefficient_a']:.2e} | {r['error_torque_coefficient_b']:.2e} | "
                  f"{r['error_spin']:.2e} | {orders} |", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
