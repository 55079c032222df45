"""The files a solve writes with ``--out`` (README "Output files"), in SI with the units in the names.

* ``summary.json``: the summary (the JSON contract) and its ``provenance`` (version, command, time, every
  convention in force, the mesh, the solver).
* ``fields.vtu``: the fields on the mesh (VTK unstructured grid; meshio, pyvista and ParaView read it): the
  Rashba film's ``s_hbar_per_m2``, ``nu_per_m2``, ``T_J_per_m2``, ``T_perp_J_per_m2``, ``T_par_J_per_m2``,
  ``T_FL_J_per_m2``, ``T_DL_J_per_m2``, ``m``; the bilayer's ``mu_s_V`` (and ``T_J_per_m3`` in a finite FM) with
  the cell data ``layer`` (0 HM, 1 FM).  Points in metres, along the physical axes (the wire's 1D cross-section
  runs along y, the bilayer's 1D mesh along z and its 2D mesh in (y, z)).  ``fields.png`` beside it: every
  component over the 2D mesh (tripcolor, arrows of the in-plane part), or along the 1D bilayer.
* ``interface.vtu`` (bilayer, ideal-sink FM, 2D and 3D): the torque per area absorbed at each point of the
  interface, ``T_J_per_m2``, ``T_DL_J_per_m2``, ``T_FL_J_per_m2``, and ``mu_s_V`` in front of it;
  ``interface.png`` beside it.
* ``profile.csv``, ``profile.png`` (the wire): the profile across the width at mid-length, in SI.
* ``timeseries.csv`` (pumping): every time step's interior averages of δS, the torque and the current, in SI
  (:func:`~rashba_diffusion.problems.pumping_bulk.time_series_csv`); the pumping run's ``fields.vtu`` holds
  ``s_hbar_per_m2``, ``nu_per_m2``, ``T_J_per_m2`` and ``m`` at its last time step.

Every field is the degree-1 interpolant of the solution (exact at the vertices), gathered on rank 0
(:func:`~rashba_diffusion.fem.export.gather_vertex_values`); derived fields (the torque) are computed at the
vertices from it with the numpy twins of the forms (:mod:`rashba_diffusion.physics`).
"""

from __future__ import annotations

import csv
import io
import logging
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..fem._compat import DOLFINX_VERSION
from ..fem.export import MESHIO_FACET_TYPES, VertexData, gather_vertex_values, write_vtu
from ..files import OutputSet, finite_summary, new_token, summary_json
from ..launch import run_record
from ..models.bilayer import BilayerModel
from ..models.rashba import RashbaModel
from ..physics.bilayer import absorbed_spin_current, decompose_dl_fl, fm_torque_density_j_per_m3
from ..physics.rashba import LLG_TORQUE_SIGN
from ..physics.torque import decompose, torque_from_spin, torque_to_j_per_m2
from ..units import HBAR_OVER_2E, NM
from .base import Result
from .pumping_bulk import time_series_csv

log = logging.getLogger(__name__)

SUMMARY_NAME = "summary.json"
FIELDS_NAME = "fields.vtu"
INTERFACE_NAME = "interface.vtu"
PROFILE_CSV_NAME = "profile.csv"
PROFILE_PNG_NAME = "profile.png"
TIMESERIES_NAME = "timeseries.csv"
#: ħ/nm² -> ħ/m², 1/nm² -> 1/m²
PER_NM2_TO_PER_M2 = 1.0 / NM**2
#: dots per inch of the PNG pictures
PNG_DPI = 150

#: the SI columns of ``profile.csv`` (and, after ``index``, of a sweep's ``profiles.csv``)
PROFILE_COLUMNS = ("y_nm", "s_x_hbar_per_m2", "s_y_hbar_per_m2", "s_z_hbar_per_m2", "nu_per_m2", "T_perp_J_per_m2",
                   "T_par_J_per_m2")
