"""Mesh generators and mesh files: every named tag has the measure that plane
geometry says it must (areas, volumes, lengths), on 1 and 2 ranks, after a
write -> load round trip, and a bad tag map is refused with the tags found."""

import json
import subprocess
import sys

import numpy as np
import pytest

from rashba_diffusion.errors import ParameterError
from rashba_diffusion.fem._compat import MPI, fem, ufl
from rashba_diffusion.meshing.files import (
    XDMF_CELL_TAGS,
    XDMF_FACET_TAGS,
    XDMF_MESH,
    XDMF_TAG_NAMES,
    load_mesh,
    write_mesh_xdmf,
)
from rashba_diffusion.meshing.gmsh_build import bilayer_cross_section, generate
from rashba_diffusion.meshing.gmsh_build import wire as wire_mesh
from rashba_diffusion.meshing.gmsh_tools import layer_heights, write_msh
from rashba_diffusion.meshing.specs import (
    BilayerCrossSectionMesh,
    BilayerStripeMesh,
    HallBarMesh,
    NotchedWireMesh,
    WireMesh,
)

from ..mpi_ranks import assert_distributed, assert_ranks_agree, run_ranks

# small dimensions (nm) so that every mesh has a few hundred cells
L, W, ARM_W, ARM_L = 60.0, 20.0, 6.0, 10.0
DEPTH, NOTCH_W = 4.0, 6.0
D_N, D_F = 3.0, 2.0
N_ARMS = 2


def measures(g) -> dict[str, float]:
    """Measure of every named cell set and facet set (facets: exterior + interior), and of the whole boundary."""
    msh = g.msh
    dx = ufl.Measure("dx", domain=msh, subdomain_data=g.cell_tags)
    ds = ufl.Measure("ds", domain=msh, subdomain_data=g.facet_tags)
    dS = ufl.Measure("dS", domain=msh, subdomain_data=g.facet_tags)
    one = fem.Constant(msh, 1.0)

    def integral(form) -> float:
        return msh.comm.allreduce(fem.assemble_scalar(fem.form(form)), op=MPI.SUM)

    out = {n: integral(one * dx(t)) for n, t in g.cell_tag_names.items()}
    out |= {n: integral(one * ds(t)) + integral(one("+") * dS(t)) for n, t in g.tag_names.items()}
    out["boundary"] = integral(one * ufl.ds(domain=msh))
    if "hm" in g.cell_tag_names:  # first moment of the heavy metal in z (the last mesh coordinate)
        z = ufl.SpatialCoordinate(msh)[msh.geometry.dim - 1]
        out["hm_z_moment"] = integral(z * dx(g.cell_tag_names["hm"]))
        out["interface_z"] = integral(abs(z("+")) * dS(g.tag_names["interface"]))
    return out


def expected(kind: str) -> dict[str, float]:
    """The same measures from plane geometry."""
    if kind == "wire":
        return {"film": L * W, "edge_low": L, "edge_high": L, "contact_left": W, "contact_right": W, "midline": W,
                "boundary": 2 * (L + W)}
    if kind == "hall-bar":
        probes = {f"probe_{side}_{k}": ARM_W for k in (1, 2) for side in ("top", "bottom")}
        edges = 2 * L - 2 * N_ARMS * ARM_W + 4 * N_ARMS * ARM_L
        return {"film": L * W + 2 * N_ARMS * ARM_W * ARM_L, "contact_left": W, "contact_right": W, "edges": edges,
                **probes, "boundary": edges + 2 * W + 2 * N_ARMS * ARM_W}
    if kind == "notch":  # double-sided: two notches
        edges = 2 * L + 4 * DEPTH
        return {"film": L * W - 2 * NOTCH_W * DEPTH, "contact_left": W, "contact_right": W, "edges": edges,
                "midline": W - 2 * DEPTH, "boundary": edges + 2 * W}
    if kind == "bilayer":
        return {"hm": W * D_N, "fm": W * D_F, "interface": W, "hm_bottom": W, "fm_top": W, "sides": 2 * (D_N + D_F),
                "boundary": 2 * W + 2 * (D_N + D_F), "hm_z_moment": -W * D_N**2 / 2, "interface_z": 0.0}
    if kind == "bilayer-3d":
        d = D_N + D_F
        return {"hm": L * W * D_N, "fm": L * W * D_F, "interface": L * W, "hm_bottom": L * W, "fm_top": L * W,
                "sides": 2 * L * d, "contact_left": W * d, "contact_right": W * d,
                "boundary": 2 * L * W + 2 * L * d + 2 * W * d, "hm_z_moment": -L * W * D_N**2 / 2,
                "interface_z": 0.0}
    raise KeyError(kind)


