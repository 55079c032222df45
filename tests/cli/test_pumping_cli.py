"""``rashba-diffusion pumping``: its keys against independent references, bad input, ``--out``, MPI, sweeps.

References: the rotating-frame 3x3 problem written out in tests/system/test_pumping.py (about ẑ), the corrected
Eqs. 46/47 of physics.pumping (themselves derived by hand, docs/model.md §12.6), scaling laws and symmetries.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from rashba_diffusion.cli import main
from rashba_diffusion.physics.pumping import Precession, PumpingPoint, eq47_coefficients, sec6_coefficients
from rashba_diffusion.physics.rashba import paper_film

from ..conftest import mpiexec
from ..system.test_pumping import corotating


def run_cli(argv: list[str]) -> dict:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["pumping", *argv, "--json"]) == 0
    return json.loads(buf.getvalue())


def test_bulk_equals_the_rotating_frame_about_z():
    """The command's exact periodic state against the co-rotating 3x3 problem written out (k = 0): 1e-10."""
    s = run_cli(["--frequency-ghz", "10", "--cone-angle-deg", "40"])
    a, b = corotating(PumpingPoint(paper_film(5e-2), Precession(10.0, 40.0)))
    assert s["torque_coefficient_a"] == pytest.approx(a, rel=1e-10)
    assert s["torque_coefficient_b"] == pytest.approx(b, rel=1e-10)
    aq, bq = corotating(PumpingPoint(paper_film(5e-2), Precession(10.0, 40.0)), quasi_static=True)
    assert s["torque_coefficient_a_adiabatic"] == pytest.approx(aq, rel=1e-10)
    assert s["torque_coefficient_b_adiabatic"] == pytest.approx(bq, rel=1e-10)
    assert s["geometry"] == "bulk" and s["dofs"] is None and s["time_steps"] is None
    assert s["conventions"]["polarization_rule"] == "hamiltonian"
    assert s["conventions"]["e1"] == [1.0, 0.0, 0.0] and s["conventions"]["e2"] == [0.0, 1.0, 0.0]


def test_gilbert_enhancement_sign_and_keys():
    """Δα > 0 by default (hamiltonian), < 0 with the paper's eq17; null without the magnet."""
    mag = ["--ms-a-per-m", "1e6", "--thickness-nm", "1"]
    h = run_cli(mag)
    p = run_cli([*mag, "--polarization-rule", "eq17"])
    assert h["gilbert_damping_enhancement"] > 0 > p["gilbert_damping_enhancement"]
    assert h["gyromagnetic_ratio_factor"] < 1 < p["gyromagnetic_ratio_factor"]
    assert run_cli([])["gilbert_damping_enhancement"] is None
    # s0 = −nΔxc/(4εF): −6.8739e16 ħ/m² for the paper's film (docs/model.md §12.2)
    assert h["s0_hbar_per_m2"] == pytest.approx(-6.8739e16, rel=1e-4)
    assert p["s0_hbar_per_m2"] == pytest.approx(-4 * h["s0_hbar_per_m2"], rel=1e-12)


def test_charge_pumping_is_along_z_cross_pumped_spin_and_scales_as_omega():
    """J = −e kB B ẑ × ⟨δS⟩ plus the R part, both along ẑ × n̂: J antiparallel to ẑ × ⟨δS⟩ (electrons carry −e),
    zero about ẑ, ∝ ω at low frequency (7.97e-3 A/(m GHz) at 30°, 1 and
    10 GHz agree to 2e-4), and ∝ sin²θ only without DP (with DP 8 % from 30° to 90°)."""
    z = np.array([0.0, 0.0, 1.0])
    s = run_cli(["--precession-axis", "1,0,0"])
    j, spin = np.array(s["charge_current_dc_a_per_m"]), np.array(s["pumped_spin_dc_hbar_per_m2"])
    zs = np.cross(z, spin)
    assert np.dot(j, zs) / (np.linalg.norm(j) * np.linalg.norm(zs)) == pytest.approx(-1.0, abs=1e-12)
    assert max(abs(v) for v in run_cli([])["charge_current_dc_a_per_m"]) < 1e-16
    per = [run_cli(["--precession-axis", "1,0,0", "--frequency-ghz", str(f)])["charge_current_dc_a_per_m"][1] / f
           for f in (1.0, 10.0)]
    assert per[1] == pytest.approx(per[0], rel=1e-3)
    th = [run_cli(["--precession-axis", "1,0,0", "--cone-angle-deg", str(t)])["charge_current_dc_a_per_m"][1]
          / math.sin(math.radians(t)) ** 2 for t in (30.0, 90.0)]
    assert 0.05 < abs(th[1] / th[0] - 1) < 0.12  # DP makes the relaxation anisotropic (docs/model.md §12.7)


def test_chiral_damping_of_cycloids_is_corrected_eq47_under_sec6_model():
    """(b(+k) − b(−k))/2 of cycloids about ŷ against the corrected Eq. 47 (odd in k, ∝ n_y) in the Sec. VI model,
    quasi-static (where Eq. 47 holds: 7e-6 measured at k = 1e-4/nm, 7e-4 at 1e-3/nm, the next order being k³),
    and zero for helices about ẑ."""
    k = 1e-4
    args = ["--alpha-ev-nm", "0.02", "--sec6-model", "--texture", "helix", "--precession-axis", "0,1,0"]
    bp = run_cli([*args, "--wavevector-per-nm", str(k)])["torque_coefficient_b_adiabatic"]
    bm = run_cli([*args, "--wavevector-per-nm", str(-k)])["torque_coefficient_b_adiabatic"]
    c = sec6_coefficients(paper_film(2e-2).coefficients())
    _, db47 = eq47_coefficients(c, Precession(10.0, 30.0, axis=(0, 1, 0), texture="helix", wavevector_per_nm=k))
    assert (bp - bm) / 2 == pytest.approx(db47, rel=1e-4)
    zp = run_cli(["--texture", "helix", "--wavevector-per-nm", "0.05"])["torque_coefficient_b"]
    zm = run_cli(["--texture", "helix", "--wavevector-per-nm=-0.05"])["torque_coefficient_b"]
    assert zp == pytest.approx(zm, rel=1e-12)


