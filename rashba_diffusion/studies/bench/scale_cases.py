"""Cases of the scale studies, each run in its own process
(``python -m rashba_diffusion.studies.bench.scale_cases CASE JSON``; :mod:`.registry` spawns them).

``solve3d``   one 3D solve (the film box or the bilayer stripe, P1 or P2, optionally on a uniformly refined
              mesh whose coarser meshes give geometric multigrid levels) with a solver preset, instrumented:
              wall and CPU time of every phase (max over ranks), resident memory after every phase, the storage
              of the matrix and of every matrix the preconditioner holds (from the PETSc objects), PETSc log
              events (time, flops, MPI messages and bytes, reductions), Krylov iterations, the output (film
              box: the volume integrals of s and ν; bilayer: the torque vector) and optionally its relative
              difference to MUMPS on the same mesh.  The preconditioner study (``precond3d``) and the
              scaling-model runs (``scaling``) are made of these.
``mumps2d``   one 2D wire solve (the benchmark's wire, :func:`.cases.run_wire`'s mesh) with MUMPS options: the
              phases, CPU times, a numeric refactorization, MUMPS's own statistics (ordering, flops, factor
              entries, memory) and the torques (the ordering / block low-rank / single-precision study).
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable

import numpy as np

from ...fem._compat import MPI, PETSc, fem, ufl
from ...fem.postprocess import global_dofs
from ...fem.solver import LinearSolver
from ...meshing.gmsh_build import bilayer_stripe_3d
from ...meshing.gmsh_build import wire as wire_mesh
from ...meshing.refine import refine_geometry
from ...models.bilayer import BilayerModel
from ...models.charge import current_shape
from ...models.rashba import RashbaModel
from ...physics.bilayer import DEFAULTS, Ferromagnet, HeavyMetal, Interface, sigma_ratio
from ...physics.rashba import Drive, RashbaPoint, paper_film
from ...problems.specs import WireSpec
from ...problems.wire import WireSession
from .cases import (
    BILAYER_CELL_RATIO,
    BILAYER_FM,
    BILAYER_FM_THICKNESS_NM,
    BILAYER_LENGTH_NM,
    BILAYER_M,
    BOX_LENGTH_NM,
    BOX_THICKNESS_NM,
    BOX_WIDTH_NM,
    EFIELD_V_PER_M,
    FULL_SOLVE_PHASES,
    WIRE_ALPHA_EV_NM,
    WIRE_LENGTH_NM,
    WIRE_M,
    WIRE_WIDTH_NM,
    film_box_3d,
    main,
    max_over_ranks,
    peak_rss_mb,
    wire_cell_nm,
)

#: PETSc events recorded by ``solve3d`` (inclusive: an event's numbers include the events inside it).
#: Assembly: MatAssemblyBegin/End (the off-process entries' communication); set-up: KSPSetUp, PCSetUp,
#: the Galerkin products (MatPtAP*) and GAMG's phases; solve: KSPSolve, PCApply, MatMult, the smoothers'
#: orthogonalization; communication: the star-forest scatters (halo exchanges) and the reductions (norms,
#: dot products) in the Krylov methods.
EVENTS = ("MatAssemblyBegin", "MatAssemblyEnd", "KSPSetUp", "PCSetUp", "MatPtAP", "MatPtAPNumeric",
          "MatPtAPSymbolic", "PCGAMGGraph_AGG", "PCGAMGCoarse_AGG", "PCGAMGProl_AGG", "MatLUFactorNum",
          "MatLUFactorSym", "MatILUFactorNum", "KSPSolve", "PCApply", "MatMult", "MatMultAdd", "MatMultTranspose",
          "MatSolve", "KSPGMRESOrthog", "VecMDot", "VecNorm", "VecDot", "VecScatterBegin", "VecScatterEnd",
          "SFBcastBegin", "SFBcastEnd", "SFReduceBegin", "SFReduceEnd", "SFPack", "SFUnpack")
#: a PETSc index (PetscInt) of this build, in bytes: the column indices and row offsets of an AIJ matrix
INDEX_BYTES = np.dtype(PETSc.IntType).itemsize
SCALAR_BYTES = np.dtype(PETSc.ScalarType).itemsize
KB = 1024.0


def rss_mb() -> float:
    """Current resident memory of this process (MiB; Linux /proc, else the peak)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize() / KB / KB
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KB


