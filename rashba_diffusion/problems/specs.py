"""Geometry and discretization of the wire and of the bilayer, with their defaults (light: no DOLFINx).

The command line and the TOML schema validate these before any heavy import; the sessions
(:mod:`.wire`, :mod:`.bilayer`) mesh them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..errors import ParameterError
from ..fem.time import steps_per_interval
from ..meshing.specs import BULK_CELL_RATIO, BilayerStripeMesh, WireMesh, lagrange_nodes
from ..physics.bilayer import Ferromagnet, HeavyMetal, Interface, lengths_nm
from ..physics.rashba import Film
from ..validation import check_degree, check_length, check_positive

GeometryKind = Literal["1d", "2d"]
#: default cell size as a fraction of the shortest physical length
CELL_FRACTION_1D = 0.1
CELL_FRACTION_2D = 0.5


#: the wire's width of ``rashba-diffusion wire`` and of :class:`WireSpec` when none is given (nm; the paper's)
DEFAULT_WIRE_WIDTH_NM = 50.0


@dataclass(frozen=True)
class WireSpec:
    """Geometry and discretization of a wire (all lengths in nm).

    ``cell_nm = None`` picks a cell size from the shortest physical length
    (1D: a tenth of it, uniform; 2D: half of it at the edges, growing 8x in the
    bulk).  ``length_nm`` is used by the 2D view only (default: 4 W or
    10 λsf, whichever is larger, so that the contacts do not reach the middle).
    """

    width_nm: float = DEFAULT_WIRE_WIDTH_NM
    geometry: GeometryKind = "1d"
    length_nm: float | None = None
    cell_nm: float | None = None
    degree: int = 2

    def __post_init__(self) -> None:
        object.__setattr__(self, "width_nm", check_length("width_nm", self.width_nm))
        if self.geometry not in ("1d", "2d"):
            raise ParameterError(f"geometry = {self.geometry!r} is invalid; valid values: '1d', '2d'")
        if self.length_nm is not None:
            object.__setattr__(self, "length_nm", check_length("length_nm", self.length_nm))
        if self.cell_nm is not None:
            h = check_length("cell_nm", self.cell_nm)
            if h > self.width_nm / 2:
                raise ParameterError(
                    f"cell_nm = {self.cell_nm!r} nm is invalid; valid range: (0, width_nm/2 = {self.width_nm / 2:g}]"
                )
            object.__setattr__(self, "cell_nm", h)
        object.__setattr__(self, "degree", check_degree(self.degree))


def default_wire_cell_nm(film: Film, spec: WireSpec) -> float:
    """Cell size that resolves ``film``'s shortest physical length (``spec.cell_nm`` is ignored)."""
    lam = film.coefficients().shortest_length_nm()
    frac = CELL_FRACTION_1D if spec.geometry == "1d" else CELL_FRACTION_2D
    h = frac * lam if math.isfinite(lam) else spec.width_nm / 100
    return min(h, spec.width_nm / 20)


def default_wire_length_nm(film: Film, spec: WireSpec) -> float:
    """Length of the 2D wire when ``spec.length_nm`` is not given: max(4 W, 10 λsf)."""
    lam_sf = film.coefficients().lengths_nm()["lambda_sf"]
    return max(4 * spec.width_nm, 10 * lam_sf if math.isfinite(lam_sf) else 0.0)


#: unknowns per node of the Rashba film: s_x, s_y, s_z, ν
RASHBA_COMPONENTS = 4


def wire_mesh_spec(film: Film, spec: WireSpec) -> WireMesh:
    """The gmsh specification of the 2D wire of ``spec`` (defaults from ``film``): edge cells ``cell_nm``, bulk
    cells min(8 h, W/10), refined layer min(W/4, 8 × the shortest physical length)."""
    h = spec.cell_nm or default_wire_cell_nm(film, spec)
    length = spec.length_nm or default_wire_length_nm(film, spec)
    layer = min(spec.width_nm / 4, 8 * film.coefficients().shortest_length_nm())
    return WireMesh(length, spec.width_nm, h, cell_bulk_nm=min(8 * h, spec.width_nm / 10), edge_layer_nm=layer)


def cross_section_cells(width_nm: float, cell_nm: float) -> int:
    """Cells of the 1D cross-section (:func:`rashba_diffusion.meshing.structured.cross_section`)."""
    return max(2, math.ceil(width_nm / cell_nm))


