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
from ..meshing.specs import BULK_CELL_RATIO, BilayerStripeMesh, WireMesh, lagrange_nodes
from ..physics.bilayer import Ferromagnet, HeavyMetal, Interface, lengths_nm
from ..physics.rashba import Film
from ..validation import check_degree, check_length

GeometryKind = Literal["1d", "2d"]
#: default cell size as a fraction of the shortest physical length
CELL_FRACTION_1D = 0.1
CELL_FRACTION_2D = 0.5


@dataclass(frozen=True)
class WireSpec:
    """Geometry and discretization of a wire (all lengths in nm).

    ``cell_nm = None`` picks a cell size from the shortest physical length
    (1D: a tenth of it, uniform; 2D: half of it at the edges, growing 8x in the
    bulk).  ``length_nm`` is used by the 2D view only (default: 4 W or
    10 λsf, whichever is larger, so that the contacts do not reach the middle).
    """

    width_nm: float
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
