"""The ``multigrid`` preset (p-multigrid P2 → P1, geometric levels on refined meshes): the MUMPS solution on
small 3D cases (P1, P2; 1 and 2 ranks), fewer Krylov iterations than ``iterative`` on the same mesh, correct
after re-assembly, released by ``close()``; the size-dependent default presets; hypre detection."""

import json
import subprocess
import sys

import numpy as np
import pytest

from rashba_diffusion.fem._compat import MPI, fem, has_external_package, ufl
from rashba_diffusion.fem.solver import LinearSolver
from rashba_diffusion.fem.solver_options import (
    DIRECT_LARGE_MIN_DOFS,
    MULTIGRID_MIN_DOFS_3D,
    MULTIGRID_PETSC_OPTIONS,
    SOLVER_PRESETS,
    default_preset,
    petsc_options_from_table,
    resolve_petsc_options,
    with_coarse_amg,
)
from rashba_diffusion.meshing.gmsh_build import bilayer_stripe_3d
from rashba_diffusion.meshing.refine import refine_geometry
from rashba_diffusion.models.rashba import RashbaModel
from rashba_diffusion.physics.rashba import paper_film
from rashba_diffusion.studies.bench.cases import WIRE_ALPHA_EV_NM, film_box_3d

from ..conftest import mpiexec
from .multigrid_ranks import DRIVE, M, main

#: outputs equal MUMPS's to this (relative, max over components): ksp_rtol 1e-9 bounds the residual
MUMPS_RTOL = 1e-7


def _model(geometry, degree: int = 2) -> RashbaModel:
    return RashbaModel(geometry, paper_film(WIRE_ALPHA_EV_NM), DRIVE, M, degree=degree)


def _iterations(geometry, degree: int, preset: str) -> int:
    with LinearSolver(_model(geometry, degree).system, {"preset": preset}) as solver:
        solver.solve()
        return solver.iterations


@pytest.fixture(scope="module")
def one_rank():
    return main()


@pytest.mark.parametrize("case", ["film_p2", "film_p1", "bilayer_p2", "bilayer_p1"])
def test_multigrid_equals_mumps_on_one_rank(one_rank, case):
    r = one_rank[case]
    assert r["rel_diff"] < MUMPS_RTOL, r
    assert 1 < r["iterations"] <= 10, r


def test_the_hierarchy_is_what_the_space_allows(one_rank):
    assert one_rank["film_p2"]["preconditioner"].startswith("p-multigrid, 2 levels (gamg coarse)")
    assert one_rank["film_p1"]["preconditioner"].startswith("geometric multigrid, 3 levels")


