"""Command line: ``rashba-diffusion wire|bulk|bilayer|pumping|macrospin|domain-wall|mesh|sweep|bench``.  Units in
flag names are the contract.

Argparse only, one module per subcommand (``add_parser(sub)`` and ``cmd_<name>(args)``); nothing in the
package imports this package.  A subcommand validates every input before it imports the heavy layers
(DOLFINx, PETSc, gmsh).  :mod:`.contract` runs every command: exit statuses (2 bad input, 3 failed solve,
130 interrupted), one-line messages, signals, and the end of every MPI rank on any rank's failure
(docs/reliability.md); a missing DOLFINx is bad input too
(:class:`~rashba_diffusion.errors.MissingDependencyError` says how to install it).  Messages go through
:mod:`logging` to stderr (``-v``/``--verbose``, ``-q``/``--quiet``).
"""

from __future__ import annotations

import argparse
import sys

from . import contract

# an interrupt while the subcommands (numpy, scipy) load ends the start-up with the contract's status and line
with contract.startup_guard():
    from ..launch import command_line
    from . import bench, bilayer, bulk, domain_wall, macrospin, mesh, pumping, sweep, wire
    from .common import add_logging_args, version_text

#: the subcommands, in the order of ``--help``
SUBCOMMANDS = (wire, bulk, bilayer, pumping, macrospin, domain_wall, mesh, sweep, bench)


def build_parser() -> argparse.ArgumentParser:
    p = contract.Parser(
        prog=contract.PROG,
        description="Current-induced spin accumulation and spin-orbit torques in Rashba ferromagnetic films.",
        epilog="Exit status: 0 success, 2 bad input, 3 failed solve, 130 interrupted, 1 other failures "
        "(docs/reliability.md).",
    )
    p.add_argument("--version", action="version", version=version_text())
    sub = p.add_subparsers(dest="command", required=True)
    for command in SUBCOMMANDS:
        command.add_parser(sub)
    contract.add_debug_flag(p)
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
    final = argv is None  # the script or ``python -m``: this command is the whole process (contract.process_setup)
    argv = sys.argv[1:] if argv is None else list(argv)
    with contract.process_setup(final):
        try:
            a = build_parser().parse_args(argv)
        except SystemExit as e:  # argparse: a usage error (2) or --help/--version (0), alike on every MPI rank
            return e.code if isinstance(e.code, int) else contract.EXIT_BAD_INPUT
        except KeyboardInterrupt as e:  # SIGINT/SIGTERM while the command line is read
            return contract.terminate(*contract.classify(e))
        a.command_line = command_line(argv)  # recorded in the provenance of the files it writes
        contract.configure_logging(getattr(a, "verbose", 0), getattr(a, "quiet", False))
        return contract.run(a, final)