def estimate_wire_dofs(film: Film, spec: WireSpec) -> float:
    """Degrees of freedom of the wire of ``spec`` (1D: exact; 2D: estimated from the gmsh size field), before
    any mesh is built."""
    h = spec.cell_nm or default_wire_cell_nm(film, spec)
    if spec.geometry == "1d":
        return RASHBA_COMPONENTS * lagrange_nodes(cross_section_cells(spec.width_nm, h), 1, spec.degree)
    return RASHBA_COMPONENTS * lagrange_nodes(wire_mesh_spec(film, spec).estimate_cells(), 2, spec.degree)


def most_demanding(films: Sequence[Film]) -> Film:
    """The film with the smallest ``shortest_length_nm()``: its default mesh resolves all of them."""
    return min(films, key=lambda f: f.coefficients().shortest_length_nm())


def resolve_wire_spec(films: Sequence[Film], spec: WireSpec) -> WireSpec:
    """``spec`` with ``cell_nm`` (and, in 2D, ``length_nm``) filled in so that one mesh serves every film.

    The default cell is that of the most demanding film (smallest shortest
    physical length); the default 2D length is the largest default over the
    films.  Explicit values in ``spec`` are kept.
    """
    cell = spec.cell_nm if spec.cell_nm is not None else min(default_wire_cell_nm(f, spec) for f in films)
    length = spec.length_nm
    if spec.geometry == "2d" and length is None:
        length = max(default_wire_length_nm(f, spec) for f in films)
    return dataclasses.replace(spec, cell_nm=cell, length_nm=length)


# --------------------------------------------------------------------------- bilayer
BilayerGeometryKind = Literal["1d", "2d", "3d"]
ChargeCurrentKind = Literal["uniform", "contacts"]
#: default cell size (3D: the cell height at the interface) as a fraction of the shortest length, Lagrange degree 2
BILAYER_CELL_FRACTION = {"1d": 0.05, "2d": 0.25, "3d": 0.25}
#: default 2D width in units of the longest HM/FM length: the middle is then free of edge effects
WIDTH_IN_LENGTHS = 16.0


@dataclass(frozen=True)
class BilayerSpec:
    """Discretization and drive of the bilayer (lengths in nm).

    ``geometry = "1d"``: the film, infinite in-plane (coordinate z); ``"2d"``: the cross-section (y, z) of a
    stripe of width ``width_nm`` with free side faces (structured mesh); ``"3d"``: the gmsh stripe
    (:class:`BilayerStripeMesh`) of length ``length_nm`` (default: the width) along the current, with contacts
    at x = 0 and x = L.  ``cell_nm = None``: a fraction of the shortest length (3D: the cell height at the
    interface, growing away from it up to ``BULK_CELL_RATIO`` times, the in-plane cells as large as that).

    ``charge_current``: ``"uniform"`` (j_N x̂ in the HM) or ``"contacts"`` (the potential solved between the
    contact facets, :mod:`rashba_diffusion.models.charge`; 3D meshes only); ``None``: contacts when the mesh is
    3D and has them.
    """

    geometry: BilayerGeometryKind = "1d"
    width_nm: float | None = None
    cell_nm: float | None = None
    degree: int = 2
    length_nm: float | None = None
    charge_current: ChargeCurrentKind | None = None

    def __post_init__(self) -> None:
        if self.geometry not in ("1d", "2d", "3d"):
            raise ParameterError(f"geometry = {self.geometry!r} is invalid; valid values: '1d', '2d', '3d'")
        for name in ("width_nm", "cell_nm", "length_nm"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, check_length(name, getattr(self, name)))
        if self.charge_current not in (None, "uniform", "contacts"):
            raise ParameterError(f"charge_current = {self.charge_current!r} is invalid; valid values: 'uniform', "
                                 "'contacts'")
        object.__setattr__(self, "degree", check_degree(self.degree))


def default_bilayer_cell_nm(hm: HeavyMetal, fm: Ferromagnet, spec: BilayerSpec) -> float:
    """``spec.cell_nm``, else :data:`BILAYER_CELL_FRACTION` of the shortest length (nm)."""
    return spec.cell_nm or BILAYER_CELL_FRACTION[spec.geometry] * min(lengths_nm(hm, fm))


def default_bilayer_width_nm(hm: HeavyMetal, fm: Ferromagnet, spec: BilayerSpec) -> float:
    """``spec.width_nm``, else :data:`WIDTH_IN_LENGTHS` times the longest length (nm)."""
    return spec.width_nm or WIDTH_IN_LENGTHS * max(lengths_nm(hm, fm))


#: fewest in-plane cells across the 3D stripe's width and length by default
MIN_LATERAL_CELLS = 4


