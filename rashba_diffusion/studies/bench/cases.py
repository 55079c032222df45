"""Benchmark cases, each run in its own process (``python -m rashba_diffusion.studies.bench.cases CASE JSON``).

A case returns one JSON-able dict: the discretization, the wall time of every
phase (max over MPI ranks), the peak resident memory of every rank, and its
results.  :mod:`.registry` spawns the cases (through ``mpiexec -n 2`` for two ranks)
so that each one has a fresh process: clean peak-memory numbers and no MPI
state shared between runs.

Cases
-----
``wire``          one 2D wire solve (``solve_wire``, P2, MUMPS by default) on
                  a uniform mesh of the paper's wire sized for a target dof count,
                  the bare MUMPS factorization of the same matrix, and (1 rank) the
                  SciPy baseline (:mod:`rashba_diffusion.verification.scipy_baseline`) with the
                  torque agreement.
``film3d``        a 3D Rashba film box in "plane" mode solved with the iterative
                  preset: Krylov iterations and phases.
``fig3_sweep``    the Fig. 3 sweep through the sweep engine, timed against one MUMPS
                  factorization on the same mesh (:func:`.sweep_cost.measure_sweep`).
``bilayer3d``     a 3D HM/FM bilayer stripe (gmsh, charge current between the contacts,
                  finite FM behind a mixing interface) solved with the iterative preset:
                  phases, Krylov iterations, torques and the 1D closed form.
``domain_wall``   a domain wall driven by the Rashba film's self-consistent spin diffusion
                  (:mod:`.domain_wall`): steps per second, the spin solve's share, and the
                  spin solve's variants (warm start, factorization reuse) side by side.
``pumping``       a time-stepped pumping run (:class:`~rashba_diffusion.problems.pumping.PumpingSession`): the
                  1D helix, the 2D 200 × 200 nm uniform precession, and the same 2D mesh with an operator that
                  does not change (no m-dependent term): time per step, the share spent factorizing, how
                  many factorizations, and the result against the exact periodic state.
"""

from __future__ import annotations

import json
import math
import resource
import sys
import time

import numpy as np

from ...fem._compat import DOLFINX_VERSION, MPI, PETSc, fem_petsc, mesh
from ...fem.geometry import Geometry
from ...fem.postprocess import global_dofs
from ...fem.solver import LinearSolver
from ...fem.solver_options import ITERATIVE_PETSC_OPTIONS, resolve_petsc_options
from ...meshing.gmsh_build import bilayer_stripe_3d
from ...meshing.gmsh_build import wire as wire_mesh
from ...meshing.tags import CONTACT_LEFT, CONTACT_RIGHT, EDGE_HIGH, EDGE_LOW, WIRE_FACETS
from ...models.rashba import RashbaModel
from ...physics.bilayer import DEFAULTS, Ferromagnet, HeavyMetal, Interface
from ...physics.rashba import Drive, paper_film
from ...problems.bilayer import solve_bilayer
from ...problems.specs import BilayerSpec, WireSpec
from ...problems.wire import solve_wire
from .domain_wall import run_domain_wall_bench
from .registry import RESULT_TAG
from .sweep_cost import factorization_times, measure_sweep, reduce_config

#: the paper's wire (Figs. 2-3): W = 50 nm, L = 4 W
WIRE_WIDTH_NM = 50.0
WIRE_LENGTH_NM = 200.0
WIRE_ALPHA_EV_NM = 5e-2
WIRE_M = (1.0, 0.0, 0.0)
EFIELD_V_PER_M = 1e5
#: P2 dofs of a uniform triangle mesh: 4 fields × (vertices + edges) ≈ 4 × 4 × (2 A / (√3 h²))
P2_DOFS_PER_AREA_H2 = 4 * 4 * 2 / math.sqrt(3)
#: the 3D film box (nm): thin film, cells across the width set the refinement
BOX_LENGTH_NM, BOX_WIDTH_NM, BOX_THICKNESS_NM = 8.0, 4.0, 1.0
KB = 1024.0


def peak_rss_mb(comm: MPI.Comm) -> list[float]:
    """Peak resident set size of every rank in MiB (Linux ru_maxrss is in KiB)."""
    return comm.allgather(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KB)


def max_over_ranks(comm: MPI.Comm, timings: dict[str, float]) -> dict[str, float]:
    return {k: comm.allreduce(float(v), op=MPI.MAX) for k, v in timings.items()}


