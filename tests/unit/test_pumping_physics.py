"""Spin and charge pumping, damping (paper Sec. VI): the physics layer against independent references.

Every test names its reference: a closed form derived by hand in docs/model.md §12
(and written out again here where short), the rotating-frame 3x3 problem
(bulk.relaxation_matrix, not the spectral operator), a scipy ODE integration of
Eq. 17 written out in this file, the Stoner bands of the Hamiltonian, or a
symmetry.  numpy/scipy only.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy import constants as sc
from scipy.integrate import solve_ivp

from rashba_diffusion.errors import ParameterError
from rashba_diffusion.physics import pumping as pp
from rashba_diffusion.physics.bulk import relaxation_matrix
from rashba_diffusion.physics.rashba import LLG_TORQUE_SIGN, paper_film
from rashba_diffusion.physics.torque import decompose, effective_fields_tesla, torque_from_spin, torque_to_j_per_m2

FILM = paper_film(5e-2)


def model(alpha=5e-2, polarization_rule="hamiltonian", **kw) -> pp.PumpingModel:
    return pp.PumpingModel.from_film(paper_film(alpha, polarization_rule=polarization_rule), **kw)


def rel(x, y) -> float:
    return abs(x - y) / abs(y)


# --- uniform precession about ẑ: spectral vs rotating frame -----------------------------
@pytest.mark.parametrize("theta", [10.0, 30.0, 90.0, 150.0])
@pytest.mark.parametrize("f_ghz", [1.0, 10.0, 300.0])
def test_spectral_equals_rotating_frame_about_z_with_dp(theta, f_ghz):
    """Reference: the rotating-frame 3x3 problem (M0 + ω[ẑ]×) u = −s0 ω ẑ×m0 (DP on, full model)."""
    mod = model()
    pr = pp.Precession(f_ghz, theta)
    for qs in (False, True):
        s = pp.solve_periodic(mod, pr, quasi_static=qs)
        r = pp.rotating_frame_solution(mod, pr, quasi_static=qs)
        assert abs(s.torque_coefficient_a - r.torque_coefficient_a) < 1e-10 * abs(r.torque_coefficient_a)
        assert abs(s.torque_coefficient_b - r.torque_coefficient_b) < 1e-10 * abs(r.torque_coefficient_b)
        np.testing.assert_allclose(s.pumped_spin_dc_per_nm2, r.pumped_spin_dc_per_nm2, rtol=0, atol=1e-10 * abs(
            r.u_per_nm2).max())
        # δS(ψ) = R_z(ψ) u pointwise
        psi = np.linspace(0, 2 * np.pi, 7)
        ds, nu = s.fields(psi)
        u = r.u_per_nm2
        rot = np.array([np.cos(psi) * u[0] - np.sin(psi) * u[1], np.sin(psi) * u[0] + np.cos(psi) * u[1],
                        np.full_like(psi, u[2])])
        np.testing.assert_allclose(ds, rot, rtol=0, atol=1e-10 * np.abs(u).max())
        assert np.all(nu == 0.0)


def test_low_frequency_limit_is_eq25_without_dp():
    """Reference: Eq. 25's a = −(1 − ξβ̃), b = β̃ (ξ = τΔ(1/τsf + 1/τφ), β = τΔ/τsf), written out here."""
    mod = model().with_coefficients(inv_tau_dp=0.0)
    c = mod.coefficients
    tau_d = 1 / c.inv_tau_delta
    xi = tau_d * (c.inv_tau_sf + c.inv_tau_phi)
    bt = tau_d * c.inv_tau_sf / (1 + xi**2)
    for axis in [(0, 0, 1), (1, 0, 0), (0.48, 0.6, 0.64)]:
        pr = pp.Precession(0.01, 40.0, axis=axis)
        qs = pp.solve_periodic(mod, pr, quasi_static=True)
        assert rel(qs.torque_coefficient_a, -(1 - xi * bt)) < 1e-12
        assert rel(qs.torque_coefficient_b, bt) < 1e-12
        ex = pp.solve_periodic(mod, pr)  # corrections O(ωτΔ) ~ 6e-8 here
        assert rel(ex.torque_coefficient_a, -(1 - xi * bt)) < 1e-6
        assert rel(ex.torque_coefficient_b, bt) < 1e-5


