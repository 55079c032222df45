"""Command line: ``rashba-diffusion wire|bulk|bilayer|pumping|macrospin|domain-wall|mesh|sweep|bench``.  Units in
flag names are the contract.

Argparse only, one module per subcommand (``add_parser(sub)`` and ``cmd_<name>(args)``); nothing in the
package imports this package.  A subcommand validates every input before it imports the heavy layers
(DOLFINx, PETSc, gmsh), and a :class:`~rashba_diffusion.errors.ParameterError` becomes exit status 2 (a
missing DOLFINx too: :class:`~rashba_diffusion.errors.MissingDependencyError` says how to install it).
Messages go through :mod:`logging` to stderr (``-v``/``--verbose``, ``-q``/``--quiet``; :mod:`.common`).
"""

from __future__ import annotations

import argparse
import sys

from ..errors import ParameterError
from ..launch import PROG, command_line
from . import bench, bilayer, bulk, domain_wall, macrospin, mesh, pumping, sweep, wire
from .common import add_logging_args, configure_logging, version_text

#: the subcommands, in the order of ``--help``
SUBCOMMANDS = (wire, bulk, bilayer, pumping, macrospin, domain_wall, mesh, sweep, bench)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Current-induced spin accumulation and spin-orbit torques in Rashba ferromagnetic films.",
    )
    p.add_argument("--version", action="version", version=version_text())
    sub = p.add_subparsers(dest="command", required=True)
    for command in SUBCOMMANDS:
        command.add_parser(sub)
    _add_logging_everywhere(p)
    return p


def _add_logging_everywhere(p: argparse.ArgumentParser) -> None:
    """``-v``/``-q`` on the top level and every subcommand (``mesh KIND`` too)."""
    add_logging_args(p)
    for action in p._actions:  # argparse keeps its subparsers here only
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _add_logging_everywhere(child)


def main(argv: list[str] | None = None) -> int:
    """The entry point ``rashba-diffusion``; the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    a = parser.parse_args(argv)
    a.command_line = command_line(argv)  # recorded in the provenance of the files it writes
    configure_logging(getattr(a, "verbose", 0), getattr(a, "quiet", False))
    try:
        return a.func(a)
    except ParameterError as e:
        print(f"rashba-diffusion: error: {e}", file=sys.stderr)
        return 2
