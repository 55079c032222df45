"""The variational model: Eqs. 16-17 in E-linear response, in flux form.

Where each term of Eq. 17 lives (see docs/model.md for the derivation):

==========================  ===========================================
term of Eq. 17 / Eq. 16     code
==========================  ===========================================
D∇²S, D∇²n                  :meth:`RashbaModel.spin_current` / ``charge_current`` (``-D ∇``)
∇ → ∇ + (e/εF)E (drift)     same, ``-D NF PF m ⊗ eE`` and ``-D NF eE``
B∇z n, 2R(m·∇z n)m          :meth:`RashbaModel.rashba_spin_flux` (``B``, ``R`` lines)
2C∇z×S, Γ[...]              :meth:`RashbaModel.rashba_spin_flux` (``C``, ``Gamma`` lines)
B∇z·S, Γ∇z·(mn), R∇z·m(S·m)  :meth:`RashbaModel.rashba_charge_flux`
S/τsf, (S+Sz ẑ)/τdp         :meth:`RashbaModel.local_spin_terms`
S×m/τΔ, m×(S×m)/τφ          :meth:`RashbaModel.local_spin_terms`
X (Eq. 33)                  :meth:`RashbaModel.field_source` (from the fluxes)
−s0 ∂t m (pumping, opt-in)   :attr:`RashbaModel.texture_mdot` (ṁ of a quasi-static moving texture, docs/model.md §14.4)
Eq. 24 torque               :func:`torque_ufl` (pointwise; averaged in :mod:`rashba_diffusion.problems.wire`)
==========================  ===========================================

Unknown: U = (s_x, s_y, s_z, ν), the E-linear deviations of the spin density
(ħ/nm²) and the charge density (1/nm²) from equilibrium (S0 = n PF m, n).
Each first-order term of Eqs. 16-17 is written as −∇·F(s, ν) and
integrated by parts, so the natural boundary condition is "the total normal
current (diffusion + drift + Rashba) vanishes".  The steady equations are

    0 = −∇·J_s + Q(s) + X,    0 = −∇·j_n

and the weak form is  ∫ J_s : ∇w + (Q + X)·w + j_n·∇w_ν dx = 0.
"""

from __future__ import annotations

import numpy as np

from ..fem._compat import PETSc, fem, ufl
from ..fem.geometry import Geometry
from ..fem.solver import LinearSystem
from ..physics.rashba import Coefficients, Drive, Film
from ..physics.vectors import EPS
from ..validation import check_degree
from .magnetization import Magnetization

ZAXIS = 2
#: Ez[a, d] = ε_{a z d}:  (ẑ × ∇ f)_a = Ez[a, d] ∂_d f
EZ = EPS[:, ZAXIS, :]
#: (∇z × s)_a = KC[a, d, c] ∂_d s_c
KC = np.einsum("abc,bd->adc", EPS, EZ)
#: (m × (∇z × s))_a = KG1[a, d, f, e] m_f ∂_d s_e
KG1 = np.einsum("afc,cbe,bd->adfe", EPS, EPS, EZ)
#: (∇z × (m × s))_a = KG2[a, d, f, g] ∂_d (m_f s_g)
KG2 = np.einsum("abc,bd,cfg->adfg", EPS, EZ, EPS)

COEFFICIENT_NAMES = (
    "D", "B", "C", "Gamma", "R", "inv_tau_dp", "inv_tau_phi", "inv_tau_delta", "inv_tau_sf",
    "NF", "PF", "charge_B_factor", "charge_R_factor", "charge_G_factor",
)  # fmt: skip


def sum_terms(terms):
    """The UFL sum of ``terms``, skipping ``None`` (a derivative direction the geometry lacks); 0 if none."""
    terms = [t for t in terms if t is not None]
    if not terms:
        return ufl.as_ufl(0.0)
    out = terms[0]
    for t in terms[1:]:
        out = out + t
    return out


def _lin(coeffs: np.ndarray, vec) -> ufl.core.expr.Expr:
    """Σ_i coeffs[i] vec[i], skipping structural zeros."""
    return sum_terms([float(c) * vec[i] for i, c in enumerate(coeffs) if c != 0.0])


