"""Charge current of a 3D bilayer driven through its contacts (the spin Hall source of :mod:`bilayer`).

The charge potential φ solves ∇·(σ ∇φ) = 0 with σ = σ_N in the "hm" cells and σ_F in the "fm" cells, φ fixed on
the facets "contact_left" and "contact_right" (a unit difference, the scale is set afterwards) and no current
through every other boundary.  The current density j = −σ∇φ is then scaled so that the mean of j_x over the
heavy metal is the requested j_N, which keeps ξ = (2e/ħ) T / j_N defined as for the uniform current.  In a straight
stripe whose contacts span both layers φ is linear in x and j is uniform in each layer (σ_F/σ_N times j_N in the
FM): the uniform drive of the 1D/2D solver.  Only the heavy metal's current feeds the spin Hall source.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .parameters import ParameterError

#: the facets the charge current enters and leaves by (names of ``meshes.bilayer_stripe_3d``)
CONTACTS = ("contact_left", "contact_right")


@dataclass
class _ChargeProblem:
    """The pieces :class:`solver.LinearSolver` needs (a, L, bcs, V, pin_bc)."""

    a: object
    L: object
    bcs: list
    V: object
    pin_bc: None = None


def check_contacts(geometry) -> None:
    """Raise :class:`ParameterError` unless the mesh is 3D and has both contact facet tags."""
    tdim = geometry.msh.topology.dim
    missing = [n for n in CONTACTS if n not in (geometry.tag_names or {})]
    if tdim != 3 or missing:
        raise ParameterError(
            f"charge_current = 'contacts' needs a 3D mesh with facet tags {list(CONTACTS)}; this mesh is {tdim}D "
            f"with facet tags {sorted(geometry.tag_names or {})} (missing {missing}); valid: 'uniform' otherwise"
        )


def current_shape(geometry, sigma_fm_over_hm: float, petsc_options: dict | None = None):
    """ĵ(r) = j(r)/j_N: the charge current of the contacts-driven mesh, HM mean of ĵ_x equal to 1.

    Parameters
    ----------
    geometry
        A 3D :class:`geometry.Geometry` with cell tags "hm" (and optionally "fm") and facet tags
        "contact_left", "contact_right"; mesh coordinates are (x, y, z).
    sigma_fm_over_hm
        σ_F/σ_N (> 0).

    Returns
    -------
    (ĵ, φ)
        ĵ a UFL vector (dimensionless; piecewise constant, physical axes x, y, z) and φ the solved potential.
    """
    from ._compat import MPI, PETSc, fem, ufl
    from .solver import LinearSolver

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
    for name, value in zip(CONTACTS, (1.0, 0.0), strict=True):  # current flows from left to right: +x̂
        facets = geometry.facet_tags.find(geometry.tag_names[name])
        dofs = fem.locate_dofs_topological(V, tdim - 1, facets)
        bcs.append(fem.dirichletbc(PETSc.ScalarType(value), dofs, V))
    solver = LinearSolver(_ChargeProblem(a, L, bcs, V), petsc_options)
    phi_h = solver.solve()
    solver.destroy()

    j = -sigma * ufl.grad(phi_h)
    dx_hm = ufl.Measure("dx", domain=msh, subdomain_data=geometry.cell_tags)(names["hm"])
    comm = msh.comm

    def integral(expr) -> float:
        return comm.allreduce(fem.assemble_scalar(fem.form(expr * dx_hm)), op=MPI.SUM)

    mean_jx = integral(j[0]) / integral(ufl.as_ufl(1.0))
    if not np.isfinite(mean_jx) or mean_jx <= 0.0:
        raise ParameterError(f"no charge current flows through the heavy metal between {list(CONTACTS)} "
                             f"(mean j_x = {mean_jx!r} in units of σ_N/nm); check the contact tags")
    return j / mean_jx, phi_h
