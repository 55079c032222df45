"""Independent references for the limits and laws of docs/verification.md.

* :func:`domain_wall_torque` — α = 0 with a Néel or Bloch wall along the wire,
  compared with the local (smooth-texture) torque of Eq. 25.
* :func:`spin_hall_exact` — Δxc = 0 cross-section: the exact solution of the
  two coupled ODEs for (s_y, s_z) (spin-Hall edge accumulation), by
  exponentials, with no finite elements.
* :func:`charge_currents` — the particle current through cross-sections of a
  2D wire, by line integrals and by slab (weak) fluxes.

All lengths in nm, times in fs, energies in eV (:mod:`rashba_diffusion.units`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..errors import ParameterError
from ..fem._compat import MPI, fem, ufl
from ..fem.postprocess import evaluate_points, global_dofs
from ..fem.solver import LinearSolver
from ..meshing.structured import graded_strip
from ..models.rashba import RashbaModel
from ..physics.rashba import Coefficients, Drive, Film
from ..physics.torque import torque_from_spin
from ..problems.specs import WireSpec, default_wire_cell_nm
from ..problems.wire import solve_wire
from ..validation import check_positive

WallKind = Literal["neel", "bloch"]


def wall_profile(x: np.ndarray, centre_nm: float, width_nm: float, kind: WallKind) -> tuple[np.ndarray, np.ndarray]:
    """(m, ∂x m) of a wall θ(x) = 2 atan(exp((x − x0)/λ)) between m = ẑ and −ẑ.

    Néel: m = (sin θ, 0, cos θ) (rotates in the x-z plane, along the wire);
    Bloch: m = (0, sin θ, cos θ).  ∂x θ = sin θ / λ.
    """
    th = 2.0 * np.arctan(np.exp((x - centre_nm) / width_nm))
    dth = np.sin(th) / width_nm
    zero = np.zeros_like(th)
    if kind == "neel":
        return np.vstack([np.sin(th), zero, np.cos(th)]), np.vstack([np.cos(th), zero, -np.sin(th)]) * dth
    if kind == "bloch":
        return np.vstack([zero, np.sin(th), np.cos(th)]), np.vstack([zero, np.cos(th), -np.sin(th)]) * dth
    raise ParameterError(f"kind = {kind!r} is invalid; valid values: 'neel', 'bloch'")


def eq25_coefficients(c: Coefficients) -> tuple[float, float]:
    """(1 − ξβ̃, β̃) of Eq. 25: ξ = τΔ(1/τsf + 1/τφ), β = τΔ/τsf, β̃ = β/(1+ξ²)."""
    xi = (c.inv_tau_sf + c.inv_tau_phi) / c.inv_tau_delta
    beta = c.inv_tau_sf / c.inv_tau_delta
    bt = beta / (1.0 + xi**2)
    return 1.0 - xi * bt, bt


@dataclass
class WallResult:
    """FE torque across a wall on the centre line y = W/2, in the basis of Eq. 25.

    T = a Y − b m×Y with Y = D NF PF (eE·∇)m = (PF/e)(j_e·∇)m: Eq. 25 says
    a = 1 − ξβ̃ (adiabatic) and b = β̃ (non-adiabatic) at every point.
    """

    x_nm: np.ndarray
    a: np.ndarray
    b: np.ndarray
    a_eq25: float
    b_eq25: float
    #: max_x |T_FE − T_Eq25| / max_x |T_Eq25| over the sampled wall core
    rel_error: float
    dofs: int


def domain_wall_torque(film: Film, drive: Drive, wall_width_nm: float, kind: WallKind = "neel",
                       width_nm: float = 30.0, cell_x_nm: float = 1.0, cells_y: int = 16, degree: int = 2,
                       comm: MPI.Comm = MPI.COMM_WORLD) -> WallResult:
    """Solve a wire of length 14 λ with a wall in the middle; sample ±2 λ on the centre line."""
    lw = check_positive("wall_width_nm", wall_width_nm, "nm")
    length = 14.0 * lw  # the wall's tails (∝ exp(−|x − x0|/λ)) are 1e-3 at the contacts
    x0 = 0.5 * length
    g = graded_strip(comm, length, width_nm, cell_x_nm, cells_y)
    mf = fem.Function(fem.functionspace(g.msh, ("Lagrange", degree, (3,))))
    mf.interpolate(lambda p: wall_profile(p[0], x0, lw, kind)[0])
    model = RashbaModel(g, film, drive, mf, degree=degree)
    with LinearSolver(model.system) as solver:
        U = solver.solve()
    xs = np.linspace(x0 - 2.0 * lw, x0 + 2.0 * lw, 41)
    pts = np.zeros((xs.size, 3))
    pts[:, 0], pts[:, 1] = xs, 0.5 * width_nm
    s = evaluate_points(U, pts)[:, :3].T
    c = model.coefficients
    m, dm = wall_profile(xs, x0, lw, kind)
    T = torque_from_spin(c, m, s)
    # the wall varies along x only: (eE·∇)m = eE_x ∂x m
    Y = c.D * c.NF * c.PF * drive.e_field_ev_per_nm[0] * dm
    y2 = np.sum(Y * Y, axis=0)
    mxY = np.cross(m, Y, axis=0)
    a, b = np.sum(T * Y, axis=0) / y2, -np.sum(T * mxY, axis=0) / y2
    a25, b25 = eq25_coefficients(c)
    T25 = a25 * Y - b25 * mxY
    err = np.max(np.linalg.norm(T - T25, axis=0)) / np.max(np.linalg.norm(T25, axis=0))
    return WallResult(x_nm=xs, a=a, b=b, a_eq25=a25, b_eq25=b25, rel_error=float(err), dofs=global_dofs(model.V))


# -- Δxc = 0: spin-Hall edge accumulation, exact ------------------------------------
def spin_hall_exact(c: Coefficients, e_field_ev_per_nm: float, width_nm: float, y: np.ndarray) -> np.ndarray:
    """Exact (s_y, s_z)(y) of the Δxc = 0 cross-section with s = 0 at y = 0, W (E ∥ x̂).

    With Δxc = 0 (Γ = R = 1/τφ = 1/τΔ = PF = 0) and E ∥ x̂ the cross-section
    equations (∂x = 0, ∇z = (−∂y, 0, 0) on scalars) decouple s_x and ν (both
    vanish) from

        D s_y'' − a s_y + 2C s_z' + NF B eE = 0,   D s_z'' − 2a s_z − 2C s_y' = 0,

    a = 1/τdp + 1/τsf (s_z relaxes at a + 1/τdp).  The particular solution is the
    Edelstein density s_y = NF B eE/a; the homogeneous ones are v e^{±κy} with
    det [[Dκ² − a, 2Cκ], [−2Cκ, Dκ² − a − 1/τdp]] = 0, a quadratic in κ².
    """
    if c.inv_tau_delta != 0.0 or c.Gamma != 0.0 or c.R != 0.0 or c.PF != 0.0:
        raise ParameterError("spin_hall_exact needs Δxc = 0 (Γ = R = PF = 1/τΔ = 0)")
    D, C = c.D, c.C
    ay = c.inv_tau_dp + c.inv_tau_sf
    az = 2.0 * c.inv_tau_dp + c.inv_tau_sf
    src = c.NF * c.B * e_field_ev_per_nm
    part = np.array([src / ay, 0.0])
    # D²k⁴ + (4C² − D(ay + az)) k² + ay az = 0 with k² = κ²
    roots = np.roots([D**2, 4 * C**2 - D * (ay + az), ay * az]).astype(complex)
    kappas = np.sqrt(roots)  # principal root: Re κ ≥ 0

    def vec(k):  # null vector of the first row: (Dκ² − ay) v_y + 2Cκ v_z = 0
        return np.array([2 * C * k, -(D * k**2 - ay)])

    def basis(yy):  # columns: decaying from y = 0, decaying from y = W
        cols = [vec(-k)[:, None] * np.exp(-k * yy)[None, :] for k in kappas]
        cols += [vec(k)[:, None] * np.exp(k * (yy - width_nm))[None, :] for k in kappas]
        return cols

    ends = np.array([0.0, width_nm])
    cols = basis(ends)
    A = np.zeros((4, 4), dtype=complex)
    for j, col in enumerate(cols):
        A[:, j] = col.T.reshape(-1)  # rows: (y=0: s_y, s_z), (y=W: s_y, s_z)
    rhs = -np.concatenate([part, part]).astype(complex)
    coef = np.linalg.solve(A, rhs)
    yy = np.asarray(y, dtype=float)
    s = part[:, None] + sum(cj * col for cj, col in zip(coef, basis(yy), strict=True))
    return s.real


# -- charge conservation ---------------------------------------------------------
def charge_currents(model: RashbaModel, U: fem.Function, xs_nm: np.ndarray, points: int = 801,
                    slab_nm: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Particle current through the lines x = x_k of a 2D wire, two ways.

    Returns ``(line, slab)``:

    * ``line[k]`` = ∫_0^W j_x(x_k, y) dy, with j (``RashbaModel.charge_current``)
      interpolated exactly into a discontinuous space and integrated by
      Simpson's rule; it is constant in x up to the discretization error.
    * ``slab[k]`` = ∫ j·∇φ_k dx with φ_k the P1 interpolant of the ramp from 0
      at x_k − δ/2 to 1 at x_k + δ/2: the Galerkin flux through the slab.
      Differences φ_k − φ_l vanish on the contacts and so are test functions
      of the charge equation, which makes slab[k] equal to round-off.
    """
    g = model.geometry
    msh = g.msh
    comm = msh.comm
    j = model.charge_current([U[0], U[1], U[2]], U[3])
    jvec = ufl.as_vector([j[0], j[1]])
    Q = fem.functionspace(msh, ("DG", model.degree, (2,)))
    jh = fem.Function(Q)
    jh.interpolate(fem.Expression(jvec, Q.element.interpolation_points))
    y = np.linspace(0.0, g.width_nm, points)
    line = []
    for xk in xs_nm:
        pts = np.zeros((points, 3))
        pts[:, 0], pts[:, 1] = xk, y
        jx = evaluate_points(jh, pts)[:, 0]
        line.append(_simpson(jx, y))
    P1 = fem.functionspace(msh, ("Lagrange", 1))
    phi = fem.Function(P1)
    slab = []
    for xk in xs_nm:
        phi.interpolate(lambda p, xk=xk: np.clip((p[0] - xk) / slab_nm + 0.5, 0.0, 1.0))
        form = fem.form(ufl.dot(jvec, ufl.grad(phi)) * ufl.dx)
        slab.append(comm.allreduce(fem.assemble_scalar(form), op=MPI.SUM))
    return np.array(line), np.array(slab)