BAD = [
    (["--frequency-ghz=-10"], "frequency_ghz"),
    (["--frequency-ghz", "0"], "frequency_ghz"),
    (["--cone-angle-deg", "0"], "cone_angle_deg"),
    (["--cone-angle-deg", "181"], "cone_angle_deg"),
    (["--cone-angle-deg", "180"], "cone_angle_deg"),
    (["--wavevector-per-nm", "0.01"], "wavevector_per_nm"),
    (["--texture", "helix"], "wavevector-per-nm"),
    (["--geometry", "1d", "--dt-ps", "150"], "dt_ps"),
    (["--geometry", "1d", "--frequency-ghz", "100", "--dt-ps", "20"], "dt_ps"),
    (["--geometry", "1d", "--periods", "1"], "periods"),
    (["--geometry", "bulk", "--length-nm", "100"], "length_nm"),
    (["--geometry", "1d", "--width-nm", "100"], "width_nm"),
    (["--geometry", "1d", "--cell-nm", "-1"], "cell_nm"),
    (["--precession-axis", "0,0,0"], "axis"),
    (["--ms-a-per-m", "1e6"], "thickness-nm"),
    (["--ms-a-per-m=-1", "--thickness-nm", "1"], "ms_a_per_m"),
    (["--tau-sf-s", "inf", "--sec6-model"], "tau_sf_s = inf"),
    (["--polarization", "2"], "polarization"),
]


@pytest.mark.parametrize("argv, word", BAD)
def test_bad_input_exits_2_names_the_parameter_and_writes_nothing(argv, word, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["pumping", *argv, "--out", str(out), "--json"]) == 2
    err = capsys.readouterr()
    assert err.out == ""
    assert err.err.startswith("rashba-diffusion: error: ") and word in err.err
    assert not out.exists()


def run_sub(args, env, ranks=1):
    cmd = [sys.executable, "-m", "rashba_diffusion.cli", "pumping", *args, "--json"]
    if ranks > 1:
        cmd = [mpiexec(), "-n", str(ranks), *cmd]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


FE_1D = ["--geometry", "1d", "--length-nm", "60", "--cell-nm", "1", "--dt-ps", "12.5", "--periods", "2",
         "--precession-axis", "1,0,0"]
FE_2D = ["--geometry", "2d", "--length-nm", "40", "--width-nm", "30", "--cell-nm", "1", "--degree", "1",
         "--dt-ps", "25", "--periods", "2", "--texture", "helix", "--wavevector-per-nm", "0.05",
         "--precession-axis", "0,1,0"]
MPI_KEYS = ("torque_coefficient_a", "torque_coefficient_b", "torque_coefficient_a_adiabatic",
            "torque_coefficient_b_adiabatic")


def test_out_writes_summary_time_series_and_fields(tmp_path):
    out = tmp_path / "res"
    s = run_cli([*FE_1D, "--out", str(out)])
    assert {p.name for p in out.iterdir()} == {"summary.json", "timeseries.csv", "fields.vtu", ".rashba-outputs.json"}
    lines = (out / "timeseries.csv").read_text().splitlines()
    assert lines[0].split(",") == ["t_ps", "s_x_hbar_per_m2", "s_y_hbar_per_m2", "s_z_hbar_per_m2", "T_x_J_per_m2",
                                   "T_y_J_per_m2", "T_z_J_per_m2", "j_x_a_per_m", "j_y_a_per_m", "j_z_a_per_m"]
    assert len(lines) == 1 + s["time_steps"] == 17
    record = json.loads((out / "summary.json").read_text())
    assert record["torque_coefficient_b"] == s["torque_coefficient_b"]
    assert record["provenance"]["files"] == ["fields.vtu", "summary.json", "timeseries.csv"]
    bulk = tmp_path / "bulk"
    run_cli(["--out", str(bulk)])
    assert {p.name for p in bulk.iterdir()} == {"summary.json", "timeseries.csv", ".rashba-outputs.json"}


@pytest.mark.mpi
@pytest.mark.skipif(mpiexec() is None, reason="no mpiexec")
@pytest.mark.parametrize("args", [FE_1D, pytest.param(FE_2D, marks=pytest.mark.slow)], ids=["1d", "2d-helix"])
def test_same_numbers_on_one_and_two_ranks(args, cli_env):
    one = run_sub(args, cli_env)
    two = run_sub(args, cli_env, ranks=2)
    assert (one["ranks"], two["ranks"]) == (1, 2) and one["dofs"] == two["dofs"]
    for k in MPI_KEYS:
        assert two[k] == pytest.approx(one[k], rel=1e-8), k
    for k in ("pumped_spin_dc_hbar_per_m2", "charge_current_dc_a_per_m"):
        scale = max(abs(v) for v in one[k])
        np.testing.assert_allclose(two[k], one[k], rtol=0, atol=1e-8 * scale)
