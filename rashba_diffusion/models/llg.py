"""The finite-element Landau–Lifshitz–Gilbert equation: composable terms and the implicit midpoint rule.

Derivation and properties: docs/model.md §14.  Unknowns of a time step, both in (P1)³ on the same mesh:
m₁ = m(t + k) and B, the discrete effective field of the midpoint m̄ = (m₀ + m₁)/2.  With the lumped (vertex-rule)
inner product (u, v)_h = Σ_i w_i u_i·v_i the step solves, for all test functions φ, ψ::

    (m₁ − m₀, φ)_h = k (f(m̄, G), φ)_h,     f = [m̄×G + α m̄×(m̄×G)]/(1 + α²),   G = −γB + Σ G_t(m̄)
    (B, ψ)_h = −(1/Ms) E'_h(m̄)[ψ]

f is the Landau–Lifshitz form of the Gilbert equation ṁ = m×G + α m×ṁ (docs/model.md §13.1.2): every term of ṁ is
m × (a vector), G = −γB_eff plus the non-conservative torques written as τ = m×G_t.  Properties (§14.2): f ⟂ m̄ at
every vertex, so |m₁| = |m₀| at every vertex (to the nonlinear solver's tolerance); for a quadratic energy
E_h(m₁) − E_h(m₀) = −Ms k Σ_i w_i αγ|m̄_i×B_i|²/(1 + α²) ≤ 0 without torques; second order in k.

==========================  ==============================================================
term                        code
==========================  ==============================================================
A|∇m|²                      :class:`Exchange`
K_u[1 − (m·ê)²]              :class:`EasyAxis`
K_⊥(m·ĥ)², (μ0Ms²/2) m_z²     :class:`HardAxis` (the thin-film demag is a hard axis along ẑ)
−Ms B·m                     :class:`Zeeman`
D[m_z∇·m − (m·∇)m_z]        :class:`InterfacialDMI`
−(u·∇)m + βm×(u·∇)m          :class:`ZhangLi` (G = m×(u·∇)m + β(u·∇)m)
any torque m×G              :class:`TorqueField` (G a UFL vector, e.g. the spin-diffusion torque)
the step, its forms         :class:`LLGModel`
==========================  ==============================================================

Units inside the forms: lengths in nm (the mesh), fields in T, time in s, G in 1/s, energies in J/m³.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import ParameterError
from ..fem._compat import PETSc, fem, ufl
from ..physics.micromagnetics import FILM_NORMAL, MicromagneticParameters, ZhangLiDrive
from ..units import NM

#: the lumped inner product: quadrature at the vertices of each cell with equal weights (exact for the P1
#: products of gradients and linear factors the energies contain; the mass matrix becomes diagonal)
VERTEX_RULE = {"quadrature_rule": "vertex", "quadrature_degree": 1}
#: (1/nm)² → (1/m)²
PER_NM2 = 1.0 / NM**2


def vertex_measure(msh) -> ufl.Measure:
    """dx with the vertex rule on ``msh`` (the lumped mass of the scheme)."""
    return ufl.dx(domain=msh, metadata=VERTEX_RULE)


def _vec(v) -> ufl.core.expr.Expr:
    return ufl.as_vector([v[i] for i in range(3)])


class LLGTerm:
    """A piece of the LLG: an energy (which gives the effective field) and/or a torque m×G.

    Subclasses create their ``fem.Constant`` s in :meth:`setup` (values change without recompiling) and return UFL:
    :meth:`energy_density` (J/m³), :meth:`field_action` = (1/Ms) E'(m)[ψ] (T; its Gateaux derivative, written out)
    and :meth:`torque_field` G (1/s).  ``current`` marks a current-induced (non-conservative) term; ``is_drive`` a term
    that the relaxation of an initial state switches off (currents and the external field).
    """

    name = "term"
    current = False
    is_drive = False

    def setup(self, model: LLGModel) -> None:
        """Create the term's Constants on the model's mesh."""

    def energy_density(self, model: LLGModel, m) -> ufl.core.expr.Expr | None:
        return None

    def field_action(self, model: LLGModel, m, psi) -> ufl.core.expr.Expr | None:
        return None

    def torque_field(self, model: LLGModel, m) -> ufl.core.expr.Expr | None:
        return None


class Exchange(LLGTerm):
    """e = A|∇m|², (1/Ms)E'[ψ] = (2A/Ms) ∇m:∇ψ (no integration by parts: the natural condition is ∂n m = 0)."""

    name = "exchange"

    def __init__(self, a_ex_j_per_m: float):
        self.a_ex_j_per_m = a_ex_j_per_m

    def setup(self, model: LLGModel) -> None:
        self.a = model.constant(self.a_ex_j_per_m * PER_NM2)  # A in J·m/nm² (∇ is in 1/nm)

    def energy_density(self, model, m):
        return self.a * ufl.inner(ufl.grad(m), ufl.grad(m))

    def field_action(self, model, m, psi):
        return 2.0 * self.a / model.ms * ufl.inner(ufl.grad(m), ufl.grad(psi))


