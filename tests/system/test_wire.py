"""The FE wire against independent references: the infinite medium, the
paper's Fig. 2 statements, E = 0, charge conservation, and the 2D wire."""

import numpy as np
import pytest

from rashba_diffusion.fem._compat import MPI, fem, ufl
from rashba_diffusion.fem.postprocess import evaluate_points
from rashba_diffusion.physics.bulk import solve_bulk
from rashba_diffusion.physics.rashba import Drive, paper_film
from rashba_diffusion.problems.specs import WireSpec
from rashba_diffusion.problems.wire import solve_wire

DRIVE = Drive(1e5)
WIDE = 300.0  # nm: ≥ 27 λsf and ≥ 70 of every other length of these films


def centre_values(result):
    g = result.model.geometry
    pts = np.zeros((1, 3))
    pts[0, 0] = g.width_nm / 2
    return evaluate_points(result.solution, pts)[0]


CASES = [
    (5e-2, None, (1.0, 0.0, 0.0)),
    (5e-3, None, (0.0, 0.0, 1.0)),
    (2e-2, 0.1, (0.6, 0.0, 0.8)),
    (5e-2, 0.03, (0.0, 0.6, 0.8)),
    (1e-2, 0.2, (0.48, 0.6, 0.64)),
]


@pytest.mark.parametrize("alpha, delta, m", CASES)
def test_wide_wire_interior_matches_infinite_medium(alpha, delta, m):
    film = paper_film(alpha) if delta is None else paper_film(alpha, delta_xc_ev=delta)
    r = solve_wire(film, DRIVE, m, WireSpec(WIDE))
    s_mid = centre_values(r)[:3]
    open_bulk = solve_bulk(film, DRIVE, m)
    # the criterion: torques at the centre within 2 % of the open infinite medium (they differ by the wire's
    # Hall-free constraint, docs/model.md §9 item 9: up to 1.04 % of |T| measured, α = 5e-2, Δxc = 0.03, m ⟂ x̂)
    from rashba_diffusion.physics.torque import decompose, torque_from_spin

    t_perp, t_par = decompose(torque_from_spin(r.model.coefficients, np.asarray(m), s_mid), np.asarray(m),
                              DRIVE.transverse)
    scale = np.hypot(open_bulk.T_perp, open_bulk.T_par)
    assert abs(t_perp - open_bulk.T_perp) < 2e-2 * scale
    assert abs(t_par - open_bulk.T_par) < 2e-2 * scale
    # and much tighter against the bulk with the wire's Hall-free constraint (docs/model.md §9 item 9)
    hall_free = solve_bulk(film, DRIVE, m, hall_free_normal=(0, 1, 0))
    np.testing.assert_allclose(s_mid, hall_free.s, rtol=0, atol=1e-9 * np.linalg.norm(hall_free.s))  # 1.1e-11


def sz_antisymmetry(profile):
    """‖Sz_odd‖/‖Sz_even‖ about the centre on the uniform profile grid (0: symmetric)."""
    sz = profile["s_z"]
    even, odd = 0.5 * (sz + sz[::-1]), 0.5 * (sz - sz[::-1])
    return np.linalg.norm(odd) / np.linalg.norm(even)


def test_fig2_weak_coupling_sz_is_symmetric():
    r = solve_wire(paper_film(5e-4), DRIVE, (1, 0, 0), WireSpec(50.0))
    assert sz_antisymmetry(r.profile) < 0.05


def test_fig2_strong_coupling_sz_antisymmetric_only_with_half_polarization():
    """docs/model.md §9 item 8: at α = 5e-2 eV·nm the odd part of Sz dominates with
    PF = Δxc/(2εF) but not with PF = Δxc/εF (a bulk Sz plateau dominates)."""
    half = solve_wire(paper_film(5e-2, polarization_rule="eq38"), DRIVE, (1, 0, 0), WireSpec(50.0))
    full = solve_wire(paper_film(5e-2, polarization_rule="eq17"), DRIVE, (1, 0, 0), WireSpec(50.0))
    assert sz_antisymmetry(half.profile) > 1.0
    assert sz_antisymmetry(full.profile) < 0.5


@pytest.mark.parametrize("alpha", [5e-4, 5e-3, 5e-2])
def test_fig2_sy_flat_in_bulk(alpha):
    r = solve_wire(paper_film(alpha), DRIVE, (1, 0, 0), WireSpec(50.0))
    y, sy = r.profile["y_nm"], r.profile["s_y"]
    mid = (y > 12.5) & (y < 37.5)
    assert np.ptp(sy[mid]) < 1e-2 * abs(sy[mid].mean())


