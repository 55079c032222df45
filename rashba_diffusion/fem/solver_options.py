"""PETSc option sets of the linear solver and their parsers (no DOLFINx/PETSc import).

Solver choice goes through PETSc options: a dict in Python (``petsc_options``),
``--petsc-option KEY=VALUE`` on the command line (:func:`parse_petsc_option_args`)
and an options table (a dict, as ``--petsc-option`` builds it: :func:`petsc_options_from_table`;
sweep configs have no solver table, they get a preset by size).
Kept apart from :mod:`.solver` so that command lines validate options before
DOLFINx is imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..errors import ParameterError

#: direct solve: MUMPS LU in double precision (the default of 1D and of 2D below
#: :data:`DIRECT_LARGE_MIN_DOFS`, and of 3D below :data:`MULTIGRID_MIN_DOFS_3D`; exact to round-off in one step)
DIRECT_PETSC_OPTIONS = {
    "ksp_type": "preonly",
    "pc_type": "lu",
    "pc_factor_mat_solver_type": "mumps",
}

#: direct solve of large 2D systems: MUMPS factors in single precision, with block low-rank (BLR)
#: compression, as the preconditioner of FGMRES in double precision (benchmarks/scale/README.md §2,
#: ``rashba-diffusion bench --only mumps2d``).  Measured on the 2D wire (P2, 1 rank, PETSc 3.25 / MUMPS 5.8):
#: at 1e6 dofs the MUMPS memory INFOG(21) falls from 4043 to 1739 MB and the peak RSS from 5.0 to 3.0 GiB
#: (the 4 GiB target), the numeric refactorization from 24.5 to 9.6 s CPU, with 4 FGMRES iterations and
#: torques equal to the double-precision factorization's to 1.6e-13; at 1e5 dofs MUMPS memory 321 → 174 MB,
#: refactorization 1.37 → 0.70 s CPU, 3 iterations, torques to 5e-15.  Why each part:
#:
#: * ``pc_precision single`` (PETSc ≥ 3.25; older PETSc ignores it and factors in double): half the factor
#:   memory and about half the flops' time; the factors are a preconditioner of accuracy ~1e-7, and 2-4
#:   iterations of the outer method in double precision bring the residual to ``ksp_rtol``.
#: * FGMRES, not GMRES: right preconditioning makes ``ksp_rtol`` a bound on the true residual; left-
#:   preconditioned GMRES stopped at a true residual of 8e-7 ‖b‖ (its preconditioned residual met 1e-12).
#: * BLR (ICNTL(35) = 2: compressed factorization and solve; CNTL(7) = 1e-6 dropping tolerance;
#:   ICNTL(37) = 1: compress the contribution blocks too): −24 % factor entries at 1e6 dofs and a faster
#:   factorization; its 1e-6 error is corrected by the outer iterations like the single-precision one's.
#:   Without the outer iterations BLR at 1e-6 gave torque errors of 1.8e-6 at 1e6 dofs.
#: * ``ksp_rtol 1e-12``: the outer iterations are cheap (back-substitutions), so the result is the
#:   double-precision LU's to round-off, as with ``direct``.
#:
#: Orderings were compared too (METIS, PORD, SCOTCH, AMD, QAMD, AMF; ``mumps2d``): PORD needs 17-19 % fewer
#: flops in 2D but its analysis is slower; METIS (MUMPS's own choice) stays.  Out-of-core factors
#: (``mat_mumps_icntl_22 1``) bring the 1e6-dof peak to 2.0 GiB for a 1.2× slower set-up: the fallback when
#: even this does not fit.
DIRECT_LARGE_PETSC_OPTIONS = {
    "ksp_type": "fgmres",
    "ksp_rtol": 1e-12,
    "ksp_atol": 1e-50,
    "ksp_max_it": 100,
    "pc_type": "lu",
    "pc_factor_mat_solver_type": "mumps",
    "pc_precision": "single",
    "mat_mumps_icntl_35": 2,
    "mat_mumps_cntl_7": 1e-6,
    "mat_mumps_icntl_37": 1,
}

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

#: the AMG that solves the coarse (P1) level of ``multigrid`` on this PyPI PETSc: GAMG with the ``iterative``
#: preset's settings (the options of the coarse level's PC, without the ``mg_coarse_`` prefix)
GAMG_COARSE_PC_OPTIONS = {k: v for k, v in ITERATIVE_PETSC_OPTIONS.items() if k.startswith(("pc_", "mg_"))}

#: the coarse level's AMG where PETSc has hypre (conda-forge, Spack; not the PyPI wheel, so NOT TESTED here):
#: BoomerAMG as systems AMG on the node blocks (PETSc passes the matrix block size as its number of
#: functions), nodal coarsening on the blocks' Frobenius norms (6) with the unknown-based interpolation
#: variant 2, HMIS coarsening with extended+i interpolation (≤ 4 entries a row) and strength 0.5 as
#: recommended for 3D, one V-cycle with l1-scaled hybrid Gauss-Seidel (robust for the non-symmetric couplings;
#: plain SOR diverged inside GAMG).  Classical AMG on the P1 operator, not on P2: that is what p-multigrid
#: gives it (AMG on P2 stencils coarsens poorly).  :func:`with_coarse_amg` puts it in place of GAMG.
HYPRE_COARSE_PC_OPTIONS = {
    "pc_type": "hypre",
    "pc_hypre_type": "boomeramg",
    "pc_hypre_boomeramg_nodal_coarsen": 6,
    "pc_hypre_boomeramg_vec_interp_variant": 2,
    "pc_hypre_boomeramg_coarsen_type": "HMIS",
    "pc_hypre_boomeramg_interp_type": "ext+i",
    "pc_hypre_boomeramg_P_max": 4,
    "pc_hypre_boomeramg_strong_threshold": 0.5,
    "pc_hypre_boomeramg_relax_type_all": "l1scaled-SOR/Jacobi",
    "pc_hypre_boomeramg_max_iter": 1,
    "pc_hypre_boomeramg_tol": 0.0,
}

#: h-independent iterative solve of the 3D problems (P2; P1 with a mesh hierarchy): FGMRES preconditioned by
#: p-multigrid (:class:`rashba_diffusion.fem.pmg.PMultigrid`, which :class:`.solver.LinearSolver` builds and
#: attaches when it sees ``pc_type mg`` without ``pc_mg_levels``).  Levels: the P2 matrix A; the P1 space of
#: the same mesh with the Galerkin operator Pᵀ A P (P = DOLFINx's interpolation matrix P1 → P2, restricted to
#: the Dirichlet-constrained spaces); with a mesh hierarchy (``Geometry.coarse_meshes``, from
#: :func:`rashba_diffusion.meshing.refine.refine_geometry`) P1 on every coarser mesh too.  Only A is assembled.
#:
#: * level smoother: 6 GMRES steps with point-block Jacobi (the inverse of each node's bs × bs block;
#:   ``pbjacobi``).  GMRES because the operator is non-symmetric (precession, Rashba, drift) and SOR/Chebyshev
#:   fail on it; point blocks rather than the ``iterative`` preset's block Jacobi/ILU(0): no ILU copy of the
#:   matrix (−31 % peak memory), independent of the partition, and as fast per solve (CPU time ratio 0.97 on
#:   the film box at 2.5e5 dofs, 0.90 on the bilayer stripe at 2e5) for 1-2 more outer iterations;
#: * coarse level: FGMRES to rtol 1e-2 (≤ 30 iterations) preconditioned by GAMG with the ``iterative``
#:   preset's settings (BoomerAMG where PETSc has hypre, :func:`with_coarse_amg`).  The inexact inner solve
#:   keeps the outer count flat: AMG's own growth with refinement moves into the P1 level, which has 8×
#:   fewer dofs and ~20× fewer nonzeros than P2 (one GAMG V-cycle instead: film box 4 → 6 outer iterations
#:   over 38× dofs; with the inner solve 4 → 4);
#: * outer FGMRES (rtol 1e-9 as ``iterative``): the Krylov smoothers and the inner solve make the
#:   preconditioner non-linear.
#:
#: Measured (benchmarks/scale/README.md; ``rashba-diffusion bench --only precond3d``), P2, 1 rank: outer
#: iterations film box 6 / 6 / 6 / 6 over 6500 → 247156 dofs (``iterative``: 6 / 10 / 13 / 17), bilayer
#: stripe 7 / 7 / 7 / 6 over 11070 → 203946 (``iterative``: 4 / 6 / 9 / 10); set-up + solve CPU time
#: ∝ dofs^0.98-1.03 (``iterative``: dofs^1.27-1.34), 0.29-0.45 × ``iterative``'s at the largest size;
#: outputs equal MUMPS's to ≤ 2e-9 relative.  P1 with a hierarchy (geometric multigrid): film box 4 / 4 / 5 / 5
#: over 1092 → 323204 dofs (``iterative``: 4 / 7 / 10 / 18).
MULTIGRID_PETSC_OPTIONS = {
    "ksp_type": "fgmres",
    "ksp_gmres_restart": 30,
    "ksp_rtol": 1e-9,
    "ksp_atol": 1e-50,
    "ksp_max_it": 1000,
    "pc_type": "mg",
    "pc_mg_type": "multiplicative",
    "pc_mg_cycle_type": "v",
    "mg_levels_ksp_type": "gmres",
    "mg_levels_ksp_max_it": 6,
    "mg_levels_pc_type": "pbjacobi",
    "mg_coarse_ksp_type": "fgmres",
    "mg_coarse_ksp_rtol": 1e-2,
    "mg_coarse_ksp_max_it": 30,
    "mg_coarse_ksp_norm_type": "unpreconditioned",
    **{"mg_coarse_" + k: v for k, v in GAMG_COARSE_PC_OPTIONS.items()},
}

#: named option sets, selectable with ``preset`` in an options table or ``--petsc-option preset=...``
SOLVER_PRESETS: dict[str, dict] = {
    "direct": DIRECT_PETSC_OPTIONS,
    "direct_large": DIRECT_LARGE_PETSC_OPTIONS,
    "multigrid": MULTIGRID_PETSC_OPTIONS,
    "iterative": ITERATIVE_PETSC_OPTIONS,
    "asm": ASM_PETSC_OPTIONS,
    "gamg_v1": GAMG_V1_PETSC_OPTIONS,
}

#: 3D systems from this many dofs on are solved with ``multigrid`` by default, smaller ones with ``direct``.
#: Measured (benchmarks/scale/data, 1 rank, set-up + solve wall time under the same load, peak RSS): MUMPS and
#: multigrid take the same time at 1e4 dofs (bilayer stripe 11070 dofs: 0.69 against 0.49 s; 8-nm stripe 9090
#: dofs: 0.58 against 0.66 s; film box 6500 dofs: 0.20 against 0.19 s), and MUMPS is exact in one step, so it
#: stays below.  From 3e4 dofs on MUMPS's 3D fill (time ∝ n², memory ∝ n^(4/3)) loses: 8-nm stripe 30666 dofs
#: 4.5 s / 781 MiB against 2.2 s / 295 MiB; 24-nm stripe 40950 dofs 13.2 s / 1060 MiB against 5.9 s / 350 MiB;
#: 118830 dofs 82 s / 3.8 GiB against 11.7 s / 0.76 GiB.  The crossing lies between 1e4 and 3e4: 2e4.
MULTIGRID_MIN_DOFS_3D = 20_000
#: 2D systems from this many dofs on are solved with ``direct_large`` by default, smaller ones with ``direct``.
#: Below it the gains are small and within the noise of the loaded machine they were measured on (1e4 dofs:
#: equal CPU times; 1e5: −20 % CPU for the full solve, −45 % MUMPS memory), while ``direct`` is exact in one
#: step and costs a sweep point one back-substitution instead of 3-4; above it the single-precision BLR
#: factors halve the memory and the refactorization time (1e6: −40 % peak, −60 % refactorization CPU) and the
#: 1e6-dof wire fits in 3 GiB.  The threshold is where the research stopped recommending the plain LU (≤ 2e5);
#: ``bench --only mumps2d`` measures both presets at 2e5 and 4e5 dofs (docs/performance.md).
DIRECT_LARGE_MIN_DOFS = 200_000


def default_preset(tdim: int, ndofs: int) -> str:
    """The preset a solve gets when its options name no preset, ``ksp_type`` or ``pc_type``.

    Parameters
    ----------
    tdim
        Topological dimension of the mesh (1, 2 or 3).
    ndofs
        Global number of degrees of freedom.

    Returns
    -------
    str
        ``"multigrid"`` for 3D from :data:`MULTIGRID_MIN_DOFS_3D` dofs on, ``"direct_large"`` for 2D from
        :data:`DIRECT_LARGE_MIN_DOFS` on, ``"direct"`` otherwise (1D, and the smaller 2D and 3D systems).
    """
    if tdim >= 3 and ndofs >= MULTIGRID_MIN_DOFS_3D:
        return "multigrid"
    if tdim == 2 and ndofs >= DIRECT_LARGE_MIN_DOFS:
        return "direct_large"
    return "direct"


def with_coarse_amg(options: Mapping[str, str], hypre: bool, explicit: Iterable[str] = ()) -> dict[str, str]:
    """The options with BoomerAMG in place of GAMG on the coarse level of ``multigrid`` when ``hypre`` is true.

    Parameters
    ----------
    options
        Resolved options (:func:`resolve_petsc_options`).
    hypre
        Whether PETSc has hypre (:func:`rashba_diffusion.fem._compat.has_external_package`).
    explicit
        Option names the caller set explicitly: an explicit ``mg_coarse_pc_type`` is kept as it is.

    Returns
    -------
    dict
        ``options`` unchanged unless ``hypre`` and the coarse PC is the preset's GAMG; then every
        ``mg_coarse_pc_*``/``mg_coarse_mg_*`` option is replaced by :data:`HYPRE_COARSE_PC_OPTIONS`.
    """
    out = dict(options)
    if not hypre or out.get("mg_coarse_pc_type") != "gamg" or "mg_coarse_pc_type" in set(explicit):
        return out
    out = {k: v for k, v in out.items() if not k.startswith(("mg_coarse_pc_", "mg_coarse_mg_"))}
    out.update({"mg_coarse_" + k: _option_value(k, v) for k, v in HYPRE_COARSE_PC_OPTIONS.items()})
    return out

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
    """PETSc options from an options table (a dict, e.g. from ``--petsc-option``).

    ``preset`` (a name of :data:`SOLVER_PRESETS`) expands to that
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


def resolve_petsc_options(petsc_options: Mapping | None, default: str = "direct") -> dict[str, str]:
    """The options of a solve: a base preset + the caller's options (a ``preset`` key expands), with Krylov
    safeguards.

    The base is the caller's ``preset``; else, when the caller sets ``ksp_type`` or ``pc_type``, ``direct``
    (whose LU back-end choice is dropped if ``pc_type`` is another); else ``default`` (the size-dependent
    choice of :func:`default_preset`).  The caller's other options override the base.
    """
    table = dict(petsc_options or {})
    user = petsc_options_from_table(table)
    chosen = "preset" in table or "ksp_type" in user or "pc_type" in user
    base = SOLVER_PRESETS["direct" if chosen else default]
    opts = {k: _option_value(k, v) for k, v in base.items()}
    if user.get("pc_type", opts["pc_type"]) != opts["pc_type"]:
        # another preconditioner: the LU back-end choice would be an unused option
        opts = {k: v for k, v in opts.items() if not k.startswith("pc_factor_")}
    opts.update(user)
    if opts.get("ksp_type", "preonly") != "preonly":
        for k, v in ITERATIVE_SAFEGUARDS.items():
            opts.setdefault(k, _option_value(k, v))
    return opts
