"""Regenerate every table and figure of docs/verification.md.

Usage (from the repository root, about 1-2 minutes on one core):

    PYTHONPATH=. .venv/bin/python benchmarks/verification_report.py [--docs docs] [--json out.json]

Writes ``docs/figures/verification_*.png`` and replaces the block between
``<!-- BEGIN GENERATED TABLES -->`` and ``<!-- END GENERATED TABLES -->`` of
``docs/verification.md`` with fresh tables (all files written atomically).
"""

from __future__ import annotations

import argparse
import io as _io
import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from rashba_diffusion import Drive, WireSpec, paper_film, solve_wire  # noqa: E402
from rashba_diffusion.files import atomic_write_bytes, atomic_write_text  # noqa: E402
from rashba_diffusion.verification import mms  # noqa: E402
from rashba_diffusion.verification import references as v  # noqa: E402

try:  # run as a script from the repository root
    from wire_convergence import markdown as wire_markdown
    from wire_convergence import run as wire_run
except ImportError:  # pragma: no cover - imported as benchmarks.verification_report
    from benchmarks.wire_convergence import markdown as wire_markdown
    from benchmarks.wire_convergence import run as wire_run

BEGIN, END = "<!-- BEGIN GENERATED TABLES -->", "<!-- END GENERATED TABLES -->"
DRIVE = Drive(1e5)
MMS_STUDIES = ((2, 1, (4, 8, 16, 32, 64)), (2, 2, (4, 8, 16, 32, 64)), (3, 1, (2, 4, 8, 16)))
WALL_WIDTHS_NM = (5.0, 10.0, 20.0, 40.0)
REVERSAL_ALPHAS = (5e-4, 1.5e-3, 5e-3, 1.5e-2, 5e-2)
GENERIC_M = (0.48, 0.6, 0.64)
#: the paper's polarization rule (PF = Δxc/εF), with which the tables of docs/verification.md were made; every
#: check holds for any rule (the tests run them with the default, "hamiltonian")
RULE = "eq17"


def _png(fig) -> bytes:
    buf = _io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


# -- 1. MMS ----------------------------------------------------------------------
def mms_section(figdir: Path) -> tuple[str, dict]:
    studies = [mms.convergence_study(d, k, ns) for d, k, ns in MMS_STUDIES]
    lines = ["| case | n (cells/side) | dofs | ‖e‖_L2 | \\|e\\|_H1 | L2 rate | H1 rate |",
             "|---|---|---|---|---|---|---|"]
    fig, ax = plt.subplots(figsize=(6.5, 4.5), constrained_layout=True)
    data = []
    for st in studies:
        name = f"{st['dim']}D P{st['degree']}"
        res = st["results"]
        for i, r in enumerate(res):
            l2r = f"{st['l2_rates'][i - 1]:.3f}" if i else "–"
            h1r = f"{st['h1_rates'][i - 1]:.3f}" if i else "–"
            lines.append(f"| {name} | {r.n} | {r.dofs} | {r.l2:.3e} | {r.h1:.3e} | {l2r} | {h1r} |")
        h = np.array([r.h for r in res])
        ax.loglog(h, [r.l2 for r in res], "o-", label=f"{name} L2")
        ax.loglog(h, [r.h1 for r in res], "s--", label=f"{name} H1")
        data.append({"case": name, "h": h.tolist(), "l2": [r.l2 for r in res], "h1": [r.h1 for r in res],
                     "l2_rates": st["l2_rates"], "h1_rates": st["h1_rates"]})
    h = np.array([1 / 4, 1 / 64])
    for p in (1, 2, 3):
        ax.loglog(h, 0.3 * (h / h[0]) ** p * 10 ** (-p + 1), "k:", lw=0.8)
        ax.annotate(f"h^{p}", (h[1], 0.3 * (h[1] / h[0]) ** p * 10 ** (-p + 1)), fontsize=8)
    ax.set_xlabel("h")
    ax.set_ylabel("error of U = (s, ν)")
    ax.set_title("Manufactured solution, all terms on")
    ax.legend(fontsize=7, ncol=2)
    atomic_write_bytes(figdir / "verification_mms.png", _png(fig))
    return "\n".join(lines), {"mms": data}


