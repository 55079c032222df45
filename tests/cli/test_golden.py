"""Golden tests: the command-line contract, pinned to the values the code produced when they were recorded.

What is pinned (fixtures in ``tests/cli/golden/``):

* ``cli_json.json``: the ``--json`` output (every key, values to 1e-12 relative) of ``wire`` (1d, 2d, ``--mesh``
  on a generated Hall bar and notch), ``bulk``, ``bilayer`` (1d, 2d, ``--pumping``), ``pumping`` (bulk, 1d),
  ``macrospin`` (prescribed, pulse, ``--torque bilayer --pumping``, ``--torque rashba``), ``domain-wall`` (Zhang–Li,
  spin-diffusion) and ``mesh`` (``--json``);
* ``sweeps.json``: the header of ``sweep.csv`` (and ``profiles.csv``) and the whole ``sweep.json`` of a one-point
  sweep of each problem (wire, film, bilayer, pumping, llg);
* ``digests.json``: ``sweep.json``'s config digest of every ``examples/*.toml`` (existing result folders must
  still resume; those that reproduce the paper's figures name ``polarization_rule = "eq17"``, the former default,
  and keep their digests);
* ``help.json``: the ``--help`` text of every subcommand (80 columns);
* ``resume/``: a sweep with m from angles, half done (``sweep.csv``, ``sweep.json``), written by the code before
  the package was split into layers and while the default polarization rule was eq17: the current code must
  refuse it as it stands and resume it once the config names eq17 (its input columns must match bit for bit).
  This one is a record of files users have, so it is never regenerated.

Keys that measure the run rather than the physics (wall times, the number of ranks; in ``sweep.json``'s provenance
the command, the time, the machine, and its list of runs) are excluded by name (:data:`MEASURED_KEYS`,
:data:`MEASURED_PROVENANCE_KEYS`); nothing else is loosened.

These are regression pins, not physics tests: the physics is checked against independent references
elsewhere.  After an intended change of the contract, regenerate the fixtures (and review the diff)::

    .venv/bin/python -m tests.cli.test_golden
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import shutil
import sys
from pathlib import Path

import pytest

from rashba_diffusion.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden"
RESUME = GOLDEN / "resume"
#: rows of the resume fixture already done
RESUME_DONE = 3
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RELATIVE_TOLERANCE = 1e-12
#: regression pins: they compare the code with a stored run of itself
pytestmark = pytest.mark.consistency
#: keys that measure this run (timings, parallel layout), not the result: excluded by name
MEASURED_KEYS = frozenset({"solve_seconds", "total_seconds", "point_seconds", "ranks", "torque_solve_seconds",
                           "pumping_solve_seconds", "transient_seconds", "factorization_seconds",
                           "llg_seconds", "source_seconds", "spin_seconds"})
#: what a file's provenance records of the run and the machine (``summary.json``, ``sweep.json``), not of the result:
#: excluded by name, with ``sweep.json``'s list of ``runs``
MEASURED_PROVENANCE_KEYS = frozenset({"command", "created_utc", "platform", "python", "dolfinx", "mpi_ranks"})
#: argparse wraps help text to the terminal width: fix it
HELP_COLUMNS = "80"

PAPER_WIRE = ["--alpha-ev-nm", "0.05", "--tau-delta-s", "1e-14", "--tau-s", "1e-15", "--tau-sf-s", "1e-12",
              "--kf-per-nm", "4.3", "--efield-v-per-m", "1e5"]
HALL_BAR = ["hall-bar", "--length-nm", "30", "--width-nm", "10", "--arm-width-nm", "4", "--arm-length-nm", "4",
            "--cell-nm", "1.0"]
NOTCH = ["notch", "--length-nm", "30", "--width-nm", "10", "--notch-depth-nm", "2", "--notch-width-nm", "4",
         "--cell-nm", "1.0"]
FINITE_FM = ["--fm-thickness-nm", "1", "--fm-lambda-j-nm", "1", "--fm-lambda-phi-nm", "1.5", "--fm-lambda-sf-nm",
             "5", "--fm-sigma-s-per-m", "2e7"]

#: an in-plane film's ringdown
MACROSPIN = ["--ms-a-per-m", "8e5", "--alpha-gilbert", "0.02", "--b-ext-t", "0.05,0,0", "--easy-axis", "1,0,0",
             "--b-k-t", "0.01", "--demag-factors", "0,0,1", "--m0", "0.99,0.1,0.0994987437106620", "--t-end-ns", "0.5"]

#: name -> argv; run in this order in one temporary working directory (the meshes come first)
CLI_CASES: dict[str, list[str]] = {
    "mesh_hall_bar": ["mesh", *HALL_BAR, "-o", "hall_bar.msh", "--json"],
    "mesh_notch": ["mesh", *NOTCH, "-o", "notch.msh", "--json"],
    "wire_1d": ["wire", *PAPER_WIRE, "--width-nm", "20", "--m", "0.6,0,0.8", "--ms-a-per-m", "1e6",
                "--thickness-nm", "1", "--json"],
    "wire_1d_m_parallel_u": ["wire", *PAPER_WIRE, "--width-nm", "20", "--m", "0,1,0", "--json"],
    "wire_2d": ["wire", *PAPER_WIRE, "--geometry", "2d", "--length-nm", "40", "--width-nm", "12", "--cell-nm", "0.8",
                "--m", "0,0.6,0.8", "--json"],
    "wire_mesh_hall_bar": ["wire", *PAPER_WIRE, "--mesh", "hall_bar.msh", "--m", "0.6,0,0.8", "--degree", "1",
                           "--json"],
    "wire_mesh_notch": ["wire", *PAPER_WIRE, "--mesh", "notch.msh", "--m", "0,0.6,0.8", "--degree", "1",
                        "--ms-a-per-m", "1e6", "--thickness-nm", "1", "--json"],
    "bulk": ["bulk", "--m", "0,0,1", "--json"],
    "bulk_fields": ["bulk", "--m", "0.6,0,0.8", "--delta-xc-ev", "0.1", "--ms-a-per-m", "1e6", "--thickness-nm", "1",
                    "--json"],
    "bilayer_1d": ["bilayer", "--json"],
    "bilayer_1d_finite_fm": ["bilayer", *FINITE_FM, "--ms-a-per-m", "1e6", "--m", "0.6,0,0.8", "--json"],
    "bilayer_1d_continuous": ["bilayer", *FINITE_FM, "--interface", "continuous", "--m", "0,0,1", "--json"],
    "bilayer_2d": ["bilayer", *FINITE_FM, "--geometry", "2d", "--width-nm", "12", "--cell-nm", "0.25", "--m",
                   "0.6,0,0.8", "--json"],
    "pumping_bulk": ["pumping", "--precession-axis", "1,0,0", "--ms-a-per-m", "1e6", "--thickness-nm", "1", "--json"],
    "pumping_bulk_cycloid_sec6": ["pumping", "--sec6-model", "--alpha-ev-nm", "0.02", "--texture", "helix",
                                  "--wavevector-per-nm", "0.01", "--precession-axis", "0,1,0", "--json"],
    "pumping_1d": ["pumping", "--geometry", "1d", "--length-nm", "60", "--cell-nm", "1", "--dt-ps", "12.5",
                   "--periods", "2", "--precession-axis", "0.6,0,0.8", "--ms-a-per-m", "1e6", "--thickness-nm", "1",
                   "--json"],
    "bilayer_1d_pumping": ["bilayer", "--ms-a-per-m", "8e5", "--fm-thickness-nm", "2", "--pumping", "--json"],
    "macrospin": ["macrospin", *MACROSPIN, "--json"],
    "macrospin_pulse": ["macrospin", "--ms-a-per-m", "8e5", "--alpha-gilbert", "1", "--b-ext-t", "0.05,0,0",
                        "--b-k-t", "0.5", "--b-dl-t=-0.3", "--t-end-ns", "0.3", "--pulse-ns", "0.2", "--json"],
    "macrospin_bilayer": ["macrospin", *MACROSPIN, "--torque", "bilayer", "--fm-thickness-nm", "2",
                          "--j-a-per-m2", "1e11", "--pumping", "--json"],
    "macrospin_rashba": ["macrospin", *MACROSPIN, "--t-end-ns", "0.02", "--torque", "rashba", "--thickness-nm", "5",
                         "--width-nm", "10", "--cell-nm", "0.5", "--json"],
    "domain_wall": ["domain-wall", "--ms-a-per-m", "2e5", "--a-ex-j-per-m", "1.3e-11", "--k-u-j-per-m3", "5e5",
                    "--k-perp-j-per-m3", "5e4", "--alpha-gilbert", "0.1", "--beta", "0.2", "--u-m-per-s", "100",
                    "--length-nm", "82", "--cell-nm", "0.85", "--t-end-ns", "0.02", "--dt-ps", "2", "--json"],
    "domain_wall_spin": ["domain-wall", "--ms-a-per-m", "1e5", "--a-ex-j-per-m", "1e-11", "--k-u-j-per-m3", "2.5e4",
                         "--k-perp-j-per-m3", "1e5", "--alpha-gilbert", "0.05", "--torque", "spin-diffusion",
                         "--alpha-ev-nm", "0", "--tau-sf-s", "2e-14", "--polarization=-0.1", "--efield-v-per-m",
                         "3e6", "--thickness-nm", "1", "--length-nm", "260", "--cell-nm", "2.5", "--t-end-ns",
                         "0.016", "--dt-ps", "2", "--json"],
}

#: one-point sweeps of each problem: name -> TOML text
SWEEP_CASES: dict[str, str] = {
    "wire": """
