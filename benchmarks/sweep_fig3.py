"""Cost of the full Fig. 3 sweep against the cost of one LU factorization on the same mesh.

Usage:  python benchmarks/sweep_fig3.py [--config examples/fig3_torque_vs_alpha.toml] [--reps 15] [--sweeps 3]
                                      [--json out.json]

The measurement (what is timed, the keys of the JSON object) is
:func:`rashba_diffusion.studies.bench.sweep_cost.measure_sweep`; the same function serves the ``fig3_sweep``
entry of ``rashba-diffusion bench`` / ``benchmarks/run.py``.
Writes one JSON object (stdout, or ``--json FILE`` atomically).  Timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's package first

from rashba_diffusion import __version__  # noqa: E402
from rashba_diffusion.fem._compat import DOLFINX_VERSION, MPI  # noqa: E402
from rashba_diffusion.files import atomic_write_text  # noqa: E402
from rashba_diffusion.studies.bench.registry import FIG3_CONFIG  # noqa: E402
from rashba_diffusion.studies.bench.sweep_cost import measure_sweep  # noqa: E402
from rashba_diffusion.studies.sweep.registry import load_config  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=str(FIG3_CONFIG))
    ap.add_argument("--reps", type=int, default=15, help="factorizations timed after each sweep (median of all)")
    ap.add_argument("--sweeps", type=int, default=3, help="full sweeps timed (median; the first is also reported)")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    comm = MPI.COMM_WORLD
    out = {"config": os.path.relpath(a.config, ROOT),
           **measure_sweep(load_config(a.config), sweeps=a.sweeps, reps=a.reps, comm=comm),
           "machine": {"node": platform.node(), "cpus": os.cpu_count(), "load_avg_1min": os.getloadavg()[0],
                       "python": platform.python_version(), "dolfinx": DOLFINX_VERSION,
                       "rashba_diffusion": __version__}}
    if comm.rank == 0:
        text = json.dumps(out, indent=2) + "\n"
        if a.json:
            atomic_write_text(a.json, text)
        print(text, end="")


if __name__ == "__main__":
    main()
