"""The package's exceptions.

:class:`ParameterError` is the error contract: its message names the parameter, the value, the unit and the
valid range; it is raised before any solve, and the command line turns it into exit status 2.
"""

from __future__ import annotations


class ParameterError(ValueError):
    """A physical parameter is outside its valid range (raised before any solve)."""


class ConfigError(ParameterError):
    """A sweep configuration is invalid; the message names the key."""


class SweepStateError(ConfigError):
    """The output directory holds results that do not belong to this config (use ``force``)."""


class MissingDependencyError(ParameterError, ImportError):
    """A library a command needs is not installed (DOLFINx for a solve, the ``bench`` extra for ``bench``); the
    message says in one line how to install it.  A :class:`ParameterError` (the command line exits with status
    2) and an :class:`ImportError`."""


#: how to install DOLFINx, in one line (the PyPI wheel or conda-forge)
DOLFINX_INSTALL_HINT = ("pip install 'dolfinx-solver-real==0.11.*' (the PyPI wheel, bundles PETSc and MPI), or "
                        "conda install -c conda-forge fenics-dolfinx=0.11 (see README, Install)")


class SolveError(RuntimeError):
    """The linear solve failed (KSP not converged, or NaN/Inf in the solution)."""
