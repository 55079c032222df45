"""``rashba-diffusion macrospin``: the macrospin LLG with prescribed torques, or with the torque of the Rashba film
or of the HM/FM bilayer solved for the current m (``--torque rashba|bilayer``)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..errors import ParameterError
from ..files import OutputSet, summary_json
from ..launch import run_record
from ..physics.bilayer import MAX_CURRENT_A_PER_M2, Ferromagnet, check_combination
from ..physics.bilayer_pumping import check_pumping
from ..physics.llg import MacrospinParameters
from ..physics.macrospin import (
    CONVENTIONS,
    DEFAULT_MAX_STEPS,
    MAX_T_END_NS,
    METHODS,
    MacrospinPoint,
    estimate_steps,
)
from ..physics.rashba import Drive
from ..problems.specs import WireSpec, default_wire_cell_nm, estimate_wire_dofs
from ..units import GAMMA_E_RAD_PER_S_T
from ..validation import check_length, check_limit, check_magnitude, check_positive, check_size
from .common import (
    add_drive_args,
    add_film_args,
    add_heavy_metal_args,
    add_json_arg,
    add_max_dofs_arg,
    add_out_arg,
    add_petsc_option_arg,
    check_solver_options,
    declare_check,
    film_from_args,
    finish,
    heavy_metal_from_args,
    interface_from_args,
    solver_options,
    vector_arg,
)

#: seconds per ns and per ps (divided by, so that 3 ns is exactly 3e-9 s)
PER_NS, PER_PS = 1e9, 1e12
TORQUES = ("prescribed", "rashba", "bilayer")
#: the files of ``--out DIR``
TIME_SERIES_NAME, SUMMARY_NAME = "timeseries.csv", "summary.json"
#: flags of one torque source only (default None: given or not is visible)
RASHBA_ONLY = ("thickness_nm", "width_nm", "cell_nm")
BILAYER_ONLY = ("fm_thickness_nm", "j_a_per_m2", "torque_evaluation")


def add_parser(sub) -> None:
    """Register ``rashba-diffusion macrospin`` on the CLI's subparsers."""
    p = sub.add_parser("macrospin", help="macrospin LLG: ringdown, switching, with prescribed or solved torques")
    g = p.add_argument_group("magnet (SI; fields in tesla)")
    g.add_argument("--ms-a-per-m", type=float, required=True, help="saturation magnetization Ms (A/m)")
    g.add_argument("--alpha-gilbert", type=float, required=True, help="Gilbert damping α (>= 0)")
    g.add_argument("--gamma-rad-per-s-t", type=float, default=GAMMA_E_RAD_PER_S_T,
                   help=f"gyromagnetic ratio γ (rad/(s·T)); default |γ_e| = {GAMMA_E_RAD_PER_S_T:.9e}")
    g.add_argument("--b-ext-t", type=vector_arg, required=True, metavar="X,Y,Z", help="external field B_ext (T)")
    g.add_argument("--b-k-t", type=float, default=0.0, help="uniaxial anisotropy field B_K = 2K_u/Ms (T, >= 0)")
    g.add_argument("--easy-axis", type=vector_arg, default=(0.0, 0.0, 1.0), help="easy axis ê (default 0,0,1)")
    g.add_argument("--b-hard-t", type=float, default=0.0, help="hard-axis field B_h = 2K_⊥/Ms (T, >= 0)")
    g.add_argument("--hard-axis", type=vector_arg, default=(0.0, 0.0, 1.0), help="hard axis ĥ (default 0,0,1)")
    g.add_argument("--demag-factors", type=vector_arg, default=None, metavar="NX,NY,NZ",
                   help="demagnetizing factors, sum 1 (thin film in the xy plane: 0,0,1); default none")
    g.add_argument("--m0", type=vector_arg, default=None, help="initial unit m (default: the easy axis)")
    g = p.add_argument_group("prescribed torques")
    g.add_argument("--b-dl-t", type=float, default=0.0, help="damping-like field B_DL (T): τ = −γB_DL m×(m×σ)")
    g.add_argument("--b-fl-t", type=float, default=0.0, help="field-like field B_FL (T): τ = −γB_FL m×σ")
    g.add_argument("--sigma", type=vector_arg, default=(0.0, 1.0, 0.0), help="spin polarization σ (default 0,1,0)")
    g.add_argument("--a-j-t", type=float, default=0.0, help="Slonczewski field a_J (T): τ = −γa_J m×(m×p)")
    g.add_argument("--p", type=vector_arg, default=(1.0, 0.0, 0.0), help="polarizer p (default 1,0,0)")
    g.add_argument("--pulse-ns", type=float, default=None,
                   help="the current (every torque) is on for t < pulse (ns), then off; default: always on")
    g = p.add_argument_group("self-consistent torque")
    g.add_argument("--torque", choices=TORQUES, default="prescribed",
                   help="rashba: the Rashba film's torque solved at every m (1D wire; the film flags below); "
                   "bilayer: the 1D HM/FM bilayer's (the heavy-metal flags below); added to the prescribed ones")
    g.add_argument("--thickness-nm", type=float, default=None,
                   help="rashba: film thickness t (nm) of τ = ±γħT/(Ms t) (the sign: llg_torque_sign)")
    g.add_argument("--width-nm", type=float, default=None, help="rashba: wire width W (nm); default 50")
    g.add_argument("--cell-nm", type=float, default=None, help="rashba: cell size (nm); default from the film")
    g.add_argument("--degree", type=int, choices=(1, 2, 3), default=2, help="rashba: Lagrange degree")
    g.add_argument("--fm-thickness-nm", type=float, default=None, help="bilayer: d_F (nm), τ = γT/(Ms d_F)")
    g.add_argument("--j-a-per-m2", type=float, default=None, help="bilayer: charge current density j_N in the HM "
                   "along x̂ (A/m², 0 allowed)")
    g.add_argument("--torque-evaluation", choices=("structure", "solve"), default=None,
                   help="bilayer: T_DL m×(σ̂×m) + T_FL σ̂×m from one solve (structure, default) or a solve at every m")
    g.add_argument("--pumping", action="store_true", help="bilayer: add the spin-pumping damping α' and α'_i of the "
                   "same drift-diffusion solve to the LLG")
    add_petsc_option_arg(p, "rashba, bilayer: PETSc option of the linear solve, repeatable")
    add_film_args(p)
    add_drive_args(p.add_argument_group("rashba: drive"))
    add_heavy_metal_args(p)
    g = p.add_argument_group("run")
    g.add_argument("--t-end-ns", type=float, required=True, help="duration (ns)")
    g.add_argument("--dt-ps", type=float, default=None, help="rk45: largest step; midpoint: the step (ps)")
    g.add_argument("--method", choices=METHODS, default="rk45",
                   help="rk45: adaptive Dormand–Prince 5(4) with renormalization (default); midpoint: implicit "
                   "midpoint, fixed step, |m| kept exactly")
    g.add_argument("--rtol", type=float, default=1e-9, help="rk45: relative tolerance (default 1e-9)")
    g.add_argument("--max-steps", type=float, default=DEFAULT_MAX_STEPS, metavar="N",
                   help=f"refuse a run of more time steps than this (estimated before it starts: t_end/dt, or 20 per "
                   f"precession period; default {DEFAULT_MAX_STEPS:g}; inf: no limit)")
    declare_check(p, lambda a: check_limit("--max-steps", a.max_steps))
    add_max_dofs_arg(p)
    add_out_arg(p, f"directory for {TIME_SERIES_NAME} (t, m, energy, torque; SI) and {SUMMARY_NAME} (replaced as "
                "a set)")
    add_json_arg(p)
    p.set_defaults(func=cmd_macrospin)