# -- 2. wire mesh convergence -------------------------------------------------------
def wire_section(figdir: Path) -> tuple[str, dict]:
    res = wire_run(degree=2, levels=6, two_d=True)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    for ax, key, label in zip(axes, v.TORQUE_KEYS, ("T⊥ (field-like)", "T∥ (damping-like)"), strict=True):
        for st in res["studies"]:
            q = st[key]
            err = np.abs(np.array(q["values"]) - q["richardson"]) / abs(q["richardson"])
            ax.loglog(st["cells_nm"][:-1], err[:-1], "o-", label=f"1D, α = {st['alpha_ev_nm']:.0e}")
            ax.axvline(st["default_cell_nm"], color="0.7", lw=0.8)
        for r2 in res["two_d"]:
            ax.loglog([r["cell_nm"] for r in r2["rows"]], [r[f"{key}_rel_dev"] for r in r2["rows"]], "x:",
                      label=f"2D, α = {r2['alpha_ev_nm']:.0e}")
        ax.axhline(5e-3, color="r", lw=0.8, ls="--", label="0.5 %")
        ax.set_xlabel("cell size (nm)")
        ax.set_ylabel("relative deviation from 1D Richardson value")
        ax.set_title(label)
    axes[0].legend(fontsize=7)
    atomic_write_bytes(figdir / "verification_wire_convergence.png", _png(fig))
    return wire_markdown(res), {"wire": res}


