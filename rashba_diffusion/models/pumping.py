"""The transient Rashba model: Eqs. 16-17 with ∂t δS, ∂t ν and the pumping source of a prescribed m(r, t).

Weak form (docs/model.md §12.9), BDF in time with u'(t_{n+1}) ≈ (c0 U^{n+1} + c1 U^n + c2 U^{n-1})/Δt::

    ∫ [ (k0 U + k1 U1 + k2 U2)·W − J_ad ∂_d w_a − (Q_a − s0 ṁ_a) w_a − j_d ∂_d w_ν ] dx = 0,   k_i = c_i/Δt

==========================  ===================================================================
term                        code
==========================  ===================================================================
∂t δS, ∂t ν (mass)          :attr:`TransientRashbaModel.rate` (k0, k1, k2), history ``U1``, ``U2``
J = −D∇δS + F(δS, ν)         :meth:`RashbaModel.rashba_spin_flux` (every Rashba term of Eq. 17)
j = −D∇ν + f(δS, ν)          :meth:`RashbaModel.rashba_charge_flux` (Eq. 16)
Q(δS)                       :meth:`RashbaModel.local_spin_terms` (relaxation on δS only)
X = −s0 ṁ                   :attr:`TransientRashbaModel.s0`, :attr:`TransientRashbaModel.mdot` (exact ṁ)
m(r, t)                     :class:`~.magnetization.Magnetization` (a Constant, or a Function for a texture)
==========================  ===================================================================

There is no field (eE = 0) and no drift.  Relaxation, precession, dephasing and every flux act on the
deviation (δS, ν) only, never on the equilibrium s0 m (docs/model.md §12.1: relaxing s0 m would destroy
the equilibrium spin; diffusing it would add a static texture torque).  The quasi-static mode (∂t dropped)
is the same form with k0 = k1 = k2 = 0.
"""

from __future__ import annotations

import numpy as np

from ..fem._compat import PETSc, fem, ufl
from ..fem.geometry import Geometry
from ..fem.solver import LinearSystem
from ..physics.pumping import PumpingModel
from ..physics.rashba import Drive
from .rashba import RashbaModel, sum_terms

#: coefficients whose presence makes the operator depend on m (so on t, for a precessing m)
M_DEPENDENT_COEFFICIENTS = ("inv_tau_delta", "inv_tau_phi", "Gamma", "R")


class VectorField:
    """A 3-vector that the forms read: a ``fem.Constant`` (uniform) or a ``fem.Function`` (a texture); updated
    in place (no recompilation).  Unlike :class:`Magnetization` it has no unit-norm constraint (ṁ)."""

    def __init__(self, msh, space: fem.FunctionSpace | None):
        if space is None:
            self._constant = fem.Constant(msh, np.zeros(3, dtype=PETSc.ScalarType))
            self.ufl = self._constant
        else:
            self._constant = None
            self.ufl = fem.Function(space)

    def set(self, values) -> None:
        """A 3-vector (uniform) or the dof values (N, 3) of the texture's space."""
        if self._constant is not None:
            self._constant.value[:] = np.asarray(values, dtype=float)
        else:
            self.ufl.x.array[:] = np.asarray(values, dtype=float).ravel()
            self.ufl.x.scatter_forward()


