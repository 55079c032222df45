"""Angular dependence of the torque: symmetry-allowed expansions and their least-squares fit.

For a film with normal ẑ, continuous rotation symmetry about ẑ and vertical
mirror planes (C∞v), and an in-plane field E ∥ Ê, write û = ẑ × Ê and, for a
unit magnetization m, the components m_E = m·Ê, m_u = m·û, m_z and
sin²θ = 1 − m_z².  Every torque linear in E, perpendicular to m and allowed
by C∞v is a combination of the vector fields below (docs/angular.md derives
this and writes each basis out):

=========================  ======================  ==========================
family                     field-like (odd in m)   damping-like (even in m)
=========================  ======================  ==========================
Eq. 35                     û × m                   m × (û × m)
(m·Ê) family               m_E m × (ẑ × m)         m_E ẑ × m
(m·û) m_z family           m_u m_z ẑ × m           m_u m_z m × (ẑ × m)
=========================  ======================  ==========================

each anisotropic family multiplied by powers sin^{2k}θ (higher harmonics).
The named bases are

* ``"eq35"``: the two Eq. 35 terms (coefficients T⊥, T∥ as in
  :func:`~rashba_diffusion.physics.torque.decompose`);
* ``"eq40"``: Eq. 40 of the paper, with its θ-dependent prefactors γθ and
  χθ (needs the material's :class:`Coefficients`);
* ``"garello"``: Garello et al., Nat. Nanotech. 8, 587 (2013): Eq. 35 plus
  the (m·Ê) families times 1, sin²θ, sin⁴θ, … (``order`` terms each);
* ``"symmetric"``: the complete expansion, Eq. 35 plus both anisotropic
  families of both parities times 1, …, sin^{2(order−1)}θ.

:func:`fit_angular` fits torque vectors sampled at many m with any basis.
:func:`bulk_torques` samples those vectors in the infinite medium; the wire's
are sampled by :func:`rashba_diffusion.studies.angular.wire_torques`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ..units import V_PER_M_TO_EV_PER_NM
from ..validation import UNIT_VECTOR_TOLERANCE, unit_vector
from .bulk import solve_bulk
from .rashba import Coefficients, Drive, Film
from .vectors import Z_HAT

#: names accepted by :func:`make_basis`
BASIS_NAMES = ("eq35", "eq40", "garello", "symmetric")
#: labels of the Eq. 40 coefficients, in the order of :func:`eq40_basis`
EQ40_LABELS = ("T0_perp", "T0_par", "Tx_perp", "Tyz_perp", "Tx_par", "Tyz_par")
#: a design-matrix column (basis function) with norm below this fraction of the largest is treated as zero
RANK_TOLERANCE = 1e-12


# -- directions -------------------------------------------------------------
def direction_grid(theta_deg: Sequence[float], phi_deg: Sequence[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit vectors on a (θ, φ) grid.

    θ is the polar angle from ẑ (the film normal) and φ the azimuth from x̂,
    both in degrees: m = (sinθ cosφ, sinθ sinφ, cosθ).

    Returns
    -------
    theta_deg, phi_deg, m
        Flattened grids (θ varies slowest), each of length N, and m of shape (N, 3).
    """
    th = np.asarray(theta_deg, dtype=float).ravel()
    ph = np.asarray(phi_deg, dtype=float).ravel()
    if th.size == 0 or ph.size == 0 or not (np.all(np.isfinite(th)) and np.all(np.isfinite(ph))):
        raise ParameterError(
            f"theta_deg and phi_deg must be non-empty finite sequences (deg); got {th.size} and {ph.size} values"
        )
    tt, pp = np.meshgrid(th, ph, indexing="ij")
    tt, pp = tt.ravel(), pp.ravel()
    t, p = np.radians(tt), np.radians(pp)
    m = np.stack([np.sin(t) * np.cos(p), np.sin(t) * np.sin(p), np.cos(t)], axis=1)
    return tt, pp, m


