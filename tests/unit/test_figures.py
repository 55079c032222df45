"""The notebooks' figure helper: the fast mode writes nothing, the full mode writes PNG and SVG into the repository's
docs/figures (found from the package, not the working directory)."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # this test draws off screen; the helper itself never chooses a backend
import matplotlib.pyplot as plt  # noqa: E402

from rashba_diffusion.studies import figures  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def test_the_figures_folder_is_the_checkouts_whatever_the_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert figures.figures_dir() == ROOT / "docs" / "figures"


def test_fast_mode_writes_nothing_and_full_mode_png_and_svg(tmp_path, monkeypatch):
    monkeypatch.setattr(figures, "figures_dir", lambda: tmp_path)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    monkeypatch.setenv("RASHBA_FAST", "1")
    assert figures.fast_mode() and figures.save_figure(fig, "x") == []
    assert list(tmp_path.iterdir()) == []
    monkeypatch.delenv("RASHBA_FAST")
    assert sorted(p.name for p in figures.save_figure(fig, "x")) == ["x.png", "x.svg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.png", "x.svg"]
    assert (tmp_path / "x.png").read_bytes()[:4] == b"\x89PNG"
    svg = (tmp_path / "x.svg").read_text()
    assert "<svg" in svg and "<dc:date>" not in svg  # no date: an unchanged figure is an unchanged file
    plt.close(fig)
