"""The package's coefficients, infinite medium, closed forms, effective fields and bilayer efficiencies against
the independent SI reference of ``tests/reference/independent_si.py`` (written apart from the package, SI
constants from scipy.constants; fixture ``tests/reference/independent_si.json``).

Each case names its polarization rule (``hamiltonian``, ``eq17`` or ``eq38``) and precession rule explicitly;
the coefficients are checked under all three polarization rules.  The package works in nm, fs and eV, so every
comparison goes through the unit conversions (V/m → eV/nm, ħT → J/m², T) that users' numbers depend on; the SI
factors below are written here from scipy.constants, not taken from ``rashba_diffusion.units``.

Measured agreement: coefficients, bulk, Hall-free bulk, Eqs. 36-37 and the bilayer closed form to ≤ 2e-14
relative (round-off); the tolerances are 1e-13 (the Hall gradient, a difference of nearly equal terms, 1e-12).
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import constants as sc

from rashba_diffusion import cli
from rashba_diffusion.physics.bilayer import LLG_TORQUE_SIGN as BILAYER_LLG_SIGN
from rashba_diffusion.physics.bilayer import Ferromagnet, HeavyMetal, Interface, analytic_efficiencies
from rashba_diffusion.physics.bulk import WIRE_EDGE_NORMAL, solve_bulk, weak_coupling_torques
from rashba_diffusion.physics.rashba import LLG_TORQUE_SIGN, Drive, Film
from rashba_diffusion.physics.torque import effective_fields_tesla, torque_to_j_per_m2

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
SCRIPT = REFERENCE / "independent_si.py"
DATA = json.loads((REFERENCE / "independent_si.json").read_text())
FILMS = {c["inputs"]["name"]: c for c in DATA["film_cases"]}
BILAYERS = {c["inputs"]["name"]: c for c in DATA["bilayer_cases"]}
RULES = ("hamiltonian", "eq17", "eq38")
#: round-off of two computations in different units and orders (measured ≤ 9e-15)
REL = 1e-13

# internal unit -> SI, written from scipy.constants here (not from rashba_diffusion.units)
NM, FS = 1e-9, 1e-15
TO_SI = {
    "D": NM**2 / FS, "B": NM / FS, "C": NM / FS, "Gamma": NM / FS, "R": NM / FS,
    "inv_tau_dp": 1 / FS, "inv_tau_phi": 1 / FS, "inv_tau_delta": 1 / FS, "inv_tau_sf": 1 / FS,
    "NF": 1 / (sc.electron_volt * NM**2), "PF": 1.0, "eps_F": sc.electron_volt, "v_F": NM / FS, "n": 1 / NM**2,
    "varsigma2": 1.0,
}  # fmt: skip
SI_KEY = {"D": "D_m2_per_s", "B": "B_m_per_s", "C": "C_m_per_s", "Gamma": "Gamma_m_per_s", "R": "R_m_per_s",
          "inv_tau_dp": "inv_tau_dp_per_s", "inv_tau_phi": "inv_tau_phi_per_s",
          "inv_tau_delta": "inv_tau_delta_per_s", "inv_tau_sf": "inv_tau_sf_per_s", "NF": "NF_per_J_m2",
          "PF": "PF", "eps_F": "eps_F_J", "v_F": "v_F_m_per_s", "n": "n_per_m2", "varsigma2": "varsigma2"}


def film_of(inputs: dict, rule: str | None = None) -> Film:
    exchange = ({"delta_xc_ev": inputs["delta_xc_ev"]} if "delta_xc_ev" in inputs
                else {"tau_delta_s": inputs["tau_delta_s"]})
    return Film(alpha_ev_nm=inputs["alpha_ev_nm"], tau_s=inputs["tau_s"], tau_sf_s=inputs["tau_sf_s"],
                kf_per_nm=inputs["kf_per_nm"], mass_ratio=inputs["mass_ratio"],
                polarization_rule=rule or inputs["polarization_rule"], precession_rule=inputs["precession_rule"],
                **exchange)


def drive_of(inputs: dict) -> Drive:
    return Drive(inputs["efield_v_per_m"], tuple(inputs["e_direction"]))


def film_flags(inputs: dict) -> list[str]:
    """The command-line flags of a film case (rules named explicitly)."""
    exchange = (["--delta-xc-ev", repr(inputs["delta_xc_ev"])] if "delta_xc_ev" in inputs
                else ["--tau-delta-s", repr(inputs["tau_delta_s"])])
    vec = ",".join
    return ["--alpha-ev-nm", repr(inputs["alpha_ev_nm"]), "--tau-s", repr(inputs["tau_s"]), "--tau-sf-s",
            repr(inputs["tau_sf_s"]), "--kf-per-nm", repr(inputs["kf_per_nm"]), "--mass-ratio",
            repr(inputs["mass_ratio"]), *exchange, "--polarization-rule", inputs["polarization_rule"],
            "--precession-rule", inputs["precession_rule"], f"--efield-v-per-m={inputs['efield_v_per_m']!r}",
            f"--e-direction={vec(map(repr, inputs['e_direction']))}", f"--m={vec(map(repr, inputs['m']))}",
            "--ms-a-per-m", repr(inputs["ms_a_per_m"]), "--thickness-nm", repr(inputs["thickness_nm"])]


def run_json(argv: list[str]) -> dict:
    """``rashba-diffusion ARGV --json`` in this process (exit status 0 checked)."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = cli.main([*argv, "--json"])
    assert rc == 0, argv
    return json.loads(buf.getvalue())


