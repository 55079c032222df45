"""The bilayer on gmsh meshes: the 2D cross-section, the 3D stripe (charge current between contacts), mesh files.

Independent references: the 1D closed form of docs/model.md §11.4 (a straight stripe with a uniform drive is
translation invariant along x, and the z-polarized spin accumulation of the side faces is odd in y, so the
interface average is the 1D film's), parallel conductors for the charge current, and one MPI rank for two.
"""

import json

import numpy as np
import pytest

from rashba_diffusion import cli
from rashba_diffusion.errors import ParameterError
from rashba_diffusion.fem._compat import MPI, fem, ufl
from rashba_diffusion.meshing.gmsh_build import bilayer_cross_section, bilayer_stripe_3d
from rashba_diffusion.meshing.gmsh_tools import write_msh
from rashba_diffusion.meshing.specs import BilayerStripeMesh
from rashba_diffusion.models.charge import current_shape
from rashba_diffusion.physics.bilayer import (
    SIGMA_HAT,
    Ferromagnet,
    HeavyMetal,
    Interface,
    absorbed_spin_current,
    analytic_efficiencies,
)
from rashba_diffusion.problems.bilayer import solve_bilayer
from rashba_diffusion.problems.specs import BilayerSpec
from rashba_diffusion.units import HBAR_OVER_2E

from ..mpi_ranks import SERIAL_REL, check_parallel, run_ranks

HM = HeavyMetal(3.0, 1.4, 7e6, 0.19)
SINK = Ferromagnet()
#: a finite FM with a conductivity contrast (σ_F ≈ 3 σ_N)
FINITE_FM = Ferromagnet(thickness_nm=2.0, sigma_s_per_m=2e7, lambda_j_nm=1.0, lambda_phi_nm=1.5, lambda_sf_nm=5.0)
MIXING = Interface("mixing", 5e14, 1e14)
M = (0.6, 0.0, 0.8)
J = 1e11
#: the coarse meshes below reproduce the closed form to ~1e-5; this is the stated tolerance
REL = 1e-3


def assert_closed_form(summary: dict, fm: Ferromagnet, interface: Interface = MIXING) -> None:
    xi_dl, xi_fl = analytic_efficiencies(HM, fm, interface)
    assert summary["xi_DL"] == pytest.approx(xi_dl, rel=REL)
    assert summary["xi_FL"] == pytest.approx(xi_fl, rel=REL)


@pytest.mark.parametrize("fm", [SINK, FINITE_FM], ids=["ideal-sink", "finite-fm"])
def test_gmsh_cross_section_matches_closed_form(fm):
    g = bilayer_cross_section(12.0, HM.thickness_nm, 2.0, 0.25, cell_max_nm=0.5, lateral_cell_nm=0.5)
    r = solve_bilayer(HM, fm, MIXING, M, J, geometry=g)
    assert r.summary["geometry"] == "2d" and r.summary["charge_current"] == "uniform"
    assert_closed_form(r.summary, fm)
    if fm.is_ideal_sink:  # the local torque in the middle of the stripe is the 1D film's too
        from rashba_diffusion.fem.postprocess import evaluate_points

        mu = evaluate_points(r.solution, np.array([[6.0, -1e-9, 0.0]]))[0]
        t_mid = HBAR_OVER_2E * absorbed_spin_current(mu, M, MIXING)
        fl_dir = np.cross(SIGMA_HAT, M)
        xi_fl = (t_mid @ fl_dir) / (fl_dir @ fl_dir) / (HBAR_OVER_2E * J)
        assert xi_fl == pytest.approx(analytic_efficiencies(HM, fm, MIXING)[1], rel=1e-3)  # measured 6.4e-5


@pytest.mark.parametrize("fm", [SINK, FINITE_FM], ids=["ideal-sink", "finite-fm"])
@pytest.mark.parametrize("charge", ["uniform", "contacts"])
def test_3d_stripe_matches_closed_form(fm, charge):
    spec = BilayerSpec("3d", width_nm=12.0, length_nm=12.0, cell_nm=0.5, charge_current=charge)
    s = solve_bilayer(HM, fm, MIXING, M, J, spec).summary
    assert s["geometry"] == "3d" and s["charge_current"] == charge
    assert s["interface_measure"] == pytest.approx(144.0, rel=1e-12)  # L × W in nm²
    assert_closed_form(s, fm)


