"""The scaling model of docs/scaling.md (studies.bench.scaling): fits, prediction, memory limits; the study
entries of the bench registry run only when named."""

import math

import pytest

from rashba_diffusion.studies.bench import registry
from rashba_diffusion.studies.bench.scaling import (
    MIB,
    fit_scaling_model,
    largest_dofs,
    linear_fit,
    power_fit,
    predict,
    prediction_table,
    ranks_for_memory,
)


def _row(dofs: float, ranks: int = 1, its: int = 7) -> dict:
    """A synthetic ``solve3d`` row: CPU ∝ dofs^1.05 (solve), ∝ dofs (the rest), memory 3000 B/dof over 150 MiB."""
    n = dofs / ranks
    cpu = {"mesh": 1e-5 * n, "charge_current": 0.0, "forms": 0.1, "matrix_create": 1e-6 * n,
           "assemble_matrix": 2e-5 * n, "assemble_rhs": 1e-6 * n, "setup": 5e-6 * n, "solve": 2e-6 * n ** 1.05,
           "neutrality": 0.0}
    base = 150.0
    parts = {"mesh": 300.0, "forms": 10.0, "matrix": 1000.0, "preconditioner": 1300.0, "krylov": 390.0}
    rss, total = {"start": [base] * ranks}, base
    for phase, part in (("mesh", "mesh"), ("forms", "forms"), ("matrix_create", "matrix"),
                        ("setup", "preconditioner"), ("solve", "krylov")):
        total += parts[part] * n / MIB
        rss[phase] = [total] * ranks
    wall = dict(cpu)
    return {"entry": "scaling", "case": "solve3d", "dofs": int(dofs), "ranks": ranks, "krylov_iterations": its,
            "cpu_s": cpu, "timings_s": wall, "rss_mb": rss, "peak_rss_mb": [total] * ranks,
            "matrix_bytes": [1000.0 * n] * ranks, "pc_storage_bytes": {"operators": [100.0 * n] * ranks},
            "full_solve_s": sum(wall.values()), "setup_solve_s": wall["setup"] + wall["solve"],
            "setup_solve_cpu_s": cpu["setup"] + cpu["solve"],
            "events": {"KSPSolve": {"messages": 2000.0, "message_bytes": 4e3 * n ** (2 / 3) * ranks},
                       "VecNorm": {"count": 50}, "VecMDot": {"count": 300}}}  # fmt: skip


def test_fits_recover_exponents():
    a, b = power_fit([(x, 3.0 * x**1.1) for x in (1e3, 1e4, 1e5)])
    assert a == pytest.approx(3.0, rel=1e-9) and b == pytest.approx(1.1, rel=1e-9)
    c, m = linear_fit([(x, 5.0 + 2.0 * x) for x in (1.0, 2.0, 4.0)])
    assert c == pytest.approx(5.0) and m == pytest.approx(2.0)
    assert power_fit([(10.0, 20.0)]) == pytest.approx((2.0, 1.0), rel=1e-12)


def test_model_fits_and_predicts():
    rows = [_row(n) for n in (1e4, 4e4, 1.2e5)] + [_row(n, 2) for n in (1e4, 1.2e5)]
    model = fit_scaling_model(rows)
    assert model["time"]["solve"]["b"] == pytest.approx(1.05, rel=1e-6)
    assert model["time"]["setup"]["b"] == pytest.approx(1.0, rel=1e-6)
    mem = model["memory_bytes_per_dof"]
    assert mem["matrix"] == pytest.approx(1000.0, rel=1e-6) and mem["preconditioner"] == pytest.approx(1300.0)
    assert model["rank_base_mb"] == 150.0 and model["iteration_exponent"] == pytest.approx(0.0, abs=1e-12)
    assert model["reductions"] == 350 and set(model["speedup_2_over_1"]) == {"10000", "120000"}
    # the prediction: compute time per rank ∝ (N/p)^b, memory = base + bytes/dof × N/p, communication > 0
    p1, p2 = predict(model, 1e8, 64), predict(model, 1e8, 128)
    assert p2["time_s"]["solve"] == pytest.approx(p1["time_s"]["solve"] / 2**1.05, rel=1e-9)
    assert p1["memory_per_rank_b"] == pytest.approx(150 * MIB + 3000.0 * 1e8 / 64, rel=1e-9)
    assert 0 < p1["time_s"]["communication"] < p1["total_s"]
    assert predict(model, 1e6, 1)["time_s"]["communication"] == 0.0
    assert [r["ranks"] for r in prediction_table(model)] == [64, 128, 256, 512, 1024, 2048]
    # memory limits: the inverse of predict's memory
    p = ranks_for_memory(model, 1e8, 4 * 2**30)
    assert predict(model, 1e8, p)["memory_per_rank_b"] <= 4 * 2**30 < predict(model, 1e8, p - 1)["memory_per_rank_b"]
    n = largest_dofs(model, 2, 20 * 2**30)
    assert 2 * predict(model, n, 2)["memory_per_rank_b"] == pytest.approx(20 * 2**30, rel=1e-9)
    assert fit_scaling_model([r for r in rows if r["ranks"] == 2]) is None
    assert math.isnan(power_fit([])[0])


def test_studies_run_only_when_named():
    """The scale studies are long: not in a suite run without --only, but registered with jobs in the full suite."""
    studies = {n for n, e in registry.REGISTRY.items() if e.study}
    assert studies == {"precond3d", "mumps2d", "scaling"}
    for name in studies:
        jobs = registry.REGISTRY[name].jobs("full", (1, 2), None)
        assert jobs and all(j.module == registry.SCALE_CASES_MODULE for j in jobs)
    # the precond3d study: both presets at every size on 1 rank, the largest size of each series on 2
    jobs = registry.REGISTRY["precond3d"].jobs("full", (1, 2), None)
    assert {j.kwargs["preset"] for j in jobs} == set(registry.PRECOND3D_PRESETS)
    assert sum(j.ranks == 2 for j in jobs) == 2 * len(registry.PRECOND3D_SERIES["full"])
    # the 3D entries of the quick bench use the multigrid preset unless options are given
    (job,) = registry.REGISTRY["bilayer3d"].jobs("tiny", (1,), None)
    assert job.kwargs["petsc_options"] == registry.DEFAULT_3D_OPTIONS