def bilayer_stripe_spec(hm: HeavyMetal, fm: Ferromagnet, spec: BilayerSpec) -> BilayerStripeMesh:
    """The validated :class:`BilayerStripeMesh` of ``spec.geometry = "3d"`` (nothing is meshed yet).

    An ideal-sink FM (no thickness given) is one cell layer of height ``cell_nm``: its unknowns are pinned to 0.
    """
    h = default_bilayer_cell_nm(hm, fm, spec)
    width = default_bilayer_width_nm(hm, fm, spec)
    length = spec.length_nm or width
    d_f = fm.thickness_nm or h
    lateral = min(BULK_CELL_RATIO * h, width / MIN_LATERAL_CELLS, length / MIN_LATERAL_CELLS)
    return BilayerStripeMesh(length, width, hm.thickness_nm, d_f, h, cell_max_nm=max(lateral, h),
                             lateral_cell_nm=lateral)


def bilayer_components(fm: Ferromagnet, interface: Interface) -> int:
    """Unknowns per node of the bilayer: μ_N and μ_F (6) with a mixing interface and a finite FM, else 3."""
    return 6 if (interface.kind == "mixing" and not fm.is_ideal_sink) else 3


def estimate_bilayer_dofs(hm: HeavyMetal, fm: Ferromagnet, interface: Interface, spec: BilayerSpec) -> float:
    """Degrees of freedom of the generated bilayer mesh of ``spec`` (1D, 2D: exact; 3D: estimated), before any
    mesh is built (:func:`rashba_diffusion.meshing.structured.bilayer_mesh`, :func:`bilayer_stripe_spec`)."""
    ncomp = bilayer_components(fm, interface)
    if spec.geometry == "3d":
        return ncomp * lagrange_nodes(bilayer_stripe_spec(hm, fm, spec).estimate_cells(), 3, spec.degree)
    h = default_bilayer_cell_nm(hm, fm, spec)
    layers = max(2, math.ceil(hm.thickness_nm / h))
    if not fm.is_ideal_sink:
        layers += max(2, math.ceil(fm.thickness_nm / h))
    if spec.geometry == "1d":
        return ncomp * lagrange_nodes(layers, 1, spec.degree)
    columns = max(2, math.ceil(default_bilayer_width_nm(hm, fm, spec) / h))
    p = spec.degree  # a structured grid of columns × layers rectangles: (p n_y + 1)(p n_z + 1) nodes
    return ncomp * (p * columns + 1) * (p * layers + 1)


# --------------------------------------------------------------------------- domain wall (1D LLG)
#: default wire length in wall widths Δ (the moving window keeps the wall in the middle: 16 Δ of domain each side)
WALL_LENGTH_WIDTHS = 32.0
#: the shortest wire accepted, in wall widths (the wall's tails, ∝ exp(−|x − q|/Δ), must fit)
WALL_MIN_LENGTH_WIDTHS = 12.0
#: default cell: Δ/8 (the lumped P1 exchange's relative error in the wall is ~ (h/Δ)²/12); with spin diffusion at
#: most the spin's shortest length (docs/model.md §14.6: the FE spin response must resolve it)
WALL_CELL_FRACTION = 1.0 / 8.0
#: the coarsest cell accepted, in wall widths
WALL_MAX_CELL_WIDTHS = 0.5
#: default time step (s)
WALL_DT_S = 1e-12
#: the longest simulated time and time step accepted (s; docs/reliability.md, "Bounds"): far beyond a
#: micromagnetic run (ns); the number of steps is bounded by --max-steps in any case
MAX_TIME_S = 1e-3
#: default number of time-series rows at most (every step when there are fewer steps)
WALL_MAX_ROWS = 2000
#: the fewest time steps of a run (the velocity is fitted on the last quarter of the steps)
WALL_MIN_STEPS = 8


