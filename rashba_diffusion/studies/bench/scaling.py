"""Summaries of the scale studies and the scaling model of time and memory against dofs and ranks (pure: no
DOLFINx, no numpy; docs/scaling.md explains the model and its assumptions).

The inputs are result rows of :mod:`.scale_cases` (``solve3d``: one instrumented 3D solve; ``mumps2d``: one
2D wire solve with MUMPS statistics) as the registry collects them.

The model (:func:`fit_scaling_model`, :func:`predict`), for one solve of the 3D bilayer stripe with the
``multigrid`` preset on N dofs and p ranks:

* compute time of each phase group g (forms, assembly, set-up, solve): ``a_g (N/p)^b_g`` CPU seconds, fitted
  to the 1-rank runs (CPU time: the machine the runs were made on was shared, so wall times are not a
  measure of the work);
* communication: ``R α ⌈log2 p⌉ + n_msg α + bytes / β`` per rank with R the global reductions of the Krylov
  methods (counted: the calls of VecNorm/VecMDot/VecDot on 2 ranks, independent of N when the iteration
  count is), n_msg and bytes the point-to-point messages and bytes per rank of the solve (PETSc's counters
  on 2 ranks, where each rank has one neighbour), scaled to p ranks as ``neighbours(p) × (N/p)^(2/3)``
  (halo ∝ the surface of a subdomain) with α (latency) and β (bandwidth) assumed for a cluster network;
* memory per rank: ``M0 + m (N/p)`` with M0 the resident memory of a rank before any mesh (Python, DOLFINx,
  PETSc, MPI) and m the bytes per dof of each part (mesh, forms, matrix, preconditioner, Krylov vectors),
  fitted to the resident-memory increments of the 1-rank runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

#: phase groups of the time model: the phases of :func:`.scale_cases.run_solve3d` each group sums
TIME_GROUPS = {
    "forms": ("charge_current", "forms"),
    "assembly": ("matrix_create", "assemble_matrix", "assemble_rhs"),
    "setup": ("setup",),
    "solve": ("solve", "neutrality"),
}
#: memory parts: (phase whose end is after the part, phase whose end is before it) in ``rss_mb``
MEMORY_PARTS = {
    "mesh": ("mesh", "start"),
    "forms": ("forms", "mesh"),
    "matrix": ("matrix_create", "forms"),
    "preconditioner": ("setup", "matrix_create"),
    "krylov": ("solve", "setup"),
}
#: assumed cluster network (docs/scaling.md): MPI latency per message or reduction step (s) and bandwidth per
#: rank (bytes/s) of an InfiniBand-class interconnect shared by the cores of a node
LATENCY_S = 2e-6
BANDWIDTH_B_PER_S = 2e9
#: assumed neighbours of a subdomain for p ≥ 8 ranks (a thin film partitioned in plane: ~6-8; a 3D block: ≤ 26)
NEIGHBOURS = 8
#: what a rank of a cluster node may use (bytes): 4 GiB per core is a common configuration
MEMORY_PER_RANK_B = 4 * 2**30
#: the model's prediction table: ranks for 1e8 dofs
PREDICTION_DOFS = 1e8
PREDICTION_RANKS = (64, 128, 256, 512, 1024, 2048)
MIB = 2**20


def power_fit(points: Iterable[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares fit of y = a x^b in log-log; (a, b).  One point: b = 1."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if not pts:
        return math.nan, math.nan
    if len(pts) == 1:
        return math.exp(pts[0][1] - pts[0][0]), 1.0
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    b = sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx > 0 else 1.0
    return math.exp(my - b * mx), b


def linear_fit(points: Iterable[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares fit of y = c + m x; (c, m).  One point: c = 0."""
    pts = list(points)
    if not pts:
        return math.nan, math.nan
    if len(pts) == 1:
        return 0.0, pts[0][1] / pts[0][0]
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    m = sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx > 0 else 0.0
    return my - m * mx, m


