"""Linear solves: assembly, MUMPS LU or preconditioned GMRES, failure checks, charge neutrality.

Solver choice goes through PETSc options: a dict in Python (``petsc_options``),
``--petsc-option KEY=VALUE`` on the command line (:func:`parse_petsc_option_args`)
and an options table (a dict, as ``--petsc-option`` builds it: :func:`petsc_options_from_table`;
sweep configs have no solver table, they get a preset by size).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, SolveError
from ..files import deferred_signals
from ._compat import (
    MPI,
    PETSc,
    assemble_rhs,
    fem,
    fem_petsc,
    function_vector,
    has_external_package,
    lift_and_set_bc,
    ufl,
)
from .pmg import PMultigrid
from .solver_options import (
    ITERATIVE_PETSC_OPTIONS,
    default_preset,
    petsc_options_from_table,
    resolve_petsc_options,
    with_coarse_amg,
)

#: accepted ratio of the true relative residual to ksp_rtol (left preconditioning
#: bounds the preconditioned residual, which differs by the conditioning of M)
TRUE_RESIDUAL_SLACK = 1e3

_REASONS = {v: k for k, v in PETSc.KSP.ConvergedReason.__dict__.items() if isinstance(v, int)}
#: numbers the solvers' option prefixes (``rashba_1_``, ``rashba_2_``, ...): one prefix per solver
_PREFIX_NUMBERS = itertools.count(1)


def petsc_message(e: PETSc.Error) -> str:
    """PETSc's own lines of an error (without the call stack), on one line."""
    lines = [ln.split("] ", 1)[-1].strip() for ln in str(e).splitlines()[1:]]
    lines = [ln for ln in lines if ln and "() at " not in ln]
    return "; ".join(lines) or str(e).splitlines()[0]


#: size of the probe matrix (a tridiagonal of 4-blocks): large enough for GAMG to build a coarse level
PROBE_SIZE = 400


def probe_petsc_options(petsc_options: dict | None) -> list[str]:
    """Let PETSc read the options on a small probe solve (this rank only) before any mesh is built.

    Option values PETSc rejects (an unknown ``ksp_type`` or ``pc_type``, a factorization package that is not
    there, a number it cannot read) raise :class:`ParameterError`.  Options the caller gave (not those of a
    preset) that the probe's KSP never read are returned as warnings: PETSc would ignore them silently.  The
    probe cannot see every option a real solve reads (multigrid levels exist only on large matrices), so
    these stay warnings.
    """
    user = set(petsc_options_from_table(petsc_options)) if petsc_options else set()
    options = resolve_petsc_options(petsc_options)
    prefix = f"rashba_probe_{next(_PREFIX_NUMBERS)}_"
    n = PROBE_SIZE
    A = PETSc.Mat().createAIJ([n, n], nnz=3, comm=PETSc.COMM_SELF)
    for i in range(n):  # a diagonally dominant tridiagonal: every preconditioner succeeds on it
        A[i, i] = 4.0
        if i > 0:
            A[i, i - 1] = -1.0
        if i < n - 1:
            A[i, i + 1] = -1.0
    A.assemble()
    A.setBlockSize(4)
    ksp = PETSc.KSP().create(PETSc.COMM_SELF)
    ksp.setOperators(A)
    ksp.setOptionsPrefix(prefix)
    opts = PETSc.Options(prefix)
    try:
        for k, v in options.items():
            opts[k] = v
        b, x = A.createVecLeft(), A.createVecRight()
        b.set(1.0)
        ksp.setFromOptions()
        ksp.setUp()
        ksp.solve(b, x)
        unused = sorted(k for k in user if not PETSc.Options().used(prefix + k))
        b.destroy()
        x.destroy()
    except PETSc.Error as e:
        given = ", ".join(f"{k}={v}" for k, v in options.items() if k in user) or "the defaults"
        raise ParameterError(f"petsc options ({given}) are invalid: PETSc says: {petsc_message(e)}; valid: "
                             "option values of this PETSc build (docs/performance.md)") from None
    finally:
        for k in options:
            del opts[k]
        ksp.destroy()
        A.destroy()
    return [f"petsc option {k} = {options[k]!r} was not read by the solver it configures "
            f"(ksp_type {options.get('ksp_type')}, pc_type {options.get('pc_type')}); PETSc may ignore it"
            for k in unused]


