"""The macrospin LLG driven by the package's own torques: the Rashba film's or the bilayer's torque solved for
the current m (self-consistent), and the session of the ``llg`` sweep (docs/model.md §13.3, §13.11).

A torque source is a callable τ(m, t) in 1/s (the hook of :func:`~rashba_diffusion.physics.macrospin.run_macrospin`)
that owns one session for the whole run:

* :class:`RashbaTorque`: one :class:`~rashba_diffusion.problems.wire.WireSession` (1D cross-section); every
  evaluation at a new m is a solve (the torque of the film has no finite angular expansion).  The results are
  cached by the exact bits of m (up to :data:`CACHE_SIZE` of them): a stored state of the integration is the
  normalized first-same-as-last stage of its step, so the time series' torque column costs no solve.
* :class:`BilayerTorque`: one :class:`~rashba_diffusion.problems.bilayer.BilayerSession` (1D).  The 1D bilayer's
  torque has the exact angular structure T(m) = T_DL m×(σ̂×m) + T_FL σ̂×m with T_DL, T_FL independent of m
  (the equations are invariant under a rotation of spin space that turns m and the source together,
  docs/model.md §11.5) and linear in j: ``evaluation="structure"`` (default) takes them from one solve and
  checks the structure with a second solve at the final m (:meth:`BilayerTorque.structure_residual`);
  ``evaluation="solve"`` solves at every new m as for the Rashba film.

The sign of the mapping of a torque per area T (J/m²) onto the LLG, ṁ ∋ sign·γT/(Ms d), is
 ``physics.rashba.LLG_TORQUE_SIGN`` for the Rashba film (Eq. 24's T is the angular momentum handed to the magnet, whose
moment is opposite to its spin: −1) and ``physics.bilayer.LLG_TORQUE_SIGN`` for the bilayer (+1: the bilayer's
spin variables denote the moment direction, docs/model.md §10, §13.3), the one place of each model's choice.
"""

from __future__ import annotations

import math
import time

import numpy as np

from ..errors import ParameterError
from ..fem._compat import MPI
from ..physics.bilayer import DEFAULTS, SIGMA_HAT, BilayerPoint, Ferromagnet, HeavyMetal, Interface
from ..physics.bilayer import LLG_TORQUE_SIGN as BILAYER_SIGN
from ..physics.llg import MacrospinParameters, torque_from_areal_torque
from ..physics.macrospin import MacrospinPoint, MacrospinResult
from ..physics.rashba import LLG_TORQUE_SIGN as RASHBA_SIGN
from ..physics.rashba import Drive, Film, RashbaPoint
from ..physics.torque import torque_to_j_per_m2
from ..physics.vectors import cross
from ..units import GAMMA_E_RAD_PER_S_T, NM
from .base import Result
from .bilayer import BilayerSession
from .specs import BilayerSpec, WireSpec
from .wire import WireSession

#: solves kept in the cache (the oldest are dropped first; ~250 bytes each)
CACHE_SIZE = 200_000
#: evaluations of the bilayer's torque
EVALUATIONS = ("structure", "solve")


