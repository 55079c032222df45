"""The size guards estimate cells and dofs before any mesh exists; these tests build the meshes and count.

An estimate must be within a factor 2 of the count: close enough that ``--max-dofs`` refuses what it should
and accepts what it should, whatever the mesh kind.  The counts come from gmsh and DOLFINx, independent of the
formulas of ``meshing/specs.py`` and ``problems/specs.py``.
"""

from __future__ import annotations

import pytest

from rashba_diffusion.fem._compat import MPI, fem
from rashba_diffusion.fem.postprocess import global_dofs
from rashba_diffusion.meshing.gmsh_build import generate
from rashba_diffusion.meshing.specs import (
    BilayerCrossSectionMesh,
    BilayerStripeMesh,
    HallBarMesh,
    NotchedWireMesh,
    WireMesh,
    lagrange_nodes,
)
from rashba_diffusion.physics.bilayer import BilayerPoint, Ferromagnet, HeavyMetal, Interface
from rashba_diffusion.physics.rashba import paper_film
from rashba_diffusion.problems.bilayer import BilayerSession
from rashba_diffusion.problems.specs import BilayerSpec, WireSpec, estimate_bilayer_dofs, estimate_wire_dofs
from rashba_diffusion.problems.wire import build_geometry

FACTOR = 2.0
SPECS = [
    WireMesh(60.0, 20.0, 0.5),
    WireMesh(200.0, 50.0, 0.8, edge_layer_nm=2.0),
    HallBarMesh(60.0, 20.0, 6.0, 6.0, 0.6),
    NotchedWireMesh(60.0, 20.0, 5.0, 8.0, 0.5),
    BilayerCrossSectionMesh(20.0, 3.0, 1.0, 0.1),
    BilayerStripeMesh(12.0, 10.0, 3.0, 1.0, 0.25),
]


def within(estimate: float, count: int) -> bool:
    return count / FACTOR <= estimate <= count * FACTOR


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.kind)
def test_cell_estimates_match_gmsh(spec):
    g = generate(spec, MPI.COMM_WORLD)
    tdim = g.msh.topology.dim
    cells = g.msh.topology.index_map(tdim).size_global
    assert within(spec.estimate_cells(), cells), (spec.estimate_cells(), cells)
    for degree in (1, 2):
        V = fem.functionspace(g.msh, ("Lagrange", degree, (4,)))
        assert within(4 * lagrange_nodes(spec.estimate_cells(), tdim, degree), global_dofs(V)), degree


@pytest.mark.parametrize("spec", [WireSpec(50.0), WireSpec(20.0, cell_nm=0.05, degree=3),
                                  WireSpec(20.0, "2d", length_nm=60.0, cell_nm=0.5),
                                  WireSpec(12.0, "2d", length_nm=40.0, degree=1)], ids=str)
def test_wire_dof_estimates_match_the_mesh(spec):
    film = paper_film()
    g = build_geometry(film, spec, MPI.COMM_WORLD)
    V = fem.functionspace(g.msh, ("Lagrange", spec.degree, (4,)))
    n = global_dofs(V)
    if spec.geometry == "1d":
        assert estimate_wire_dofs(film, spec) == n  # exact
    else:
        assert within(estimate_wire_dofs(film, spec), n), (estimate_wire_dofs(film, spec), n)


FINITE = Ferromagnet(thickness_nm=1.0, lambda_j_nm=1.0, lambda_phi_nm=1.5, lambda_sf_nm=5.0)
HM = HeavyMetal(3.0, 1.4, 7e6, 0.19)


@pytest.mark.parametrize("fm, spec", [
    (Ferromagnet(), BilayerSpec()),
    (FINITE, BilayerSpec()),
    (FINITE, BilayerSpec("2d", width_nm=12.0, cell_nm=0.25)),
    (Ferromagnet(), BilayerSpec("3d", width_nm=8.0, length_nm=8.0, cell_nm=0.4)),
], ids=["1d-sink", "1d-finite", "2d-finite", "3d-sink"])
def test_bilayer_dof_estimates_match_the_session(fm, spec):
    interface = Interface("mixing", 5e14, 1e14)
    point = BilayerPoint(HM, fm, interface, 1e11, (0.6, 0.0, 0.8))
    with BilayerSession(point, spec, MPI.COMM_WORLD) as s:
        n = s.ndofs
    estimate = estimate_bilayer_dofs(HM, fm, interface, spec)
    if spec.geometry == "3d":
        assert within(estimate, n), (estimate, n)
    else:
        assert estimate == n  # structured meshes: exact
