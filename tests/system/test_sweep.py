"""The sweep engine: config errors, resume after a kill, equality with independent solves, MPI."""

import csv
import math
import subprocess
import sys

import numpy as np
import pytest

from rashba_diffusion.errors import ConfigError, SweepStateError
from rashba_diffusion.physics.rashba import Drive, paper_film
from rashba_diffusion.problems.specs import WireSpec, default_wire_cell_nm
from rashba_diffusion.problems.wire import solve_wire
from rashba_diffusion.studies.sweep.bilayer import OUTPUT_COLUMNS as BILAYER_OUTPUT_COLUMNS
from rashba_diffusion.studies.sweep.config import Axis, angles_to_m
from rashba_diffusion.studies.sweep.engine import ABORT_ENV, TIMING_COLUMNS, run_sweep
from rashba_diffusion.studies.sweep.film import OUTPUT_COLUMNS as FILM_OUTPUT_COLUMNS
from rashba_diffusion.studies.sweep.registry import config_from_dict, load_config
from rashba_diffusion.studies.sweep.wire import OUTPUT_COLUMNS, WireSweepConfig

from ..mpi_ranks import SERIAL_REL, assert_distributed, assert_ranks_agree, run_ranks

# a small sweep: 2 × 3 points, coarse mesh (the physics is not the point here)
SMALL_TOML = """
[material]
tau_delta_s = 1e-14
[geometry]
width_nm = 20
[mesh]
cell_nm = 0.25
[sweep.axes]
efield_v_per_m = [1e5, -2e5]
alpha_ev_nm = {start = 5e-3, stop = 5e-2, num = 3, log = true}
[output]
profiles = true
"""
# the same engine on the bilayer: a thickness axis (new mesh per value) and a coefficient axis
SMALL_BILAYER_TOML = """
problem = "bilayer"
[magnetization]
m = [0, 0, 1]
[mesh]
cell_nm = 0.05
[sweep.axes]
hm_thickness_nm = [1.0, 2.0, 3.0]
g_mix_imag_s_per_m2 = [0.0, 1e14]
"""

# the film on a generated notch (mid-line columns filled): an m axis and an α axis
SMALL_FILM_TOML = """
problem = "film"
[mesh]
kind = "notch"
length_nm = 16
width_nm = 8
notch_depth_nm = 1
notch_width_nm = 2
cell_nm = 1.0
[sweep.axes]
m = [[0, 0.6, 0.8], [1, 0, 0]]
alpha_ev_nm = [5e-3, 2e-2, 5e-2]
"""
RESUME_CASES = {"wire": (SMALL_TOML, OUTPUT_COLUMNS), "bilayer": (SMALL_BILAYER_TOML, BILAYER_OUTPUT_COLUMNS),
                "film": (SMALL_FILM_TOML, FILM_OUTPUT_COLUMNS)}


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def assert_same_rows(a, b, rel=1e-12, outputs=OUTPUT_COLUMNS):
    """Same points, identical inputs (text), outputs equal to round-off."""
    assert len(a) == len(b)
    assert list(a[0]) == list(b[0])
    outputs = set(outputs) - set(TIMING_COLUMNS)
    for ra, rb in zip(a, b, strict=True):
        for k in ra:
            if k in TIMING_COLUMNS:
                continue
            if k in outputs and ra[k] != "":
                assert float(ra[k]) == pytest.approx(float(rb[k]), rel=rel, abs=0.0), k
            else:
                assert ra[k] == rb[k], k


def cli(args, env, cwd=None, check=True):
    cmd = [sys.executable, "-m", "rashba_diffusion.cli", *args]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, cwd=cwd)
    if check:
        assert p.returncode == 0, p.stderr
    return p


