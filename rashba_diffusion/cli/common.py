"""What the subcommands share: argument groups, argument types and the output of a summary.

Nothing here imports DOLFINx, PETSc or gmsh: the command line validates everything before a subcommand
imports the heavy layers.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
from collections.abc import Callable

from ..errors import ParameterError
from ..physics.bilayer import DEFAULTS as BILAYER_DEFAULTS
from ..physics.bilayer import HeavyMetal, Interface
from ..physics.rashba import LLG_TORQUE_SIGN, POLARIZATION_RULES, Drive, Film, paper_film
from ..physics.torque import effective_fields_tesla
from ..validation import check_positive, unit_vector

#: the defaults of the material flags: the paper's Figs. 2-3 film
PAPER_DEFAULTS = dataclasses.asdict(paper_film())


def numbers_arg(example: str) -> Callable[[str], tuple[float, ...]]:
    """An argparse type: a comma-separated list of numbers (``example`` shows one in the error message)."""

    def parse(text: str) -> tuple[float, ...]:
        try:
            return tuple(float(t) for t in text.split(","))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a comma-separated list of numbers (e.g. {example})") from None

    return parse


#: an argparse type: a 3-vector given as x,y,z
vector_arg = numbers_arg("1,0,0")


def add_json_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def add_petsc_option_arg(p: argparse.ArgumentParser, help: str) -> None:
    p.add_argument("--petsc-option", action="append", default=[], metavar="KEY=VALUE", help=help)


def add_material_args(p: argparse.ArgumentParser) -> None:
    """The film's material, drive and magnetization flags (``wire``, ``bulk``), and ``--json``."""
    add_film_args(p)
    g = p.add_argument_group("drive and magnetization")
    add_drive_args(g)
    g.add_argument("--m", type=vector_arg, default=(1.0, 0.0, 0.0), help="unit magnetization mx,my,mz (default 1,0,0)")
    g.add_argument("--ms-a-per-m", type=float, default=None,
                   help="saturation magnetization Ms (A/m), for effective fields")
    g.add_argument("--thickness-nm", type=float, default=None, help="film thickness (nm), for effective fields")
    add_json_arg(p)


def add_drive_args(g) -> None:
    """The film's drive flags ``--efield-v-per-m`` and ``--e-direction`` (on a parser or an argument group)."""
    g.add_argument("--efield-v-per-m", type=float, default=1e5, help="electric field |E| (V/m)")
    g.add_argument("--e-direction", type=vector_arg, default=(1.0, 0.0, 0.0),
                   help="in-plane unit vector Ê (default 1,0,0)")


def add_film_args(p: argparse.ArgumentParser) -> None:
    """The film's material flags (the paper's Fig. 2 values are the defaults); :func:`film_from_args` reads them."""
    d = PAPER_DEFAULTS
    g = p.add_argument_group("material (the paper's Fig. 2 values are the defaults; its PF: --polarization-rule eq17)")
    g.add_argument("--alpha-ev-nm", type=float, default=d["alpha_ev_nm"], help="Rashba constant α (eV·nm)")
    x = g.add_mutually_exclusive_group()
    x.add_argument("--tau-delta-s", type=float, default=None,
                   help=f"precession time τΔ = ħ/Δxc (s); default {d['tau_delta_s']:g}")
    x.add_argument("--delta-xc-ev", type=float, default=None, help="exchange splitting Δxc (eV)")
    g.add_argument("--tau-s", type=float, default=d["tau_s"], help="momentum relaxation time τ (s)")
    g.add_argument("--tau-sf-s", type=float, default=d["tau_sf_s"], help="spin-flip time τsf (s); inf = off")
    g.add_argument("--kf-per-nm", type=float, default=d["kf_per_nm"], help="Fermi wave vector kF (1/nm)")
    g.add_argument("--mass-ratio", type=float, default=d["mass_ratio"], help="effective mass m*/mₑ")
    g.add_argument("--polarization", type=float, default=None, help="override PF (dimensionless, [-1, 1])")
    g.add_argument("--polarization-rule", choices=POLARIZATION_RULES, default=d["polarization_rule"],
                   help="equilibrium spin S0 = n PF m: PF = −Δxc/(4εF) (hamiltonian, default), Δxc/εF (eq17, "
                        "the paper's Figs. 2-3) or Δxc/(2εF) (eq38)")
    g.add_argument("--precession-rule", choices=("eq17", "eq15"), default=d["precession_rule"],
                   help="1/τΔ = Δxc/ħ (eq17, default) or Δxc/(ħ(4ς²+1)) (eq15)")
    g.add_argument("--charge-coupling", choices=("projected", "printed"), default=d["charge_coupling"],
                   help="B, R couplings of the charge equation: 4B, 8R (projected, default) or as printed")
    g.add_argument("--charge-gamma", action="store_true", help="keep Eq. 16's Γ∇z·(mn) on ν (see docs/model.md)")


