"""Field export: VTX (ADIOS2) files that ParaView reads, written atomically (one state, or a time series)."""

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


class FieldSeries:
    """Snapshots of Functions at several times in one VTX (ADIOS2) folder ``outdir/name``, ParaView-readable.

    Written into a temporary folder and renamed at :meth:`close`, so ``name`` appears complete or not at all.
    ``before_write``: a callable run before every write (e.g. to split a field out of a mixed unknown).
    The Functions must share one element (VTX's rule).  Collective: every rank calls every method.
    """

    def __init__(self, outdir: Path, name: str, functions: list[fem.Function], before_write=None):
        self._before_write = before_write
        self.comm = functions[0].function_space.mesh.comm
        self.final = Path(outdir) / name
        self.tmp = Path(outdir) / f".{name}.tmp"
        if self.comm.rank == 0:
            self.final.parent.mkdir(parents=True, exist_ok=True)
            if self.tmp.exists():
                shutil.rmtree(self.tmp)
        self.comm.barrier()
        self._writer = io.VTXWriter(self.comm, str(self.tmp), functions, engine="BP4")
        self.count = 0

    def write(self, t: float) -> None:
        """Write the Functions' current values at time ``t`` (after ``before_write()``, if given)."""
        if self._before_write is not None:
            self._before_write()
        self._writer.write(float(t))
        self.count += 1

    def close(self) -> None:
        """Finish the file and move it into place (replacing an older one)."""
        if self._writer is None:
            return
        self._writer.close()
        self._writer = None
        self.comm.barrier()
        if self.comm.rank == 0:
            if self.final.exists():
                shutil.rmtree(self.final)
            os.replace(self.tmp, self.final)
        self.comm.barrier()