# -- configuration ----------------------------------------------------------------------
BAD = [
    ({"materail": {}}, "'materail'", "unknown table"),
    ({"material": {"tau_sf": 1e-12}}, "'material.tau_sf'", "unknown key"),
    ({"material": {"alpha_ev_nm": "big"}}, "'material.alpha_ev_nm'", "expected a number"),
    ({"material": {"tau_s": -1e-15}}, "'material'", "tau_s = -1e-15 s is invalid; valid range: [1e-18, 1e-09]"),
    ({"material": {"charge_gamma": 1}}, "'material.charge_gamma'", "expected true or false"),
    ({"drive": {"direction": [0, 0, 1]}}, "'drive'", "must lie in the film plane"),
    ({"magnetization": {"m": [1, 1, 0]}}, "'magnetization.m'", "norm"),
    ({"magnetization": {"m": [1, 0, 0], "theta_deg": 10}}, "'magnetization'", "not both"),
    ({"geometry": {"width_nm": 0}}, "'geometry'", "width_nm = 0"),
    ({"geometry": {"length_nm": 100}}, "'geometry.length_nm'", "only used with kind = '2d'"),
    ({"mesh": {"degree": 4}}, "'geometry'", "degree = 4 is invalid"),
    ({"sweep": {"axes": {"width_nm": [10, 20]}}}, "'sweep.axes.width_nm'", "unknown axis"),
    ({"sweep": {"axes": {"alpha_ev_nm": {"start": 0, "stop": 1, "num": 3, "log": True}}}},
     "'sweep.axes.alpha_ev_nm'", "log range needs start > 0"),
    ({"sweep": {"axes": {"alpha_ev_nm": {"start": 0.1, "stop": 1}}}}, "'sweep.axes.alpha_ev_nm.num'", "missing"),
    ({"sweep": {"axes": {"alpha_ev_nm": {"start": 0.1, "stop": 1, "num": 0}}}},
     "'sweep.axes.alpha_ev_nm.num'", "integer >= 1"),
    ({"sweep": {"axes": {"tau_s": [1e-15, -1e-15]}}}, "sweep point 1 (tau_s = -1e-15)", "tau_s = -1e-15 s is invalid"),
    ({"sweep": {"axes": {"m": [[1, 0, 0]], "theta_deg": [0]}}}, "'sweep.axes.m'", "not both"),
    ({"sweep": {"mode": "zip", "axes": {"alpha_ev_nm": [0.01, 0.02], "tau_s": [1e-15]}}}, "'sweep.mode'",
     "equal length"),
    ({"output": {"profile": True}}, "'output.profile'", "unknown key"),
]


@pytest.mark.parametrize("doc, key, problem", BAD, ids=[b[1] + " " + b[2][:20] for b in BAD])
def test_bad_config_names_key_and_problem(doc, key, problem):
    with pytest.raises(ConfigError) as e:
        config_from_dict(doc)
    assert key in str(e.value)
    assert problem in str(e.value)


def test_bad_config_on_the_command_line_exits_2_before_any_solve(tmp_path, cli_env):
    (tmp_path / "bad.toml").write_text("[material]\nalpha_ev_nm = 0.05\ntau_sf = 1e-12\n")
    p = cli(["sweep", str(tmp_path / "bad.toml"), "--out", str(tmp_path / "out")], cli_env, check=False)
    assert p.returncode == 2
    assert "config key 'material.tau_sf': unknown key" in p.stderr
    assert not (tmp_path / "out").exists()
    (tmp_path / "broken.toml").write_text("[material\n")
    p = cli(["sweep", str(tmp_path / "broken.toml")], cli_env, check=False)
    assert p.returncode == 2 and "not valid TOML" in p.stderr


def test_grid_order_ranges_and_angles():
    cfg = config_from_dict({"sweep": {"axes": {"theta_deg": [0, 90], "phi_deg": {"start": 0, "stop": 90, "num": 3}}}})
    assert [(p.axes["theta_deg"], p.axes["phi_deg"]) for p in cfg.points] == [
        (0.0, 0.0), (0.0, 45.0), (0.0, 90.0), (90.0, 0.0), (90.0, 45.0), (90.0, 90.0)]
    np.testing.assert_allclose(cfg.points[4].params.m, (math.sqrt(0.5), math.sqrt(0.5), 0.0), atol=1e-15)
    logs = config_from_dict({"sweep": {"axes": {"alpha_ev_nm": {"start": 1e-3, "stop": 1e-1, "num": 3, "log": True}}}})
    np.testing.assert_allclose([p.params.film.alpha_ev_nm for p in logs.points], [1e-3, 1e-2, 1e-1], rtol=1e-14)
    # sweeping Δxc replaces the base τΔ
    d = config_from_dict({"sweep": {"axes": {"delta_xc_ev": [0.1]}}}).points[0].params.film
    assert d.delta_xc_ev == 0.1 and d.tau_delta_s is None