class PhaseClock:
    """Wall time, CPU time and resident memory at the end of each named phase of this process."""

    def __init__(self, comm: MPI.Comm):
        self.comm = comm
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.rss: dict[str, float] = {}
        self.rss["start"] = rss_mb()
        self._t, self._c = time.perf_counter(), time.process_time()

    def mark(self, name: str) -> None:
        """End the phase ``name`` (started at the previous mark)."""
        t, c = time.perf_counter(), time.process_time()
        self.wall[name] = self.wall.get(name, 0.0) + t - self._t
        self.cpu[name] = self.cpu.get(name, 0.0) + c - self._c
        self.rss[name] = rss_mb()
        self._t, self._c = t, c

    def restart(self) -> None:
        """Do not count the time since the last mark."""
        self._t, self._c = time.perf_counter(), time.process_time()

    def report(self) -> dict:
        comm = self.comm
        return {"timings_s": max_over_ranks(comm, self.wall), "cpu_s": max_over_ranks(comm, self.cpu),
                "rss_mb": {k: comm.allgather(v) for k, v in self.rss.items()}}


def matrix_bytes(M: PETSc.Mat) -> float:
    """Storage of an assembled AIJ matrix on this rank: values, column indices and row offsets (bytes)."""
    info = M.getInfo()
    rows = M.getLocalSize()[0]
    return info["nz_allocated"] * (SCALAR_BYTES + INDEX_BYTES) + (rows + 1) * INDEX_BYTES


def preconditioner_storage(ksp: PETSc.KSP) -> dict[str, float]:
    """Bytes (this rank) of what the preconditioner of ``ksp`` holds, by kind, walking multigrid levels and
    inner solvers: ``operators`` (level matrices other than the KSP's own), ``transfers`` (interpolations),
    ``factors`` (ILU factors of block Jacobi), ``point_blocks`` (the inverted node blocks of pbjacobi).
    MUMPS factors are not counted here (their size is in MUMPS's INFOG statistics)."""
    out = dict.fromkeys(("operators", "transfers", "factors", "point_blocks"), 0.0)
    seen: set[int] = set()
    top = ksp.getOperators()[0].handle

    def add(kind: str, M: PETSc.Mat | None) -> None:
        if M is None or M.handle == 0 or M.handle in seen or M.handle == top:
            return
        seen.add(M.handle)
        out[kind] += matrix_bytes(M)

    def walk(k: PETSc.KSP) -> None:
        A, _ = k.getOperators()
        add("operators", A)
        pc = k.getPC()
        kind = pc.getType()
        if kind in ("mg", "gamg"):
            for level in range(pc.getMGLevels()):
                if level > 0:
                    add("transfers", pc.getMGInterpolation(level))
                walk(pc.getMGSmoother(level))
        elif kind == "bjacobi":
            for sub in pc.getBJacobiSubKSP():
                if sub.getPC().getType() == "ilu":
                    add("factors", sub.getPC().getFactorMatrix())
        elif kind == "pbjacobi":
            bs = max(A.getBlockSize(), 1)
            out["point_blocks"] += A.getLocalSize()[0] * bs * SCALAR_BYTES

    walk(ksp)
    return out


def petsc_events(comm: MPI.Comm, names=EVENTS) -> dict[str, dict]:
    """Inclusive PETSc log numbers of the events that ran: count, time (max over ranks), flops, MPI messages,
    message bytes and reductions (sums over ranks)."""
    out = {}
    for name in names:
        perf = PETSc.Log.Event(name).getPerfInfo()
        if comm.allreduce(perf["count"], op=MPI.MAX):
            out[name] = {"count": int(perf["count"]), "time_s": comm.allreduce(perf["time"], op=MPI.MAX),
                         "flops": comm.allreduce(perf["flops"], op=MPI.SUM),
                         "messages": comm.allreduce(perf["numMessages"], op=MPI.SUM),
                         "message_bytes": comm.allreduce(perf["messageLength"], op=MPI.SUM),
                         "reductions": comm.allreduce(perf["numReductions"], op=MPI.MAX)}
    return out


def _film(comm: MPI.Comm, size: float, degree: int, refinements: int, clock: PhaseClock):
    """The film box with ``size`` cells across W on the finest mesh: model, output function."""
    cells = int(size) // 2 ** refinements
    if cells * 2 ** refinements != int(size):
        raise ValueError(f"film box: {size} cells across is not an integer × 2^{refinements}")
    g = refine_geometry(film_box_3d(comm, cells), refinements)
    clock.mark("mesh")
    model = RashbaModel(g, paper_film(WIRE_ALPHA_EV_NM), Drive(EFIELD_V_PER_M), WIRE_M, degree=degree)
    clock.mark("forms")
    volume = BOX_LENGTH_NM * BOX_WIDTH_NM * BOX_THICKNESS_NM

    def output(u) -> np.ndarray:
        """Volume means of (s_x, s_y, s_z, ν) (1/nm²)."""
        return np.array([comm.allreduce(fem.assemble_scalar(fem.form(u[i] * ufl.dx)), op=MPI.SUM)
                         for i in range(4)]) / volume

    return model, output