def _ok(results: Sequence[dict], entry: str, case: str) -> list[dict]:
    return [r for r in results if r.get("entry") == entry and r.get("case") == case and "error" not in r]


def _sum(d: dict, keys: Sequence[str]) -> float:
    return sum(d.get(k, 0.0) for k in keys)


def _rss_part(r: dict, part: str) -> float:
    """Resident-memory increment of ``part`` (MiB, max over ranks)."""
    after, before = MEMORY_PARTS[part]
    rss = r["rss_mb"]
    if after not in rss or before not in rss:
        return 0.0
    return max(a - b for a, b in zip(rss[after], rss[before], strict=True))


def _reductions(r: dict) -> float:
    ev = r.get("events", {})
    return sum(ev.get(k, {}).get("count", 0) for k in ("VecNorm", "VecMDot", "VecDot"))


# --------------------------------------------------------------------------- the preconditioner study
def summarize_precond3d(results: Sequence[dict], entry: str = "precond3d") -> dict:
    """Per series (problem, degree, stripe) and preset: dofs, iterations, their growth, CPU µs and resident
    memory per dof, the CPU-time exponent, MUMPS differences; the 2-rank speed-up at each series' largest size.
    """
    runs = _ok(results, entry, "solve3d")
    series: dict[str, dict] = {}
    for r in runs:
        key = r.get("series") or f"{r['problem']} P{r['degree']}"
        series.setdefault(key, {}).setdefault(r["preset"], {}).setdefault(r["ranks"], []).append(r)
    out: dict = {}
    for key, presets in series.items():
        s: dict = {}
        for preset, by_ranks in presets.items():
            one = sorted(by_ranks.get(1, []), key=lambda r: r["dofs"])
            if not one:
                continue
            cpu = [(r["dofs"], r["setup_solve_cpu_s"]) for r in one]
            s[preset] = {
                "dofs": [r["dofs"] for r in one],
                "iterations": [r["krylov_iterations"] for r in one],
                "iteration_growth": one[-1]["krylov_iterations"] / max(one[0]["krylov_iterations"], 1),
                "setup_solve_cpu_us_per_dof": [1e6 * c / n for n, c in cpu],
                "setup_solve_cpu_exponent": power_fit(cpu)[1] if len(cpu) > 1 else None,
                "peak_rss_mb": [max(r["peak_rss_mb"]) for r in one],
                "rss_kib_per_dof": [1024 * (max(r["peak_rss_mb"]) - max(r["rss_mb"]["start"])) / r["dofs"]
                                    for r in one],
                "output_rel_diff_to_mumps": {str(r["dofs"]): r["output_rel_diff"] for r in one
                                             if "output_rel_diff" in r},
                "preconditioner": one[-1]["preconditioner"],
            }
            two = {r["dofs"]: r for r in by_ranks.get(2, [])}
            both = [r for r in one if r["dofs"] in two]
            if both:
                r1 = both[-1]
                r2 = two[r1["dofs"]]
                s[preset]["two_ranks"] = {
                    "dofs": r1["dofs"], "iterations": r2["krylov_iterations"],
                    "speedup_setup_solve_wall": r1["setup_solve_s"] / r2["setup_solve_s"],
                    "speedup_full_solve_wall": r1["full_solve_s"] / r2["full_solve_s"],
                    "output_rel_diff_to_1_rank": _rel_diff(r2["output"], r1["output"]),
                }  # fmt: skip
        if "iterative" in s and "multigrid" in s:
            a, b = s["iterative"], s["multigrid"]
            common = [n for n in b["dofs"] if n in a["dofs"]]
            if common:
                n = common[-1]
                i, j = a["dofs"].index(n), b["dofs"].index(n)
                s["multigrid_over_iterative_cpu_at_max"] = (b["setup_solve_cpu_us_per_dof"][j]
                                                            / a["setup_solve_cpu_us_per_dof"][i])
                s["multigrid_over_iterative_peak_rss_at_max"] = b["peak_rss_mb"][j] / a["peak_rss_mb"][i]
        out[key] = s
    return out


