"""gmsh helpers of the mesh specifications: each acts on the ``gmsh`` module it is given (the specs stay light).

:func:`gmsh_model` imports gmsh when it is entered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import numpy as np

from ..files import deferred_signals
from .tags import CONTACT_LEFT, CONTACT_RIGHT, FILM


@contextmanager
def gmsh_model(name: str) -> Iterator:
    """A fresh gmsh model (gmsh initialized here if nobody else did), removed afterwards."""
    # SIGINT/SIGTERM are held while gmsh loads and works and delivered when the model is done (meshing is one
    # long C call, which Python could not interrupt anyway); the thread libgmsh starts when it loads inherits
    # the blocked signals, so that they reach the main thread only (cli.contract.startup_guard says why)
    with deferred_signals(block=True):
        import gmsh

        initialized_here = not gmsh.isInitialized()
        if initialized_here:
            gmsh.initialize(interruptible=False)
        try:
            gmsh.option.setNumber("General.Terminal", 0)
            gmsh.model.add(name)
            yield gmsh
        finally:
            gmsh.model.remove()
            if initialized_here:
                gmsh.finalize()


def group_by_bbox(gmsh, dim: int, tags: Iterable[int], classify: Callable[..., int | None]) -> dict[int, list[int]]:
    """{physical tag: [entity tags]} from ``classify(x0, y0, z0, x1, y1, z1)`` of each entity's box."""
    groups: dict[int, list[int]] = {}
    for tag in tags:
        phys = classify(*gmsh.model.getBoundingBox(dim, tag))
        if phys is not None:
            groups.setdefault(phys, []).append(tag)
    return groups


def boundary_curves(gmsh) -> list[int]:
    surfaces = gmsh.model.getEntities(2)
    return [abs(t) for _, t in gmsh.model.getBoundary(surfaces, combined=True, oriented=False)]


def add_groups(gmsh, dim: int, groups: dict[int, list[int]], names: dict[str, int]) -> None:
    for name, tag in names.items():
        if groups.get(tag):
            gmsh.model.addPhysicalGroup(dim, groups[tag], tag, name=name)


def add_film(gmsh) -> None:
    """All surfaces as the one material ``film``."""
    gmsh.model.addPhysicalGroup(2, [s[1] for s in gmsh.model.getEntities(2)], FILM, name="film")


def contact_tag(x0: float, x1: float, length_nm: float, tol: float) -> int | None:
    """CONTACT_LEFT / CONTACT_RIGHT for an entity whose box lies at x = 0 / x = L, else ``None``."""
    if abs(x0) < tol and abs(x1) < tol:
        return CONTACT_LEFT
    if abs(x0 - length_nm) < tol and abs(x1 - length_nm) < tol:
        return CONTACT_RIGHT
    return None


def refine_toward(gmsh, curves: list[int], h_min: float, h_max: float, layer: float, sampling: int) -> None:
    """Cells of size h_min within ``layer`` of ``curves``, growing linearly to h_max over another layer."""
    field = gmsh.model.mesh.field
    fdist = field.add("Distance")
    field.setNumbers(fdist, "CurvesList", curves)
    field.setNumber(fdist, "Sampling", sampling)
    fthr = field.add("Threshold")
    field.setNumber(fthr, "InField", fdist)
    field.setNumber(fthr, "SizeMin", h_min)
    field.setNumber(fthr, "SizeMax", h_max)
    field.setNumber(fthr, "DistMin", layer)
    field.setNumber(fthr, "DistMax", 2 * layer)
    field.setAsBackgroundMesh(fthr)
    gmsh.option.setNumber("Mesh.MeshSizeExtendFromBoundary", 0)
    gmsh.option.setNumber("Mesh.MeshSizeFromPoints", 0)
    gmsh.option.setNumber("Mesh.MeshSizeFromCurvature", 0)
    gmsh.option.setNumber("Mesh.Algorithm", 6)


def layer_heights(thickness_nm: float, cell_nm: float, cell_max_nm: float, growth: float) -> list[float]:
    """Cell heights across a layer, from its interface side outward.

    The k-th height is ``cell_nm · growth**k``, capped at ``cell_max_nm``; all
    are scaled down by the same factor (< 1) so that they add up to the
    thickness, which keeps the cell at the interface ≤ ``cell_nm``.
    """
    sizes: list[float] = []
    total = 0.0
    while total < thickness_nm * (1.0 - 1e-12):
        h = min(cell_nm * growth ** len(sizes), cell_max_nm)
        sizes.append(h)
        total += h
    return [h * thickness_nm / total for h in sizes]


def extrude_layers(gmsh, dimtags, axis: int, thickness_nm: float, heights_nm: list[float]):
    """Extrude ``dimtags`` by ``thickness_nm`` along coordinate ``axis`` (geo kernel), one element per height.

    Returns gmsh's list: [top entity, extruded entity, lateral entities...].
    """
    shift = [0.0, 0.0, 0.0]
    shift[axis] = thickness_nm
    cumulative = np.cumsum(heights_nm) / sum(heights_nm)
    cumulative[-1] = 1.0
    return gmsh.model.geo.extrude(dimtags, *shift, numElements=[1] * len(heights_nm),
                                  heights=cumulative.tolist(), recombine=False)
