"""Command line end to end, and the same numbers on 1 and 2 MPI ranks."""

import json
import subprocess
import sys

import pytest

from ..conftest import mpiexec

KEYS = ("T_perp_J_per_m2", "T_par_J_per_m2", "T_perp_bulk_J_per_m2", "T_par_bulk_J_per_m2")
BASE = ["wire", "--alpha-ev-nm", "0.05", "--tau-delta-s", "1e-14", "--tau-s", "1e-15", "--tau-sf-s", "1e-12",
        "--kf-per-nm", "4.3", "--width-nm", "50", "--efield-v-per-m", "1e5", "--json"]


def run(args, env, ranks=1, cwd=None):
    cmd = [sys.executable, "-m", "rashba_diffusion.cli", *args]
    if ranks > 1:
        cmd = [mpiexec(), "-n", str(ranks), *cmd]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, cwd=cwd)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_wire_out_writes_everything(tmp_path, cli_env):
    out = tmp_path / "res"
    s = run([*BASE, "--m", "1,0,0", "--out", str(out)], cli_env)
    for k in (*KEYS, "dofs", "ranks", "solve_seconds"):
        assert k in s
    assert {p.name for p in out.iterdir()} == {"summary.json", "profile.csv", "profile.png", "spin.bp", "charge.bp",
                                               ".rashba-outputs.json"}
    header = (out / "profile.csv").read_text().splitlines()[1]
    assert header == "y_nm,s_x,s_y,s_z,nu,T_perp,T_par"
    assert json.loads((out / "summary.json").read_text())["T_perp_J_per_m2"] == s["T_perp_J_per_m2"]


def test_bulk_command(cli_env):
    s = run(["bulk", "--m", "0,0,1", "--json"], cli_env)
    assert s["T_perp_bulk_J_per_m2"] > 0


@pytest.mark.mpi
@pytest.mark.skipif(mpiexec() is None, reason="no mpiexec")
@pytest.mark.parametrize("extra", [["--m", "0.6,0,0.8"], ["--m", "0,0.6,0.8", "--geometry", "2d", "--length-nm", "60",
                                                           "--width-nm", "20", "--cell-nm", "0.5"]])
def test_same_numbers_on_one_and_two_ranks(extra, cli_env, tmp_path):
    one = run([*BASE, *extra, "--out", str(tmp_path / "r1")], cli_env, ranks=1)
    two = run([*BASE, *extra, "--out", str(tmp_path / "r2")], cli_env, ranks=2)
    assert two["ranks"] == 2 and one["ranks"] == 1
    assert one["dofs"] == two["dofs"]
    for k in KEYS:
        assert two[k] == pytest.approx(one[k], rel=1e-8)
    csv1 = (tmp_path / "r1" / "profile.csv").read_text()
    csv2 = (tmp_path / "r2" / "profile.csv").read_text()
    assert csv1.splitlines()[:2] == csv2.splitlines()[:2]


MACROSPIN = ["macrospin", "--ms-a-per-m", "8e5", "--alpha-gilbert", "0.1", "--b-ext-t", "0.05,0,0", "--easy-axis",
             "1,0,0", "--demag-factors", "0,0,1", "--m0", "0.6,0.8,0", "--t-end-ns", "0.03", "--rtol", "1e-7", "--json"]


@pytest.mark.mpi
@pytest.mark.skipif(mpiexec() is None, reason="no mpiexec")
@pytest.mark.parametrize("torque", [["--torque", "rashba", "--thickness-nm", "5", "--width-nm", "20", "--cell-nm",
                                     "0.5", "--efield-v-per-m", "5e6"],
                                    ["--torque", "bilayer", "--fm-thickness-nm", "1", "--j-a-per-m2", "1e13",
                                     "--pumping"]], ids=["rashba", "bilayer"])
def test_self_consistent_macrospin_is_the_same_on_one_and_two_ranks(torque, cli_env):
    one = run([*MACROSPIN, *torque], cli_env, ranks=1)
    two = run([*MACROSPIN, *torque], cli_env, ranks=2)
    assert (one["ranks"], two["ranks"]) == (1, 2)
    assert one["time_steps"] == two["time_steps"] and one["torque_solves"] == two["torque_solves"]
    assert two["m_final"] == pytest.approx(one["m_final"], abs=1e-12)
