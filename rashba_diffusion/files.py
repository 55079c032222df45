"""Output: atomic file writes, the JSON summary, the CSV profile, fields, plots."""

from __future__ import annotations

import csv
import io as _io
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from ._compat import fem, io

PROFILE_COLUMNS = ("y_nm", "s_x", "s_y", "s_z", "nu", "T_perp", "T_par")
#: units of the profile columns (written in the CSV header comment)
PROFILE_UNITS = {
    "y_nm": "nm", "s_x": "hbar/nm^2", "s_y": "hbar/nm^2", "s_z": "hbar/nm^2", "nu": "1/nm^2",
    "T_perp": "1/(nm^2 fs)", "T_par": "1/(nm^2 fs)",
}  # fmt: skip


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
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
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would make the result private
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def summary_json(summary: dict) -> str:
    return json.dumps(summary, indent=2, sort_keys=True) + "\n"


def profile_csv(profile: dict[str, np.ndarray]) -> str:
    buf = _io.StringIO()
    buf.write("# units: " + ", ".join(f"{k} [{PROFILE_UNITS[k]}]" for k in PROFILE_COLUMNS) + "\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(PROFILE_COLUMNS)
    for row in zip(*(profile[k] for k in PROFILE_COLUMNS), strict=True):
        w.writerow([f"{v:.12e}" for v in row])
    return buf.getvalue()


def plot_profile_png(profile: dict[str, np.ndarray], title: str) -> bytes:
    """A PNG of s_x, s_y, s_z and the torque profile across the width."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    y = profile["y_nm"]
    scale = 1e18  # ħ/nm² -> ħ/m²
    for k in ("s_x", "s_y", "s_z"):
        ax1.plot(y, profile[k] * scale, label=k)
    ax1.set_xlabel("y (nm)")
    ax1.set_ylabel("spin density (ħ/m²)")
    ax1.legend()
    ax1.set_title(title)
    from .torque import torque_to_j_per_m2

    ax2.plot(y, torque_to_j_per_m2(profile["T_perp"]), label="T⊥ (field-like)")
    ax2.plot(y, torque_to_j_per_m2(profile["T_par"]), label="T∥ (damping-like)")
    ax2.set_xlabel("y (nm)")
    ax2.set_ylabel("torque per area (J/m²)")
    ax2.legend()
    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    plt.close(fig)
    return buf.getvalue()


def write_fields(outdir: Path, U: fem.Function) -> list[str]:
    """VTX (ADIOS2, ParaView-readable) files of s and ν, written atomically.

    Collective: every rank must call it.
    """
    comm = U.function_space.mesh.comm
    V = U.function_space
    el = V.ufl_element()
    msh = V.mesh
    degree = el.basix_element.degree if hasattr(el, "basix_element") else el.degree
    Vs = fem.functionspace(msh, ("Lagrange", degree, (3,)))
    Vn = fem.functionspace(msh, ("Lagrange", degree))
    s = fem.Function(Vs, name="s")
    nu = fem.Function(Vn, name="nu")
    # split the 4-vector into (s, ν); same element, so interpolation is exact
    s.interpolate(lambda x: np.zeros((3, x.shape[1])))
    for i in range(3):
        s.sub(i).interpolate(U.sub(i))
    nu.interpolate(U.sub(3))
    written = []
    for name, f in (("spin.bp", s), ("charge.bp", nu)):
        final = outdir / name
        tmp = outdir / f".{name}.tmp"
        if comm.rank == 0 and tmp.exists():
            shutil.rmtree(tmp)
        comm.barrier()
        with io.VTXWriter(comm, str(tmp), [f], engine="BP4") as w:
            w.write(0.0)
        comm.barrier()
        if comm.rank == 0:
            if final.exists():
                shutil.rmtree(final)
            os.replace(tmp, final)
        comm.barrier()
        written.append(name)
    return written


def write_wire_outputs(outdir: str | os.PathLike, result, title: str = "", plot: bool = True) -> None:
    """Fields (collective), then profile CSV, PNG and JSON summary (rank 0).

    ``result`` needs ``solution`` and ``summary`` (a :class:`wire.WireResult` or a
    :class:`film_mesh.FilmResult`); the profile files are written only when it has a
    non-empty ``profile``.
    """
    outdir = Path(outdir)
    comm = result.solution.function_space.mesh.comm
    if comm.rank == 0:
        outdir.mkdir(parents=True, exist_ok=True)
    comm.barrier()
    write_fields(outdir, result.solution)
    profile = getattr(result, "profile", None)
    if comm.rank == 0:
        if profile:
            atomic_write_text(outdir / "profile.csv", profile_csv(profile))
            if plot:
                atomic_write_bytes(outdir / "profile.png", plot_profile_png(profile, title))
        atomic_write_text(outdir / "summary.json", summary_json(result.summary))
    comm.barrier()


__all__ = [
    "atomic_write_bytes", "atomic_write_text", "atomic_write_with", "profile_csv", "summary_json",
    "write_wire_outputs",
]
