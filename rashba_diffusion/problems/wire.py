"""The wire problem: geometry + model + solve + torque post-processing.

:class:`WireSession` owns the mesh, model, solver and compiled torque forms
and solves them for any number of parameter sets; :func:`solve_wire` is a
one-point session, the sweep engine (:mod:`rashba_diffusion.studies.sweep`) a many-point one.
"""

from __future__ import annotations

import time

import numpy as np

from ..fem._compat import MPI, ufl
from ..fem.geometry import Geometry
from ..fem.postprocess import PointProbe
from ..meshing.gmsh_build import generate
from ..meshing.structured import cross_section
from ..physics.bulk import WIRE_EDGE_NORMAL, solve_bulk
from ..physics.rashba import LLG_TORQUE_SIGN, Drive, Film, RashbaPoint
from ..physics.torque import (
    add_film_dl_fl,
    add_film_efficiencies,
    check_efficiency_inputs,
    decompose,
    torque_from_spin,
    torque_to_j_per_m2,
)
from .base import Result
from .rashba import RashbaSession, TorqueAverage, bulk_references, transport_keys
from .specs import WireSpec, default_wire_cell_nm, wire_mesh_spec

#: number of sample points of the mid-length CSV profile
PROFILE_POINTS = 401


def build_geometry(film: Film, spec: WireSpec, comm: MPI.Comm) -> Geometry:
    """The mesh of ``spec``; defaults (cell size, 2D length and edge layer) from ``film``."""
    if spec.geometry == "1d":
        return cross_section(comm, spec.width_nm, spec.cell_nm or default_wire_cell_nm(film, spec))
    return generate(wire_mesh_spec(film, spec), comm)


class WireSession(RashbaSession):
    """One mesh, one model, one solver and compiled post-processing, solved for many parameters.

    This is the single code path of :func:`solve_wire` (one point), of the
    sweep engine (many points) and of :func:`rashba_diffusion.studies.angular.wire_torques`: the mesh, the
    function space, the bilinear/linear forms, the matrix and its KSP, and the
    torque-average forms are built once; :meth:`solve` only updates the
    ``fem.Constant`` coefficients, re-assembles into the same sparsity,
    refactorizes and evaluates the precompiled torque integrals.

    Parameters
    ----------
    point
        Parameters of the first point.
    spec
        Geometry and discretization.  ``cell_nm = None`` takes the default of
        the point's film (use :func:`~.specs.resolve_wire_spec` to size one mesh for many films).
    comm
        MPI communicator; every rank takes part in every solve.
    petsc_options
        Extra PETSc options for the KSP (default: MUMPS LU).
    geometry
        A ready mesh to use instead of the one ``spec`` describes.
    """

    problem = "wire"

    def __init__(self, point: RashbaPoint, spec: WireSpec, comm: MPI.Comm = MPI.COMM_WORLD,
                 petsc_options: dict | None = None, geometry: Geometry | None = None):
        t0 = time.perf_counter()
        self.spec = spec
        self.cell_nm = spec.cell_nm or default_wire_cell_nm(point.film, spec)
        geometry = geometry if geometry is not None else build_geometry(point.film, spec, comm)
        super().__init__(point, geometry, spec.degree, petsc_options, {"mesh": time.perf_counter() - t0})
        msh = self.geometry.msh
        if self.geometry.mode == "cross_section":
            meas = ufl.dx(domain=msh)
        else:
            g = self.geometry
            meas = ufl.dS(domain=msh, subdomain_data=g.facet_tags, subdomain_id=g.midline)
        self._average = TorqueAverage(self.model, self.U, meas)
        self.width_check_nm = self._average.size
        self._probe: PointProbe | None = None

    def profile(self) -> dict[str, np.ndarray]:
        """s, ν and the torque across the width at mid-length of the current solution (internal units)."""
        if self._probe is None:
            self._probe = PointProbe(self.geometry.msh, self.geometry.mid_points(PROFILE_POINTS))
        vals = self._probe.values(self.U)
        model = self.model
        m = model.magnetization.value
        s = vals[:, :3].T
        T = torque_from_spin(model.coefficients, m, s)
        p_perp, p_par = decompose(T, m, model.drive.transverse)
        return {
            "y_nm": np.linspace(0.0, self.spec.width_nm, PROFILE_POINTS),
            "s_x": s[0], "s_y": s[1], "s_z": s[2], "nu": vals[:, 3],
            "T_perp": p_perp, "T_par": p_par,
        }  # fmt: skip

    def solve(self, params: RashbaPoint | None = None, *, profile: bool = False) -> Result:
        """Solve for ``params`` (``None``: the current point).

        Returns a :class:`Result` whose ``solution`` is the session's own Function (overwritten by the next
        :meth:`solve`), with ``torque_vector`` the width-averaged torque (1/(nm² fs)) and, with ``profile``,
        s, ν and T across the width.
        """
        t_start = time.perf_counter()
        point = self._set(params)
        solve_seconds = self._timed_solve(self.U)
        model, drive, m = self.model, point.drive, tuple(float(x) for x in self.model.magnetization.value)
        avg_perp, avg_par = self._average.decomposed()
        # the wire's own reference: no charge current across the wire (docs/model.md §8); its edges face ±ŷ
        # whatever Ê is (ẑ × Ê is the torque's axis û, not the edge normal)
        hall_free = solve_bulk(model.coefficients, drive, m, hall_free_normal=WIRE_EDGE_NORMAL)
        summary = {
            "T_perp_J_per_m2": torque_to_j_per_m2(avg_perp),
            "T_par_J_per_m2": torque_to_j_per_m2(avg_par),
            **bulk_references(model, drive),
            "T_perp_bulk_hall_free_J_per_m2": hall_free.T_perp_j_per_m2,
            "T_par_bulk_hall_free_J_per_m2": hall_free.T_par_j_per_m2,
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
            "krylov_iterations": self.solver.iterations,
            **transport_keys(model, drive),
        }
        add_film_dl_fl(summary, llg_sign=LLG_TORQUE_SIGN)
        vector = self._average.vector()
        prof = self.profile() if profile else None
        summary["total_seconds"] = time.perf_counter() - t_start
        timings = {**self.setup_timings, **self.solver.timings,
                   "postprocess": summary["total_seconds"] - solve_seconds}
        return Result(summary=summary, solution=self.U, model=model, timings=timings, profile=prof,
                      torque_vector=vector, provenance=self.describe())