# -- the engine against independent solves ---------------------------------------------------
@pytest.mark.consistency
def test_sweep_points_equal_independent_solve_wire():
    """Every row equals a separate ``solve_wire`` call: the engine's bookkeeping (one session reused, constants
    updated, rows in order) against the one-point path.  Both run a WireSession, so this is a consistency test;
    ``test_reference_fe.py::test_wire_sweep_rows_in_si`` checks sweep rows against the independent reference."""
    spec = WireSpec(20.0, cell_nm=0.25)
    cfg = WireSweepConfig(film=paper_film(), drive=Drive(1e5), wire=spec, m=None, mode="zip",
                          axes=(Axis("theta_deg", (90.0, 30.0, 60.0)), Axis("phi_deg", (0.0, 20.0, 45.0)),
                                Axis("alpha_ev_nm", (5e-3, 2e-2, 5e-2)),
                                Axis("direction", ((1.0, 0.0, 0.0), (1.0, 0.0, 0.0), (0.6, 0.8, 0.0)))))
    res = run_sweep(cfg)
    assert res.solved == 3 and len(res.rows) == 3
    for row, (theta, phi, alpha, direction) in zip(res.rows, zip(*(a.values for a in cfg.axes), strict=True),
                                                  strict=True):
        m = angles_to_m(theta, phi)
        ref = solve_wire(paper_film(alpha), Drive(1e5, direction), m, spec).summary
        for k in OUTPUT_COLUMNS[:6]:
            assert row[k] == pytest.approx(ref[k], rel=1e-10), k
        assert (row["m_x"], row["m_y"], row["m_z"]) == pytest.approx(m, abs=1e-15)
        assert row["dofs"] == ref["dofs"]


def test_default_mesh_resolves_the_most_demanding_point():
    cfg = config_from_dict({"geometry": {"width_nm": 20}, "sweep": {"axes": {"alpha_ev_nm": [5e-4, 5e-2]}}})
    res = run_sweep(cfg)
    films = [p.params.film for p in cfg.points]
    lam = min(f.coefficients().shortest_length_nm() for f in films)
    assert res.cell_nm == pytest.approx(0.1 * lam, rel=1e-12)  # a tenth of the shortest length (1D)
    assert res.cell_nm < default_wire_cell_nm(films[0], WireSpec(20.0))


# -- resume -----------------------------------------------------------------------------------
@pytest.mark.parametrize("problem", RESUME_CASES)
def test_killed_sweep_resumes_to_exactly_the_uninterrupted_rows(tmp_path, cli_env, problem):
    toml, outputs = RESUME_CASES[problem]
    cfg_path = tmp_path / "small.toml"
    cfg_path.write_text(toml)
    profiles = "profiles = true" in toml
    ref = run_sweep(load_config(cfg_path), tmp_path / "ref")
    assert ref.solved == 6

    out = tmp_path / "killed"
    p = cli(["sweep", str(cfg_path), "--out", str(out), "--quiet"], dict(cli_env, **{ABORT_ENV: "2"}), check=False)
    assert p.returncode == -9  # SIGKILL: no cleanup ran
    assert len(read_csv(out / "sweep.csv")) == 2
    with open(out / "sweep.csv", "a") as f:  # and a row torn by the kill
        f.write("2,0.02,1e-15,1e-")
    if profiles:
        with open(out / "profiles.csv", "a") as f:
            f.write("2,0.0,1.5")
    p = cli(["sweep", str(cfg_path), "--out", str(out)], cli_env)
    assert "solved 4, skipped 2" in p.stdout
    assert_same_rows(read_csv(out / "sweep.csv"), read_csv(ref.out_dir / "sweep.csv"), outputs=outputs)
    if profiles:
        prof, prof_ref = read_csv(out / "profiles.csv"), read_csv(ref.out_dir / "profiles.csv")
        assert len(prof) == 6 * 401
        for a, b in zip(prof, prof_ref, strict=True):
            assert a["index"] == b["index"] and a["y_nm"] == b["y_nm"]
            assert float(a["s_z_hbar_per_m2"]) == pytest.approx(float(b["s_z_hbar_per_m2"]), rel=1e-12, abs=1e-3)

    # a finished sweep does no work: no mesh, no solve, files untouched
    before = (out / "sweep.csv").read_bytes()
    again = run_sweep(load_config(cfg_path), out)
    assert (again.solved, again.skipped, again.dofs) == (0, 6, None)
    assert (out / "sweep.csv").read_bytes() == before
    first = outputs[0]
    on_disk = [float(r[first]) for r in read_csv(out / "sweep.csv")]
    assert [r[first] for r in again.rows] == on_disk