#: the Rashba film's field arrays: name -> (unit, meaning)
RASHBA_FIELDS = {
    "s_hbar_per_m2": ("ħ/m²", "spin density s (x, y, z), the E-linear deviation from equilibrium"),
    "nu_per_m2": ("1/m²", "electron number density ν, the E-linear deviation"),
    "T_J_per_m2": ("J/m²", "torque ħT (x, y, z) per area of film (Eq. 24)"),
    "T_perp_J_per_m2": ("J/m²", "field-like coefficient ħT⊥ (NaN where m ∥ û)"),
    "T_par_J_per_m2": ("J/m²", "damping-like coefficient ħT∥ (NaN where m ∥ û)"),
    "T_FL_J_per_m2": ("J/m²", "field-like torque in the bilayer's convention, −ħT⊥"),
    "T_DL_J_per_m2": ("J/m²", "damping-like torque in the bilayer's convention, −ħT∥"),
    "m": ("1", "magnetization direction"),
}
#: the bilayer's field arrays: name -> (unit, meaning)
BILAYER_FIELDS = {
    "mu_s_V": ("V", "spin accumulation μ_s/e (x, y, z); in the HM and, for a finite FM, the FM"),
    "T_J_per_m3": ("J/m³", "torque per volume on the magnetization (finite FM; 0 in the HM)"),
}
#: the bilayer's interface arrays: name -> (unit, meaning)
INTERFACE_FIELDS = {
    "T_J_per_m2": ("J/m²", "torque per area absorbed at the interface (x, y, z)"),
    "T_DL_J_per_m2": ("J/m²", "its damping-like part, T = T_DL m×(σ̂×m) + T_FL σ̂×m"),
    "T_FL_J_per_m2": ("J/m²", "its field-like part"),
    "mu_s_V": ("V", "spin accumulation μ_s/e on the HM side"),
}


# -- the wire's profile ---------------------------------------------------------------------------
def profile_si(profile: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The wire's profile (internal units, :meth:`WireSession.profile`) in SI: :data:`PROFILE_COLUMNS`."""
    return {
        "y_nm": np.asarray(profile["y_nm"], dtype=float),
        **{f"s_{a}_hbar_per_m2": np.asarray(profile[f"s_{a}"]) * PER_NM2_TO_PER_M2 for a in "xyz"},
        "nu_per_m2": np.asarray(profile["nu"]) * PER_NM2_TO_PER_M2,
        "T_perp_J_per_m2": torque_to_j_per_m2(np.asarray(profile["T_perp"])),
        "T_par_J_per_m2": torque_to_j_per_m2(np.asarray(profile["T_par"])),
    }


def profile_csv(profile: Mapping[str, np.ndarray]) -> str:
    """The wire's profile as CSV text in SI (the header line, then full-precision rows)."""
    table = profile_si(profile)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(PROFILE_COLUMNS)
    for row in zip(*(table[k] for k in PROFILE_COLUMNS), strict=True):
        w.writerow([repr(float(v)) for v in row])
    return buf.getvalue()


def _figure(**kw):
    """A matplotlib Figure without pyplot: no backend is chosen or changed (the caller's Jupyter keeps its own)."""
    from matplotlib.figure import Figure

    return Figure(layout="constrained", **kw)


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PNG_DPI)
    return buf.getvalue()


def plot_profile_png(profile: Mapping[str, np.ndarray], title: str) -> bytes:
    """A PNG of s_x, s_y, s_z (ħ/m²) and the signed torques ħT⊥, ħT∥ (J/m²) across the width."""
    t = profile_si(profile)
    fig = _figure(figsize=(10, 4))
    ax1, ax2 = fig.subplots(1, 2)
    y = t["y_nm"]
    for a in "xyz":
        ax1.plot(y, t[f"s_{a}_hbar_per_m2"], label=f"s_{a}")
    ax1.set_xlabel("y (nm)")
    ax1.set_ylabel("spin density (ħ/m²)")
    ax1.legend()
    ax2.plot(y, t["T_perp_J_per_m2"], label="ħT⊥ (field-like)")
    ax2.plot(y, t["T_par_J_per_m2"], label="ħT∥ (damping-like)")
    ax2.axhline(0.0, color="0.6", lw=0.6)
    ax2.set_xlabel("y (nm)")
    ax2.set_ylabel("torque per area (J/m²)")
    ax2.legend()
    if title:
        fig.suptitle(title)
    return _png(fig)