@dataclass(frozen=True)
class LinearSystem:
    """What a :class:`LinearSolver` solves: the compiled forms a(u, v) = L(v), the Dirichlet data and the space.

    Every model exposes one as ``.system``.

    Attributes
    ----------
    a, L
        Compiled bilinear and linear forms.
    bcs
        Dirichlet boundary conditions (applied by lifting).
    V
        The function space of the unknown.
    pin_bc, unit_pin_bc
        A problem whose operator has a null vector (charge conservation without contacts) pins one dof to 0:
        ``pin_bc`` (one of ``bcs``), and ``unit_pin_bc()`` the same dof set to 1, with which the solver
        restores ∫ν dx = 0 (:meth:`LinearSolver.solve`); ``None`` otherwise.
    coarse_meshes
        Coarser meshes of V's mesh, finest first, each refined uniformly into the previous one
        (``Geometry.coarse_meshes``): the geometric levels of the ``multigrid`` preset.  Empty: P2 spaces get
        p-multigrid only, P1 spaces fall back to the ``iterative`` preset's GAMG.
    """

    a: fem.Form
    L: fem.Form
    bcs: Sequence[fem.DirichletBC]
    V: fem.FunctionSpace
    pin_bc: fem.DirichletBC | None = None
    unit_pin_bc: Callable[[], fem.DirichletBC] | None = None
    coarse_meshes: Sequence = ()


