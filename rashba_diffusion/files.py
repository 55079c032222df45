"""Atomic file writes and the JSON summary (pure: no DOLFINx, no MPI).

The bench's parent process uses these, and it must never hold MPI state.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path


def _readable_mode(path: str | os.PathLike) -> None:
    """Give a temporary file the mode of a new file, 0o666 & ~umask (mkstemp's 0600 would make it private)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and ``os.replace`` (mode 0o666 & ~umask)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        _readable_mode(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write_bytes(path, text.encode())


def atomic_write_with(path: str | os.PathLike, write) -> None:
    """Atomically create ``path`` with a writer that only takes a file name.

    ``write(tmp)`` writes a temporary file with the same suffix (writers such as
    gmsh and meshio pick the format from it) in the same directory, which then
    replaces ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        _readable_mode(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def summary_json(summary: dict) -> str:
    """The summary as indented JSON with sorted keys (the ``summary.json`` files)."""
    return json.dumps(summary, indent=2, sort_keys=True) + "\n"


def staging_dir(directory: str | os.PathLike) -> Path:
    """A new private folder in ``directory`` (created if missing) for a writer that writes several files which
    name each other (an XDMF file and the HDF5 file it points to): write them there under their final names,
    then :func:`publish_staged` moves them into ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=directory, prefix=".rashba-stage-"))


def publish_staged(staging: str | os.PathLike, directory: str | os.PathLike, names) -> list[Path]:
    """Move the files ``names`` from ``staging`` into ``directory`` (each with ``os.replace``, mode
    0o666 & ~umask), then remove ``staging``; the final paths."""
    staging, directory = Path(staging), Path(directory)
    out = []
    try:
        for name in names:
            _readable_mode(staging / name)
            os.replace(staging / name, directory / name)
            out.append(directory / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out