@pytest.mark.mpi
@pytest.mark.skipif(mpiexec() is None, reason="no mpiexec")
def test_multigrid_equals_mumps_on_two_ranks(cli_env, one_rank):
    p = subprocess.run([mpiexec(), "-n", "2", sys.executable, "-m", "tests.system.multigrid_ranks"], env=cli_env,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    two = json.loads(p.stdout.strip().splitlines()[-1])
    for case, r in two.items():
        assert r["rel_diff"] < MUMPS_RTOL, (case, r)
        assert r["dofs"] == one_rank[case]["dofs"]
        # the refined meshes' tags on 2 ranks (ghosts included): the same MUMPS solution as on 1 rank
        np.testing.assert_allclose(r["reference"], one_rank[case]["reference"], rtol=1e-9, atol=0)
        # the levels do not depend on the partition (point-block smoother, nested spaces): at most 2 more
        assert r["iterations"] <= one_rank[case]["iterations"] + 2, (case, r, one_rank[case])


def test_p2_needs_fewer_iterations_than_iterative():
    """34300 dofs (12 cells across the film box): the GAMG preset needs 10 iterations there (and its count grows
    with refinement, docs/performance.md), p-multigrid 6."""
    g = film_box_3d(MPI.COMM_SELF, 12)
    new, old = _iterations(g, 2, "multigrid"), _iterations(g, 2, "iterative")
    assert new < old, (new, old)


def test_p1_with_a_hierarchy_needs_fewer_iterations_than_iterative():
    """The film box refined twice from 3 cells (6500 P1 dofs): GAMG 7 iterations, geometric multigrid 5."""
    g = refine_geometry(film_box_3d(MPI.COMM_SELF, 3), 2)
    new, old = _iterations(g, 1, "multigrid"), _iterations(g, 1, "iterative")
    assert new < old, (new, old)


def test_p1_without_a_hierarchy_falls_back_to_gamg():
    model = _model(film_box_3d(MPI.COMM_SELF, 4), degree=1)
    with LinearSolver(model.system, {"preset": "multigrid", "ksp_rtol": 1e-11}) as solver:
        assert solver.multigrid is None and "fallback" in solver.preconditioner
        assert solver.options["pc_type"] == "gamg" and solver.options["ksp_rtol"] == "1e-11"
        assert not any(k.startswith("mg_coarse_ksp") for k in solver.options)
        solver.solve()
        assert solver.iterations > 1


def test_a_resolve_after_reassembly_updates_the_coarse_levels():
    """A sweep's next point: new parameters, the matrix re-assembled into the same pattern, the Galerkin
    operators recomputed (otherwise the coarse levels would precondition the old operator)."""
    g = film_box_3d(MPI.COMM_SELF, 6)
    model = _model(g)
    with LinearSolver(model.system, {"preset": "multigrid"}) as mg, LinearSolver(model.system) as lu:
        first = mg.solve().x.array.copy()
        its = mg.iterations
        model.update(film=paper_film(2e-2), m=(0.8, 0.0, 0.6))
        u, ref = mg.solve().x.array, lu.solve().x.array
        assert np.max(np.abs(u - ref)) < MUMPS_RTOL * np.max(np.abs(ref))
        assert np.max(np.abs(first - ref)) > 1e-3 * np.max(np.abs(ref))  # the parameters did change
        assert abs(mg.iterations - its) <= 2
        ops = list(mg.multigrid.operators)
    assert mg.multigrid is None and all(op.handle == 0 for op in ops)  # released by close()


def test_the_3d_default_is_multigrid_from_the_threshold_on():
    assert default_preset(3, MULTIGRID_MIN_DOFS_3D - 1) == "direct"
    assert default_preset(3, MULTIGRID_MIN_DOFS_3D) == "multigrid"
    assert default_preset(2, DIRECT_LARGE_MIN_DOFS - 1) == "direct"
    assert default_preset(2, DIRECT_LARGE_MIN_DOFS) == "direct_large"
    assert default_preset(1, 10**9) == "direct"
    g = film_box_3d(MPI.COMM_SELF, 12)  # 34300 dofs
    with LinearSolver(_model(g).system) as solver:
        assert solver.options["pc_type"] == "mg" and solver.multigrid is not None
    with LinearSolver(_model(g).system, {"ksp_rtol": 1e-10}) as solver:  # a tolerance alone keeps the default
        assert solver.options["pc_type"] == "mg" and solver.options["ksp_rtol"] == "1e-10"
    with LinearSolver(_model(film_box_3d(MPI.COMM_SELF, 4)).system) as solver:  # 2808 dofs: MUMPS
        assert solver.options["pc_type"] == "lu" and solver.multigrid is None


def test_choosing_a_method_starts_from_direct_not_from_the_default():
    opts = resolve_petsc_options({"ksp_type": "gmres", "pc_type": "ilu"}, default="multigrid")
    assert not any(k.startswith("mg_") for k in opts) and "pc_factor_mat_solver_type" not in opts
    assert resolve_petsc_options({"preset": "iterative"}, default="multigrid")["pc_type"] == "gamg"
    assert resolve_petsc_options(None, default="direct_large")["pc_precision"] == "single"


def test_every_preset_validates():
    for name, options in SOLVER_PRESETS.items():
        table = petsc_options_from_table({"preset": name})
        assert table == petsc_options_from_table(options), name  # every key passes the name check


def test_feature_detection_picks_gamg_here_and_boomeramg_with_hypre():
    assert not has_external_package("hypre")  # the PyPI wheel's PETSc
    assert has_external_package("mumps")
    opts = resolve_petsc_options({"preset": "multigrid"})
    assert with_coarse_amg(opts, has_external_package("hypre")) == opts
    hypre = with_coarse_amg(opts, True)
    assert hypre["mg_coarse_pc_type"] == "hypre" and hypre["mg_coarse_pc_hypre_type"] == "boomeramg"
    assert not any(k.startswith(("mg_coarse_pc_gamg", "mg_coarse_mg_")) for k in hypre)
    assert hypre["mg_coarse_ksp_type"] == "fgmres"  # the inner solve stays
    assert with_coarse_amg({**opts, "mg_coarse_pc_type": "gamg"}, True, explicit=["mg_coarse_pc_type"]) == opts
    g = film_box_3d(MPI.COMM_SELF, 4)
    with LinearSolver(_model(g).system, {"preset": "multigrid"}) as solver:
        assert solver.options["mg_coarse_pc_type"] == "gamg"
        assert solver.preconditioner == "p-multigrid, 2 levels (gamg coarse)"
        smoother = solver.ksp.getPC().getMGSmoother(1)
        solver.solve()
        assert smoother.getPC().getType() == MULTIGRID_PETSC_OPTIONS["mg_levels_pc_type"]


def test_refinement_carries_the_tags():
    """Every tagged region keeps its measure (cells: volume; boundary facets: area; the interface, interior
    facets: area), and the refined mesh remembers the coarse one."""
    g = bilayer_stripe_3d(6.0, 6.0, 3.0, 1.0, 1.0, cell_max_nm=3.0, lateral_cell_nm=3.0, comm=MPI.COMM_SELF)
    fine = refine_geometry(g, 1)
    assert fine.coarse_meshes == (g.msh,)
    assert fine.msh.topology.index_map(3).size_global == 8 * g.msh.topology.index_map(3).size_global

    def measures(geo):
        dx = ufl.Measure("dx", domain=geo.msh, subdomain_data=geo.cell_tags)
        ds = ufl.Measure("ds", domain=geo.msh, subdomain_data=geo.facet_tags)
        dS = ufl.Measure("dS", domain=geo.msh, subdomain_data=geo.facet_tags)
        one = fem.Constant(geo.msh, 1.0)
        out = {f"cell {n}": fem.assemble_scalar(fem.form(one * dx(t))) for n, t in geo.cell_tag_names.items()}
        out.update({f"facet {n}": fem.assemble_scalar(fem.form(one * ds(t) + one("+") * dS(t)))
                    for n, t in geo.tag_names.items()})
        return out

    before, after = measures(g), measures(fine)
    assert after == pytest.approx(before, rel=1e-12)
    assert before["facet interface"] == pytest.approx(36.0) and before["cell hm"] == pytest.approx(108.0)


@pytest.mark.mpi
@pytest.mark.skipif(mpiexec() is None, reason="no mpiexec")
def test_multigrid_cli_bilayer_on_two_ranks_does_not_deadlock(cli_env):
    """The CLI's 8 nm stripe at 0.5 nm cells on 2 ranks: one rank has no constrained coarse dof; the Galerkin
    product's unit diagonal must stay collective (it deadlocked).  Same torques as on 1 rank."""
    args = [sys.executable, "-m", "rashba_diffusion.cli", "bilayer", "--geometry", "3d", "--width-nm", "8",
            "--length-nm", "8", "--cell-nm", "0.5", "--charge-current", "contacts", "--m", "0.6,0,0.8",
            "--petsc-option", "preset=multigrid", "--json"]
    out = {}
    for ranks in (1, 2):
        cmd = args if ranks == 1 else [mpiexec(), "-n", "2", *args]
        p = subprocess.run(cmd, env=cli_env, capture_output=True, text=True, timeout=180)
        assert p.returncode == 0, p.stderr[-3000:]
        out[ranks] = json.loads(p.stdout)
    assert out[2]["ranks"] == 2
    np.testing.assert_allclose(out[2]["T_vector_J_per_m2"], out[1]["T_vector_J_per_m2"], rtol=1e-7)
