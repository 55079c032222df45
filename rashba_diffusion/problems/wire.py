"""The wire problem: geometry + model + solve + torque post-processing.

:class:`WireSession` owns the mesh, model, solver and compiled torque forms
and solves them for any number of parameter sets; :func:`solve_wire` is a
one-point session, :mod:`rashba_diffusion.sweep` a many-point one.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from . import geometry as geo
from ._compat import MPI, fem, ufl
from .bulk import solve_bulk
from .model import RashbaModel
from .parameters import Drive, Film, ParameterError, check_positive, unit_vector
from .solver import LinearSolver
from .torque import PARALLEL_TOLERANCE, cross, decompose, torque_from_spin, torque_to_j_per_m2

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
    """Cell size that resolves ``film``'s shortest physical length (``spec.cell_nm`` is ignored)."""
    lam = film.coefficients().shortest_length_nm()
    frac = CELL_FRACTION_1D if spec.geometry == "1d" else CELL_FRACTION_2D
    h = frac * lam if math.isfinite(lam) else spec.width_nm / 100
    return min(h, spec.width_nm / 20)


def default_length_nm(film: Film, spec: WireSpec) -> float:
    """Length of the 2D wire when ``spec.length_nm`` is not given: max(4 W, 10 λsf)."""
    lam_sf = film.coefficients().lengths_nm()["lambda_sf"]
    return max(4 * spec.width_nm, 10 * lam_sf if math.isfinite(lam_sf) else 0.0)


def most_demanding(films: Sequence[Film]) -> Film:
    """The film with the smallest ``shortest_length_nm()``: its default mesh resolves all of them."""
    return min(films, key=lambda f: f.coefficients().shortest_length_nm())


def resolve_spec(films: Sequence[Film], spec: WireSpec) -> WireSpec:
    """``spec`` with ``cell_nm`` (and, in 2D, ``length_nm``) filled in so that one mesh serves every film.

    The default cell is that of the most demanding film (smallest shortest
    physical length); the default 2D length is the largest default over the
    films.  Explicit values in ``spec`` are kept.
    """
    cell = spec.cell_nm if spec.cell_nm is not None else min(default_cell_nm(f, spec) for f in films)
    length = spec.length_nm
    if spec.geometry == "2d" and length is None:
        length = max(default_length_nm(f, spec) for f in films)
    return dataclasses.replace(spec, cell_nm=cell, length_nm=length)


def build_geometry(film: Film, spec: WireSpec, comm: MPI.Comm) -> geo.Geometry:
    """The mesh of ``spec``; defaults (cell size, 2D length and edge layer) from ``film``."""
    h = spec.cell_nm or default_cell_nm(film, spec)
    if spec.geometry == "1d":
        return geo.cross_section(comm, spec.width_nm, h)
    length = spec.length_nm or default_length_nm(film, spec)
    layer = min(spec.width_nm / 4, 8 * film.coefficients().shortest_length_nm())
    return geo.wire_2d(comm, length, spec.width_nm, h, cell_bulk_nm=min(8 * h, spec.width_nm / 10),
                       edge_layer_nm=layer)


def torque_ufl(model: RashbaModel, U) -> tuple:
    """(T⊥, T∥) as UFL expressions of the solution (Eq. 24, pointwise m).

    û = ẑ × Ê is the model's ``fem.Constant`` :attr:`RashbaModel.transverse`, so
    compiled forms follow a changed drive direction.
    """
    c, m = model.const, model.m
    s = ufl.as_vector([U[0], U[1], U[2]])
    mv = ufl.as_vector([m[0], m[1], m[2]])
    ds = s - ufl.dot(s, mv) * mv
    T = -c["inv_tau_delta"] * ufl.cross(mv, ds) + c["inv_tau_phi"] * ds
    e_perp = ufl.cross(model.transverse, mv)
    e_par = ufl.cross(mv, e_perp)
    n2 = ufl.dot(e_perp, e_perp)
    return ufl.dot(T, e_perp) / n2, ufl.dot(T, e_par) / n2


class TorqueAverage:
    """Averages of T⊥ and T∥ over one measure (a region or a set of facets), compiled once.

    Parameters
    ----------
    model, U
        The model and the Function holding its solution (read at every :meth:`averages`).
    measure
        A UFL measure: ``dx`` (area/length average) or ``dS`` restricted to tagged interior facets.
    """

    def __init__(self, model: RashbaModel, U: fem.Function, measure):
        t_perp, t_par = torque_ufl(model, U)
        if measure.integral_type() == "interior_facet":
            t_perp, t_par = t_perp("+"), t_par("+")  # continuous fields: either side gives the same value
        self._model = model
        self._comm = U.function_space.mesh.comm
        self._perp_form = fem.form(t_perp * measure)
        self._par_form = fem.form(t_par * measure)
        #: measure of the region (nm or nm²)
        self.size = self._integral(fem.form(ufl.as_ufl(1.0) * measure))

    def _integral(self, form) -> float:
        return self._comm.allreduce(fem.assemble_scalar(form), op=MPI.SUM)

    def averages(self) -> tuple[float, float]:
        """(T⊥, T∥) averages in 1/(nm² fs) of the current solution; NaN when m ∥ û (as torque.decompose)."""
        m = np.asarray(self._model.m_value, dtype=float)
        if np.linalg.norm(cross(self._model.drive.transverse, m)) < PARALLEL_TOLERANCE:
            return math.nan, math.nan
        return self._integral(self._perp_form) / self.size, self._integral(self._par_form) / self.size


