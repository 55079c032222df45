"""The wire problem: geometry + model + solve + torque post-processing."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from . import geometry as geo
from ._compat import MPI, fem, ufl
from .bulk import solve_bulk
from .model import RashbaModel
from .parameters import Drive, Film, ParameterError, check_positive, unit_vector
from .solver import LinearSolver
from .torque import decompose, torque_from_spin, torque_to_j_per_m2

GeometryKind = Literal["1d", "2d"]
#: default cell size as a fraction of the shortest physical length
CELL_FRACTION_1D = 0.1
CELL_FRACTION_2D = 0.5
#: number of sample points of the mid-length CSV profile
PROFILE_POINTS = 401


@dataclass(frozen=True)
class WireSpec:
    """Geometry and discretization of a wire (all lengths in nm).

    ``cell_nm = None`` picks a cell size from the shortest physical length
    (1D: a tenth of it, uniform; 2D: half of it at the edges, growing 8x in the
    bulk).  ``length_nm`` is used by the 2D view only (default: 4 W or
    10 λsf, whichever is larger, so that the contacts do not reach the middle).
    """

    width_nm: float
    geometry: GeometryKind = "1d"
    length_nm: float | None = None
    cell_nm: float | None = None
    degree: int = 2

    def __post_init__(self) -> None:
        object.__setattr__(self, "width_nm", check_positive("width_nm", self.width_nm, "nm"))
        if self.geometry not in ("1d", "2d"):
            raise ParameterError(f"geometry = {self.geometry!r} is invalid; valid values: '1d', '2d'")
        if self.length_nm is not None:
            object.__setattr__(self, "length_nm", check_positive("length_nm", self.length_nm, "nm"))
        if self.cell_nm is not None:
            h = check_positive("cell_nm", self.cell_nm, "nm")
            if h > self.width_nm / 2:
                raise ParameterError(
                    f"cell_nm = {self.cell_nm!r} nm is invalid; valid range: (0, width_nm/2 = {self.width_nm / 2:g}]"
                )
            object.__setattr__(self, "cell_nm", h)
        if self.degree not in (1, 2, 3):
            raise ParameterError(f"degree = {self.degree!r} is invalid; valid values: 1, 2, 3")


def default_cell_nm(film: Film, spec: WireSpec) -> float:
    lam = film.coefficients().shortest_length_nm()
    frac = CELL_FRACTION_1D if spec.geometry == "1d" else CELL_FRACTION_2D
    h = frac * lam if math.isfinite(lam) else spec.width_nm / 100
    return min(h, spec.width_nm / 20)


def build_geometry(film: Film, spec: WireSpec, comm: MPI.Comm) -> geo.Geometry:
    h = spec.cell_nm or default_cell_nm(film, spec)
    if spec.geometry == "1d":
        return geo.cross_section(comm, spec.width_nm, h)
    lam_sf = film.coefficients().lengths_nm()["lambda_sf"]
    length = spec.length_nm or max(4 * spec.width_nm, 10 * lam_sf if math.isfinite(lam_sf) else 0.0)
    layer = min(spec.width_nm / 4, 8 * film.coefficients().shortest_length_nm())
    return geo.wire_2d(comm, length, spec.width_nm, h, cell_bulk_nm=min(8 * h, spec.width_nm / 10),
                       edge_layer_nm=layer)


def torque_ufl(model: RashbaModel, U) -> tuple:
    """(T⊥, T∥) as UFL expressions of the solution (Eq. 24, pointwise m)."""
    c, m = model.const, model.m
    s = ufl.as_vector([U[0], U[1], U[2]])
    mv = ufl.as_vector([m[0], m[1], m[2]])
    ds = s - ufl.dot(s, mv) * mv
    T = -c["inv_tau_delta"] * ufl.cross(mv, ds) + c["inv_tau_phi"] * ds
    u = ufl.as_vector([float(x) for x in model.drive.transverse])
    e_perp = ufl.cross(u, mv)
    e_par = ufl.cross(mv, e_perp)
    n2 = ufl.dot(e_perp, e_perp)
    return ufl.dot(T, e_perp) / n2, ufl.dot(T, e_par) / n2


def evaluate_points(u: fem.Function, points: np.ndarray) -> np.ndarray:
    """Values of ``u`` at ``points`` (N, 3), gathered on every rank (NaN if outside)."""
    from dolfinx import geometry as dgeom

    msh = u.function_space.mesh
    tree = dgeom.bb_tree(msh, msh.topology.dim)
    cand = dgeom.compute_collisions_points(tree, points)
    coll = dgeom.compute_colliding_cells(msh, cand, points)
    bs = u.function_space.dofmap.index_map_bs  # value size of a blocked space
    idx, cells = [], []
    for i in range(points.shape[0]):
        links = coll.links(i)
        if len(links):
            idx.append(i)
            cells.append(links[0])
    local = np.full((points.shape[0], bs), np.nan)
    if idx:
        local[idx] = u.eval(points[idx], np.asarray(cells, dtype=np.int32)).reshape(len(idx), bs)
    allv = msh.comm.allgather(local)
    out = np.full_like(local, np.nan)
    for arr in allv:  # first rank that found a point wins: identical values
        mask = np.isnan(out[:, 0]) & ~np.isnan(arr[:, 0])
        out[mask] = arr[mask]
    return out


@dataclass
class WireResult:
    """Everything a wire solve produced (SI in the summary, internal units in arrays)."""

    summary: dict
    profile: dict[str, np.ndarray]
    solution: fem.Function
    model: RashbaModel
    timings: dict[str, float] = field(default_factory=dict)


def solve_wire(film: Film, drive: Drive, m, spec: WireSpec, comm: MPI.Comm = MPI.COMM_WORLD,
               petsc_options: dict | None = None, geometry: geo.Geometry | None = None) -> WireResult:
    """Solve the wire and post-process torques (validated before any solve).

    ``geometry`` replaces the mesh that ``spec`` would build (its width and
    length must match ``spec``); the benchmarks use it for meshes of a given
    size.  ``timings`` of the result holds the wall time of every phase:
    ``mesh``, ``forms`` (form compilation, cached by FFCx after the first
    run), ``matrix_create`` (sparsity pattern, KSP), the solver's phases
    (:attr:`solver.LinearSolver.timings`) and ``postprocess``.
    """
    m = unit_vector("m", m)
    t_start = time.perf_counter()
    g = geometry if geometry is not None else build_geometry(film, spec, comm)
    t_mesh = time.perf_counter()
    model = RashbaModel(g, film, drive, m, degree=spec.degree)
    t_forms = time.perf_counter()
    solver = LinearSolver(model, petsc_options)
    t0 = time.perf_counter()
    U = solver.solve()
    solve_seconds = time.perf_counter() - t0
    timings = {"mesh": t_mesh - t_start, "forms": t_forms - t_mesh, "matrix_create": t0 - t_forms,
               **solver.timings}

    t_perp, t_par = torque_ufl(model, U)
    if g.mode == "cross_section":
        meas = ufl.dx(domain=g.msh)
    else:
        meas = ufl.dS(domain=g.msh, subdomain_data=g.facet_tags, subdomain_id=g.midline)
        t_perp, t_par = t_perp("+"), t_par("+")

    def integral(expr):
        return comm.allreduce(fem.assemble_scalar(fem.form(expr * meas)), op=MPI.SUM)

    width = integral(ufl.as_ufl(1.0))
    avg_perp = integral(t_perp) / width
    avg_par = integral(t_par) / width

    pts = g.mid_points(PROFILE_POINTS)
    vals = evaluate_points(U, pts)
    c = model.coefficients
    s = vals[:, :3].T
    T = torque_from_spin(c, np.asarray(m), s)
    p_perp, p_par = decompose(T, np.asarray(m), drive.transverse)
    profile = {
        "y_nm": np.linspace(0.0, spec.width_nm, PROFILE_POINTS),
        "s_x": s[0], "s_y": s[1], "s_z": s[2], "nu": vals[:, 3],
        "T_perp": p_perp, "T_par": p_par,
    }
    bulk = solve_bulk(film, drive, m)
    # the wire's own reference: no transverse charge current (docs/model.md §8)
    normal = np.cross([0.0, 0.0, 1.0], drive.direction)
    hall_free = solve_bulk(film, drive, m, hall_free_normal=normal)
    ndofs = model.V.dofmap.index_map.size_global * model.V.dofmap.index_map_bs
    summary = {
        "T_perp_J_per_m2": torque_to_j_per_m2(avg_perp),
        "T_par_J_per_m2": torque_to_j_per_m2(avg_par),
        "T_perp_bulk_J_per_m2": bulk.T_perp_j_per_m2,
        "T_par_bulk_J_per_m2": bulk.T_par_j_per_m2,
        "T_perp_bulk_hall_free_J_per_m2": hall_free.T_perp_j_per_m2,
        "T_par_bulk_hall_free_J_per_m2": hall_free.T_par_j_per_m2,
        "s_bulk_hbar_per_m2": bulk.s_per_m2.tolist(),
        "dofs": int(ndofs),
        "ranks": comm.size,
        "solve_seconds": solve_seconds,
        "total_seconds": time.perf_counter() - t_start,
        "geometry": spec.geometry,
        "width_nm": spec.width_nm,
        "length_nm": g.length_nm,
        "cell_nm": spec.cell_nm or default_cell_nm(film, spec),
        "degree": spec.degree,
        "m": list(m),
        "efield_v_per_m": drive.efield_v_per_m,
        "e_direction": list(drive.direction),
        "width_check_nm": width,
    }
    summary["krylov_iterations"] = solver.iterations
    timings["postprocess"] = time.perf_counter() - t0 - solve_seconds
    return WireResult(summary=summary, profile=profile, solution=U, model=model, timings=timings)
