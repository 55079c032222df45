"""The pumping problem by finite elements: a film whose magnetization precesses, time-stepped to its periodic
state (``geometry = "1d"`` or ``"2d"``), and the session of the infinite film (``"bulk"``, exact, no mesh).

:class:`PumpingSession` builds the mesh, the transient model (:class:`~..models.pumping.TransientRashbaModel`),
its solvers and the interior averages once, and solves any number of :class:`~..physics.pumping.PumpingPoint`
s with the same texture kind: each :meth:`PumpingSession.solve` integrates from δS = ν = 0 over
``spec.periods`` periods (BDF1/BDF2), averages the last period over the interior window, then runs one period
of the quasi-static model (∂t dropped) for the adiabatic coefficients (docs/model.md §12.9).
"""

from __future__ import annotations

import time

import numpy as np

from ..fem._compat import MPI, fem, mesh, ufl
from ..fem.geometry import Geometry
from ..fem.postprocess import CompiledIntegrals, global_dofs
from ..fem.solver import LaggedFactorizationSolver, LinearSolver
from ..fem.time import BDF, UniformSteps
from ..meshing.structured import pumping_line, pumping_rectangle
from ..models.pumping import TransientRashbaModel, texture_space
from ..models.rashba import torque_ufl
from ..physics.pumping import PumpingPoint, physics_summary
from .base import Result, SessionBase
from .pumping_bulk import TIME_SERIES_COLUMNS, run_keys, solve_bulk_pumping, time_series_row
from .specs import PumpingSpec

#: cell tag of the averaging window (the central ``interior_fraction`` of the sample)
INTERIOR = 1
#: a factorization's time in Krylov iterations with the lagged factorization, by mesh dimension: the
#: LaggedFactorizationSolver's budget.  Measured by the pumping benchmark (docs/performance.md; factorization time
#: per factorization over Krylov time per iteration): 3.4 for the 1D helix (PETSc LU, 2.0e4 dofs), 5.6 and 8.4 for
#: the 2D rectangle (MUMPS, P1 1.1e4 and P2 4.2e4 dofs)
FACTORIZATION_COST_IN_ITERATIONS = {1: 6, 2: 9, 3: 20}


def build_pumping_geometry(point: PumpingPoint, spec: PumpingSpec, comm: MPI.Comm) -> Geometry:
    """The mesh of ``spec`` (1d: :func:`pumping_line`; 2d: :func:`pumping_rectangle`), cells from ``point``'s film
    unless ``spec.cell_nm`` is given."""
    h = spec.resolved_cell_nm(point.film)
    if spec.geometry == "1d":
        return pumping_line(comm, spec.resolved_length_nm, h)
    return pumping_rectangle(comm, spec.resolved_length_nm, spec.resolved_width_nm, h)


def interior_window(geometry: Geometry, fraction: float) -> list[tuple[float, float]]:
    """[(x0, x1)] (1d) or [(x0, x1), (y0, y1)] (2d): the central ``fraction`` of each side."""
    sides = [geometry.length_nm] if geometry.msh.topology.dim == 1 else [geometry.length_nm, geometry.width_nm]
    return [(0.5 * (1 - fraction) * s, 0.5 * (1 + fraction) * s) for s in sides]


def _interior_measure(geometry: Geometry, window: list[tuple[float, float]]):
    """dx over the cells whose midpoint lies in ``window`` (tagged :data:`INTERIOR`)."""
    msh = geometry.msh
    tdim = msh.topology.dim
    msh.topology.create_entities(tdim)
    cells = np.arange(msh.topology.index_map(tdim).size_local, dtype=np.int32)
    mid = mesh.compute_midpoints(msh, tdim, cells)
    inside = np.ones(cells.size, dtype=bool)
    for axis, (lo, hi) in enumerate(window):
        inside &= (mid[:, axis] >= lo) & (mid[:, axis] <= hi)
    tags = mesh.meshtags(msh, tdim, cells[inside], np.full(int(inside.sum()), INTERIOR, dtype=np.int32))
    return ufl.Measure("dx", domain=msh, subdomain_data=tags, subdomain_id=INTERIOR)


