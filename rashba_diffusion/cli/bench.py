"""``rashba-diffusion bench``: the performance benchmarks (docs/performance.md).

The parent process never imports DOLFINx: each job runs in its own process (:mod:`rashba_diffusion.studies.bench`).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys

from ..errors import MissingDependencyError
from ..fem.solver_options import parse_petsc_option_args
from ..studies.bench.registry import BASELINE_MAX_S, REGISTRY, run_suite
from ..studies.bench.report import report_markdown, write_reports
from .common import add_petsc_option_arg


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options shared by ``rashba-diffusion bench`` and ``benchmarks/run.py``."""
    p.add_argument("--quick", action="store_true", help="reduced set (< 2 min): wire and 3D bilayer at 1e4, 1e5 "
                   "dofs, the Fig. 3 sweep, 1 rank")
    p.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)  # seconds; for the tests
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument("--ranks", default=None, help="comma-separated rank counts (default: 1,2 full; 1 quick)")
    p.add_argument("--only", default=None, help=f"comma-separated registry entries ({', '.join(REGISTRY)}; the "
                   "studies precond3d, mumps2d, scaling run only when named)")
    p.add_argument("--out", default=None, help="directory for <timestamp>.json/.csv/.md reports")
    add_petsc_option_arg(p, "PETSc option for the wire and 3D solves (repeatable; e.g. preset=direct|direct_large|"
                         "multigrid|iterative)")
    p.add_argument("--baseline-max-s", type=float, default=BASELINE_MAX_S,
                   help="skip the SciPy baseline of a wire size whose time, extrapolated from this run's smaller "
                   f"baselines, exceeds this (s; default {BASELINE_MAX_S:g}; inf: never skip)")
    p.add_argument("--baseline-max-dofs", type=float, default=None,
                   help="run the SciPy baseline only up to this many dofs (default: every size)")


#: what ``bench`` imports beyond the core dependencies (the ``bench`` extra): psutil, scikit-fem
BENCH_MODULES = ("psutil", "skfem")


def cmd_bench(a: argparse.Namespace) -> int:
    """Run a suite, optionally write the reports, print the summary."""
    missing = [m for m in BENCH_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise MissingDependencyError(f"rashba-diffusion bench needs {', '.join(missing)}: install the bench extra, "
                                     "pip install 'rashba_diffusion[bench]'")
    suite = "tiny" if a.tiny else "quick" if a.quick else "full"
    ranks = tuple(int(x) for x in a.ranks.split(",")) if a.ranks else None
    opts = parse_petsc_option_args(a.petsc_option) or None
    only = a.only.split(",") if a.only else None

    def progress(msg):
        print(f"[bench] {msg}", file=sys.stderr, flush=True)

    report = run_suite(suite, ranks, only, opts, progress=None if a.json else progress,
                       baseline_max_s=a.baseline_max_s, baseline_max_dofs=a.baseline_max_dofs)
    if a.out:
        for p in write_reports(report, a.out):
            print(f"[bench] wrote {p}", file=sys.stderr)
    s = report["summary"]
    if a.json:
        print(json.dumps(s, sort_keys=True))
    else:
        print(report_markdown(report))
    return 1 if s["errors"] else 0


def add_parser(sub) -> None:
    """Register ``rashba-diffusion bench`` on the CLI's subparsers."""
    b = sub.add_parser("bench", help="performance benchmarks (see docs/performance.md)")
    add_arguments(b)
    b.set_defaults(func=cmd_bench)
