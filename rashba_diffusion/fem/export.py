"""Field export: a solution's vertex values gathered on rank 0 in a canonical order, and VTK files of them.

:func:`gather_vertex_values` interpolates Functions (any Lagrange degree) into degree 1 on the same mesh (exact
at the vertices) and gathers the mesh, the vertex values, the cell tags and tagged facets on rank 0, sorted by
coordinate, so that the arrays do not depend on the number of MPI ranks.  :func:`write_vtu` writes such arrays
as a VTK unstructured grid (``.vtu``, one self-contained file) with meshio: meshio, pyvista and ParaView read it.
What the values mean (units, names, the physical axes of the mesh axes) is the caller's
(:mod:`rashba_diffusion.problems.outputs`).
:class:`FieldSeries` writes time series of Functions as VTX (ADIOS2) folders, atomically (the domain wall's
snapshots).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..files import TMP_PREFIX, atomic_write_with, deferred_signals
from ._compat import fem, io

#: meshio's names of the linear simplices, by topological dimension
MESHIO_CELL_TYPES = {1: "line", 2: "triangle", 3: "tetra"}
#: ... and of their facets
MESHIO_FACET_TYPES = {1: "vertex", 2: "line", 3: "triangle"}


@dataclass
class VertexData:
    """A mesh and degree-1 vertex values, gathered on rank 0 and sorted by coordinate.

    Attributes
    ----------
    x
        (n, 3) vertex coordinates in mesh units (nm), mesh axes (padded with zeros beyond the mesh's dimension).
    cells
        (c, tdim + 1) vertex indices of every cell.
    tdim
        Topological dimension of the mesh.
    values
        (n, k) values at the vertices: the columns of every gathered Function, in order.
    cell_tags
        (c,) the cell tag of every cell (-1 where none), or ``None`` when no tags were given.
    facets
        ``{tag: (f, tdim) vertex indices}`` of the requested facet tags.
    """

    x: np.ndarray
    cells: np.ndarray
    tdim: int
    values: np.ndarray
    cell_tags: np.ndarray | None = None
    facets: dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def cell_type(self) -> str:
        """meshio's name of the cells."""
        return MESHIO_CELL_TYPES[self.tdim]


def _value_size(u: fem.Function) -> int:
    return int(np.prod(u.ufl_shape)) if u.ufl_shape else 1


def gather_vertex_values(functions: Sequence[fem.Function], cell_tags=None, facet_tags=None,
                         facet_ids: Sequence[int] = ()) -> VertexData | None:
    """Degree-1 vertex values of ``functions`` (all on one mesh), the mesh and its tags, on rank 0.

    Collective.  Rank 0 returns the :class:`VertexData`, the other ranks ``None``.  Vertices are sorted by
    coordinate (x, then y, then z) and cells by their sorted vertex indices, so that 1 and N ranks give the same
    arrays (up to the solver's round-off in the values).

    Parameters
    ----------
    functions
        Lagrange Functions of any degree and value size on the same mesh; interpolated into degree 1 (at the
        vertices this is exact).
    cell_tags
        MeshTags of the cells, or ``None``.
    facet_tags, facet_ids
        MeshTags of the facets, and the tags whose facets are gathered (each as vertex index tuples).
    """
    msh = functions[0].function_space.mesh
    comm = msh.comm
    tdim = msh.topology.dim
    sizes = [_value_size(u) for u in functions]
    n = sum(sizes)
    V1 = fem.functionspace(msh, ("Lagrange", 1, (n,)))
    u1 = fem.Function(V1)
    offset = 0
    for u, k in zip(functions, sizes, strict=True):
        for j in range(k):
            u1.sub(offset + j).interpolate(u.sub(j) if k > 1 else u)
        offset += k
    u1.x.scatter_forward()
    imap = V1.dofmap.index_map
    owned = imap.size_local
    first = imap.local_range[0]
    x = V1.tabulate_dof_coordinates()[:owned]
    values = u1.x.array.reshape(-1, n)[:owned]
    ncells = msh.topology.index_map(tdim).size_local
    dofs = V1.dofmap.list
    cells = imap.local_to_global(dofs[:ncells].ravel()).reshape(ncells, -1)
    tags = None
    if cell_tags is not None:
        tags = np.full(ncells, -1, dtype=np.int64)
        keep = cell_tags.indices < ncells
        tags[cell_tags.indices[keep]] = cell_tags.values[keep]
    facets = {}
    if facet_ids:
        fdim = tdim - 1
        msh.topology.create_connectivity(fdim, 0)
        msh.topology.create_connectivity(tdim, 0)
        # a degree-1 dof sits on a vertex: local dof i of a cell is on the cell's vertex i
        c2v = msh.topology.connectivity(tdim, 0).array.reshape(dofs.shape[0], -1)
        vertex_dof = np.empty(msh.topology.index_map(0).size_local + msh.topology.index_map(0).num_ghosts,
                              dtype=np.int32)
        vertex_dof[c2v.ravel()] = dofs.ravel()
        f2v = msh.topology.connectivity(fdim, 0)
        nfacets = msh.topology.index_map(fdim).size_local
        for tag in facet_ids:
            ents = facet_tags.find(tag)
            ents = ents[ents < nfacets]
            local = np.array([vertex_dof[f2v.links(f)] for f in ents], dtype=np.int32).reshape(-1, tdim)
            facets[tag] = imap.local_to_global(local.ravel()).reshape(-1, tdim)
    parts = comm.gather((np.arange(first, first + owned), x, values, cells, tags, facets), root=0)
    if comm.rank != 0:
        return None
    total = imap.size_global
    X, vals = np.zeros((total, 3)), np.zeros((total, n))
    for ids, xx, vv, *_ in parts:
        X[ids], vals[ids] = xx, vv
    all_cells = np.concatenate([p[3] for p in parts])
    all_tags = None if cell_tags is None else np.concatenate([p[4] for p in parts])
    order = _point_order(X)
    rank_of = np.empty(total, dtype=np.int64)
    rank_of[order] = np.arange(total)
    all_cells = rank_of[all_cells]
    corder = _row_order(all_cells)
    out_facets = {}
    for tag in facet_ids:
        f = rank_of[np.concatenate([p[5][tag] for p in parts])]
        f = np.unique(np.sort(f, axis=1), axis=0)  # a facet on a rank boundary may be owned by one rank only
        out_facets[tag] = f
    return VertexData(x=X[order], cells=all_cells[corder], tdim=tdim, values=vals[order],
                      cell_tags=None if all_tags is None else all_tags[corder], facets=out_facets)


def _point_order(x: np.ndarray) -> np.ndarray:
    """The order of points by coordinate (x, then y, then z), blind to round-off: the coordinates of a vertex
    may differ in the last bits between partitions of the same mesh."""
    scale = float(np.max(np.abs(x))) if x.size else 1.0
    key = np.round(x / (scale or 1.0), 10)
    return np.lexsort(key.T[::-1])


def _row_order(cells: np.ndarray) -> np.ndarray:
    """The order of the rows of ``cells`` by their sorted vertex indices."""
    key = np.sort(cells, axis=1)
    return np.lexsort(key.T[::-1])


def write_vtu(path: str | os.PathLike, points: np.ndarray, cells: Sequence[tuple[str, np.ndarray]],
              point_data: Mapping[str, np.ndarray], cell_data: Mapping[str, Sequence[np.ndarray]] | None = None,
              ) -> None:
    """Write a VTK unstructured grid (``.vtu``, binary, zlib) with meshio, atomically (rank 0's job).

    ``points`` (n, 3), ``cells`` ``[(meshio cell type, (c, k) indices)]``, ``point_data`` arrays with n rows,
    ``cell_data`` one array per cell block.
    """
    import meshio

    grid = meshio.Mesh(np.asarray(points, dtype=float), [(t, np.asarray(c, dtype=np.int64)) for t, c in cells],
                       point_data={k: np.asarray(v, dtype=float) for k, v in point_data.items()},
                       cell_data={k: [np.asarray(a) for a in v] for k, v in (cell_data or {}).items()})
    atomic_write_with(path, lambda p: meshio.write(p, grid, file_format="vtu"))


class FieldSeries:
    """Snapshots of Functions at several times in one VTX (ADIOS2) folder, ParaView-readable.

    ``target``: a folder and a name (``outdir/name``), written into a temporary folder there and renamed at
    :meth:`close`, so ``name`` appears complete or not at all; or a callable that gives the path to write for a
    name (the staged path of a :class:`~rashba_diffusion.files.OutputSet`, which moves it into place with the
    other outputs), written there directly.  ``before_write``: a callable run before every write (e.g. to split
    a field out of a mixed unknown).  The Functions must share one element (VTX's rule).  ADIOS2 writes in C:
    SIGINT/SIGTERM wait until each write is done.  Collective: every rank calls every method.
    """

    def __init__(self, outdir: Path | Callable[[str], Path], name: str, functions: list[fem.Function],
                 before_write=None):
        self._before_write = before_write
        self.comm = functions[0].function_space.mesh.comm
        if callable(outdir):
            self.final = None
            self.tmp = Path(outdir(name))
        else:
            self.final = Path(outdir) / name
            self.tmp = Path(outdir) / f"{TMP_PREFIX}{name}"
            if self.comm.rank == 0:
                self.final.parent.mkdir(parents=True, exist_ok=True)
                if self.tmp.exists():
                    shutil.rmtree(self.tmp)
        self.comm.barrier()
        with deferred_signals(block=True):
            self._writer = io.VTXWriter(self.comm, str(self.tmp), functions, engine="BP4")
        self.count = 0

    def write(self, t: float) -> None:
        """Write the Functions' current values at time ``t`` (after ``before_write()``, if given)."""
        if self._before_write is not None:
            self._before_write()
        with deferred_signals(block=True):
            self._writer.write(float(t))
        self.count += 1

    def close(self) -> None:
        """Finish the file and (for a folder and a name) move it into place (replacing an older one)."""
        if self._writer is None:
            return
        with deferred_signals(block=True):
            self._writer.close()
        self._writer = None
        self.comm.barrier()
        if self.final is not None and self.comm.rank == 0:
            if self.final.exists():
                shutil.rmtree(self.final)
            os.replace(self.tmp, self.final)
        self.comm.barrier()
