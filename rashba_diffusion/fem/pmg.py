"""Multigrid preconditioners built from finite element spaces (physics-agnostic).

Two hierarchies, both ending in PETSc's PCMG with Galerkin coarse operators (R A P with R = Pᵀ), so that
only the fine matrix is assembled and the coarse operators are the exact restrictions of it (for nested
spaces they equal a re-discretization, lower-order couplings and Dirichlet rows included):

* **p-multigrid** (:func:`p_prolongation`): a P2 (P3) vector Lagrange space on a mesh and the P1 space
  of the same mesh; the prolongation is DOLFINx's interpolation matrix P1 → P2.
* **geometric h-multigrid** (:func:`nested_prolongation`): P1 spaces on a mesh and on its uniform
  refinement (:func:`dolfinx.mesh.refine`).  Uniform refinement splits every edge at its midpoint, so the
  fine vertices are exactly the coarse P2 nodes: P1(coarse) → P1(fine) is the interpolation matrix
  P1(coarse) → P2(coarse) with its rows renumbered by coordinates.

:func:`configure_mg` puts a list of prolongations into a KSP's PC (levels fine to coarse), with a
smoother per level and an inner solver on the coarsest (e.g. GAMG or LU).  Nothing here knows the physics:
the inputs are the assembled fine matrix, the function spaces and PETSc options.

The objects returned (matrices, spaces) must be kept alive as long as the KSP is used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ._compat import MPI, PETSc, fem, fem_petsc, has_external_package
from .solver_options import GAMG_COARSE_PC_OPTIONS, HYPRE_COARSE_PC_OPTIONS, MULTIGRID_PETSC_OPTIONS

#: the research's level smoother (benchmarks/scale): a few GMRES steps with block Jacobi/ILU(0) per rank.
#: GMRES because the operators are non-symmetric (precession, Rashba and drift couplings) and SOR/Chebyshev
#: fail on them (docs/performance.md); a Krylov smoother makes the V-cycle non-linear, so the outer method
#: must be FGMRES.  The ``multigrid`` preset uses point-block Jacobi instead (its ``mg_levels_*`` options).
LEVEL_SMOOTHER_OPTIONS: dict[str, str] = {
    "ksp_type": "gmres",
    "ksp_max_it": "4",
    "pc_type": "bjacobi",
    "sub_pc_type": "ilu",
}

#: the ``multigrid`` preset's level smoother (its ``mg_levels_*`` options without the prefix)
POINT_BLOCK_SMOOTHER_OPTIONS: dict[str, str] = {
    k.removeprefix("mg_levels_"): str(v) for k, v in MULTIGRID_PETSC_OPTIONS.items() if k.startswith("mg_levels_")
}

#: the coarse (P1) solve of p-multigrid as one V-cycle of GAMG with the ``iterative`` preset's settings
GAMG_COARSE_OPTIONS: dict[str, str] = {"ksp_type": "preonly",
                                       **{k: str(v) for k, v in GAMG_COARSE_PC_OPTIONS.items()}}

#: the same with hypre's BoomerAMG (where PETSc has it; not tested on the PyPI wheel, which has none)
HYPRE_COARSE_OPTIONS: dict[str, str] = {"ksp_type": "preonly",
                                        **{k: str(v) for k, v in HYPRE_COARSE_PC_OPTIONS.items()}}

#: a direct coarse solve (small coarsest level of a geometric hierarchy)
LU_COARSE_OPTIONS: dict[str, str] = {"ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": "mumps"}


def _assembled(P: PETSc.Mat, bs: int) -> PETSc.Mat:
    """Finalize an interpolation matrix (ghost rows accumulated) and give it the node block size."""
    P.assemble()
    # the block size tells GAMG (on the Galerkin coarse operator) which rows form a node
    rbs, cbs = P.getBlockSizes()
    if (rbs, cbs) != (bs, bs):
        try:
            P.setBlockSizes(bs, bs)
        except PETSc.Error:  # already preallocated with another layout: convert (one copy)
            P = P.convert(PETSc.Mat.Type.AIJ)
            P.setBlockSizes(bs, bs)
    return P


def lagrange_space(V: fem.FunctionSpace, degree: int, msh=None) -> fem.FunctionSpace:
    """The vector Lagrange space of ``degree`` with V's block size, on ``msh`` (default: V's mesh)."""
    bs = V.dofmap.index_map_bs
    shape = (bs,) if bs > 1 else ()
    return fem.functionspace(msh if msh is not None else V.mesh, ("Lagrange", int(degree), shape))


def p_prolongation(V: fem.FunctionSpace, degree: int = 1) -> tuple[fem.FunctionSpace, PETSc.Mat]:
    """(Vc, P): the Lagrange space of ``degree`` on V's mesh and the interpolation Vc → V (rows: V's dofs)."""
    Vc = lagrange_space(V, degree)
    P = fem_petsc.interpolation_matrix(Vc, V)
    return Vc, _assembled(P, V.dofmap.index_map_bs)


def _global_dofs(V: fem.FunctionSpace) -> np.ndarray:
    """Global node (block) index of every local node of V, owned then ghosts."""
    imap = V.dofmap.index_map
    return imap.local_to_global(np.arange(imap.size_local + imap.num_ghosts, dtype=np.int32))


def nested_prolongation(Vc: fem.FunctionSpace, Vf: fem.FunctionSpace) -> PETSc.Mat:
    """P1(coarse mesh) → P1(fine mesh) for a fine mesh that is a uniform refinement of the coarse one.

    Every fine vertex is a coarse vertex or a coarse edge midpoint, i.e. a node of the coarse P2 space,
    so P = S Π with Π the interpolation P1 → P2 on the coarse mesh and S the selection of the P2 node
    at each fine vertex (matched by coordinates; the refined cells stay on their parent's rank, so the
    matching P2 node is local, owned or ghost).  Both spaces must be P1 with the same block size.
    """
    comm = Vf.mesh.comm
    bs = Vf.dofmap.index_map_bs
    V2 = lagrange_space(Vc, 2)
    Pi = fem_petsc.interpolation_matrix(Vc, V2)
    Pi.assemble()
    x2 = V2.tabulate_dof_coordinates()
    xf = Vf.tabulate_dof_coordinates()
    nf_owned = Vf.dofmap.index_map.size_local
    # match owned fine vertices to local coarse P2 nodes by (rounded) coordinates
    scale = max(float(np.ptp(x2, axis=0).max()) if x2.size else 1.0, 1e-300)
    scale = comm.allreduce(scale, op=MPI.MAX)
    key2 = {tuple(k): i for i, k in enumerate(np.round(x2 / scale * 1e9).astype(np.int64))}
    kf = np.round(xf[:nf_owned] / scale * 1e9).astype(np.int64)
    try:
        match = np.fromiter((key2[tuple(k)] for k in kf), dtype=np.int64, count=nf_owned)
    except KeyError as e:
        raise ValueError("the fine mesh is not a uniform refinement of the coarse mesh (a fine vertex is "
                         "neither a coarse vertex nor an edge midpoint on this rank)") from e
    g2 = _global_dofs(V2)[match]
    # S: rows = owned fine dofs (block-expanded, in order), one 1 per row at the matched P2 dof
    cols = (bs * g2[:, None] + np.arange(bs)).ravel().astype(PETSc.IntType)
    indptr = np.arange(cols.size + 1, dtype=PETSc.IntType)
    n2_owned = V2.dofmap.index_map.size_local
    S = PETSc.Mat().createAIJ(((bs * nf_owned, PETSc.DETERMINE), (bs * n2_owned, PETSc.DETERMINE)),
                              csr=(indptr, cols, np.ones(cols.size)), comm=comm)
    S.assemble()
    P = S.matMult(Pi)
    S.destroy()
    Pi.destroy()
    return _assembled(P, bs)


def constrained_rows(bcs, V: fem.FunctionSpace) -> np.ndarray:
    """Global row numbers (owned, block-expanded) of V's Dirichlet dofs in ``bcs``."""
    bs = V.dofmap.index_map_bs
    imap = V.dofmap.index_map
    n_owned = bs * imap.size_local
    rows = []
    for bc in bcs:
        dofs, first_ghost = bc.dof_indices()
        rows.append(dofs[:first_ghost])
    local = np.unique(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int32)
    local = local[local < n_owned]
    return (bs * imap.local_range[0] + local).astype(PETSc.IntType)


