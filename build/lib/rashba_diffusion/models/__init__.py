"""Weak forms (layer 3), one module per physics; each model exposes its linear system as ``.system``
(:class:`~rashba_diffusion.fem.solver.LinearSystem`)."""
