"""``rashba-diffusion domain-wall``: a domain wall in a 1D wire, the finite-element LLG driven by Zhang–Li torques or
by the Rashba film's self-consistent spin-diffusion torque (docs/model.md §14)."""

from __future__ import annotations

import argparse
import contextlib
import math
import time
from pathlib import Path

from ..errors import ParameterError
from ..files import OutputSet, new_token, summary_json
from ..launch import run_record
from ..physics.domain_wall import rashba_wall_zhang_li
from ..physics.macrospin import DEFAULT_MAX_STEPS
from ..physics.micromagnetics import MicromagneticParameters, SpinDiffusionDrive, ZhangLiDrive
from ..physics.rashba import Drive
from ..problems.specs import MAX_TIME_S, WALL_DT_S, WALL_MAX_ROWS, DomainWallSpec, resolve_domain_wall_spec
from ..units import GAMMA_E_RAD_PER_S_T
from ..validation import check_limit, check_positive, check_size
from .common import (
    add_drive_args,
    add_film_args,
    add_json_arg,
    add_max_dofs_arg,
    add_out_arg,
    declare_check,
    film_from_args,
    finish,
    vector_arg,
)

#: seconds per ns and per ps (divided by, so that 3 ns is exactly 3e-9 s)
PER_NS, PER_PS = 1e9, 1e12
TORQUES = ("zhang-li", "spin-diffusion")
#: the files of ``--out DIR`` (and the snapshots m.bp, spin.bp)
TIME_SERIES_NAME, SUMMARY_NAME = "timeseries.csv", "summary.json"
#: flags of one torque only (default None: given or not is visible)
ZHANG_LI_ONLY = ("beta", "u_m_per_s")
SPIN_DIFFUSION_ONLY = ("thickness_nm", "spin_degree")


