"""``rashba-diffusion domain-wall``: bad input exits 2 with one error line and writes nothing; ``--out`` writes the
time series, the summary and the snapshots; the same run on 1 and 2 MPI ranks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from rashba_diffusion import cli

from ..conftest import mpiexec

#: Δ = 5.1 nm, u_W = 224 m/s: a short, coarse run
WALL = ["domain-wall", "--ms-a-per-m", "2e5", "--a-ex-j-per-m", "1.3e-11", "--k-u-j-per-m3", "5e5",
        "--k-perp-j-per-m3", "5e4", "--alpha-gilbert", "0.1", "--length-nm", "82", "--cell-nm", "0.85",
        "--t-end-ns", "0.02", "--dt-ps", "2"]
ZHANG_LI = [*WALL, "--beta", "0.2", "--u-m-per-s", "100"]
#: the α_R = 0 film of tests/system/test_domain_wall.py on a short wire (Δ = 20 nm)
SPIN = ["domain-wall", "--ms-a-per-m", "1e5", "--a-ex-j-per-m", "1e-11", "--k-u-j-per-m3", "2.5e4",
        "--k-perp-j-per-m3", "1e5", "--alpha-gilbert", "0.05", "--torque", "spin-diffusion", "--alpha-ev-nm", "0",
        "--tau-sf-s", "2e-14", "--polarization=-0.1", "--efield-v-per-m", "3e6", "--thickness-nm", "1",
        "--length-nm", "260", "--cell-nm", "2.5", "--t-end-ns", "0.02", "--dt-ps", "2"]


@pytest.mark.parametrize("extra, message", [
    (["--ms-a-per-m=-1"], "ms_a_per_m = -1.0 A/m is invalid"),
    (["--easy-axis", "0,0,0"], "easy_axis"),
    (["--hard-axis", "0,0.6,0.8"], "hard_axis"),
    (["--k-u-j-per-m3", "0"], "no unique easy axis"),
    (["--t-end-ns=-1"], "t_end_ns"),
    (["--dt-ps", "50"], "dt_s"),
    (["--dt-ps", "5"], "at least 8 steps"),
    (["--length-nm", "40"], "length_nm = 40.0 nm is invalid"),
    (["--cell-nm", "4"], "cell_nm = 4.0 nm is invalid"),
    (["--rows", "1"], "rows = 1 is invalid"),
    (["--thickness-nm", "1"], "--thickness-nm is only used with --torque spin-diffusion"),
    (["--torque", "spin-diffusion"], "needs --thickness-nm"),
    (["--torque", "spin-diffusion", "--beta", "0.1", "--thickness-nm", "1"], "--beta is only used with --torque "
                                                                             "zhang-li"),
    (["--alpha-gilbert=-0.1"], "alpha_gilbert"),
    (["--u-m-per-s", "nan"], "u_m_per_s"),
])
def test_bad_input_exits_2_and_writes_nothing(extra, message, capsys, tmp_path):
    out = tmp_path / "res"
    rc = cli.main([*WALL, *extra, "--out", str(out), "--json"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("rashba-diffusion: error: ") and message in err and err.count("\n") == 1, err
    assert not out.exists()


def test_anti_damping_spin_diffusion_is_refused_before_any_mesh(capsys, tmp_path):
    """The paper's own PF sign (S0 ∥ m) makes the spin diffusion anti-damp: α' ≤ 0 has no steady wall (§13.9.2)."""
    argv = [a if a != "--polarization=-0.1" else "--polarization=0.3" for a in SPIN]
    rc = cli.main([*argv, "--alpha-gilbert", "0.001", "--out", str(tmp_path / "res")])
    err = capsys.readouterr().err
    assert rc == 2 and "damping positive" in err and not (tmp_path / "res").exists()


def test_out_writes_the_time_series_the_summary_and_the_snapshots(capsys, tmp_path):
    out = tmp_path / "res"
    assert cli.main([*ZHANG_LI, "--out", str(out), "--snapshots", "2", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert {p.name for p in out.iterdir()} == {"timeseries.csv", "summary.json", "m.bp", ".rashba-outputs.json"}
    lines = (out / "timeseries.csv").read_text().splitlines()
    assert lines[0].split(",")[:6] == ["t_s", "m_x", "m_y", "m_z", "wall_position_m", "wall_angle_rad"]
    assert len(lines) == 1 + s["time_steps"] + 1
    saved = json.loads((out / "summary.json").read_text())
    assert saved["velocity_m_per_s"] == s["velocity_m_per_s"]
    assert saved["provenance"]["files"] == ["m.bp", "summary.json", "timeseries.csv"]
    for key in ("velocity_m_per_s", "walker", "width_nm", "conventions", "dofs", "time_steps",
                "velocity_reference_m_per_s", "walker_threshold_u_m_per_s", "max_norm_error"):
        assert key in s
    assert s["torque"] == "zhang-li" and s["width_nm"] == pytest.approx((1.3e-11 / 5e5) ** 0.5 * 1e9)


def _run(argv, env, ranks):
    cmd = [sys.executable, "-m", "rashba_diffusion.cli", *argv, "--json"]
    if ranks > 1:
        cmd = [mpiexec(), "-n", str(ranks), *cmd]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


@pytest.mark.mpi
@pytest.mark.skipif(mpiexec() is None, reason="no mpiexec")
@pytest.mark.parametrize("argv", [ZHANG_LI, SPIN], ids=["zhang-li", "spin-diffusion"])
def test_same_dynamics_on_one_and_two_ranks(argv, cli_env):
    one, two = _run(argv, cli_env, 1), _run(argv, cli_env, 2)
    assert (one["ranks"], two["ranks"]) == (1, 2) and one["dofs"] == two["dofs"]
    assert one["time_steps"] == two["time_steps"] and one["window_shifts"] == two["window_shifts"]
    # measured: 1e-14 relative (MUMPS on 2 ranks, PETSc's LU on 1; Newton tolerance 1e-11)
    for key in ("velocity_m_per_s", "wall_position_final_m", "wall_angle_final_rad", "width_final_nm"):
        assert two[key] == pytest.approx(one[key], rel=1e-8, abs=1e-12)
    assert two["m_mean_final"] == pytest.approx(one["m_mean_final"], rel=1e-8, abs=1e-12)
