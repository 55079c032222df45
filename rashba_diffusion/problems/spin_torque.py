"""The self-consistent spin-diffusion torque on a texture: the Rashba film's spin accumulation re-solved for the
current m and ṁ after every LLG step (docs/model.md §14.4).

The spin model is the package's static Rashba model (:class:`~rashba_diffusion.models.rashba.RashbaModel`, E-linear
response) on the LLG's mesh with m a Function (the texture, normalized at every vertex) and the pumping source −s0 ṁ
of the moving equilibrium spin (its ``mdot`` hook): the source of the transverse spin is X = −s0(∂t + v_e·∇)m, the
E part from the drift flux and the ∂t part from ṁ.  Spin relaxes in fs, m moves in ps: the response is solved
quasi-statically.  Its Eq. 24 torque T = −(1/τΔ) m×s + (1/τφ) m×(s×m) = m×g enters the LLG (Gilbert form) as
τ = σγħT/(Ms t) = m×G with G = σγħ g/(Ms t) and σ = ``physics.rashba.LLG_TORQUE_SIGN`` (−1, docs/model.md §13.3.3).

Cost: the operator depends on m (precession, dephasing), so every solve is a new linear system; the solver
(:class:`~rashba_diffusion.fem.solver.LaggedNewtonSolver`) starts from the previous solution (warm start) and keeps
the LU factorization of an earlier operator as long as the iteration contracts fast (factorization reuse).
"""

from __future__ import annotations

import time

import numpy as np
from scipy import constants as sc

from ..errors import ParameterError, SolveError
from ..fem._compat import MPI, fem, ufl
from ..fem.geometry import Geometry
from ..fem.postprocess import global_dofs
from ..fem.solver import LaggedNewtonSolver
from ..fem.time import extrapolate_half_step
from ..models.llg import TorqueField
from ..models.rashba import RashbaModel
from ..physics.rashba import LLG_TORQUE_SIGN, Drive, Film
from ..units import FS, NM
from ..validation import check_positive

#: relative tolerance of the spin solve (max-norm increment over the max norm of the solution): above the round-off
#: floor of the iteration (~3e-10, fem/solver.py CHORD_ROUNDOFF_RTOL), far below the model's own errors
SPIN_RTOL = 1e-9
#: fixed-point iterations for the self-consistent initial ṁ (the pumped torque depends on ṁ); relative tolerance
START_ITERATIONS, START_RTOL = 30, 1e-10
#: initial guesses of a spin solve (the first is the default)
WARM_STARTS = ("extrapolated", "previous", "zero")
#: ħ/(nm² fs) → ħ/(m² s): the unit of the model's torque in SI
TORQUE_TO_SI = 1.0 / (NM**2 * FS)


