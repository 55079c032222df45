"""Typed reading of parsed TOML values: every error is a :class:`ConfigError` that names the key."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ...errors import ConfigError, ParameterError
from ...files import file_sha256
from ...validation import DEGREES


def error(key: str, problem: str) -> ConfigError:
    """The configuration error of ``key``."""
    return ConfigError(f"config key '{key}': {problem}")


def number(key: str, v: Any) -> float:
    """A TOML integer or float as a float (booleans are not numbers)."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise error(key, f"expected a number, got {type(v).__name__} {v!r}")
    return float(v)


def vector(key: str, v: Any) -> tuple[float, float, float]:
    """A TOML array of three numbers."""
    if not isinstance(v, list | tuple) or len(v) != 3:
        raise error(key, f"expected a 3-vector [x, y, z], got {v!r}")
    return tuple(number(f"{key}[{i}]", x) for i, x in enumerate(v))


def string(key: str, v: Any) -> str:
    """A TOML string."""
    if not isinstance(v, str):
        raise error(key, f"expected a string, got {type(v).__name__} {v!r}")
    return v


def numbers(table: dict, name: str, keys: set[str]) -> dict:
    """The numeric ``keys`` of ``table`` (named ``name``), type-checked."""
    return {k: number(f"{name}.{k}", v) for k, v in table.items() if k in keys}


def table(d: Mapping, name: str, tables: Mapping[str, set]) -> dict:
    """The table ``[name]`` of ``d`` (empty if absent); keys outside ``tables[name]`` are errors."""
    t = d.get(name, {})
    if not isinstance(t, Mapping):
        raise error(name, f"expected a table [{name}], got {t!r}")
    unknown = set(t) - tables[name]
    if unknown:
        raise error(f"{name}.{sorted(unknown)[0]}", f"unknown key; valid keys: {', '.join(sorted(tables[name]))}")
    return dict(t)


def check_tables(d: Mapping, tables, problem: str | None = None) -> None:
    """No top-level table outside ``tables`` (and the key ``problem``)."""
    unknown = set(d) - set(tables) - {"problem"}
    if unknown:
        which = "unknown table" if problem is None else f"unknown table for problem = '{problem}'"
        raise error(sorted(unknown)[0], f"{which}; valid tables: {', '.join(tables)}")


def wrap(key: str, fn: Callable, *args, **kwargs):
    """Call a validating constructor and prefix its ParameterError with the config key."""
    try:
        return fn(*args, **kwargs)
    except ConfigError:
        raise
    except ParameterError as e:
        raise ConfigError(f"config key '{key}': {e}") from None
    except TypeError as e:
        raise ConfigError(f"config key '{key}': {e}") from None


def mesh_degree(msh: Mapping) -> int:
    """``[mesh] degree`` (default 2): an integer; its range is checked by the spec that uses it."""
    degree = msh.get("degree", 2)
    if isinstance(degree, bool) or not isinstance(degree, int):
        raise error("mesh.degree", f"expected an integer {DEGREES}, got {degree!r}")
    return degree


def mesh_file(msh: Mapping, base_dir: str | Path | None) -> tuple[str, dict | None, str]:
    """(absolute path, tag map or ``None``, SHA-256 of the content) of ``[mesh] file`` (relative to
    ``base_dir``) and ``tag_map``.  The hash enters the sweep's identity: a replaced mesh file is another
    sweep."""
    path = Path(string("mesh.file", msh["file"]))
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    if not path.is_file():
        raise error("mesh.file", f"{str(path)!r} does not exist")
    try:
        sha = file_sha256(path)
    except OSError as e:
        raise error("mesh.file", f"{str(path)!r} cannot be read ({e.strerror})") from None
    tag_map = msh.get("tag_map")
    if tag_map is not None:
        if not isinstance(tag_map, Mapping):
            raise error("mesh.tag_map", f"expected a table {{our name = tag(s)}}, got {tag_map!r}")
        tag_map = dict(tag_map)
    return str(path.resolve()), tag_map, sha


def check_mesh_unchanged(path: str, sha256: str | None) -> None:
    """The mesh file still has the content the config was read with (else the rows would mix two meshes)."""
    if sha256 is not None and file_sha256(path) != sha256:
        raise ConfigError(f"config key 'mesh.file': {path!r} changed after the config was read (sha256 "
                          f"{sha256[:12]}…); valid: run the sweep again")
