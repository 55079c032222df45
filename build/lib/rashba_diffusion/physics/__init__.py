"""Physics (layer 1): parameter sets, closed forms and references in numpy/scipy only, never DOLFINx."""
