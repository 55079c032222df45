"""rashba_diffusion: spin accumulation and spin-orbit torques from the Rashba
diffusion equations (Wang, Ortiz Pauyac, Manchon, PRB 89, 054405) by FEM.

The public Python API is this namespace: ``from rashba_diffusion import solve_wire, Film, Drive, ...``.
Every name is loaded on first use (PEP 562), so ``import rashba_diffusion`` loads neither DOLFINx nor
PETSc nor gmsh; the solvers import them when they are first accessed.  :data:`API` says where each name
lives (the package's layers: ``physics`` → ``fem``/``meshing`` → ``models`` → ``problems`` → ``studies``).
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: public name -> the module that defines it
API: dict[str, str] = {
    # errors and parameter sets (light)
    "ParameterError": "errors", "ConfigError": "errors", "SolveError": "errors", "SweepStateError": "errors",
    "Film": "physics.rashba", "Drive": "physics.rashba", "Coefficients": "physics.rashba",
    "paper_film": "physics.rashba", "RashbaPoint": "physics.rashba",
    "HeavyMetal": "physics.bilayer", "Ferromagnet": "physics.bilayer", "Interface": "physics.bilayer",
    "BilayerPoint": "physics.bilayer",
    "solve_bulk": "physics.bulk", "BulkResult": "physics.bulk",
    "MacrospinParameters": "physics.llg", "MacrospinPoint": "physics.macrospin", "run_macrospin": "physics.macrospin",
    "fit_angular": "physics.angular", "bulk_torques": "physics.angular",
    "MicromagneticParameters": "physics.micromagnetics", "ZhangLiDrive": "physics.micromagnetics",
    "SpinDiffusionDrive": "physics.micromagnetics", "WallParameters": "physics.domain_wall",
    "run_wall": "physics.domain_wall",
    "Precession": "physics.pumping", "PumpingPoint": "physics.pumping", "MagnetLayer": "physics.pumping",
    "PumpingModel": "physics.pumping", "solve_periodic": "physics.pumping",
    # geometry and discretization (light)
    "WireSpec": "problems.specs", "BilayerSpec": "problems.specs", "DomainWallSpec": "problems.specs",
    "PumpingSpec": "problems.specs",
    "WireMesh": "meshing.specs", "HallBarMesh": "meshing.specs", "NotchedWireMesh": "meshing.specs",
    "BilayerCrossSectionMesh": "meshing.specs", "BilayerStripeMesh": "meshing.specs",
    # sweeps: configuration (light) and engine (heavy when run)
    "Axis": "studies.sweep.config", "WireSweepConfig": "studies.sweep.wire", "FilmSweepConfig": "studies.sweep.film",
    "FilmMesh": "studies.sweep.film", "BilayerSweepConfig": "studies.sweep.bilayer",
    "PumpingSweepConfig": "studies.sweep.pumping",
    "LLGSweepConfig": "studies.sweep.llg",
    "load_config": "studies.sweep.registry", "config_from_dict": "studies.sweep.registry",
    "run_sweep": "studies.sweep.engine",
    # solves (heavy: DOLFINx)
    "solve_wire": "problems.wire", "WireSession": "problems.wire",
    "solve_film": "problems.film", "FilmSession": "problems.film",
    "solve_bilayer": "problems.bilayer", "BilayerSession": "problems.bilayer",
    "solve_ferromagnet_film": "problems.ferromagnet_film",
    "solve_pumping": "problems.pumping", "PumpingSession": "problems.pumping",
    "solve_bulk_pumping": "problems.pumping_bulk",
    "RashbaTorque": "problems.macrospin", "BilayerTorque": "problems.macrospin",
    "run_self_consistent": "problems.macrospin",
    "run_domain_wall": "problems.domain_wall", "DomainWallSession": "problems.domain_wall",
    "LLGModel": "models.llg", "TextureDynamics": "problems.llg", "SpinDiffusionTorque": "problems.spin_torque",
    "write_outputs": "problems.outputs",
    "wire_torques": "studies.angular",
    "load_mesh": "meshing.files", "generate": "meshing.gmsh_build", "write_msh": "meshing.gmsh_tools",
}  # fmt: skip
__all__ = [*API, "__version__"]


def __getattr__(name: str):
    if name not in API:
        raise AttributeError(f"module 'rashba_diffusion' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{API[name]}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
