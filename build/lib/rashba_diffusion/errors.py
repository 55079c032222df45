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


class SolveError(RuntimeError):
    """The linear solve failed (KSP not converged, or NaN/Inf in the solution)."""
