"""Command line: ``rashba-diffusion wire|bulk|bilayer|macrospin|mesh|sweep|bench``.  Units in flag names are the
contract.

Argparse only, one module per subcommand (``add_parser(sub)`` and ``cmd_<name>(args)``); nothing in the
package imports this package.  A subcommand validates every input before it imports the heavy layers
(DOLFINx, PETSc, gmsh).  :mod:`.contract` runs every command: exit statuses (2 bad input, 3 failed solve,
130 interrupted), one-line messages, signals, and the end of every MPI rank on any rank's failure
(docs/reliability.md).
"""

from __future__ import annotations

import argparse

from . import contract

# an interrupt while the subcommands (numpy, scipy) load ends the start-up with the contract's status and line
with contract.startup_guard():
    from . import bench, bilayer, bulk, macrospin, mesh, sweep, wire

#: the subcommands, in the order of ``--help``
SUBCOMMANDS = (wire, bulk, bilayer, macrospin, mesh, sweep, bench)


def build_parser() -> argparse.ArgumentParser:
    p = contract.Parser(
        prog=contract.PROG,
        description="Current-induced spin accumulation and spin-orbit torques in Rashba ferromagnetic films.",
        epilog="Exit status: 0 success, 2 bad input, 3 failed solve, 130 interrupted, 1 other failures "
        "(docs/reliability.md).",
    )
    sub = p.add_subparsers(dest="command", required=True)
    for command in SUBCOMMANDS:
        command.add_parser(sub)
    contract.add_debug_flag(p)
    return p


def main(argv: list[str] | None = None) -> int:
    """The entry point ``rashba-diffusion``; the exit status."""
    with contract.process_setup():
        try:
            a = build_parser().parse_args(argv)
        except SystemExit as e:  # argparse: a usage error (2) or --help (0), alike on every MPI rank
            return e.code if isinstance(e.code, int) else contract.EXIT_BAD_INPUT
        except KeyboardInterrupt as e:  # SIGINT/SIGTERM while the command line is read
            return contract.terminate(*contract.classify(e))
        return contract.run(a)