def _check_flags(a: argparse.Namespace) -> None:
    """Flags of one torque source are errors with another (before any solve)."""
    for source, names in (("rashba", RASHBA_ONLY), ("bilayer", BILAYER_ONLY)):
        for name in names:
            if getattr(a, name) is not None and a.torque != source:
                raise ParameterError(f"--{name.replace('_', '-')} is only used with --torque {source}")
    if a.pumping and a.torque != "bilayer":
        raise ParameterError("--pumping is only used with --torque bilayer")


def point_from_args(a: argparse.Namespace) -> MacrospinPoint:
    """The validated :class:`MacrospinPoint` of the magnet, prescribed-torque and run flags."""
    params = MacrospinParameters(
        ms_a_per_m=a.ms_a_per_m, alpha_gilbert=a.alpha_gilbert, gamma_rad_per_s_t=a.gamma_rad_per_s_t,
        b_ext_t=a.b_ext_t, b_k_t=a.b_k_t, easy_axis=a.easy_axis, b_hard_t=a.b_hard_t, hard_axis=a.hard_axis,
        demag_factors=a.demag_factors, b_dl_t=a.b_dl_t, b_fl_t=a.b_fl_t, sigma=a.sigma, a_j_t=a.a_j_t, p=a.p)
    t_end = check_positive("t_end_ns", a.t_end_ns, "ns", upper=MAX_T_END_NS) / PER_NS
    pulse = None if a.pulse_ns is None else check_positive("pulse_ns", a.pulse_ns, "ns", upper=MAX_T_END_NS) / PER_NS
    dt = None if a.dt_ps is None else check_positive("dt_ps", a.dt_ps, "ps", upper=MAX_T_END_NS * 1e3) / PER_PS
    if a.method == "midpoint" and dt is None:
        raise ParameterError("dt_ps = None ps is invalid for --method midpoint; valid range: (0, t_end)")
    m0 = params.easy_axis if a.m0 is None else a.m0
    return MacrospinPoint(params, m0, t_end, pulse_end_s=pulse, method=a.method, dt_s=dt, rtol=a.rtol)


