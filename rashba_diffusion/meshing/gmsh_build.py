"""Generate meshes with gmsh: on rank 0, distributed over the communicator, as a tagged
:class:`~rashba_diffusion.fem.geometry.Geometry` in ``"plane"`` mode; or saved as a ``.msh`` file.

``rashba-diffusion mesh KIND ... -o FILE`` is the command line of :func:`write_msh`.
"""

from __future__ import annotations

import dataclasses
import errno
import os
from pathlib import Path

from ..errors import ParameterError
from ..fem._compat import MPI, model_to_mesh
from ..fem.geometry import Geometry
from ..files import atomic_write_with
from .gmsh_tools import gmsh_model
from .specs import (
    LAYER_GROWTH,
    BilayerCrossSectionMesh,
    BilayerStripeMesh,
    HallBarMesh,
    MeshSpec,
    NotchedWireMesh,
    WireMesh,
)


def generate(spec: MeshSpec, comm: MPI.Comm = MPI.COMM_WORLD, msh_path: str | os.PathLike | None = None) -> Geometry:
    """Mesh ``spec`` with gmsh on rank 0 and distribute it over ``comm``.

    ``msh_path`` also saves the gmsh model there (atomically, by rank 0).
    """
    _check_msh_path(msh_path)
    with gmsh_model(spec.kind) as gmsh:
        if comm.rank == 0:
            spec.build(gmsh)
            if msh_path is not None:
                _save_model(gmsh, msh_path)
        msh, ct, ft, groups = model_to_mesh(gmsh.model, comm, 0, gdim=spec.gdim)
    tdim = msh.topology.dim
    return Geometry(
        msh=msh,
        facet_tags=ft,
        mode="plane",
        tag_names={n: t for n, (d, t) in groups.items() if d == tdim - 1},
        cell_tags=ct,
        cell_tag_names={n: t for n, (d, t) in groups.items() if d == tdim},
        **spec.roles(),
    )


def _check_msh_path(path: str | os.PathLike | None) -> None:
    """Checked on every rank before gmsh runs, so that no rank waits for a failed one."""
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


def _save_model(gmsh, path: str | os.PathLike) -> None:
    def write(tmp: str) -> None:
        gmsh.write(tmp)
        check_msh_complete(tmp)

    atomic_write_with(path, write)


def write_msh(spec: MeshSpec, path: str | os.PathLike, comm: MPI.Comm = MPI.COMM_WORLD) -> dict:
    """Save the gmsh model of ``spec`` as ``path`` (.msh) on rank 0; return a summary (rank 0) or ``{}``."""
    _check_msh_path(path)
    info: dict = {}
    if comm.rank == 0:
        with gmsh_model(spec.kind) as gmsh:
            spec.build(gmsh)
            _save_model(gmsh, path)
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
    comm.barrier()
    return info


# --- public generator functions ------------------------------------------------
def wire(length_nm: float, width_nm: float, cell_nm: float, *, cell_bulk_nm: float | None = None,
         edge_layer_nm: float | None = None, comm: MPI.Comm = MPI.COMM_WORLD,
         msh_path: str | os.PathLike | None = None) -> Geometry:
    """The 2D wire (see :class:`WireMesh`)."""
    return generate(WireMesh(length_nm, width_nm, cell_nm, cell_bulk_nm, edge_layer_nm), comm, msh_path)


def hall_bar(length_nm: float, width_nm: float, arm_width_nm: float, arm_length_nm: float, cell_nm: float, *,
             arm_positions_nm: tuple[float, ...] | None = None, cell_bulk_nm: float | None = None,
             edge_layer_nm: float | None = None, comm: MPI.Comm = MPI.COMM_WORLD,
             msh_path: str | os.PathLike | None = None) -> Geometry:
    """A Hall bar with voltage arms (see :class:`HallBarMesh`)."""
    spec = HallBarMesh(length_nm, width_nm, arm_width_nm, arm_length_nm, cell_nm, arm_positions_nm, cell_bulk_nm,
                       edge_layer_nm)
    return generate(spec, comm, msh_path)


def notched_wire(length_nm: float, width_nm: float, notch_depth_nm: float, notch_width_nm: float, cell_nm: float,
                 *, double_sided: bool = True, cell_bulk_nm: float | None = None,
                 edge_layer_nm: float | None = None, comm: MPI.Comm = MPI.COMM_WORLD,
                 msh_path: str | os.PathLike | None = None) -> Geometry:
    """A wire with a notch or constriction at mid-length (see :class:`NotchedWireMesh`)."""
    spec = NotchedWireMesh(length_nm, width_nm, notch_depth_nm, notch_width_nm, cell_nm, double_sided,
                           cell_bulk_nm, edge_layer_nm)
    return generate(spec, comm, msh_path)


def bilayer_cross_section(width_nm: float, hm_thickness_nm: float, fm_thickness_nm: float, cell_nm: float, *,
                          cell_max_nm: float | None = None, lateral_cell_nm: float | None = None,
                          growth: float = LAYER_GROWTH, comm: MPI.Comm = MPI.COMM_WORLD,
                          msh_path: str | os.PathLike | None = None) -> Geometry:
    """HM/FM bilayer cross-section, coordinates (y, z) (see :class:`BilayerCrossSectionMesh`)."""
    spec = BilayerCrossSectionMesh(width_nm, hm_thickness_nm, fm_thickness_nm, cell_nm, cell_max_nm,
                                   lateral_cell_nm, growth)
    return generate(spec, comm, msh_path)


def bilayer_stripe_3d(length_nm: float, width_nm: float, hm_thickness_nm: float, fm_thickness_nm: float,
                      cell_nm: float, *, cell_max_nm: float | None = None, lateral_cell_nm: float | None = None,
                      growth: float = LAYER_GROWTH, comm: MPI.Comm = MPI.COMM_WORLD,
                      msh_path: str | os.PathLike | None = None) -> Geometry:
    """3D HM/FM bilayer stripe, coordinates (x, y, z) (see :class:`BilayerStripeMesh`)."""
    spec = BilayerStripeMesh(length_nm, width_nm, hm_thickness_nm, fm_thickness_nm, cell_nm, cell_max_nm,
                             lateral_cell_nm, growth)
    return generate(spec, comm, msh_path)