def test_a_row_whose_inputs_differ_from_the_config_is_refused_on_resume(tmp_path):
    """The sidecar's digest matches but a row on disk holds other inputs (a file edited or mixed by hand): resuming
    must refuse it, naming the line, the point and the column, and leave the file alone."""
    cfg = config_from_dict({"geometry": {"width_nm": 20}, "mesh": {"cell_nm": 0.5},
                            "sweep": {"axes": {"alpha_ev_nm": [0.01, 0.02]}}})
    run_sweep(cfg, tmp_path)
    path = tmp_path / "sweep.csv"
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace(",0.02,", ",0.03,", 1)
    assert ",0.03," in lines[2]
    path.write_text("\n".join(lines) + "\n")
    before = path.read_text()
    with pytest.raises(SweepStateError, match=r"sweep\.csv:3: point 1 has alpha_ev_nm = 0\.03, this config gives "
                                              r"0\.02"):
        run_sweep(cfg, tmp_path)
    assert path.read_text() == before


def test_changed_config_in_the_same_directory_is_an_error(tmp_path):
    cfg = config_from_dict({"geometry": {"width_nm": 20}, "mesh": {"cell_nm": 0.5},
                            "sweep": {"axes": {"alpha_ev_nm": [0.01]}}})
    run_sweep(cfg, tmp_path)
    other = config_from_dict({"geometry": {"width_nm": 20}, "mesh": {"cell_nm": 0.5},
                              "sweep": {"axes": {"alpha_ev_nm": [0.02]}}})
    with pytest.raises(SweepStateError, match="different config.*--force"):
        run_sweep(other, tmp_path)
    res = run_sweep(other, tmp_path, force=True)
    assert res.solved == 1 and [r["alpha_ev_nm"] for r in read_csv(tmp_path / "sweep.csv")] == ["0.02"]


@pytest.mark.mpi
@pytest.mark.consistency
def test_sweep_on_two_ranks_equals_one(tmp_path, cli_env):
    """``sweep`` on 2 ranks: the mesh is split, every rank solved every point to the same numbers, and the rows
    rank 0 wrote equal the 1-rank sweep's."""
    cfg_path = tmp_path / "small.toml"
    cfg_path.write_text(SMALL_TOML.replace("[sweep.axes]", "[magnetization]\nm = [0.6, 0, 0.8]\n[sweep.axes]"))
    one = run_sweep(load_config(cfg_path), tmp_path / "r1")
    two = run_ranks(2, "cli", ["sweep", str(cfg_path), "--out", str(tmp_path / "r2")], cli_env, tmp_path)
    assert_distributed(two)
    assert_ranks_agree(two)
    assert len(two[0]["results"]) == 6
    assert "on 2 rank(s)" in two[0]["stdout"]
    rows2 = read_csv(tmp_path / "r2" / "sweep.csv")
    assert {r["ranks"] for r in rows2} == {"2"}
    assert_same_rows(rows2, read_csv(one.out_dir / "sweep.csv"), rel=SERIAL_REL)


def test_m_parallel_to_u_gives_nan_in_wire_and_bulk():
    """At m ∥ û = ẑ × Ê the T⊥/T∥ decomposition is undefined: nan for the wire as for the bulk,
    also when m comes from angles (θ = φ = 90° is exactly ŷ)."""
    cfg = config_from_dict({"geometry": {"width_nm": 20}, "mesh": {"cell_nm": 0.5}, "sweep": {"mode": "zip", "axes": {
        "theta_deg": [90, 90, 90], "phi_deg": [90, 270, 60]}}})
    assert cfg.points[0].params.m == (0.0, 1.0, 0.0)
    rows = run_sweep(cfg).rows
    for r in rows[:2]:
        for k in OUTPUT_COLUMNS[:6]:
            assert math.isnan(r[k]), k
    assert all(math.isfinite(rows[2][k]) for k in OUTPUT_COLUMNS[:6])