[geometry]
width_nm = 10
[mesh]
cell_nm = 0.5
[sweep.axes]
alpha_ev_nm = [0.05]
""",
    "wire_angles_profiles": """
[material]
alpha_ev_nm = 0.02
[geometry]
width_nm = 10
[mesh]
cell_nm = 0.5
[sweep.axes]
theta_deg = [60]
[output]
profiles = true
""",
    "film": """
problem = "film"
[mesh]
kind = "wire"
length_nm = 20
width_nm = 8
cell_nm = 1.0
degree = 1
[sweep.axes]
m = [[0, 0.6, 0.8]]
""",
    "bilayer": """
problem = "bilayer"
[mesh]
cell_nm = 0.1
[sweep.axes]
hm_thickness_nm = [3.0]
""",
    "pumping": """
problem = "pumping"
[precession]
axis = [1, 0, 0]
[sweep.axes]
cone_angle_deg = [45]
""",
    "llg": """
problem = "llg"
[magnet]
ms_a_per_m = 8e5
alpha_gilbert = 1.0
b_k_t = 0.5
[torque]
sigma = [0, 1, 0]
[run]
t_end_ns = 0.3
pulse_ns = 0.2
[sweep.axes]
b_dl_t = [-0.3]
b_ext_x_t = [0.05]
""",
    "bilayer_angles": """
