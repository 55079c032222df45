"""The micromagnetic material, the wall profile, the velocity measurement and the Rashba film's wall parameters
(docs/model.md §13.9, §14): numpy only, each against a reference written out here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import constants as sc

from rashba_diffusion.errors import ParameterError
from rashba_diffusion.fem.time import extrapolate_half_step, steps_per_interval
from rashba_diffusion.physics.domain_wall import (
    WallParameters,
    electron_drift_velocity_m_per_s,
    measure_velocity,
    rashba_wall_zhang_li,
    run_wall,
)
from rashba_diffusion.physics.micromagnetics import (
    MicromagneticParameters,
    SpinDiffusionDrive,
    ZhangLiDrive,
    wall_profile,
    wall_reference,
)
from rashba_diffusion.physics.rashba import Drive, paper_film
from rashba_diffusion.problems.specs import DomainWallSpec, resolve_domain_wall_spec

MAG = dict(ms_a_per_m=8e5, a_ex_j_per_m=1.3e-11, alpha_gilbert=0.02)


def test_principal_axes_of_a_perpendicular_film_with_demag():
    """Reference: K_eff = K_u − μ0Ms²/2 for ê = ẑ with the thin-film demag; the hard axis ŷ keeps K_⊥."""
    p = MicromagneticParameters(**MAG, k_u_j_per_m3=1e6, k_perp_j_per_m3=2e4, thin_film_demag=True)
    kd = 0.5 * sc.mu_0 * 8e5**2
    a = p.principal_axes()
    assert a.easy == pytest.approx((0, 0, 1)) and a.hard == pytest.approx((0, 1, 0))
    assert a.medium == pytest.approx((1, 0, 0))  # right-handed: hard = easy × medium
    assert a.k_eff_j_per_m3 == pytest.approx(1e6 - kd, rel=1e-12)
    assert a.k_perp_eff_j_per_m3 == pytest.approx(2e4, rel=1e-9)
    assert p.wall_width_m() == pytest.approx(math.sqrt(1.3e-11 / (1e6 - kd)), rel=1e-12)


def test_principal_axes_of_an_in_plane_film():
    """ê = x̂ with the demag along ẑ and no K_⊥: the wall turns through ŷ (the medium axis), K⊥,eff = μ0Ms²/2."""
    p = MicromagneticParameters(**MAG, k_u_j_per_m3=5e3, easy_axis=(1, 0, 0), thin_film_demag=True)
    a = p.principal_axes()
    assert a.easy == pytest.approx((1, 0, 0))
    assert abs(np.dot(a.medium, (0, 1, 0))) == pytest.approx(1.0)
    assert a.k_eff_j_per_m3 == pytest.approx(5e3, rel=1e-9)
    assert a.k_perp_eff_j_per_m3 == pytest.approx(0.5 * sc.mu_0 * 8e5**2, rel=1e-12)
    assert np.cross(a.easy, a.medium) == pytest.approx(np.asarray(a.hard))


@pytest.mark.parametrize("kwargs, match", [
    (dict(k_u_j_per_m3=1e5, k_perp_j_per_m3=1e4, hard_axis=(0, 0.6, 0.8)), "hard_axis"),
    (dict(k_u_j_per_m3=-1.0), "k_u_j_per_m3 = -1.0 J/m³ is invalid; valid range"),
    (dict(k_u_j_per_m3=1e5, easy_axis=(0, 0, 0)), "easy_axis"),
    (dict(k_u_j_per_m3=1e5, b_ext_t=(0, 0)), "b_ext_t"),
    (dict(k_u_j_per_m3=1e5, dmi_j_per_m2=math.nan), "dmi_j_per_m2"),
])
def test_bad_magnet_parameters_are_named(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        MicromagneticParameters(**MAG, **kwargs)


def test_no_easy_axis_is_an_error_before_any_mesh():
    p = MicromagneticParameters(**MAG, k_u_j_per_m3=0.0)
    with pytest.raises(ParameterError, match="no unique easy axis"):
        p.principal_axes()


def test_wall_profile_is_the_static_solution():
    """Reference: θ = 2 atan exp(x/Δ) solves Aθ'' = K sinθ cosθ, i.e. θ' = sinθ/Δ (first integral); |m| = 1."""
    p = MicromagneticParameters(**MAG, k_u_j_per_m3=5e5, k_perp_j_per_m3=5e4)
    a, d = p.principal_axes(), p.wall_width_m() / 1e-9
    x = np.linspace(-40.0, 40.0, 4001)
    m = wall_profile(x, 0.0, d, a)
    assert np.linalg.norm(m, axis=0) == pytest.approx(1.0, abs=1e-15)
    theta = np.arccos(np.clip(m[2], -1, 1))
    assert np.gradient(theta, x)[200:-200] == pytest.approx(np.sin(theta[200:-200]) / d, abs=2e-5)
    assert m[:, 0] == pytest.approx([0, 0, 1], abs=1e-3) and m[:, -1] == pytest.approx([0, 0, -1], abs=1e-3)
    assert m[0, 2000] == pytest.approx(1.0)  # φ = 0: through the medium axis x̂ (Néel-like along the wire)
    assert wall_profile(x, 0.0, d, a, phi_rad=math.pi / 2)[1, 2000] == pytest.approx(1.0)


