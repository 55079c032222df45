"""Every DOLFINx/PETSc import and version-specific call lives here.

The package is written against the upstream DOLFINx 0.10/0.11 Python API so
that it runs both on the PyPI wheel ``dolfinx-solver-real`` and on a
conda-forge ``fenics-dolfinx``.  The wheel requires ``dolfinx_solver`` to be
imported before ``dolfinx``/``petsc4py`` (it loads the bundled PETSc); on
conda-forge that module does not exist and the import is skipped.
"""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec("dolfinx_solver") is not None:  # PyPI wheel: load bundled PETSc first
    import dolfinx_solver  # noqa: F401

import dolfinx  # noqa: E402
import dolfinx.fem.petsc as fem_petsc  # noqa: E402
import ufl  # noqa: E402
from dolfinx import fem, geometry, io, mesh  # noqa: E402
from mpi4py import MPI  # noqa: E402
from petsc4py import PETSc  # noqa: E402

DOLFINX_VERSION = dolfinx.__version__

__all__ = [
    "MPI",
    "PETSc",
    "dolfinx",
    "fem",
    "fem_petsc",
    "geometry",
    "io",
    "mesh",
    "ufl",
    "DOLFINX_VERSION",
    "model_to_mesh",
    "assemble_rhs",
    "lift_and_set_bc",
]


def model_to_mesh(model, comm, rank: int, gdim: int):
    """gmsh model -> (mesh, cell_tags, facet_tags, physical_groups).

    0.10+ returns a ``MeshData`` object; 0.9 returned a tuple (no physical
    group names).
    """
    from dolfinx.io import gmsh as dgmsh

    # shared-facet ghosting: interior-facet integrals (the wire's mid-line dS)
    # need both cells of every facet on the rank that integrates it
    partitioner = mesh.create_cell_partitioner(mesh.GhostMode.shared_facet, 2)  # 2: facets of a manifold mesh
    data = dgmsh.model_to_mesh(model, comm, rank, gdim=gdim, partitioner=partitioner)
    if hasattr(data, "mesh"):
        return data.mesh, data.cell_tags, data.facet_tags, dict(data.physical_groups)
    msh, ct, ft = data[:3]
    return msh, ct, ft, {}


def lift_and_set_bc(b: PETSc.Vec, a_form, bcs) -> PETSc.Vec:
    """b -= A_bc g (lifting), then b = g on Dirichlet dofs (0.10/0.11 signatures)."""
    fem_petsc.apply_lifting(b, [a_form], bcs=[bcs])
    b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    fem_petsc.set_bc(b, bcs)
    return b


def assemble_rhs(L_form, a_form, bcs) -> PETSc.Vec:
    """Assemble b for A x = b with Dirichlet lifting."""
    return lift_and_set_bc(fem_petsc.assemble_vector(L_form), a_form, bcs)


def function_vector(u: fem.Function) -> PETSc.Vec:
    """The PETSc vector that shares memory with ``u`` (0.10+: ``u.x.petsc_vec``)."""
    return u.x.petsc_vec