class EasyAxis(LLGTerm):
    """e = K[1 − (m·ê)²] (0 along ±ê), (1/Ms)E'[ψ] = −(2K/Ms)(m·ê)(ψ·ê)."""

    name = "anisotropy"

    def __init__(self, k_j_per_m3: float, axis):
        self.k_j_per_m3, self.axis_value = k_j_per_m3, np.asarray(axis, dtype=float)

    def setup(self, model):
        self.k = model.constant(self.k_j_per_m3)
        self.axis = model.constant(self.axis_value)

    def energy_density(self, model, m):
        return self.k * (1.0 - ufl.dot(m, self.axis) ** 2)

    def field_action(self, model, m, psi):
        return -2.0 * self.k / model.ms * ufl.dot(m, self.axis) * ufl.dot(psi, self.axis)


class HardAxis(LLGTerm):
    """e = K(m·ĥ)², (1/Ms)E'[ψ] = (2K/Ms)(m·ĥ)(ψ·ĥ); the thin-film demag is K = μ0Ms²/2 along ẑ."""

    def __init__(self, k_j_per_m3: float, axis, name: str = "hard_axis"):
        self.k_j_per_m3, self.axis_value, self.name = k_j_per_m3, np.asarray(axis, dtype=float), name

    def setup(self, model):
        self.k = model.constant(self.k_j_per_m3)
        self.axis = model.constant(self.axis_value)

    def energy_density(self, model, m):
        return self.k * ufl.dot(m, self.axis) ** 2

    def field_action(self, model, m, psi):
        return 2.0 * self.k / model.ms * ufl.dot(m, self.axis) * ufl.dot(psi, self.axis)


class Zeeman(LLGTerm):
    """e = −Ms B·m, (1/Ms)E'[ψ] = −B·ψ."""

    name = "zeeman"
    is_drive = True

    def __init__(self, b_t):
        self.b_value = np.asarray(b_t, dtype=float)

    def setup(self, model):
        self.b = model.constant(self.b_value)

    def energy_density(self, model, m):
        return -model.ms * ufl.dot(self.b, m)

    def field_action(self, model, m, psi):
        return -ufl.dot(self.b, psi)


class InterfacialDMI(LLGTerm):
    """e = D[m_z ∇·m − (m·∇)m_z] (film normal ẑ; derivatives along the mesh's directions only).

    (1/Ms)E'[ψ] = (D/Ms)[ψ_z ∇·m + m_z ∇·ψ − (ψ·∇)m_z − (m·∇)ψ_z] (bilinear; no integration by parts, so the
    natural boundary condition of the DMI comes with the weak form).
    """

    name = "dmi"

    def __init__(self, d_j_per_m2: float):
        self.d_j_per_m2 = d_j_per_m2

    def setup(self, model):
        self.d = model.constant(self.d_j_per_m2 / NM)  # D in J/(m²·nm) (∇ is in 1/nm)

    @staticmethod
    def _pair(model, a, b):
        """a_z ∇·b − (a·∇) b_z over the mesh's directions (the in-plane gradient of a 1D or 2D film)."""
        z = FILM_NORMAL.index(1.0)
        return sum(a[z] * b[d].dx(d) - a[d] * b[z].dx(d) for d in range(model.tdim))

    def energy_density(self, model, m):
        return self.d * self._pair(model, m, m)

    def field_action(self, model, m, psi):
        return self.d / model.ms * (self._pair(model, psi, m) + self._pair(model, m, psi))


