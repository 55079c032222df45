"""Every notebook (jupytext percent script) runs in its fast mode."""

import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.py"))
#: per notebook: a marker its fast mode prints once per result line, and how many lines
FAST_OUTPUT = {
    "00_quickstart.py": ("bulk T⊥", 2),  # one line per α
    "01_wire_profiles.py": ("Sz odd/even", 2),  # one line per α
    "02_torque_vs_alpha.py": ("|T∥| max at", 3),  # one line per exchange splitting
    "03_angular_dependence.py": ("angular fit", 21),  # 3 torque sets × 7 bases
    "04_asot_ahe.py": ("ASOT d =", 2),
    "05_spin_pumping_damping.py": ("pumped f =", 2),  # one line per frequency
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_fast(path, cli_env, tmp_path):
    env = dict(cli_env, RASHBA_FAST="1", MPLBACKEND="Agg")
    p = subprocess.run([sys.executable, str(path)], env=env, cwd=tmp_path, capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stderr
    marker, count = FAST_OUTPUT[path.name]
    assert p.stdout.count(marker) == count, p.stdout
