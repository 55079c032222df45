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
# compares the width-averaged torques with the infinite medium (Eq. 26), with the
# package's default equilibrium spin (`polarization_rule="hamiltonian"`).
# The fast mode (`RASHBA_FAST=1`, run by the tests) solves two α and checks the
# numbers below against independent references; the full mode also writes
# `docs/figures/quickstart_wire_vs_bulk.{png,svg}`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from rashba_diffusion import Drive, WireSpec, paper_film, solve_bulk, solve_wire
from rashba_diffusion.physics.bulk import weak_coupling_torques
from rashba_diffusion.physics.torque import torque_to_j_per_m2
from rashba_diffusion.studies.figures import fast_mode, save_figure

FAST = fast_mode()
alphas = [5e-4, 5e-2] if FAST else list(np.geomspace(5e-4, 5e-2, 21))
drive = Drive(1e5)

# %%
rows = []
for a in alphas:
    film = paper_film(a)
    s = solve_wire(film, drive, (1, 0, 0), WireSpec(50.0)).summary
    b = solve_bulk(film, drive, (1, 0, 0))
    rows.append((a, s["T_perp_J_per_m2"], s["T_par_J_per_m2"], b.T_perp_j_per_m2, b.T_par_j_per_m2,
                 s["T_perp_bulk_hall_free_J_per_m2"], s["T_par_bulk_hall_free_J_per_m2"]))
    print(f"α = {a:.2e} eV·nm  wire ħT⊥ = {rows[-1][1]:+.4e}  ħT∥ = {rows[-1][2]:+.4e}  "
          f"bulk ħT⊥ = {rows[-1][3]:+.4e}  ħT∥ = {rows[-1][4]:+.4e}  (J/m²)")
arr = np.array(rows)

# %% [markdown]
# ## Checks against independent references
#
# * Weak coupling: the infinite medium's field-like torque is Eq. 36's closed form
#   (`weak_coupling_torques`, which drops the D'yakonov–Perel' rate, B and R: all
#   O(α²) here).
# * The wire's width average approaches the infinite medium without transverse
#   charge current (the "Hall-free" bulk, docs/model.md §8) up to the edges' share,
#   a few per cent at W = 50 nm.

# %%
film = paper_film(alphas[0])
t_perp_eq36, _ = weak_coupling_torques(film.coefficients(), drive)
rel = arr[0, 3] / torque_to_j_per_m2(t_perp_eq36) - 1
print(f"bulk ħT⊥ at α = {alphas[0]:g} eV·nm against Eq. 36: relative difference {rel:+.2e}")
assert abs(rel) < 1e-3
edge = arr[-1, 1:3] / arr[-1, 5:7] - 1
print(f"wire / Hall-free bulk − 1 at α = {alphas[-1]:g} eV·nm: T⊥ {edge[0]:+.4f}, T∥ {edge[1]:+.4f}")
assert np.all(np.abs(edge) < 0.05) and np.all(edge < 0)  # the spin sinks at the edges lower both

# %% [markdown]
# ## Torques against α, signed
#
# At weak coupling the damping-like torque of the wire and of the infinite medium
# have opposite signs (the edges dominate it), and both torques of the infinite medium
# change sign inside the range (located below on a fine grid of α): a symmetric-log
# axis shows the signs.

# %%
fine = np.geomspace(alphas[0], alphas[-1], 400)
bulk_fine = np.array([[r.T_perp_j_per_m2, r.T_par_j_per_m2]
                      for r in (solve_bulk(paper_film(a), drive, (1, 0, 0)) for a in fine)])
for k, name in enumerate(("ħT⊥", "ħT∥")):
    flips = fine[np.flatnonzero(np.diff(np.sign(bulk_fine[:, k])))]
    print(f"infinite medium: {name} changes sign at α ≈ " + ", ".join(f"{a:.2g}" for a in flips) + " eV·nm")

fig, ax = plt.subplots(figsize=(5.0, 3.6), layout="constrained")
ax.plot(arr[:, 0], arr[:, 1], "o-", color="C0", label="ħT⊥ (field-like), wire")
ax.plot(arr[:, 0], arr[:, 3], "--", color="C0", label="ħT⊥, infinite medium")
ax.plot(arr[:, 0], arr[:, 2], "s-", color="C1", label="ħT∥ (damping-like), wire")
ax.plot(arr[:, 0], arr[:, 4], ":", color="C1", label="ħT∥, infinite medium")
ax.set_xscale("log")
ax.set_yscale("symlog", linthresh=1e-11)
ax.axhline(0.0, color="0.5", lw=0.6)
ax.set_xlabel("Rashba constant α (eV·nm)")
ax.set_ylabel("torque per area (J/m²)")
ax.set_title("W = 50 nm, m = x̂, E = 10⁵ V/m", fontsize=9)
ax.legend(fontsize=7)
save_figure(fig, "quickstart_wire_vs_bulk")
