"""``rashba-diffusion bilayer``: heavy-metal/ferromagnet bilayer, spin Hall torques, ξ_DL and ξ_FL."""

from __future__ import annotations

import argparse

from ..errors import ParameterError
from ..meshing.tags import parse_tag_map
from ..physics.bilayer import DEFAULT_M, DEFAULTS, Ferromagnet, check_combination, check_current_density, lengths_nm
from ..physics.bilayer_pumping import check_pumping
from ..problems.specs import (
    BilayerSpec,
    bilayer_components,
    bilayer_stripe_spec,
    default_bilayer_cell_nm,
    estimate_bilayer_dofs,
)
from ..validation import check_size, unit_vector
from .common import (
    add_heavy_metal_args,
    add_json_arg,
    add_max_dofs_arg,
    add_out_arg,
    add_petsc_option_arg,
    check_solver_options,
    finish,
    heavy_metal_from_args,
    interface_from_args,
    reject_ignored,
    solver_options,
    vector_arg,
    warn,
)

#: the geometry flags a mesh file replaces (dest -> flag)
MESH_FIXES = {"geometry": "--geometry", "width_nm": "--width-nm", "length_nm": "--length-nm", "cell_nm": "--cell-nm"}


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
    g.add_argument("--geometry", choices=("1d", "2d", "3d"), default=None,
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
    add_out_arg(p, "directory for summary.json, fields.vtu (SI) and, for an ideal-sink FM in 2D/3D, interface.vtu, "
                "with PNGs beside them (README, Output files; replaced as a set)")
    add_petsc_option_arg(p, "PETSc option of both linear solves, repeatable (e.g. preset=iterative for large 3D "
                         "meshes)")
    add_max_dofs_arg(p)
    add_json_arg(p)
    p.set_defaults(func=cmd_bilayer)


def cmd_bilayer(a: argparse.Namespace) -> int:
    """Handler of ``rashba-diffusion bilayer``: validate everything, then solve and print."""
    hm = heavy_metal_from_args(a)
    fm = Ferromagnet(thickness_nm=a.fm_thickness_nm, sigma_s_per_m=a.fm_sigma_s_per_m, lambda_j_nm=a.fm_lambda_j_nm,
                     lambda_phi_nm=a.fm_lambda_phi_nm, lambda_sf_nm=a.fm_lambda_sf_nm, ms_a_per_m=a.ms_a_per_m)
    if fm.ms_a_per_m is not None and fm.thickness_nm is None:
        raise ParameterError("--ms-a-per-m alone is not used; valid: give --fm-thickness-nm (nm, > 0) with it for "
                             "the effective fields")
    interface = interface_from_args(a)
    check_combination(fm, interface)
    if a.pumping:
        check_pumping(fm, interface)
    if a.mesh is not None:
        reject_ignored(a, MESH_FIXES, "with --mesh (the mesh file fixes the geometry and the cells)")
    else:
        reject_ignored(a, {"tag_map": "--tag-map"}, "without --mesh")
    geometry = a.geometry or "1d"
    if a.mesh is None and geometry != "3d":
        reject_ignored(a, {"length_nm": "--length-nm"}, f"with --geometry {geometry} (only the 3d stripe has a length)")
    if a.mesh is None and geometry == "1d":
        reject_ignored(a, {"width_nm": "--width-nm"}, "with --geometry 1d (the film is infinite in-plane)")
    spec = BilayerSpec(geometry=geometry, width_nm=a.width_nm, cell_nm=a.cell_nm, degree=a.degree,
                       length_nm=a.length_nm, charge_current=a.charge_current)
    m = unit_vector("m", a.m)
    j_n = check_current_density(a.j_a_per_m2)
    if a.charge_current == "contacts" and a.mesh is None and spec.geometry != "3d":
        raise ParameterError(f"charge_current = 'contacts' is invalid with geometry = {spec.geometry!r}; valid: "
                             "geometry '3d' or a 3D --mesh with contact facets")
    tag_map = None
    if a.mesh is not None:
        tag_map = parse_tag_map(a.tag_map)
    else:
        if spec.geometry == "3d":
            bilayer_stripe_spec(hm, fm, spec)  # validates the stripe's dimensions before gmsh runs
        check_size(f"degrees of freedom of the {spec.geometry} bilayer (estimated)",
                   estimate_bilayer_dofs(hm, fm, interface, spec), a.max_dofs, "--max-dofs")
        cell, shortest = default_bilayer_cell_nm(hm, fm, spec), min(lengths_nm(hm, fm))
        if cell > shortest:
            warn([f"cell_nm = {cell:g} nm is coarser than the shortest length of the bilayer {shortest:.3g} nm: the "
                  "mesh does not resolve the spin accumulation near the interface"])
    petsc_options = solver_options(a) or None
    # everything is validated: only now import DOLFINx and solve
    check_solver_options(petsc_options)
    from ..fem._compat import MPI
    from ..problems.bilayer import solve_bilayer
    from ..problems.outputs import write_outputs

    comm = MPI.COMM_WORLD
    geometry_obj = None
    if a.mesh is not None:
        from ..meshing.files import load_mesh
        from ..problems.base import check_dof_limit

        required = {"hm", "interface"} | (set() if fm.is_ideal_sink else {"fm"})
        geometry_obj = load_mesh(a.mesh, comm, tag_map, required)
        check_dof_limit(geometry_obj, a.degree, bilayer_components(fm, interface), a.max_dofs,
                        f"the bilayer on {a.mesh}")
    result = solve_bilayer(hm, fm, interface, m, j_n, spec, comm, geometry=geometry_obj, petsc_options=petsc_options,
                           pumping=a.pumping)
    if a.mesh is not None:
        result.summary["mesh"] = str(a.mesh)
    return finish(a, result.summary, comm.rank,
                  write=(lambda: write_outputs(a.out, result, f"bilayer, {result.summary['geometry']}",
                                               command=a.command_line)) if a.out else None)
