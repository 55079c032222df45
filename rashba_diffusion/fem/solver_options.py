"""PETSc option sets of the linear solver and their parsers (no DOLFINx/PETSc import).

Solver choice goes through PETSc options: a dict in Python (``petsc_options``),
``--petsc-option KEY=VALUE`` on the command line (:func:`parse_petsc_option_args`)
and a ``[solver]`` table in configuration files (:func:`petsc_options_from_table`).
Kept apart from :mod:`.solver` so that command lines validate options before
DOLFINx is imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..errors import ParameterError

#: direct solve: MUMPS LU (the default; exact to round-off, best for 2D)
DIRECT_PETSC_OPTIONS = {
    "ksp_type": "preonly",
    "pc_type": "lu",
    "pc_factor_mat_solver_type": "mumps",
}
DEFAULT_PETSC_OPTIONS = DIRECT_PETSC_OPTIONS

#: iterative solve for 3D / large meshes: right-preconditioned GMRES with
#: PETSc's algebraic multigrid on the whole coupled system.  Why this choice
#: (docs/performance.md, "Iterative solver"): the operator is a diffusion
#: operator D∇² on every field plus lower-order (first-order Rashba flux and
#: zeroth-order relaxation/precession) couplings, so its stiff part is the
#: block-diagonal Laplacian that AMG handles with h-independent work; the
#: non-symmetric couplings are compact perturbations that GMRES absorbs in a
#: bounded number of iterations.  Aggregation uses the node blocks (block size
#: of the matrix = number of fields; GAMG's default near-null space is then the
#: per-field constants), unsmoothed (``agg_nsmooths 0``: smoothed prolongators
#: assume symmetry and cost 3-10x the set-up here for no fewer iterations).
#: Smoothing is the part that matters (benchmarks/precond_study.py): six GMRES
#: steps with block Jacobi/ILU(0) per level and a strength threshold of 0.1
#: (drops the weak in-plane links of the flat cells near a bilayer interface,
#: so aggregates follow the strong direction).  Against the earlier two steps
#: and threshold 0.02 this halves to thirds the iteration count and flattens its
#: growth with refinement (3D bilayer 9 → 28 became 6 → 11 over h = 1 → 0.2 nm;
#: 3D film box 20 → 39 became 10 → 17) at an equal or lower time per dof.
#: SOR and Chebyshev/Jacobi smoothers fail here (the precession term is
#: skew-symmetric); a W-cycle changes nothing (the growth is not from the
#: number of levels); ILU(1) on the levels costs 2.5x for fewer iterations.
#: Tried and rejected (docs/performance.md): hypre/BoomerAMG and ML (not in the
#: PyPI PETSc); fieldsplit (spin | charge) with AMG on each block (diverges: the
#: drift and Rashba terms couple the blocks strongly); ASM+ILU, kept as the
#: ``asm`` preset: its iteration count doubles with every halving of h.
#: The smoother is itself a Krylov method, so the V-cycle is a (slightly)
#: nonlinear operator: the outer method must be flexible GMRES (FGMRES, right
#: preconditioning), which makes ``ksp_rtol`` a bound on the true residual.
#: Plain GMRES around it "converges" to a wrong solution (found by the
#: true-residual check of :class:`.solver.LinearSolver`).
ITERATIVE_PETSC_OPTIONS = {
    "ksp_type": "fgmres",
    "ksp_gmres_restart": 200,
    "ksp_rtol": 1e-9,
    "ksp_atol": 1e-50,
    "ksp_max_it": 1000,
    "pc_type": "gamg",
    "pc_gamg_type": "agg",
    "pc_gamg_agg_nsmooths": 0,
    "pc_gamg_threshold": 0.1,
    "mg_levels_ksp_type": "gmres",
    "mg_levels_ksp_max_it": 6,
    "mg_levels_pc_type": "bjacobi",
    "mg_levels_sub_pc_type": "ilu",
    "mg_coarse_pc_type": "lu",
}

#: the first iterative preset (threshold 0.02, two smoothing steps): iterations grow ≈ h^-0.6; kept for comparison
GAMG_V1_PETSC_OPTIONS = {**ITERATIVE_PETSC_OPTIONS, "pc_gamg_threshold": 0.02, "mg_levels_ksp_max_it": 2}

#: the same GMRES settings with additive Schwarz + ILU(1) (1/h growth; a fallback)
ASM_PETSC_OPTIONS = {
    **{k: v for k, v in ITERATIVE_PETSC_OPTIONS.items() if not k.startswith(("pc_", "mg_"))},
    "pc_type": "asm",
    "pc_asm_overlap": 1,
    "sub_pc_type": "ilu",
    "sub_pc_factor_levels": 1,
}

#: named option sets, selectable with ``preset`` in a ``[solver]`` table or ``--petsc-option preset=...``
SOLVER_PRESETS: dict[str, dict] = {
    "direct": DIRECT_PETSC_OPTIONS,
    "iterative": ITERATIVE_PETSC_OPTIONS,
    "asm": ASM_PETSC_OPTIONS,
    "gamg_v1": GAMG_V1_PETSC_OPTIONS,
}

#: safeguards added to any Krylov solve unless the caller sets them: without
#: them PETSc stops at rtol 1e-5 / 10000 iterations, too loose for torques.
ITERATIVE_SAFEGUARDS = {"ksp_rtol": 1e-9, "ksp_atol": 1e-50, "ksp_max_it": 1000}

#: prefixes of the option names the solver's KSP reads: every option is set under the KSP's own
#: prefix, so only KSP, preconditioner (PC, its factor matrix, multigrid levels, sub-solvers) options
#: can take effect.  Anything else would be silently ignored by PETSc, so it is rejected up front.
PETSC_OPTION_PREFIXES = ("ksp_", "pc_", "mat_", "mg_", "sub_", "fieldsplit_", "redundant_")


def _check_option_name(key: str) -> None:
    if not key.startswith(PETSC_OPTION_PREFIXES):
        raise ParameterError(
            f"petsc option {key!r} is invalid; valid: 'preset' or a KSP/PC option name starting with "
            f"{', '.join(PETSC_OPTION_PREFIXES)} (e.g. ksp_rtol=1e-10, pc_type=gamg)"
        )


#: option-name endings whose values are numbers: (kind, lower, upper, description of the valid range).  PETSc
#: itself ignores some of them for some solvers (``ksp_rtol`` with the direct solve), so they are checked here.
NUMERIC_OPTIONS = {
    "_rtol": (float, 0.0, 1.0, "(0, 1)"),
    "_atol": (float, 0.0, None, "[0, inf)"),
    "_dtol": (float, 0.0, None, "(0, inf)"),
    "_divtol": (float, 0.0, None, "(0, inf)"),
    "_threshold": (float, None, None, "a finite number"),
    "_max_it": (int, 1, None, "an integer >= 1"),
    "_restart": (int, 1, None, "an integer >= 1"),
    "_levels": (int, 0, None, "an integer >= 0"),
    "_overlap": (int, 0, None, "an integer >= 0"),
    "_nsmooths": (int, 0, None, "an integer >= 0"),
}


def _check_numeric(key: str, text: str) -> None:
    for ending, (kind, lo, hi, valid) in NUMERIC_OPTIONS.items():
        if not key.endswith(ending):
            continue
        try:
            v = kind(text)
        except ValueError:
            raise ParameterError(f"petsc option {key} = {text!r} is invalid; valid values: {valid}") from None
        exclusive = ending in ("_rtol", "_dtol", "_divtol")
        bad = v != v or v in (float("inf"), float("-inf"))
        bad = bad or (lo is not None and (v <= lo if exclusive else v < lo)) or (hi is not None and v >= hi)
        if bad:
            raise ParameterError(f"petsc option {key} = {text!r} is invalid; valid values: {valid}")


def _option_value(key: str, value) -> str:
    """PETSc's string form of an option value (bools as true/false); known numeric options checked."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        _check_numeric(key, str(value))
        return str(value)
    raise ParameterError(f"petsc option {key} = {value!r} is invalid; valid values: str, int, float or bool")


