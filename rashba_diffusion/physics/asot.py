"""A single ferromagnetic film with bulk spin-current sources: anomalous spin-orbit torque (ASOT) and the
anomalous-Hall (AHE) torque.  The same spin drift-diffusion as the bilayer's FM (docs/model.md §11.2, §11.7).

The film occupies 0 ≤ z ≤ d_F (coordinate z, infinite in-plane), the current flows along x̂.  Sources
(bare spin currents J0[a][d], A/m², the mechanism of ``bilayer.BilayerModel.source``):

* ASOT (transverse spin Hall effect of the FM): J0 = θ_ASOT ε_adk j_k, polarization ŷ for flow ẑ whatever m;
* AHE (Taniguchi-like reading of the AHE paper, Eqs. 5 and 11-12): J0[a][z] = θ_AH (û⊥·m) û⊥_a, û⊥ = ẑ × ĵ,
  flowing out of plane, so that the torque is ∝ (û⊥·m) û⊥×m ∝ sin 2φ.

Surfaces are "free" (zero normal spin current) or "sink" (μ = 0).  The torque on each half of the film is the
exchange-precession and dephasing absorption integrated over that half (J/m²).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import constants as sc

from .bilayer import HBAR_OVER_2E, Ferromagnet, spin_hall_source
from .parameters import NM, ParameterError, check_finite, check_positive, unit_vector

Surface = Literal["free", "sink"]
CURRENT_DIRECTION = np.array([1.0, 0.0, 0.0])
#: û⊥ = ẑ × ĵ: in-plane, perpendicular to the current
U_PERP = np.cross([0.0, 0.0, 1.0], CURRENT_DIRECTION)
#: cell size as a fraction of the shortest FM length (degree 2)
CELL_FRACTION = 0.05


def ahe_source(theta_ah: float, m, j_a_per_m2: float) -> np.ndarray:
    """J0[a][d] = θ_AH (û⊥·m) û⊥_a ẑ_d j (A/m²): the AHE spin current, polarized along û⊥ with the
    projection (û⊥·m) of the paper's Eq. 5, flowing out of plane."""
    m = np.asarray(unit_vector("m", m))
    out = np.zeros((3, 3))
    out[:, 2] = theta_ah * float(U_PERP @ m) * U_PERP * j_a_per_m2
    return out


@dataclass
class SurfaceTorques:
    """Torque vectors (J/m²) on the bottom (z < d/2) and top (z > d/2) halves of the film, and dofs."""

    bottom: np.ndarray
    top: np.ndarray
    dofs: int

    @property
    def net(self) -> np.ndarray:
        return self.bottom + self.top


def solve_film(fm: Ferromagnet, m, source: np.ndarray, bottom: Surface = "free", top: Surface = "free",
               cell_nm: float | None = None, degree: int = 2, comm=None) -> SurfaceTorques:
    """Solve −∇·j_s = (σ_F/2e) L(μ) in the film 0 ≤ z ≤ d_F for the bare spin current ``source`` (A/m²)."""
    from ._compat import MPI, PETSc, fem, mesh, ufl
    from .solver import LinearSolver

    if fm.is_ideal_sink or fm.thickness_nm is None:
        raise ParameterError("a single film needs fm_thickness_nm and at least one of its lengths (nm, > 0)")
    for name, s in (("bottom", bottom), ("top", top)):
        if s not in ("free", "sink"):
            raise ParameterError(f"{name} = {s!r} is invalid; valid values: 'free', 'sink'")
    m = np.asarray(unit_vector("m", m))
    sigma = check_positive("fm_sigma_s_per_m", fm.sigma_s_per_m, "S/m") if fm.sigma_s_per_m else None
    if sigma is None:
        raise ParameterError("fm_sigma_s_per_m = None S/m is invalid for a single film; valid range: (0, inf)")
    comm = comm or MPI.COMM_WORLD
    d = fm.thickness_nm
    lengths = [v for v in (fm.lambda_j_nm, fm.lambda_phi_nm, fm.lambda_sf_nm, d) if v and math.isfinite(v)]
    h = cell_nm or CELL_FRACTION * min(lengths)
    n = 2 * max(2, math.ceil(d / (2 * h)))  # even: z = d/2 is a vertex
    msh = mesh.create_interval(comm, n, [0.0, d])
    cells_bottom = mesh.locate_entities(msh, 1, lambda p: p[0] <= 0.5 * d + 1e-9 * d)
    cells_top = mesh.locate_entities(msh, 1, lambda p: p[0] >= 0.5 * d - 1e-9 * d)
    ents = np.concatenate([cells_bottom, cells_top]).astype(np.int32)
    vals = np.concatenate([np.ones(cells_bottom.size), 2 * np.ones(cells_top.size)]).astype(np.int32)
    order = np.argsort(ents)
    ct = mesh.meshtags(msh, 1, ents[order], vals[order])
    dx = ufl.Measure("dx", domain=msh, subdomain_data=ct)

    V = fem.functionspace(msh, ("Lagrange", degree, (3,)))
    U, W = ufl.TrialFunction(V), ufl.TestFunction(V)
    mc = fem.Constant(msh, np.asarray(m, dtype=PETSc.ScalarType))
    J0 = fem.Constant(msh, np.asarray(source, dtype=PETSc.ScalarType) / sigma * NM)  # scaled by σ_F: V/nm
    k = fm.inverse_lengths_sq_per_nm2()

    def parts(u):
        um = ufl.dot(u, mc)
        return {"sf": u, "j": ufl.cross(u, mc), "phi": u - um * mc}

    u = ufl.as_vector([U[i] for i in range(3)])
    w = ufl.as_vector([W[i] for i in range(3)])
    loss = sum((k[key] * p for key, p in parts(u).items() if k[key] != 0.0), ufl.as_vector([0.0, 0.0, 0.0]))
    residual = (0.5 * ufl.dot(U.dx(0), W.dx(0)) + 0.5 * ufl.dot(loss, w)
                - sum(J0[a, 2] * W[a].dx(0) for a in range(3))) * dx

    class _Model:  # what LinearSolver needs
        pass

    model = _Model()
    model.V, model.pin_bc = V, None
    model.a, model.L = fem.form(ufl.lhs(residual)), fem.form(ufl.rhs(residual))
    model.bcs = []
    for where, z0 in (("bottom", 0.0), ("top", d)):
        if {"bottom": bottom, "top": top}[where] == "sink":
            facets = mesh.locate_entities_boundary(msh, 0, lambda p, z0=z0: np.abs(p[0] - z0) < 1e-9 * d)
            dofs = fem.locate_dofs_topological(V, 0, facets)
            model.bcs.append(fem.dirichletbc(np.zeros(3, dtype=PETSc.ScalarType), dofs, V))
    solver = LinearSolver(model)
    sol = solver.solve()
    solver.destroy()

    us = ufl.as_vector([sol[i] for i in range(3)])
    p = parts(us)
    tq = sum((k[key] * p[key] for key in ("j", "phi") if k[key] != 0.0), ufl.as_vector([0.0, 0.0, 0.0]))
    out = {}
    for name, tag in (("bottom", 1), ("top", 2)):
        vec = np.array([comm.allreduce(fem.assemble_scalar(fem.form(tq[a] * dx(tag))), op=MPI.SUM)
                        for a in range(3)])
        out[name] = HBAR_OVER_2E * 0.5 * sigma * vec / NM  # (σ/2)∫ L dz: V/nm·nm ... -> A/m², then ħ/2e
    ndofs = V.dofmap.index_map.size_global * V.dofmap.index_map_bs
    return SurfaceTorques(bottom=out["bottom"], top=out["top"], dofs=int(ndofs))