class LinearSolver:
    """Assembles and solves a :class:`LinearSystem`; reusable across parameter changes.

    The matrix and KSP are created once.  :meth:`solve` re-assembles the
    matrix into the same sparsity pattern (parameters may have changed) and
    refactors (MUMPS keeps its symbolic analysis, only the numeric
    factorization is redone); the factorization serves the neutrality
    correction too.  Everything that does not depend on the parameters (the
    right-hand-side vectors, the ∫ν weights, the null-vector Dirichlet data)
    is built once, so that a parameter sweep pays only assembly, one numeric
    factorization and two back-substitutions per point.

    The PETSc options live under the solver's own prefix and are in PETSc's global options database only
    while this solver calls PETSc (set-up and solve: some are read then, e.g. the multigrid levels'
    smoothers and MUMPS's controls), never in between: solvers do not leak options into each other or
    into later PETSc objects.  :meth:`close` (or leaving a ``with`` block) destroys the PETSc objects.

    Options without a preset, ``ksp_type`` or ``pc_type`` start from the preset that
    :func:`~.solver_options.default_preset` picks for the mesh's dimension and the number of dofs (MUMPS LU;
    single-precision BLR LU in FGMRES for large 2D systems; ``multigrid`` for 3D from 2e4 dofs on).
    ``pc_type mg`` without ``pc_mg_levels`` (the ``multigrid`` preset) builds a :class:`~.pmg.PMultigrid`
    from the space: P2 → P1 (→ P1 on ``system.coarse_meshes``), updated after every assembly; a P1 space
    without coarser meshes has no level to build and gets the ``iterative`` preset's GAMG instead
    (:attr:`preconditioner` says which).  The coarse level's AMG is BoomerAMG where PETSc has hypre, else
    GAMG (:func:`~.solver_options.with_coarse_amg`), unless the caller set ``mg_coarse_pc_type``.
    """

    def __init__(self, system: LinearSystem, petsc_options: dict | None = None):
        self.system = system
        V = system.V
        comm = V.mesh.comm
        self.prefix = f"rashba_{next(_PREFIX_NUMBERS)}_"
        self.A = fem_petsc.create_matrix(system.a)
        self.ksp = PETSc.KSP().create(comm)
        self.ksp.setOperators(self.A)
        self.ksp.setOptionsPrefix(self.prefix)
        ndofs = V.dofmap.index_map.size_global * V.dofmap.index_map_bs
        explicit = petsc_options_from_table({k: v for k, v in (petsc_options or {}).items() if k != "preset"})
        options = resolve_petsc_options(petsc_options, default=default_preset(V.mesh.topology.dim, ndofs))
        options = with_coarse_amg(options, has_external_package("hypre"), explicit)
        #: the multigrid hierarchy of ``pc_type mg`` (None otherwise)
        self.multigrid: PMultigrid | None = None
        #: what preconditions the solve, in words (e.g. "p-multigrid, 2 levels", "MUMPS LU")
        self.preconditioner = options.get("pc_type", "none")
        if options.get("pc_type") == "mg" and "pc_mg_levels" not in options:
            options = self._build_multigrid(options)
        self.options = options
        if self.multigrid is not None:
            self.multigrid.attach(self.ksp)  # the levels first: setFromOptions then configures each of them
        try:
            with self._petsc_options():
                self.ksp.setFromOptions()
        except PETSc.Error as e:  # an option value PETSc rejects (the command line probes them first)
            raise ParameterError(f"petsc options are invalid: PETSc says: {petsc_message(e)}") from None
        # a blocked (s_x, s_y, s_z, ν) space: AMG aggregates whole nodes, pbjacobi inverts node blocks
        self.A.setBlockSize(V.dofmap.index_map_bs)
        #: wall times (s) of the phases of the last :meth:`solve`
        self.timings: dict[str, float] = {}
        self._b = fem_petsc.create_vector(V)
        self._neutral = None  # (b1, y, ∫ν weights, Dirichlet data), built on first use
        #: Krylov iterations of the last solve (0 for a direct solve: preonly)
        self.iterations = 0
        #: called with the name of each phase of :meth:`solve` as it ends (e.g. a benchmark reading the memory)
        self.on_phase: Callable[[str], None] | None = None

    def _build_multigrid(self, options: dict[str, str]) -> dict[str, str]:
        """Build :attr:`multigrid` for ``pc_type mg``; the options, with GAMG in its place if it cannot be built."""
        system = self.system
        try:
            self.multigrid = PMultigrid(system.V, system.bcs, system.coarse_meshes)
        except ValueError:  # P1 without coarser meshes: no level to build
            kept = {k: v for k, v in options.items() if not k.startswith(("pc_", "mg_"))}
            gamg = {k: str(v) for k, v in ITERATIVE_PETSC_OPTIONS.items() if k.startswith(("pc_", "mg_"))}
            self.preconditioner = "gamg (multigrid fallback: a P1 space without coarser meshes)"
            return {**kept, **gamg}
        degree = system.V.element.basix_element.degree
        kind = "p-multigrid" if not system.coarse_meshes else (
            "geometric multigrid" if degree == 1 else "p- and geometric multigrid")
        self.preconditioner = f"{kind}, {self.multigrid.levels} levels ({options.get('mg_coarse_pc_type')} coarse)"
        return options

    def describe(self) -> dict:
        """The solver as used (``provenance.solver`` of ``summary.json``): PETSc's KSP and PC types, the
        options, the last solve's iterations."""
        return {"ksp_type": self.ksp.getType(), "pc_type": self.ksp.getPC().getType(),
                "petsc_options": {k: str(v) for k, v in self.options.items()},
                "krylov_iterations": self.iterations, "petsc_version": ".".join(map(str, PETSc.Sys.getVersion()))}

    @contextmanager
    def _petsc_options(self) -> Iterator[None]:
        """This solver's options in the global database (under its prefix) for the duration of the block.

        SIGINT and SIGTERM are held meanwhile and delivered after (Python would act on them only then anyway):
        one that interrupts MUMPS's factorization crashes the process (SIGSEGV, measured in ``KSPSetUp``).
        """
        opts = PETSc.Options(self.prefix)
        try:
            for k, v in self.options.items():
                opts[k] = v
            with deferred_signals(block=True):
                yield
        finally:
            for k in self.options:
                del opts[k]

    def _phase_done(self, name: str, t0: float) -> None:
        self.timings[name] = time.perf_counter() - t0
        if self.on_phase is not None:
            self.on_phase(name)

    def assemble_matrix(self) -> None:
        t0 = time.perf_counter()
        self.A.zeroEntries()
        fem_petsc.assemble_matrix(self.A, self.system.a, bcs=self.system.bcs)
        self.A.assemble()
        if self.multigrid is not None:
            self.multigrid.update(self.A)  # the coarse levels' Galerkin operators of the new matrix
        self.ksp.setOperators(self.A)
        self._phase_done("assemble_matrix", t0)

    def setup(self) -> None:
        """Build the preconditioner (the LU factorization for MUMPS) for the current matrix."""
        t0 = time.perf_counter()
        try:
            with self._petsc_options():
                self.ksp.setUp()
        except PETSc.Error as e:  # e.g. a zero pivot in the factorization
            raise SolveError(f"KSP set-up (factorization/preconditioner) failed: {petsc_message(e)}") from e
        self._phase_done("setup", t0)

    def _solve_rhs(self, b: PETSc.Vec, u: fem.Function) -> None:
        x = function_vector(u)
        try:
            with self._petsc_options():
                self.ksp.solve(b, x)
        except PETSc.Error as e:
            raise SolveError(f"KSP solve failed: {petsc_message(e)}") from e
        reason = self.ksp.getConvergedReason()
        self.iterations = self.ksp.getIterationNumber()
        if reason <= 0:
            raise SolveError(
                f"KSP did not converge: reason {reason} ({_REASONS.get(reason, '?')}) after {self.iterations} "
                f"iterations, residual norm {self.ksp.getResidualNorm():.3e}"
            )
        if self.ksp.getType() != PETSc.KSP.Type.PREONLY:
            self._check_true_residual(b, x)
        u.x.scatter_forward()
        local_bad = not np.all(np.isfinite(u.x.array))
        if u.function_space.mesh.comm.allreduce(local_bad, op=MPI.LOR):
            raise SolveError("the solution contains NaN or Inf")

    def _check_true_residual(self, b: PETSc.Vec, x: PETSc.Vec) -> None:
        """Krylov solves: ||b − A x|| must meet the tolerance (one extra product).

        A preconditioned residual, or a variable preconditioner inside a
        non-flexible method, can report convergence to a wrong solution.
        """
        r = b.duplicate()
        self.A.mult(x, r)
        r.aypx(-1.0, b)
        rnorm, bnorm = r.norm(), b.norm()
        r.destroy()
        rtol, atol, _, _ = self.ksp.getTolerances()
        if rnorm > max(TRUE_RESIDUAL_SLACK * rtol * bnorm, atol):
            raise SolveError(
                f"KSP reported {_REASONS.get(self.ksp.getConvergedReason(), '?')} after {self.iterations} iterations "
                f"but the true residual ||b - Ax|| = {rnorm:.3e} exceeds {TRUE_RESIDUAL_SLACK:g} x rtol x ||b|| "
                f"= {TRUE_RESIDUAL_SLACK * rtol * bnorm:.3e} (a variable preconditioner needs ksp_type fgmres)"
            )

    def solve(self, out: fem.Function | None = None) -> fem.Function:
        """Assemble and solve; returns U = (s_x, s_y, s_z, ν).

        Parameters
        ----------
        out
            Function of ``system.V`` to write the solution into (reused across
            a sweep); a new one when ``None``.

        Phases timed in :attr:`timings`: ``assemble_matrix``, ``assemble_rhs``,
        ``setup`` (``KSPSetUp``: the factorization, or building the
        preconditioner), ``solve`` (``KSPSolve`` with the factors or the
        Krylov iterations, and the finiteness check) and ``neutrality`` (the
        null-vector solve of the contact-free cross-section; 0 otherwise).
        """
        system = self.system
        self.assemble_matrix()
        t0 = time.perf_counter()
        b = assemble_rhs(system.L, system.a, system.bcs, self._b)
        self._phase_done("assemble_rhs", t0)
        self.setup()
        u = fem.Function(system.V, name="U") if out is None else out
        t0 = time.perf_counter()
        self._solve_rhs(b, u)
        self._phase_done("solve", t0)
        iterations = self.iterations
        t0 = time.perf_counter()
        if system.pin_bc is not None:
            self._restore_neutrality(u)
        self._phase_done("neutrality", t0)
        self.iterations = iterations  # report the main solve's count
        return u

    def _neutrality_data(self):
        if self._neutral is None:
            system = self.system
            # ∫ν dx = w·U with w_i = ∫φ_i dx on the ν dofs: one vector for all points
            w_form = fem.form(ufl.TestFunction(system.V)[3] * ufl.dx(domain=system.V.mesh))
            w = fem_petsc.assemble_vector(w_form)
            w.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
            bcs_one = [bc for bc in system.bcs if bc is not system.pin_bc] + [system.unit_pin_bc()]
            self._neutral = (fem_petsc.create_vector(system.V), fem.Function(system.V), w, bcs_one)
        return self._neutral

    def _restore_neutrality(self, u: fem.Function) -> None:
        """Add the multiple of the null vector that makes ∫ν dx = 0.

        Solving with ν_k = 1 at the pinned dof and no source returns the null
        vector y of the unpinned operator (A y = 0 off the pinned row, and on
        it too, since the charge rows sum to zero).  u + c y solves the same
        equations for every c.
        """
        b1, y, w, bcs_one = self._neutrality_data()
        # DOLFINx zeroes the pinned column as well as the row, so the unit
        # value must enter through lifting: b1 = -A[:, k], b1[k] = 1.
        with b1.localForm() as loc:
            loc.set(0.0)
        lift_and_set_bc(b1, self.system.a, bcs_one)
        self._solve_rhs(b1, y)
        # owned entries only (PETSc dot): the same sums on any number of ranks
        iu = w.dot(function_vector(u))
        iy = w.dot(function_vector(y))
        u.x.array[:] -= (iu / iy) * y.x.array
        u.x.scatter_forward()

    def close(self) -> None:
        """Destroy the KSP, the multigrid hierarchy, the matrix and the vectors (idempotent)."""
        for obj in (self.ksp, self.A, self._b):
            obj.destroy()
        if self.multigrid is not None:
            self.multigrid.destroy()
            self.multigrid = None
        if self._neutral is not None:
            self._neutral[0].destroy()
            self._neutral[2].destroy()
            self._neutral = None

    def __enter__(self) -> LinearSolver:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


