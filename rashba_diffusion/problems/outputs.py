"""The files a solve writes with ``--out``: ``summary.json``, the wire's ``profile.csv`` and ``profile.png``,
and the fields (``spin.bp``, ``charge.bp``)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np

from ..fem.export import FIELD_NAMES, write_fields
from ..files import OutputSet, new_token, summary_json
from ..physics.torque import torque_to_j_per_m2
from .base import Result

PROFILE_COLUMNS = ("y_nm", "s_x", "s_y", "s_z", "nu", "T_perp", "T_par")
#: units of the profile columns (written in the CSV header comment)
PROFILE_UNITS = {
    "y_nm": "nm", "s_x": "hbar/nm^2", "s_y": "hbar/nm^2", "s_z": "hbar/nm^2", "nu": "1/nm^2",
    "T_perp": "1/(nm^2 fs)", "T_par": "1/(nm^2 fs)",
}  # fmt: skip


def profile_csv(profile: dict[str, np.ndarray]) -> str:
    """The wire's profile as CSV text (a units comment line, the header, 13 significant digits)."""
    buf = io.StringIO()
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
    ax2.plot(y, torque_to_j_per_m2(profile["T_perp"]), label="T⊥ (field-like)")
    ax2.plot(y, torque_to_j_per_m2(profile["T_par"]), label="T∥ (damping-like)")
    ax2.set_xlabel("y (nm)")
    ax2.set_ylabel("torque per area (J/m²)")
    ax2.legend()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    plt.close(fig)
    return buf.getvalue()


def write_outputs(outdir: str | os.PathLike, result: Result, title: str = "", plot: bool = True,
                  fields: bool = True) -> list[Path]:
    """The files of ``--out``, written as one set (:class:`~rashba_diffusion.files.OutputSet`).

    ``summary.json`` (strict JSON: raises :class:`~rashba_diffusion.errors.NonFiniteResult` before anything is
    written), the fields (VTX, collective; with ``fields``), and, when the result has a profile, ``profile.csv``
    and (with ``plot``) ``profile.png``.  Everything is staged, then moved into place together by rank 0; the
    files of an earlier set in ``outdir`` that this one lacks are removed.  A failure or an interrupt leaves
    ``outdir`` as it was.  Collective; returns the paths written.
    """
    outdir = Path(outdir)
    comm = result.solution.function_space.mesh.comm
    summary_text = summary_json(result.summary)  # every rank: a non-finite result fails before any file
    owner = comm.rank == 0
    token = comm.bcast(new_token() if owner else None, root=0)
    comm.barrier()  # every rank is here (a rank that failed ends the job first): only now touch the folder
    try:
        paths = _write_set(outdir, result, title, plot, fields, summary_text, token, comm)
    except OSError as e:  # a full disk, a vanished folder: the set was not committed, the folder is as it was
        e.add_note(f"writing the outputs into {str(outdir)!r} failed; it is as it was before this run")
        raise
    return paths


def _write_set(outdir: Path, result: Result, title: str, plot: bool, fields: bool, summary_text: str, token: str,
               comm) -> list[Path]:
    owner = comm.rank == 0
    with OutputSet(outdir, token=token, owner=owner) as out:
        comm.barrier()  # rank 0 made the folder: the VTX writers need it
        if fields:
            write_fields({name: out.path(name) for name in FIELD_NAMES}, result.solution)
        profile = result.profile
        if owner:
            if profile:
                out.write_text("profile.csv", profile_csv(profile))
                if plot:
                    out.write_bytes("profile.png", plot_profile_png(profile, title))
            out.write_text("summary.json", summary_text)
            paths = out.commit()
        comm.barrier()
    return comm.bcast(paths if owner else None, root=0)
