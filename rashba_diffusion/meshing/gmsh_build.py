"""Generate meshes with gmsh: on rank 0, distributed over the communicator, as a tagged
:class:`~rashba_diffusion.fem.geometry.Geometry` in ``"plane"`` mode; or saved as a ``.msh`` file.

``rashba-diffusion mesh KIND ... -o FILE`` writes the ``.msh`` file with
:func:`~rashba_diffusion.meshing.gmsh_tools.write_msh` (no DOLFINx needed).
"""

from __future__ import annotations

import os

from ..fem._compat import MPI, model_to_mesh
from ..fem.geometry import Geometry
from .gmsh_tools import check_msh_path, gmsh_model, save_model
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
    check_msh_path(msh_path)
    with gmsh_model(spec.kind) as gmsh:
        if comm.rank == 0:
            spec.build(gmsh)
            if msh_path is not None:
                save_model(gmsh, msh_path)
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
