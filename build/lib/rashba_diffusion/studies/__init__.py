"""Studies (layer 5): many solves (parameter sweeps, angular sampling, benchmarks)."""