def test_wall_reference_maps_the_axes_and_refuses_dmi():
    p = MicromagneticParameters(**MAG, k_u_j_per_m3=1e6, k_perp_j_per_m3=2e4, thin_film_demag=True,
                                b_ext_t=(0, 0, 1e-3))
    ref = wall_reference(p, ZhangLiDrive((10.0, 0, 0), 0.04))
    assert ref.k_u_j_per_m3 == pytest.approx(1e6 - 0.5 * sc.mu_0 * 8e5**2) and ref.b_easy_t == 1e-3
    assert ref.u_m_per_s == 10.0 and ref.beta == 0.04
    assert wall_reference(MicromagneticParameters(**MAG, k_u_j_per_m3=1e6, dmi_j_per_m2=1e-3),
                          ZhangLiDrive((1.0, 0, 0), 0.0)) is None
    assert wall_reference(MicromagneticParameters(**MAG, k_u_j_per_m3=1e6, b_ext_t=(1e-3, 0, 0)),
                          ZhangLiDrive((1.0, 0, 0), 0.0)) is None


def test_measured_velocity_of_a_steady_and_of_a_precessing_wall():
    """Synthetic trajectories: q = vt (+ breathing 2 sin 2φ, φ = ωt: the mean over whole periods is v exactly)."""
    t = np.linspace(0.0, 1e-8, 4001)
    steady = measure_velocity(t, 30.0 * t + 1e-9 * np.exp(-t / 1e-10), 0.1 * (1 - np.exp(-t / 1e-10)))
    assert not steady.walker and steady.velocity_m_per_s == pytest.approx(30.0, rel=1e-9)
    w = 2 * math.pi / 1.3e-9
    walker = measure_velocity(t, 30.0 * t + 2e-9 * np.sin(2 * w * t), w * t)
    assert walker.walker and walker.velocity_m_per_s == pytest.approx(30.0, rel=2e-3)  # sampling: 400 per period
    with pytest.raises(ParameterError, match="too short"):
        measure_velocity(t[:100], t[:100], np.linspace(0.0, 7.0, 100))  # one crossing of nπ in the second half


def test_measured_velocity_agrees_with_the_ode_run():
    """The same measurement on the collective-coordinate ODE's dense trajectory: below and above Walker."""
    base = dict(ms_a_per_m=8e5, a_ex_j_per_m=1.3e-11, k_u_j_per_m3=5e5, k_perp_j_per_m3=5e4, alpha_gilbert=0.02,
                beta=0.04)
    for u in (10.0, 200.0):
        run = run_wall(WallParameters(u_m_per_s=u, **base), 60e-9)
        m = measure_velocity(run.t_s, run.q_m, run.phi_rad)
        assert m.walker == run.walker
        assert m.velocity_m_per_s == pytest.approx(run.velocity_m_per_s, rel=1e-3)


def test_drift_velocity_is_minus_e_tau_e_over_m():
    """Reference: v_e = −eτE/m* (Drude), from scipy.constants."""
    film = paper_film(0.0, mass_ratio=0.5)
    v = electron_drift_velocity_m_per_s(film, Drive(2e5, (0.6, 0.8, 0.0)))
    assert v == pytest.approx(-sc.e * 1e-15 * 2e5 / (0.5 * sc.m_e) * np.array([0.6, 0.8, 0.0]), rel=1e-9)


