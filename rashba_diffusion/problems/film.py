"""The Rashba film on any 2D mesh: a Hall bar, a notched wire, a mesh file.

The weak form, boundary roles and solver are the wire's (:class:`model.RashbaModel`,
:class:`solver.LinearSolver`): s = 0 on the geometry's spin-sink facets,
ν = 0 on its contacts, zero normal current elsewhere.  Reported: the torques
averaged over the film's area and, where the geometry has a mid-line, over
the mid-line (the wire's cross-section average).  :class:`FilmSession` builds
all of it once and solves it for many parameter sets; :func:`solve_film` is
one point.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from ._compat import MPI, fem, ufl
from .bulk import solve_bulk
from .geometry import Geometry
from .model import RashbaModel
from .parameters import Drive, Film, ParameterError, unit_vector
from .solver import LinearSolver
from .torque import torque_to_j_per_m2
from .wire import TorqueAverage


@dataclass
class FilmResult:
    """Summary (SI) and the solution of a film solve on a given mesh."""

    summary: dict
    solution: fem.Function
    model: RashbaModel


def check_film_geometry(geometry: Geometry) -> None:
    """The film lives on a plane 2D mesh; anything else raises ParameterError (before any solve)."""
    if geometry.mode != "plane" or geometry.msh.topology.dim != 2:
        raise ParameterError(f"mesh dimension = {geometry.msh.topology.dim} is invalid for the film; valid: 2 "
                             "(the film plane)")


class FilmSession:
    """One mesh, model, solver and compiled torque averages of the film, solved for many parameter sets.

    The film's counterpart of :class:`wire.WireSession`: the function space, forms, matrix, KSP and the
    area (and mid-line) :class:`~rashba_diffusion.wire.TorqueAverage` forms are built once; :meth:`solve`
    updates the ``fem.Constant`` coefficients, re-assembles into the same sparsity, refactors and
    evaluates the precompiled integrals.  :func:`solve_film` is a one-point session, the ``problem =
    "film"`` sweep (:mod:`rashba_diffusion.film_sweep`) a many-point one.

    Parameters
    ----------
    film, drive, m
        Parameters of the first point (m a unit 3-vector).
    geometry
        A plane 2D :class:`Geometry` (a generated or loaded mesh).
    degree
        Lagrange degree.
    petsc_options
        Extra PETSc options for the KSP (default: MUMPS LU).

    Raises
    ------
    ParameterError
        If the mesh is not 2D (before any solve).
    """

    def __init__(self, film: Film, drive: Drive, m, geometry: Geometry, degree: int = 2,
                 petsc_options: dict | None = None):
        m = unit_vector("m", m)
        check_film_geometry(geometry)
        self.geometry = geometry
        self.comm = geometry.comm
        self.degree = degree
        self.model = RashbaModel(geometry, film, drive, m, degree=degree)
        self.solver = LinearSolver(self.model, petsc_options)
        self.U = fem.Function(self.model.V, name="U")
        msh = geometry.msh
        self._area = TorqueAverage(self.model, self.U, ufl.dx(domain=msh))
        self._midline = None
        if geometry.midline is not None:
            dS = ufl.dS(domain=msh, subdomain_data=geometry.facet_tags, subdomain_id=geometry.midline)
            self._midline = TorqueAverage(self.model, self.U, dS)
        self.ndofs = int(self.model.V.dofmap.index_map.size_global * self.model.V.dofmap.index_map_bs)

    def solve(self, film: Film | None = None, drive: Drive | None = None, m=None) -> FilmResult:
        """Solve for changed parameters (``None``: keep the current one).

        The result's ``solution`` is the session's own Function (overwritten by the next solve).
        """
        t_start = time.perf_counter()
        model = self.model
        model.update(film=film, drive=drive, m=None if m is None else unit_vector("m", m))
        t0 = time.perf_counter()
        self.solver.solve(out=self.U)
        solve_seconds = time.perf_counter() - t0
        film, drive, m = model.film, model.drive, tuple(float(x) for x in model.m_value)
        t_perp, t_par = self._area.averages()
        summary = {
            "T_perp_J_per_m2": torque_to_j_per_m2(t_perp),
            "T_par_J_per_m2": torque_to_j_per_m2(t_par),
            "area_nm2": self._area.size,
        }
        if self._midline is not None:
            t_perp, t_par = self._midline.averages()
            summary["T_perp_midline_J_per_m2"] = torque_to_j_per_m2(t_perp)
            summary["T_par_midline_J_per_m2"] = torque_to_j_per_m2(t_par)
            summary["midline_nm"] = self._midline.size
        bulk = solve_bulk(model.coefficients, drive, m)
        geometry = self.geometry
        summary |= {
            "T_perp_bulk_J_per_m2": bulk.T_perp_j_per_m2,
            "T_par_bulk_J_per_m2": bulk.T_par_j_per_m2,
            "s_bulk_hbar_per_m2": bulk.s_per_m2.tolist(),
            "dofs": self.ndofs,
            "ranks": self.comm.size,
            "solve_seconds": solve_seconds,
            "total_seconds": time.perf_counter() - t_start,
            "geometry": "mesh",
            "degree": self.degree,
            "m": list(m),
            "efield_v_per_m": drive.efield_v_per_m,
            "e_direction": list(drive.direction),
            "spin_sinks": list(geometry.spin_sinks),
            "contacts": list(geometry.contacts),
        }
        return FilmResult(summary=summary, solution=self.U, model=model)


def solve_film(film: Film, drive: Drive, m, geometry: Geometry, degree: int = 2,
               petsc_options: dict | None = None) -> FilmResult:
    """Solve the Rashba film on ``geometry`` (plane mode, 2D) and average the torques.

    A one-point :class:`FilmSession`; ``total_seconds`` includes building the model and solver.

    Raises
    ------
    ParameterError
        If the mesh is not 2D (before any solve).
    """
    t_start = time.perf_counter()
    result = FilmSession(film, drive, m, geometry, degree, petsc_options).solve()
    result.summary["total_seconds"] = time.perf_counter() - t_start
    return result


def parse_tag_map(text: str | None) -> dict | None:
    """A tag map from JSON text or from a .json file's path (``None`` stays ``None``)."""
    if text is None:
        return None
    source = Path(text).read_text() if text.endswith(".json") and os.path.isfile(text) else text
    try:
        value = json.loads(source)
    except json.JSONDecodeError as e:
        raise ParameterError(f"tag_map = {text!r} is not JSON ({e}); valid: e.g. "
                             '\'{"film": 1, "edges": [1, 2], "contact_left": 3}\'') from None
    if not isinstance(value, dict):
        raise ParameterError(f"tag_map = {text!r} is invalid; valid: a JSON object {{our name: tag(s)}}")
    return value


def cmd_wire_mesh(a, film: Film, drive: Drive, m, fields) -> int:
    """``rashba-diffusion wire --mesh FILE [--tag-map JSON]``: the film on a mesh file."""
    from .cli import _add_effective_fields, _emit
    from .io import write_wire_outputs
    from .mesh_files import load_mesh

    tag_map = parse_tag_map(a.tag_map)
    comm = MPI.COMM_WORLD
    geometry = load_mesh(a.mesh, comm, tag_map)
    result = solve_film(film, drive, m, geometry, degree=a.degree)
    result.summary["mesh"] = str(a.mesh)
    _add_effective_fields(result.summary, fields)
    if a.out:
        write_wire_outputs(a.out, result)  # a FilmResult has no profile: summary.json and the fields
    _emit(a, result.summary, comm.rank)
    return 0
