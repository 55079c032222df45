"""problem = "bilayer" in the sweep config: errors name the key, a thickness sweep equals independent
solve_bilayer calls and the closed form, one session is reused while only coefficients change."""

import pytest

from rashba_diffusion.errors import ConfigError
from rashba_diffusion.physics.bilayer import Ferromagnet, HeavyMetal, Interface
from rashba_diffusion.problems.bilayer import solve_bilayer
from rashba_diffusion.problems.specs import BilayerSpec
from rashba_diffusion.studies.sweep.engine import SessionRunner, run_sweep
from rashba_diffusion.studies.sweep.registry import PROBLEMS, config_from_dict, load_config

from ..conftest import ROOT

BL = {"problem": "bilayer"}
BAD = [
    ({"problem": "bilayers"}, "'problem'", "valid values: 'wire', 'bilayer'"),
    ({**BL, "material": {}}, "'material'", "unknown table for problem = 'bilayer'"),
    ({**BL, "heavy_metal": {"lamda_nm": 1.0}}, "'heavy_metal.lamda_nm'", "unknown key"),
    ({**BL, "heavy_metal": {"lambda_nm": "1"}}, "'heavy_metal.lambda_nm'", "expected a number"),
    ({**BL, "heavy_metal": {"lambda_nm": -1.0}}, "'heavy_metal'", "hm_lambda_nm = -1.0 nm is invalid; valid range"),
    ({**BL, "ferromagnet": {"lambda_sf_nm": 5.0}}, "'ferromagnet'", "fm_thickness_nm = None nm is invalid"),
    ({**BL, "interface": {"g_mix_real_s_per_m2": -1.0}}, "'interface'",
     "g_mix_real_s_per_m2 = -1 S/m² is invalid; valid range: [0, 1e+24]"),
    ({**BL, "interface": {"kind": "continuous"}}, "'interface'", "needs a finite ferromagnet"),
    ({**BL, "drive": {"j_a_per_m2": 0}}, "'drive.j_a_per_m2'", "j_a_per_m2 = 0.0 A/m² is invalid"),
    ({**BL, "geometry": {"kind": "4d"}}, "'geometry'", "geometry = '4d' is invalid"),
    ({**BL, "geometry": {"width_nm": 10}}, "'geometry.width_nm'", "only used with kind = '2d' or '3d'"),
    ({**BL, "mesh": {"file": "nowhere.msh"}}, "'mesh.file'", "does not exist"),
    ({**BL, "mesh": {"tag_map": {"hm": 1}}}, "'mesh.tag_map'", "only used with [mesh] file"),
    ({**BL, "sweep": {"axes": {"alpha_ev_nm": [0.1]}}}, "'sweep.axes.alpha_ev_nm'", "unknown axis"),
    ({**BL, "sweep": {"axes": {"hm_thickness_nm": [1.0, -1.0]}}}, "sweep point 1 (hm_thickness_nm = -1.0)",
     "hm_thickness_nm = -1.0 nm is invalid"),
    ({**BL, "sweep": {"axes": {"m": [[0, 0, 1]], "theta_deg": [0]}}}, "'sweep.axes.m'", "not both"),
]


@pytest.mark.parametrize("doc, key, problem", BAD, ids=[b[1] + " " + b[2][:20] for b in BAD])
def test_bad_bilayer_config_names_key_and_problem(doc, key, problem):
    with pytest.raises(ConfigError) as e:
        config_from_dict(doc)
    assert key in str(e.value)
    assert problem in str(e.value)


def test_thickness_axis_rejected_with_a_mesh_file(tmp_path):
    (tmp_path / "bl.msh").write_text("not read at config time")
    with pytest.raises(ConfigError, match="'sweep.axes.hm_thickness_nm'.*fixes the layer thicknesses"):
        config_from_dict({**BL, "mesh": {"file": "bl.msh"}, "sweep": {"axes": {"hm_thickness_nm": [1.0]}}},
                         base_dir=tmp_path)


