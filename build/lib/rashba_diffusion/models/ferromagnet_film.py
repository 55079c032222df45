"""Weak form of a single ferromagnetic film with a bulk spin-current source (ASOT, AHE torque; docs/model.md §11.7).

The film occupies 0 ≤ z ≤ d_F (a 1D mesh of z, :func:`~rashba_diffusion.meshing.structured.film_halves`,
infinite in-plane); the same spin drift-diffusion as the
bilayer's FM, scaled by σ_F: −∇·j_s = (σ_F/2e) L(μ) with the bare spin current J0 (A/m²) as the source.
The sources and the closed form are in :mod:`rashba_diffusion.physics.asot`.
"""

from __future__ import annotations

import numpy as np

from ..fem._compat import PETSc, fem, mesh, ufl
from ..fem.postprocess import CompiledIntegrals
from ..fem.solver import LinearSystem
from ..meshing.tags import BOTTOM_HALF, TOP_HALF
from ..physics.asot import Surface, check_film
from ..physics.bilayer import Ferromagnet
from ..units import HBAR_OVER_2E, NM
from ..validation import check_degree, unit_vector
from .magnetization import Magnetization


class FerromagnetFilmModel:
    """The weak form of the film 0 ≤ z ≤ d_F and the torque integrals over its two halves (compiled once).

    Parameters
    ----------
    msh, cell_tags
        The 1D mesh of z ∈ [0, d_F] and its halves (:data:`~rashba_diffusion.meshing.tags.BOTTOM_HALF`,
        :data:`~rashba_diffusion.meshing.tags.TOP_HALF`).
    fm
        A finite ferromagnet with its conductivity σ_F and thickness d_F.
    m
        Unit magnetization.
    source
        The bare spin current J0[a][d] in A/m².
    bottom, top
        The surfaces z = 0 and z = d_F: ``"free"`` or ``"sink"``.
    degree
        Lagrange degree.
    """

    def __init__(self, msh, cell_tags, fm: Ferromagnet, m, source: np.ndarray, bottom: Surface = "free",
                 top: Surface = "free", degree: int = 2):
        self.sigma_s_per_m = check_film(fm, bottom, top)
        m = unit_vector("m", m)
        self.degree = check_degree(degree)
        comm, d, ct = msh.comm, fm.thickness_nm, cell_tags
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