def constrain_prolongation(P: PETSc.Mat, fine_rows: np.ndarray) -> np.ndarray:
    """Restrict P to the constrained spaces, in place; returns the coarse constrained rows (global, owned).

    A Dirichlet dof's error is zero after any smoothing step (its row is the identity), so the coarse
    correction must not touch it (zero rows of P), and a coarse dof that coincides with a fine Dirichlet
    dof (entry 1 in a constrained row: a coarse vertex on the Dirichlet boundary, or a layer-idle
    component of a bilayer) is not a coarse unknown (zero column).  The Galerkin operator then has zero
    rows there, which :func:`galerkin` replaces by the identity.
    """
    rstart, rend = P.getOwnershipRange()
    mark = P.createVecRight()
    mark.set(0.0)
    cols_hit = []
    for r in fine_rows:
        cols, vals = P.getRow(int(r))
        cols_hit.append(cols[np.abs(vals - 1.0) < 1e-12])
    hit = np.unique(np.concatenate(cols_hit)).astype(PETSc.IntType) if cols_hit else np.zeros(0, PETSc.IntType)
    mark.setValues(hit, np.ones(hit.size), addv=PETSc.InsertMode.ADD_VALUES)
    mark.assemble()
    c0, _ = mark.getOwnershipRange()
    coarse = (c0 + np.flatnonzero(mark.getArray() > 0.5)).astype(PETSc.IntType)
    keep = mark.duplicate()
    keep.set(1.0)
    keep.setValues(coarse, np.zeros(coarse.size))
    keep.assemble()
    P.zeroRows(fine_rows.astype(PETSc.IntType), diag=0.0)
    P.diagonalScale(None, keep)
    mark.destroy()
    keep.destroy()
    return coarse