class PointProbe:
    """Evaluation of Functions at fixed points; the cell search is done once.

    Parameters
    ----------
    msh
        The mesh.
    points
        (N, 3) points in mesh coordinates.
    """

    def __init__(self, msh, points: np.ndarray):
        from dolfinx import geometry as dgeom

        self.msh = msh
        self.points = np.asarray(points, dtype=float)
        tree = dgeom.bb_tree(msh, msh.topology.dim)
        cand = dgeom.compute_collisions_points(tree, self.points)
        coll = dgeom.compute_colliding_cells(msh, cand, self.points)
        idx, cells = [], []
        for i in range(self.points.shape[0]):
            links = coll.links(i)
            if len(links):
                idx.append(i)
                cells.append(links[0])
        self._idx = np.asarray(idx, dtype=np.int64)
        self._cells = np.asarray(cells, dtype=np.int32)

    def values(self, u: fem.Function) -> np.ndarray:
        """Values of ``u`` at the points, (N, value size), the same on every rank (NaN if outside)."""
        bs = u.function_space.dofmap.index_map_bs  # value size of a blocked space
        n = self.points.shape[0]
        local = np.full((n, bs), np.nan)
        if self._idx.size:
            local[self._idx] = u.eval(self.points[self._idx], self._cells).reshape(self._idx.size, bs)
        allv = self.msh.comm.allgather(local)
        out = np.full_like(local, np.nan)
        for arr in allv:  # first rank that found a point wins: identical values
            mask = np.isnan(out[:, 0]) & ~np.isnan(arr[:, 0])
            out[mask] = arr[mask]
        return out


def evaluate_points(u: fem.Function, points: np.ndarray) -> np.ndarray:
    """Values of ``u`` at ``points`` (N, 3), gathered on every rank (NaN if outside)."""
    return PointProbe(u.function_space.mesh, points).values(u)


@dataclass
class WireResult:
    """Everything a wire solve produced (SI in the summary, internal units in arrays).

    ``profile`` is empty when the solve was asked for no profile.
    """

    summary: dict
    profile: dict[str, np.ndarray]
    solution: fem.Function
    model: RashbaModel
    timings: dict[str, float] = field(default_factory=dict)


