"""The pumping problem in the infinite film (``geometry = "bulk"``): the exact periodic state, no mesh (light).

The summary has the keys of the finite-element sessions (:mod:`.pumping`) with ``dofs`` and ``time_steps``
``None``, plus the spectral ``harmonics`` and ``truncation_error``; the time series samples one period.
"""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import numpy as np

from ..files import OutputSet, summary_json
from ..launch import run_record
from ..physics.pumping import (
    PARTICLE_SHEET_CURRENT_TO_A_PER_M,
    PER_NM2_TO_PER_M2,
    PumpingPoint,
    physics_summary,
    solve_periodic,
)
from ..physics.torque import torque_to_j_per_m2
from ..units import FS_PER_PS
from .specs import DEFAULT_STEPS_PER_PERIOD, PumpingSpec

#: the columns of the time series (``timeseries.csv`` of ``--out``): the averages over the sample's interior
#: (bulk: over one wavelength) at each time
TIME_SERIES_COLUMNS = ("t_ps", "s_x_hbar_per_m2", "s_y_hbar_per_m2", "s_z_hbar_per_m2", "T_x_J_per_m2",
                       "T_y_J_per_m2", "T_z_J_per_m2", "j_x_a_per_m", "j_y_a_per_m", "j_z_a_per_m")
#: samples per wavelength of the bulk time series' space average (exact for the trigonometric polynomials of a
#: truncated solution of up to this degree)
WAVELENGTH_SAMPLES = 256


def time_series_row(t_fs: float, s_per_nm2, torque_per_nm2_fs, particle_current_per_nm_fs) -> list[float]:
    """One row of :data:`TIME_SERIES_COLUMNS` from internal units (SI out; the electric current is −e j)."""
    return [t_fs / FS_PER_PS, *(np.asarray(s_per_nm2, dtype=float) * PER_NM2_TO_PER_M2),
            *(torque_to_j_per_m2(np.asarray(torque_per_nm2_fs, dtype=float))),
            *(-np.asarray(particle_current_per_nm_fs, dtype=float) * PARTICLE_SHEET_CURRENT_TO_A_PER_M)]


def solve_bulk_pumping(point: PumpingPoint, spec: PumpingSpec | None = None) -> tuple[dict, dict[str, np.ndarray]]:
    """(summary, time series) of the infinite film: the exact periodic state and its quasi-static reference.

    The time series samples one period (:data:`DEFAULT_STEPS_PER_PERIOD` + 1 times, both ends included);
    for a helix each sample is the average over one wavelength (then constant in time: a traveling wave).
    """
    spec = spec or PumpingSpec()
    t0 = time.perf_counter()
    model, pr = point.model(), point.precession
    sol = solve_periodic(model, pr)
    qs = solve_periodic(model, pr, quasi_static=True)
    solve_seconds = time.perf_counter() - t0
    summary = {
        **physics_summary(model, pr, point.magnet, sol.torque_coefficient_a, sol.torque_coefficient_b,
                          qs.torque_coefficient_a, qs.torque_coefficient_b, sol.pumped_spin_dc_per_nm2,
                          sol.particle_current_dc_per_nm_fs),
        "harmonics": sol.harmonics,
        "truncation_error": sol.truncation_error,
        **run_keys(point, spec, dofs=None, time_steps=None, steps_per_period=None),
        "solve_seconds": solve_seconds,
    }
    n = DEFAULT_STEPS_PER_PERIOD
    x = (np.arange(WAVELENGTH_SAMPLES) / WAVELENGTH_SAMPLES * 2 * np.pi / abs(pr.wavevector_per_nm)
         if pr.wavevector_per_nm != 0.0 else np.zeros(1))
    rows = []
    for i in range(n + 1):
        t = i * pr.period_fs / n
        psi = pr.phase(x, t)
        s = sol.fields(psi)[0]
        rows.append(time_series_row(t, s.mean(axis=1), sol.torque(psi).mean(axis=1),
                                    sol.particle_current(psi).mean(axis=1)))
    data = np.array(rows)
    return summary, {c: data[:, i] for i, c in enumerate(TIME_SERIES_COLUMNS)}


def run_keys(point: PumpingPoint, spec: PumpingSpec, *, dofs: int | None, time_steps: int | None,
             steps_per_period: int | None) -> dict:
    """The keys that describe the run (the same for every geometry; lengths ``None`` where not used)."""
    pr = point.precession
    return {
        "geometry": spec.geometry,
        "frequency_ghz": pr.frequency_ghz,
        "cone_angle_deg": pr.cone_angle_deg,
        "precession_axis": [float(v) for v in pr.axis],
        "texture": pr.texture,
        "wavevector_per_nm": pr.wavevector_per_nm,
        "sec6_model": point.sec6_model,
        "dofs": dofs,
        "time_steps": time_steps,
        "steps_per_period": steps_per_period,
        "periods": None if spec.geometry == "bulk" else spec.periods,
        "dt_ps": None if steps_per_period is None else pr.period_ps / steps_per_period,
        "scheme": None if spec.geometry == "bulk" else spec.scheme,
    }


def time_series_csv(series: dict[str, np.ndarray]) -> str:
    """The time series as CSV text: the header (units in the names), 13 significant digits."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(TIME_SERIES_COLUMNS)
    for row in zip(*(series[k] for k in TIME_SERIES_COLUMNS), strict=True):
        w.writerow([f"{v:.12e}" for v in row])
    return buf.getvalue()


def write_bulk_outputs(outdir: str | os.PathLike, summary: dict, series: dict[str, np.ndarray],
                       command: str | None = None) -> None:
    """``--out`` of the infinite film: ``summary.json`` (with its provenance; ``command`` default ``sys.argv``)
    and ``timeseries.csv`` (no fields: there is no mesh), replacing the folder's previous set as one
    (:class:`~rashba_diffusion.files.OutputSet`)."""
    outdir = Path(outdir)
    record = {**summary, "provenance": {**run_record(command), "files": ["summary.json", "timeseries.csv"]}}
    text = summary_json(record)  # a non-finite value fails before any file
    try:
        with OutputSet(outdir) as files:
            files.write_text("timeseries.csv", time_series_csv(series))
            files.write_text("summary.json", text)
            files.commit()
    except OSError as e:
        e.add_note(f"writing the outputs into {str(outdir)!r} failed; it is as it was before this run")
        raise
