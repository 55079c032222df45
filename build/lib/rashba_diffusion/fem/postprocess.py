"""Post-processing compiled once and evaluated many times: integrals over a measure, point values, dof counts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._compat import MPI, fem, ufl
from ._compat import geometry as dolfinx_geometry


def global_dofs(V: fem.FunctionSpace) -> int:
    """Number of degrees of freedom of ``V`` over all ranks (block size included)."""
    return int(V.dofmap.index_map.size_global * V.dofmap.index_map_bs)


def one_side(exprs: Sequence, measure) -> list:
    """``exprs`` restricted to the ``"+"`` side when ``measure`` integrates over interior facets.

    For fields continuous across those facets either side gives the same value.
    """
    if measure.integral_type() == "interior_facet":
        return [e("+") for e in exprs]
    return list(exprs)


class CompiledIntegrals:
    """The integrals ∫ e_k dμ of fixed UFL expressions over one measure: compiled once, evaluated many times.

    The expressions may depend on Functions and Constants (a solution, coefficients): :meth:`values` reads
    their current values, so a sweep pays one assembly per integral and no compilation.

    Parameters
    ----------
    exprs
        Scalar UFL expressions (restricted already for an interior-facet measure, see :func:`one_side`).
    measure
        A UFL measure (``dx``, ``ds`` or ``dS``, possibly restricted to a tag).
    comm
        The mesh's communicator: values are summed over its ranks.
    """

    def __init__(self, exprs: Sequence, measure, comm: MPI.Comm):
        self._comm = comm
        self._forms = [fem.form(e * measure) for e in exprs]
        #: the measure of the region (nm, nm² or nm³)
        self.size = self._integral(fem.form(ufl.as_ufl(1.0) * measure))

    def _integral(self, form) -> float:
        return self._comm.allreduce(fem.assemble_scalar(form), op=MPI.SUM)

    def values(self) -> np.ndarray:
        """The integrals, in the order of the expressions (the same on every rank)."""
        return np.array([self._integral(f) for f in self._forms])

    def averages(self) -> np.ndarray:
        """The integrals divided by the measure of the region."""
        return self.values() / self.size


class PointProbe:
    """Evaluation of Functions at fixed points; the cell search is done once.

    Parameters
    ----------
    msh
        The mesh.
    points
        (N, 3) points in mesh coordinates.
    """

    def __init__(self, msh, points: np.ndarray):
        self.msh = msh
        self.points = np.asarray(points, dtype=float)
        tree = dolfinx_geometry.bb_tree(msh, msh.topology.dim)
        cand = dolfinx_geometry.compute_collisions_points(tree, self.points)
        coll = dolfinx_geometry.compute_colliding_cells(msh, cand, self.points)
        idx, cells = [], []
        for i in range(self.points.shape[0]):
            links = coll.links(i)
            if len(links):
                idx.append(i)
                cells.append(links[0])
        self._idx = np.asarray(idx, dtype=np.int64)
        self._cells = np.asarray(cells, dtype=np.int32)

    def values(self, u: fem.Function) -> np.ndarray:
        """Values of ``u`` at the points, (N, value size), the same on every rank (NaN if outside)."""
        bs = u.function_space.dofmap.index_map_bs  # value size of a blocked space
        n = self.points.shape[0]
        local = np.full((n, bs), np.nan)
        if self._idx.size:
            local[self._idx] = u.eval(self.points[self._idx], self._cells).reshape(self._idx.size, bs)
        allv = self.msh.comm.allgather(local)
        out = np.full_like(local, np.nan)
        for arr in allv:  # first rank that found a point wins: identical values
            mask = np.isnan(out[:, 0]) & ~np.isnan(arr[:, 0])
            out[mask] = arr[mask]
        return out


def evaluate_points(u: fem.Function, points: np.ndarray) -> np.ndarray:
    """Values of ``u`` at ``points`` (N, 3), gathered on every rank (NaN if outside)."""
    return PointProbe(u.function_space.mesh, points).values(u)