def versions() -> dict[str, str]:
    return {
        "dolfinx": DOLFINX_VERSION,
        "petsc": ".".join(str(x) for x in PETSc.Sys.getVersion()),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
    }


def wire_cell_nm(target_dofs: float) -> float:
    """Uniform cell size (nm) that gives about ``target_dofs`` P2 dofs on the paper's wire."""
    area = WIRE_LENGTH_NM * WIRE_WIDTH_NM
    return min(math.sqrt(P2_DOFS_PER_AREA_H2 * area / float(target_dofs)), WIRE_WIDTH_NM / 4)


#: the phases of "the full wire solve": everything after the mesh and the forms
FULL_SOLVE_PHASES = ("matrix_create", "assemble_matrix", "assemble_rhs", "setup", "solve", "neutrality", "postprocess")


def run_wire(target_dofs: float, petsc_options: dict | None = None, baseline: bool = True) -> dict:
    """One 2D wire solve at about ``target_dofs`` dofs, its bare factorization and the SciPy baseline."""
    comm = MPI.COMM_WORLD
    film, drive = paper_film(WIRE_ALPHA_EV_NM), Drive(EFIELD_V_PER_M)
    h = wire_cell_nm(target_dofs)
    spec = WireSpec(width_nm=WIRE_WIDTH_NM, geometry="2d", length_nm=WIRE_LENGTH_NM, cell_nm=h)
    comm.barrier()
    t0 = time.perf_counter()
    g = wire_mesh(WIRE_LENGTH_NM, WIRE_WIDTH_NM, h, cell_bulk_nm=h, comm=comm)
    t_mesh = time.perf_counter() - t0
    res = solve_wire(film, drive, WIRE_M, spec, comm, petsc_options=petsc_options, geometry=g)
    timings = max_over_ranks(comm, {**res.timings, "mesh": t_mesh})
    full = sum(timings[k] for k in FULL_SOLVE_PHASES)
    out = {
        "case": "wire", "target_dofs": target_dofs, "dofs": res.summary["dofs"], "ranks": comm.size,
        "cell_nm": h, "degree": spec.degree, "petsc_options": resolve_petsc_options(petsc_options),
        "krylov_iterations": res.summary["krylov_iterations"], "timings_s": timings,
        "full_solve_s": full, "end_to_end_s": full + timings["forms"],
        "T_perp_J_per_m2": res.summary["T_perp_J_per_m2"], "T_par_J_per_m2": res.summary["T_par_J_per_m2"],
    }  # fmt: skip
    # the bare factorization of the same (re-assembled, identical) matrix
    system = res.model.system
    A = fem_petsc.assemble_matrix(system.a, bcs=system.bcs)
    A.assemble()
    out["bare_factorization_s"] = factorization_times(A, 1, tag="bare", numeric=False)[0][0]
    A.destroy()
    out["full_over_factorization"] = full / out["bare_factorization_s"]
    if baseline and comm.size == 1:
        from ...verification.scipy_baseline import solve_wire_baseline

        gx = g.msh.geometry
        b = solve_wire_baseline(gx.x, gx.dofmaps(0) if callable(gx.dofmaps) else gx.dofmaps[0], WIRE_LENGTH_NM,
                                WIRE_WIDTH_NM, film.coefficients(), drive, WIRE_M)
        out["baseline"] = {"dofs": b.dofs, "timings_s": b.timings, "T_perp_J_per_m2": b.T_perp_J_per_m2,
                           "T_par_J_per_m2": b.T_par_J_per_m2, "factor_nnz": b.factor_nnz}
        out["baseline_rel_diff"] = max(abs(b.T_perp_J_per_m2 / out["T_perp_J_per_m2"] - 1.0),
                                       abs(b.T_par_J_per_m2 / out["T_par_J_per_m2"] - 1.0))
        # same scope on both sides: everything after the mesh
        out["speedup_vs_scipy"] = b.timings["total"] / out["end_to_end_s"]
        out["baseline_over_factorization_scipy"] = b.timings["total"] / b.timings["factorization"]
    out["peak_rss_mb"] = peak_rss_mb(comm)
    return out