def test_rashba_wall_parameters_from_the_film_coefficients():
    """Reference: ξ = τΔ(1/τsf + 1/τφ), β̃ = (τΔ/τsf)/(1 + ξ²), η = −γħs0/(Ms t) written out (α_R = 0)."""
    film = paper_film(0.0, tau_sf_s=2e-14, polarization=-0.1)
    c = film.coefficients()
    xi = (c.inv_tau_sf + c.inv_tau_phi) / c.inv_tau_delta
    bt = (c.inv_tau_sf / c.inv_tau_delta) / (1 + xi**2)
    s0 = film.kf_per_nm**2 / (2 * math.pi) * (-0.1) * 1e18
    eta = -1.7e11 * sc.hbar * s0 / (1e5 * 1e-9)
    n = 1 + eta * (1 - xi * bt)
    eff = rashba_wall_zhang_li(film, Drive(3e6, (1, 0, 0)), 1e5, 1.0, 0.02, 1.7e11)
    assert eff.beta == pytest.approx(bt / (1 - xi * bt), rel=1e-12)
    assert eff.alpha == pytest.approx((0.02 + eta * bt) / n, rel=1e-12)
    assert eff.renormalization == pytest.approx(n, rel=1e-12)
    v_e = -sc.e * 1e-15 * 3e6 / sc.m_e
    assert eff.u_m_per_s == pytest.approx(eta * (1 - xi * bt) * v_e / n, rel=1e-9)
    with pytest.raises(ParameterError, match="alpha_ev_nm"):
        rashba_wall_zhang_li(paper_film(0.05), Drive(1e5, (1, 0, 0)), 1e5, 1.0, 0.02)
    # the paper's own PF (eq17: S0 ∥ m) makes the spin-diffusion damping negative: refused when it wins over α0
    with pytest.raises(ParameterError, match="damping positive"):
        rashba_wall_zhang_li(paper_film(0.0, tau_sf_s=2e-14, polarization=0.3), Drive(1e5, (1, 0, 0)), 1e5, 1.0,
                             0.001)
    with pytest.raises(ParameterError, match="thickness_nm"):
        SpinDiffusionDrive(film, Drive(1e5, (1, 0, 0)), 0.0)


def test_uniform_steps_and_extrapolation():
    assert steps_per_interval(1e-9, 1e-12, name="dt_s", unit="s") == 1000
    assert steps_per_interval(1e-9, 3e-10) == 4
    with pytest.raises(ParameterError, match="dt_s = 2e-09 s is invalid"):
        steps_per_interval(1e-9, 2e-9, name="dt_s", unit="s")
    # second order: exact for a linear function, error (3/8)k²u'' for u = t²
    assert extrapolate_half_step(3.0, 1.0) == 4.0
    k = 0.1
    assert extrapolate_half_step(1.0, (1 - k) ** 2) - 1.05**2 == pytest.approx(-3 / 8 * k**2 * 2, rel=1e-9)


def test_domain_wall_spec_defaults_and_limits():
    spec = resolve_domain_wall_spec(DomainWallSpec(t_end_s=1e-9), 20.0)
    assert spec.length_nm == 640.0 and spec.cell_nm == 2.5
    assert resolve_domain_wall_spec(DomainWallSpec(t_end_s=1e-9), 20.0, 1.1).cell_nm == 1.1
    with pytest.raises(ParameterError, match="length_nm = 100.0 nm is invalid"):
        resolve_domain_wall_spec(DomainWallSpec(t_end_s=1e-9, length_nm=100.0), 20.0)
    with pytest.raises(ParameterError, match="cell_nm = 15.0 nm is invalid"):
        resolve_domain_wall_spec(DomainWallSpec(t_end_s=1e-9, cell_nm=15.0), 20.0)
    with pytest.raises(ParameterError, match="dt_s"):
        DomainWallSpec(t_end_s=1e-9, dt_s=2e-9)
    with pytest.raises(ParameterError, match="rows"):
        DomainWallSpec(t_end_s=1e-9, rows=1)
