"""Charge current of a 3D bilayer driven through its contacts (the spin Hall source of :mod:`.bilayer`).

The charge potential φ solves ∇·(σ ∇φ) = 0 with σ = σ_N in the "hm" cells and σ_F in the "fm" cells, φ fixed on
the facets "contact_left" and "contact_right" (a unit difference, the scale is set afterwards) and no current
through every other boundary.  The current density j = −σ∇φ is then scaled so that the mean of j_x over the
heavy metal is the requested j_N, which keeps ξ = (2e/ħ) T / j_N defined as for the uniform current.  In a straight
stripe whose contacts span both layers φ is linear in x and j is uniform in each layer (σ_F/σ_N times j_N in the
FM): the uniform drive of the 1D/2D solver.  Only the heavy metal's current feeds the spin Hall source.
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ..fem._compat import PETSc, fem, ufl
from ..fem.geometry import Geometry
from ..fem.postprocess import CompiledIntegrals
from ..fem.solver import LinearSolver, LinearSystem
from ..meshing.tags import CONTACT_NAMES


def check_contacts(geometry: Geometry) -> None:
    """Raise :class:`ParameterError` unless the mesh is 3D and has both contact facet tags."""
    tdim = geometry.msh.topology.dim
    missing = [n for n in CONTACT_NAMES if n not in (geometry.tag_names or {})]
    if tdim != 3 or missing:
        raise ParameterError(
            f"charge_current = 'contacts' needs a 3D mesh with facet tags {list(CONTACT_NAMES)}; this mesh is {tdim}D "
            f"with facet tags {sorted(geometry.tag_names or {})} (missing {missing}); valid: 'uniform' otherwise"
        )


def current_shape(geometry: Geometry, sigma_fm_over_hm: float, petsc_options: dict | None = None):
    """ĵ(r) = j(r)/j_N: the charge current of the contacts-driven mesh, HM mean of ĵ_x equal to 1.

    Parameters
    ----------
    geometry
        A 3D :class:`Geometry` with cell tags "hm" (and optionally "fm") and facet tags
        "contact_left", "contact_right"; mesh coordinates are (x, y, z).
    sigma_fm_over_hm
        σ_F/σ_N (> 0).

    Returns
    -------
    (ĵ, φ)
        ĵ a UFL vector (dimensionless; piecewise constant, physical axes x, y, z) and φ the solved potential.
    """
    check_contacts(geometry)
    msh = geometry.msh
    tdim = msh.topology.dim
    names = geometry.cell_tag_names
    # σ/σ_N per cell, a DG0 field: the cell tags decide the material
    dg0 = fem.functionspace(msh, ("DG", 0))
    sigma = fem.Function(dg0)
    sigma.x.array[:] = 1.0
    if "fm" in names:
        sigma.x.array[geometry.cell_tags.find(names["fm"])] = sigma_fm_over_hm
    sigma.x.scatter_forward()

    V = fem.functionspace(msh, ("Lagrange", 1))
    phi, v = ufl.TrialFunction(V), ufl.TestFunction(V)
    zero = fem.Constant(msh, PETSc.ScalarType(0.0))
    a = fem.form(sigma * ufl.inner(ufl.grad(phi), ufl.grad(v)) * ufl.dx)
    L = fem.form(zero * v * ufl.dx)
    msh.topology.create_connectivity(tdim - 1, tdim)
    bcs = []
    for name, value in zip(CONTACT_NAMES, (1.0, 0.0), strict=True):  # current flows from left to right: +x̂
        facets = geometry.facet_tags.find(geometry.tag_names[name])
        dofs = fem.locate_dofs_topological(V, tdim - 1, facets)
        bcs.append(fem.dirichletbc(PETSc.ScalarType(value), dofs, V))
    with LinearSolver(LinearSystem(a, L, bcs, V, coarse_meshes=geometry.coarse_meshes), petsc_options) as solver:
        phi_h = solver.solve()

    j = -sigma * ufl.grad(phi_h)
    dx_hm = ufl.Measure("dx", domain=msh, subdomain_data=geometry.cell_tags)(names["hm"])
    hm_mean = CompiledIntegrals([j[0]], dx_hm, msh.comm)
    mean_jx = hm_mean.values()[0] / hm_mean.size
    if not np.isfinite(mean_jx) or mean_jx <= 0.0:
        raise ParameterError(f"no charge current flows through the heavy metal between {list(CONTACT_NAMES)} "
                             f"(mean j_x = {mean_jx!r} in units of σ_N/nm); check the contact tags")
    return j / mean_jx, phi_h