def cmd_macrospin(a: argparse.Namespace) -> int:
    """Handler of ``rashba-diffusion macrospin``: validate everything, then integrate and print."""
    t_start = time.perf_counter()
    _check_flags(a)
    point = point_from_args(a)
    check_size("time steps (estimated)", estimate_steps(point), a.max_steps, "--max-steps")
    petsc_options = solver_options(a) or None
    if a.torque == "prescribed":
        if a.petsc_option:
            raise ParameterError(f"--petsc-option = {a.petsc_option[0]!r} is not used with --torque prescribed (no "
                                 "solve); valid: leave it out")
        result = point.run()
        summary = result.summary()
        rank = 0
    else:
        result, summary, rank = _self_consistent(a, point, petsc_options)
    summary.update(t_end_s=point.t_end_s, method=point.method, torque=a.torque,
                   gilbert_damping=summary.get("gilbert_damping", point.params.alpha_gilbert),
                   conventions=CONVENTIONS, total_seconds=time.perf_counter() - t_start)
    write = (lambda: _write_outputs(Path(a.out), result, summary, a.command_line)) if a.out and rank == 0 else None
    return finish(a, summary, rank, write=write)


def _write_outputs(out: Path, result, summary: dict, command: str | None = None) -> None:
    """``--out``: the time series and the summary (with its provenance), replacing the folder's previous set as
    one."""
    record = {**summary, "provenance": {**run_record(command), "files": [SUMMARY_NAME, TIME_SERIES_NAME]}}
    summary_text = summary_json(record)  # a non-finite value fails before any file
    try:
        with OutputSet(out) as files:
            files.write_text(TIME_SERIES_NAME, result.time_series_csv())
            files.write_text(SUMMARY_NAME, summary_text)
            files.commit()
    except OSError as e:
        e.add_note(f"writing the outputs into {str(out)!r} failed; it is as it was before this run")
        raise


def _self_consistent(a: argparse.Namespace, point: MacrospinPoint, petsc_options: dict | None):
    """(result, summary, rank) of a run with the torque of a solve at every m (``--torque rashba|bilayer``)."""
    params = point.params
    if a.torque == "rashba":
        film = film_from_args(a)
        drive = Drive(a.efield_v_per_m, a.e_direction)
        if a.thickness_nm is None:
            raise ParameterError("--torque rashba needs --thickness-nm (the film thickness t, nm, > 0)")
        thickness = check_length("thickness_nm", a.thickness_nm)
        spec = WireSpec(width_nm=50.0 if a.width_nm is None else a.width_nm, cell_nm=a.cell_nm, degree=a.degree)
        cell = spec.cell_nm or default_wire_cell_nm(film, spec)
        check_size(f"degrees of freedom of the 1d wire (width {spec.width_nm:g} nm, cell {cell:.3g} nm, degree "
                   f"{spec.degree}; estimated)", estimate_wire_dofs(film, spec), a.max_dofs, "--max-dofs")
    else:
        hm, interface = heavy_metal_from_args(a), interface_from_args(a)
        if a.fm_thickness_nm is None:
            raise ParameterError("--torque bilayer needs --fm-thickness-nm (d_F, nm, > 0)")
        fm = Ferromagnet(thickness_nm=a.fm_thickness_nm, ms_a_per_m=params.ms_a_per_m)
        check_combination(fm, interface)
        if a.pumping:
            check_pumping(fm, interface)
        j = 0.0 if a.j_a_per_m2 is None else check_magnitude("j_a_per_m2", a.j_a_per_m2, "A/m²", MAX_CURRENT_A_PER_M2)
    # everything is validated: only now import DOLFINx and solve
    check_solver_options(petsc_options)
    from ..fem._compat import MPI
    from ..problems.macrospin import BilayerTorque, RashbaTorque, run_self_consistent, with_pumping

    comm = MPI.COMM_WORLD
    extra = {}
    if a.torque == "rashba":
        source = RashbaTorque(film, drive, spec, params.ms_a_per_m, thickness, params.gamma_rad_per_s_t, comm,
                              petsc_options, m_start=point.m0)
    else:
        source = BilayerTorque(hm, interface, j, params.ms_a_per_m, fm.thickness_nm, params.gamma_rad_per_s_t,
                               a.torque_evaluation or "structure", comm=comm, petsc_options=petsc_options,
                               m_start=point.m0)
        if a.pumping:
            extra = source.pumping()
            point = MacrospinPoint(with_pumping(params, extra), point.m0, point.t_end_s, point.pulse_end_s,
                                   point.method, point.dt_s, point.rtol, point.atol)
            extra["gilbert_damping"] = point.params.alpha_gilbert
    with source:
        result, summary = run_self_consistent(point, source)
    summary.update(extra)
    summary["ranks"] = comm.size
    return result, summary, comm.rank