#: a lagged solve refactorizes at once when one iteration contracts the increment by less than this factor (a
#: Newton step with a fresh Jacobian costs about five chord iterations: assembly, LU; docs/performance.md)
CHORD_MAX_CONTRACTION = 0.1
#: a solve that needed more iterations than this marks the factorization stale (refactorized at the next solve)
CHORD_STALE_ITERATIONS = 4
#: iterations allowed in one solve (a fresh factorization included)
CHORD_MAX_ITERATIONS = 50
#: an increment that a fresh Jacobian does not contract is the residual's round-off (accepted) when it is below
#: this fraction of max |u| (the spin system's increments stagnate at ~3e-10 of max |U|: its residual's round-off
#: amplified by the conditioning; measured in tests/unit/test_solver.py's wire)
CHORD_ROUNDOFF_RTOL = 1e-9
#: the back-end of the factorization: PETSc's own sparse LU on one rank, MUMPS in parallel.  On the 1D LLG's
#: Jacobian (3468 dofs, block size 6) PETSc's LU with the RCM ordering factorizes in 0.8 ms and back-substitutes in
#: 0.12 ms, MUMPS in 6.9 and 0.78 ms, SuperLU_DIST in 21 and 0.7 ms; the nested-dissection ordering takes 1.9 ms
#: (scripts/llg_factor_backends.py, on an idle machine; timings scale with the load, the ranking does not)
SERIAL_FACTOR_SOLVER, PARALLEL_FACTOR_SOLVER = "petsc", "mumps"
SERIAL_ORDERING = "rcm"


