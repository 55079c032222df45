"""Mutation testing of the physics and the bookkeeping (outside CI): does the test suite catch the bugs that would
give users wrong numbers?

Each mutation replaces one snippet of one source file (it must occur exactly once) in a scratch copy of the tree
(the files git tracks or would track), runs the test suite there, and records which tests failed.  Tests marked
``consistency`` (they compare the code with itself: golden pins, 1 vs 2 ranks, sweep vs one-point solve) are
counted apart: a physics mutation must be caught by *independent* tests (references, closed forms, symmetries,
conservation laws), at least two of them.

    .venv/bin/python scripts/mutation_test.py                   # every mutation, results to docs/mutation_results.json
    .venv/bin/python scripts/mutation_test.py --only C_plus_10pc,Gamma_x2 --out /tmp/m.json

The suite run per mutation (a stated subset, because the whole suite takes ~14 min per run on the shared
2-core machine, which makes ~40 mutations a full day):

* ``-m "not slow"`` and without ``tests/notebooks`` (the notebooks' numbers are asserted by their own tests, not
  this suite's) and ``tests/system/test_bench.py``, ``tests/system/test_precond.py`` (performance and solver
  studies; their correctness parts compare iterative with direct solves: consistency);
* physics mutations also without the ``mpi`` tests: they compare 2 ranks with 1, and a physics mutation changes
  both alike, so they cannot see it (they run for the bookkeeping mutations, where they matter);
* the unit tests first, then system, then cli; the run stops once ``--stop-after`` (default 5) independent tests
  have failed (the count is then reported as "≥ 5"); a mutation that fewer tests catch runs the whole subset.

Independent tests are counted per test function (the parametrizations of one function count once).  A baseline
run of the unmutated copy must pass first.  Run it niced: ``nice -n 10``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OUTCOMES_ENV = "MUTATION_OUTCOMES"
STOP_ENV = "MUTATION_STOP_AFTER"
#: the independent references first (a run stops early once enough of them fail), then everything else
TEST_DIRS = ("tests/unit/test_reference_si.py", "tests/system/test_reference_fe.py", "tests/unit", "tests/system",
             "tests/cli")
IGNORED = ("tests/notebooks", "tests/system/test_bench.py", "tests/system/test_precond.py")


@dataclass(frozen=True)
class Mutation:
    id: str
    kind: str  # "physics" or "bookkeeping"
    file: str
    old: str
    new: str
    what: str


def m(id_, kind, file, old, new, what):
    return Mutation(id_, kind, file, old, new, what)


P, B = "physics", "bookkeeping"
RASHBA, MODEL = "rashba_diffusion/physics/rashba.py", "rashba_diffusion/models/rashba.py"
MUTATIONS = [
    # -- Eq. 15's coefficients
    m("D_x2", P, RASHBA, "D=tau * v_f**2 / 2.0,", "D=tau * v_f**2,", "D doubled"),
    m("B_x2", P, RASHBA, "B=2.0 * (alpha / hbar) * ak**2 * tau**2 / q,", "B=4.0 * (alpha / hbar) * ak**2 * tau**2 / q,",
      "B doubled"),
    m("C_plus_10pc", P, RASHBA, "C=ak * v_f * tau / q**2,", "C=1.1 * ak * v_f * tau / q**2,", "C +10 %"),
    m("C_q_power", P, RASHBA, "C=ak * v_f * tau / q**2,", "C=ak * v_f * tau / q,", "C with (4ς²+1)⁻¹ for ⁻²"),
    m("Gamma_x2", P, RASHBA, "Gamma=ak * dx * v_f * tau**2 / (2.0 * q**2),", "Gamma=ak * dx * v_f * tau**2 / q**2,",
      "Γ doubled"),
    m("R_x2", P, RASHBA, "R=(alpha / hbar) * dx**2 * tau**2 / (2.0 * q),", "R=(alpha / hbar) * dx**2 * tau**2 / q,",
      "R doubled"),
    m("inv_tau_dp_x2", P, RASHBA, "inv_tau_dp=2.0 * ak**2 * tau / q,", "inv_tau_dp=4.0 * ak**2 * tau / q,",
      "1/τdp doubled"),
    m("inv_tau_phi_x2", P, RASHBA, "inv_tau_phi=dx**2 * tau / q,", "inv_tau_phi=2.0 * dx**2 * tau / q,",
      "1/τφ doubled"),
    m("inv_tau_delta_eq15", P, RASHBA, "            inv_tau_delta = dx\n", "            inv_tau_delta = dx / q\n",
      "precession rate of Eq. 15 under the eq17 rule"),
    m("PF_hamiltonian_half", P, RASHBA, "return -delta_xc_ev / (4.0 * eps_f_ev)",
      "return -delta_xc_ev / (2.0 * eps_f_ev)", "PF of the hamiltonian rule doubled"),
    m("PF_eq38_as_eq17", P, RASHBA, "return delta_xc_ev / (2.0 * eps_f_ev)", "return delta_xc_ev / eps_f_ev",
      "PF of the eq38 rule = eq17's"),
    # -- signs of the terms of Eqs. 16-17 in the weak form
    m("spin_C_sign", P, MODEL, 'terms.append(-2.0 * c["C"] * kc)', 'terms.append(2.0 * c["C"] * kc)',
      "sign of 2C∇z×S"),
    m("spin_Gamma_sign", P, MODEL, 'terms.append(-c["Gamma"] * (g1 + g2))', 'terms.append(c["Gamma"] * (g1 + g2))',
      "sign of Γ[m×(∇z×S) + ∇z×(m×S)]"),
    m("spin_B_sign", P, MODEL, 'terms.append(-c["B"] * EZ[a, d] * nu)', 'terms.append(c["B"] * EZ[a, d] * nu)',
      "sign of B∇z n"),
    m("charge_B_sign", P, MODEL, '-c["charge_B_factor"] * c["B"] * sEz', 'c["charge_B_factor"] * c["B"] * sEz',
      "sign of B∇z·S in the charge equation"),
    m("charge_R_sign", P, MODEL, '- c["charge_R_factor"] * c["R"] * mEz * mds',
      '+ c["charge_R_factor"] * c["R"] * mEz * mds', "sign of R∇z·[m(S·m)] in the charge equation"),
    m("precession_sign", P, MODEL, 'q = q - c["inv_tau_delta"] * sxm[a]', 'q = q + c["inv_tau_delta"] * sxm[a]',
      "sign of the precession −S×m/τΔ"),
    m("dephasing_projection", P, MODEL, 'c["inv_tau_phi"] * (s[a] - mds * m[a])', 'c["inv_tau_phi"] * s[a]',
      "dephasing m×(S×m)/τφ replaced by S/τφ"),
    m("dp_isotropic", P, MODEL, 'q = q - c["inv_tau_dp"] * s[a]  # anisotropic', 'q = q - 0.0 * s[a]  # anisotropic',
      "anisotropic DP dropped (Sz at 1/τdp)"),
    m("drift_x2", P, MODEL, '-c["D"] * c["NF"] * self.eE[d], f[d]', '-2.0 * c["D"] * c["NF"] * self.eE[d], f[d]',
      "charge drift −D NF eE doubled"),
    m("field_source_sign", P, MODEL, "return [-_sum([F0[a][d] * self.eE[d]", "return [_sum([F0[a][d] * self.eE[d]",
      "sign of the field source X (Eq. 33) in the weak form"),
    # -- the torque, its conversions and mappings
    m("torque_ufl_precession_sign", P, MODEL, 'T = -c["inv_tau_delta"] * ufl.cross(mv, ds)',
      'T = c["inv_tau_delta"] * ufl.cross(mv, ds)', "sign of −m×δS/τΔ in the torque (UFL, the wire's averages)"),
    m("torque_numpy_dephasing", P, "rashba_diffusion/physics/torque.py",
      "return -c.inv_tau_delta * cross(m, ds) + c.inv_tau_phi * ds", "return -c.inv_tau_delta * cross(m, ds)",
      "δS/τφ dropped from the torque (numpy: bulk, profiles)"),
    m("j_per_m2_no_hbar", P, "rashba_diffusion/physics/torque.py",
      "np.asarray(t) * HBAR_EV_FS * EV_PER_NM2_TO_J_PER_M2 if np.ndim(t) else float(\n"
      "        t * HBAR_EV_FS * EV_PER_NM2_TO_J_PER_M2",
      "np.asarray(t) * EV_PER_NM2_TO_J_PER_M2 if np.ndim(t) else float(\n        t * EV_PER_NM2_TO_J_PER_M2",
      "ħ dropped from the J/m² conversion"),
    m("v_per_m_x2", P, "rashba_diffusion/units.py", "V_PER_M_TO_EV_PER_NM = NM ", "V_PER_M_TO_EV_PER_NM = 2 * NM ",
      "V/m → eV/nm factor doubled"),
    m("film_llg_sign", P, RASHBA, "LLG_TORQUE_SIGN = -1", "LLG_TORQUE_SIGN = 1",
      "film's torque → LLG map ṁ = +γħT/(Ms t) (effective fields' sign)"),
    m("hall_free_normal", P, "rashba_diffusion/problems/wire.py", "hall_free_normal=WIRE_EDGE_NORMAL)",
      "hall_free_normal=drive.transverse)", "Hall-free normal ẑ×Ê instead of the wire's ŷ"),
    # -- the bilayer
    m("bilayer_mixing_swap", P, "rashba_diffusion/models/bilayer.py",
      "return [gr * t[a] + gi * c[a] for a in range(3)]", "return [gi * t[a] + gr * c[a] for a in range(3)]",
      "interface law: Re G and Im G swapped"),
    m("bilayer_fm_precession_sign", P, "rashba_diffusion/models/bilayer.py", 'parts = {"sf": mu, "j": c, "phi": t}',
      'parts = {"sf": mu, "j": [-x for x in c], "phi": t}', "sign of the FM's exchange precession μ×m/λJ²"),
    m("spin_hall_sign", P, "rashba_diffusion/physics/bilayer.py", "return theta_sh * np.einsum(",
      "return -theta_sh * np.einsum(", "sign of the spin Hall source"),
    m("efficiency_factor", P, "rashba_diffusion/problems/bilayer.py", "to_xi = 1.0 / (HBAR_OVER_2E * j_n)",
      "to_xi = 1.0 / (2.0 * HBAR_OVER_2E * j_n)", "efficiency ξ = (2e/ħ)T/j halved"),
    m("closed_form_g_n", P, "rashba_diffusion/physics/bilayer.py",
      "g_n = hm.sigma_s_per_m / (2.0 * lam) * math.tanh(delta)",
      "g_n = hm.sigma_s_per_m / (2.0 * lam) * math.tanh(delta / 2)",
      "closed form: the HM's conductance with tanh(δ/2)"),
    # -- bookkeeping
    m("wire_average_swap", B, "rashba_diffusion/problems/rashba.py", "return t_perp / self.size, t_par / self.size",
      "return t_par / self.size, t_perp / self.size", "T⊥ and T∥ swapped in the wire's averages"),
    m("bulk_key_unit", B, "rashba_diffusion/physics/bulk.py", "return self.s * 1e18", "return self.s * 1e9",
      "s in ħ/m² off by 1e9 (unit of the s_bulk_hbar_per_m2 key and column)"),
    m("profile_column_unit", B, "rashba_diffusion/problems/outputs.py", '"nu": "1/nm^2",', '"nu": "1/m^2",',
      "profile.csv states ν in 1/m² while it writes 1/nm² (unit of a column)"),
    m("resume_skips_a_point", B, "rashba_diffusion/studies/sweep/engine.py",
      "todo = [p for p in points if p.index not in done_idx]", "todo = [p for p in points if p.index > len(done_idx)]",
      "resume skips the first point not done"),
    m("resume_input_check", B, "rashba_diffusion/studies/sweep/engine.py", "if text != fmt(want[c]):", "if False:",
      "resume no longer checks the input columns of the rows on disk"),
    m("neutrality_off", B, "rashba_diffusion/fem/solver.py", "            self._restore_neutrality(u)\n",
      "            pass\n", "the neutrality correction (∫ν = 0) skipped"),
    m("mpi_reduction", B, "rashba_diffusion/fem/postprocess.py",
      "return self._comm.allreduce(fem.assemble_scalar(form), op=MPI.SUM)", "return fem.assemble_scalar(form)",
      "integrals not summed over ranks"),
    m("mpi_every_rank_alone", B, "rashba_diffusion/meshing/structured.py",
      "msh = mesh.create_interval(comm, n, [0.0, w])", "msh = mesh.create_interval(MPI.COMM_SELF, n, [0.0, w])",
      "every rank meshes and solves the 1D wire alone"),
    m("probe_not_restored", B, "rashba_diffusion/problems/bilayer.py", "model.set_polarization_map(np.eye(3))",
      "pass", "the bilayer's linear-response probe leaves its source re-polarized"),
]


# ---------------------------------------------------------------------------------------------- pytest plugin
# Loaded with ``-p scripts.mutation_test`` in the scratch tree's pytest: records every test's outcome and whether
# it is marked ``consistency``, and stops the session after STOP_ENV independent failures.
_OUTCOMES: dict[str, dict] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if OUTCOMES_ENV not in os.environ:
        return
    rep = outcome.get_result()
    if rep.when == "call" or rep.failed:
        rec = _OUTCOMES.setdefault(item.nodeid, {"consistency": item.get_closest_marker("consistency") is not None,
                                                 "outcome": "passed"})
        if rep.failed:
            rec["outcome"] = "failed"
        elif rep.skipped and rec["outcome"] == "passed":
            rec["outcome"] = "skipped"
        stop = int(os.environ.get(STOP_ENV, "0") or 0)
        independent = len(independent_tests(_OUTCOMES))
        if stop and independent >= stop:
            item.session.shouldstop = f"{independent} independent tests failed"


def independent_tests(outcomes: dict[str, dict]) -> list[str]:
    """The failed tests not marked ``consistency``, one per test function (its parametrizations count once)."""
    return sorted({k.split("[")[0] for k, v in outcomes.items() if v["outcome"] == "failed" and not v["consistency"]})


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get(OUTCOMES_ENV)
    if path:
        Path(path).write_text(json.dumps(_OUTCOMES, indent=1))


# ---------------------------------------------------------------------------------------------- driver
def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.split("\n")
    return [f for f in out if f and (ROOT / f).is_file()]


def scratch_copy(dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    for f in tracked_files():
        target = dest / f
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, target)


def apply(mut: Mutation, tree: Path) -> None:
    path = tree / mut.file
    text = path.read_text()
    n = text.count(mut.old)
    if n != 1:
        raise RuntimeError(f"{mut.id}: the snippet occurs {n} times in {mut.file} (needs exactly 1)")
    path.write_text(text.replace(mut.old, mut.new))


def run_suite(tree: Path, with_mpi: bool, stop_after: int, timeout: float) -> dict:
    outcomes = tree / "outcomes.json"
    env = dict(os.environ, **{OUTCOMES_ENV: str(outcomes), STOP_ENV: str(stop_after)})
    env["PYTHONPATH"] = str(tree)
    env.pop("PYTEST_ADDOPTS", None)
    marker = "not slow" if with_mpi else "not slow and not mpi"
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "scripts.mutation_test",
           "-m", marker, *TEST_DIRS, *[f"--ignore={p}" for p in IGNORED]]
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout)
        rc, tail = p.returncode, (p.stdout + p.stderr)[-3000:]
    except subprocess.TimeoutExpired:
        rc, tail = None, "timed out"
    res = json.loads(outcomes.read_text()) if outcomes.exists() else {}
    return {"rc": rc, "seconds": round(time.perf_counter() - t0, 1), "outcomes": res, "tail": tail}


def check_import(tree: Path) -> None:
    """The scratch copy's package is the one that runs there (not the venv's editable install)."""
    p = subprocess.run([sys.executable, "-c", "import rashba_diffusion; print(rashba_diffusion.__file__)"], cwd=tree,
                       env=dict(os.environ, PYTHONPATH=str(tree)), capture_output=True, text=True, check=True)
    if not Path(p.stdout.strip()).resolve().is_relative_to(tree.resolve()):
        raise RuntimeError(f"the scratch tree imports {p.stdout.strip()}, not its own package")


def summarize(mut: Mutation, run: dict, stop_after: int) -> dict:
    failed = sorted(k for k, v in run["outcomes"].items() if v["outcome"] == "failed")
    independent = independent_tests(run["outcomes"])
    consistency = sorted({k.split("[")[0] for k in failed if run["outcomes"][k]["consistency"]})
    stopped = stop_after and len(independent) >= stop_after
    return {**asdict(mut), "killed": bool(failed) or run["rc"] not in (0, None), "timed_out": run["rc"] is None,
            "failed": failed, "independent_failed": independent, "consistency_failed": consistency,
            "independent_count": f">= {len(independent)}" if stopped else str(len(independent)),
            "tests_run": len(run["outcomes"]), "seconds": run["seconds"], "rc": run["rc"],
            "tail": "" if failed else run["tail"]}


def markdown(results: dict) -> str:
    """The summary table of a results file (docs/verification.md §7)."""
    lines = ["| id | kind | what | caught | independent tests (functions) | consistency tests | first independent |",
             "|---|---|---|---|---|---|---|"]
    for r in results["mutations"]:
        if r.get("killed") is None:
            lines.append(f"| `{r['id']}` | {r['kind']} | {r['what']} | not applied | | | |")
            continue
        first = r["independent_failed"][0].split("::")[-1] if r["independent_failed"] else "—"
        lines.append(f"| `{r['id']}` | {r['kind']} | {r['what']} | {'yes' if r['killed'] else '**no**'} | "
                     f"{r['independent_count']} | {len(r['consistency_failed'])} | `{first}` |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default=None, help="comma-separated mutation ids")
    ap.add_argument("--out", default=str(ROOT / "docs" / "mutation_results.json"))
    ap.add_argument("--scratch", default="/tmp/rashba_mutation")
    ap.add_argument("--stop-after", type=int, default=5, help="stop a run after this many independent failures")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per suite run")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--markdown", metavar="RESULTS", default=None, help="print the summary table of a results file")
    a = ap.parse_args(argv)
    if a.markdown:
        print(markdown(json.loads(Path(a.markdown).read_text())), end="")
        return 0
    muts = MUTATIONS if a.only is None else [x for x in MUTATIONS if x.id in a.only.split(",")]
    scratch = Path(a.scratch)
    results = {"suite": {"dirs": TEST_DIRS, "ignored": IGNORED, "markers": "not slow (physics: and not mpi)",
                         "stop_after_independent_failures": a.stop_after},
               "commit": subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                        text=True).stdout.strip(),
               "mutations": []}
    if not a.skip_baseline:
        tree = scratch / "baseline"
        scratch_copy(tree)
        check_import(tree)
        base = run_suite(tree, with_mpi=True, stop_after=0, timeout=a.timeout)
        failed = [k for k, v in base["outcomes"].items() if v["outcome"] == "failed"]
        results["baseline"] = {"rc": base["rc"], "seconds": base["seconds"], "tests": len(base["outcomes"]),
                               "failed": failed}
        print(f"baseline: rc {base['rc']}, {len(base['outcomes'])} tests, {base['seconds']} s", flush=True)
        if base["rc"] != 0:
            print(base["tail"], file=sys.stderr)
            return 1
    for mut in muts:
        tree = scratch / mut.id
        scratch_copy(tree)
        try:
            apply(mut, tree)
        except RuntimeError as e:
            results["mutations"].append({**asdict(mut), "killed": None, "error": str(e)})
            print(f"{mut.id}: NOT APPLIED ({e})", flush=True)
            continue
        run = run_suite(tree, with_mpi=mut.kind == "bookkeeping", stop_after=a.stop_after, timeout=a.timeout)
        rec = summarize(mut, run, a.stop_after)
        results["mutations"].append(rec)
        print(f"{mut.id}: {'killed' if rec['killed'] else 'SURVIVED'} by {len(rec['failed'])} tests "
              f"({rec['independent_count']} independent) in {rec['seconds']} s", flush=True)
        shutil.rmtree(tree)
        Path(a.out).write_text(json.dumps(results, indent=1) + "\n")
    applied = [r for r in results["mutations"] if r["killed"] is not None]
    killed = [r for r in applied if r["killed"]]
    physics = [r for r in applied if r["kind"] == "physics"]
    two = [r for r in physics if len(r.get("independent_failed", [])) >= 2]
    results["kill_rate"] = f"{len(killed)}/{len(applied)}"
    results["physics_caught_by_two_independent"] = f"{len(two)}/{len(physics)}"
    Path(a.out).write_text(json.dumps(results, indent=1) + "\n")
    print(f"killed {results['kill_rate']}; physics mutations caught by >= 2 independent tests: "
          f"{results['physics_caught_by_two_independent']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
