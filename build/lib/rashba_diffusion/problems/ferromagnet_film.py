"""A single ferromagnetic film driven by a bulk spin-current source: the torques on its two halves
(anomalous spin-orbit torque, AHE torque; docs/model.md §11.7)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..fem._compat import MPI
from ..fem.postprocess import global_dofs
from ..fem.solver import LinearSolver
from ..meshing.structured import film_halves
from ..models.ferromagnet_film import FerromagnetFilmModel
from ..physics.asot import Surface, check_film
from ..physics.bilayer import Ferromagnet

#: default cell size as a fraction of the shortest FM length (degree 2)
CELL_FRACTION = 0.05


@dataclass
class SurfaceTorques:
    """Torque vectors (J/m²) on the bottom (z < d/2) and top (z > d/2) halves of the film, and dofs."""

    bottom: np.ndarray
    top: np.ndarray
    dofs: int

    @property
    def net(self) -> np.ndarray:
        return self.bottom + self.top


def solve_ferromagnet_film(fm: Ferromagnet, m, source: np.ndarray, bottom: Surface = "free",
                           top: Surface = "free", cell_nm: float | None = None, degree: int = 2,
                           comm: MPI.Comm | None = None) -> SurfaceTorques:
    """Solve −∇·j_s = (σ_F/2e) L(μ) in the film 0 ≤ z ≤ d_F for the bare spin current ``source`` (A/m²).

    ``cell_nm``: the cell size (default :data:`CELL_FRACTION` of the shortest length); the other parameters as
    for :class:`~rashba_diffusion.models.ferromagnet_film.FerromagnetFilmModel`.
    """
    check_film(fm, bottom, top)
    d = fm.thickness_nm
    lengths = [v for v in (fm.lambda_j_nm, fm.lambda_phi_nm, fm.lambda_sf_nm, d) if v and math.isfinite(v)]
    msh, cell_tags = film_halves(comm or MPI.COMM_WORLD, d, cell_nm or CELL_FRACTION * min(lengths))
    model = FerromagnetFilmModel(msh, cell_tags, fm, m, source, bottom, top, degree)
    with LinearSolver(model.system) as solver:
        solver.solve(out=model.solution)
    halves = model.half_torques_j_per_m2()
    return SurfaceTorques(bottom=halves["bottom"], top=halves["top"], dofs=global_dofs(model.V))
