"""An independent SciPy baseline of the 2D wire: scikit-fem assembly, SuperLU solve.

It discretizes the same problem as :class:`~rashba_diffusion.models.rashba.RashbaModel` on a wire mesh
(same triangles, Lagrange P2 for each of s_x, s_y, s_z, ν, same boundary
conditions) without UFL, FFCx, DOLFINx or PETSc:

* the operator is written out again here in vector form (``np.cross`` on the
  directions of ∇z = ẑ × ∇) from docs/model.md, rather than taken from the
  einsum tensors of models/rashba.py;
* four scalar P2 matrices (stiffness, the two first-derivative matrices and
  the mass matrix) are assembled once by scikit-fem and combined into the 4×4
  block operator with constant coefficient matrices;
* the Dirichlet dofs (s = 0 on y = 0, W; ν = 0 on x = 0, L) are found from the
  dof coordinates and condensed out; SuperLU (``scipy.sparse.linalg.splu``)
  factorizes the rest;
* the width-averaged torques come from Simpson's rule on the mid-line edges
  (exact for the quadratic trace), not from a DOLFINx facet integral.

Agreement with :func:`~rashba_diffusion.problems.wire.solve_wire` to round-off
(``test_scipy_baseline_equals_package`` in tests/system/test_bench.py) therefore checks the operator, the
source, the boundary conditions and the torque post-processing of the package; the benchmarks
(:mod:`rashba_diffusion.studies.bench`) use it as the timing baseline ("the same discretized problem in
plain SciPy").
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..physics.rashba import Coefficients, Drive
from ..physics.torque import torque_to_j_per_m2
from ..physics.vectors import Z_HAT

#: number of unknown fields (s_x, s_y, s_z, ν) and the charge field's index
NFIELDS = 4
NU = 3
#: in-plane derivative directions of the 2D wire (x, y)
PLANE_DIRECTIONS = (0, 1)


def first_order_couplings(c: Coefficients, m: np.ndarray) -> np.ndarray:
    """G[r, d, j]: the first-order terms of Eqs. 16-17 are Σ_{d,j} G[r, d, j] ∂_d U_j.

    Row r < 3 is the spin equation a = r, r = 3 the charge equation; column j
    is s_x, s_y, s_z, ν.  With z_d = ẑ × e_d (so that ∇z = Σ_d z_d ∂_d):

    spin:   B ∇z n + 2C ∇z × S + 2R (m·∇z n) m + Γ [m × (∇z × S) + ∇z × (m × S)]
    charge: b_B B ∇z·S + b_Γ Γ ∇z·(m n) + b_R R ∇z·[m (S·m)]
    """
    eye = np.eye(3)
    G = np.zeros((NFIELDS, 3, NFIELDS))
    for d in range(3):
        z = np.cross(Z_HAT, eye[d])
        G[:3, d, NU] += c.B * z + 2.0 * c.R * np.dot(m, z) * m
        for k in range(3):
            e = eye[k]
            G[:3, d, k] += 2.0 * c.C * np.cross(z, e)
            G[:3, d, k] += c.Gamma * (np.cross(m, np.cross(z, e)) + np.cross(z, np.cross(m, e)))
            G[NU, d, k] += c.charge_B_factor * c.B * z[k] + c.charge_R_factor * c.R * np.dot(z, m) * m[k]
        G[NU, d, NU] += c.charge_G_factor * c.Gamma * np.dot(z, m)
    return G


def local_couplings(c: Coefficients, m: np.ndarray) -> np.ndarray:
    """Q[r, j]: the zeroth-order spin terms Σ_j Q[r, j] U_j of Eq. 17.

    −s/τsf − (s + s_z ẑ)/τdp − (s × m)/τΔ − (s − (m·s) m)/τφ; none in the charge row.
    """
    Q = np.zeros((NFIELDS, NFIELDS))
    for k in range(3):
        e = np.eye(3)[k]
        col = -c.inv_tau_sf * e - c.inv_tau_dp * (e + e[2] * Z_HAT)
        col -= c.inv_tau_delta * np.cross(e, m) + c.inv_tau_phi * (e - np.dot(m, e) * m)
        Q[:3, k] = col
    return Q


def drift_and_source(c: Coefficients, m: np.ndarray, ee: np.ndarray, G: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(h[r, d], X[r]): the field's drift flux and the Eq. 33 source.

    The drift part of the currents is h = −D N_F (P_F m, 1) ⊗ eE; the source is
    every first-order spin term with ∇ → (e/εF) E acting on the equilibrium
    densities (S0, n0), whose (e/εF) multiples are N_F (P_F m, 1).  The charge
    equation has no source: charge is conserved, the field enters it through
    the drift only (docs/model.md §2 and item 6 of its list).
    """
    u0 = c.NF * np.append(c.PF * m, 1.0)
    h = -c.D * np.outer(u0, ee)
    X = np.einsum("rdj,j,d->r", G, u0, ee)
    X[NU] = 0.0
    return h, X