def _simpson(f: np.ndarray, x: np.ndarray) -> float:
    """Composite Simpson rule on an odd number of equally spaced points."""
    h = x[1] - x[0]
    return float(h / 3.0 * (f[0] + f[-1] + 4.0 * np.sum(f[1:-1:2]) + 2.0 * np.sum(f[2:-1:2])))


# -- mesh convergence of the physics outputs ---------------------------------------
#: the width-averaged torques whose convergence is studied
TORQUE_KEYS = ("T_perp_J_per_m2", "T_par_J_per_m2")


def observed_orders(values: list[float], ratio: float = 2.0) -> list[float]:
    """p_i = log(|v_i − v_{i+1}| / |v_{i+1} − v_{i+2}|) / log(ratio) for cell sizes shrinking by ``ratio``."""
    d = [values[i] - values[i + 1] for i in range(len(values) - 1)]
    return [float(np.log(abs(d[i] / d[i + 1])) / np.log(ratio)) if d[i + 1] != 0 else float("nan")
            for i in range(len(d) - 1)]


def richardson(fine: float, finer: float, order: float, ratio: float = 2.0) -> float:
    """Richardson extrapolation of two values on cells h and h/ratio converging at ``order``."""
    return finer + (finer - fine) / (ratio**order - 1.0)


