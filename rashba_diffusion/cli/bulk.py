"""``rashba-diffusion bulk``: the infinite medium (Eq. 26), no geometry."""

from __future__ import annotations

import argparse

from ..physics.bulk import solve_bulk
from ..physics.rashba import LLG_TORQUE_SIGN, validity_warnings
from ..physics.torque import add_film_dl_fl
from .common import add_effective_fields, add_material_args, film_inputs, finish, warn


def add_parser(sub) -> None:
    """Register ``bulk`` on the CLI's subparsers."""
    b = sub.add_parser("bulk", help="the infinite medium (Eq. 26), no geometry")
    add_material_args(b)
    b.set_defaults(func=cmd_bulk)


def cmd_bulk(a: argparse.Namespace) -> int:
    """Handler of ``rashba-diffusion bulk``."""
    film, drive, m, fields = film_inputs(a)
    warn(validity_warnings(film))
    r = solve_bulk(film, drive, m)
    summary = {
        "T_perp_bulk_J_per_m2": r.T_perp_j_per_m2,
        "T_par_bulk_J_per_m2": r.T_par_j_per_m2,
        "T_perp_J_per_m2": r.T_perp_j_per_m2,
        "T_par_J_per_m2": r.T_par_j_per_m2,
        "s_hbar_per_m2": r.s_per_m2.tolist(),
        "m": list(m),
        "j_sheet_A_per_m": film.coefficients().sheet_conductance_s * drive.efield_v_per_m,
    }
    add_film_dl_fl(summary, llg_sign=LLG_TORQUE_SIGN)
    add_effective_fields(summary, fields)
    return finish(a, summary)
