"""The interface every problem session implements: :class:`Session`, its :class:`Result`, and
:class:`SessionBase` with what all sessions share (the solver, timings, ``close``, context manager).

A session builds the expensive parts once (mesh, forms, matrix, KSP, compiled post-processing) and solves
them for many parameter sets; a parameter set is a frozen dataclass of :mod:`rashba_diffusion.physics`
(:class:`~rashba_diffusion.physics.rashba.RashbaPoint`, :class:`~rashba_diffusion.physics.bilayer.BilayerPoint`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

import numpy as np

from ..fem._compat import fem
from ..fem.postprocess import global_dofs
from ..fem.solver import LinearSolver, LinearSystem
from ..validation import check_size

log = logging.getLogger(__name__)

# TypeVar/Generic rather than PEP 695 class parameters: the repository's Python 3.11 tools parse this package
P = TypeVar("P")
P_contra = TypeVar("P_contra", contravariant=True)


@dataclass
class Result:
    """What one solve produced.

    Attributes
    ----------
    summary
        The JSON contract: SI values, units in the key names (what ``--json`` prints).
    solution
        The solution Function (a session's own: overwritten by its next solve).
    model
        The model that was solved.
    timings
        Wall time (s, this rank) of every phase: the session's set-up, the solver's phases, ``postprocess``.
    profile
        Values across the width at mid-length (the wire; internal units), else ``None``.
    torque_vector
        The averaged torque vector (the wire: 1/(nm² fs); the bilayer: J/m²), or ``None``.
    time_series
        Columns of values over time (a transient problem, e.g. pumping: SI, units in the names), or ``None``.
    provenance
        What produced it beyond its numbers: ``conventions`` (every physics convention in force), ``mesh``,
        ``solver`` (the ``provenance`` of ``summary.json``, which adds the version, command and time).
    """

    summary: dict
    solution: fem.Function
    model: Any
    timings: dict[str, float] = field(default_factory=dict)
    profile: dict[str, np.ndarray] | None = None
    torque_vector: np.ndarray | None = None
    time_series: dict[str, np.ndarray] | None = None
    provenance: dict = field(default_factory=dict)


class Session(Protocol[P_contra]):
    """A problem built once and solved for many parameter sets of type ``P``."""

    #: the problem's name ("wire", "film", "bilayer")
    problem: ClassVar[str]
    #: degrees of freedom (all ranks)
    ndofs: int
    #: the mesh's cell size (nm), where the session knows one
    cell_nm: float | None
    #: wall times (s) of the one-off phases (mesh, forms, matrix_create, ...)
    setup_timings: dict[str, float]

    def reusable(self, params: P_contra) -> bool:
        """Whether :meth:`solve` can take ``params`` without a new mesh or new forms."""

    def solve(self, params: P_contra | None = None, *, profile: bool = False) -> Result:
        """Solve for ``params`` (``None``: the current ones)."""

    def close(self) -> None:
        """Release the PETSc objects (idempotent)."""

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc) -> None: ...


class SessionBase(Generic[P]):  # noqa: UP046
    """What every session shares: the solver, set-up timings, the dof count, ``close`` and ``with``.

    A subclass builds its geometry and model, then calls :meth:`_start_solver`; :meth:`_timed_solve` solves
    into a Function and returns the wall time.
    """

    problem: ClassVar[str]
    solver: LinearSolver | None = None
    cell_nm: float | None = None

    def _start_solver(self, system: LinearSystem, petsc_options: dict | None) -> None:
        """Create the solver (timed as ``matrix_create``: sparsity pattern, KSP) and count the dofs."""
        t0 = time.perf_counter()
        self.solver = LinearSolver(system, petsc_options)
        self.setup_timings["matrix_create"] = time.perf_counter() - t0
        self.ndofs = global_dofs(system.V)
        log.info("%s: %d dofs on %d rank(s); set-up %s", self.problem, self.ndofs, system.V.mesh.comm.size,
                 ", ".join(f"{k} {v:.3g} s" for k, v in self.setup_timings.items()))

    def _timed_solve(self, out: fem.Function) -> float:
        """Assemble and solve into ``out``; the wall time (s)."""
        t0 = time.perf_counter()
        self.solver.solve(out=out)
        seconds = time.perf_counter() - t0
        log.debug("%s: solved in %.3g s (%s)", self.problem, seconds,
                  ", ".join(f"{k} {v:.3g} s" for k, v in self.solver.timings.items()))
        return seconds

    def reusable(self, params: P) -> bool:
        """Whether :meth:`solve` can take ``params`` without a new mesh or new forms (default: always)."""
        return True

    def close(self) -> None:
        """Destroy the solver's PETSc objects (idempotent)."""
        if self.solver is not None:
            self.solver.close()
            self.solver = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def count_dofs(geometry, degree: int, components: int) -> int:
    """The exact dof count of a degree-``degree`` Lagrange space of ``components`` on ``geometry``'s mesh (all
    ranks; collective).  Cheap next to the forms and the matrix: for meshes read from files, whose size is known
    only once they are read."""
    return global_dofs(fem.functionspace(geometry.msh, ("Lagrange", degree, (components,))))


def check_dof_limit(geometry, degree: int, components: int, limit: float, what: str) -> int:
    """:func:`count_dofs` checked against ``limit`` (``--max-dofs``) before any form or matrix is built.

    Raises
    ------
    ParameterError
        If the count exceeds ``limit`` (the same on every rank: the count is global).
    """
    n = count_dofs(geometry, degree, components)
    check_size(f"degrees of freedom of {what} (degree {degree})", n, limit, "--max-dofs")
    return n
