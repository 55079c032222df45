"""Method of manufactured solutions (MMS) for the full coupled operator.

Verification only: needs ``sympy`` (the ``test`` extra); nothing else in the
package imports this module.

Independence from :mod:`rashba_diffusion.models.rashba`
---------------------------------------------------------
The manufactured source is derived with sympy from a strong form written here
from the vector-calculus statement of Eqs. 16-17 (docs/model.md §2-4), with ∇z = ẑ×∇ applied as an
operator.  It does not call
:class:`~rashba_diffusion.models.rashba.RashbaModel`'s flux functions nor use its index
tensors (EZ, KC, KG1, KG2).  Only the *weak* form ``model.a_ufl``/``model.L_ufl``
under test comes from the model; a sign error in any of its terms makes the
discrete operator differ from this strong form and the error stops converging.

The strong form is written in the conservative form that docs/model.md §4
chooses for a texture: every first-order term is ∇z applied to a product,

    B ∇z ν,  2C ∇z×s,  2R ∇z·(m m_a ν),  Γ[∇z(m·s) − ∇z·(m s_a) + ∇z×(m×s)]   (spin)
    k_B B ∇z·s,  k_Γ Γ ∇z·(m ν),  k_R R ∇z·[m (m·s)]                          (charge)

which equals the printed Eq. 17 for constant m (``printed_minus_conservative``
gives the difference for a texture, checked against docs/model.md §4 in the
tests).  Because each term is ∇z ≡ (ẑ×∇) acting on something, the divergence
theorem gives its normal flux by the single rule "replace ∇z f by (ẑ×n̂) f
and change the sign": the natural boundary data (total normal current:
diffusion + drift + Rashba) use the same written-once terms.  The field source
X is Eq. 33 written out.

Clean rates with a texture
--------------------------
m enters the model as a Lagrange Function m_h of degree k+1 interpolated from
the exact m(x) (|m_h| = 1 at its dofs, as RashbaModel requires), while the
source is derived from the exact m.  In the weak form m is never
differentiated (it sits in the currents, the local terms and X), so m_h − m
perturbs the discrete equations by O(‖m_h − m‖_L2) = O(h^{k+2}), one order
beyond the L2 error of degree-k elements: the observed rates are those of the
exact operator.  (The model writes m×(s×m) as s − (m·s)m; |m_h| − 1 = O(h^{k+2})
between dofs is a perturbation of the same size.)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..fem._compat import MPI, fem, mesh, ufl
from ..fem.geometry import Geometry
from ..fem.postprocess import global_dofs
from ..fem.solver import LinearSolver, LinearSystem
from ..models.rashba import RashbaModel
from ..physics.rashba import Coefficients, Drive, paper_film

X, Y, Z = sp.symbols("x y z", real=True)
COORDS = (X, Y, Z)

#: all terms on, every coefficient O(1) and distinct (units: the unit square is 1 nm,
#: so D in nm²/fs, velocities in nm/fs, rates in 1/fs)
MMS_COEFFICIENTS = Coefficients(
    D=1.0, B=0.2, C=0.45, Gamma=0.3, R=0.15,
    inv_tau_dp=0.8, inv_tau_phi=0.6, inv_tau_delta=1.1, inv_tau_sf=0.4,
    NF=0.9, PF=0.7, eps_F=1.0, v_F=1.0, n=1.0, varsigma2=0.1,
    charge_B_factor=4.0, charge_R_factor=8.0, charge_G_factor=1.0,
)  # fmt: skip
#: in-plane field, eE = 0.5 eV/nm along (0.6, 0.8, 0)
MMS_DRIVE = Drive(efield_v_per_m=5e8, direction=(0.6, 0.8, 0.0))

# Boundary tags of the unit square/cube: x = 0, x = 1, y = 0, y = 1, z = 0, z = 1.
LEFT, RIGHT, BOTTOM, TOP, FRONT, BACK = 1, 2, 3, 4, 5, 6
#: s given on x = 0 and y = 0; ν given on x = 1; the total normal currents elsewhere
SPIN_DIRICHLET = (LEFT, BOTTOM)
CHARGE_DIRICHLET = (RIGHT,)

Vec = list  # a 3-list of sympy expressions
Dz = Callable[[sp.Expr], Vec]


# -- vector algebra on 3-lists ------------------------------------------------
def _cross(a: Sequence, b: Sequence) -> Vec:
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]


def _dot(a: Sequence, b: Sequence) -> sp.Expr:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _zcross(v: Sequence) -> Vec:
    """ẑ × v."""
    return [-v[1], v[0], 0]


# -- ∇z as an operator: interior derivative, or its boundary/field substitute ---
def nabla_z(f: sp.Expr) -> Vec:
    """ẑ × ∇f = (−∂y f, ∂x f, 0)."""
    return [-sp.diff(f, Y), sp.diff(f, X), 0]


def times_zcross(v: Sequence) -> Dz:
    """The rule ∇z f → (ẑ×v) f (v = n̂: boundary flux; v = eE/εF: field substitution)."""
    zv = _zcross(v)
    return lambda f: [zv[0] * f, zv[1] * f, zv[2] * f]


def _div(dz: Dz, v: Sequence) -> sp.Expr:
    """∇z·v = Σ_b (∇z v_b)_b."""
    return sum(dz(v[b])[b] for b in range(3))


def _curl(dz: Dz, v: Sequence) -> Vec:
    """(∇z×v)_a = ε_abc (∇z)_b v_c."""
    g = [dz(v[c]) for c in range(3)]  # g[c][b] = (∇z)_b v_c
    return [g[2][1] - g[1][2], g[0][2] - g[2][0], g[1][0] - g[0][1]]


def spin_first_order(dz: Dz, s: Sequence, nu, m: Sequence, c: Coefficients) -> Vec:
    """First-order terms of Eq. 17 (conservative form, see module docstring)."""
    out = [c.B * g for g in dz(nu)]  # B ∇z ν
    out = [o + 2 * c.C * k for o, k in zip(out, _curl(dz, s), strict=True)]  # 2C ∇z×s
    ms = _dot(m, s)
    gms = dz(ms)
    mxs = _cross(m, s)
    cmxs = _curl(dz, mxs)
    for a in range(3):
        out[a] += 2 * c.R * _div(dz, [m[b] * m[a] * nu for b in range(3)])  # 2R ∇z·(m m_a ν)
        # Γ [m×(∇z×s) + ∇z×(m×s)], the first as ∇z(m·s) − ∇z·(m s_a)
        out[a] += c.Gamma * (gms[a] - _div(dz, [m[b] * s[a] for b in range(3)]) + cmxs[a])
    return out


def charge_first_order(dz: Dz, s: Sequence, nu, m: Sequence, c: Coefficients) -> sp.Expr:
    """First-order terms of Eq. 16 with the factors k_B, k_Γ, k_R (docs/model.md §3.2)."""
    ms = _dot(m, s)
    return (c.charge_B_factor * c.B * _div(dz, s)
            + c.charge_G_factor * c.Gamma * _div(dz, [mi * nu for mi in m])
            + c.charge_R_factor * c.R * _div(dz, [mi * ms for mi in m]))  # fmt: skip


def printed_minus_conservative(s: Sequence, nu, m: Sequence, c: Coefficients) -> Vec:
    """Printed Eq. 17 first-order terms (∇z acting on s, ν only) minus the conservative form."""
    printed = [c.B * g for g in nabla_z(nu)]
    printed = [p + 2 * c.C * k for p, k in zip(printed, _curl(nabla_z, s), strict=True)]
    mdz_nu = _dot(m, nabla_z(nu))
    gs = [nabla_z(si) for si in s]  # gs[e][b] = (∇z)_b s_e
    for a in range(3):
        printed[a] += 2 * c.R * mdz_nu * m[a]
        # m×(∇z×s) = m_e (∇z)_a s_e − (m·∇z) s_a, derivative on s only
        mcurl = sum(m[e] * gs[e][a] for e in range(3)) - sum(m[b] * gs[a][b] for b in range(3))
        printed[a] += c.Gamma * mcurl
    printed = [p + c.Gamma * k for p, k in zip(printed, _curl(nabla_z, _cross(m, s)), strict=True)]
    cons = spin_first_order(nabla_z, s, nu, m, c)
    return [p - q for p, q in zip(printed, cons, strict=True)]


def local_terms(s: Sequence, m: Sequence, c: Coefficients) -> Vec:
    """Q of Eq. 17: −s/τsf − (s + s_z ẑ)/τdp − (1/τΔ) s×m − (1/τφ) m×(s×m)."""
    sxm = _cross(s, m)
    mxsxm = _cross(m, sxm)
    zhat = [0, 0, 1]
    return [-c.inv_tau_sf * s[a] - c.inv_tau_dp * (s[a] + s[2] * zhat[a])
            - c.inv_tau_delta * sxm[a] - c.inv_tau_phi * mxsxm[a] for a in range(3)]  # fmt: skip


def field_source_eq33(m: Sequence, eE: Sequence, c: Coefficients) -> Vec:
    """X = NF [B u + 2C PF u×m + 2R (m·u) m + Γ PF m×(u×m)], u = ẑ×eE (Eq. 33)."""
    u = _zcross(eE)
    uxm = _cross(u, m)
    mxuxm = _cross(m, uxm)
    mu = _dot(m, u)
    return [c.NF * (c.B * u[a] + 2 * c.C * c.PF * uxm[a] + 2 * c.R * mu * m[a] + c.Gamma * c.PF * mxuxm[a])
            for a in range(3)]


def field_source_by_substitution(m: Sequence, eE: Sequence, c: Coefficients) -> Vec:
    """X from the rule ∇ → (e/εF)E on (S0, n0) in the first-order terms: ∇z f → (ẑ×eE) f
    on (NF PF m, NF) (the ε_F cancels: (e/εF) S0 = e NF PF m)."""
    return spin_first_order(times_zcross(eE), [c.NF * c.PF * mi for mi in m], c.NF, m, c)


def _grad(f: sp.Expr, dim: int) -> Vec:
    return [sp.diff(f, COORDS[d]) if d < dim else 0 for d in range(3)]


@dataclass(frozen=True)
class Manufactured:
    """Exact fields (sympy, in x, y[, z]) and the strong-form data derived from them."""

    dim: int
    s: tuple
    nu: sp.Expr
    m: tuple
    c: Coefficients
    eE: tuple

    def source(self) -> tuple[Vec, sp.Expr]:
        """(g_s, g_ν) such that 0 = −∇·J + Q + X + g_s and 0 = −∇·j + g_ν hold for the exact fields."""
        c, s, nu, m, eE, dim = self.c, self.s, self.nu, self.m, self.eE, self.dim

        def div_diffusion(f, vec_drift):
            # ∇·(D∇f + vec_drift): diffusion and drift parts of −∇·J
            return sum(sp.diff(c.D * _grad(f, dim)[d] + vec_drift[d], COORDS[d]) for d in range(dim))

        first = spin_first_order(nabla_z, s, nu, m, c)
        Q = local_terms(s, m, c)
        Xs = field_source_eq33(m, eE, c)
        g_s = []
        for a in range(3):
            drift = [c.D * c.NF * c.PF * m[a] * eE[d] for d in range(3)]
            g_s.append(-(div_diffusion(s[a], drift) + first[a] + Q[a] + Xs[a]))
        drift_n = [c.D * c.NF * eE[d] for d in range(3)]
        g_n = -(div_diffusion(nu, drift_n) + charge_first_order(nabla_z, s, nu, m, c))
        return g_s, g_n

    def normal_currents(self, n: Sequence) -> tuple[Vec, sp.Expr]:
        """(J·n̂, j·n̂): total normal spin and particle currents for the unit normal n̂."""
        c, s, nu, m, eE, dim = self.c, self.s, self.nu, self.m, self.eE, self.dim
        rule = times_zcross(n)
        first = spin_first_order(rule, s, nu, m, c)
        e_n = _dot(eE, n)
        Js = [-c.D * _dot(_grad(s[a], dim), n) - c.D * c.NF * c.PF * m[a] * e_n - first[a] for a in range(3)]
        jn = -c.D * _dot(_grad(nu, dim), n) - c.D * c.NF * e_n - charge_first_order(rule, s, nu, m, c)
        return Js, jn


def default_manufactured(dim: int, c: Coefficients = MMS_COEFFICIENTS, drive: Drive = MMS_DRIVE) -> Manufactured:
    """Smooth fields with every component non-trivial and a rotating unit m(x) (dim = 2 or 3)."""
    z = Z if dim == 3 else 0
    s = (
        sp.sin(1.3 * X + 0.4) * sp.cos(0.9 * Y - 0.2 * z) + 0.3,
        sp.cos(1.1 * X - 0.5) * sp.exp(0.5 * Y) + 0.2 * sp.sin(1.7 * z + 0.3),
        sp.sin(0.8 * X * Y + 0.6 * Y + 0.4 * z) - 0.4 * sp.cos(1.2 * X),
    )
    nu = sp.exp(0.3 * X - 0.2 * z) * sp.sin(1.4 * Y + 0.5) - 0.5 * sp.cos(X + Y)
    theta = 0.9 * X + 0.5 * Y + 0.3 * z + 0.4  # polar angle
    phi = 1.2 * Y - 0.7 * X + 0.4 * z + 0.2  # azimuth
    m = (sp.sin(theta) * sp.cos(phi), sp.sin(theta) * sp.sin(phi), sp.cos(theta))
    eE = tuple(float(v) for v in drive.e_field_ev_per_nm)
    return Manufactured(dim=dim, s=s, nu=nu, m=m, c=c, eE=eE)


_UFL_FUNCTIONS = {"sin": ufl.sin, "cos": ufl.cos, "exp": ufl.exp, "sqrt": ufl.sqrt}


def to_ufl(exprs, x, dim: int):
    """sympy expressions of (x, y[, z]) → UFL expressions of the SpatialCoordinate ``x``."""
    f = sp.lambdify(COORDS[:dim], list(exprs), modules=[_UFL_FUNCTIONS, "math"], cse=True)
    return f(*[x[i] for i in range(dim)])


def to_numpy(exprs, dim: int) -> Callable[[np.ndarray], np.ndarray]:
    """sympy expressions → f(points (3, N)) -> (len(exprs), N) array (for interpolation)."""
    f = sp.lambdify(COORDS[:dim], list(exprs), modules="numpy", cse=True)

    def evaluate(p: np.ndarray) -> np.ndarray:
        vals = f(*[p[i] for i in range(dim)])
        return np.vstack([np.broadcast_to(np.asarray(v, dtype=float), p.shape[1]) for v in vals])

    return evaluate


def unit_box(comm: MPI.Comm, dim: int, n: int) -> Geometry:
    """Unit square (triangles) or cube (tetrahedra) with n cells per side and tagged sides."""
    if dim == 2:
        msh = mesh.create_unit_square(comm, n, n)
    else:
        msh = mesh.create_unit_cube(comm, n, n, n)
    fdim = dim - 1
    msh.topology.create_connectivity(fdim, dim)
    ents, vals = [], []
    for axis in range(dim):
        for side, value in ((0, 0.0), (1, 1.0)):
            found = mesh.locate_entities_boundary(msh, fdim, lambda p, a=axis, v=value: np.isclose(p[a], v))
            ents.append(found)
            vals.append(np.full(found.size, 2 * axis + side + 1, dtype=np.int32))
    ents_a, vals_a = np.concatenate(ents).astype(np.int32), np.concatenate(vals)
    # a facet on two sides (none for axis-aligned faces, but be safe) keeps one tag
    ents_a, first = np.unique(ents_a, return_index=True)
    ft = mesh.meshtags(msh, fdim, ents_a, vals_a[first])
    return Geometry(msh=msh, facet_tags=ft, mode="plane", width_nm=1.0, length_nm=1.0, spin_sinks=(), contacts=())


def _outward_normal(tag: int) -> list[float]:
    axis, side = divmod(tag - 1, 2)
    n = [0.0, 0.0, 0.0]
    n[axis] = 1.0 if side else -1.0
    return n


@dataclass
class MMSResult:
    """Errors of one solve: L2 and H1-seminorm of U − U_exact (all four components)."""

    n: int
    h: float
    dofs: int
    l2: float
    h1: float


def solve_mms(man: Manufactured, n: int, degree: int, comm: MPI.Comm = MPI.COMM_WORLD) -> MMSResult:
    """Solve the manufactured problem on the unit box with n cells per side."""
    dim = man.dim
    g = unit_box(comm, dim, n)
    msh = g.msh
    x = ufl.SpatialCoordinate(msh)
    # m_h of degree k+1 (see module docstring: keeps the rates clean)
    m_h = fem.Function(fem.functionspace(msh, ("Lagrange", degree + 1, (3,))))
    m_h.interpolate(to_numpy(man.m, dim))
    model = RashbaModel(g, paper_film(), MMS_DRIVE, m_h, degree=degree)
    model.update(coefficients=man.c)
    model.eE.value[:] = man.eE

    W = ufl.TestFunction(model.V)
    qdeg = 2 * degree + 3  # exact data are smooth; this is enough for the asymptotic rates
    dx = ufl.dx(domain=msh, metadata={"quadrature_degree": qdeg})
    ds = ufl.ds(domain=msh, subdomain_data=g.facet_tags, metadata={"quadrature_degree": qdeg})
    g_s, g_n = man.source()
    src = to_ufl([*g_s, g_n], x, dim)
    L = model.L_ufl - sum(src[i] * W[i] for i in range(4)) * dx
    tags = range(1, 2 * dim + 1)
    for tag in tags:
        Js, jn = man.normal_currents(_outward_normal(tag))
        flux = to_ufl([*Js, jn], x, dim)
        if tag not in SPIN_DIRICHLET:
            L = L + sum(flux[a] * W[a] for a in range(3)) * ds(tag)
        if tag not in CHARGE_DIRICHLET:
            L = L + flux[3] * W[3] * ds(tag)

    fields = [*man.s, man.nu]
    fdim = dim - 1
    bcs = []
    for comps, facet_tags in (((0, 1, 2), SPIN_DIRICHLET), ((3,), CHARGE_DIRICHLET)):
        facets = np.concatenate([g.facet_tags.find(t) for t in facet_tags]).astype(np.int32)
        for i in comps:
            Vi, _ = model.V.sub(i).collapse()
            dofs = fem.locate_dofs_topological((model.V.sub(i), Vi), fdim, facets)
            gi = fem.Function(Vi)
            gi.interpolate(to_numpy([fields[i]], dim))
            bcs.append(fem.dirichletbc(gi, dofs, model.V.sub(i)))

    # the model's own (zero-valued) boundary data are replaced by the manufactured ones
    with LinearSolver(LinearSystem(model.system.a, fem.form(L), bcs, model.V)) as solver:
        U = solver.solve()

    u_ex = ufl.as_vector(to_ufl(fields, x, dim))
    e = U - u_ex
    dxe = ufl.dx(domain=msh, metadata={"quadrature_degree": 2 * degree + 4})

    def norm(expr):
        return math.sqrt(comm.allreduce(fem.assemble_scalar(fem.form(expr * dxe)), op=MPI.SUM))

    l2 = norm(ufl.inner(e, e))
    h1 = norm(ufl.inner(ufl.grad(e), ufl.grad(e)))
    return MMSResult(n=n, h=1.0 / n, dofs=global_dofs(model.V), l2=l2, h1=h1)


def observed_rates(results: Sequence[MMSResult], attr: str) -> list[float]:
    """log(e_i/e_{i+1}) / log(h_i/h_{i+1}) for successive refinements."""
    out = []
    for a, b in zip(results[:-1], results[1:], strict=True):
        out.append(math.log(getattr(a, attr) / getattr(b, attr)) / math.log(a.h / b.h))
    return out


def convergence_study(dim: int, degree: int, ns: Sequence[int], comm: MPI.Comm = MPI.COMM_WORLD) -> dict:
    """Errors and observed L2/H1 rates over the meshes ``ns`` (cells per side)."""
    man = default_manufactured(dim)
    results = [solve_mms(man, n, degree, comm) for n in ns]
    return {
        "dim": dim,
        "degree": degree,
        "results": results,
        "l2_rates": observed_rates(results, "l2"),
        "h1_rates": observed_rates(results, "h1"),
    }
