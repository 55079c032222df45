"""A domain wall in a 1D wire: the finite-element LLG (:mod:`.llg`) driven by Zhang–Li torques or by the Rashba film's
self-consistent spin-diffusion torque (:mod:`.spin_torque`), its velocity measured and compared with the
collective-coordinate model (docs/model.md §13.8, §13.9, §14.5).

The wire lies along x̂ (0 ≤ x ≤ L); the wall starts in the middle with the static profile of the anisotropy
(θ = 2 atan exp((x − L/2)/Δ), Δ = √(A/K_eff), rotating from +ê to −ê through the medium axis).  A moving window
(default) shifts every field by whole cells whenever the wall has left the middle by :data:`WINDOW_SHIFT_CELLS`
cells, so a short wire follows the wall for any time.
"""

from __future__ import annotations

import csv
import io
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ParameterError, SolveError
from ..fem._compat import MPI, dolfinx, fem, ufl
from ..fem.export import FieldSeries
from ..fem.postprocess import CompiledIntegrals, global_dofs
from ..fem.window import CellShift
from ..meshing.structured import wire_along_x
from ..models.llg import LLGModel, terms_from_parameters
from ..physics.domain_wall import (
    EffectiveZhangLi,
    WallParameters,
    is_above_walker,
    measure_velocity,
    rashba_wall_zhang_li,
    walker_current_m_per_s,
    wall_velocity_m_per_s,
)
from ..physics.micromagnetics import (
    MicromagneticParameters,
    SpinDiffusionDrive,
    ZhangLiDrive,
    wall_profile,
    wall_reference,
)
from ..physics.rashba import LLG_TORQUE_SIGN
from ..units import NM
from .llg import TextureDynamics
from .specs import DomainWallSpec, resolve_domain_wall_spec
from .spin_torque import SpinDiffusionTorque

#: the window shifts once the wall is this many cells from the middle
WINDOW_SHIFT_CELLS = 4
#: without a window the run stops (an error) when the wall comes closer than this many widths Δ to an end
EDGE_MARGIN_WIDTHS = 6.0
#: the sign conventions every domain-wall summary carries
CONVENTIONS = {
    "wire": "along +x (0 <= x <= L); the wall starts at L/2 rotating from +easy (x < q) to -easy (x > q), Q = +1",
    "zhang_li": "dm/dt = -gamma m x B_eff + alpha m x dm/dt - (u.grad)m + beta m x (u.grad)m; u > 0 along +x moves "
                "the wall along +x",
    "wall_position": "q = L/2 + (1/2) int m.easy dx (+ the window's shifts); velocity_m_per_s = dq/dt",
    "wall_angle": "phi = atan2(int m.hard dx, int m.medium dx), medium = hard x easy (phi = 0: m in the easy-medium "
                  "plane, the static wall)",
    "spin_diffusion": "tau = LLG_TORQUE_SIGN gamma hbar T/(Ms t), T the Rashba film's Eq. 24 torque of the spin "
                      "accumulation solved for m(x, t) with the source -s0 (d/dt + v_e.grad) m; electrons drift "
                      "along -E",
    "energies": "per cross-section area (J/m^2): the integral over the wire of the energy density, anisotropy "
                "K_u(1 - (m.easy)^2) (zero in the domains)",
}


