#!/usr/bin/env bash
# Set up (if needed), lint, and run the test suite (MPI tests spawn mpiexec -n 2).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bash "$root/scripts/bootstrap.sh"
cd "$root"
export PATH="$root/.venv/bin:$PATH"
ruff check rashba_diffusion tests benchmarks notebooks scripts meshes
exec python -m pytest -q "$@"
