"""``rashba-diffusion bilayer``: heavy-metal/ferromagnet bilayer, spin Hall torques, ξ_DL and ξ_FL."""

from __future__ import annotations

import argparse

from ..errors import ParameterError
from ..fem.solver_options import parse_petsc_option_args
from ..meshing.tags import parse_tag_map
from ..physics.bilayer import DEFAULT_M, DEFAULTS, Ferromagnet, check_combination, check_current_density
from ..physics.bilayer_pumping import check_pumping
from ..problems.specs import BilayerSpec, bilayer_stripe_spec
from ..validation import unit_vector
from .common import (
    add_heavy_metal_args,
    add_json_arg,
    add_petsc_option_arg,
    emit,
    heavy_metal_from_args,
    interface_from_args,
    vector_arg,
)


def add_parser(sub) -> None:
    """Register ``rashba-diffusion bilayer`` on the CLI's subparsers."""
    d = DEFAULTS
    p = sub.add_parser("bilayer", help="heavy-metal/ferromagnet bilayer: spin Hall torques, ξ_DL and ξ_FL")
    add_heavy_metal_args(p)
    g = p.add_argument_group("ferromagnet (an ideal transverse spin sink unless a length is given)")
    g.add_argument("--fm-thickness-nm", type=float, default=None, help="d_F (nm)")
    g.add_argument("--fm-sigma-s-per-m", type=float, default=None, help="σ_F (S/m); default σ_N")
    g.add_argument("--fm-lambda-j-nm", type=float, default=None, help="exchange-precession length λ_J (nm)")
    g.add_argument("--fm-lambda-phi-nm", type=float, default=None, help="transverse dephasing length λ_φ (nm)")
    g.add_argument("--fm-lambda-sf-nm", type=float, default=None, help="spin-flip length λ_sf (nm)")
    g.add_argument("--ms-a-per-m", type=float, default=None, help="Ms (A/m), with --fm-thickness-nm: effective fields")
    g.add_argument("--pumping", action="store_true", help="also the spin-pumping Gilbert damping enhancement α' (and "
                   "α'_i) from the same drift-diffusion solve; needs --ms-a-per-m, --fm-thickness-nm, a mixing "
                   "interface and an ideal-sink FM")
    g = p.add_argument_group("drive, magnetization, discretization")
    g.add_argument("--j-a-per-m2", type=float, default=d["j_a_per_m2"], help="charge current density j_N in the HM "
                   "along x̂ (A/m²)")
    g.add_argument("--m", type=vector_arg, default=DEFAULT_M, help="unit magnetization (default 0,0,1)")
    g.add_argument("--geometry", choices=("1d", "2d", "3d"), default="1d",
                   help="1d: film infinite in-plane (default); 2d: (y, z) cross-section of a stripe; 3d: the gmsh "
                   "stripe (x, y, z) with contacts at x = 0, L")
    g.add_argument("--width-nm", type=float, default=None, help="2D/3D stripe width (nm); default 16 × longest "
                   "length")
    g.add_argument("--length-nm", type=float, default=None, help="3D stripe length along x̂ (nm); default the width")
    g.add_argument("--cell-nm", type=float, default=None, help="cell size (nm; 3D: at the interface); default from "
                   "the shortest length")
    g.add_argument("--mesh", default=None, help="solve on this 2D (y, z) or 3D (x, y, z) mesh file (.msh or meshio), "
                   "cells hm (fm), facets interface (contact_left, contact_right); overrides --geometry")
    g.add_argument("--tag-map", default=None, help="JSON (or .json file) mapping our tag names to the mesh's tags")
    g.add_argument("--charge-current", choices=("uniform", "contacts"), default=None,
                   help="uniform j_N x̂ in the HM, or solved between contact_left/right (3D only); default contacts "
                   "on a 3D mesh that has them, else uniform")
    g.add_argument("--degree", type=int, choices=(1, 2, 3), default=2, help="Lagrange degree")
    g.add_argument("--out", default=None, help="directory for summary.json, fields.vtu (SI) and, for an ideal-sink "
                   "FM in 2D/3D, interface.vtu, with PNGs beside them (README, Output files)")
    add_petsc_option_arg(p, "PETSc option of both linear solves, repeatable (e.g. preset=iterative for large 3D "
                         "meshes)")
    add_json_arg(p)
    p.set_defaults(func=cmd_bilayer)


def cmd_bilayer(a: argparse.Namespace) -> int:
    """Handler of ``rashba-diffusion bilayer``: validate everything, then solve and print."""
    hm = heavy_metal_from_args(a)
    fm = Ferromagnet(thickness_nm=a.fm_thickness_nm, sigma_s_per_m=a.fm_sigma_s_per_m, lambda_j_nm=a.fm_lambda_j_nm,
                     lambda_phi_nm=a.fm_lambda_phi_nm, lambda_sf_nm=a.fm_lambda_sf_nm, ms_a_per_m=a.ms_a_per_m)
    if fm.ms_a_per_m is not None and fm.thickness_nm is None:
        raise ParameterError("give --fm-thickness-nm (nm, > 0) with --ms-a-per-m for the effective fields")
    interface = interface_from_args(a)
    check_combination(fm, interface)
    if a.pumping:
        check_pumping(fm, interface)
    spec = BilayerSpec(geometry=a.geometry, width_nm=a.width_nm, cell_nm=a.cell_nm, degree=a.degree,
                       length_nm=a.length_nm, charge_current=a.charge_current)
    m = unit_vector("m", a.m)
    j_n = check_current_density(a.j_a_per_m2)
    if a.charge_current == "contacts" and a.mesh is None and a.geometry != "3d":
        raise ParameterError(f"charge_current = 'contacts' is invalid with geometry = {a.geometry!r}; valid: "
                             "geometry '3d' or a 3D --mesh with contact facets")
    tag_map = None
    if a.mesh is not None:
        tag_map = parse_tag_map(a.tag_map)
    elif spec.geometry == "3d":
        bilayer_stripe_spec(hm, fm, spec)  # validates the stripe's dimensions before gmsh runs
    petsc_options = parse_petsc_option_args(a.petsc_option) or None
    # everything is validated: only now import DOLFINx and solve
    from ..fem._compat import MPI
    from ..problems.bilayer import solve_bilayer
    from ..problems.outputs import write_outputs

    comm = MPI.COMM_WORLD
    geometry = None
    if a.mesh is not None:
        from ..meshing.files import load_mesh

        required = {"hm", "interface"} | (set() if fm.is_ideal_sink else {"fm"})
        geometry = load_mesh(a.mesh, comm, tag_map, required)
    result = solve_bilayer(hm, fm, interface, m, j_n, spec, comm, geometry=geometry, petsc_options=petsc_options,
                           pumping=a.pumping)
    if a.mesh is not None:
        result.summary["mesh"] = str(a.mesh)
    if a.out:
        write_outputs(a.out, result, f"bilayer, {result.summary['geometry']}", command=a.command_line)
    emit(a, result.summary, comm.rank)
    return 0
