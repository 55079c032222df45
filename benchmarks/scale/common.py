"""Shared pieces of the scale studies (issue 15): the 3D problems, mesh hierarchies, solver recipes, runners.

Not a study itself: :mod:`precond3d` runs it.  The problems are the benchmark's two 3D cases
(``bench_cases``): the Rashba film box 8 × 4 × 1 nm (4 fields, contacts at x = 0, L, spin sinks at
y = 0, W) and the HM/FM bilayer stripe (6 fields, mixing interface, contacts), built as the benchmark
builds them, optionally as the uniform refinement of a coarser mesh (the hierarchy that geometric
multigrid needs).  A *recipe* names a preconditioner:

``mumps``      MUMPS LU (the reference solution)
``iterative``  today's preset (FGMRES + GAMG, solver_options.ITERATIVE_PETSC_OPTIONS)
``pmg``        FGMRES + p-multigrid: the P2 level smoothed, P1 Galerkin coarse level solved by one GAMG
               V-cycle (the preset's GAMG options); ``pmg_lu``: the same with an exact (MUMPS) P1 solve
``pmgc``       ``pmg:crtol=0.01`` through :class:`pmg.PMultigrid` (the class an integration would use),
               solved twice: the second time after re-assembling the matrix (``resolve_*`` keys)
``gmg``        FGMRES + geometric multigrid over the nested meshes (P2 → P1 on the finest mesh first when
               the degree is 2), MUMPS on the coarsest mesh; ``gmg_gamg``: GAMG on the coarsest mesh

Suffixes (``name:key=value/key=value...``): ``sm`` smoothing steps per level, ``nc`` no constraint handling
(PCMG's own Galerkin products), ``w`` W-cycle, ``ilu1`` ILU(1) in the level smoother,
``spc``/``sksp`` the level smoother's PC/KSP type (instead of bjacobi+ILU(0) / GMRES),
``thr`` GAMG threshold of the coarse solve, ``csm`` GAMG smoothing steps of the coarse solve,
``dg`` Dirichlet rows with the median interior diagonal instead of 1, ``crtol`` an inner FGMRES solve of
the coarse level to that relative tolerance (``cmax`` iterations at most) instead of one GAMG V-cycle.
"""

from __future__ import annotations

import dataclasses
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # this checkout's package first

from rashba_diffusion.fem import pmg  # noqa: E402
from rashba_diffusion.fem._compat import (  # noqa: E402
    MPI,
    PETSc,
    assemble_rhs,
    fem,
    fem_petsc,
    function_vector,
    has_external_package,
    ufl,
)
from rashba_diffusion.fem.solver_options import DIRECT_PETSC_OPTIONS, ITERATIVE_PETSC_OPTIONS  # noqa: E402
from rashba_diffusion.meshing.gmsh_build import bilayer_stripe_3d  # noqa: E402
from rashba_diffusion.meshing.refine import refine_geometry  # noqa: E402
from rashba_diffusion.models.rashba import RashbaModel  # noqa: E402
from rashba_diffusion.physics.bilayer import DEFAULTS, BilayerPoint, Ferromagnet, HeavyMetal, Interface  # noqa: E402
from rashba_diffusion.physics.rashba import Drive, paper_film  # noqa: E402
from rashba_diffusion.problems.bilayer import BilayerSession  # noqa: E402
from rashba_diffusion.problems.specs import BilayerSpec  # noqa: E402
from rashba_diffusion.studies.bench import cases as bench_cases  # noqa: E402

__all__ = ["MPI", "PETSc", "has_external_package", "pmg"]

KB = 1024.0


