"""The comparison tables of docs/angular.md: fitted angular coefficients against the closed forms.

Usage:  python benchmarks/angular_table.py

Prints markdown tables (torques as ħT in J/m²; E = 1e5 V/m along x̂; the paper's polarization rule eq17):

1. weak coupling, exact limit (1/τdp = 0, B = R = 0): Eq. 35 fit vs Eqs. 36-37;
2. weak coupling, physical (α = 5e-4 eV·nm, Fig. 2 material): Eq. 35 and Eq. 40 fits vs Eqs. 36-37;
3. strong coupling (α = 5e-2 eV·nm): Eq. 40 fit vs Eq. 41 as printed and re-derived;
4. the wire (1D cross-section, default mesh, W = 50 and 200 nm): Eq. 40 fit vs the Hall-free bulk fit.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from rashba_diffusion import Drive, WireSpec, paper_film, wire_torques
from rashba_diffusion.physics.angular import (
    EQ40_LABELS,
    bulk_torques,
    direction_grid,
    eq41_coefficients,
    fit_angular,
)
from rashba_diffusion.physics.bulk import weak_coupling_torques
from rashba_diffusion.physics.torque import torque_to_j_per_m2

DRIVE = Drive(1e5)
#: the paper's PF = Δxc/εF, with which docs/angular.md compares the printed Eq. 41 (the default is the Hamiltonian's)
RULE = "eq17"
_, _, M = direction_grid(np.linspace(0.0, 180.0, 37), np.arange(0.0, 360.0, 15.0))
_, _, M_WIRE = direction_grid(np.linspace(0.0, 180.0, 13), np.arange(0.0, 360.0, 30.0))


def j(x: float) -> str:
    return f"{torque_to_j_per_m2(x):+.6e}"


def rel(a: float, b: float) -> str:
    return f"{abs(a / b - 1.0):.1e}" if b != 0 else "–"


def weak_exact() -> None:
    c = dataclasses.replace(paper_film(5e-3, delta_xc_ev=0.0658, polarization_rule=RULE).coefficients(),
                            inv_tau_dp=0.0, B=0.0, R=0.0)
    f = fit_angular(M, bulk_torques(c, DRIVE, M), "eq35")
    t = weak_coupling_torques(c, DRIVE)
    print("\n### 1. Weak coupling, exact limit (α = 5e-3 eV·nm, Δxc = 0.0658 eV, 1/τdp = 0, B = R = 0)\n")
    print(f"Eq. 35 fit: relative residual {f.relative_residual:.1e}, condition {f.condition:.2f}\n")
    print("| term | Eqs. 36-37 | fit | rel. diff. |\n|---|---|---|---|")
    for k, v in zip(("T_perp", "T_par"), t, strict=True):
        print(f"| {k} | {j(v)} | {j(f.coefficients[k])} | {rel(f.coefficients[k], v)} |")


def weak_physical() -> None:
    c = paper_film(5e-4, polarization_rule=RULE).coefficients()
    T = bulk_torques(c, DRIVE, M)
    f35 = fit_angular(M, T, "eq35")
    f40 = fit_angular(M, T, "eq40", coefficients=c)
    t = weak_coupling_torques(c, DRIVE)
    print("\n### 2. Weak coupling, physical (α = 5e-4 eV·nm, Fig. 2 material)\n")
    print(f"Eq. 35 fit: relative residual {f35.relative_residual:.1e}; "
          f"Eq. 40 fit: relative residual {f40.relative_residual:.1e}\n")
    print("| term | Eqs. 36-37 | Eq. 35 fit | rel. diff. | Eq. 40 fit (T0) | rel. diff. |\n|---|---|---|---|---|---|")
    for k, v, k40 in zip(("T_perp", "T_par"), t, ("T0_perp", "T0_par"), strict=True):
        a, b = f35.coefficients[k], f40.coefficients[k40]
        print(f"| {k} | {j(v)} | {j(a)} | {rel(a, v)} | {j(b)} | {rel(b, v)} |")
    d = eq41_coefficients(c, DRIVE, printed=False)
    print("\nEq. 40 anisotropic amplitudes there (fit / re-derived Eq. 41): "
          + ", ".join(f"{k} {j(f40.coefficients[k])} / {j(d[k])}" for k in EQ40_LABELS[2:]))


def strong() -> None:
    c = paper_film(5e-2, polarization_rule=RULE).coefficients()
    f = fit_angular(M, bulk_torques(c, DRIVE, M), "eq40", coefficients=c)
    p = eq41_coefficients(c, DRIVE, printed=True)
    d = eq41_coefficients(c, DRIVE, printed=False)
    print("\n### 3. Strong coupling (α = 5e-2 eV·nm, Fig. 2 material)\n")
    print(f"Eq. 40 fit: relative residual {f.relative_residual:.1e}, condition {f.condition:.2f}\n")
    print("| term | fit | Eq. 41 printed | rel. diff. | re-derived | rel. diff. |\n|---|---|---|---|---|---|")
    for k in EQ40_LABELS:
        v = f.coefficients[k]
        print(f"| {k} | {j(v)} | {j(p[k])} | {rel(p[k], v)} | {j(d[k])} | {rel(d[k], v)} |")


def wire() -> None:
    film = paper_film(5e-2, polarization_rule=RULE)
    c = film.coefficients()
    ref = fit_angular(M_WIRE, bulk_torques(c, DRIVE, M_WIRE, hall_free_normal=(0.0, 1.0, 0.0)), "eq40",
                      coefficients=c)
    open_bulk = fit_angular(M_WIRE, bulk_torques(c, DRIVE, M_WIRE), "eq40", coefficients=c)
    fits = {w: fit_angular(M_WIRE, wire_torques(film, DRIVE, M_WIRE, WireSpec(w)), "eq40", coefficients=c)
            for w in (50.0, 200.0)}
    print("\n### 4. Wire (1D cross-section, default mesh) vs the Hall-free bulk, α = 5e-2 eV·nm\n")
    print("relative residuals of the Eq. 40 fit: open bulk "
          f"{open_bulk.relative_residual:.1e}, Hall-free bulk {ref.relative_residual:.1e}, "
          + ", ".join(f"W = {w:g} nm {f.relative_residual:.1e}" for w, f in fits.items()) + "\n")
    print("| term | open bulk | Hall-free bulk | W = 50 nm | rel. diff. | W = 200 nm | rel. diff. | "
          "W·diff 50 / 200 (nm) |\n|---|---|---|---|---|---|---|---|")
    for k in EQ40_LABELS:
        r = ref.coefficients[k]
        a, b = fits[50.0].coefficients[k], fits[200.0].coefficients[k]
        print(f"| {k} | {j(open_bulk.coefficients[k])} | {j(r)} | {j(a)} | {rel(a, r)} | {j(b)} | {rel(b, r)} | "
              f"{50 * (a / r - 1):+.3f} / {200 * (b / r - 1):+.3f} |")


if __name__ == "__main__":
    weak_exact()
    weak_physical()
    strong()
    wire()
