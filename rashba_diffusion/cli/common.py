"""Command line: ``rashba-diffusion wire|bulk|bilayer|mesh|sweep|bench``.  Units in flag names are the contract."""

from __future__ import annotations

import argparse
import json
import math
import sys

from .parameters import Drive, Film, ParameterError, unit_vector

PAPER_DEFAULTS = {"alpha_ev_nm": 5e-2, "tau_s": 1e-15, "tau_sf_s": 1e-12, "kf_per_nm": 4.3, "tau_delta_s": 1e-14}


def _vector(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(t) for t in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of numbers (e.g. 1,0,0)") from None


def _add_material(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("material (the paper's Fig. 2 values are the defaults)")
    g.add_argument("--alpha-ev-nm", type=float, default=PAPER_DEFAULTS["alpha_ev_nm"], help="Rashba constant α (eV·nm)")
    x = g.add_mutually_exclusive_group()
    x.add_argument("--tau-delta-s", type=float, default=None, help="precession time τΔ = ħ/Δxc (s); default 1e-14")
    x.add_argument("--delta-xc-ev", type=float, default=None, help="exchange splitting Δxc (eV)")
    g.add_argument("--tau-s", type=float, default=PAPER_DEFAULTS["tau_s"], help="momentum relaxation time τ (s)")
    g.add_argument(
        "--tau-sf-s", type=float, default=PAPER_DEFAULTS["tau_sf_s"], help="spin-flip time τsf (s); inf = off"
    )
    g.add_argument("--kf-per-nm", type=float, default=PAPER_DEFAULTS["kf_per_nm"], help="Fermi wave vector kF (1/nm)")
    g.add_argument("--mass-ratio", type=float, default=1.0, help="effective mass m*/mₑ")
    g.add_argument("--polarization", type=float, default=None, help="override PF (dimensionless, [-1, 1])")
    g.add_argument(
        "--polarization-rule",
        choices=("eq17", "eq38"),
        default="eq17",
        help="PF = Δxc/εF (eq17, default) or Δxc/(2εF) (eq38)",
    )
    g.add_argument(
        "--precession-rule",
        choices=("eq17", "eq15"),
        default="eq17",
        help="1/τΔ = Δxc/ħ (eq17, default) or Δxc/(ħ(4ς²+1)) (eq15)",
    )
    g.add_argument(
        "--charge-coupling",
        choices=("projected", "printed"),
        default="projected",
        help="B, R couplings of the charge equation: 4B, 8R (projected, default) or as printed",
    )
    g.add_argument("--charge-gamma", action="store_true", help="keep Eq. 16's Γ∇z·(mn) on ν (see docs/model.md)")
    d = p.add_argument_group("drive and magnetization")
    d.add_argument("--efield-v-per-m", type=float, default=1e5, help="electric field |E| (V/m)")
    d.add_argument(
        "--e-direction", type=_vector, default=(1.0, 0.0, 0.0), help="in-plane unit vector Ê (default 1,0,0)"
    )
    d.add_argument("--m", type=_vector, default=(1.0, 0.0, 0.0), help="unit magnetization mx,my,mz (default 1,0,0)")
    d.add_argument(
        "--ms-a-per-m", type=float, default=None, help="saturation magnetization Ms (A/m), for effective fields"
    )
    d.add_argument("--thickness-nm", type=float, default=None, help="film thickness (nm), for effective fields")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def film_from_args(a: argparse.Namespace) -> Film:
    tau_delta = a.tau_delta_s
    if tau_delta is None and a.delta_xc_ev is None:
        tau_delta = PAPER_DEFAULTS["tau_delta_s"]
    return Film(
        alpha_ev_nm=a.alpha_ev_nm,
        tau_s=a.tau_s,
        tau_sf_s=a.tau_sf_s,
        kf_per_nm=a.kf_per_nm,
        delta_xc_ev=a.delta_xc_ev,
        tau_delta_s=tau_delta,
        mass_ratio=a.mass_ratio,
        polarization=a.polarization,
        polarization_rule=a.polarization_rule,
        precession_rule=a.precession_rule,
        charge_coupling=a.charge_coupling,
        charge_gamma=a.charge_gamma,
    )


def _effective_field_inputs(a) -> tuple[float, float] | None:
    """(Ms in A/m, thickness in nm) if effective fields were asked for, validated."""
    from .parameters import check_positive

    if (a.ms_a_per_m is None) != (a.thickness_nm is None):
        raise ParameterError("give both --ms-a-per-m (A/m, > 0) and --thickness-nm (nm, > 0) for effective fields")
    if a.ms_a_per_m is None:
        return None
    return check_positive("ms_a_per_m", a.ms_a_per_m, "A/m"), check_positive("thickness_nm", a.thickness_nm, "nm")


def _add_effective_fields(summary: dict, inputs: tuple[float, float] | None) -> None:
    from .torque import effective_fields_tesla

    if inputs is None:
        return
    for suffix in ("", "_bulk"):
        b_fl, b_dl = effective_fields_tesla(
            summary[f"T_perp{suffix}_J_per_m2"], summary[f"T_par{suffix}_J_per_m2"], *inputs
        )
        summary[f"B_FL{suffix}_T"], summary[f"B_DL{suffix}_T"] = b_fl, b_dl


def _emit(a, summary: dict, rank: int = 0) -> None:
    if rank != 0:
        return
    clean = {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in summary.items()}
    if a.json:
        print(json.dumps(clean, sort_keys=True))
    else:
        for k in sorted(clean):
            print(f"{k:28s} {clean[k]}")


def cmd_bulk(a: argparse.Namespace) -> int:
    from .bulk import solve_bulk

    film = film_from_args(a)
    drive = Drive(a.efield_v_per_m, a.e_direction)
    m = unit_vector("m", a.m)
    fields = _effective_field_inputs(a)
    r = solve_bulk(film, drive, m)
    summary = {
        "T_perp_bulk_J_per_m2": r.T_perp_j_per_m2,
        "T_par_bulk_J_per_m2": r.T_par_j_per_m2,
        "T_perp_J_per_m2": r.T_perp_j_per_m2,
        "T_par_J_per_m2": r.T_par_j_per_m2,
        "s_hbar_per_m2": r.s_per_m2.tolist(),
        "m": list(m),
    }
    _add_effective_fields(summary, fields)
    _emit(a, summary)
    return 0


def cmd_wire(a: argparse.Namespace) -> int:
    from .wire import WireSpec

    film = film_from_args(a)
    drive = Drive(a.efield_v_per_m, a.e_direction)
    m = unit_vector("m", a.m)
    spec = WireSpec(width_nm=a.width_nm, geometry=a.geometry, length_nm=a.length_nm, cell_nm=a.cell_nm, degree=a.degree)
    fields = _effective_field_inputs(a)
    if a.mesh is not None:  # the film on a mesh file (Hall bar, notch, ...)
        from .film_mesh import cmd_wire_mesh

        return cmd_wire_mesh(a, film, drive, m, fields)
    from .solver_options import parse_petsc_option_args

    petsc_options = parse_petsc_option_args(a.petsc_option)
    # everything is validated: only now import DOLFINx and solve
    from ._compat import MPI
    from .io import write_wire_outputs
    from .wire import solve_wire

    comm = MPI.COMM_WORLD
    result = solve_wire(film, drive, m, spec, comm, petsc_options=petsc_options)
    _add_effective_fields(result.summary, fields)
    if a.out:
        title = f"α = {film.alpha_ev_nm:g} eV·nm, W = {spec.width_nm:g} nm, m = {tuple(round(x, 3) for x in m)}"
        write_wire_outputs(a.out, result, title, plot=True)
    _emit(a, result.summary, comm.rank)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="rashba-diffusion",
        description="Current-induced spin accumulation and spin-orbit torques in Rashba ferromagnetic films.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    w = sub.add_parser("wire", help="solve a wire (1D cross-section by default, or the full 2D wire)")
    _add_material(w)
    g = w.add_argument_group("geometry")
    g.add_argument("--width-nm", type=float, default=50.0, help="wire width W (nm)")
    g.add_argument(
        "--geometry",
        choices=("1d", "2d"),
        default="1d",
        help="1d: translation-invariant cross-section (default); 2d: full wire with contacts",
    )
    g.add_argument("--length-nm", type=float, default=None, help="2D wire length (nm); default max(4W, 10λsf)")
    g.add_argument(
        "--cell-nm",
        type=float,
        default=None,
        help="cell size (nm; at the edges in 2D); default from the shortest physical length",
    )
    g.add_argument("--degree", type=int, choices=(1, 2, 3), default=2, help="Lagrange degree")
    g.add_argument("--mesh", default=None, help="solve on this 2D mesh file (.msh or meshio); overrides --geometry")
    g.add_argument("--tag-map", default=None, help="JSON (or .json file) mapping our tag names to the mesh's tags")
    g.add_argument("--out", default=None, help="directory for fields (VTX .bp), profile.csv, profile.png, summary.json")
    w.add_argument("--petsc-option", action="append", default=[], metavar="KEY=VALUE",
                   help="PETSc option of the linear solve, repeatable (e.g. preset=iterative, ksp_rtol=1e-10)")
    w.set_defaults(func=cmd_wire)
    b = sub.add_parser("bulk", help="the infinite medium (Eq. 26), no geometry")
    _add_material(b)
    b.set_defaults(func=cmd_bulk)
    from .bilayer import add_parser as add_bilayer_parser

    add_bilayer_parser(sub)
    from .mesh_cli import add_parser as add_mesh_parser

    add_mesh_parser(sub)
    from .sweep import add_parser as add_sweep_parser

    add_sweep_parser(sub)
    from .bench import add_parser as add_bench_parser

    add_bench_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    a = parser.parse_args(argv)
    try:
        return a.func(a)
    except ParameterError as e:
        print(f"rashba-diffusion: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