def rss_mb() -> float:
    """Current resident set size of this process (MiB)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / KB / KB


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KB


# --- meshes and hierarchies ---------------------------------------------------------------------------
def film_hierarchy(cells: int, levels: int, comm):
    """The film box with ``cells`` across W, as the (levels−1)-fold uniform refinement of a coarser box when
    ``levels`` > 1 (``Geometry.coarse_meshes`` holds the coarser meshes)."""
    c0 = cells // 2 ** (levels - 1)
    if c0 * 2 ** (levels - 1) != cells:
        raise ValueError(f"cells = {cells} is not {c0} × 2^{levels - 1}")
    return refine_geometry(bench_cases.film_box_3d(comm, c0), levels - 1)


def bilayer_hierarchy(cell_nm: float, levels: int, length_nm: float, comm):
    """The benchmark's bilayer stripe, interface cell ``cell_nm`` on the finest mesh.

    With ``levels`` > 1 the coarsest is meshed by gmsh with cell ``cell_nm`` × 2^(levels−1) and refined
    uniformly (the same grading; a different mesh from gmsh's own at ``cell_nm``).
    """
    h0 = cell_nm * 2 ** (levels - 1)
    ratio = bench_cases.BILAYER_CELL_RATIO
    g = bilayer_stripe_3d(length_nm, length_nm, DEFAULTS["hm_thickness_nm"], bench_cases.BILAYER_FM_THICKNESS_NM,
                          h0, cell_max_nm=ratio * h0, lateral_cell_nm=min(ratio * h0, length_nm), comm=comm)
    return refine_geometry(g, levels - 1)


# --- problems -------------------------------------------------------------------------------------
@dataclasses.dataclass
class Problem:
    """A 3D case on its finest mesh: the forms, the coarser meshes and a function giving the compared output."""

    name: str
    V: fem.FunctionSpace
    a: fem.Form
    L: fem.Form
    bcs: list
    coarse_meshes: tuple
    output: object  # callable(U) -> np.ndarray
    session: object = None

    @property
    def hierarchy(self) -> tuple:
        """Every mesh level, the finest last (as the study's JSON counts them)."""
        return (*reversed(self.coarse_meshes), self.V.mesh)


def film_problem(cells: int, degree: int, levels: int, comm) -> Problem:
    g = film_hierarchy(cells, levels, comm)
    model = RashbaModel(g, paper_film(bench_cases.WIRE_ALPHA_EV_NM), Drive(bench_cases.EFIELD_V_PER_M),
                        bench_cases.WIRE_M, degree=degree)
    vol = bench_cases.BOX_LENGTH_NM * bench_cases.BOX_WIDTH_NM * bench_cases.BOX_THICKNESS_NM

    def output(U) -> np.ndarray:
        """Volume mean of (s_x, s_y, s_z, ν) (1/nm²)."""
        return np.array([comm.allreduce(fem.assemble_scalar(fem.form(U[i] * ufl.dx)), op=MPI.SUM) / vol
                         for i in range(4)])

    return Problem("film3d", model.V, model.a, model.L, model.bcs, g.coarse_meshes, output)


def bilayer_problem(cell_nm: float, degree: int, levels: int, length_nm: float, comm) -> Problem:
    g = bilayer_hierarchy(cell_nm, levels, length_nm, comm)
    d = DEFAULTS
    hm = HeavyMetal(d["hm_thickness_nm"], d["hm_lambda_nm"], d["hm_sigma_s_per_m"], d["theta_sh"])
    fm = Ferromagnet(thickness_nm=bench_cases.BILAYER_FM_THICKNESS_NM, **bench_cases.BILAYER_FM)
    interface = Interface("mixing", d["g_mix_real_s_per_m2"], d["g_mix_imag_s_per_m2"])
    point = BilayerPoint(hm, fm, interface, d["j_a_per_m2"], bench_cases.BILAYER_M)
    # the charge-current solve (scalar) with the iterative preset: not what is measured here
    s = BilayerSession(point, BilayerSpec("3d", degree=degree), comm, geometry=g,
                       petsc_options=dict(ITERATIVE_PETSC_OPTIONS))
    m = s.model
    m.set_current(point.j_a_per_m2)  # as BilayerSession.solve does

    def output(U) -> np.ndarray:
        """The torque vector on the FM (J/m²)."""
        m.solution.x.array[:] = U.x.array
        return m.torque_vector_j_per_m2()[0]

    return Problem("bilayer3d", m.V, m.a, m.L, m.bcs, g.coarse_meshes, output, session=s)


# --- solver recipes ----------------------------------------------------------------------------------
def parse_recipe(recipe: str) -> tuple[str, dict[str, str]]:
    name, _, rest = recipe.partition(":")
    kv = dict(item.partition("=")[::2] for item in rest.split("/") if item)
    return name, kv


_COUNT = [0]


def make_ksp(problem: Problem, A: PETSc.Mat, recipe: str) -> tuple[PETSc.KSP, list, dict]:
    """A KSP for ``recipe`` on A (operators set, options applied, not yet set up); objects to keep alive."""
    name, kv = parse_recipe(recipe)
    comm = A.getComm()
    _COUNT[0] += 1
    prefix = f"s{_COUNT[0]}_"
    ksp = PETSc.KSP().create(comm)
    ksp.setOptionsPrefix(prefix)
    ksp.setOperators(A)
    keep: list = []
    info: dict = {}
    if name == "mumps":
        pmg.set_prefixed_options(prefix, DIRECT_PETSC_OPTIONS)
    elif name == "iterative":
        opts = dict(ITERATIVE_PETSC_OPTIONS)
        if "sm" in kv:
            opts["mg_levels_ksp_max_it"] = kv["sm"]
        if "thr" in kv:
            opts["pc_gamg_threshold"] = kv["thr"]
        pmg.set_prefixed_options(prefix, opts)
    elif name in ("pmg", "pmg_lu", "gmg", "gmg_gamg"):
        krylov = {k: v for k, v in ITERATIVE_PETSC_OPTIONS.items() if k.startswith("ksp_")}
        pmg.set_prefixed_options(prefix, krylov)
        t0 = time.perf_counter()
        prolongations, spaces = [], []
        V = problem.V
        degree = V.element.basix_element.degree
        if degree > 1:
            Vc, P = pmg.p_prolongation(V, 1)
            prolongations.append(P)
            spaces.append(Vc)
            V = Vc
        if name.startswith("gmg"):
            for msh in problem.coarse_meshes:
                Vc = pmg.lagrange_space(V, 1, msh)
                prolongations.append(pmg.nested_prolongation(Vc, V))
                spaces.append(Vc)
                V = Vc
        info["prolongation_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        ops = None
        if "nc" not in kv:
            ops = pmg.coarse_operators(A, prolongations, pmg.constrained_rows(problem.bcs, problem.V))
        info["galerkin_s"] = time.perf_counter() - t0
        info["levels"] = len(prolongations) + 1
        info["level_dofs"] = [int(P.getSize()[1]) for P in prolongations]
        smoother = dict(pmg.LEVEL_SMOOTHER_OPTIONS)
        if "sm" in kv:
            smoother["ksp_max_it"] = kv["sm"]
        if "ilu1" in kv:
            smoother["sub_pc_factor_levels"] = "1"
        if "spc" in kv:  # the level smoother's preconditioner instead of block Jacobi/ILU(0)
            smoother.pop("sub_pc_type")
            smoother["pc_type"] = kv["spc"]
        if "sksp" in kv:
            smoother["ksp_type"] = kv["sksp"]
        if name in ("pmg_lu", "gmg"):
            coarse = dict(pmg.LU_COARSE_OPTIONS)
        else:
            coarse = dict(pmg.GAMG_COARSE_OPTIONS)
            if "thr" in kv:
                coarse["pc_gamg_threshold"] = kv["thr"]
            if "csm" in kv:
                coarse["mg_levels_ksp_max_it"] = kv["csm"]
            if "crtol" in kv:  # an inexact Krylov solve of the coarse level instead of one V-cycle
                coarse.update(ksp_type="fgmres", ksp_rtol=kv["crtol"], ksp_max_it=kv.get("cmax", "30"),
                              ksp_norm_type="unpreconditioned")
        pmg.configure_mg(ksp, prolongations, ops, smoother=smoother, coarse=coarse,
                         cycle="w" if "w" in kv else "v")
        keep += [prolongations, spaces, ops]
    elif name == "pmgc":  # the PMultigrid class (the integration path): p-MG, inner coarse solve, re-assembly
        krylov = {k: v for k, v in ITERATIVE_PETSC_OPTIONS.items() if k.startswith("ksp_")}
        pmg.set_prefixed_options(prefix, krylov)
        t0 = time.perf_counter()
        mg = pmg.PMultigrid(problem.V, problem.bcs)
        mg.attach(ksp)  # writes no options: the research's smoother and coarse solve
        pmg.set_prefixed_options(prefix + "mg_levels_", pmg.LEVEL_SMOOTHER_OPTIONS)
        pmg.set_prefixed_options(prefix + "mg_coarse_", pmg.amg_coarse_options())
        mg.update(A)
        info["prolongation_s"] = time.perf_counter() - t0
        info["levels"] = len(mg.prolongations) + 1
        keep.append(mg)
        info["_mg"] = mg
    else:
        raise ValueError(f"unknown recipe {recipe!r}")
    if ksp.getPC().getType() == PETSc.PC.Type.MG:
        # count the coarse level's solves and inner iterations (one per solve with ``preonly``)
        calls = info.setdefault("_coarse_calls", [0, 0])

        def monitor(_ksp, it, _rnorm, calls=calls):
            calls[0 if it == 0 else 1] += 1

        ksp.getPC().getMGCoarseSolve().setMonitor(monitor)
    ksp.setFromOptions()
    return ksp, keep, info


#: PETSc events recorded per run (inclusive times, this process; GAMG's inner levels share the MG names)
EVENTS = ("KSPSolve", "KSPSetUp", "PCSetUp", "PCApply", "MatMult", "MatSolve", "MatILUFactorNum", "MatLUFactorNum",
          "MatLUFactorSym", "MatPtAP", "MatPtAPNumeric", "MatMatMult", "PCGAMGGraph_AGG", "PCGAMGCoarse_AGG",
          "PCGAMGProl_AGG", "KSPGMRESOrthog", "MGInterp Level 1", "MGResid Level 1")


def dirichlet_diagonal(A: PETSc.Mat, constrained: np.ndarray) -> float:
    """The median diagonal entry of the unconstrained rows (all ranks)."""
    d = A.getDiagonal()
    r0, _ = d.getOwnershipRange()
    mask = np.ones(d.getLocalSize(), dtype=bool)
    mask[np.asarray(constrained, dtype=np.int64) - r0] = False
    vals = np.concatenate(A.getComm().tompi4py().allgather(d.getArray()[mask]))
    d.destroy()
    return float(np.median(vals))


def solve(problem: Problem, recipe: str) -> dict:
    """Assemble, set up and solve with ``recipe``; phases (max over ranks), iterations, memory, output."""
    comm = problem.V.mesh.comm
    bs = problem.V.dofmap.index_map_bs
    PETSc.Log.begin()
    t = {}
    rss0 = rss_mb()
    t0 = time.perf_counter()
    A = fem_petsc.create_matrix(problem.a)
    A.setBlockSize(bs)
    A.zeroEntries()
    fem_petsc.assemble_matrix(A, problem.a, bcs=problem.bcs)
    A.assemble()
    if "dg" in parse_recipe(recipe)[1]:
        # Dirichlet rows get the median interior diagonal (its sign too) instead of 1: the film's form
        # is negative definite (∫ −D∇s·∇w), so unit Dirichlet rows make the matrix indefinite
        diag = dirichlet_diagonal(A, pmg.constrained_rows(problem.bcs, problem.V))
        A.zeroEntries()
        fem_petsc.assemble_matrix(A, problem.a, bcs=problem.bcs, diag=diag)
        A.assemble()
    b = assemble_rhs(problem.L, problem.a, problem.bcs)
    t["assemble"] = time.perf_counter() - t0
    rss_a = rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    ksp, keep, info = make_ksp(problem, A, recipe)
    ksp.setUp()
    t["setup"] = time.perf_counter() - t0
    t["setup_cpu"] = time.process_time() - c0
    rss_pc = rss_mb()
    U = fem.Function(problem.V)
    x = function_vector(U)
    t0, c0 = time.perf_counter(), time.process_time()
    ksp.solve(b, x)
    t["solve"] = time.perf_counter() - t0
    t["solve_cpu"] = time.process_time() - c0
    rss_solve = rss_mb()  # level smoothers' ILU factors are built at the first solve (PCSetUpOnBlocks)
    reason = ksp.getConvergedReason()
    its = ksp.getIterationNumber()
    mg = info.pop("_mg", None)
    if mg is not None:  # a sweep's second point: re-assemble, update the coarse operators, solve again
        t0 = time.perf_counter()
        A.zeroEntries()
        fem_petsc.assemble_matrix(A, problem.a, bcs=problem.bcs)
        A.assemble()
        mg.update(A)
        ksp.setOperators(A)
        ksp.setUp()
        x2 = x.duplicate()
        ksp.solve(b, x2)
        info["resolve_s"] = time.perf_counter() - t0
        info["resolve_iterations"] = ksp.getIterationNumber()
        x2.axpy(-1.0, x)
        info["resolve_rel_change"] = x2.norm() / x.norm()
    calls = info.pop("_coarse_calls", None)
    if calls is not None:  # coarse solves, and their Krylov iterations in all (0 for preonly)
        info["coarse_solves"], info["coarse_iterations"] = calls
    r = b.duplicate()
    A.mult(x, r)
    r.aypx(-1.0, b)
    rel_res = r.norm() / b.norm()
    U.x.scatter_forward()
    out = problem.output(U)
    tm = {k: comm.allreduce(v, op=MPI.MAX) for k, v in t.items()}
    events = {}
    for name in EVENTS:
        perf = PETSc.Log.Event(name).getPerfInfo()
        if perf["count"]:
            events[name] = {"count": int(perf["count"]), "time_s": comm.allreduce(perf["time"], op=MPI.MAX),
                            "flops": comm.allreduce(perf["flops"], op=MPI.SUM)}
    ndofs = problem.V.dofmap.index_map.size_global * bs
    return {
        "case": problem.name, "recipe": recipe, "dofs": int(ndofs), "ranks": comm.size,
        "degree": problem.V.element.basix_element.degree, "levels_mesh": len(problem.hierarchy),
        "iterations": its, "converged_reason": reason, "true_rel_residual": rel_res, "timings_s": tm,
        "setup_solve_s": tm["setup"] + tm["solve"], "setup_solve_cpu_s": tm["setup_cpu"] + tm["solve_cpu"],
        "info": info,
        "matrix_mb": comm.allgather(rss_a - rss0), "pc_mb": comm.allgather(rss_pc - rss_a),
        "solve_mb": comm.allgather(rss_solve - rss_pc),
        "peak_rss_mb": comm.allgather(peak_rss_mb()), "output": out.tolist(), "events": events,
        "matrix_nnz": int(A.getInfo()["nz_used"]),
    }  # fmt: skip
