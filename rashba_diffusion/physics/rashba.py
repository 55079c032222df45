"""The Rashba ferromagnetic film: material, drive, the derived coefficients of Eq. 15, parameter sets.

Units: see :mod:`rashba_diffusion.units` (internal nm, fs, eV; SI in field names and outputs).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..errors import ParameterError
from ..units import ELEMENTARY_CHARGE_C, FS, HBAR2_OVER_2ME_EV_NM2, HBAR_EV_FS, V_PER_M_TO_EV_PER_NM
from ..validation import check_finite, check_magnitude, check_positive, unit_vector

#: the valid ranges of the film's inputs (docs/reliability.md, "Bounds").  Each spans a few orders of magnitude
#: beyond any material measured (α up to 0.4 eV·nm in BiTeI; τ between 1e-16 and 1e-12 s; Δxc up to a few eV;
#: kF from 0.1 nm⁻¹ in 2D gases to 20 nm⁻¹ in metals), so that no study is refused, and keeps every coefficient
#: of Eq. 15 between about 1e-80 and 1e80 in internal units: inside floating point with a wide margin (1e300
#: overflowed before).  Times may also be ``inf`` where that switches a process off (τsf, τΔ).
MAX_ALPHA_EV_NM = 10.0
TIME_RANGE_S = (1e-18, 1e-3)
MAX_TAU_S = 1e-9  # momentum relaxation beyond 1 ns: ballistic, far outside a diffusion model
MAX_DELTA_XC_EV = 10.0
KF_RANGE_PER_NM = (1e-3, 1e2)
MASS_RATIO_RANGE = (1e-3, 1e3)
#: |E| (V/m): 10 V/nm, far beyond dielectric breakdown; the response is linear in E in any case
MAX_EFIELD_V_PER_M = 1e10
#: ς² above this leaves the dirty limit the diffusion equations are derived in (ς ≪ 1): a warning
VARSIGMA2_VALID = 1.0

PolarizationRule = Literal["hamiltonian", "eq17", "eq38"]
#: the polarization rules, the default first (docs/model.md §1, §9 items 4 and 11)
POLARIZATION_RULES = ("hamiltonian", "eq17", "eq38")
PrecessionRule = Literal["eq17", "eq15"]
ChargeCoupling = Literal["projected", "printed"]

#: how the film's torque T (Eq. 24) enters the LLG equation: ṁ = LLG_TORQUE_SIGN · γħT/(Ms t).
#: T is the spin angular momentum (units ħ) the conduction electrons hand to the magnet per area and
#: time, and m is the magnetization direction (Eq. 17's precession sign fixes H ∋ +(Δxc/2)σ·m); the
#: magnet's angular momentum per area is −(Ms t/γ) m, so −(Ms t/γ) ṁ = ħT (docs/model.md §7, §10).
LLG_TORQUE_SIGN = -1


def polarization_for_rule(rule: PolarizationRule, delta_xc_ev: float, eps_f_ev: float) -> float:
    """PF of a polarization rule (S0 = n PF m; docs/model.md §1 and §9 items 4, 11).

    ``"hamiltonian"``: −Δxc/(4εF) (the Stoner bands of H ∋ +(Δxc/2)σ·m; exact for any α with both bands
    occupied); ``"eq17"``: +Δxc/εF (as printed); ``"eq38"``: +Δxc/(2εF).
    """
    if rule == "hamiltonian":
        return -delta_xc_ev / (4.0 * eps_f_ev)
    if rule == "eq17":
        return delta_xc_ev / eps_f_ev
    if rule == "eq38":
        return delta_xc_ev / (2.0 * eps_f_ev)
    raise ParameterError(f"polarization_rule = {rule!r} is invalid; valid values: {POLARIZATION_RULES}")


@dataclass(frozen=True)
class Film:
    """The ferromagnetic film with Rashba coupling (Hamiltonian of Sec. II).

    Parameters
    ----------
    alpha_ev_nm
        Rashba constant α in eV·nm (>= 0).
    tau_s
        Momentum relaxation time τ in s.
    tau_sf_s
        Isotropic spin-flip time τsf in s (``inf`` switches spin flip off).
    kf_per_nm
        Fermi wave vector kF in 1/nm.
    delta_xc_ev
        Exchange splitting Δxc in eV (>= 0).  Give this or ``tau_delta_s``.
    tau_delta_s
        Precession time τΔ = ħ/Δxc in s (Eq. 17's definition).
    mass_ratio
        Effective mass m*/mₑ.
    polarization
        Override of the spin polarization PF (dimensionless, in [-1, 1]).
        ``None`` applies ``polarization_rule``.
    polarization_rule
        The equilibrium spin S0 = n PF m (docs/model.md §1, §9 items 4 and 11):
        ``"hamiltonian"`` (default): PF = −Δxc/(4εF), the Stoner bands of
        H ∋ +(Δxc/2)σ·m (the Hamiltonian whose precession term is Eq. 17's):
        S0 points against m and is 4× smaller than printed; the only rule with
        which spin pumping damps.  ``"eq17"``: PF = +Δxc/εF, as printed with
        Eq. 38 (reproduces the paper's Figs. 2-3); ``"eq38"``: PF = Δxc/(2εF),
        the choice that reproduces Eq. 38.
    precession_rule
        ``"eq17"``: 1/τΔ = Δxc/ħ (default); ``"eq15"``: 1/τΔ = 2Δ̃xc/ħ =
        Δxc/(ħ(4ς²+1)) (docs/model.md §9 item 7).
    charge_coupling
        ``"projected"`` (default): the B and R couplings of the charge
        equation as obtained by projecting Eq. 15 with ρ = n/2 + S·σ (4B, 8R);
        ``"printed"``: Eq. 16 as printed (B, R).  See docs/model.md.
    charge_gamma
        Keep Eq. 16's Γ∇z·(m n) acting on the E-linear density ν (default
        ``False``: dropped; it advects a uniform density shift sideways and so
        contradicts equilibrium in a bounded sample, see docs/model.md).
    """

    alpha_ev_nm: float
    tau_s: float
    tau_sf_s: float
    kf_per_nm: float
    delta_xc_ev: float | None = None
    tau_delta_s: float | None = None
    mass_ratio: float = 1.0
    polarization: float | None = None
    polarization_rule: PolarizationRule = "hamiltonian"
    precession_rule: PrecessionRule = "eq17"
    charge_coupling: ChargeCoupling = "projected"
    charge_gamma: bool = False

    def __post_init__(self) -> None:
        a = check_magnitude("alpha_ev_nm", self.alpha_ev_nm, "eV·nm", MAX_ALPHA_EV_NM, nonnegative=True)
        object.__setattr__(self, "alpha_ev_nm", a)
        t_lo, t_hi = TIME_RANGE_S
        object.__setattr__(self, "tau_s", check_positive("tau_s", self.tau_s, "s", lower=t_lo, upper=MAX_TAU_S))
        object.__setattr__(self, "tau_sf_s", check_positive("tau_sf_s", self.tau_sf_s, "s", allow_inf=True,
                                                            lower=t_lo, upper=t_hi))
        lo, hi = KF_RANGE_PER_NM
        object.__setattr__(self, "kf_per_nm", check_positive("kf_per_nm", self.kf_per_nm, "1/nm", lower=lo, upper=hi))
        lo, hi = MASS_RATIO_RANGE
        object.__setattr__(self, "mass_ratio", check_positive("mass_ratio", self.mass_ratio, "mₑ", lower=lo, upper=hi))
        if (self.delta_xc_ev is None) == (self.tau_delta_s is None):
            raise ParameterError(
                "give exactly one of delta_xc_ev (eV, >= 0) and tau_delta_s (s, > 0); "
                f"got delta_xc_ev = {self.delta_xc_ev!r}, tau_delta_s = {self.tau_delta_s!r}"
            )
        if self.delta_xc_ev is not None:
            d = check_magnitude("delta_xc_ev", self.delta_xc_ev, "eV", MAX_DELTA_XC_EV, nonnegative=True)
            object.__setattr__(self, "delta_xc_ev", d)
        else:
            t = check_positive("tau_delta_s", self.tau_delta_s, "s", allow_inf=True, lower=t_lo, upper=t_hi)
            object.__setattr__(self, "tau_delta_s", t)
        if self.polarization is not None:
            p = check_finite("polarization", self.polarization, "(dimensionless)")
            if abs(p) > 1:
                raise ParameterError(f"polarization = {p!r} (dimensionless) is invalid; valid range: [-1, 1]")
            object.__setattr__(self, "polarization", p)
        if a == 0.0 and math.isinf(self.tau_sf_s):
            # nothing relaxes the spin along m (DP needs α, dephasing acts across m): no steady state exists
            raise ParameterError("alpha_ev_nm = 0.0 eV·nm with tau_sf_s = inf s leaves no relaxation of the spin along "
                                 "m: the equations are singular; valid: alpha_ev_nm > 0 or a finite tau_sf_s")
        for name, allowed in (
            ("polarization_rule", POLARIZATION_RULES),
            ("precession_rule", ("eq17", "eq15")),
            ("charge_coupling", ("projected", "printed")),
        ):
            if getattr(self, name) not in allowed:
                raise ParameterError(f"{name} = {getattr(self, name)!r} is invalid; valid values: {allowed}")

    @property
    def exchange_ev(self) -> float:
        """Δxc in eV (from ``delta_xc_ev`` or ħ/τΔ)."""
        if self.delta_xc_ev is not None:
            return self.delta_xc_ev
        return HBAR_EV_FS / (self.tau_delta_s / FS)

    def replace(self, **changes) -> Film:
        """A copy with some fields changed (validated again).

        Setting ``delta_xc_ev`` clears ``tau_delta_s`` and vice versa.
        """
        if "delta_xc_ev" in changes and "tau_delta_s" not in changes:
            changes["tau_delta_s"] = None
        if "tau_delta_s" in changes and "delta_xc_ev" not in changes:
            changes["delta_xc_ev"] = None
        return dataclasses.replace(self, **changes)

    def coefficients(self) -> Coefficients:
        """The derived coefficients of Eq. 15-17 in internal units."""
        return Coefficients.from_film(self)


#: the field of ``rashba-diffusion wire``/``bulk`` and of :class:`Drive` when none is given (V/m)
DEFAULT_EFIELD_V_PER_M = 1e5


@dataclass(frozen=True)
class Drive:
    """The applied electric field.

    Parameters
    ----------
    efield_v_per_m
        Field magnitude |E| in V/m (finite; 0 allowed); default :data:`DEFAULT_EFIELD_V_PER_M`, the CLI's.
    direction
        In-plane unit vector Ê (default x̂, the wire axis).
    """

    efield_v_per_m: float = DEFAULT_EFIELD_V_PER_M
    direction: tuple[float, float, float] = (1.0, 0.0, 0.0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "efield_v_per_m",
                           check_magnitude("efield_v_per_m", self.efield_v_per_m, "V/m", MAX_EFIELD_V_PER_M))
        object.__setattr__(self, "direction", unit_vector("direction", self.direction, in_plane=True))

    @property
    def e_field_ev_per_nm(self) -> np.ndarray:
        """The vector eE in eV/nm (e > 0 the elementary charge)."""
        return self.efield_v_per_m * V_PER_M_TO_EV_PER_NM * np.asarray(self.direction)

    @property
    def transverse(self) -> np.ndarray:
        """ẑ × Ê: the axis that plays ŷ's role in the torque decomposition."""
        ex, ey, _ = self.direction  # in plane (checked): ẑ × Ê = (−E_y, E_x, 0)
        return np.array([-ey, ex, 0.0])


@dataclass(frozen=True)
class Coefficients:
    """Coefficients of Eqs. 15-17 in internal units (nm, fs, eV), ħ restored.

    Velocities (C, Γ, R, B) in nm/fs, rates in 1/fs, D in nm²/fs, NF in
    1/(eV·nm²), εF in eV.
    """

    D: float
    B: float
    C: float
    Gamma: float
    R: float
    inv_tau_dp: float
    inv_tau_phi: float
    inv_tau_delta: float
    inv_tau_sf: float
    NF: float
    PF: float
    eps_F: float
    v_F: float
    n: float
    varsigma2: float
    #: multiplier of B in the charge equation (4 projected, 1 printed)
    charge_B_factor: float
    #: multiplier of R in the charge equation (8 projected, 1 printed)
    charge_R_factor: float
    #: multiplier of Γ in the charge equation (1 with ``charge_gamma``, else 0)
    charge_G_factor: float

    @classmethod
    def from_film(cls, film: Film) -> Coefficients:
        hbar = HBAR_EV_FS
        tau = film.tau_s / FS
        kf = film.kf_per_nm
        h2m = HBAR2_OVER_2ME_EV_NM2 / film.mass_ratio  # ħ²/2m*
        eps_f = h2m * kf**2
        v_f = 2.0 * h2m * kf / hbar  # ħkF/m* in nm/fs
        delta = film.exchange_ev
        alpha = film.alpha_ev_nm
        ak = alpha * kf / hbar  # αkF/ħ, 1/fs
        dx = delta / hbar  # Δxc/ħ, 1/fs
        varsigma2 = (dx**2 / 4.0 + ak**2) * tau**2
        q = 4.0 * varsigma2 + 1.0
        if film.precession_rule == "eq17":
            inv_tau_delta = dx
        else:
            inv_tau_delta = dx / q
        pf = film.polarization if film.polarization is not None else polarization_for_rule(
            film.polarization_rule, delta, eps_f)
        projected = film.charge_coupling == "projected"
        return cls(
            D=tau * v_f**2 / 2.0,
            B=2.0 * (alpha / hbar) * ak**2 * tau**2 / q,
            C=ak * v_f * tau / q**2,
            Gamma=ak * dx * v_f * tau**2 / (2.0 * q**2),
            R=(alpha / hbar) * dx**2 * tau**2 / (2.0 * q),
            inv_tau_dp=2.0 * ak**2 * tau / q,
            inv_tau_phi=dx**2 * tau / q,
            inv_tau_delta=inv_tau_delta,
            inv_tau_sf=0.0 if math.isinf(film.tau_sf_s) else FS / film.tau_sf_s,
            NF=1.0 / (2.0 * math.pi * h2m),  # m*/(πħ²), both spins
            PF=pf,
            eps_F=eps_f,
            v_F=v_f,
            n=kf**2 / (2.0 * math.pi),
            varsigma2=varsigma2,
            charge_B_factor=4.0 if projected else 1.0,
            charge_R_factor=8.0 if projected else 1.0,
            charge_G_factor=1.0 if film.charge_gamma else 0.0,
        )

    @property
    def s0_per_nm2(self) -> float:
        """s0 = n PF in ħ/nm²: the equilibrium spin density S0 = s0 m (negative with the ``"hamiltonian"`` rule:
        the conduction spin points against m, its magnetic moment along m)."""
        return self.n * self.PF

    @property
    def sheet_conductance_s(self) -> float:
        """The film's Drude sheet conductance σ = e² NF D = e² n τ/m* in S (docs/model.md §2): the electric current
        per width is j_sheet = σE, along +E."""
        # e² NF D with NF in 1/(eV nm²) and D in nm²/fs: the nm² cancel, 1/eV -> 1/J takes one e, 1/fs -> 1/s
        return ELEMENTARY_CHARGE_C * self.NF * self.D / FS

    def lengths_nm(self) -> dict[str, float]:
        """Diffusion/precession lengths sqrt(D τ_i) in nm (inf where a rate is 0)."""
        out = {}
        for name, rate in (
            ("lambda_sf", self.inv_tau_sf),
            ("lambda_dp", self.inv_tau_dp),
            ("lambda_phi", self.inv_tau_phi),
            ("lambda_delta", self.inv_tau_delta),
        ):
            out[name] = math.sqrt(self.D / rate) if rate > 0 else math.inf
        # Rashba precession length D/(2C): spin rotates by ~1 rad over it
        out["lambda_C"] = self.D / (2.0 * self.C) if self.C > 0 else math.inf
        return out

    def shortest_length_nm(self) -> float:
        """The shortest physical length; meshes must resolve it."""
        return min(self.lengths_nm().values())


def validity_warnings(films: Film | Sequence[Film], cell_nm: float | None = None) -> list[str]:
    """Where ``films`` (one, or a sweep's) and a mesh of cells ``cell_nm`` leave the model's validity: messages.

    * ς² > :data:`VARSIGMA2_VALID`: the diffusion equations (Eqs. 15-17) are derived in the dirty limit ς ≪ 1;
    * a cell coarser than the shortest physical length: the mesh does not resolve the solution's boundary
      layers (the default cells are 0.1 of it in 1D, 0.5 in 2D).
    """
    films = [films] if isinstance(films, Film) else list(films)
    coeffs = [f.coefficients() for f in films]
    out = []
    high = [c.varsigma2 for c in coeffs if c.varsigma2 > VARSIGMA2_VALID]
    if high:
        where = "" if len(films) == 1 else f" at {len(high)} of {len(films)} points"
        out.append(f"varsigma^2 = [(Δxc/ħ)²/4 + (αkF/ħ)²] τ² = {max(high):.3g} > {VARSIGMA2_VALID:g}{where}: outside "
                   "the dirty limit (ς ≪ 1) the diffusion equations are derived in; the results are not reliable")
    lam = min(c.shortest_length_nm() for c in coeffs)
    if cell_nm is not None and math.isfinite(lam) and cell_nm > lam:
        out.append(f"cell_nm = {cell_nm:g} nm is coarser than the shortest physical length {lam:.3g} nm: the mesh "
                   "does not resolve the edge layers (default cells: 0.1 of it in 1D, 0.5 in 2D)")
    return out


def paper_film(alpha_ev_nm: float = 5e-2, **overrides) -> Film:
    """The material of the paper's Figs. 2-3 (τ = 1e-15 s, τΔ = 1e-14 s, τsf = 1e-12 s, kF = 4.3 /nm,
    free-electron mass); the defaults of the command line and of the TOML schema are read from it."""
    kw = dict(alpha_ev_nm=alpha_ev_nm, tau_s=1e-15, tau_sf_s=1e-12, kf_per_nm=4.3, tau_delta_s=1e-14)
    kw.update(overrides)
    if "delta_xc_ev" in overrides:
        kw.pop("tau_delta_s")
    return Film(**kw)


@dataclass(frozen=True)
class RashbaPoint:
    """One parameter set of the Rashba film: material, drive and a uniform magnetization (validated).

    The wire and film sessions solve these (:meth:`rashba_diffusion.problems.wire.WireSession.solve`).
    """

    film: Film
    drive: Drive
    m: tuple[float, float, float]

    def __post_init__(self) -> None:
        object.__setattr__(self, "m", unit_vector("m", self.m))


def film_conventions(film: Film, drive: Drive) -> dict:
    """Every physics convention in force for a film solve (the ``provenance.conventions`` of ``summary.json``;
    README "Sign conventions", docs/model.md §7, §10)."""
    c = film.coefficients()
    return {
        "polarization_rule": film.polarization_rule if film.polarization is None else "explicit polarization",
        "polarization_PF": c.PF,
        "equilibrium_spin": "S0 = n PF m (hbar/m^2; PF < 0: S0 against m)",
        "precession_rule": film.precession_rule,
        "charge_coupling": film.charge_coupling,
        "charge_gamma": film.charge_gamma,
        "electron_charge": "-e (e > 0); nu is the E-linear electron number density",
        "spin_density": "s: spin angular momentum density in units of hbar (not a magnetic moment)",
        "current": "j = sigma E along +E, sigma = e^2 n tau/m* (Drude, per width: j_sheet_A_per_m)",
        "e_direction": list(drive.direction),
        "u_hat": (drive.transverse + 0.0).tolist(),  # + 0.0: no -0.0
        "torque": "T = -(1/tau_Delta) m x dS + (1/tau_phi) dS, dS = s - (s.m) m (Eq. 24); hbar*T in J/m^2",
        "torque_decomposition": "T = T_perp u x m + T_par m x (u x m), u = z x E_hat (T_perp field-like)",
        "llg_torque_sign": LLG_TORQUE_SIGN,
        "torque_to_magnetization": "dm/dt = llg_torque_sign * gamma * hbar*T / (Ms t)",
        "dl_fl": "T_FL = llg_torque_sign * hbar*T_perp, T_DL = llg_torque_sign * hbar*T_par: "
                 "dm/dt = gamma (T_FL u x m + T_DL m x (u x m)) / (Ms t), the bilayer's form with u for sigma_hat",
        "effective_fields": "B = B_FL u + B_DL m x u acts as dm/dt = -gamma m x B: B_FL = T_FL/(Ms t), "
                            "B_DL = T_DL/(Ms t)",
        "efficiency": "xi = (2e/hbar) T / j, j = j_sheet / t",
    }
