"""Without DOLFINx (a conda-forge user before installing it, a broken install), the command line still answers
``--help``, ``--version``, ``bulk``, ``mesh`` and ``sweep --help``; a command that needs a solve exits with status 2
and one line that says how to install DOLFINx.  DOLFINx is hidden by modules of the same names that fail to import,
first on the path."""

import json
import subprocess
import sys

import pytest

FAKE = "raise ImportError('simulated: no DOLFINx here')\n"


@pytest.fixture
def no_dolfinx_env(tmp_path, cli_env):
    fake = tmp_path / "fake"
    for name in ("dolfinx", "dolfinx_solver"):
        (fake / name).mkdir(parents=True)
        (fake / name / "__init__.py").write_text(FAKE)
    return dict(cli_env, PYTHONPATH=f"{fake}:{cli_env['PYTHONPATH']}")


def run(argv, env, cwd):
    return subprocess.run([sys.executable, "-m", "rashba_diffusion.cli", *argv], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_what_works_without_dolfinx(no_dolfinx_env, tmp_path):
    for argv in (["--help"], ["sweep", "--help"], ["wire", "--help"], ["--version"]):
        p = run(argv, no_dolfinx_env, tmp_path)
        assert p.returncode == 0, (argv, p.stderr)
    assert run(["--version"], no_dolfinx_env, tmp_path).stdout.startswith("rashba-diffusion ")
    p = run(["bulk", "--json"], no_dolfinx_env, tmp_path)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["T_perp_bulk_J_per_m2"] > 0
    p = run(["pumping", "--precession-axis", "1,0,0", "--json"], no_dolfinx_env, tmp_path)  # the exact state
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["torque_coefficient_b"] > 0
    p = run(["mesh", "notch", "--length-nm", "30", "--width-nm", "10", "--notch-depth-nm", "2", "--notch-width-nm",
             "4", "--cell-nm", "2", "-o", "n.msh", "--json"], no_dolfinx_env, tmp_path)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["cells"] > 0 and (tmp_path / "n.msh").is_file()


@pytest.mark.parametrize("argv", [["wire"], ["bilayer"], ["wire", "--geometry", "2d"], ["pumping", "--geometry", "1d"],
                                  ["mesh", "notch", "--length-nm", "30", "--width-nm", "10", "--notch-depth-nm", "2",
                                   "--notch-width-nm", "4", "--cell-nm", "2", "-o", "n.msh", "--xdmf"]],
                         ids=["wire", "bilayer", "wire-2d", "pumping-1d", "mesh-xdmf"])
def test_a_solve_says_how_to_install_dolfinx(argv, no_dolfinx_env, tmp_path):
    p = run(argv, no_dolfinx_env, tmp_path)
    assert p.returncode == 2
    assert p.stdout == ""
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("rashba-diffusion: error: DOLFINx is needed")
    assert "pip install 'dolfinx-solver-real==0.11.*'" in lines[0] and "conda-forge fenics-dolfinx" in lines[0]
    assert list(tmp_path.glob("*.msh")) == []  # refused before gmsh ran
