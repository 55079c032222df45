"""Independent references in SI units, written apart from the package (it is never imported here).

Everything below is computed in SI (m, s, J, kg, A, T) with constants from ``scipy.constants``, from the
equations as the project's docs state them (docs/model.md §1, §7, §8, §10, §11 and the restored Eqs. 15-37 of
Wang, Ortiz Pauyac & Manchon, PRB 89, 054405 (2014)), by routes that differ from the package's:

* the coefficients of Eq. 15 in SI (the package works in nm, fs, eV);
* the infinite medium (Eq. 26 with the source of Eq. 33): the 3×3 matrix is built column by column by applying
  the operator to the unit vectors and solved by Cramer's rule;
* the Hall-free bulk of a wire along x̂ (edge normal ŷ): the 4×4 system written from Eq. 16 as a particle current
  and Eq. 17's B and R terms;
* the closed forms of Eqs. 36-37 and, for m = ẑ, the exact closed form with D'yakonov-Perel relaxation (the
  relaxation is isotropic in the plane ⟂ ẑ: T = (1 − ξβ̃)X − β̃ m×X with Sec. IV's rates);
* the 1D wire cross-section (infinite along x̂, width W along ŷ, s = 0 at both edges, no transverse charge
  current): the constant-coefficient ODE solved exactly by eigen-decomposition, with the width averages of the
  torque integrated analytically;
* the heavy-metal/ferromagnet bilayer in 1D: the ODEs of docs/model.md §11.2 solved with matrix exponentials and
  the interface laws of §11.3 imposed as a linear system (not the complex closed form of §11.4);
* the SI conversions: ħT in J/m², effective fields in T (film: B = −ħT/(Ms t); bilayer: B = +T/(Ms d_F)),
  efficiencies ξ = T/((ħ/2e) j).

Run it to rewrite the fixture ``independent_si.json`` next to it::

    .venv/bin/python tests/reference/independent_si.py

``tests/unit/test_reference_si.py`` checks that the committed fixture is what this script computes and that this
file imports nothing from the package.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from scipy import constants as sc
from scipy.linalg import expm

HBAR = sc.hbar  # J s
E_CHARGE = sc.e  # C
M_E = sc.m_e  # kg
EV = sc.electron_volt  # J
FIXTURE = Path(__file__).with_suffix(".json")

X_HAT, Y_HAT, Z_HAT = np.eye(3)

# ---------------------------------------------------------------------------------------------- parameter sets
#: Rashba film cases: the inputs in the units of the command-line flags (so the tests can pass them on as they are)
FILM_CASES = [
    {"name": "paper_wire", "alpha_ev_nm": 5e-2, "tau_s": 1e-15, "tau_sf_s": 1e-12, "kf_per_nm": 4.3,
     "tau_delta_s": 1e-14, "mass_ratio": 1.0, "polarization_rule": "hamiltonian", "precession_rule": "eq17",
     "efield_v_per_m": 1e5, "e_direction": [1.0, 0.0, 0.0], "m": [1.0, 0.0, 0.0], "ms_a_per_m": 1e6,
     "thickness_nm": 1.0, "width_nm": 50.0},
    {"name": "oblique_eq17", "alpha_ev_nm": 2e-2, "tau_s": 1.5e-15, "tau_sf_s": 5e-13, "kf_per_nm": 5.0,
     "delta_xc_ev": 0.1, "mass_ratio": 0.8, "polarization_rule": "eq17", "precession_rule": "eq15",
     "efield_v_per_m": -3e5, "e_direction": [0.6, 0.8, 0.0], "m": [0.48, 0.6, 0.64], "ms_a_per_m": 8e5,
     "thickness_nm": 2.0, "width_nm": 40.0},
    {"name": "out_of_plane_eq38", "alpha_ev_nm": 1e-2, "tau_s": 1e-15, "tau_sf_s": 2e-12, "kf_per_nm": 4.3,
     "delta_xc_ev": 0.2, "mass_ratio": 1.0, "polarization_rule": "eq38", "precession_rule": "eq17",
     "efield_v_per_m": 2e5, "e_direction": [1.0, 0.0, 0.0], "m": [0.6, 0.0, 0.8], "ms_a_per_m": 1.2e6,
     "thickness_nm": 1.5, "width_nm": 60.0},
    {"name": "perpendicular_hamiltonian", "alpha_ev_nm": 3e-2, "tau_s": 1e-15, "tau_sf_s": 1e-12, "kf_per_nm": 4.3,
     "delta_xc_ev": 0.05, "mass_ratio": 1.0, "polarization_rule": "hamiltonian", "precession_rule": "eq17",
     "efield_v_per_m": 1e5, "e_direction": [-0.8, 0.6, 0.0], "m": [0.0, 0.0, 1.0], "ms_a_per_m": 1e6,
     "thickness_nm": 1.0, "width_nm": 40.0},
]

#: heavy-metal/ferromagnet cases (flags of ``rashba-diffusion bilayer``; FM lengths None: an ideal sink)
BILAYER_CASES = [
    {"name": "ideal_sink", "hm_thickness_nm": 3.0, "hm_lambda_nm": 1.4, "hm_sigma_s_per_m": 7e6, "theta_sh": 0.19,
     "interface": "mixing", "g_mix_real_s_per_m2": 5e14, "g_mix_imag_s_per_m2": 1e14, "j_a_per_m2": 1e11,
     "fm_thickness_nm": 1.0, "fm_sigma_s_per_m": None, "fm_lambda_j_nm": None, "fm_lambda_phi_nm": None,
     "fm_lambda_sf_nm": None, "ms_a_per_m": 1e6, "m": [0.0, 0.0, 1.0]},
    {"name": "finite_fm_mixing", "hm_thickness_nm": 2.0, "hm_lambda_nm": 1.4, "hm_sigma_s_per_m": 7e6,
     "theta_sh": -0.1, "interface": "mixing", "g_mix_real_s_per_m2": 3e14, "g_mix_imag_s_per_m2": 4e14,
     "j_a_per_m2": 2e11, "fm_thickness_nm": 2.0, "fm_sigma_s_per_m": 2e7, "fm_lambda_j_nm": 1.0,
     "fm_lambda_phi_nm": 1.5, "fm_lambda_sf_nm": 5.0, "ms_a_per_m": 1.4e6, "m": [0.48, 0.6, 0.64]},
    {"name": "finite_fm_continuous", "hm_thickness_nm": 4.0, "hm_lambda_nm": 1.2, "hm_sigma_s_per_m": 5e6,
     "theta_sh": 0.3, "interface": "continuous", "g_mix_real_s_per_m2": 0.0, "g_mix_imag_s_per_m2": 0.0,
     "j_a_per_m2": 1e11, "fm_thickness_nm": 1.5, "fm_sigma_s_per_m": 4e6, "fm_lambda_j_nm": 0.8,
     "fm_lambda_phi_nm": 1.0, "fm_lambda_sf_nm": 3.0, "ms_a_per_m": 8e5, "m": [0.6, 0.0, 0.8]},
]

RULES = ("hamiltonian", "eq17", "eq38")


# ---------------------------------------------------------------------------------------------- Rashba film
def film_si(case: dict, rule: str | None = None) -> dict:
    """The material in SI and the coefficients of Eq. 15 (docs/model.md §1), every (4ς²+1) factor kept."""
    alpha = case["alpha_ev_nm"] * EV * 1e-9  # J m
    tau = case["tau_s"]
    kf = case["kf_per_nm"] * 1e9  # 1/m
    mass = case["mass_ratio"] * M_E
    delta = case["delta_xc_ev"] * EV if "delta_xc_ev" in case else HBAR / case["tau_delta_s"]  # J
    eps_f = HBAR**2 * kf**2 / (2.0 * mass)
    v_f = HBAR * kf / mass
    rate_a = alpha * kf / HBAR  # αkF/ħ, 1/s
    rate_d = delta / HBAR  # Δxc/ħ, 1/s
    vel_a = alpha / HBAR  # α/ħ, m/s
    varsigma2 = (rate_d**2 / 4.0 + rate_a**2) * tau**2
    q = 4.0 * varsigma2 + 1.0
    rule = rule or case["polarization_rule"]
    pf = {"hamiltonian": -delta / (4.0 * eps_f), "eq17": delta / eps_f, "eq38": delta / (2.0 * eps_f)}[rule]
    return {
        "D_m2_per_s": tau * v_f**2 / 2.0,
        "B_m_per_s": 2.0 * vel_a * rate_a**2 * tau**2 / q,
        "C_m_per_s": rate_a * v_f * tau / q**2,
        "Gamma_m_per_s": rate_a * rate_d * v_f * tau**2 / (2.0 * q**2),
        "R_m_per_s": vel_a * rate_d**2 * tau**2 / (2.0 * q),
        "inv_tau_dp_per_s": 2.0 * rate_a**2 * tau / q,
        "inv_tau_phi_per_s": rate_d**2 * tau / q,
        "inv_tau_delta_per_s": rate_d if case["precession_rule"] == "eq17" else rate_d / q,
        "inv_tau_sf_per_s": 0.0 if math.isinf(case["tau_sf_s"]) else 1.0 / case["tau_sf_s"],
        "NF_per_J_m2": mass / (math.pi * HBAR**2),
        "PF": pf,
        "eps_F_J": eps_f,
        "v_F_m_per_s": v_f,
        "n_per_m2": kf**2 / (2.0 * math.pi),
        "varsigma2": varsigma2,
        # the charge equation's couplings (docs/model.md §9 item 5: projected 4B, 8R; no Γ on ν)
        "k_B": 4.0,
        "k_R": 8.0,
    }


def cross(a, b) -> np.ndarray:
    return np.array([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]])


def relaxation(c: dict, m: np.ndarray, s: np.ndarray) -> np.ndarray:
    """The left side of Eq. 26 applied to s: s/τsf + (s + s_z ẑ)/τdp + (1/τΔ) s×m + (1/τφ) m×(s×m)."""
    return (c["inv_tau_sf_per_s"] * s + c["inv_tau_dp_per_s"] * (s + s[2] * Z_HAT)
            + c["inv_tau_delta_per_s"] * cross(s, m) + c["inv_tau_phi_per_s"] * cross(m, cross(s, m)))


def operator_matrix(apply, n: int = 3) -> np.ndarray:
    """The matrix of a linear map, column by column: column j = apply(e_j)."""
    return np.column_stack([apply(np.eye(n)[j]) for j in range(n)])


def cramer3(M: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve a 3×3 system by Cramer's rule (determinants as triple products of the columns)."""
    def det(a, b_, c_):
        return float(np.dot(a, cross(b_, c_)))

    c0, c1, c2 = M[:, 0], M[:, 1], M[:, 2]
    d = det(c0, c1, c2)
    return np.array([det(b, c1, c2), det(c0, b, c2), det(c0, c1, b)]) / d


