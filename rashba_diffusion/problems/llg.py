"""Texture dynamics on a mesh: implicit-midpoint steps of :class:`~rashba_diffusion.models.llg.LLGModel`, optionally
coupled to a torque source re-solved after every step (docs/model.md §14.3).

A step t_n → t_{n+1} = t_n + k:

1. predictor m₁ = 3m_n − 3m_{n−1} + m_{n−2} (the quadratic through the last three states: an O(k³) guess, so
   that the Newton iteration starts close), B from the last step;
2. the lagged Newton solve of the midpoint equations (:class:`~rashba_diffusion.fem.solver.LaggedNewtonSolver`:
   the factorized Jacobian is reused across steps while the iteration contracts fast);
3. m_{n+1} = m₁; a coupled torque source (:class:`TorqueSource`) then re-solves its field at m_{n+1} and hands the
   LLG the extrapolated torque of the next step's midpoint, (3/2)G_{n+1} − (1/2)G_n (second order, explicit).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Protocol

import numpy as np

from ..errors import SolveError
from ..fem._compat import MPI, dolfinx, fem, ufl
from ..fem.solver import LaggedNewtonSolver
from ..fem.time import steps_per_interval
from ..models.llg import LLGModel
from ..validation import check_positive

#: Newton tolerance on the increment of m (max over the vertices): the default of a step
NEWTON_ATOL = 1e-11
#: relaxation of an initial state: damping, and the largest change of m per step at which it stops
RELAX_ALPHA, RELAX_TOLERANCE = 1.0, 1e-9
#: relaxation steps at most; a relaxation step whose Newton solve fails is halved, down to this fraction of the step
RELAX_MAX_STEPS = 2000
RELAX_MIN_FRACTION = 1e-3


class TorqueSource(Protocol):
    """A torque field re-solved for the current state (e.g. :class:`~.spin_torque.SpinDiffusionTorque`).

    It owns the :class:`~rashba_diffusion.models.llg.TorqueField` term that the LLG model was built with.
    """

    def start(self, dynamics: TextureDynamics) -> None:
        """Solve at the initial state (self-consistently with the initial ṁ, if the torque depends on it)."""

    def after_step(self, dynamics: TextureDynamics, dm_dt_mid: np.ndarray) -> None:
        """Solve at the new state; ``dm_dt_mid`` = (m_{n+1} − m_n)/k at the local dofs (N, 3), 1/s."""

    def cost(self) -> dict:
        """Solves, iterations, factorizations and wall time (s) so far."""


class TextureDynamics:
    """The LLG of ``model`` stepped in time from a given m, with an optional coupled :class:`TorqueSource`.

    Parameters
    ----------
    model
        The LLG model (its terms include the source's :class:`~rashba_diffusion.models.llg.TorqueField`, if any).
    source
        The coupled torque source, or ``None``.
    atol
        Newton tolerance on the increment of m.
    petsc_options
        Options of the Jacobian's LU (default: PETSc's LU on one rank, MUMPS on more).

    Attributes
    ----------
    t_s, steps
        Time (s) and steps taken.
    seconds
        Wall time (s) of the LLG solves (``llg``) and of the source (``source``).
    """

    def __init__(self, model: LLGModel, source: TorqueSource | None = None, *, atol: float = NEWTON_ATOL,
                 petsc_options: dict | None = None):
        self.model = model
        self.source = source
        if not np.array_equal(model.V.dofmap.list, model.V3.dofmap.list):
            raise SolveError("the (m, B) and m spaces number their vertices differently")
        self.solver = LaggedNewtonSolver(model.F, model.J, model.W, atol=atol, rtol=0.0, components=(0, 1, 2),
                                         petsc_options=petsc_options)
        self.t_s = 0.0
        self.steps = 0
        self.relax_steps = 0
        self._history: list[np.ndarray] = []  # m_{n−1}, m_{n−2} (local dof values), newest first
        self.seconds = {"llg": 0.0, "source": 0.0}
        self._rate = None

    # -- state -----------------------------------------------------------------------------------------------
    @property
    def comm(self) -> MPI.Comm:
        return self.model.msh.comm

    def m_values(self) -> np.ndarray:
        """m(t) at the local dofs, (N, 3) (a view)."""
        return self.model.m0.x.array.reshape(-1, 3)

    def initialise(self, m, *, relax_dt_s: float | None = None) -> None:
        """Start from ``m`` (a callable x ↦ (3, N) values for ``interpolate``, or local dof values (N, 3));
        normalized at every vertex; B is the field of m.  With ``relax_dt_s`` the state is first relaxed to the
        discrete equilibrium nearest to it (:meth:`relax`).  Then the source solves at m (time 0)."""
        model = self.model
        if callable(m):
            model.m0.interpolate(m)
        else:
            model.m0.x.array[:] = np.asarray(m, dtype=float).ravel()
        self._normalize()
        self._field_of_m0()
        self.relax_steps = self.relax(relax_dt_s) if relax_dt_s else 0
        self._history = []
        self.t_s, self.steps = 0.0, 0
        if self.source is not None:
            t0 = time.perf_counter()
            self.source.start(self)
            self.seconds["source"] += time.perf_counter() - t0

    def _normalize(self) -> None:
        v = self.m_values()
        v /= np.linalg.norm(v, axis=1)[:, None]
        self.model.m0.x.scatter_forward()

    def relax(self, dt_s: float, *, alpha: float = RELAX_ALPHA, tolerance: float = RELAX_TOLERANCE,
              max_steps: int = RELAX_MAX_STEPS) -> int:
        """Relax the current m without the drives (currents, external field): steps of ``dt_s`` with θ = 1 and
        α = ``alpha`` until max |m₁ − m₀| < ``tolerance`` (θ = 1 damps the mesh-scale modes that an interpolated
        continuum profile carries, which the midpoint rule would keep: docs/model.md §14.2); m is normalized at
        every vertex afterwards.  A step whose Newton solve fails is halved (backward Euler is stable for any step,
        but the nonlinear solve of a far-from-equilibrium state may not converge).  Time does not advance.  The number
        of steps taken."""
        model = self.model
        alpha0 = float(model.alpha.value)
        model.set_theta(1.0)
        model.set_alpha(alpha)
        model.set_drives(False)
        n, change, dt = 0, math.inf, float(dt_s)
        try:
            while change >= tolerance:
                n += 1
                if n > max_steps:
                    raise SolveError(f"the initial state did not relax in {max_steps} steps (last change of m "
                                     f"{change:.3e}, step {dt:g} s)")
                m0 = self.m_values()
                m1 = model.m1_values()
                w0 = model.W.x.array.copy()
                m1[:] = m0
                model.set_dt(dt)
                self.solver.refactorize_next()
                try:
                    self.solver.solve()
                except SolveError:
                    if dt < RELAX_MIN_FRACTION * dt_s:
                        raise
                    model.W.x.array[:] = w0  # a shorter step from the same state
                    dt *= 0.5
                    continue
                model.W.x.scatter_forward()
                # the change per step of dt_s (a halved step changes m half as much: not a sign of rest)
                change = self.comm.allreduce(float(np.max(np.abs(m1 - m0), initial=0.0)), op=MPI.MAX) * dt_s / dt
                m0[:] = m1
                model.m0.x.scatter_forward()
                dt = min(2.0 * dt, dt_s)
        finally:
            model.set_theta(0.5)
            model.set_alpha(alpha0)
            model.set_drives(True)
            model.set_dt(dt_s)
            self.solver.refactorize_next()
        self._normalize()
        self._field_of_m0()
        return n

    def _field_of_m0(self) -> None:
        """W = (m₀, B(m₀)): the step with k = 0 (its equations are then m₁ = m₀ and the field equation)."""
        model = self.model
        model.m1_values()[:] = self.m_values()
        k = float(model.k.value)
        model.set_dt(0.0)
        self.solver.refactorize_next()
        self.solver.solve()
        model.set_dt(k)
        self.solver.refactorize_next()

    def rate_values(self) -> np.ndarray:
        """ṁ = f(m, G) (1/s) at the local dofs of the current state (lumped projection: the vertex values of f)."""
        model = self.model
        if self._rate is None:
            phi = ufl.TestFunction(model.V3)
            m = ufl.as_vector([model.m0[i] for i in range(3)])
            f = model.rate(m, model.effective_torque_field(m, model.b))
            self._rate = (fem.form(ufl.dot(f, phi) * model.dxv), fem.form(ufl.dot(ufl.as_vector([1.0] * 3), phi)
                                                                          * model.dxv))
        vals = []
        for form in self._rate:
            vec = fem.assemble_vector(form)
            vec.scatter_reverse(dolfinx.la.InsertMode.add)
            vec.scatter_forward()
            vals.append(vec.array.reshape(-1, 3))
        return vals[0] / vals[1]

    # -- stepping --------------------------------------------------------------------------------------------
    def step(self, dt_s: float) -> None:
        """One implicit-midpoint step of length ``dt_s`` (s)."""
        model = self.model
        m0 = self.m_values()
        m1 = model.m1_values()
        h = self._history
        if len(h) == 2:
            m1[:] = 3.0 * (m0 - h[0]) + h[1]  # the quadratic through the last three states
        elif len(h) == 1:
            m1[:] = 2.0 * m0 - h[0]
        else:
            m1[:] = m0
        model.set_dt(dt_s)
        t0 = time.perf_counter()
        self.solver.solve()
        self.seconds["llg"] += time.perf_counter() - t0
        model.W.x.scatter_forward()
        dm = (m1 - m0) / dt_s
        self._history = [m0.copy(), *self._history[:1]]
        m0[:] = m1
        model.m0.x.scatter_forward()
        self.t_s += dt_s
        self.steps += 1
        if self.source is not None:
            t0 = time.perf_counter()
            self.source.after_step(self, dm)
            self.seconds["source"] += time.perf_counter() - t0

    def run(self, t_end_s: float, dt_s: float, sample: Callable[[TextureDynamics], None] | None = None) -> None:
        """Equal steps of at most ``dt_s`` up to ``t_end_s`` (from the current time); ``sample(self)`` after each."""
        t_end = check_positive("t_end_s", t_end_s, "s")
        n = steps_per_interval(t_end, dt_s, name="dt_s", unit="s")
        k = t_end / n
        for _ in range(n):
            self.step(k)
            if sample is not None:
                sample(self)

    def shift_history(self, apply: Callable[[np.ndarray], np.ndarray]) -> None:
        """Apply a map of local dof values (a moving window's shift) to the stored history (m_{n−1}, m_{n−2})."""
        self._history = [apply(v) for v in self._history]

    def cost(self) -> dict:
        """Steps, Newton iterations and factorizations of the LLG, and wall times (s, this rank)."""
        s = self.solver
        out = {"time_steps": self.steps, "relax_steps": self.relax_steps, "llg_newton_iterations": s.iterations,
               "llg_factorizations": s.factorizations, "llg_seconds": self.seconds["llg"],
               "source_seconds": self.seconds["source"]}
        if self.source is not None:
            out.update(self.source.cost())
        return out

    def close(self) -> None:
        self.solver.close()
        if self.source is not None and hasattr(self.source, "close"):
            self.source.close()

    def __enter__(self) -> TextureDynamics:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

