"""``rashba-diffusion mesh KIND [options] -o FILE``: write a generator's mesh as a .msh file.

The options of each KIND are the fields of its specification in
:mod:`meshes` (``length_nm`` -> ``--length-nm``), so the command line and
the library cannot drift apart.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path


def _floats(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(t) for t in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of numbers (e.g. 20,40)") from None


def _add_spec_options(p: argparse.ArgumentParser, spec_cls) -> None:
    g = p.add_argument_group(f"{spec_cls.kind} geometry (lengths in nm)")
    for f in dataclasses.fields(spec_cls):
        flag = "--" + f.name.replace("_", "-")
        required = f.default is dataclasses.MISSING
        text = spec_cls.HELP.get(f.name, f.name)
        kind = str(f.type)
        if kind == "bool":
            g.add_argument(flag, action=argparse.BooleanOptionalAction, default=f.default, help=text)
        elif kind.startswith("tuple"):
            g.add_argument(flag, type=_floats, default=None, required=required, help=text)
        else:
            g.add_argument(flag, type=float, required=required, default=None if required else f.default, help=text)


def cmd_mesh(a: argparse.Namespace) -> int:
    from .cli import _emit
    from .meshes import SPECS, write_msh

    spec_cls = SPECS[a.kind]
    spec = spec_cls(**{f.name: getattr(a, f.name) for f in dataclasses.fields(spec_cls)})  # validates
    out = Path(a.output)
    # the geometry is validated (write_msh checks the suffix before gmsh starts): only now start MPI and gmsh
    from ._compat import MPI

    comm = MPI.COMM_WORLD
    info = write_msh(spec, out, comm)
    if a.xdmf and comm.rank == 0:
        from .mesh_files import convert_msh

        convert_msh(out, out.with_suffix(".xdmf"))
        info["xdmf"] = str(out.with_suffix(".xdmf"))
    _emit(a, info, comm.rank)
    return 0


def add_parser(sub) -> None:
    """Register ``mesh KIND`` (one sub-command per generator) on the CLI's subparsers."""
    from .meshes import SPECS

    p = sub.add_parser("mesh", help="write a mesh (.msh) with named materials, contacts, spin sinks, interfaces")
    kinds = p.add_subparsers(dest="kind", required=True, metavar="KIND")
    for kind, spec_cls in SPECS.items():
        k = kinds.add_parser(kind, help=(spec_cls.__doc__ or "").strip().splitlines()[0])
        _add_spec_options(k, spec_cls)
        k.add_argument("-o", "--output", required=True, help="the .msh file to write")
        k.add_argument("--xdmf", action="store_true",
                       help="also write FILE.xdmf (meshio, inline data; tags as cell data 'tags', no names)")
        k.add_argument("--json", action="store_true", help="print one JSON object on stdout")
        k.set_defaults(func=cmd_mesh)