SPECS = {
    "wire": lambda: WireMesh(L, W, 1.0),
    "hall-bar": lambda: HallBarMesh(L, W, ARM_W, ARM_L, 1.0),
    "notch": lambda: NotchedWireMesh(L, W, DEPTH, NOTCH_W, 1.0),
    "bilayer": lambda: BilayerCrossSectionMesh(W, D_N, D_F, 0.2),
    "bilayer-3d": lambda: BilayerStripeMesh(L, W, D_N, D_F, 0.5, lateral_cell_nm=5.0),
}


def assert_measures(got: dict, kind: str) -> None:
    want = expected(kind)
    assert set(got) == set(want)
    scale = max(abs(v) for v in want.values())
    for k, v in want.items():
        assert got[k] == pytest.approx(v, rel=1e-10, abs=1e-10 * scale), k


@pytest.mark.parametrize("kind", SPECS)
def test_generator_tags_have_the_geometric_measures(kind, tmp_path):
    path = tmp_path / f"{kind}.msh"
    g = generate(SPECS[kind](), MPI.COMM_WORLD, msh_path=path)
    assert g.mode == "plane"
    got = measures(g)
    assert_measures(got, kind)
    # round trip through the .msh file, names from the file
    back = load_mesh(path, MPI.COMM_WORLD)
    assert back.tag_names == g.tag_names and back.cell_tag_names == g.cell_tag_names
    assert back.spin_sinks == g.spin_sinks and back.contacts == g.contacts and back.midline == g.midline
    # a loaded mesh knows only its bounding box: (width, length) = extents along (x1, x0), or (x0, x0) for the
    # bilayer cross-section whose coordinates are (y, z)
    width, length = {"hall-bar": (W + 2 * ARM_L, L), "bilayer": (W, W)}.get(kind, (W, L))
    assert (back.width_nm, back.length_nm) == pytest.approx((width, length))
    assert_measures(measures(back), kind)


def test_the_2d_wire_is_the_wire_generator():
    from rashba_diffusion.physics.rashba import paper_film
    from rashba_diffusion.problems.specs import WireSpec
    from rashba_diffusion.problems.wire import build_geometry

    film = paper_film()
    b = build_geometry(film, WireSpec(W, "2d", length_nm=L, cell_nm=1.0), MPI.COMM_WORLD)
    layer = min(W / 4, 8 * film.coefficients().shortest_length_nm())
    a = wire_mesh(L, W, 1.0, cell_bulk_nm=min(8.0, W / 10), edge_layer_nm=layer)
    np.testing.assert_array_equal(a.msh.geometry.x, b.msh.geometry.x)
    assert a.tag_names == b.tag_names


def test_bilayer_layers_are_refined_toward_the_interface():
    h = layer_heights(D_N, 0.1, 0.8, 1.3)
    assert sum(h) == pytest.approx(D_N) and h[0] <= 0.1 and max(h) <= 0.8
    assert all(b >= a for a, b in zip(h, h[1:], strict=False))
    g = bilayer_cross_section(W, D_N, D_F, 0.1, growth=1.3, cell_max_nm=0.8)
    z = np.unique(np.round(g.msh.geometry.x[:, 1], 12))
    gaps = np.diff(z)
    near = gaps[np.argmin(np.abs(z[:-1]))]  # the layer just above z = 0
    assert near <= 0.1 + 1e-12 and gaps.max() > 3 * near


def msh_to_meshio(msh_path, out_path) -> None:
    """A gmsh file in another meshio format, the tags as cell data "tags" (numbers only, no names)."""
    import meshio

    m = meshio.read(str(msh_path))
    blocks, tags = [], []
    for kind in ("tetra", "triangle"):
        pairs = [(b.data, d) for b, d in zip(m.cells, m.cell_data["gmsh:physical"], strict=True) if b.type == kind]
        blocks.append((kind, np.concatenate([c for c, _ in pairs])))
        tags.append(np.concatenate([d for _, d in pairs]).astype(np.int32))
    meshio.write(str(out_path), meshio.Mesh(m.points, blocks, cell_data={"tags": tags}))


