"""The finite-element wire and bilayer, through the command line, against the independent SI reference
(``tests/reference/independent_si.py``: the 1D cross-section's ODE solved exactly, the Hall-free bulk, the bilayer's
ODEs solved with matrix exponentials; fixture ``independent_si.json``).

Every case names its polarization and precession rules (``--polarization-rule``, ``--precession-rule``).  What is
compared, all in SI: the width-averaged T⊥ and T∥ (J/m²: a swap of the two, a lost ħ or a doubled V/m factor
fails), their effective fields (T), the bulk and Hall-free keys, the centre of the ``profile.csv`` (ħ/nm², nm⁻²,
1/(nm² fs), the units its header states), and the bilayer's ξ_DL, ξ_FL, torques, torque vector and fields.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from scipy import constants as sc

from ..unit.test_reference_si import BILAYERS, FILMS, film_flags, run_json

#: the wire's cell (nm): the FE width averages then reach ≤ 7e-11 of the exact ones (P2, 4th order)
CELL_NM = 0.02
#: measured at CELL_NM: averages, fields, centre values ≤ 6.6e-11 relative; the bulk keys are exact (round-off,
#: 1e-13 stated)
WIRE_REL = 1e-9
#: the bilayer with its default cells (λ/20, P2): measured ≤ 5.8e-9 relative
BILAYER_REL = 5e-8


def _approx(value, ref, rel, scale=None):
    """|value − ref| ≤ rel · scale (default |ref|): scale is the size of the vector a component belongs to."""
    scale = abs(ref) if scale is None else scale
    assert abs(value - ref) <= rel * scale, (value, ref, abs(value - ref) / scale)


@pytest.fixture(scope="module", params=list(FILMS))
def wire_run(request, tmp_path_factory):
    case = FILMS[request.param]
    out = tmp_path_factory.mktemp(request.param)
    summary = run_json(["wire", *film_flags(case["inputs"]), "--width-nm", repr(case["inputs"]["width_nm"]),
                        "--cell-nm", repr(CELL_NM), "--out", str(out)])
    return case, summary, out


def test_wire_width_averages_in_si(wire_run):
    """The 1D wire's width averages against the exact cross-section: T⊥ and T∥ (J/m²) and B_FL, B_DL (T)."""
    case, s, _ = wire_run
    ref = case["wire_1d"]
    scale = np.hypot(ref["T_perp_J_per_m2"], ref["T_par_J_per_m2"])
    _approx(s["T_perp_J_per_m2"], ref["T_perp_J_per_m2"], WIRE_REL, scale)
    _approx(s["T_par_J_per_m2"], ref["T_par_J_per_m2"], WIRE_REL, scale)
    b_scale = np.hypot(ref["B_FL_T"], ref["B_DL_T"])
    _approx(s["B_FL_T"], ref["B_FL_T"], WIRE_REL, b_scale)
    _approx(s["B_DL_T"], ref["B_DL_T"], WIRE_REL, b_scale)


def test_wire_bulk_and_hall_free_keys_in_si(wire_run):
    """The wire's reference keys: the open bulk and the Hall-free bulk (edges ⟂ ŷ for every Ê)."""
    case, s, _ = wire_run
    for suffix, ref in (("bulk", case["bulk"]), ("bulk_hall_free", case["bulk_hall_free"])):
        for key in ("T_perp", "T_par"):
            assert s[f"{key}_{suffix}_J_per_m2"] == pytest.approx(ref[f"{key}_J_per_m2"], rel=1e-13, abs=0.0)
    np.testing.assert_allclose(s["s_bulk_hbar_per_m2"], case["bulk"]["s_hbar_per_m2"], rtol=0,
                               atol=1e-13 * np.linalg.norm(case["bulk"]["s_hbar_per_m2"]))
    assert s["B_FL_bulk_T"] == pytest.approx(case["bulk"]["B_FL_T"], rel=1e-13, abs=0.0)
    assert s["B_DL_bulk_T"] == pytest.approx(case["bulk"]["B_DL_T"], rel=1e-13, abs=0.0)