def check_m_samples(m_samples) -> np.ndarray:
    """Unit magnetizations of shape (N, 3), N >= 1, as a float array (or :class:`ParameterError`)."""
    m = np.asarray(m_samples, dtype=float)
    if m.ndim != 2 or m.shape[1] != 3 or m.shape[0] == 0:
        raise ParameterError(f"m_samples must have shape (N, 3) with N >= 1; got shape {m.shape}")
    if not np.all(np.isfinite(m)):
        raise ParameterError("m_samples contains NaN or Inf")
    dev = np.abs(np.linalg.norm(m, axis=1) - 1.0)
    if np.max(dev) > UNIT_VECTOR_TOLERANCE:
        i = int(np.argmax(dev))
        raise ParameterError(
            f"m_samples[{i}] = {m[i].tolist()} has |m| = {np.linalg.norm(m[i]):.8g}; every sample must be a unit "
            f"vector (|m| = 1 within {UNIT_VECTOR_TOLERANCE:g})"
        )
    return m


# -- bases ------------------------------------------------------------------
@dataclass(frozen=True)
class AngularBasis:
    """Vector basis functions b_k(m) of an angular expansion T(m) = Σ_k c_k b_k(m).

    Attributes
    ----------
    name
        Short name (``"eq35"``, ``"eq40"``, ``"garello"``, ``"symmetric"`` or user-defined).
    labels
        One label per coefficient.
    evaluate
        Maps m of shape (N, 3) to the basis vectors, shape (N, 3, K).
    """

    name: str
    labels: tuple[str, ...]
    evaluate: Callable[[np.ndarray], np.ndarray]

    def __call__(self, m_samples) -> np.ndarray:
        m = check_m_samples(m_samples)
        out = np.asarray(self.evaluate(m), dtype=float)
        if out.shape != (m.shape[0], 3, len(self.labels)):
            raise ValueError(f"basis {self.name!r} returned shape {out.shape}, expected "
                             f"{(m.shape[0], 3, len(self.labels))}")
        return out


def _frame(m: np.ndarray, direction) -> dict[str, np.ndarray]:
    """The vectors and scalars every basis is built from (arrays over samples)."""
    e = np.asarray(unit_vector("direction", direction, in_plane=True))
    u = np.cross(Z_HAT, e)
    uxm = np.cross(u, m)
    zxm = np.cross(Z_HAT, m)
    return {
        "uxm": uxm,
        "m_uxm": np.cross(m, uxm),
        "zxm": zxm,
        "m_zxm": np.cross(m, zxm),
        "mE": m @ e,
        "mu": m @ u,
        "mz": m[:, 2],
        "sin2": 1.0 - m[:, 2] ** 2,
    }


def eq35_basis(direction=(1.0, 0.0, 0.0)) -> AngularBasis:
    """T = T⊥ û×m + T∥ m×(û×m) (Eq. 35 with ŷ → û = ẑ × Ê)."""

    def ev(m):
        f = _frame(m, direction)
        return np.stack([f["uxm"], f["m_uxm"]], axis=2)

    return AngularBasis("eq35", ("T_perp", "T_par"), ev)


def _check_order(order: int) -> int:
    if int(order) != order or order < 1:
        raise ParameterError(f"order = {order!r} is invalid; valid range: integers >= 1 (number of sin²θ powers)")
    return int(order)


def garello_basis(order: int = 2, direction=(1.0, 0.0, 0.0)) -> AngularBasis:
    """Garello et al. (2013): Eq. 35 plus (m·Ê)-families in powers of sin²θ.

    T⊥ = T0⊥ û×m + (m·Ê) m×(ẑ×m) [T2⊥ + T4⊥ sin²θ + …],
    T∥ = T0∥ m×(û×m) + (m·Ê) ẑ×m [T2∥ + T4∥ sin²θ + …],
    with ``order`` anisotropic coefficients per parity.
    """
    n = _check_order(order)
    labels = ("T0_perp", "T0_par") + tuple(f"T{2 * (k + 1)}_perp" for k in range(n)) + tuple(
        f"T{2 * (k + 1)}_par" for k in range(n))

    def ev(m):
        f = _frame(m, direction)
        cols = [f["uxm"], f["m_uxm"]]
        cols += [(f["mE"] * f["sin2"] ** k)[:, None] * f["m_zxm"] for k in range(n)]
        cols += [(f["mE"] * f["sin2"] ** k)[:, None] * f["zxm"] for k in range(n)]
        return np.stack(cols, axis=2)

    return AngularBasis("garello", labels, ev)


