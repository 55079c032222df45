"""A moving window on a uniform 1D mesh: shift the values of Lagrange Functions by whole cells.

A 1D texture that travels (a domain wall) is kept in the middle of a finite wire by shifting every field by an integer
number of cells: on a uniform mesh that maps dofs onto dofs, so the shift is exact (no interpolation).  The values
that enter at one end are those of the end dof (the uniform domain there).  Collective: the global vector is
gathered on every rank (1D vectors are small).
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ._compat import fem


class CellShift:
    """Shifts of the Functions of ``V`` (any Lagrange degree, any block size) on a uniform interval mesh.

    Parameters
    ----------
    V
        The function space; its mesh must be a uniform partition of [x_min, x_max] into ``cells`` cells.
    x_min_nm, cell_nm, cells
        The mesh's left end, cell size and number of cells.
    """

    def __init__(self, V: fem.FunctionSpace, x_min_nm: float, cell_nm: float, cells: int):
        self.comm = V.mesh.comm
        imap = V.dofmap.index_map
        self.bs = V.dofmap.index_map_bs
        nodes = imap.size_global
        if (nodes - 1) % cells:
            raise ParameterError(f"the space has {nodes} nodes on {cells} cells: not a uniform Lagrange space")
        self.per_cell = (nodes - 1) // cells
        x = V.tabulate_dof_coordinates()[:, 0]
        key = (x - x_min_nm) / (cell_nm / self.per_cell)
        self.key = np.rint(key).astype(np.int64)
        if np.max(np.abs(key - self.key), initial=0.0) > 1e-6:
            raise ParameterError("the dofs do not lie on a uniform grid: the mesh is not uniform")
        self.nodes = nodes
        self.owned = imap.size_local

    def __call__(self, values: np.ndarray, cells: int) -> np.ndarray:
        """``values`` (the local dof values, flat or (N, bs)) shifted by ``cells`` cells: new(x) = old(x + cells·h)."""
        shape = np.shape(values)
        v = np.asarray(values, dtype=float).reshape(-1, self.bs)
        parts = self.comm.allgather((self.key[: self.owned], v[: self.owned]))
        full = np.empty((self.nodes, self.bs))
        for k, vals in parts:
            full[k] = vals
        src = np.clip(self.key + cells * self.per_cell, 0, self.nodes - 1)
        return full[src].reshape(shape)
