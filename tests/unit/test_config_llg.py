"""problem = "llg" in the sweep config: errors name the key; the axes reach the runs; a switching phase diagram
against the threshold of Lee et al. (APL 102, 112410 (2013), written out here) and the symmetry of the diagram;
the sweep resumes."""

from __future__ import annotations

import math

import pytest

from rashba_diffusion.errors import ConfigError
from rashba_diffusion.studies.sweep.engine import run_sweep
from rashba_diffusion.studies.sweep.registry import config_from_dict, load_config

from ..conftest import ROOT

LLG = {"problem": "llg", "magnet": {"ms_a_per_m": 8e5, "alpha_gilbert": 0.1}, "run": {"t_end_ns": 1.0}}
BAD = [
    ({**LLG, "magnet": {"alpha_gilbert": 0.1}}, "'magnet.ms_a_per_m'", "missing"),
    ({**LLG, "run": {}}, "'run.t_end_ns'", "missing"),
    ({**LLG, "material": {}}, "'material'", "unknown table for problem = 'llg'"),
    ({**LLG, "magnet": {**LLG["magnet"], "b_ext": [0, 0, 1]}}, "'magnet.b_ext'", "unknown key"),
    ({**LLG, "magnet": {**LLG["magnet"], "b_k_t": -1.0}}, "'magnet'", "b_k_t = -1.0 T is invalid"),
    ({**LLG, "magnet": {**LLG["magnet"], "demag_factors": [0, 0, 2]}}, "'magnet'", "demag_factors"),
    ({**LLG, "torque": {"sigma": [1, 1]}}, "'torque.sigma'", "expected a 3-vector"),
    ({**LLG, "run": {"t_end_ns": 1.0, "method": "euler"}}, "'run.method'", "valid values: rk45, midpoint"),
    ({**LLG, "run": {"t_end_ns": 1.0, "method": "midpoint"}}, "sweep point 0", "dt_s = None s is invalid"),
    ({**LLG, "run": {"t_end_ns": -1.0}}, "'run.t_end_ns'", "t_end_ns = -1.0 ns is invalid"),
    ({**LLG, "sweep": {"axes": {"b_ext_t": [0.1]}}}, "'sweep.axes.b_ext_t'", "unknown axis"),
    ({**LLG, "sweep": {"axes": {"alpha_gilbert": [0.1, -0.1]}}}, "sweep point 1 (alpha_gilbert = -0.1)",
     "alpha_gilbert = -0.1"),
]


@pytest.mark.parametrize("doc, key, problem", BAD, ids=[b[1] + " " + b[2][:20] for b in BAD])
def test_bad_llg_config_names_key_and_problem(doc, key, problem):
    with pytest.raises(ConfigError) as e:
        config_from_dict(doc)
    assert key in str(e.value) and problem in str(e.value), str(e.value)


def test_axes_reach_the_runs():
    cfg = config_from_dict({**LLG, "magnet": {**LLG["magnet"], "b_ext_t": [0.01, 0.02, 0.03], "b_k_t": 0.2,
                                              "easy_axis": [1, 0, 0]},
                            "run": {"t_end_ns": 1.0, "pulse_ns": 0.5},
                            "sweep": {"axes": {"b_ext_y_t": [0.5], "b_dl_t": [-0.1], "t_end_ns": [2.0],
                                               "theta_deg": [30.0]}}})
    (p,) = cfg.points
    q = p.params
    assert q.params.b_ext_t == (0.01, 0.5, 0.03) and q.params.b_dl_t == -0.1
    assert q.t_end_s == 2e-9 and q.pulse_end_s == 5e-10
    assert q.m0 == pytest.approx((0.5, 0.0, math.sqrt(3) / 2), abs=1e-15)
    # m0 defaults to the easy axis
    assert config_from_dict({**LLG, "magnet": {**LLG["magnet"], "easy_axis": [0, 1, 0]}}).points[0].params.m0 == (
        0.0, 1.0, 0.0)


B_K, B_X = 0.5, 0.05


def lee_threshold() -> float:
    """|B_DL,c| = B_K/2 − B_x/√2 (Lee et al. 2013; docs/model.md §13.4.3)."""
    return B_K / 2 - B_X / math.sqrt(2)


def test_switching_phase_diagram_against_lee_and_its_symmetry(tmp_path):
    """At α = 1 an up magnet switches iff B_DL·B_x < 0 and |B_DL| exceeds Lee's threshold (measured: +0.42 %
    above it at B_x = 0.1 B_K, so 5 % either side is decided), symmetric under (B_x, B_DL) → (−B_x, −B_DL)."""
    lee = lee_threshold()
    doc = {"problem": "llg", "magnet": {"ms_a_per_m": 8e5, "alpha_gilbert": 1.0, "b_k_t": B_K},
           "torque": {"sigma": [0, 1, 0]}, "magnetization": {"m": [0, 0, 1]},
           "run": {"t_end_ns": 1.5, "pulse_ns": 1.0, "rtol": 1e-8},
           "sweep": {"axes": {"b_ext_x_t": [-B_X, B_X], "b_dl_t": [-1.05 * lee, -0.95 * lee, 0.95 * lee, 1.05 * lee]}}}
    cfg = config_from_dict(doc)
    res = run_sweep(cfg, tmp_path / "out")
    assert res.solved == 8
    for r in res.rows:
        expected = r["b_dl_t"] * r["b_ext_x_t"] < 0 and abs(r["b_dl_t"]) > lee
        assert r["switched"] is expected, r
        assert (r["switching_time_s"] is not None) is expected
        assert r["m_final_z"] < 0 if expected else r["m_final_z"] > 0
    again = run_sweep(cfg, tmp_path / "out")
    assert (again.solved, again.skipped) == (0, 8)
    for a, b in zip(again.rows, res.rows, strict=True):
        assert a["switched"] is b["switched"] and isinstance(a["time_steps"], int)
        assert a["time_steps"] == b["time_steps"] and a["m_final_z"] == b["m_final_z"]


def test_example_switching_diagram_loads():
    cfg = load_config(ROOT / "examples" / "sot_switching_diagram.toml")
    assert cfg.problem == "llg" and len(cfg) == 85