def test_charge_current_of_parallel_conductors():
    """Contacts spanning both layers: the field is uniform, so j_FM/j_HM = σ_F/σ_N and no current crosses."""
    g = bilayer_stripe_3d(10.0, 6.0, 2.0, 1.0, 0.5, lateral_cell_nm=2.0)
    ratio = 3.0
    j, _ = current_shape(g, ratio)
    comm = g.msh.comm
    dx = ufl.Measure("dx", domain=g.msh, subdomain_data=g.cell_tags)
    ds = ufl.Measure("ds", domain=g.msh, subdomain_data=g.facet_tags)
    n = ufl.FacetNormal(g.msh)

    def total(expr) -> float:
        return comm.allreduce(fem.assemble_scalar(fem.form(expr)), op=MPI.SUM)

    def mean(expr, layer) -> float:
        cell = g.cell_tag_names[layer]
        return total(expr * dx(cell)) / total(ufl.as_ufl(1.0) * dx(cell))

    assert mean(j[0], "hm") == pytest.approx(1.0, rel=1e-12)  # the normalization
    assert mean(j[0], "fm") == pytest.approx(ratio, rel=1e-13)  # measured 4.4e-16
    for layer in ("hm", "fm"):
        for k in (1, 2):
            assert abs(mean(j[k], layer)) < 1e-9
    # what enters by contact_left leaves by contact_right: 2 nm HM × 1 + 1 nm FM × 3, times W = 6 nm
    i_in = -total(ufl.dot(j, n) * ds(g.tag_names["contact_left"]))
    i_out = total(ufl.dot(j, n) * ds(g.tag_names["contact_right"]))
    # measured ≤ 3.8e-15
    assert i_in == pytest.approx(6.0 * (2.0 + ratio * 1.0), rel=1e-13) and i_out == pytest.approx(i_in, rel=1e-13)


def test_contacts_need_a_3d_mesh_with_contacts():
    g = bilayer_cross_section(6.0, 2.0, 1.0, 0.5)
    with pytest.raises(ParameterError, match=r"contact_left.*2D.*missing"):
        solve_bilayer(HM, SINK, MIXING, M, J, BilayerSpec(charge_current="contacts"), geometry=g)


CONTRACT = ["bilayer", "--hm-thickness-nm", "3", "--hm-lambda-nm", "1.4", "--hm-sigma-s-per-m", "7e6",
            "--theta-sh", "0.19", "--g-mix-real-s-per-m2", "5e14", "--g-mix-imag-s-per-m2", "1e14"]
FINITE_ARGS = ["--fm-thickness-nm", "2", "--fm-sigma-s-per-m", "2e7", "--fm-lambda-j-nm", "1", "--fm-lambda-phi-nm",
               "1.5", "--fm-lambda-sf-nm", "5"]
STRIPE_ARGS = ["--geometry", "3d", "--length-nm", "12", "--width-nm", "12", "--cell-nm", "0.5"]


@pytest.fixture(scope="module")
def stripe_msh(tmp_path_factory):
    path = tmp_path_factory.mktemp("mesh") / "stripe.msh"
    write_msh(BilayerStripeMesh(12.0, 12.0, 3.0, 2.0, 0.5, lateral_cell_nm=3.0), path)
    return path


@pytest.mark.parametrize("tag_map", [None, '{"hm": 2, "fm": 3, "interface": 7, "contact_left": 3, '
                                           '"contact_right": 4}'], ids=["file-names", "numeric-map"])
def test_cli_mesh_file(stripe_msh, tag_map, capsys):
    argv = [*CONTRACT, *FINITE_ARGS, "--m", "0.6,0,0.8", "--mesh", str(stripe_msh), "--json"]
    assert cli.main(argv + ([] if tag_map is None else ["--tag-map", tag_map])) == 0
    s = json.loads(capsys.readouterr().out)
    assert (s["geometry"], s["charge_current"], s["mesh"]) == ("3d", "contacts", str(stripe_msh))
    assert_closed_form(s, FINITE_FM)


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--tag-map", '{"hm": 2, "interface": 99}'], ["'interface' -> 99", "unknown facet tag 99", "tags found",
                                                       "2 (hm)", "7 (interface)", "3 (contact_left)"]),
        (["--tag-map", '{"hm": 2}'], ["required mesh roles 'interface' are not mapped", "tags found", "7 (interface)"]),
        (["--tag-map", '{"hm": "heavy", "interface": 7}'], ["'heavy'", "no physical group", "tags found"]),
    ],
)
def test_cli_bad_tag_map_lists_the_tags_found(stripe_msh, argv, words, capsys):
    rc = cli.main([*CONTRACT, "--mesh", str(stripe_msh), "--json", *argv])
    err = capsys.readouterr()
    assert rc == 2 and err.out == ""
    for w in words:
        assert w in err.err, (w, err.err)


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--geometry", "3d", "--length-nm", "0"], ["length_nm", "0.0", "nm", "(0, 1e+09]"]),
        (["--geometry", "3d", "--cell-nm", "5"], ["cell_nm", "5", "nm", "hm_thickness_nm"]),
        (["--charge-current", "contacts"], ["charge_current", "contacts", "'1d'", "3D"]),
    ],
)
def test_cli_rejects_bad_3d_input_before_solving(argv, words, tmp_path, capsys):
    out = tmp_path / "out"
    rc = cli.main([*CONTRACT, *argv, "--out", str(out), "--json"])
    err = capsys.readouterr()
    assert rc == 2 and err.out == ""
    for w in words:
        assert w in err.err, (w, err.err)
    assert not out.exists()