def _rel_diff(a: Sequence[float], b: Sequence[float]) -> float:
    scale = max(abs(x) for x in b) or 1.0
    return max(abs(x - y) for x, y in zip(a, b, strict=True)) / scale


# --------------------------------------------------------------------------- the MUMPS study
def _entry(table: dict, i: int):
    """INFOG(i)/RINFOG(i) from a dict keyed by int (in the process) or str (after JSON)."""
    return table.get(str(i), table.get(i))


def summarize_mumps2d(results: Sequence[dict], entry: str = "mumps2d") -> dict:
    """Per size: every variant's MUMPS statistics, CPU times, memory and torque difference to ``direct``."""
    runs = _ok(results, entry, "mumps2d")
    out: dict = {}
    for r in sorted(runs, key=lambda r: (r["dofs"], r["ranks"])):
        size = out.setdefault(str(r["dofs"]), {})
        size[r["variant"] if r["ranks"] == 1 else f"{r['variant']} ({r['ranks']} ranks)"] = {
            "ordering_infog7": _entry(r["infog"], 7), "flops": _entry(r["rinfog"], 1),
            "factor_entries": r["factor_entries"], "factor_entries_effective": r["factor_entries_effective"],
            "mumps_memory_mb_max": _entry(r["infog"], 21),
            "peak_rss_mb": max(r["peak_rss_mb"]), "krylov_iterations": r["krylov_iterations"],
            "setup_cpu_s": r["cpu_s"].get("setup"), "refactor_cpu_s": r["cpu_s"].get("refactor"),
            "solve_cpu_s": r["cpu_s"].get("solve"), "full_solve_cpu_s": r["full_solve_cpu_s"],
            "full_solve_s": r["full_solve_s"],
            "T": (r["T_perp_J_per_m2"], r["T_par_J_per_m2"]),
        }  # fmt: skip
    for size in out.values():
        torques = {name: v.pop("T") for name, v in size.items()}
        if "direct" in torques:
            for name, v in size.items():
                v["torque_rel_diff_to_direct"] = _rel_diff(torques[name], torques["direct"])
    return out


# --------------------------------------------------------------------------- the scaling model
def fit_scaling_model(results: Sequence[dict], entry: str = "scaling") -> dict | None:
    """The model of the module docstring fitted to the ``scaling`` entry's runs; ``None`` without 1-rank runs."""
    runs = _ok(results, entry, "solve3d")
    one = sorted((r for r in runs if r["ranks"] == 1), key=lambda r: r["dofs"])
    two = sorted((r for r in runs if r["ranks"] == 2), key=lambda r: r["dofs"])
    if not one:
        return None
    model: dict = {"dofs": [r["dofs"] for r in one], "iterations": [r["krylov_iterations"] for r in one],
                   "time": {}, "memory_bytes_per_dof": {}}
    for g, phases in TIME_GROUPS.items():
        a, b = power_fit((r["dofs"], _sum(r["cpu_s"], phases)) for r in one)
        model["time"][g] = {"a_s": a, "b": b,
                            "measured_cpu_s": [_sum(r["cpu_s"], phases) for r in one]}
    its_a, its_b = power_fit((r["dofs"], r["krylov_iterations"]) for r in one)
    model["iteration_exponent"] = its_b
    for part in MEMORY_PARTS:
        c, m = linear_fit((r["dofs"], _rss_part(r, part) * MIB) for r in one)
        model["memory_bytes_per_dof"][part] = m
    model["rank_base_mb"] = max(max(r["rss_mb"]["start"]) for r in one)
    big = one[-1]
    model["largest_1_rank"] = {
        "dofs": big["dofs"], "peak_rss_mb": max(big["peak_rss_mb"]),
        "matrix_bytes_per_dof": sum(big["matrix_bytes"]) / big["dofs"],
        "pc_storage_bytes_per_dof": {k: sum(v) / big["dofs"] for k, v in big["pc_storage_bytes"].items()},
        "rss_bytes_per_dof": {p: _rss_part(big, p) * MIB / big["dofs"] for p in MEMORY_PARTS},
        "cpu_us_per_dof": 1e6 * sum(_sum(big["cpu_s"], ph) for ph in TIME_GROUPS.values()) / big["dofs"],
    }  # fmt: skip
    if two:
        comm = []
        for r in two:
            solve = r["events"].get("KSPSolve", {})
            comm.append({"dofs": r["dofs"], "messages_per_rank": solve.get("messages", 0.0) / r["ranks"],
                         "bytes_per_rank": solve.get("message_bytes", 0.0) / r["ranks"],
                         "reductions": _reductions(r)})
        model["communication_2_ranks"] = comm
        # bytes per rank ∝ (N/2)^(2/3): the coefficient from the largest 2-rank run; messages and reductions flat
        r = comm[-1]
        model["halo_bytes_coeff"] = r["bytes_per_rank"] / (r["dofs"] / 2) ** (2 / 3)
        model["messages_per_neighbour"] = r["messages_per_rank"]
        model["reductions"] = r["reductions"]
        speed = {}
        by_dofs = {x["dofs"]: x for x in one}
        for r in two:
            if r["dofs"] in by_dofs:
                r1 = by_dofs[r["dofs"]]
                speed[str(r["dofs"])] = {"full_solve_wall": r1["full_solve_s"] / r["full_solve_s"],
                                         "setup_solve_wall": r1["setup_solve_s"] / r["setup_solve_s"],
                                         "setup_solve_cpu": r1["setup_solve_cpu_s"] / r["setup_solve_cpu_s"],
                                         "peak_rss_per_rank_ratio": max(r["peak_rss_mb"]) / max(r1["peak_rss_mb"])}
        model["speedup_2_over_1"] = speed
    return model


