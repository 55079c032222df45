"""Files: atomic writes, sets of outputs committed together, output-path checks, strict JSON, a folder lock.

Pure: the standard library only (no DOLFINx, no MPI); the bench's parent process uses it and must never hold
MPI state.  Every file the package writes goes through this module, which makes these promises
(docs/reliability.md, "Outputs"):

* **Atomic.**  A file is written under a temporary name in its final directory, flushed to disk and moved into
  place with ``os.replace``: a reader sees the old file or the new one, never a torn one.
* **Modes.**  New files get ``0o666 & ~umask`` (0644 under the usual umask 022), whatever the writer (gmsh,
  meshio, ADIOS2) or ``tempfile`` would have chosen.
* **No leftovers.**  Temporary names are ``.rashba-tmp-<pid>@<host>-<8 hex>.<name>``.  Any exception, Ctrl-C
  included, removes them; a process killed with SIGKILL leaves them behind, and the next :class:`OutputSet` in
  that directory removes those of processes that no longer run (same host).
* **A set is committed whole.**  :class:`OutputSet` stages every file of a ``--out`` folder first and then moves
  them all into place with SIGINT and SIGTERM deferred, so an interrupted run leaves the old complete set or the
  new one, never a mix.  Files of the previous set that the new one does not have are removed (the folder's
  manifest ``.rashba-outputs.json`` lists the last set); other files in the folder are left alone.

API (keep it small; new output files go through it)
----------------------------------------------------
:func:`atomic_write_bytes`, :func:`atomic_write_text`, :func:`atomic_write_with`
    One file.
:class:`OutputSet`
    Several files of one folder, committed together (``with OutputSet(d) as out: out.write_text(...);
    out.commit()``; leaving the block without :meth:`~OutputSet.commit` discards everything).
:func:`check_output_dir`, :func:`check_output_file`
    Checks of a path before any work: a :class:`~rashba_diffusion.errors.ParameterError`, nothing created.
:func:`strict_json`, :func:`summary_json`, :func:`finite_summary`
    RFC 8259 JSON (no NaN, no Infinity).
:class:`FolderLock`
    An exclusive, crash-safe lock of a folder (``fcntl.flock``), used by the sweeps.
:func:`file_sha256`
    A file's content hash.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from .errors import NonFiniteResult, ParameterError, SweepStateError

#: prefix of every temporary name the package creates (staged files, moved-aside old versions, probes)
TMP_PREFIX = ".rashba-tmp-"
#: the manifest of an output folder: the names of the last committed set
MANIFEST_NAME = ".rashba-outputs.json"
#: summary keys that are undefined in a degenerate geometry (NaN in memory, ``null`` in JSON): the torque
#: decomposition when m ∥ û (the film) or m ∥ σ̂ (the bilayer), and the effective fields derived from it
UNDEFINED_ALLOWED = re.compile(r"^(T_perp|T_par|T_DL|T_FL|B_FL|B_DL|xi_DL|xi_FL)")
_TMP_RE = re.compile(r"^\.rashba-tmp-(?P<pid>\d+)@(?P<host>.+)-[0-9a-f]{8}\.")
_HOST = socket.gethostname()


# -- small helpers ---------------------------------------------------------------------------
def current_umask() -> int:
    """The process's umask (read from /proc where possible: setting it, even back, races with threads)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_token() -> str:
    """A temporary-name token, unique to this process: ``<pid>@<host>-<8 hex>``.

    Under MPI, rank 0 makes one and broadcasts it, so that every rank stages collective outputs (VTX
    folders) under the same name.
    """
    return f"{os.getpid()}@{_HOST}-{secrets.token_hex(4)}"