# -- field files ----------------------------------------------------------------------------------
@dataclass
class FieldFile:
    """One ``.vtu`` file and what its picture shows (rank 0).

    ``points_m`` are physical coordinates in metres; ``axes`` the physical axes (0 x, 1 y, 2 z) along which the
    points vary, in the order the picture plots them; ``panels`` ``(array name, component or None, label)``;
    ``arrows`` ``(panel index, array name, (component, component))`` for an arrow overlay, or ``None``.
    """

    name: str
    points_m: np.ndarray
    cells: list[tuple[str, np.ndarray]]
    point_data: dict[str, np.ndarray]
    cell_data: dict[str, list[np.ndarray]] = field(default_factory=dict)
    axes: tuple[int, ...] = ()
    panels: list[tuple[str, int | None, str]] = field(default_factory=list)
    arrows: tuple[int, str, tuple[int, int]] | None = None
    picture: bool = True

    @property
    def png_name(self) -> str:
        return Path(self.name).with_suffix(".png").name


def _physical_points_m(x_mesh_nm: np.ndarray, axes: Sequence[int]) -> np.ndarray:
    """(n, 3) physical coordinates in m from mesh coordinates in nm whose axis i is physical axis ``axes[i]``."""
    out = np.zeros((x_mesh_nm.shape[0], 3))
    for i, a in enumerate(axes):
        out[:, a] = x_mesh_nm[:, i] * NM
    return out


def _vec(v: np.ndarray) -> np.ndarray:
    """(3, n) -> (n, 3)."""
    return np.ascontiguousarray(np.asarray(v, dtype=float).T)


def rashba_field_files(result: Result, data: VertexData) -> list[FieldFile]:
    """The Rashba film's ``fields.vtu`` from the gathered solution (and texture m): s, ν, the torque (rank 0)."""
    model: RashbaModel = result.model
    geometry = model.geometry
    c = model.coefficients
    axes = (1,) if geometry.mode == "cross_section" else (0, 1)
    s = data.values[:, :3].T
    nu = data.values[:, 3]
    mag = model.magnetization
    m = mag.value if mag.is_uniform else data.values[:, 4:7].T
    T = torque_from_spin(c, m, s)  # 1/(nm² fs), (3, n)
    u = model.drive.transverse
    t_perp, t_par = decompose(T, m, u)
    t_perp = np.broadcast_to(np.asarray(t_perp, dtype=float), nu.shape)
    t_par = np.broadcast_to(np.asarray(t_par, dtype=float), nu.shape)
    n = nu.shape[0]
    point_data = {
        "s_hbar_per_m2": _vec(s * PER_NM2_TO_PER_M2),
        "nu_per_m2": nu * PER_NM2_TO_PER_M2,
        "T_J_per_m2": _vec(torque_to_j_per_m2(T)),
        "T_perp_J_per_m2": torque_to_j_per_m2(t_perp),
        "T_par_J_per_m2": torque_to_j_per_m2(t_par),
        "T_FL_J_per_m2": LLG_TORQUE_SIGN * torque_to_j_per_m2(t_perp),
        "T_DL_J_per_m2": LLG_TORQUE_SIGN * torque_to_j_per_m2(t_par),
        "m": _vec(np.broadcast_to(np.asarray(m, dtype=float).reshape(3, -1), (3, n))),
    }
    panels = [("s_hbar_per_m2", 0, "s_x (ħ/m²)"), ("s_hbar_per_m2", 1, "s_y (ħ/m²)"),
              ("s_hbar_per_m2", 2, "s_z (ħ/m²); arrows: (s_x, s_y)"), ("nu_per_m2", None, "ν (1/m²)"),
              ("T_FL_J_per_m2", None, "T_FL = −ħT⊥ (J/m²)"), ("T_DL_J_per_m2", None, "T_DL = −ħT∥ (J/m²)")]
    return [FieldFile(FIELDS_NAME, _physical_points_m(data.x, axes), [(data.cell_type, data.cells)], point_data,
                      axes=axes, panels=panels, arrows=(2, "s_hbar_per_m2", (0, 1)),
                      picture=geometry.mode != "cross_section")]  # the 1D wire's picture is profile.png


