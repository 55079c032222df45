"""The Rashba film on any 2D mesh: a Hall bar, a notched wire, a mesh file.

The weak form, boundary roles and solver are the wire's (:class:`~rashba_diffusion.models.rashba.RashbaModel`,
:class:`~rashba_diffusion.fem.solver.LinearSolver`): s = 0 on the geometry's spin-sink facets,
ν = 0 on its contacts, zero normal current elsewhere.  Reported: the torques
averaged over the film's area and, where the geometry has a mid-line, over
the mid-line (the wire's cross-section average).  :class:`FilmSession` builds
all of it once and solves it for many parameter sets; :func:`solve_film` is
one point.
"""

from __future__ import annotations

import time

from ..errors import ParameterError
from ..fem._compat import ufl
from ..fem.geometry import Geometry
from ..physics.rashba import LLG_TORQUE_SIGN, Drive, Film, RashbaPoint
from ..physics.torque import add_film_dl_fl, add_film_efficiencies, check_efficiency_inputs, torque_to_j_per_m2
from ..validation import check_degree
from .base import Result
from .rashba import RashbaSession, TorqueAverage, bulk_references, transport_keys


def check_film_geometry(geometry: Geometry) -> None:
    """The film lives on a plane 2D mesh; anything else raises ParameterError (before any solve)."""
    if geometry.mode != "plane" or geometry.msh.topology.dim != 2:
        raise ParameterError(f"mesh dimension = {geometry.msh.topology.dim} is invalid for the film; valid: 2 "
                             "(the film plane)")


class FilmSession(RashbaSession):
    """One mesh, model, solver and compiled torque averages of the film, solved for many parameter sets.

    The film's counterpart of :class:`~rashba_diffusion.problems.wire.WireSession`: the function space,
    forms, matrix, KSP and the area (and mid-line) torque averages are built once; :meth:`solve` updates
    the ``fem.Constant`` coefficients, re-assembles into the same sparsity, refactors and evaluates the
    precompiled integrals.  :func:`solve_film` is a one-point session, the ``problem = "film"`` sweep a
    many-point one.

    Parameters
    ----------
    point
        Parameters of the first point.
    geometry
        A plane 2D :class:`Geometry` (a generated or loaded mesh).
    degree
        Lagrange degree.
    petsc_options
        Extra PETSc options for the KSP (default: MUMPS LU).
    cell_nm
        The mesh's cell size, when known (reported by the sweep).

    Raises
    ------
    ParameterError
        If the mesh is not 2D (before any solve).
    """

    problem = "film"

    def __init__(self, point: RashbaPoint, geometry: Geometry, degree: int = 2, petsc_options: dict | None = None,
                 cell_nm: float | None = None):
        check_film_geometry(geometry)
        self.degree = check_degree(degree)
        self.cell_nm = cell_nm
        super().__init__(point, geometry, self.degree, petsc_options, {"mesh": 0.0})
        msh = geometry.msh
        self._area = TorqueAverage(self.model, self.U, ufl.dx(domain=msh))
        self._midline = None
        if geometry.midline is not None:
            dS = ufl.dS(domain=msh, subdomain_data=geometry.facet_tags, subdomain_id=geometry.midline)
            self._midline = TorqueAverage(self.model, self.U, dS)

    def solve(self, params: RashbaPoint | None = None, *, profile: bool = False) -> Result:
        """Solve for ``params`` (``None``: the current point); ``profile`` is ignored (no cross-section).

        The result's ``solution`` is the session's own Function (overwritten by the next solve), its
        ``torque_vector`` the area-averaged torque (1/(nm² fs)).
        """
        t_start = time.perf_counter()
        point = self._set(params)
        solve_seconds = self._timed_solve(self.U)
        model, drive, m = self.model, point.drive, tuple(float(x) for x in self.model.magnetization.value)
        t_perp, t_par = self._area.decomposed()
        summary = {
            "T_perp_J_per_m2": torque_to_j_per_m2(t_perp),
            "T_par_J_per_m2": torque_to_j_per_m2(t_par),
            "area_nm2": self._area.size,
        }
        if self._midline is not None:
            t_perp, t_par = self._midline.decomposed()
            summary["T_perp_midline_J_per_m2"] = torque_to_j_per_m2(t_perp)
            summary["T_par_midline_J_per_m2"] = torque_to_j_per_m2(t_par)
            summary["midline_nm"] = self._midline.size
        geometry = self.geometry
        summary |= {
            **bulk_references(model, drive),
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
            **transport_keys(model, drive),
        }
        add_film_dl_fl(summary, llg_sign=LLG_TORQUE_SIGN)
        timings = {**self.setup_timings, **self.solver.timings,
                   "postprocess": time.perf_counter() - t_start - solve_seconds}
        return Result(summary=summary, solution=self.U, model=model, timings=timings,
                      torque_vector=self._area.vector(), provenance=self.describe())


def solve_film(film: Film, drive: Drive, m, geometry: Geometry, degree: int = 2,
               petsc_options: dict | None = None, *, thickness_nm: float | None = None,
               ms_a_per_m: float | None = None) -> Result:
    """Solve the Rashba film on ``geometry`` (plane mode, 2D) and average the torques.

    A one-point :class:`FilmSession`; ``total_seconds`` includes building the model and solver.  ``thickness_nm``
    and ``ms_a_per_m`` as for :func:`~rashba_diffusion.problems.wire.solve_wire`.

    Raises
    ------
    ParameterError
        If the mesh is not 2D (before any solve).
    """
    t_start = time.perf_counter()
    check_efficiency_inputs(thickness_nm, ms_a_per_m)
    with FilmSession(RashbaPoint(film, drive, m), geometry, degree, petsc_options) as session:
        result = session.solve()
    if thickness_nm is not None:
        add_film_efficiencies(result.summary, thickness_nm, ms_a_per_m, llg_sign=LLG_TORQUE_SIGN)
    result.summary["total_seconds"] = time.perf_counter() - t_start
    return result