def _unit_diagonal(Ac: PETSc.Mat, unit_rows: np.ndarray) -> None:
    """Add 1 to the diagonal of ``unit_rows`` (zero rows of constrained coarse dofs after the product).

    Collective: a rank without such rows (``unit_rows`` empty or None) still takes part (returning early there
    deadlocked the others in the vector's assembly: 2 ranks, the 8 nm bilayer stripe at 0.5 nm cells).
    """
    n = 0 if unit_rows is None else len(unit_rows)
    if Ac.getComm().tompi4py().allreduce(n) == 0:
        return
    if unit_rows is None:
        unit_rows = np.zeros(0, dtype=PETSc.IntType)
    d = Ac.createVecLeft()
    d.set(0.0)
    d.setValues(unit_rows, np.ones(len(unit_rows)))
    d.assemble()
    Ac.setOption(PETSc.Mat.Option.NEW_NONZERO_ALLOCATION_ERR, False)
    Ac.setDiagonal(d, addv=PETSc.InsertMode.ADD_VALUES)
    d.destroy()


def galerkin(A: PETSc.Mat, P: PETSc.Mat, unit_rows: np.ndarray | None = None,
             result: PETSc.Mat | None = None) -> PETSc.Mat:
    """Pᵀ A P (into ``result`` when given: same sparsity, symbolic product reused), 1 on ``unit_rows``."""
    Ac = A.ptap(P) if result is None else A.ptap(P, result=result)
    _unit_diagonal(Ac, unit_rows)
    return Ac


def set_prefixed_options(prefix: str, options: Mapping[str, object]) -> None:
    """Write ``options`` into PETSc's database under ``prefix``."""
    db = PETSc.Options()
    for k, v in options.items():
        db[prefix + k] = str(v)


