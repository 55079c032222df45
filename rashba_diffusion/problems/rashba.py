"""What the wire and film sessions share: a :class:`RashbaModel` on a geometry, its solver, the torque
averages over a region (compiled once) and the infinite-medium references."""

from __future__ import annotations

import math
import time

import numpy as np

from ..fem._compat import fem
from ..fem.geometry import Geometry
from ..fem.postprocess import CompiledIntegrals, one_side
from ..models.rashba import RashbaModel, torque_ufl
from ..physics.bulk import solve_bulk
from ..physics.rashba import Drive, RashbaPoint, film_conventions
from ..physics.vectors import PARALLEL_TOLERANCE, cross
from .base import SessionBase


class TorqueAverage:
    """Averages of T⊥, T∥ and of the torque vector T over one measure (a region or a set of facets).

    Compiled once against the session's solution Function; :meth:`values` reads its current values.
    """

    def __init__(self, model: RashbaModel, U: fem.Function, measure):
        t_perp, t_par, T = torque_ufl(model, U)
        comm = U.function_space.mesh.comm
        self._model = model
        self._decomposed = CompiledIntegrals(one_side([t_perp, t_par], measure), measure, comm)
        self._vector = CompiledIntegrals(one_side([T[i] for i in range(3)], measure), measure, comm)
        #: measure of the region (nm or nm²)
        self.size = self._decomposed.size

    def decomposed(self) -> tuple[float, float]:
        """(T⊥, T∥) averages in 1/(nm² fs); NaN when a uniform m ∥ û (as :func:`physics.torque.decompose`)."""
        magnetization = self._model.magnetization
        if magnetization.is_uniform and (
                np.linalg.norm(cross(self._model.drive.transverse, magnetization.value)) < PARALLEL_TOLERANCE):
            return math.nan, math.nan
        t_perp, t_par = self._decomposed.values()
        return t_perp / self.size, t_par / self.size

    def vector(self) -> np.ndarray:
        """The average torque vector T in 1/(nm² fs)."""
        return self._vector.averages()


def transport_keys(model: RashbaModel, drive: Drive) -> dict:
    """The sheet current density σE (A/m, along +E) of the model's film: ``j_sheet_A_per_m``."""
    return {"j_sheet_A_per_m": model.coefficients.sheet_conductance_s * drive.efield_v_per_m}


def bulk_references(model: RashbaModel, drive: Drive) -> dict:
    """The open infinite medium's torques and spin density (Eq. 26) for the model's current parameters (SI)."""
    bulk = solve_bulk(model.coefficients, drive, model.magnetization.value)
    return {
        "T_perp_bulk_J_per_m2": bulk.T_perp_j_per_m2,
        "T_par_bulk_J_per_m2": bulk.T_par_j_per_m2,
        "s_bulk_hbar_per_m2": bulk.s_per_m2.tolist(),
    }


class RashbaSession(SessionBase[RashbaPoint]):
    """A :class:`RashbaModel` on ``geometry`` with its solver and solution Function, built once.

    Every parameter of a :class:`RashbaPoint` is a ``fem.Constant`` of the model: any point reuses the forms,
    the matrix and the KSP (:meth:`reusable` is always true).
    """

    def __init__(self, point: RashbaPoint, geometry: Geometry, degree: int, petsc_options: dict | None,
                 setup_timings: dict[str, float]):
        #: wall times (s) of the one-off phases: mesh, forms (FFCx compilation, cached after
        #: the first run), matrix_create (sparsity pattern, KSP)
        self.setup_timings = setup_timings
        self.geometry = geometry
        self.comm = geometry.comm
        self.point = point
        t0 = time.perf_counter()
        self.model = RashbaModel(geometry, point.film, point.drive, point.m, degree=degree)
        self.setup_timings["forms"] = time.perf_counter() - t0
        self._start_solver(self.model.system, petsc_options)
        self.U = fem.Function(self.model.V, name="U")

    def describe(self) -> dict:
        """What produced the current solution beyond its numbers: the physics conventions, the mesh and the
        solver (the ``provenance`` of ``summary.json``)."""
        msh = self.geometry.msh
        return {
            "conventions": film_conventions(self.point.film, self.point.drive),
            "mesh": {"kind": self.geometry.mode, "dim": msh.topology.dim,
                     "cells": msh.topology.index_map(msh.topology.dim).size_global,
                     "vertices": msh.topology.index_map(0).size_global, "cell_nm": self.cell_nm,
                     "element": f"Lagrange degree {self.model.degree}, (s_x, s_y, s_z, nu)", "dofs": self.ndofs},
            "solver": self.solver.describe(),
        }

    def _set(self, params: RashbaPoint | None) -> RashbaPoint:
        """Update the model's constants to ``params`` (``None``: keep); the point now solved."""
        if params is not None:
            self.model.update(film=params.film, drive=params.drive, m=params.m)
            self.point = params
        return self.point
