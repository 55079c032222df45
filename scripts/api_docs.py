"""Build the API reference of rashba_diffusion from its docstrings (pdoc, numpy docstring style) as HTML.

    python scripts/api_docs.py [OUTDIR]      # default docs/api (not committed); open OUTDIR/index.html

Documents the modules where things are defined: the pure modules, then each layer (physics, fem, meshing, models,
problems, studies, verification, cli) with all its modules; the package's lazy namespace (``rashba_diffusion``)
lists the public names.  Needs the ``docs`` extra (``pip install -e '.[docs]'``), no network.
``tests/unit/test_api_docs.py`` builds it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: the modules documented, in the order of the package's layers (a package brings its submodules)
MODULES = ("rashba_diffusion", "rashba_diffusion.units", "rashba_diffusion.errors", "rashba_diffusion.validation",
           "rashba_diffusion.files", "rashba_diffusion.launch", "rashba_diffusion.physics", "rashba_diffusion.fem",
           "rashba_diffusion.meshing", "rashba_diffusion.models", "rashba_diffusion.problems",
           "rashba_diffusion.studies", "rashba_diffusion.verification", "rashba_diffusion.cli")


def build(out: Path) -> Path:
    """Write the HTML reference into ``out``; the path of its index page."""
    import pdoc
    import pdoc.render

    pdoc.render.configure(docformat="numpy", footer_text="rashba_diffusion API reference")
    pdoc.pdoc(*MODULES, output_directory=out)
    return out / "index.html"


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "api"))
