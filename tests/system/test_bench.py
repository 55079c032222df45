"""Solver options, the iterative solver, the SciPy baseline and the ``bench`` command."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from scipy.spatial import cKDTree

from rashba_diffusion.errors import ParameterError, SolveError
from rashba_diffusion.fem._compat import MPI
from rashba_diffusion.fem.solver_options import (
    ITERATIVE_PETSC_OPTIONS,
    parse_petsc_option_args,
    petsc_options_from_table,
    resolve_petsc_options,
)
from rashba_diffusion.physics.rashba import Drive, paper_film
from rashba_diffusion.problems.specs import WireSpec
from rashba_diffusion.problems.wire import solve_wire
from rashba_diffusion.verification.scipy_baseline import solve_wire_baseline

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
    # a name no KSP/PC reads would be silently ignored by PETSc: rejected, naming it
    with pytest.raises(ParameterError, match="petsc option 'nonsense' is invalid.*ksp_"):
        parse_petsc_option_args(["nonsense"])
    with pytest.raises(ParameterError, match="'snes_rtol'"):
        petsc_options_from_table({"snes_rtol": 1e-9})


def test_bench_with_a_bad_petsc_option_exits_2_before_running(capsys, monkeypatch):
    from rashba_diffusion import cli
    from rashba_diffusion.cli import bench

    def must_not_run(*args, **kwargs):
        raise AssertionError("the suite ran despite an invalid option")

    monkeypatch.setattr(bench, "run_suite", must_not_run)
    assert cli.main(["bench", "--tiny", "--petsc-option", "nonsense"]) == 2
    assert "petsc option 'nonsense' is invalid" in capsys.readouterr().err


def test_scipy_baseline_equals_package(wire):
    """An independent assembly (scikit-fem, operator rewritten with np.cross) gives the same discrete solution."""
    gx = wire.model.geometry.msh.geometry
    cells = gx.dofmaps(0) if callable(gx.dofmaps) else gx.dofmaps[0]
    b = solve_wire_baseline(gx.x, cells, SPEC.length_nm, SPEC.width_nm, FILM.coefficients(), DRIVE, M)
    assert b.dofs == wire.summary["dofs"]
    assert b.width_nm == pytest.approx(SPEC.width_nm, rel=1e-12)
    # measured ≤ 2e-13: the same discrete solution assembled twice
    assert b.T_perp_J_per_m2 == pytest.approx(wire.summary["T_perp_J_per_m2"], rel=1e-11)
    assert b.T_par_J_per_m2 == pytest.approx(wire.summary["T_par_J_per_m2"], rel=1e-11)
    # node by node: match the dofs by their coordinates
    from skfem import Basis, ElementTriP2, MeshTri

    basis = Basis(MeshTri(np.ascontiguousarray(gx.x[:, :2].T), np.ascontiguousarray(cells.T)), ElementTriP2())
    dist, idx = cKDTree(basis.doflocs.T).query(wire.model.V.tabulate_dof_coordinates()[:, :2])
    assert dist.max() < 1e-9
    ours = wire.solution.x.array.reshape(-1, 4)
    theirs = b.solution.reshape(4, -1)[:, idx].T
    for k in range(4):
        assert np.max(np.abs(theirs[:, k] - ours[:, k])) < 1e-8 * np.max(np.abs(ours[:, k]))


@pytest.mark.consistency
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

    from rashba_diffusion.studies.bench.registry import REGISTRY

    for name, module in (("fig3_sweep", "studies.sweep.engine"), ("bilayer3d", "problems.bilayer")):
        ok, reason = REGISTRY[name].available()
        if importlib.util.find_spec(f"rashba_diffusion.{module}") is None:
            assert not ok and "not available" in reason and module in reason
    assert REGISTRY["wire2d"].available() == (True, "")


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory):
    """``bench --quick --json`` shrunk by the hidden --tiny, with the reports written: (summary, full report)."""
    import os

    from ..conftest import ROOT

    out = tmp_path_factory.mktemp("bench")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, "-m", "rashba_diffusion.cli", "bench", "--quick", "--tiny", "--json",
                        "--out", str(out)], env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    report = json.loads(next(out.glob("*.json")).read_text())
    return json.loads(p.stdout), report, next(out.glob("*.md")).read_text()


def test_bench_quick_json_contract(tiny_report):
    """The contract's keys with sane values."""
    s = tiny_report[0]
    assert s["errors"] == []
    for k in ("full_over_factorization", "speedup_vs_scipy", "sweep_seconds_per_point"):
        assert isinstance(s[k], float) and math.isfinite(s[k]) and s[k] > 0, k
    assert isinstance(s["dofs"], int) and s["dofs"] > 1000
    assert s["baseline_rel_diff"] < 1e-8
    # the 3D default preset's Krylov iterations at each size (one size in the tiny suite)
    assert len(s["iterative_iterations"]) == len(s["iterative_dofs"]) >= 1
    assert all(isinstance(i, int) and i > 0 for i in s["iterative_iterations"])
    assert s["iterative_iteration_growth"] == s["iterative_iterations"][-1] / s["iterative_iterations"][0]
    assert s["iterative_pc_type"] == "mg"


