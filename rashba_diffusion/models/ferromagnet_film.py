"""Weak form of a single ferromagnetic film with a bulk spin-current source (ASOT, AHE torque; docs/model.md §11.7).

The film occupies 0 ≤ z ≤ d_F (a 1D mesh of z, infinite in-plane); the same spin drift-diffusion as the
bilayer's FM, scaled by σ_F: −∇·j_s = (σ_F/2e) L(μ) with the bare spin current J0 (A/m²) as the source.
The sources and the closed form are in :mod:`rashba_diffusion.physics.asot`.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ParameterError
from ..fem._compat import MPI, PETSc, fem, mesh, ufl
from ..fem.postprocess import CompiledIntegrals
from ..fem.solver import LinearSystem
from ..physics.asot import SURFACES, Surface
from ..physics.bilayer import Ferromagnet
from ..units import HBAR_OVER_2E, NM
from ..validation import check_degree, check_positive, unit_vector
from .magnetization import Magnetization

#: default cell size as a fraction of the shortest FM length (degree 2)
CELL_FRACTION = 0.05
#: cell tags of the two halves z < d/2 and z > d/2
BOTTOM_HALF, TOP_HALF = 1, 2


class FerromagnetFilmModel:
    """The film 0 ≤ z ≤ d_F, its weak form and the torque integrals over its two halves (compiled once).

    Parameters
    ----------
    fm
        A finite ferromagnet with its conductivity σ_F and thickness d_F.
    m
        Unit magnetization.
    source
        The bare spin current J0[a][d] in A/m².
    bottom, top
        The surfaces z = 0 and z = d_F: ``"free"`` or ``"sink"``.
    cell_nm
        Cell size (default: :data:`CELL_FRACTION` of the shortest length).
    degree
        Lagrange degree.
    """

    def __init__(self, fm: Ferromagnet, m, source: np.ndarray, bottom: Surface = "free", top: Surface = "free",
                 cell_nm: float | None = None, degree: int = 2, comm: MPI.Comm | None = None):
        if fm.is_ideal_sink or fm.thickness_nm is None:
            raise ParameterError("a single film needs fm_thickness_nm and at least one of its lengths (nm, > 0)")
        for name, s in (("bottom", bottom), ("top", top)):
            if s not in SURFACES:
                raise ParameterError(f"{name} = {s!r} is invalid; valid values: 'free', 'sink'")
        m = unit_vector("m", m)
        if not fm.sigma_s_per_m:
            raise ParameterError("fm_sigma_s_per_m = None S/m is invalid for a single film; valid range: (0, inf)")
        self.sigma_s_per_m = check_positive("fm_sigma_s_per_m", fm.sigma_s_per_m, "S/m")
        self.degree = check_degree(degree)
        comm = comm or MPI.COMM_WORLD
        d = fm.thickness_nm
        lengths = [v for v in (fm.lambda_j_nm, fm.lambda_phi_nm, fm.lambda_sf_nm, d) if v and math.isfinite(v)]
        h = cell_nm or CELL_FRACTION * min(lengths)
        n = 2 * max(2, math.ceil(d / (2 * h)))  # even: z = d/2 is a vertex
        msh = mesh.create_interval(comm, n, [0.0, d])
        cells_bottom = mesh.locate_entities(msh, 1, lambda p: p[0] <= 0.5 * d + 1e-9 * d)
        cells_top = mesh.locate_entities(msh, 1, lambda p: p[0] >= 0.5 * d - 1e-9 * d)
        ents = np.concatenate([cells_bottom, cells_top]).astype(np.int32)
        vals = np.concatenate([np.full(cells_bottom.size, BOTTOM_HALF),
                               np.full(cells_top.size, TOP_HALF)]).astype(np.int32)
        order = np.argsort(ents)
        ct = mesh.meshtags(msh, 1, ents[order], vals[order])
        dx = ufl.Measure("dx", domain=msh, subdomain_data=ct)

        self.V = V = fem.functionspace(msh, ("Lagrange", self.degree, (3,)))
        U, W = ufl.TrialFunction(V), ufl.TestFunction(V)
        self.magnetization = Magnetization(msh, m)
        # scaled by σ_F: V/nm
        J0 = fem.Constant(msh, np.asarray(source, dtype=PETSc.ScalarType) / self.sigma_s_per_m * NM)
        self.inverse_lengths_sq = k = fm.inverse_lengths_sq_per_nm2()
        u = ufl.as_vector([U[i] for i in range(3)])
        w = ufl.as_vector([W[i] for i in range(3)])
        loss = sum((k[key] * p for key, p in self.parts(u).items() if k[key] != 0.0), ufl.as_vector([0.0, 0.0, 0.0]))
        residual = (0.5 * ufl.dot(U.dx(0), W.dx(0)) + 0.5 * ufl.dot(loss, w)
                    - sum(J0[a, 2] * W[a].dx(0) for a in range(3))) * dx
        bcs = []
        for kind, z0 in ((bottom, 0.0), (top, d)):
            if kind == "sink":
                facets = mesh.locate_entities_boundary(msh, 0, lambda p, z0=z0: np.abs(p[0] - z0) < 1e-9 * d)
                dofs = fem.locate_dofs_topological(V, 0, facets)
                bcs.append(fem.dirichletbc(np.zeros(3, dtype=PETSc.ScalarType), dofs, V))
        #: the compiled forms and boundary data the solver solves
        self.system = LinearSystem(fem.form(ufl.lhs(residual)), fem.form(ufl.rhs(residual)), bcs, V)
        #: the solution the torque integrals read (solve into it)
        self.solution = fem.Function(V)
        us = ufl.as_vector([self.solution[i] for i in range(3)])
        p = self.parts(us)
        tq = sum((k[key] * p[key] for key in ("j", "phi") if k[key] != 0.0), ufl.as_vector([0.0, 0.0, 0.0]))
        self._halves = {name: CompiledIntegrals([tq[a] for a in range(3)], dx(tag), comm)
                        for name, tag in (("bottom", BOTTOM_HALF), ("top", TOP_HALF))}

    def parts(self, u) -> dict:
        """The FM's local terms of μ before their 1/λ²: spin flip μ, precession μ×m, dephasing m×(μ×m)."""
        m = self.magnetization.ufl
        um = ufl.dot(u, m)
        return {"sf": u, "j": ufl.cross(u, m), "phi": u - um * m}

    def half_torques_j_per_m2(self) -> dict[str, np.ndarray]:
        """Torque vectors (J/m²) on the halves ``"bottom"`` and ``"top"`` of :attr:`solution`."""
        # (σ/2)∫ L dz: V/nm·nm ... -> A/m², then ħ/2e
        return {name: HBAR_OVER_2E * 0.5 * self.sigma_s_per_m * half.values() / NM
                for name, half in self._halves.items()}
