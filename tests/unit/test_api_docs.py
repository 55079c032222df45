"""The API reference builds from the docstrings (pdoc; no network): a page for every module of the package, the
public names in the namespace's page, nothing loaded from the web."""

import importlib.util
import pkgutil
from pathlib import Path

import rashba_diffusion

ROOT = Path(__file__).resolve().parents[2]


def test_api_reference_builds_with_a_page_per_module(tmp_path):
    spec = importlib.util.spec_from_file_location("api_docs", ROOT / "scripts" / "api_docs.py")
    api_docs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(api_docs)
    index = api_docs.build(tmp_path)
    assert index.is_file()
    modules = [m.name for m in pkgutil.walk_packages(rashba_diffusion.__path__, "rashba_diffusion.")
               if not m.name.endswith("__main__")]
    missing = [m for m in modules if not (tmp_path / (m.replace(".", "/") + ".html")).is_file()]
    assert missing == []
    namespace = (tmp_path / "rashba_diffusion.html").read_text()
    for name in ("solve_wire", "solve_bilayer", "write_outputs", "Interface", "run_sweep"):
        assert name in namespace
    wire = (tmp_path / "rashba_diffusion" / "problems" / "wire.html").read_text()
    assert "thickness_nm" in wire and "xi_DL" in wire  # a docstring, rendered
    for page in tmp_path.rglob("*.html"):
        text = page.read_text()
        assert 'src="http' not in text and 'href="http' not in text.replace('href="https://pdoc.dev', ""), page