def _bilayer(comm: MPI.Comm, size: float, degree: int, refinements: int, stripe_nm: float, options: dict,
             clock: PhaseClock):
    """The bench's bilayer stripe, interface cell ``size`` nm on the finest mesh (gmsh at size × 2^k, refined
    k times): model (charge current solved between the contacts), output function."""
    d = DEFAULTS
    hm = HeavyMetal(d["hm_thickness_nm"], d["hm_lambda_nm"], d["hm_sigma_s_per_m"], d["theta_sh"])
    fm = Ferromagnet(thickness_nm=BILAYER_FM_THICKNESS_NM, **BILAYER_FM)
    interface = Interface("mixing", d["g_mix_real_s_per_m2"], d["g_mix_imag_s_per_m2"])
    h0 = size * 2 ** refinements
    g = bilayer_stripe_3d(stripe_nm, stripe_nm, hm.thickness_nm, fm.thickness_nm, h0,
                          cell_max_nm=BILAYER_CELL_RATIO * h0, lateral_cell_nm=min(BILAYER_CELL_RATIO * h0, stripe_nm),
                          comm=comm)
    g = refine_geometry(g, refinements)
    clock.mark("mesh")
    shape, _ = current_shape(g, sigma_ratio(hm, fm), options)
    clock.mark("charge_current")
    model = BilayerModel(g, hm, fm, interface, BILAYER_M, {}, degree=degree, current_shape=shape)
    model.set_current(d["j_a_per_m2"])
    clock.mark("forms")

    def output(u) -> np.ndarray:
        model.solution.x.array[:] = u.x.array
        return model.torque_vector_j_per_m2()[0]

    return model, output


def run_solve3d(problem: str, size: float, degree: int = 2, refinements: int = 0, preset: str = "multigrid",
                petsc_options: dict | None = None, stripe_nm: float = BILAYER_LENGTH_NM,
                reference: bool = False, series: str | None = None) -> dict:
    """One instrumented 3D solve (see the module docstring).

    Parameters
    ----------
    problem
        ``"film3d"`` (the film box; ``size`` = cells across its width on the finest mesh) or ``"bilayer3d"``
        (the bilayer stripe; ``size`` = interface cell height in nm on the finest mesh).
    degree, refinements
        Lagrange degree; how many uniform refinements made the finest mesh (0: meshed directly).
    preset, petsc_options
        The solver: ``{"preset": preset, **petsc_options}``.
    reference
        Also solve with MUMPS on the same system, after everything else is recorded, for ``output_rel_diff``.
    series
        A name the summaries group the runs by (passed through).
    """
    comm = MPI.COMM_WORLD
    PETSc.Log.begin()
    options = {"preset": preset, **(petsc_options or {})}
    comm.barrier()
    clock = PhaseClock(comm)
    if problem == "film3d":
        model, output = _film(comm, size, degree, refinements, clock)
    elif problem == "bilayer3d":
        model, output = _bilayer(comm, size, degree, refinements, stripe_nm, options, clock)
    else:
        raise ValueError(f"problem = {problem!r}; valid: 'film3d', 'bilayer3d'")
    with LinearSolver(model.system, options) as solver:
        clock.mark("matrix_create")
        solver.on_phase = clock.mark
        u = fem.Function(model.V)
        clock.restart()
        solver.solve(out=u)
        solver.on_phase = None
        out = output(u)
        clock.mark("postprocess")
        storage = preconditioner_storage(solver.ksp)
        mg = solver.multigrid
        result = {
            "case": "solve3d", "series": series, "problem": problem, "size": size, "degree": degree,
            "refinements": refinements, "stripe_nm": stripe_nm if problem == "bilayer3d" else None, "preset": preset,
            "dofs": global_dofs(model.V), "ranks": comm.size, "krylov_iterations": solver.iterations,
            "preconditioner": solver.preconditioner, "petsc_options": solver.options,
            "level_dofs": mg.level_dofs if mg is not None else None,
            "matrix_bytes": comm.allgather(matrix_bytes(solver.A)),
            "matrix_nnz": int(solver.A.getInfo(PETSc.Mat.InfoType.GLOBAL_SUM)["nz_used"]),
            "pc_storage_bytes": {k: comm.allgather(v) for k, v in storage.items()},
            **clock.report(), "output": out.tolist(), "events": petsc_events(comm),
            "peak_rss_mb": peak_rss_mb(comm),
        }  # fmt: skip
        if reference:
            with LinearSolver(model.system, {"preset": "direct"}) as lu:
                ref = output(lu.solve())
            result["output_rel_diff"] = float(np.max(np.abs(out - ref)) / np.max(np.abs(ref)))
    t = result["timings_s"]
    result["full_solve_s"] = sum(t.get(k, 0.0) for k in (*FULL_SOLVE_PHASES, "charge_current"))
    result["setup_solve_s"] = t["setup"] + t["solve"]
    result["setup_solve_cpu_s"] = result["cpu_s"]["setup"] + result["cpu_s"]["solve"]
    return result


