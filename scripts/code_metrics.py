"""Size metrics of the package's source (stdlib only): modules, largest module, longest functions.

    python3 scripts/code_metrics.py [PACKAGE_DIR]     # default: rashba_diffusion

A function's length is the number of lines from its ``def`` (decorators excluded) to its last line,
docstring and comments included; nested functions count in their parent too.  Import cycles and private
cross-module imports are measured by the layer rules test (tests/unit/test_architecture.py).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

LONG_FUNCTION_LINES = 50


def main(argv: list[str]) -> int:
    pkg = Path(argv[1] if len(argv) > 1 else "rashba_diffusion")
    files = sorted(pkg.rglob("*.py"))
    sizes = {p: p.read_text().count("\n") for p in files}
    funcs = []
    for p in files:
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                funcs.append((node.end_lineno - node.lineno + 1, f"{p}:{node.lineno} {node.name}"))
    funcs.sort(reverse=True)
    largest = max(sizes, key=sizes.get)
    print(f"modules: {len(files)}, lines: {sum(sizes.values())}")
    print(f"largest module: {largest} ({sizes[largest]} lines)")
    print(f"functions: {len(funcs)}, longest: {funcs[0][1]} ({funcs[0][0]} lines)")
    long = [f for f in funcs if f[0] > LONG_FUNCTION_LINES]
    print(f"functions over {LONG_FUNCTION_LINES} lines: {len(long)}")
    for n, where in long:
        print(f"  {n:4d}  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
