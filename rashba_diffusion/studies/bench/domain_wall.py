"""Benchmark case ``domain_wall``: a domain wall in a wire driven by the Rashba film's self-consistent spin diffusion
(docs/performance.md, "Domain wall with spin diffusion").

The main run: a 1 µm wire, 5 ns (``full``), the spin accumulation re-solved after every LLG step with the default
warm start (extrapolated) and factorization reuse.  Reported: steps per second, the share of a step spent in the spin
solve (and in the LLG solve), the Newton/chord iterations.  Then, side by side in the same process and from the same
relaxed wall, :data:`VARIANTS` of the spin solve over the same number of steps: the ratio of their spin-solve time
per step to the default's is the gain from warm starts and factorization reuse.
"""

from __future__ import annotations

import time

from ...fem._compat import MPI
from ...physics.micromagnetics import MicromagneticParameters, SpinDiffusionDrive
from ...physics.rashba import Drive, paper_film
from ...problems.domain_wall import DomainWallSession
from ...problems.specs import DomainWallSpec

#: the α_R = 0 film and the wire of the spin-diffusion wall tests (Δ = 20 nm; docs/model.md §14.7)
FILM = dict(alpha_ev_nm=0.0, tau_sf_s=2e-14, polarization=-0.1)
MAGNET = dict(ms_a_per_m=1e5, a_ex_j_per_m=1e-11, alpha_gilbert=0.05, k_u_j_per_m3=2.5e4, k_perp_j_per_m3=1e5)
EFIELD_V_PER_M, THICKNESS_NM = 3e6, 1.0
#: the spin solve's variants compared side by side: (warm start, factorization reuse); the first is the default
VARIANTS = {
    "extrapolated+reuse": ("extrapolated", True),
    "previous+reuse": ("previous", True),
    "zero+reuse": ("zero", True),
    "extrapolated+fresh": ("extrapolated", False),
    "zero+fresh": ("zero", False),
}


def _session(spec: DomainWallSpec, warm_start: str, reuse: bool, comm) -> DomainWallSession:
    film = paper_film(**FILM)
    spin = SpinDiffusionDrive(film, Drive(EFIELD_V_PER_M, (1.0, 0.0, 0.0)), THICKNESS_NM)
    return DomainWallSession(MicromagneticParameters(**MAGNET), spec, spin=spin, comm=comm,
                             spin_options={"warm_start": warm_start, "reuse_factorization": reuse})


def run_domain_wall_bench(length_nm: float = 1000.0, t_end_ns: float = 5.0, dt_ps: float = 1.0,
                          cell_nm: float | None = None, spin_degree: int = 1, compare_steps: int = 200) -> dict:
    """The main run and the side-by-side variants (module docstring); one JSON-able dict.

    The discretization is the ``domain-wall`` command's default unless given: 1 ps steps, cells of
    min(Δ/8, the spin's shortest length) = 1.11 nm, P1 spin accumulation.
    """
    comm = MPI.COMM_WORLD
    spec = DomainWallSpec(t_end_s=t_end_ns * 1e-9, dt_s=dt_ps * 1e-12, cell_nm=cell_nm, length_nm=length_nm,
                          spin_degree=spin_degree)
    t0 = time.perf_counter()
    with _session(spec, *VARIANTS["extrapolated+reuse"], comm) as s:
        setup = time.perf_counter() - t0
        t0 = time.perf_counter()
        summary = s.run()
        run_s = time.perf_counter() - t0
        r = summary.summary
    step_s = r["llg_seconds"] + r["source_seconds"]
    out = {
        "case": "domain_wall", "length_nm": length_nm, "t_end_ns": t_end_ns, "dt_ps": dt_ps, "cell_nm": r["cell_nm"],
        "spin_degree": spin_degree, "ranks": comm.size, "llg_dofs": r["dofs"], "spin_dofs": r["spin_dofs"],
        "time_steps": r["time_steps"], "setup_s": setup, "run_s": run_s,
        "steps_per_second": r["time_steps"] / run_s,
        "spin_share_of_step": r["source_seconds"] / step_s, "llg_share_of_step": r["llg_seconds"] / step_s,
        "measurement_share_of_run": 1.0 - step_s / run_s,
        "llg_iterations_per_step": r["llg_newton_iterations"] / r["time_steps"],
        "llg_factorizations": r["llg_factorizations"], "spin_solves": r["spin_solves"],
        "spin_iterations_per_solve": r["spin_iterations"] / r["spin_solves"],
        "spin_factorizations": r["spin_factorizations"], "velocity_m_per_s": r["velocity_m_per_s"],
        "beta_effective": r.get("beta_effective"), "beta_closed_form": r["zhang_li_effective"]["beta"],
        "window_shifts": r["window_shifts"], "max_norm_error": r["max_norm_error"],
    }
    # the variants, side by side: the same relaxed wall, the same steps
    short = DomainWallSpec(t_end_s=compare_steps * dt_ps * 1e-12, dt_s=dt_ps * 1e-12, cell_nm=r["cell_nm"],
                           length_nm=length_nm, spin_degree=spin_degree)
    variants = {}
    for name, (warm, reuse) in VARIANTS.items():
        with _session(short, warm, reuse, comm) as s:
            s.dynamics.initialise(s.start_profile(0.0), relax_dt_s=short.dt_s)
            src = s.source
            before = (src.seconds, src.solves, src.solver.iterations, src.solver.factorizations)
            t0 = time.perf_counter()
            s.dynamics.run(short.t_end_s, short.dt_s)
            wall = time.perf_counter() - t0
            n = src.solves - before[1]
            variants[name] = {
                "spin_seconds_per_step": (src.seconds - before[0]) / n,
                "spin_iterations_per_solve": (src.solver.iterations - before[2]) / n,
                "spin_factorizations": src.solver.factorizations - before[3],
                "steps_per_second": compare_steps / wall,
            }
    base = variants["extrapolated+reuse"]["spin_seconds_per_step"]
    out["variants"] = variants
    out["spin_time_ratio_over_default"] = {k: v["spin_seconds_per_step"] / base for k, v in variants.items()}
    out["compare_steps"] = compare_steps
    return out