def _regions(data: VertexData, regions: Sequence[tuple[int, slice]]):
    """Split the gathered mesh into regions of cells (cell tag, the value columns of the field there): each region
    gets its own copy of its vertices, so that a field discontinuous across a region boundary (the bilayer's μ_N,
    μ_F) keeps both sides.  Returns (vertex indices into ``data``, cells, values, region number per cell)."""
    vertex, cells, values, region = [], [], [], []
    offset = 0
    for k, (tag, cols) in enumerate(regions):
        mine = data.cells[data.cell_tags == tag]
        used, local = np.unique(mine, return_inverse=True)
        vertex.append(used)
        cells.append(local.reshape(mine.shape) + offset)
        values.append(data.values[used][:, cols])
        region.append(np.full(mine.shape[0], k, dtype=np.int32))
        offset += used.size
    return np.concatenate(vertex), np.concatenate(cells), np.concatenate(values), np.concatenate(region)


def bilayer_field_files(result: Result, data: VertexData) -> list[FieldFile]:
    """The bilayer's ``fields.vtu`` (μ_s, the FM's torque per volume) and, for an ideal sink in 2D/3D,
    ``interface.vtu`` (the absorbed torque per area) from the gathered solution (rank 0)."""
    model: BilayerModel = result.model
    hm, fm, interface = model.hm, model.fm, model.interface
    m = np.asarray(model.magnetization.value)
    names = model.geometry.cell_tag_names
    tdim = data.tdim
    axes = {1: (2,), 2: (1, 2), 3: (0, 1, 2)}[tdim]
    hm_cols = slice(0, 3)
    if model.layout == "split":
        regions = [(names["hm"], hm_cols), (names["fm"], slice(3, 6))]
    elif interface.kind == "continuous":
        regions = [(names["hm"], hm_cols), (names["fm"], hm_cols)]
    else:  # ideal sink: no FM field (a mesh's FM cells are idle)
        regions = [(names["hm"], hm_cols)]
    vertex, cells, mu, layer = _regions(data, regions)
    torque = np.zeros_like(mu)
    if not fm.is_ideal_sink:
        in_fm = np.zeros(mu.shape[0], dtype=bool)
        in_fm[np.unique(cells[layer == 1])] = True
        torque[in_fm] = _vec(fm_torque_density_j_per_m3(mu[in_fm].T, m, hm, fm))
    point_data = {"mu_s_V": mu, "T_J_per_m3": torque}
    panels = [("mu_s_V", a, f"μ_s{'xyz'[a]}/e (V)") for a in range(3)]
    if not fm.is_ideal_sink:
        panels += [("T_J_per_m3", a, f"T_{'xyz'[a]} per volume (J/m³)") for a in range(3)]
    files = [FieldFile(FIELDS_NAME, _physical_points_m(data.x[vertex], axes), [(data.cell_type, cells)], point_data,
                       {"layer": [layer]}, axes=axes, panels=panels, picture=tdim < 3)]
    iface = model.geometry.tag_names["interface"]
    if fm.is_ideal_sink and tdim >= 2 and iface in data.facets:
        facets = data.facets[iface]
        used, local = np.unique(facets, return_inverse=True)
        mu_i = data.values[used][:, hm_cols].T
        T = HBAR_OVER_2E * absorbed_spin_current(mu_i, m, interface)  # J/m², (3, n)
        t_dl, t_fl = decompose_dl_fl(T, m)
        n = used.size
        ipoint = {"T_J_per_m2": _vec(T), "T_DL_J_per_m2": np.broadcast_to(t_dl, (n,)).astype(float),
                  "T_FL_J_per_m2": np.broadcast_to(t_fl, (n,)).astype(float), "mu_s_V": _vec(mu_i)}
        iaxes = axes[:-1]  # the interface is the plane z = 0
        files.append(FieldFile(INTERFACE_NAME, _physical_points_m(data.x[used], axes),
                               [(MESHIO_FACET_TYPES[tdim], local.reshape(facets.shape))], ipoint, axes=iaxes,
                               panels=[("T_DL_J_per_m2", None, "T_DL (J/m²)"), ("T_FL_J_per_m2", None, "T_FL (J/m²)"),
                                       ("mu_s_V", 1, "μ_sy/e (V)")]))
    return files


