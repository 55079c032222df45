"""Units and conversions (all derived from ``scipy.constants``).

Internal units
--------------
Lengths in nm, times in fs, energies in eV.  With these, the coefficients of
the paper's Eq. 15 are O(0.01-1) numbers (D ~ 0.1 nm^2/fs, C ~ 0.1 nm/fs,
rates ~ 0.001-1 /fs), which keeps the assembled matrices well conditioned.
ħ is carried explicitly (``HBAR_EV_FS``); the paper sets ħ = 1.

Densities are per nm^2 (the film is two-dimensional).  The spin density ``s``
is in units of ħ per nm^2, so ``ħ * T`` (T: torque as a rate of spin density,
1/(nm^2 fs)) is a torque per area in eV/nm^2; ``EV_PER_NM2_TO_J_PER_M2``
converts to J/m^2.
"""

from __future__ import annotations

from scipy import constants as sc

NM = 1e-9  # m per nm
FS = 1e-15  # s per fs
PS = 1e-12  # s per ps
FS_PER_PS = PS / FS
EV = sc.electron_volt  # J per eV
HBAR_EV_FS = sc.hbar / EV / FS  # ħ in eV·fs
HBAR2_OVER_2ME_EV_NM2 = sc.hbar**2 / (2.0 * sc.m_e) / EV / NM**2  # ħ²/2mₑ in eV·nm²
EV_PER_NM2_TO_J_PER_M2 = EV / NM**2
V_PER_M_TO_EV_PER_NM = NM  # e·E: 1 V/m gives an energy gradient of 1e-9 eV/nm
#: the elementary charge e > 0 in C (the electron's charge is −e)
ELEMENTARY_CHARGE_C = sc.e
#: ħ/2e: spin current in charge units (A/m²) -> angular-momentum current density (J/m²)
HBAR_OVER_2E = sc.hbar / (2.0 * sc.e)
#: |γ_e| = g_e μ_B/ħ in rad/(s·T): CODATA "electron gyromag. ratio" via scipy.constants (1.76085962784e11)
GAMMA_E_RAD_PER_S_T = abs(float(sc.physical_constants["electron gyromag. ratio"][0]))