def test_quasi_static_uniform_is_pointwise_bulk_solve_and_corrected_eq43():
    """References: (i) the Eq. 26 bulk matrix at each ψ, M(m) δS = −s0 ṁ (any axis, DP on);
    (ii) without DP, the corrected Eq. 43 δS = −τΔ s0 (ξṁ + m×ṁ)/(1+ξ²) (the printed + is wrong)."""
    mod = model()
    pr = pp.Precession(10.0, 35.0, axis=(0.6, 0.0, 0.8))
    qs = pp.solve_periodic(mod, pr, quasi_static=True)
    psi = np.linspace(0, 2 * np.pi, 9)
    ds, _ = qs.fields(psi)
    m = pr.m_of_phase(psi)
    md = pr.omega_per_fs * pr.dm_dphase(psi)
    ref = np.array([np.linalg.solve(relaxation_matrix(mod.coefficients, m[:, i]), -mod.s0_per_nm2 * md[:, i])
                    for i in range(psi.size)]).T
    np.testing.assert_allclose(ds, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    nodp = mod.with_coefficients(inv_tau_dp=0.0)
    ds0, _ = pp.solve_periodic(nodp, pr, quasi_static=True).fields(psi)
    eq43 = pp.eq43_pumped_spin(nodp.coefficients, nodp.s0_per_nm2, m, md)
    np.testing.assert_allclose(ds0, eq43, rtol=0, atol=1e-12 * np.abs(eq43).max())
    printed = pp.eq43_pumped_spin(nodp.coefficients, nodp.s0_per_nm2, m, md, printed=True)
    np.testing.assert_allclose(printed, -eq43)


# --- precession about x̂ with DP: a converged ODE integration ---------------------------------
def test_precession_about_x_with_dp_matches_ode_integration():
    """Reference: Eq. 17 for uniform m(t) (local terms only) written out below and integrated by
    scipy's Radau (rtol 1e-10) from δS = 0 past the transient (400 fs ≫ 1/(1/τdp) = 7 fs) over one
    period; the dc particle current from the written-out flux kB B ẑ×δS + kR R (m·δS) ẑ×m."""
    mod = model()
    c, s0 = mod.coefficients, mod.s0_per_nm2
    pr = pp.Precession(10.0, 30.0, axis=(1, 0, 0))
    w, th, period = pr.omega_per_fs, pr.theta_rad, pr.period_fs
    n, e1, e2 = np.array([1.0, 0, 0]), np.array([0, 1.0, 0]), np.array([0, 0, 1.0])  # the stated basis for x̂

    def m_of(t):
        return math.cos(th) * n + math.sin(th) * (math.cos(w * t) * e1 + math.sin(w * t) * e2)

    def rhs(t, s):
        m = m_of(t)
        mdot = w * np.cross(n, m)
        out = (-s0 * mdot - (c.inv_tau_sf + c.inv_tau_dp + c.inv_tau_phi) * s - c.inv_tau_delta * np.cross(s, m)
               + c.inv_tau_phi * (m @ s) * m)
        out[2] -= c.inv_tau_dp * s[2]  # anisotropic DP: s_z relaxes at 2/τdp
        return out

    def jac(t, s):
        m = m_of(t)
        mx = np.array([[0, -m[2], m[1]], [m[2], 0, -m[0]], [-m[1], m[0], 0]])
        rate = c.inv_tau_sf + c.inv_tau_dp + c.inv_tau_phi
        jm = -rate * np.eye(3) + c.inv_tau_delta * mx + c.inv_tau_phi * np.outer(m, m)
        jm[2, 2] -= c.inv_tau_dp
        return jm

    t_skip, N = 400.0, 48
    tt = t_skip + period * np.arange(N) / N
    ode = solve_ivp(rhs, (0.0, t_skip + period), np.zeros(3), method="Radau", jac=jac, rtol=1e-10, atol=1e-22,
                    t_eval=tt)
    assert ode.status == 0
    S = ode.y
    sol = pp.solve_periodic(mod, pr)
    ds, _ = sol.fields(pr.phase(0.0, tt))
    np.testing.assert_allclose(ds, S, rtol=0, atol=1e-8 * np.abs(S).max())
    m = np.array([m_of(t) for t in tt]).T
    md = w * np.cross(n[:, None], m, axis=0)
    T = -c.inv_tau_delta * np.cross(m, S - np.sum(m * S, 0) * m, axis=0) + c.inv_tau_phi * (S - np.sum(m * S, 0) * m)
    norm = s0 * np.mean(np.sum(md * md, 0))
    assert rel(sol.torque_coefficient_a, np.mean(np.sum(T * md, 0)) / norm) < 1e-8
    assert rel(sol.torque_coefficient_b, np.mean(np.sum(T * np.cross(m, md, axis=0), 0)) / norm) < 1e-8
    z = np.array([0, 0, 1.0])[:, None]
    j = c.charge_B_factor * c.B * np.cross(z, S, axis=0) + c.charge_R_factor * c.R * np.sum(m * S, 0) * np.cross(
        z, m, axis=0)
    np.testing.assert_allclose(sol.particle_current_dc_per_nm_fs, j.mean(axis=1), rtol=0, atol=1e-8 * np.abs(j).max())
    # the dc current is along ẑ×⟨δS⟩ up to the R term (which needs m·δS ≠ 0: DP)
    jB = c.charge_B_factor * c.B * np.cross([0, 0, 1.0], sol.pumped_spin_dc_per_nm2)
    assert np.linalg.norm(sol.particle_current_dc_per_nm_fs - jB) < 0.1 * np.linalg.norm(jB)


# --- textures: helix about ẑ at α = 0 ----------------------------------------------------------
@pytest.mark.parametrize("k", [0.003, 0.03, 0.1, -0.3])
def test_helix_about_z_alpha0_matches_corotating_frame(k):
    """Reference: the co-rotating 3x3 problem (M0 + ω[ẑ]× + Dk²(1 − ẑẑ)) u = −s0 ω ẑ×m0 (α = 0)."""
    mod = model(0.0)
    pr = pp.Precession(10.0, 40.0, texture="helix", wavevector_per_nm=k)
    for qs in (False, True):
        s = pp.solve_periodic(mod, pr, quasi_static=qs)
        r = pp.rotating_frame_solution(mod, pr, quasi_static=qs)
        assert rel(s.torque_coefficient_a, r.torque_coefficient_a) < 1e-10
        assert rel(s.torque_coefficient_b, r.torque_coefficient_b) < 1e-10
    _, nu = s.fields(np.linspace(0, 6, 5))
    assert np.all(np.abs(nu) < 1e-30)  # no Rashba coupling: no charge


def test_small_k_slope_is_corrected_eq46():
    """Reference: corrected Eq. 46 at any ξ, Δb = τΔDk²[(1−ξβ̃)cos²θ − ξβ̃]/(1+ξ²) (and Δa), derived in
    docs/model.md §12.6: positive (more damping), opposite to the printed sign.  Quasi-static, and exact
    at 0.1 GHz (the exact slope differs by O(ωτsf): the texture pumps a longitudinal spin, §D6)."""
    mod = model(0.0)
    c = mod.coefficients
    k = 1e-3
    for theta in (30.0, 60.0):
        pr = pp.Precession(0.1, theta, texture="helix", wavevector_per_nm=k)
        da, db = pp.eq46_coefficients(c, pr)
        assert db > 0
        tau_d = 1 / c.inv_tau_delta
        assert rel(db, tau_d * c.D * k**2 * math.cos(math.radians(theta)) ** 2) < 0.15  # the paper's ξ → 0 limit
        for qs, tol_a, tol_b in ((True, 1e-5, 2e-4), (False, 5e-3, 5e-4)):
            s = pp.solve_periodic(mod, pr, quasi_static=qs)
            s0 = pp.solve_periodic(mod, pp.Precession(0.1, theta), quasi_static=qs)
            assert rel(s.torque_coefficient_a - s0.torque_coefficient_a, da) < tol_a
            assert rel(s.torque_coefficient_b - s0.torque_coefficient_b, db) < tol_b


def test_chiral_damping_matches_corrected_eq47_and_vanishes_about_z():
    """References: corrected Eq. 47, the odd part of (a, b) in k equals the Eq. 46 form with Dk² → −2Ck n_y
    (Sec. VI model, small k); symmetry: a rotation by π about ẑ maps the helix about ẑ with k to the one
    with −k (phase-shifted), so b(k) = b(−k) in the full model."""
    mod = model(2e-2, sec6_model=True)
    k = 1e-4
    # the exact odd part of a differs by O(ωτsf) (longitudinal spin pumped by the texture, §D6)
    for qs, tol_a, tol_b in ((True, 1e-4, 1e-4), (False, 3e-3, 1e-4)):
        pr = {sg: pp.Precession(0.1, 30.0, axis=(0, 1, 0), texture="helix", wavevector_per_nm=sg * k) for sg in (1, -1)}
        sol = {sg: pp.solve_periodic(mod, p, quasi_static=qs) for sg, p in pr.items()}
        da, db = pp.eq47_coefficients(mod.coefficients, pr[1])
        assert db < 0  # k > 0 about ŷ: less damping
        odd_a = 0.5 * (sol[1].torque_coefficient_a - sol[-1].torque_coefficient_a)
        odd_b = 0.5 * (sol[1].torque_coefficient_b - sol[-1].torque_coefficient_b)
        assert rel(odd_a, da) < tol_a and rel(odd_b, db) < tol_b
    full = model()
    for k in (0.01, 0.1):
        b = [pp.solve_periodic(full, pp.Precession(10.0, 30.0, texture="helix", wavevector_per_nm=sg * k))
             .torque_coefficient_b for sg in (1, -1)]
        assert abs(b[0] - b[1]) < 1e-12 * abs(b[0])


def test_helix_with_all_terms_converges_spectrally():
    """Reference: spectral convergence itself: the result at P and at 2P agree to round-off (full model,
    cycloid about ŷ, all Rashba terms, charge on; k = 0.05/nm, 10 GHz)."""
    mod = model()
    pr = pp.Precession(10.0, 45.0, axis=(0, 1, 0), texture="helix", wavevector_per_nm=0.05)
    s = pp.solve_periodic(mod, pr)
    s2 = pp.solve_periodic(mod, pr, harmonics=2 * s.harmonics)
    assert s.truncation_error < 1e-14
    assert rel(s.torque_coefficient_b, s2.torque_coefficient_b) < 1e-12
    np.testing.assert_allclose(s.particle_current_dc_per_nm_fs, s2.particle_current_dc_per_nm_fs, rtol=1e-10,
                               atol=1e-12 * np.abs(s2.particle_current_dc_per_nm_fs).max())
    psi = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    _, nu = s.fields(psi)
    assert abs(nu.mean()) < 1e-12 * np.abs(nu).max()  # neutrality
    # j(ψ) includes −D∂xν, whose period average vanishes; (x, t) evaluation goes through ψ = ωt − kx
    np.testing.assert_allclose(s.particle_current(psi).mean(axis=1), s.particle_current_dc_per_nm_fs, rtol=1e-12,
                               atol=1e-14 * np.abs(s.particle_current_dc_per_nm_fs).max())
    x, t = np.array([3.0, 50.0]), np.array([1e3, 2e4])
    np.testing.assert_allclose(s.at(x, t)[0], s.fields(pr.omega_per_fs * t - 0.05 * x)[0])


# --- charge pumping ---------------------------------------------------------------------
def test_charge_pumping_eq44_scaling_and_zero_about_z():
    """References: corrected Eq. 44, J = e kB B τΔ s0 ω sin²θ/(1+ξ²) ẑ×n̂ (isotropic relaxation, low ω),
    written out here; symmetry: zero for precession about ẑ (full model, DP on)."""
    mod = model().with_coefficients(inv_tau_dp=0.0, R=0.0)  # Eq. 44's assumptions (Γ acts on ν ≡ 0 here)
    c = mod.coefficients
    xi = (c.inv_tau_sf + c.inv_tau_phi) / c.inv_tau_delta
    e_over_nm_fs = sc.elementary_charge / 1e-24
    for axis in [(1, 0, 0), (0.6, 0.8, 0.0), (0.0, 0.6, 0.8)]:
        for theta in (20.0, 90.0):
            for f in (0.1, 0.2):
                pr = pp.Precession(f, theta, axis=axis)
                j = pp.solve_periodic(mod, pr).charge_current_dc_a_per_m
                w, st2 = pr.omega_per_fs, math.sin(pr.theta_rad) ** 2
                ref = (e_over_nm_fs * c.charge_B_factor * c.B * mod.s0_per_nm2 / c.inv_tau_delta * w * st2
                       / (1 + xi**2) * np.cross([0, 0, 1.0], pr.basis[0]))
                # exact − Eq. 44 = the longitudinal pumped spin, relative size ξωτsf cosθ ≲ 1e-4 here (§D2)
                np.testing.assert_allclose(j, ref, rtol=0, atol=5e-4 * np.abs(ref).max())
                np.testing.assert_allclose(pp.eq44_dc_charge_current_a_per_m(mod, pr), ref, rtol=1e-12, atol=0)
    full = model()
    j = pp.solve_periodic(full, pp.Precession(10.0, 50.0)).charge_current_dc_a_per_m
    jx = pp.solve_periodic(full, pp.Precession(10.0, 50.0, axis=(1, 0, 0))).charge_current_dc_a_per_m
    assert np.abs(j).max() < 1e-12 * np.abs(jx).max()


def test_charge_current_hides_factor_b_alpha_cubed():
    """Reference: B = (α/ħ) τ/τdp (docs/model.md §9 item 14), checked on the coefficients; at fixed s0 and ξ the
    pumped current then scales as α³ (weak coupling, 4α²kF²τ²/ħ² ~ 2e-6 here): J(2α)/J(α) → 8."""
    c = paper_film(1e-3).coefficients()
    hbar = sc.hbar / sc.electron_volt / 1e-15
    assert rel(c.B, (1e-3 / hbar) * 1.0 / (1 / c.inv_tau_dp)) < 1e-12
    pr = pp.Precession(0.1, 30.0, axis=(1, 0, 0))
    j1 = pp.eq44_dc_charge_current_a_per_m(model(1e-4), pr)[1]
    j2 = pp.eq44_dc_charge_current_a_per_m(model(2e-4), pr)[1]
    assert abs(j2 / j1 - 8.0) < 1e-4


# --- damping and the equilibrium spin ---------------------------------------------------------------
def test_gilbert_enhancement_sign_by_polarization_rule():
    """Reference: Δα = −γħ s0 β̃/(Ms t) with s0 = −nΔxc/(4εF) written out (no DP, quasi-static), the film's
    mapping ṁ ∋ −γħT/(Ms t) (LLG_TORQUE_SIGN, tied to the s-d field above) collecting the m×ṁ part of the
    pumping torque; sign: > 0 (damping) for the Hamiltonian s0 < 0, < 0 (anti-damping) for eq17/eq38
    (s0 > 0): the second law selects the hamiltonian rule."""
    magnet = pp.MagnetLayer(ms_a_per_m=1.0e6, thickness_nm=2.0)
    pr = pp.Precession(10.0, 30.0)
    signs = {}
    for rule in ("hamiltonian", "eq17", "eq38"):
        mod = model(polarization_rule=rule)
        b = pp.solve_periodic(mod, pr).torque_coefficient_b
        signs[rule] = np.sign(pp.gilbert_damping_enhancement(mod.s0_per_nm2, b, magnet))
    assert signs == {"hamiltonian": 1.0, "eq17": -1.0, "eq38": -1.0}
    mod = model().with_coefficients(inv_tau_dp=0.0)
    c = FILM.coefficients()
    s0 = -(4.3**2 / (2 * math.pi)) * FILM.exchange_ev / (4 * c.eps_F) * 1e18  # ħ/m²
    xi = (c.inv_tau_sf + c.inv_tau_phi) / c.inv_tau_delta
    bt = (c.inv_tau_sf / c.inv_tau_delta) / (1 + xi**2)
    gamma = 1.76085963023e11  # rad/(s T), CODATA 2018 |γe| (scipy's CODATA 2022 value differs by 1.4e-9)
    ref = -gamma * sc.hbar * s0 * bt / (1.0e6 * 2e-9)
    b = pp.solve_periodic(mod, pr, quasi_static=True).torque_coefficient_b
    assert rel(pp.gilbert_damping_enhancement(mod.s0_per_nm2, b, magnet), ref) < 1e-8
    a = pp.solve_periodic(mod, pr, quasi_static=True).torque_coefficient_a
    eta = gamma * sc.hbar * s0 * a / (1.0e6 * 2e-9)
    assert rel(pp.gyromagnetic_ratio_factor(mod.s0_per_nm2, a, magnet), 1 / (1 + eta)) < 1e-8
    assert pp.gyromagnetic_ratio_factor(mod.s0_per_nm2, a, magnet) < 1  # s0 a > 0: the spin that follows m adds


def test_film_llg_mapping_is_the_sd_exchange_field():
    """Reference: the s-d energy per area E = Tr[ρ (Δxc/2)σ·m] = Δxc S·m (ρ = n/2 + S·σ) written as
    −Ms t m·B_sd gives B_sd = −Δxc S/(Ms t), and the LLG equation ṁ = −γ m×B_sd.  The film's mapping
    ṁ = LLG_TORQUE_SIGN·γħT/(Ms t) applied to the precession part of Eq. 24 (1/τφ = 0) must give the same ṁ:
    this fixes LLG_TORQUE_SIGN = −1 independently of the torque code."""
    rng = np.random.default_rng(11)
    c = dataclasses.replace(FILM.coefficients(), inv_tau_phi=0.0)
    ms, t_nm, gamma = 8e5, 2.0, 1.76e11
    delta_j = FILM.exchange_ev * sc.electron_volt
    for _ in range(5):
        m = rng.normal(size=3)
        m /= np.linalg.norm(m)
        s = rng.normal(size=3)  # ħ/nm²
        mapped = LLG_TORQUE_SIGN * gamma * torque_to_j_per_m2(torque_from_spin(c, m, s)) / (ms * t_nm * 1e-9)
        b_sd = -delta_j * (s * 1e18) / (ms * t_nm * 1e-9)  # T
        np.testing.assert_allclose(mapped, -gamma * np.cross(m, b_sd), rtol=1e-9, atol=0)


@pytest.mark.parametrize("sign", [-1, 1])
def test_effective_fields_act_like_the_mapped_torque(sign):
    """Reference: the LLG term −γ m×B of B = B_FL û + B_DL m×û (û = ẑ×Ê) written out here must equal the
    mapped torque sign·γτ/(Ms t) for τ = τ⊥ û×m + τ∥ m×(û×m); sign = −1 is the film's, +1 the bilayer's."""
    rng = np.random.default_rng(5)
    ms, t_nm, gamma = 1e6, 1.5, 1.76e11
    for _ in range(5):
        m = rng.normal(size=3)
        m /= np.linalg.norm(m)
        u = np.array([rng.normal(), rng.normal(), 0.0])
        u /= np.linalg.norm(u)
        tau = np.cross(m, rng.normal(size=3)) * 1e-7  # J/m², ⟂ m
        t_perp, t_par = decompose(tau, m, u)
        b_fl, b_dl = effective_fields_tesla(t_perp, t_par, ms, t_nm, llg_sign=sign)
        field = b_fl * u + b_dl * np.cross(m, u)
        np.testing.assert_allclose(-gamma * np.cross(m, field), sign * gamma * tau / (ms * t_nm * 1e-9),
                                   rtol=1e-12, atol=1e-12 * gamma * 1e-7 / (ms * t_nm * 1e-9))
    with pytest.raises(ParameterError, match="llg_sign"):
        effective_fields_tesla(1.0, 1.0, ms, t_nm, llg_sign=0)


@pytest.mark.parametrize("m", [(0, 0, 1), (1, 0, 0), (0.6, 0.0, 0.8)])
def test_equilibrium_spin_from_stoner_bands(m):
    """Reference: the Hamiltonian's bands filled to n = kF²/2π (band_equilibrium_spin_per_nm2):
    S0 = −nΔxc/(4εF) m (antiparallel to m, 4x smaller than PF = Δxc/εF), exactly for any α
    (docs/model.md §12.2).  For in-plane m at α = 5e-2 the bands touch at k = Δxc/2α inside the Fermi
    sea and the quadrature converges slowly (1.8e-5 with the default nodes, 9e-7 with 8x more)."""
    m = np.asarray(m, float)
    for alpha, tol in ((0.0, 1e-12), (5e-2, 1e-12 if m[2] != 0 else 1e-4)):
        f = paper_film(alpha)
        s = pp.band_equilibrium_spin_per_nm2(f, m)
        s0 = f.coefficients().s0_per_nm2  # the default rule: hamiltonian
        c = f.coefficients()
        assert s0 == pytest.approx(-c.n * f.exchange_ev / (4 * c.eps_F), rel=1e-14)
        np.testing.assert_allclose(s, s0 * m, rtol=0, atol=tol * abs(s0))
    eq17 = paper_film(5e-2, polarization_rule="eq17").coefficients().s0_per_nm2
    assert eq17 == pytest.approx(-4 * FILM.coefficients().s0_per_nm2, rel=1e-14)


def test_sec6_model_without_dp_is_unstable_above_kappa_c():
    """Reference: docs/model.md §9 item 15's rate 1/τsf + 1/τφ + Dκ² − 2Cκ, its root κc (m ∥ ŷ, where the
    Rashba rotation commutes with the precession); with DP every plane wave decays (C²/D = 1/(τdp q³))."""
    c = FILM.coefficients()
    c6 = pp.sec6_coefficients(c)
    r0 = c.inv_tau_sf + c.inv_tau_phi
    kc = (c.C - math.sqrt(c.C**2 - c.D * r0)) / c.D
    assert 5.0e-2 < kc < 5.5e-2  # 1/nm: κc ≈ 5.27e7 1/m
    for kappa in (0.03, 0.06, 0.6, -0.6):
        rates = pp.spin_wave_rates(c6, (0, 1, 0), kappa)
        formula = r0 + c.D * kappa**2 - 2 * c.C * abs(kappa)  # the circular mode co-rotating with 2Cκ ŷ×
        assert np.min(np.abs(rates - formula)) < 1e-12
        assert (rates[0] < 0) == (abs(kappa) > kc)
    q = 1 + 4 * c.varsigma2
    assert c.C**2 / c.D == pytest.approx(c.inv_tau_dp / q**3, rel=1e-12)
    for m in [(0, 1, 0), (0, 0, 1), (1, 0, 0), (0, 0.6, 0.8)]:
        for kappa in np.linspace(-2, 2, 81):
            assert pp.spin_wave_rates(c, m, kappa)[0] > -1e-15


# --- API and validation -------------------------------------------------------------------------
def test_precession_sense_and_basis():
    """Reference: free precession ṁ = −γ m×B, B = (ω/γ) n̂ (finite difference of m(t)); the stated e1."""
    for axis, e1 in [((0, 0, 1), (1, 0, 0)), ((1, 0, 0), (0, 1, 0)), ((0, 1, 0), (0, 0, 1))]:
        pr = pp.Precession(10.0, 30.0, axis=axis)
        n, b1, b2 = pr.basis
        np.testing.assert_allclose(b1, e1, atol=1e-15)
        np.testing.assert_allclose(b2, np.cross(n, b1), atol=1e-15)
        t, h = 123.0, 1e-2
        fd = (pr.m(0.0, t + h) - pr.m(0.0, t - h)) / (2 * h)
        gamma_b = pr.omega_per_fs * n  # γB
        np.testing.assert_allclose(fd, -np.cross(pr.m(0.0, t), gamma_b), rtol=0, atol=1e-9 * pr.omega_per_fs)
        np.testing.assert_allclose(pr.dm_dt(0.0, t), -np.cross(pr.m(0.0, t), gamma_b), atol=1e-18)


def test_summary_keys():
    out = pp.pumping_summary(model(), pp.Precession(10.0, 30.0, axis=(1, 0, 0)), pp.MagnetLayer(1e6, 2.0))
    for key in ("torque_coefficient_a", "torque_coefficient_b", "torque_coefficient_a_adiabatic",
                "torque_coefficient_b_adiabatic", "s0_hbar_per_m2", "pumped_spin_dc_hbar_per_m2",
                "charge_current_dc_a_per_m", "gilbert_damping_enhancement", "gyromagnetic_ratio_factor"):
        assert key in out
    assert out["gilbert_damping_enhancement"] > 0
    assert pp.pumping_summary(model(), pp.Precession(10.0, 30.0))["gilbert_damping_enhancement"] is None


@pytest.mark.parametrize(
    "kwargs, word",
    [
        (dict(frequency_ghz=-1.0), "frequency_ghz"),
        (dict(frequency_ghz=0.0), "frequency_ghz"),
        (dict(frequency_ghz=10.0, cone_angle_deg=0.0), "cone_angle_deg"),
        (dict(frequency_ghz=10.0, cone_angle_deg=180.0), "cone_angle_deg"),
        (dict(frequency_ghz=10.0, cone_angle_deg=200.0), "cone_angle_deg"),
        (dict(frequency_ghz=10.0, axis=(1, 1, 0)), "axis"),
        (dict(frequency_ghz=10.0, texture="spiral"), "texture"),
        (dict(frequency_ghz=10.0, wavevector_per_nm=0.1), "wavevector_per_nm"),
        (dict(frequency_ghz=10.0, texture="helix", wavevector_per_nm=math.nan), "wavevector_per_nm"),
    ],
)
def test_precession_validation(kwargs, word):
    with pytest.raises(ParameterError, match=word):
        pp.Precession(**kwargs)


def test_other_validation():
    with pytest.raises(ParameterError, match="ms_a_per_m"):
        pp.MagnetLayer(ms_a_per_m=-1.0, thickness_nm=1.0)
    with pytest.raises(ParameterError, match="thickness_nm"):
        pp.MagnetLayer(ms_a_per_m=1e6, thickness_nm=0.0)
    with pytest.raises(ParameterError, match="polarization_rule"):
        pp.PumpingModel.from_film(paper_film(5e-2, polarization_rule="eq99"))
    with pytest.raises(ParameterError, match="inv_tau_sf"):
        pp.PumpingModel.from_film(paper_film(5e-2, tau_sf_s=math.inf), sec6_model=True)
    with pytest.raises(ParameterError, match="unknown coefficient"):
        model().with_coefficients(tau=1.0)
    with pytest.raises(ParameterError, match="axis"):
        pp.rotating_frame_solution(model(), pp.Precession(10.0, 30.0, axis=(1, 0, 0)))
    with pytest.raises(ParameterError, match="alpha_ev_nm = 0"):
        pp.rotating_frame_solution(model(), pp.Precession(10.0, 30.0, texture="helix", wavevector_per_nm=0.1))
    with pytest.raises(ParameterError, match="harmonics"):
        pp.solve_periodic(model(), pp.Precession(10.0, 30.0), harmonics=0)
