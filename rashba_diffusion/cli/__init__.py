"""Command line: ``rashba-diffusion wire|bulk|bilayer|macrospin|mesh|sweep|bench``.  Units in flag names are the
contract.

Argparse only, one module per subcommand (``add_parser(sub)`` and ``cmd_<name>(args)``); nothing in the
package imports this package.  A subcommand validates every input before it imports the heavy layers
(DOLFINx, PETSc, gmsh), and a :class:`~rashba_diffusion.errors.ParameterError` becomes exit status 2.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import ParameterError
from . import bench, bilayer, bulk, macrospin, mesh, sweep, wire

#: the subcommands, in the order of ``--help``
SUBCOMMANDS = (wire, bulk, bilayer, macrospin, mesh, sweep, bench)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="rashba-diffusion",
        description="Current-induced spin accumulation and spin-orbit torques in Rashba ferromagnetic films.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    for command in SUBCOMMANDS:
        command.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """The entry point ``rashba-diffusion``; the exit status."""
    parser = build_parser()
    a = parser.parse_args(argv)
    try:
        return a.func(a)
    except ParameterError as e:
        print(f"rashba-diffusion: error: {e}", file=sys.stderr)
        return 2