@pytest.mark.parametrize("geometry", ["1d", "2d"])
def test_no_field_no_spin_accumulation(geometry):
    spec = WireSpec(20.0, geometry=geometry, length_nm=40.0, cell_nm=1.0, degree=1)
    r = solve_wire(paper_film(5e-2), Drive(0.0), (0.6, 0.0, 0.8), spec)
    assert np.max(np.abs(r.solution.x.array)) == 0.0


def test_charge_neutrality_and_zero_transverse_current():
    """Cross-section without contacts: ∫ν = 0 (imposed) and, as a consequence of
    charge conservation with insulating edges, the transverse particle current
    j_y vanishes everywhere (checked at the nodes of a P1-projection)."""
    film = paper_film(2e-2, delta_xc_ev=0.1)
    r = solve_wire(film, DRIVE, (0.0, 0.0, 1.0), WireSpec(50.0))
    U, model = r.solution, r.model
    dx = ufl.dx(domain=U.function_space.mesh)
    assert abs(fem.assemble_scalar(fem.form(U[3] * dx))) < 1e-12 * fem.assemble_scalar(fem.form(abs(U[3]) * dx))
    j = model.charge_current([U[0], U[1], U[2]], U[3])
    jy2 = fem.assemble_scalar(fem.form(j[1] ** 2 * dx))
    jx2 = fem.assemble_scalar(fem.form(j[0] ** 2 * dx))
    assert jy2 < 1e-8 * jx2  # j_y² integrates to round-off relative to the driven j_x²


def exact_cross_section(alpha, delta_xc_ev, tau_sf_s, m, width_nm, rule="hamiltonian"):
    """The 1D cross-section solved exactly by the independent reference (tests/reference/independent_si.py)."""
    from ..unit.test_reference_si import load_script

    case = {"name": "adhoc", "alpha_ev_nm": alpha, "tau_s": 1e-15, "tau_sf_s": tau_sf_s, "kf_per_nm": 4.3,
            "delta_xc_ev": delta_xc_ev, "mass_ratio": 1.0, "polarization_rule": rule, "precession_rule": "eq17",
            "efield_v_per_m": 1e5, "e_direction": [1.0, 0.0, 0.0], "m": list(m), "ms_a_per_m": 1e6,
            "thickness_nm": 1.0, "width_nm": width_nm}
    return load_script().wire_cross_section(case)


def test_long_2d_wire_middle_matches_cross_section():
    """The 2D wire's mid-line and the 1D cross-section (polarization rule "hamiltonian") against the exact
    cross-section of the independent reference; then the profiles of the two against each other."""
    film = paper_film(5e-2, delta_xc_ev=0.05, tau_sf_s=1e-13, polarization_rule="hamiltonian")
    m = (0.0, 0.6, 0.8)
    r1 = solve_wire(film, DRIVE, m, WireSpec(20.0, cell_nm=0.2, degree=2))
    r2 = solve_wire(film, DRIVE, m, WireSpec(20.0, geometry="2d", length_nm=80.0, cell_nm=0.4, degree=2))
    exact = exact_cross_section(5e-2, 0.05, 1e-13, m, 20.0)
    scale = np.hypot(exact["T_perp_J_per_m2"], exact["T_par_J_per_m2"])
    for key in ("T_perp_J_per_m2", "T_par_J_per_m2"):
        # measured: 3.1e-7 of |T| (1D, 0.2 nm cells), 3.5e-5 (2D, 0.4 nm cells at the edges)
        assert abs(r1.summary[key] - exact[key]) < 1e-5 * scale
        assert abs(r2.summary[key] - exact[key]) < 1e-3 * scale
    # the profiles agree too, to the resolution of the edge layer (0.4 nm cells in 2D: 5.3e-3 of the maximum
    # measured next to the edge)
    for key in ("s_y", "s_z"):
        np.testing.assert_allclose(r2.profile[key], r1.profile[key], atol=1e-2 * np.max(np.abs(r1.profile[key])))


def test_reversing_field_flips_everything():
    film = paper_film(5e-2)
    a = solve_wire(film, Drive(1e5), (0.6, 0.0, 0.8), WireSpec(50.0))
    b = solve_wire(film, Drive(-1e5), (0.6, 0.0, 0.8), WireSpec(50.0))
    np.testing.assert_allclose(b.solution.x.array, -a.solution.x.array, rtol=0,
                               atol=1e-12 * np.max(np.abs(a.solution.x.array)))