class ZhangLi(LLGTerm):
    """τ = −(u·∇)m + β m×(u·∇)m = m×G with G = m×(u·∇)m + β(u·∇)m (exact for |m| = 1, (u·∇)m ⟂ m)."""

    name = "zhang_li"
    current = True
    is_drive = True

    def __init__(self, drive: ZhangLiDrive):
        self.drive = drive

    def setup(self, model):
        self.u = model.constant(np.asarray(self.drive.u_m_per_s) / NM)  # nm/s (∇ is in 1/nm)
        self.beta = model.constant(self.drive.beta)

    def set_drive(self, drive: ZhangLiDrive) -> None:
        self.drive = drive
        self.u.value[:] = np.asarray(drive.u_m_per_s) / NM
        self.beta.value = drive.beta

    def torque_field(self, model, m):
        um = sum(self.u[d] * m.dx(d) for d in range(model.tdim))  # (u·∇)m
        return ufl.cross(m, um) + self.beta * um


class TorqueField(LLGTerm):
    """τ = m×G with a given G (1/s): a UFL vector of Functions (e.g. the spin-diffusion torque, updated in place)."""

    name = "torque_field"
    current = True
    is_drive = True

    def __init__(self, g, name: str = "torque_field"):
        self.g, self.name = g, name

    def torque_field(self, model, m):
        return _vec(self.g)


def terms_from_parameters(params: MicromagneticParameters, drive: ZhangLiDrive | None = None) -> list[LLGTerm]:
    """The terms of ``params`` (those with a non-zero coefficient) and the Zhang–Li drive, if any."""
    terms: list[LLGTerm] = [Exchange(params.a_ex_j_per_m)]
    if params.k_u_j_per_m3 > 0:
        terms.append(EasyAxis(params.k_u_j_per_m3, params.easy_axis))
    if params.k_perp_j_per_m3 > 0:
        terms.append(HardAxis(params.k_perp_j_per_m3, params.hard_axis))
    if params.thin_film_demag:
        terms.append(HardAxis(params.demag_k_j_per_m3, FILM_NORMAL, name="demag"))
    if any(b != 0.0 for b in params.b_ext_t):
        terms.append(Zeeman(params.b_ext_t))
    if params.dmi_j_per_m2 != 0.0:
        terms.append(InterfacialDMI(params.dmi_j_per_m2))
    if drive is not None:
        terms.append(ZhangLi(drive))
    return terms