def solve_wire(film: Film, drive: Drive, m, spec: WireSpec, comm: MPI.Comm = MPI.COMM_WORLD,
               petsc_options: dict | None = None, geometry: Geometry | None = None, *,
               thickness_nm: float | None = None, ms_a_per_m: float | None = None) -> Result:
    """Solve the wire and post-process torques and the profile (validated before any solve).

    A one-point :class:`WireSession`; ``total_seconds`` includes the mesh and
    form compilation.  ``geometry`` replaces the mesh that ``spec`` would build
    (its width and length must match ``spec``); the benchmarks use it for
    meshes of a given size.  ``timings`` of the result holds the wall time of
    every phase (:attr:`WireSession.setup_timings`, the solver's phases and ``postprocess``).

    ``thickness_nm`` (t) adds the current density ``j_A_per_m2`` and the efficiencies ``xi_DL``, ``xi_FL``;
    with ``ms_a_per_m`` (Ms) too, the effective fields ``B_DL_T``, ``B_FL_T``
    (:func:`~rashba_diffusion.physics.torque.add_film_efficiencies`), as ``--thickness-nm`` and
    ``--ms-a-per-m`` do.
    """
    t_start = time.perf_counter()
    check_efficiency_inputs(thickness_nm, ms_a_per_m)
    with WireSession(RashbaPoint(film, drive, m), spec, comm, petsc_options, geometry=geometry) as session:
        result = session.solve(profile=True)
    if thickness_nm is not None:
        add_film_efficiencies(result.summary, thickness_nm, ms_a_per_m, llg_sign=LLG_TORQUE_SIGN)
    result.summary["total_seconds"] = time.perf_counter() - t_start
    return result
