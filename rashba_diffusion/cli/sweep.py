"""``rashba-diffusion sweep CONFIG.toml [--out DIR] [--force] [-q]``: a resumable parameter sweep (``-q``: no
progress bar)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..files import check_output_dir
from ..studies.sweep.registry import check_sweep_size, load_config
from .common import add_max_dofs_arg, add_max_points_arg, declare_check


def add_parser(sub) -> None:
    """Register ``sweep`` on the CLI's subparsers."""
    s = sub.add_parser("sweep", help="run a parameter sweep from a TOML file (resumable; see docs/sweeps.md)")
    s.add_argument("config", help="TOML sweep configuration")
    s.add_argument("--out", default=None, metavar="DIR",
                   help="output directory (default: results/<config name>); one sweep at a time (locked)")
    s.add_argument("--force", action="store_true", help="discard results of a different config in --out")
    add_max_points_arg(s)
    add_max_dofs_arg(s)
    declare_check(s, lambda a: check_output_dir(out_dir(a), "--out"))
    s.set_defaults(func=cmd_sweep)


def out_dir(a: argparse.Namespace) -> Path:
    """``--out``, or ``results/<config name>``."""
    return Path(a.out) if a.out else Path("results") / Path(a.config).stem


def cmd_sweep(a: argparse.Namespace) -> int:
    """Handler of ``rashba-diffusion sweep``: every point is validated before DOLFINx is imported."""
    config = load_config(a.config, max_points=a.max_points)
    check_sweep_size(config, a.max_dofs)
    out = out_dir(a)
    from ..fem._compat import MPI
    from ..studies.sweep.engine import CSV_NAME, run_sweep

    comm = MPI.COMM_WORLD
    res = run_sweep(config, out, comm=comm, quiet=getattr(a, "quiet", False), force=a.force, max_dofs=a.max_dofs,
                    argv=sys.argv, command=a.command_line)
    if comm.rank == 0:
        mesh = f", cell_nm {res.cell_nm:.6g}, {res.dofs} dofs" if res.cell_nm is not None else ""
        print(f"sweep: {len(config)} points, solved {res.solved}, skipped {res.skipped} (already in "
              f"{out / CSV_NAME}){mesh}, {res.seconds:.3f} s on {comm.size} rank(s)")
    return 0