class LaggedNewtonSolver:
    """F(u) = 0 by Newton's method with a lagged Jacobian (the chord method): u ← u − P⁻¹F(u).

    P is the LU factorization of the Jacobian J at an earlier iterate, possibly of an earlier solve of a sequence
    (time steps), and is kept as long as it makes the iteration contract fast: the converged u solves F(u) = 0 to the
    tolerance whatever P is, so reusing P changes the cost, never the answer.  A linear problem (F(u) = A u − b with
    J = A) is the special case: with P = A one iteration is exact; with a lagged P the iteration is the
    preconditioned Richardson iteration.

    * Refactorization: at the first solve; at once inside a solve whose increment contracts by less than
      :data:`CHORD_MAX_CONTRACTION` per iteration (P too far off); and at the start of the solve after one that
      needed more than :data:`CHORD_STALE_ITERATIONS` iterations or a refactorization.  So a sequence whose
      Jacobian changes slowly (the spin operator, linear in m) keeps one factorization for many solves, and one
      whose Jacobian changes fast (the LLG with a time step far above the exchange time of a cell) refactorizes at
      every solve, without a wasted iteration.  ``refactorize_every_solve=True`` factorizes at
      every solve (the reference of the benchmark).
    * Convergence: the increment δ_j in the max norm over the dofs of ``components`` (block components of a
      blocked space; all by default) meets ||δ_j|| ≤ atol + rtol ||u||, or its estimated remaining error
      ρ/(1 − ρ) ||δ_j|| (ρ = ||δ_j||/||δ_{j−1}||, ρ < 1) does; or the iteration has reached the round-off of the
      residual: a Jacobian factorized at the previous iterate does not contract an increment below
      :data:`CHORD_ROUNDOFF_RTOL` ||u||.  A fresh Jacobian that lets the increment grow is divergence (an error).
    * Dirichlet conditions: F is lifted as in DOLFINx's Newton solver (F[bc] = u − g), so the increment restores
      the boundary values.
    * The initial guess is ``u``'s current value (a warm start).

    Parameters
    ----------
    F, J
        The compiled residual (a linear form in the test function, nonlinear in ``u``) and its Jacobian.
    u
        The unknown Function (its values are the initial guess; the solution is written into it).
    bcs
        Dirichlet conditions.
    atol, rtol
        Tolerances of the increment (units of ``u``).
    components
        Block components that the convergence test reads (e.g. m of an (m, B) unknown); ``None``: all.
    petsc_options
        Options of the LU (``pc_factor_*``, ``mat_*``); default :data:`SERIAL_FACTOR_SOLVER` with
        :data:`SERIAL_ORDERING` on one rank, :data:`PARALLEL_FACTOR_SOLVER` on more.

    Attributes
    ----------
    factorizations, solves, iterations
        Counts over the solver's life.
    timings
        Wall time (s) summed over the solver's life: ``assemble_residual``, ``assemble_jacobian``, ``factorize``,
        ``back_substitute``.
    """

    def __init__(self, F: fem.Form, J: fem.Form, u: fem.Function, bcs: Sequence[fem.DirichletBC] = (), *,
                 atol: float = 0.0, rtol: float = 1e-10, components: Sequence[int] | None = None,
                 petsc_options: dict | None = None, refactorize_every_solve: bool = False):
        self.F, self.J, self.u, self.bcs = F, J, u, list(bcs)
        comm = u.function_space.mesh.comm
        self.comm = comm
        self.atol, self.rtol = float(atol), float(rtol)
        #: the size of u's natural values (0: none): the round-off floor CHORD_ROUNDOFF_RTOL is taken relative to
        #: max(max |u|, this), so that a solution that vanishes (a uniform texture's spin accumulation) is accepted
        self.roundoff_scale = 0.0
        bs = u.function_space.dofmap.index_map_bs
        self._components = list(range(bs)) if components is None else list(components)
        self._bs = bs
        self._owned = u.function_space.dofmap.index_map.size_local * bs
        self.refactorize_every_solve = bool(refactorize_every_solve)
        self.prefix = f"rashba_{next(_PREFIX_NUMBERS)}_"
        factor = ({"pc_factor_mat_solver_type": SERIAL_FACTOR_SOLVER, "pc_factor_mat_ordering_type": SERIAL_ORDERING}
                  if comm.size == 1 else {"pc_factor_mat_solver_type": PARALLEL_FACTOR_SOLVER})
        self.options = {"ksp_type": "preonly", "pc_type": "lu", **factor, **(petsc_options or {})}
        self.P = fem_petsc.create_matrix(J)
        self.ksp = PETSc.KSP().create(comm)
        self.ksp.setOptionsPrefix(self.prefix)
        self.ksp.setOperators(self.P)
        with self._petsc_options():
            self.ksp.setFromOptions()
        self._b = fem_petsc.create_vector(u.function_space)
        self._du = fem.Function(u.function_space)
        self._stale = True
        self.factorizations = 0
        self.solves = 0
        self.iterations = 0
        self.last_iterations = 0
        self.timings = {"assemble_residual": 0.0, "assemble_jacobian": 0.0, "factorize": 0.0, "back_substitute": 0.0}

    _petsc_options = LinearSolver._petsc_options

    def _tick(self, phase: str, t0: float) -> None:
        self.timings[phase] += time.perf_counter() - t0

    def refactorize_next(self) -> None:
        """Factorize the Jacobian at the start of the next solve (e.g. after a jump of the state)."""
        self._stale = True

    def _factorize(self) -> None:
        t0 = time.perf_counter()
        self.P.zeroEntries()
        fem_petsc.assemble_matrix(self.P, self.J, bcs=self.bcs)
        self.P.assemble()
        self._tick("assemble_jacobian", t0)
        t0 = time.perf_counter()
        self.ksp.setOperators(self.P)
        try:
            with self._petsc_options():
                self.ksp.setUp()
        except PETSc.Error as e:
            raise SolveError(f"factorization of the Jacobian failed: {e}") from e
        self._tick("factorize", t0)
        self.factorizations += 1
        self._stale = False

    def _residual(self) -> PETSc.Vec:
        t0 = time.perf_counter()
        b = self._b
        with b.localForm() as loc:
            loc.set(0.0)
        fem_petsc.assemble_vector(b, self.F)
        if self.bcs:
            fem_petsc.apply_lifting(b, [self.J], bcs=[self.bcs], x0=[function_vector(self.u)], alpha=-1.0)
        b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        if self.bcs:
            fem_petsc.set_bc(b, self.bcs, function_vector(self.u), -1.0)
        self._tick("assemble_residual", t0)
        return b

    def _norm(self, values: np.ndarray) -> float:
        owned = values[: self._owned].reshape(-1, self._bs)[:, self._components]
        local = float(np.max(np.abs(owned))) if owned.size else 0.0
        return self.comm.allreduce(local, op=MPI.MAX)

    def solve(self) -> int:
        """Solve F(u) = 0 from ``u``'s current values; the iterations of this solve."""
        factorized_at = 0  # the iteration whose iterate P was factorized at (0: before this solve's first)
        if self._stale or self.refactorize_every_solve:
            self._factorize()
        else:
            factorized_at = -1  # lagged: from an earlier solve
        previous = None
        du = self._du
        for it in range(1, CHORD_MAX_ITERATIONS + 1):
            b = self._residual()
            t0 = time.perf_counter()
            with deferred_signals(block=True):  # SIGINT/SIGTERM wait for C (LinearSolver._petsc_options)
                self.ksp.solve(b, function_vector(du))  # LU back-substitution: reads no options
            self._tick("back_substitute", t0)
            du.x.scatter_forward()
            if not np.all(np.isfinite(du.x.array[: self._owned])):
                raise SolveError("the Newton increment contains NaN or Inf")
            self.u.x.array[:] -= du.x.array
            step = self._norm(du.x.array)
            tol = self.atol + (self.rtol * self._norm(self.u.x.array) if self.rtol else 0.0)
            rho = step / previous if previous else None
            if step <= tol or (rho is not None and rho < 1.0 and rho / (1.0 - rho) * step <= tol):
                break
            if rho is not None and rho > CHORD_MAX_CONTRACTION:
                if factorized_at == it - 2:
                    # ρ is the contraction of a Newton step (P is the Jacobian of the iterate before the last
                    # increment): none left is the residual's round-off (accepted when that small), growth divergence
                    if step <= CHORD_ROUNDOFF_RTOL * max(self._norm(self.u.x.array), self.roundoff_scale):
                        break
                    if rho >= 1.0:
                        raise SolveError(f"Newton's method diverges: the increment grew from {previous:.3e} to "
                                         f"{step:.3e} after a Newton step (a time step too long for the state's "
                                         "changes)")
                else:
                    # P is too far from the Jacobian here: a Newton step (J at the current iterate) instead
                    self._factorize()
                    factorized_at = it
                    previous = None  # the next increment is the Newton step: not compared with a lagged one
                    continue
            previous = step
        else:
            raise SolveError(f"Newton's method did not converge in {CHORD_MAX_ITERATIONS} iterations "
                             f"(last increment {step:.3e}, tolerance {tol:.3e})")
        self.solves += 1
        self.iterations += it
        self.last_iterations = it
        if it > CHORD_STALE_ITERATIONS or factorized_at > 0:
            # slow, or the lagged factorization had to be replaced: the next solve starts with a fresh one
            self._stale = True
        return it

    def close(self) -> None:
        """Destroy the KSP, the matrix and the vector (idempotent)."""
        for obj in (self.ksp, self.P, self._b):
            obj.destroy()

    def __enter__(self) -> LaggedNewtonSolver:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