def _remove(path: Path) -> None:
    """Remove a file, link or folder tree; a missing path is fine."""
    with contextlib.suppress(FileNotFoundError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems refuse fsync on a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_file(path: Path) -> None:
    if path.is_file():
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def remove_stale_temporaries(directory: str | os.PathLike) -> list[str]:
    """Remove the package's temporary files in ``directory`` left by dead processes of this host (SIGKILL)."""
    removed = []
    with contextlib.suppress(OSError):
        for entry in Path(directory).iterdir():
            m = _TMP_RE.match(entry.name)
            if m and m["host"] == _HOST and not _alive(int(m["pid"])):
                _remove(entry)
                removed.append(entry.name)
    return removed


@contextlib.contextmanager
def deferred_signals(signals: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM), *,
                     block: bool = False) -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while the block runs, then deliver the first one that arrived.

    Only in the main thread, and only for signals whose handler Python installed (Python can neither set
    handlers from other threads nor restore a C library's own).  ``block`` also blocks them in this thread at
    the kernel, so that no system call of C code here is interrupted: loading DOLFINx's extension crashes
    (SIGSEGV) when a signal interrupts it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    old = {s: signal.getsignal(s) for s in signals}
    old = {s: h for s, h in old.items() if h is not None}
    for s in old:
        signal.signal(s, lambda signum, _frame: received.append(signum))
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, signals) if block else None
    try:
        yield
    finally:
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a pending signal is recorded now
        for s, h in old.items():
            signal.signal(s, h)
        if received:
            signal.raise_signal(received[0])


# -- one file -------------------------------------------------------------------------------
def _staged_name(token: str, name: str) -> str:
    return f"{TMP_PREFIX}{token}.{name}"


def _write_staged(tmp: Path, data: bytes) -> None:
    """Create ``tmp`` (mode 0o666 & ~umask: the kernel applies the umask) with ``data``, on disk."""
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _finish_writer(tmp: Path) -> None:
    """After a writer that only takes a file name: the package's mode, and the data on disk."""
    if tmp.is_file():
        os.chmod(tmp, 0o666 & ~current_umask())
        _fsync_file(tmp)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (its folder is created if missing)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / _staged_name(new_token(), path.name)
    try:
        _write_staged(tmp, data)
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write_bytes(path, text.encode())


