"""What the notebooks share: their fast mode and where their figures go.

A notebook (``notebooks/*.py``, jupytext percent format) runs in two modes:

* **fast** (``RASHBA_FAST=1``, what the test suite runs): a reduced study that asserts its key numbers against
  independent references and writes nothing;
* **full**: the study of the docs, whose figures :func:`save_figure` writes into the repository's
  ``docs/figures/`` (PNG for the docs, and SVG, a vector copy for print), whatever the working directory.

Figures are made with pyplot and never force a backend: Jupyter shows them inline, a script leaves the choice to
``MPLBACKEND`` (the test sets it).  The pattern of a notebook::

    from rashba_diffusion.studies.figures import fast_mode, save_figure

    FAST = fast_mode()
    ...                                    # the study; assert its numbers against an independent reference
    fig, ax = plt.subplots(layout="constrained")
    ...                                    # units on every axis, signed values where signs change
    save_figure(fig, "fig2_profiles")      # docs/figures/fig2_profiles.png and .svg in full mode; nothing in fast
"""

from __future__ import annotations

import os
from pathlib import Path

from ..files import atomic_write_with

#: the environment variable of the fast mode
FAST_ENV = "RASHBA_FAST"
#: resolution of the PNG copies (the docs embed them)
FIGURE_DPI = 200
#: the formats :func:`save_figure` writes: a raster for the docs, a vector copy for print
FIGURE_FORMATS = ("png", "svg")


def fast_mode() -> bool:
    """Whether the notebook runs in its fast mode (``RASHBA_FAST=1``)."""
    return os.environ.get(FAST_ENV) == "1"


def figures_dir() -> Path:
    """The repository's ``docs/figures``, found from the package's own location in a checkout (an editable
    install or the source tree), so that it does not depend on the working directory.

    Raises
    ------
    FileNotFoundError
        If the package is not in a checkout (an installed copy has no ``docs/``).
    """
    root = Path(__file__).resolve().parents[2]
    if not ((root / "pyproject.toml").is_file() and (root / "docs").is_dir()):
        raise FileNotFoundError(f"the package at {root} is not in a checkout of the repository, so it has no "
                                "docs/figures: run the notebooks' full mode from a checkout (pip install -e .)")
    return root / "docs" / "figures"


def save_figure(fig, name: str, *, fast: bool | None = None) -> list[Path]:
    """Save ``fig`` as ``docs/figures/NAME.png`` and ``NAME.svg`` in full mode; nothing in fast mode.

    ``fast`` defaults to :func:`fast_mode`.  Each file is written atomically; the SVG carries no date, so that an
    unchanged figure gives an unchanged file.  Returns the paths written.
    """
    if fast_mode() if fast is None else fast:
        return []
    out = figures_dir()
    written = []
    for fmt in FIGURE_FORMATS:
        path = out / f"{name}.{fmt}"
        meta = {"Date": None} if fmt == "svg" else {}
        atomic_write_with(path, lambda p, fmt=fmt, meta=meta: fig.savefig(p, format=fmt, dpi=FIGURE_DPI,
                                                                            metadata=meta))
        written.append(path)
    return written
