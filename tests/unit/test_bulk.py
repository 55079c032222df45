"""Infinite medium (Eq. 26) against closed forms derived independently."""

import dataclasses
import math

import numpy as np
import pytest

from rashba_diffusion.physics.bulk import solve_bulk, weak_coupling_torques
from rashba_diffusion.physics.rashba import Drive, paper_film
from rashba_diffusion.units import HBAR_EV_FS, V_PER_M_TO_EV_PER_NM

MS = [(1, 0, 0), (0, 0, 1), (0.6, 0, 0.8), (0.48, 0.6, 0.64), (-0.8, 0.0, 0.6)]


@pytest.mark.parametrize("m", MS)
@pytest.mark.parametrize("alpha, delta", [(5e-3, 0.0658), (2e-2, 0.2), (1e-3, 0.02)])
def test_weak_coupling_closed_forms_eq36_37(m, alpha, delta):
    """τdp → ∞ (and B, R dropped, as Eqs. 36-37 assume): exact 3x3 = closed form."""
    c = paper_film(alpha, delta_xc_ev=delta).coefficients()
    c = dataclasses.replace(c, inv_tau_dp=0.0, B=0.0, R=0.0)
    drive = Drive(1e5)
    m = np.asarray(m, float) / np.linalg.norm(m)
    r = solve_bulk(c, drive, m)
    t_perp, t_par = weak_coupling_torques(c, drive)
    # measured ≤ 2.8e-15 (round-off)
    assert r.T_perp == pytest.approx(t_perp, rel=1e-13)
    assert r.T_par == pytest.approx(t_par, rel=1e-13)


def test_edelstein_density_eq19():
    """Δxc = 0, τsf → ∞: S = eEζ/(πħvF) ŷ with ζ = αkFτ/ħ (from raw inputs)."""
    alpha, tau, kf, E = 2e-2, 1e-15, 4.3, 3e5
    f = paper_film(alpha, delta_xc_ev=0.0, tau_sf_s=math.inf)
    r = solve_bulk(f, Drive(E), (0, 0, 1))
    hbar2_2m = 0.0380998212  # eV nm², ħ²/2mₑ (CODATA), written out independently
    vf = 2 * hbar2_2m * kf / HBAR_EV_FS
    zeta = alpha * kf * (tau / 1e-15) / HBAR_EV_FS
    expected = E * V_PER_M_TO_EV_PER_NM * zeta / (math.pi * HBAR_EV_FS * vf)
    assert r.s[1] == pytest.approx(expected, rel=1e-8)
    assert abs(r.s[0]) < 1e-14 * expected and abs(r.s[2]) < 1e-14 * expected


def test_bulk_is_linear_and_odd_in_field():
    f = paper_film(3e-2)
    m = (0.6, 0.0, 0.8)
    a, b = solve_bulk(f, Drive(1e5), m), solve_bulk(f, Drive(-2e5), m)
    np.testing.assert_allclose(b.s, -2 * a.s, rtol=1e-13)


def test_torque_is_perpendicular_to_m():
    f = paper_film(3e-2)
    m = np.array([0.48, 0.6, 0.64])
    r = solve_bulk(f, Drive(1e5, (0.6, 0.8, 0)), m)
    assert abs(np.dot(r.torque, m)) < 1e-12 * np.linalg.norm(r.torque)