def atomic_write_with(path: str | os.PathLike, write: Callable[[str], object]) -> None:
    """Atomically create ``path`` with a writer that only takes a file name.

    ``write(tmp)`` writes a temporary file in the same folder whose name ends like ``path`` (gmsh and meshio
    pick the format from the suffix); it then replaces ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / _staged_name(new_token(), path.name)
    try:
        write(str(tmp))
        _finish_writer(tmp)
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


# -- a set of files ---------------------------------------------------------------------------
class OutputSet:
    """The files of one output folder, staged under temporary names and committed together.

    Parameters
    ----------
    directory
        The folder (created at :meth:`commit` if missing, with its parents).
    token
        The temporary-name token (:func:`new_token`); give the same one on every MPI rank when the ranks
        write a staged path together (a VTX folder).  Default: a new one.
    owner
        Whether this process does the file-system work (MPI: rank 0).  Other ranks only get staged paths.
    replace_previous
        Remove the files of the folder's previous set (its manifest) that this set does not write, so that the
        folder never mixes two runs.  Off for a single file among others (``mesh -o FILE``).

    Files are written with :meth:`write_bytes`, :meth:`write_text`, :meth:`write_with`, or by anyone into
    :meth:`path` (a file or a folder).  :meth:`commit` moves them into place, with SIGINT/SIGTERM deferred;
    :meth:`discard` (also on leaving a ``with`` block without a commit) removes them.
    """

    def __init__(self, directory: str | os.PathLike, *, token: str | None = None, owner: bool = True,
                 replace_previous: bool = True):
        self.directory = Path(directory)
        self.token = token or new_token()
        self.owner = owner
        self.replace_previous = replace_previous
        self.names: list[str] = []
        self.committed = False
        self._created: list[Path] = []  # folders this set created (removed again by discard)
        self._staging: list[Path] = []  # private folders of :meth:`staging_dir`
        if owner:
            self._make_directory()
            remove_stale_temporaries(self.directory)

    def _make_directory(self) -> None:
        missing = []
        d = self.directory
        while not d.exists():
            missing.append(d)
            d = d.parent
        self.directory.mkdir(parents=True, exist_ok=True)
        self._created = missing  # deepest first

    def path(self, name: str) -> Path:
        """The staged path of ``name`` (write a file or a folder there; it becomes ``directory/name``)."""
        if "/" in name or name in ("", ".", "..") or name.startswith(TMP_PREFIX) or name == MANIFEST_NAME:
            raise ValueError(f"output name {name!r} is invalid; valid: a plain file name")
        if name not in self.names:
            self.names.append(name)
        return self.directory / _staged_name(self.token, name)

    def write_bytes(self, name: str, data: bytes) -> None:
        """Stage ``name`` with ``data`` (owner only)."""
        _write_staged(self.path(name), data)

    def write_text(self, name: str, text: str) -> None:
        """Stage ``name`` with ``text`` (UTF-8)."""
        self.write_bytes(name, text.encode())

    def write_with(self, name: str, write: Callable[[str], object]) -> None:
        """Stage ``name`` with a writer that only takes a file name (its suffix is ``name``'s)."""
        tmp = self.path(name)
        write(str(tmp))
        _finish_writer(tmp)

    def staging_dir(self, name: str = "stage") -> Path:
        """A private folder for a writer that writes several files which name each other (an XDMF file and the
        HDF5 file it points to): write them there under their final names, then :meth:`adopt` each.  Removed
        at :meth:`commit` or :meth:`discard`; a SIGKILLed run's is removed by the next set (its temporary name)."""
        d = self.directory / _staged_name(self.token, f"dir.{name}")
        if self.owner:
            d.mkdir(exist_ok=True)
        self._staging.append(d)
        return d

    def adopt(self, name: str, source: str | os.PathLike) -> None:
        """Stage the file ``source`` (in this folder's file system: a :meth:`staging_dir`) as ``name``."""
        tmp = self.path(name)
        os.replace(source, tmp)
        _finish_writer(tmp)

    def _previous(self) -> list[str]:
        try:
            old = json.loads((self.directory / MANIFEST_NAME).read_text())
            return [n for n in old.get("files", []) if isinstance(n, str) and "/" not in n]
        except (OSError, ValueError, AttributeError):
            return []

    def commit(self) -> list[Path]:
        """Move every staged file into place, together (owner only; others just mark the set done).

        Returns the final paths.  A staged name that was never written is an error (nothing is moved).
        """
        if not self.owner:
            self.committed = True
            return [self.directory / n for n in self.names]
        staged = {n: self.path(n) for n in self.names}
        missing = [n for n, p in staged.items() if not p.exists()]
        if missing:
            raise FileNotFoundError(errno.ENOENT, f"output {missing[0]!r} was never written", str(self.directory))
        aside: dict[Path, Path] = {}  # final folder -> where its old version waits
        manifest = self.directory / _staged_name(self.token, MANIFEST_NAME)
        done = False
        try:
            if self.replace_previous:  # staged first: a full disk fails here, before anything moved
                _write_staged(manifest, (strict_json({"files": sorted(self.names)}, indent=1) + "\n").encode())
            with deferred_signals():
                for name, tmp in staged.items():
                    final = self.directory / name
                    if final.is_dir() and not final.is_symlink():  # os.replace cannot replace a folder
                        aside[final] = self.directory / _staged_name(self.token, f"old.{name}")
                        os.replace(final, aside[final])
                    os.replace(tmp, final)
                if self.replace_previous:
                    for name in set(self._previous()) - set(self.names):
                        _remove(self.directory / name)
                    os.replace(manifest, self.directory / MANIFEST_NAME)
                _fsync_dir(self.directory)
                done = True
        finally:
            for final, old in aside.items():
                if done or os.path.lexists(final):
                    _remove(old)
                else:  # failed between moving the old folder aside and the new one in: put the old one back
                    with contextlib.suppress(OSError):
                        os.replace(old, final)
            _remove(manifest)
            for d in self._staging:
                _remove(d)
        self.committed = True
        return [self.directory / n for n in self.names]

    def discard(self) -> None:
        """Remove every staged file, and the folders this set created if they are empty (owner only)."""
        if not self.owner or self.committed:
            return
        with deferred_signals():
            for name in self.names:
                _remove(self.directory / _staged_name(self.token, name))
            for d in self._staging:
                _remove(d)
            for d in self._created:
                with contextlib.suppress(OSError):
                    d.rmdir()

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, *exc) -> None:
        self.discard()