def petsc_options_from_table(table: Mapping | None) -> dict[str, str]:
    """PETSc options from a ``[solver]`` configuration table (or a dict).

    ``preset`` (``"direct"``, ``"iterative"``, ``"asm"``, ``"gamg_v1"``) expands to that
    option set; every other key is a PETSc option name without its leading
    ``-`` (e.g. ``ksp_rtol = 1e-12``) and overrides the preset.

    Raises
    ------
    ParameterError
        Unknown preset, empty key, a name that no KSP/PC reads (:data:`PETSC_OPTION_PREFIXES`) or a value
        that is not a scalar.
    """
    out: dict[str, str] = {}
    table = dict(table or {})
    preset = table.pop("preset", None)
    if preset is not None:
        if preset not in SOLVER_PRESETS:
            raise ParameterError(f"solver preset = {preset!r} is invalid; valid values: {tuple(SOLVER_PRESETS)}")
        out.update({k: _option_value(k, v) for k, v in SOLVER_PRESETS[preset].items()})
    for key, value in table.items():
        k = str(key).strip().lstrip("-")
        if not k:
            raise ParameterError(f"petsc option name {key!r} is invalid; valid: a PETSc option such as ksp_rtol")
        _check_option_name(k)
        out[k] = _option_value(k, value)
    return out


def parse_petsc_option_args(items: Iterable[str] | None) -> dict[str, str]:
    """``["ksp_type=gmres", "pc_type=gamg", "preset=iterative"]`` -> options dict.

    The command-line form of :func:`petsc_options_from_table`: ``KEY=VALUE``
    (a leading ``-`` on KEY is allowed; ``KEY`` alone means an empty value,
    i.e. a PETSc flag such as ``ksp_view``).
    """
    table: dict[str, str] = {}
    for item in items or ():
        key, sep, value = str(item).partition("=")
        if not key.strip():
            raise ParameterError(f"--petsc-option {item!r} is invalid; valid form: KEY=VALUE (e.g. ksp_rtol=1e-10)")
        table[key.strip().lstrip("-")] = value.strip() if sep else ""
    return petsc_options_from_table(table)


def resolve_petsc_options(petsc_options: Mapping | None) -> dict[str, str]:
    """Defaults + the caller's options (a ``preset`` key expands), with Krylov safeguards."""
    user = petsc_options_from_table(petsc_options)
    opts = {k: _option_value(k, v) for k, v in DEFAULT_PETSC_OPTIONS.items()}
    if user.get("pc_type", opts["pc_type"]) != opts["pc_type"]:
        # another preconditioner: the LU back-end choice would be an unused option
        opts = {k: v for k, v in opts.items() if not k.startswith("pc_factor_")}
    opts.update(user)
    if opts.get("ksp_type", "preonly") != "preonly":
        for k, v in ITERATIVE_SAFEGUARDS.items():
            opts.setdefault(k, _option_value(k, v))
    return opts