@pytest.mark.mpi
@pytest.mark.consistency
def test_3d_stripe_same_torques_on_one_and_two_ranks(cli_env, tmp_path):
    """The 3D stripe (contacts) on 2 ranks: the mesh is split, every rank holds the same summary (both solves:
    the charge current and the spin accumulation), equal to the 1-rank one; and the closed form."""
    args = [*CONTRACT, *FINITE_ARGS, *STRIPE_ARGS, "--m", "0.6,0,0.8", "--json"]
    one, two = run_ranks(1, "cli", args, cli_env, tmp_path), run_ranks(2, "cli", args, cli_env, tmp_path)
    check_parallel(two, one, rel=SERIAL_REL)
    s = json.loads(two[0]["stdout"])
    assert s["ranks"] == 2 and s["charge_current"] == "contacts"
    assert_closed_form(s, FINITE_FM)


@pytest.mark.parametrize("geometry, charge, sign", [
    ("2d", "uniform", 1.0), ("2d", "uniform", -1.0), ("3d", "contacts", 1.0),
    pytest.param("3d", "uniform", 1.0, marks=pytest.mark.slow),
    pytest.param("3d", "uniform", -1.0, marks=pytest.mark.slow),
    pytest.param("3d", "contacts", -1.0, marks=pytest.mark.slow)])
def test_m_parallel_to_sigma_gives_the_linear_response_in_every_geometry(geometry, charge, sign):
    """m ∥ σ̂: the torque of the spin Hall source vanishes, and the efficiencies are the linear-response
    coefficients (the σ̂-polarized source re-polarized along p ⟂ m), which by spin-rotation symmetry about m are
    the 1D film's for any m: the closed form of docs/model.md §11.4 (docs/model.md §11.5)."""
    spec = BilayerSpec(geometry, width_nm=12.0, length_nm=12.0 if geometry == "3d" else None, cell_nm=0.5,
                       charge_current=charge)
    r = solve_bilayer(HM, FINITE_FM, MIXING, (0.0, sign, 0.0), J, spec)
    s = r.summary
    assert s["linear_response_probe"] is True and s["charge_current"] == charge
    assert_closed_form(s, FINITE_FM)
    # the torque itself vanishes: the source's polarization is along m (measured ≤ 9.7e-7 of T_DL: the side faces'
    # odd-in-y torque averages out only up to the mesh's asymmetry)
    assert np.linalg.norm(s["T_vector_J_per_m2"]) < 1e-5 * abs(s["T_DL_J_per_m2"])


@pytest.mark.parametrize("geometry", ["1d", "2d", "3d"])
def test_default_m_gives_the_efficiencies_in_every_geometry(geometry, capsys):
    """``rashba-diffusion bilayer`` with the default m (ẑ, ⟂ σ̂) reports ξ_DL, ξ_FL, and they are the closed form."""
    extra = {"1d": [], "2d": ["--width-nm", "12", "--cell-nm", "0.25"],
             "3d": ["--width-nm", "12", "--length-nm", "12", "--cell-nm", "0.5"]}[geometry]
    assert cli.main(["bilayer", "--geometry", geometry, *extra, "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["m"] == [0.0, 0.0, 1.0] and s["linear_response_probe"] is False
    xi_dl, xi_fl = analytic_efficiencies(HM, SINK, MIXING)  # the defaults: HM, ideal sink, G = (5 + 1i)e14 S/m²
    assert s["xi_DL"] == pytest.approx(xi_dl, rel=REL) and s["xi_FL"] == pytest.approx(xi_fl, rel=REL)