def coarse_operators(A: PETSc.Mat, prolongations: Sequence[PETSc.Mat], fine_constrained: np.ndarray | None = None
                     ) -> list[PETSc.Mat]:
    """Galerkin operators of every coarser level (finest first), constraining the prolongations in place
    when ``fine_constrained`` (the fine matrix's Dirichlet rows, :func:`constrained_rows`) is given."""
    ops, Af, rows = [], A, fine_constrained
    for P in prolongations:
        coarse_rows = constrain_prolongation(P, rows) if rows is not None else None
        Af = galerkin(Af, P, coarse_rows)
        ops.append(Af)
        rows = coarse_rows
    return ops


def configure_mg(ksp: PETSc.KSP, prolongations: Sequence[PETSc.Mat], operators: Sequence[PETSc.Mat] | None = None,
                 *, smoother: Mapping[str, object] | None = None, coarse: Mapping[str, object] | None = None,
                 cycle: str = "v") -> None:
    """Make ``ksp``'s PC a PCMG over ``prolongations`` (finest first: P_k maps level k+1 → level k).

    ``operators`` are the coarse levels' matrices (finest first, :func:`coarse_operators`); ``None``: PCMG
    forms the Galerkin products itself (``pc_mg_galerkin both``, no constraint handling); ``[]``: the
    caller sets them later (:class:`PMultigrid`).
    ``ksp`` must have its operator and its options prefix set.  ``smoother`` options apply to every
    non-coarse level (``mg_levels_*``), ``coarse`` to the coarsest solve (``mg_coarse_*``).  The caller
    calls ``ksp.setFromOptions()`` and ``ksp.setUp()`` afterwards (further options may override these).
    """
    prefix = ksp.getOptionsPrefix() or ""
    nlev = len(prolongations) + 1
    pc = ksp.getPC()
    pc.setType(PETSc.PC.Type.MG)
    pc.setMGLevels(nlev)
    pc.setMGType(PETSc.PC.MGType.MULTIPLICATIVE)
    pc.setMGCycleType(PETSc.PC.MGCycleType.W if cycle == "w" else PETSc.PC.MGCycleType.V)
    # PETSc numbers levels coarse (0) to fine (nlev-1); interpolation(l) maps level l-1 → l
    for k, P in enumerate(prolongations):
        pc.setMGInterpolation(nlev - 1 - k, P)
    if operators is None:
        set_prefixed_options(prefix, {"pc_mg_galerkin": "both"})
    elif operators:
        A, _ = ksp.getOperators()
        pc.getMGSmoother(nlev - 1).setOperators(A, A)
        for k, Ak in enumerate(operators):
            pc.getMGSmoother(nlev - 2 - k).setOperators(Ak, Ak)
    set_prefixed_options(prefix + "mg_levels_", dict(smoother or LEVEL_SMOOTHER_OPTIONS))
    set_prefixed_options(prefix + "mg_coarse_", dict(coarse or GAMG_COARSE_OPTIONS))


def amg_coarse_options(inner_rtol: float | None = 1e-2) -> dict[str, str]:
    """Options of the P1 coarse solve: BoomerAMG if PETSc has hypre, else GAMG (the PyPI wheel).

    ``inner_rtol``: solve the coarse level by FGMRES to this relative tolerance (≤ 30 iterations) with the
    AMG as its preconditioner instead of applying one AMG cycle (``None``).  The outer method is flexible,
    so an inexact inner solve is allowed; it makes the outer iteration count independent of how well AMG
    alone does on the P1 operator (its cycles are counted in the inner iterations instead).
    """
    opts = dict(HYPRE_COARSE_OPTIONS if has_external_package("hypre") else GAMG_COARSE_OPTIONS)
    if inner_rtol is not None:
        opts.update(ksp_type="fgmres", ksp_rtol=str(inner_rtol), ksp_max_it="30", ksp_norm_type="unpreconditioned")
    return opts


