"""What the subcommands share: argument groups and types, the checks made before any work, the output of a
summary.

Nothing here imports DOLFINx, PETSc or gmsh at module level: the command line validates everything before a
subcommand imports the heavy layers.  The contract (docs/reliability.md) is kept by these helpers:

* :func:`add_out_arg`, :func:`add_output_file_arg`: the path is checked before any work (:func:`declare_check`);
* :func:`add_max_dofs_arg`, :func:`add_max_points_arg`: the size guards' flags;
* :func:`solver_options` (names and values, light) and :func:`check_solver_options` (PETSc reads them on a
  small probe before any mesh);
* :func:`reject_ignored`: a flag the chosen geometry would ignore is an error;
* :func:`warn`: warnings through the ``rashba_diffusion`` logger;
* :func:`finish`: the summary checked to be finite (else exit 3), written, printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import platform
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata

from .. import __version__
from ..errors import ParameterError
from ..fem.solver_options import parse_petsc_option_args
from ..files import check_output_dir, check_output_file, finite_summary, strict_json
from ..launch import PROG
from ..physics.bilayer import DEFAULTS as BILAYER_DEFAULTS
from ..physics.bilayer import HeavyMetal, Interface
from ..physics.rashba import DEFAULT_EFIELD_V_PER_M, LLG_TORQUE_SIGN, POLARIZATION_RULES, Drive, Film, paper_film
from ..physics.torque import MAX_MS_A_PER_M, add_film_efficiencies, check_efficiency_inputs
from ..validation import (
    DEFAULT_MAX_DOFS,
    DEFAULT_MAX_POINTS,
    check_length,
    check_limit,
    check_positive,
    unit_vector,
)
from .contract import inject_fault

#: the defaults of the material flags: the paper's Figs. 2-3 film
PAPER_DEFAULTS = dataclasses.asdict(paper_film())
LOG = logging.getLogger("rashba_diffusion")


# -- checks made before a command runs (contract.run calls run_checks) ------------------------------------
def declare_check(p: argparse.ArgumentParser, check: Callable[[argparse.Namespace], None]) -> None:
    """Run ``check(args)`` before the command of ``p`` (:func:`.contract.run`, before any heavy import); it
    raises ParameterError."""
    p.set_defaults(_checks=[*(p.get_default("_checks") or []), check])


def add_out_arg(p: argparse.ArgumentParser, help: str) -> None:
    """``--out DIR``: an output folder, checked (a folder or creatable, writable) before any work."""
    p.add_argument("--out", default=None, metavar="DIR", help=help)

    def check(a: argparse.Namespace) -> None:
        if a.out is not None:
            check_output_dir(a.out, "--out")

    declare_check(p, check)


def add_output_file_arg(p: argparse.ArgumentParser, flags: tuple[str, ...], dest: str, help: str,
                        suffixes: tuple[str, ...] = ()) -> None:
    """A required output file (``-o FILE``), checked before any work."""
    p.add_argument(*flags, dest=dest, required=True, metavar="FILE", help=help)

    def check(a: argparse.Namespace) -> None:
        check_output_file(getattr(a, dest), "/".join(flags), suffixes)

    declare_check(p, check)


def add_max_dofs_arg(p: argparse.ArgumentParser) -> None:
    """``--max-dofs``: the size guard of a solve (checked against an estimate before any mesh)."""
    p.add_argument("--max-dofs", type=float, default=DEFAULT_MAX_DOFS, metavar="N",
                   help=f"refuse a solve of more degrees of freedom than this (estimated before meshing; default "
                   f"{DEFAULT_MAX_DOFS:g}; inf: no limit)")
    declare_check(p, lambda a: check_limit("--max-dofs", a.max_dofs))


def add_max_points_arg(p: argparse.ArgumentParser) -> None:
    """``--max-points``: the size guard of a sweep (checked before its points are built)."""
    p.add_argument("--max-points", type=float, default=DEFAULT_MAX_POINTS, metavar="N",
                   help=f"refuse a sweep of more points than this (default {DEFAULT_MAX_POINTS:g}; inf: no limit)")
    declare_check(p, lambda a: check_limit("--max-points", a.max_points))


def reject_ignored(a: argparse.Namespace, flags: Mapping[str, str], reason: str) -> None:
    """Flags that the chosen geometry would ignore are errors: ``flags`` maps dest -> flag; given = not None."""
    given = [(flag, getattr(a, dest)) for dest, flag in flags.items() if getattr(a, dest, None) not in (None, [])]
    if given:
        flag, value = given[0]
        raise ParameterError(f"{flag} = {value!r} is not used {reason}; valid: leave it out")


def warn(messages: Iterable[str]) -> None:
    """Warnings (the model's validity, not errors) through the ``rashba_diffusion`` logger."""
    for m in messages:
        LOG.warning(m)


def solver_options(a: argparse.Namespace) -> dict[str, str]:
    """The ``--petsc-option`` values as a dict, names and known values checked (light)."""
    return parse_petsc_option_args(a.petsc_option)


def check_solver_options(options: Mapping[str, str] | None) -> None:
    """PETSc reads the options on a small probe solve before any mesh (heavy: imports PETSc)."""
    from ..fem.solver import probe_petsc_options

    for m in probe_petsc_options(options or {}):
        LOG.warning(m)


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


#: the distributions that provide DOLFINx, in the order :func:`version_text` looks for them
DOLFINX_DISTRIBUTIONS = ("dolfinx-solver-real", "fenics-dolfinx")


def version_text() -> str:
    """``--version``: the package's version, Python's and DOLFINx's (from the installed metadata; DOLFINx is
    not imported)."""
    found = "not installed"
    for dist in DOLFINX_DISTRIBUTIONS:
        try:
            found = f"{metadata.version(dist)} ({dist})"
            break
        except metadata.PackageNotFoundError:
            continue
    return f"{PROG} {__version__} (Python {platform.python_version()}; DOLFINx {found})"


def add_logging_args(p: argparse.ArgumentParser) -> None:
    """``-v/--verbose`` (repeatable) and ``-q/--quiet``, on every (sub)parser; absent unless given, so that a
    subcommand's default does not undo the top level's."""
    g = p.add_argument_group("messages (stderr)")
    g.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                   help="more messages: -v what is done, -vv debugging detail")
    g.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                   help="errors only (no warnings, no progress bar)")


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
    g.add_argument("--thickness-nm", type=float, default=None,
                   help="film thickness t (nm): adds the current density j_A_per_m2 and the efficiencies xi_DL, xi_FL")
    g.add_argument("--ms-a-per-m", type=float, default=None,
                   help="saturation magnetization Ms (A/m), with --thickness-nm: adds the effective fields B_DL_T, "
                        "B_FL_T")
    add_json_arg(p)


