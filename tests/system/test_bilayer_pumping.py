"""Spin pumping of the HM/FM bilayer from the finite-element drift-diffusion solve (``bilayer --pumping``) against
the backflow formula derived by hand (docs/model.md §13.5.2, written out again here), and the ringdown of a
macrospin that carries it (``macrospin --torque bilayer --pumping``) against the linearized LLG eigenvalue."""

from __future__ import annotations

import json
import math

import pytest
from scipy import constants as sc

from rashba_diffusion import cli
from rashba_diffusion.physics.bilayer import Ferromagnet, HeavyMetal, Interface
from rashba_diffusion.problems.bilayer import solve_bilayer

MS, D_F_NM = 8.0e5, 2.0
GAMMA = abs(sc.physical_constants["electron gyromag. ratio"][0])
LAMBDA_NM, SIGMA = 1.4, 7e6


def backflow_alpha(g: complex, d_n_nm: float, d_f_nm: float = D_F_NM) -> complex:
    """α' + iα'_i = γħ²G/(2e²Ms d_F) / (1 + 2λρG coth(d_N/λ)), ρ = 1/σ_N."""
    lam = LAMBDA_NM * 1e-9
    k = GAMMA * sc.hbar**2 / (2 * sc.e**2 * MS * d_f_nm * 1e-9)
    return k * g / (1 + 2 * lam / SIGMA * g / math.tanh(d_n_nm / LAMBDA_NM))


@pytest.mark.parametrize("g", [5e14, 3e14 + 4e14j], ids=["G_i=0", "G_i=4e14"])
@pytest.mark.parametrize("d_n_nm", [0.5, 1.4, 3.0, 10.0])
def test_pumping_damping_is_the_backflow_formula(d_n_nm, g):
    g = complex(g)
    hm = HeavyMetal(d_n_nm, LAMBDA_NM, SIGMA, 0.19)
    fm = Ferromagnet(thickness_nm=D_F_NM, ms_a_per_m=MS)
    s = solve_bilayer(hm, fm, Interface("mixing", g.real, g.imag), (0.0, 0.0, 1.0), 1e11, pumping=True).summary
    ref = backflow_alpha(g, d_n_nm)
    assert s["gilbert_damping_enhancement"] > 0
    # measured ≤ 8e-10 (the issue asks for 1e-3)
    assert s["gilbert_damping_enhancement"] == pytest.approx(ref.real, rel=1e-6)
    assert s["pumping_reactive_coefficient"] == pytest.approx(ref.imag, rel=1e-6, abs=1e-6 * abs(ref))
    assert s["gyromagnetic_ratio_factor"] == pytest.approx(1 / (1 - ref.imag), rel=1e-8)


def test_pumping_does_not_depend_on_m_and_leaves_the_torque_alone():
    hm = HeavyMetal(3.0, LAMBDA_NM, SIGMA, 0.19)
    fm = Ferromagnet(thickness_nm=D_F_NM, ms_a_per_m=MS)
    it = Interface("mixing", 5e14, 1e14)
    plain = solve_bilayer(hm, fm, it, (0.6, 0.0, 0.8), 1e11).summary
    a = solve_bilayer(hm, fm, it, (0.6, 0.0, 0.8), 1e11, pumping=True).summary
    b = solve_bilayer(hm, fm, it, (0.0, 1.0, 0.0), 1e11, pumping=True).summary
    for k in ("xi_DL", "xi_FL", "T_DL_J_per_m2"):
        assert a[k] == plain[k]  # the pumping solve restores the model
    for k in ("gilbert_damping_enhancement", "pumping_reactive_coefficient"):
        assert a[k] == pytest.approx(b[k], rel=1e-12)


