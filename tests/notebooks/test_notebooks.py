"""Every notebook (a jupytext percent script) runs in its fast mode, as a notebook and as a script.

As a notebook: nbclient executes it in a Jupyter kernel started in a foreign working directory; it must pass its
own checks (each notebook asserts its key numbers against independent references), show at least one figure (an
``image/png`` display output: no backend is forced on Jupyter), and write nothing, neither in the working
directory nor in the repository (the full mode writes into ``docs/figures`` only: ``save_figure``, tested in
``tests/unit/test_figures.py``).  As a script: ``python notebooks/NAME.py`` from a foreign directory, with
``MPLBACKEND=Agg``, passes the same checks and writes nothing.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.py"))
#: what the repository snapshot ignores: version control, environments and caches that any Python run touches
IGNORED = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "build"}


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """{relative path: (size, mtime in ns)} of every file under ``root`` outside :data:`IGNORED`."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in IGNORED and not d.endswith(".egg-info")]
        for name in filenames:
            p = Path(dirpath) / name
            st = p.stat()
            out[str(p.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return out


def changed(before: dict, after: dict) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_fast_in_jupyter_and_shows_figures(path, tmp_path, monkeypatch, cli_env):
    import jupytext
    from nbclient import NotebookClient

    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    for k in ("RASHBA_FAST", "MPLBACKEND", "PYTHONPATH"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("RASHBA_FAST", "1")
    monkeypatch.setenv("PYTHONPATH", cli_env["PYTHONPATH"])
    nb = jupytext.read(path)
    before = snapshot(ROOT)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if "image/png" in o.get("data", {})]
    assert images, "no figure shown"
    assert sorted(p.name for p in cwd.iterdir()) == []
    assert changed(before, snapshot(ROOT)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_fast_as_a_script(path, tmp_path, cli_env):
    env = dict(cli_env, RASHBA_FAST="1", MPLBACKEND="Agg")
    before = snapshot(ROOT)
    p = subprocess.run([sys.executable, str(path)], env=env, cwd=tmp_path, capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stderr
    assert sorted(q.name for q in tmp_path.iterdir()) == []
    assert changed(before, snapshot(ROOT)) == []
