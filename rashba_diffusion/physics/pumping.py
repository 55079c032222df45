"""Spin pumping, charge pumping and damping of a precessing magnetization (paper Sec. VI).

numpy/scipy only (the ``physics/`` layer).  The derivations are in
``docs/model.md`` §12; this module implements them:

* the equilibrium spin density s0 = n PF of the film's polarization rule
  (``Coefficients.s0_per_nm2``; the default ``"hamiltonian"`` is S0 = −nΔxc/(4εF) m,
  the sign and size that follow from H ∋ +(Δxc/2)σ·m) and its check against the
  Stoner bands of the Hamiltonian (:func:`band_equilibrium_spin_per_nm2`);
* :class:`PumpingModel` (the coefficients of Eqs. 15-17 plus s0, optionally
  the paper's Sec. VI assumptions) and :class:`Precession` (a prescribed
  m(x, t) = cosθ n̂ + sinθ(cosφ e1 + sinφ e2), φ = ωt − kx, turning about n̂ in
  the sense of free precession);
* :func:`solve_periodic`: the exact periodic state of the linear-response
  equations (every term of Eqs. 16-17 in the package's flux form, relaxation
  acting on δS only, source −s0 ∂t m) for any m that depends on x and t only
  through ψ = ωt − kx, by a Fourier spectral method in ψ;
* :func:`rotating_frame_solution`: the closed 3x3 rotating-frame problem for
  precession about ẑ (uniform, or a helix at α = 0), an independent reference;
* the corrected Eqs. 43, 44, 46, 47 (``eq43_*`` ... ``eq47_*``), the Gilbert
  enhancement Δα = −γħ s0 b/(Ms t) and the γ renormalization.

Units are internal (nm, fs, eV; spin densities in ħ/nm², rates in 1/fs);
attributes and keys named ``*_hbar_per_m2``, ``*_a_per_m`` are SI.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy import constants as sc
from scipy import optimize

from ..errors import ParameterError
from ..units import FS, FS_PER_PS, GAMMA_E_RAD_PER_S_T, HBAR2_OVER_2ME_EV_NM2, NM
from ..validation import check_finite, check_length, check_magnitude, check_positive, unit_vector
from .bulk import relaxation_matrix
from .llg import MAX_GAMMA_RAD_PER_S_T, MAX_MS_A_PER_M
from .rashba import LLG_TORQUE_SIGN, Coefficients, Film
from .torque import torque_from_spin
from .vectors import Z_HAT, cross

# --- constants ------------------------------------------------------------------
#: a frequency in GHz times this is an angular frequency in rad/fs
GHZ_TO_RAD_PER_FS = 2.0 * math.pi * 1e9 * FS
#: ħ/nm² -> ħ/m²
PER_NM2_TO_PER_M2 = 1.0 / NM**2
#: a particle sheet current in 1/(nm·fs) times this is an electric sheet current in A/m
#: (electrons carry −e: the caller multiplies by −1)
PARTICLE_SHEET_CURRENT_TO_A_PER_M = sc.elementary_charge / (NM * FS)
#: the precession axis counts as ẑ (rotating-frame solution) within this
AXIS_TOLERANCE = 1e-12
Y_HAT = np.array([0.0, 1.0, 0.0])

Texture = Literal["uniform", "helix"]
TEXTURES = ("uniform", "helix")


class ConvergenceError(RuntimeError):
    """The Fourier truncation did not reach the requested tolerance."""


# --- small vector helpers ------------------------------------------------------------
def _cross_matrix(v: np.ndarray) -> np.ndarray:
    """[v]x for v of shape (3,) or (3, N): returns (3, 3) or (N, 3, 3) with [v]x a = v × a."""
    v = np.asarray(v, dtype=float)
    z = np.zeros_like(v[0])
    out = np.array([[z, -v[2], v[1]], [v[2], z, -v[0]], [-v[1], v[0], z]])
    return out if v.ndim == 1 else np.moveaxis(out, -1, 0)


def _transverse(v: np.ndarray, m: np.ndarray) -> np.ndarray:
    """v − (v·m) m, shapes (3,) or (3, N)."""
    return v - np.sum(v * m, axis=0) * m


# --- equilibrium spin (docs/model.md §9 item 11) ----------------------------------------
def band_equilibrium_spin_per_nm2(
    film: Film, m, *, n_angles: int = 256, n_radial: int = 192
) -> np.ndarray:
    """The T = 0 equilibrium spin density of H = ħ²k²/2m* + α σ·(k×ẑ) + (Δxc/2) σ·m.

    An independent check of the polarization rule (docs/model.md §9 item 11): the
    two bands are filled up to the chemical potential μ that gives the
    density n = kF²/2π, and S = ½ Σ_bands ∫ d²k/(2π)² ⟨σ⟩ (S in units of ħ,
    ρ = n/2 + S·σ).  Band ± has energy ħ²k²/2m* ± |h(k)| and spin ⟨σ⟩ = ±ĥ,
    h = αk(k̂×ẑ) + (Δxc/2)m.  Angular integral by the trapezoid rule
    (periodic), radial integral by Gauss-Legendre up to each band's Fermi
    radius (found by Newton's method), μ by Brent's method.

    Parameters
    ----------
    film
        The material (α, kF, Δxc, m*).
    m
        Unit magnetization.
    n_angles, n_radial
        Quadrature nodes (defaults converge to ~1e-12 for the paper's film).

    Returns
    -------
    numpy.ndarray
        S in ħ/nm², shape (3,).  At α = 0 it equals −nΔxc/(4εF) m exactly.
    """
    m = np.asarray(unit_vector("m", m))
    c2 = HBAR2_OVER_2ME_EV_NM2 / film.mass_ratio
    alpha, delta, kf = film.alpha_ev_nm, film.exchange_ev, film.kf_per_nm
    n_target = kf**2 / (2.0 * math.pi)
    phi = 2.0 * math.pi * np.arange(n_angles) / n_angles
    khat = np.array([np.cos(phi), np.sin(phi), np.zeros_like(phi)])
    a_vec = alpha * cross(khat, Z_HAT[:, None])  # h = k a + b
    b_vec = 0.5 * delta * m
    aa = np.sum(a_vec * a_vec, axis=0)
    ab = np.sum(a_vec * b_vec[:, None], axis=0)
    bb = float(b_vec @ b_vec)

    def hnorm(k):
        return np.sqrt(np.maximum(k * k * aa + 2.0 * k * ab + bb, 0.0))

    def fermi_radius(mu: float, sign: float) -> np.ndarray:
        k = np.full(n_angles, math.sqrt(max(mu - sign * 0.5 * delta, 1e-12) / c2))
        for _ in range(100):
            h = hnorm(k)
            f = c2 * k * k + sign * h - mu
            df = 2.0 * c2 * k + sign * (k * aa + ab) / np.where(h > 0, h, 1.0)
            step = f / df
            k = k - step
            if np.max(np.abs(step)) < 1e-15 * kf:
                break
        return k

    def density(mu: float) -> float:
        return sum(np.mean(fermi_radius(mu, s) ** 2) / (4.0 * math.pi) for s in (1.0, -1.0))

    eps_f = c2 * kf**2
    mu = optimize.brentq(lambda x: density(x) - n_target, 0.25 * eps_f, 4.0 * eps_f, xtol=1e-15, rtol=1e-15)
    xg, wg = np.polynomial.legendre.leggauss(n_radial)
    spin = np.zeros(3)
    for sign in (1.0, -1.0):
        kb = fermi_radius(mu, sign)  # (n_angles,)
        k = 0.5 * kb[None, :] * (xg[:, None] + 1.0)  # (n_radial, n_angles)
        h = k[None] * a_vec[:, None, :] + b_vec[:, None, None]
        hhat = h / np.linalg.norm(h, axis=0)
        radial = np.sum(wg[None, :, None] * k[None] * hhat, axis=1) * 0.5 * kb[None, :]
        # ∫d²k/(2π)² = (1/(2π)²) ∫dφ ∫k dk;  S = ½ Σ ±ĥ
        spin += 0.5 * sign * np.mean(radial, axis=1) * (2.0 * math.pi) / (2.0 * math.pi) ** 2
    return spin


# --- the model ---------------------------------------------------------------------
def sec6_coefficients(c: Coefficients) -> Coefficients:
    """The paper's Sec. VI assumptions: no D'yakonov-Perel relaxation, B = Γ = R = 0.

    C, D, τΔ, τφ and τsf are kept.  docs/model.md §9 item 15 and
    docs/model.md §12.6 explain why dropping DP is unsafe (negative
    damping of spin waves with κ ≳ 5e7 1/m for the paper's film).
    """
    return dataclasses.replace(c, inv_tau_dp=0.0, B=0.0, Gamma=0.0, R=0.0)


@dataclass(frozen=True)
class PumpingModel:
    """What the pumping equations need: the coefficients of Eqs. 15-17 and s0.

    Parameters
    ----------
    coefficients
        Coefficients in internal units (nm, fs, eV); terms may be switched
        off by replacing fields (:meth:`with_coefficients`).
    s0_per_nm2
        Equilibrium spin density along m, ħ/nm² (S0 = s0 m; negative for the
        ``"hamiltonian"`` rule).
    polarization_rule, sec6_model
        How the model was built (reported with the results): the film's polarization rule (``"override"``
        for an explicit ``polarization``) and whether the Sec. VI assumptions apply.
    """

    coefficients: Coefficients
    s0_per_nm2: float
    polarization_rule: str = "hamiltonian"
    sec6_model: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.coefficients, Coefficients):
            raise ParameterError(f"coefficients = {self.coefficients!r}: must be a Coefficients instance")
        object.__setattr__(self, "s0_per_nm2", check_finite("s0_per_nm2", self.s0_per_nm2, "ħ/nm²"))
        c = self.coefficients
        for name in ("D", "inv_tau_sf", "inv_tau_dp", "inv_tau_phi", "inv_tau_delta"):
            v = check_finite(name, getattr(c, name), "nm²/fs" if name == "D" else "1/fs")
            if v < 0:
                raise ParameterError(f"{name} = {v!r} is invalid; valid range: [0, inf)")
        if c.inv_tau_sf == 0.0 and c.inv_tau_dp == 0.0:
            # the longitudinal pumped spin (∝ ω²) would never relax: no periodic state
            raise ParameterError(
                "inv_tau_sf = 0 1/fs (tau_sf_s = inf) with inv_tau_dp = 0 1/fs: the longitudinal spin never "
                "relaxes and the periodic state does not exist; valid range: inv_tau_sf + inv_tau_dp > 0"
            )

    @classmethod
    def from_film(cls, film: Film, *, sec6_model: bool = False) -> PumpingModel:
        """The model of ``film``: its coefficients and s0 = n PF (its polarization rule or override), the full
        model with DP unless ``sec6_model``."""
        c = film.coefficients()
        rule = film.polarization_rule if film.polarization is None else "override"
        return cls(sec6_coefficients(c) if sec6_model else c, c.s0_per_nm2, rule, bool(sec6_model))

    def with_coefficients(self, **changes: float) -> PumpingModel:
        """A copy with some coefficients replaced (e.g. ``inv_tau_dp=0.0``)."""
        bad = set(changes) - {f.name for f in dataclasses.fields(Coefficients)}
        if bad:
            raise ParameterError(f"unknown coefficient(s) {sorted(bad)}; valid: fields of Coefficients")
        return dataclasses.replace(self, coefficients=dataclasses.replace(self.coefficients, **changes))

    @property
    def s0_hbar_per_m2(self) -> float:
        """s0 in ħ/m²."""
        return self.s0_per_nm2 * PER_NM2_TO_PER_M2


def isotropic_rates(c: Coefficients) -> tuple[float, float, float]:
    """(ξ, β, β̃) of Sec. III: ξ = τΔ(1/τsf + 1/τφ), β = τΔ/τsf, β̃ = β/(1 + ξ²).

    These are the parameters of the closed forms (Eqs. 25, 43-47), which
    assume isotropic relaxation; DP (``inv_tau_dp``) is ignored here.
    """
    tau_delta = 1.0 / c.inv_tau_delta
    xi = tau_delta * (c.inv_tau_sf + c.inv_tau_phi)
    beta = tau_delta * c.inv_tau_sf
    return xi, beta, beta / (1.0 + xi**2)


# --- the prescribed magnetization ----------------------------------------------------
def precession_basis(axis) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n̂, e1, e2) with e2 = n̂ × e1.

    e1 is the normalized projection onto the plane ⟂ n̂ of the cyclic
    successor of n̂'s largest component's axis (x → ŷ, y → ẑ, z → x̂; the
    first largest on ties): n̂ = ẑ gives (x̂, ŷ), n̂ = x̂ gives (ŷ, ẑ),
    n̂ = ŷ gives (ẑ, x̂).  Only the origin of the phase depends on this choice;
    none of the reported averages does.
    """
    n = np.asarray(unit_vector("axis", axis))
    i = int(np.argmax(np.abs(n)))
    w = np.zeros(3)
    w[(i + 1) % 3] = 1.0
    e1 = w - (w @ n) * n
    e1 /= np.linalg.norm(e1)
    return n, e1, np.cross(n, e1)


#: the valid ranges of the precession (docs/reliability.md, "Bounds"): far beyond FMR (GHz to a few THz) and
#: magnon wavevectors (a helix of 1 pm pitch), inside floating point with a wide margin
MAX_FREQUENCY_GHZ = 1e6
MAX_WAVEVECTOR_PER_NM = 1e4


@dataclass(frozen=True)
class Precession:
    """A prescribed precessing magnetization m(x, t) (a function of ψ = ωt − kx only).

    m = cosθ n̂ + sinθ (cosψ e1 + sinψ e2), e2 = n̂ × e1, ψ = ωt − kx, ω > 0,
    so ṁ = ω n̂ × m: m turns about n̂ counterclockwise, the sense of free
    precession ṁ = −γ m × B for B = (ω/γ) n̂ and γ > 0.

    Parameters
    ----------
    frequency_ghz
        f = ω/2π in GHz, > 0.
    cone_angle_deg
        θ, the angle between m and n̂, in degrees, 0 < θ < 180.
    axis
        Unit vector n̂ (default ẑ, the film normal).
    texture
        ``"uniform"`` (k = 0) or ``"helix"`` (a spiral with wavevector k x̂:
        a cycloid when n̂ ⟂ x̂, a proper helix when n̂ ∥ x̂).
    wavevector_per_nm
        k in 1/nm (any sign; only with ``texture="helix"``).
    """

    frequency_ghz: float
    cone_angle_deg: float = 30.0
    axis: tuple[float, float, float] = (0.0, 0.0, 1.0)
    texture: Texture = "uniform"
    wavevector_per_nm: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "frequency_ghz", check_positive("frequency_ghz", self.frequency_ghz, "GHz",
                                                                 upper=MAX_FREQUENCY_GHZ))
        theta = check_finite("cone_angle_deg", self.cone_angle_deg, "deg")
        if not 0.0 < theta < 180.0:
            raise ParameterError(f"cone_angle_deg = {self.cone_angle_deg!r} deg is invalid; valid range: (0, 180)")
        object.__setattr__(self, "cone_angle_deg", theta)
        object.__setattr__(self, "axis", unit_vector("axis", self.axis))
        if self.texture not in TEXTURES:
            raise ParameterError(f"texture = {self.texture!r} is invalid; valid values: {TEXTURES}")
        k = check_magnitude("wavevector_per_nm", self.wavevector_per_nm, "1/nm", MAX_WAVEVECTOR_PER_NM)
        if k != 0.0 and self.texture != "helix":
            raise ParameterError(
                f"wavevector_per_nm = {k!r} 1/nm is invalid with texture = {self.texture!r}; "
                "valid range: 0 (a wavevector needs texture = 'helix')"
            )
        object.__setattr__(self, "wavevector_per_nm", k)

    @property
    def omega_per_fs(self) -> float:
        """ω in rad/fs."""
        return self.frequency_ghz * GHZ_TO_RAD_PER_FS

    @property
    def theta_rad(self) -> float:
        """The cone angle θ in rad."""
        return math.radians(self.cone_angle_deg)

    @property
    def period_fs(self) -> float:
        """2π/ω in fs."""
        return 2.0 * math.pi / self.omega_per_fs

    @property
    def period_ps(self) -> float:
        """2π/ω in ps."""
        return self.period_fs / FS_PER_PS

    @functools.cached_property
    def basis(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(n̂, e1, e2), see :func:`precession_basis` (computed once)."""
        return precession_basis(self.axis)

    def phase(self, x_nm, t_fs) -> np.ndarray:
        """ψ = ωt − kx (rad)."""
        t, x = np.asarray(t_fs, dtype=float), np.asarray(x_nm, dtype=float)
        return self.omega_per_fs * t - self.wavevector_per_nm * x

    def m_of_phase(self, psi) -> np.ndarray:
        """m(ψ), shape (3,) + shape(ψ)."""
        n, e1, e2 = self.basis
        psi = np.asarray(psi, dtype=float)
        st, ct = math.sin(self.theta_rad), math.cos(self.theta_rad)
        cp, spp = np.cos(psi)[None], np.sin(psi)[None]
        sh = (3,) + (1,) * psi.ndim
        return ct * n.reshape(sh) + st * (cp * e1.reshape(sh) + spp * e2.reshape(sh))

    def dm_dphase(self, psi) -> np.ndarray:
        """∂ψ m = n̂ × m, shape (3,) + shape(ψ)."""
        n, e1, e2 = self.basis
        psi = np.asarray(psi, dtype=float)
        st = math.sin(self.theta_rad)
        sh = (3,) + (1,) * psi.ndim
        return st * (-np.sin(psi)[None] * e1.reshape(sh) + np.cos(psi)[None] * e2.reshape(sh))

    def m(self, x_nm, t_fs) -> np.ndarray:
        """m(x, t) (x in nm, t in fs), shape (3,) + broadcast shape."""
        return self.m_of_phase(self.phase(x_nm, t_fs))

    def dm_dt(self, x_nm, t_fs) -> np.ndarray:
        """∂t m = ω n̂ × m in 1/fs."""
        return self.omega_per_fs * self.dm_dphase(self.phase(x_nm, t_fs))

    def dm_dx(self, x_nm, t_fs) -> np.ndarray:
        """∂x m = −k ∂ψ m in 1/nm."""
        return -self.wavevector_per_nm * self.dm_dphase(self.phase(x_nm, t_fs))


# --- pointwise operators of Eqs. 16-17 (flux form, x the only derivative direction) --
def _flux_x_matrix(c: Coefficients, m: np.ndarray) -> np.ndarray:
    """A_F(m), shape (N, 4, 4): the x-fluxes (F_ax; f_x) = A_F (s; ν) of Eqs. 16-17.

    Every first-order term is −∂x of a flux (docs/model.md §3.2), with
    ∇z = ẑ×∇ = ŷ ∂x when only ∂x acts:
      B∇z n                    -> F = −B ŷ ν
      2C∇z×S = 2C ∂x(ŷ×S)      -> F = −2C ŷ×s
      2R(m·∇z n)m = 2R m_y m ∂xν -> F = −2R m_y m ν            (flux form: ∂x acts on m too)
      Γ[m×(∇z×S) + ∇z×(m×S)]   -> F = −Γ[m×(ŷ×s) + ŷ×(m×s)]  (flux form, as the FE model)
      B∇z·S = ∂x s_y           -> f = −kB B s_y
      Γ∇z·(mn) = ∂x(m_y ν)     -> f = −kΓ Γ m_y ν
      R∇z·[m(S·m)]             -> f = −kR R m_y (m·s)
    """
    m = np.asarray(m, dtype=float).reshape(3, -1)
    n = m.shape[1]
    A = np.zeros((n, 4, 4))
    Y = _cross_matrix(Y_HAT)
    Mx = _cross_matrix(m)  # (N, 3, 3)
    A[:, :3, :3] = -2.0 * c.C * Y[None] - c.Gamma * (Mx @ Y[None] + Y[None] @ Mx)
    A[:, :3, 3] = -c.B * Y_HAT[None, :] - 2.0 * c.R * (m[1][:, None] * m.T)
    A[:, 3, 1] -= c.charge_B_factor * c.B
    A[:, 3, :3] -= c.charge_R_factor * c.R * m[1][:, None] * m.T
    A[:, 3, 3] = -c.charge_G_factor * c.Gamma * m[1]
    return A


def _local_matrix(c: Coefficients, m: np.ndarray) -> np.ndarray:
    """A_Q(m), shape (N, 4, 4): the local terms Q = A_Q (s; ν) of Eq. 17 (no ν part).

    Q = −s/τsf − (s + s_z ẑ)/τdp − (1/τΔ) s×m − (1/τφ)[s − (m·s)m]: relaxation
    acts on the non-equilibrium s only (docs/model.md §12.1).
    """
    m = np.asarray(m, dtype=float).reshape(3, -1)
    n = m.shape[1]
    A = np.zeros((n, 4, 4))
    eye = np.eye(3)[None]
    A[:, :3, :3] = (
        -(c.inv_tau_sf + c.inv_tau_dp) * eye
        - c.inv_tau_dp * np.outer(Z_HAT, Z_HAT)[None]
        + c.inv_tau_delta * _cross_matrix(m)  # −(1/τΔ) s×m = +(1/τΔ) m×s
        - c.inv_tau_phi * (eye - np.einsum("in,jn->nij", m, m))
    )
    return A


def particle_flux(c: Coefficients, m: np.ndarray, s: np.ndarray, nu: np.ndarray | float = 0.0) -> np.ndarray:
    """The Rashba particle current of Eq. 16, f = kB B ẑ×s + (kΓ Γ ν + kR R (m·s)) ẑ×m.

    In 1/(nm·fs), shape (3,) or (3, N) (z component 0).  In a short-circuited
    film (no density gradient) this is the whole particle current; the
    electric sheet current is −e f (:data:`PARTICLE_SHEET_CURRENT_TO_A_PER_M`).
    """
    m = np.asarray(m, dtype=float)
    s = np.asarray(s, dtype=float)
    z = Z_HAT if s.ndim == 1 else Z_HAT[:, None]
    zm = cross(z, m)
    return c.charge_B_factor * c.B * cross(z, s) + (
        c.charge_G_factor * c.Gamma * np.asarray(nu) + c.charge_R_factor * c.R * np.sum(m * s, axis=0)
    ) * zm


def spin_wave_rates(c: Coefficients, m, wavevector_per_nm: float) -> np.ndarray:
    """Relaxation rates (1/fs) of plane waves e^{iκx} of (s, ν) on a static uniform m.

    The eigenvalues λ of ∂t U = (−Dκ² − iκ A_F(m) + A_Q(m)) U; returns −Re λ
    sorted ascending.  A negative entry is a growing mode: the linearized
    equations are unstable (docs/model.md §9 item 15: the Sec. VI model without
    DP, m ∥ ŷ, κ ≳ 5e7 1/m).
    """
    m = np.asarray(unit_vector("m", m))
    kappa = check_finite("wavevector_per_nm", wavevector_per_nm, "1/nm")
    A = -c.D * kappa**2 * np.eye(4) - 1j * kappa * _flux_x_matrix(c, m)[0] + _local_matrix(c, m)[0]
    return np.sort(-np.linalg.eigvals(A).real)


# --- the periodic solution -------------------------------------------------------------
def _harmonics(fn, c: Coefficients, precession: Precession, qmax: int = 2) -> dict[int, np.ndarray]:
    """Fourier coefficients Â_q (|q| <= qmax) of A(ψ) = fn(c, m(ψ)), exact for degree <= qmax."""
    n = 4 * qmax + 4
    psi = 2.0 * math.pi * np.arange(n) / n
    samples = fn(c, precession.m_of_phase(psi))  # (n, 4, 4)
    coef = np.fft.fft(samples, axis=0) / n
    return {q: coef[q % n] for q in range(-qmax, qmax + 1)}


@dataclass(frozen=True)
class PeriodicSolution:
    """The periodic state δS(ψ), ν(ψ) and what is reported from it.

    Attributes
    ----------
    model, precession
        The inputs.
    quasi_static
        True: ∂t δS and ∂t ν were dropped (the adiabatic reference).
    harmonics
        P: Fourier modes −P..P were kept.
    coefficients_hat
        Complex array (2P+1, 4): (δS_x, δS_y, δS_z, ν) of e^{ipψ}, p = −P..P
        (ħ/nm² and 1/nm²).
    truncation_error
        max |Û_p| over the top quarter of the modes / max |Û_p| (the spectral
        tail; a bound on the truncation error of the reported numbers).
    torque_coefficient_a, torque_coefficient_b
        a = ⟨T·ṁ⟩/(s0⟨|ṁ|²⟩), b = ⟨T·(m×ṁ)⟩/(s0⟨|ṁ|²⟩), T the Eq. 24 torque
        (T ≈ s0(a ṁ + b m×ṁ)); ⟨⟩ over ψ (one period = one wavelength).
    pumped_spin_dc_per_nm2
        ⟨δS⟩ in ħ/nm², shape (3,).
    particle_current_dc_per_nm_fs
        ⟨j⟩, the dc particle sheet current of the short-circuited film
        (1/(nm·fs)), shape (3,).
    """

    model: PumpingModel
    precession: Precession
    quasi_static: bool
    harmonics: int
    coefficients_hat: np.ndarray
    truncation_error: float
    torque_coefficient_a: float
    torque_coefficient_b: float
    pumped_spin_dc_per_nm2: np.ndarray
    particle_current_dc_per_nm_fs: np.ndarray

    def fields(self, psi) -> tuple[np.ndarray, np.ndarray]:
        """(δS(ψ) (3, N) in ħ/nm², ν(ψ) (N,) in 1/nm²) at the phases ψ (rad)."""
        psi = np.atleast_1d(np.asarray(psi, dtype=float))
        p = np.arange(-self.harmonics, self.harmonics + 1)
        u = (np.exp(1j * np.outer(psi, p)) @ self.coefficients_hat).real.T
        return u[:3], u[3]

    def at(self, x_nm, t_fs) -> tuple[np.ndarray, np.ndarray]:
        """(δS, ν) at points (x, t) (nm, fs), flattened."""
        return self.fields(np.ravel(self.precession.phase(x_nm, t_fs)))

    def torque(self, psi) -> np.ndarray:
        """The Eq. 24 torque T(ψ) in 1/(nm²·fs), shape (3, N)."""
        s, _ = self.fields(psi)
        return torque_from_spin(self.model.coefficients, self.precession.m_of_phase(np.atleast_1d(psi)), s)

    def particle_current(self, psi) -> np.ndarray:
        """The particle sheet current j(ψ) in 1/(nm·fs), shape (3, N): the Rashba flux
        f plus, for a helix, the diffusion current −D∂xν = Dk ∂ψν along x̂."""
        psi = np.atleast_1d(np.asarray(psi, dtype=float))
        s, nu = self.fields(psi)
        j = particle_flux(self.model.coefficients, self.precession.m_of_phase(psi), s, nu)
        p = np.arange(-self.harmonics, self.harmonics + 1)
        dnu = (np.exp(1j * np.outer(psi, p)) @ (1j * p * self.coefficients_hat[:, 3])).real
        j[0] += self.model.coefficients.D * self.precession.wavevector_per_nm * dnu
        return j

    @property
    def pumped_spin_dc_hbar_per_m2(self) -> np.ndarray:
        """⟨δS⟩ in ħ/m²."""
        return self.pumped_spin_dc_per_nm2 * PER_NM2_TO_PER_M2

    @property
    def charge_current_dc_a_per_m(self) -> np.ndarray:
        """The dc electric sheet current −e⟨j⟩ in A/m."""
        return -self.particle_current_dc_per_nm_fs * PARTICLE_SHEET_CURRENT_TO_A_PER_M


def _assemble(model: PumpingModel, precession: Precession, P: int, quasi_static: bool):
    """Sparse matrix and right-hand side of the Fourier system (docs/model.md §12.4)."""
    c = model.coefficients
    w = 0.0 if quasi_static else precession.omega_per_fs
    k = precession.wavevector_per_nm
    AF = _harmonics(_flux_x_matrix, c, precession)
    AQ = _harmonics(_local_matrix, c, precession)
    size = 4 * (2 * P + 1)
    rows, cols, vals = [], [], []
    idx4 = np.arange(4)

    def add(block: np.ndarray, p: int, pp: int) -> None:
        r, cc = np.nonzero(block)
        rows.append(4 * (p + P) + r)
        cols.append(4 * (pp + P) + cc)
        vals.append(block[r, cc])

    for p in range(-P, P + 1):
        # ω∂ψ − Dk²∂ψ² on the diagonal: (iωp + Dk²p²) U_p
        add(np.diag(np.full(4, 1j * w * p + c.D * k * k * p * p)), p, p)
        for q in range(-2, 3):
            pp = p - q
            if -P <= pp <= P:
                # −k ∂ψ(A_F U) − A_Q U  (∂x = −k∂ψ, so −∂x F = k ∂ψ F moves to the left as −k ∂ψ F)
                add(-k * (1j * p) * AF[q] - AQ[q], p, pp)
    A = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(size, size), dtype=complex
    ).tolil()
    rhs = np.zeros(size, dtype=complex)
    # source −s0 ∂t m = −s0 ω ∂ψ m: m has harmonics 0, ±1 only
    n, e1, e2 = precession.basis
    st = math.sin(precession.theta_rad)
    m_hat = {1: 0.5 * st * (e1 - 1j * e2), -1: 0.5 * st * (e1 + 1j * e2)}
    for p, mp in m_hat.items():
        rhs[4 * (p + P) + idx4[:3]] = -model.s0_per_nm2 * precession.omega_per_fs * (1j * p) * mp
    # ν: charge conservation leaves the mean (p = 0) free; neutrality fixes ⟨ν⟩ = 0.
    # Uniform (k = 0): every charge row is ∝ k or ∂ψ ν and ν is a uniform constant: ν ≡ 0.
    fixed = range(-P, P + 1) if k == 0.0 else (0,)
    for p in fixed:
        i = 4 * (p + P) + 3
        A.rows[i], A.data[i] = [i], [1.0]
        rhs[i] = 0.0
    return A.tocsc(), rhs


def solve_periodic(
    model: PumpingModel | Film,
    precession: Precession,
    *,
    quasi_static: bool = False,
    harmonics: int | None = None,
    tolerance: float = 1e-14,
    max_harmonics: int = 4096,
) -> PeriodicSolution:
    """The exact periodic state for a magnetization that depends on ψ = ωt − kx only.

    Solves, with ∂t → ω∂ψ and ∂x → −k∂ψ (docs/model.md §12.4),

        ω δS' = Dk² δS'' + k (F_x)' + Q(δS) − s0 ω m'
        ω ν'  = Dk² ν''  + k (f_x)'                           (⟨ν⟩ = 0)

    (every term of Eqs. 16-17 in flux form, anisotropic DP, relaxation on δS
    only) by a Fourier series in ψ truncated at |p| <= P.  The coefficients
    are trigonometric polynomials of degree 2 in ψ, so the truncated system is
    banded; P doubles from 16 until the spectral tail is below ``tolerance``.

    Parameters
    ----------
    model, precession
        Material (with s0) and the prescribed m(x, t).  A ``Film`` is taken as
        ``PumpingModel.from_film(film)`` (Hamiltonian s0, full model).
    quasi_static
        Drop ∂t δS and ∂t ν (the adiabatic reference; the source −s0 ∂t m
        stays).
    harmonics
        Fixed P instead of the adaptive choice.
    tolerance
        Target for :attr:`PeriodicSolution.truncation_error`.
    max_harmonics
        Largest P tried before :class:`ConvergenceError`.

    Returns
    -------
    PeriodicSolution
    """
    if isinstance(model, Film):
        model = PumpingModel.from_film(model)
    if not isinstance(model, PumpingModel):
        raise ParameterError(f"model = {model!r}: must be a PumpingModel or a Film")
    if not isinstance(precession, Precession):
        raise ParameterError(f"precession = {precession!r}: must be a Precession")
    if harmonics is not None and (int(harmonics) != harmonics or harmonics < 1):
        raise ParameterError(f"harmonics = {harmonics!r} is invalid; valid range: integer >= 1")
    P = int(harmonics) if harmonics is not None else 16
    while True:
        A, rhs = _assemble(model, precession, P, quasi_static)
        u = spla.splu(A).solve(rhs).reshape(2 * P + 1, 4)
        scale = np.max(np.abs(u))
        if not np.all(np.isfinite(u)):
            raise ConvergenceError("the Fourier system is singular (no periodic state for these parameters)")
        tail = float(np.max(np.abs(np.r_[u[: P // 4 + 1], u[-(P // 4 + 1):]])) / scale) if scale > 0 else 0.0
        if harmonics is not None or tail <= tolerance:
            break
        if 2 * P > max_harmonics:
            raise ConvergenceError(
                f"spectral tail {tail:.3g} > tolerance {tolerance:g} at P = {P} harmonics (max_harmonics = "
                f"{max_harmonics})"
            )
        P *= 2
    return _postprocess(model, precession, quasi_static, P, u, tail)


def _postprocess(
    model: PumpingModel, precession: Precession, quasi_static: bool, P: int, u: np.ndarray, tail: float
) -> PeriodicSolution:
    """Averages over one period from the Fourier coefficients (exact on a grid of 2P + 16 points)."""
    c = model.coefficients
    ngrid = 2 * P + 16  # the products below are trigonometric polynomials of degree <= P + 4
    psi = 2.0 * math.pi * np.arange(ngrid) / ngrid
    p = np.arange(-P, P + 1)
    U = (np.exp(1j * np.outer(psi, p)) @ u).real.T
    s, nu = U[:3], U[3]
    m = precession.m_of_phase(psi)
    mdot = precession.omega_per_fs * precession.dm_dphase(psi)
    T = torque_from_spin(c, m, s)
    norm = model.s0_per_nm2 * np.mean(np.sum(mdot * mdot, axis=0))
    a = float(np.mean(np.sum(T * mdot, axis=0)) / norm)
    b = float(np.mean(np.sum(T * cross(m, mdot), axis=0)) / norm)
    j = particle_flux(c, m, s, nu)  # ⟨−D∂xν⟩ = Dk⟨ν'⟩ = 0 for a periodic ν
    return PeriodicSolution(
        model=model,
        precession=precession,
        quasi_static=bool(quasi_static),
        harmonics=P,
        coefficients_hat=u,
        truncation_error=tail,
        torque_coefficient_a=a,
        torque_coefficient_b=b,
        pumped_spin_dc_per_nm2=u[P, :3].real.copy(),
        particle_current_dc_per_nm_fs=np.mean(j, axis=1),
    )


# --- the rotating-frame closed form (precession about ẑ) --------------------------------
@dataclass(frozen=True)
class RotatingFrameSolution:
    """δS(ψ) = R_z(ψ) u with constant u (uniform precession or co-rotating helix about ẑ).

    Attributes
    ----------
    u_per_nm2
        δS at ψ = 0 (where m = m0 = sinθ x̂ + cosθ ẑ), ħ/nm².
    torque_coefficient_a, torque_coefficient_b
        As in :class:`PeriodicSolution` (constant in ψ here).
    pumped_spin_dc_per_nm2
        ⟨δS⟩ = u_z ẑ.
    """

    u_per_nm2: np.ndarray
    torque_coefficient_a: float
    torque_coefficient_b: float
    pumped_spin_dc_per_nm2: np.ndarray


def rotating_frame_solution(
    model: PumpingModel, precession: Precession, *, quasi_static: bool = False
) -> RotatingFrameSolution:
    """The closed 3x3 problem for precession about ẑ (docs/model.md §12.3, §12.5).

    (M0 + ω[ẑ]× + Dk²(1 − ẑẑ)) u = −s0 ω ẑ × m0,

    with M0 the relaxation matrix of Eq. 26 at m0 = sinθ x̂ + cosθ ẑ (anisotropic
    DP included: it is invariant under rotations about ẑ).  ``quasi_static``
    drops ω[ẑ]× (∂t δS).  A helix (k ≠ 0) needs C = B = Γ = R = 0 (α = 0): the
    Rashba terms break the co-rotation symmetry.
    """
    n, e1, _ = precession.basis
    if np.max(np.abs(n - Z_HAT)) > AXIS_TOLERANCE:
        raise ParameterError(f"axis = {precession.axis} is invalid for the rotating frame; valid value: (0, 0, 1)")
    c = model.coefficients
    k = precession.wavevector_per_nm
    if k != 0.0 and any(getattr(c, name) != 0.0 for name in ("C", "B", "Gamma", "R")):
        raise ParameterError(
            "the co-rotating frame of a helix needs alpha_ev_nm = 0 (C = B = Γ = R = 0); "
            f"got C = {c.C!r}, B = {c.B!r}, Gamma = {c.Gamma!r}, R = {c.R!r} nm/fs"
        )
    th, w = precession.theta_rad, precession.omega_per_fs
    m0 = math.sin(th) * e1 + math.cos(th) * n
    zx = _cross_matrix(Z_HAT)
    K = relaxation_matrix(c, m0) + c.D * k * k * (np.eye(3) - np.outer(Z_HAT, Z_HAT))
    if not quasi_static:
        K = K + w * zx
    mdot0 = w * np.cross(Z_HAT, m0)
    u = np.linalg.solve(K, -model.s0_per_nm2 * mdot0)
    T = torque_from_spin(c, m0, u)
    norm = model.s0_per_nm2 * (mdot0 @ mdot0)
    return RotatingFrameSolution(
        u_per_nm2=u,
        torque_coefficient_a=float(T @ mdot0 / norm),
        torque_coefficient_b=float(T @ np.cross(m0, mdot0) / norm),
        pumped_spin_dc_per_nm2=np.array([0.0, 0.0, u[2]]),
    )


# --- corrected closed forms of Sec. VI (docs/model.md §12.2, §12.6) ----------------------
def eq25_pumping_coefficients(c: Coefficients) -> tuple[float, float]:
    """(a, b) = (−(1 − ξβ̃), β̃): T = s0(a ṁ + b m×ṁ), the quasi-static, isotropic, uniform limit."""
    xi, _, bt = isotropic_rates(c)
    return -(1.0 - xi * bt), bt


def eq43_pumped_spin(c: Coefficients, s0_per_nm2: float, m, mdot, *, printed: bool = False) -> np.ndarray:
    """Corrected Eq. 43: δS = −τΔ s0 (ξ ṁ + m×ṁ)/(1 + ξ²) in ħ/nm² (``printed``: the paper's +).

    ṁ in 1/fs; arrays of shape (3,) or (3, N).  Quasi-static, isotropic
    relaxation, uniform m.
    """
    xi, _, _ = isotropic_rates(c)
    m, mdot = np.asarray(m, dtype=float), np.asarray(mdot, dtype=float)
    sign = 1.0 if printed else -1.0
    return sign * (s0_per_nm2 / c.inv_tau_delta) * (xi * mdot + cross(m, mdot)) / (1.0 + xi**2)


def local_torque_from_source(c: Coefficients, m, X) -> np.ndarray:
    """T = (1 − ξβ̃) X⊥ − β̃ m×X: the Eq. 24 torque of the local quasi-static response to a source X.

    Isotropic relaxation (DP ignored).  X in 1/(nm²·fs); shapes (3,) or (3, N).
    With X = −s0 ṁ this is Eq. 25's pumping torque; with the second-order
    sources D∇²δS0 and 2C∇z×δS0 it gives the corrected Eqs. 46 and 47.
    """
    xi, _, bt = isotropic_rates(c)
    m, X = np.asarray(m, dtype=float), np.asarray(X, dtype=float)
    return (1.0 - xi * bt) * _transverse(X, m) - bt * cross(m, X)


def eq44_particle_current(c: Coefficients, s0_per_nm2: float, m, mdot) -> np.ndarray:
    """Corrected Eq. 44: the particle sheet current kB B ẑ×δS (1/(nm·fs)) with δS of Eq. 43.

    B = (α/ħ) τ/τdp is the factor the printed ``α`` hides; kB = 4 (projected)
    or 1 (printed charge coupling).  R and Γ currents are dropped.  The
    electric current is −e times this.
    """
    ds = eq43_pumped_spin(c, s0_per_nm2, m, mdot)
    z = Z_HAT if ds.ndim == 1 else Z_HAT[:, None]
    return c.charge_B_factor * c.B * cross(z, ds)


def eq44_dc_charge_current_a_per_m(model: PumpingModel, precession: Precession) -> np.ndarray:
    """The dc electric sheet current (A/m) of corrected Eq. 44 for uniform precession.

    ⟨m×ṁ⟩ = ω sin²θ n̂ and ⟨ṁ⟩ = 0 give
    J = e kB B τΔ s0 ω sin²θ/(1 + ξ²) ẑ×n̂.
    """
    c = model.coefficients
    xi, _, _ = isotropic_rates(c)
    n = precession.basis[0]
    w, st = precession.omega_per_fs, math.sin(precession.theta_rad)
    j_particle = -c.charge_B_factor * c.B * (model.s0_per_nm2 / c.inv_tau_delta) * w * st**2 / (1 + xi**2)
    return -j_particle * np.cross(Z_HAT, n) * PARTICLE_SHEET_CURRENT_TO_A_PER_M


def eq46_torque(c: Coefficients, s0_per_nm2: float, m, laplacian_m_cross_mdot, *, printed: bool = False):
    """Corrected Eq. 46 (paper's limit ξ, β̃ → 0): T_D = +s0 τΔ D m×[m×∇²(m×ṁ)].

    ``laplacian_m_cross_mdot`` is ∇²(m×ṁ) in 1/(nm²·fs).  The printed
    equation has the opposite sign (``printed=True``).
    """
    m = np.asarray(m, dtype=float)
    sign = -1.0 if printed else 1.0
    return sign * s0_per_nm2 * (c.D / c.inv_tau_delta) * cross(m, cross(m, np.asarray(laplacian_m_cross_mdot)))


def eq47_torque(c: Coefficients, s0_per_nm2: float, m, curl_z_m_cross_mdot):
    """Corrected Eq. 47 (paper's limit ξ, β̃ → 0): T_R = 2 s0 τΔ C m×{m×[(ẑ×∇)×(m×ṁ)]}.

    ``curl_z_m_cross_mdot`` is (ẑ×∇)×(m×ṁ) in 1/(nm·fs).  As printed (its
    sign is consistent with the corrected Eq. 43).
    """
    m = np.asarray(m, dtype=float)
    return 2.0 * s0_per_nm2 * (c.C / c.inv_tau_delta) * cross(m, cross(m, np.asarray(curl_z_m_cross_mdot)))


def _texture_coefficients(c: Coefficients, theta: float, rate: float) -> tuple[float, float]:
    """(Δa, Δb) of a second-order source whose transverse rate shift is ``rate`` (1/fs)."""
    xi, _, bt = isotropic_rates(c)
    c2 = math.cos(theta) ** 2
    pre = rate / c.inv_tau_delta / (1.0 + xi**2)
    return pre * ((1.0 - xi * bt) * xi + bt * c2), pre * ((1.0 - xi * bt) * c2 - xi * bt)


def eq46_coefficients(c: Coefficients, precession: Precession) -> tuple[float, float]:
    """(Δa, Δb) of the diffusion (Eq. 46) torque for a spiral, any ξ, to order k².

    Δa = τΔDk²[(1 − ξβ̃)ξ + β̃cos²θ]/(1 + ξ²), Δb = τΔDk²[(1 − ξβ̃)cos²θ − ξβ̃]/(1 + ξ²)
    (docs/model.md §12.6); the paper's limit is Δb = τΔDk²cos²θ > 0.
    """
    k = precession.wavevector_per_nm
    return _texture_coefficients(c, precession.theta_rad, c.D * k * k)


def eq47_coefficients(c: Coefficients, precession: Precession) -> tuple[float, float]:
    """(Δa, Δb) of the chiral Rashba (Eq. 47) torque for a spiral, any ξ, to order k.

    The Eq. 46 forms with Dk² → −2Ck n_y (n_y = ŷ·n̂, ŷ = ẑ×x̂): odd in k and
    zero for n̂ ⟂ ŷ (e.g. precession about ẑ).
    """
    n = precession.basis[0]
    return _texture_coefficients(c, precession.theta_rad, -2.0 * c.C * precession.wavevector_per_nm * n[1])


# --- magnetization dynamics: damping and γ ----------------------------------------------
@dataclass(frozen=True)
class MagnetLayer:
    """The ferromagnet whose LLG equation receives the pumping torque.

    Parameters
    ----------
    ms_a_per_m
        Saturation magnetization Ms in A/m, > 0.
    thickness_nm
        Film thickness t in nm, > 0.
    gyromagnetic_ratio_rad_per_s_t
        γ > 0 in rad/(s·T) (default: the free electron's |γ|).
    """

    ms_a_per_m: float
    thickness_nm: float
    gyromagnetic_ratio_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T

    def __post_init__(self) -> None:
        object.__setattr__(self, "ms_a_per_m", check_positive("ms_a_per_m", self.ms_a_per_m, "A/m",
                                                              upper=MAX_MS_A_PER_M))
        object.__setattr__(self, "thickness_nm", check_length("thickness_nm", self.thickness_nm))
        object.__setattr__(
            self,
            "gyromagnetic_ratio_rad_per_s_t",
            check_positive("gyromagnetic_ratio_rad_per_s_t", self.gyromagnetic_ratio_rad_per_s_t, "rad/(s·T)",
                           upper=MAX_GAMMA_RAD_PER_S_T),
        )

    def coupling(self, s0_per_nm2: float) -> float:
        """κ = γħ s0/(Ms t) (dimensionless): the torque T = s0(a ṁ + b m×ṁ) enters the LLG equation as
        ṁ ∋ σγħT/(Ms t) = σκ(a ṁ + b m×ṁ), σ = ``rashba.LLG_TORQUE_SIGN`` = −1 (docs/model.md §7, §12.2)."""
        return (
            self.gyromagnetic_ratio_rad_per_s_t
            * sc.hbar
            * s0_per_nm2
            * PER_NM2_TO_PER_M2
            / (self.ms_a_per_m * self.thickness_nm * NM)
        )


def gilbert_damping_enhancement(s0_per_nm2: float, b: float, magnet: MagnetLayer) -> float:
    """Δα = σκb = −γħ s0 b/(Ms t) (docs/model.md §12.2): ṁ = −γ m×B + α m×ṁ + σκ(a ṁ + b m×ṁ) collects
    (α + σκb) m×ṁ.  > 0 (damping) needs s0 b < 0."""
    return LLG_TORQUE_SIGN * magnet.coupling(s0_per_nm2) * b


def gyromagnetic_ratio_factor(s0_per_nm2: float, a: float, magnet: MagnetLayer) -> float:
    """γ_eff/γ = 1/(1 − σκa) = 1/(1 + γħ s0 a/(Ms t)): the renormalization of γ by the in-phase torque s0 a ṁ.

    The full LLG then reads ṁ = −γ_eff m×B + (α + Δα)(γ_eff/γ) m×ṁ.
    """
    return 1.0 / (1.0 - LLG_TORQUE_SIGN * magnet.coupling(s0_per_nm2) * a)


# --- one parameter set ---------------------------------------------------------------------
@dataclass(frozen=True)
class PumpingPoint:
    """One parameter set of a pumping run: the film, the prescribed motion, the model options, the magnet.

    The sessions of :mod:`rashba_diffusion.problems.pumping` and the ``pumping`` sweeps solve these.

    Parameters
    ----------
    film
        The material; its ``polarization_rule`` (or ``polarization``) sets s0.
    precession
        The prescribed m(x, t).
    sec6_model
        The paper's Sec. VI assumptions (no DP, B = Γ = R = 0) instead of the full model.
    magnet
        Ms and t of the magnet, for Δα and γ_eff/γ (``None``: those are not reported).
    """

    film: Film
    precession: Precession
    sec6_model: bool = False
    magnet: MagnetLayer | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.film, Film):
            raise ParameterError(f"film = {self.film!r}: must be a Film")
        if not isinstance(self.precession, Precession):
            raise ParameterError(f"precession = {self.precession!r}: must be a Precession")
        if not isinstance(self.sec6_model, bool):
            raise ParameterError(f"sec6_model = {self.sec6_model!r} is invalid; valid values: True, False")
        if self.magnet is not None and not isinstance(self.magnet, MagnetLayer):
            raise ParameterError(f"magnet = {self.magnet!r}: must be a MagnetLayer or None")

    def model(self) -> PumpingModel:
        """The coefficients and s0 of this point (:meth:`PumpingModel.from_film`)."""
        return PumpingModel.from_film(self.film, sec6_model=self.sec6_model)


# --- one call for the command's physics keys --------------------------------------------
def conventions(model: PumpingModel, precession: Precession) -> dict:
    """The conventions in force, as reported with the results."""
    n, e1, e2 = precession.basis
    return {
        "polarization_rule": model.polarization_rule,
        "s0_definition": "S0 = s0 m, s0 = n PF (hamiltonian: PF = -Delta_xc/(4 eps_F))",
        "sec6_model": model.sec6_model,
        "magnetization": "m = cos(theta) n + sin(theta) (cos(phi) e1 + sin(phi) e2), phi = omega t - k x",
        "precession_sense": "dm/dt = omega n x m (free precession dm/dt = -gamma m x B, B || n, gamma > 0)",
        "e1": [float(v) + 0.0 for v in e1],  # + 0.0: no negative zeros in the JSON
        "e2": [float(v) + 0.0 for v in e2],
        "torque": "T = -(1/tau_Delta) m x dS + (1/tau_phi) dS (Eq. 24); T = s0 (a dm/dt + b m x dm/dt)",
        "llg": "dm/dt = -gamma m x B + alpha m x dm/dt - (gamma hbar/(Ms t)) T (T: spin angular momentum "
               "handed to the magnet)",
        "charge_current": "electric sheet current -e <j>, j the particle flux of Eq. 16 (short-circuited film)",
    }


def physics_summary(model: PumpingModel, precession: Precession, magnet: MagnetLayer | None, a: float, b: float,
                    a_adiabatic: float, b_adiabatic: float, spin_dc_per_nm2, particle_current_dc_per_nm_fs) -> dict:
    """The physics keys of ``rashba-diffusion pumping`` (every geometry) from the computed averages.

    a, b and their adiabatic twins as defined in :class:`PeriodicSolution`; ⟨δS⟩ in ħ/nm² and the dc
    particle sheet current ⟨j⟩ in 1/(nm·fs) (shape (3,)).  SI units in the keys;
    ``gilbert_damping_enhancement`` and ``gyromagnetic_ratio_factor`` are ``None`` without ``magnet``.
    """
    s0 = model.s0_per_nm2
    return {
        "torque_coefficient_a": float(a),
        "torque_coefficient_b": float(b),
        "torque_coefficient_a_adiabatic": float(a_adiabatic),
        "torque_coefficient_b_adiabatic": float(b_adiabatic),
        "s0_hbar_per_m2": model.s0_hbar_per_m2,
        "pumped_spin_dc_hbar_per_m2": [float(v) * PER_NM2_TO_PER_M2 for v in spin_dc_per_nm2],
        "charge_current_dc_a_per_m": [-float(v) * PARTICLE_SHEET_CURRENT_TO_A_PER_M
                                      for v in particle_current_dc_per_nm_fs],
        "gilbert_damping_enhancement": None if magnet is None else gilbert_damping_enhancement(s0, b, magnet),
        "gyromagnetic_ratio_factor": None if magnet is None else gyromagnetic_ratio_factor(s0, a, magnet),
        "conventions": conventions(model, precession),
    }


def pumping_summary(model: PumpingModel, precession: Precession, magnet: MagnetLayer | None = None) -> dict:
    """The physics keys of ``rashba-diffusion pumping --geometry bulk``: the exact periodic state and its
    quasi-static reference (:func:`solve_periodic`), with the spectral ``harmonics`` and ``truncation_error``."""
    sol = solve_periodic(model, precession)
    qs = solve_periodic(model, precession, quasi_static=True)
    return {
        **physics_summary(model, precession, magnet, sol.torque_coefficient_a, sol.torque_coefficient_b,
                          qs.torque_coefficient_a, qs.torque_coefficient_b, sol.pumped_spin_dc_per_nm2,
                          sol.particle_current_dc_per_nm_fs),
        "harmonics": sol.harmonics,
        "truncation_error": sol.truncation_error,
    }