def test_bilayer_command_pumping(capsys):
    rc = cli.main(["bilayer", "--hm-thickness-nm", "3", "--hm-lambda-nm", str(LAMBDA_NM), "--hm-sigma-s-per-m",
                   str(SIGMA), "--g-mix-real-s-per-m2", "5e14", "--g-mix-imag-s-per-m2", "0", "--ms-a-per-m", str(MS),
                   "--fm-thickness-nm", str(D_F_NM), "--pumping", "--json"])
    s = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert s["gilbert_damping_enhancement"] == pytest.approx(backflow_alpha(5e14, 3.0).real, rel=1e-6)
    assert s["gilbert_damping_enhancement_analytic_1d"] == pytest.approx(backflow_alpha(5e14, 3.0).real, rel=1e-12)
    assert s["pumping_reactive_coefficient"] == 0.0


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--pumping"], ["fm_ms_a_per_m", "--ms-a-per-m", "--fm-thickness-nm"]),
        (["--pumping", "--ms-a-per-m", "8e5", "--fm-thickness-nm", "2", "--fm-lambda-j-nm", "1"],
         ["spin pumping", "finite", "ideal-sink"]),
    ],
)
def test_bilayer_pumping_bad_input_exits_2(argv, words, capsys):
    rc = cli.main(["bilayer", *argv, "--json"])
    err = capsys.readouterr()
    assert rc == 2 and err.out == ""
    for w in words:
        assert w in err.err, (w, err.err)


# --------------------------------------------------------------------------- the ringdown with pumping
FILM = ["--ms-a-per-m", str(MS), "--b-ext-t", "0.05,0,0", "--b-k-t", "0.01", "--easy-axis", "1,0,0",
        "--demag-factors", "0,0,1", "--m0", "0.9999995,0.0006,0.0008", "--t-end-ns", "3"]


def ringdown(alpha: float, alpha_i: float = 0.0) -> tuple[float, float]:
    """(f in GHz, Γ in 1/s) of the in-plane film (B = 50 mT, B_K = 10 mT): the linearized LLG with γ' = γ/(1 − α_i),
    α' = α/(1 − α_i), K = diag(B + B_K, B + B_K + μ0Ms)."""
    k1 = 0.06
    k2 = k1 + sc.mu_0 * MS
    g, a = GAMMA / (1 - alpha_i), alpha / (1 - alpha_i)
    gam = a * g * (k1 + k2) / (2 * (1 + a * a))
    return math.sqrt(g * g * k1 * k2 / (1 + a * a) - gam * gam) / (2 * math.pi) / 1e9, gam


@pytest.mark.parametrize("g_i", [0.0, 4e14])
def test_ringdown_with_pumping_decays_at_the_enhanced_rate(g_i, capsys):
    alpha0 = 0.01
    bilayer = ["--torque", "bilayer", "--hm-thickness-nm", "3", "--hm-lambda-nm", str(LAMBDA_NM),
               "--hm-sigma-s-per-m", str(SIGMA), "--g-mix-real-s-per-m2", "3e14", "--g-mix-imag-s-per-m2", str(g_i),
               "--fm-thickness-nm", str(D_F_NM)]

    def run(extra):
        assert cli.main(["macrospin", *FILM, "--alpha-gilbert", str(alpha0), *extra, "--json"]) == 0
        return json.loads(capsys.readouterr().out)

    bare, pumped = run([]), run([*bilayer, "--pumping"])
    ref = backflow_alpha(complex(3e14, g_i), 3.0)
    assert pumped["gilbert_damping_enhancement"] == pytest.approx(ref.real, rel=1e-6)
    assert pumped["gilbert_damping"] == pytest.approx(alpha0 + ref.real, rel=1e-6)
    rate = pumped["ringdown_decay_rate_per_s"] / bare["ringdown_decay_rate_per_s"]
    if g_i == 0.0:
        # (α0 + α')/α0 up to (1 + α0²)/(1 + (α0 + α')²) = 1 − 1.5e-4
        assert rate == pytest.approx((alpha0 + ref.real) / alpha0, rel=1e-3)
    f, gam = ringdown(alpha0 + ref.real, ref.imag)
    # measured ~3e-7 (the integration)
    assert pumped["ringdown_decay_rate_per_s"] == pytest.approx(gam, rel=1e-5)
    assert pumped["ringdown_frequency_ghz"] == pytest.approx(f, rel=1e-5)
    assert pumped["torque_structure_residual"] == 0.0  # j = 0: no torque, no structure to check
