"""Every notebook (jupytext percent script) runs in its fast mode."""

import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.py"))
#: (marker, count) each notebook prints in its fast mode; default: one "bulk T⊥" line per α of the quick start
EXPECTED_LINES = {"04_asot_ahe.py": ("ASOT d =", 2)}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_fast(path, cli_env, tmp_path):
    env = dict(cli_env, RASHBA_FAST="1", MPLBACKEND="Agg")
    p = subprocess.run([sys.executable, str(path)], env=env, cwd=tmp_path, capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stderr
    marker, count = EXPECTED_LINES.get(path.name, ("bulk T⊥", 2))
    assert p.stdout.count(marker) == count
