"""The ``--out`` files read back as a user would (meshio, numpy, json): every field file's values and units against
the solver's own arrays, converted here with independent factors (scipy.constants, powers of ten), its averages
against the summary's torques (computed by other code: the UFL integrals), file modes, and the provenance.

Conversions used here, written out on purpose instead of imported from the package:
ħ/nm² -> ħ/m² and 1/nm² -> 1/m²: × 1e18; a torque rate 1/(nm² fs) -> J/m²: × ħ[J s] × 1e18 × 1e15.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import meshio
import numpy as np
import pytest
from scipy import constants

from rashba_diffusion import (
    BilayerSpec,
    Drive,
    Ferromagnet,
    HeavyMetal,
    Interface,
    WireSpec,
    __version__,
    paper_film,
    solve_bilayer,
    solve_film,
    solve_wire,
    write_outputs,
)
from rashba_diffusion.fem._compat import MPI
from rashba_diffusion.fem.postprocess import evaluate_points
from rashba_diffusion.meshing.gmsh_build import generate
from rashba_diffusion.meshing.specs import HallBarMesh

PER_NM2 = 1e18  # 1/nm² in 1/m²
RATE_TO_J_PER_M2 = constants.hbar * 1e18 * 1e15  # ħ × 1/(nm² fs) in J/m²
M = (0.6, 0.0, 0.8)
RASHBA_ARRAYS = {"s_hbar_per_m2", "nu_per_m2", "T_J_per_m2", "T_perp_J_per_m2", "T_par_J_per_m2", "T_FL_J_per_m2",
                 "T_DL_J_per_m2", "m"}
FINITE_FM = Ferromagnet(thickness_nm=1.0, sigma_s_per_m=2e7, lambda_j_nm=1.0, lambda_phi_nm=1.5, lambda_sf_nm=5.0)


def trapezoid_mean(x: np.ndarray, f: np.ndarray) -> np.ndarray:
    """The mean of f over x (f: (n,) or (n, k)) by the trapezoid rule (exact for the degree-1 interpolant)."""
    order = np.argsort(x)
    x, f = x[order], f[order]
    dx = np.diff(x)[:, None] if f.ndim == 2 else np.diff(x)
    return np.sum(0.5 * (f[1:] + f[:-1]) * dx, axis=0) / (x[-1] - x[0])


def triangle_mean(points: np.ndarray, triangles: np.ndarray, f: np.ndarray) -> float:
    """The mean of a degree-1 field over a flat triangulation (exact)."""
    p = points[triangles]
    a, b = p[:, 1] - p[:, 0], p[:, 2] - p[:, 0]
    area = 0.5 * np.abs(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0])
    return float(np.sum(area * f[triangles].mean(axis=1)) / area.sum())


def is_png(path) -> bool:
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def assert_modes(directory) -> None:
    """Every file in ``directory`` has the mode of a new file: 0o666 & ~umask (0644 under the usual 022)."""
    umask = os.umask(0)
    os.umask(umask)
    for p in directory.iterdir():
        assert os.stat(p).st_mode & 0o777 == 0o666 & ~umask, p.name


def test_wire_1d_fields_and_profile_read_back_in_si(tmp_path):
    r = solve_wire(paper_film(), Drive(1e5), M, WireSpec(20.0, cell_nm=0.25))
    names = write_outputs(tmp_path, r, "test")
    assert sorted(names) == ["fields.vtu", "profile.csv", "profile.png", "summary.json"]
    f = meshio.read(tmp_path / "fields.vtu")
    assert set(f.point_data) == RASHBA_ARRAYS
    assert [c.type for c in f.cells] == ["line"]
    # the cross-section runs across the width: along y, in metres
    y = f.points[:, 1]
    assert np.all(f.points[:, [0, 2]] == 0.0)
    assert y.min() == 0.0 and y.max() == pytest.approx(20e-9, rel=1e-12)
    pts = np.zeros((y.size, 3))
    pts[:, 0] = y / 1e-9  # the mesh's coordinate, in nm
    U = evaluate_points(r.solution, pts)
    scale = np.abs(U[:, :3]).max()
    assert np.abs(f.point_data["s_hbar_per_m2"] - U[:, :3] * PER_NM2).max() <= 1e-12 * scale * PER_NM2
    assert np.abs(f.point_data["nu_per_m2"] - U[:, 3] * PER_NM2).max() <= 1e-12 * np.abs(U[:, 3]).max() * PER_NM2
    T = f.point_data["T_J_per_m2"]
    assert np.abs(T @ np.array(M)).max() <= 1e-12 * np.abs(T).max()  # the torque is ⟂ m
    # the documented map onto the bilayer's names (the film's torque acts with the sign −1)
    assert np.array_equal(f.point_data["T_FL_J_per_m2"], -f.point_data["T_perp_J_per_m2"])
    assert np.array_equal(f.point_data["T_DL_J_per_m2"], -f.point_data["T_par_J_per_m2"])
    # the width average of the field against the summary's (the UFL integral of the P2 solution)
    for key in ("T_perp_J_per_m2", "T_par_J_per_m2", "T_FL_J_per_m2", "T_DL_J_per_m2"):
        assert trapezoid_mean(y, f.point_data[key]) == pytest.approx(r.summary[key], rel=2e-3), key
    # profile.csv: SI columns, the profile converted with the factors above
    table = np.loadtxt(tmp_path / "profile.csv", delimiter=",", skiprows=1)
    header = (tmp_path / "profile.csv").read_text().splitlines()[0].split(",")
    col = {k: table[:, i] for i, k in enumerate(header)}
    p = r.profile
    assert col["y_nm"] == pytest.approx(p["y_nm"], rel=1e-15)
    for a in "xyz":
        assert col[f"s_{a}_hbar_per_m2"] == pytest.approx(p[f"s_{a}"] * PER_NM2, rel=1e-14)
    assert col["nu_per_m2"] == pytest.approx(p["nu"] * PER_NM2, rel=1e-14)
    assert col["T_perp_J_per_m2"] == pytest.approx(p["T_perp"] * RATE_TO_J_PER_M2, rel=1e-9)
    assert col["T_par_J_per_m2"] == pytest.approx(p["T_par"] * RATE_TO_J_PER_M2, rel=1e-9)
    assert is_png(tmp_path / "profile.png")
    assert_modes(tmp_path)


def test_film_on_a_hall_bar_fields_picture_and_provenance(tmp_path):
    geometry = generate(HallBarMesh(30.0, 10.0, 4.0, 4.0, 1.0), MPI.COMM_WORLD)
    r = solve_film(paper_film(), Drive(1e5), M, geometry, degree=1, thickness_nm=2.0, ms_a_per_m=1e6)
    names = write_outputs(tmp_path, r, "Hall bar", command="test command")
    assert sorted(names) == ["fields.png", "fields.vtu", "summary.json"]
    f = meshio.read(tmp_path / "fields.vtu")
    assert [c.type for c in f.cells] == ["triangle"] and np.all(f.points[:, 2] == 0.0)
    U = evaluate_points(r.solution, f.points / 1e-9)
    assert np.abs(f.point_data["s_hbar_per_m2"] - U[:, :3] * PER_NM2).max() <= 1e-12 * np.abs(U[:, :3]).max() * 1e18
    tri = f.cells[0].data
    for key in ("T_perp_J_per_m2", "T_par_J_per_m2", "T_FL_J_per_m2", "T_DL_J_per_m2"):
        # degree 1: the vertex torque is Eq. 24 of a linear s, the summary integrates it exactly with quadrature
        assert triangle_mean(f.points, tri, f.point_data[key]) == pytest.approx(r.summary[key], rel=5e-2), key
    assert is_png(tmp_path / "fields.png")
    assert_modes(tmp_path)
    s = json.loads((tmp_path / "summary.json").read_text())
    prov = s["provenance"]
    assert prov["version"] == __version__ and prov["command"] == "test command"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", prov["created_utc"])
    conv = prov["conventions"]
    assert {k: conv[k] for k in ("polarization_rule", "precession_rule", "charge_coupling", "charge_gamma",
                                 "llg_torque_sign")} == {"polarization_rule": "hamiltonian", "precession_rule": "eq17",
                                                         "charge_coupling": "projected", "charge_gamma": False,
                                                         "llg_torque_sign": -1}
    assert prov["mesh"]["dofs"] == s["dofs"] and prov["mesh"]["dim"] == 2
    assert prov["solver"]["ksp_type"] == "preonly" and prov["solver"]["pc_type"] == "lu"
    assert prov["files"] == sorted(names)
    # the efficiencies: ξ = (2e/ħ) T / j with j = σE/t, σ the Drude sheet conductance e² n τ/m*
    n = 4.3e9**2 / (2 * np.pi)  # kF²/2π in 1/m²
    sigma = constants.e**2 * n * 1e-15 / constants.m_e
    j = sigma * 1e5 / 2e-9
    assert s["j_A_per_m2"] == pytest.approx(j, rel=1e-12)
    assert s["xi_DL"] == pytest.approx(2 * constants.e / constants.hbar * s["T_DL_J_per_m2"] / j, rel=1e-12)
    assert s["B_DL_T"] == pytest.approx(s["T_DL_J_per_m2"] / (1e6 * 2e-9), rel=1e-12)


def test_bilayer_1d_finite_fm_keeps_both_sides_of_the_interface(tmp_path):
    r = solve_bilayer(HeavyMetal(), FINITE_FM, Interface(), M, 1e11, BilayerSpec(cell_nm=0.02))
    names = write_outputs(tmp_path, r)
    assert sorted(names) == ["fields.png", "fields.vtu", "summary.json"]
    f = meshio.read(tmp_path / "fields.vtu")
    assert set(f.point_data) == {"mu_s_V", "T_J_per_m3"}
    z = f.points[:, 2]
    assert np.all(f.points[:, :2] == 0.0)
    assert z.min() == pytest.approx(-3e-9, rel=1e-12) and z.max() == pytest.approx(1e-9, rel=1e-12)
    layer = f.cell_data["layer"][0]
    cells = f.cells[0].data
    hm, fm = np.unique(cells[layer == 0]), np.unique(cells[layer == 1])
    assert z[hm].max() == 0.0 and z[fm].min() == 0.0 and np.intersect1d(hm, fm).size == 0  # z = 0 twice
    mu = f.point_data["mu_s_V"]
    U = evaluate_points(r.solution, np.c_[z / 1e-9, np.zeros((z.size, 2))])  # (μ_N, μ_F) in V
    assert np.abs(mu[hm] - U[hm, :3]).max() <= 1e-12 * np.abs(U).max()
    assert np.abs(mu[fm] - U[fm, 3:]).max() <= 1e-12 * np.abs(U).max()
    at_interface = np.flatnonzero(z == 0.0)
    assert np.abs(np.diff(mu[at_interface], axis=0)).max() > 1e-3 * np.abs(mu).max()  # the mixing jump
    # the FM's torque per volume integrated over its thickness: the summary's torque per area
    T = f.point_data["T_J_per_m3"]
    assert np.all(T[hm] == 0.0)
    per_area = trapezoid_mean(z[fm], T[fm]) * 1e-9
    assert per_area == pytest.approx(np.array(r.summary["T_vector_J_per_m2"]), rel=1e-3, abs=1e-4 * np.abs(
        per_area).max())


def test_bilayer_2d_ideal_sink_interface_torque(tmp_path):
    r = solve_bilayer(HeavyMetal(), Ferromagnet(), Interface(), M, 1e11,
                      BilayerSpec(geometry="2d", width_nm=12.0, cell_nm=0.1))
    names = write_outputs(tmp_path, r)
    assert sorted(names) == ["fields.png", "fields.vtu", "interface.png", "interface.vtu", "summary.json"]
    f = meshio.read(tmp_path / "fields.vtu")
    assert np.all(f.points[:, 0] == 0.0)  # the cross-section is the (y, z) plane
    U = evaluate_points(r.solution, np.c_[f.points[:, 1:] / 1e-9, np.zeros(len(f.points))])
    assert np.abs(f.point_data["mu_s_V"] - U).max() <= 1e-12 * np.abs(U).max()
    i = meshio.read(tmp_path / "interface.vtu")
    assert set(i.point_data) == {"T_J_per_m2", "T_DL_J_per_m2", "T_FL_J_per_m2", "mu_s_V"}
    assert [c.type for c in i.cells] == ["line"] and np.abs(i.points[:, 2]).max() < 1e-24  # z = 0 (round-off)
    y = i.points[:, 1]
    assert y.max() - y.min() == pytest.approx(12e-9, rel=1e-12)
    s = r.summary
    assert trapezoid_mean(y, i.point_data["T_J_per_m2"]) == pytest.approx(np.array(s["T_vector_J_per_m2"]),
                                                                          rel=1e-3, abs=1e-9)
    assert trapezoid_mean(y, i.point_data["T_DL_J_per_m2"]) == pytest.approx(s["T_DL_J_per_m2"], rel=1e-3)
    assert trapezoid_mean(y, i.point_data["T_FL_J_per_m2"]) == pytest.approx(s["T_FL_J_per_m2"], rel=1e-3)
    prov = json.loads((tmp_path / "summary.json").read_text())["provenance"]
    assert prov["conventions"]["llg_torque_sign"] == 1 and prov["conventions"]["sigma_hat"] == [0.0, 1.0, 0.0]


def test_out_files_are_readable_as_the_umask_allows(tmp_path, cli_env):
    """Every file of ``--out`` (and of ``mesh --xdmf``) has the mode of a new file, 0o666 & ~umask: 0640 under
    umask 027 here (the other tests check 0644 under this process's umask 022)."""
    umask, mode = 0o027, 0o640
    script = (f"import os, sys; os.umask({umask}); from rashba_diffusion.cli import main; "
              "sys.exit(main(sys.argv[1:]))")

    def run(*argv):
        p = subprocess.run([sys.executable, "-c", script, *argv], env=cli_env, cwd=tmp_path, capture_output=True,
                           text=True, timeout=600)
        assert p.returncode == 0, p.stderr

    run("wire", "--geometry", "2d", "--length-nm", "20", "--width-nm", "8", "--cell-nm", "1", "--out", "w")
    run("bilayer", "--geometry", "3d", "--width-nm", "6", "--cell-nm", "0.5", "--out", "b")
    run("mesh", "notch", "--length-nm", "30", "--width-nm", "10", "--notch-depth-nm", "2", "--notch-width-nm", "4",
        "--cell-nm", "2", "-o", "n.msh", "--xdmf")
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == ["b/.rashba-outputs.json", "b/fields.vtu", "b/interface.png", "b/interface.vtu", "b/summary.json",
                     "n.h5", "n.msh", "n.xdmf", "w/.rashba-outputs.json", "w/fields.png", "w/fields.vtu",
                     "w/profile.csv", "w/profile.png", "w/summary.json"]
    for name in files:
        assert os.stat(tmp_path / name).st_mode & 0o777 == mode, name
    i = meshio.read(tmp_path / "b" / "interface.vtu")
    assert [c.type for c in i.cells] == ["triangle"] and np.abs(i.points[:, 2]).max() < 1e-24  # z = 0 (round-off)


def test_sweep_json_records_every_run_and_keeps_its_digest(tmp_path):
    """``sweep.json``: the provenance of the run that started the folder, every run since, the config digest alone
    (a resume is not stopped by the provenance)."""
    from rashba_diffusion import config_from_dict, run_sweep

    doc = {"geometry": {"kind": "1d", "width_nm": 10}, "mesh": {"cell_nm": 0.5},
           "sweep": {"axes": {"alpha_ev_nm": [0.01, 0.05]}}}
    cfg = config_from_dict(doc)
    first = run_sweep(cfg, tmp_path, command="first")
    again = run_sweep(cfg, tmp_path, command="second")
    assert (first.solved, again.solved, again.skipped) == (2, 0, 2)
    meta = json.loads((tmp_path / "sweep.json").read_text())
    assert meta["config_sha256"] == cfg.digest()
    assert meta["provenance"]["command"] == "first" and meta["provenance"]["version"] == __version__
    assert [r["command"] for r in meta["runs"]] == ["first", "second"]
    assert meta["provenance"]["conventions"]["polarization_rule"] == "hamiltonian"
    assert meta["provenance"]["solver"]["petsc_options"]["pc_type"] == "lu"
    assert_modes(tmp_path)
