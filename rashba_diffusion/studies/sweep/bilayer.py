"""Sweeps of the heavy-metal / ferromagnet bilayer (``problem = "bilayer"``): TOML schema, CSV columns, sessions.

Schema (every table and key optional; defaults: those of ``rashba-diffusion bilayer``; docs/sweeps.md)::

    problem = "bilayer"
    [heavy_metal]              # HeavyMetal: thickness_nm, lambda_nm, sigma_s_per_m, theta_sh
    [ferromagnet]              # Ferromagnet: thickness_nm, sigma_s_per_m, lambda_j_nm, lambda_phi_nm,
                               # lambda_sf_nm, ms_a_per_m (no length given: an ideal transverse spin sink)
    [interface]                # Interface: kind ("mixing"/"continuous"), g_mix_real_s_per_m2, g_mix_imag_s_per_m2
    [drive]
    j_a_per_m2 = 1e11          # charge current density in the HM along x̂
    [magnetization]            # m, or theta_deg / phi_deg (default m = ẑ)
    [geometry]                 # BilayerSpec: kind ("1d"/"2d"/"3d"), width_nm, length_nm, charge_current
    [mesh]                     # cell_nm, degree; or file (+ tag_map) instead of [geometry]
    [sweep]                    # mode, axes (as for the wire)

Axis names are the command-line names of ``rashba-diffusion bilayer`` (:data:`AXIS_FIELDS`), plus ``m`` or
``theta_deg`` / ``phi_deg``.  The values are validated by the dataclasses of :mod:`rashba_diffusion.physics.bilayer`
(no second copy of the rules); their :class:`~rashba_diffusion.errors.ParameterError` is re-raised as a
:class:`~rashba_diffusion.errors.ConfigError` that names the key.

Sessions: one :class:`~rashba_diffusion.problems.bilayer.BilayerSession` serves every point whose mesh and
weak form it can reuse (``BilayerSession.reusable``); a thickness axis on a generated mesh builds a new one
per thickness (the forms are cached by FFCx).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ...physics.bilayer import (
    DEFAULT_M,
    DEFAULTS,
    BilayerPoint,
    Ferromagnet,
    HeavyMetal,
    Interface,
    check_combination,
    check_current_density,
    lengths_nm,
)
from ...problems.specs import (
    BilayerSpec,
    bilayer_components,
    bilayer_stripe_spec,
    default_bilayer_cell_nm,
    default_bilayer_width_nm,
    estimate_bilayer_dofs,
)
from .config import MAGNETIZATION_AXES, ProblemKind, SweepConfigBase, SweepPoint, magnetization_from_table, sweep_axes
from .toml import check_mesh_unchanged, check_tables, error, mesh_degree, number, numbers, string, table, wrap
from .toml import mesh_file as toml_mesh_file

#: sweep axis -> (dataclass, field): the names of ``rashba-diffusion bilayer``'s flags
AXIS_FIELDS = {
    "hm_thickness_nm": ("hm", "thickness_nm"), "hm_lambda_nm": ("hm", "lambda_nm"),
    "hm_sigma_s_per_m": ("hm", "sigma_s_per_m"), "theta_sh": ("hm", "theta_sh"),
    "fm_thickness_nm": ("fm", "thickness_nm"), "fm_sigma_s_per_m": ("fm", "sigma_s_per_m"),
    "fm_lambda_j_nm": ("fm", "lambda_j_nm"), "fm_lambda_phi_nm": ("fm", "lambda_phi_nm"),
    "fm_lambda_sf_nm": ("fm", "lambda_sf_nm"), "fm_ms_a_per_m": ("fm", "ms_a_per_m"),
    "g_mix_real_s_per_m2": ("interface", "g_mix_real_s_per_m2"),
    "g_mix_imag_s_per_m2": ("interface", "g_mix_imag_s_per_m2"),
    "j_a_per_m2": ("drive", "j_a_per_m2"),
}  # fmt: skip
AXIS_NAMES = (*AXIS_FIELDS, *MAGNETIZATION_AXES)
#: axes that change the generated mesh (forbidden with a mesh file, which fixes the thicknesses)
THICKNESS_AXES = ("hm_thickness_nm", "fm_thickness_nm")

TABLES = {
    "heavy_metal": {"thickness_nm", "lambda_nm", "sigma_s_per_m", "theta_sh"},
    "ferromagnet": {f.name for f in dataclasses.fields(Ferromagnet)},
    "interface": {"kind", "g_mix_real_s_per_m2", "g_mix_imag_s_per_m2"},
    "drive": {"j_a_per_m2"},
    "magnetization": {"m", "theta_deg", "phi_deg"},
    "geometry": {"kind", "width_nm", "length_nm", "charge_current"},
    "mesh": {"cell_nm", "degree", "file", "tag_map"},
    "sweep": {"mode", "axes"},
}


#: input columns of every bilayer row, in order (``theta_deg``, ``phi_deg`` are added when m comes from angles)
INPUT_COLUMNS = (
    "hm_thickness_nm", "hm_lambda_nm", "hm_sigma_s_per_m", "theta_sh", "fm_thickness_nm", "fm_sigma_s_per_m",
    "fm_lambda_j_nm", "fm_lambda_phi_nm", "fm_lambda_sf_nm", "fm_ms_a_per_m", "interface", "g_mix_real_s_per_m2",
    "g_mix_imag_s_per_m2", "j_a_per_m2", "m_x", "m_y", "m_z",
)  # fmt: skip
#: output columns of every bilayer row (``B_*_T`` empty without Ms and d_F)
OUTPUT_COLUMNS = (
    "xi_DL", "xi_FL", "T_DL_J_per_m2", "T_FL_J_per_m2", "xi_DL_analytic_1d", "xi_FL_analytic_1d",
    "T_x_J_per_m2", "T_y_J_per_m2", "T_z_J_per_m2", "B_DL_T", "B_FL_T", "cell_nm", "dofs", "ranks",
    "solve_seconds", "point_seconds",
)  # fmt: skip

@dataclass(frozen=True, kw_only=True)
class BilayerSweepConfig(SweepConfigBase[BilayerPoint]):
    """A validated bilayer sweep (every point is built and checked here, before any mesh).

    Parameters
    ----------
    hm, fm, interface, j_a_per_m2
        Base parameters; the axes override their fields point by point.
    spec
        Geometry and discretization (:class:`~rashba_diffusion.problems.specs.BilayerSpec`).
    m, theta_deg, phi_deg
        Base magnetization, as in :class:`~rashba_diffusion.studies.sweep.config.SweepConfigBase`.
    mesh_file, tag_map
        Solve on this mesh file instead of the generated mesh of ``spec``.
    axes, mode
        The sweep axes (names: :data:`AXIS_NAMES`) and ``"grid"`` or ``"zip"``.
    """

    problem = "bilayer"
    AXIS_NAMES = AXIS_NAMES

    hm: HeavyMetal
    fm: Ferromagnet
    interface: Interface
    j_a_per_m2: float
    spec: BilayerSpec
    m: tuple[float, float, float] | None = DEFAULT_M
    mesh_file: str | None = None
    tag_map: dict | None = None
    #: SHA-256 of the mesh file's content (part of the sweep's identity)
    mesh_sha256: str | None = None

    def _check(self) -> None:
        if self.profiles:
            raise error("output.profiles", "not available for problem = 'bilayer' (no cross-section)")
        for a in self.axes:
            if self.mesh_file is not None and a.name in THICKNESS_AXES:
                raise error(f"sweep.axes.{a.name}", "the mesh file fixes the layer thicknesses; sweep them on a "
                            "generated mesh ([geometry] kind) instead")

    def _params(self, combo: dict, m: tuple[float, float, float]) -> BilayerPoint:
        parts: dict[str, dict] = {"hm": {}, "fm": {}, "interface": {}, "drive": {}}
        for name, v in combo.items():
            if name in AXIS_FIELDS:
                obj, fld = AXIS_FIELDS[name]
                parts[obj][fld] = v
        hm = dataclasses.replace(self.hm, **parts["hm"])
        fm = dataclasses.replace(self.fm, **parts["fm"])
        interface = dataclasses.replace(self.interface, **parts["interface"])
        point = BilayerPoint(hm, fm, interface, parts["drive"].get("j_a_per_m2", self.j_a_per_m2), m)
        if self.mesh_file is None and self.spec.geometry == "3d":
            bilayer_stripe_spec(hm, fm, self.spec)  # the stripe's dimensions, before gmsh runs
        return point

    def resolved_spec(self) -> BilayerSpec:
        """``spec`` with the cell (and 2D/3D width, 3D length) of the most demanding point filled in.

        One cell size serves every point (the smallest default over the sweep), so that a row differs from a
        ``solve_bilayer`` call with the same ``cell_nm`` only by round-off.  The mesh itself is rebuilt when a
        thickness changes (``BilayerSession.reusable``).
        """
        if self.mesh_file is not None:
            return self.spec
        pts = self.points
        cell = self.spec.cell_nm or min(default_bilayer_cell_nm(p.params.hm, p.params.fm, self.spec) for p in pts)
        width = self.spec.width_nm
        if self.spec.geometry != "1d" and width is None:
            width = max(default_bilayer_width_nm(p.params.hm, p.params.fm, self.spec) for p in pts)
        length = self.spec.length_nm
        if self.spec.geometry == "3d" and length is None:
            length = width
        return dataclasses.replace(self.spec, cell_nm=cell, width_nm=width, length_nm=length)

    def _canonical_fields(self) -> dict:
        return {
            "problem": self.problem,
            "hm": dataclasses.asdict(self.hm),
            "fm": dataclasses.asdict(self.fm),
            "interface": dataclasses.asdict(self.interface),
            "j_a_per_m2": self.j_a_per_m2,
            "spec": dataclasses.asdict(self.spec),
            "mesh_file": self.mesh_file,
            "tag_map": self.tag_map,
            # only with a mesh file: the digests of generated-mesh results still match
            **({} if self.mesh_sha256 is None else {"mesh_file_sha256": self.mesh_sha256}),
        }


def config_from_dict(d: Mapping, base_dir: str | Path | None = None) -> BilayerSweepConfig:
    """Build and validate a :class:`BilayerSweepConfig` from a parsed TOML document (``problem = "bilayer"``)."""
    check_tables(d, TABLES, "bilayer")
    t = {name: table(d, name, TABLES) for name in TABLES}

    hm_t = numbers(t["heavy_metal"], "heavy_metal", TABLES["heavy_metal"])
    hm = wrap("heavy_metal", HeavyMetal, hm_t.get("thickness_nm", DEFAULTS["hm_thickness_nm"]),
               hm_t.get("lambda_nm", DEFAULTS["hm_lambda_nm"]),
               hm_t.get("sigma_s_per_m", DEFAULTS["hm_sigma_s_per_m"]),
               hm_t.get("theta_sh", DEFAULTS["theta_sh"]))
    fm = wrap("ferromagnet", Ferromagnet, **numbers(t["ferromagnet"], "ferromagnet", TABLES["ferromagnet"]))
    it = t["interface"]
    kind = string("interface.kind", it.get("kind", "mixing"))
    gs = numbers(it, "interface", {"g_mix_real_s_per_m2", "g_mix_imag_s_per_m2"})
    interface = wrap("interface", Interface, kind, gs.get("g_mix_real_s_per_m2", DEFAULTS["g_mix_real_s_per_m2"]),
                      gs.get("g_mix_imag_s_per_m2", DEFAULTS["g_mix_imag_s_per_m2"]))
    wrap("interface", check_combination, fm, interface)
    j = number("drive.j_a_per_m2", t["drive"].get("j_a_per_m2", DEFAULTS["j_a_per_m2"]))
    j = wrap("drive.j_a_per_m2", check_current_density, j)
    m, theta, phi = magnetization_from_table(t["magnetization"], DEFAULT_M)

    geo, msh = t["geometry"], t["mesh"]
    mesh_file = tag_map = sha = None
    if "file" in msh:
        for k in sorted(geo):
            raise error(f"geometry.{k}", "not used with [mesh] file (the mesh file is the geometry)")
        if "cell_nm" in msh:
            raise error("mesh.cell_nm", "not used with [mesh] file (the mesh file fixes the cells)")
        mesh_file, tag_map, sha = toml_mesh_file(msh, base_dir)
    elif "tag_map" in msh:
        raise error("mesh.tag_map", "only used with [mesh] file")
    degree = mesh_degree(msh)
    lengths = numbers(geo, "geometry", {"width_nm", "length_nm"})
    cell = number("mesh.cell_nm", msh["cell_nm"]) if "cell_nm" in msh else None
    charge = string("geometry.charge_current", geo["charge_current"]) if "charge_current" in geo else None
    kind = string("geometry.kind", geo.get("kind", "1d"))
    spec = wrap("geometry", BilayerSpec, geometry=kind, width_nm=lengths.get("width_nm"), cell_nm=cell,
                 degree=degree, length_nm=lengths.get("length_nm"), charge_current=charge)
    if charge == "contacts" and spec.geometry != "3d":
        raise error("geometry.charge_current", f"'contacts' is invalid with kind = {spec.geometry!r}; valid: "
                    "kind = '3d'")
    if spec.length_nm is not None and spec.geometry != "3d":
        raise error("geometry.length_nm", "only used with kind = '3d'")
    if spec.width_nm is not None and spec.geometry == "1d":
        raise error("geometry.width_nm", "only used with kind = '2d' or '3d'")

    axes, mode = sweep_axes(d, AXIS_NAMES, TABLES)
    return BilayerSweepConfig(hm=hm, fm=fm, interface=interface, j_a_per_m2=j, spec=spec, m=m, theta_deg=theta,
                              phi_deg=phi, mesh_file=mesh_file, tag_map=tag_map, mesh_sha256=sha, axes=axes,
                              mode=mode)


def input_row(config: BilayerSweepConfig, p: SweepPoint[BilayerPoint]) -> dict:
    """Every input of point ``p`` (the values matched when a sweep resumes)."""
    hm, fm, it, m = p.params.hm, p.params.fm, p.params.interface, config.point_m(p.axes)
    return {
        "hm_thickness_nm": hm.thickness_nm, "hm_lambda_nm": hm.lambda_nm, "hm_sigma_s_per_m": hm.sigma_s_per_m,
        "theta_sh": hm.theta_sh, "fm_thickness_nm": fm.thickness_nm, "fm_sigma_s_per_m": fm.sigma_s_per_m,
        "fm_lambda_j_nm": fm.lambda_j_nm, "fm_lambda_phi_nm": fm.lambda_phi_nm, "fm_lambda_sf_nm": fm.lambda_sf_nm,
        "fm_ms_a_per_m": fm.ms_a_per_m, "interface": it.kind, "g_mix_real_s_per_m2": it.g_mix_real_s_per_m2,
        "g_mix_imag_s_per_m2": it.g_mix_imag_s_per_m2, "j_a_per_m2": p.params.j_a_per_m2,
        "m_x": m[0], "m_y": m[1], "m_z": m[2],
    }  # fmt: skip


def output_row(summary: dict) -> dict:
    """The output columns (but ``point_seconds``) from a :class:`~rashba_diffusion.problems.bilayer.BilayerSession`
    summary (``B_*_T`` empty without Ms and d_F)."""
    out = {k: summary[k] for k in OUTPUT_COLUMNS[:6]}
    out.update({f"T_{c}_J_per_m2": v for c, v in zip("xyz", summary["T_vector_J_per_m2"], strict=True)})
    out.update(B_DL_T=summary.get("B_DL_T"), B_FL_T=summary.get("B_FL_T"), cell_nm=summary["cell_nm"],
               dofs=summary["dofs"], ranks=summary["ranks"], solve_seconds=summary["solve_seconds"])
    return out


def mesh_info(config: BilayerSweepConfig) -> dict:
    s = config.resolved_spec()
    return {"cell_nm": s.cell_nm, "length_nm": s.length_nm, "width_nm": s.width_nm, "geometry": s.geometry,
            "mesh_file": config.mesh_file}


def prepare(config: BilayerSweepConfig, comm):
    """The mesh file, read once for every session of the sweep (``None``: each session generates its mesh)."""
    if config.mesh_file is None:
        return None
    from ...meshing.files import load_mesh

    first = config.points[0].params
    required = {"hm", "interface"} | (set() if first.fm.is_ideal_sink else {"fm"})
    if comm.rank == 0:
        check_mesh_unchanged(config.mesh_file, config.mesh_sha256)
    return load_mesh(config.mesh_file, comm, config.tag_map, required)


def dofs(config: BilayerSweepConfig, geometry) -> float | None:
    """The largest session: generated meshes estimated per point before any is built; a file's exact once read."""
    if config.mesh_file is None:
        spec = config.resolved_spec()
        return max(estimate_bilayer_dofs(p.params.hm, p.params.fm, p.params.interface, spec) for p in config.points)
    if geometry is None:
        return None
    from ...problems.base import count_dofs

    ncomp = max(bilayer_components(p.params.fm, p.params.interface) for p in config.points)
    return count_dofs(geometry, config.spec.degree, ncomp)


def warnings(config: BilayerSweepConfig) -> list[str]:
    if config.mesh_file is not None:
        return []
    cell = config.resolved_spec().cell_nm
    shortest = min(min(lengths_nm(p.params.hm, p.params.fm)) for p in config.points)
    if cell > shortest:
        return [f"cell_nm = {cell:g} nm is coarser than the shortest length of the bilayer {shortest:.3g} nm: the "
                "mesh does not resolve the spin accumulation near the interface"]
    return []


def open_session(config: BilayerSweepConfig, params: BilayerPoint, comm, petsc_options: dict | None, geometry):
    from ...problems.bilayer import BilayerSession

    return BilayerSession(params, config.resolved_spec(), comm, geometry=geometry, petsc_options=petsc_options)


BILAYER = ProblemKind(name="bilayer", config_from_dict=config_from_dict, input_columns=INPUT_COLUMNS,
                      output_columns=OUTPUT_COLUMNS, column_types={"interface": str}, input_row=input_row,
                      output_row=output_row, mesh_info=mesh_info, prepare=prepare, open_session=open_session,
                      dofs=dofs, warnings=warnings)