class SpinDiffusionTorque:
    """The Rashba film's torque on a texture, re-solved for the current m and ṁ (a :class:`~.llg.TorqueSource`).

    Parameters
    ----------
    geometry
        The LLG's mesh with the spin model's boundary roles (contacts: ν = 0; spin sinks: s = 0); needs a contact
        (the lagged solver takes no pinned null vector).
    film, drive
        The film and its electric field.
    ms_a_per_m, thickness_nm, gamma_rad_per_s_t
        Ms, the film thickness t and γ of τ = σγħT/(Ms t).
    degree
        Lagrange degree of the spin unknown (m is P1).
    warm_start
        The initial guess of each solve: ``"extrapolated"`` (default: 2U_n − U_{n−1}, the linear extrapolation of the
        last two solutions, an O(k²) guess), ``"previous"`` (U_n) or ``"zero"``.
    reuse_factorization
        Keep the factorization across solves while the iteration contracts fast (default), else factorize at every
        solve.  The benchmark switches these off to measure their gain.
    pumping
        Include the pumping source −s0 ṁ (default; off: only the E-driven part, for checks).

    Attributes
    ----------
    term
        The :class:`~rashba_diffusion.models.llg.TorqueField` for the LLG model (G at the next step's midpoint).
    U
        The spin solution (s in ħ/nm², ν in 1/nm²) of the last solve.
    """

    def __init__(self, geometry: Geometry, film: Film, drive: Drive, ms_a_per_m: float, thickness_nm: float,
                 gamma_rad_per_s_t: float, *, degree: int = 1, warm_start: str = "extrapolated",
                 reuse_factorization: bool = True, pumping: bool = True, rtol: float = SPIN_RTOL,
                 petsc_options: dict | None = None):
        msh = geometry.msh
        self.V3 = fem.functionspace(msh, ("Lagrange", 1, (3,)))
        self.m_hat = fem.Function(self.V3, name="m_unit")
        self.m_hat.x.array.reshape(-1, 3)[:] = (0.0, 0.0, 1.0)  # a valid unit field until the first solve
        self.mdot = fem.Function(self.V3, name="dm_dt") if pumping else None
        self.model = RashbaModel(geometry, film, drive, self.m_hat, degree=degree, mdot=self.mdot)
        if self.model.system.pin_bc is not None:
            raise ParameterError("the spin-diffusion torque needs a geometry with contacts (ν = 0 somewhere)")
        self.U = fem.Function(self.model.V, name="U")
        residual = ufl.action(self.model.a_ufl, self.U) - self.model.L_ufl
        self.solver = LaggedNewtonSolver(fem.form(residual), self.model.a, self.U, self.model.bcs, rtol=rtol,
                                         refactorize_every_solve=not reuse_factorization,
                                         petsc_options=petsc_options)
        if warm_start not in WARM_STARTS:
            raise ParameterError(f"warm_start = {warm_start!r} is invalid; valid values: {WARM_STARTS}")
        self.warm_start = warm_start
        self._U_prev: np.ndarray | None = None
        self.ndofs = global_dofs(self.model.V)
        # G = σγħ g/(Ms t) (1/s) with g = −s/τΔ + (1/τφ) s×m̂ in ħ/(nm² fs): T = m̂×g is Eq. 24's torque
        ms = check_positive("ms_a_per_m", ms_a_per_m, "A/m")
        t_m = check_positive("thickness_nm", thickness_nm, "nm") * NM
        coef = LLG_TORQUE_SIGN * gamma_rad_per_s_t * sc.hbar * TORQUE_TO_SI / (ms * t_m)
        c = self.model.const
        s = ufl.as_vector([self.U[i] for i in range(3)])
        m = ufl.as_vector([self.m_hat[i] for i in range(3)])
        g = coef * (-c["inv_tau_delta"] * s + c["inv_tau_phi"] * ufl.cross(s, m))
        self._g_expr = fem.Expression(g, self.V3.element.interpolation_points)
        self.g_now = fem.Function(self.V3)
        self.g_prev = fem.Function(self.V3)
        self.g_mid = fem.Function(self.V3, name="G_spin_diffusion")
        self.term = TorqueField(self.g_mid, name="spin_diffusion")
        self._d_prev: np.ndarray | None = None
        self._mdot0: np.ndarray | None = None
        self.solves = 0
        self.seconds = 0.0
        self.start_iterations = 0

    # -- one solve ---------------------------------------------------------------------------------------------
    def solve(self, m_values: np.ndarray, mdot_per_s: np.ndarray | None) -> None:
        """Solve at m (normalized at every vertex) and ṁ (1/s; local dof values (N, 3)); G_now ← its field."""
        t0 = time.perf_counter()
        unit = np.asarray(m_values, dtype=float)
        unit = unit / np.linalg.norm(unit, axis=1)[:, None]
        self.model.update(m=unit.ravel())
        self.solver.roundoff_scale = abs(float(self.model.texture_s0.value))  # the equilibrium spin's size (ħ/nm²)
        if self.mdot is not None:
            self.mdot.x.array[:] = (0.0 if mdot_per_s is None else np.asarray(mdot_per_s).ravel() * FS)
            self.mdot.x.scatter_forward()
        current = self.U.x.array.copy()
        if self.warm_start == "zero":
            self.U.x.array[:] = 0.0
        elif self.warm_start == "extrapolated" and self._U_prev is not None:
            self.U.x.array[:] = 2.0 * current - self._U_prev
        self.solver.solve()
        self._U_prev = current
        self.g_prev.x.array[:] = self.g_now.x.array
        self.g_now.interpolate(self._g_expr)
        self.solves += 1
        self.seconds += time.perf_counter() - t0

    # -- the TorqueSource protocol -----------------------------------------------------------------------------
    def _check_layout(self, dynamics) -> None:
        if not np.array_equal(dynamics.model.V3.dofmap.list, self.V3.dofmap.list):
            raise SolveError("the spin torque's P1 space numbers the vertices unlike the LLG's")

    def start(self, dynamics) -> None:
        """G⁰ at the initial m with the self-consistent initial ṁ: ṁ⁰ = f(m⁰, G(m⁰, ṁ⁰)) by fixed-point iteration
        (the pumped torque is O(η) of ṁ: it contracts by ~η per iteration)."""
        self._check_layout(dynamics)
        m = dynamics.m_values()
        mdot = np.zeros_like(m)
        self._d_prev = None
        self.start_iterations = 0
        change = size = 0.0
        while True:
            self.start_iterations += 1
            if self.start_iterations > START_ITERATIONS:
                raise SolveError(f"the initial ṁ did not converge in {START_ITERATIONS} iterations (relative change "
                                 f"{change / max(size, 1e-300):.3e}): the pumped torque is too strong for the "
                                 "explicit coupling")
            self.solve(m, mdot)
            self.g_mid.x.array[:] = self.g_now.x.array
            if self.mdot is None:
                break
            new = dynamics.rate_values()
            change = dynamics.comm.allreduce(float(np.max(np.abs(new - mdot), initial=0.0)), op=MPI.MAX)
            size = dynamics.comm.allreduce(float(np.max(np.abs(new), initial=0.0)), op=MPI.MAX)
            mdot = new
            if change <= START_RTOL * size:
                break
        self._mdot0 = mdot
        self._U_prev = None  # the start's solves are at one m: no trend to extrapolate
        self.g_prev.x.array[:] = self.g_now.x.array

    def after_step(self, dynamics, dm_dt_mid: np.ndarray) -> None:
        """Solve at m_{n+1} with ṁ_{n+1} extrapolated from the midpoint differences (second order), then
        G_mid ← (3/2)G_{n+1} − (1/2)G_n for the next step."""
        if self._d_prev is None:  # first step: through ṁ⁰ and the midpoint difference
            mdot = 2.0 * dm_dt_mid - self._mdot0
        else:
            mdot = extrapolate_half_step(dm_dt_mid, self._d_prev)
        self._d_prev = dm_dt_mid.copy()
        self.solve(dynamics.m_values(), mdot)
        self.g_mid.x.array[:] = extrapolate_half_step(self.g_now.x.array, self.g_prev.x.array)

    def shift(self, apply_p1, apply_spin) -> None:
        """Apply a moving window's shift to the stored fields (``apply_p1`` on P1³ values (N, 3), ``apply_spin`` on
        the spin Function's values)."""
        for f in (self.g_now, self.g_prev, self.g_mid):
            f.x.array[:] = apply_p1(f.x.array.reshape(-1, 3)).ravel()
        if self._d_prev is not None:
            self._d_prev = apply_p1(self._d_prev)
        if self._mdot0 is not None:
            self._mdot0 = apply_p1(self._mdot0)
        self.U.x.array[:] = apply_spin(self.U.x.array)
        if self._U_prev is not None:
            self._U_prev = apply_spin(self._U_prev)

    def cost(self) -> dict:
        s = self.solver
        return {"spin_solves": self.solves, "spin_iterations": s.iterations, "spin_factorizations": s.factorizations,
                "spin_seconds": self.seconds, "spin_dofs": self.ndofs, "spin_start_iterations": self.start_iterations}

    def close(self) -> None:
        self.solver.close()