#: MUMPS's INFOG/RINFOG entries recorded by ``mumps2d``: INFOG(7) the ordering used, (9)/(29) factor entries
#: (full / effective with BLR), (16)/(17) estimated and (18)/(19), (21)/(22) actual memory in MB (max / sum
#: over ranks), (32) the analysis type; RINFOG(1)/(3)/(14) flops (estimated / elimination / BLR effective)
INFOG = (7, 9, 16, 17, 18, 19, 21, 22, 29, 32)
RINFOG = (1, 3, 14)


def _mumps_count(v: int) -> float:
    """MUMPS reports large counts as −(count / 1e6)."""
    return float(-v * 1e6 if v < 0 else v)


def run_mumps2d(target_dofs: float, variant: str, petsc_options: dict) -> dict:
    """The benchmark's 2D wire at about ``target_dofs`` dofs solved with ``petsc_options`` (a MUMPS LU, maybe
    inside a Krylov method): phases, CPU times, a numeric refactorization, MUMPS statistics, torques."""
    comm = MPI.COMM_WORLD
    film, drive = paper_film(WIRE_ALPHA_EV_NM), Drive(EFIELD_V_PER_M)
    h = wire_cell_nm(target_dofs)
    comm.barrier()
    clock = PhaseClock(comm)
    g = wire_mesh(WIRE_LENGTH_NM, WIRE_WIDTH_NM, h, cell_bulk_nm=h, comm=comm)
    clock.mark("mesh")
    spec = WireSpec(width_nm=WIRE_WIDTH_NM, geometry="2d", length_nm=WIRE_LENGTH_NM, cell_nm=h)
    with WireSession(RashbaPoint(film, drive, WIRE_M), spec, comm, petsc_options=petsc_options,
                     geometry=g) as session:
        clock.mark("session")  # forms, matrix, KSP
        session.solver.on_phase = clock.mark
        clock.restart()
        res = session.solve(profile=False)
        session.solver.on_phase = None
        clock.mark("postprocess")
        ksp, A = session.solver.ksp, session.solver.A
        F = ksp.getPC().getFactorMatrix()
        infog = {i: int(F.getMumpsInfog(i)) for i in INFOG}
        rinfog = {i: float(F.getMumpsRinfog(i)) for i in RINFOG}
        # the numeric factorization alone (a sweep point pays this): bump the matrix state, set up again
        A.assemble()
        ksp.setOperators(A)
        comm.barrier()
        clock.restart()
        session.solver.setup()
        clock.mark("refactor")
        peak = peak_rss_mb(comm)
        options = session.solver.options
    out = {"case": "mumps2d", "target_dofs": target_dofs, "variant": variant, "dofs": res.summary["dofs"],
           "ranks": comm.size, "cell_nm": h, "petsc_options": options,
           "krylov_iterations": res.summary["krylov_iterations"], **clock.report(),
           "T_perp_J_per_m2": res.summary["T_perp_J_per_m2"], "T_par_J_per_m2": res.summary["T_par_J_per_m2"],
           "infog": infog, "rinfog": rinfog, "factor_entries": _mumps_count(infog[9]),
           "factor_entries_effective": _mumps_count(infog[29]), "peak_rss_mb": peak}
    t, c = out["timings_s"], out["cpu_s"]
    phases = ("session", "assemble_matrix", "assemble_rhs", "setup", "solve", "neutrality", "postprocess")
    out["full_solve_s"] = sum(t.get(k, 0.0) for k in phases)
    out["full_solve_cpu_s"] = sum(c.get(k, 0.0) for k in phases)
    return out


#: the cases of this module (``main`` of :mod:`.cases` runs one)
SCALE_CASES: dict[str, Callable[..., dict]] = {"solve3d": run_solve3d, "mumps2d": run_mumps2d}

if __name__ == "__main__":
    sys.exit(main(cases=SCALE_CASES))