class _Averages:
    """The interior integrals of one time sample, compiled once: ∫T·ṁ, ∫T·(m×ṁ), ∫|ṁ|², ∫δS, ∫T, ∫f.

    T is Eq. 24's torque, f the Rashba particle flux of Eq. 16 (the short-circuit sheet current: in a
    short-circuited sample ⟨∇ν⟩ vanishes in the interior, docs/model.md §12.9).
    """

    def __init__(self, model: TransientRashbaModel, U: fem.Function, measure):
        m, mdot = model.magnetization.ufl, model.mdot.ufl
        mv = ufl.as_vector([m[0], m[1], m[2]])
        mdv = ufl.as_vector([mdot[0], mdot[1], mdot[2]])
        s = [U[0], U[1], U[2]]
        _, _, T = torque_ufl(model, U)
        f = model.rashba_charge_flux(s, U[3])
        exprs = [ufl.dot(T, mdv), ufl.dot(T, ufl.cross(mv, mdv)), ufl.dot(mdv, mdv), *s, *(T[i] for i in range(3)),
                 *(f[d] if not isinstance(f[d], float) else ufl.as_ufl(f[d]) for d in range(3))]
        self._integrals = CompiledIntegrals(exprs, measure, U.function_space.mesh.comm)
        #: measure of the window (nm or nm²)
        self.size = self._integrals.size

    def sample(self) -> np.ndarray:
        """[∫T·ṁ, ∫T·(m×ṁ), ∫|ṁ|², ⟨δS⟩ (3), ⟨T⟩ (3), ⟨f⟩ (3)]: the first three integrals, then averages."""
        v = self._integrals.values()
        return np.concatenate([v[:3], v[3:] / self.size])