problem = "bilayer"
[ferromagnet]
thickness_nm = 1
lambda_j_nm = 1
[mesh]
cell_nm = 0.1
[sweep.axes]
phi_deg = [30]
""",
}

HELP_CASES: dict[str, list[str]] = {
    "rashba-diffusion": [],
    "wire": ["wire"],
    "bulk": ["bulk"],
    "bilayer": ["bilayer"],
    "pumping": ["pumping"],
    "macrospin": ["macrospin"],
    "domain-wall": ["domain-wall"],
    "mesh": ["mesh"],
    **{f"mesh {k}": ["mesh", k] for k in ("wire", "hall-bar", "notch", "bilayer", "bilayer-3d")},
    "sweep": ["sweep"],
    "bench": ["bench"],
}


def run_cli(argv: list[str]) -> dict:
    """``rashba-diffusion ARGV`` in this process; its JSON output (exit status 0 checked)."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main(argv)
    assert rc == 0, f"exit {rc}: {argv}"
    return json.loads(buf.getvalue())


def help_text(argv: list[str]) -> str:
    buf = io.StringIO()
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = HELP_COLUMNS
    try:
        with contextlib.redirect_stdout(buf), contextlib.suppress(SystemExit):
            main([*argv, "--help"])
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old
    return buf.getvalue()


def without_measured(d: dict) -> dict:
    return {k: v for k, v in d.items() if k not in MEASURED_KEYS}


def cli_outputs(workdir: Path) -> dict[str, dict]:
    """Every :data:`CLI_CASES` output, run in ``workdir`` (so that mesh paths are the same relative names)."""
    old = Path.cwd()
    os.chdir(workdir)
    try:
        return {name: without_measured(run_cli(argv)) for name, argv in CLI_CASES.items()}
    finally:
        os.chdir(old)


def sweep_outputs(workdir: Path) -> dict[str, dict]:
    """Headers and sidecar of each :data:`SWEEP_CASES` sweep, run in ``workdir``."""
    out = {}
    for name, toml in SWEEP_CASES.items():
        cfg = workdir / f"{name}.toml"
        cfg.write_text(toml)
        res = workdir / name
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            assert main(["sweep", str(cfg), "--out", str(res), "--quiet"]) == 0
        sidecar = json.loads((res / "sweep.json").read_text())
        sidecar.pop("runs")
        sidecar["provenance"] = {k: v for k, v in sidecar["provenance"].items() if k not in MEASURED_PROVENANCE_KEYS}
        rec = {"csv_header": (res / "sweep.csv").read_text().splitlines()[0], "sidecar": sidecar}
        if (res / "profiles.csv").exists():
            rec["profiles_header"] = (res / "profiles.csv").read_text().splitlines()[0]
        out[name] = rec
    return out


def example_digests() -> dict[str, str]:
    from rashba_diffusion.studies.sweep.registry import load_config

    return {p.name: load_config(p).digest() for p in sorted(EXAMPLES.glob("*.toml"))}


