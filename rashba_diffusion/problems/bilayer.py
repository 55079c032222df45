"""The heavy-metal / ferromagnet bilayer problem: mesh + :class:`~rashba_diffusion.models.bilayer.BilayerModel`
+ solver + torques and efficiencies (the physics: :mod:`rashba_diffusion.physics.bilayer`, docs/model.md §11).
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..errors import ParameterError
from ..fem._compat import MPI
from ..fem.geometry import Geometry
from ..meshing.gmsh_build import generate
from ..meshing.structured import bilayer_mesh
from ..models.bilayer import BilayerModel
from ..models.charge import current_shape
from ..physics.bilayer import (
    CURRENT_DIRECTION,
    LLG_TORQUE_SIGN,
    SIGMA_HAT,
    BilayerPoint,
    Ferromagnet,
    HeavyMetal,
    Interface,
    analytic_efficiencies,
    bilayer_conventions,
    decompose_dl_fl,
    probe_polarization,
    sigma_ratio,
    spin_hall_source,
    structure_key,
)
from ..physics.bilayer_pumping import check_pumping, pumping_battery_v, spin_pumping_alpha
from ..physics.torque import effective_fields_tesla
from ..physics.vectors import cross
from ..units import GAMMA_E_RAD_PER_S_T, HBAR_OVER_2E, NM
from ..validation import check_positive
from .base import Result, SessionBase
from .specs import BilayerSpec, bilayer_stripe_spec, default_bilayer_cell_nm, default_bilayer_width_nm

#: ω of the unit precession of :meth:`BilayerSession.pumping` (rad/s): 2π × 10 GHz, a typical FMR frequency
PUMPING_ANGULAR_RATE_RAD_PER_S = 2.0 * math.pi * 10e9


class BilayerSession(SessionBase[BilayerPoint]):
    """One mesh, one :class:`BilayerModel`, one solver, solved for many parameter sets (:func:`solve_bilayer`).

    :meth:`solve` changes m, j_N and, through :meth:`BilayerModel.set_parameters`, every material and
    interface coefficient without recompiling the forms or re-creating the matrix, as long as
    :meth:`reusable` holds: the same mesh (for a generated mesh, the same d_N and finite-FM d_F; with
    ``geometry`` given, any thicknesses: the mesh is the given one) and the same
    :func:`~rashba_diffusion.physics.bilayer.structure_key` (and, for ``charge_current = "contacts"``, the same
    σ_F/σ_N).  Otherwise build a new session.  Parameters as for :func:`solve_bilayer`.
    """

    problem = "bilayer"

    def __init__(self, point: BilayerPoint, spec: BilayerSpec | None = None, comm: MPI.Comm | None = None,
                 geometry: Geometry | None = None, extra_sources: dict[str, np.ndarray] | None = None,
                 petsc_options: dict | None = None):
        spec = spec or BilayerSpec()
        self.point, self.spec, self.extra_sources = point, spec, extra_sources
        hm, fm = point.hm, point.fm
        self.comm = comm = comm or MPI.COMM_WORLD
        self.given_geometry = geometry is not None
        t_start = time.perf_counter()
        h, width = None, None
        if geometry is None and spec.geometry == "3d":
            stripe = bilayer_stripe_spec(hm, fm, spec)
            geometry = generate(stripe, comm)
            h, width = stripe.cell_nm, stripe.width_nm
        elif geometry is None:
            h = default_bilayer_cell_nm(hm, fm, spec)
            width = default_bilayer_width_nm(hm, fm, spec) if spec.geometry == "2d" else None
            d_f = None if fm.is_ideal_sink else fm.thickness_nm
            geometry = bilayer_mesh(comm, hm.thickness_nm, d_f, h, width)
        else:
            width = geometry.width_nm
        self.geometry, self.cell_nm, self.width_nm = geometry, h, width
        #: wall times (s) of the one-off phases: mesh, charge_current, forms, matrix_create
        self.setup_timings = {"mesh": time.perf_counter() - t_start}
        t0 = time.perf_counter()
        charge = spec.charge_current
        if charge is None:
            has_contacts = all(n in (geometry.tag_names or {}) for n in ("contact_left", "contact_right"))
            charge = "contacts" if geometry.msh.topology.dim == 3 and has_contacts else "uniform"
        self.charge = charge
        self.shape = current_shape(geometry, sigma_ratio(hm, fm), petsc_options)[0] if charge == "contacts" else None
        self.setup_timings["charge_current"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        self.model = BilayerModel(geometry, hm, fm, point.interface, point.m, self._sources(point),
                                  degree=spec.degree, current_shape=self.shape)
        self.setup_timings["forms"] = time.perf_counter() - t0
        self._start_solver(self.model.system, petsc_options)

    def describe(self) -> dict:
        """The conventions, mesh and solver of the current solution (``provenance`` of ``summary.json``)."""
        msh, model = self.geometry.msh, self.model
        tdim = msh.topology.dim
        return {
            "conventions": bilayer_conventions(self.point),
            "mesh": {"kind": "given" if self.given_geometry else ("gmsh stripe" if self.spec.geometry == "3d"
                                                                  else "structured"),
                     "dim": tdim, "cells": msh.topology.index_map(tdim).size_global,
                     "vertices": msh.topology.index_map(0).size_global, "cell_nm": self.cell_nm,
                     "element": f"Lagrange degree {model.degree}, "
                                + ("(mu_N, mu_F)" if model.layout == "split" else "mu"),
                     "dofs": self.ndofs, "charge_current": self.charge},
            "solver": self.solver.describe(),
        }

    def _sources(self, point: BilayerPoint) -> dict[str, np.ndarray]:
        sources = {} if self.shape is not None else {
            "hm": spin_hall_source(point.hm.theta_sh, point.j_a_per_m2 * CURRENT_DIRECTION)}
        for k, v in (self.extra_sources or {}).items():
            sources[k] = sources.get(k, np.zeros((3, 3))) + np.asarray(v)
        return sources

    def mesh_key(self, hm: HeavyMetal, fm: Ferromagnet) -> tuple:
        """What the generated mesh depends on besides ``spec`` (empty with a given geometry)."""
        if self.given_geometry:
            return ()
        return (hm.thickness_nm, None if fm.is_ideal_sink and self.spec.geometry != "3d" else fm.thickness_nm)

    def reusable(self, params: BilayerPoint) -> bool:
        """Whether :meth:`solve` can take these parameters without a new mesh or new forms."""
        hm, fm, interface, old = params.hm, params.fm, params.interface, self.point
        same_charge = self.shape is None or sigma_ratio(hm, fm) == sigma_ratio(old.hm, old.fm)
        return (self.mesh_key(hm, fm) == self.mesh_key(old.hm, old.fm) and same_charge
                and structure_key(fm, interface) == structure_key(old.fm, old.interface))

    def _set(self, params: BilayerPoint | None) -> tuple[BilayerPoint, BilayerModel, dict[str, np.ndarray]]:
        """Put ``params`` (``None``: the current point) into the model: (point, model, its sources)."""
        if params is not None:
            if not self.reusable(params):
                raise ParameterError("these parameters need a new mesh or new forms (BilayerSession.reusable is "
                                     "false): build a new BilayerSession")
            self.point = params
        point, model = self.point, self.model
        model.set_parameters(point.hm, point.fm, point.interface)
        model.magnetization.set(point.m)
        sources = self._sources(point)
        model.set_sources(sources)
        model.set_current(point.j_a_per_m2)
        return point, model, sources

    def _linear_response(self, m: np.ndarray) -> tuple[float, float]:
        """(T_DL, T_FL) when m ∥ σ̂: the same solve with the σ̂-polarized part of the spin Hall source polarized
        along p ⟂ m instead (any geometry, uniform or contact current).

        By the spin-rotation symmetry about m, T_p = T_DL p + T_FL p×m (docs/model.md §11.5).  The model's
        solution and its polarization map are restored afterwards.
        """
        model = self.model
        main = model.solution.x.array.copy()
        p = probe_polarization(m)
        model.set_polarization_map(np.eye(3) + np.outer(p - SIGMA_HAT, SIGMA_HAT))
        try:
            self.solver.solve(out=model.solution)
            Tp, _ = model.torque_vector_j_per_m2()
        finally:
            model.set_polarization_map(np.eye(3))
            model.solution.x.array[:] = main
        return float(Tp @ p), float(Tp @ np.cross(p, m))

    def pumping(self, gamma_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T) -> dict:
        """Spin pumping of the current point: α' + iα'_i from the same drift-diffusion solve (docs/model.md §13.5).

        The solve has no spin Hall source and the spin battery b = (ħ/e) m×ṁ in the mixing law (quasi-static:
        the HM follows ṁ instantly), for the point's m and ṁ = ω p (p a unit vector ⟂ m, ω = 2π × 10 GHz: the
        result is linear in ṁ, so ω only sets the scale).  From the interface torque T (J/m², HM -> FM, the
        package's ṁ ∋ +γT/(Ms d_F)): α' = γ T·(m×ṁ)/(Ms d_F |ṁ|²), α'_i = γ T·ṁ/(Ms d_F |ṁ|²); they enter the
        LLG as + α' m×ṁ + α'_i ṁ.  The model's sources, current and solution are restored afterwards.

        Raises
        ------
        ParameterError
            Without Ms and d_F on the ferromagnet, or for an interface other than mixing with an ideal sink.
        """
        point, model = self.point, self.model
        ms, d_f = check_pumping(point.fm, point.interface)
        gamma = check_positive("gamma_rad_per_s_t", gamma_rad_per_s_t, "rad/(s·T)")
        m = np.asarray(point.m)
        mdot = PUMPING_ANGULAR_RATE_RAD_PER_S * probe_polarization(m)
        main = model.solution.x.array.copy()
        t0 = time.perf_counter()
        model.set_sources({})
        model.set_current(0.0)
        model.set_battery(pumping_battery_v(m, mdot))
        try:
            self.solver.solve(out=model.solution)
            T, _ = model.torque_vector_j_per_m2()
        finally:
            model.set_battery(np.zeros(3))
            model.set_sources(self._sources(point))
            model.set_current(point.j_a_per_m2)
            model.solution.x.array[:] = main
        k = gamma / (ms * d_f * NM) / float(mdot @ mdot)
        alpha, alpha_i = k * float(T @ cross(m, mdot)), k * float(T @ mdot)
        ref = spin_pumping_alpha(point.hm, point.interface, ms, d_f, gamma)
        return {
            "gilbert_damping_enhancement": alpha,
            "pumping_reactive_coefficient": alpha_i,
            "gyromagnetic_ratio_factor": 1.0 / (1.0 - alpha_i),
            "gilbert_damping_enhancement_analytic_1d": ref.real,
            "pumping_reactive_coefficient_analytic_1d": ref.imag,
            "pumping_solve_seconds": time.perf_counter() - t0,
        }

    def solve(self, params: BilayerPoint | None = None, *, profile: bool = False) -> Result:
        """Solve for ``params`` (``None``: the current point); see :func:`solve_bilayer` (``profile`` is ignored).

        Raises
        ------
        ParameterError
            If ``params`` need a new mesh or new forms (:meth:`reusable` is false).
        """
        t_start = time.perf_counter()
        point, model, _ = self._set(params)
        hm, fm, interface, j_n, m = point.hm, point.fm, point.interface, point.j_a_per_m2, np.asarray(point.m)
        solve_seconds = self._timed_solve(model.solution)
        solver_timings, iterations = dict(self.solver.timings), self.solver.iterations
        t0 = time.perf_counter()
        T, area = model.torque_vector_j_per_m2()
        t_dl, t_fl = decompose_dl_fl(T, m)
        probe = not math.isfinite(t_dl) and not self.extra_sources
        if probe:
            t_dl, t_fl = self._linear_response(m)
        t_post = time.perf_counter() - t0
        to_xi = 1.0 / (HBAR_OVER_2E * j_n)
        xi_dl_a, xi_fl_a = analytic_efficiencies(hm, fm, interface)
        summary = {
            "xi_DL": t_dl * to_xi,
            "xi_FL": t_fl * to_xi,
            "T_DL_J_per_m2": t_dl,
            "T_FL_J_per_m2": t_fl,
            "xi_DL_analytic_1d": xi_dl_a,
            "xi_FL_analytic_1d": xi_fl_a,
            "T_vector_J_per_m2": T.tolist(),
            "sigma_hat": SIGMA_HAT.tolist(),
            "linear_response_probe": probe,
            "dofs": self.ndofs,
            "ranks": self.comm.size,
            "geometry": "1d" if model.tdim == 1 else f"{model.tdim}d",
            "charge_current": self.charge,
            "interface": interface.kind,
            "fm": "ideal_sink" if fm.is_ideal_sink else "finite",
            "cell_nm": self.cell_nm,
            "width_nm": self.width_nm,
            "interface_measure": area,
            "degree": self.spec.degree,
            "m": m.tolist(),
            "j_a_per_m2": j_n,
            "krylov_iterations": iterations,
            "solve_seconds": solve_seconds,
            "total_seconds": time.perf_counter() - t_start,
        }
        if fm.ms_a_per_m is not None and fm.thickness_nm is not None:
            b_fl, b_dl = effective_fields_tesla(t_fl, t_dl, fm.ms_a_per_m, fm.thickness_nm, llg_sign=LLG_TORQUE_SIGN)
            summary["B_FL_T"], summary["B_DL_T"] = b_fl, b_dl
        timings = {**self.setup_timings, **solver_timings, "postprocess": t_post}
        return Result(summary=summary, solution=model.solution, model=model, timings=timings, torque_vector=T,
                      provenance=self.describe())


def solve_bilayer(hm: HeavyMetal, fm: Ferromagnet, interface: Interface, m, j_a_per_m2: float,
                  spec: BilayerSpec | None = None, comm: MPI.Comm | None = None, geometry: Geometry | None = None,
                  extra_sources: dict[str, np.ndarray] | None = None, petsc_options: dict | None = None,
                  pumping: bool = False) -> Result:
    """Solve the bilayer and report torques and efficiencies ξ = (2e/ħ) T / j_N (validated before any solve).

    ``geometry`` (a tagged :class:`Geometry`: :func:`~rashba_diffusion.meshing.gmsh_build.bilayer_cross_section`
    (2D, coordinates (y, z)), :func:`~rashba_diffusion.meshing.gmsh_build.bilayer_stripe_3d` (3D, (x, y, z)) or
    :func:`~rashba_diffusion.meshing.files.load_mesh` of a file) replaces the mesh that ``spec`` describes; cell
    tags "hm" (and "fm" for a finite FM), facet tag "interface" at z = 0 with the FM above.  ``j_a_per_m2`` is
    the charge current density j_N in the HM along x̂: uniform (the FM carries (σ_F/σ_N) j_N), or with
    ``charge_current = "contacts"`` the mean j_x over the HM of the current solved between the contacts.  The
    torque is the average over the interface.  ``petsc_options`` go to both linear solvers (default MUMPS LU).

    When m ∥ σ̂ the torque of the spin Hall source vanishes and the DL/FL basis degenerates.  The
    efficiencies are then the linear-response coefficients, in every geometry: the same solve with the
    σ̂-polarized part of the source polarized along a unit p ⟂ m, which by the spin-rotation symmetry about m
    gives T = T_DL p + T_FL p×m with the coefficients that act on small deviations of m (docs/model.md §11.5;
    ``linear_response_probe`` true).  With ``extra_sources`` they are NaN (the probe would re-polarize those).

    A one-point :class:`BilayerSession` (``total_seconds`` includes the mesh and the forms).  ``timings`` of
    the result: ``mesh`` (0 for a given geometry), ``charge_current`` (the contacts' potential solve; ~0 for a
    uniform current), ``forms``, ``matrix_create``, the solver's phases of the spin solve and ``postprocess``
    (interface torque; with m ∥ σ̂ also the probe solve).

    ``pumping``: also the spin-pumping damping of :meth:`BilayerSession.pumping` (needs ``fm.ms_a_per_m`` and
    ``fm.thickness_nm``, a mixing interface and an ideal sink; checked before any mesh).
    """
    t_start = time.perf_counter()
    point = BilayerPoint(hm, fm, interface, j_a_per_m2, m)
    if pumping:
        check_pumping(fm, interface)
    with BilayerSession(point, spec, comm, geometry, extra_sources, petsc_options) as session:
        result = session.solve()
        if pumping:
            result.summary.update(session.pumping())
    result.summary["total_seconds"] = time.perf_counter() - t_start
    return result
