"""Solver options, the iterative solver, the SciPy baseline and the ``bench`` command."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from scipy.spatial import cKDTree

from rashba_diffusion._compat import MPI
from rashba_diffusion.baseline import solve_wire_baseline
from rashba_diffusion.parameters import Drive, ParameterError, paper_film
from rashba_diffusion.solver import (
    ITERATIVE_PETSC_OPTIONS,
    SolveError,
    parse_petsc_option_args,
    petsc_options_from_table,
    resolve_petsc_options,
)
from rashba_diffusion.wire import WireSpec, solve_wire

# an oblique case: every coupling of the operator (B, C, Γ, R, all local terms) is active
FILM = paper_film(5e-2)
DRIVE = Drive(1e5, (0.6, 0.8, 0.0))
M = (0.0, 0.6, 0.8)
SPEC = WireSpec(width_nm=20.0, geometry="2d", length_nm=60.0, cell_nm=1.5)


@pytest.fixture(scope="module")
def wire():
    return solve_wire(FILM, DRIVE, M, SPEC, MPI.COMM_SELF)


def test_option_parsers():
    assert parse_petsc_option_args(["ksp_type=gmres", "-pc_type=gamg", "ksp_view"]) == {
        "ksp_type": "gmres", "pc_type": "gamg", "ksp_view": ""}
    table = petsc_options_from_table({"preset": "iterative", "ksp_rtol": 1e-12, "ksp_monitor": True})
    assert table["pc_type"] == ITERATIVE_PETSC_OPTIONS["pc_type"]
    assert table["ksp_rtol"] == "1e-12" and table["ksp_monitor"] == "true"
    # a Krylov method without tolerances gets the safeguards, not PETSc's rtol 1e-5
    opts = resolve_petsc_options({"ksp_type": "gmres", "pc_type": "ilu"})
    assert float(opts["ksp_rtol"]) <= 1e-9 and "pc_factor_mat_solver_type" not in opts
    assert resolve_petsc_options(None)["pc_factor_mat_solver_type"] == "mumps"
    with pytest.raises(ParameterError, match="preset = 'fast'"):
        petsc_options_from_table({"preset": "fast"})
    with pytest.raises(ParameterError, match="KEY=VALUE"):
        parse_petsc_option_args(["=3"])
    with pytest.raises(ParameterError, match="ksp_rtol"):
        petsc_options_from_table({"ksp_rtol": [1e-9]})


def test_scipy_baseline_equals_package(wire):
    """An independent assembly (scikit-fem, operator rewritten with np.cross) gives the same discrete solution."""
    gx = wire.model.geometry.msh.geometry
    cells = gx.dofmaps(0) if callable(gx.dofmaps) else gx.dofmaps[0]
    b = solve_wire_baseline(gx.x, cells, SPEC.length_nm, SPEC.width_nm, FILM.coefficients(), DRIVE, M)
    assert b.dofs == wire.summary["dofs"]
    assert b.width_nm == pytest.approx(SPEC.width_nm, rel=1e-12)
    assert b.T_perp_J_per_m2 == pytest.approx(wire.summary["T_perp_J_per_m2"], rel=1e-8)
    assert b.T_par_J_per_m2 == pytest.approx(wire.summary["T_par_J_per_m2"], rel=1e-8)
    # node by node: match the dofs by their coordinates
    from skfem import Basis, ElementTriP2, MeshTri

    basis = Basis(MeshTri(np.ascontiguousarray(gx.x[:, :2].T), np.ascontiguousarray(cells.T)), ElementTriP2())
    dist, idx = cKDTree(basis.doflocs.T).query(wire.model.V.tabulate_dof_coordinates()[:, :2])
    assert dist.max() < 1e-9
    ours = wire.solution.x.array.reshape(-1, 4)
    theirs = b.solution.reshape(4, -1)[:, idx].T
    for k in range(4):
        assert np.max(np.abs(theirs[:, k] - ours[:, k])) < 1e-8 * np.max(np.abs(ours[:, k]))


def test_iterative_solver_matches_direct(wire):
    it = solve_wire(FILM, DRIVE, M, SPEC, MPI.COMM_SELF, petsc_options={"preset": "iterative"})
    assert it.summary["krylov_iterations"] > 1
    for k in ("T_perp_J_per_m2", "T_par_J_per_m2"):
        assert it.summary[k] == pytest.approx(wire.summary[k], rel=1e-7)
    assert {"setup", "solve", "assemble_matrix", "postprocess"} <= set(it.timings)


def test_nonconvergence_raises_with_petsc_reason():
    with pytest.raises(SolveError, match="DIVERGED_MAX_IT"):
        solve_wire(FILM, DRIVE, M, SPEC, MPI.COMM_SELF, petsc_options={"preset": "iterative", "ksp_max_it": 2})


def test_registry_reports_missing_modules():
    import importlib.util

    from rashba_diffusion.bench import REGISTRY

    for name, module in (("fig3_sweep", "sweep"), ("bilayer3d", "bilayer")):
        ok, reason = REGISTRY[name].available()
        if importlib.util.find_spec(f"rashba_diffusion.{module}") is None:
            assert not ok and "not available" in reason and module in reason
    assert REGISTRY["wire2d"].available() == (True, "")


def test_bench_quick_json_contract(cli_env):
    """``bench --quick --json`` (shrunk by the hidden --tiny) prints the contract's keys with sane values."""
    p = subprocess.run([sys.executable, "-m", "rashba_diffusion.cli", "bench", "--quick", "--tiny", "--json"],
                       env=cli_env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)
    assert s["errors"] == []
    for k in ("full_over_factorization", "speedup_vs_scipy", "sweep_seconds_per_point"):
        assert isinstance(s[k], float) and math.isfinite(s[k]) and s[k] > 0, k
    assert isinstance(s["dofs"], int) and s["dofs"] > 1000
    assert s["baseline_rel_diff"] < 1e-8


def test_false_convergence_is_caught_by_true_residual():
    """Plain GMRES around the Krylov-smoothed AMG reports convergence to a wrong answer; the check refuses it."""
    with pytest.raises(SolveError, match="true residual"):
        solve_wire(FILM, DRIVE, M, SPEC, MPI.COMM_SELF, petsc_options={"preset": "iterative", "ksp_type": "gmres"})