def help_texts() -> dict[str, str]:
    return {name: help_text(argv) for name, argv in HELP_CASES.items()}


def load(name: str):
    return json.loads((GOLDEN / name).read_text())


def assert_same(actual, expected, where: str = "") -> None:
    """Equal structure and keys; floats to :data:`RELATIVE_TOLERANCE` relative (NaN equals NaN)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        assert sorted(actual) == sorted(expected), f"{where}: keys differ"
        for k in expected:
            assert_same(actual[k], expected[k], f"{where}.{k}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), where
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_same(a, e, f"{where}[{i}]")
    elif isinstance(expected, float) and not isinstance(expected, bool):
        assert isinstance(actual, int | float) and not isinstance(actual, bool), f"{where}: {actual!r}"
        if math.isnan(expected):
            assert math.isnan(actual), f"{where}: {actual!r} != nan"
        else:
            assert actual == pytest.approx(expected, rel=RELATIVE_TOLERANCE, abs=0.0), where
    else:
        assert type(actual) is type(expected) and actual == expected, f"{where}: {actual!r} != {expected!r}"


def test_cli_json_outputs(tmp_path):
    expected = load("cli_json.json")
    assert sorted(expected) == sorted(CLI_CASES)
    assert_same(cli_outputs(tmp_path), expected, "cli")


def test_sweep_headers_and_sidecars(tmp_path):
    assert_same(sweep_outputs(tmp_path), load("sweeps.json"), "sweep")


def test_example_config_digests():
    assert example_digests() == load("digests.json")


#: digests of the examples that reproduce the paper's figures, recorded while the default polarization rule was eq17
#: (a record of result folders users have, never regenerated): they name the rule now and keep these digests
PAPER_FIGURE_DIGESTS = {
    "fig2_profiles.toml": "6196f237acd622d74e44af16e9e80083633a0786cba4fb0a1436e043ba7f409c",
    "fig3_torque_vs_alpha.toml": "d634c479fb9512887ef5d4945ca4b4d3dc0c8b29155c0842b7d621d80a39619a",
}


def test_paper_figure_examples_keep_their_digests_across_the_default_change():
    digests = example_digests()
    assert {k: digests[k] for k in PAPER_FIGURE_DIGESTS} == PAPER_FIGURE_DIGESTS


def test_help_texts():
    assert help_texts() == load("help.json")


def test_a_sweep_written_before_resumes_once_it_names_the_former_default_rule(tmp_path):
    """The fixture was made when the default polarization rule was eq17: its config, run again unchanged, now
    means the hamiltonian rule and must not resume into the old rows (it would mix conventions); with
    ``polarization_rule = "eq17"`` added it is the same config (same digest) and resumes bit for bit."""
    from rashba_diffusion.errors import SweepStateError
    from rashba_diffusion.studies.sweep.engine import run_sweep
    from rashba_diffusion.studies.sweep.registry import load_config

    out = tmp_path / "resume"
    shutil.copytree(RESUME, out)
    before = (out / "sweep.csv").read_text().splitlines()
    sidecar = (out / "sweep.json").read_text()
    with pytest.raises(SweepStateError, match=r"film\.polarization_rule: 'eq17' there, 'hamiltonian' here.*"
                                              r'add polarization_rule = "eq17" to \[material\]'):
        run_sweep(load_config(out / "angles.toml"), out)
    assert (out / "sweep.csv").read_text().splitlines() == before  # refused: nothing touched
    assert (out / "sweep.json").read_text() == sidecar
    explicit = out / "angles_eq17.toml"
    explicit.write_text((out / "angles.toml").read_text() + '\n[material]\npolarization_rule = "eq17"\n')
    cfg = load_config(explicit)
    assert cfg.digest() == json.loads(sidecar)["config_sha256"]
    res = run_sweep(cfg, out)
    assert (res.solved, res.skipped) == (len(res.rows) - RESUME_DONE, RESUME_DONE)
    assert (out / "sweep.csv").read_text().splitlines()[: RESUME_DONE + 1] == before


def regenerate() -> None:
    """Write every fixture but ``resume/`` from the code as it is now."""
    import tempfile

    GOLDEN.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = {"cli_json.json": cli_outputs(Path(tmp))}
    with tempfile.TemporaryDirectory() as tmp:
        data["sweeps.json"] = sweep_outputs(Path(tmp))
    data["digests.json"] = example_digests()
    data["help.json"] = help_texts()
    for name, value in data.items():
        (GOLDEN / name).write_text(json.dumps(value, indent=1, sort_keys=True) + "\n")
        print(f"wrote {GOLDEN / name}", file=sys.stderr)


if __name__ == "__main__":
    regenerate()