class RashbaModel:
    """Weak form of the E-linear Rashba diffusion equations on a geometry.

    Parameters
    ----------
    geometry
        Mesh, tags and boundary roles (:class:`~rashba_diffusion.fem.geometry.Geometry`).
    film, drive
        Material and applied field.  ``film = None`` with ``coefficients`` given: the coefficients directly
        (e.g. with some terms switched off).
    m
        Magnetization: a unit 3-vector (constant) or a DOLFINx ``Function``
        with 3 components (a texture, |m| = 1 at every dof), see :class:`Magnetization`.
    degree
        Lagrange degree of the 4-component unknown.
    mdot
        ``None`` (default), or a 3-component ``fem.Function`` ṁ (1/fs) of a moving texture: adds the pumping
        source −s0 ṁ of the moving equilibrium spin S0 = s0 m to the spin equation (quasi-static response,
        docs/model.md §13.9.1, §14.4); its values may change between solves (no recompilation).

    Every coefficient is a ``fem.Constant`` and m a :class:`Magnetization`: changing the film, the drive or
    m (:meth:`update`) does not recompile the forms.  :attr:`system` is what the solver solves.
    """

    def __init__(self, geometry: Geometry, film: Film | None, drive: Drive, m, degree: int = 2, *,
                 coefficients: Coefficients | None = None, mdot: fem.Function | None = None):
        self.degree = check_degree(degree)
        self.geometry = geometry
        msh = geometry.msh
        self.V = fem.functionspace(msh, ("Lagrange", self.degree, (4,)))
        self.const = {name: fem.Constant(msh, PETSc.ScalarType(0.0)) for name in COEFFICIENT_NAMES}
        self.eE = fem.Constant(msh, np.zeros(3, dtype=PETSc.ScalarType))
        #: û = ẑ × Ê, the torque decomposition's axis (post-processing forms use it)
        self.transverse = fem.Constant(msh, np.zeros(3, dtype=PETSc.ScalarType))
        self.magnetization = Magnetization(msh, m)
        #: s0 = n PF (ħ/nm²), the equilibrium spin S0 = s0 m; read by the texture's pumping source (not
        #: ``s0``/``mdot``: those are :class:`~rashba_diffusion.models.pumping.TransientRashbaModel`'s own)
        self.texture_s0 = fem.Constant(msh, PETSc.ScalarType(0.0))
        #: ṁ (1/fs) of the pumping source −s0 ṁ of a moving texture, or None (no source)
        self.texture_mdot = mdot
        self.update(film=film, drive=drive, coefficients=coefficients)
        self._build_forms()
        self._build_bcs()
        #: the compiled forms and boundary data the solver solves
        self.system = LinearSystem(self.a, self.L, self.bcs, self.V, self.pin_bc,
                                   None if self.pin_bc is None else self.unit_pin_bc, geometry.coarse_meshes)

    # -- parameters ---------------------------------------------------------
    def update(self, film: Film | None = None, drive: Drive | None = None, m=None,
               coefficients: Coefficients | None = None) -> None:
        """Change parameters in place (no recompilation); ``m`` as for :meth:`Magnetization.set`."""
        if film is not None:
            self.film = film
            coefficients = film.coefficients()
        if coefficients is not None:
            self.coefficients = coefficients
            for name in COEFFICIENT_NAMES:
                self.const[name].value = getattr(coefficients, name)
            self.texture_s0.value = coefficients.s0_per_nm2
        if drive is not None:
            self.drive = drive
            self.eE.value[:] = drive.e_field_ev_per_nm
            self.transverse.value[:] = drive.transverse
        if m is not None:
            self.magnetization.set(m)

    # -- operators ----------------------------------------------------------
    def grad3(self, f) -> list:
        """The physical gradient (∂x, ∂y, ∂z) of a scalar UFL expression.

        In the cross-section mode the mesh coordinate is y and ∂x = 0
        (translation invariance along the wire).
        """
        zero = None
        mode = self.geometry.mode
        if mode == "cross_section":
            return [zero, f.dx(0), zero]
        tdim = self.geometry.msh.topology.dim
        return [f.dx(i) if i < tdim else zero for i in range(3)]

    def rashba_spin_flux(self, s, nu) -> list[list]:
        """F[a][d] with (first-order terms of Eq. 17)_a = −∂_d F[a][d]."""
        c, m = self.const, self.magnetization.ufl
        mdotEz = [_lin(EZ[:, d], m) for d in range(3)]  # (m·∇z)_d
        F = []
        for a in range(3):
            row = []
            for d in range(3):
                terms = []
                if EZ[a, d] != 0.0:  # B ∇z n
                    terms.append(-c["B"] * EZ[a, d] * nu)
                kc = _lin(KC[a, d, :], s)  # 2C ∇z × S
                terms.append(-2.0 * c["C"] * kc)
                terms.append(-2.0 * c["R"] * m[a] * mdotEz[d] * nu)  # 2R (m·∇z n) m
                g1 = sum_terms([float(KG1[a, d, f, e]) * m[f] * s[e] for f in range(3) for e in range(3)
                           if KG1[a, d, f, e] != 0.0])
                g2 = sum_terms([float(KG2[a, d, f, g]) * m[f] * s[g] for f in range(3) for g in range(3)
                           if KG2[a, d, f, g] != 0.0])
                terms.append(-c["Gamma"] * (g1 + g2))  # Γ [m×(∇z×S) + ∇z×(m×S)]
                row.append(sum_terms(terms))
            F.append(row)
        return F

    def rashba_charge_flux(self, s, nu) -> list:
        """f[d] with (first-order terms of Eq. 16)_d = −∂_d f[d]."""
        c, m = self.const, self.magnetization.ufl
        mds = sum_terms([m[i] * s[i] for i in range(3)])
        out = []
        for d in range(3):
            sEz = _lin(EZ[:, d], s)
            mEz = _lin(EZ[:, d], m)
            out.append(
                -c["charge_B_factor"] * c["B"] * sEz  # B ∇z·S
                - c["charge_G_factor"] * c["Gamma"] * mEz * nu  # Γ ∇z·(m n), off by default
                - c["charge_R_factor"] * c["R"] * mEz * mds  # R ∇z·[m (S·m)]
            )
        return out

    def local_spin_terms(self, s) -> list:
        """Q_a: relaxation, dephasing and precession of Eq. 17 (no derivatives)."""
        c, m = self.const, self.magnetization.ufl
        mds = sum_terms([m[i] * s[i] for i in range(3)])
        sxm = [s[1] * m[2] - s[2] * m[1], s[2] * m[0] - s[0] * m[2], s[0] * m[1] - s[1] * m[0]]
        out = []
        for a in range(3):
            q = -c["inv_tau_sf"] * s[a] - c["inv_tau_dp"] * s[a]
            if a == ZAXIS:
                q = q - c["inv_tau_dp"] * s[a]  # anisotropic DP: Sz relaxes at 2/τdp
            q = q - c["inv_tau_delta"] * sxm[a] - c["inv_tau_phi"] * (s[a] - mds * m[a])
            out.append(q)
        return out

    def field_source(self) -> list:
        """X_a of Eq. 33: ∇ → (e/εF)E on the equilibrium densities in every
        first-order term, X_a = −F[a][d](S0, n0) (e/εF) E_d with
        (e/εF) S0 = NF PF m e and (e/εF) n0 = NF e."""
        c = self.const
        s0 = [c["NF"] * c["PF"] * self.magnetization.ufl[i] for i in range(3)]
        F0 = self.rashba_spin_flux(s0, c["NF"])
        return [-sum_terms([F0[a][d] * self.eE[d] for d in range(3)]) for a in range(3)]

    def spin_current(self, s, nu) -> list[list]:
        """J[a][d] = −D(∂_d s_a + NF PF m_a eE_d) + F[a][d]."""
        c = self.const
        F = self.rashba_spin_flux(s, nu)
        J = []
        for a in range(3):
            gs = self.grad3(s[a])
            J.append([
                sum_terms([-c["D"] * gs[d] if gs[d] is not None else None,
                      -c["D"] * c["NF"] * c["PF"] * self.magnetization.ufl[a] * self.eE[d], F[a][d]])
                for d in range(3)
            ])
        return J

    def charge_current(self, s, nu) -> list:
        """j[d] = −D(∂_d ν + NF eE_d) + f[d]  (particle current; the electric
        current density is −e j)."""
        c = self.const
        gn = self.grad3(nu)
        f = self.rashba_charge_flux(s, nu)
        return [sum_terms([-c["D"] * gn[d] if gn[d] is not None else None, -c["D"] * c["NF"] * self.eE[d], f[d]])
                for d in range(3)]

    def _build_forms(self) -> None:
        U = ufl.TrialFunction(self.V)
        W = ufl.TestFunction(self.V)
        s, nu = [U[i] for i in range(3)], U[3]
        ws, wn = [W[i] for i in range(3)], W[3]
        J = self.spin_current(s, nu)
        j = self.charge_current(s, nu)
        Q = self.local_spin_terms(s)
        X = self.field_source()
        terms = []
        for a in range(3):
            gw = self.grad3(ws[a])
            terms += [J[a][d] * gw[d] for d in range(3) if gw[d] is not None]
            terms.append((Q[a] + X[a]) * ws[a])
            if self.texture_mdot is not None:
                terms.append(-self.texture_s0 * self.texture_mdot[a] * ws[a])  # −s0 ∂t m: the moving equilibrium spin
        gwn = self.grad3(wn)
        terms += [j[d] * gwn[d] for d in range(3) if gwn[d] is not None]
        self._set_forms(sum_terms(terms) * ufl.dx)

    def _set_forms(self, residual) -> None:
        """The bilinear and linear parts of ``residual`` (UFL and compiled) as ``a_ufl``, ``L_ufl``, ``a``, ``L``."""
        self.a_ufl = ufl.lhs(residual)
        self.L_ufl = ufl.rhs(residual)
        self.a = fem.form(self.a_ufl)
        self.L = fem.form(self.L_ufl)

    def _build_bcs(self) -> None:
        g = self.geometry
        msh = g.msh
        fdim = msh.topology.dim - 1
        msh.topology.create_connectivity(fdim, msh.topology.dim)
        self.bcs = []
        zero = PETSc.ScalarType(0.0)

        def facets(tags):
            return np.concatenate([g.facet_tags.find(t) for t in tags]).astype(np.int32) if tags else np.array(
                [], dtype=np.int32)

        sink = facets(g.spin_sinks)
        for i in range(3):
            dofs = fem.locate_dofs_topological(self.V.sub(i), fdim, sink)
            self.bcs.append(fem.dirichletbc(zero, dofs, self.V.sub(i)))
        contact = facets(g.contacts)
        ncontact = msh.comm.allreduce(contact.size)
        self.pin_bc = None
        if ncontact > 0:
            dofs = fem.locate_dofs_topological(self.V.sub(3), fdim, contact)
            self.bcs.append(fem.dirichletbc(zero, dofs, self.V.sub(3)))
        else:
            # No contact: ν is fixed only up to the charge-conservation null
            # mode.  Pin it at one vertex; the solver then restores neutrality
            # (∫ν = 0) exactly with the null vector (docs/model.md, §BCs).
            self.pin_bc = self._pin_dof()
            self.bcs.append(self.pin_bc)

    def _pin_dof(self):
        """Dirichlet ν = 0 at the lexicographically smallest vertex of the mesh."""
        msh = self.geometry.msh
        V3, _ = self.V.sub(3).collapse()
        x = V3.tabulate_dof_coordinates()
        n_owned = V3.dofmap.index_map.size_local
        xo = x[:n_owned]
        cand = xo[np.lexsort(xo.T[::-1])[0]] if n_owned else np.full(3, np.inf)
        allc = msh.comm.allgather(tuple(cand))
        target = np.array(min(allc))
        scale = max(self.geometry.width_nm, 1.0)
        tol = 1e-10 * scale

        def marker(p):
            return np.all(np.abs(p - target[:, None]) < tol, axis=0)

        dofs = fem.locate_dofs_geometrical((self.V.sub(3), V3), marker)
        one = fem.Function(V3)
        one.x.array[:] = 1.0
        self._pin_dofs = dofs
        self._pin_one = one
        return fem.dirichletbc(PETSc.ScalarType(0.0), dofs[0], self.V.sub(3))

    def unit_pin_bc(self):
        """Dirichlet ν = 1 at the pinned dof (for the null-vector solve)."""
        return fem.dirichletbc(self._pin_one, self._pin_dofs, self.V.sub(3))


def torque_ufl(model: RashbaModel, U) -> tuple:
    """(T⊥, T∥, T) as UFL expressions of the solution ``U`` (Eq. 24, pointwise m).

    û = ẑ × Ê is the model's ``fem.Constant`` :attr:`RashbaModel.transverse`, so
    compiled forms follow a changed drive direction.
    """
    c, m = model.const, model.magnetization.ufl
    s = ufl.as_vector([U[0], U[1], U[2]])
    mv = ufl.as_vector([m[0], m[1], m[2]])
    ds = s - ufl.dot(s, mv) * mv
    T = -c["inv_tau_delta"] * ufl.cross(mv, ds) + c["inv_tau_phi"] * ds
    e_perp = ufl.cross(model.transverse, mv)
    e_par = ufl.cross(mv, e_perp)
    n2 = ufl.dot(e_perp, e_perp)
    return ufl.dot(T, e_perp) / n2, ufl.dot(T, e_par) / n2, T
