"""Validation of inputs: every bad value gives an error naming parameter, value,
unit and valid range, before any solve, and nothing is written."""

import math

import pytest

from rashba_diffusion import cli
from rashba_diffusion.errors import ParameterError
from rashba_diffusion.physics.rashba import Drive, Film, paper_film
from rashba_diffusion.units import HBAR_EV_FS


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--tau-s=-1e-15"], ["tau_s", "-1e-15", " s ", "[1e-18, 1e-09]"]),
        (["--tau-s", "0"], ["tau_s", "0.0", " s ", "[1e-18, 1e-09]"]),
        (["--tau-sf-s", "nan"], ["tau_sf_s", "nan", " s ", "[1e-18, 0.001] or inf"]),
        (["--tau-delta-s=-1e-14"], ["tau_delta_s", "-1e-14", " s ", "[1e-18, 0.001] or inf"]),
        (["--kf-per-nm", "0"], ["kf_per_nm", "1/nm", "[0.001, 100]"]),
        (["--alpha-ev-nm=-0.01"], ["alpha_ev_nm", "-0.01", "eV·nm", "[0, 10]"]),
        (["--alpha-ev-nm", "nan"], ["alpha_ev_nm", "nan", "eV·nm", "[0, 10]"]),
        (["--efield-v-per-m", "inf"], ["efield_v_per_m", "inf", "V/m", "[-1e+10, 1e+10]"]),
        (["--m", "1,1,0"], ["m", "norm 1.414", "|m| = 1"]),
        (["--m", "1,0"], ["m", "need 3 finite components"]),
        (["--e-direction", "0,0,1"], ["direction", "film plane"]),
        (["--width-nm", "0"], ["width_nm", "0.0", "nm", "(0, 1e+09]"]),
        (["--cell-nm=-1"], ["cell_nm", "-1.0", "nm", "(0, 1e+09]"]),
        (["--cell-nm", "40"], ["cell_nm", "40.0", "nm", "width_nm/2"]),
        (["--polarization", "2"], ["polarization", "2.0", "[-1, 1]"]),
        (["--ms-a-per-m", "8e5"], ["--ms-a-per-m", "--thickness-nm"]),
    ],
)
def test_cli_rejects_bad_values_and_writes_nothing(argv, words, tmp_path, capsys):
    out = tmp_path / "out"
    rc = cli.main(["wire", *argv, "--out", str(out), "--json"])
    err = capsys.readouterr()
    assert rc == 2
    assert err.out == ""
    for w in words:
        assert w in err.err, (w, err.err)
    assert not out.exists()


@pytest.mark.parametrize(
    "argv", [["--geometry", "3d"], ["--polarization-rule", "half"], ["--degree", "7"], ["--m", "a,b,c"]]
)
def test_cli_rejects_unknown_flag_values(argv, tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["wire", *argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert argv[0] in err
    assert not out.exists()


def test_film_requires_exactly_one_exchange_parameter():
    with pytest.raises(ParameterError, match="exactly one of delta_xc_ev"):
        Film(alpha_ev_nm=0.01, tau_s=1e-15, tau_sf_s=1e-12, kf_per_nm=4.3)
    with pytest.raises(ParameterError, match="exactly one of delta_xc_ev"):
        Film(alpha_ev_nm=0.01, tau_s=1e-15, tau_sf_s=1e-12, kf_per_nm=4.3, delta_xc_ev=0.1, tau_delta_s=1e-14)


def test_parameters_are_immutable():
    f = paper_film()
    with pytest.raises(AttributeError):
        f.tau_s = 1.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        Drive(1e5).efield_v_per_m = 0.0  # type: ignore[misc]


def test_coefficients_against_hand_values():
    """Fig. 2 material: D = τ vF²/2, 1/τΔ = Δxc/ħ = 1/(1e-14 s), ς² and 1/τdp by hand (SI)."""
    c = paper_film(5e-2).coefficients()
    hbar, me, ev = 1.054571817e-34, 9.1093837015e-31, 1.602176634e-19
    vf = hbar * 4.3e9 / me
    assert math.isclose(c.v_F, vf * 1e-6, rel_tol=1e-7)  # nm/fs
    assert math.isclose(c.D, 1e-15 * vf**2 / 2 * 1e3, rel_tol=1e-7)  # m²/s -> nm²/fs
    assert math.isclose(c.inv_tau_delta, 0.1, rel_tol=1e-12)
    ak = 0.05 * ev * 1e-9 * 4.3e9 / hbar  # αkF/ħ in 1/s
    dx = hbar / 1e-14 / hbar  # Δxc/ħ in 1/s
    vs2 = (dx**2 / 4 + ak**2) * 1e-30
    assert math.isclose(c.varsigma2, vs2, rel_tol=1e-7)
    assert math.isclose(c.inv_tau_dp, 2 * ak**2 * 1e-15 / (4 * vs2 + 1) * 1e-15, rel_tol=1e-7)
    assert math.isclose(c.eps_F * ev, (hbar * 4.3e9) ** 2 / (2 * me), rel_tol=1e-7)
    assert math.isclose(HBAR_EV_FS, 0.6582119569, rel_tol=1e-7)


def test_polarization_rules():
    """PF = −Δxc/(4εF) (hamiltonian, the default), Δxc/εF (eq17), Δxc/(2εF) (eq38), written out here with
    εF = ħ²kF²/2mₑ and Δxc = ħ/τΔ in SI; S0 = s0 m with s0 = n PF, n = kF²/2π."""
    f = paper_film()
    assert f.polarization_rule == "hamiltonian"
    hbar, me, ev = 1.054571817e-34, 9.1093837015e-31, 1.602176634e-19
    eps_f = (hbar * 4.3e9) ** 2 / (2 * me) / ev
    delta = hbar / 1e-14 / ev
    expected = {"hamiltonian": -delta / (4 * eps_f), "eq17": delta / eps_f, "eq38": delta / (2 * eps_f)}
    for rule, pf in expected.items():
        c = f.replace(polarization_rule=rule).coefficients()
        assert math.isclose(c.PF, pf, rel_tol=1e-7), rule
        assert math.isclose(c.s0_per_nm2, 4.3**2 / (2 * math.pi) * pf, rel_tol=1e-7), rule
    assert f.replace(polarization=0.3).coefficients().PF == 0.3
    with pytest.raises(ParameterError, match="polarization_rule"):
        f.replace(polarization_rule="eq99")