#: relative (unpreconditioned) residual of the Krylov solves of a :class:`LaggedFactorizationSolver`
LAGGED_RTOL = 1e-10
#: more Krylov iterations than this in one solve: refactorize before the next one, whatever the budget says
#: (GMRES restarts after 30)
LAGGED_MAX_ITERATIONS = 25
#: iterations allowed in one solve before it is repeated with a fresh factorization
LAGGED_ITERATION_LIMIT = 200


class LaggedFactorizationSolver:
    """A_n u_n = b_n for a sequence of operators that change little from one solve to the next (time steps).

    GMRES (right-preconditioned: it bounds the true residual ||b − A u|| ≤ ``rtol`` ||b||) with, as its
    preconditioner, the MUMPS LU factorization of the operator of an earlier solve of the sequence.  With the
    exact factorization GMRES takes one iteration; every further iteration is the price of the lag.  The next
    solve refactorizes (the current operator) once the iterations beyond the first, summed since the last
    factorization, exceed ``budget`` (the cost of a factorization in iterations: the lag then never costs more
    than twice the best choice in hindsight), or after a solve of more than :data:`LAGGED_MAX_ITERATIONS`.  The
    rule counts iterations, not seconds, so a run is reproducible bit for bit.  A solve that does not converge
    in :data:`LAGGED_ITERATION_LIMIT` iterations is repeated with a fresh factorization.  When the operator does
    not change the first factorization is exact and kept for the whole sequence (``operator_changed=False``
    also skips assembling it).  ``out``'s values are the initial guess.

    ``factor_solver``: ``"mumps"`` (any number of ranks), or ``"petsc"`` (PETSc's own sparse LU, one rank
    only: on a 1D mesh it refactorizes 5× and back-substitutes 6× faster than MUMPS, 6.4e3 dofs; in 2D it
    refactorizes 4× slower, 4.2e4 dofs: scripts/pumping_lu_costs.py).

    Why (docs/model.md §12.9): a precessing m changes the operator every step (precession, dephasing and the
    Γ, R fluxes depend on m), but by O(ωΔt) only, so a factorization a few steps old is an excellent
    preconditioner; in 2D a factorization costs tens of back-substitutions.

    Attributes
    ----------
    factorizations, solves, iterations
        Counts over the solver's life (iterations: Krylov iterations summed).
    timings
        Wall time (s) summed over the solver's life: ``assemble_matrix``, ``assemble_rhs``, ``factorize``,
        ``solve`` (Krylov iterations with the back-substitutions).
    """

    def __init__(self, system: LinearSystem, *, budget: int, rtol: float = LAGGED_RTOL,
                 factor_solver: str = "mumps"):
        if system.pin_bc is not None:
            raise SolveError("LaggedFactorizationSolver needs a regular operator (no pinned null vector); use "
                             "LinearSolver for a pinned system")
        self.system = system
        comm = system.V.mesh.comm
        self.A = fem_petsc.create_matrix(system.a)
        self.P = None  # the copy of A that is factorized (made at the first factorization)
        self.ksp = PETSc.KSP().create(comm)
        self.ksp.setType(PETSc.KSP.Type.GMRES)
        self.ksp.setPCSide(PETSc.PC.Side.RIGHT)
        self.ksp.setTolerances(rtol=rtol, atol=0.0, max_it=LAGGED_ITERATION_LIMIT)
        self.ksp.setInitialGuessNonzero(True)
        pc = self.ksp.getPC()
        pc.setType(PETSc.PC.Type.LU)
        pc.setFactorSolverType(factor_solver)
        self.budget = int(budget)
        self._b = fem_petsc.create_vector(system.V)
        self._stale = True  # P must be (re)factorized before the next solve
        self._assembled = False
        self._surplus = 0  # Krylov iterations beyond the first since the last factorization
        self.factorizations = 0
        self.solves = 0
        self.iterations = 0
        self.last_iterations = 0
        self.timings = {"assemble_matrix": 0.0, "assemble_rhs": 0.0, "factorize": 0.0, "solve": 0.0}

    def _tick(self, phase: str, t0: float) -> None:
        self.timings[phase] += time.perf_counter() - t0

    def _factorize(self) -> None:
        """P ← A, then the numeric factorization of P (the symbolic analysis is kept after the first)."""
        t0 = time.perf_counter()
        if self.P is None:
            self.P = self.A.duplicate(copy=True)
        else:
            self.A.copy(self.P, structure=PETSc.Mat.Structure.SAME_NONZERO_PATTERN)
        pc = self.ksp.getPC()
        pc.setReusePreconditioner(False)
        self.ksp.setOperators(self.A, self.P)
        try:
            with deferred_signals(block=True):  # SIGINT/SIGTERM wait for MUMPS (LinearSolver._petsc_options)
                self.ksp.setUp()
        except PETSc.Error as e:
            raise SolveError(f"factorization failed: {petsc_message(e)}") from e
        pc.setReusePreconditioner(True)
        self.factorizations += 1
        self._stale = False
        self._surplus = 0
        self._tick("factorize", t0)

    def refactorize_next(self) -> None:
        """Factorize the operator of the next solve (e.g. when it has become a different constant one)."""
        self._stale = True

    def solve(self, out: fem.Function, *, operator_changed: bool = True) -> int:
        """Assemble (the operator when ``operator_changed`` or never assembled) and solve into ``out``.

        Returns the Krylov iterations of this solve.
        """
        system = self.system
        if operator_changed or not self._assembled:
            t0 = time.perf_counter()
            self.A.zeroEntries()
            fem_petsc.assemble_matrix(self.A, system.a, bcs=system.bcs)
            self.A.assemble()
            self._assembled = True
            self._tick("assemble_matrix", t0)
        t0 = time.perf_counter()
        b = assemble_rhs(system.L, system.a, system.bcs, self._b)
        self._tick("assemble_rhs", t0)
        if self._stale:
            self._factorize()
        x = function_vector(out)
        for attempt in range(2):
            t0 = time.perf_counter()
            with deferred_signals(block=True):
                self.ksp.solve(b, x)
            self._tick("solve", t0)
            reason = self.ksp.getConvergedReason()
            its = self.ksp.getIterationNumber()
            self.iterations += its
            if reason > 0:
                break
            if attempt == 1:
                raise SolveError(f"GMRES with a fresh factorization did not converge: reason {reason} "
                                 f"({_REASONS.get(reason, '?')}) after {its} iterations")
            self._factorize()  # the lagged factorization was too far off: start again with the current operator
        self.solves += 1
        self.last_iterations = its
        self._surplus += max(its - 1, 0)
        if its > LAGGED_MAX_ITERATIONS or self._surplus > self.budget:
            self._stale = True
        out.x.scatter_forward()
        if system.V.mesh.comm.allreduce(not np.all(np.isfinite(out.x.array)), op=MPI.LOR):
            raise SolveError("the solution contains NaN or Inf")
        return its

    def close(self) -> None:
        """Destroy the KSP, the matrices and the vector (idempotent)."""
        for obj in (self.ksp, self.A, self.P, self._b):
            if obj is not None:
                obj.destroy()

    def __enter__(self) -> LaggedFactorizationSolver:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
