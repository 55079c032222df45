"""The iterative preset on 3D operators: the same discrete solution as MUMPS, fewer iterations than gamg_v1."""

import numpy as np
import pytest

from rashba_diffusion.fem._compat import MPI
from rashba_diffusion.fem.solver import LinearSolver
from rashba_diffusion.fem.solver_options import SOLVER_PRESETS
from rashba_diffusion.models.rashba import RashbaModel
from rashba_diffusion.physics.rashba import Drive, paper_film
from rashba_diffusion.studies.bench.cases import WIRE_ALPHA_EV_NM, film_box_3d

#: an oblique drive and magnetization: every coupling of the operator is active
DRIVE = Drive(1e5, (0.6, 0.8, 0.0))
M = (0.0, 0.6, 0.8)


def _solve(cells_across: int, preset: str, degree: int = 2):
    g = film_box_3d(MPI.COMM_SELF, cells_across)
    model = RashbaModel(g, paper_film(WIRE_ALPHA_EV_NM), DRIVE, M, degree=degree)
    with LinearSolver(model.system, {"preset": preset}) as solver:
        u = solver.solve()
        return u.x.array.copy(), solver.iterations


@pytest.fixture(scope="module")
def box_direct():
    return _solve(4, "direct")


@pytest.mark.consistency
def test_iterative_matches_direct_3d_box(box_direct):
    """FGMRES + GAMG reaches the MUMPS solution of the 3D film box, field by field (rtol 1e-9 on the residual)."""
    ref, _ = box_direct
    u, its = _solve(4, "iterative")
    assert its > 1
    ref4, u4 = ref.reshape(-1, 4), u.reshape(-1, 4)
    for k in range(4):
        assert np.max(np.abs(u4[:, k] - ref4[:, k])) < 1e-6 * np.max(np.abs(ref4[:, k]))


def test_iterative_preset_needs_fewer_iterations_than_v1():
    """The study's finding (docs/performance.md) on a small P1 box: the new smoothing beats the first preset."""
    new = [_solve(n, "iterative", degree=1)[1] for n in (6, 12)]
    old = [_solve(n, "gamg_v1", degree=1)[1] for n in (6, 12)]
    assert all(a < b for a, b in zip(new, old, strict=True)), (new, old)
    assert SOLVER_PRESETS["gamg_v1"]["ksp_type"] == SOLVER_PRESETS["iterative"]["ksp_type"] == "fgmres"
