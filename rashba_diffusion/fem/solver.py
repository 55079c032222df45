"""Linear solves: assembly, MUMPS LU or preconditioned GMRES, failure checks, charge neutrality.

Solver choice goes through PETSc options: a dict in Python (``petsc_options``),
``--petsc-option KEY=VALUE`` on the command line (:func:`parse_petsc_option_args`)
and a ``[solver]`` table in configuration files (:func:`petsc_options_from_table`).
"""

from __future__ import annotations

import time

import numpy as np

from ._compat import MPI, PETSc, assemble_rhs, fem, fem_petsc, function_vector, lift_and_set_bc
from .model import RashbaModel
from .solver_options import (  # noqa: F401  (re-exported: the solver's configuration API)
    ASM_PETSC_OPTIONS,
    DEFAULT_PETSC_OPTIONS,
    DIRECT_PETSC_OPTIONS,
    ITERATIVE_PETSC_OPTIONS,
    SOLVER_PRESETS,
    parse_petsc_option_args,
    petsc_options_from_table,
    resolve_petsc_options,
)


class SolveError(RuntimeError):
    """The linear solve failed (KSP not converged, or NaN/Inf in the solution)."""


#: accepted ratio of the true relative residual to ksp_rtol (left preconditioning
#: bounds the preconditioned residual, which differs by the conditioning of M)
TRUE_RESIDUAL_SLACK = 1e3

_REASONS = {v: k for k, v in PETSc.KSP.ConvergedReason.__dict__.items() if isinstance(v, int)}


class LinearSolver:
    """Assembles and solves a :class:`RashbaModel`; reusable across parameter changes.

    The matrix and KSP are created once.  :meth:`solve` re-assembles the
    matrix into the same sparsity pattern (parameters may have changed) and
    refactors (MUMPS keeps its symbolic analysis, only the numeric
    factorization is redone); the factorization serves the neutrality
    correction too.  Everything that does not depend on the parameters (the
    right-hand-side vectors, the ∫ν weights, the null-vector Dirichlet data)
    is built once, so that a parameter sweep pays only assembly, one numeric
    factorization and two back-substitutions per point.
    """

    _count = 0

    def __init__(self, model: RashbaModel, petsc_options: dict | None = None):
        self.model = model
        comm = model.V.mesh.comm
        LinearSolver._count += 1
        self.prefix = f"rashba_{LinearSolver._count}_"
        self.A = fem_petsc.create_matrix(model.a)
        self.ksp = PETSc.KSP().create(comm)
        self.ksp.setOperators(self.A)
        self.ksp.setOptionsPrefix(self.prefix)
        self.options = resolve_petsc_options(petsc_options)
        opts = PETSc.Options()
        for k, v in self.options.items():
            opts[self.prefix + k] = v
        self.ksp.setFromOptions()
        # a blocked (s_x, s_y, s_z, ν) space: AMG aggregates whole nodes
        self.A.setBlockSize(model.V.dofmap.index_map_bs)
        #: wall times (s) of the phases of the last :meth:`solve`
        self.timings: dict[str, float] = {}
        self._b = fem_petsc.create_vector(model.V)
        self._neutral = None  # (b1, y, ∫ν weights, Dirichlet data), built on first use
        #: Krylov iterations of the last solve (0 for a direct solve: preonly)
        self.iterations = 0

    def assemble_matrix(self) -> None:
        t0 = time.perf_counter()
        self.A.zeroEntries()
        fem_petsc.assemble_matrix(self.A, self.model.a, bcs=self.model.bcs)
        self.A.assemble()
        self.ksp.setOperators(self.A)
        self.timings["assemble_matrix"] = time.perf_counter() - t0

    def setup(self) -> None:
        """Build the preconditioner (the LU factorization for MUMPS) for the current matrix."""
        t0 = time.perf_counter()
        try:
            self.ksp.setUp()
        except PETSc.Error as e:  # e.g. a zero pivot in the factorization
            raise SolveError(f"KSP set-up (factorization/preconditioner) failed: {e}") from e
        self.timings["setup"] = time.perf_counter() - t0

    def _solve_rhs(self, b: PETSc.Vec, u: fem.Function) -> None:
        x = function_vector(u)
        self.ksp.solve(b, x)
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
            Function of ``model.V`` to write the solution into (reused across
            a sweep); a new one when ``None``.

        Phases timed in :attr:`timings`: ``assemble_matrix``, ``assemble_rhs``,
        ``setup`` (``KSPSetUp``: the factorization, or building the
        preconditioner), ``solve`` (``KSPSolve`` with the factors or the
        Krylov iterations, and the finiteness check) and ``neutrality`` (the
        null-vector solve of the contact-free cross-section; 0 otherwise).
        """
        m = self.model
        self.assemble_matrix()
        t0 = time.perf_counter()
        b = assemble_rhs(m.L, m.a, m.bcs, self._b)
        self.timings["assemble_rhs"] = time.perf_counter() - t0
        self.setup()
        u = fem.Function(m.V, name="U") if out is None else out
        t0 = time.perf_counter()
        self._solve_rhs(b, u)
        self.timings["solve"] = time.perf_counter() - t0
        iterations = self.iterations
        t0 = time.perf_counter()
        if m.pin_bc is not None:
            self._restore_neutrality(u)
        self.timings["neutrality"] = time.perf_counter() - t0
        self.iterations = iterations  # report the main solve's count
        return u

    def _neutrality_data(self):
        if self._neutral is None:
            from ._compat import ufl

            m = self.model
            # ∫ν dx = w·U with w_i = ∫φ_i dx on the ν dofs: one vector for all points
            w_form = fem.form(ufl.TestFunction(m.V)[3] * ufl.dx(domain=m.V.mesh))
            w = fem_petsc.assemble_vector(w_form)
            w.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
            bcs_one = [bc for bc in m.bcs if bc is not m.pin_bc] + [m.unit_pin_bc()]
            self._neutral = (fem_petsc.create_vector(m.V), fem.Function(m.V), w, bcs_one)
        return self._neutral

    def _restore_neutrality(self, u: fem.Function) -> None:
        """Add the multiple of the null vector that makes ∫ν dx = 0.

        Solving with ν_k = 1 at the pinned dof and no source returns the null
        vector y of the unpinned operator (A y = 0 off the pinned row, and on
        it too, since the charge rows sum to zero).  u + c y solves the same
        equations for every c.
        """
        m = self.model
        b1, y, w, bcs_one = self._neutrality_data()
        # DOLFINx zeroes the pinned column as well as the row, so the unit
        # value must enter through lifting: b1 = -A[:, k], b1[k] = 1.
        with b1.localForm() as loc:
            loc.set(0.0)
        lift_and_set_bc(b1, m.a, bcs_one)
        self._solve_rhs(b1, y)
        # owned entries only (PETSc dot): the same sums on any number of ranks
        iu = w.dot(function_vector(u))
        iy = w.dot(function_vector(y))
        u.x.array[:] -= (iu / iy) * y.x.array
        u.x.scatter_forward()

    def destroy(self) -> None:
        for obj in (self.ksp, self.A, self._b):
            obj.destroy()
        if self._neutral is not None:
            self._neutral[0].destroy()
            self._neutral[2].destroy()
