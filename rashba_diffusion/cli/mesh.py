"""``rashba-diffusion mesh KIND [options] -o FILE``: write a generator's mesh as a .msh file.

The options of each KIND are the fields of its specification in
:mod:`rashba_diffusion.meshing.specs` (``length_nm`` -> ``--length-nm``), so the command line and
the library cannot drift apart.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from ..errors import MissingDependencyError
from ..files import check_output_file
from ..meshing.gmsh_tools import check_msh_path
from ..meshing.specs import SPECS, MeshSpec
from ..validation import DEFAULT_MAX_CELLS, check_limit, check_size
from .common import add_json_arg, add_output_file_arg, declare_check, emit, numbers_arg

#: argparse type of the tuple fields (e.g. the Hall bar's arm positions)
_positions_arg = numbers_arg("20,40")


def _add_spec_options(p: argparse.ArgumentParser, spec_cls: type[MeshSpec]) -> None:
    g = p.add_argument_group(f"{spec_cls.kind} geometry (lengths in nm)")
    for f in dataclasses.fields(spec_cls):
        flag = "--" + f.name.replace("_", "-")
        required = f.default is dataclasses.MISSING
        text = spec_cls.HELP.get(f.name, f.name)
        kind = str(f.type)
        if kind == "bool":
            g.add_argument(flag, action=argparse.BooleanOptionalAction, default=f.default, help=text)
        elif kind.startswith("tuple"):
            g.add_argument(flag, type=_positions_arg, default=None, required=required, help=text)
        else:
            g.add_argument(flag, type=float, required=required, default=None if required else f.default, help=text)


def cmd_mesh(a: argparse.Namespace) -> int:
    """Handler of ``rashba-diffusion mesh KIND``: validate the spec, then run gmsh and write the file(s).

    The .msh file (and the .xdmf and .h5 of ``--xdmf``) are written as one set: an interrupted run leaves the
    old files or the new ones.  The ``.msh`` file needs gmsh only; ``--xdmf`` reads it into DOLFINx and writes
    DOLFINx's XDMF (tags and their names), so it needs DOLFINx (without it: exit 2 and how to install it, before
    gmsh runs).
    """
    spec_cls = SPECS[a.kind]
    spec = spec_cls(**{f.name: getattr(a, f.name) for f in dataclasses.fields(spec_cls)})  # validates
    check_size(f"cells of the {spec.kind} mesh (estimated)", spec.estimate_cells(), a.max_cells, "--max-cells")
    out = Path(a.output)
    check_msh_path(out)
    xdmf = out.with_suffix(".xdmf")
    # the geometry is validated: only now start MPI and gmsh
    from ..files import OutputSet, new_token
    from ..meshing.gmsh_tools import write_msh

    comm = None
    try:  # under mpiexec rank 0 writes; without DOLFINx (and its MPI) gmsh alone writes the .msh
        from ..fem._compat import MPI

        comm = MPI.COMM_WORLD
    except MissingDependencyError:
        if a.xdmf:  # --xdmf reads the mesh into DOLFINx
            raise
    owner = comm is None or comm.rank == 0
    token = new_token() if comm is None else comm.bcast(new_token() if owner else None, root=0)
    with OutputSet(out.parent, token=token, owner=owner, replace_previous=False) as files:
        info = write_msh(spec, files.path(out.name), comm)
        if a.xdmf:
            from ..meshing.files import load_mesh, write_mesh_xdmf

            written = write_mesh_xdmf(load_mesh(files.path(out.name), comm), xdmf, files)
            info["xdmf"] = [str(p) for p in written]
        if owner:
            files.commit()
            info["path"] = str(out)
    emit(a, info, 0 if comm is None else comm.rank)
    return 0


def _check_limits(a: argparse.Namespace) -> None:
    check_limit("--max-cells", a.max_cells)
    if a.xdmf:
        check_output_file(Path(a.output).with_suffix(".xdmf"), "-o/--output (its .xdmf)")
        check_output_file(Path(a.output).with_suffix(".h5"), "-o/--output (its .h5)")


def add_parser(sub) -> None:
    """Register ``mesh KIND`` (one sub-command per generator) on the CLI's subparsers."""
    p = sub.add_parser("mesh", help="write a mesh (.msh) with named materials, contacts, spin sinks, interfaces")
    kinds = p.add_subparsers(dest="kind", required=True, metavar="KIND")
    for kind, spec_cls in SPECS.items():
        k = kinds.add_parser(kind, help=(spec_cls.__doc__ or "").strip().splitlines()[0])
        _add_spec_options(k, spec_cls)
        add_output_file_arg(k, ("-o", "--output"), "output", "the .msh file to write", (".msh",))
        k.add_argument("--xdmf", action="store_true",
                       help="also write FILE.xdmf and FILE.h5 in DOLFINx's format (grids mesh, cell_tags, facet_tags; "
                            "the tag names as the information tag_names); needs DOLFINx")
        k.add_argument("--max-cells", type=float, default=DEFAULT_MAX_CELLS, metavar="N",
                       help=f"refuse a mesh of more cells than this (estimated before gmsh runs; default "
                       f"{DEFAULT_MAX_CELLS:g}; inf: no limit)")
        declare_check(k, _check_limits)
        add_json_arg(k)
        k.set_defaults(func=cmd_mesh)
