"""``pip install`` of the checkout into a fresh virtual environment, with no extras, gives a working command line:
``--help``, ``--version``, a wire solve and a bilayer solve, each as the installed ``rashba-diffusion``.

Slow and needs PyPI (it downloads the DOLFINx wheel and the other dependencies): ``pytest -m slow
tests/system/test_install.py``.  The checkout's files (tracked and new, not ignored) are copied first, so that the
build leaves nothing in the repository.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def copy_checkout(dest: Path) -> Path:
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.splitlines()
    for name in files:
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


@pytest.mark.slow
def test_pip_install_into_a_fresh_venv_gives_a_working_cli(tmp_path):
    src = copy_checkout(tmp_path / "src")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", str(src)], capture_output=True,
                         text=True, timeout=1800)
    assert pip.returncode == 0, pip.stderr
    cli = venv / "bin" / "rashba-diffusion"
    work = tmp_path / "work"
    work.mkdir()

    def run(*argv):
        p = subprocess.run([cli, *argv], cwd=work, capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, (argv, p.stderr)
        return p.stdout

    assert run("--help").startswith("usage: rashba-diffusion")
    assert "DOLFINx 0.11" in run("--version")
    wire = json.loads(run("wire", "--json", "--out", "w"))
    assert wire["T_perp_J_per_m2"] == pytest.approx(2.1702e-07, rel=1e-4)  # README's quick-start value
    assert sorted(p.name for p in (work / "w").iterdir()) == ["fields.vtu", "profile.csv", "profile.png",
                                                              "summary.json"]
    bilayer = json.loads(run("bilayer", "--json"))
    assert bilayer["xi_DL"] == pytest.approx(bilayer["xi_DL_analytic_1d"], rel=1e-6)
