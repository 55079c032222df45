"""gmsh helpers of the mesh specifications: each acts on the ``gmsh`` module it is given (the specs stay light),
and :func:`write_msh`, which saves a spec's mesh as a ``.msh`` file without DOLFINx.

:func:`gmsh_model` imports gmsh when it is entered.
"""

from __future__ import annotations

import dataclasses
import errno
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ..errors import ParameterError
from ..files import atomic_write_with, deferred_signals
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


def check_msh_path(path: str | os.PathLike | None) -> None:
    """A ``.msh`` path (or ``None``); checked on every rank before gmsh runs, so that no rank waits for a failed one."""
    if path is not None and Path(path).suffix != ".msh":
        raise ParameterError(f"mesh file = {str(path)!r} is invalid; valid values: a path ending in .msh")


def check_msh_complete(path: str | os.PathLike) -> None:
    """gmsh does not report a failed write (a full disk leaves a truncated file): the file must end with the
    end of a section (``$End...``); else OSError (ENOSPC when the disk has no free block)."""
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - 64))
        tail = f.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]
    if not tail.startswith(b"$End"):
        st = os.statvfs(Path(path).parent)
        code = errno.ENOSPC if st.f_bavail == 0 else errno.EIO
        raise OSError(code, f"{os.strerror(code)}: gmsh wrote an incomplete file", str(path))


def save_model(gmsh, path: str | os.PathLike) -> None:
    """Save the current gmsh model as ``path``, atomically; a truncated file (a full disk) is an OSError."""
    def write(tmp: str) -> None:
        gmsh.write(tmp)
        check_msh_complete(tmp)

    atomic_write_with(path, write)


def write_msh(spec, path: str | os.PathLike, comm=None) -> dict:
    """Save the gmsh model of the mesh spec ``spec`` (:mod:`.specs`) as ``path`` (.msh); return a summary.

    Needs gmsh only (no DOLFINx, no MPI).  With an MPI communicator ``comm`` rank 0 writes and returns the
    summary, the other ranks return ``{}`` after it is written.
    """
    check_msh_path(path)
    info: dict = {}
    if comm is None or comm.rank == 0:
        with gmsh_model(spec.kind) as gmsh:
            spec.build(gmsh)
            save_model(gmsh, path)
            tdim = gmsh.model.getDimension()
            groups = {gmsh.model.getPhysicalName(d, t): (d, t) for d, t in gmsh.model.getPhysicalGroups()}
            types, tags, _ = gmsh.model.mesh.getElements(tdim)
            info = {
                "kind": spec.kind,
                "path": str(path),
                "dim": tdim,
                "nodes": int(len(gmsh.model.mesh.getNodes()[0])),
                "cells": int(sum(len(t) for t in tags)),
                "cell_tags": {n: t for n, (d, t) in groups.items() if d == tdim},
                "facet_tags": {n: t for n, (d, t) in groups.items() if d == tdim - 1},
                "parameters": dataclasses.asdict(spec),
            }
    if comm is not None:
        comm.barrier()
    return info