class PumpingSession(SessionBase[PumpingPoint]):
    """One mesh, one transient model, its solvers and compiled averages, solved for many :class:`PumpingPoint` s.

    The texture kind (uniform or helix) fixes how m enters the forms (a Constant or a Function): a point of the
    other kind is not :meth:`reusable`.  Every other parameter (material, frequency, cone angle, axis,
    wavevector, Sec. VI model, magnet) is a coefficient.

    Parameters
    ----------
    point
        The first point (its film sizes the default cells).
    spec
        Geometry (``"1d"`` or ``"2d"``) and time discretization.
    comm
        MPI communicator.
    """

    problem = "pumping"

    def __init__(self, point: PumpingPoint, spec: PumpingSpec, comm: MPI.Comm = MPI.COMM_WORLD):
        if spec.geometry == "bulk":
            raise ValueError("PumpingSession solves the finite-element geometries; use BulkPumpingSession for 'bulk'")
        t0 = time.perf_counter()
        self.spec = spec
        self.comm = comm
        self.point = point
        self.texture = point.precession.texture
        self.geometry = build_pumping_geometry(point, spec, comm)
        self.cell_nm = spec.resolved_cell_nm(point.film)
        self.setup_timings = {"mesh": time.perf_counter() - t0}
        t0 = time.perf_counter()
        msh = self.geometry.msh
        if self.texture == "uniform":
            m0, mdot0 = point.precession.m(0.0, 0.0), point.precession.dm_dt(0.0, 0.0)
            self._texture_x = None
        else:
            space = texture_space(msh, spec.degree)
            m0, mdot0 = fem.Function(space), fem.Function(space)
            self._texture_x = space.tabulate_dof_coordinates()[:, 0].copy()
            m0.x.array[:] = point.precession.m(self._texture_x, 0.0).T.ravel()
            mdot0.x.array[:] = point.precession.dm_dt(self._texture_x, 0.0).T.ravel()
        self.model = TransientRashbaModel(self.geometry, point.model(), m0, mdot0, degree=spec.degree)
        self.U = fem.Function(self.model.V, name="U")
        self.window = interior_window(self.geometry, spec.interior_fraction)
        self._averages = _Averages(self.model, self.U, _interior_measure(self.geometry, self.window))
        self.setup_timings["forms"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        # PETSc's own LU on one rank in 1D (banded: far cheaper than MUMPS there), MUMPS otherwise
        tdim = msh.topology.dim
        factor = "petsc" if comm.size == 1 and tdim == 1 else "mumps"
        budget = FACTORIZATION_COST_IN_ITERATIONS[tdim]
        self.solver = LaggedFactorizationSolver(self.model.system, budget=budget, factor_solver=factor)
        qs = self.model.quasi_static_system
        self.quasi_static_solver = (LaggedFactorizationSolver(qs, budget=budget, factor_solver=factor)
                                    if qs.pin_bc is None else LinearSolver(qs))
        self.setup_timings["matrix_create"] = time.perf_counter() - t0
        self.ndofs = global_dofs(self.model.V)

    def reusable(self, params: PumpingPoint) -> bool:
        """Same texture kind (m a Constant or a Function in the compiled forms)."""
        return params.precession.texture == self.texture

    def _set_motion(self, t_fs: float) -> None:
        pr = self.point.precession
        if self._texture_x is None:
            self.model.set_motion(pr.m(0.0, t_fs), pr.dm_dt(0.0, t_fs))
        else:
            self.model.set_motion(pr.m(self._texture_x, t_fs).T.ravel(), pr.dm_dt(self._texture_x, t_fs).T.ravel())

    def _transient(self, steps: UniformSteps, bdf: BDF) -> tuple[np.ndarray, list[list[float]]]:
        """Integrate from U = 0 over every step; the samples of the last period and the time series."""
        model, solver = self.model, self.solver
        solver.refactorize_next()  # a run depends on its point only, not on the session's previous runs
        model.reset_history()
        self.U.x.array[:] = 0.0
        depends_on_m = model.operator_depends_on_m
        last, series, rate = [], [], None
        for n in range(steps.total_steps):
            t = steps.time(n + 1)
            c = bdf.coefficients(n)
            rate_changed = c != rate
            if rate_changed:
                model.set_rate(*c, steps.step)
                rate = c
                if n > 0:
                    solver.refactorize_next()  # a new constant operator (BDF2 after the BDF1 start)
            self._set_motion(t)
            if n > 0:  # initial guess: U^n + (U^n − U^{n−1}), O(Δt²) off in the periodic state
                self.U.x.array[:] = 2.0 * model.U1.x.array - model.U2.x.array
            solver.solve(self.U, operator_changed=depends_on_m or rate_changed)
            model.push_history(self.U)
            v = self._averages.sample()
            series.append(time_series_row(t, v[3:6], v[6:9], v[9:12]))
            if n >= steps.total_steps - steps.steps_per_period:
                last.append(v)
        return np.array(last), series

    def _quasi_static(self, steps: UniformSteps) -> np.ndarray:
        """One period of the quasi-static model (∂t dropped) at the same sample times."""
        self.model.set_rate(0.0, 0.0, 0.0, None)
        if isinstance(self.quasi_static_solver, LaggedFactorizationSolver):
            self.quasi_static_solver.refactorize_next()
        self.U.x.array[:] = 0.0
        out = []
        for j in range(1, steps.steps_per_period + 1):
            self._set_motion(steps.time(j))
            if isinstance(self.quasi_static_solver, LinearSolver):  # pinned ν (no contact): LU each sample
                self.quasi_static_solver.solve(out=self.U)
            else:
                self.quasi_static_solver.solve(self.U, operator_changed=True)
            out.append(self._averages.sample())
        return np.array(out)

    def solve(self, params: PumpingPoint | None = None, *, profile: bool = False) -> Result:
        """Integrate ``params`` (``None``: the current point) to its periodic state and average it.

        ``Result.time_series`` holds every step's interior averages (:data:`TIME_SERIES_COLUMNS`);
        ``Result.solution`` is U at the last step.  ``profile`` is not used.
        """
        t_start = time.perf_counter()
        if params is not None:
            if not self.reusable(params):
                raise ValueError(f"texture {params.precession.texture!r} needs a new session (this one: "
                                 f"{self.texture!r})")
            self.point = params
            self.model.update_pumping(params.model())
        point, model = self.point, self.model
        pr = point.precession
        steps = UniformSteps(pr.period_fs, self.spec.steps_per_period(pr.period_ps), self.spec.periods)
        bdf = BDF.named(self.spec.scheme)
        before = _solver_state(self.solver)
        t0 = time.perf_counter()
        last, series = self._transient(steps, bdf)
        transient_seconds = time.perf_counter() - t0
        after = _solver_state(self.solver)
        t0 = time.perf_counter()
        qs = self._quasi_static(steps)
        quasi_static_seconds = time.perf_counter() - t0
        # the solution returned (and written by --out) is the transient's last step, at the phase of the last
        # quasi-static sample (a whole number of periods later), so m and ṁ in the model go with it
        self.U.x.array[:] = model.U1.x.array
        s0 = model.pumping.s0_per_nm2

        def coefficients(samples: np.ndarray) -> tuple[float, float]:
            norm = s0 * samples[:, 2].sum()
            return samples[:, 0].sum() / norm, samples[:, 1].sum() / norm

        a, b = coefficients(last)
        a_ad, b_ad = coefficients(qs)
        summary = {
            **physics_summary(model.pumping, pr, point.magnet, a, b, a_ad, b_ad, last[:, 3:6].mean(axis=0),
                              last[:, 9:12].mean(axis=0)),
            **run_keys(point, self.spec, dofs=self.ndofs, time_steps=steps.total_steps,
                       steps_per_period=steps.steps_per_period),
            "length_nm": self.geometry.length_nm,
            "width_nm": self.geometry.width_nm if self.geometry.msh.topology.dim == 2 else None,
            "cell_nm": self.cell_nm,
            "degree": self.spec.degree,
            "interior_nm": [list(w) for w in self.window],
            "ranks": self.comm.size,
            "factorizations": after["factorizations"] - before["factorizations"],
            "krylov_iterations": after["iterations"] - before["iterations"],
            "factorization_seconds": after["factorize"] - before["factorize"],
            "solve_seconds": transient_seconds + quasi_static_seconds,
            "transient_seconds": transient_seconds,
            "total_seconds": 0.0,
        }
        summary["total_seconds"] = time.perf_counter() - t_start
        data = np.array(series)
        timings = {**self.setup_timings, **{f"transient_{k}": after[k] - before[k] for k in self.solver.timings},
                   "quasi_static": quasi_static_seconds}
        return Result(summary=summary, solution=self.U, model=model, timings=timings,
                      time_series={c: data[:, i] for i, c in enumerate(TIME_SERIES_COLUMNS)},
                      provenance={"conventions": summary["conventions"]})

    def close(self) -> None:
        super().close()
        if getattr(self, "quasi_static_solver", None) is not None:
            self.quasi_static_solver.close()
            self.quasi_static_solver = None


def _solver_state(solver: LaggedFactorizationSolver) -> dict[str, float]:
    return {"factorizations": solver.factorizations, "iterations": solver.iterations, "solves": solver.solves,
            **solver.timings}


class BulkPumpingSession:
    """The infinite film as a session (the sweep engine's interface): no mesh, every point is reusable."""

    problem = "pumping"
    ndofs = 0
    cell_nm = None

    def __init__(self, point: PumpingPoint, spec: PumpingSpec, comm: MPI.Comm = MPI.COMM_WORLD):
        self.point, self.spec, self.comm = point, spec, comm
        self.setup_timings: dict[str, float] = {}

    def reusable(self, params: PumpingPoint) -> bool:
        return True

    def solve(self, params: PumpingPoint | None = None, *, profile: bool = False) -> Result:
        if params is not None:
            self.point = params
        t0 = time.perf_counter()
        summary, series = solve_bulk_pumping(self.point, self.spec)
        summary["ranks"] = self.comm.size
        summary["total_seconds"] = time.perf_counter() - t0
        return Result(summary=summary, solution=None, model=None, timings={}, time_series=series)

    def close(self) -> None:
        pass

    def __enter__(self) -> BulkPumpingSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_pumping_session(point: PumpingPoint, spec: PumpingSpec, comm: MPI.Comm = MPI.COMM_WORLD):
    """The session of ``spec.geometry``: :class:`BulkPumpingSession` or :class:`PumpingSession`."""
    return BulkPumpingSession(point, spec, comm) if spec.geometry == "bulk" else PumpingSession(point, spec, comm)


def solve_pumping(point: PumpingPoint, spec: PumpingSpec, comm: MPI.Comm = MPI.COMM_WORLD) -> Result:
    """One point (a one-point session)."""
    with open_pumping_session(point, spec, comm) as session:
        return session.solve()
