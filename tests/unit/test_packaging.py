"""The package metadata a user installs from (pyproject.toml, LICENSE) and the conda-forge environment
(environment.yml) agree with each other and with what the README's Install section promises."""

import re
import tomllib
from pathlib import Path

import yaml

import rashba_diffusion

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
#: PyPI name -> conda-forge name where they differ; the DOLFINx wheel -> conda-forge's DOLFINx
CONDA_NAMES = {"dolfinx-solver-real": "fenics-dolfinx", "gmsh": "python-gmsh", "matplotlib": "matplotlib-base"}


def name_of(requirement: str) -> str:
    return re.split(r"[\s<>=!~\[;]", requirement, maxsplit=1)[0].lower()


def test_pyproject_installs_a_working_cli_with_dolfinx_pinned():
    project = PYPROJECT["project"]
    deps = project["dependencies"]
    assert "dolfinx-solver-real==0.11.*" in deps
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert project["scripts"]["rashba-diffusion"] == "rashba_diffusion.cli:main"
    assert set(project["optional-dependencies"]) == {"bench", "notebooks", "docs", "test"}
    # bench-only libraries are not core dependencies
    assert not {"psutil", "scikit-fem"} & {name_of(d) for d in deps}
    assert project["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "rashba_diffusion.__version__"}
    assert rashba_diffusion.__version__
    assert not any(c.startswith("License ::") for c in project["classifiers"])  # the SPDX string says it
    assert all("example.invalid" in u for u in project["urls"].values())  # placeholders (pyproject says so)


def test_environment_yml_has_every_dependency_under_its_conda_forge_name():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"][0] == "conda-forge"
    specs = {name_of(d): d for d in env["dependencies"] if isinstance(d, str)}
    project = PYPROJECT["project"]
    wanted = [*project["dependencies"], *(d for extra, ds in project["optional-dependencies"].items()
                                          for d in ds if not d.startswith("rashba_diffusion"))]
    missing = sorted(CONDA_NAMES.get(name_of(d), name_of(d)) for d in wanted
                     if CONDA_NAMES.get(name_of(d), name_of(d)) not in specs)
    assert missing == []
    assert specs["fenics-dolfinx"] == "fenics-dolfinx 0.11.*"
    assert specs["petsc"] == "petsc * real_*"  # the real-scalar PETSc (the package assembles real systems)
    assert "python" in specs and ">=3.12" in specs["python"]
