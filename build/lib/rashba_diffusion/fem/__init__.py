"""DOLFINx plumbing (layer 2), physics-agnostic: the compatibility seam, geometries, the linear solver and its
options, compiled post-processing, field export.

Importing this package loads nothing heavy; :mod:`.solver_options` stays DOLFINx-free (the command line
validates PETSc options with it before DOLFINx is imported).
"""
