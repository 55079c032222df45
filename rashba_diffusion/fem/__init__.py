"""DOLFINx plumbing (layer 2), physics-agnostic: the compatibility seam, geometries, the linear solvers (direct or
Krylov; Newton with a reused LU) and their options, compiled post-processing, field export, time stepping helpers,
the moving window.

Importing this package loads nothing heavy; :mod:`.solver_options` and :mod:`.time` stay DOLFINx-free (the command
line validates PETSc options with the first before DOLFINx is imported).
"""