def film_box_3d(comm: MPI.Comm, cells_across: int) -> Geometry:
    """Tetrahedral box [0, L] × [0, W] × [0, t] with the wire's tags: sinks y = 0, W; contacts x = 0, L.

    The z faces are free (zero normal current).  ``cells_across`` cells span W;
    the cells are cubes split into tetrahedra, so L and t get proportional counts.
    """
    h = BOX_WIDTH_NM / cells_across
    n = [max(1, round(d / h)) for d in (BOX_LENGTH_NM, BOX_WIDTH_NM, BOX_THICKNESS_NM)]
    msh = mesh.create_box(comm, [np.zeros(3), np.array([BOX_LENGTH_NM, BOX_WIDTH_NM, BOX_THICKNESS_NM])], n,
                          mesh.CellType.tetrahedron)
    fdim = 2
    msh.topology.create_connectivity(fdim, 3)
    tol = 1e-9 * BOX_WIDTH_NM
    where = (
        (EDGE_LOW, lambda x: np.abs(x[1]) < tol),
        (EDGE_HIGH, lambda x: np.abs(x[1] - BOX_WIDTH_NM) < tol),
        (CONTACT_LEFT, lambda x: np.abs(x[0]) < tol),
        (CONTACT_RIGHT, lambda x: np.abs(x[0] - BOX_LENGTH_NM) < tol),
    )
    ents = [mesh.locate_entities_boundary(msh, fdim, f) for _, f in where]
    vals = [np.full(e.size, tag, dtype=np.int32) for (tag, _), e in zip(where, ents, strict=True)]
    ent, first = np.unique(np.concatenate(ents).astype(np.int32), return_index=True)  # edges: first tag wins
    ft = mesh.meshtags(msh, fdim, ent, np.concatenate(vals)[first])
    return Geometry(msh=msh, facet_tags=ft, mode="plane", width_nm=BOX_WIDTH_NM, length_nm=BOX_LENGTH_NM,
                    spin_sinks=(EDGE_LOW, EDGE_HIGH), contacts=(CONTACT_LEFT, CONTACT_RIGHT),
                    tag_names=dict(WIRE_FACETS))


def run_film3d(cells_across: int, degree: int = 2, petsc_options: dict | None = None) -> dict:
    """Solve the 3D film box with the iterative preset (or ``petsc_options``); iterations and phases."""
    comm = MPI.COMM_WORLD
    opts = dict(ITERATIVE_PETSC_OPTIONS) if petsc_options is None else petsc_options
    comm.barrier()
    t0 = time.perf_counter()
    g = film_box_3d(comm, cells_across)
    t1 = time.perf_counter()
    model = RashbaModel(g, paper_film(WIRE_ALPHA_EV_NM), Drive(EFIELD_V_PER_M), WIRE_M, degree=degree)
    t2 = time.perf_counter()
    with LinearSolver(model.system, opts) as solver:
        t3 = time.perf_counter()
        u = solver.solve()
    timings = max_over_ranks(comm, {"mesh": t1 - t0, "forms": t2 - t1, "matrix_create": t3 - t2, **solver.timings})
    norm = u.x.petsc_vec.norm()
    return {
        "case": "film3d", "cells_across": cells_across, "cell_nm": BOX_WIDTH_NM / cells_across, "degree": degree,
        "dofs": global_dofs(model.V), "ranks": comm.size, "krylov_iterations": solver.iterations,
        "petsc_options": solver.options, "timings_s": timings,
        "full_solve_s": sum(timings[k] for k in FULL_SOLVE_PHASES if k in timings),
        "solution_norm": norm, "peak_rss_mb": peak_rss_mb(comm),
    }  # fmt: skip


def run_fig3_sweep(config: str, sweeps: int = 3, reps: int = 15, points_per_axis: int | None = None,
                   cell_nm: float | None = None) -> dict:
    """The sweep ``config`` (the Fig. 3 TOML) through the sweep engine against one factorization on its mesh.

    ``points_per_axis``/``cell_nm`` shrink it (:func:`.sweep_cost.reduce_config`; the tests' tiny suite).
    """
    from ..sweep.registry import load_config

    comm = MPI.COMM_WORLD
    cfg = load_config(config)
    if points_per_axis is not None or cell_nm is not None:
        cfg = reduce_config(cfg, points_per_axis, cell_nm)
    out = {"case": "fig3_sweep", "config": config, "reduced": points_per_axis is not None or cell_nm is not None,
           **measure_sweep(cfg, sweeps=sweeps, reps=reps, comm=comm)}
    out["peak_rss_mb"] = peak_rss_mb(comm)
    return out