@dataclass
class DomainWallResult:
    """The summary (SI, the JSON contract) and the time series (columns of equal length) of a run."""

    summary: dict
    series: dict[str, np.ndarray]

    def time_series_csv(self) -> str:
        """The time series as CSV text (header: the column names with their units)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        names = list(self.series)
        w.writerow(names)
        for row in zip(*(self.series[n] for n in names), strict=True):
            w.writerow([repr(float(v)) for v in row])
        return buf.getvalue()


def spin_reference(spin: SpinDiffusionDrive, params: MicromagneticParameters) -> EffectiveZhangLi | None:
    """The effective Zhang–Li parameters of §13.9 (α_R = 0 and the pumping source only), else ``None``."""
    if spin.film.alpha_ev_nm != 0.0 or not spin.pumping:
        return None
    return rashba_wall_zhang_li(spin.film, spin.drive, params.ms_a_per_m, spin.thickness_nm, params.alpha_gilbert,
                                params.gamma_rad_per_s_t)


def reference_wall(params: MicromagneticParameters, drive: ZhangLiDrive | None, spin: SpinDiffusionDrive | None
                   ) -> tuple[WallParameters | None, EffectiveZhangLi | None]:
    """The collective-coordinate wall (§13.8) of the run, with the renormalized γ', α', u', β' of §13.9 for the
    spin-diffusion torque; ``None`` where no closed form applies."""
    if spin is None:
        return wall_reference(params, drive or ZhangLiDrive((0.0, 0.0, 0.0), 0.0)), None
    eff = spin_reference(spin, params)
    if eff is None:
        return None, None
    base = wall_reference(params, ZhangLiDrive((eff.u_m_per_s, 0.0, 0.0), eff.beta))
    if base is None:
        return None, eff
    effective = WallParameters(
        ms_a_per_m=base.ms_a_per_m, a_ex_j_per_m=base.a_ex_j_per_m, k_u_j_per_m3=base.k_u_j_per_m3,
        k_perp_j_per_m3=base.k_perp_j_per_m3, alpha_gilbert=eff.alpha, beta=eff.beta, u_m_per_s=eff.u_m_per_s,
        gamma_rad_per_s_t=eff.gamma_rad_per_s_t, b_easy_t=base.b_easy_t, wall_type=base.wall_type)
    return effective, eff


class DomainWallSession:
    """The wire, the LLG (and the spin model), compiled once; :meth:`run` integrates from the static wall.

    Parameters
    ----------
    params
        The magnet.
    spec
        The wire and the time stepping (defaults filled in from the wall width by :func:`resolve_domain_wall_spec`).
    drive
        Zhang–Li drive (``None``: no prescribed current torque).
    spin
        The Rashba film whose spin-diffusion torque drives the wall (``None``: none).
    comm
        MPI communicator.
    spin_options
        Keyword arguments of :class:`~.spin_torque.SpinDiffusionTorque` (``warm_start``, ``reuse_factorization``).
    """

    def __init__(self, params: MicromagneticParameters, spec: DomainWallSpec, drive: ZhangLiDrive | None = None,
                 spin: SpinDiffusionDrive | None = None, comm: MPI.Comm = MPI.COMM_WORLD,
                 spin_options: dict | None = None):
        t0 = time.perf_counter()
        self.params, self.drive, self.spin = params, drive, spin
        self.reference, self.effective = reference_wall(params, drive, spin)  # also checks α' > 0 before any mesh
        self.axes = params.principal_axes()
        self.width_nm = params.wall_width_m() / NM
        spin_length = None if spin is None else spin.film.coefficients().shortest_length_nm()
        self.spec = spec = resolve_domain_wall_spec(spec, self.width_nm, spin_length)
        self.geometry = wire_along_x(comm, spec.length_nm, spec.cell_nm)
        msh = self.geometry.msh
        self.cells = msh.topology.index_map(1).size_global
        self.h_nm = spec.length_nm / self.cells
        self.source = None
        if spin is not None:
            self.source = SpinDiffusionTorque(
                self.geometry, spin.film, spin.drive, params.ms_a_per_m, spin.thickness_nm, params.gamma_rad_per_s_t,
                degree=spec.spin_degree, pumping=spin.pumping, **(spin_options or {}))
        terms = terms_from_parameters(params, drive)
        if self.source is not None:
            terms.append(self.source.term)
        self.model = LLGModel(msh, params, terms, spec.dt_s)
        self.dynamics = TextureDynamics(self.model, self.source)
        self.ndofs = global_dofs(self.model.V3)
        self._build_measurements()
        self._shift3 = CellShift(self.model.V3, 0.0, self.h_nm, self.cells)
        self._shift6 = CellShift(self.model.V, 0.0, self.h_nm, self.cells)
        self._shift_spin = None if self.source is None else CellShift(self.source.model.V, 0.0, self.h_nm,
                                                                      self.cells)
        self.setup_seconds = time.perf_counter() - t0

    # -- measurements ------------------------------------------------------------------------------------------
    def _build_measurements(self) -> None:
        model, comm = self.model, self.geometry.comm
        m = ufl.as_vector([model.m0[i] for i in range(3)])
        # ∫ m dx with the vertex rule is Σ_i w_i m_i: the lumped weights once, then a dot product per step
        v1 = fem.functionspace(self.geometry.msh, ("Lagrange", 1))
        w = fem.assemble_vector(fem.form(ufl.TestFunction(v1) * model.dxv))
        w.scatter_reverse(dolfinx.la.InsertMode.add)
        self._weights = w.array[: v1.dofmap.index_map.size_local].copy()
        if not np.array_equal(v1.dofmap.list, model.V3.dofmap.list):
            raise SolveError("the scalar and vector P1 spaces number their vertices differently")
        easy = ufl.as_vector(self.axes.easy)
        energies = model.energy_densities(m)
        self.energy_names = list(energies)
        self._energies = CompiledIntegrals(list(energies.values()), model.dxv, comm)
        tau = model.current_torque(m)
        self._torque = CompiledIntegrals([tau[i] for i in range(3)], model.dxv, comm)
        # ∫ sin²θ dx = 2Δ for the profile θ = 2 atan exp(x/Δ) (the collective coordinates' width)
        self._width = CompiledIntegrals([1.0 - ufl.dot(m, easy) ** 2], model.dxv, comm)

    def m_integrals(self) -> np.ndarray:
        """∫ m dx (nm) of the current state (vertex rule; all ranks)."""
        owned = self.dynamics.m_values()[: self._weights.size]
        return self.geometry.comm.allreduce(self._weights @ owned, op=MPI.SUM)

    def wall_coordinates(self) -> tuple[float, float]:
        """(q in nm, in the window's frame; φ in rad, in (−π, π]) of the current state."""
        ints = self.m_integrals()
        a = self.axes
        q = 0.5 * self.spec.length_nm + 0.5 * float(ints @ np.asarray(a.easy))
        return q, math.atan2(float(ints @ np.asarray(a.hard)), float(ints @ np.asarray(a.medium)))

    def energies_j_per_m2(self) -> dict[str, float]:
        """∫ e dx of every energy term (J/m²) of the current state."""
        return {n: float(v) * NM for n, v in zip(self.energy_names, self._energies.values(), strict=True)}

    def norm_error(self) -> float:
        """max over the vertices of | |m| − 1 | (all ranks)."""
        v = self.dynamics.m_values()
        local = float(np.max(np.abs(np.linalg.norm(v, axis=1) - 1.0), initial=0.0))
        return self.geometry.comm.allreduce(local, op=MPI.MAX)

    # -- the run -----------------------------------------------------------------------------------------------
    def initial_angle(self) -> float:
        """φ₀ of the static wall: 0, or π when the DMI's energy is lower there (it fixes the chirality)."""
        if self.params.dmi_j_per_m2 == 0.0:
            return 0.0
        best = None
        for phi in (0.0, math.pi):
            self.dynamics.model.m0.interpolate(self.start_profile(phi))
            e = sum(self.energies_j_per_m2().values())
            if best is None or e < best[0]:
                best = (e, phi)
        return best[1]

    def start_profile(self, phi: float):
        """The static wall in the middle of the wire at angle φ, as a callable for ``Function.interpolate``."""
        center = 0.5 * self.spec.length_nm
        return lambda x: wall_profile(x[0], center, self.width_nm, self.axes, phi)

    def _shift(self, cells: int) -> None:
        """Move every field by ``cells`` cells (new(x) = old(x + cells·h))."""
        model, dyn = self.model, self.dynamics
        model.m0.x.array[:] = self._shift3(model.m0.x.array, cells)
        model.W.x.array[:] = self._shift6(model.W.x.array, cells)
        dyn.shift_history(lambda v: self._shift3(v, cells))
        dyn.solver.refactorize_next()
        if self.source is not None:
            self.source.shift(lambda v: self._shift3(v, cells), lambda v: self._shift_spin(v, cells))
            self.source.solver.refactorize_next()

    def run(self, out: Path | Callable[[str], Path] | None = None) -> DomainWallResult:
        """Integrate from the static wall to ``t_end``; the summary and the time series (and, with ``out``, the field
        snapshots ``m.bp`` (and ``spin.bp``) written there: a folder, or a callable that gives the path of a name,
        e.g. :meth:`~rashba_diffusion.files.OutputSet.path`)."""
        t_start = time.perf_counter()
        spec, dyn = self.spec, self.dynamics
        phi0 = self.initial_angle()
        dyn.initialise(self.start_profile(phi0), relax_dt_s=spec.dt_s)
        n = math.ceil(spec.t_end_s / spec.dt_s * (1 - 1e-9))
        dt = spec.t_end_s / n
        every = max(1, math.ceil(n / (spec.rows - 1)))
        snap_every = max(1, n // spec.snapshots) if spec.snapshots else 0
        writers = self._writers(out) if (out is not None and spec.snapshots) else []
        offset = 0.0
        t_q, q_all, phi_all = [], [], []
        rows: dict[str, list[float]] = {}
        max_norm = 0.0
        shifts = 0

        def record(t: float, q: float, phi: float) -> None:
            mean = self.m_integrals() / spec.length_nm
            e = self.energies_j_per_m2()
            tau = self._torque.values() * NM
            row = {"t_s": t, "m_x": mean[0], "m_y": mean[1], "m_z": mean[2], "wall_position_m": q * NM,
                   "wall_angle_rad": phi, **{f"energy_{k}_j_per_m2": v for k, v in e.items()},
                   "energy_total_j_per_m2": sum(e.values()),
                   "torque_x_m_per_s": tau[0], "torque_y_m_per_s": tau[1], "torque_z_m_per_s": tau[2]}
            for k, v in row.items():
                rows.setdefault(k, []).append(float(v))

        def sample(step: int) -> None:
            nonlocal offset, max_norm, shifts
            q_local, phi = self.wall_coordinates()
            if phi_all:  # unwrap continuously
                phi += 2 * math.pi * round((phi_all[-1] - phi) / (2 * math.pi))
            t = step * dt
            t_q.append(t)
            q_all.append(q_local + offset)
            phi_all.append(phi)
            max_norm = max(max_norm, self.norm_error())
            if step % every == 0 or step == n:
                record(t, q_local + offset, phi)
            if writers and (step % snap_every == 0 or step == n):
                for w in writers:
                    w.write(t)
            off_center = q_local - 0.5 * spec.length_nm
            if spec.window and abs(off_center) >= WINDOW_SHIFT_CELLS * self.h_nm:
                cells = int(round(off_center / self.h_nm))
                self._shift(cells)
                offset += cells * self.h_nm
                shifts += 1
            elif not spec.window and min(q_local, spec.length_nm - q_local) < EDGE_MARGIN_WIDTHS * self.width_nm:
                raise ParameterError(
                    f"length_nm = {spec.length_nm!r} nm is too short without a moving window: the wall came within "
                    f"{EDGE_MARGIN_WIDTHS:g} widths of an end at t = {t:.4g} s; valid: a longer wire or the window")

        try:
            sample(0)
            for step in range(1, n + 1):
                dyn.step(dt)
                sample(step)
        finally:
            for w in writers:
                w.close()
        t_arr = np.asarray(t_q)
        q_m = np.asarray(q_all) * NM
        phi_arr = np.asarray(phi_all)
        measured = measure_velocity(t_arr, q_m, phi_arr)
        summary = self._summary(measured, q_m, phi_arr, max_norm, shifts, dt, n)
        summary["total_seconds"] = time.perf_counter() - t_start + self.setup_seconds
        return DomainWallResult(summary, {k: np.asarray(v) for k, v in rows.items()})

    def _writers(self, out: Path | Callable[[str], Path]) -> list[FieldSeries]:
        writers = [FieldSeries(out, "m.bp", [self.model.m0])]
        if self.source is not None:
            s_space = fem.functionspace(self.geometry.msh, ("Lagrange", self.spec.spin_degree, (3,)))
            s_out = fem.Function(s_space, name="s")
            U = self.source.U

            def split() -> None:  # s out of U = (s, ν) (same element: exact)
                for i in range(3):
                    s_out.sub(i).interpolate(U.sub(i))

            writers.append(FieldSeries(out, "spin.bp", [s_out], before_write=split))
        return writers

    def _summary(self, measured, q_m, phi, max_norm, shifts, dt, n) -> dict:
        spec = self.spec
        mean = self.m_integrals() / spec.length_nm
        energies = self.energies_j_per_m2()
        ref, eff = self.reference, self.effective
        width_final = 0.5 * float(self._width.values()[0])
        summary = {
            "velocity_m_per_s": measured.velocity_m_per_s,
            "walker": measured.walker,
            "velocity_window_s": [measured.t_from_s, measured.t_to_s],
            "width_nm": self.width_nm,
            "width_final_nm": width_final,
            "wall_position_final_m": float(q_m[-1]),
            "wall_angle_final_rad": float(phi[-1]),
            "m_mean_final": [float(x) for x in mean],
            "energy_final_j_per_m2": {**energies, "total": sum(energies.values())},
            "max_norm_error": max_norm,
            "time_steps": n,
            "dt_s": dt,
            "t_end_s": spec.t_end_s,
            "length_nm": spec.length_nm,
            "cell_nm": self.h_nm,
            "window": spec.window,
            "window_shifts": shifts,
            "dofs": self.ndofs,
            "ranks": self.geometry.comm.size,
            "torque": "spin-diffusion" if self.spin is not None else "zhang-li",
            "k_eff_j_per_m3": self.axes.k_eff_j_per_m3,
            "k_perp_eff_j_per_m3": self.axes.k_perp_eff_j_per_m3,
            "conventions": CONVENTIONS,
            **self.dynamics.cost(),
        }
        if ref is not None:
            summary.update(
                velocity_reference_m_per_s=wall_velocity_m_per_s(ref),
                walker_reference=is_above_walker(ref),
                walker_threshold_u_m_per_s=walker_current_m_per_s(ref),
            )
        else:
            summary.update(velocity_reference_m_per_s=None, walker_reference=None, walker_threshold_u_m_per_s=None)
        if self.spin is not None:
            summary["llg_torque_sign"] = LLG_TORQUE_SIGN
            summary["spin_dofs"] = self.source.ndofs
            if eff is not None:
                summary["zhang_li_effective"] = {
                    "gamma_rad_per_s_t": eff.gamma_rad_per_s_t, "alpha": eff.alpha, "u_m_per_s": eff.u_m_per_s,
                    "beta": eff.beta, "renormalization": eff.renormalization}
                summary["beta_effective"] = (eff.alpha * measured.velocity_m_per_s / eff.u_m_per_s
                                             if eff.u_m_per_s != 0.0 else None)
        return summary

    def close(self) -> None:
        self.dynamics.close()

    def __enter__(self) -> DomainWallSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def run_domain_wall(params: MicromagneticParameters, spec: DomainWallSpec, drive: ZhangLiDrive | None = None,
                    spin: SpinDiffusionDrive | None = None, comm: MPI.Comm = MPI.COMM_WORLD,
                    out: Path | Callable[[str], Path] | None = None,
                    spin_options: dict | None = None) -> DomainWallResult:
    """One domain-wall run (a :class:`DomainWallSession`); validated before any mesh."""
    if drive is None and spin is None:
        drive = ZhangLiDrive((0.0, 0.0, 0.0), 0.0)
    with DomainWallSession(params, spec, drive, spin, comm, spin_options) as session:
        return session.run(out)
