"""The magnetization m of a model: a uniform unit vector or a texture, behind one interface."""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ..fem._compat import MPI, PETSc, fem
from ..validation import UNIT_VECTOR_TOLERANCE, unit_vector


class Magnetization:
    """m as the forms see it: a ``fem.Constant`` (uniform m) or a 3-component ``fem.Function`` (a texture).

    The forms are compiled against :attr:`ufl`; :meth:`set` changes the values in place, so a new m (a sweep
    point, a time step) never recompiles them.

    Parameters
    ----------
    msh
        The mesh of the model.
    m
        A unit 3-vector, or a ``fem.Function`` with 3 components and |m| = 1 at every dof (checked: the
        dephasing term m×(s×m) = s − (m·s)m assumes it).
    """

    def __init__(self, msh, m):
        if isinstance(m, fem.Function):
            self._check_texture(m)
            self._constant = None
            self._value = None
            #: what the forms use: the Constant or the Function
            self.ufl = m
        else:
            self._constant = fem.Constant(msh, np.zeros(3, dtype=PETSc.ScalarType))
            self.ufl = self._constant
            self.set(m)

    @property
    def is_uniform(self) -> bool:
        """Whether m is one vector everywhere (a Constant)."""
        return self._constant is not None

    @property
    def value(self) -> np.ndarray:
        """The uniform m (a copy); a texture has none (:class:`ParameterError`)."""
        if self._constant is None:
            raise ParameterError("m is a texture (a Function): it has no single value; read m.ufl.x instead")
        return self._value.copy()

    def set(self, m) -> None:
        """New values in place: a unit 3-vector (uniform m) or the dof values of the texture (its Function's
        array, or a Function on the same space), validated as at construction."""
        if self._constant is not None:
            self._value = np.asarray(unit_vector("m", m))
            self._constant.value[:] = self._value
            return
        values = m.x.array if isinstance(m, fem.Function) else np.asarray(m, dtype=float)
        old = self.ufl.x.array.copy()
        self.ufl.x.array[:] = values
        try:
            self._check_texture(self.ufl)
        except ParameterError:
            self.ufl.x.array[:] = old
            raise
        self.ufl.x.scatter_forward()

    @staticmethod
    def _check_texture(m: fem.Function) -> None:
        norms = np.linalg.norm(m.x.array.reshape(-1, 3), axis=1)
        bad = norms.size and np.max(np.abs(norms - 1.0)) > UNIT_VECTOR_TOLERANCE
        if m.function_space.mesh.comm.allreduce(bool(bad), op=MPI.LOR):
            raise ParameterError(
                "m (Function) must have |m| = 1 at every dof within "
                f"{UNIT_VECTOR_TOLERANCE:g} (the dephasing term m×(s×m) assumes it)"
            )
