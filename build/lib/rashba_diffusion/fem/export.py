"""Field export: VTX (ADIOS2) files that ParaView reads, written atomically."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np

from ._compat import fem, io


def write_fields(outdir: Path, U: fem.Function) -> list[str]:
    """VTX (ADIOS2, ParaView-readable) files of s and ν, written atomically.

    Collective: every rank must call it.
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
    for name, f in (("spin.bp", s), ("charge.bp", nu)):
        final = outdir / name
        tmp = outdir / f".{name}.tmp"
        if comm.rank == 0 and tmp.exists():
            shutil.rmtree(tmp)
        comm.barrier()
        with io.VTXWriter(comm, str(tmp), [f], engine="BP4") as w:
            w.write(0.0)
        comm.barrier()
        if comm.rank == 0:
            if final.exists():
                shutil.rmtree(final)
            os.replace(tmp, final)
        comm.barrier()
        written.append(name)
    return written
