"""``rashba-diffusion macrospin`` and the ``llg`` sweep against closed forms derived by hand (docs/model.md §13.4):
the linearized LLG eigenvalue (Kittel ringdown), the Slonczewski threshold, the SOT switching threshold of Lee et
al. and the shape of the switching phase diagram; the self-consistent bilayer torque against the prescribed
fields of the closed-form bilayer (an independent path), the self-consistent Rashba torque against the
equilibrium condition with the ``wire`` command's torque; bad input."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import constants as sc

from rashba_diffusion import cli
from rashba_diffusion.physics.bilayer import Ferromagnet, HeavyMetal, Interface, analytic_efficiencies

MS = 8.0e5  # A/m: μ0Ms = 1.005 T
MU0MS = sc.mu_0 * MS
GAMMA = abs(sc.physical_constants["electron gyromag. ratio"][0])
#: an in-plane film along x̂ (B = 50 mT, B_K = 10 mT) tilted by ~1e-3 rad
FILM = ["--ms-a-per-m", str(MS), "--b-ext-t", "0.05,0,0", "--b-k-t", "0.01", "--easy-axis", "1,0,0",
        "--demag-factors", "0,0,1", "--m0", "0.9999995,0.0006,0.0008"]
HBAR_OVER_2E = sc.hbar / (2 * sc.e)


def run(argv: list[str], capsys) -> dict:
    """``rashba-diffusion macrospin ARGV --json`` in this process; its JSON (exit status 0 checked)."""
    rc = cli.main(["macrospin", *argv, "--json"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    return json.loads(out.out)


def ringdown_reference(alpha: float, b: float, b_k: float, alpha_i: float = 0.0) -> tuple[float, float]:
    """(f in GHz, Γ in 1/s) of the in-plane film: K = diag(B + B_K, B + B_K + μ0Ms), the linearized LLG with
    γ' = γ/(1 − α_i), α' = α/(1 − α_i): Γ = α'γ' tr K/(2(1 + α'²)), ω² = γ'² det K/(1 + α'²) − Γ²."""
    k1, k2 = b + b_k, b + b_k + MU0MS
    g, a = GAMMA / (1 - alpha_i), alpha / (1 - alpha_i)
    gam = a * g * (k1 + k2) / (2 * (1 + a * a))
    return math.sqrt(g * g * k1 * k2 / (1 + a * a) - gam * gam) / (2 * math.pi) / 1e9, gam


def test_kittel_ringdown_is_the_linearized_eigenvalue(capsys):
    s = run([*FILM, "--alpha-gilbert", "0.01", "--t-end-ns", "3"], capsys)
    f, gam = ringdown_reference(0.01, 0.05, 0.01)
    # measured: -3.4e-8 (f), +1.7e-7 (Γ) at the default rtol 1e-9 (the issue asks for 1e-3)
    assert s["ringdown_frequency_ghz"] == pytest.approx(f, rel=1e-5)
    assert s["ringdown_decay_rate_per_s"] == pytest.approx(gam, rel=1e-5)
    assert s["max_norm_error"] < 1e-14 and s["switched"] is False and s["switching_time_s"] is None
    assert s["torque"] == "prescribed" and "llg" in s["conventions"]


def test_midpoint_keeps_the_norm_and_the_ringdown(capsys):
    s = run([*FILM, "--alpha-gilbert", "0.01", "--t-end-ns", "2", "--method", "midpoint", "--dt-ps", "0.5"], capsys)
    f, gam = ringdown_reference(0.01, 0.05, 0.01)
    # the midpoint rule's phase error (ωh)²/12 = 4e-5 at h = 0.5 ps (docs/model.md §13.6.2)
    assert s["ringdown_frequency_ghz"] == pytest.approx(f, rel=2e-4)
    assert s["ringdown_decay_rate_per_s"] == pytest.approx(gam, rel=2e-4)
    assert s["max_norm_error"] < 1e-12


def test_slonczewski_threshold_within_one_percent(capsys, tmp_path):
    """Closed form a_J,c = α(B + B_K + μ0Ms/2) (p = −x̂ against m0 = +x̂): the tilt decays below, grows above."""
    alpha, b = 0.05, 0.02
    a_c = alpha * (b + 0.5 * MU0MS)

    def grows(a_j: float) -> bool:
        out = tmp_path / f"{a_j:.6f}"
        run(["--ms-a-per-m", str(MS), "--alpha-gilbert", str(alpha), "--b-ext-t", f"{b},0,0", "--demag-factors",
             "0,0,1", "--m0", f"{math.cos(1e-4)},{math.sin(1e-4)},0", "--a-j-t", str(a_j), "--p=-1,0,0",
             "--t-end-ns", "5", "--rtol", "1e-8", "--out", str(out)], capsys)
        data = np.loadtxt(out / "timeseries.csv", delimiter=",", skiprows=1)
        dev = np.linalg.norm(data[:, 1:4] - np.array([1.0, 0.0, 0.0]), axis=1)
        n = len(dev) // 10
        return dev[-n:].max() > dev[:n].max()

    assert not grows(0.99 * a_c)
    assert grows(1.01 * a_c)


def test_time_series_csv(capsys, tmp_path):
    """Columns with units, the first row is m0 with the prescribed torque τ = −γB_DL m×(m×σ) written out here."""
    m0 = np.array([0.6, 0.0, 0.8])
    s = run(["--ms-a-per-m", str(MS), "--alpha-gilbert", "0.1", "--b-ext-t", "0,0,0.1", "--b-dl-t", "0.02",
             "--sigma", "0,1,0", "--m0", "0.6,0,0.8", "--t-end-ns", "0.1", "--pulse-ns", "0.05", "--out",
             str(tmp_path)], capsys)
    lines = (tmp_path / "timeseries.csv").read_text().splitlines()
    assert lines[0] == "t_s,m_x,m_y,m_z,energy_density_j_per_m3,torque_x_per_s,torque_y_per_s,torque_z_per_s"
    data = np.loadtxt(tmp_path / "timeseries.csv", delimiter=",", skiprows=1)
    assert len(data) == s["time_steps"] + 1 and data[-1, 0] == pytest.approx(1e-10, rel=1e-14)
    tau0 = -GAMMA * 0.02 * np.cross(m0, np.cross(m0, [0.0, 1.0, 0.0]))
    assert data[0, 5:8] == pytest.approx(tau0, rel=1e-12, abs=1e-3)
    assert data[0, 4] == pytest.approx(-MS * 0.1 * 0.8, rel=1e-12)  # −Ms B·m
    assert np.all(data[data[:, 0] > 5e-11, 5:8] == 0.0)  # the pulse is over
    assert json.loads((tmp_path / "summary.json").read_text())["time_steps"] == s["time_steps"]


# --------------------------------------------------------------------------- the bilayer's torque, self-consistent
HM = HeavyMetal(3.0, 1.4, 7e6, 0.19)
INTERFACE = Interface("mixing", 5e14, 1e14)
BILAYER = ["--hm-thickness-nm", "3", "--hm-lambda-nm", "1.4", "--hm-sigma-s-per-m", "7e6", "--theta-sh", "0.19",
           "--g-mix-real-s-per-m2", "5e14", "--g-mix-imag-s-per-m2", "1e14", "--fm-thickness-nm", "1"]
#: a perpendicular magnet with an in-plane field, switched by the bilayer's damping-like torque
PERPENDICULAR = ["--ms-a-per-m", str(MS), "--alpha-gilbert", "0.5", "--b-ext-t", "0.05,0,0", "--b-k-t", "0.5",
                 "--m0", "0.1,0,0.99498743710662"]


def closed_form_fields(j: float, d_f_nm: float = 1.0) -> tuple[float, float]:
    """(B_DL, B_FL) = ξ (ħ/2e) j/(Ms d_F) with ξ of the closed-form 1D bilayer (docs/model.md §11.4)."""
    xi_dl, xi_fl = analytic_efficiencies(HM, Ferromagnet(), INTERFACE)
    k = HBAR_OVER_2E * j / (MS * d_f_nm * 1e-9)
    return xi_dl * k, xi_fl * k


@pytest.mark.parametrize("j, t_end_ns", [(-3e13, 1.5), (1.5e13, 1.5), (-3e13, 0.1)],
                         ids=["switching", "wrong sign", "mid-flight"])
def test_self_consistent_bilayer_equals_the_prescribed_closed_form_fields(j, t_end_ns, capsys):
    b_dl, b_fl = closed_form_fields(j)
    common = [*PERPENDICULAR, "--t-end-ns", str(t_end_ns), "--rtol", "1e-8"]
    if t_end_ns > 1:
        common += ["--pulse-ns", "1"]
    solved = run([*common, "--torque", "bilayer", *BILAYER, f"--j-a-per-m2={j!r}"], capsys)
    prescribed = run([*common, "--b-dl-t", repr(b_dl), "--b-fl-t", repr(b_fl), "--sigma", "0,1,0"], capsys)
    # measured 6e-9: the FE ξ against the closed form
    assert solved["B_DL_T"] == pytest.approx(b_dl, rel=1e-7) and solved["B_FL_T"] == pytest.approx(b_fl, rel=1e-7)
    if t_end_ns > 1:
        assert solved["switched"] == prescribed["switched"] == (j < 0)  # B_DL·B_x < 0 and |B_DL| > threshold
    # measured 5e-9 mid-flight, 1e-15 at the end of the switching runs (an attractor)
    assert solved["m_final"] == pytest.approx(prescribed["m_final"], abs=5e-7)
    assert solved["torque_structure_residual"] < 1e-10  # measured 2e-14
    assert solved["torque_solves"] == 2 and solved["llg_torque_sign"] == 1


def test_bilayer_solved_at_every_m_equals_the_angular_structure(capsys):
    common = [*PERPENDICULAR, "--t-end-ns", "0.15", "--rtol", "1e-7", "--torque", "bilayer", *BILAYER,
              "--j-a-per-m2=-3e13"]
    structure = run(common, capsys)
    solved = run([*common, "--torque-evaluation", "solve"], capsys)
    assert solved["torque_solves"] > 6 * solved["time_steps"]  # one solve per stage
    assert solved["torque_cache_hits"] == solved["time_steps"] + 1  # the time series' torque: no solve
    assert solved["m_final"] == pytest.approx(structure["m_final"], abs=1e-9)


# --------------------------------------------------------------------------- the Rashba film's torque
RASHBA = ["--torque", "rashba", "--thickness-nm", "5", "--width-nm", "20", "--cell-nm", "0.5",
          "--efield-v-per-m", "5e6"]


def test_self_consistent_rashba_run_ends_in_the_equilibrium_of_the_solved_torque(capsys):
    """At the end of a strongly damped run γ m×B_eff = τ(m) with τ = sign·γħT/(Ms t) and ħT the ``wire`` command's
    torque at the final m (decomposed as T⊥ û×m + T∥ m×(û×m), û = ŷ): a static equilibrium, checked with the
    closed-form effective field."""
    from rashba_diffusion.physics.rashba import LLG_TORQUE_SIGN as RASHBA_LLG_SIGN

    # α = 0.4: the slowest decay (underdamped, ~3e10 /s) leaves ~1e-8 of the initial tilt after 0.6 ns
    s = run(["--ms-a-per-m", str(MS), "--alpha-gilbert", "0.4", "--b-ext-t", "0.05,0,0", "--demag-factors", "0,0,1",
             "--m0", "1,0,0", "--t-end-ns", "0.6", "--rtol", "1e-7", *RASHBA], capsys)
    m = s["m_final"]
    w = json.loads(_wire([f"--m={m[0]!r},{m[1]!r},{m[2]!r}"], capsys))
    m = np.array(m)
    u = np.array([0.0, 1.0, 0.0])
    T = w["T_perp_J_per_m2"] * np.cross(u, m) + w["T_par_J_per_m2"] * np.cross(m, np.cross(u, m))
    tau = RASHBA_LLG_SIGN * GAMMA * T / (MS * 5e-9)
    b_eff = np.array([0.05, 0.0, -MU0MS * m[2]])
    precession = GAMMA * np.cross(m, b_eff)
    assert np.linalg.norm(tau) > 0.1 * np.linalg.norm(precession)  # the torque tilts m visibly
    # measured 1.2e-8 (the tilt left after 0.6 ns and rtol)
    assert np.linalg.norm(precession - tau) < 1e-6 * np.linalg.norm(precession)
    assert s["torque_solves"] > 6 * s["time_steps"] and s["torque_cache_hits"] == s["time_steps"] + 1
    assert s["llg_torque_sign"] == RASHBA_LLG_SIGN


def _wire(argv: list[str], capsys) -> str:
    rc = cli.main(["wire", "--width-nm", "20", "--cell-nm", "0.5", "--efield-v-per-m", "5e6", *argv, "--json"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    return out.out


# --------------------------------------------------------------------------- bad input
BASE = ["macrospin", "--ms-a-per-m", "8e5", "--alpha-gilbert", "0.01", "--b-ext-t", "0.05,0,0", "--t-end-ns", "1"]


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--ms-a-per-m=-1"], ["ms_a_per_m", "-1", "A/m", "(0, 1e+07]"]),
        (["--alpha-gilbert=-0.1"], ["alpha_gilbert", "-0.1", "[0, 100]"]),
        (["--t-end-ns", "0"], ["t_end_ns", "0", "ns", "(0, 1e+09]"]),
        (["--m0", "1,1,0"], ["m0", "norm 1.414"]),
        (["--demag-factors", "0,0,0.5"], ["demag_factors", "Nx + Ny + Nz = 1"]),
        (["--method", "midpoint"], ["dt_ps", "midpoint"]),
        (["--b-k-t=-0.1"], ["b_k_t", "-0.1", "T", "[0, 10000]"]),
        (["--j-a-per-m2", "1e11"], ["--j-a-per-m2", "--torque bilayer"]),
        (["--pumping"], ["--pumping", "--torque bilayer"]),
        (["--torque", "rashba"], ["--thickness-nm", "--torque rashba"]),
        (["--torque", "bilayer"], ["--fm-thickness-nm", "--torque bilayer"]),
        (["--torque", "bilayer", "--fm-thickness-nm", "1", "--hm-lambda-nm", "0"], ["hm_lambda_nm", "(0, 1e+09]"]),
        (["--torque", "rashba", "--thickness-nm", "1", "--tau-s", "0"], ["tau_s", "[1e-18, 1e-09]"]),
    ],
)
def test_bad_input_exits_2_before_solving(argv, words, tmp_path, capsys):
    out = tmp_path / "out"
    rc = cli.main([*BASE, *argv, "--out", str(out), "--json"])
    err = capsys.readouterr()
    assert rc == 2 and err.out == ""
    assert err.err.startswith("rashba-diffusion: error: ")
    for w in words:
        assert w in err.err, (w, err.err)
    assert not out.exists()


def test_bad_input_exit_status_of_the_installed_command(cli_env):
    p = subprocess.run([sys.executable, "-m", "rashba_diffusion.cli", *BASE, "--sigma", "0,0,0"], env=cli_env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.startswith("rashba-diffusion: error: sigma")


def test_rashba_time_series_costs_no_solve_with_the_midpoint_rule(capsys):
    s = run(["--ms-a-per-m", str(MS), "--alpha-gilbert", "0.1", "--b-ext-t", "0.05,0,0", "--demag-factors", "0,0,1",
             "--m0", "1,0,0", "--t-end-ns", "0.01", "--method", "midpoint", "--dt-ps", "1", *RASHBA], capsys)
    assert s["torque_cache_hits"] == s["time_steps"] + 1 and s["max_norm_error"] < 1e-12
