"""Command line end to end, and the same numbers on 1 and 2 MPI ranks."""

import json
import subprocess
import sys

import meshio
import numpy as np
import pytest

from ..mpi_ranks import SERIAL_REL, assert_distributed, assert_ranks_agree, check_parallel, run_ranks

KEYS = ("T_perp_J_per_m2", "T_par_J_per_m2", "T_perp_bulk_J_per_m2", "T_par_bulk_J_per_m2")
FINITE_FM = ["--fm-thickness-nm", "1", "--fm-lambda-j-nm", "1", "--fm-lambda-phi-nm", "1.5", "--fm-lambda-sf-nm",
             "5", "--fm-sigma-s-per-m", "2e7"]
BASE = ["wire", "--alpha-ev-nm", "0.05", "--tau-delta-s", "1e-14", "--tau-s", "1e-15", "--tau-sf-s", "1e-12",
        "--kf-per-nm", "4.3", "--width-nm", "50", "--efield-v-per-m", "1e5", "--json"]


def run(args, env, cwd=None):
    cmd = [sys.executable, "-m", "rashba_diffusion.cli", *args]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, cwd=cwd)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_wire_out_writes_everything(tmp_path, cli_env):
    out = tmp_path / "res"
    s = run([*BASE, "--m", "1,0,0", "--out", str(out)], cli_env)
    for k in (*KEYS, "dofs", "ranks", "solve_seconds"):
        assert k in s
    assert {p.name for p in out.iterdir()} == {"summary.json", "profile.csv", "profile.png", "fields.vtu",
                                               ".rashba-outputs.json"}
    header = (out / "profile.csv").read_text().splitlines()[0]
    assert header == "y_nm,s_x_hbar_per_m2,s_y_hbar_per_m2,s_z_hbar_per_m2,nu_per_m2,T_perp_J_per_m2,T_par_J_per_m2"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["T_perp_J_per_m2"] == s["T_perp_J_per_m2"]
    assert summary["provenance"]["command"].startswith("rashba-diffusion wire --alpha-ev-nm 0.05")


def test_bulk_command(cli_env):
    s = run(["bulk", "--m", "0,0,1", "--json"], cli_env)
    assert s["T_perp_bulk_J_per_m2"] > 0


@pytest.mark.mpi
@pytest.mark.consistency
@pytest.mark.parametrize("extra", [["--m", "0.6,0,0.8"], ["--m", "0,0.6,0.8", "--geometry", "2d", "--length-nm", "60",
                                                           "--width-nm", "20", "--cell-nm", "0.5"]])
def test_same_numbers_on_one_and_two_ranks(extra, cli_env, tmp_path):
    """The command line on 2 ranks: the mesh is split, every rank holds the same summary, and it is the 1-rank
    one (an invariance of the code under partitioning, not a physics reference)."""
    one = run_ranks(1, "cli", [*BASE, *extra, "--out", str(tmp_path / "r1")], cli_env, tmp_path)
    two = run_ranks(2, "cli", [*BASE, *extra, "--out", str(tmp_path / "r2")], cli_env, tmp_path)
    check_parallel(two, one, rel=SERIAL_REL)
    printed = json.loads(two[0]["stdout"])
    assert printed["ranks"] == 2 and json.loads(one[0]["stdout"])["ranks"] == 1
    assert all(r["stdout"] == "" for r in two[1:])  # only rank 0 prints
    for k in KEYS:
        assert k in printed
    csv1 = (tmp_path / "r1" / "profile.csv").read_text().splitlines()
    csv2 = (tmp_path / "r2" / "profile.csv").read_text().splitlines()
    assert csv1[0] == csv2[0]
    p1, p2 = (np.loadtxt(c[1:], delimiter=",") for c in (csv1, csv2))
    assert np.all(np.abs(p2 - p1) <= 1e-8 * np.abs(p1).max(axis=0))  # relative to each column's size
    # the fields: the same points (to round-off: a partitioned mesh's coordinates may differ in the last bits) in
    # the same order, the same cells, the same values
    f1, f2 = (meshio.read(tmp_path / r / "fields.vtu") for r in ("r1", "r2"))
    assert np.abs(f1.points - f2.points).max() <= 1e-12 * np.abs(f1.points).max()
    assert np.array_equal(f1.cells[0].data, f2.cells[0].data)
    for name, v1 in f1.point_data.items():
        finite = np.isfinite(v1)
        assert np.array_equal(finite, np.isfinite(f2.point_data[name]))
        assert np.all(np.abs(f2.point_data[name][finite] - v1[finite]) <= 1e-8 * np.abs(v1[finite]).max()), name


