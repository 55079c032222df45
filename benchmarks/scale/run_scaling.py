"""The scaling-model runs of docs/scaling.md: the ``scaling`` bench entry (3D bilayer stripe, multigrid preset,
1 and 2 ranks) at chosen interface cells, its report written to benchmarks/scale/data/scaling/.

    .venv/bin/python benchmarks/scale/run_scaling.py 1.0,0.6,0.42,0.25      # what docs/scaling.md quotes
    .venv/bin/rashba-diffusion bench --only scaling --ranks 1,2             # the full entry: up to 1.1e6 dofs

The summary (its ``scaling_model``: fitted exponents, bytes per dof, the 1e8-dof prediction) is printed as JSON.
"""

import json
import sys
from pathlib import Path

from rashba_diffusion.studies.bench import registry
from rashba_diffusion.studies.bench.report import write_reports

OUT = Path(__file__).resolve().parent / "data" / "scaling"


def main(argv: list[str]) -> int:
    cells = tuple(float(x) for x in argv[0].split(",")) if argv else registry.SCALING_CELL_NM["full"]
    registry.SCALING_CELL_NM["full"] = cells
    report = registry.run_suite("full", (1, 2), ["scaling"],
                                progress=lambda m: print(f"[scaling] {m}", file=sys.stderr, flush=True))
    for p in write_reports(report, OUT):
        print(f"[scaling] wrote {p}", file=sys.stderr)
    print(json.dumps(report["summary"], sort_keys=True))
    return 1 if report["summary"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