class SolvedTorque:
    """m ↦ T(m) in J/m² by a solve at m (normalized), cached by the exact bits of m; the cost is counted.

    Subclasses provide :meth:`_solve`.  Calling the object gives τ(m, t) in 1/s (sign·γT/(Ms d)).
    """

    def __init__(self, ms_a_per_m: float, thickness_nm: float, gamma_rad_per_s_t: float, sign: int):
        self._tau = torque_from_areal_torque(self.torque_j_per_m2, ms_a_per_m, thickness_nm, gamma_rad_per_s_t,
                                             sign=sign)
        self.sign = sign
        self._cache: dict[bytes, np.ndarray] = {}
        self.solves = 0
        self.cache_hits = 0
        self.solve_seconds = 0.0

    def _solve(self, m: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def torque_j_per_m2(self, m) -> np.ndarray:
        """T (J/m²) at the unit vector m/|m|: a solve, or the cached one at the same bits.

        The cache is keyed by m/|m| and by m: Dormand–Prince stores m/|m| of the stage it evaluated (whose own
        normalization may move the last bit), the midpoint rule the state it evaluated.
        """
        m = np.asarray(m, dtype=float)
        unit = m / np.linalg.norm(m)
        for key in (m.tobytes(), unit.tobytes()):
            if key in self._cache:
                self.cache_hits += 1
                return self._cache[key]
        t0 = time.perf_counter()
        value = np.asarray(self._solve(unit), dtype=float)
        self.solve_seconds += time.perf_counter() - t0
        self.solves += 1
        while len(self._cache) >= CACHE_SIZE:
            del self._cache[next(iter(self._cache))]
        self._cache[unit.tobytes()] = value
        self._cache[m.tobytes()] = value  # the midpoint rule evaluates, and stores, unnormalized states
        return value

    def __call__(self, m: np.ndarray, t: float) -> np.ndarray:
        return self._tau(m, t)

    def close(self) -> None:
        """Release the session's PETSc objects (subclasses)."""

    def __enter__(self) -> SolvedTorque:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def cost(self) -> dict:
        """The solves, the cache hits and the wall time of the solves (s, this rank)."""
        return {"torque_solves": self.solves, "torque_cache_hits": self.cache_hits,
                "torque_solve_seconds": self.solve_seconds}


class RashbaTorque(SolvedTorque):
    """The torque of the Rashba film (the 1D wire cross-section) solved at every m (one :class:`WireSession`).

    Parameters
    ----------
    film, drive
        The film and its electric field.
    spec
        The wire's cross-section (``geometry = "1d"``).
    ms_a_per_m, thickness_nm
        Ms and the film thickness t of τ = sign·γħT/(Ms t).
    gamma_rad_per_s_t
        γ of the macrospin.
    """

    def __init__(self, film: Film, drive: Drive, spec: WireSpec, ms_a_per_m: float, thickness_nm: float,
                 gamma_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T, comm: MPI.Comm | None = None,
                 petsc_options: dict | None = None, m_start=(1.0, 0.0, 0.0)):
        if spec.geometry != "1d":
            raise ParameterError(f"geometry = {spec.geometry!r} is invalid for the macrospin's Rashba torque; "
                                 "valid values: '1d' (a solve per torque evaluation)")
        super().__init__(ms_a_per_m, thickness_nm, gamma_rad_per_s_t, RASHBA_SIGN)
        self.film, self.drive = film, drive
        self.session = WireSession(RashbaPoint(film, drive, m_start), spec, comm or MPI.COMM_WORLD, petsc_options)

    def _solve(self, m: np.ndarray) -> np.ndarray:
        r = self.session.solve(RashbaPoint(self.film, self.drive, m))
        return torque_to_j_per_m2(r.torque_vector)

    def summary(self, m_final) -> dict:
        """What the JSON reports about the torque: its source, the mesh and the cost."""
        return {"torque_source": "rashba", "torque_evaluation": "solve", "llg_torque_sign": self.sign,
                "dofs": self.session.ndofs, "cell_nm": self.session.cell_nm, **self.cost()}

    def close(self) -> None:
        self.session.close()


class BilayerTorque(SolvedTorque):
    """The torque of the 1D HM/FM bilayer (ideal-sink FM) at the current m (one :class:`BilayerSession`).

    Parameters
    ----------
    hm, interface
        The heavy metal and the mixing interface.
    j_a_per_m2
        The charge current density in the HM along x̂ (A/m², any value, 0 included: T is linear in j, solved at
        ``j_a_per_m2`` or, for 0, at the default current and scaled).
    ms_a_per_m, fm_thickness_nm
        Ms and d_F of the ferromagnet (τ = γT/(Ms d_F)).
    evaluation
        ``"structure"``: T(m) = T_DL m×(σ̂×m) + T_FL σ̂×m with T_DL, T_FL from one solve; ``"solve"``: a solve
        at every new m.
    spec
        The 1D bilayer's discretization (default: that of ``rashba-diffusion bilayer``).
    """

    def __init__(self, hm: HeavyMetal, interface: Interface, j_a_per_m2: float, ms_a_per_m: float,
                 fm_thickness_nm: float, gamma_rad_per_s_t: float = GAMMA_E_RAD_PER_S_T,
                 evaluation: str = "structure", spec: BilayerSpec | None = None, comm: MPI.Comm | None = None,
                 petsc_options: dict | None = None, m_start=(0.0, 0.0, 1.0)):
        if evaluation not in EVALUATIONS:
            raise ParameterError(f"evaluation = {evaluation!r} is invalid; valid values: {', '.join(EVALUATIONS)}")
        spec = spec or BilayerSpec()
        if spec.geometry != "1d":
            raise ParameterError(f"geometry = {spec.geometry!r} is invalid for the macrospin's bilayer torque; "
                                 "valid values: '1d'")
        super().__init__(ms_a_per_m, fm_thickness_nm, gamma_rad_per_s_t, BILAYER_SIGN)
        self.evaluation, self.gamma = evaluation, gamma_rad_per_s_t
        self.j = float(j_a_per_m2)
        j_solve = self.j if self.j != 0.0 else DEFAULTS["j_a_per_m2"]
        self._scale = self.j / j_solve
        fm = Ferromagnet(thickness_nm=fm_thickness_nm, ms_a_per_m=ms_a_per_m)
        self._point = BilayerPoint(hm, fm, interface, j_solve, m_start)
        self.session = BilayerSession(self._point, spec, comm or MPI.COMM_WORLD, petsc_options=petsc_options)
        t0 = time.perf_counter()
        s = self.session.solve().summary
        self.solve_seconds += time.perf_counter() - t0
        self.solves += 1
        #: T_DL, T_FL (J/m²) at the run's current density
        self.t_dl_j_per_m2 = s["T_DL_J_per_m2"] * self._scale
        self.t_fl_j_per_m2 = s["T_FL_J_per_m2"] * self._scale
        self._denominator = ms_a_per_m * fm.thickness_nm * NM

    def structure_torque_j_per_m2(self, m) -> np.ndarray:
        """T_DL m×(σ̂×m) + T_FL σ̂×m (J/m²) at the unit vector m/|m|."""
        m = np.asarray(m, dtype=float)
        m = m / np.linalg.norm(m)
        sxm = cross(SIGMA_HAT, m)
        return self.t_dl_j_per_m2 * cross(m, sxm) + self.t_fl_j_per_m2 * sxm

    def torque_j_per_m2(self, m) -> np.ndarray:
        if self.evaluation == "structure":
            return self.structure_torque_j_per_m2(m)
        return super().torque_j_per_m2(m)

    def _solve(self, m: np.ndarray) -> np.ndarray:
        p = self._point
        r = self.session.solve(BilayerPoint(p.hm, p.fm, p.interface, p.j_a_per_m2, m))
        return r.torque_vector * self._scale

    def structure_residual(self, m) -> float:
        """|T_solve(m) − T_structure(m)| / √(T_DL² + T_FL²) at m: one solve that checks the angular structure."""
        scale = math.hypot(self.t_dl_j_per_m2, self.t_fl_j_per_m2)
        if scale == 0.0:
            return 0.0
        t0 = time.perf_counter()
        solved = self._solve(np.asarray(m, dtype=float) / np.linalg.norm(m))
        self.solve_seconds += time.perf_counter() - t0
        self.solves += 1
        return float(np.linalg.norm(solved - self.structure_torque_j_per_m2(m)) / scale)

    def fields_t(self) -> tuple[float, float]:
        """(B_DL, B_FL) = (T_DL, T_FL)/(Ms d_F) in T (the forms τ = −γB_DL m×(m×σ̂) − γB_FL m×σ̂)."""
        return self.t_dl_j_per_m2 / self._denominator, self.t_fl_j_per_m2 / self._denominator

    def pumping(self) -> dict:
        """α', α'_i of the bilayer's spin pumping (:meth:`BilayerSession.pumping`) with the macrospin's γ."""
        return self.session.pumping(self.gamma)

    def summary(self, m_final) -> dict:
        """What the JSON reports about the torque: source, T_DL, T_FL, B_DL, B_FL, the structure check, cost."""
        b_dl, b_fl = self.fields_t()
        out = {"torque_source": "bilayer", "torque_evaluation": self.evaluation, "llg_torque_sign": self.sign,
               "T_DL_J_per_m2": self.t_dl_j_per_m2, "T_FL_J_per_m2": self.t_fl_j_per_m2, "B_DL_T": b_dl,
               "B_FL_T": b_fl, "sigma_hat": SIGMA_HAT.tolist(), "j_a_per_m2": self.j, "dofs": self.session.ndofs,
               "cell_nm": self.session.cell_nm}
        if self.evaluation == "structure":
            out["torque_structure_residual"] = self.structure_residual(m_final)
        return {**out, **self.cost()}

    def close(self) -> None:
        self.session.close()


def with_pumping(params: MacrospinParameters, pumping: dict) -> MacrospinParameters:
    """``params`` with the spin-pumping terms of the LLG: α → α + α', α_i = α'_i (docs/model.md §13.5.4)."""
    return params.replace(alpha_gilbert=params.alpha_gilbert + pumping["gilbert_damping_enhancement"],
                          alpha_reactive=pumping["pumping_reactive_coefficient"])


def run_self_consistent(point: MacrospinPoint, source: SolvedTorque) -> tuple[MacrospinResult, dict]:
    """Integrate ``point`` with the torque ``source`` (on as the point's current is); (result, summary).

    The summary is the result's plus the source's (:meth:`RashbaTorque.summary`, :meth:`BilayerTorque.summary`)
    and ``total_seconds``.
    """
    t0 = time.perf_counter()
    result = point.run(torque=source)
    summary = {**result.summary(), **source.summary(result.m_final), "total_seconds": time.perf_counter() - t0}
    return result, summary


class MacrospinSession:
    """The ``llg`` sweep's session: macrospin runs (prescribed torques) for many :class:`MacrospinPoint`.

    There is nothing to build once; every point is an independent run, identical on every rank.
    """

    problem = "llg"
    ndofs = 0
    cell_nm = None

    def __init__(self) -> None:
        self.setup_timings: dict[str, float] = {}

    def reusable(self, params: MacrospinPoint) -> bool:
        return True

    def solve(self, params: MacrospinPoint, *, profile: bool = False) -> Result:
        """Run the point; the summary is :meth:`MacrospinResult.summary` plus ``solve_seconds``."""
        t0 = time.perf_counter()
        result = params.run()
        seconds = time.perf_counter() - t0
        summary = {**result.summary(), "solve_seconds": seconds}
        return Result(summary=summary, solution=None, model=result, timings={"solve": seconds})

    def close(self) -> None:
        pass

    def __enter__(self) -> MacrospinSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