class TransientRashbaModel(RashbaModel):
    """The Rashba model of :class:`RashbaModel` with time derivatives and the pumping source −s0 ṁ.

    Parameters
    ----------
    geometry
        Mesh, tags and boundary roles.  Contacts (ν = 0) and spin sinks as in the static model; the natural
        condition elsewhere is zero total normal current (diffusion + Rashba flux).
    pumping
        Coefficients (possibly the Sec. VI model's) and s0 (:class:`~rashba_diffusion.physics.pumping.PumpingModel`).
    m0, mdot0
        m and ṁ at the start: unit 3-vectors (uniform precession) or ``fem.Function`` s with 3 components on
        the same space (a texture; m with |m| = 1 at every dof).
    degree
        Lagrange degree of U = (δS_x, δS_y, δS_z, ν).

    The forms are compiled once; :meth:`set_motion` (m, ṁ), :meth:`set_rate` (the BDF coefficients over Δt)
    and :meth:`update_pumping` change them in place.  :attr:`system` is the transient system (no ν pin: the
    mass term makes the charge block regular, and ∫ν stays 0 exactly); :attr:`quasi_static_system` has
    the static model's ν pin when the geometry has no contact (the solver then restores ∫ν = 0).
    """

    def __init__(self, geometry: Geometry, pumping: PumpingModel, m0, mdot0, degree: int = 2):
        msh = geometry.msh
        self.pumping = pumping
        #: k0, k1, k2 = c_i/Δt (1/fs): 0 in the quasi-static mode
        self.rate = [fem.Constant(msh, PETSc.ScalarType(0.0)) for _ in range(3)]
        #: s0 (ħ/nm²)
        self.s0 = fem.Constant(msh, PETSc.ScalarType(pumping.s0_per_nm2))
        texture_space = m0.function_space if isinstance(m0, fem.Function) else None
        self.mdot = VectorField(msh, texture_space)
        self.mdot.set(mdot0.x.array if isinstance(mdot0, fem.Function) else mdot0)
        super().__init__(geometry, None, Drive(0.0), m0, degree=degree, coefficients=pumping.coefficients)
        self.quasi_static_system = LinearSystem(self.a, self.L, self.bcs_quasi_static, self.V, self.pin_bc,
                                                None if self.pin_bc is None else self.unit_pin_bc)
        self.system = LinearSystem(self.a, self.L, self.bcs, self.V)

    # -- parameters ---------------------------------------------------------------------
    @property
    def operator_depends_on_m(self) -> bool:
        """Whether the operator changes with m (then with t for a moving m): any of the m-dependent terms."""
        c = self.pumping.coefficients
        return any(getattr(c, name) != 0.0 for name in M_DEPENDENT_COEFFICIENTS)

    def update_pumping(self, pumping: PumpingModel) -> None:
        """New coefficients and s0 (no recompilation)."""
        self.pumping = pumping
        self.update(coefficients=pumping.coefficients)
        self.s0.value = pumping.s0_per_nm2

    def set_motion(self, m, mdot) -> None:
        """m and ṁ at the current time: 3-vectors, or the dof values of the texture space ((N, 3) arrays)."""
        self.magnetization.set(m)
        self.mdot.set(mdot)

    def set_rate(self, c0: float, c1: float, c2: float, dt: float | None) -> None:
        """The BDF coefficients (c0, c1, c2) over the step Δt (fs); ``dt = None``: the quasi-static mode."""
        for k, c in zip(self.rate, (c0, c1, c2), strict=True):
            k.value = 0.0 if dt is None else c / dt

    def push_history(self, U: fem.Function) -> None:
        """U^{n-1} ← U^n, U^n ← U (after a step)."""
        self.U2.x.array[:] = self.U1.x.array
        self.U1.x.array[:] = U.x.array

    def reset_history(self) -> None:
        """U^n = U^{n-1} = 0 (the equilibrium: no pumped spin, no charge)."""
        self.U1.x.array[:] = 0.0
        self.U2.x.array[:] = 0.0

    # -- forms --------------------------------------------------------------------------------
    def _build_forms(self) -> None:
        U = ufl.TrialFunction(self.V)
        W = ufl.TestFunction(self.V)
        #: U^n and U^{n-1} (the history of the BDF formula)
        self.U1, self.U2 = fem.Function(self.V, name="U1"), fem.Function(self.V, name="U2")
        U1, U2 = self.U1, self.U2
        s, nu = [U[i] for i in range(3)], U[3]
        ws, wn = [W[i] for i in range(3)], W[3]
        c = self.const
        F = self.rashba_spin_flux(s, nu)
        f = self.rashba_charge_flux(s, nu)
        Q = self.local_spin_terms(s)
        k0, k1, k2 = self.rate
        mdot = self.mdot.ufl
        terms = []
        for a in range(4):  # the mass terms of δS and ν
            terms.append((k0 * U[a] + k1 * U1[a] + k2 * U2[a]) * W[a])
        for a in range(3):
            gs, gw = self.grad3(s[a]), self.grad3(ws[a])
            for d in range(3):
                if gw[d] is not None:
                    J = sum_terms([-c["D"] * gs[d] if gs[d] is not None else None, F[a][d]])
                    terms.append(-J * gw[d])
            terms.append(-(Q[a] - self.s0 * mdot[a]) * ws[a])  # relaxation on δS only; source −s0 ṁ
        gn, gwn = self.grad3(nu), self.grad3(wn)
        for d in range(3):
            if gwn[d] is not None:
                j = sum_terms([-c["D"] * gn[d] if gn[d] is not None else None, f[d]])
                terms.append(-j * gwn[d])
        self._set_forms(sum_terms(terms) * ufl.dx)

    def _build_bcs(self) -> None:
        super()._build_bcs()
        # the static model's bcs include the ν pin when there is no contact: only the quasi-static mode needs it
        self.bcs_quasi_static = list(self.bcs)
        if self.pin_bc is not None:
            self.bcs = [bc for bc in self.bcs if bc is not self.pin_bc]


def texture_space(msh, degree: int) -> fem.FunctionSpace:
    """The vector space of a texture m (and of its ṁ): Lagrange of the unknown's degree, 3 components."""
    return fem.functionspace(msh, ("Lagrange", degree, (3,)))
