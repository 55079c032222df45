"""The bilayer problem of the sweep engine (``problem = "bilayer"`` in the TOML config).

:class:`BilayerRunner` plugs into :func:`rashba_diffusion.sweep.run_sweep` (same resumable ``sweep.csv``, same
``sweep.json`` identity check).  One :class:`~rashba_diffusion.bilayer.BilayerSession` (mesh, compiled forms,
matrix and KSP) serves consecutive points as long as only coefficients change (m, j_N, θ_SH, λ_N, σ_N, G↑↓,
the FM's lengths and σ_F): they are ``fem.Constant`` values of the model.  A point that changes the generated
mesh (``hm_thickness_nm``, or ``fm_thickness_nm`` of a finite FM or on the 3D stripe) or the form's structure
(an FM process switched on or off) gets a new session; the forms' FFCx compilation is then a cache hit, so the
cost is the new mesh and matrix.  Every point uses the cell size of the most demanding one
(:meth:`~rashba_diffusion.config_bilayer.BilayerSweepConfig.resolved_spec`).
"""

from __future__ import annotations

import time

from .config_bilayer import BilayerPoint, BilayerSweepConfig

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
ANGLE_COLUMNS = ("theta_deg", "phi_deg")


class BilayerRunner:
    """Columns, inputs and sessions of a bilayer sweep (the interface of :class:`sweep.WireRunner`)."""

    def __init__(self, config: BilayerSweepConfig):
        self.config = config
        self.angles = config.m is None or any(a.name in ANGLE_COLUMNS for a in config.axes)
        self.columns = ("index", *(ANGLE_COLUMNS if self.angles else ()), *INPUT_COLUMNS, *OUTPUT_COLUMNS)
        self.n_inputs = self.columns.index(OUTPUT_COLUMNS[0])
        self.spec = config.resolved_spec()
        self.cell_nm = self.dofs = None
        self.session = None
        #: sessions built by this run (1 when only coefficients change)
        self.sessions_built = 0

    def input_row(self, p: BilayerPoint) -> dict:
        c = self.config
        row: dict = {"index": p.index}
        if self.angles:
            row["theta_deg"] = p.axes.get("theta_deg", 90.0 if c.theta_deg is None else c.theta_deg)
            row["phi_deg"] = p.axes.get("phi_deg", 0.0 if c.phi_deg is None else c.phi_deg)
        hm, fm, it = p.hm, p.fm, p.interface
        row.update({
            "hm_thickness_nm": hm.thickness_nm, "hm_lambda_nm": hm.lambda_nm, "hm_sigma_s_per_m": hm.sigma_s_per_m,
            "theta_sh": hm.theta_sh, "fm_thickness_nm": fm.thickness_nm, "fm_sigma_s_per_m": fm.sigma_s_per_m,
            "fm_lambda_j_nm": fm.lambda_j_nm, "fm_lambda_phi_nm": fm.lambda_phi_nm, "fm_lambda_sf_nm": fm.lambda_sf_nm,
            "fm_ms_a_per_m": fm.ms_a_per_m, "interface": it.kind, "g_mix_real_s_per_m2": it.g_mix_real_s_per_m2,
            "g_mix_imag_s_per_m2": it.g_mix_imag_s_per_m2, "j_a_per_m2": p.j_a_per_m2,
            "m_x": p.m[0], "m_y": p.m[1], "m_z": p.m[2],
        })  # fmt: skip
        return row

    def mesh_info(self) -> dict:
        s = self.spec
        return {"cell_nm": s.cell_nm, "length_nm": s.length_nm, "width_nm": s.width_nm, "geometry": s.geometry,
                "mesh_file": self.config.mesh_file}

    def start(self, todo: list, comm, petsc_options: dict | None) -> None:
        self.comm, self.petsc_options = comm, petsc_options
        self.geometry = None
        if self.config.mesh_file is not None:
            from .mesh_files import load_mesh

            first = todo[0]
            required = {"hm", "interface"} | (set() if first.fm.is_ideal_sink else {"fm"})
            self.geometry = load_mesh(self.config.mesh_file, comm, self.config.tag_map, required)

    def _session(self, p: BilayerPoint):
        from .bilayer import BilayerSession

        if self.session is not None and self.session.reusable(p.hm, p.fm, p.interface):
            return self.session
        if self.session is not None:
            self.session.solver.destroy()
        self.session = BilayerSession(p.hm, p.fm, p.interface, p.m, p.j_a_per_m2, self.spec, self.comm,
                                      geometry=self.geometry, petsc_options=self.petsc_options)
        self.sessions_built += 1
        return self.session

    def solve(self, p: BilayerPoint) -> tuple[dict, None]:
        t0 = time.perf_counter()
        session = self._session(p)
        s = session.solve(hm=p.hm, fm=p.fm, interface=p.interface, m=p.m, j_a_per_m2=p.j_a_per_m2).summary
        self.cell_nm, self.dofs = s["cell_nm"], s["dofs"]
        out = {k: s[k] for k in OUTPUT_COLUMNS[:6]}
        out.update({f"T_{c}_J_per_m2": v for c, v in zip("xyz", s["T_vector_J_per_m2"], strict=True)})
        out.update(B_DL_T=s.get("B_DL_T"), B_FL_T=s.get("B_FL_T"), cell_nm=s["cell_nm"], dofs=s["dofs"],
                   ranks=s["ranks"], solve_seconds=s["solve_seconds"], point_seconds=time.perf_counter() - t0)
        return out, None
