"""Performance benchmarks: the registry and runner (:mod:`.registry`, no DOLFINx in the parent process), the
cases run one per process (:mod:`.cases`), reports (:mod:`.report`) and the cost of a sweep (:mod:`.sweep_cost`).
"""