#: SI value of one unit as ``profile.csv``'s header states it
UNIT_TO_SI = {"nm": 1e-9, "hbar/nm^2": 1e18, "ħ/nm²": 1e18, "hbar/m^2": 1.0, "1/nm^2": 1e18, "1/m^2": 1.0,
              "1/(nm^2 fs)": 1e33, "J/m^2": 1.0 / sc.hbar}


def read_profile(out: Path) -> tuple[dict[str, float], list[dict]]:
    """The rows of ``profile.csv`` and, per column, the factor to SI of the unit its ``# units:`` line states
    (torque columns: to a rate in 1/(m² s), which × ħ is J/m²)."""
    lines = (out / "profile.csv").read_text().splitlines()
    assert lines[0].startswith("# units:"), lines[0]
    factors = {}
    for item in lines[0].removeprefix("# units:").split(","):
        name, unit = item.strip().split(" ", 1)
        unit = unit.strip().strip("[]")
        assert unit in UNIT_TO_SI, f"profile.csv states a unit this test does not know: {item!r}"
        factors[name] = UNIT_TO_SI[unit]
    return factors, list(csv.DictReader(lines[1:]))


def test_wire_profile_centre_in_the_units_of_its_header(wire_run):
    """``profile.csv``'s middle row (y = W/2) and a quarter row against the exact s, ν and torque there."""
    case, _, out = wire_run
    f, rows = read_profile(out)
    ref = case["wire_1d"]
    mid = rows[len(rows) // 2]
    assert float(mid["y_nm"]) * f["y_nm"] == pytest.approx(case["inputs"]["width_nm"] * 0.5e-9, rel=1e-14)
    s_ref = np.array(ref["s_centre_hbar_per_m2"])
    s_fe = np.array([float(mid[k]) * f[k] for k in ("s_x", "s_y", "s_z")])
    np.testing.assert_allclose(s_fe, s_ref, rtol=0, atol=WIRE_REL * np.linalg.norm(s_ref))
    # ν: on the scale of ν across the width (it vanishes identically for m = x̂, E ∥ x̂)
    nu_scale = max(abs(ref["nu_quarter_per_m2"]), abs(ref["nu_centre_per_m2"]))
    quarter = rows[(len(rows) - 1) // 4]
    for row, key in ((mid, "nu_centre_per_m2"), (quarter, "nu_quarter_per_m2")):
        assert abs(float(row["nu"]) * f["nu"] - ref[key]) <= 1e-8 * nu_scale + 1e-30, (row["nu"], ref[key])
    t_scale = np.hypot(ref["T_perp_centre_J_per_m2"], ref["T_par_centre_J_per_m2"])
    _approx(float(mid["T_perp"]) * f["T_perp"] * sc.hbar, ref["T_perp_centre_J_per_m2"], WIRE_REL, t_scale)
    _approx(float(mid["T_par"]) * f["T_par"] * sc.hbar, ref["T_par_centre_J_per_m2"], WIRE_REL, t_scale)


@pytest.mark.parametrize("name", BILAYERS)
def test_bilayer_1d_in_si(name):
    """``rashba-diffusion bilayer`` (1D, default cells) against the reference's ODE solution."""
    case = BILAYERS[name]
    i, ref = case["inputs"], case["result"]
    argv = ["bilayer", "--hm-thickness-nm", repr(i["hm_thickness_nm"]), "--hm-lambda-nm", repr(i["hm_lambda_nm"]),
            "--hm-sigma-s-per-m", repr(i["hm_sigma_s_per_m"]), f"--theta-sh={i['theta_sh']!r}", "--interface",
            i["interface"], "--g-mix-real-s-per-m2", repr(i["g_mix_real_s_per_m2"]), "--g-mix-imag-s-per-m2",
            repr(i["g_mix_imag_s_per_m2"]), "--j-a-per-m2", repr(i["j_a_per_m2"]), "--fm-thickness-nm",
            repr(i["fm_thickness_nm"]), "--ms-a-per-m", repr(i["ms_a_per_m"]), f"--m={','.join(map(repr, i['m']))}"]
    for key in ("fm_sigma_s_per_m", "fm_lambda_j_nm", "fm_lambda_phi_nm", "fm_lambda_sf_nm"):
        if i[key] is not None:
            argv += ["--" + key.replace("_", "-"), repr(i[key])]
    s = run_json(argv)
    xi_scale = np.hypot(ref["xi_DL"], ref["xi_FL"])
    for k in ("xi_DL", "xi_FL"):
        _approx(s[k], ref[k], BILAYER_REL, xi_scale)
        _approx(s[f"{k}_analytic_1d"], ref[k], 1e-13, xi_scale)
    t_scale = np.hypot(ref["T_DL_J_per_m2"], ref["T_FL_J_per_m2"])
    for k in ("T_DL_J_per_m2", "T_FL_J_per_m2"):
        _approx(s[k], ref[k], BILAYER_REL, t_scale)
    np.testing.assert_allclose(s["T_vector_J_per_m2"], ref["T_vector_J_per_m2"], rtol=0,
                               atol=BILAYER_REL * np.linalg.norm(ref["T_vector_J_per_m2"]))
    b_scale = np.hypot(ref["B_DL_T"], ref["B_FL_T"])
    for k in ("B_DL_T", "B_FL_T"):
        _approx(s[k], ref[k], BILAYER_REL, b_scale)


def test_reference_fixture_is_json():
    """The fixture the tests read is strict JSON (no NaN/Infinity)."""
    path = Path(__file__).resolve().parents[1] / "reference" / "independent_si.json"
    json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(f"non-finite {c} in the fixture"))


def test_wire_sweep_rows_in_si():
    """A zip sweep over three reference cases (every material field, both rules, the field and m as axes) on one
    mesh: its bulk and Hall-free columns are the reference's to round-off, and its wire columns, where the
    case's width is the sweep's, to the mesh's accuracy."""
    from rashba_diffusion.studies.sweep.engine import run_sweep
    from rashba_diffusion.studies.sweep.registry import config_from_dict

    cases = [FILMS[n] for n in ("oblique_eq17", "out_of_plane_eq38", "perpendicular_hamiltonian")]
    fields = ("alpha_ev_nm", "tau_s", "tau_sf_s", "kf_per_nm", "delta_xc_ev", "mass_ratio", "polarization_rule",
              "precession_rule", "efield_v_per_m")
    axes = {f: [c["inputs"][f] for c in cases] for f in fields}
    axes["direction"] = [c["inputs"]["e_direction"] for c in cases]
    axes["m"] = [c["inputs"]["m"] for c in cases]
    width = 40.0
    cfg = config_from_dict({"geometry": {"width_nm": width}, "mesh": {"cell_nm": CELL_NM},
                            "sweep": {"mode": "zip", "axes": axes}})
    rows = run_sweep(cfg).rows
    assert len(rows) == len(cases)
    for row, case in zip(rows, cases, strict=True):
        for suffix, ref in (("bulk", case["bulk"]), ("bulk_hall_free", case["bulk_hall_free"])):
            for key in ("T_perp", "T_par"):
                assert row[f"{key}_{suffix}_J_per_m2"] == pytest.approx(ref[f"{key}_J_per_m2"], rel=1e-13, abs=0.0)
        s_ref = case["bulk"]["s_hbar_per_m2"]
        s_row = [row[f"s_bulk_{c}_hbar_per_m2"] for c in "xyz"]
        np.testing.assert_allclose(s_row, s_ref, rtol=0, atol=1e-13 * np.linalg.norm(s_ref))
        if case["inputs"]["width_nm"] == width:
            ref = case["wire_1d"]
            scale = np.hypot(ref["T_perp_J_per_m2"], ref["T_par_J_per_m2"])
            _approx(row["T_perp_J_per_m2"], ref["T_perp_J_per_m2"], WIRE_REL, scale)
            _approx(row["T_par_J_per_m2"], ref["T_par_J_per_m2"], WIRE_REL, scale)