#: the 3D bilayer stripe of the benchmark: the ``bilayer`` CLI's heavy metal and interface (Pt/Co-like), a finite
#: 1 nm FM with a conductivity contrast, m oblique (every torque component present), driven through its contacts
BILAYER_LENGTH_NM = BILAYER_WIDTH_NM = 24.0
BILAYER_FM_THICKNESS_NM = 1.0
BILAYER_FM = {"sigma_s_per_m": 2e7, "lambda_j_nm": 1.0, "lambda_phi_nm": 1.5, "lambda_sf_nm": 5.0}
BILAYER_M = (0.6, 0.0, 0.8)
#: in-plane cells and the largest cell height are this many interface cell heights: h sets the whole mesh
BILAYER_CELL_RATIO = 4.0
#: phases of "the full bilayer solve": everything after the mesh and the forms
BILAYER_FULL_PHASES = ("charge_current", *FULL_SOLVE_PHASES)


def run_bilayer3d(cell_nm: float, length_nm: float = BILAYER_LENGTH_NM, width_nm: float = BILAYER_WIDTH_NM,
                  petsc_options: dict | None = None) -> dict:
    """The 3D bilayer stripe with interface cell ``cell_nm`` (iterative preset unless ``petsc_options``)."""
    comm = MPI.COMM_WORLD
    d = DEFAULTS
    hm = HeavyMetal(d["hm_thickness_nm"], d["hm_lambda_nm"], d["hm_sigma_s_per_m"], d["theta_sh"])
    fm = Ferromagnet(thickness_nm=BILAYER_FM_THICKNESS_NM, **BILAYER_FM)
    interface = Interface("mixing", d["g_mix_real_s_per_m2"], d["g_mix_imag_s_per_m2"])
    opts = dict(ITERATIVE_PETSC_OPTIONS) if petsc_options is None else petsc_options
    lateral = min(BILAYER_CELL_RATIO * cell_nm, length_nm, width_nm)
    comm.barrier()
    t0 = time.perf_counter()
    g = bilayer_stripe_3d(length_nm, width_nm, hm.thickness_nm, fm.thickness_nm, cell_nm,
                                 cell_max_nm=BILAYER_CELL_RATIO * cell_nm, lateral_cell_nm=lateral, comm=comm)
    t_mesh = time.perf_counter() - t0
    r = solve_bilayer(hm, fm, interface, BILAYER_M, d["j_a_per_m2"], BilayerSpec("3d", degree=2), comm,
                      geometry=g, petsc_options=opts)
    timings = max_over_ranks(comm, {**r.timings, "mesh": t_mesh})
    full = sum(timings[k] for k in BILAYER_FULL_PHASES)
    s = r.summary
    # the straight stripe driven through contacts spanning both layers is translation invariant: the 1D film
    rel_1d = max(abs(s["xi_DL"] / s["xi_DL_analytic_1d"] - 1.0), abs(s["xi_FL"] / s["xi_FL_analytic_1d"] - 1.0))
    return {
        "case": "bilayer3d", "cell_nm": cell_nm, "length_nm": length_nm, "width_nm": width_nm, "degree": 2,
        "dofs": s["dofs"], "ranks": comm.size, "krylov_iterations": s["krylov_iterations"],
        "petsc_options": resolve_petsc_options(opts), "timings_s": timings, "full_solve_s": full,
        "end_to_end_s": full + timings["forms"], "T_vector_J_per_m2": s["T_vector_J_per_m2"],
        "xi_DL": s["xi_DL"], "xi_FL": s["xi_FL"], "closed_form_1d_rel_diff": rel_1d,
        "peak_rss_mb": peak_rss_mb(comm),
    }  # fmt: skip

#: the pumping benchmarks (the tiny suite of the tests shrinks the samples)
PUMPING_CASES = ("helix1d", "uniform2d", "constant2d")