def symmetric_basis(order: int = 2, direction=(1.0, 0.0, 0.0)) -> AngularBasis:
    """The complete C∞v expansion truncated at sin^{2(order−1)}θ.

    Field-like: û×m, (m·Ê) m×(ẑ×m) sin^{2k}θ, (m·û) m_z ẑ×m sin^{2k}θ;
    damping-like: m×(û×m), (m·Ê) ẑ×m sin^{2k}θ, (m·û) m_z m×(ẑ×m) sin^{2k}θ;
    k = 0 … order−1.  Labels: ``FL_E_k``, ``FL_uz_k``, ``DL_E_k``, ``DL_uz_k``.
    """
    n = _check_order(order)
    labels = ["T0_perp", "T0_par"]
    for fam in ("FL_E", "FL_uz", "DL_E", "DL_uz"):
        labels += [f"{fam}_{k}" for k in range(n)]

    def ev(m):
        f = _frame(m, direction)
        mumz = f["mu"] * f["mz"]
        cols = [f["uxm"], f["m_uxm"]]
        for scal, vec in ((f["mE"], f["m_zxm"]), (mumz, f["zxm"]), (f["mE"], f["zxm"]), (mumz, f["m_zxm"])):
            cols += [(scal * f["sin2"] ** k)[:, None] * vec for k in range(n)]
        return np.stack(cols, axis=2)

    return AngularBasis("symmetric", tuple(labels), ev)


