# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Quick start: the paper's wire and its infinite-medium reference
#
# Solves the translation-invariant cross-section of the wire of Fig. 2
# (W = 50 nm, m = x̂, E = 1e5 V/m along x̂) for a few Rashba constants and
# compares the width-averaged torques with the infinite medium (Eq. 26).
# Set `RASHBA_FAST=1` for the reduced run the test suite executes.

# %%
import os

import numpy as np

from rashba_diffusion import Drive, WireSpec, paper_film, solve_bulk, solve_wire

FAST = os.environ.get("RASHBA_FAST") == "1"
alphas = [5e-4, 5e-2] if FAST else list(np.geomspace(5e-4, 5e-2, 7))
drive = Drive(1e5)

# %%
rows = []
for a in alphas:
    film = paper_film(a)
    r = solve_wire(film, drive, (1, 0, 0), WireSpec(50.0))
    b = solve_bulk(film, drive, (1, 0, 0))
    rows.append((a, r.summary["T_perp_J_per_m2"], r.summary["T_par_J_per_m2"], b.T_perp_j_per_m2, b.T_par_j_per_m2))
    print(f"α = {a:.2e} eV·nm  wire T⊥ = {rows[-1][1]:+.3e}  T∥ = {rows[-1][2]:+.3e}  "
          f"bulk T⊥ = {rows[-1][3]:+.3e}  T∥ = {rows[-1][4]:+.3e}  (J/m²)")

# %%
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

arr = np.array(rows)
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.loglog(arr[:, 0], np.abs(arr[:, 1]), "o-", label="|T⊥| wire")
ax.loglog(arr[:, 0], np.abs(arr[:, 2]), "s-", label="|T∥| wire")
ax.loglog(arr[:, 0], np.abs(arr[:, 3]), "k--", label="|T⊥| bulk")
ax.loglog(arr[:, 0], np.abs(arr[:, 4]), "k:", label="|T∥| bulk")
ax.set_xlabel("α (eV·nm)")
ax.set_ylabel("torque per area (J/m²)")
ax.legend()
fig.tight_layout()
