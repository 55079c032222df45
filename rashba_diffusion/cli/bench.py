"""``rashba-diffusion bench``: the performance benchmarks (docs/performance.md).

The parent process never imports DOLFINx: each job runs in its own process (:mod:`rashba_diffusion.studies.bench`).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys

from ..errors import MissingDependencyError, ParameterError
from ..fem.solver_options import parse_petsc_option_args
from ..files import strict_json
from ..studies.bench.registry import BASELINE_MAX_S, REGISTRY, run_suite
from ..studies.bench.report import report_markdown, write_reports
from ..validation import check_positive
from .common import add_out_arg, add_petsc_option_arg, declare_check

#: the most MPI ranks a benchmark job may ask for
MAX_RANKS = 1024


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options shared by ``rashba-diffusion bench`` and ``benchmarks/run.py``."""
    p.add_argument("--quick", action="store_true", help="reduced set (< 2 min): wire and 3D bilayer at 1e4, 1e5 "
                   "dofs, the Fig. 3 sweep, 1 rank")
    p.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)  # seconds; for the tests
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument("--ranks", default=None, help="comma-separated rank counts (default: 1,2 full; 1 quick)")
    p.add_argument("--only", default=None, help=f"comma-separated registry entries ({', '.join(REGISTRY)}; the "
                   "studies precond3d, mumps2d, scaling run only when named)")
    add_out_arg(p, "directory for <timestamp>.json/.csv/.md reports")
    add_petsc_option_arg(p, "PETSc option for the wire and 3D solves (repeatable; e.g. preset=direct|direct_large|"
                         "multigrid|iterative)")
    p.add_argument("--baseline-max-s", type=float, default=BASELINE_MAX_S,
                   help="skip the SciPy baseline of a wire size whose time, extrapolated from this run's smaller "
                   f"baselines, exceeds this (s; default {BASELINE_MAX_S:g}; inf: never skip)")
    p.add_argument("--baseline-max-dofs", type=float, default=None,
                   help="run the SciPy baseline only up to this many dofs (default: every size)")


def parse_ranks(text: str | None) -> tuple[int, ...] | None:
    """``--ranks 1,2``: positive integers up to :data:`MAX_RANKS`, else ParameterError."""
    if text is None:
        return None
    out = []
    for item in text.split(","):
        try:
            r = int(item)
        except ValueError:
            raise ParameterError(f"--ranks = {text!r}: {item.strip()!r} is not an integer; valid: comma-separated "
                                 f"rank counts in [1, {MAX_RANKS}], e.g. 1,2") from None
        if not 1 <= r <= MAX_RANKS:
            raise ParameterError(f"--ranks = {text!r}: {r} is invalid; valid range: [1, {MAX_RANKS}]")
        out.append(r)
    return tuple(out)


def parse_only(text: str | None) -> list[str] | None:
    """``--only a,b``: names of the registry, else ParameterError listing them."""
    if text is None:
        return None
    names = [t.strip() for t in text.split(",")]
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        raise ParameterError(f"--only = {text!r}: {unknown[0]!r} is not a benchmark; valid values: "
                             f"{', '.join(REGISTRY)}")
    return names


def _check(a: argparse.Namespace) -> None:
    parse_ranks(a.ranks)
    parse_only(a.only)
    check_positive("--baseline-max-s", a.baseline_max_s, "s", allow_inf=True)
    if a.baseline_max_dofs is not None:
        check_positive("--baseline-max-dofs", a.baseline_max_dofs, "(count)", allow_inf=True)
    parse_petsc_option_args(a.petsc_option)


#: what ``bench`` imports beyond the core dependencies (the ``bench`` extra): psutil, scikit-fem
BENCH_MODULES = ("psutil", "skfem")


def cmd_bench(a: argparse.Namespace) -> int:
    """Run a suite, optionally write the reports, print the summary."""
    missing = [m for m in BENCH_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise MissingDependencyError(f"rashba-diffusion bench needs {', '.join(missing)}: install the bench extra, "
                                     "pip install 'rashba_diffusion[bench]'")
    suite = "tiny" if a.tiny else "quick" if a.quick else "full"
    ranks = parse_ranks(a.ranks)
    opts = parse_petsc_option_args(a.petsc_option) or None
    only = parse_only(a.only)

    def progress(msg):
        print(f"[bench] {msg}", file=sys.stderr, flush=True)

    report = run_suite(suite, ranks, only, opts, progress=None if a.json else progress,
                       baseline_max_s=a.baseline_max_s, baseline_max_dofs=a.baseline_max_dofs)
    if a.out:
        for p in write_reports(report, a.out):
            print(f"[bench] wrote {p}", file=sys.stderr)
    s = report["summary"]
    if a.json:
        print(strict_json(s, null_non_finite=True))
    else:
        print(report_markdown(report))
    return 1 if s["errors"] else 0


def add_parser(sub) -> None:
    """Register ``rashba-diffusion bench`` on the CLI's subparsers."""
    b = sub.add_parser("bench", help="performance benchmarks (see docs/performance.md)")
    add_arguments(b)
    declare_check(b, _check)
    b.set_defaults(func=cmd_bench)
