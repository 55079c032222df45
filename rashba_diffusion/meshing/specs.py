"""Mesh specifications: frozen, validated dataclasses, one per generator (light: no gmsh, no DOLFINx at import).

Bad input raises :class:`~rashba_diffusion.errors.ParameterError` before gmsh runs.  The fields of each spec
(and its ``HELP``) define the flags of ``rashba-diffusion mesh KIND`` and the ``[mesh]`` table of a film sweep,
so the library, the command line and the configuration cannot drift apart.  ``build(gmsh)`` creates the
geometry, physical groups and mesh in the current gmsh model; :mod:`.gmsh_build` runs it.

==================================  ===  ====================  =========================================
kind: spec                          dim  cells                 facets
==================================  ===  ====================  =========================================
``wire``: WireMesh                  2D   film                  edge_low, edge_high, contact_left,
                                                               contact_right, midline (interior)
``hall-bar``: HallBarMesh           2D   film                  contact_left, contact_right, edges,
                                                               probe_top_k, probe_bottom_k (k = 1, 2, ...)
``notch``: NotchedWireMesh          2D   film                  contact_left, contact_right, edges,
                                                               midline (interior, through the constriction)
``bilayer``: BilayerCrossSection-   2D   hm (z < 0),           interface (interior, z = 0), hm_bottom,
Mesh                                     fm (z > 0)            fm_top, sides (y = 0, W)
``bilayer-3d``: BilayerStripeMesh   3D   hm, fm                interface, hm_bottom, fm_top, sides,
                                                               contact_left (x = 0), contact_right (x = L)
==================================  ===  ====================  =========================================

The bilayer cross-section's mesh coordinates (x0, x1) are the physical
(y, z); the stripe's are (x, y, z).  Both are extruded across the thickness
in layers that grow geometrically away from the interface z = 0.  Tag numbers: :mod:`.tags`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from ..errors import ParameterError
from ..validation import check_length
from .gmsh_tools import (
    add_film,
    add_groups,
    boundary_curves,
    contact_tag,
    extrude_layers,
    group_by_bbox,
    layer_heights,
    refine_toward,
)
from .tags import (
    BILAYER_FACETS,
    CONTACT_FACETS,
    CONTACT_LEFT,
    CONTACT_RIGHT,
    EDGE_HIGH,
    EDGE_LOW,
    EDGES,
    FM,
    FM_TOP,
    HM,
    HM_BOTTOM,
    INTERFACE,
    MIDLINE,
    SIDES,
    WIRE_FACETS,
    probe_tags,
)

#: relative tolerance (of the smallest dimension) when classifying boundary entities
CLASSIFY_TOL = 1e-6
#: default ratio of the largest to the smallest cell
BULK_CELL_RATIO = 8.0
#: default geometric growth of the layer heights away from the bilayer interface
LAYER_GROWTH = 1.2

#: triangles per unit area of a triangulation with edge length h, times h²: 1/(√3 h²/4)
TRIANGLES_PER_H2 = 4.0 / math.sqrt(3.0)
#: tetrahedra per prism of an extruded triangle
TETS_PER_PRISM = 3


def graded_cells(area_nm2: float, refined_nm: float, cell_nm: float, cell_bulk_nm: float,
                 layer_nm: float) -> float:
    """Estimated triangles of a 2D film refined toward curves of total length ``refined_nm``.

    The size field of :func:`.gmsh_tools.refine_toward`: ``cell_nm`` within ``layer_nm`` of the curves,
    growing linearly to ``cell_bulk_nm`` over another ``layer_nm`` (∫ dd/h(d)² = layer/(h h_b) there), then
    ``cell_bulk_nm``.  Bands that would overlap are capped by the area.  Checked against gmsh's counts in
    ``tests/unit/test_size_estimates.py``.
    """
    near = min(area_nm2, refined_nm * layer_nm)
    ramp = min(area_nm2 - near, refined_nm * layer_nm)
    bulk = area_nm2 - near - ramp
    return TRIANGLES_PER_H2 * (near / cell_nm**2 + ramp / (cell_nm * cell_bulk_nm) + bulk / cell_bulk_nm**2)


def layer_count(thickness_nm: float, cell_nm: float, cell_max_nm: float, growth: float) -> int:
    """How many layers :func:`.gmsh_tools.layer_heights` cuts a thickness into (without building the list)."""
    if growth <= 1.0 or cell_max_nm <= cell_nm:
        return max(1, math.ceil(thickness_nm / cell_max_nm - 1e-12))
    k = math.ceil(math.log(cell_max_nm / cell_nm) / math.log(growth))  # layers until the cap
    grown = cell_nm * (growth**k - 1.0) / (growth - 1.0)
    if thickness_nm <= grown:
        return max(1, math.ceil(math.log1p(thickness_nm * (growth - 1.0) / cell_nm) / math.log(growth) - 1e-12))
    return k + math.ceil((thickness_nm - grown) / cell_max_nm - 1e-12)


def lagrange_nodes(cells: float, tdim: int, degree: int) -> float:
    """Nodes of the degree-``degree`` Lagrange space on ``cells`` simplices of a large mesh.

    1D: p·cells + 1; triangles: p²/2 per cell (vertices ≈ cells/2, edges ≈ 3 cells/2); tetrahedra: p³/6 per
    cell (vertices ≈ cells/6, edges ≈ 7 cells/6).
    """
    if tdim == 1:
        return degree * cells + 1.0
    return cells * degree**tdim / math.factorial(tdim)


def _check_at_most(name: str, value: float, unit: str, bound_name: str, bound: float) -> None:
    if value > bound:
        raise ParameterError(f"{name} = {value!r} {unit} is invalid; valid range: (0, {bound_name} = {bound:g}]")


def _check_nonnegative_below(name: str, value: float, unit: str, bound_name: str, bound: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} = {value!r} {unit}: not a number; valid range: [0, {bound_name})") from None
    if not (0.0 <= v < bound):
        raise ParameterError(f"{name} = {value!r} {unit} is invalid; valid range: [0, {bound_name} = {bound:g})")
    return v


def _check_growth(value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"growth = {value!r} (dimensionless): not a number; valid range: [1, 10]") from None
    if not (1.0 <= v <= 10.0):
        raise ParameterError(f"growth = {value!r} (dimensionless) is invalid; valid range: [1, 10]")
    return v


def _set(obj, name: str, value) -> None:
    object.__setattr__(obj, name, value)


def _refinement(cell_nm: float, cell_bulk_nm: float | None, edge_layer_nm: float | None,
                default_layer_nm: float) -> tuple[float, float]:
    """Validated (cell_bulk_nm, edge_layer_nm) of the 2D films, with their defaults filled in."""
    hb = cell_nm * BULK_CELL_RATIO if cell_bulk_nm is None else cell_bulk_nm
    layer = default_layer_nm if edge_layer_nm is None else edge_layer_nm
    return check_length("cell_bulk_nm", hb), check_length("edge_layer_nm", layer)


#: help text of the refinement fields shared by the 2D films
_REFINE_HELP = {"cell_bulk_nm": "cell size far from the edges (nm); default 8 cell_nm"}


class MeshSpec:
    """Common interface of the mesh specifications (frozen dataclasses)."""

    kind: ClassVar[str]
    gdim: ClassVar[int]
    #: help text of each field (the command line uses it)
    HELP: ClassVar[dict[str, str]]

    def build(self, gmsh) -> None:  # pragma: no cover - interface
        """Create the geometry, physical groups and mesh in the current gmsh model (rank 0)."""
        raise NotImplementedError

    def roles(self) -> dict:  # pragma: no cover - interface
        """Geometry keyword arguments (width, length, spin sinks, contacts, midline)."""
        raise NotImplementedError

    def estimate_cells(self) -> float:  # pragma: no cover - interface
        """The number of cells gmsh will make, estimated before it runs (the size guards use it)."""
        raise NotImplementedError


@dataclass(frozen=True)
class WireMesh(MeshSpec):
    """The wire [0, L] × [0, W], refined toward the spin-sink edges y = 0, W.

    Cells are ``cell_nm`` within ``edge_layer_nm`` (default W/10) of the edges
    and grow linearly to ``cell_bulk_nm`` (default 8 ``cell_nm``) over another
    layer width.  The mid-line x = L/2 is embedded (for cross-section averages).
    """

    length_nm: float
    width_nm: float
    cell_nm: float
    cell_bulk_nm: float | None = None
    edge_layer_nm: float | None = None

    kind: ClassVar[str] = "wire"
    gdim: ClassVar[int] = 2
    HELP: ClassVar[dict[str, str]] = {
        "length_nm": "wire length L along x (nm)",
        "width_nm": "wire width W along y (nm)",
        "cell_nm": "cell size at the edges y = 0, W (nm)",
        **_REFINE_HELP,
        "edge_layer_nm": "width of the refined layer at each edge (nm); default W/10",
    }

    def __post_init__(self) -> None:
        _set(self, "length_nm", check_length("length_nm", self.length_nm))
        w = check_length("width_nm", self.width_nm)
        _set(self, "width_nm", w)
        h = check_length("cell_nm", self.cell_nm)
        _check_at_most("cell_nm", h, "nm", "width_nm/2", w / 2)
        _set(self, "cell_nm", h)
        hb, layer = _refinement(h, self.cell_bulk_nm, self.edge_layer_nm, w / 10.0)
        _set(self, "cell_bulk_nm", hb)
        _set(self, "edge_layer_nm", layer)

    def build(self, gmsh) -> None:
        lx, w = self.length_nm, self.width_nm
        occ = gmsh.model.occ
        left = occ.addRectangle(0.0, 0.0, 0.0, lx / 2, w)
        right = occ.addRectangle(lx / 2, 0.0, 0.0, lx / 2, w)
        occ.fragment([(2, left)], [(2, right)])
        occ.synchronize()
        tol = CLASSIFY_TOL * min(lx, w)

        def classify(x0, y0, _z0, x1, y1, _z1):
            if abs(y0) < tol and abs(y1) < tol:
                return EDGE_LOW
            if abs(y0 - w) < tol and abs(y1 - w) < tol:
                return EDGE_HIGH
            if abs(x0 - lx / 2) < tol and abs(x1 - lx / 2) < tol:
                return MIDLINE
            return contact_tag(x0, x1, lx, tol)

        groups = group_by_bbox(gmsh, 1, [t for _, t in gmsh.model.getEntities(1)], classify)
        add_groups(gmsh, 1, groups, WIRE_FACETS)
        add_film(gmsh)
        refine_toward(gmsh, groups[EDGE_LOW] + groups[EDGE_HIGH], self.cell_nm, self.cell_bulk_nm,
                       self.edge_layer_nm, max(100, int(4 * lx / self.cell_nm)))
        gmsh.model.mesh.generate(2)

    def estimate_cells(self) -> float:
        lx, w = self.length_nm, self.width_nm
        return graded_cells(lx * w, 2 * lx, self.cell_nm, self.cell_bulk_nm, self.edge_layer_nm)

    def roles(self) -> dict:
        return dict(width_nm=self.width_nm, length_nm=self.length_nm, spin_sinks=(EDGE_LOW, EDGE_HIGH),
                    contacts=(CONTACT_LEFT, CONTACT_RIGHT), midline=MIDLINE)


@dataclass(frozen=True)
class HallBarMesh(MeshSpec):
    """A bar [0, L] × [0, W] along x with pairs of voltage arms.

    Arm pair k (k = 1, 2, ...) is centred at ``arm_positions_nm[k-1]``
    (default L/3 and 2L/3) and reaches from the bar to y = W + arm_length
    (end: probe_top_k) and y = −arm_length (end: probe_bottom_k).  Cells are
    refined toward all film boundaries but the contacts: ``cell_nm`` within
    ``edge_layer_nm`` (default min(W, arm width)/10), growing to ``cell_bulk_nm``.
    """

    length_nm: float
    width_nm: float
    arm_width_nm: float
    arm_length_nm: float
    cell_nm: float
    arm_positions_nm: tuple[float, ...] | None = None
    cell_bulk_nm: float | None = None
    edge_layer_nm: float | None = None

    kind: ClassVar[str] = "hall-bar"
    gdim: ClassVar[int] = 2
    HELP: ClassVar[dict[str, str]] = {
        "length_nm": "bar length L along x (nm)",
        "width_nm": "bar width W along y (nm)",
        "arm_width_nm": "width of each voltage arm along x (nm)",
        "arm_length_nm": "length of each arm beyond the bar (nm)",
        "cell_nm": "cell size at the film edges (nm)",
        "arm_positions_nm": "arm centres along x, comma separated (nm); default L/3,2L/3",
        **_REFINE_HELP,
        "edge_layer_nm": "width of the refined layer at each edge (nm); default min(W, arm width)/10",
    }

    def __post_init__(self) -> None:
        lx = check_length("length_nm", self.length_nm)
        w = check_length("width_nm", self.width_nm)
        aw = check_length("arm_width_nm", self.arm_width_nm)
        al = check_length("arm_length_nm", self.arm_length_nm)
        h = check_length("cell_nm", self.cell_nm)
        _check_at_most("cell_nm", h, "nm", "min(width_nm, arm_width_nm)/2", min(w, aw) / 2)
        pos = (lx / 3, 2 * lx / 3) if self.arm_positions_nm is None else tuple(self.arm_positions_nm)
        if not pos:
            raise ParameterError("arm_positions_nm = () nm is invalid; valid range: at least one arm centre")
        pos = tuple(sorted(float(p) for p in pos))
        lo, hi = aw / 2, lx - aw / 2
        for p in pos:
            if not (lo < p < hi):
                raise ParameterError(
                    f"arm_positions_nm = {pos!r} nm is invalid; valid range: each centre in "
                    f"(arm_width_nm/2, length_nm - arm_width_nm/2) = ({lo:g}, {hi:g})"
                )
        for a, b in zip(pos, pos[1:], strict=False):
            if b - a <= aw:
                raise ParameterError(
                    f"arm_positions_nm = {pos!r} nm is invalid; valid range: centres more than "
                    f"arm_width_nm = {aw:g} nm apart (arms must not touch)"
                )
        hb, layer = _refinement(h, self.cell_bulk_nm, self.edge_layer_nm, min(w, aw) / 10.0)
        for name, v in (("length_nm", lx), ("width_nm", w), ("arm_width_nm", aw), ("arm_length_nm", al),
                        ("cell_nm", h), ("arm_positions_nm", pos), ("cell_bulk_nm", hb), ("edge_layer_nm", layer)):
            _set(self, name, v)

    @property
    def probe_names(self) -> dict[str, int]:
        out = {}
        for k in range(1, len(self.arm_positions_nm) + 1):
            top, bottom = probe_tags(k)
            out[f"probe_top_{k}"] = top
            out[f"probe_bottom_{k}"] = bottom
        return out

    def build(self, gmsh) -> None:
        lx, w, aw, al = self.length_nm, self.width_nm, self.arm_width_nm, self.arm_length_nm
        occ = gmsh.model.occ
        bar = occ.addRectangle(0.0, 0.0, 0.0, lx, w)
        arms = []
        for p in self.arm_positions_nm:
            arms.append((2, occ.addRectangle(p - aw / 2, w, 0.0, aw, al)))
            arms.append((2, occ.addRectangle(p - aw / 2, -al, 0.0, aw, al)))
        occ.fuse([(2, bar)], arms)
        occ.synchronize()
        tol = CLASSIFY_TOL * min(lx, w, aw)

        def classify(x0, y0, _z0, x1, y1, _z1):
            contact = contact_tag(x0, x1, lx, tol)
            if contact is not None:
                return contact
            for k, p in enumerate(self.arm_positions_nm, start=1):
                if abs(0.5 * (x0 + x1) - p) < tol * 10 and abs(x1 - x0 - aw) < tol * 10:
                    top, bottom = probe_tags(k)
                    if abs(y0 - (w + al)) < tol and abs(y1 - (w + al)) < tol:
                        return top
                    if abs(y0 + al) < tol and abs(y1 + al) < tol:
                        return bottom
            return EDGES

        groups = group_by_bbox(gmsh, 1, boundary_curves(gmsh), classify)
        names = {**CONTACT_FACETS, "edges": EDGES, **self.probe_names}
        add_groups(gmsh, 1, groups, names)
        add_film(gmsh)
        sinks = [c for tag in (EDGES, *self.probe_names.values()) for c in groups.get(tag, [])]
        perimeter = 2 * (lx + w) + 4 * len(self.arm_positions_nm) * al
        refine_toward(gmsh, sinks, self.cell_nm, self.cell_bulk_nm, self.edge_layer_nm,
                       max(100, int(2 * perimeter / self.cell_nm)))
        gmsh.model.mesh.generate(2)

    def estimate_cells(self) -> float:
        lx, w, aw, al = self.length_nm, self.width_nm, self.arm_width_nm, self.arm_length_nm
        arms = len(self.arm_positions_nm)
        area = lx * w + 2 * arms * aw * al
        refined = 2 * lx + 4 * arms * al + 2 * arms * aw  # every boundary but the contacts
        return graded_cells(area, refined, self.cell_nm, self.cell_bulk_nm, self.edge_layer_nm)

    def roles(self) -> dict:
        # the probe ends are film edges like the others: spin sinks, no charge current (floating)
        return dict(width_nm=self.width_nm, length_nm=self.length_nm,
                    spin_sinks=(EDGES, *self.probe_names.values()), contacts=(CONTACT_LEFT, CONTACT_RIGHT),
                    midline=None)


@dataclass(frozen=True)
class NotchedWireMesh(MeshSpec):
    """The wire [0, L] × [0, W] with a rectangular notch at x = L/2.

    The notch is ``notch_width_nm`` long (along x) and cuts ``notch_depth_nm``
    into the edge y = W, and also into y = 0 when ``double_sided`` (a
    symmetric constriction, the default).  Depth 0 gives the straight wire.
    The embedded mid-line x = L/2 spans the constriction.  Refinement as in
    :class:`WireMesh`, toward every edge.
    """

    length_nm: float
    width_nm: float
    notch_depth_nm: float
    notch_width_nm: float
    cell_nm: float
    double_sided: bool = True
    cell_bulk_nm: float | None = None
    edge_layer_nm: float | None = None

    kind: ClassVar[str] = "notch"
    gdim: ClassVar[int] = 2
    HELP: ClassVar[dict[str, str]] = {
        "length_nm": "wire length L along x (nm)",
        "width_nm": "wire width W along y (nm)",
        "notch_depth_nm": "depth of the notch into the edge (nm); 0 = straight wire",
        "notch_width_nm": "length of the notch along x (nm)",
        "cell_nm": "cell size at the edges (nm)",
        "double_sided": "notch both edges (a symmetric constriction; default) or only y = W",
        **_REFINE_HELP,
        "edge_layer_nm": "width of the refined layer at each edge (nm); default W/10",
    }

    def __post_init__(self) -> None:
        lx = check_length("length_nm", self.length_nm)
        w = check_length("width_nm", self.width_nm)
        depth_bound, bound_name = (w / 2, "width_nm/2") if self.double_sided else (w, "width_nm")
        depth = _check_nonnegative_below("notch_depth_nm", self.notch_depth_nm, "nm", bound_name, depth_bound)
        nw = check_length("notch_width_nm", self.notch_width_nm)
        if nw >= lx:
            raise ParameterError(f"notch_width_nm = {nw!r} nm is invalid; valid range: (0, length_nm = {lx:g})")
        h = check_length("cell_nm", self.cell_nm)
        neck = w - (2 if self.double_sided else 1) * depth
        _check_at_most("cell_nm", h, "nm", "constriction width/2", neck / 2)
        hb, layer = _refinement(h, self.cell_bulk_nm, self.edge_layer_nm, w / 10.0)
        for name, v in (("length_nm", lx), ("width_nm", w), ("notch_depth_nm", depth), ("notch_width_nm", nw),
                        ("cell_nm", h), ("double_sided", bool(self.double_sided)), ("cell_bulk_nm", hb),
                        ("edge_layer_nm", layer)):
            _set(self, name, v)

    @property
    def neck_nm(self) -> tuple[float, float]:
        """y-range of the constriction at x = L/2."""
        d = self.notch_depth_nm
        return (d if self.double_sided else 0.0), self.width_nm - d

    def outline(self) -> list[tuple[float, float]]:
        """Counter-clockwise corners of the notched wire."""
        lx, w, d = self.length_nm, self.width_nm, self.notch_depth_nm
        a, b = lx / 2 - self.notch_width_nm / 2, lx / 2 + self.notch_width_nm / 2
        pts = [(0.0, 0.0)]
        if d > 0 and self.double_sided:
            pts += [(a, 0.0), (a, d), (b, d), (b, 0.0)]
        pts += [(lx, 0.0), (lx, w)]
        if d > 0:
            pts += [(b, w), (b, w - d), (a, w - d), (a, w)]
        pts.append((0.0, w))
        return pts

    def build(self, gmsh) -> None:
        lx, w = self.length_nm, self.width_nm
        occ = gmsh.model.occ
        corners = [occ.addPoint(x, y, 0.0) for x, y in self.outline()]
        lines = [occ.addLine(p, q) for p, q in zip(corners, corners[1:] + corners[:1], strict=True)]
        surface = occ.addPlaneSurface([occ.addCurveLoop(lines)])
        y0, y1 = self.neck_nm
        mid = occ.addLine(occ.addPoint(lx / 2, y0, 0.0), occ.addPoint(lx / 2, y1, 0.0))
        occ.fragment([(2, surface)], [(1, mid)])
        occ.synchronize()
        tol = CLASSIFY_TOL * min(lx, w)

        def classify(x0, _y0, _z0, x1, _y1, _z1):
            contact = contact_tag(x0, x1, lx, tol)
            return EDGES if contact is None else contact

        boundary = boundary_curves(gmsh)
        groups = group_by_bbox(gmsh, 1, boundary, classify)
        interior = [t for _, t in gmsh.model.getEntities(1) if t not in set(boundary)]
        groups[MIDLINE] = [t for t in interior
                           if abs(gmsh.model.getBoundingBox(1, t)[0] - lx / 2) < tol
                           and abs(gmsh.model.getBoundingBox(1, t)[3] - lx / 2) < tol]
        names = {**CONTACT_FACETS, "edges": EDGES, "midline": MIDLINE}
        add_groups(gmsh, 1, groups, names)
        add_film(gmsh)
        refine_toward(gmsh, groups[EDGES], self.cell_nm, self.cell_bulk_nm, self.edge_layer_nm,
                       max(100, int(8 * (lx + w) / self.cell_nm)))
        gmsh.model.mesh.generate(2)

    def estimate_cells(self) -> float:
        lx, w, d = self.length_nm, self.width_nm, self.notch_depth_nm
        sides = 2 if self.double_sided else 1
        area = lx * w - sides * d * self.notch_width_nm
        refined = 2 * lx + 2 * sides * d
        return graded_cells(area, refined, self.cell_nm, self.cell_bulk_nm, self.edge_layer_nm)

    def roles(self) -> dict:
        return dict(width_nm=self.width_nm, length_nm=self.length_nm, spin_sinks=(EDGES,),
                    contacts=(CONTACT_LEFT, CONTACT_RIGHT), midline=MIDLINE)


def _check_bilayer(spec) -> None:
    """Shared validation of the bilayer thicknesses and cell sizes (sets the defaults)."""
    d_n = check_length("hm_thickness_nm", spec.hm_thickness_nm)
    d_f = check_length("fm_thickness_nm", spec.fm_thickness_nm)
    h = check_length("cell_nm", spec.cell_nm)
    _check_at_most("cell_nm", h, "nm", "min(hm_thickness_nm, fm_thickness_nm)", min(d_n, d_f))
    hmax = h * BULK_CELL_RATIO if spec.cell_max_nm is None else check_length("cell_max_nm", spec.cell_max_nm)
    if hmax < h:
        raise ParameterError(f"cell_max_nm = {hmax!r} nm is invalid; valid range: [cell_nm = {h:g}, inf)")
    lat = hmax if spec.lateral_cell_nm is None else spec.lateral_cell_nm
    for name, v in (("hm_thickness_nm", d_n), ("fm_thickness_nm", d_f), ("cell_nm", h), ("cell_max_nm", hmax),
                    ("lateral_cell_nm", check_length("lateral_cell_nm", lat)),
                    ("growth", _check_growth(spec.growth))):
        _set(spec, name, v)


_BILAYER_HELP = {
    "hm_thickness_nm": "heavy-metal thickness d_N, z in [-d_N, 0] (nm)",
    "fm_thickness_nm": "ferromagnet thickness d_F, z in [0, d_F] (nm)",
    "cell_nm": "cell height at the interface z = 0 (nm)",
    "cell_max_nm": "largest cell height away from the interface (nm); default 8 cell_nm",
    "lateral_cell_nm": "in-plane cell size (nm); default cell_max_nm",
    "growth": "ratio of successive cell heights away from the interface (1 = uniform)",
}


def bilayer_layers(spec) -> int:
    """Cell layers across both thicknesses of a bilayer mesh spec."""
    return sum(layer_count(d, spec.cell_nm, spec.cell_max_nm, spec.growth)
               for d in (spec.hm_thickness_nm, spec.fm_thickness_nm))


def _classify_bilayer(spec, tol: float, length_nm: float | None):
    d_n, d_f, w = spec.hm_thickness_nm, spec.fm_thickness_nm, spec.width_nm
    zi = 1 if length_nm is None else 2  # index of z in (x0, x1, x2); y is the one before

    def classify(*box):
        lo, hi = box[:3], box[3:]

        def flat(i, v):
            return abs(lo[i] - v) < tol and abs(hi[i] - v) < tol

        if flat(zi, -d_n):
            return HM_BOTTOM
        if flat(zi, d_f):
            return FM_TOP
        if flat(zi, 0.0):
            return INTERFACE
        if flat(zi - 1, 0.0) or flat(zi - 1, w):
            return SIDES
        if length_nm is not None and flat(0, 0.0):
            return CONTACT_LEFT
        if length_nm is not None and flat(0, length_nm):
            return CONTACT_RIGHT
        return None

    return classify



@dataclass(frozen=True)
class BilayerCrossSectionMesh(MeshSpec):
    """Cross-section of a heavy-metal/ferromagnet bilayer stripe (2D).

    Mesh coordinates (x0, x1) = physical (y, z): y ∈ [0, W], heavy metal
    z ∈ [−d_N, 0], ferromagnet z ∈ [0, d_F].  Structured triangles: the
    thickness is cut into layers of height ``cell_nm`` at the interface,
    growing by ``growth`` per layer up to ``cell_max_nm``; the width into
    cells of ``lateral_cell_nm``.
    """

    width_nm: float
    hm_thickness_nm: float
    fm_thickness_nm: float
    cell_nm: float
    cell_max_nm: float | None = None
    lateral_cell_nm: float | None = None
    growth: float = LAYER_GROWTH

    kind: ClassVar[str] = "bilayer"
    gdim: ClassVar[int] = 2
    HELP: ClassVar[dict[str, str]] = {"width_nm": "stripe width W, y in [0, W] (nm)", **_BILAYER_HELP}

    def __post_init__(self) -> None:
        _set(self, "width_nm", check_length("width_nm", self.width_nm))
        _check_bilayer(self)

    def build(self, gmsh) -> None:
        geo = gmsh.model.geo
        w, d_n, d_f = self.width_nm, self.hm_thickness_nm, self.fm_thickness_nm
        base = geo.addLine(geo.addPoint(0.0, -d_n, 0.0), geo.addPoint(w, -d_n, 0.0))
        geo.mesh.setTransfiniteCurve(base, max(2, math.ceil(w / self.lateral_cell_nm)) + 1)
        # the physical z is the mesh coordinate x1; the heavy metal is extruded up to the interface
        hm_heights = layer_heights(d_n, self.cell_nm, self.cell_max_nm, self.growth)[::-1]
        hm = extrude_layers(gmsh, [(1, base)], 1, d_n, hm_heights)
        fm = extrude_layers(gmsh, [hm[0]], 1, d_f, layer_heights(d_f, self.cell_nm, self.cell_max_nm, self.growth))
        geo.synchronize()
        gmsh.model.addPhysicalGroup(2, [hm[1][1]], HM, name="hm")
        gmsh.model.addPhysicalGroup(2, [fm[1][1]], FM, name="fm")
        tol = CLASSIFY_TOL * min(w, d_n, d_f)
        groups = group_by_bbox(gmsh, 1, [t for _, t in gmsh.model.getEntities(1)],
                                _classify_bilayer(self, tol, None))
        add_groups(gmsh, 1, groups, BILAYER_FACETS)
        gmsh.model.mesh.generate(2)

    def estimate_cells(self) -> float:
        return 2.0 * max(2, math.ceil(self.width_nm / self.lateral_cell_nm)) * bilayer_layers(self)

    def roles(self) -> dict:
        return dict(width_nm=self.width_nm, length_nm=None, spin_sinks=(), contacts=(), midline=None)


@dataclass(frozen=True)
class BilayerStripeMesh(MeshSpec):
    """A heavy-metal/ferromagnet bilayer stripe (3D, tetrahedra).

    Coordinates (x, y, z): x ∈ [0, L] along the current, y ∈ [0, W], heavy
    metal z ∈ [−d_N, 0], ferromagnet z ∈ [0, d_F].  The (x, y) rectangle is
    meshed with triangles of ``lateral_cell_nm`` and extruded across the
    thickness in layers as in :class:`BilayerCrossSectionMesh` (prisms split
    into tetrahedra, conforming across the interface).
    """

    length_nm: float
    width_nm: float
    hm_thickness_nm: float
    fm_thickness_nm: float
    cell_nm: float
    cell_max_nm: float | None = None
    lateral_cell_nm: float | None = None
    growth: float = LAYER_GROWTH

    kind: ClassVar[str] = "bilayer-3d"
    gdim: ClassVar[int] = 3
    HELP: ClassVar[dict[str, str]] = {
        "length_nm": "stripe length L along the current, x in [0, L] (nm)",
        "width_nm": "stripe width W, y in [0, W] (nm)",
        **_BILAYER_HELP,
    }

    def __post_init__(self) -> None:
        _set(self, "length_nm", check_length("length_nm", self.length_nm))
        _set(self, "width_nm", check_length("width_nm", self.width_nm))
        _check_bilayer(self)
        _check_at_most("lateral_cell_nm", self.lateral_cell_nm, "nm", "min(length_nm, width_nm)",
                       min(self.length_nm, self.width_nm))

    def build(self, gmsh) -> None:
        geo = gmsh.model.geo
        lx, w, d_n, d_f = self.length_nm, self.width_nm, self.hm_thickness_nm, self.fm_thickness_nm
        h = self.lateral_cell_nm
        pts = [geo.addPoint(x, y, -d_n, h) for x, y in ((0.0, 0.0), (lx, 0.0), (lx, w), (0.0, w))]
        lines = [geo.addLine(p, q) for p, q in zip(pts, pts[1:] + pts[:1], strict=True)]
        base = geo.addPlaneSurface([geo.addCurveLoop(lines)])
        hm_heights = layer_heights(d_n, self.cell_nm, self.cell_max_nm, self.growth)[::-1]
        hm = extrude_layers(gmsh, [(2, base)], 2, d_n, hm_heights)
        fm = extrude_layers(gmsh, [hm[0]], 2, d_f, layer_heights(d_f, self.cell_nm, self.cell_max_nm, self.growth))
        geo.synchronize()
        gmsh.model.addPhysicalGroup(3, [hm[1][1]], HM, name="hm")
        gmsh.model.addPhysicalGroup(3, [fm[1][1]], FM, name="fm")
        tol = CLASSIFY_TOL * min(lx, w, d_n, d_f)
        groups = group_by_bbox(gmsh, 2, [t for _, t in gmsh.model.getEntities(2)],
                                _classify_bilayer(self, tol, lx))
        add_groups(gmsh, 2, groups, {**BILAYER_FACETS, **CONTACT_FACETS})
        gmsh.option.setNumber("Mesh.MeshSizeMax", h)
        gmsh.model.mesh.generate(3)

    def estimate_cells(self) -> float:
        triangles = TRIANGLES_PER_H2 * self.length_nm * self.width_nm / self.lateral_cell_nm**2
        return TETS_PER_PRISM * triangles * bilayer_layers(self)

    def roles(self) -> dict:
        return dict(width_nm=self.width_nm, length_nm=self.length_nm, spin_sinks=(),
                    contacts=(CONTACT_LEFT, CONTACT_RIGHT), midline=None)


SPECS: dict[str, type[MeshSpec]] = {
    s.kind: s for s in (WireMesh, HallBarMesh, NotchedWireMesh, BilayerCrossSectionMesh, BilayerStripeMesh)
}