def field_vector(case: dict) -> np.ndarray:
    """eE (J/m): the force on a unit charge e in the field E Ê."""
    e_dir = np.asarray(case["e_direction"], float)
    return E_CHARGE * case["efield_v_per_m"] * e_dir / np.linalg.norm(e_dir)


def unit(v) -> np.ndarray:
    v = np.asarray(v, float)
    return v / np.linalg.norm(v)


def source_x(c: dict, m: np.ndarray, ee: np.ndarray) -> np.ndarray:
    """Eq. 33: X = NF [B u + 2C PF u×m + 2R (m·u) m + Γ PF m×(u×m)], u = ẑ×(eE); 1/(m² s)."""
    u = cross(Z_HAT, ee)
    return c["NF_per_J_m2"] * (c["B_m_per_s"] * u + 2.0 * c["C_m_per_s"] * c["PF"] * cross(u, m)
                               + 2.0 * c["R_m_per_s"] * np.dot(m, u) * m
                               + c["Gamma_m_per_s"] * c["PF"] * cross(m, cross(u, m)))


def torque(c: dict, m: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Eq. 24: T = −(1/τΔ) m×δS + (1/τφ) δS, δS = s − (s·m)m (1/(m² s) for s in 1/m²)."""
    ds = s - np.dot(s, m) * m
    return -c["inv_tau_delta_per_s"] * cross(m, ds) + c["inv_tau_phi_per_s"] * ds


def split(t: np.ndarray, m: np.ndarray, u: np.ndarray) -> tuple[float, float]:
    """(T⊥, T∥) with T = T⊥ u×m + T∥ m×(u×m)."""
    fl = cross(u, m)
    dl = cross(m, fl)
    n2 = float(np.dot(fl, fl))
    return float(np.dot(t, fl)) / n2, float(np.dot(t, dl)) / n2


def torques_si(c: dict, case: dict, s: np.ndarray) -> dict:
    """ħT⊥, ħT∥ in J/m² and the film's effective fields B = −ħT/(Ms t) in T (docs/model.md §7)."""
    m = unit(case["m"])
    u = cross(Z_HAT, unit(case["e_direction"]))
    t_perp, t_par = split(torque(c, m, s), m, u)
    ms_t = case["ms_a_per_m"] * case["thickness_nm"] * 1e-9
    return {"T_perp_J_per_m2": HBAR * t_perp, "T_par_J_per_m2": HBAR * t_par,
            "B_FL_T": -HBAR * t_perp / ms_t, "B_DL_T": -HBAR * t_par / ms_t}


def bulk(case: dict) -> dict:
    """The open infinite medium: Eq. 26, M s = X."""
    c = film_si(case)
    m = unit(case["m"])
    M = operator_matrix(lambda v: relaxation(c, m, v))
    s = cramer3(M, source_x(c, m, field_vector(case)))
    return {"s_hbar_per_m2": s.tolist(), **torques_si(c, case, s)}


def hall_free_rows(c: dict, m: np.ndarray, ee: np.ndarray):
    """The interior of a wire along x̂ (edges ⟂ ŷ): ∇ν = g ŷ and no particle current along ŷ.

    Spin (Eq. 17): B ẑ×∇ν + 2R (m·(ẑ×∇ν)) m add to the source, so M s − g [B ẑ×ŷ + 2R (m·(ẑ×ŷ)) m] = X.
    Charge (Eq. 16 as −∇·j): j = −D(∇ν + NF eE) − k_B B s×ẑ − k_R R (s·m) m×ẑ, and j·ŷ = 0 reads
    −D g − D NF eE_y + k_B B s_x + k_R R m_x (s·m) = 0.
    """
    zy = cross(Z_HAT, Y_HAT)
    spin_g = c["B_m_per_s"] * zy + 2.0 * c["R_m_per_s"] * np.dot(m, zy) * m
    charge_s = c["k_B"] * c["B_m_per_s"] * X_HAT + c["k_R"] * c["R_m_per_s"] * m[0] * m
    return spin_g, charge_s, c["D_m2_per_s"] * c["NF_per_J_m2"] * ee[1]


def bulk_hall_free(case: dict) -> dict:
    c = film_si(case)
    m = unit(case["m"])
    ee = field_vector(case)
    spin_g, charge_s, rhs_charge = hall_free_rows(c, m, ee)
    K = np.zeros((4, 4))
    K[:3, :3] = operator_matrix(lambda v: relaxation(c, m, v))
    K[:3, 3] = -spin_g
    K[3, :3] = charge_s
    K[3, 3] = -c["D_m2_per_s"]
    sol = np.linalg.solve(K, np.concatenate([source_x(c, m, ee), [rhs_charge]]))
    return {"s_hbar_per_m2": sol[:3].tolist(), "grad_nu_per_m3": float(sol[3]), **torques_si(c, case, sol[:3])}


def weak_coupling(case: dict) -> dict:
    """Eqs. 36-37 (τdp → ∞, B = R = 0), Sec. III's rates: ξ = τΔ(1/τsf + 1/τφ), β = τΔ/τsf."""
    c = film_si(case)
    tau_d = 1.0 / c["inv_tau_delta_per_s"]
    xi = tau_d * (c["inv_tau_sf_per_s"] + c["inv_tau_phi_per_s"])
    bt = tau_d * c["inv_tau_sf_per_s"] / (1.0 + xi**2)
    pre = E_CHARGE * case["efield_v_per_m"] * c["PF"] * c["NF_per_J_m2"]
    t_perp = pre * (2.0 * (1.0 - xi * bt) * c["C_m_per_s"] + bt * c["Gamma_m_per_s"])
    t_par = pre * ((1.0 - xi * bt) * c["Gamma_m_per_s"] - 2.0 * bt * c["C_m_per_s"])
    return {"T_perp_J_per_m2": HBAR * t_perp, "T_par_J_per_m2": HBAR * t_par}


def perpendicular_closed_form(case: dict) -> dict:
    """m = ẑ, any in-plane Ê, with D'yakonov-Perel relaxation, exact.

    For m = ẑ the source X is in plane and the relaxation restricted to the plane is isotropic, a = 1/τsf + 1/τdp
    + 1/τφ, plus the precession b = 1/τΔ; so T = (1 − ξβ̃) X − β̃ m×X with ξ = a τΔ, β = τΔ(1/τsf + 1/τdp)
    (Sec. IV's rates), and X = NF eE [(B + Γ PF) û + 2C PF û×m]; with û×m the field-like and
    m×(û×m) = û the damping-like direction:
    T⊥ = NF eE [2(1 − ξβ̃) C PF + β̃ (B + Γ PF)],  T∥ = NF eE [(1 − ξβ̃)(B + Γ PF) − 2β̃ C PF].
    """
    c = film_si(case)
    tau_d = 1.0 / c["inv_tau_delta_per_s"]
    relax = c["inv_tau_sf_per_s"] + c["inv_tau_dp_per_s"]
    xi = tau_d * (relax + c["inv_tau_phi_per_s"])
    bt = tau_d * relax / (1.0 + xi**2)
    ee = E_CHARGE * case["efield_v_per_m"]
    b_g = c["B_m_per_s"] + c["Gamma_m_per_s"] * c["PF"]
    c_p = c["C_m_per_s"] * c["PF"]
    t_perp = c["NF_per_J_m2"] * ee * (2.0 * (1.0 - xi * bt) * c_p + bt * b_g)
    t_par = c["NF_per_J_m2"] * ee * ((1.0 - xi * bt) * b_g - 2.0 * bt * c_p)
    return {"T_perp_J_per_m2": HBAR * t_perp, "T_par_J_per_m2": HBAR * t_par}


def _exp_integral(lam: complex, a: float, b: float, shift: float) -> complex:
    """∫_a^b exp(λ(t − shift)) dt."""
    return (np.exp(lam * (b - shift)) - np.exp(lam * (a - shift))) / lam


def _t_exp_integral(lam: complex, a: float, b: float, shift: float) -> complex:
    """∫_a^b t exp(λ(t − shift)) dt."""
    def prim(t):
        return np.exp(lam * (t - shift)) * (t / lam - 1.0 / lam**2)

    return prim(b) - prim(a)


def wire_cross_section(case: dict) -> dict:
    """The 1D cross-section of a wire along x̂, exact.

    Only ∂_y acts; ∇z = ẑ×∇ = −x̂ ∂_y.  The charge equation −∇·j = 0 with j·ŷ = 0 at the insulating edges gives
    j_y ≡ 0, i.e. ν' = −NF eE_y + (k_B B s_x + k_R R m_x (s·m))/D.  Eq. 17 with uniform m then reads

        D s'' − 2C x̂×s' − Γ[m×(x̂×s') + x̂×(m×s')] − M s − (B x̂ + 2R m_x m) ν' + X = 0,

    a constant-coefficient ODE for s with s(0) = s(W) = 0.  Its uniform particular solution is the Hall-free bulk;
    the homogeneous part is a sum of exponentials (eigenvalues λ of the first-order 6×6 system), each anchored at
    the edge it decays from so that no exponential exceeds 1.  ν follows from ν' and ∫ν dy = 0.
    """
    c = film_si(case)
    m = unit(case["m"])
    ee = field_vector(case)
    W = case["width_nm"] * 1e-9
    D = c["D_m2_per_s"]
    u = cross(Z_HAT, unit(case["e_direction"]))
    couple = c["B_m_per_s"] * X_HAT + 2.0 * c["R_m_per_s"] * m[0] * m  # what ν' drives in the spin equation
    charge_s = (c["k_B"] * c["B_m_per_s"] * X_HAT + c["k_R"] * c["R_m_per_s"] * m[0] * m) / D  # ν' per s

    def first_order(v):  # the s' terms of the spin equation
        return -2.0 * c["C_m_per_s"] * cross(X_HAT, v) - c["Gamma_m_per_s"] * (
            cross(m, cross(X_HAT, v)) + cross(X_HAT, cross(m, v)))

    P = operator_matrix(first_order)
    K = operator_matrix(lambda v: relaxation(c, m, v)) + np.outer(couple, charge_s)
    rhs = source_x(c, m, ee) + couple * c["NF_per_J_m2"] * ee[1]
    s_p = np.linalg.solve(K, rhs)  # the uniform (Hall-free) solution
    # D s'' + P s' − K s = 0  ->  (s, s')' = A (s, s')
    A = np.zeros((6, 6))
    A[:3, 3:] = np.eye(3)
    A[3:, :3] = K / D
    A[3:, 3:] = -P / D
    lam, vec = np.linalg.eig(A)
    scale = np.max(np.abs(lam))
    if np.linalg.norm(A @ vec - vec * lam) > 1e-10 * scale * np.linalg.norm(vec):
        raise RuntimeError("eigen-decomposition inaccurate")
    anchor = np.where(lam.real < 0, 0.0, W)  # each mode is ≤ 1 in magnitude on [0, W]
    phi0 = vec[:3] * np.exp(lam * (0.0 - anchor))
    phiW = vec[:3] * np.exp(lam * (W - anchor))
    coef = np.linalg.solve(np.vstack([phi0, phiW]), np.concatenate([-s_p, -s_p]).astype(complex))

    def s_at(y):
        return (s_p + (vec[:3] * np.exp(lam * (y - anchor))) @ coef).real

    def ds_at(y, order=1):
        return ((vec[:3] * lam**order * np.exp(lam * (y - anchor))) @ coef).real

    # the ODE, residual and boundary values: the solution is what it claims to be
    for y in np.linspace(0.0, W, 7):
        res = D * ds_at(y, 2) + P @ ds_at(y) - K @ s_at(y) + rhs
        if np.linalg.norm(res) > 1e-9 * np.linalg.norm(rhs):
            raise RuntimeError(f"ODE residual {np.linalg.norm(res) / np.linalg.norm(rhs):.2e} at y = {y}")
    if max(np.linalg.norm(s_at(0.0)), np.linalg.norm(s_at(W))) > 1e-12 * np.linalg.norm(s_p):
        raise RuntimeError("boundary values not zero")

    ints = np.array([_exp_integral(lam_k, 0.0, W, a_k) for lam_k, a_k in zip(lam, anchor, strict=True)])
    s_avg = s_p + ((vec[:3] * ints) @ coef).real / W
    t_avg = torques_si(c, case, s_avg)
    centre = s_at(W / 2)

    # ν(y) = ν(0) + ∫_0^y ν' with ∫_0^W ν = 0: ∫_0^W ν = W ν(0) + ∫_0^W (W − t) ν'(t) dt
    def int_s(a, b):
        ii = np.array([_exp_integral(lam_k, a, b, a_k) for lam_k, a_k in zip(lam, anchor, strict=True)])
        return s_p * (b - a) + ((vec[:3] * ii) @ coef).real

    nu_prime_const = -c["NF_per_J_m2"] * ee[1]
    t_int = np.array([_t_exp_integral(lam_k, 0.0, W, a_k) for lam_k, a_k in zip(lam, anchor, strict=True)])
    int_t_s = s_p * W**2 / 2 + ((vec[:3] * t_int) @ coef).real  # ∫ t s dt
    int_w_minus_t_nu_prime = nu_prime_const * W**2 / 2 + charge_s @ (W * int_s(0.0, W) - int_t_s)
    nu0 = -int_w_minus_t_nu_prime / W

    def nu_at(y):
        return nu0 + nu_prime_const * y + charge_s @ int_s(0.0, y)

    fl, dl = cross(u, m), cross(m, cross(u, m))
    t_centre = torque(c, m, centre)
    return {
        "T_perp_J_per_m2": t_avg["T_perp_J_per_m2"], "T_par_J_per_m2": t_avg["T_par_J_per_m2"],
        "B_FL_T": t_avg["B_FL_T"], "B_DL_T": t_avg["B_DL_T"],
        "s_average_hbar_per_m2": s_avg.tolist(),
        "s_centre_hbar_per_m2": centre.tolist(),
        "nu_centre_per_m2": float(nu_at(W / 2)),
        "nu_quarter_per_m2": float(nu_at(W / 4)),
        "T_perp_centre_J_per_m2": HBAR * float(t_centre @ fl) / float(fl @ fl),
        "T_par_centre_J_per_m2": HBAR * float(t_centre @ dl) / float(fl @ fl),
    }


# ---------------------------------------------------------------------------------------------- bilayer
def bilayer_1d(case: dict) -> dict:
    """The HM/FM bilayer in 1D (z), from the ODEs of docs/model.md §11.2 and the interface laws of §11.3.

    V = μ_s/e in volts, spin current j(z) = −(σ/2) V' + J0 (A/m², the 2e/ħ convention), J0 = θ_SH j_N σ̂ (σ̂ = ŷ,
    flowing along +ẑ) in the HM only.  HM (−d_N ≤ z ≤ 0): V'' = V/λ_N², j(−d_N) = 0.  FM (0 ≤ z ≤ d_F):
    V'' = L(V) = V/λsf² + V×m/λJ² + m×(V×m)/λφ², j(d_F) = 0, solved with the 6×6 matrix exponential.
    Interface: mixing j(0⁻) = j(0⁺) = Re G m×(ΔV×m) + Im G ΔV×m (ΔV = V_N − V_F; V_F ≡ 0 for an ideal sink), or
    continuous V and j.  Torque per area: ideal sink (ħ/2e) j_abs; finite FM (ħ/2e)(σ_F/2)∫[V×m/λJ² +
    m×(V×m)/λφ²] dz.  T = T_DL m×(σ̂×m) + T_FL σ̂×m, ξ = T/((ħ/2e) j_N), B = T/(Ms d_F).
    """
    m = unit(case["m"])
    sig = Y_HAT
    lam_n = case["hm_lambda_nm"] * 1e-9
    d_n = case["hm_thickness_nm"] * 1e-9
    s_n = case["hm_sigma_s_per_m"]
    j0 = case["theta_sh"] * case["j_a_per_m2"]
    gr, gi = case["g_mix_real_s_per_m2"], case["g_mix_imag_s_per_m2"]
    ideal = all(case[k] is None for k in ("fm_lambda_j_nm", "fm_lambda_phi_nm", "fm_lambda_sf_nm"))

    def mixing(v):
        return gr * cross(m, cross(v, m)) + gi * cross(v, m)

    G = operator_matrix(mixing)
    # HM: V(z) = cosh(u) a + sinh(u) b, u = (z + d_N)/λ_N; the bottom condition fixes b
    b = 2.0 * lam_n * j0 * sig / s_n
    ch, sh = math.cosh(d_n / lam_n), math.sinh(d_n / lam_n)
    # at 0⁻ as functions of the unknown a: V_N = ch a + sh b, j_N = −(σ_N/2λ_N)(sh a + ch b) + j0 σ̂
    VN_a, VN_0 = ch * np.eye(3), sh * b
    jN_a, jN_0 = -(s_n / (2 * lam_n)) * sh * np.eye(3), -(s_n / (2 * lam_n)) * ch * b + j0 * sig
    hbar_2e = HBAR / (2.0 * E_CHARGE)
    if ideal:
        # j_N(0) = G V_N(0)
        a = np.linalg.solve(jN_a - G @ VN_a, G @ VN_0 - jN_0)
        t_vec = hbar_2e * G @ (VN_a @ a + VN_0)
    else:
        s_f = case["fm_sigma_s_per_m"] or s_n
        d_f = case["fm_thickness_nm"] * 1e-9
        inv = {k: 0.0 if case[f"fm_lambda_{k}_nm"] in (None, math.inf) else 1.0 / (case[f"fm_lambda_{k}_nm"] * 1e-9)**2
               for k in ("sf", "j", "phi")}

        def loss(v, keys=("sf", "j", "phi")):
            parts = {"sf": v, "j": cross(v, m), "phi": cross(m, cross(v, m))}
            return sum(inv[k] * parts[k] for k in keys)

        KF = operator_matrix(loss)
        A = np.zeros((6, 6))
        A[:3, 3:] = np.eye(3)
        A[3:, :3] = KF
        E = expm(A * d_f)  # (V, V')(d_F) = E (V, V')(0)
        aug = np.zeros((12, 12))
        aug[:6, :6] = A * d_f
        aug[:6, 6:] = np.eye(6) * d_f
        int_e = expm(aug)[:6, 6:]  # ∫_0^{d_F} exp(A z) dz
        # unknowns x = (a, V_F(0), V_F'(0)); j_F(0) = −(σ_F/2) V_F'(0)
        rows, rhs = [], []
        rows.append(np.hstack([np.zeros((3, 3)), E[3:, :3], E[3:, 3:]]))
        rhs.append(np.zeros(3))  # V_F'(d_F) = E[3:, :3] V_F(0) + E[3:, 3:] V_F'(0) = 0
        if case["interface"] == "continuous":
            rows.append(np.hstack([VN_a, -np.eye(3), np.zeros((3, 3))]))
            rhs.append(-VN_0)  # V_N(0) = V_F(0)
            rows.append(np.hstack([jN_a, np.zeros((3, 3)), (s_f / 2) * np.eye(3)]))
            rhs.append(-jN_0)  # j_N(0) = j_F(0)
        else:
            rows.append(np.hstack([jN_a - G @ VN_a, G, np.zeros((3, 3))]))
            rhs.append(G @ VN_0 - jN_0)  # j_N(0) = G (V_N − V_F)
            rows.append(np.hstack([-G @ VN_a, G, -(s_f / 2) * np.eye(3)]))
            rhs.append(G @ VN_0)  # j_F(0) = G (V_N − V_F)
        x = np.linalg.solve(np.vstack(rows), np.concatenate(rhs))
        int_v = (int_e @ x[3:])[:3]  # ∫ V_F dz
        t_vec = hbar_2e * (s_f / 2) * loss(int_v, ("j", "phi"))
    dl, fl = cross(m, cross(sig, m)), cross(sig, m)
    n2 = float(fl @ fl)
    t_dl, t_fl = float(t_vec @ dl) / n2, float(t_vec @ fl) / n2
    to_xi = 1.0 / (hbar_2e * case["j_a_per_m2"])
    ms_d = case["ms_a_per_m"] * case["fm_thickness_nm"] * 1e-9
    return {"xi_DL": t_dl * to_xi, "xi_FL": t_fl * to_xi, "T_DL_J_per_m2": t_dl, "T_FL_J_per_m2": t_fl,
            "T_vector_J_per_m2": t_vec.tolist(), "B_DL_T": t_dl / ms_d, "B_FL_T": t_fl / ms_d}


# ---------------------------------------------------------------------------------------------- fixture
def compute() -> dict:
    films = []
    for case in FILM_CASES:
        entry = {"inputs": case,
                 "coefficients_si": {rule: film_si(case, rule) for rule in RULES},
                 "bulk": bulk(case),
                 "bulk_hall_free": bulk_hall_free(case),
                 "weak_coupling_eq36_37": weak_coupling(case),
                 "wire_1d": wire_cross_section(case)}
        if np.allclose(unit(case["m"]), Z_HAT):
            entry["perpendicular_closed_form"] = perpendicular_closed_form(case)
        films.append(entry)
    bilayers = [{"inputs": case, "result": bilayer_1d(case)} for case in BILAYER_CASES]
    return {"generator": "tests/reference/independent_si.py",
            "constants": {"hbar_J_s": HBAR, "e_C": E_CHARGE, "m_e_kg": M_E},
            "film_cases": films, "bilayer_cases": bilayers}


def main() -> None:
    FIXTURE.write_text(json.dumps(compute(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {FIXTURE}")


if __name__ == "__main__":
    main()
