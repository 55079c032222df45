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
from ..meshing.gmsh_tools import check_msh_path, write_msh
from ..meshing.specs import SPECS, MeshSpec
from .common import add_json_arg, emit, numbers_arg

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

    The ``.msh`` file needs gmsh only; ``--xdmf`` reads it into DOLFINx and writes DOLFINx's XDMF (tags and
    their names), so it needs DOLFINx (without it: exit 2 and how to install it, before gmsh runs).
    """
    spec_cls = SPECS[a.kind]
    spec = spec_cls(**{f.name: getattr(a, f.name) for f in dataclasses.fields(spec_cls)})  # validates
    out = Path(a.output)
    check_msh_path(out)
    comm = None
    try:  # under mpiexec rank 0 writes; without DOLFINx (and its MPI) gmsh alone writes the .msh
        from ..fem._compat import MPI

        comm = MPI.COMM_WORLD
    except MissingDependencyError:
        if a.xdmf:  # --xdmf reads the mesh into DOLFINx
            raise
    info = write_msh(spec, out, comm)
    if a.xdmf:
        from ..meshing.files import load_mesh, write_mesh_xdmf

        written = write_mesh_xdmf(load_mesh(out, comm), out.with_suffix(".xdmf"))
        info["xdmf"] = [str(p) for p in written]
    emit(a, info, 0 if comm is None else comm.rank)
    return 0


def add_parser(sub) -> None:
    """Register ``mesh KIND`` (one sub-command per generator) on the CLI's subparsers."""
    p = sub.add_parser("mesh", help="write a mesh (.msh) with named materials, contacts, spin sinks, interfaces")
    kinds = p.add_subparsers(dest="kind", required=True, metavar="KIND")
    for kind, spec_cls in SPECS.items():
        k = kinds.add_parser(kind, help=(spec_cls.__doc__ or "").strip().splitlines()[0])
        _add_spec_options(k, spec_cls)
        k.add_argument("-o", "--output", required=True, help="the .msh file to write")
        k.add_argument("--xdmf", action="store_true",
                       help="also write FILE.xdmf and FILE.h5 in DOLFINx's format (grids mesh, cell_tags, facet_tags; "
                            "the tag names as the information tag_names); needs DOLFINx")
        add_json_arg(k)
        k.set_defaults(func=cmd_mesh)
