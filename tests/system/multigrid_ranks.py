"""The multigrid preset against MUMPS on small 3D cases, on however many ranks this runs on (tests start it with
``mpiexec -n 2``): rank 0 prints one JSON object, case -> {"dofs", "iterations", "rel_diff", "preconditioner",
"reference"} (the MUMPS output: volume integrals of the film box's fields, the bilayer's torque vector).

``python -m tests.system.multigrid_ranks`` (with the repository root on PYTHONPATH).
"""

from __future__ import annotations

import json

import numpy as np

from rashba_diffusion.fem._compat import MPI, fem, ufl
from rashba_diffusion.fem.solver import LinearSolver
from rashba_diffusion.meshing.gmsh_build import bilayer_stripe_3d
from rashba_diffusion.meshing.refine import refine_geometry
from rashba_diffusion.models.rashba import RashbaModel
from rashba_diffusion.physics.bilayer import DEFAULTS, Ferromagnet, HeavyMetal, Interface
from rashba_diffusion.physics.rashba import Drive, paper_film
from rashba_diffusion.problems.bilayer import solve_bilayer
from rashba_diffusion.problems.specs import BilayerSpec
from rashba_diffusion.studies.bench.cases import BILAYER_FM, BILAYER_M, WIRE_ALPHA_EV_NM, film_box_3d

#: an oblique drive and magnetization: every coupling of the operator is active
DRIVE = Drive(1e5, (0.6, 0.8, 0.0))
M = (0.0, 0.6, 0.8)
#: film box cells across W of the P2 case; the P1 case is the box of 3 cells refined twice (12 across)
FILM_P2_CELLS = 6
FILM_P1_COARSE_CELLS, FILM_P1_REFINEMENTS = 3, 2
#: the bilayer stripe (nm): 8 × 8, interface cell 1 nm refined once (P1: twice)
STRIPE_NM, STRIPE_CELL_NM = 8.0, 1.0


def film_means(geometry, degree: int, preset: str) -> tuple[np.ndarray, int, str, int]:
    """Volume integrals of (s_x, s_y, s_z, ν) of the film box, iterations, preconditioner, dofs."""
    comm = geometry.msh.comm
    model = RashbaModel(geometry, paper_film(WIRE_ALPHA_EV_NM), DRIVE, M, degree=degree)
    with LinearSolver(model.system, {"preset": preset}) as solver:
        u = solver.solve()
        out = np.array([comm.allreduce(fem.assemble_scalar(fem.form(u[i] * ufl.dx)), op=MPI.SUM) for i in range(4)])
        ndofs = model.V.dofmap.index_map.size_global * model.V.dofmap.index_map_bs
        return out, solver.iterations, solver.preconditioner, ndofs


def bilayer_torque(geometry, degree: int, preset: str) -> tuple[np.ndarray, int, str, int]:
    """The torque vector of the bilayer stripe (charge current between the contacts)."""
    d = DEFAULTS
    hm = HeavyMetal(d["hm_thickness_nm"], d["hm_lambda_nm"], d["hm_sigma_s_per_m"], d["theta_sh"])
    fm = Ferromagnet(thickness_nm=1.0, **BILAYER_FM)
    interface = Interface("mixing", d["g_mix_real_s_per_m2"], d["g_mix_imag_s_per_m2"])
    r = solve_bilayer(hm, fm, interface, BILAYER_M, d["j_a_per_m2"], BilayerSpec("3d", degree=degree),
                      geometry.msh.comm, geometry=geometry, petsc_options={"preset": preset})
    return np.array(r.summary["T_vector_J_per_m2"]), r.summary["krylov_iterations"], "", r.summary["dofs"]


def compare(solve, geometry, degree: int) -> dict:
    ref = solve(geometry, degree, "direct")[0]
    out, its, pc, ndofs = solve(geometry, degree, "multigrid")
    return {"dofs": ndofs, "iterations": its, "preconditioner": pc, "reference": ref.tolist(),
            "rel_diff": float(np.max(np.abs(out - ref)) / np.max(np.abs(ref)))}


def main() -> dict:
    comm = MPI.COMM_WORLD
    stripe = bilayer_stripe_3d(STRIPE_NM, STRIPE_NM, DEFAULTS["hm_thickness_nm"], 1.0, STRIPE_CELL_NM,
                               cell_max_nm=4 * STRIPE_CELL_NM, lateral_cell_nm=4 * STRIPE_CELL_NM, comm=comm)
    return {
        "film_p2": compare(film_means, film_box_3d(comm, FILM_P2_CELLS), 2),
        "film_p1": compare(film_means, refine_geometry(film_box_3d(comm, FILM_P1_COARSE_CELLS), FILM_P1_REFINEMENTS),
                           1),
        "bilayer_p2": compare(bilayer_torque, refine_geometry(stripe, 1), 2),
        "bilayer_p1": compare(bilayer_torque, refine_geometry(stripe, 2), 1),
    }


if __name__ == "__main__":
    result = main()
    if MPI.COMM_WORLD.rank == 0:
        print(json.dumps(result))
