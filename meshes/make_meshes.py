"""Write the example meshes as .msh files (the library's generators, nothing else).

Usage (from the repository root)::

    .venv/bin/python meshes/make_meshes.py [OUTDIR]      # default: results/meshes/

One file per generator, with the dimensions below (nm).  The same meshes come
from the command line, e.g.
``rashba-diffusion mesh hall-bar --length-nm 400 --width-nm 100 --arm-width-nm 40 --arm-length-nm 60
--cell-nm 2 -o hall_bar.msh``.  Nothing here is committed but this script: the
.msh files are regenerated in a second.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rashba_diffusion.meshing.gmsh_tools import write_msh
from rashba_diffusion.meshing.specs import (
    BilayerCrossSectionMesh,
    BilayerStripeMesh,
    HallBarMesh,
    NotchedWireMesh,
    WireMesh,
)

EXAMPLES = {
    # the paper's wire (Fig. 2): 50 nm wide, 200 nm long
    "wire.msh": WireMesh(length_nm=200.0, width_nm=50.0, cell_nm=1.0),
    # a Hall bar with two arm pairs at L/3 and 2L/3
    "hall_bar.msh": HallBarMesh(length_nm=400.0, width_nm=100.0, arm_width_nm=40.0, arm_length_nm=60.0,
                                cell_nm=2.0),
    # a symmetric constriction to half the width
    "notch.msh": NotchedWireMesh(length_nm=200.0, width_nm=50.0, notch_depth_nm=12.5, notch_width_nm=20.0,
                                 cell_nm=1.0),
    # Pt(3 nm)/Co(1 nm)-like bilayer cross-section, 20 nm wide
    "bilayer.msh": BilayerCrossSectionMesh(width_nm=20.0, hm_thickness_nm=3.0, fm_thickness_nm=1.0,
                                           cell_nm=0.05),
    # the same bilayer as a 3D stripe 40 nm long
    "bilayer_3d.msh": BilayerStripeMesh(length_nm=40.0, width_nm=20.0, hm_thickness_nm=3.0,
                                        fm_thickness_nm=1.0, cell_nm=0.1, lateral_cell_nm=2.0),
}


def main(outdir: str = "results/meshes") -> None:
    out = Path(outdir)
    for name, spec in EXAMPLES.items():
        info = write_msh(spec, out / name)
        print(json.dumps({k: info[k] for k in ("path", "dim", "nodes", "cells", "cell_tags", "facet_tags")}))


if __name__ == "__main__":
    main(*sys.argv[1:2])