def wire_mesh_study(film: Film, drive: Drive, m, width_nm: float = 50.0, degree: int = 2, levels: int = 5,
                    coarsest_factor: float = 4.0) -> dict:
    """Width-averaged torques of the 1D cross-section on cells h0·f/2^k, k < levels.

    h0 is the default cell (:func:`~rashba_diffusion.problems.specs.default_wire_cell_nm`) and
    f = ``coarsest_factor``.
    Returns, per torque key, the values, the observed orders of successive
    differences, the Richardson value (finest pair, last observed order) and the
    relative error of the default mesh against it.
    """
    spec0 = WireSpec(width_nm, degree=degree)
    h0 = default_wire_cell_nm(film, spec0)
    default = solve_wire(film, drive, m, spec0).summary
    cells = [h0 * coarsest_factor / 2**k for k in range(levels)]
    runs = [solve_wire(film, drive, m, WireSpec(width_nm, cell_nm=h, degree=degree)).summary for h in cells]
    out: dict = {"alpha_ev_nm": film.alpha_ev_nm, "degree": degree, "cells_nm": cells, "default_cell_nm": h0,
                 "dofs": [r["dofs"] for r in runs], "default": {k: default[k] for k in TORQUE_KEYS}}
    for key in TORQUE_KEYS:
        vals = [r[key] for r in runs]
        orders = observed_orders(vals)
        extrap = richardson(vals[-2], vals[-1], orders[-1])
        out[key] = {"values": vals, "observed_orders": orders, "richardson": extrap,
                    "default_rel_error": abs(default[key] - extrap) / abs(extrap)}
    return out