def test_meshio_round_trip_with_a_numeric_tag_map(tmp_path):
    write_msh(SPECS["bilayer-3d"](), tmp_path / "s.msh")
    msh_to_meshio(tmp_path / "s.msh", tmp_path / "s.xdmf")
    # meshio's XDMF keeps numbers only: map them by hand
    tag_map = {"hm": 2, "fm": 3, "interface": 7, "hm_bottom": 8, "fm_top": 9, "sides": [10],
               "contact_left": 3, "contact_right": 4}
    back = load_mesh(tmp_path / "s.xdmf", MPI.COMM_WORLD, tag_map, required={"hm", "fm", "interface"})
    assert_measures(measures(back), "bilayer-3d")
    # two file tags under one name (bottom and top faces); unmapped tags (sides, contacts) are dropped
    merged = load_mesh(tmp_path / "s.xdmf", MPI.COMM_WORLD, {"hm": 2, "fm": 3, "interface": 7,
                                                                   "outer": [8, 9]})
    assert measures(merged)["outer"] == pytest.approx(2 * L * W)
    assert merged.tag_names == {"interface": 7, "outer": 8}


def test_dolfinx_xdmf_round_trip_keeps_the_tag_names(tmp_path):
    """``mesh --xdmf``'s file: DOLFINx's own reader reads the mesh, both tag sets and the names; load_mesh reads
    it without a tag map, as the .msh file."""
    from rashba_diffusion.fem._compat import io

    write_msh(SPECS["bilayer"](), tmp_path / "b.msh")
    original = load_mesh(tmp_path / "b.msh", MPI.COMM_WORLD)
    written = write_mesh_xdmf(original, tmp_path / "b.xdmf")
    assert sorted(p.name for p in written) == ["b.h5", "b.xdmf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.h5", "b.msh", "b.xdmf"]  # no staging folder left
    with io.XDMFFile(MPI.COMM_WORLD, str(tmp_path / "b.xdmf"), "r") as f:
        msh = f.read_mesh(name=XDMF_MESH)
        msh.topology.create_connectivity(1, 2)
        ct = f.read_meshtags(msh, name=XDMF_CELL_TAGS)
        ft = f.read_meshtags(msh, name=XDMF_FACET_TAGS)
        names = json.loads(f.read_information(XDMF_TAG_NAMES))
    assert names == {"cell": {"hm": 2, "fm": 3}, "facet": {"interface": 7, "hm_bottom": 8, "fm_top": 9, "sides": 10}}
    assert set(np.unique(ct.values)) == {2, 3} and set(np.unique(ft.values)) == {7, 8, 9, 10}
    back = load_mesh(tmp_path / "b.xdmf", MPI.COMM_WORLD, required={"hm", "fm", "interface"})
    assert back.cell_tag_names == original.cell_tag_names and back.tag_names == original.tag_names
    assert measures(back) == pytest.approx(measures(original), rel=1e-12)


@pytest.mark.parametrize("tag_map, required, words", [
    ({"hm": 5, "fm": 3}, (), ["unknown cell tag 5"]),
    ({"hm": 2}, {"hm", "fm"}, ["required", "'fm'", "not mapped"]),
    ({"hm": 2, "fm": 3, "interface": "interfase"}, (), ["'interfase'", "no physical group"]),
    ({"hm": 2, "fm": 3, "top": 9, "outer": [8, 9]}, (), ["facet tag 9", "both"]),
    ({"fm": 3, "odd": [7, "hm"]}, (), ["mixes cell and facet"]),
])
def test_bad_tag_map_lists_the_tags_found(tag_map, required, words, tmp_path):
    write_msh(SPECS["bilayer"](), tmp_path / "b.msh")
    with pytest.raises(ParameterError) as err:
        load_mesh(tmp_path / "b.msh", MPI.COMM_WORLD, tag_map, required)
    msg = str(err.value)
    for w in words:
        assert w in msg
    assert "cells: 2 (hm), 3 (fm); facets: 7 (interface), 8 (hm_bottom), 9 (fm_top), 10 (sides)" in msg


def test_msh_path_must_end_in_msh(tmp_path):
    with pytest.raises(ParameterError, match="a path ending in .msh"):
        write_msh(SPECS["bilayer"](), tmp_path / "b.vtu")
    assert not (tmp_path / "b.vtu").exists()


def test_unreadable_or_missing_file(tmp_path):
    with pytest.raises(ParameterError, match="does not exist"):
        load_mesh(tmp_path / "nope.msh")
    (tmp_path / "junk.vtu").write_text("not a mesh")
    with pytest.raises(ParameterError, match="could not be read by meshio"):
        load_mesh(tmp_path / "junk.vtu")


