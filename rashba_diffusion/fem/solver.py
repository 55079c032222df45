"""Linear solves: assembly, MUMPS LU or preconditioned GMRES, failure checks, charge neutrality.

Solver choice goes through PETSc options: a dict in Python (``petsc_options``),
``--petsc-option KEY=VALUE`` on the command line (:func:`parse_petsc_option_args`)
and a ``[solver]`` table in configuration files (:func:`petsc_options_from_table`).
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
from ._compat import MPI, PETSc, assemble_rhs, fem, fem_petsc, function_vector, lift_and_set_bc, ufl
from .solver_options import petsc_options_from_table, resolve_petsc_options

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
    """

    a: fem.Form
    L: fem.Form
    bcs: Sequence[fem.DirichletBC]
    V: fem.FunctionSpace
    pin_bc: fem.DirichletBC | None = None
    unit_pin_bc: Callable[[], fem.DirichletBC] | None = None


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
    """

    def __init__(self, system: LinearSystem, petsc_options: dict | None = None):
        self.system = system
        comm = system.V.mesh.comm
        self.prefix = f"rashba_{next(_PREFIX_NUMBERS)}_"
        self.A = fem_petsc.create_matrix(system.a)
        self.ksp = PETSc.KSP().create(comm)
        self.ksp.setOperators(self.A)
        self.ksp.setOptionsPrefix(self.prefix)
        self.options = resolve_petsc_options(petsc_options)
        try:
            with self._petsc_options():
                self.ksp.setFromOptions()
        except PETSc.Error as e:  # an option value PETSc rejects (the command line probes them first)
            raise ParameterError(f"petsc options are invalid: PETSc says: {petsc_message(e)}") from None
        # a blocked (s_x, s_y, s_z, ν) space: AMG aggregates whole nodes
        self.A.setBlockSize(system.V.dofmap.index_map_bs)
        #: wall times (s) of the phases of the last :meth:`solve`
        self.timings: dict[str, float] = {}
        self._b = fem_petsc.create_vector(system.V)
        self._neutral = None  # (b1, y, ∫ν weights, Dirichlet data), built on first use
        #: Krylov iterations of the last solve (0 for a direct solve: preonly)
        self.iterations = 0

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

    def assemble_matrix(self) -> None:
        t0 = time.perf_counter()
        self.A.zeroEntries()
        fem_petsc.assemble_matrix(self.A, self.system.a, bcs=self.system.bcs)
        self.A.assemble()
        self.ksp.setOperators(self.A)
        self.timings["assemble_matrix"] = time.perf_counter() - t0

    def setup(self) -> None:
        """Build the preconditioner (the LU factorization for MUMPS) for the current matrix."""
        t0 = time.perf_counter()
        try:
            with self._petsc_options():
                self.ksp.setUp()
        except PETSc.Error as e:  # e.g. a zero pivot in the factorization
            raise SolveError(f"KSP set-up (factorization/preconditioner) failed: {petsc_message(e)}") from e
        self.timings["setup"] = time.perf_counter() - t0

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
        self.timings["assemble_rhs"] = time.perf_counter() - t0
        self.setup()
        u = fem.Function(system.V, name="U") if out is None else out
        t0 = time.perf_counter()
        self._solve_rhs(b, u)
        self.timings["solve"] = time.perf_counter() - t0
        iterations = self.iterations
        t0 = time.perf_counter()
        if system.pin_bc is not None:
            self._restore_neutrality(u)
        self.timings["neutrality"] = time.perf_counter() - t0
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
        """Destroy the KSP, the matrix and the vectors (idempotent)."""
        for obj in (self.ksp, self.A, self._b):
            obj.destroy()
        if self._neutral is not None:
            self._neutral[0].destroy()
            self._neutral[2].destroy()
            self._neutral = None

    def __enter__(self) -> LinearSolver:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
