"""A mesh with its tags and the roles of its tagged boundaries.

The meshes themselves are built in :mod:`rashba_diffusion.meshing` (structured meshes, gmsh generators,
mesh files), which also holds the table of tag numbers and names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ._compat import MPI, mesh

Mode = Literal["cross_section", "plane"]


@dataclass
class Geometry:
    """A mesh with its tags and the roles of the tagged boundaries.

    Attributes
    ----------
    mode
        ``"cross_section"`` (1D mesh, coordinate = y) or ``"plane"`` (2D, x, y; or 3D).
    spin_sinks, contacts
        Facet tags where s = 0, and where ν = 0.
    midline
        Interior-facet tag of the cross-section x = Lx/2 (plane mode only).
    tag_names
        Names of the facet tags, e.g. ``{"edge_low": 1, ...}``.
    cell_tags, cell_tag_names
        Material (subdomain) tags of the cells and their names, e.g.
        ``{"hm": 2, "fm": 3}``; ``None``/empty for a single-material film.
    coarse_meshes
        Coarser meshes of ``msh``, finest first, each refined uniformly into the previous one (the finest
        into ``msh``): the levels of geometric multigrid
        (:func:`rashba_diffusion.meshing.refine.refine_geometry` builds them); empty for a mesh made directly.
    """

    msh: mesh.Mesh
    facet_tags: mesh.MeshTags
    mode: Mode
    width_nm: float
    length_nm: float | None = None
    spin_sinks: tuple[int, ...] = ()
    contacts: tuple[int, ...] = ()
    midline: int | None = None
    tag_names: dict[str, int] = field(default_factory=dict)
    cell_tags: mesh.MeshTags | None = None
    cell_tag_names: dict[str, int] = field(default_factory=dict)
    coarse_meshes: tuple = ()

    @property
    def comm(self) -> MPI.Comm:
        return self.msh.comm

    def mid_points(self, n: int) -> np.ndarray:
        """(n, 3) points across the width at mid-length, in mesh coordinates."""
        y = np.linspace(0.0, self.width_nm, n)
        pts = np.zeros((n, 3))
        if self.mode == "cross_section":
            pts[:, 0] = y
        else:
            pts[:, 0] = 0.5 * self.length_nm
            pts[:, 1] = y
        return pts
