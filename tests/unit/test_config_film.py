"""problem = "film" in the sweep config: errors name the key, a sweep equals independent solve_film calls on
the same mesh (generated or read from a file), examples are valid."""

import pytest

from rashba_diffusion.errors import ConfigError
from rashba_diffusion.meshing.gmsh_build import generate
from rashba_diffusion.meshing.gmsh_tools import write_msh
from rashba_diffusion.meshing.specs import HallBarMesh
from rashba_diffusion.physics.rashba import Drive, paper_film
from rashba_diffusion.problems.film import solve_film
from rashba_diffusion.studies.sweep.engine import run_sweep
from rashba_diffusion.studies.sweep.film import OUTPUT_COLUMNS as FILM_OUTPUT_COLUMNS
from rashba_diffusion.studies.sweep.film import FilmSweepConfig
from rashba_diffusion.studies.sweep.registry import PROBLEMS, config_from_dict, load_config

from ..conftest import ROOT
from ..mpi_ranks import SERIAL_REL, assert_distributed, assert_ranks_agree, run_ranks

FILM = {"problem": "film"}
NOTCH = {"kind": "notch", "length_nm": 16, "width_nm": 8, "notch_depth_nm": 1, "notch_width_nm": 2, "cell_nm": 1.0}
HALL = {"kind": "hall-bar", "length_nm": 20, "width_nm": 6, "arm_width_nm": 3, "arm_length_nm": 3, "cell_nm": 1.0}
RESULTS = ("T_perp_J_per_m2", "T_par_J_per_m2", "T_perp_bulk_J_per_m2", "T_par_bulk_J_per_m2")
MIDLINE = ("T_perp_midline_J_per_m2", "T_par_midline_J_per_m2")

BAD = [
    ({**FILM}, "'mesh'", "give a mesh file (file = ...) or a generator"),
    ({**FILM, "geometry": {}}, "'geometry'", "unknown table for problem = 'film'"),
    ({**FILM, "mesh": {**NOTCH, "kind": "bilayer"}}, "'mesh.kind'", "valid values: 'hall-bar', 'notch', 'wire'"),
    ({**FILM, "mesh": {**NOTCH, "arm_width_nm": 3}}, "'mesh.arm_width_nm'", "unknown key for kind = 'notch'"),
    ({**FILM, "mesh": {k: v for k, v in NOTCH.items() if k != "cell_nm"}}, "'mesh.cell_nm'", "missing"),
    ({**FILM, "mesh": {**NOTCH, "notch_depth_nm": 4}}, "'mesh'", "notch_depth_nm = 4.0 nm is invalid"),
    ({**FILM, "mesh": {**NOTCH, "width_nm": "8"}}, "'mesh.width_nm'", "expected a number"),
    ({**FILM, "mesh": {**NOTCH, "double_sided": 1}}, "'mesh.double_sided'", "expected true or false"),
    ({**FILM, "mesh": {**HALL, "arm_positions_nm": 5}}, "'mesh.arm_positions_nm'", "expected a list of numbers"),
    ({**FILM, "mesh": {**HALL, "arm_positions_nm": [5, 6]}}, "'mesh'", "arms must not touch"),
    ({**FILM, "mesh": {**NOTCH, "degree": 4}}, "'mesh'", "degree = 4 is invalid"),
    ({**FILM, "mesh": {**NOTCH, "tag_map": {"edges": 6}}}, "'mesh.tag_map'", "only used with [mesh] file"),
    ({**FILM, "mesh": {"file": "nowhere.msh"}}, "'mesh.file'", "does not exist"),
    ({**FILM, "mesh": {"file": "nowhere.msh", "kind": "notch"}}, "'mesh.kind'", "not both"),
    ({**FILM, "mesh": NOTCH, "material": {"tau_s": -1e-15}}, "'material'", "tau_s = -1e-15 s is invalid"),
    ({**FILM, "mesh": NOTCH, "sweep": {"axes": {"width_nm": [10]}}}, "'sweep.axes.width_nm'", "unknown axis"),
    ({**FILM, "mesh": NOTCH, "sweep": {"axes": {"alpha_ev_nm": [0.01, -1]}}}, "sweep point 1", "alpha_ev_nm"),
]


@pytest.mark.parametrize("doc, key, problem", BAD, ids=[b[1] + " " + b[2][:20] for b in BAD])
def test_bad_film_config_names_key_and_problem(doc, key, problem):
    with pytest.raises(ConfigError) as e:
        config_from_dict(doc)
    assert key in str(e.value)
    assert problem in str(e.value)


def test_file_mesh_keys_are_checked(tmp_path):
    (tmp_path / "n.msh").write_text("not read at config time")
    with pytest.raises(ConfigError, match="'mesh.cell_nm': unknown key with \\[mesh\\] file"):
        config_from_dict({**FILM, "mesh": {"file": "n.msh", "cell_nm": 1.0}}, base_dir=tmp_path)
    cfg = config_from_dict({**FILM, "mesh": {"file": "n.msh", "tag_map": {"edges": 6}}}, base_dir=tmp_path)
    assert cfg.mesh.file == str((tmp_path / "n.msh").resolve()) and cfg.mesh.tag_map == {"edges": 6}
    # the problem is part of the identity: a film config never resumes a wire one
    assert cfg.canonical()["problem"] == "film"


