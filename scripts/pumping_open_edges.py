"""Why the 2d pumping sample is short-circuited on its whole boundary (docs/model.md §12.9).

Run:  OMP_NUM_THREADS=1 .venv/bin/python scripts/pumping_open_edges.py [--size-nm 200] [--cell-nm 0.4]
(about 10 min at the defaults on 2 cores)

Uniform precession about ẑ (paper film, 10 GHz, θ = 30°) on the 200 × 200 nm rectangle (P1, 0.4 nm edge cells,
BDF2 with 16 steps per period, 2 periods): a and b of the interior against the infinite film, (i) with the
package's boundary (ν = 0 on all four edges) and (ii) with ν = 0 at x = 0, L only and insulating edges y = 0, W,
where the pumped current along y builds a Hall-like ν gradient that feeds back into δS.
"""

from __future__ import annotations

import argparse
import dataclasses

from rashba_diffusion.fem._compat import MPI
from rashba_diffusion.meshing.structured import pumping_rectangle
from rashba_diffusion.meshing.tags import CONTACT_LEFT, CONTACT_RIGHT
from rashba_diffusion.physics.pumping import Precession, PumpingPoint
from rashba_diffusion.physics.rashba import paper_film
from rashba_diffusion.problems import pumping as P
from rashba_diffusion.problems.pumping_bulk import solve_bulk_pumping
from rashba_diffusion.problems.specs import PumpingSpec

KEYS = ("torque_coefficient_a", "torque_coefficient_b", "torque_coefficient_a_adiabatic",
        "torque_coefficient_b_adiabatic")


def open_y_edges(point, spec, comm):
    """The package's rectangle with contacts at x = 0 and x = L only (the y edges insulating)."""
    g = pumping_rectangle(comm, spec.resolved_length_nm, spec.resolved_width_nm, spec.resolved_cell_nm(point.film))
    return dataclasses.replace(g, contacts=(CONTACT_LEFT, CONTACT_RIGHT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-nm", type=float, default=200.0, help="side of the square (nm)")
    ap.add_argument("--cell-nm", type=float, default=0.4, help="edge cell size (nm)")
    a = ap.parse_args()
    point = PumpingPoint(paper_film(5e-2), Precession(10.0, 30.0))
    exact, _ = solve_bulk_pumping(point)
    spec = PumpingSpec("2d", length_nm=a.size_nm, width_nm=a.size_nm, cell_nm=a.cell_nm, degree=1,
                       dt_ps=100.0 / 16, periods=2)
    for label, builder in (("contacts on all edges (the package)", P.build_pumping_geometry),
                           ("contacts at x = 0, L only, y edges insulating", open_y_edges)):
        P.build_pumping_geometry = builder
        s = P.solve_pumping(point, spec, MPI.COMM_WORLD).summary
        errs = ", ".join(f"{k[19:]} {abs(s[k] / exact[k] - 1):.2e}" for k in KEYS)
        print(f"{label}: relative difference to the infinite film: {errs}", flush=True)


if __name__ == "__main__":
    main()