# -- 3a. α = 0 domain wall -------------------------------------------------------------
def wall_section(figdir: Path) -> tuple[str, dict]:
    film = paper_film(0.0, tau_sf_s=1e-14, polarization_rule=RULE)
    lines = ["| wall | λ_w (nm) | dofs | max\\|T − T_Eq25\\|/max\\|T_Eq25\\| | a(centre) | 1 − ξβ̃ | b(centre) | β̃ |",
             "|---|---|---|---|---|---|---|---|"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    data = []
    for kind in ("neel", "bloch"):
        errs = []
        for lw in WALL_WIDTHS_NM:
            r = v.domain_wall_torque(film, DRIVE, lw, kind)
            c = r.x_nm.size // 2
            lines.append(f"| {kind} | {lw:g} | {r.dofs} | {r.rel_error:.2e} | {r.a[c]:.5f} | {r.a_eq25:.5f} "
                         f"| {r.b[c]:.5f} | {r.b_eq25:.5f} |")
            errs.append(r.rel_error)
            if kind == "neel":
                xc = (r.x_nm - r.x_nm[c]) / lw
                ax1.plot(xc, r.a, label=f"a, λ_w = {lw:g} nm")
                ax1.plot(xc, r.b, "--", label=f"b, λ_w = {lw:g} nm")
        data.append({"kind": kind, "widths_nm": list(WALL_WIDTHS_NM), "rel_error": errs})
        ax2.loglog(WALL_WIDTHS_NM, errs, "o-", label=kind)
    ax1.axhline(r.a_eq25, color="k", lw=0.8)
    ax1.axhline(r.b_eq25, color="k", lw=0.8, ls="--")
    ax1.set_xlabel("(x − x0)/λ_w")
    ax1.set_ylabel("coefficient")
    ax1.set_title("Néel wall, α = 0: T = a Y − b m×Y (black: Eq. 25)")
    ax1.legend(fontsize=6, ncol=2)
    w = np.array(WALL_WIDTHS_NM)
    ax2.loglog(w, data[0]["rel_error"][0] * (w / w[0]) ** -2, "k:", label="∝ λ_w⁻²")
    ax2.set_xlabel("wall width λ_w (nm)")
    ax2.set_ylabel("max |T − T_Eq25| / max |T_Eq25|")
    ax2.legend()
    atomic_write_bytes(figdir / "verification_domain_wall.png", _png(fig))
    return "\n".join(lines), {"wall": data}


# -- 3b. Δxc = 0 spin-Hall edge accumulation ------------------------------------------
def spin_hall_section(figdir: Path) -> tuple[str, dict]:
    film = paper_film(5e-2, delta_xc_ev=0.0, tau_sf_s=float("inf"), polarization_rule=RULE)
    r = solve_wire(film, DRIVE, (1.0, 0.0, 0.0), WireSpec(50.0))
    p, c = r.profile, r.model.coefficients
    ex = v.spin_hall_exact(c, DRIVE.e_field_ev_per_nm[0], 50.0, p["y_nm"])
    ey = np.max(np.abs(p["s_y"] - ex[0])) / np.max(np.abs(ex[0]))
    ez = np.max(np.abs(p["s_z"] - ex[1])) / np.max(np.abs(ex[1]))
    anti = np.max(np.abs(p["s_z"] + p["s_z"][::-1])) / np.max(np.abs(p["s_z"]))
    edelstein = c.NF * c.B * DRIVE.e_field_ev_per_nm[0] / c.inv_tau_dp
    centre = p["s_y"][p["s_y"].size // 2]
    lines = ["| quantity | value |", "|---|---|",
             f"| max\\|s_y − exact\\| / max\\|s_y\\| | {ey:.1e} |",
             f"| max\\|s_z − exact\\| / max\\|s_z\\| | {ez:.1e} |",
             f"| max\\|s_z(y) + s_z(W − y)\\| / max\\|s_z\\| | {anti:.1e} |",
             f"| s_y(W/2) (ħ/nm²) | {centre:.6e} |",
             f"| Edelstein τdp B NF eE = (α/ħ)τ NF eE (ħ/nm²) | {edelstein:.6e} |",
             f"| relative difference | {abs(centre - edelstein) / edelstein:.1e} |",
             f"| max\\|s_x\\|, max\\|ν\\| | {np.max(np.abs(p['s_x'])):.1e}, {np.max(np.abs(p['nu'])):.1e} |"]
    fig, ax = plt.subplots(figsize=(6.5, 4), constrained_layout=True)
    y = p["y_nm"]
    ax.plot(y, p["s_y"] * 1e18, label="s_y FE")
    ax.plot(y[::10], ex[0][::10] * 1e18, "k.", label="s_y exact")
    ax.plot(y, p["s_z"] * 1e18, label="s_z FE")
    ax.plot(y[::10], ex[1][::10] * 1e18, "kx", label="s_z exact")
    ax.axhline(edelstein * 1e18, color="0.6", ls="--", lw=0.8, label="Edelstein (Eq. 19)")
    ax.set_xlabel("y (nm)")
    ax.set_ylabel("spin density (ħ/m²)")
    ax.set_title("Δxc = 0, α = 5e-2 eV·nm, W = 50 nm")
    ax.legend(fontsize=8)
    atomic_write_bytes(figdir / "verification_spin_hall.png", _png(fig))
    return "\n".join(lines), {"spin_hall": {"sy_err": ey, "sz_err": ez, "antisym": anti}}


# -- 3c. symmetries ----------------------------------------------------------------
def symmetry_section(figdir: Path) -> tuple[str, dict]:
    film = paper_film(5e-2, delta_xc_ev=0.03, charge_gamma=True, polarization_rule=RULE)
    m, e = np.array(GENERIC_M), np.array([0.8, 0.6, 0.0])
    ax_, pol = np.array([-1.0, 1.0, -1.0]), np.array([1.0, -1.0, 1.0])
    a = solve_wire(film, Drive(1e5, tuple(e)), tuple(m), WireSpec(50.0))
    b = solve_wire(film, Drive(1e5, tuple(pol * e)), tuple(ax_ * m), WireSpec(50.0))
    scale = max(np.max(np.abs(a.profile[k])) for k in ("s_x", "s_y", "s_z"))
    mirror = max(np.max(np.abs(b.profile[k] - ax_[i] * a.profile[k][::-1])) / scale
                 for i, k in enumerate(("s_x", "s_y", "s_z")))
    mirror_nu = np.max(np.abs(b.profile["nu"] - a.profile["nu"][::-1])) / np.max(np.abs(a.profile["nu"]))
    er = solve_wire(film, Drive(-1e5, tuple(e)), tuple(m), WireSpec(50.0))
    eflip = np.max(np.abs(er.solution.x.array + a.solution.x.array)) / np.max(np.abs(a.solution.x.array))
    lines = ["| statement | case | max deviation (relative) |", "|---|---|---|",
             f"| mirror y → W − y: s' = (−s_x, s_y, −s_z)(W − y) | α = 5e-2, Δxc = 0.03 eV, m = {GENERIC_M}, "
             f"Ê = (0.8, 0.6, 0), k_Γ = 1 | {mirror:.1e} |",
             f"| mirror: ν'(y) = ν(W − y) | same | {mirror_nu:.1e} |",
             f"| E → −E: U → −U | same | {eflip:.1e} |"]
    lines += ["", "| α (eV·nm) | m | \\|ΔT⊥\\|/\\|T⊥\\| under m → −m | \\|ΔT∥\\|/\\|T∥\\| under m → −m |",
              "|---|---|---|---|"]
    rev = {"alpha": list(REVERSAL_ALPHAS)}
    for mm in (GENERIC_M, (0.6, 0.0, 0.8)):
        rows = []
        for alpha in REVERSAL_ALPHAS:
            fa = paper_film(alpha, polarization_rule=RULE)
            s1 = solve_wire(fa, DRIVE, mm, WireSpec(50.0)).summary
            s2 = solve_wire(fa, DRIVE, tuple(-x for x in mm), WireSpec(50.0)).summary
            d = [abs(s2[k] - s1[k]) / abs(s1[k]) for k in v.TORQUE_KEYS]
            rows.append(d)
            lines.append(f"| {alpha:.1e} | {mm} | {d[0]:.1e} | {d[1]:.1e} |")
        rev[str(mm)] = rows
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    y = a.profile["y_nm"]
    for i, k in enumerate(("s_x", "s_y", "s_z")):
        ax1.plot(y, a.profile[k] * 1e18, label=f"{k}")
        ax1.plot(y[::12], ax_[i] * b.profile[k][::-1][::12] * 1e18, "k.", ms=3)
    ax1.set_xlabel("y (nm)")
    ax1.set_ylabel("ħ/m²")
    ax1.set_title("mirror: lines s(y); dots (−s'_x, s'_y, −s'_z)(W − y)", fontsize=9)
    ax1.legend(fontsize=8)
    g = np.array(rev[str(GENERIC_M)])
    ax2.loglog(REVERSAL_ALPHAS, g[:, 0], "o-", label="T⊥, m = (0.48, 0.6, 0.64)")
    ax2.loglog(REVERSAL_ALPHAS, g[:, 1], "s-", label="T∥, m = (0.48, 0.6, 0.64)")
    al = np.array(REVERSAL_ALPHAS)
    ax2.loglog(al, g[0, 0] * (al / al[0]) ** 2, "k:", label="∝ α²")
    ax2.set_xlabel("α (eV·nm)")
    ax2.set_ylabel("relative change of T⊥, T∥ under m → −m")
    ax2.legend(fontsize=8)
    atomic_write_bytes(figdir / "verification_symmetry.png", _png(fig))
    return "\n".join(lines), {"mirror": mirror, "mirror_nu": mirror_nu, "e_flip": eflip, "m_reversal": rev}


# -- 3d. charge conservation ---------------------------------------------------------
def conservation_section(figdir: Path) -> tuple[str, dict]:
    film = paper_film(5e-2, delta_xc_ev=0.05, tau_sf_s=1e-13, polarization_rule=RULE)
    xs = np.linspace(1.0, 39.0, 20)
    lines = ["| degree | edge cell (nm) | dofs | spread of line integrals / mean | spread of slab fluxes / mean |",
             "|---|---|---|---|---|"]
    fig, ax = plt.subplots(figsize=(6.5, 4), constrained_layout=True)
    data = []
    # the bulk cells are min(8 h, W/10): refine below h = 0.25 nm so that they shrink too
    for degree, h in ((1, 0.25), (1, 0.125), (2, 0.25)):
        r = solve_wire(film, DRIVE, (0.6, 0.0, 0.8),
                       WireSpec(20.0, geometry="2d", length_nm=40.0, cell_nm=h, degree=degree))
        line, slab = v.charge_currents(r.model, r.solution, xs)
        mean = np.mean(line)
        sl, ss = np.ptp(line) / abs(mean), np.ptp(slab) / abs(mean)
        lines.append(f"| {degree} | {h:g} | {r.summary['dofs']} | {sl:.1e} | {ss:.1e} |")
        ax.semilogy(xs, np.abs(line / mean - 1.0) + 1e-16, "o-", ms=3, label=f"P{degree}, h = {h:g} nm (lines)")
        data.append({"degree": degree, "cell_nm": h, "line_spread": sl, "slab_spread": ss})
    ax.set_xlabel("x (nm)")
    ax.set_ylabel("|I(x)/mean − 1|")
    ax.set_title("particle current through x = const, 2D wire 40 × 20 nm, m = (0.6, 0, 0.8)", fontsize=9)
    ax.legend(fontsize=8)
    atomic_write_bytes(figdir / "verification_charge_conservation.png", _png(fig))
    return "\n".join(lines), {"conservation": data}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", default="docs")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    docs = Path(args.docs)
    figdir = docs / "figures"
    sections = [
        ("Table 1. MMS errors and observed rates (tests/system/test_mms.py)", mms_section),
        ("Table 2. Wire mesh convergence (benchmarks/wire_convergence.py, tests/system/test_convergence.py)",
         wire_section),
        ("Table 3. α = 0 domain wall against Eq. 25 (τsf = τΔ = 10 fs)", wall_section),
        ("Table 4. Δxc = 0 spin-Hall edge accumulation (exact ODE solution)", spin_hall_section),
        ("Table 5. Symmetries", symmetry_section),
        ("Table 6. Charge conservation in the 2D wire", conservation_section),
    ]
    blocks, record = [], {}
    for title, fn in sections:
        table, data = fn(figdir)
        blocks.append(f"#### {title}\n\n{table}\n")
        record.update(data)
        print(f"{title}\n{table}\n", flush=True)
    path = docs / "verification.md"
    text = path.read_text() if path.exists() else f"{BEGIN}\n{END}\n"
    generated = f"{BEGIN}\n<!-- written by benchmarks/verification_report.py; do not edit by hand -->\n\n" + \
        "\n".join(blocks) + f"\n{END}"
    text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: generated, text, flags=re.S)
    atomic_write_text(path, text)
    if args.json:
        atomic_write_text(args.json, json.dumps(record, indent=2, default=float))


if __name__ == "__main__":
    main()