class WireSession:
    """One mesh, one model, one solver and compiled post-processing, solved for many parameters.

    This is the single code path of :func:`solve_wire` (one point) and of the
    sweep engine (:mod:`rashba_diffusion.sweep`, many points): the mesh, the
    function space, the bilinear/linear forms, the matrix and its KSP, and the
    torque-average forms are built once; :meth:`solve` only updates the
    ``fem.Constant`` coefficients, re-assembles into the same sparsity,
    refactorizes and evaluates the precompiled torque integrals.

    Parameters
    ----------
    film, drive, m
        Parameters of the first point (m a unit 3-vector).
    spec
        Geometry and discretization.  ``cell_nm = None`` takes the default of
        ``film`` (use :func:`resolve_spec` to size one mesh for many films).
    comm
        MPI communicator; every rank takes part in every solve.
    petsc_options
        Extra PETSc options for the KSP (default: MUMPS LU).
    geometry
        A ready mesh to use instead of the one ``spec`` describes.
    """

    def __init__(self, film: Film, drive: Drive, m, spec: WireSpec, comm: MPI.Comm = MPI.COMM_WORLD,
                 petsc_options: dict | None = None, geometry: geo.Geometry | None = None):
        m = unit_vector("m", m)
        t0 = time.perf_counter()
        self.spec = spec
        self.comm = comm
        self.cell_nm = spec.cell_nm or default_cell_nm(film, spec)
        self.geometry = geometry if geometry is not None else build_geometry(film, spec, comm)
        t_mesh = time.perf_counter()
        self.model = RashbaModel(self.geometry, film, drive, m, degree=spec.degree)
        t_forms = time.perf_counter()
        self.solver = LinearSolver(self.model, petsc_options)
        #: wall times (s) of the one-off phases: mesh, forms (FFCx compilation, cached after
        #: the first run), matrix_create (sparsity pattern, KSP)
        self.setup_timings = {"mesh": t_mesh - t0, "forms": t_forms - t_mesh,
                              "matrix_create": time.perf_counter() - t_forms}
        self.U = fem.Function(self.model.V, name="U")
        msh = self.geometry.msh
        if self.geometry.mode == "cross_section":
            meas = ufl.dx(domain=msh)
        else:
            g = self.geometry
            meas = ufl.dS(domain=msh, subdomain_data=g.facet_tags, subdomain_id=g.midline)
        self._average = TorqueAverage(self.model, self.U, meas)
        self.width_check_nm = self._average.size
        self._probe: PointProbe | None = None
        self.ndofs = int(self.model.V.dofmap.index_map.size_global * self.model.V.dofmap.index_map_bs)

    def profile(self) -> dict[str, np.ndarray]:
        """s, ν and the torque across the width at mid-length of the current solution (internal units)."""
        if self._probe is None:
            self._probe = PointProbe(self.geometry.msh, self.geometry.mid_points(PROFILE_POINTS))
        vals = self._probe.values(self.U)
        model = self.model
        m = np.asarray(model.m_value)
        s = vals[:, :3].T
        T = torque_from_spin(model.coefficients, m, s)
        p_perp, p_par = decompose(T, m, model.drive.transverse)
        return {
            "y_nm": np.linspace(0.0, self.spec.width_nm, PROFILE_POINTS),
            "s_x": s[0], "s_y": s[1], "s_z": s[2], "nu": vals[:, 3],
            "T_perp": p_perp, "T_par": p_par,
        }  # fmt: skip

    def solve(self, film: Film | None = None, drive: Drive | None = None, m=None,
              profile: bool = True) -> WireResult:
        """Solve for changed parameters (``None``: keep the current one).

        Returns a :class:`WireResult` whose ``solution`` is the session's own
        Function (overwritten by the next :meth:`solve`).  ``profile=False``
        skips the point evaluation across the width.
        """
        t_start = time.perf_counter()
        model = self.model
        m = None if m is None else unit_vector("m", m)
        model.update(film=film, drive=drive, m=m)
        t0 = time.perf_counter()
        self.solver.solve(out=self.U)
        solve_seconds = time.perf_counter() - t0
        film, drive, m = model.film, model.drive, tuple(float(x) for x in model.m_value)
        avg_perp, avg_par = self._average.averages()
        c = model.coefficients  # the model's, computed once by update(): no per-point recomputation
        bulk = solve_bulk(c, drive, m)
        # the wire's own reference: no transverse charge current (docs/model.md §8)
        hall_free = solve_bulk(c, drive, m, hall_free_normal=drive.transverse)  # normal ẑ × Ê
        summary = {
            "T_perp_J_per_m2": torque_to_j_per_m2(avg_perp),
            "T_par_J_per_m2": torque_to_j_per_m2(avg_par),
            "T_perp_bulk_J_per_m2": bulk.T_perp_j_per_m2,
            "T_par_bulk_J_per_m2": bulk.T_par_j_per_m2,
            "T_perp_bulk_hall_free_J_per_m2": hall_free.T_perp_j_per_m2,
            "T_par_bulk_hall_free_J_per_m2": hall_free.T_par_j_per_m2,
            "s_bulk_hbar_per_m2": bulk.s_per_m2.tolist(),
            "dofs": self.ndofs,
            "ranks": self.comm.size,
            "solve_seconds": solve_seconds,
            "total_seconds": 0.0,
            "geometry": self.spec.geometry,
            "width_nm": self.spec.width_nm,
            "length_nm": self.geometry.length_nm,
            "cell_nm": self.cell_nm,
            "degree": self.spec.degree,
            "m": list(m),
            "efield_v_per_m": drive.efield_v_per_m,
            "e_direction": list(drive.direction),
            "width_check_nm": self.width_check_nm,
        }
        summary["krylov_iterations"] = self.solver.iterations
        prof = self.profile() if profile else {}
        summary["total_seconds"] = time.perf_counter() - t_start
        timings = {**self.setup_timings, **self.solver.timings,
                   "postprocess": summary["total_seconds"] - solve_seconds}
        return WireResult(summary=summary, profile=prof, solution=self.U, model=model, timings=timings)


def solve_wire(film: Film, drive: Drive, m, spec: WireSpec, comm: MPI.Comm = MPI.COMM_WORLD,
               petsc_options: dict | None = None, geometry: geo.Geometry | None = None) -> WireResult:
    """Solve the wire and post-process torques (validated before any solve).

    A one-point :class:`WireSession`; ``total_seconds`` includes the mesh and
    form compilation.  ``geometry`` replaces the mesh that ``spec`` would build
    (its width and length must match ``spec``); the benchmarks use it for
    meshes of a given size.  ``timings`` of the result holds the wall time of
    every phase (see :attr:`WireSession.setup_timings` and
    :attr:`solver.LinearSolver.timings`) and ``postprocess``.
    """
    m = unit_vector("m", m)
    t_start = time.perf_counter()
    result = WireSession(film, drive, m, spec, comm, petsc_options, geometry=geometry).solve()
    result.summary["total_seconds"] = time.perf_counter() - t_start
    return result
