"""Field export: VTX (ADIOS2) folders that ParaView reads, staged under the caller's paths."""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np

from ..files import deferred_signals
from ._compat import fem, io

#: the field files of a solution (s, ν)
FIELD_NAMES = ("spin.bp", "charge.bp")


def write_fields(paths: Mapping[str, str | os.PathLike], U: fem.Function) -> list[str]:
    """Write s and ν of ``U = (s_x, s_y, s_z, ν)`` as VTX (ADIOS2, BP4) folders at ``paths["spin.bp"]`` and
    ``paths["charge.bp"]``.

    Collective: every rank calls it with the same paths.  The paths are temporary names of a
    :class:`~rashba_diffusion.files.OutputSet`, which moves the folders into place together with the other
    outputs (so a run that fails or is interrupted leaves no half-written field behind).
    """
    comm = U.function_space.mesh.comm
    V = U.function_space
    el = V.ufl_element()
    msh = V.mesh
    degree = el.basix_element.degree if hasattr(el, "basix_element") else el.degree
    Vs = fem.functionspace(msh, ("Lagrange", degree, (3,)))
    Vn = fem.functionspace(msh, ("Lagrange", degree))
    s = fem.Function(Vs, name="s")
    nu = fem.Function(Vn, name="nu")
    # split the 4-vector into (s, ν); same element, so interpolation is exact
    s.interpolate(lambda x: np.zeros((3, x.shape[1])))
    for i in range(3):
        s.sub(i).interpolate(U.sub(i))
    nu.interpolate(U.sub(3))
    written = []
    for name, f in zip(FIELD_NAMES, (s, nu), strict=True):
        # ADIOS2 writes in C++: SIGINT/SIGTERM wait until the folder is written (the set is discarded after)
        with deferred_signals(block=True), io.VTXWriter(comm, str(paths[name]), [f], engine="BP4") as w:
            w.write(0.0)
        comm.barrier()
        written.append(name)
    return written
