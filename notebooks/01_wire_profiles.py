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
# # Fig. 2: spin density across the wire, from weak to strong Rashba coupling
#
# The paper's wire (W = 50 nm, m = x̂, E = 1e5 V/m along x̂, τ = 1e-15 s,
# τΔ = 1e-14 s, τsf = 1e-12 s, kF = 4.3 nm⁻¹), solved on its translation-invariant
# cross-section for Rashba constants α from 5e-4 to 5e-2 eV·nm with the sweep
# engine (one mesh, sized for the largest α; `profiles=True` records s(y)).
# The paper states that Sz(y) is symmetric about the centre at α = 5e-4 and
# antisymmetric at 5e-2 eV·nm, while Sy is roughly constant in the bulk. We
# measure both: the odd/even ratio ‖Sz_odd‖/‖Sz_even‖ about y = W/2, of Sz itself
# and of its edge part Sz − Sz_bulk (Sz_bulk: the infinite medium, a uniform
# even background), and the relative spread of Sy over the middle half of the width.
#
# Set `RASHBA_FAST=1` for the reduced run of the test suite (two α, coarse mesh), which
# checks the numbers below; the full run writes `docs/figures/fig2_profiles.{png,svg}`.

# %%
import matplotlib.pyplot as plt
import numpy as np

from rashba_diffusion import Axis, Drive, WireSpec, WireSweepConfig, paper_film, run_sweep
from rashba_diffusion.studies.figures import fast_mode, save_figure

FAST = fast_mode()
alphas = (5e-4, 5e-2) if FAST else (5e-4, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2)
spec = WireSpec(50.0, cell_nm=0.25) if FAST else WireSpec(50.0)  # full: default cell of the largest α
# the paper's PF = Δxc/εF (polarization_rule="eq17"), with which it drew Fig. 2 (the package's default is the
# Hamiltonian's S0 = −nΔxc/(4εF) m, README "Sign conventions")
cfg = WireSweepConfig(film=paper_film(polarization_rule="eq17"), drive=Drive(1e5), wire=spec, m=(1.0, 0.0, 0.0),
                  axes=(Axis("alpha_ev_nm", alphas),), profiles=True)
res = run_sweep(cfg)
print(f"{len(res.rows)} points, cell {res.cell_nm:.4g} nm, {res.dofs} dofs, {res.seconds:.2f} s")

# %%
PER_M2 = 1e18  # ħ/nm² -> ħ/m²


def odd_even(v: np.ndarray) -> float:
    """‖v_odd‖/‖v_even‖ about the centre (0: symmetric, ∞: antisymmetric); the grid is uniform."""
    even, odd = 0.5 * (v + v[::-1]), 0.5 * (v - v[::-1])
    return float(np.linalg.norm(odd) / np.linalg.norm(even))


def sy_spread(prof: dict) -> float:
    """(max − min)/|mean| of Sy over the middle half of the width."""
    y, sy = prof["y_nm"], prof["s_y"]
    mid = (y >= 0.25 * y[-1]) & (y <= 0.75 * y[-1])
    return float(np.ptp(sy[mid]) / abs(np.mean(sy[mid])))


stats = []
for row in res.rows:
    prof = res.profiles[row["index"]]
    sz_edge = prof["s_z"] - row["s_bulk_z_hbar_per_m2"] / PER_M2
    stats.append((row["alpha_ev_nm"], odd_even(prof["s_z"]), odd_even(sz_edge), sy_spread(prof)))
    print(f"α = {row['alpha_ev_nm']:.1e} eV·nm  Sz odd/even = {stats[-1][1]:.3g}  "
          f"(Sz − Sz_bulk) odd/even = {stats[-1][2]:.3g}  Sy spread (middle half) = {stats[-1][3]:.3g}  "
          f"Sy(W/2) = {prof['s_y'][200] * PER_M2:.4g} ħ/m²")

# weak coupling: the exchange field dominates and Sz is symmetric about the centre (the paper's statement)
assert stats[0][1] < 0.05, stats[0]
# away from the edges the wire holds the infinite medium's spin density (Eq. 26, solved independently of the mesh):
# for m = x̂ the transverse charge current of the open medium vanishes, so the open and the wire's bulk agree
strong = res.rows[-1]
prof = res.profiles[strong["index"]]
centre = prof["s_y"][len(prof["y_nm"]) // 2] * PER_M2
rel = centre / strong["s_bulk_y_hbar_per_m2"] - 1
print(f"Sy(W/2) / Sy of the infinite medium − 1 at α = {strong['alpha_ev_nm']:g} eV·nm: {rel:+.2e}")
assert abs(rel) < 1e-12  # exact up to round-off: the edges do not reach the centre

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.0, 3.0), layout="constrained")
cmap = plt.get_cmap("viridis")
for k, row in enumerate(res.rows):
    prof = res.profiles[row["index"]]
    c = cmap(k / max(1, len(res.rows) - 1))
    lab = f"α = {row['alpha_ev_nm']:.0e} eV·nm"
    # each curve over its own maximum: the magnitudes span orders of magnitude across α
    ax1.plot(prof["y_nm"], prof["s_z"] / np.max(np.abs(prof["s_z"])), color=c, label=lab)
    ax2.plot(prof["y_nm"], prof["s_y"] / np.max(np.abs(prof["s_y"])), color=c, label=lab)
ax1.set_xlabel("y (nm)")
ax1.set_ylabel("Sz(y) / max|Sz| (1)")
ax1.set_title("(a) Sz across the wire", fontsize=9)
ax2.set_xlabel("y (nm)")
ax2.set_ylabel("Sy(y) / max|Sy| (1)")
ax2.set_title("(b) Sy across the wire", fontsize=9)
ax2.legend(fontsize=6, loc="lower center")
save_figure(fig, "fig2_profiles")
