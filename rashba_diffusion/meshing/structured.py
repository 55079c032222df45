"""Structured meshes built by DOLFINx directly (no gmsh): the wire's 1D cross-section, the layered bilayer
(1D or 2D), the two halves of a single film, a rectangle graded toward its edges and the wire along its axis (the
LLG's 1D wire).  Tags and names from
:mod:`.tags`.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ParameterError
from ..fem._compat import MPI, mesh
from ..fem.geometry import Geometry
from ..validation import check_length
from .tags import (
    BILAYER_FACETS,
    BOTTOM_HALF,
    CONTACT_FACETS,
    CONTACT_LEFT,
    CONTACT_RIGHT,
    EDGE_HIGH,
    EDGE_LOW,
    FM,
    HM,
    TOP_HALF,
    WIRE_FACETS,
)


def cross_section(comm: MPI.Comm, width_nm: float, cell_nm: float) -> Geometry:
    """Uniform 1D mesh of [0, W] (nm) with the two edges tagged as spin sinks."""
    w = check_length("width_nm", width_nm)
    h = check_length("cell_nm", cell_nm)
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
    return Geometry(msh=msh, facet_tags=ft, mode="cross_section", width_nm=w, spin_sinks=(EDGE_LOW, EDGE_HIGH),
                    tag_names=dict(WIRE_FACETS))


def _layer_coordinate(t: np.ndarray, n_hm: int, h_hm: float, h_fm: float) -> np.ndarray:
    """Map the cell index coordinate t ∈ [0, n_hm + n_fm] to z: HM cells of h_hm below 0, FM cells of h_fm above."""
    return np.where(t <= n_hm, (t - n_hm) * h_hm, (t - n_hm) * h_fm)


def bilayer_mesh(comm, hm_thickness_nm: float, fm_thickness_nm: float | None, cell_nm: float,
                 width_nm: float | None = None):
    """A structured 1D (z) or 2D (y, z) bilayer with the tags of the gmsh bilayers (:mod:`.tags`).

    HM at −d_N ≤ z ≤ 0, FM at 0 ≤ z ≤ d_F (absent when ``fm_thickness_nm`` is None: the interface is then the
    top boundary), y ∈ [0, W].  Cells "hm"/"fm"; facets "interface", "hm_bottom", "fm_top", "sides".
    """
    d_n = check_length("hm_thickness_nm", hm_thickness_nm)
    h = check_length("cell_nm", cell_nm)
    n_hm = max(2, math.ceil(d_n / h))
    d_f = 0.0 if fm_thickness_nm is None else check_length("fm_thickness_nm", fm_thickness_nm)
    n_fm = 0 if fm_thickness_nm is None else max(2, math.ceil(d_f / h))
    h_hm, h_fm = d_n / n_hm, (d_f / n_fm if n_fm else 0.0)
    n = n_hm + n_fm
    if width_nm is None:
        msh = mesh.create_interval(comm, n, [0.0, float(n)])
        zaxis = 0
    else:
        w = check_length("width_nm", width_nm)
        n_y = max(2, math.ceil(w / h))
        msh = mesh.create_rectangle(comm, [[0.0, 0.0], [float(n_y), float(n)]], [n_y, n],
                                    cell_type=mesh.CellType.triangle)
        zaxis = 1
        msh.geometry.x[:, 0] *= w / n_y
    x = msh.geometry.x
    # the coordinates are integers up to round-off: snap, then map each layer affinely
    x[:, zaxis] = _layer_coordinate(np.round(x[:, zaxis]), n_hm, h_hm, h_fm)
    tdim, fdim = msh.topology.dim, msh.topology.dim - 1
    tol = 1e-6 * min(h_hm, h_fm) if n_fm else 1e-6 * h_hm

    cells_hm = mesh.locate_entities(msh, tdim, lambda p: p[zaxis] <= tol)
    cells_fm = mesh.locate_entities(msh, tdim, lambda p: p[zaxis] >= -tol)
    ents = np.concatenate([cells_hm, cells_fm]).astype(np.int32)
    vals = np.concatenate([np.full(cells_hm.size, HM),
                           np.full(cells_fm.size, FM)]).astype(np.int32)
    order = np.argsort(ents)
    ct = mesh.meshtags(msh, tdim, ents[order], vals[order])

    msh.topology.create_connectivity(fdim, tdim)
    markers = {
        "interface": lambda p: np.abs(p[zaxis]) < tol,
        "hm_bottom": lambda p: np.abs(p[zaxis] + d_n) < tol,
        "fm_top": lambda p: np.abs(p[zaxis] - d_f) < tol if n_fm else np.zeros(p.shape[1], dtype=bool),
    }
    if width_nm is not None:
        markers["sides"] = lambda p: (np.abs(p[0]) < tol) | (np.abs(p[0] - width_nm) < tol)
    fe, fv = [], []
    for name, marker in markers.items():
        f = mesh.locate_entities(msh, fdim, marker)
        fe.append(f)
        fv.append(np.full(f.size, BILAYER_FACETS[name]))
    ents = np.concatenate(fe).astype(np.int32)
    vals = np.concatenate(fv).astype(np.int32)
    order = np.argsort(ents)
    ft = mesh.meshtags(msh, fdim, ents[order], vals[order])
    cell_names = {"hm": HM} | ({"fm": FM} if n_fm else {})
    return Geometry(
        msh=msh, facet_tags=ft, mode="cross_section" if width_nm is None else "plane",
        width_nm=width_nm if width_nm is not None else d_n + d_f, spin_sinks=(), contacts=(),
        tag_names={k: v for k, v in BILAYER_FACETS.items() if k in markers}, cell_tags=ct, cell_tag_names=cell_names,
    )


def film_halves(comm: MPI.Comm, thickness_nm: float, cell_nm: float) -> tuple[mesh.Mesh, mesh.MeshTags]:
    """A 1D mesh of the film 0 ≤ z ≤ d (an even number of cells of at most ``cell_nm``, so z = d/2 is a vertex)
    and its cell tags: :data:`.tags.BOTTOM_HALF` below d/2, :data:`.tags.TOP_HALF` above."""
    d = check_length("thickness_nm", thickness_nm)
    n = 2 * max(2, math.ceil(d / (2 * check_length("cell_nm", cell_nm))))
    msh = mesh.create_interval(comm, n, [0.0, d])
    cells_bottom = mesh.locate_entities(msh, 1, lambda p: p[0] <= 0.5 * d + 1e-9 * d)
    cells_top = mesh.locate_entities(msh, 1, lambda p: p[0] >= 0.5 * d - 1e-9 * d)
    ents = np.concatenate([cells_bottom, cells_top]).astype(np.int32)
    vals = np.concatenate([np.full(cells_bottom.size, BOTTOM_HALF), np.full(cells_top.size, TOP_HALF)]).astype(np.int32)
    order = np.argsort(ents)
    return msh, mesh.meshtags(msh, 1, ents[order], vals[order])


#: grading of the strip mesh toward y = 0, W (0: uniform; < 1 keeps the map monotone)
EDGE_GRADING = 0.9


def graded_strip(comm: MPI.Comm, length_nm: float, width_nm: float, cell_x_nm: float, cells_y: int) -> Geometry:
    """Structured rectangle [0, Lx]×[0, W], uniform along x, refined toward the edges y = 0, W.

    The wire's boundary roles: spin sinks at y = 0, W and contacts at x = 0, Lx.
    The y coordinate t ∈ [0, 1] is mapped to W (t − g sin(2πt)/2π), whose
    slope 1 − g cos(2πt) is 1 − g at the edges and 1 + g in the middle.
    """
    lx = check_length("length_nm", length_nm)
    w = check_length("width_nm", width_nm)
    hx = check_length("cell_x_nm", cell_x_nm)
    nx = max(2, int(round(lx / hx)))
    msh = mesh.create_rectangle(comm, [np.array([0.0, 0.0]), np.array([lx, w])], [nx, int(cells_y)])
    x = msh.geometry.x
    t = x[:, 1] / w
    x[:, 1] = w * (t - EDGE_GRADING * np.sin(2 * np.pi * t) / (2 * np.pi))
    msh.topology.create_connectivity(1, 2)
    tol = 1e-9 * max(lx, w)
    ents, vals = [], []
    for tag, axis, value in ((EDGE_LOW, 1, 0.0), (EDGE_HIGH, 1, w), (CONTACT_LEFT, 0, 0.0), (CONTACT_RIGHT, 0, lx)):
        found = mesh.locate_entities_boundary(msh, 1, lambda p, a=axis, v=value: np.abs(p[a] - v) < tol)
        ents.append(found)
        vals.append(np.full(found.size, tag, dtype=np.int32))
    e, first = np.unique(np.concatenate(ents), return_index=True)  # corners: one tag each
    ft = mesh.meshtags(msh, 1, e.astype(np.int32), np.concatenate(vals)[first])
    return Geometry(msh=msh, facet_tags=ft, mode="plane", width_nm=w, length_nm=lx,
                    spin_sinks=(EDGE_LOW, EDGE_HIGH), contacts=(CONTACT_LEFT, CONTACT_RIGHT),
                    tag_names=dict(WIRE_FACETS))


# -- the wire along its axis (the 1D LLG, a domain wall) ----------------------------------


def _interval_with_end_contacts(comm: MPI.Comm, length: float, n: int) -> tuple:
    """``n`` uniform cells on 0 ≤ x ≤ ``length`` (nm), the end points tagged ``contact_left``/``contact_right``:
    (mesh, facet tags)."""
    msh = mesh.create_interval(comm, n, [0.0, length])
    msh.topology.create_connectivity(0, 1)
    tol = 1e-9 * length
    lo = mesh.locate_entities_boundary(msh, 0, lambda x: np.abs(x[0]) < tol)
    hi = mesh.locate_entities_boundary(msh, 0, lambda x: np.abs(x[0] - length) < tol)
    ents = np.concatenate([lo, hi]).astype(np.int32)
    vals = np.concatenate([np.full(lo.size, CONTACT_LEFT), np.full(hi.size, CONTACT_RIGHT)]).astype(np.int32)
    order = np.argsort(ents)
    return msh, mesh.meshtags(msh, 0, ents[order], vals[order])


def wire_along_x(comm: MPI.Comm, length_nm: float, cell_nm: float) -> Geometry:
    """Uniform 1D mesh of a wire 0 ≤ x ≤ L (nm) along its axis (the LLG's 1D wire; "plane" mode: ∂x is the mesh
    derivative).  Both ends are contacts (ν = 0) and spin sinks (s = 0): a current flows through the wire and the
    spin current leaves it there, so a uniform end region carries no boundary layer."""
    length = check_length("length_nm", length_nm)
    h = check_length("cell_nm", cell_nm)
    if h > length / 2:
        raise ParameterError(f"cell_nm = {cell_nm!r} nm is invalid; valid range: (0, length_nm/2 = {length / 2:g}]")
    msh, ft = _interval_with_end_contacts(comm, length, max(2, math.ceil(length / h)))
    return Geometry(msh=msh, facet_tags=ft, mode="plane", width_nm=length, length_nm=length,
                    spin_sinks=(CONTACT_LEFT, CONTACT_RIGHT), contacts=(CONTACT_LEFT, CONTACT_RIGHT),
                    tag_names=dict(CONTACT_FACETS))


def pumping_line(comm: MPI.Comm, length_nm: float, cell_nm: float) -> Geometry:
    """The line 0 ≤ x ≤ L (nm) with uniform cells, for textures along x: mode ``"plane"`` (the coordinate is x,
    the film is infinite and uniform along y), contacts (ν = 0) at x = 0 and x = L, no spin sinks."""
    lx = check_length("length_nm", length_nm)
    h = check_length("cell_nm", cell_nm)
    msh, ft = _interval_with_end_contacts(comm, lx, max(4, math.ceil(lx / h)))
    return Geometry(msh=msh, facet_tags=ft, mode="plane", width_nm=lx, length_nm=lx,
                    contacts=(CONTACT_LEFT, CONTACT_RIGHT), tag_names=dict(CONTACT_FACETS))


def pumping_rectangle(comm: MPI.Comm, length_nm: float, width_nm: float, edge_cell_nm: float) -> Geometry:
    """The rectangle [0, L] × [0, W] (nm), cells graded toward all four edges: each coordinate t ∈ [0, 1] is mapped
    to t − g sin(2πt)/2π (g = :data:`EDGE_GRADING`), so the cells are ``edge_cell_nm`` at the edges and
    (1 + g)/(1 − g) times that in the middle.  The whole boundary is a contact (ν = 0: the film is
    short-circuited in both directions, as the infinite film is), tagged ``contact_left``/``contact_right``
    (x = 0, L) and ``edge_low``/``edge_high`` (y = 0, W); spin is natural everywhere (no sinks)."""
    lx = check_length("length_nm", length_nm)
    w = check_length("width_nm", width_nm)
    h = check_length("edge_cell_nm", edge_cell_nm)
    nx, ny = (max(4, math.ceil((1.0 - EDGE_GRADING) * size / h)) for size in (lx, w))
    msh = mesh.create_rectangle(comm, [np.array([0.0, 0.0]), np.array([lx, w])], [nx, ny])
    x = msh.geometry.x
    for axis, size in ((0, lx), (1, w)):
        t = x[:, axis] / size
        x[:, axis] = size * (t - EDGE_GRADING * np.sin(2 * np.pi * t) / (2 * np.pi))
    msh.topology.create_connectivity(1, 2)
    tol = 1e-9 * max(lx, w)
    ents, vals = [], []
    for tag, axis, value in ((EDGE_LOW, 1, 0.0), (EDGE_HIGH, 1, w), (CONTACT_LEFT, 0, 0.0), (CONTACT_RIGHT, 0, lx)):
        found = mesh.locate_entities_boundary(msh, 1, lambda p, a=axis, v=value: np.abs(p[a] - v) < tol)
        ents.append(found)
        vals.append(np.full(found.size, tag, dtype=np.int32))
    e, first = np.unique(np.concatenate(ents), return_index=True)  # corners: one tag each
    ft = mesh.meshtags(msh, 1, e.astype(np.int32), np.concatenate(vals)[first])
    return Geometry(msh=msh, facet_tags=ft, mode="plane", width_nm=w, length_nm=lx,
                    contacts=(CONTACT_LEFT, CONTACT_RIGHT, EDGE_LOW, EDGE_HIGH), tag_names=dict(WIRE_FACETS))


# -- α = 0: domain wall and Eq. 25 ------------------------------------------------
