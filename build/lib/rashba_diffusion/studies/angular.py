"""Angular sampling of the wire: torque vectors for many directions of m, one solve each on one session.

The bases, fits and closed forms are in :mod:`rashba_diffusion.physics.angular`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..fem._compat import MPI
from ..physics.angular import check_m_samples
from ..physics.rashba import Drive, Film, RashbaPoint
from ..problems.specs import WireSpec
from ..problems.wire import WireSession


def wire_torques(film: Film, drive: Drive, m_samples, spec: WireSpec, comm: MPI.Comm | None = None,
                 petsc_options: dict | None = None, progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Width-averaged torque vectors of the wire, shape (N, 3), 1/(nm² fs).

    One :class:`~rashba_diffusion.problems.wire.WireSession` serves every direction: m is a ``fem.Constant``
    and the averaging forms are compiled once.  The average is over the whole cross-section (1D) or the
    mid-length line x = L/2 (2D), as in :func:`~rashba_diffusion.problems.wire.solve_wire`.

    Parameters
    ----------
    film, drive
        Material and field.
    m_samples
        Unit magnetizations, shape (N, 3).
    spec
        The wire's geometry and discretization.
    comm
        MPI communicator (default COMM_WORLD); results are identical on every rank.
    progress
        Optional callback ``progress(i, N)`` after each solve.
    """
    m = check_m_samples(m_samples)
    comm = MPI.COMM_WORLD if comm is None else comm
    out = np.empty_like(m)
    with WireSession(RashbaPoint(film, drive, m[0]), spec, comm, petsc_options) as session:
        for i, mi in enumerate(m):
            out[i] = session.solve(RashbaPoint(film, drive, mi)).torque_vector
            if progress is not None:
                progress(i + 1, m.shape[0])
    return out