@pytest.mark.consistency
def test_film_sweep_equals_independent_solve_film():
    """Every row (one mesh, model and solver reused, constants updated) equals a fresh solve_film call on
    the same generated mesh, on both the area and the mid-line averages."""
    cfg = config_from_dict({**FILM, "mesh": NOTCH, "drive": {"efield_v_per_m": 2e5},
                            "sweep": {"axes": {"alpha_ev_nm": [5e-3, 5e-2], "theta_deg": [30, 90],
                                               "phi_deg": [45]}}})
    assert isinstance(cfg, FilmSweepConfig) and len(cfg) == 4
    res = run_sweep(cfg)
    geometry = generate(cfg.mesh.spec)
    assert res.dofs > 0 and res.cell_nm == NOTCH["cell_nm"]
    for row, p in zip(res.rows, cfg.points, strict=True):
        ref = solve_film(paper_film(p.axes["alpha_ev_nm"]), Drive(2e5), p.params.m, geometry).summary
        assert row["dofs"] == ref["dofs"]
        assert row["midline_nm"] == pytest.approx(NOTCH["width_nm"] - 2 * NOTCH["notch_depth_nm"])
        for k in (*RESULTS, *MIDLINE):
            assert row[k] == pytest.approx(ref[k], rel=1e-10), k
        assert row["theta_deg"] == p.axes["theta_deg"] and (row["m_x"], row["m_y"], row["m_z"]) == p.params.m


@pytest.mark.consistency
def test_file_mesh_sweep_equals_the_generated_mesh(tmp_path):
    """The same Hall bar, generated by the sweep or written to a .msh file and read back through a numeric
    tag map (relative to the config's folder): the same rows; the Hall bar has no mid-line (empty columns)."""
    spec = {k: v for k, v in HALL.items() if k != "kind"}
    write_msh(HallBarMesh(**spec), tmp_path / "hb.msh")
    axes = {"sweep": {"axes": {"m": [[0, 0.6, 0.8], [1, 0, 0]]}}}
    gen = run_sweep(config_from_dict({**FILM, "mesh": HALL, **axes}))
    tag_map = {"edges": 6, "contact_left": 3, "contact_right": 4, "probe_top_1": 11, "probe_bottom_1": 12,
               "probe_top_2": 13, "probe_bottom_2": 14}
    cfg = config_from_dict({**FILM, "mesh": {"file": "hb.msh", "tag_map": tag_map}, **axes}, base_dir=tmp_path)
    res = run_sweep(cfg, tmp_path / "out")
    for a, b in zip(res.rows, gen.rows, strict=True):
        assert a["dofs"] == b["dofs"] and a["T_perp_midline_J_per_m2"] is None and a["midline_nm"] is None
        for k in RESULTS:
            assert a[k] == pytest.approx(b[k], rel=1e-13), k  # measured 4e-16
    # on disk the mid-line columns are empty cells
    assert ",," in (tmp_path / "out" / "sweep.csv").read_text().splitlines()[1]


@pytest.mark.parametrize("name", ["hall_bar_film.toml", "notch_film.toml"])
def test_example_configs_are_valid(name):
    cfg = load_config(ROOT / "examples" / name)
    assert cfg.problem == "film" and len(cfg) > 1
    assert cfg.mesh.kind == {"hall_bar_film.toml": "hall-bar", "notch_film.toml": "notch"}[name]
    assert "T_perp_midline_J_per_m2" in PROBLEMS["film"].columns(cfg)


@pytest.mark.mpi
@pytest.mark.consistency
def test_film_sweep_on_two_ranks_equals_one(tmp_path, cli_env):
    """A film sweep on 2 ranks: the mesh is split, every rank solved every point to the same numbers, and the rows
    rank 0 wrote equal the 1-rank sweep's."""
    from ..system.test_sweep import SMALL_FILM_TOML, assert_same_rows, read_csv

    cfg_path = tmp_path / "film.toml"
    cfg_path.write_text(SMALL_FILM_TOML)
    one = run_sweep(load_config(cfg_path), tmp_path / "r1")
    two = run_ranks(2, "cli", ["sweep", str(cfg_path), "--out", str(tmp_path / "r2")], cli_env, tmp_path)
    assert_distributed(two)
    assert_ranks_agree(two)
    assert "on 2 rank(s)" in two[0]["stdout"]
    rows2 = read_csv(tmp_path / "r2" / "sweep.csv")
    assert {r["ranks"] for r in rows2} == {"2"}
    assert_same_rows(rows2, read_csv(one.out_dir / "sweep.csv"), rel=SERIAL_REL, outputs=FILM_OUTPUT_COLUMNS)