def _component(ff: FieldFile, name: str, comp: int | None) -> np.ndarray:
    v = ff.point_data[name]
    return v if comp is None else v[:, comp]


def plot_field_png(ff: FieldFile, title: str = "") -> bytes:
    """A PNG of a field file: each panel's array over the 2D mesh (tripcolor, a diverging colour scale centred on
    zero, arrows of the in-plane part where asked), or along the 1D mesh; axes in nm."""
    from matplotlib.tri import Triangulation

    nm = ff.points_m / NM
    labels = ["x (nm)", "y (nm)", "z (nm)"]
    if len(ff.axes) == 1:
        a = ff.axes[0]
        fig = _figure(figsize=(6.4, 4.0))
        ax = fig.subplots()
        order = np.argsort(nm[:, a], kind="stable")
        for name, comp, label in ff.panels:
            ax.plot(nm[order, a], _component(ff, name, comp)[order], label=label)
        ax.axhline(0.0, color="0.6", lw=0.6)
        ax.set_xlabel(labels[a])
        ax.legend(fontsize=8)
        if title:
            ax.set_title(title)
        return _png(fig)
    a, b = ff.axes
    triangles = ff.cells[0][1]
    tri = Triangulation(nm[:, a], nm[:, b], triangles)
    ncols = min(3, len(ff.panels))
    nrows = math.ceil(len(ff.panels) / ncols)
    span = np.ptp(nm[:, [a, b]], axis=0)
    ratio = span[1] / span[0] if span[0] > 0 else 1.0
    aspect = "equal" if 0.2 <= ratio <= 5 else "auto"
    # the axes are about 3 in wide; their height follows the mesh's shape, plus room for title and labels
    panel_h = min(5.0, 3.0 * ratio + 1.2) if aspect == "equal" else 2.6
    fig = _figure(figsize=(4.2 * ncols, panel_h * nrows + (0.4 if title else 0.0)))
    axs = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for k, (name, comp, label) in enumerate(ff.panels):
        ax = axs[k]
        v = _component(ff, name, comp)
        ax.set_aspect(aspect)
        ax.set_xlabel(labels[a])
        ax.set_ylabel(labels[b])
        ax.set_title(label, fontsize=9)
        if not np.isfinite(v).any():
            ax.text(0.5, 0.5, "undefined (m ∥ û)", ha="center", va="center", transform=ax.transAxes)
            continue
        lim = float(np.nanmax(np.abs(v))) or 1.0
        im = ax.tripcolor(tri, np.nan_to_num(v), shading="gouraud", cmap="RdBu_r", vmin=-lim, vmax=lim)
        fig.colorbar(im, ax=ax, shrink=0.9, format="%.2g")
        if ff.arrows is not None and ff.arrows[0] == k:
            _arrows(ax, tri, ff.point_data[ff.arrows[1]], ff.arrows[2], span)
    for ax in axs[len(ff.panels):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    return _png(fig)


def _arrows(ax, tri, vec: np.ndarray, comps: tuple[int, int], span: np.ndarray, n: int = 24) -> None:
    """Arrows of two components of ``vec`` on a regular grid over the mesh (interpolated; none outside it), the
    longest 6% of the larger side."""
    from matplotlib.tri import LinearTriInterpolator

    nx = n if span[0] >= span[1] else max(3, round(n * span[0] / span[1]))
    ny = n if span[1] > span[0] else max(3, round(n * span[1] / span[0]))
    gx, gy = np.meshgrid(np.linspace(tri.x.min(), tri.x.max(), nx + 2)[1:-1],
                         np.linspace(tri.y.min(), tri.y.max(), ny + 2)[1:-1])
    u = LinearTriInterpolator(tri, vec[:, comps[0]])(gx, gy)
    v = LinearTriInterpolator(tri, vec[:, comps[1]])(gx, gy)
    longest = float(np.ma.max(np.hypot(u, v))) if np.ma.count(u) else 0.0
    if longest > 0:
        ax.quiver(gx, gy, u, v, angles="xy", scale_units="xy", scale=longest / (0.06 * max(span)), color="k",
                  alpha=0.7, width=0.004, pivot="mid")


def write_field_file(out: OutputSet, ff: FieldFile, title: str = "", plot: bool = True) -> list[str]:
    """Stage ``ff`` as ``.vtu`` (and its PNG with ``plot``) in the output set ``out``; the names written (rank 0)."""
    write_vtu(out.path(ff.name), ff.points_m, ff.cells, ff.point_data, ff.cell_data)
    written = [ff.name]
    if plot and ff.picture:
        out.write_bytes(ff.png_name, plot_field_png(ff, title))
        written.append(ff.png_name)
    return written


def pumping_field_files(result: Result, data: VertexData) -> list[FieldFile]:
    """The pumping run's ``fields.vtu`` (rank 0): δS, ν, the torque and m at the last time step (no drive, so no
    T⊥/T∥ split)."""
    model: RashbaModel = result.model
    axes = (0,) if model.geometry.msh.topology.dim == 1 else (0, 1)
    s = data.values[:, :3].T
    nu = data.values[:, 3]
    mag = model.magnetization
    m = mag.value if mag.is_uniform else data.values[:, 4:7].T
    n = nu.shape[0]
    point_data = {
        "s_hbar_per_m2": _vec(s * PER_NM2_TO_PER_M2),
        "nu_per_m2": nu * PER_NM2_TO_PER_M2,
        "T_J_per_m2": _vec(torque_to_j_per_m2(torque_from_spin(model.coefficients, m, s))),
        "m": _vec(np.broadcast_to(np.asarray(m, dtype=float).reshape(3, -1), (3, n))),
    }
    panels = [("s_hbar_per_m2", 0, "δs_x (ħ/m²)"), ("s_hbar_per_m2", 1, "δs_y (ħ/m²)"),
              ("s_hbar_per_m2", 2, "δs_z (ħ/m²)"), ("nu_per_m2", None, "ν (1/m²)")]
    return [FieldFile(FIELDS_NAME, _physical_points_m(data.x, axes), [(data.cell_type, data.cells)], point_data,
                      axes=axes, panels=panels)]


def field_files(result: Result) -> list[FieldFile] | None:
    """Gather the solution and build its field files (collective; rank 0 gets the files, others ``None``)."""
    model = result.model
    if isinstance(model, RashbaModel):
        functions = [result.solution]
        if not model.magnetization.is_uniform:
            functions.append(model.magnetization.ufl)
        data = gather_vertex_values(functions)
        if data is None:
            return None
        return pumping_field_files(result, data) if result.time_series else rashba_field_files(result, data)
    if isinstance(model, BilayerModel):
        geometry = model.geometry
        iface = geometry.tag_names["interface"]
        data = gather_vertex_values([result.solution], cell_tags=geometry.cell_tags,
                                    facet_tags=geometry.facet_tags, facet_ids=[iface])
        return None if data is None else bilayer_field_files(result, data)
    raise TypeError(f"no field files for a {type(model).__name__}")


# -- summary.json --------------------------------------------------------------------------------
def provenance(result: Result, command: str | None = None, files: Sequence[str] = ()) -> dict:
    """The ``provenance`` of ``summary.json``: :func:`~rashba_diffusion.launch.run_record` (version, command,
    time), DOLFINx's version, the MPI ranks, the result's conventions, mesh and solver, and the files written."""
    comm = result.solution.function_space.mesh.comm
    return {**run_record(command), "dolfinx": DOLFINX_VERSION, "mpi_ranks": comm.size, **result.provenance,
            "files": sorted(files)}


def write_outputs(outdir: str | os.PathLike, result: Result, title: str = "", plot: bool = True,
                  fields: bool = True, command: str | None = None) -> list[str]:
    """The files of ``--out`` (see the module docstring), written as one set
    (:class:`~rashba_diffusion.files.OutputSet`): the fields (with ``fields``; gathered collectively), the wire's
    profile CSV and PNG (when the result has a profile; PNGs with ``plot``), ``timeseries.csv`` (when it has a
    time series) and ``summary.json`` with its provenance (``command``, default: this process's ``sys.argv``).

    The summary must be finite (strict JSON: :class:`~rashba_diffusion.errors.NonFiniteResult` on every rank
    before anything is written).  Everything is staged, then moved into place together by rank 0 (mode
    ``0o666 & ~umask``); the files of an earlier set in ``outdir`` that this one lacks are removed.  A failure
    or an interrupt leaves ``outdir`` as it was.  Collective; returns the names written (on every rank).
    """
    outdir = Path(outdir)
    comm = result.solution.function_space.mesh.comm
    finite_summary(result.summary)  # every rank: a non-finite result fails before any file
    files = field_files(result) if fields else None
    owner = comm.rank == 0
    token = comm.bcast(new_token() if owner else None, root=0)
    comm.barrier()  # every rank is here (a rank that failed ends the job first): only now touch the folder
    try:
        names = _write_set(outdir, result, title, plot, files, command, token, comm)
    except OSError as e:  # a full disk, a vanished folder: the set was not committed, the folder is as it was
        e.add_note(f"writing the outputs into {str(outdir)!r} failed; it is as it was before this run")
        raise
    return names


def _write_set(outdir: Path, result: Result, title: str, plot: bool, files: list[FieldFile] | None,
               command: str | None, token: str, comm) -> list[str]:
    owner = comm.rank == 0
    names: list[str] = []
    with OutputSet(outdir, token=token, owner=owner) as out:
        if owner:
            for ff in files or ():
                names += write_field_file(out, ff, title, plot)
            if result.profile:
                out.write_text(PROFILE_CSV_NAME, profile_csv(result.profile))
                names.append(PROFILE_CSV_NAME)
                if plot:
                    out.write_bytes(PROFILE_PNG_NAME, plot_profile_png(result.profile, title))
                    names.append(PROFILE_PNG_NAME)
            if result.time_series:
                out.write_text(TIMESERIES_NAME, time_series_csv(result.time_series))
                names.append(TIMESERIES_NAME)
            names.append(SUMMARY_NAME)
            record = {**result.summary, "provenance": provenance(result, command, names)}
            out.write_text(SUMMARY_NAME, summary_json(record))
            out.commit()
            log.info("wrote %s in %s", ", ".join(names), outdir)
        comm.barrier()
    return comm.bcast(names, root=0)