@dataclass
class BaselineResult:
    """Width-averaged torques (J/m²), dof count, per-phase wall times (s) and SuperLU's fill (nnz of L + U)."""

    T_perp_J_per_m2: float
    T_par_J_per_m2: float
    dofs: int
    width_nm: float
    timings: dict[str, float] = field(default_factory=dict)
    solution: np.ndarray | None = None
    factor_nnz: int = 0


def _scalar_matrices(basis) -> tuple:
    """Stiffness, C_x, C_y (∫ φ_j ∂_d φ_i), mass, and the load vectors ∫∂_d φ_i, ∫φ_i."""
    from skfem import BilinearForm, LinearForm
    from skfem.helpers import dot, grad

    @BilinearForm
    def stiffness(u, v, w):
        return dot(grad(u), grad(v))

    @BilinearForm
    def mass(u, v, w):
        return u * v

    def deriv_test(d):
        @BilinearForm
        def form(u, v, w):
            return u * grad(v)[d]

        return form

    def deriv_load(d):
        @LinearForm
        def form(v, w):
            return grad(v)[d]

        return form

    @LinearForm
    def ones(v, w):
        return 1.0 * v

    K = stiffness.assemble(basis)
    C = [deriv_test(d).assemble(basis) for d in PLANE_DIRECTIONS]
    M = mass.assemble(basis)
    bd = [deriv_load(d).assemble(basis) for d in PLANE_DIRECTIONS]
    b0 = ones.assemble(basis)
    return K, C, M, bd, b0