def load_script():
    spec = importlib.util.spec_from_file_location("independent_si", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# -- the reference itself ---------------------------------------------------------------------------------------
def test_reference_imports_nothing_from_the_package():
    tree = ast.parse(SCRIPT.read_text())
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert names and not any(n.startswith("rashba_diffusion") or n.startswith(".") for n in names), names
    assert "rashba_diffusion" not in SCRIPT.read_text().replace("rashba-diffusion", "")


def _assert_tree_close(actual, expected, where=""):
    if isinstance(expected, dict):
        assert sorted(actual) == sorted(expected), where
        for k in expected:
            _assert_tree_close(actual[k], expected[k], f"{where}.{k}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), where
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            _assert_tree_close(a, e, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert actual == pytest.approx(expected, rel=1e-12, abs=1e-300), where
    else:
        assert actual == expected, where


def test_fixture_is_what_the_script_computes():
    """The committed JSON is the script's output (regenerate with ``python tests/reference/independent_si.py``)."""
    _assert_tree_close(json.loads(json.dumps(load_script().compute())), DATA)


# -- coefficients -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("name", FILMS)
def test_coefficients_in_si(name, rule):
    case = FILMS[name]
    c = film_of(case["inputs"], rule).coefficients()
    ref = case["coefficients_si"][rule]
    for key, factor in TO_SI.items():
        assert getattr(c, key) * factor == pytest.approx(ref[SI_KEY[key]], rel=REL, abs=0.0), key
    # the charge equation's couplings, as projected (docs/model.md §9 item 5), Γ off on ν
    assert (c.charge_B_factor, c.charge_R_factor, c.charge_G_factor) == (ref["k_B"], ref["k_R"], 0.0)


# -- the infinite medium --------------------------------------------------------------------------------------------
def _assert_torques(t_perp_j, t_par_j, ref):
    assert t_perp_j == pytest.approx(ref["T_perp_J_per_m2"], rel=REL, abs=0.0)
    assert t_par_j == pytest.approx(ref["T_par_J_per_m2"], rel=REL, abs=0.0)


@pytest.mark.parametrize("name", FILMS)
def test_open_bulk_spin_torques_and_fields_in_si(name):
    case = FILMS[name]
    inputs, ref = case["inputs"], case["bulk"]
    r = solve_bulk(film_of(inputs), drive_of(inputs), inputs["m"])
    np.testing.assert_allclose(r.s_per_m2, ref["s_hbar_per_m2"], rtol=0,
                               atol=REL * np.linalg.norm(ref["s_hbar_per_m2"]))
    _assert_torques(r.T_perp_j_per_m2, r.T_par_j_per_m2, ref)
    b_fl, b_dl = effective_fields_tesla(r.T_perp_j_per_m2, r.T_par_j_per_m2, inputs["ms_a_per_m"],
                                        inputs["thickness_nm"], llg_sign=LLG_TORQUE_SIGN)
    assert (b_fl, b_dl) == pytest.approx((ref["B_FL_T"], ref["B_DL_T"]), rel=REL, abs=0.0)


@pytest.mark.parametrize("name", FILMS)
def test_hall_free_bulk_of_the_wire_in_si(name):
    """The wire's interior: no charge current along its edge normal ŷ, whatever Ê (docs/model.md §8)."""
    case = FILMS[name]
    inputs, ref = case["inputs"], case["bulk_hall_free"]
    r = solve_bulk(film_of(inputs), drive_of(inputs), inputs["m"], hall_free_normal=WIRE_EDGE_NORMAL)
    np.testing.assert_allclose(r.s_per_m2, ref["s_hbar_per_m2"], rtol=0,
                               atol=REL * np.linalg.norm(ref["s_hbar_per_m2"]))
    _assert_torques(r.T_perp_j_per_m2, r.T_par_j_per_m2, ref)
    # ∇ν = g ŷ: g in 1/nm³ inside the package
    assert r.hall_gradient * 1e27 == pytest.approx(ref["grad_nu_per_m3"], rel=1e-12, abs=1e-30)


@pytest.mark.parametrize("name", FILMS)
def test_weak_coupling_eqs_36_37_in_si(name):
    case = FILMS[name]
    inputs = case["inputs"]
    t_perp, t_par = weak_coupling_torques(film_of(inputs).coefficients(), drive_of(inputs))
    _assert_torques(torque_to_j_per_m2(t_perp), torque_to_j_per_m2(t_par), case["weak_coupling_eq36_37"])


def test_perpendicular_magnetization_closed_form_with_dp_relaxation():
    """m = ẑ: the in-plane relaxation is isotropic, so T⊥ and T∥ have a closed form with D'yakonov-Perel
    relaxation (the reference's ``perpendicular_closed_form``) which the 3×3 solve and its T⊥/T∥ split must meet;
    T⊥ ≠ T∥ there, so a swap of the two fails."""
    cases = [c for c in FILMS.values() if "perpendicular_closed_form" in c]
    assert cases
    for case in cases:
        inputs, ref = case["inputs"], case["perpendicular_closed_form"]
        r = solve_bulk(film_of(inputs), drive_of(inputs), inputs["m"])
        _assert_torques(r.T_perp_j_per_m2, r.T_par_j_per_m2, ref)
        assert abs(ref["T_par_J_per_m2"]) > 10 * abs(ref["T_perp_J_per_m2"])


@pytest.mark.parametrize("name", FILMS)
def test_bulk_command_in_si(name):
    """``rashba-diffusion bulk --json`` (the flags parsed, the V/m and J/m² conversions, the field mapping)."""
    case = FILMS[name]
    out = run_json(["bulk", *film_flags(case["inputs"])])
    ref = case["bulk"]
    _assert_torques(out["T_perp_bulk_J_per_m2"], out["T_par_bulk_J_per_m2"], ref)
    _assert_torques(out["T_perp_J_per_m2"], out["T_par_J_per_m2"], ref)
    np.testing.assert_allclose(out["s_hbar_per_m2"], ref["s_hbar_per_m2"], rtol=0,
                               atol=REL * np.linalg.norm(ref["s_hbar_per_m2"]))
    assert out["B_FL_bulk_T"] == pytest.approx(ref["B_FL_T"], rel=REL, abs=0.0)
    assert out["B_DL_bulk_T"] == pytest.approx(ref["B_DL_T"], rel=REL, abs=0.0)


# -- the bilayer --------------------------------------------------------------------------------------------------
def bilayer_materials(inputs: dict) -> tuple[HeavyMetal, Ferromagnet, Interface]:
    hm = HeavyMetal(inputs["hm_thickness_nm"], inputs["hm_lambda_nm"], inputs["hm_sigma_s_per_m"],
                    inputs["theta_sh"])
    fm = Ferromagnet(thickness_nm=inputs["fm_thickness_nm"], sigma_s_per_m=inputs["fm_sigma_s_per_m"],
                     lambda_j_nm=inputs["fm_lambda_j_nm"], lambda_phi_nm=inputs["fm_lambda_phi_nm"],
                     lambda_sf_nm=inputs["fm_lambda_sf_nm"], ms_a_per_m=inputs["ms_a_per_m"])
    interface = Interface(inputs["interface"], inputs["g_mix_real_s_per_m2"], inputs["g_mix_imag_s_per_m2"])
    return hm, fm, interface


@pytest.mark.parametrize("name", BILAYERS)
def test_bilayer_closed_form_against_the_ode_solution(name):
    """docs/model.md §11.4's complex closed form against the reference's matrix-exponential solution of the 1D
    ODEs with the interface laws imposed directly."""
    case = BILAYERS[name]
    ref = case["result"]
    xi_dl, xi_fl = analytic_efficiencies(*bilayer_materials(case["inputs"]))
    assert (xi_dl, xi_fl) == pytest.approx((ref["xi_DL"], ref["xi_FL"]), rel=REL, abs=0.0)


@pytest.mark.parametrize("name", BILAYERS)
def test_bilayer_effective_fields_in_si(name):
    """B = T/(Ms d_F) with the bilayer's own LLG sign (+1, docs/model.md §10)."""
    case = BILAYERS[name]
    ref, inputs = case["result"], case["inputs"]
    b_fl, b_dl = effective_fields_tesla(ref["T_FL_J_per_m2"], ref["T_DL_J_per_m2"], inputs["ms_a_per_m"],
                                        inputs["fm_thickness_nm"], llg_sign=BILAYER_LLG_SIGN)
    assert (b_fl, b_dl) == pytest.approx((ref["B_FL_T"], ref["B_DL_T"]), rel=REL, abs=0.0)


def test_reference_cases_cover_every_rule_and_a_sign_change():
    """The cases exercise what they are meant to: each polarization rule as a case's own, both precession rules,
    an oblique Ê (where the Hall-free normal ŷ differs from ẑ × Ê), and torques of both signs."""
    inputs = [c["inputs"] for c in FILMS.values()]
    assert {i["polarization_rule"] for i in inputs} == set(RULES)
    assert {i["precession_rule"] for i in inputs} == {"eq17", "eq15"}
    assert any(abs(i["e_direction"][1]) > 0.5 for i in inputs)
    values = [c["bulk"][k] for c in FILMS.values() for k in ("T_perp_J_per_m2", "T_par_J_per_m2")]
    assert min(values) < 0 < max(values) and all(math.isfinite(v) for v in values)
