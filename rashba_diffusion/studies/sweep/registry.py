"""The problem kinds a sweep can run, by the name of the TOML key ``problem`` (light: no DOLFINx at import).

A new problem joins the sweeps with its own module (a config, columns, ``open_session``; see
:class:`~rashba_diffusion.studies.sweep.config.ProblemKind`) and one line here.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from pathlib import Path

from ...errors import ConfigError
from ...validation import DEFAULT_MAX_POINTS, check_size
from .bilayer import BILAYER
from .config import ProblemKind, SweepConfigBase
from .film import FILM
from .llg import LLG
from .pumping import PUMPING
from .toml import error
from .wire import WIRE

PROBLEMS: dict[str, ProblemKind] = {kind.name: kind for kind in (WIRE, BILAYER, FILM, PUMPING, LLG)}


def check_sweep_size(config: SweepConfigBase, max_dofs: float | None) -> None:
    """The size guard of a sweep before any mesh (light: no MPI): its largest session's estimated dofs."""
    if max_dofs is None:
        return
    estimate = PROBLEMS[config.problem].dofs(config, None)
    if estimate is not None:
        check_size("degrees of freedom of the sweep's largest mesh (estimated)", estimate, max_dofs, "--max-dofs")
#: the problem of a TOML file without a ``problem`` key
DEFAULT_PROBLEM = "wire"


def count_points(d: Mapping) -> int | None:
    """The number of points the ``[sweep]`` table of a parsed TOML document asks for, counted before any value
    is built (a range's ``num`` is read, not expanded); ``None`` when the table is malformed (the problem's
    parser then names the key)."""
    sw = d.get("sweep", {})
    axes = sw.get("axes", {}) if isinstance(sw, Mapping) else None
    if not isinstance(axes, Mapping):
        return None
    sizes = []
    for spec in axes.values():
        if isinstance(spec, list):
            sizes.append(len(spec))
        elif isinstance(spec, Mapping) and isinstance(spec.get("num"), int) and not isinstance(spec["num"], bool):
            sizes.append(max(spec["num"], 0))
        else:
            return None
    if not sizes:
        return 1
    return max(sizes) if sw.get("mode", "grid") == "zip" else math.prod(sizes)


def config_from_dict(d: Mapping, base_dir: str | Path | None = None, *,
                     max_points: float = DEFAULT_MAX_POINTS) -> SweepConfigBase:
    """Build and validate a sweep config from a parsed TOML document.

    The top-level key ``problem`` picks the schema (:data:`PROBLEMS`; default ``"wire"``).  ``base_dir``: the
    directory that relative mesh file paths are relative to (that of the TOML file; default the working
    directory).  ``max_points``: the size guard (``--max-points``), checked before any point is built.
    """
    n = count_points(d)
    if n is not None and not n <= max_points:
        raise error("sweep.axes", f"{n:.3g} points is invalid; valid range: <= --max-points = {max_points:.3g} "
                    "(raise --max-points for a sweep this large)")
    problem = d.get("problem", DEFAULT_PROBLEM)
    if problem not in PROBLEMS:
        raise error("problem", f"{problem!r} is invalid; valid values: {', '.join(map(repr, PROBLEMS))}")
    return PROBLEMS[problem].config_from_dict(d, base_dir)


def load_config(path: str | Path, *, max_points: float = DEFAULT_MAX_POINTS) -> SweepConfigBase:
    """Read and validate a TOML sweep configuration (``max_points``: see :func:`config_from_dict`)."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            d = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} does not exist") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config file {str(path)!r} is not valid TOML: {e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"config file {str(path)!r} cannot be read ({getattr(e, 'strerror', None) or e})") from None
    return config_from_dict(d, path.parent, max_points=max_points)