def asot_source(theta_asot: float, j_a_per_m2: float) -> np.ndarray:
    """The transverse spin Hall current of the FM (same convention as the HM's, docs/model.md §11.2)."""
    return spin_hall_source(check_finite("theta_asot", theta_asot, "(dimensionless)"),
                            check_finite("j_a_per_m2", j_a_per_m2, "A/m²") * CURRENT_DIRECTION)


def analytic_surface_torque(fm: Ferromagnet, m, polarization, j0_a_per_m2: float) -> np.ndarray:
    """Torque vector (J/m²) on the top half of a film with free surfaces and a uniform out-of-plane bare spin
    current j0 p (docs/model.md §11.7): T_top = (ħ/2e) j0 [Re c s + Im c m×s], s = m×(p×m),
    c = f (1 − sech(q d/2)), q² = 1/λ_sf² + 1/λ_φ² − i/λ_J², f = 1 − 1/(λ_sf² q²).  The bottom is −T_top."""
    m = np.asarray(unit_vector("m", m))
    p = np.asarray(polarization, dtype=float)
    k = fm.inverse_lengths_sq_per_nm2()
    q2 = complex(k["sf"] + k["phi"], -k["j"])  # nm⁻²
    q = np.sqrt(q2)
    c = (q2 - k["sf"]) / q2 * (1.0 - 1.0 / np.cosh(q * fm.thickness_nm / 2.0))
    s = np.cross(m, np.cross(p, m))
    return HBAR_OVER_2E * j0_a_per_m2 * (c.real * s + c.imag * np.cross(m, s))


def ahe_kappa(j_sd_ev: float, spin: float, polarization: float, v_f_m_per_s: float, sigma_ratio: float,
              mu0_ms_tesla: float, skin_depth_nm: float) -> float:
    """κ = H_SO/H of the AHE paper's Eq. 14: (J_sd S/Ms)(1/(2e P v_F))(σ⊥/σ∥)(1/λ), with μ0Ms in tesla and
    j_c ≈ H/λ (dimensionless)."""
    for name, v, unit in (("j_sd_ev", j_sd_ev, "eV"), ("spin", spin, "(dimensionless)"),
                          ("polarization", polarization, "(dimensionless)"), ("v_f_m_per_s", v_f_m_per_s, "m/s"),
                          ("sigma_ratio", sigma_ratio, "(dimensionless)"), ("mu0_ms_tesla", mu0_ms_tesla, "T"),
                          ("skin_depth_nm", skin_depth_nm, "nm")):
        check_positive(name, v, unit)
    h_so_over_h = j_sd_ev * sc.electron_volt * spin / (2 * sc.e * polarization * v_f_m_per_s) * sigma_ratio / (
        skin_depth_nm * NM)  # tesla
    return h_so_over_h / mu0_ms_tesla
