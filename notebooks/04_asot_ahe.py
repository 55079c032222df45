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
# # Anomalous spin-orbit torque and the anomalous-Hall torque in a single ferromagnet
#
# A Py film with the transverse spin Hall (ASOT) source of efficiency 0.053 at j = 5e10 A/m² (the paper's
# numbers), free surfaces: equal and opposite surface torques, versus thickness 4–48 nm, next to the paper's
# 0.86e-6 J/m² per surface for 32 nm.  Then the AHE torque's sin 2φ law and the paper's κ for Fe.
# λ_J = λ_φ = 1 nm, λ_sf = 5 nm, σ = 4e6 S/m are assumed Py-like values (the paper gives none).
# Set `RASHBA_FAST=1` for the reduced run of the test suite.

# %%
import os

import numpy as np

from rashba_diffusion import Ferromagnet, solve_ferromagnet_film
from rashba_diffusion.physics.asot import ahe_kappa, ahe_source, analytic_surface_torque, asot_source

FAST = os.environ.get("RASHBA_FAST") == "1"
THETA_ASOT, J = 0.053, 5e10
PAPER_T_J_PER_M2 = 0.86e-6
thicknesses = [4.0, 32.0] if FAST else [4.0, 8.0, 12.0, 16.0, 24.0, 32.0, 40.0, 48.0]


def py(d_nm: float) -> Ferromagnet:
    return Ferromagnet(thickness_nm=d_nm, sigma_s_per_m=4e6, lambda_j_nm=1.0, lambda_phi_nm=1.0, lambda_sf_nm=5.0)


# %%
for d in thicknesses:
    r = solve_ferromagnet_film(py(d), (1, 0, 0), asot_source(THETA_ASOT, J))
    ref = analytic_surface_torque(py(d), (1, 0, 0), [0, 1, 0], THETA_ASOT * J)
    print(f"ASOT d = {d:4.0f} nm  top T_y = {r.top[1]:+.3e}  bottom T_y = {r.bottom[1]:+.3e}  "
          f"closed form {ref[1]:+.3e}  paper {PAPER_T_J_PER_M2:.2e} (J/m²)")

# %%
sink = solve_ferromagnet_film(py(32.0), (1, 0, 0), asot_source(THETA_ASOT, J), bottom="sink")
print(f"bottom surface a spin sink: net T_y = {sink.net[1]:+.3e} J/m²")

# %%
phis = np.linspace(0.0, np.pi, 5 if FAST else 13)
for phi in phis:
    m = np.array([np.cos(phi), np.sin(phi), 0.0])
    r = solve_ferromagnet_film(py(8.0), m, ahe_source(0.01, m, 1e11), bottom="sink")
    print(f"AHE φ = {np.degrees(phi):5.1f}°  T·(ẑ×m) = {r.net @ np.cross([0, 0, 1], m):+.3e} J/m²  "
          f"sin 2φ = {np.sin(2 * phi):+.3f}")
print(f"AHE κ for Fe (paper's parameters) = {ahe_kappa(0.7, 1.0, 0.4, 0.5e6, 0.01, 2.2, 20.0):.3f} (paper: 0.4)")