# -- checks of output paths before any work -----------------------------------------------------------
def _nearest_existing(path: Path) -> Path:
    p = path
    while not os.path.lexists(p):
        p = p.parent
    return p


def _probe_writable(flag: str, path: Path, folder: Path, unit_hint: str) -> None:
    """Create and remove a file in ``folder``: the only sure test (permissions, read-only mounts, quotas)."""
    probe = folder / _staged_name(new_token(), "probe")
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise ParameterError(f"{flag} = {str(path)!r} is not writable: {e.strerror} ({folder}); valid: "
                             f"{unit_hint} where you can write") from None


def check_output_dir(path: str | os.PathLike, flag: str = "--out") -> Path:
    """Check an output folder before any work: it is a folder or can be made one, and it is writable.

    Creates nothing (a probe file is created and removed in the nearest existing folder).

    Raises
    ------
    ParameterError
        If ``path`` is empty, a file, below a file, or not writable.
    """
    text = os.fspath(path)
    if not str(text).strip():
        raise ParameterError(f"{flag} = {text!r} is invalid; valid: a folder path")
    p = Path(text)
    try:
        if os.path.lexists(p) and not p.is_dir():
            raise ParameterError(f"{flag} = {text!r} is an existing file; valid: a folder (existing or new)")
        base = _nearest_existing(p)
        if not base.is_dir():
            raise ParameterError(f"{flag} = {text!r} is invalid: {str(base)!r} is a file, not a folder; "
                                 "valid: a folder path")
    except OSError as e:  # e.g. a name too long
        raise ParameterError(f"{flag} = {text!r} is invalid: {e.strerror}; valid: a folder path") from None
    _probe_writable(flag, p, base, "a folder")
    return p


def check_output_file(path: str | os.PathLike, flag: str, suffixes: tuple[str, ...] = ()) -> Path:
    """Check an output file path before any work: its folder can be made and written, it is not a folder.

    ``suffixes``: the valid endings (e.g. ``(".msh",)``); empty: any.  Creates nothing.
    """
    text = os.fspath(path)
    p = Path(text)
    if not str(text).strip() or p.name in ("", ".", ".."):
        raise ParameterError(f"{flag} = {text!r} is invalid; valid: a file path")
    if suffixes and p.suffix not in suffixes:
        raise ParameterError(f"{flag} = {text!r} is invalid; valid: a path ending in {' or '.join(suffixes)}")
    try:
        if p.is_dir():
            raise ParameterError(f"{flag} = {text!r} is a folder; valid: a file path")
        base = _nearest_existing(p.parent)
        if not base.is_dir():
            raise ParameterError(f"{flag} = {text!r} is invalid: {str(base)!r} is a file, not a folder")
    except OSError as e:
        raise ParameterError(f"{flag} = {text!r} is invalid: {e.strerror}; valid: a file path") from None
    _probe_writable(flag, p, base, "a file")
    return p


# -- strict JSON ---------------------------------------------------------------------------------
def _non_finite(obj, where: str = "") -> Iterator[str]:
    if isinstance(obj, float) and not math.isfinite(obj):
        yield f"{where or 'value'} = {obj!r}"
    elif isinstance(obj, Mapping):
        for k, v in obj.items():
            yield from _non_finite(v, f"{where}.{k}" if where else str(k))
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj):
            yield from _non_finite(v, f"{where}[{i}]")


def _null_non_finite(obj):
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, Mapping):
        return {k: _null_non_finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_null_non_finite(v) for v in obj]
    return obj


def strict_json(obj, *, indent: int | None = None, sort_keys: bool = True, null_non_finite: bool = False) -> str:
    """RFC 8259 JSON of ``obj``: a NaN or infinity raises :class:`NonFiniteResult` naming where it is, or, with
    ``null_non_finite`` (measurements that may be missing: the bench's reports), becomes ``null``."""
    if null_non_finite:
        obj = _null_non_finite(obj)
    try:
        return json.dumps(obj, indent=indent, sort_keys=sort_keys, allow_nan=False)
    except ValueError:
        bad = list(_non_finite(obj))
        if not bad:
            raise
        raise NonFiniteResult(f"non-finite result: {', '.join(bad[:6])}{' ...' if len(bad) > 6 else ''}") from None