class LLGModel:
    """The forms of one implicit-midpoint step of the LLG on ``msh`` (module docstring; docs/model.md §14.1).

    Parameters
    ----------
    msh
        A 1D or 2D mesh (nm).  A 1D mesh is a wire along x̂; a 2D one a film in the xy plane.
    params
        Ms, α, γ (the energy terms come in ``terms``).
    terms
        The LLG's pieces (:func:`terms_from_parameters`, :class:`TorqueField`, ...).
    dt_s
        The time step k (s); :meth:`set_dt` changes it without recompiling (k = 0: the step is m₁ = m₀ and B is the
        field of m₀).

    The field and the rate are evaluated at m_θ = (1 − θ)m₀ + θm₁: θ = 1/2 (the implicit midpoint, default) for the
    dynamics; θ = 1 (:meth:`set_theta`; dissipative: the mesh-scale modes decay in one step) to relax an initial
    state.  :meth:`set_drives` switches the drive terms (currents, external field) on or off.

    Attributes
    ----------
    V, V3
        (P1)⁶ of the unknown W = (m₁, B) and (P1)³ of m.
    W, m0
        The unknown of the step and m₀ = m(t) (Functions: the state lives in them).
    F, J
        The compiled residual and its Jacobian (ufl.derivative).
    """

    def __init__(self, msh, params: MicromagneticParameters, terms: Sequence[LLGTerm], dt_s: float = 0.0):
        self.msh = msh
        self.tdim = msh.topology.dim
        if self.tdim not in (1, 2):
            raise ParameterError(f"mesh dimension = {self.tdim} is invalid for the LLG; valid values: 1, 2")
        self.params = params
        self.terms = list(terms)
        self.V = fem.functionspace(msh, ("Lagrange", 1, (6,)))
        self.V3 = fem.functionspace(msh, ("Lagrange", 1, (3,)))
        self.W = fem.Function(self.V, name="m_B")
        self.m0 = fem.Function(self.V3, name="m")
        self.ms = self.constant(params.ms_a_per_m)
        self.gamma = self.constant(params.gamma_rad_per_s_t)
        self.alpha = self.constant(params.alpha_gilbert)
        self.k = self.constant(float(dt_s))
        self.theta = self.constant(0.5)
        self.drives_on = self.constant(1.0)
        for t in self.terms:
            t.setup(self)
        self.dxv = vertex_measure(msh)
        self._build_forms()

    def constant(self, value) -> fem.Constant:
        """A ``fem.Constant`` on the model's mesh (scalar or vector)."""
        return fem.Constant(self.msh, np.asarray(value, dtype=PETSc.ScalarType))

    def set_dt(self, dt_s: float) -> None:
        self.k.value = float(dt_s)

    def set_alpha(self, alpha: float) -> None:
        self.alpha.value = float(alpha)

    def set_theta(self, theta: float) -> None:
        """m_θ = (1 − θ)m₀ + θm₁ (θ ∈ [1/2, 1]): 1/2 the midpoint rule, 1 the dissipative relaxation step."""
        if not 0.5 <= theta <= 1.0:
            raise ParameterError(f"theta = {theta!r} is invalid; valid range: [0.5, 1]")
        self.theta.value = float(theta)

    def set_drives(self, on: bool) -> None:
        """Switch the drive terms (currents, external field) on or off (no recompilation)."""
        self.drives_on.value = 1.0 if on else 0.0

    def _scale(self, term: LLGTerm, expr):
        return None if expr is None else (self.drives_on * expr if term.is_drive else expr)

    @property
    def m1(self):
        """m₁ (UFL, the first three components of W)."""
        return ufl.as_vector([self.W[i] for i in range(3)])

    @property
    def b(self):
        """B (UFL, the last three components of W)."""
        return ufl.as_vector([self.W[i] for i in range(3, 6)])

    def effective_torque_field(self, m, b) -> ufl.core.expr.Expr:
        """G = −γB + Σ G_t(m) (1/s)."""
        g = -self.gamma * b
        for t in self.terms:
            gt = self._scale(t, t.torque_field(self, m))
            if gt is not None:
                g = g + gt
        return g

    def rate(self, m, g) -> ufl.core.expr.Expr:
        """f = [m×G + α m×(m×G)]/(1 + α²): ṁ of the Gilbert equation ṁ = m×G + α m×ṁ (Landau–Lifshitz form)."""
        a = ufl.cross(m, g)
        return (a + self.alpha * ufl.cross(m, a)) / (1.0 + self.alpha**2)

    def field_actions(self, m, psi) -> ufl.core.expr.Expr:
        """Σ_t (1/Ms) E_t'(m)[ψ] (T)."""
        out = ufl.as_ufl(0.0)
        for t in self.terms:
            ft = self._scale(t, t.field_action(self, m, psi))
            if ft is not None:
                out = out + ft
        return out

    def _build_forms(self) -> None:
        test = ufl.TestFunction(self.V)
        phi = ufl.as_vector([test[i] for i in range(3)])
        psi = ufl.as_vector([test[i] for i in range(3, 6)])
        m0 = _vec(self.m0)
        mt = (1.0 - self.theta) * m0 + self.theta * self.m1
        b = self.b
        f = self.rate(mt, self.effective_torque_field(mt, b))
        residual = (ufl.dot(self.m1 - m0, phi) - self.k * ufl.dot(f, phi) + ufl.dot(b, psi)
                    + self.field_actions(mt, psi)) * self.dxv
        self.F = fem.form(residual)
        self.J = fem.form(ufl.derivative(residual, self.W, ufl.TrialFunction(self.V)))

    def energy_densities(self, m) -> dict[str, ufl.core.expr.Expr]:
        """The energy density (J/m³) of every energy term at ``m`` (UFL), by term name."""
        out = {}
        for t in self.terms:
            e = t.energy_density(self, m)
            if e is not None:
                out[t.name] = out[t.name] + e if t.name in out else e
        return out

    def current_torque(self, m) -> ufl.core.expr.Expr:
        """The current-induced torque τ = m×Σ G_t of the ``current`` terms (Gilbert form, 1/s) at ``m``."""
        g = ufl.as_vector([0.0, 0.0, 0.0])
        for t in self.terms:
            if t.current:
                g = g + t.torque_field(self, m)
        return ufl.cross(m, g)

    def m1_values(self) -> np.ndarray:
        """m₁ at the local dofs, (N, 3) (a view into W)."""
        return self.W.x.array.reshape(-1, 6)[:, :3]

    def b_values(self) -> np.ndarray:
        """B at the local dofs, (N, 3) (a view into W)."""
        return self.W.x.array.reshape(-1, 6)[:, 3:]