class PMultigrid:
    """p-multigrid (and geometric multigrid below it) for a KSP whose matrix is re-assembled.

    Built once per function space: the prolongations, constrained to ``bcs`` (the Dirichlet dofs, which do
    not change between assemblies); :meth:`update` recomputes the Galerkin operators after every assembly
    of the fine matrix (same sparsity: PETSc reuses the symbolic product).  Use::

        mg = PMultigrid(V, bcs, coarse_meshes)  # P2 → P1 (→ P1 on the coarser nested meshes)
        mg.attach(ksp)                           # ksp: operators and options prefix set; then setFromOptions
        ... assemble A ...; mg.update(A); ksp.setUp(); ksp.solve(b, x)

    :meth:`attach` makes the PC a PCMG with these levels and writes no options: the smoothers
    (``mg_levels_*``) and the coarse solve (``mg_coarse_*``) take the KSP's options, e.g. the ``multigrid``
    preset's (:class:`rashba_diffusion.fem.solver.LinearSolver` does all of this).

    Parameters
    ----------
    V
        The fine space (Lagrange, scalar or vector, degree ≥ 1).
    bcs
        The Dirichlet conditions of the fine matrix (homogeneous or not: only their dofs are used).
    meshes
        Coarser meshes, finest first, each refined uniformly into the previous one (the finest into V's
        mesh; :func:`rashba_diffusion.meshing.refine.refine_geometry`): P1 levels below the P1 space of V's
        mesh (geometric multigrid); empty for p-multigrid only.

    Raises
    ------
    ValueError
        V is P1 and there are no coarser meshes (no level to build), or a mesh is not a uniform
        refinement of the next coarser one.
    """

    def __init__(self, V: fem.FunctionSpace, bcs, meshes: Sequence = ()):
        self.spaces: list[fem.FunctionSpace] = []
        self.prolongations: list[PETSc.Mat] = []
        Vf = V
        if V.element.basix_element.degree > 1:
            Vc, P = p_prolongation(V, 1)
            self.spaces.append(Vc)
            self.prolongations.append(P)
            Vf = Vc
        for msh in meshes:
            Vc = lagrange_space(Vf, 1, msh)
            self.prolongations.append(nested_prolongation(Vc, Vf))
            self.spaces.append(Vc)
            Vf = Vc
        if not self.prolongations:
            raise ValueError("PMultigrid needs a space of degree > 1 or coarser meshes")
        rows = constrained_rows(bcs, V)
        self._unit_rows = []
        for P in self.prolongations:
            rows = constrain_prolongation(P, rows)
            self._unit_rows.append(rows)
        self.operators: list[PETSc.Mat] = []
        self._ksp: PETSc.KSP | None = None

    @property
    def levels(self) -> int:
        """Number of multigrid levels (the fine one included)."""
        return len(self.prolongations) + 1

    @property
    def level_dofs(self) -> list[int]:
        """Global dofs of every level, finest first."""
        return [int(self.prolongations[0].getSize()[0])] + [int(P.getSize()[1]) for P in self.prolongations]

    def attach(self, ksp: PETSc.KSP) -> None:
        """Make ``ksp``'s PC this multigrid (before ``ksp.setFromOptions``; writes no options)."""
        self._ksp = ksp
        pc = ksp.getPC()
        pc.setType(PETSc.PC.Type.MG)
        pc.setMGLevels(self.levels)
        # PETSc numbers levels coarse (0) to fine (nlev-1); interpolation(l) maps level l-1 → l
        for k, P in enumerate(self.prolongations):
            pc.setMGInterpolation(self.levels - 1 - k, P)

    def update(self, A: PETSc.Mat) -> None:
        """Recompute the coarse operators from the (re-)assembled fine matrix ``A``."""
        fine = A
        first = not self.operators
        for k, (P, rows) in enumerate(zip(self.prolongations, self._unit_rows, strict=True)):
            Ac = galerkin(fine, P, rows, None if first else self.operators[k])
            if first:
                self.operators.append(Ac)
            fine = Ac
        if self._ksp is not None:
            pc = self._ksp.getPC()
            nlev = self.levels
            pc.getMGSmoother(nlev - 1).setOperators(A, A)
            for k, Ac in enumerate(self.operators):
                pc.getMGSmoother(nlev - 2 - k).setOperators(Ac, Ac)

    def destroy(self) -> None:
        """Destroy the prolongations and coarse operators (idempotent)."""
        for M in (*self.prolongations, *self.operators):
            M.destroy()
        self.prolongations, self.operators, self._ksp = [], [], None
