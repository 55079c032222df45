"""The numbers of docs/model.md §14.7: the finite-element LLG and the domain wall against their references.

    nice -n 10 .venv/bin/python scripts/domain_wall_checks.py [--quick] [--json FILE]

Sections (each prints a table): the static wall's energy (4√(AK), 4√(AK) − π|D|) over h; the Zhang–Li wall's velocity
below Walker (βu/α), at β = α (u) and above Walker (the collective-coordinate ⟨v⟩) at two discretizations; the
Walker threshold from the steady tilt; the temporal order of the midpoint rule and of the coupled spin-diffusion
scheme; the Rashba film's wall: β_extracted against β̃/(1 − ξβ̃) over h, k and the wall width.  ``--quick``: the
coarse discretization only (a few minutes).
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np

from rashba_diffusion.files import atomic_write_text
from rashba_diffusion.physics.domain_wall import walker_current_m_per_s, wall_velocity_m_per_s
from rashba_diffusion.physics.micromagnetics import (
    MicromagneticParameters,
    SpinDiffusionDrive,
    ZhangLiDrive,
    wall_reference,
)
from rashba_diffusion.physics.rashba import Drive, paper_film
from rashba_diffusion.problems.domain_wall import DomainWallSession, run_domain_wall
from rashba_diffusion.problems.specs import DomainWallSpec

ZL = MicromagneticParameters(ms_a_per_m=2e5, a_ex_j_per_m=1.3e-11, alpha_gilbert=0.1, k_u_j_per_m3=5e5,
                             k_perp_j_per_m3=5e4)
DELTA = math.sqrt(1.3e-11 / 5e5) * 1e9
SD_FILM = paper_film(0.0, tau_sf_s=2e-14, polarization=-0.1)


def static_energy(quick: bool) -> list[dict]:
    sigma = 4 * math.sqrt(1.3e-11 * 5e5)
    rows = []
    for frac in (4, 8) if quick else (4, 8, 16):
        s = DomainWallSession(ZL, DomainWallSpec(t_end_s=1e-9, cell_nm=DELTA / frac, length_nm=16 * DELTA,
                                                 window=False))
        s.dynamics.initialise(s.start_profile(0.0), relax_dt_s=5e-12)
        e = sum(s.energies_j_per_m2().values())
        rows.append({"h_over_delta": 1 / frac, "energy_j_per_m2": e, "rel_error": e / sigma - 1})
        s.close()
    for i in range(1, len(rows)):
        rows[i]["order"] = math.log2(rows[i - 1]["rel_error"] / rows[i]["rel_error"])
    return rows


def dmi_energy() -> list[dict]:
    sigma = 4 * math.sqrt(1.3e-11 * 5e5)
    rows = []
    for d in (1e-3, -1e-3, 2e-3):
        p = MicromagneticParameters(ms_a_per_m=2e5, a_ex_j_per_m=1.3e-11, alpha_gilbert=0.1, k_u_j_per_m3=5e5,
                                    k_perp_j_per_m3=5e4, dmi_j_per_m2=d)
        energies = {}
        for kind in ("wall", "uniform"):
            s = DomainWallSession(p, DomainWallSpec(t_end_s=1e-9, cell_nm=DELTA / 8, length_nm=20 * DELTA,
                                                    window=False))
            start = (s.start_profile(s.initial_angle()) if kind == "wall"
                     else (lambda x: np.vstack([0 * x[0], 0 * x[0], 1 + 0 * x[0]])))
            s.dynamics.initialise(start, relax_dt_s=5e-12)
            energies[kind] = sum(s.energies_j_per_m2().values())
            if kind == "wall":
                phi = s.wall_coordinates()[1]
            s.close()
        ref = sigma - math.pi * abs(d)
        rows.append({"dmi_j_per_m2": d, "sigma_j_per_m2": energies["wall"] - energies["uniform"], "reference": ref,
                     "rel_error": (energies["wall"] - energies["uniform"]) / ref - 1, "cos_phi": math.cos(phi)})
    return rows


def zhang_li(quick: bool) -> list[dict]:
    u_w = walker_current_m_per_s(wall_reference(ZL, ZhangLiDrive((1.0, 0.0, 0.0), 0.2)))
    cases = [(0.25, 0.2, 2e-9), (0.5, 0.2, 2e-9), (0.75, 0.2, 2e-9), (1.0, 0.1, 0.5e-9), (1.5, 0.2, 3e-9),
             (2.0, 0.2, 2e-9), (3.0, 0.2, 1.5e-9)]
    discs = [(6, 2e-12)] if quick else [(6, 2e-12), (12, 1e-12), (24, 0.5e-12)]
    rows = []
    for frac, dt in discs:
        for ratio, beta, t_end in cases:
            u = ratio * u_w
            t0 = time.perf_counter()
            spec = DomainWallSpec(t_end_s=t_end, dt_s=dt, cell_nm=DELTA / frac, length_nm=16 * DELTA)
            s = run_domain_wall(ZL, spec, ZhangLiDrive((u, 0.0, 0.0), beta)).summary
            row = {"h_over_delta": 1 / frac, "dt_ps": dt * 1e12, "u_over_u_walker": ratio, "beta": beta,
                   "velocity_m_per_s": s["velocity_m_per_s"], "reference_m_per_s": s["velocity_reference_m_per_s"],
                   "rel_error": s["velocity_m_per_s"] / s["velocity_reference_m_per_s"] - 1,
                   "walker": s["walker"], "walker_reference": s["walker_reference"],
                   "max_norm_error": s["max_norm_error"], "seconds": time.perf_counter() - t0}
            if not s["walker"] and beta != ZL.alpha_gilbert:
                row["u_walker_from_tilt_over_u_walker"] = u / math.sin(2 * s["wall_angle_final_rad"]) / u_w
            rows.append(row)
            print(row, flush=True)
    return rows


def _final_m(dt, t_end, spin=None, cell=None, length=None, drive=None, params=ZL):
    s = DomainWallSession(params, DomainWallSpec(t_end_s=t_end, dt_s=dt, cell_nm=cell, length_nm=length,
                                                 window=False), drive, spin)
    s.dynamics.initialise(s.start_profile(0.0), relax_dt_s=5e-12 if spin is None else 2e-12)
    s.dynamics.run(t_end, dt)
    out = s.dynamics.m_values().copy()
    s.close()
    return out


def temporal_orders() -> dict:
    out = {}
    ref = _final_m(0.0625e-12, 5e-11, cell=DELTA / 4, length=16 * DELTA, drive=ZhangLiDrive((150.0, 0, 0), 0.2))
    errors = [float(np.max(np.abs(_final_m(dt, 5e-11, cell=DELTA / 4, length=16 * DELTA,
                                           drive=ZhangLiDrive((150.0, 0, 0), 0.2)) - ref)))
              for dt in (1e-12, 0.5e-12, 0.25e-12)]
    out["zhang_li"] = {"dt_ps": [1, 0.5, 0.25], "errors": errors,
                       "orders": [math.log2(errors[i] / errors[i + 1]) for i in range(2)]}
    magnet = MicromagneticParameters(ms_a_per_m=1e5, a_ex_j_per_m=1e-11, alpha_gilbert=0.05, k_u_j_per_m3=2.5e4,
                                     k_perp_j_per_m3=1e5)
    spin = SpinDiffusionDrive(SD_FILM, Drive(3e6, (1.0, 0.0, 0.0)), 1.0)
    ref = _final_m(0.125e-12, 1e-10, spin=spin, cell=2.5, length=320.0, params=magnet)
    errors = [float(np.max(np.abs(_final_m(dt, 1e-10, spin=spin, cell=2.5, length=320.0, params=magnet) - ref)))
              for dt in (2e-12, 1e-12, 0.5e-12)]
    out["spin_diffusion"] = {"dt_ps": [2, 1, 0.5], "errors": errors,
                             "orders": [math.log2(errors[i] / errors[i + 1]) for i in range(2)]}
    return out


def spin_diffusion(quick: bool) -> list[dict]:
    c = SD_FILM.coefficients()
    xi = (c.inv_tau_sf + c.inv_tau_phi) / c.inv_tau_delta
    bt = (c.inv_tau_sf / c.inv_tau_delta) / (1 + xi**2)
    beta = bt / (1 - xi * bt)
    lam = math.sqrt(c.D / c.inv_tau_delta)
    cases = [(1, 2.5, 2e-12, 2)] if quick else [
        (1, 2.5, 2e-12, 1), (1, 2.5, 2e-12, 2), (1, 1.25, 2e-12, 2), (1, 0.625, 2e-12, 2), (1, 1.25, 1e-12, 2),
        (2, 2.5, 2e-12, 2), (2, 1.25, 2e-12, 2)]
    rows = []
    for scale, h, dt, deg in cases:
        p = MicromagneticParameters(ms_a_per_m=1e5, a_ex_j_per_m=1e-11, alpha_gilbert=0.05,
                                    k_u_j_per_m3=2.5e4 / scale**2, k_perp_j_per_m3=1e5)
        t0 = time.perf_counter()
        spec = DomainWallSpec(t_end_s=1e-9, dt_s=dt, cell_nm=h, length_nm=320.0 * scale, spin_degree=deg)
        s = run_domain_wall(p, spec, spin=SpinDiffusionDrive(SD_FILM, Drive(3e6, (1.0, 0.0, 0.0)), 1.0)).summary
        row = {"delta_nm": 20.0 * scale, "h_nm": h, "dt_ps": dt * 1e12, "spin_degree": deg,
               "velocity_m_per_s": s["velocity_m_per_s"], "reference_m_per_s": s["velocity_reference_m_per_s"],
               "beta_effective": s["beta_effective"], "beta_closed_form": beta,
               "rel_deviation": s["beta_effective"] / beta - 1, "lambda_delta_over_delta_sq": (lam / (20 * scale)) ** 2,
               "alpha_prime": s["zhang_li_effective"]["alpha"], "renormalization": s["zhang_li_effective"][
                   "renormalization"], "spin_iterations_per_solve": s["spin_iterations"] / s["spin_solves"],
               "spin_factorizations": s["spin_factorizations"], "spin_solves": s["spin_solves"],
               "seconds": time.perf_counter() - t0}
        rows.append(row)
        print(row, flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    out = {"static": static_energy(a.quick), "dmi": dmi_energy()}
    print(json.dumps(out, indent=1), flush=True)
    out["zhang_li"] = zhang_li(a.quick)
    out["walker_reference"] = {
        "u_walker_m_per_s": walker_current_m_per_s(wall_reference(ZL, ZhangLiDrive((1.0, 0.0, 0.0), 0.2))),
        "v_at_3_u_walker": wall_velocity_m_per_s(wall_reference(ZL, ZhangLiDrive((3 * walker_current_m_per_s(
            wall_reference(ZL, ZhangLiDrive((1.0, 0.0, 0.0), 0.2))), 0, 0), 0.2)))}
    out["spin_diffusion"] = spin_diffusion(a.quick)
    if not a.quick:
        out["orders"] = temporal_orders()
        print(json.dumps(out["orders"], indent=1), flush=True)
    if a.json:
        atomic_write_text(a.json, json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
