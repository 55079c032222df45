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
    refactors; the factorization serves the neutrality correction too.
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

    def solve(self) -> fem.Function:
        """Assemble and solve; returns U = (s_x, s_y, s_z, ν).

        Phases timed in :attr:`timings`: ``assemble_matrix``, ``assemble_rhs``,
        ``setup`` (``KSPSetUp``: the factorization, or building the
        preconditioner), ``solve`` (``KSPSolve`` with the factors or the
        Krylov iterations, and the finiteness check) and ``neutrality`` (the
        null-vector solve of the contact-free cross-section; 0 otherwise).
        """
        m = self.model
        self.assemble_matrix()
        t0 = time.perf_counter()
        b = assemble_rhs(m.L, m.a, m.bcs)
        self.timings["assemble_rhs"] = time.perf_counter() - t0
        self.setup()
        u = fem.Function(m.V, name="U")
        t0 = time.perf_counter()
        self._solve_rhs(b, u)
        b.destroy()
        self.timings["solve"] = time.perf_counter() - t0
        iterations = self.iterations
        t0 = time.perf_counter()
        if m.pin_bc is not None:
            self._restore_neutrality(u)
        self.timings["neutrality"] = time.perf_counter() - t0
        self.iterations = iterations  # report the main solve's count
        return u

    def _restore_neutrality(self, u: fem.Function) -> None:
        """Add the multiple of the null vector that makes ∫ν dx = 0.

        Solving with ν_k = 1 at the pinned dof and no source returns the null
        vector y of the unpinned operator (A y = 0 off the pinned row, and on
        it too, since the charge rows sum to zero).  u + c y solves the same
        equations for every c.
        """
        m = self.model
        # DOLFINx zeroes the pinned column as well as the row, so the unit
        # value must enter through lifting: b1 = -A[:, k], b1[k] = 1.
        bcs_one = [bc for bc in m.bcs if bc is not m.pin_bc] + [m.unit_pin_bc()]
        b1 = fem_petsc.create_vector(m.V)
        with b1.localForm() as loc:
            loc.set(0.0)
        lift_and_set_bc(b1, m.a, bcs_one)
        y = fem.Function(m.V)
        self._solve_rhs(b1, y)
        b1.destroy()
        comm = m.V.mesh.comm
        form_u = fem.form(u[3] * self._dx())
        form_y = fem.form(y[3] * self._dx())
        iu = comm.allreduce(fem.assemble_scalar(form_u), op=MPI.SUM)
        iy = comm.allreduce(fem.assemble_scalar(form_y), op=MPI.SUM)
        u.x.array[:] -= (iu / iy) * y.x.array
        u.x.scatter_forward()

    def _dx(self):
        from ._compat import ufl

        return ufl.dx(domain=self.model.V.mesh)

    def destroy(self) -> None:
        self.ksp.destroy()
        self.A.destroy()