@dataclass(frozen=True)
class Eq40Rates:
    """The dimensionless rates of Sec. IV that set Eq. 40's prefactors.

    β = τΔ(1/τsf + 1/τdp), ξ = β + τΔ/τφ, β̃ = β/(1+ξ²), χ = τsf/(τsf+τdp)
    (Sec. IV's definitions; with Sec. III's β = τΔ/τsf the form is not exact,
    docs/model.md §9 item 2).
    """

    beta: float
    xi: float
    beta_tilde: float
    chi: float

    @classmethod
    def from_coefficients(cls, c: Coefficients) -> Eq40Rates:
        if not c.inv_tau_delta > 0:
            raise ParameterError(
                f"inv_tau_delta = {c.inv_tau_delta!r} 1/fs is invalid for Eq. 40; valid range: (0, inf) (Δxc > 0)"
            )
        if not c.inv_tau_sf + c.inv_tau_dp > 0:
            raise ParameterError("Eq. 40 needs 1/τsf + 1/τdp > 0 (1/fs); got 0 for both")
        tau_delta = 1.0 / c.inv_tau_delta
        beta = tau_delta * (c.inv_tau_sf + c.inv_tau_dp)
        xi = beta + tau_delta * c.inv_tau_phi
        # χ = τsf/(τsf+τdp) written with rates so that τsf = ∞ gives χ = 1
        chi = c.inv_tau_dp / (c.inv_tau_sf + c.inv_tau_dp)
        return cls(beta=beta, xi=xi, beta_tilde=beta / (1.0 + xi**2), chi=chi)

    def prefactors(self, mz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(γθ, χθ) of Eq. 31 with cos θ = m_z."""
        chi_t = self.chi / (1.0 + self.chi * mz**2)
        gamma = 1.0 / (1.0 + self.xi * self.beta_tilde * chi_t * (1.0 - mz**2))
        return gamma, chi_t


def eq40_basis(coefficients: Coefficients, direction=(1.0, 0.0, 0.0)) -> AngularBasis:
    """Eq. 40 with the material's γθ, χθ; coefficients labelled as :data:`EQ40_LABELS`.

    T = γθ (T0⊥ û×m + T0∥ m×(û×m)) + γθχθ (Tx⊥ m_E + Tyz⊥ m_u m_z) ẑ×m
        + γθχθ (Tx∥ m_E + Tyz∥ m_u m_z) m×(ẑ×m)
    (the paper's ŷ, mx, my are û, m·Ê, m·û here).
    """
    rates = Eq40Rates.from_coefficients(coefficients)

    def ev(m):
        f = _frame(m, direction)
        g, ct = rates.prefactors(f["mz"])
        gc = g * ct
        mumz = f["mu"] * f["mz"]
        cols = [g[:, None] * f["uxm"], g[:, None] * f["m_uxm"],
                (gc * f["mE"])[:, None] * f["zxm"], (gc * mumz)[:, None] * f["zxm"],
                (gc * f["mE"])[:, None] * f["m_zxm"], (gc * mumz)[:, None] * f["m_zxm"]]
        return np.stack(cols, axis=2)

    return AngularBasis("eq40", EQ40_LABELS, ev)


def make_basis(basis: str | AngularBasis, *, order: int = 2, coefficients: Coefficients | None = None,
               direction=(1.0, 0.0, 0.0)) -> AngularBasis:
    """A basis by name (see :data:`BASIS_NAMES`) or pass an :class:`AngularBasis` through."""
    if isinstance(basis, AngularBasis):
        return basis
    if basis == "eq35":
        return eq35_basis(direction)
    if basis == "garello":
        return garello_basis(order, direction)
    if basis == "symmetric":
        return symmetric_basis(order, direction)
    if basis == "eq40":
        if coefficients is None:
            raise ParameterError("basis = 'eq40' needs coefficients= (the material's Coefficients) for γθ and χθ")
        return eq40_basis(coefficients, direction)
    raise ParameterError(f"basis = {basis!r} is invalid; valid values: {BASIS_NAMES} or an AngularBasis")


# -- closed forms -------------------------------------------------------------
def eq41_coefficients(c: Coefficients, drive: Drive, *, printed: bool = True) -> dict[str, float]:
    """Eq. 41's amplitudes in 1/(nm² fs) (same units as the torque), keyed as :data:`EQ40_LABELS`.

    ``printed=True``: as printed (T⁰⊥/T⁰∥ swapped, Tx⊥ with the wrong sign,
    Tyz⊥ different).  ``printed=False``: re-derived from Eq. 32 with its
    β̃ m×X sign corrected (docs/model.md §9 item 1) and the source of Eq. 39;
    docs/angular.md shows the algebra and the fit confirms it.
    With B, Γ, C, R, PF as in Eq. 33; rates as :class:`Eq40Rates`.
    """
    r = Eq40Rates.from_coefficients(c)
    pre = drive.efield_v_per_m * V_PER_M_TO_EV_PER_NM * c.NF  # eENF
    b, xi, bt = r.beta, r.xi, r.beta_tilde
    cpf = c.C * c.PF
    bg = c.B + c.Gamma * c.PF
    br = c.B + 2.0 * c.R
    # the two Eq. 35-like amplitudes: what the paper calls T⁰∥ is the û×m (field-like) one
    fl = pre * (2.0 * (1.0 - xi * bt) * cpf + bt * bg)
    dl = pre * (-2.0 * bt * cpf + (1.0 - xi * bt) * bg)
    tx_par = -pre * bt * bg
    tyz_par = pre * (2.0 * bt * cpf - (1.0 - xi * bt) * br)
    if printed:
        return {
            "T0_perp": dl,
            "T0_par": fl,
            "Tx_perp": -pre * bt * (xi - b) * bg,
            "Tyz_perp": -pre * (2.0 * (xi - b) * cpf + (1.0 - xi * bt) * br),
            "Tx_par": tx_par,
            "Tyz_par": tyz_par,
        }
    return {
        "T0_perp": fl,
        "T0_par": dl,
        "Tx_perp": pre * bt * (xi - b) * bg,
        "Tyz_perp": -pre * bt * (2.0 * (xi - b) * cpf + br),
        "Tx_par": tx_par,
        "Tyz_par": tyz_par,
    }


# -- the fit ----------------------------------------------------------------
@dataclass(frozen=True)
class AngularFit:
    """Result of :func:`fit_angular`.

    Attributes
    ----------
    basis
        The basis name.
    labels, values
        Coefficient labels and values (units of the torque vectors given).
    residual_norm
        ‖A c − T‖₂ over all samples and components (torque units).
    relative_residual
        ``residual_norm / ‖T‖₂`` (NaN if every torque is zero).
    max_residual
        Largest |A c − T| of any component (torque units).
    rank, condition
        Numerical rank and 2-norm condition number (σmax/σmin) of the design
        matrix A (3N × K); ``condition`` is inf when rank < K.
    singular_values
        Those of A, descending.
    n_samples
        N.
    """

    basis: str
    labels: tuple[str, ...]
    values: np.ndarray
    residual_norm: float
    relative_residual: float
    max_residual: float
    rank: int
    condition: float
    singular_values: np.ndarray
    n_samples: int

    @property
    def coefficients(self) -> dict[str, float]:
        return {k: float(v) for k, v in zip(self.labels, self.values, strict=True)}

    @property
    def full_rank(self) -> bool:
        return self.rank == len(self.labels)


def design_matrix(basis: AngularBasis, m_samples) -> np.ndarray:
    """A (3N × K): rows (sample, component), columns basis functions."""
    b = basis(m_samples)
    return b.reshape(-1, b.shape[2])


def fit_angular(m_samples, torque_vectors, basis: str | AngularBasis = "symmetric", *, order: int = 2,
                coefficients: Coefficients | None = None, direction=(1.0, 0.0, 0.0)) -> AngularFit:
    """Least-squares fit of torque vectors T(m_i) to an angular basis.

    Parameters
    ----------
    m_samples
        Unit magnetizations, shape (N, 3).
    torque_vectors
        Torques at those m, shape (N, 3), any unit (the coefficients inherit it).
    basis
        A name of :data:`BASIS_NAMES` or an :class:`AngularBasis`.
    order
        Number of sin²θ powers per anisotropic family (``garello``, ``symmetric``).
    coefficients
        The material, for ``basis="eq40"`` (γθ, χθ).
    direction
        Ê (in-plane unit vector); û = ẑ × Ê.

    Returns
    -------
    AngularFit
        Coefficients, residuals (absolute and relative) and the rank and
        condition number of the design matrix.  A rank-deficient design (too
        few or too symmetric samples) is reported, not hidden: the minimum-norm
        solution is returned and ``full_rank`` is False.

    Notes
    -----
    A fit is only a test of a basis when the data over-determine it: with p
    distinct values of sin²θ on the grid, a ``symmetric``/``garello`` basis of
    order ≥ p interpolates rather than fits (and may lose rank).
    """
    m = check_m_samples(m_samples)
    T = np.asarray(torque_vectors, dtype=float)
    if T.shape != m.shape:
        raise ParameterError(f"torque_vectors must have shape {m.shape} (one 3-vector per m sample); got {T.shape}")
    if not np.all(np.isfinite(T)):
        raise ParameterError("torque_vectors contains NaN or Inf")
    b = make_basis(basis, order=order, coefficients=coefficients, direction=direction)
    A = design_matrix(b, m)
    y = T.ravel()
    # Scale columns to unit norm so that a basis function that is merely small
    # is not mistaken for a missing one; one that vanishes on every sample up to
    # round-off (e.g. m·û = 0 on all samples) is left alone and counts as rank loss.
    norms = np.linalg.norm(A, axis=0)
    vanishing = norms <= RANK_TOLERANCE * max(float(norms.max()), np.finfo(float).tiny)
    scale = np.where(vanishing, 1.0, norms)
    sol, _, rank, _ = np.linalg.lstsq(A / scale, y, rcond=RANK_TOLERANCE)
    values = sol / scale
    sv_a = np.linalg.svd(A, compute_uv=False)
    resid = A @ values - y
    ynorm = float(np.linalg.norm(y))
    rnorm = float(np.linalg.norm(resid))
    k = len(b.labels)
    cond = float(sv_a[0] / sv_a[-1]) if rank == k and sv_a[-1] > 0 else float("inf")
    return AngularFit(
        basis=b.name,
        labels=b.labels,
        values=values,
        residual_norm=rnorm,
        relative_residual=rnorm / ynorm if ynorm > 0 else float("nan"),
        max_residual=float(np.max(np.abs(resid))),
        rank=int(rank),
        condition=cond,
        singular_values=sv_a,
        n_samples=m.shape[0],
    )


def synthesize(basis: AngularBasis, m_samples, values) -> np.ndarray:
    """T(m) = Σ_k values[k] b_k(m), shape (N, 3)."""
    v = np.asarray(values, dtype=float)
    b = basis(m_samples)
    if v.shape != (b.shape[2],):
        raise ParameterError(f"values must have shape ({b.shape[2]},) for basis {basis.name!r}; got {v.shape}")
    return b @ v


# -- sampling ---------------------------------------------------------------
def bulk_torques(film: Film | Coefficients, drive: Drive, m_samples, *, hall_free_normal=None) -> np.ndarray:
    """Infinite-medium torque vectors (Eq. 24 of the exact Eq. 26 solution), shape (N, 3), 1/(nm² fs).

    ``hall_free_normal`` as in :func:`~rashba_diffusion.physics.bulk.solve_bulk` (the wire's interior reference).
    """
    m = check_m_samples(m_samples)
    c = film if isinstance(film, Coefficients) else film.coefficients()  # derive the coefficients once
    return np.array([solve_bulk(c, drive, mi, hall_free_normal=hall_free_normal).torque for mi in m])