def _finite(x) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


def test_registry_fig3_sweep_and_bilayer3d_run(tiny_report):
    """The fig3_sweep and bilayer3d entries run through the real engines at the tiny size."""
    s, report, md = tiny_report
    assert report["entries"]["fig3_sweep"]["available"] and report["entries"]["bilayer3d"]["available"]
    (sweep,) = [r for r in report["results"] if r["case"] == "fig3_sweep"]
    assert sweep["points"] == 9 and sweep["reduced"]  # 3 × 3 of the Fig. 3 config's 3 × 40
    for k in ("sweep_seconds", "seconds_per_point", "factorization_seconds", "refactorization_seconds", "ratio",
              "ratio_loop"):
        assert _finite(sweep[k]) and sweep[k] > 0, k
    # the per-point time comes from the engine: the whole sweep divided by its points
    assert sweep["seconds_per_point"] == pytest.approx(sweep["sweep_seconds"] / 9, rel=1e-12)
    assert s["sweep_seconds_per_point"] == sweep["seconds_per_point"]
    (bil,) = [r for r in report["results"] if r["case"] == "bilayer3d"]
    assert bil["krylov_iterations"] > 0 and bil["dofs"] > 1000
    for k in ("mesh", "charge_current", "forms", "assemble_matrix", "setup", "solve", "postprocess"):
        assert _finite(bil["timings_s"][k]) and bil["timings_s"][k] >= 0, k
    # independent: the straight stripe driven through its contacts is the 1D film (closed form, docs/model.md §11)
    assert bil["closed_form_1d_rel_diff"] < 1e-2
    assert s["bilayer3d_iterations"] == {str(bil["dofs"]): bil["krylov_iterations"]}
    for title in ("3D bilayer stripe", "Fig. 3 sweep", "Targets"):
        assert title in md


def test_registry_domain_wall_runs(tiny_report):
    """The domain-wall entry at the tiny size: the spin solve's share, the variants side by side, the summary keys."""
    s, report, md = tiny_report
    (wall,) = [r for r in report["results"] if r["case"] == "domain_wall"]
    assert wall["time_steps"] == 20 and wall["spin_solves"] >= wall["time_steps"]
    assert 0 < wall["spin_share_of_step"] < 1 and wall["llg_share_of_step"] == pytest.approx(
        1 - wall["spin_share_of_step"])
    assert set(wall["variants"]) == {"extrapolated+reuse", "previous+reuse", "zero+reuse", "extrapolated+fresh",
                                     "zero+fresh"}
    # a fresh factorization at every solve: one per step; with reuse far fewer
    assert wall["variants"]["zero+fresh"]["spin_factorizations"] == wall["compare_steps"]
    assert wall["variants"]["extrapolated+reuse"]["spin_factorizations"] < wall["compare_steps"]
    assert wall["spin_time_ratio_over_default"]["extrapolated+reuse"] == 1.0
    assert s["domain_wall_steps_per_second"] == wall["steps_per_second"]
    assert "Domain wall with self-consistent spin diffusion" in md