def add_parser(sub) -> None:
    """Register ``rashba-diffusion domain-wall`` on the CLI's subparsers."""
    p = sub.add_parser("domain-wall", help="a domain wall in a 1D wire: FE LLG with Zhang–Li or the film's "
                       "spin-diffusion torque; velocity, Walker breakdown")
    g = p.add_argument_group("magnet (SI)")
    g.add_argument("--ms-a-per-m", type=float, required=True, help="saturation magnetization Ms (A/m)")
    g.add_argument("--a-ex-j-per-m", type=float, required=True, help="exchange stiffness A (J/m)")
    g.add_argument("--k-u-j-per-m3", type=float, required=True, help="uniaxial anisotropy K_u (J/m³): K_u[1 − (m·ê)²]")
    g.add_argument("--easy-axis", type=vector_arg, default=(0.0, 0.0, 1.0), help="easy axis ê (default 0,0,1)")
    g.add_argument("--k-perp-j-per-m3", type=float, default=0.0, help="hard-axis anisotropy K_⊥ (J/m³): K_⊥(m·ĥ)²")
    g.add_argument("--hard-axis", type=vector_arg, default=(0.0, 1.0, 0.0), help="hard axis ĥ ⟂ ê (default 0,1,0)")
    g.add_argument("--thin-film-demag", action="store_true",
                   help="add the thin-film demag (μ0Ms²/2) m_z² (a local hard axis along the film normal ẑ)")
    g.add_argument("--dmi-j-per-m2", type=float, default=0.0, help="interfacial DMI D (J/m²): D[m_z∇·m − (m·∇)m_z]")
    g.add_argument("--b-ext-t", type=vector_arg, default=(0.0, 0.0, 0.0), metavar="X,Y,Z",
                   help="external field (T), default 0")
    g.add_argument("--alpha-gilbert", type=float, required=True, help="Gilbert damping α (>= 0)")
    g.add_argument("--gamma-rad-per-s-t", type=float, default=GAMMA_E_RAD_PER_S_T,
                   help=f"gyromagnetic ratio γ (rad/(s·T)); default |γ_e| = {GAMMA_E_RAD_PER_S_T:.9e}")
    g = p.add_argument_group("current")
    g.add_argument("--torque", choices=TORQUES, default="zhang-li",
                   help="zhang-li: prescribed u, β (default); spin-diffusion: the Rashba film's spin accumulation "
                   "solved for m(x, t) after every step (the film and drive flags below)")
    g.add_argument("--beta", type=float, default=None, help="zhang-li: non-adiabatic β (default 0)")
    g.add_argument("--u-m-per-s", type=float, default=None,
                   help="zhang-li: spin-drift velocity u along +x̂ (m/s, default 0): τ = −u∂x m + βu m×∂x m")
    g.add_argument("--thickness-nm", type=float, default=None,
                   help="spin-diffusion: film thickness t (nm) of τ = σγħT/(Ms t), σ = llg_torque_sign")
    g.add_argument("--spin-degree", type=int, choices=(1, 2, 3), default=None,
                   help="spin-diffusion: Lagrange degree of the spin accumulation (default 1)")
    g.add_argument("--no-pumping", action="store_true",
                   help="spin-diffusion: leave out the source −s0 ṁ of the moving equilibrium spin")
    add_film_args(p)
    add_drive_args(p.add_argument_group("spin-diffusion: drive (the wire is along x̂)"))
    g = p.add_argument_group("wire and run")
    g.add_argument("--length-nm", type=float, default=None, help="wire length (nm); default 32 wall widths")
    g.add_argument("--cell-nm", type=float, default=None,
                   help="cell size (nm); default Δ/8 (spin-diffusion: and at most the spin's shortest length)")
    g.add_argument("--t-end-ns", type=float, required=True, help="duration (ns)")
    g.add_argument("--dt-ps", type=float, default=WALL_DT_S * PER_PS, help="time step (ps), default 1")
    g.add_argument("--no-window", action="store_true",
                   help="no moving window (the wall must stay 6 widths from the ends)")
    g.add_argument("--rows", type=int, default=WALL_MAX_ROWS, help=f"time-series rows at most (default "
                   f"{WALL_MAX_ROWS})")
    g.add_argument("--snapshots", type=int, default=0, help="field snapshots written with --out (m.bp, spin.bp)")
    add_out_arg(p, f"directory for {TIME_SERIES_NAME} (t, ⟨m⟩, wall position and angle, energies, torques; SI), "
                f"{SUMMARY_NAME} and the snapshots (replaced as a set)")
    g.add_argument("--max-steps", type=float, default=DEFAULT_MAX_STEPS, metavar="N",
                   help=f"refuse a run of more time steps than this (default {DEFAULT_MAX_STEPS:g}; inf: no limit)")
    declare_check(p, lambda a: check_limit("--max-steps", a.max_steps))
    add_max_dofs_arg(p)
    add_json_arg(p)
    p.set_defaults(func=cmd_domain_wall)


def _check_flags(a: argparse.Namespace) -> None:
    """Flags of one torque are errors with the other (before any solve)."""
    for torque, names in (("zhang-li", ZHANG_LI_ONLY), ("spin-diffusion", SPIN_DIFFUSION_ONLY)):
        for name in names:
            if getattr(a, name) is not None and a.torque != torque:
                raise ParameterError(f"--{name.replace('_', '-')} is only used with --torque {torque}")
    if a.no_pumping and a.torque != "spin-diffusion":
        raise ParameterError("--no-pumping is only used with --torque spin-diffusion")


