"""``rashba-diffusion wire``: the wire (1D cross-section or 2D), or the film on a mesh file (``--mesh``)."""

from __future__ import annotations

import argparse

from ..meshing.tags import SPIN_SINK_NAMES, parse_tag_map
from ..physics.rashba import Drive, Film, validity_warnings
from ..problems.specs import (
    DEFAULT_WIRE_WIDTH_NM,
    RASHBA_COMPONENTS,
    WireSpec,
    default_wire_cell_nm,
    estimate_wire_dofs,
)
from ..validation import check_size
from .common import (
    add_effective_fields,
    add_material_args,
    add_max_dofs_arg,
    add_out_arg,
    add_petsc_option_arg,
    check_solver_options,
    film_inputs,
    finish,
    reject_ignored,
    solver_options,
    warn,
)

DEFAULT_WIDTH_NM = DEFAULT_WIRE_WIDTH_NM
#: the geometry flags a mesh file replaces (dest -> flag)
MESH_FIXES = {"width_nm": "--width-nm", "geometry": "--geometry", "length_nm": "--length-nm", "cell_nm": "--cell-nm"}


def add_parser(sub) -> None:
    """Register ``wire`` on the CLI's subparsers."""
    w = sub.add_parser("wire", help="solve a wire (1D cross-section by default, or the full 2D wire)")
    add_material_args(w)
    g = w.add_argument_group("geometry")
    g.add_argument("--width-nm", type=float, default=None, help=f"wire width W (nm); default {DEFAULT_WIDTH_NM:g}")
    g.add_argument("--geometry", choices=("1d", "2d"), default=None,
                   help="1d: translation-invariant cross-section (default); 2d: full wire with contacts")
    g.add_argument("--length-nm", type=float, default=None, help="2D wire length (nm); default max(4W, 10λsf)")
    g.add_argument("--cell-nm", type=float, default=None,
                   help="cell size (nm; at the edges in 2D); default from the shortest physical length")
    g.add_argument("--degree", type=int, choices=(1, 2, 3), default=2, help="Lagrange degree")
    g.add_argument("--mesh", default=None, help="solve on this 2D mesh file (.msh or meshio) instead of the wire; "
                   "it fixes the geometry (--width-nm, --geometry, --length-nm, --cell-nm are then errors)")
    g.add_argument("--tag-map", default=None, help="JSON (or .json file) mapping our tag names to the mesh's tags "
                   "(with --mesh)")
    add_out_arg(w, "directory for summary.json, fields.vtu (SI; PNG beside it in 2D), profile.csv and profile.png "
                "(README, Output files; replaced as a set)")
    add_petsc_option_arg(w, "PETSc option of the linear solve, repeatable (e.g. preset=iterative, ksp_rtol=1e-10)")
    add_max_dofs_arg(w)
    w.set_defaults(func=cmd_wire)


def cmd_wire(a: argparse.Namespace) -> int:
    """Handler of ``rashba-diffusion wire``: validate everything, then solve and print."""
    film, drive, m, fields = film_inputs(a)
    petsc_options = solver_options(a)
    if a.mesh is not None:  # the film on a mesh file (Hall bar, notch, ...)
        reject_ignored(a, MESH_FIXES, "with --mesh (the mesh file fixes the geometry and the cells)")
        return _film_on_mesh(a, film, drive, m, fields, petsc_options)
    reject_ignored(a, {"tag_map": "--tag-map"}, "without --mesh")
    geometry = a.geometry or "1d"
    if geometry == "1d":
        reject_ignored(a, {"length_nm": "--length-nm"}, "by the 1D cross-section (an infinitely long wire)")
    width = DEFAULT_WIDTH_NM if a.width_nm is None else a.width_nm
    spec = WireSpec(width_nm=width, geometry=geometry, length_nm=a.length_nm, cell_nm=a.cell_nm, degree=a.degree)
    dofs = estimate_wire_dofs(film, spec)
    cell = spec.cell_nm or default_wire_cell_nm(film, spec)
    check_size(f"degrees of freedom of the {geometry} wire (width {spec.width_nm:g} nm, cell {cell:.3g} nm, degree "
               f"{spec.degree}; estimated)", dofs, a.max_dofs, "--max-dofs")
    warn(validity_warnings(film, cell))
    # everything is validated: only now import DOLFINx and solve
    check_solver_options(petsc_options)
    from ..fem._compat import MPI
    from ..problems.outputs import write_outputs
    from ..problems.wire import solve_wire

    comm = MPI.COMM_WORLD
    result = solve_wire(film, drive, m, spec, comm, petsc_options=petsc_options)
    add_effective_fields(result.summary, fields)
    title = f"α = {film.alpha_ev_nm:g} eV·nm, W = {spec.width_nm:g} nm, m = {tuple(round(x, 3) for x in m)}"
    return finish(a, result.summary, comm.rank,
                  write=(lambda: write_outputs(a.out, result, title, plot=True, command=a.command_line))
                  if a.out else None)


def _film_on_mesh(a: argparse.Namespace, film: Film, drive: Drive, m, fields, petsc_options: dict) -> int:
    """``wire --mesh FILE [--tag-map JSON]``: the film on a mesh file (no profile: summary.json and fields)."""
    tag_map = parse_tag_map(a.tag_map)
    warn(validity_warnings(film))
    check_solver_options(petsc_options)
    from ..fem._compat import MPI
    from ..meshing.files import load_mesh
    from ..problems.base import check_dof_limit
    from ..problems.film import solve_film
    from ..problems.outputs import write_outputs

    comm = MPI.COMM_WORLD
    geometry = load_mesh(a.mesh, comm, tag_map, any_of={"spin sinks": sorted(SPIN_SINK_NAMES) + ["probe_*"]})
    check_dof_limit(geometry, a.degree, RASHBA_COMPONENTS, a.max_dofs, f"the film on {a.mesh}")
    result = solve_film(film, drive, m, geometry, degree=a.degree, petsc_options=petsc_options)
    result.summary["mesh"] = str(a.mesh)
    add_effective_fields(result.summary, fields)
    return finish(a, result.summary, comm.rank,
                  write=(lambda: write_outputs(a.out, result, f"the film on {a.mesh}", command=a.command_line))
                  if a.out else None)