def test_plan_baseline_extrapolates_and_caps():
    """Time and memory of the SciPy baseline extrapolated by the power law through the two largest sizes."""
    from rashba_diffusion.studies.bench.registry import FACTOR_BYTES_PER_NNZ, plan_baseline

    def run(dofs, seconds, nnz):
        return {"case": "wire", "dofs": dofs, "baseline": {"timings_s": {"total": seconds}, "factor_nnz": nnz}}

    done = [run(1e4, 1.0, 1e5), run(1e5, 10.0, 1e6)]  # both grow ∝ dofs: 100 s and 1e7 nnz at 1e6 dofs
    assert plan_baseline(1e6, [], max_s=1.0) is None  # nothing to extrapolate from: run it
    assert plan_baseline(1e6, done, max_s=101.0) is None
    assert "estimated 100 s" in plan_baseline(1e6, done, max_s=99.0)
    assert plan_baseline(1e6, done, max_s=None) is None
    assert "max-dofs" in plan_baseline(1e6, done, max_s=None, max_dofs=5e5)
    huge = [run(1e4, 1e-3, 1e12), run(1e5, 1e-2, 1e13)]  # 1e14 nnz: more than any machine's memory
    msg = plan_baseline(1e6, huge, max_s=None)
    assert "GiB" in msg and f"{1e14 * FACTOR_BYTES_PER_NNZ / 2**30:.1f} GiB" in msg


def test_bilayer_cli_petsc_option(capsys):
    """``bilayer --petsc-option preset=iterative`` reaches both solves: Krylov iterations, the direct torques."""
    from rashba_diffusion import cli

    args = ["bilayer", "--geometry", "3d", "--width-nm", "8", "--cell-nm", "1.0", "--fm-thickness-nm", "1",
            "--fm-lambda-sf-nm", "5", "--m", "0.6,0,0.8", "--json"]
    assert cli.main(args) == 0
    direct = json.loads(capsys.readouterr().out)
    assert cli.main([*args, "--petsc-option", "preset=iterative", "--petsc-option", "ksp_rtol=1e-11"]) == 0
    it = json.loads(capsys.readouterr().out)
    assert direct["krylov_iterations"] <= 1 < it["krylov_iterations"]  # preonly: one application of LU
    for k in ("xi_DL", "xi_FL"):
        assert it[k] == pytest.approx(direct[k], rel=1e-7)
    assert cli.main([*args, "--petsc-option", "preset=fast"]) == 2
    assert "preset = 'fast'" in capsys.readouterr().err


@pytest.mark.mpi
@pytest.mark.slow
def test_bench_bilayer3d_two_ranks(cli_env, tmp_path):
    """The bench's 3D bilayer on 2 ranks: the same torque as on 1 rank (to the Krylov tolerance).

    The bench's reporting contract; that the stripe's mesh is split and every rank agrees is checked by
    ``test_bilayer_3d.py::test_3d_stripe_same_torques_on_one_and_two_ranks``.  Without mpiexec the bench reports
    an error and this test fails (``errors``), it does not skip."""
    p = subprocess.run([sys.executable, "-m", "rashba_diffusion.cli", "bench", "--tiny", "--only", "bilayer3d",
                        "--ranks", "1,2", "--json"], env=cli_env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)
    assert s["errors"] == []
    assert _finite(s["bilayer3d_speedup_2_over_1_ranks"]) and s["bilayer3d_speedup_2_over_1_ranks"] > 0
    assert s["bilayer3d_torque_rel_diff_2_vs_1_ranks"] < 1e-6


def test_false_convergence_is_caught_by_true_residual():
    """Plain GMRES around the Krylov-smoothed AMG reports convergence to a wrong answer; the check refuses it."""
    with pytest.raises(SolveError, match="true residual"):
        solve_wire(FILM, DRIVE, M, SPEC, MPI.COMM_SELF, petsc_options={"preset": "iterative", "ksp_type": "gmres"})


def test_registry_pumping_runs_and_reuses_a_constant_operators_factorization(tiny_report):
    """The pumping entry: the helix and the 2D uniform precession refactorize on their budget (fewer times than
    they step), the constant operator keeps its two factorizations (BDF1 start, BDF2) with one Krylov iteration
    per step."""
    s, report, md = tiny_report
    runs = {r["pumping_case"]: r for r in report["results"] if r["case"] == "pumping"}
    assert set(runs) == {"helix1d", "uniform2d", "constant2d"}
    for r in runs.values():
        assert _finite(r["time_per_step_s"]) and 0 <= r["factorization_share"] <= 1
    for c in ("helix1d", "uniform2d"):
        assert 1 < runs[c]["factorizations"] < runs[c]["time_steps"]
    const = runs["constant2d"]
    assert const["factorizations"] == 2 and const["krylov_iterations"] == const["time_steps"]
    assert s["pumping_constant2d_factorizations"] == 2
    assert "Spin pumping, time-stepped" in md
