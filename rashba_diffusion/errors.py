"""The package's exceptions, and what the command line makes of them (docs/reliability.md).

:class:`ParameterError` is the error contract: its message names the parameter, the value, the unit and the
valid range; it is raised before any mesh or solve, and the command line turns it into exit status 2.
:class:`SolveError` (a solve that did not converge, or a non-finite result) becomes exit status 3, and
:class:`Interrupted` (SIGTERM; Ctrl-C is Python's ``KeyboardInterrupt``) exit status 130.

Under MPI, a :class:`ParameterError` or :class:`SolveError` is raised on every rank alike: a check that only
one rank can make (a file read on rank 0) broadcasts its outcome first.
"""

from __future__ import annotations


class ParameterError(ValueError):
    """A parameter, file, path or option is invalid (raised before any mesh or solve; exit status 2)."""


class ConfigError(ParameterError):
    """A sweep configuration is invalid; the message names the key."""


class SweepStateError(ConfigError):
    """The output folder holds results that do not belong to this config (use ``force``), or another sweep
    holds its lock."""


class MissingDependencyError(ParameterError, ImportError):
    """A library a command needs is not installed (DOLFINx for a solve, the ``bench`` extra for ``bench``); the
    message says in one line how to install it.  A :class:`ParameterError` (the command line exits with status
    2) and an :class:`ImportError`."""


#: how to install DOLFINx, in one line (the PyPI wheel or conda-forge)
DOLFINX_INSTALL_HINT = ("pip install 'dolfinx-solver-real==0.11.*' (the PyPI wheel, bundles PETSc and MPI), or "
                        "conda install -c conda-forge fenics-dolfinx=0.11 (see README, Install)")


class SolveError(RuntimeError):
    """The solve failed: KSP not converged, NaN/Inf in the solution (exit status 3)."""


class NonFiniteResult(SolveError):
    """A result that should be a finite number is NaN or infinite (exit status 3)."""


class Interrupted(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM; SIGINT raises ``KeyboardInterrupt``): exit status 130."""

    def __init__(self, signal_name: str = "SIGTERM"):
        super().__init__(signal_name)
        self.signal_name = signal_name
