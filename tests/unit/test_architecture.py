"""The package's layers, enforced (stdlib ``ast``; docs: README "Layout").

* no import cycle between modules, function-local imports counted;
* each layer imports only the layers below it (:data:`ALLOWED`), and the physics and the pure modules never
  import DOLFINx, UFL, PETSc, MPI or gmsh, even inside a function;
* no private name (``_x``) is imported from another module;
* importing the package, its command line or any light module loads none of DOLFINx, PETSc, MPI or gmsh.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "rashba_diffusion"
PURE = ("units", "errors", "validation", "files", "launch")
#: layer -> the layers (or single modules) it may import; a layer may import itself
ALLOWED = {
    "pure": {"pure"},
    "physics": {"pure"},
    "fem": {"pure"},
    "meshing": {"pure", "fem.geometry", "fem._compat"},
    "models": {"pure", "physics", "fem", "meshing.tags"},
    "problems": {"pure", "physics", "fem", "meshing", "models"},
    "studies": {"pure", "physics", "fem", "meshing", "models", "problems", "verification"},
    "verification": {"pure", "physics", "fem", "meshing", "models", "problems"},
    "cli": {"pure", "physics", "fem", "meshing", "models", "problems", "studies", "verification"},
}
HEAVY = ("dolfinx", "ufl", "petsc4py", "mpi4py", "gmsh", "basix", "dolfinx_solver")
#: modules that must import without loading any of HEAVY (the command line validates with them)
LIGHT = ("rashba_diffusion", "rashba_diffusion.cli", *(f"rashba_diffusion.{m}" for m in (
    *PURE, "physics.rashba", "physics.bulk", "physics.torque", "physics.bilayer", "physics.asot", "physics.angular",
    "physics.vectors", "physics.pumping", "fem.solver_options", "fem.time", "meshing.tags", "meshing.specs",
    "meshing.gmsh_tools", "problems.specs",
    "studies.sweep.toml", "studies.sweep.config", "studies.sweep.wire", "studies.sweep.film", "studies.sweep.bilayer",
    "studies.sweep.pumping", "studies.sweep.llg", "physics.llg", "physics.macrospin", "physics.bilayer_pumping",
    "physics.micromagnetics", "physics.domain_wall",
    "studies.sweep.registry", "studies.bench.registry", "studies.bench.report", "studies.bench.scaling")))


def modules() -> dict[str, Path]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        parts = list(p.relative_to(PACKAGE.parent).with_suffix("").parts)
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    return out


def imports(name: str, path: Path, known: dict) -> list[tuple[str, str | None]]:
    """(imported module, imported name or None) for every import statement in the file, nested ones included."""
    out = []
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [(a.name, None) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            for a in node.names:  # `from pkg import mod` imports a module, `from mod import name` a name
                out.append((f"{target}.{a.name}", None) if f"{target}.{a.name}" in known else (target, a.name))
    return out


def layer(module: str) -> str:
    rel = module.removeprefix("rashba_diffusion").lstrip(".")
    top = rel.split(".")[0]
    return "pure" if top in PURE or rel == "" else top


def allowed(src: str, dst: str) -> bool:
    rel = dst.removeprefix("rashba_diffusion.")
    return layer(src) == layer(dst) or any(rel == a or rel.startswith(a + ".") or layer(dst) == a
                                           for a in ALLOWED[layer(src)])


def graph() -> dict[str, set[str]]:
    known = modules()
    return {m: {t for t, _ in imports(m, p, known) if t in known and t != m} for m, p in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_layers_import_only_downward():
    broken = [f"{m} -> {t}" for m, targets in graph().items() for t in sorted(targets) if not allowed(m, t)]
    assert broken == []


def test_nothing_imports_the_command_line():
    offenders = [m for m, targets in graph().items() if layer(m) != "cli" and any(layer(t) == "cli" for t in targets)]
    assert offenders == []


def test_physics_and_pure_modules_never_import_heavy_libraries():
    known = modules()
    bad = [f"{m} -> {t}" for m, p in known.items() if layer(m) in ("pure", "physics")
           for t, _ in imports(m, p, known) if t.split(".")[0] in HEAVY]
    assert bad == []


def test_no_private_name_crosses_a_module_boundary():
    known = modules()
    private = [f"{m} <- {t}.{n}" for m, p in known.items() for t, n in imports(m, p, known)
               if n and n.startswith("_") and not n.startswith("__") and t in known and t != m]
    assert private == []


def test_light_modules_load_no_heavy_library():
    script = (f"import importlib, json, sys\nfirst = None\nfor m in {list(LIGHT)!r}:\n    importlib.import_module(m)\n"
              f"    heavy = sorted(h for h in {HEAVY!r} if h in sys.modules)\n"
              "    if heavy:\n        first = [m, heavy]\n        break\nprint(json.dumps(first))\n")
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                       cwd=PACKAGE.parent)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) is None, f"importing {json.loads(p.stdout)[0]} loads {json.loads(p.stdout)[1]}"