def test_mpi_world_is_serial_here():
    assert MPI.COMM_WORLD.size == 1


@pytest.mark.consistency
def test_magnetization_as_function_equals_constant():
    """The texture path (m a DOLFINx Function) reproduces the constant-m solve (two code paths of the model; the
    texture path's independent check is the manufactured solution of test_mms.py, whose m is a Function)."""
    from rashba_diffusion.fem.solver import LinearSolver
    from rashba_diffusion.meshing.structured import cross_section
    from rashba_diffusion.models.rashba import RashbaModel

    film, m = paper_film(2e-2, delta_xc_ev=0.1), np.array([0.6, 0.0, 0.8])
    g = cross_section(MPI.COMM_WORLD, 30.0, 0.2)
    ref = LinearSolver(RashbaModel(g, film, DRIVE, m).system).solve()
    Vm = fem.functionspace(g.msh, ("Lagrange", 1, (3,)))
    mf = fem.Function(Vm)
    mf.interpolate(lambda x: np.tile(m[:, None], (1, x.shape[1])))
    tex = LinearSolver(RashbaModel(g, film, DRIVE, mf).system).solve()
    # round-off (4.8e-12 of the maximum measured: the two forms sum their terms in a different order)
    np.testing.assert_allclose(tex.x.array, ref.x.array, rtol=0, atol=1e-10 * np.max(np.abs(ref.x.array)))


def test_texture_with_wrong_norm_is_rejected():
    from rashba_diffusion.errors import ParameterError
    from rashba_diffusion.meshing.structured import cross_section
    from rashba_diffusion.models.rashba import RashbaModel

    g = cross_section(MPI.COMM_WORLD, 10.0, 1.0)
    mf = fem.Function(fem.functionspace(g.msh, ("Lagrange", 1, (3,))))
    mf.interpolate(lambda x: np.vstack([np.full(x.shape[1], 0.9), 0 * x[0], 0 * x[0]]))
    with pytest.raises(ParameterError, match=r"\|m\| = 1"):
        RashbaModel(g, paper_film(), DRIVE, mf)


#: field directions: along the wire, oblique both ways, and across it (ẑ × Ê is then ∓x̂, not the edge normal ŷ)
FIELD_DIRECTIONS = [(1.0, 0.0, 0.0), (0.6, 0.8, 0.0), (-0.8, 0.6, 0.0), (0.0, 1.0, 0.0)]


@pytest.mark.parametrize("direction", FIELD_DIRECTIONS, ids=["x", "oblique", "oblique2", "y"])
def test_hall_free_keys_are_the_wide_wire_interior_for_any_field_direction(direction):
    """The wire's ``*_bulk_hall_free_*`` keys against the finite-element interior of a wide cross-section: the
    edges face ±ŷ whatever Ê is, so the Hall-free normal is ŷ (docs/model.md §8).  The old normal ẑ × Ê gives a
    reference that misses the interior by > 1 % for an oblique Ê."""
    film = paper_film(5e-2, delta_xc_ev=0.03)
    drive = Drive(1e5, direction)
    m = np.array([0.48, 0.6, 0.64])
    r = solve_wire(film, drive, tuple(m), WireSpec(WIDE))
    from rashba_diffusion.physics.torque import decompose, torque_from_spin, torque_to_j_per_m2

    s_mid = centre_values(r)[:3]
    t_perp, t_par = (torque_to_j_per_m2(t) for t in decompose(
        torque_from_spin(r.model.coefficients, m, s_mid), m, drive.transverse))
    scale = np.hypot(t_perp, t_par)
    # measured: ≤ 1.3e-8 of |T|, the default mesh's pointwise error at the centre (the edges are ≥ 70 decay
    # lengths away)
    assert abs(r.summary["T_perp_bulk_hall_free_J_per_m2"] - t_perp) < 1e-7 * scale
    assert abs(r.summary["T_par_bulk_hall_free_J_per_m2"] - t_par) < 1e-7 * scale
    if abs(direction[1]) > 0.1:
        old = solve_bulk(film, drive, m, hall_free_normal=drive.transverse)
        assert max(abs(old.T_perp_j_per_m2 - t_perp), abs(old.T_par_j_per_m2 - t_par)) > 1e-2 * scale
