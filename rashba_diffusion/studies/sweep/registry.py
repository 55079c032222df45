"""The problem kinds a sweep can run, by the name of the TOML key ``problem`` (light: no DOLFINx at import).

A new problem joins the sweeps with its own module (a config, columns, ``open_session``; see
:class:`~rashba_diffusion.studies.sweep.config.ProblemKind`) and one line here.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from ...errors import ConfigError
from .bilayer import BILAYER
from .config import ProblemKind, SweepConfigBase
from .film import FILM
from .llg import LLG
from .toml import error
from .wire import WIRE

PROBLEMS: dict[str, ProblemKind] = {kind.name: kind for kind in (WIRE, BILAYER, FILM, LLG)}
#: the problem of a TOML file without a ``problem`` key
DEFAULT_PROBLEM = "wire"


def config_from_dict(d: Mapping, base_dir: str | Path | None = None) -> SweepConfigBase:
    """Build and validate a sweep config from a parsed TOML document.

    The top-level key ``problem`` picks the schema (:data:`PROBLEMS`; default ``"wire"``).  ``base_dir``: the
    directory that relative mesh file paths are relative to (that of the TOML file; default the working
    directory).
    """
    problem = d.get("problem", DEFAULT_PROBLEM)
    if problem not in PROBLEMS:
        raise error("problem", f"{problem!r} is invalid; valid values: {', '.join(map(repr, PROBLEMS))}")
    return PROBLEMS[problem].config_from_dict(d, base_dir)


def load_config(path: str | Path) -> SweepConfigBase:
    """Read and validate a TOML sweep configuration."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            d = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} does not exist") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config file {str(path)!r} is not valid TOML: {e}") from None
    return config_from_dict(d, path.parent)
