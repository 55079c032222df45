"""Parameter sweeps: TOML schemas per problem (:mod:`.wire`, :mod:`.film`, :mod:`.bilayer`), the registry of
problem kinds (:mod:`.registry`) and the one resumable engine (:mod:`.engine`).

Everything here but :mod:`.engine` is light (no DOLFINx at import): a configuration is validated point by
point before any heavy import.
"""
