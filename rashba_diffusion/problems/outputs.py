"""The files a solve writes with ``--out``: ``summary.json``, the wire's ``profile.csv`` and ``profile.png``,
a transient problem's ``timeseries.csv``, and the fields (``spin.bp``, ``charge.bp``)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np

from ..fem.export import write_fields
from ..files import atomic_write_bytes, atomic_write_text, summary_json
from ..physics.torque import torque_to_j_per_m2
from .base import Result
from .pumping_bulk import time_series_csv

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
                  fields: bool = True) -> None:
    """The files of ``--out``: fields (VTX, collective; with ``fields``), the profile CSV and PNG (when the
    result has a profile; the PNG with ``plot``), ``timeseries.csv`` (when it has a time series) and
    ``summary.json`` (rank 0)."""
    outdir = Path(outdir)
    comm = result.solution.function_space.mesh.comm
    if comm.rank == 0:
        outdir.mkdir(parents=True, exist_ok=True)
    comm.barrier()
    if fields:
        write_fields(outdir, result.solution)
    profile = result.profile
    if comm.rank == 0:
        if profile:
            atomic_write_text(outdir / "profile.csv", profile_csv(profile))
            if plot:
                atomic_write_bytes(outdir / "profile.png", plot_profile_png(profile, title))
        if result.time_series:
            atomic_write_text(outdir / "timeseries.csv", time_series_csv(result.time_series))
        atomic_write_text(outdir / "summary.json", summary_json(result.summary))
    comm.barrier()