MACROSPIN = ["macrospin", "--ms-a-per-m", "8e5", "--alpha-gilbert", "0.1", "--b-ext-t", "0.05,0,0", "--easy-axis",
             "1,0,0", "--demag-factors", "0,0,1", "--m0", "0.6,0.8,0", "--t-end-ns", "0.03", "--rtol", "1e-7", "--json"]


@pytest.mark.mpi
@pytest.mark.consistency
@pytest.mark.parametrize("extra", [[], FINITE_FM], ids=["ideal_sink", "finite_fm"])
def test_bilayer_fields_are_the_same_on_one_and_two_ranks(extra, cli_env, tmp_path):
    """The bilayer's 2D fields (and the ideal sink's interface torque): the same points in the same order and the
    same values on 1 and 2 ranks (the finite FM's μ jumps at the interface: both sides kept)."""
    argv = ["bilayer", "--geometry", "2d", "--width-nm", "12", "--cell-nm", "0.25", "--m", "0.6,0,0.8", "--json",
            *extra]
    one = run_ranks(1, "cli", [*argv, "--out", str(tmp_path / "r1")], cli_env, tmp_path)
    two = run_ranks(2, "cli", [*argv, "--out", str(tmp_path / "r2")], cli_env, tmp_path)
    check_parallel(two, one, rel=SERIAL_REL)
    a, b = json.loads(one[0]["stdout"]), json.loads(two[0]["stdout"])
    assert b["xi_DL"] == pytest.approx(a["xi_DL"], rel=1e-8)
    names = sorted(p.name for p in (tmp_path / "r1").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "r2").iterdir())
    for name in (n for n in names if n.endswith(".vtu")):
        f1, f2 = (meshio.read(tmp_path / r / name) for r in ("r1", "r2"))
        assert np.abs(f1.points - f2.points).max() <= 1e-12 * np.abs(f1.points).max()
        assert np.array_equal(f1.cells[0].data, f2.cells[0].data)
        for key, v1 in f1.point_data.items():
            assert np.abs(f2.point_data[key] - v1).max() <= 1e-8 * max(np.abs(v1).max(), 1e-300), (name, key)


@pytest.mark.mpi
@pytest.mark.consistency
@pytest.mark.parametrize("torque", [["--torque", "rashba", "--thickness-nm", "5", "--width-nm", "20", "--cell-nm",
                                     "0.5", "--efield-v-per-m", "5e6"],
                                    ["--torque", "bilayer", "--fm-thickness-nm", "1", "--j-a-per-m2", "1e13",
                                     "--pumping"]], ids=["rashba", "bilayer"])
def test_self_consistent_macrospin_is_the_same_on_one_and_two_ranks(torque, cli_env, tmp_path):
    """The self-consistent macrospin on 2 ranks: the torque solves' mesh is split, every rank computed the same
    torques at every step, and the trajectory is the 1-rank one."""
    one = run_ranks(1, "cli", [*MACROSPIN, *torque], cli_env, tmp_path)
    two = run_ranks(2, "cli", [*MACROSPIN, *torque], cli_env, tmp_path)
    assert_distributed(two)
    assert_ranks_agree(two)
    a, b = json.loads(one[0]["stdout"]), json.loads(two[0]["stdout"])
    assert (a["ranks"], b["ranks"]) == (1, 2)
    assert a["time_steps"] == b["time_steps"] and a["torque_solves"] == b["torque_solves"]
    assert b["m_final"] == pytest.approx(a["m_final"], abs=1e-12)


@pytest.mark.mpi
@pytest.mark.slow
@pytest.mark.consistency
def test_default_2d_wire_on_two_ranks(cli_env, tmp_path):
    """The default 2D wire (gmsh, ~3.7e5 dofs, polarization rule "hamiltonian") on 2 ranks: the mesh is split,
    every rank holds the same summary, equal to the 1-rank one."""
    args = ["wire", "--geometry", "2d", "--polarization-rule", "hamiltonian", "--json"]
    one, two = run_ranks(1, "cli", args, cli_env, tmp_path), run_ranks(2, "cli", args, cli_env, tmp_path)
    check_parallel(two, one, rel=SERIAL_REL)
