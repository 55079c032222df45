"""``rashba-diffusion pumping``: spin and charge pumping and the damping of a precessing magnetization.

``--geometry bulk`` (default): the exact periodic state of the infinite film (no mesh, no DOLFINx);
``1d``/``2d``: finite elements with time stepping (docs/model.md §12).
"""

from __future__ import annotations

import argparse

from ..errors import ParameterError
from ..physics.macrospin import DEFAULT_MAX_STEPS
from ..physics.pumping import TEXTURES, MagnetLayer, Precession, PumpingPoint
from ..physics.rashba import validity_warnings
from ..problems.specs import DEFAULT_PERIODS, DEFAULT_STEPS_PER_PERIOD, PumpingSpec
from ..validation import check_limit, check_size
from .common import (
    add_film_args,
    add_json_arg,
    add_magnet_args,
    add_max_dofs_arg,
    add_out_arg,
    declare_check,
    film_from_args,
    finish,
    magnet_inputs,
    vector_arg,
    warn,
)
from .contract import job_rank_size


def add_parser(sub) -> None:
    """Register ``pumping`` on the CLI's subparsers."""
    p = sub.add_parser("pumping", help="spin and charge pumping, damping of a precessing magnetization (Sec. VI)")
    add_film_args(p)
    g = p.add_argument_group("the magnetization's motion: m = cosθ n̂ + sinθ (cosφ e1 + sinφ e2), φ = ωt − kx")
    g.add_argument("--precession-axis", type=vector_arg, default=(0.0, 0.0, 1.0),
                   help="unit axis n̂ (default 0,0,1); m turns about it like free precession about a field along n̂")
    g.add_argument("--cone-angle-deg", type=float, default=30.0, help="cone angle θ between m and n̂ (deg, (0, 180))")
    g.add_argument("--frequency-ghz", type=float, default=10.0, help="precession frequency f = ω/2π (GHz, > 0)")
    g.add_argument("--texture", choices=TEXTURES, default="uniform",
                   help="uniform precession, or a helix with wavevector k x̂ (a cycloid for n̂ ⟂ x̂)")
    g.add_argument("--wavevector-per-nm", type=float, default=None, help="k of the helix (1/nm, any sign)")
    g = p.add_argument_group("model")
    g.add_argument("--sec6-model", action="store_true",
                   help="the paper's Sec. VI assumptions: no D'yakonov-Perel relaxation, B = Γ = R = 0")
    g = p.add_argument_group("magnet (for the Gilbert damping enhancement and γ_eff/γ)")
    add_magnet_args(g, "for the damping enhancement")
    g = p.add_argument_group("geometry and time stepping")
    g.add_argument("--geometry", choices=("bulk", "1d", "2d"), default="bulk",
                   help="bulk: the infinite film, exact (default); 1d: a line along x; 2d: an L×W rectangle "
                        "(finite elements, time stepping)")
    g.add_argument("--length-nm", type=float, default=None, help="sample length L along x (nm; default 200)")
    g.add_argument("--width-nm", type=float, default=None, help="2d sample width W (nm; default 200)")
    g.add_argument("--cell-nm", type=float, default=None,
                   help="cell size (nm; 2d: at the edges); default from the shortest physical length")
    g.add_argument("--degree", type=int, choices=(1, 2, 3), default=2, help="Lagrange degree")
    g.add_argument("--dt-ps", type=float, default=None,
                   help=f"largest time step (ps, <= the period); default period/{DEFAULT_STEPS_PER_PERIOD}")
    g.add_argument("--periods", type=int, default=DEFAULT_PERIODS,
                   help=f"periods integrated from δS = 0, the last one averaged (>= 2; default {DEFAULT_PERIODS})")
    g.add_argument("--scheme", choices=("bdf1", "bdf2"), default="bdf2", help="time discretization (default bdf2)")
    add_out_arg(p, "directory for summary.json, timeseries.csv and (1d, 2d) fields.vtu (the last step); replaced "
                "as a set")
    g.add_argument("--max-steps", type=float, default=DEFAULT_MAX_STEPS, metavar="N",
                   help=f"refuse a run of more time steps than this (1d, 2d; default {DEFAULT_MAX_STEPS:g}; inf: no "
                   "limit)")
    declare_check(p, lambda a: check_limit("--max-steps", a.max_steps))
    add_max_dofs_arg(p)
    add_json_arg(p)
    p.set_defaults(func=cmd_pumping)


def pumping_inputs(a: argparse.Namespace) -> tuple[PumpingPoint, PumpingSpec]:
    """The validated point and spec of the flags (nothing heavy imported)."""
    film = film_from_args(a)
    k = a.wavevector_per_nm
    if a.texture == "helix" and k is None:
        raise ParameterError("wavevector_per_nm is unset (1/nm), which is invalid with texture = 'helix'; valid "
                             "range: any real k (1/nm, either sign), given by --wavevector-per-nm")
    precession = Precession(a.frequency_ghz, a.cone_angle_deg, a.precession_axis, a.texture,
                            0.0 if k is None else k)
    if a.texture == "uniform" and k is not None:
        raise ParameterError(f"wavevector_per_nm = {k!r} 1/nm is invalid with texture = 'uniform'; valid: "
                             "leave it unset, or --texture helix")
    magnet = magnet_inputs(a, "for the damping enhancement")
    point = PumpingPoint(film, precession, a.sec6_model, None if magnet is None else MagnetLayer(*magnet))
    point.model()  # validates the model (e.g. some longitudinal relaxation must exist)
    spec = PumpingSpec(a.geometry, a.length_nm, a.width_nm, a.cell_nm, a.degree, a.dt_ps, a.periods, a.scheme)
    if spec.geometry != "bulk":
        per_period = spec.steps_per_period(precession.period_ps)  # a step longer than the period is an error
        check_size(f"time steps ({spec.periods} periods × {per_period} steps)", spec.periods * per_period,
                   a.max_steps, "--max-steps")
        h = spec.resolved_cell_nm(film)
        check_size(f"degrees of freedom of the {spec.geometry} sample (cell {h:.3g} nm, degree {spec.degree}; "
                   "estimated)", spec.estimate_dofs(film), a.max_dofs, "--max-dofs")
        warn(validity_warnings(film, h))
    else:
        warn(validity_warnings(film))
    return point, spec


def cmd_pumping(a: argparse.Namespace) -> int:
    """Handler of ``rashba-diffusion pumping``: validate everything, then solve and print (and write ``--out`` as
    one set after the summary is known to be finite)."""
    point, spec = pumping_inputs(a)
    if spec.geometry == "bulk":
        from ..problems.pumping_bulk import solve_bulk_pumping, write_bulk_outputs

        summary, series = solve_bulk_pumping(point, spec)
        summary["ranks"] = 1
        rank = job_rank_size()[0]  # no MPI here; under mpiexec every rank solves alike, rank 0 writes and prints
        return finish(a, summary, rank,
                      write=(lambda: write_bulk_outputs(a.out, summary, series, command=a.command_line))
                      if a.out and rank == 0 else None)
    # everything is validated: only now import DOLFINx and solve
    from ..fem._compat import MPI
    from ..problems.outputs import write_outputs
    from ..problems.pumping import solve_pumping

    comm = MPI.COMM_WORLD
    result = solve_pumping(point, spec, comm)
    return finish(a, result.summary, comm.rank,
                  write=(lambda: write_outputs(a.out, result, plot=False, command=a.command_line)) if a.out else None)
