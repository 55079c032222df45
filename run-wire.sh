#!/usr/bin/env bash
# Set up (if needed) and solve the paper's wire (Fig. 2 parameters, α = 5e-2 eV·nm, and the paper's
# PF = Δxc/εF: --polarization-rule eq17; the package's default is the Hamiltonian's, README "Sign conventions").
# Results: results/paper_wire/{summary.json,profile.csv,profile.png,fields.vtu} (README "Output files")
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bash "$root/scripts/bootstrap.sh"
cd "$root"
exec "$root/.venv/bin/rashba-diffusion" wire --alpha-ev-nm 0.05 --tau-delta-s 1e-14 --tau-s 1e-15 \
  --tau-sf-s 1e-12 --kf-per-nm 4.3 --width-nm 50 --m 1,0,0 --efield-v-per-m 1e5 --polarization-rule eq17 \
  --out "${1:-results/paper_wire}"
