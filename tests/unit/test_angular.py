"""Angular expansion of the torque: the fit itself, closed-form limits, wire symmetries and the wide-wire limit."""

import dataclasses

import numpy as np
import pytest

from rashba_diffusion.errors import ParameterError
from rashba_diffusion.physics.angular import (
    EQ40_LABELS,
    bulk_torques,
    design_matrix,
    direction_grid,
    eq35_basis,
    eq40_basis,
    eq41_coefficients,
    fit_angular,
    garello_basis,
    symmetric_basis,
    synthesize,
)
from rashba_diffusion.physics.bulk import weak_coupling_torques
from rashba_diffusion.physics.rashba import Drive, paper_film
from rashba_diffusion.problems.specs import WireSpec
from rashba_diffusion.studies.angular import wire_torques

from ..mpi_ranks import check_parallel, run_ranks

RNG = np.random.default_rng(20130587)


def random_m(n: int) -> np.ndarray:
    v = RNG.normal(size=(n, 3))
    return v / np.linalg.norm(v, axis=1)[:, None]


def mirror_x(v):
    """x → −x acting on an axial vector: (vx, −vy, −vz)."""
    return np.asarray(v) * np.array([1.0, -1.0, -1.0])


def mirror_y(v):
    """y → −y acting on an axial vector: (−vx, vy, −vz)."""
    return np.asarray(v) * np.array([-1.0, 1.0, -1.0])


# -- (a) the fit on synthetic data --------------------------------------------------------------------------------
SYNTH_BASES = [
    eq35_basis(),
    eq35_basis((0.6, 0.8, 0.0)),
    garello_basis(3),
    symmetric_basis(3),
    symmetric_basis(2, (0.0, 1.0, 0.0)),
    eq40_basis(paper_film(5e-2).coefficients()),
]


@pytest.mark.parametrize("basis", SYNTH_BASES, ids=lambda b: f"{b.name}{len(b.labels)}")
def test_fit_recovers_synthetic_coefficients(basis):
    m = random_m(60)
    true = RNG.normal(size=len(basis.labels)) * 1e-6
    T = synthesize(basis, m, true)
    f = fit_angular(m, T, basis)
    assert f.full_rank and f.n_samples == 60
    np.testing.assert_allclose(f.values, true, rtol=1e-9, atol=1e-12 * np.max(np.abs(true)))
    assert f.relative_residual < 1e-13
    assert f.condition < 1e6


def test_basis_vectors_are_perpendicular_to_m_and_parity_as_labelled():
    m = random_m(40)
    b = symmetric_basis(2)(m)
    assert np.max(np.abs(np.einsum("ni,nik->nk", m, b))) < 1e-14
    flipped = symmetric_basis(2)(-m)
    for k, label in enumerate(symmetric_basis(2).labels):
        odd = label == "T0_perp" or label.startswith("FL")
        np.testing.assert_allclose(flipped[:, :, k], (-1.0 if odd else 1.0) * b[:, :, k], atol=1e-15)


@pytest.mark.consistency
def test_eq35_basis_agrees_with_torque_decompose():
    """T⊥, T∥ from the Eq. 35 fit of one direction = torque.decompose (a different code path; the split itself
    is checked against the independent reference in test_reference_si.py)."""
    from rashba_diffusion.physics.torque import decompose

    c = paper_film(2e-2).coefficients()
    drive = Drive(1e5, (0.6, 0.8, 0.0))
    m = random_m(1)
    T = bulk_torques(c, drive, m)
    f = fit_angular(m, T, "eq35", direction=drive.direction)
    t_perp, t_par = decompose(T[0], m[0], drive.transverse)
    assert f.coefficients["T_perp"] == pytest.approx(t_perp, rel=1e-12)
    assert f.coefficients["T_par"] == pytest.approx(t_par, rel=1e-12)


