"""Meshes with named tags (layer 2): the tag table, mesh specifications, gmsh generators, structured meshes and
mesh files.

:mod:`.tags` and :mod:`.specs` load nothing heavy (the command line and the TOML schema validate specs with
them); the generators and readers import DOLFINx and gmsh.
"""
