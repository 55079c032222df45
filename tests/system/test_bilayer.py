"""HM/FM bilayer against independent references: the closed-form 1D drift-diffusion solution (derived by hand
in docs/model.md §11, not from the FE code), the textbook spin accumulation of an isolated spin Hall film, the
m -> -m symmetry of the torques, 2D vs 1D, the command line, bad inputs, and 1 vs 2 MPI ranks."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from rashba_diffusion import cli
from rashba_diffusion.errors import ParameterError
from rashba_diffusion.physics.bilayer import (
    SIGMA_HAT,
    Ferromagnet,
    HeavyMetal,
    Interface,
    absorbed_spin_current,
    analytic_efficiencies,
)
from rashba_diffusion.problems.bilayer import solve_bilayer
from rashba_diffusion.problems.specs import BilayerSpec
from rashba_diffusion.units import HBAR_OVER_2E

from ..mpi_ranks import SERIAL_REL, check_parallel, run_ranks

LAMBDA_NM = 1.4
J = 1e11
MIXING = Interface("mixing", 5e14, 1e14)
#: Im G comparable to Re G, so that the field-like part is not a small correction
MIXING_IM = Interface("mixing", 3e14, 4e14)
SINK = Ferromagnet()
FINITE_FM = Ferromagnet(thickness_nm=2.0, sigma_s_per_m=4e6, lambda_j_nm=1.0, lambda_phi_nm=1.5, lambda_sf_nm=5.0)
#: the 1D FE against the closed form with the default cells (λ/20, P2): measured ≤ 8e-9 relative
FE_REL = 2e-7


def hm(d_over_lambda: float, theta: float = 0.19) -> HeavyMetal:
    return HeavyMetal(d_over_lambda * LAMBDA_NM, LAMBDA_NM, 7e6, theta)


@pytest.mark.parametrize("interface", [MIXING, MIXING_IM], ids=["G=5+1i", "G=3+4i"])
@pytest.mark.parametrize("d_over_lambda", [0.2, 0.5, 1.0, 2.0, 5.0])
def test_ideal_sink_matches_closed_form(d_over_lambda, interface):
    h = hm(d_over_lambda)
    s = solve_bilayer(h, SINK, interface, (0.0, 0.0, 1.0), J).summary
    # the closed form written out here as well (Haney et al. PRB 87, 174411, Eq. for the drift-diffusion model)
    delta = d_over_lambda
    g_n = h.sigma_s_per_m / (2 * LAMBDA_NM * 1e-9) * math.tanh(delta)
    w = interface.g_complex / (interface.g_complex + g_n)
    xi_dl, xi_fl = h.theta_sh * (1 - 1 / math.cosh(delta)) * w.real, h.theta_sh * (1 - 1 / math.cosh(delta)) * w.imag
    assert analytic_efficiencies(h, SINK, interface) == pytest.approx((xi_dl, xi_fl), rel=1e-12)
    assert s["xi_DL"] == pytest.approx(xi_dl, rel=FE_REL)
    assert s["xi_FL"] == pytest.approx(xi_fl, rel=FE_REL)
    # torques per area follow from ξ = (2e/ħ) T / j_N
    assert s["T_DL_J_per_m2"] == pytest.approx(xi_dl * HBAR_OVER_2E * J, rel=FE_REL)


@pytest.mark.parametrize("interface", [MIXING, Interface("continuous")], ids=["mixing", "continuous"])
@pytest.mark.parametrize("m", [(0.0, 0.0, 1.0), (0.6, 0.0, 0.8), (0.0, 1.0, 0.0)])
def test_finite_ferromagnet_matches_closed_form(interface, m):
    h = hm(2.0)
    s = solve_bilayer(h, FINITE_FM, interface, m, J).summary
    xi_dl, xi_fl = analytic_efficiencies(h, FINITE_FM, interface)
    assert s["xi_DL"] == pytest.approx(xi_dl, rel=FE_REL)
    assert s["xi_FL"] == pytest.approx(xi_fl, rel=FE_REL)
    assert s["linear_response_probe"] == (m == (0.0, 1.0, 0.0))


def test_limits_of_the_closed_form():
    """Series combination: a very thin-dephasing FM behind a huge G is the ideal sink with G = G_F; a huge G to
    an ideal sink is the transparent limit ξ = θ(1 − sech)."""
    h = hm(3.0)
    big = Interface("mixing", 1e22, 0.0)
    xi_dl, xi_fl = analytic_efficiencies(h, SINK, big)
    assert xi_dl == pytest.approx(h.theta_sh * (1 - 1 / math.cosh(3.0)), rel=1e-6)
    assert abs(xi_fl) < 1e-9
    thick = Ferromagnet(thickness_nm=50.0, lambda_phi_nm=0.7)  # G_F = σ/(2λφ) (real)
    g_f = Interface("mixing", 7e6 / (2 * 0.7e-9), 0.0)
    assert analytic_efficiencies(h, thick, Interface("continuous")) == pytest.approx(
        analytic_efficiencies(h, SINK, g_f), rel=1e-9)


def test_isolated_spin_hall_film_accumulation():
    """G = 0: no torque, and the top-surface accumulation is the textbook μ_s = (2λθ_SH j/σ) tanh(d/2λ) σ̂."""
    h = hm(1.5)
    r = solve_bilayer(h, SINK, Interface("mixing", 0.0, 0.0), (0.0, 0.0, 1.0), J)
    assert np.allclose(r.summary["T_vector_J_per_m2"], 0.0, atol=1e-20)
    from rashba_diffusion.fem.postprocess import evaluate_points

    mu = evaluate_points(r.solution, np.zeros((1, 3)))[0]  # z = 0: the interface
    expected = 2 * h.lambda_nm * 1e-9 * h.theta_sh * J / h.sigma_s_per_m * math.tanh(1.5 / 2)
    np.testing.assert_allclose(mu, expected * SIGMA_HAT, rtol=1e-6, atol=1e-9 * expected)


@pytest.mark.parametrize("fm, interface", [(SINK, MIXING_IM), (FINITE_FM, MIXING)], ids=["sink", "finite"])
def test_dl_even_fl_odd_under_m_reversal(fm, interface):
    m = np.array([0.48, 0.6, 0.64])
    tp = np.array(solve_bilayer(hm(1.0), fm, interface, m, J).summary["T_vector_J_per_m2"])
    tm = np.array(solve_bilayer(hm(1.0), fm, interface, -m, J).summary["T_vector_J_per_m2"])
    even, odd = 0.5 * (tp + tm), 0.5 * (tp - tm)
    dl_dir = np.cross(m, np.cross(SIGMA_HAT, m))
    fl_dir = np.cross(SIGMA_HAT, m)
    scale = np.linalg.norm(tp)
    # the even part is purely damping-like, the odd part purely field-like, and both are present
    assert abs(even @ fl_dir) < 1e-9 * scale and abs(odd @ dl_dir) < 1e-9 * scale
    assert np.linalg.norm(np.cross(even, dl_dir)) < 1e-9 * scale
    assert np.linalg.norm(np.cross(odd, fl_dir)) < 1e-9 * scale
    assert np.linalg.norm(even) > 0.1 * scale and np.linalg.norm(odd) > 0.05 * scale


def test_2d_cross_section_middle_is_the_1d_film():
    h = hm(2.0)
    m = (0.6, 0.0, 0.8)
    spec = BilayerSpec("2d", width_nm=16 * h.thickness_nm, cell_nm=0.35)
    r = solve_bilayer(h, SINK, MIXING, m, J, spec)
    from rashba_diffusion.fem.postprocess import evaluate_points

    w = spec.width_nm
    mu = evaluate_points(r.solution, np.array([[w / 2, 0.0, 0.0]]))[0]
    t_mid = HBAR_OVER_2E * absorbed_spin_current(mu, m, MIXING)
    dl_dir, fl_dir = np.cross(m, np.cross(SIGMA_HAT, m)), np.cross(SIGMA_HAT, m)
    n2 = fl_dir @ fl_dir
    xi_dl, xi_fl = analytic_efficiencies(h, SINK, MIXING)
    to_xi = 1 / (HBAR_OVER_2E * J)
    # measured 4.7e-5 (the mid-point value on 0.35 nm cells)
    assert (t_mid @ dl_dir) / n2 * to_xi == pytest.approx(xi_dl, rel=1e-3)
    assert (t_mid @ fl_dir) / n2 * to_xi == pytest.approx(xi_fl, rel=1e-3)
    # near a side the z-polarized spin Hall current flowing along y adds a transverse accumulation
    mu_edge = evaluate_points(r.solution, np.array([[0.0, 0.0, 0.0]]))[0]
    assert abs(mu_edge[2]) > 1e-2 * abs(mu[1])


CONTRACT = ["bilayer", "--hm-thickness-nm", "3", "--hm-lambda-nm", "1.4", "--hm-sigma-s-per-m", "7e6",
            "--theta-sh", "0.19", "--g-mix-real-s-per-m2", "5e14", "--g-mix-imag-s-per-m2", "1e14"]


def run_cli(args, env):
    cmd = [sys.executable, "-m", "rashba_diffusion.cli", *args]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_cli_contract(cli_env, tmp_path):
    s = run_cli([*CONTRACT, "--m", "0,1,0", "--json", "--out", str(tmp_path)], cli_env)
    for k in ("xi_DL", "xi_FL", "T_DL_J_per_m2", "T_FL_J_per_m2", "dofs"):
        assert k in s
    h = HeavyMetal(3, 1.4, 7e6, 0.19)
    xi_dl, xi_fl = analytic_efficiencies(h, SINK, MIXING)
    assert s["xi_DL"] == pytest.approx(xi_dl, rel=FE_REL) and s["xi_FL"] == pytest.approx(xi_fl, rel=FE_REL)
    assert s["T_FL_J_per_m2"] == pytest.approx(xi_fl * HBAR_OVER_2E * 1e11, rel=FE_REL)  # default j = 1e11 A/m²
    assert json.loads((tmp_path / "summary.json").read_text())["xi_DL"] == s["xi_DL"]
    finite = run_cli([*CONTRACT, "--fm-thickness-nm", "2", "--fm-lambda-j-nm", "1", "--fm-lambda-phi-nm", "1.5",
                      "--fm-lambda-sf-nm", "5", "--m", "0,0,1", "--ms-a-per-m", "1e6", "--json"], cli_env)
    fm = Ferromagnet(thickness_nm=2, lambda_j_nm=1, lambda_phi_nm=1.5, lambda_sf_nm=5)
    assert finite["xi_DL"] == pytest.approx(analytic_efficiencies(h, fm, MIXING)[0], rel=FE_REL)
    # B = T/(Ms d_F)
    assert finite["B_DL_T"] == pytest.approx(finite["T_DL_J_per_m2"] / (1e6 * 2e-9), rel=1e-12)


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--hm-thickness-nm", "0"], ["hm_thickness_nm", "0.0", "nm", "(0, 1e+09]"]),
        (["--hm-lambda-nm=-1.4"], ["hm_lambda_nm", "-1.4", "nm", "(0, 1e+09]"]),
        (["--hm-sigma-s-per-m", "nan"], ["hm_sigma_s_per_m", "nan", "S/m", "(0, 1e+10]"]),
        (["--theta-sh", "inf"], ["theta_sh", "inf", "[-100, 100]"]),
        (["--g-mix-real-s-per-m2=-5e14"], ["g_mix_real_s_per_m2", "-5e+14", "S/m²", "[0, 1e+24]"]),
        (["--fm-lambda-j-nm", "1"], ["fm_thickness_nm", "finite ferromagnet"]),
        (["--fm-thickness-nm", "2", "--fm-lambda-phi-nm", "0"], ["fm_lambda_phi_nm", "0.0", "nm", "(0, 1e+09] or inf"]),
        (["--interface", "continuous"], ["continuous", "finite ferromagnet"]),
        (["--ms-a-per-m", "1e6"], ["--fm-thickness-nm", "--ms-a-per-m"]),
        (["--m", "1,1,0"], ["m", "norm 1.414"]),
        (["--j-a-per-m2", "0"], ["j_a_per_m2", "A/m²", "0 < |j| <= 1e+15"]),
        (["--geometry", "2d", "--width-nm", "0"], ["width_nm", "0.0", "nm"]),
    ],
)
def test_cli_rejects_bad_input_before_solving(argv, words, tmp_path, capsys):
    out = tmp_path / "out"
    rc = cli.main([*CONTRACT, *argv, "--out", str(out), "--json"])
    err = capsys.readouterr()
    assert rc == 2 and err.out == ""
    for w in words:
        assert w in err.err, (w, err.err)
    assert not out.exists()


def test_finite_fm_without_fm_cells_errors_clearly():
    from rashba_diffusion.fem._compat import MPI
    from rashba_diffusion.meshing.structured import bilayer_mesh
    from rashba_diffusion.models.bilayer import BilayerModel

    g = bilayer_mesh(MPI.COMM_WORLD, 2.0, None, 0.5)
    with pytest.raises(ParameterError, match="cell tag 'fm'.*tags found"):
        BilayerModel(g, hm(1.0), FINITE_FM, MIXING, (0, 0, 1), {})


@pytest.mark.mpi
@pytest.mark.consistency
def test_2d_same_numbers_on_one_and_two_ranks(cli_env, tmp_path):
    """The 2D bilayer on 2 ranks: the mesh is split, every rank holds the same summary, equal to the 1-rank one;
    and it is the closed form (the independent reference)."""
    args = [*CONTRACT, "--geometry", "2d", "--width-nm", "12", "--cell-nm", "0.25", "--fm-thickness-nm", "2",
            "--fm-lambda-j-nm", "1", "--fm-lambda-phi-nm", "1.5", "--fm-lambda-sf-nm", "5", "--m", "0.6,0,0.8",
            "--json"]
    one, two = run_ranks(1, "cli", args, cli_env, tmp_path), run_ranks(2, "cli", args, cli_env, tmp_path)
    check_parallel(two, one, rel=SERIAL_REL)
    s = json.loads(two[0]["stdout"])
    assert s["ranks"] == 2
    fm = Ferromagnet(thickness_nm=2, lambda_j_nm=1, lambda_phi_nm=1.5, lambda_sf_nm=5)
    xi_dl, xi_fl = analytic_efficiencies(HeavyMetal(3, 1.4, 7e6, 0.19), fm, MIXING)
    # measured 1.1e-6 (2D, 0.25 nm cells)
    assert s["xi_DL"] == pytest.approx(xi_dl, rel=5e-5) and s["xi_FL"] == pytest.approx(xi_fl, rel=5e-5)