def solve_wire_baseline(points_nm: np.ndarray, cells: np.ndarray, length_nm: float, width_nm: float,
                        coefficients: Coefficients, drive: Drive, m) -> BaselineResult:
    """Assemble and solve the 2D wire on the given triangles; torques at x = L/2.

    Parameters
    ----------
    points_nm
        (N, 2) vertex coordinates (x, y) in nm.
    cells
        (M, 3) vertex indices of the triangles; the mesh must contain the
        mid-line x = L/2 as a union of edges (as the gmsh wire, :func:`~rashba_diffusion.meshing.gmsh_build.wire`,
        does).
    length_nm, width_nm
        The wire [0, L] × [0, W].
    coefficients, drive, m
        Material coefficients (internal units), the field and the unit magnetization.
    """
    from skfem import Basis, ElementTriP2, MeshTri

    t = {}
    t0 = time.perf_counter()
    mesh = MeshTri(np.ascontiguousarray(points_nm[:, :2].T, dtype=float), np.ascontiguousarray(cells.T))
    basis = Basis(mesh, ElementTriP2())
    t["mesh"] = time.perf_counter() - t0

    m = np.asarray(m, dtype=float)
    c = coefficients
    ee = drive.e_field_ev_per_nm
    t0 = time.perf_counter()
    G = first_order_couplings(c, m)
    Q = local_couplings(c, m)
    h, X = drift_and_source(c, m, ee, G)
    K, C, M, bd, b0 = _scalar_matrices(basis)
    # weak form: ∫ Σ_r (−D ∇U_r − Σ_j G[r,·,j] U_j − h[r,·])·∇w_r + (Q U + X)_r w_r = 0
    blocks = [[None] * NFIELDS for _ in range(NFIELDS)]
    for r in range(NFIELDS):
        for j in range(NFIELDS):
            B = Q[r, j] * M
            if r == j:
                B = B - c.D * K
            for i, d in enumerate(PLANE_DIRECTIONS):
                if G[r, d, j] != 0.0:
                    B = B - G[r, d, j] * C[i]
            blocks[r][j] = B
    A = sp.bmat(blocks, format="csr")
    b = -np.concatenate([sum(h[r, d] * bd[i] for i, d in enumerate(PLANE_DIRECTIONS)) + X[r] * b0
                         for r in range(NFIELDS)])
    t["assemble"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    n = basis.N
    x, y = basis.doflocs
    tol = 1e-9 * max(length_nm, width_nm)
    sink = np.flatnonzero((np.abs(y) < tol) | (np.abs(y - width_nm) < tol))
    contact = np.flatnonzero((np.abs(x) < tol) | (np.abs(x - length_nm) < tol))
    fixed = np.concatenate([r * n + sink for r in range(3)] + [NU * n + contact])
    free = np.setdiff1d(np.arange(NFIELDS * n), fixed)
    A_ff = A[free][:, free].tocsc()
    b_f = b[free]
    t["bcs"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    lu = spla.splu(A_ff)
    t["factorization"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    u = np.zeros(NFIELDS * n)
    u[free] = lu.solve(b_f)
    t["solve"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    t_perp, t_par, width = _midline_torques(mesh, basis, u.reshape(NFIELDS, n), length_nm, c, m, drive, tol)
    t["postprocess"] = time.perf_counter() - t0
    t["total"] = sum(t.values())
    return BaselineResult(T_perp_J_per_m2=torque_to_j_per_m2(t_perp), T_par_J_per_m2=torque_to_j_per_m2(t_par),
                          dofs=NFIELDS * n, width_nm=width, timings=t, solution=u,
                          factor_nnz=int(lu.L.nnz + lu.U.nnz))


def _midline_torques(mesh, basis, U: np.ndarray, length_nm: float, c: Coefficients, m: np.ndarray, drive: Drive,
                     tol: float) -> tuple[float, float, float]:
    """Width averages of T⊥, T∥ along x = L/2 by Simpson's rule on each mid-line edge."""
    p = mesh.p
    f = mesh.facets
    on = np.flatnonzero((np.abs(p[0, f[0]] - length_nm / 2) < tol) & (np.abs(p[0, f[1]] - length_nm / 2) < tol))
    if on.size == 0:
        raise ValueError("the mesh has no edges on the mid-line x = L/2")
    v0, v1 = f[0, on], f[1, on]
    lengths = np.abs(p[1, v1] - p[1, v0])
    # P2 dofs: one per vertex (nodal_dofs) and one per edge midpoint (facet_dofs)
    dofs = [basis.nodal_dofs[0, v0], basis.facet_dofs[0, on], basis.nodal_dofs[0, v1]]
    weights = (1.0 / 6.0, 4.0 / 6.0, 1.0 / 6.0)
    u_hat = np.cross(Z_HAT, drive.direction)
    e_perp = np.cross(u_hat, m)
    e_par = np.cross(m, e_perp)
    n2 = np.dot(e_perp, e_perp)
    perp = par = 0.0
    for w, dof in zip(weights, dofs, strict=True):
        s = U[:3, dof].T  # (edges, 3)
        ds = s - np.outer(s @ m, m)
        T = -c.inv_tau_delta * np.cross(m, ds) + c.inv_tau_phi * ds  # Eq. 24
        perp += w * np.sum(lengths * (T @ e_perp)) / n2
        par += w * np.sum(lengths * (T @ e_par)) / n2
    width = float(np.sum(lengths))
    return perp / width, par / width, width