@dataclass(frozen=True)
class DomainWallSpec:
    """The 1D wire of a domain-wall run and its time stepping (lengths in nm, times in s).

    ``None`` fields take their defaults from the wall width Δ (:func:`resolve_domain_wall_spec`).  ``window``: keep
    the wall in the middle by shifting the fields by whole cells (a moving window); off: the wall must stay at least
    :data:`WALL_MIN_LENGTH_WIDTHS`/2 Δ from the ends.  ``spin_degree``: Lagrange degree of the spin accumulation
    (``--torque spin-diffusion``).  ``rows``: time-series rows at most; ``snapshots``: field snapshots (0: none).
    """

    t_end_s: float
    length_nm: float | None = None
    cell_nm: float | None = None
    dt_s: float = WALL_DT_S
    window: bool = True
    spin_degree: int = 1
    rows: int = WALL_MAX_ROWS
    snapshots: int = 0

    def __post_init__(self) -> None:
        s = object.__setattr__
        s(self, "t_end_s", check_positive("t_end_s", self.t_end_s, "s", upper=MAX_TIME_S))
        s(self, "dt_s", check_positive("dt_s", self.dt_s, "s", upper=MAX_TIME_S))
        if self.dt_s * WALL_MIN_STEPS > self.t_end_s * (1 + 1e-9):
            raise ParameterError(f"dt_s = {self.dt_s!r} s is invalid; valid range: (0, t_end_s/{WALL_MIN_STEPS} = "
                                 f"{self.t_end_s / WALL_MIN_STEPS:g}] (at least {WALL_MIN_STEPS} steps)")
        for name in ("length_nm", "cell_nm"):
            if getattr(self, name) is not None:
                s(self, name, check_length(name, getattr(self, name)))
        if not isinstance(self.window, bool):
            raise ParameterError(f"window = {self.window!r} is invalid; valid values: True, False")
        s(self, "spin_degree", check_degree(self.spin_degree))
        for name, low in (("rows", 2), ("snapshots", 0)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < low:
                raise ParameterError(f"{name} = {v!r} is invalid; valid range: integer >= {low}")


def resolve_domain_wall_spec(spec: DomainWallSpec, width_nm: float, spin_length_nm: float | None = None
                             ) -> DomainWallSpec:
    """``spec`` with the defaults filled in and checked against the wall width Δ (nm) and, with spin diffusion, the
    spin's shortest length (nm): the wire at least :data:`WALL_MIN_LENGTH_WIDTHS` Δ long, cells at most
    :data:`WALL_MAX_CELL_WIDTHS` Δ and at most length/20."""
    w = check_positive("width_nm", width_nm, "nm")
    cell = spec.cell_nm
    if cell is None:
        cell = WALL_CELL_FRACTION * w if spin_length_nm is None else min(WALL_CELL_FRACTION * w, spin_length_nm)
    length = spec.length_nm if spec.length_nm is not None else WALL_LENGTH_WIDTHS * w
    if length < WALL_MIN_LENGTH_WIDTHS * w:
        raise ParameterError(f"length_nm = {length!r} nm is invalid for a wall of width {w:.4g} nm; valid range: "
                             f">= {WALL_MIN_LENGTH_WIDTHS:g} wall widths = {WALL_MIN_LENGTH_WIDTHS * w:.4g} nm")
    if cell > WALL_MAX_CELL_WIDTHS * w or cell > length / 20:
        raise ParameterError(f"cell_nm = {cell!r} nm is invalid; valid range: (0, min({WALL_MAX_CELL_WIDTHS:g} wall "
                             f"widths, length_nm/20) = {min(WALL_MAX_CELL_WIDTHS * w, length / 20):.4g}] nm")
    return dataclasses.replace(spec, cell_nm=cell, length_nm=length)


# --------------------------------------------------------------------------- pumping
PumpingGeometryKind = Literal["bulk", "1d", "2d"]
#: default length (1d, 2d) and width (2d) of the pumping sample (nm)
DEFAULT_PUMPING_LENGTH_NM = 200.0
DEFAULT_PUMPING_WIDTH_NM = 200.0
#: default time steps per period of the drive, and periods (the last one is averaged)
DEFAULT_STEPS_PER_PERIOD = 32
DEFAULT_PERIODS = 3
#: default fraction of the length (and width) at the centre over which the FE results are averaged
DEFAULT_INTERIOR_FRACTION = 0.5


@dataclass(frozen=True)
class PumpingSpec:
    """Geometry and time discretization of a pumping run (lengths in nm, the step in ps).

    ``geometry = "bulk"``: the exact periodic state of the infinite film (spectral in the phase, no mesh, no
    time steps; every other field must be left at its default).  ``"1d"``: a line 0 ≤ x ≤ ``length_nm`` along
    the helix's wavevector, uniform cells of ``cell_nm``, infinite and uniform along y; ``"2d"``: the rectangle
    [0, L] × [0, W], its cells graded toward the four edges (``cell_nm`` at the edges, 19× that in the
    middle).  Both have contacts (ν = 0: short-circuited) at x = 0 and x = L and natural conditions elsewhere
    (zero normal spin and charge current); averages are taken over the central ``interior_fraction`` of the
    length (and width).

    Time: ``scheme`` BDF1 or BDF2 with the step period/n, n the fewest steps with a step <= ``dt_ps``
    (default: :data:`DEFAULT_STEPS_PER_PERIOD` per period; a step longer than the period is an error, checked
    against the point's period by :meth:`time_grid`); ``periods`` periods from δS = ν = 0, the last one
    averaged.  ``cell_nm = None``: a tenth (1d) or a half (2d, at the edges) of the film's shortest length.
    """

    geometry: PumpingGeometryKind = "bulk"
    length_nm: float | None = None
    width_nm: float | None = None
    cell_nm: float | None = None
    degree: int = 2
    dt_ps: float | None = None
    periods: int = DEFAULT_PERIODS
    scheme: str = "bdf2"
    interior_fraction: float = DEFAULT_INTERIOR_FRACTION

    def __post_init__(self) -> None:
        if self.geometry not in ("bulk", "1d", "2d"):
            raise ParameterError(f"geometry = {self.geometry!r} is invalid; valid values: 'bulk', '1d', '2d'")
        for name in ("length_nm", "width_nm", "cell_nm"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, check_length(name, getattr(self, name)))
        if self.dt_ps is not None:
            object.__setattr__(self, "dt_ps", check_positive("dt_ps", self.dt_ps, "ps", upper=MAX_TIME_S * 1e12))
        object.__setattr__(self, "degree", check_degree(self.degree))
        if isinstance(self.periods, bool) or not isinstance(self.periods, int) or self.periods < 2:
            raise ParameterError(f"periods = {self.periods!r} is invalid; valid range: integer >= 2 (at least one "
                                 "period of transient, then the averaged one)")
        if self.scheme not in ("bdf1", "bdf2"):
            raise ParameterError(f"scheme = {self.scheme!r} is invalid; valid values: 'bdf1', 'bdf2'")
        f = check_positive("interior_fraction", self.interior_fraction, "(dimensionless)")
        if f > 1.0:
            raise ParameterError(f"interior_fraction = {f!r} is invalid; valid range: (0, 1]")
        if self.geometry == "bulk":
            given = [n for n in ("length_nm", "width_nm", "cell_nm", "dt_ps") if getattr(self, n) is not None]
            if given:
                unit = "ps" if given[0] == "dt_ps" else "nm"
                raise ParameterError(f"{given[0]} = {getattr(self, given[0])!r} {unit} is invalid with geometry = "
                                     "'bulk' (no mesh, no time steps); valid: leave it unset, or geometry '1d'/'2d'")
        if self.geometry == "1d" and self.width_nm is not None:
            raise ParameterError(f"width_nm = {self.width_nm!r} nm is invalid with geometry = '1d' (infinite along "
                                 "y); valid: leave it unset, or geometry '2d'")
        if self.cell_nm is not None and self.geometry != "bulk":
            size = min(self.resolved_length_nm, self.resolved_width_nm or math.inf)
            if self.cell_nm > size / 4:
                raise ParameterError(f"cell_nm = {self.cell_nm!r} nm is invalid; valid range: (0, {size / 4:g}] "
                                     "(a quarter of the sample)")

    @property
    def resolved_length_nm(self) -> float:
        return self.length_nm or DEFAULT_PUMPING_LENGTH_NM

    @property
    def resolved_width_nm(self) -> float | None:
        return (self.width_nm or DEFAULT_PUMPING_WIDTH_NM) if self.geometry == "2d" else None

    def resolved_cell_nm(self, film: Film) -> float:
        """``cell_nm``, else the default of ``film`` (a tenth of its shortest length in 1d, a half in 2d)."""
        if self.cell_nm is not None:
            return self.cell_nm
        lam = film.coefficients().shortest_length_nm()
        frac = CELL_FRACTION_1D if self.geometry == "1d" else CELL_FRACTION_2D
        return min(frac * lam if math.isfinite(lam) else self.resolved_length_nm / 100, self.resolved_length_nm / 20)

    def estimate_dofs(self, film: Film, components: int = RASHBA_COMPONENTS) -> int:
        """Degrees of freedom of the mesh of this spec (0 for bulk), before any mesh is built: exact in 1d, an upper
        bound in 2d (:func:`~rashba_diffusion.meshing.structured.pumping_rectangle` grades its cells: fewer)."""
        if self.geometry == "bulk":
            return 0
        h, p = self.resolved_cell_nm(film), self.degree
        nodes = [p * max(4, math.ceil(size / h)) + 1 for size in (self.resolved_length_nm, self.resolved_width_nm)
                 if size is not None]
        return components * math.prod(nodes)

    def steps_per_period(self, period_ps: float) -> int:
        """Time steps per period of the drive: the fewest with a step <= ``dt_ps`` (ParameterError if ``dt_ps``
        exceeds the period)."""
        if self.dt_ps is None:
            return DEFAULT_STEPS_PER_PERIOD
        return steps_per_interval(period_ps, self.dt_ps, name="dt_ps", unit="ps")
