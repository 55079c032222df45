"""Uniform refinement of a tagged mesh: the mesh hierarchy of geometric multigrid, and large meshes made in
parallel.

:func:`refine_geometry` splits every edge of a :class:`~rashba_diffusion.fem.geometry.Geometry`'s mesh at its
midpoint ``times`` times and carries the cell and facet tags over.  The result keeps the coarser meshes
(``Geometry.coarse_meshes``, finest first): the ``multigrid`` solver preset builds its geometric levels
from them (P1 on every mesh of the hierarchy), which is what makes P1 solves h-independent.  Refinement runs
on every rank on its own cells (the refined cells stay on their parent's rank), so it also makes meshes far
larger than gmsh on one rank could (the cluster path of docs/scaling.md).

The tags are carried over geometrically, not through DOLFINx's parent maps: DOLFINx 0.11 gives the parents
of owned cells only, and cannot transfer facet tags on a ghosted mesh, which the interior-facet integrals
(a bilayer interface, the wire's mid-line) need.  A child cell lies inside its parent, and a child facet on
a parent facet lies in it, so each child takes the tag of the parent entity that contains its midpoint.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..errors import ParameterError
from ..fem._compat import geometry as dgeometry
from ..fem._compat import mesh
from ..fem.geometry import Geometry

#: relative tolerance (of the parent facet's size) of "a child facet's midpoint lies on the parent facet"
ON_FACET_RTOL = 1e-8


def _local_entities(msh: mesh.Mesh, dim: int) -> np.ndarray:
    """Every local entity of ``dim`` (owned and ghost)."""
    msh.topology.create_entities(dim)
    imap = msh.topology.index_map(dim)
    return np.arange(imap.size_local + imap.num_ghosts, dtype=np.int32)


def _containing_cells(coarse: mesh.Mesh, points: np.ndarray) -> np.ndarray:
    """For each point, a local cell of ``coarse`` that contains it (-1: none on this rank)."""
    tdim = coarse.topology.dim
    cells = _local_entities(coarse, tdim)
    out = np.full(len(points), -1, dtype=np.int32)
    if not len(points) or not len(cells):
        return out
    tree = dgeometry.bb_tree(coarse, tdim, entities=cells)
    candidates = dgeometry.compute_collisions_points(tree, points)
    colliding = dgeometry.compute_colliding_cells(coarse, candidates, points)
    offsets, links = colliding.offsets, colliding.array
    has = np.diff(offsets) > 0
    out[has] = links[offsets[:-1][has]]
    return out


def _points_on_facets(coarse: mesh.Mesh, facets: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each point, the index into ``facets`` of a facet of ``coarse`` it lies on (-1: none)."""
    fdim = coarse.topology.dim - 1
    out = np.full(len(points), -1, dtype=np.int64)
    if not len(points) or not len(facets):
        return out
    tree = dgeometry.bb_tree(coarse, fdim, entities=facets, padding=1e-12)
    candidates = dgeometry.compute_collisions_points(tree, points)
    counts = np.diff(candidates.offsets)
    pt = np.repeat(np.arange(len(points)), counts)  # candidate pairs (point, facet entity)
    ent = candidates.array
    if not len(ent):
        return out
    # the facets' vertices (linear meshes: the geometry nodes), as a simplex x0 + T λ
    order = np.argsort(facets)
    where = order[np.searchsorted(facets, ent, sorter=order)]  # index into ``facets`` of each candidate
    nodes = mesh.entities_to_geometry(coarse, fdim, ent)
    x = coarse.geometry.x[nodes]  # (pairs, k, 3)
    x0 = x[:, 0, :]
    T = np.transpose(x[:, 1:, :] - x0[:, None, :], (0, 2, 1))  # (pairs, 3, k-1)
    r = points[pt] - x0
    G = np.einsum("pij,pik->pjk", T, T)
    lam = np.linalg.solve(G, np.einsum("pij,pi->pj", T, r)[..., None])[..., 0]
    dist = np.linalg.norm(r - np.einsum("pij,pj->pi", T, lam), axis=1)
    size = np.sqrt(np.max(np.einsum("pij,pij->pj", T, T), axis=1))
    tol = ON_FACET_RTOL
    inside = (dist <= tol * size) & np.all(lam >= -tol, axis=1) & (lam.sum(axis=1) <= 1.0 + tol)
    out[pt[inside]] = where[inside]
    return out


def _carry_tags(coarse: mesh.Mesh, fine: mesh.Mesh, tags: mesh.MeshTags) -> mesh.MeshTags:
    """The tags of ``coarse``'s cells or facets on the children in ``fine`` (every local entity)."""
    dim = tags.dim
    tdim = fine.topology.dim
    fine.topology.create_connectivity(dim, tdim)
    children = _local_entities(fine, dim)
    mid = mesh.compute_midpoints(fine, dim, children)
    if dim == tdim:
        values = np.full(_local_entities(coarse, tdim).size, -1, dtype=np.int64)
        values[tags.indices] = tags.values
        parent = _containing_cells(coarse, mid)
        child_values = np.where(parent >= 0, values[np.maximum(parent, 0)], -1)
    else:
        coarse.topology.create_connectivity(dim, tdim)
        parent = _points_on_facets(coarse, tags.indices.astype(np.int32), mid)
        child_values = np.where(parent >= 0, tags.values[np.maximum(parent, 0)], -1)
    keep = child_values >= 0
    return mesh.meshtags(fine, dim, children[keep], child_values[keep].astype(np.int32))


def refine_geometry(geometry: Geometry, times: int = 1) -> Geometry:
    """``geometry`` refined uniformly ``times`` times, with its tags, roles and the coarser meshes.

    Parameters
    ----------
    geometry
        A tagged mesh with linear simplex cells (any dimension; gmsh, structured or from a file).
    times
        How many times every edge is halved (≥ 0); the cell count grows by 2^(tdim × times).

    Returns
    -------
    Geometry
        The refined mesh with the cell and facet tags of its parents (ghost cells and facets included), the
        same tag names and roles, and ``coarse_meshes`` = the meshes it was refined from, finest first
        (followed by ``geometry.coarse_meshes``).
    """
    if int(times) != times or times < 0:
        raise ParameterError(f"refinements = {times!r} is invalid; valid values: an integer >= 0")
    g = geometry
    for _ in range(int(times)):
        coarse = g.msh
        coarse.topology.create_entities(1)
        # default partitioner: every child stays on its parent's rank, and the ghost layer is refined with it
        fine, _, _ = mesh.refine(coarse)
        facet_tags = _carry_tags(coarse, fine, g.facet_tags)
        cell_tags = _carry_tags(coarse, fine, g.cell_tags) if g.cell_tags is not None else None
        g = dataclasses.replace(g, msh=fine, facet_tags=facet_tags, cell_tags=cell_tags,
                                coarse_meshes=(coarse, *g.coarse_meshes))
    return g
