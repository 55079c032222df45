"""The Rashba film on arbitrary 2D meshes: a notch of vanishing depth is the straight wire."""

import json
import math
import subprocess
import sys

import pytest

from rashba_diffusion.errors import ParameterError
from rashba_diffusion.meshing.gmsh_build import bilayer_stripe_3d, notched_wire
from rashba_diffusion.meshing.gmsh_tools import write_msh
from rashba_diffusion.meshing.specs import HallBarMesh
from rashba_diffusion.physics.rashba import Drive, paper_film
from rashba_diffusion.problems.film import solve_film
from rashba_diffusion.problems.specs import WireSpec
from rashba_diffusion.problems.wire import solve_wire

from ..mpi_ranks import SERIAL_REL, check_parallel, run_ranks

FILM = paper_film(5e-2)
DRIVE = Drive(1e5)
M = (0.0, 0.6, 0.8)
L, W, H, NOTCH_W = 40.0, 20.0, 1.0, 4.0
KEYS = ("T_perp", "T_par")


def notch(depth: float):
    lam = FILM.coefficients().shortest_length_nm()
    # the refinement the 2D wire uses (wire.build_geometry), so that only the notch differs
    return notched_wire(L, W, depth, NOTCH_W, H, cell_bulk_nm=min(8 * H, W / 10),
                               edge_layer_nm=min(W / 4, 8 * lam))


def test_notch_depth_to_zero_reproduces_the_straight_wire():
    wire = solve_wire(FILM, DRIVE, M, WireSpec(W, "2d", length_nm=L, cell_nm=H)).summary
    flat = solve_film(FILM, DRIVE, M, notch(0.0)).summary
    assert flat["midline_nm"] == pytest.approx(W) and flat["area_nm2"] == pytest.approx(L * W)
    for k in KEYS:  # another mesh of the same rectangle: equal to discretization error
        assert flat[f"{k}_midline_J_per_m2"] == pytest.approx(wire[f"{k}_J_per_m2"], rel=1e-4)
    # shallower and shallower notches approach the wire at the constriction, linearly in the depth
    gaps = []
    for depth in (1.0, 0.5, 0.25):
        s = solve_film(FILM, DRIVE, M, notch(depth)).summary
        assert s["midline_nm"] == pytest.approx(W - 2 * depth)
        gaps.append(abs(s["T_perp_midline_J_per_m2"] - wire["T_perp_J_per_m2"]))
    assert gaps[0] > gaps[1] > gaps[2]
    assert 1.5 < gaps[0] / gaps[1] < 2.5 and 1.5 < gaps[1] / gaps[2] < 2.5
    # 2.2 % of T⊥ (which is small here), 1.3 % of |T| at depth 0.25 nm (measured)
    assert gaps[2] < 0.03 * math.hypot(wire["T_perp_J_per_m2"], wire["T_par_J_per_m2"])


def test_film_needs_a_2d_mesh():
    g = bilayer_stripe_3d(10.0, 5.0, 1.0, 1.0, 0.5)
    with pytest.raises(ParameterError, match="mesh dimension = 3"):
        solve_film(FILM, DRIVE, M, g)


def run(args, env):
    return subprocess.run([sys.executable, "-m", "rashba_diffusion.cli", *args], env=env, capture_output=True,
                          text=True, timeout=600)


def test_cli_wire_on_a_mesh_file_with_a_tag_map(tmp_path, cli_env):
    msh = tmp_path / "n.msh"
    p = run(["mesh", "notch", "--length-nm", str(L), "--width-nm", str(W), "--notch-depth-nm", "0",
             "--notch-width-nm", str(NOTCH_W), "--cell-nm", str(H), "-o", str(msh), "--xdmf"], cli_env)
    assert p.returncode == 0, p.stderr
    base = ["wire", "--m", ",".join(map(str, M)), "--json"]
    out = tmp_path / "out"
    named = run([*base, "--mesh", str(msh), "--out", str(out)], cli_env)
    assert named.returncode == 0, named.stderr
    # --out writes the summary (same numbers as stdout) and the fields; no profile without a width line
    written = json.loads((out / "summary.json").read_text())
    assert written["T_perp_J_per_m2"] == json.loads(named.stdout)["T_perp_J_per_m2"]
    assert sorted(p.name for p in out.iterdir()) == [".rashba-outputs.json", "fields.png", "fields.vtu", "summary.json"]
    tag_map = json.dumps({"edges": 6, "contact_left": 3, "contact_right": 4, "midline": 5})
    mapped = run([*base, "--mesh", str(tmp_path / "n.xdmf"), "--tag-map", tag_map], cli_env)
    assert mapped.returncode == 0, mapped.stderr
    a, b = json.loads(named.stdout), json.loads(mapped.stdout)
    assert a["spin_sinks"] == b["spin_sinks"] == [6] and a["contacts"] == b["contacts"] == [3, 4]
    for k in KEYS:  # the same mesh through two file formats
        assert b[f"{k}_midline_J_per_m2"] == pytest.approx(a[f"{k}_midline_J_per_m2"], rel=1e-10)
    bad = run([*base, "--mesh", str(tmp_path / "n.xdmf"), "--tag-map", '{"edges": 2}'], cli_env)
    assert bad.returncode == 2
    # mesh --xdmf keeps the tag names, so the message lists them beside the numbers
    assert "unknown facet tag 2" in bad.stderr
    assert "facets: 3 (contact_left), 4 (contact_right), 5 (midline), 6 (edges)" in bad.stderr


@pytest.mark.mpi
@pytest.mark.consistency
def test_film_on_a_hall_bar_same_on_two_ranks(tmp_path, cli_env):
    """The film on a Hall bar mesh file on 2 ranks: the mesh is split, every rank holds the same summary, equal to
    the 1-rank one."""
    msh = tmp_path / "hb.msh"
    write_msh(HallBarMesh(L, W, 6.0, 6.0, H), msh)
    args = ["wire", "--m", ",".join(map(str, M)), "--json", "--mesh", str(msh)]
    one, two = run_ranks(1, "cli", args, cli_env, tmp_path), run_ranks(2, "cli", args, cli_env, tmp_path)
    check_parallel(two, one, rel=SERIAL_REL)
    a, b = json.loads(one[0]["stdout"]), json.loads(two[0]["stdout"])
    assert (a["ranks"], b["ranks"]) == (1, 2)
    assert a["area_nm2"] == pytest.approx(L * W + 4 * 6.0 * 6.0, rel=1e-12)