@pytest.mark.parametrize("make, words", [
    (lambda: WireMesh(-1.0, W, 1.0), ["length_nm = -1.0 nm", "(0, 1e+09]"]),
    (lambda: HallBarMesh(L, W, ARM_W, ARM_L, 1.0, arm_positions_nm=(20.0, 24.0)), ["arm_positions_nm",
                                                                                         "must not touch"]),
    (lambda: HallBarMesh(L, W, ARM_W, ARM_L, 1.0, arm_positions_nm=(1.0,)), ["arm_positions_nm", "nm"]),
    (lambda: NotchedWireMesh(L, W, 10.0, NOTCH_W, 1.0), ["notch_depth_nm = 10.0 nm", "[0, width_nm/2 = 10)"]),
    (lambda: NotchedWireMesh(L, W, 2.0, L, 1.0), ["notch_width_nm", "(0, length_nm = 60)"]),
    (lambda: BilayerCrossSectionMesh(W, D_N, 0.1, 0.2), ["cell_nm = 0.2 nm", "fm_thickness_nm"]),
    (lambda: BilayerCrossSectionMesh(W, D_N, D_F, 0.2, growth=0.5), ["growth = 0.5", "[1, 10]"]),
    (lambda: BilayerStripeMesh(L, W, 0.0, D_F, 0.2), ["hm_thickness_nm = 0.0 nm"]),
    (lambda: BilayerStripeMesh(L, W, D_N, D_F, 0.2, cell_max_nm=0.1), ["cell_max_nm = 0.1 nm"]),
])
def test_bad_geometry_is_refused_before_gmsh(make, words):
    with pytest.raises(ParameterError) as err:
        make()
    for w in words:
        assert w in str(err.value)


def run_cli(args, env):
    cmd = [sys.executable, "-m", "rashba_diffusion.cli", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)


def test_cli_writes_msh_and_xdmf(tmp_path, cli_env):
    out = tmp_path / "n.msh"
    p = run_cli(["mesh", "notch", "--length-nm", str(L), "--width-nm", str(W), "--notch-depth-nm", str(DEPTH),
                 "--notch-width-nm", str(NOTCH_W), "--cell-nm", "1", "-o", str(out), "--xdmf", "--json"], cli_env)
    assert p.returncode == 0, p.stderr
    info = json.loads(p.stdout)
    assert info["facet_tags"] == {"contact_left": 3, "contact_right": 4, "edges": 6, "midline": 5}
    assert_measures(measures(load_mesh(out)), "notch")
    tag_map = {"film": 1, "contact_left": 3, "contact_right": 4, "edges": 6, "midline": 5}
    assert_measures(measures(load_mesh(tmp_path / "n.xdmf", tag_map=tag_map)), "notch")
    bad = run_cli(["mesh", "bilayer", "--width-nm", "10", "--hm-thickness-nm", "1", "--fm-thickness-nm", "1",
                   "--cell-nm", "2", "-o", str(tmp_path / "b.msh")], cli_env)
    assert bad.returncode == 2 and "cell_nm = 2.0 nm is invalid" in bad.stderr
    assert not (tmp_path / "b.msh").exists()


def generate_and_load(kind: str, path: str) -> dict:
    """Generate a mesh of ``SPECS[kind]`` into ``path`` and load it back (run by ``tests.mpi_ranks`` on each rank):
    the measures of both, both meshes recorded for the distribution check."""
    from ..mpi_ranks import record_mesh

    g = generate(SPECS[kind](), MPI.COMM_WORLD, msh_path=path)
    back = load_mesh(path, MPI.COMM_WORLD)
    record_mesh(g.msh)
    record_mesh(back.msh)
    return {"generated": measures(g), "loaded": measures(back)}


@pytest.mark.mpi
@pytest.mark.parametrize("kind", ["bilayer-3d", "bilayer"])
def test_generators_and_load_on_two_ranks(kind, tmp_path, cli_env):
    """gmsh on rank 0, the mesh distributed (each rank owns part of it), written and read back on 2 ranks: the
    measures of every tag are the geometry's, on every rank."""
    args = ["tests.unit.test_meshes:generate_and_load", json.dumps({"kind": kind, "path": str(tmp_path / "m.msh")})]
    two = run_ranks(2, "call", args, cli_env, tmp_path, cwd=tmp_path)
    assert_distributed(two)
    assert_ranks_agree(two)
    assert_measures(two[0]["value"]["generated"], kind)
    assert_measures(two[0]["value"]["loaded"], kind)
