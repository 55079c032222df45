"""Linear solves: assembly, MUMPS LU or preconditioned GMRES, failure checks, charge neutrality.

Solver choice goes through PETSc options: a dict in Python (``petsc_options``),
``--petsc-option KEY=VALUE`` on the command line (:func:`parse_petsc_option_args`)
and a ``[solver]`` table in configuration files (:func:`petsc_options_from_table`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

import numpy as np

from ._compat import MPI, PETSc, assemble_rhs, fem, fem_petsc, function_vector, lift_and_set_bc
from .model import RashbaModel
from .parameters import ParameterError

#: direct solve: MUMPS LU (the default; exact to round-off, best for 2D)
DIRECT_PETSC_OPTIONS = {
    "ksp_type": "preonly",
    "pc_type": "lu",
    "pc_factor_mat_solver_type": "mumps",
}
DEFAULT_PETSC_OPTIONS = DIRECT_PETSC_OPTIONS

#: iterative solve for 3D / large meshes: right-preconditioned GMRES with
#: PETSc's algebraic multigrid on the whole 4-field system.  Why this choice
#: (docs/performance.md, "Iterative solver"): the operator is a diffusion
#: operator D∇² on every field plus lower-order (first-order Rashba flux and
#: zeroth-order relaxation/precession) couplings, so its stiff part is the
#: block-diagonal Laplacian that AMG handles with h-independent work; the
#: non-symmetric couplings are compact perturbations that GMRES absorbs in a
#: bounded number of iterations.  Aggregation uses the 4-dof node blocks
#: (block size 4 of the matrix), unsmoothed (``agg_nsmooths 0``: smoothed
#: prolongators assume symmetry), with GMRES+ILU smoothing.  hypre/BoomerAMG
#: is not in the PyPI PETSc, and ASM+ILU is kept as a fallback preset: its
#: iteration count grows like 1/h.
ITERATIVE_PETSC_OPTIONS = {
    "ksp_type": "gmres",
    "ksp_pc_side": "right",
    "ksp_gmres_restart": 200,
    "ksp_rtol": 1e-10,
    "ksp_atol": 1e-50,
    "ksp_max_it": 1000,
    "pc_type": "gamg",
    "pc_gamg_type": "agg",
    "pc_gamg_agg_nsmooths": 0,
    "pc_gamg_threshold": 0.02,
    "mg_levels_ksp_type": "gmres",
    "mg_levels_ksp_max_it": 3,
    "mg_levels_pc_type": "sor",
    "mg_coarse_pc_type": "lu",
}

#: the same GMRES settings with additive Schwarz + ILU(1) (1/h growth; a fallback)
ASM_PETSC_OPTIONS = {
    **{k: v for k, v in ITERATIVE_PETSC_OPTIONS.items() if not k.startswith(("pc_", "mg_"))},
    "pc_type": "asm",
    "pc_asm_overlap": 1,
    "sub_pc_type": "ilu",
    "sub_pc_factor_levels": 1,
}

#: named option sets, selectable with ``preset`` in a ``[solver]`` table or ``--petsc-option preset=...``
SOLVER_PRESETS: dict[str, dict] = {
    "direct": DIRECT_PETSC_OPTIONS,
    "iterative": ITERATIVE_PETSC_OPTIONS,
    "asm": ASM_PETSC_OPTIONS,
}

#: safeguards added to any Krylov solve unless the caller sets them: without
#: them PETSc stops at rtol 1e-5 / 10000 iterations, too loose for torques.
ITERATIVE_SAFEGUARDS = {"ksp_rtol": 1e-10, "ksp_atol": 1e-50, "ksp_max_it": 1000}


class SolveError(RuntimeError):
    """The linear solve failed (KSP not converged, or NaN/Inf in the solution)."""


def _option_value(key: str, value) -> str:
    """PETSc's string form of an option value (bools as true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise ParameterError(f"petsc option {key} = {value!r} is invalid; valid values: str, int, float or bool")


def petsc_options_from_table(table: Mapping | None) -> dict[str, str]:
    """PETSc options from a ``[solver]`` configuration table (or a dict).

    ``preset`` (``"direct"``, ``"iterative"``, ``"asm"``) expands to that
    option set; every other key is a PETSc option name without its leading
    ``-`` (e.g. ``ksp_rtol = 1e-12``) and overrides the preset.

    Raises
    ------
    ParameterError
        Unknown preset, empty key or a value that is not a scalar.
    """
    out: dict[str, str] = {}
    table = dict(table or {})
    preset = table.pop("preset", None)
    if preset is not None:
        if preset not in SOLVER_PRESETS:
            raise ParameterError(f"solver preset = {preset!r} is invalid; valid values: {tuple(SOLVER_PRESETS)}")
        out.update({k: _option_value(k, v) for k, v in SOLVER_PRESETS[preset].items()})
    for key, value in table.items():
        k = str(key).strip().lstrip("-")
        if not k:
            raise ParameterError(f"petsc option name {key!r} is invalid; valid: a PETSc option such as ksp_rtol")
        out[k] = _option_value(k, value)
    return out


def parse_petsc_option_args(items: Iterable[str] | None) -> dict[str, str]:
    """``["ksp_type=gmres", "pc_type=gamg", "preset=iterative"]`` -> options dict.

    The command-line form of :func:`petsc_options_from_table`: ``KEY=VALUE``
    (a leading ``-`` on KEY is allowed; ``KEY`` alone means an empty value,
    i.e. a PETSc flag such as ``ksp_view``).
    """
    table: dict[str, str] = {}
    for item in items or ():
        key, sep, value = str(item).partition("=")
        if not key.strip():
            raise ParameterError(f"--petsc-option {item!r} is invalid; valid form: KEY=VALUE (e.g. ksp_rtol=1e-10)")
        table[key.strip().lstrip("-")] = value.strip() if sep else ""
    return petsc_options_from_table(table)


def resolve_petsc_options(petsc_options: Mapping | None) -> dict[str, str]:
    """Defaults + the caller's options (a ``preset`` key expands), with Krylov safeguards."""
    user = petsc_options_from_table(petsc_options)
    opts = {k: _option_value(k, v) for k, v in DEFAULT_PETSC_OPTIONS.items()}
    if user.get("pc_type", opts["pc_type"]) != opts["pc_type"]:
        # another preconditioner: the LU back-end choice would be an unused option
        opts = {k: v for k, v in opts.items() if not k.startswith("pc_factor_")}
    opts.update(user)
    if opts.get("ksp_type", "preonly") != "preonly":
        for k, v in ITERATIVE_SAFEGUARDS.items():
            opts.setdefault(k, _option_value(k, v))
    return opts


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
        u.x.scatter_forward()
        local_bad = not np.all(np.isfinite(u.x.array))
        if u.function_space.mesh.comm.allreduce(local_bad, op=MPI.LOR):
            raise SolveError("the solution contains NaN or Inf")

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
