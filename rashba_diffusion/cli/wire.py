"""``rashba-diffusion wire``: the wire (1D cross-section or 2D), or the film on a mesh file (``--mesh``)."""

from __future__ import annotations

import argparse

from ..fem.solver_options import parse_petsc_option_args
from ..meshing.tags import parse_tag_map
from ..physics.rashba import Drive, Film
from ..problems.specs import DEFAULT_WIRE_WIDTH_NM, WireSpec
from .common import add_effective_fields, add_material_args, add_petsc_option_arg, emit, film_inputs


def add_parser(sub) -> None:
    """Register ``wire`` on the CLI's subparsers."""
    w = sub.add_parser("wire", help="solve a wire (1D cross-section by default, or the full 2D wire)")
    add_material_args(w)
    g = w.add_argument_group("geometry")
    g.add_argument("--width-nm", type=float, default=DEFAULT_WIRE_WIDTH_NM, help="wire width W (nm)")
    g.add_argument("--geometry", choices=("1d", "2d"), default="1d",
                   help="1d: translation-invariant cross-section (default); 2d: full wire with contacts")
    g.add_argument("--length-nm", type=float, default=None, help="2D wire length (nm); default max(4W, 10λsf)")
    g.add_argument("--cell-nm", type=float, default=None,
                   help="cell size (nm; at the edges in 2D); default from the shortest physical length")
    g.add_argument("--degree", type=int, choices=(1, 2, 3), default=2, help="Lagrange degree")
    g.add_argument("--mesh", default=None, help="solve on this 2D mesh file (.msh or meshio); overrides --geometry")
    g.add_argument("--tag-map", default=None, help="JSON (or .json file) mapping our tag names to the mesh's tags")
    g.add_argument("--out", default=None, help="directory for summary.json, fields.vtu (SI; PNG beside it in 2D), "
                   "profile.csv and profile.png (README, Output files)")
    add_petsc_option_arg(w, "PETSc option of the linear solve, repeatable (e.g. preset=iterative, ksp_rtol=1e-10)")
    w.set_defaults(func=cmd_wire)


def cmd_wire(a: argparse.Namespace) -> int:
    """Handler of ``rashba-diffusion wire``: validate everything, then solve and print."""
    film, drive, m, fields = film_inputs(a)
    spec = WireSpec(width_nm=a.width_nm, geometry=a.geometry, length_nm=a.length_nm, cell_nm=a.cell_nm, degree=a.degree)
    petsc_options = parse_petsc_option_args(a.petsc_option)
    if a.mesh is not None:  # the film on a mesh file (Hall bar, notch, ...)
        return _film_on_mesh(a, film, drive, m, fields, petsc_options)
    # everything is validated: only now import DOLFINx and solve
    from ..fem._compat import MPI
    from ..problems.outputs import write_outputs
    from ..problems.wire import solve_wire

    comm = MPI.COMM_WORLD
    result = solve_wire(film, drive, m, spec, comm, petsc_options=petsc_options)
    add_effective_fields(result.summary, fields)
    if a.out:
        title = f"α = {film.alpha_ev_nm:g} eV·nm, W = {spec.width_nm:g} nm, m = {tuple(round(x, 3) for x in m)}"
        write_outputs(a.out, result, title, plot=True, command=a.command_line)
    emit(a, result.summary, comm.rank)
    return 0


def _film_on_mesh(a: argparse.Namespace, film: Film, drive: Drive, m, fields, petsc_options: dict) -> int:
    """``wire --mesh FILE [--tag-map JSON]``: the film on a mesh file (no profile: summary.json and fields)."""
    tag_map = parse_tag_map(a.tag_map)
    from ..fem._compat import MPI
    from ..meshing.files import load_mesh
    from ..problems.film import solve_film
    from ..problems.outputs import write_outputs

    comm = MPI.COMM_WORLD
    geometry = load_mesh(a.mesh, comm, tag_map)
    result = solve_film(film, drive, m, geometry, degree=a.degree, petsc_options=petsc_options)
    result.summary["mesh"] = str(a.mesh)
    add_effective_fields(result.summary, fields)
    if a.out:
        write_outputs(a.out, result, f"the film on {a.mesh}", command=a.command_line)
    emit(a, result.summary, comm.rank)
    return 0