def predict(model: dict, dofs: float, ranks: int) -> dict:
    """Time (s) and memory per rank (bytes) of one solve on ``dofs`` dofs and ``ranks`` ranks (module docstring)."""
    n = dofs / ranks
    times = {g: t["a_s"] * n ** t["b"] for g, t in model["time"].items()}
    comm = 0.0
    if ranks > 1 and "halo_bytes_coeff" in model:
        neighbours = min(ranks - 1, NEIGHBOURS)
        steps = math.ceil(math.log2(ranks))
        halo = neighbours * model["halo_bytes_coeff"] * n ** (2 / 3)
        msgs = neighbours * model["messages_per_neighbour"]
        comm = model["reductions"] * LATENCY_S * steps + msgs * LATENCY_S + halo / BANDWIDTH_B_PER_S
    times["communication"] = comm
    memory = model["rank_base_mb"] * MIB + sum(model["memory_bytes_per_dof"].values()) * n
    return {"dofs": dofs, "ranks": ranks, "time_s": times, "total_s": sum(times.values()),
            "memory_per_rank_b": memory}


def prediction_table(model: dict, dofs: float = PREDICTION_DOFS,
                     ranks: Sequence[int] = PREDICTION_RANKS) -> list[dict]:
    """:func:`predict` at ``dofs`` for every rank count, with the smallest that fits :data:`MEMORY_PER_RANK_B`."""
    return [predict(model, dofs, p) for p in ranks]


def ranks_for_memory(model: dict, dofs: float, per_rank_b: float = MEMORY_PER_RANK_B) -> int | None:
    """The fewest ranks whose predicted memory per rank fits ``per_rank_b`` (None: not even one dof fits)."""
    m = sum(model["memory_bytes_per_dof"].values())
    free = per_rank_b - model["rank_base_mb"] * MIB
    if free <= 0 or m <= 0:
        return None
    return max(1, math.ceil(dofs * m / free))


def largest_dofs(model: dict, ranks: int, total_b: float) -> float:
    """The most dofs whose predicted memory on ``ranks`` ranks fits ``total_b`` bytes in all."""
    m = sum(model["memory_bytes_per_dof"].values())
    return max(total_b - ranks * model["rank_base_mb"] * MIB, 0.0) / m if m > 0 else math.nan
