"""Every tag number and name of the meshes this package builds (one table), and the parser of user tag maps.

A mesh file read by :func:`rashba_diffusion.meshing.files.load_mesh` is mapped to these names; the numbers
are those the generators write, so a mesh written by the package keeps them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..errors import ParameterError

# --- facets of the wire and of the films -------------------------------------
EDGE_LOW, EDGE_HIGH, CONTACT_LEFT, CONTACT_RIGHT, MIDLINE = 1, 2, 3, 4, 5
#: facet names of the wire (1D cross-section and 2D)
WIRE_FACETS = {
    "edge_low": EDGE_LOW,
    "edge_high": EDGE_HIGH,
    "contact_left": CONTACT_LEFT,
    "contact_right": CONTACT_RIGHT,
    "midline": MIDLINE,
}
#: facet names (and tags) of the two contacts x = 0 and x = L
CONTACT_FACETS = {"contact_left": CONTACT_LEFT, "contact_right": CONTACT_RIGHT}
CONTACT_NAMES = tuple(CONTACT_FACETS)

# --- cells (materials) ---------------------------------------------------------
FILM, HM, FM = 1, 2, 3
#: cells of the two halves z < d/2 and z > d/2 of a single film (:func:`.structured.film_halves`)
BOTTOM_HALF, TOP_HALF = 1, 2
#: cell names of the bilayer meshes (structured and gmsh)
BILAYER_CELLS = {"hm": HM, "fm": FM}
#: names that load_mesh looks up among the cell tags (all others are facets)
CELL_NAMES = frozenset({"film", "hm", "fm"})

# --- further facets --------------------------------------------------------------
EDGES, INTERFACE, HM_BOTTOM, FM_TOP, SIDES = 6, 7, 8, 9, 10
#: facet names of the bilayer meshes
BILAYER_FACETS = {"interface": INTERFACE, "hm_bottom": HM_BOTTOM, "fm_top": FM_TOP, "sides": SIDES}
#: probe_top_k = PROBE_BASE + 2(k-1), probe_bottom_k = PROBE_BASE + 2(k-1) + 1
PROBE_BASE = 11
#: facet names whose facets are spin sinks (s = 0) of a film loaded by load_mesh (and probe_*)
SPIN_SINK_NAMES = frozenset({"edge_low", "edge_high", "edges"})


def probe_tags(k: int) -> tuple[int, int]:
    """(probe_top_k, probe_bottom_k) tag numbers of the k-th arm pair (k = 1, 2, ...)."""
    return PROBE_BASE + 2 * (k - 1), PROBE_BASE + 2 * (k - 1) + 1


def parse_tag_map(text: str | None) -> dict | None:
    """A tag map from JSON text or from a .json file's path (``None`` stays ``None``)."""
    if text is None:
        return None
    source = Path(text).read_text() if text.endswith(".json") and os.path.isfile(text) else text
    try:
        value = json.loads(source)
    except json.JSONDecodeError as e:
        raise ParameterError(f"tag_map = {text!r} is not JSON ({e}); valid: e.g. "
                             '\'{"film": 1, "edges": [1, 2], "contact_left": 3}\'') from None
    if not isinstance(value, dict):
        raise ParameterError(f"tag_map = {text!r} is invalid; valid: a JSON object {{our name: tag(s)}}")
    return value
