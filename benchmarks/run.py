"""One entry command for the performance benchmarks.

Usage:  python benchmarks/run.py [--quick] [--ranks 1,2] [--only wire2d,film3d] [--out benchmarks/results]
                                [--petsc-option KEY=VALUE ...]

Runs the registry of :mod:`rashba_diffusion.studies.bench` (each job in a fresh process,
two-rank jobs through ``mpiexec -n 2``) and writes
``benchmarks/results/<timestamp>.json``, ``.csv`` and ``.md`` (the tables of
docs/performance.md).  Same options as ``rashba-diffusion bench``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's package first

from rashba_diffusion.cli.bench import add_arguments, cmd_bench  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(ap)
    a = ap.parse_args(argv)
    a.out = a.out or str(RESULTS)
    return cmd_bench(a)


if __name__ == "__main__":
    sys.exit(main())