def add_heavy_metal_args(p: argparse.ArgumentParser) -> None:
    """The bilayer's heavy-metal and interface flags (``bilayer``, ``macrospin --torque bilayer``); defaults
    :data:`~rashba_diffusion.physics.bilayer.DEFAULTS`.  :func:`heavy_metal_from_args` and
    :func:`interface_from_args` read them."""
    d = BILAYER_DEFAULTS
    g = p.add_argument_group("heavy metal")
    g.add_argument("--hm-thickness-nm", type=float, default=d["hm_thickness_nm"], help="d_N (nm)")
    g.add_argument("--hm-lambda-nm", type=float, default=d["hm_lambda_nm"], help="spin-diffusion length λ_N (nm)")
    g.add_argument("--hm-sigma-s-per-m", type=float, default=d["hm_sigma_s_per_m"], help="conductivity σ_N (S/m)")
    g.add_argument("--theta-sh", type=float, default=d["theta_sh"], help="spin Hall angle θ_SH")
    g = p.add_argument_group("interface")
    g.add_argument("--interface", choices=("mixing", "continuous"), default="mixing",
                   help="mixing-conductance jump (default) or transparent (needs a finite FM)")
    g.add_argument("--g-mix-real-s-per-m2", type=float, default=d["g_mix_real_s_per_m2"], help="Re G↑↓ (S/m²)")
    g.add_argument("--g-mix-imag-s-per-m2", type=float, default=d["g_mix_imag_s_per_m2"], help="Im G↑↓ (S/m²)")


def heavy_metal_from_args(a: argparse.Namespace) -> HeavyMetal:
    """The validated :class:`HeavyMetal` of the heavy-metal flags."""
    return HeavyMetal(a.hm_thickness_nm, a.hm_lambda_nm, a.hm_sigma_s_per_m, a.theta_sh)


def interface_from_args(a: argparse.Namespace) -> Interface:
    """The validated :class:`Interface` of the interface flags."""
    return Interface(a.interface, a.g_mix_real_s_per_m2, a.g_mix_imag_s_per_m2)


def film_from_args(a: argparse.Namespace) -> Film:
    """The validated :class:`Film` of the material flags."""
    tau_delta = a.tau_delta_s
    if tau_delta is None and a.delta_xc_ev is None:
        tau_delta = PAPER_DEFAULTS["tau_delta_s"]
    return Film(alpha_ev_nm=a.alpha_ev_nm, tau_s=a.tau_s, tau_sf_s=a.tau_sf_s, kf_per_nm=a.kf_per_nm,
                delta_xc_ev=a.delta_xc_ev, tau_delta_s=tau_delta, mass_ratio=a.mass_ratio,
                polarization=a.polarization, polarization_rule=a.polarization_rule,
                precession_rule=a.precession_rule, charge_coupling=a.charge_coupling, charge_gamma=a.charge_gamma)


def film_inputs(a: argparse.Namespace) -> tuple[Film, Drive, tuple[float, float, float], tuple | None]:
    """(film, drive, m, effective-field inputs) of the material, drive and magnetization flags, validated."""
    film = film_from_args(a)
    drive = Drive(a.efield_v_per_m, a.e_direction)
    return film, drive, unit_vector("m", a.m), effective_field_inputs(a)


def effective_field_inputs(a: argparse.Namespace) -> tuple[float, float] | None:
    """(Ms in A/m, thickness in nm) if effective fields were asked for, validated."""
    if (a.ms_a_per_m is None) != (a.thickness_nm is None):
        raise ParameterError("give both --ms-a-per-m (A/m, > 0) and --thickness-nm (nm, > 0) for effective fields")
    if a.ms_a_per_m is None:
        return None
    return check_positive("ms_a_per_m", a.ms_a_per_m, "A/m"), check_positive("thickness_nm", a.thickness_nm, "nm")


def add_effective_fields(summary: dict, inputs: tuple[float, float] | None) -> None:
    """Add ``B_FL_T``, ``B_DL_T`` (and their ``_bulk`` twins) to a film summary when ``inputs`` are given."""
    if inputs is None:
        return
    for suffix in ("", "_bulk"):
        b_fl, b_dl = effective_fields_tesla(
            summary[f"T_perp{suffix}_J_per_m2"], summary[f"T_par{suffix}_J_per_m2"], *inputs,
            llg_sign=LLG_TORQUE_SIGN,
        )
        summary[f"B_FL{suffix}_T"], summary[f"B_DL{suffix}_T"] = b_fl, b_dl


def emit(a: argparse.Namespace, summary: dict, rank: int = 0) -> None:
    """Print the summary on rank 0: one JSON object (``--json``; non-finite numbers as null) or a table."""
    if rank != 0:
        return
    clean = {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in summary.items()}
    if a.json:
        print(json.dumps(clean, sort_keys=True))
    else:
        for k in sorted(clean):
            print(f"{k:28s} {clean[k]}")