def add_drive_args(g) -> None:
    """The film's drive flags ``--efield-v-per-m`` and ``--e-direction`` (on a parser or an argument group)."""
    g.add_argument("--efield-v-per-m", type=float, default=DEFAULT_EFIELD_V_PER_M, help="electric field |E| (V/m)")
    g.add_argument("--e-direction", type=vector_arg, default=(1.0, 0.0, 0.0),
                   help="in-plane unit vector Ê (default 1,0,0)")


def add_magnet_args(g, purpose: str) -> None:
    """``--ms-a-per-m`` and ``--thickness-nm`` of the magnet (on a parser or an argument group)."""
    g.add_argument("--ms-a-per-m", type=float, default=None, help=f"saturation magnetization Ms (A/m), {purpose}")
    g.add_argument("--thickness-nm", type=float, default=None, help=f"film thickness (nm), {purpose}")


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


def effective_field_inputs(a: argparse.Namespace) -> tuple[float | None, float | None]:
    """(thickness in nm, Ms in A/m), each ``None`` when not given, validated (Ms needs the thickness)."""
    if a.ms_a_per_m is not None and a.thickness_nm is None:
        raise ParameterError(f"--ms-a-per-m = {a.ms_a_per_m!r} A/m needs --thickness-nm (nm, > 0): the effective "
                             "fields are hbar*T/(Ms t)")
    return check_efficiency_inputs(a.thickness_nm, a.ms_a_per_m)


def magnet_inputs(a: argparse.Namespace, purpose: str) -> tuple[float, float] | None:
    """(Ms in A/m, thickness in nm) of the magnet of :func:`add_magnet_args` if given (both or neither), validated."""
    if (a.ms_a_per_m is None) != (a.thickness_nm is None):
        given = "--ms-a-per-m" if a.thickness_nm is None else "--thickness-nm"
        raise ParameterError(f"{given} alone is not used; valid: give both --ms-a-per-m (A/m, > 0) and "
                             f"--thickness-nm (nm, > 0) {purpose}")
    if a.ms_a_per_m is None:
        return None
    return (check_positive("ms_a_per_m", a.ms_a_per_m, "A/m", upper=MAX_MS_A_PER_M),
            check_length("thickness_nm", a.thickness_nm))


def add_effective_fields(summary: dict, inputs: tuple[float | None, float | None]) -> None:
    """Add what ``--thickness-nm`` (and ``--ms-a-per-m``) give to a film summary: ``j_A_per_m2``, ``xi_DL``,
    ``xi_FL`` (and ``B_FL_T``, ``B_DL_T``), with their ``_bulk`` twins."""
    thickness_nm, ms_a_per_m = inputs
    if thickness_nm is not None:
        add_film_efficiencies(summary, thickness_nm, ms_a_per_m, llg_sign=LLG_TORQUE_SIGN)


def emit(a: argparse.Namespace, summary: Mapping, rank: int = 0) -> None:
    """Print the summary on rank 0: one strict JSON object (``--json``) or a table.

    An undefined torque (NaN) is ``null``; any other non-finite value raises
    :class:`~rashba_diffusion.errors.NonFiniteResult` (exit 3), on every rank.
    """
    clean = finite_summary(summary)
    if rank != 0:
        return
    if a.json:
        print(strict_json(clean))
    else:
        for k in sorted(clean):
            print(f"{k:28s} {clean[k]}")


def finish(a: argparse.Namespace, summary: Mapping, rank: int = 0,
           write: Callable[[], object] | None = None) -> int:
    """The end of a solving command: the summary must be finite (else exit 3 and nothing is written), then
    ``write()`` the outputs (``--out``), then print the summary.  Returns exit status 0."""
    finite_summary(summary)  # before anything is written
    inject_fault("finish")
    if write is not None:
        write()
    emit(a, summary, rank)
    return 0