def pumping_case(case: str, tiny: bool = False):
    """(point, spec) of a pumping benchmark (paper film, 10 GHz, θ = 30°, the default time stepping: BDF2, 32
    steps per period, 3 periods).

    ``helix1d``: a helix about ẑ (k = 0.05/nm), the default 1d line (200 nm, P2, cells a tenth of the shortest
    length); ``uniform2d``: uniform precession about ẑ on the default 200 × 200 nm rectangle (edge cells half the
    shortest length) with P1 elements (its interior equals the infinite film to 2e-8 with P1 already; the
    default P2 has 4× the dofs and took 6× longer, docs/performance.md); ``constant2d``: the same mesh, Δxc = 0
    with an explicit PF (s0 as with the Hamiltonian's rule): precession, dephasing, Γ and R vanish, so the
    operator is the same at every step.
    """
    from ...physics.pumping import Precession, PumpingPoint
    from ...problems.specs import PumpingSpec

    film = paper_film(5e-2)
    if case == "helix1d":
        pr = Precession(10.0, 30.0, texture="helix", wavevector_per_nm=0.05)
        spec = PumpingSpec("1d", length_nm=40.0 if tiny else None)
    elif case in ("uniform2d", "constant2d"):
        pr = Precession(10.0, 30.0)
        size = 40.0 if tiny else None
        spec = PumpingSpec("2d", length_nm=size, width_nm=size, degree=1, cell_nm=1.0 if tiny else spec_cell_of(film))
        if case == "constant2d":
            film = film.replace(tau_delta_s=math.inf, polarization=film.coefficients().PF)
    else:
        raise ValueError(f"unknown pumping case {case!r}; valid: {PUMPING_CASES}")
    return PumpingPoint(film, pr), spec


def _rel_or_none(x: float, ref: float) -> float | None:
    """|x/ref − 1|, or None for ref = 0 (nothing to compare with)."""
    return abs(x / ref - 1.0) if ref != 0.0 else None


def spec_cell_of(film) -> float:
    """The default 2d edge cell of ``film`` (the constant-operator case keeps the mesh of the uniform one)."""
    from ...problems.specs import PumpingSpec

    return PumpingSpec("2d").resolved_cell_nm(film)


def run_pumping(case: str, tiny: bool = False) -> dict:
    """One pumping run (:func:`pumping_case`): phases, factorizations, iterations, and a, b against the exact state."""
    from ...problems.pumping import PumpingSession
    from ...problems.pumping_bulk import solve_bulk_pumping

    comm = MPI.COMM_WORLD
    point, spec = pumping_case(case, tiny)
    t0 = time.perf_counter()
    with PumpingSession(point, spec, comm) as session:
        setup = time.perf_counter() - t0
        r = session.solve()
    s, t = r.summary, r.timings
    exact, _ = solve_bulk_pumping(point)
    transient = s["transient_seconds"]
    steps = s["time_steps"]
    phases = {k[len("transient_"):]: v for k, v in t.items()
              if k.startswith("transient_") and k[len("transient_"):] in ("assemble_matrix", "assemble_rhs",
                                                                           "factorize", "solve")}
    return {
        "case": "pumping", "pumping_case": case, "tiny": tiny, "dofs": s["dofs"], "ranks": comm.size,
        "time_steps": steps, "factorizations": s["factorizations"], "krylov_iterations": s["krylov_iterations"],
        "setup_s": setup, "transient_s": transient, "quasi_static_s": s["solve_seconds"] - transient,
        "end_to_end_s": setup + s["total_seconds"], "time_per_step_s": transient / steps,
        "factorization_share": phases["factorize"] / transient, "phases_s": phases,
        # (None where the exact value is 0: the constant-operator case, Δxc = 0, has no torque and no dc spin)
        "a_rel_diff_exact": _rel_or_none(s["torque_coefficient_a"], exact["torque_coefficient_a"]),
        "b_rel_diff_exact": _rel_or_none(s["torque_coefficient_b"], exact["torque_coefficient_b"]),
        "spin_rel_diff_exact": _rel_or_none(float(np.linalg.norm(s["pumped_spin_dc_hbar_per_m2"])),
                                            float(np.linalg.norm(exact["pumped_spin_dc_hbar_per_m2"]))),
        "peak_rss_mb": peak_rss_mb(comm),
    }  # fmt: skip


def json_default(obj):
    """numpy scalars -> Python numbers."""
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


CASES = {"wire": run_wire, "film3d": run_film3d, "fig3_sweep": run_fig3_sweep, "bilayer3d": run_bilayer3d,
         "domain_wall": run_domain_wall_bench,
         "pumping": run_pumping}


def main(argv: list[str] | None = None, cases: dict | None = None) -> int:
    """``python -m rashba_diffusion.studies.bench.cases CASE '{"kwarg": value}'``: rank 0 prints one JSON line.

    ``cases``: the table of case functions (default :data:`CASES`; :mod:`.scale_cases` passes its own).
    """
    argv = sys.argv[1:] if argv is None else argv
    name, kwargs = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    out = (CASES if cases is None else cases)[name](**kwargs)
    out["versions"] = versions()
    if MPI.COMM_WORLD.rank == 0:
        print(RESULT_TAG + json.dumps(out, default=json_default), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
