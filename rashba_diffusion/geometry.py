"""Meshes of the wire, with named boundary tags.

Two views of the same wire (E ∥ x̂ along its axis, width W along ŷ):

* :func:`cross_section` — the translation-invariant cross-section of an
  infinitely long wire: a 1D mesh of [0, W] whose coordinate is y.  All
  x-derivatives of the unknowns vanish; the field enters through the sources.
* :func:`wire_2d` — the full rectangle [0, Lx] × [0, W] meshed by gmsh,
  refined toward the spin-sink edges y = 0, W, with an embedded mid-line
  x = Lx/2 for cross-section averages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ._compat import MPI, mesh, model_to_mesh
from .parameters import ParameterError, check_positive

Mode = Literal["cross_section", "plane"]

EDGE_LOW, EDGE_HIGH, CONTACT_LEFT, CONTACT_RIGHT, MIDLINE = 1, 2, 3, 4, 5
TAG_NAMES = {
    "edge_low": EDGE_LOW,
    "edge_high": EDGE_HIGH,
    "contact_left": CONTACT_LEFT,
    "contact_right": CONTACT_RIGHT,
    "midline": MIDLINE,
}


@dataclass
class Geometry:
    """A mesh with its tags and the roles of the tagged boundaries.

    Attributes
    ----------
    mode
        ``"cross_section"`` (1D mesh, coordinate = y) or ``"plane"`` (2D, x, y).
    spin_sinks, contacts
        Facet tags where s = 0, and where ν = 0.
    midline
        Interior-facet tag of the cross-section x = Lx/2 (plane mode only).
    cell_tags, cell_tag_names
        Material (subdomain) tags of the cells and their names, e.g.
        ``{"hm": 1, "fm": 2}``; ``None``/empty for a single-material film.
    """

    msh: mesh.Mesh
    facet_tags: mesh.MeshTags
    mode: Mode
    width_nm: float
    length_nm: float | None = None
    spin_sinks: tuple[int, ...] = (EDGE_LOW, EDGE_HIGH)
    contacts: tuple[int, ...] = ()
    midline: int | None = None
    tag_names: dict[str, int] = field(default_factory=lambda: dict(TAG_NAMES))
    cell_tags: mesh.MeshTags | None = None
    cell_tag_names: dict[str, int] = field(default_factory=dict)

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


def _check_width(width_nm: float) -> float:
    return check_positive("width_nm", width_nm, "nm")


def cross_section(comm: MPI.Comm, width_nm: float, cell_nm: float) -> Geometry:
    """Uniform 1D mesh of [0, W] (nm) with the two edges tagged as spin sinks."""
    w = _check_width(width_nm)
    h = check_positive("cell_nm", cell_nm, "nm")
    if h > w:
        raise ParameterError(f"cell_nm = {cell_nm!r} nm is invalid; valid range: (0, width_nm = {w:g}]")
    n = max(2, math.ceil(w / h))
    msh = mesh.create_interval(comm, n, [0.0, w])
    fdim = 0
    msh.topology.create_connectivity(fdim, 1)
    tol = 1e-9 * w
    lo = mesh.locate_entities_boundary(msh, fdim, lambda x: np.abs(x[0]) < tol)
    hi = mesh.locate_entities_boundary(msh, fdim, lambda x: np.abs(x[0] - w) < tol)
    ents = np.concatenate([lo, hi]).astype(np.int32)
    vals = np.concatenate([np.full(lo.size, EDGE_LOW), np.full(hi.size, EDGE_HIGH)]).astype(np.int32)
    order = np.argsort(ents)
    ft = mesh.meshtags(msh, fdim, ents[order], vals[order])
    return Geometry(msh=msh, facet_tags=ft, mode="cross_section", width_nm=w)


def wire_2d(
    comm: MPI.Comm,
    length_nm: float,
    width_nm: float,
    cell_edge_nm: float,
    cell_bulk_nm: float | None = None,
    edge_layer_nm: float | None = None,
) -> Geometry:
    """The full wire [0, Lx] × [0, W] meshed with gmsh (triangles).

    Cells are ``cell_edge_nm`` within ``edge_layer_nm`` of the edges y = 0, W
    and grow linearly to ``cell_bulk_nm`` over another layer width.  Tags:
    edge_low (y=0), edge_high (y=W), contact_left (x=0), contact_right (x=Lx),
    midline (interior facets on x = Lx/2); cells: film = 1.
    """
    import gmsh

    lx = check_positive("length_nm", length_nm, "nm")
    w = _check_width(width_nm)
    he = check_positive("cell_edge_nm", cell_edge_nm, "nm")
    hb = he * 8.0 if cell_bulk_nm is None else check_positive("cell_bulk_nm", cell_bulk_nm, "nm")
    layer = w / 10.0 if edge_layer_nm is None else check_positive("edge_layer_nm", edge_layer_nm, "nm")
    if he > w / 2:
        raise ParameterError(f"cell_edge_nm = {he!r} nm is invalid; valid range: (0, width_nm/2 = {w / 2:g}]")

    initialized_here = not gmsh.isInitialized()
    if initialized_here:
        gmsh.initialize(interruptible=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.model.add("wire")
        if comm.rank == 0:
            occ = gmsh.model.occ
            left = occ.addRectangle(0.0, 0.0, 0.0, lx / 2, w)
            right = occ.addRectangle(lx / 2, 0.0, 0.0, lx / 2, w)
            occ.fragment([(2, left)], [(2, right)])
            occ.synchronize()
            tol = 1e-6 * min(lx, w)
            groups: dict[int, list[int]] = {k: [] for k in TAG_NAMES.values()}
            for _, tag in gmsh.model.getEntities(1):
                x0, y0, _, x1, y1, _ = gmsh.model.getBoundingBox(1, tag)
                if abs(y0) < tol and abs(y1) < tol:
                    groups[EDGE_LOW].append(tag)
                elif abs(y0 - w) < tol and abs(y1 - w) < tol:
                    groups[EDGE_HIGH].append(tag)
                elif abs(x0) < tol and abs(x1) < tol:
                    groups[CONTACT_LEFT].append(tag)
                elif abs(x0 - lx) < tol and abs(x1 - lx) < tol:
                    groups[CONTACT_RIGHT].append(tag)
                elif abs(x0 - lx / 2) < tol and abs(x1 - lx / 2) < tol:
                    groups[MIDLINE].append(tag)
            for name, tag in TAG_NAMES.items():
                gmsh.model.addPhysicalGroup(1, groups[tag], tag, name=name)
            gmsh.model.addPhysicalGroup(2, [s[1] for s in gmsh.model.getEntities(2)], 1, name="film")
            fdist = gmsh.model.mesh.field.add("Distance")
            gmsh.model.mesh.field.setNumbers(fdist, "CurvesList", groups[EDGE_LOW] + groups[EDGE_HIGH])
            gmsh.model.mesh.field.setNumber(fdist, "Sampling", max(100, int(4 * lx / he)))
            fthr = gmsh.model.mesh.field.add("Threshold")
            gmsh.model.mesh.field.setNumber(fthr, "InField", fdist)
            gmsh.model.mesh.field.setNumber(fthr, "SizeMin", he)
            gmsh.model.mesh.field.setNumber(fthr, "SizeMax", hb)
            gmsh.model.mesh.field.setNumber(fthr, "DistMin", layer)
            gmsh.model.mesh.field.setNumber(fthr, "DistMax", 2 * layer)
            gmsh.model.mesh.field.setAsBackgroundMesh(fthr)
            gmsh.option.setNumber("Mesh.MeshSizeExtendFromBoundary", 0)
            gmsh.option.setNumber("Mesh.MeshSizeFromPoints", 0)
            gmsh.option.setNumber("Mesh.MeshSizeFromCurvature", 0)
            gmsh.option.setNumber("Mesh.Algorithm", 6)
            gmsh.model.mesh.generate(2)
        msh, _, ft, _ = model_to_mesh(gmsh.model, comm, 0, gdim=2)
    finally:
        gmsh.model.remove()
        if initialized_here:
            gmsh.finalize()
    return Geometry(
        msh=msh,
        facet_tags=ft,
        mode="plane",
        width_nm=w,
        length_nm=lx,
        spin_sinks=(EDGE_LOW, EDGE_HIGH),
        contacts=(CONTACT_LEFT, CONTACT_RIGHT),
        midline=MIDLINE,
    )