def finite_summary(summary: Mapping) -> dict:
    """A summary ready for JSON: NaN -> ``None`` where the value may be undefined (:data:`UNDEFINED_ALLOWED`).

    Raises
    ------
    NonFiniteResult
        For an infinity anywhere, or a NaN in any other key (a failed computation, not an undefined one).
    """
    out, bad = {}, []
    for k, v in summary.items():
        if isinstance(v, float) and math.isnan(v) and UNDEFINED_ALLOWED.match(str(k)):
            out[k] = None
            continue
        bad += _non_finite(v, str(k))
        out[k] = v
    if bad:
        raise NonFiniteResult(f"non-finite result: {', '.join(bad[:6])}{' ...' if len(bad) > 6 else ''}")
    return out


def summary_json(summary: Mapping) -> str:
    """A summary as strict, indented JSON with sorted keys (the ``summary.json`` files)."""
    return strict_json(finite_summary(summary), indent=2) + "\n"


# -- content hash ------------------------------------------------------------------------------------
def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# -- a lock of a folder -------------------------------------------------------------------------------
class FolderLock:
    """An exclusive lock of a folder held by one process: ``fcntl.flock`` on ``folder/.rashba.lock``.

    The kernel releases a flock when its holder dies, however it dies, so a lock left by a killed process is
    never in the way: the next :meth:`acquire` takes it (and reports the dead holder in :attr:`stale`).  The
    lock file records the holder (pid, host, start time, command) for the message of a refused acquire.
    :meth:`release` removes the file; a racing acquirer that opened the removed file notices (its inode is no
    longer the path's) and tries again.  ``flock`` is local to one machine on some network file systems.

    Parameters
    ----------
    folder
        The folder to lock (created, with its parents, if missing; :meth:`release` removes what it created
        if it is still empty).
    what
        What holds it, for messages (e.g. ``"sweep"``).
    """

    NAME = ".rashba.lock"

    def __init__(self, folder: str | os.PathLike, what: str = "run"):
        self.folder = Path(folder)
        self.path = self.folder / self.NAME
        self.what = what
        self.fd: int | None = None
        self.stale: dict | None = None
        self._created: list[Path] = []

    def _holder(self, fd: int) -> dict | None:
        try:
            text = os.pread(fd, 4096, 0).decode()
            info = json.loads(text) if text.strip() else None
            return info if isinstance(info, dict) else None
        except (OSError, ValueError):
            return None

    def acquire(self, argv: list[str] | None = None) -> FolderLock:
        """Take the lock or raise :class:`~rashba_diffusion.errors.SweepStateError` naming the holder."""
        missing, d = [], self.folder
        while not d.exists():
            missing.append(d)
            d = d.parent
        self.folder.mkdir(parents=True, exist_ok=True)
        self._created = missing
        for _ in range(20):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = self._holder(fd)
                os.close(fd)
                who = ("another process" if holder is None else
                       f"pid {holder.get('pid')} on {holder.get('host')} since {holder.get('started')} "
                       f"({' '.join(map(str, holder.get('argv', [])))})")
                raise SweepStateError(f"output folder {str(self.folder)!r} is in use by {who}; valid: wait "
                                      f"until that {self.what} ends, or use another --out") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # released and removed between our open and our flock: try the new file
                os.close(fd)
                continue
            self.stale = self._holder(fd)
            info = {"pid": os.getpid(), "host": _HOST, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "argv": list(argv) if argv is not None else []}
            os.ftruncate(fd, 0)
            os.pwrite(fd, (strict_json(info) + "\n").encode(), 0)
            self.fd = fd
            return self
        raise SweepStateError(f"output folder {str(self.folder)!r}: could not take its lock {self.NAME}")

    def release(self) -> None:
        """Remove the lock file and let go (idempotent); remove the folders :meth:`acquire` created if empty."""
        if self.fd is None:
            return
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        os.close(self.fd)
        self.fd = None
        for d in self._created:
            with contextlib.suppress(OSError):
                d.rmdir()

    def __enter__(self) -> FolderLock:
        return self

    def __exit__(self, *exc) -> None:
        self.release()
