"""Every DOLFINx/PETSc import and version-specific call lives here.

The package is written against the upstream DOLFINx 0.10/0.11 Python API so
that it runs both on the PyPI wheel ``dolfinx-solver-real`` and on a
conda-forge ``fenics-dolfinx``.  The wheel requires ``dolfinx_solver`` to be
imported before ``dolfinx``/``petsc4py`` (it loads the bundled PETSc); on
conda-forge that module does not exist and the import is skipped.
"""

from __future__ import annotations

import importlib.util

from ..errors import DOLFINX_INSTALL_HINT, MissingDependencyError
from ..files import deferred_signals

# SIGINT/SIGTERM wait until the libraries are loaded: one that interrupts the loading of DOLFINx's extension
# crashes the process (SIGSEGV) instead of ending it cleanly
with deferred_signals(block=True):
    try:
        if importlib.util.find_spec("dolfinx_solver") is not None:  # PyPI wheel: load bundled PETSc first
            import dolfinx_solver  # noqa: F401

        import dolfinx
        import dolfinx.fem.petsc as fem_petsc
        import ufl
        from dolfinx import fem, geometry, io, mesh
        from mpi4py import MPI
        from petsc4py import PETSc
    except ImportError as e:  # a solve needs DOLFINx: say how to get it, in one line
        raise MissingDependencyError(f"DOLFINx is needed for this and could not be imported ({e}); install it: "
                                     f"{DOLFINX_INSTALL_HINT}") from e

DOLFINX_VERSION = dolfinx.__version__
#: a facet of a conforming simplex mesh borders at most two cells
MAX_FACET_TO_CELL_LINKS = 2

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
    "mesh_from_arrays",
    "assemble_rhs",
    "lift_and_set_bc",
    "has_external_package",
]


def shared_facet_partitioner():
    """Cell partitioner that ghosts the cells across process boundaries.

    Interior-facet integrals (``dS``: the wire's mid-line, a bilayer interface)
    over facets on a process boundary need both neighbouring cells on the
    rank; without these ghosts DOLFINx refuses to assemble them in parallel.
    """
    return mesh.create_cell_partitioner(mesh.GhostMode.shared_facet, MAX_FACET_TO_CELL_LINKS)


def model_to_mesh(model, comm, rank: int, gdim: int):
    """gmsh model -> (mesh, cell_tags, facet_tags, physical_groups), ghosted by shared facets.

    0.10+ returns a ``MeshData`` object; 0.9 returned a tuple (no physical
    group names).
    """
    from dolfinx.io import gmsh as dgmsh

    data = dgmsh.model_to_mesh(model, comm, rank, gdim=gdim, partitioner=shared_facet_partitioner())
    if hasattr(data, "mesh"):
        return data.mesh, data.cell_tags, data.facet_tags, dict(data.physical_groups)
    msh, ct, ft = data[:3]
    return msh, ct, ft, {}


def mesh_from_arrays(comm, cells, x, gdim: int, cell_values, facets, facet_values):
    """Linear simplex mesh + cell and facet tags from arrays held on rank 0.

    ``cells`` (n, tdim+1) and ``facets`` (k, tdim) index the rows of ``x``;
    other ranks pass empty arrays of the right width.  Returns
    ``(mesh, cell_tags, facet_tags)``, distributed as ``model_to_mesh`` does.
    """
    import basix.ufl
    import numpy as np
    from dolfinx.graph import adjacencylist
    from dolfinx.io import distribute_entity_data

    tdim = cells.shape[1] - 1
    shape = {2: "triangle", 3: "tetrahedron"}[tdim]
    domain = ufl.Mesh(basix.ufl.element("Lagrange", shape, 1, shape=(gdim,)))
    msh = mesh.create_mesh(comm, np.asarray(cells, dtype=np.int64), domain, np.asarray(x[:, :gdim], dtype=float),
                           shared_facet_partitioner())
    tags = []
    for dim, ents, vals in ((tdim, cells, cell_values), (tdim - 1, facets, facet_values)):
        local_ents, local_vals = distribute_entity_data(
            msh, dim, np.asarray(ents, dtype=np.int64), np.asarray(vals, dtype=np.int32)
        )
        msh.topology.create_connectivity(dim, tdim)
        tags.append(mesh.meshtags_from_entities(msh, dim, adjacencylist(local_ents), local_vals.astype(np.int32)))
    return msh, tags[0], tags[1]


def lift_and_set_bc(b: PETSc.Vec, a_form, bcs) -> PETSc.Vec:
    """b -= A_bc g (lifting), then b = g on Dirichlet dofs (0.10/0.11 signatures)."""
    fem_petsc.apply_lifting(b, [a_form], bcs=[bcs])
    b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    fem_petsc.set_bc(b, bcs)
    return b


def assemble_rhs(L_form, a_form, bcs, b: PETSc.Vec | None = None) -> PETSc.Vec:
    """Assemble b for A x = b with Dirichlet lifting (into ``b`` if given, zeroed first)."""
    if b is None:
        b = fem_petsc.assemble_vector(L_form)
    else:
        with b.localForm() as loc:
            loc.set(0.0)
        fem_petsc.assemble_vector(b, L_form)
    return lift_and_set_bc(b, a_form, bcs)


def function_vector(u: fem.Function) -> PETSc.Vec:
    """The PETSc vector that shares memory with ``u`` (0.10+: ``u.x.petsc_vec``)."""
    return u.x.petsc_vec


def has_external_package(name: str) -> bool:
    """Whether this PETSc was built with the external package ``name`` (e.g. ``"hypre"``, ``"mumps"``).

    The PyPI wheel has MUMPS, SuperLU_dist, METIS, PT-Scotch and ScaLAPACK but no hypre, ML, HPDDM or
    ParMETIS; conda-forge's and Spack's PETSc have hypre.  Code that can use such a package asks here
    instead of assuming either build.
    """
    return bool(PETSc.Sys.hasExternalPackage(name))