def inputs_from_args(a: argparse.Namespace):
    """(params, spec, Zhang–Li drive or None, spin-diffusion drive or None), validated."""
    _check_flags(a)
    params = MicromagneticParameters(
        ms_a_per_m=a.ms_a_per_m, a_ex_j_per_m=a.a_ex_j_per_m, alpha_gilbert=a.alpha_gilbert,
        k_u_j_per_m3=a.k_u_j_per_m3, easy_axis=a.easy_axis, k_perp_j_per_m3=a.k_perp_j_per_m3,
        hard_axis=a.hard_axis, thin_film_demag=a.thin_film_demag, b_ext_t=a.b_ext_t, dmi_j_per_m2=a.dmi_j_per_m2,
        gamma_rad_per_s_t=a.gamma_rad_per_s_t)
    spec = DomainWallSpec(
        t_end_s=check_positive("t_end_ns", a.t_end_ns, "ns", upper=MAX_TIME_S * PER_NS) / PER_NS,
        length_nm=a.length_nm, cell_nm=a.cell_nm,
        dt_s=check_positive("dt_ps", a.dt_ps, "ps", upper=MAX_TIME_S * PER_PS) / PER_PS, window=not a.no_window,
        spin_degree=a.spin_degree or 1, rows=a.rows, snapshots=a.snapshots)
    drive = spin = None
    if a.torque == "zhang-li":
        drive = ZhangLiDrive((0.0 if a.u_m_per_s is None else a.u_m_per_s, 0.0, 0.0),
                             0.0 if a.beta is None else a.beta)
    else:
        if a.thickness_nm is None:
            raise ParameterError("--torque spin-diffusion needs --thickness-nm (the film thickness t, nm, > 0)")
        spin = SpinDiffusionDrive(film_from_args(a), Drive(a.efield_v_per_m, a.e_direction), a.thickness_nm,
                                  pumping=not a.no_pumping)
    # the wall width, the cell and the length against each other (before any mesh), and the size guards
    resolved = resolve_domain_wall_spec(spec, params.wall_width_m() * PER_NS,
                                        None if spin is None else spin.film.coefficients().shortest_length_nm())
    steps = math.ceil(spec.t_end_s / spec.dt_s * (1 - 1e-9))
    check_size(f"time steps (t_end {a.t_end_ns:g} ns / dt {a.dt_ps:g} ps)", steps, a.max_steps, "--max-steps")
    cells = math.ceil(resolved.length_nm / resolved.cell_nm)
    dofs = 6 * (cells + 1)  # m and its LLG partner (P1, 3 + 3 per node)
    if spin is not None:
        dofs += 4 * (resolved.spin_degree * cells + 1)  # (s, ν) of degree spin_degree
    check_size(f"degrees of freedom of the domain-wall wire ({cells} cells; estimated)", dofs, a.max_dofs,
               "--max-dofs")
    if spin is not None and spin.film.alpha_ev_nm == 0.0 and spin.pumping:
        # the closed form of docs/model.md §13.9 needs α' > 0: the spin diffusion's damping must not cancel α
        rashba_wall_zhang_li(spin.film, spin.drive, params.ms_a_per_m, spin.thickness_nm, params.alpha_gilbert,
                             params.gamma_rad_per_s_t)
    return params, spec, drive, spin


def cmd_domain_wall(a: argparse.Namespace) -> int:
    """Handler of ``rashba-diffusion domain-wall``: validate everything, then run and print.

    ``--out``: the time series, the summary (with its provenance) and the snapshots are written as one set
    (:class:`~rashba_diffusion.files.OutputSet`): a failed or interrupted run leaves the folder as it was.
    """
    t_start = time.perf_counter()
    params, spec, drive, spin = inputs_from_args(a)
    out = Path(a.out) if a.out else None
    # everything is validated: only now import DOLFINx and solve
    from ..fem._compat import MPI
    from ..problems.domain_wall import run_domain_wall

    comm = MPI.COMM_WORLD
    owner = comm.rank == 0
    with contextlib.ExitStack() as stack:
        files = None
        if out is not None:
            token = comm.bcast(new_token() if owner else None, root=0)
            files = stack.enter_context(OutputSet(out, token=token, owner=owner))
            comm.barrier()  # rank 0 made the folder: the snapshots' writers need it
        result = run_domain_wall(params, spec, drive, spin, comm,
                                 out=files.path if (files is not None and spec.snapshots) else None)
        summary = result.summary
        summary["total_seconds"] = time.perf_counter() - t_start

        def write() -> None:
            names = sorted({*files.names, TIME_SERIES_NAME, SUMMARY_NAME})
            record = {**summary, "provenance": {**run_record(a.command_line), "files": names}}
            text = summary_json(record)  # a non-finite value fails before any file is moved
            if owner:
                files.write_text(TIME_SERIES_NAME, result.time_series_csv())
                files.write_text(SUMMARY_NAME, text)
                files.commit()
            comm.barrier()

        return finish(a, summary, comm.rank, write=write if files is not None else None)
