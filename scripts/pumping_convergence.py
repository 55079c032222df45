"""Temporal and spatial convergence of the finite-element pumping run against exact periodic states (docs/model.md
§12.9).

Run:  .venv/bin/python scripts/pumping_convergence.py [--json out.json] [--quick]      (temporal)
      .venv/bin/python scripts/pumping_convergence.py --spatial [--json out.json]    (spatial, ~3 min: see
      ``spatial_study``)

Uniform precession (10 GHz, θ = 30°, paper film α = 5e-2 eV·nm, full model with DP) about ẑ and about x̂, on the
1d line (1000 nm between contacts, 2 nm P2 cells, averaged over the central 200 nm: its quasi-static interior
equals the infinite film to 1e-12, and the contacts' ν response, which reaches ~sqrt(2D/ω) = 63 nm in at 10 GHz,
stays below 1e-9 there; a 100 nm line shows a floor of ~5e-8 in b from it), BDF1 and BDF2 with 16 … 512 steps
per period (2 periods, the second averaged); and the 2d rectangle (200 × 200 nm, P1, 0.5 nm edge cells) with
BDF2 up to 64 steps.  Prints the relative errors of
a, b and ⟨δS⟩ along the axis, and the observed orders log2(e(h)/e(h/2)).  The slow tests
``test_temporal_convergence_study`` and ``test_spatial_convergence_study`` run the same studies.
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


def corotating_exact(point: PumpingPoint, quasi_static: bool) -> tuple[float, float]:
    """(a, b) of a helix about ẑ at α = 0 from the co-rotating-frame 3x3 problem (docs/model.md §12.5):
    (M0 + ω[ẑ]× + Dk²(1 − ẑẑ)) u = −s0 ω ẑ × m0, M0 = bulk.relaxation_matrix(m0), m0 = sinθ x̂ + cosθ ẑ (without
    ω[ẑ]× when quasi-static).  Independent of the FE code and of physics.pumping's spectral solver."""
    import numpy as np

    from rashba_diffusion.physics.bulk import relaxation_matrix
    from rashba_diffusion.physics.torque import torque_from_spin

    model, pr = point.model(), point.precession
    c, s0, k, w, th = model.coefficients, model.s0_per_nm2, pr.wavevector_per_nm, pr.omega_per_fs, pr.theta_rad
    z = np.array([0.0, 0.0, 1.0])
    m0 = np.array([math.sin(th), 0.0, math.cos(th)])
    zx = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    K = relaxation_matrix(c, m0) + c.D * k * k * (np.eye(3) - np.outer(z, z)) + (0.0 if quasi_static else w * zx)
    mdot = w * np.cross(z, m0)
    T = torque_from_spin(c, m0, np.linalg.solve(K, -s0 * mdot))
    return float(T @ mdot / (s0 * mdot @ mdot)), float(T @ np.cross(m0, mdot) / (s0 * mdot @ mdot))


def spatial_study(degree: int, cells=(4.0, 2.0, 1.0, 0.5), k: float = 0.1, steps: int = 64) -> dict:
    """Spatial convergence on the 1d line: a helix about ẑ at α = 0 (k = 0.1/nm, wavelength 63 nm; the only case
    with spatial variation in the interior and an exact reference, the co-rotating frame), 500 nm between contacts
    averaged over the central 100 nm (the contacts' spin boundary layers, λsf = 11 nm, are < 1e-10 there).  The
    quasi-static run has no time error (its N samples are averaged exactly): its error against the exact
    quasi-static state is the spatial error alone.  The transient's error against the exact periodic state at
    ``steps`` BDF2 steps per period is reported too (space + time: it stops falling at the time error)."""
    point = PumpingPoint(paper_film(0.0), Precession(10.0, 30.0, texture="helix", wavevector_per_nm=k))
    (a, b), (aq, bq) = corotating_exact(point, False), corotating_exact(point, True)
    rows = []
    for h in cells:
        spec = PumpingSpec("1d", length_nm=500.0, cell_nm=h, degree=degree, dt_ps=100.0 / steps, periods=2,
                           interior_fraction=0.2)
        s = solve_pumping(point, spec).summary
        rows.append({"cell_nm": h, "dofs": s["dofs"],
                     "error_a_adiabatic": abs(s["torque_coefficient_a_adiabatic"] / aq - 1.0),
                     "error_b_adiabatic": abs(s["torque_coefficient_b_adiabatic"] / bq - 1.0),
                     "error_a": abs(s["torque_coefficient_a"] / a - 1.0),
                     "error_b": abs(s["torque_coefficient_b"] / b - 1.0)})
    for prev, row in zip(rows, rows[1:], strict=False):
        for key in ("a_adiabatic", "b_adiabatic"):
            row[f"order_{key}"] = math.log2(prev[f"error_{key}"] / row[f"error_{key}"])
    return {"degree": degree, "wavevector_per_nm": k, "steps_per_period": steps, "rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", default=None)
    ap.add_argument("--quick", action="store_true", help="16 … 128 steps only")
    ap.add_argument("--spatial", action="store_true", help="the spatial study only (helix, P1 and P2)")
    a = ap.parse_args()
    if a.spatial:
        out = [spatial_study(1, (4.0, 2.0, 1.0, 0.5, 0.25)), spatial_study(2)]
        for st in out:
            print(f"\n1d helix k = {st['wavevector_per_nm']}/nm, P{st['degree']}")
            print("| cell (nm) | dofs | err a_adiabatic | err b_adiabatic | order a_ad | order b_ad | err a | err b |")
            for r in st["rows"]:
                o = " | ".join(f"{r[f'order_{k}']:.2f}" if f"order_{k}" in r else "–"
                               for k in ("a_adiabatic", "b_adiabatic"))
                print(f"| {r['cell_nm']:g} | {r['dofs']} | {r['error_a_adiabatic']:.2e} | {r['error_b_adiabatic']:.2e} "
                      f"| {o} | {r['error_a']:.2e} | {r['error_b']:.2e} |", flush=True)
        if a.json:
            with open(a.json, "w") as f:
                json.dump(out, f, indent=1)
        return
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