def test_rank_deficient_design_is_reported():
    """All m in the xz plane: m·û = 0, so the (m·û) m_z families vanish identically."""
    _, _, m = direction_grid(np.linspace(10, 170, 7), [0.0, 180.0])
    f = fit_angular(m, np.zeros_like(m) + np.cross([0, 1.0, 0], m), "symmetric", order=2)
    assert not f.full_rank and f.rank == len(f.labels) - 4
    assert f.condition == np.inf


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(m_samples=[[1.0, 0.0, 0.1]], torque_vectors=[[0.0, 0.0, 0.0]]), r"\|m\| = 1"),
        (dict(m_samples=[1.0, 0.0, 0.0], torque_vectors=[0.0, 0.0, 0.0]), r"shape \(N, 3\)"),
        (dict(m_samples=[[1.0, 0.0, 0.0]], torque_vectors=[[0.0, 0.0]]), "torque_vectors must have shape"),
        (dict(m_samples=[[1.0, 0.0, 0.0]], torque_vectors=[[np.nan, 0.0, 0.0]]), "NaN"),
        (dict(m_samples=[[1.0, 0.0, 0.0]], torque_vectors=[[0.0, 0.0, 0.0]], basis="fourier"), "basis = 'fourier'"),
        (dict(m_samples=[[1.0, 0.0, 0.0]], torque_vectors=[[0.0, 0.0, 0.0]], basis="eq40"), "needs coefficients"),
        (dict(m_samples=[[1.0, 0.0, 0.0]], torque_vectors=[[0.0, 0.0, 0.0]], order=0), "order = 0"),
        (dict(m_samples=[[1.0, 0.0, 0.0]], torque_vectors=[[0.0, 0.0, 0.0]], direction=(0, 0, 1)), "direction"),
    ],
)
def test_bad_input_raises_parameter_error(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        fit_angular(**kwargs)


# -- (b) infinite medium against the closed forms -----------------------------------------------------------------
GRID = direction_grid(np.linspace(7.5, 172.5, 12), np.arange(0.0, 360.0, 30.0))


@pytest.mark.parametrize("alpha, delta", [(5e-3, 0.0658), (2e-2, 0.2), (5e-2, 0.0658)])
def test_weak_coupling_is_exactly_eq35_with_eqs_36_37(alpha, delta):
    """τdp → ∞ with B, R dropped: T = T⊥ û×m + T∥ m×(û×m) exactly, no anisotropic part."""
    c = dataclasses.replace(paper_film(alpha, delta_xc_ev=delta).coefficients(), inv_tau_dp=0.0, B=0.0, R=0.0)
    drive = Drive(1e5)
    _, _, m = GRID
    T = bulk_torques(c, drive, m)
    t_perp, t_par = weak_coupling_torques(c, drive)
    f35 = fit_angular(m, T, "eq35")
    assert f35.relative_residual < 1e-13
    assert f35.coefficients["T_perp"] == pytest.approx(t_perp, rel=1e-10)
    assert f35.coefficients["T_par"] == pytest.approx(t_par, rel=1e-10)
    fsym = fit_angular(m, T, "symmetric", order=3)
    scale = max(abs(t_perp), abs(t_par))
    assert np.max(np.abs(fsym.values[2:])) < 1e-11 * scale
    # Eq. 40 collapses to Eq. 35 here (χ = 0): the corrected Eq. 41 reproduces Eqs. 36-37
    closed = eq41_coefficients(c, drive, printed=False)
    assert closed["T0_perp"] == pytest.approx(t_perp, rel=1e-12)
    assert closed["T0_par"] == pytest.approx(t_par, rel=1e-12)


STRONG = [
    dict(alpha=5e-2),  # the paper's Fig. 2 material
    dict(alpha=2e-2, delta_xc_ev=0.2),
    dict(alpha=5e-2, tau_sf_s=np.inf),  # χ = 1
    dict(alpha=1e-1, delta_xc_ev=0.03, tau_sf_s=3e-13),
]


@pytest.mark.parametrize("mat", STRONG, ids=lambda d: ",".join(f"{k}={v:g}" for k, v in d.items()))
def test_strong_coupling_eq40_form_is_exact_and_which_eq41_terms_hold(mat):
    mat = dict(mat)
    film = paper_film(mat.pop("alpha"), **mat)
    c, drive = film.coefficients(), Drive(1e5)
    _, _, m = GRID
    T = bulk_torques(c, drive, m)
    f = fit_angular(m, T, "eq40", coefficients=c)
    assert f.full_rank and f.relative_residual < 1e-12  # Eq. 40's angular form is exact
    assert fit_angular(m, T, "eq35").relative_residual > 1e-3  # and the anisotropic terms are needed
    fit = f.coefficients
    good = eq41_coefficients(c, drive, printed=False)
    for k in EQ40_LABELS:  # the re-derived amplitudes agree term by term
        assert fit[k] == pytest.approx(good[k], rel=1e-11), k  # measured ≤ 1.2e-13 (a least-squares fit)
    printed = eq41_coefficients(c, drive, printed=True)
    # as printed: T⁰⊥ and T⁰∥ are swapped, Tx⊥ has the wrong sign, Tyz⊥ is wrong; the ∥ anisotropic terms hold
    assert printed["T0_perp"] == pytest.approx(fit["T0_par"], rel=1e-11)
    assert printed["T0_par"] == pytest.approx(fit["T0_perp"], rel=1e-11)
    assert printed["Tx_perp"] == pytest.approx(-fit["Tx_perp"], rel=1e-11)
    assert abs(printed["Tyz_perp"] / fit["Tyz_perp"] - 1.0) > 1e-3
    assert printed["Tx_par"] == pytest.approx(fit["Tx_par"], rel=1e-11)
    assert printed["Tyz_par"] == pytest.approx(fit["Tyz_par"], rel=1e-11)


def test_symmetric_expansion_converges_to_eq40():
    """The polynomial (Garello-type) expansion approximates Eq. 40's rational prefactors better with order."""
    c, drive = paper_film(5e-2).coefficients(), Drive(1e5)
    _, _, m = direction_grid(np.linspace(2.5, 177.5, 36), np.arange(0.0, 360.0, 30.0))  # 18 distinct sin²θ
    T = bulk_torques(c, drive, m)
    res = [fit_angular(m, T, "symmetric", order=n).relative_residual for n in (1, 2, 3, 4)]
    assert all(b < 0.5 * a for a, b in zip(res, res[1:], strict=False))
    assert fit_angular(m, T, "garello", order=4).relative_residual > 10 * res[-1]  # Garello's subset misses terms


def test_bulk_mirror_symmetries():
    """C∞v mirrors: x → −x (E → −E) and y → −y map the torque field onto itself (also with the Hall constraint)."""
    c, drive = paper_film(3e-2).coefficients(), Drive(1e5)
    m = random_m(8)
    for normal in (None, (0.0, 1.0, 0.0)):
        T = bulk_torques(c, drive, m, hall_free_normal=normal)
        np.testing.assert_allclose(bulk_torques(c, drive, mirror_x(m), hall_free_normal=normal), -mirror_x(T),
                                   atol=1e-13 * np.abs(T).max())
        np.testing.assert_allclose(bulk_torques(c, drive, mirror_y(m), hall_free_normal=normal), mirror_y(T),
                                   atol=1e-13 * np.abs(T).max())


# -- (c) the wire -------------------------------------------------------------------------------------------------
WIRE_FILM = paper_film(5e-2)
WIRE_M = direction_grid([30.0, 60.0, 90.0, 120.0], [0.0, 45.0, 90.0, 135.0, 180.0, 270.0])[2]


@pytest.fixture(scope="module")
def wire_runs():
    """Width-averaged torques at W = 50, 100, 200 nm, same cell size (one model and solver per width)."""
    drive = Drive(1e5)
    return {w: wire_torques(WIRE_FILM, drive, WIRE_M, WireSpec(w, cell_nm=0.2)) for w in (50.0, 100.0, 200.0)}


def test_wire_mirror_symmetries(wire_runs):
    """x → −x needs no mesh symmetry; y → −y maps the uniform cross-section onto itself: both to round-off."""
    drive = Drive(1e5)
    m = WIRE_M[:5]
    T = wire_runs[50.0][:5]
    Tx = wire_torques(WIRE_FILM, drive, mirror_x(m), WireSpec(50.0, cell_nm=0.2))
    Ty = wire_torques(WIRE_FILM, drive, mirror_y(m), WireSpec(50.0, cell_nm=0.2))
    scale = np.abs(T).max()
    np.testing.assert_allclose(Tx, -mirror_x(T), atol=1e-10 * scale)
    np.testing.assert_allclose(Ty, mirror_y(T), atol=1e-10 * scale)


def test_wide_wire_approaches_hall_free_bulk_as_one_over_width(wire_runs):
    """The spin-sink edges add a boundary layer of fixed size: fit(W) − fit(bulk, no transverse current) ∝ 1/W."""
    c, drive = WIRE_FILM.coefficients(), Drive(1e5)
    T_hf = bulk_torques(c, drive, WIRE_M, hall_free_normal=(0.0, 1.0, 0.0))
    ref = fit_angular(WIRE_M, T_hf, "eq40", coefficients=c).values
    scaled = {}
    for w, T in wire_runs.items():
        fw = fit_angular(WIRE_M, T, "eq40", coefficients=c)
        # the wire keeps (nearly) the C∞v form: its Hall-free constraint along ŷ breaks it a little (relative
        # residual 1.8e-3 at W = 200 nm, 2.0e-3 at 50 nm measured)
        assert fw.full_rank and fw.relative_residual < 5e-3
        scaled[w] = w * (fw.values - ref)
        assert np.linalg.norm(T - T_hf) / np.linalg.norm(T_hf) < 2.0 / w  # 1.5 nm / W measured; edges ~ λsf = 11 nm
    # exactly 1/W (the edge layers are ≥ 4 λsf from each other): measured 1.1e-10
    np.testing.assert_allclose(scaled[100.0], scaled[200.0], rtol=1e-8, atol=1e-8 * np.abs(scaled[200.0]).max())
    np.testing.assert_allclose(scaled[50.0], scaled[200.0], rtol=1e-8, atol=1e-8 * np.abs(scaled[200.0]).max())


def test_wire_rejects_non_unit_m():
    with pytest.raises(ParameterError, match=r"\|m\| = 1"):
        wire_torques(WIRE_FILM, Drive(1e5), [[1.0, 1.0, 0.0]], WireSpec(50.0))


def wire_torques_for_ranks() -> list:
    """The wire's torque vectors on a small direction grid (run by ``tests.mpi_ranks`` on each rank)."""
    m = direction_grid([30.0, 90.0], [0.0, 60.0])[2]
    return wire_torques(paper_film(5e-2), Drive(1e5), m, WireSpec(40.0, cell_nm=0.2)).tolist()


@pytest.mark.mpi
@pytest.mark.consistency
def test_wire_torques_same_on_one_and_two_ranks(cli_env, tmp_path):
    """One WireSession solved for several m on 2 ranks: the mesh is split, every rank holds the same torques,
    equal to the 1-rank ones."""
    args = ["tests.unit.test_angular:wire_torques_for_ranks", "{}"]
    one, two = run_ranks(1, "call", args, cli_env, tmp_path), run_ranks(2, "call", args, cli_env, tmp_path)
    # measured 1.4e-11 on the smallest torque component (others ≤ 4e-14): a component near zero carries the
    # round-off of the larger ones
    check_parallel(two, one, rel=1e-9)


def test_design_matrix_layout():
    """Rows are (sample, component): row 3i + j is component j of sample i."""
    m = random_m(3)
    b = eq35_basis()
    A = design_matrix(b, m)
    np.testing.assert_allclose(A[3 * 2 + 1], b(m)[2, 1, :])