def test_thickness_sweep_equals_solve_bilayer_and_the_closed_form():
    """d_N over 0.2-5 λ_N (and Re G, a coefficient-only axis): every row equals an independent solve_bilayer
    call on the same cell to round-off, and the closed form of docs/model.md §11.4 (measured ≤ 5.6e-11 at
    these 0.02 nm cells; 1e-9 stated)."""
    lam, cell = 1.4, 0.02
    cfg = config_from_dict({**BL, "heavy_metal": {"lambda_nm": lam}, "magnetization": {"m": [0, 0, 1]},
                            "mesh": {"cell_nm": cell}, "sweep": {"axes": {
                                "hm_thickness_nm": [0.2 * lam, lam, 5 * lam],
                                "g_mix_real_s_per_m2": [1e14, 5e14]}}})
    res = run_sweep(cfg)
    assert res.solved == 6
    fm, spec = Ferromagnet(), BilayerSpec(cell_nm=cell)
    for row in res.rows:
        hm = HeavyMetal(row["hm_thickness_nm"], lam, 7e6, 0.19)
        interface = Interface("mixing", row["g_mix_real_s_per_m2"], 1e14)
        ref = solve_bilayer(hm, fm, interface, (0.0, 0.0, 1.0), 1e11, spec).summary
        for k in ("xi_DL", "xi_FL", "T_DL_J_per_m2", "T_FL_J_per_m2"):
            assert row[k] == pytest.approx(ref[k], rel=1e-9), k
        assert row["dofs"] == ref["dofs"]
        assert row["xi_DL"] == pytest.approx(row["xi_DL_analytic_1d"], rel=1e-9)
        assert row["xi_FL"] == pytest.approx(row["xi_FL_analytic_1d"], rel=1e-9)


def test_one_session_serves_coefficient_axes_and_a_new_one_each_thickness():
    cfg = config_from_dict({**BL, "mesh": {"cell_nm": 0.05}, "magnetization": {"theta_deg": 0}, "sweep": {"axes": {
        "hm_thickness_nm": [1.0, 2.0], "g_mix_imag_s_per_m2": [0.0, 2e14], "phi_deg": [0, 30]}}})
    from rashba_diffusion.fem._compat import MPI

    runner = SessionRunner(PROBLEMS["bilayer"], cfg, MPI.COMM_WORLD)
    rows = [runner.solve(p)[0] for p in cfg.points]
    runner.close()
    assert runner.sessions_built == 2
    # Im G = 0: no field-like torque (the closed form's Re/Im split), whatever the other parameters
    for p, r in zip(cfg.points, rows, strict=True):
        if p.params.interface.g_mix_imag_s_per_m2 == 0.0:
            assert abs(r["xi_FL"]) < 1e-6 * abs(r["xi_DL"])


def test_an_m_axis_through_sigma_keeps_every_row_on_the_closed_form():
    """One session over m = ŷ (σ̂: the linear-response probe), ẑ, −ŷ, x̂: the probe must leave the session as it
    found it, so every row is the closed form (docs/model.md §11.4-11.5; measured ≤ 8e-9 with these cells)."""
    cfg = config_from_dict({**BL, "mesh": {"cell_nm": 0.05}, "sweep": {"axes": {
        "m": [[0, 1, 0], [0, 0, 1], [0, -1, 0], [1, 0, 0]]}}})
    rows = run_sweep(cfg).rows
    assert len(rows) == 4
    for r in rows:
        assert r["xi_DL"] == pytest.approx(r["xi_DL_analytic_1d"], rel=2e-7)
        assert r["xi_FL"] == pytest.approx(r["xi_FL_analytic_1d"], rel=2e-7)


def test_example_config_is_valid():
    cfg = load_config(ROOT / "examples" / "bilayer_thickness.toml")
    d = [p.params.hm.thickness_nm / p.params.hm.lambda_nm for p in cfg.points]
    assert min(d) == pytest.approx(0.2) and max(d) == pytest.approx(5.0)
