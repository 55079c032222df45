"""Reading mesh files and mapping their tags to our names.

:func:`load_mesh` accepts a gmsh ``.msh`` file (read by gmsh, physical
groups with or without names), a mesh XDMF file of DOLFINx's layout (``mesh --xdmf``,
:func:`write_mesh_xdmf`: read by DOLFINx, tag names kept) or anything meshio reads (other ``.xdmf``,
``.vtu``, ``.med``, ...; linear triangles or tetrahedra, with an integer
cell-data array that tags the cells and the facets).  A *tag map*
``{our name: file tag(s)}`` says which of the file's tags carry which of our
names; a file tag is an integer or the name of a gmsh physical group.  Names
in :data:`.tags.CELL_NAMES` (film, hm, fm) are materials (cell tags), all
other names are facets.  Without a map the file's own physical names are used.

Our names' tags are the smallest of their file tags, so a mesh written by
:mod:`rashba_diffusion.meshing` keeps its numbers.  Facets whose file tag is not mapped are
dropped.  A missing name (in ``required`` but not mapped), an unknown file tag
or a file tag claimed twice raises :class:`~rashba_diffusion.errors.ParameterError`, whose
message lists the tags found in the file (numbers and names).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from io import StringIO
from pathlib import Path

import numpy as np

from ..errors import ParameterError
from ..fem._compat import MPI, io, mesh, mesh_from_arrays, model_to_mesh
from ..fem.geometry import Geometry
from ..files import OutputSet, deferred_signals, new_token
from .gmsh_tools import gmsh_model
from .tags import CELL_NAMES, CONTACT_NAMES, SPIN_SINK_NAMES

#: cell-data arrays that hold tags, tried in this order when reading with meshio
MESHIO_TAG_KEYS = ("gmsh:physical", "medit:ref", "cell_tags", "tags", "CellEntityIds", "physical")
#: meshio cell types of linear simplices, by topological dimension
MESHIO_CELLS = {2: "triangle", 3: "tetra"}
MESHIO_FACETS = {2: "line", 3: "triangle"}
#: coordinates with |z| below this (relative to the extent) make a 2D mesh
FLAT_TOL = 1e-12

TagSpec = int | str | list[int | str]
LOG = logging.getLogger("rashba_diffusion")


#: the grids and the information of a mesh XDMF file (``mesh --xdmf``, :func:`write_mesh_xdmf`), which DOLFINx's own
#: ``XDMFFile`` reads: ``read_mesh(name="mesh")``, ``read_meshtags(mesh, name="cell_tags")``,
#: ``read_meshtags(mesh, name="facet_tags")``, and ``read_information("tag_names")``: JSON
#: ``{"cell": {name: tag}, "facet": {name: tag}}``
XDMF_MESH, XDMF_CELL_TAGS, XDMF_FACET_TAGS, XDMF_TAG_NAMES = "mesh", "cell_tags", "facet_tags", "tag_names"


def write_mesh_xdmf(geometry: Geometry, path: str | os.PathLike, files: OutputSet | None = None) -> list[Path]:
    """Write a tagged mesh as ``path`` (.xdmf) and its HDF5 data (``path`` with ``.h5``) in DOLFINx's format.

    The grids :data:`XDMF_MESH`, :data:`XDMF_CELL_TAGS`, :data:`XDMF_FACET_TAGS` and the information
    :data:`XDMF_TAG_NAMES` (the tag names) let DOLFINx's ``XDMFFile`` read it back with its names, and
    :func:`load_mesh` reads it like a ``.msh`` file.  Both files are written under their final names in a
    private folder of an :class:`~rashba_diffusion.files.OutputSet` of ``path``'s folder and staged in it:
    ``files`` (the caller commits it, with its other files) or a set of their own, committed here (so the pair
    appears together or not at all; mode 0o666 & ~umask).  Collective.
    """
    path = Path(path)
    if path.suffix.lower() != ".xdmf":
        raise ParameterError(f"XDMF file = {str(path)!r} is invalid; valid values: a path ending in .xdmf")
    msh, comm = geometry.msh, geometry.comm
    tdim = msh.topology.dim
    owner = comm.rank == 0
    names = [path.name, path.with_suffix(".h5").name]
    own = files is None
    if own:
        token = comm.bcast(new_token() if owner else None, root=0)
        files = OutputSet(path.parent, token=token, owner=owner, replace_previous=False)
    try:
        staging = files.staging_dir("xdmf")
        comm.barrier()  # rank 0 made the folder
        msh.topology.create_connectivity(tdim - 1, tdim)
        with deferred_signals(block=True), io.XDMFFile(comm, str(staging / path.name), "w") as f:  # HDF5 in C
            f.write_mesh(msh)
            for tags, name in ((geometry.cell_tags, XDMF_CELL_TAGS), (geometry.facet_tags, XDMF_FACET_TAGS)):
                if tags is not None:
                    tags.name = name
                    f.write_meshtags(tags, msh.geometry)
            f.write_information(XDMF_TAG_NAMES, json.dumps({"cell": geometry.cell_tag_names,
                                                            "facet": geometry.tag_names}, sort_keys=True))
        comm.barrier()
        if owner:
            for name in names:
                files.adopt(name, staging / name)
            if own:
                files.commit()
        comm.barrier()
    finally:
        if own:
            files.discard()
    return [path.parent / n for n in names]


def _xdmf_grids(path: Path) -> set[str]:
    """The names of the top-level grids of an XDMF file (empty if it is not XML)."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return set()
    return {g.get("Name", "") for g in root.iter("Grid")}


def _is_dolfinx_xdmf(path: Path) -> bool:
    """Whether ``path`` is a mesh XDMF file of DOLFINx's layout (:func:`write_mesh_xdmf`)."""
    return path.suffix.lower() == ".xdmf" and XDMF_MESH in _xdmf_grids(path)


def _read_dolfinx_xdmf(path: Path, comm: MPI.Comm):
    """(mesh, cell tags, facet tags, groups) of a DOLFINx mesh XDMF file, ghosted by shared facets."""
    grids = _xdmf_grids(path)
    try:
        with io.XDMFFile(comm, str(path), "r") as f:
            msh = f.read_mesh(ghost_mode=mesh.GhostMode.shared_facet, name=XDMF_MESH)
            tdim = msh.topology.dim
            msh.topology.create_connectivity(tdim - 1, tdim)
            ct = f.read_meshtags(msh, name=XDMF_CELL_TAGS) if XDMF_CELL_TAGS in grids else None
            ft = f.read_meshtags(msh, name=XDMF_FACET_TAGS) if XDMF_FACET_TAGS in grids else None
            try:
                names = json.loads(f.read_information(XDMF_TAG_NAMES))
            except (RuntimeError, ValueError):  # no information: numbers only, as a meshio file
                names = {}
    except RuntimeError as e:
        raise ParameterError(f"mesh file {str(path)!r} could not be read by DOLFINx's XDMF reader: {e}") from None
    groups = {str(n): (tdim, int(t)) for n, t in names.get("cell", {}).items()}
    groups |= {str(n): (tdim - 1, int(t)) for n, t in names.get("facet", {}).items()}
    return msh, ct, ft, groups


def _bcast_error(comm: MPI.Comm, error: str | None) -> None:
    error = comm.bcast(error, root=0)
    if error:
        raise ParameterError(error)


def _read_msh(path: Path, comm: MPI.Comm):
    with gmsh_model("load") as gmsh:
        error, gdim = None, 0
        if comm.rank == 0:
            try:
                gmsh.merge(str(path))
                gdim = gmsh.model.getDimension()
                if not gmsh.model.getPhysicalGroups(gdim):
                    error = f"mesh file {str(path)!r} has no physical group of cells (dimension {gdim})"
            except Exception as e:  # gmsh raises a bare Exception on unreadable input
                error = f"mesh file {str(path)!r} could not be read by gmsh: {e}"
        _bcast_error(comm, error)
        gdim = comm.bcast(gdim, root=0)
        if gdim not in (2, 3):
            raise ParameterError(f"mesh file {str(path)!r} is {gdim}D; valid: a 2D or 3D mesh")
        msh, ct, ft, groups = model_to_mesh(gmsh.model, comm, 0, gdim=gdim)
    return msh, ct, ft, {name: (dim, tag) for name, (dim, tag) in groups.items()}


def _meshio_arrays(path: Path, cell_data_key: str | None):
    """(cells, x, gdim, cell values, facets, facet values, groups) from a meshio-readable file (rank 0)."""
    import meshio

    said = StringIO()  # meshio prints its errors and warnings itself: they go into our message or log
    try:
        with contextlib.redirect_stderr(said), contextlib.redirect_stdout(said):
            m = meshio.read(str(path))
    except (Exception, SystemExit) as e:  # meshio raises several types, and exits on some unreadable files
        text = "; ".join(ln.strip() for ln in said.getvalue().splitlines() if ln.strip())
        raise ParameterError(f"mesh file {str(path)!r} could not be read by meshio: {e}"
                             f"{f' ({text})' if text else ''}") from None
    for ln in said.getvalue().splitlines():
        if ln.strip():
            LOG.warning(f"meshio, reading {path}: {ln.strip()}")
    tdim = 3 if any(b.type == "tetra" for b in m.cells) else 2
    if not any(b.type == MESHIO_CELLS[tdim] for b in m.cells):
        types = sorted({b.type for b in m.cells})
        raise ParameterError(f"mesh file {str(path)!r} has cells {types}; valid: linear triangles or tetrahedra")
    keys = [k for k in ((cell_data_key,) if cell_data_key else MESHIO_TAG_KEYS) if k in m.cell_data]
    if not keys:
        raise ParameterError(
            f"mesh file {str(path)!r} has no tag array (cell data {sorted(m.cell_data)}); "
            f"valid: one of {list(MESHIO_TAG_KEYS)} or the cell_data_key argument"
        )
    data = m.cell_data[keys[0]]

    def gather(kind: str):
        blocks = [(b.data, np.asarray(d).reshape(-1)) for b, d in zip(m.cells, data, strict=True) if b.type == kind]
        if not blocks:
            return np.zeros((0, tdim if kind == MESHIO_FACETS[tdim] else tdim + 1), np.int64), np.zeros(0, np.int32)
        return (np.concatenate([c for c, _ in blocks]).astype(np.int64),
                np.concatenate([v for _, v in blocks]).astype(np.int32))

    cells, cell_values = gather(MESHIO_CELLS[tdim])
    facets, facet_values = gather(MESHIO_FACETS[tdim])
    x = np.asarray(m.points, dtype=float)
    extent = max(float(np.ptp(x, axis=0).max()), 1.0)
    gdim = 3 if tdim == 3 or (x.shape[1] == 3 and np.abs(x[:, 2]).max() > FLAT_TOL * extent) else 2
    if gdim != tdim:
        raise ParameterError(f"mesh file {str(path)!r} is a surface in 3D; valid: a flat 2D mesh or a 3D mesh")
    # gmsh-written files carry the physical names as field data: name -> [tag, dim]
    groups = {str(n): (int(v[1]), int(v[0])) for n, v in m.field_data.items() if np.size(v) == 2}
    return cells, x[:, :gdim], gdim, cell_values, facets, facet_values, groups


def _read_meshio(path: Path, comm: MPI.Comm, cell_data_key: str | None):
    arrays, error = None, None
    if comm.rank == 0:
        try:
            arrays = _meshio_arrays(path, cell_data_key)
        except ParameterError as e:
            error = str(e)
    _bcast_error(comm, error)
    if comm.rank == 0:
        cells, x, gdim, cv, facets, fv, groups = arrays
        comm.bcast((cells.shape[1], gdim, groups), root=0)
    else:
        width, gdim, groups = comm.bcast(None, root=0)
        cells, x, cv = np.zeros((0, width), np.int64), np.zeros((0, gdim)), np.zeros(0, np.int32)
        facets, fv = np.zeros((0, width - 1), np.int64), np.zeros(0, np.int32)
    msh, ct, ft = mesh_from_arrays(comm, cells, x, gdim, cv, facets, fv)
    return msh, ct, ft, groups


def _tags_in(tags, comm: MPI.Comm) -> set[int]:
    local = set() if tags is None else {int(v) for v in np.unique(tags.values)}
    return set().union(*comm.allgather(local))


def _describe(found: dict[str, set[int]], groups: dict[str, tuple[int, int]], tdim: int) -> str:
    def one(kind: str, dim: int) -> str:
        names = {t: n for n, (d, t) in groups.items() if d == dim}
        items = [f"{t} ({names[t]})" if t in names else str(t) for t in sorted(found[kind])]
        return f"{kind}s: " + (", ".join(items) if items else "none")

    return "tags found in the file: " + "; ".join((one("cell", tdim), one("facet", tdim - 1)))


def _fills(role_names: Iterable[str], mapped: Iterable[str]) -> bool:
    """Whether one of ``mapped`` is one of ``role_names`` (a name ending in ``*`` is a prefix)."""
    mapped = list(mapped)
    for r in role_names:
        if any(n.startswith(r[:-1]) if r.endswith("*") else n == r for n in mapped):
            return True
    return False


def resolve_tag_map(tag_map: dict[str, TagSpec] | None, found: dict[str, set[int]],
                    groups: dict[str, tuple[int, int]], tdim: int, required: Iterable[str] = (),
                    cell_names: Iterable[str] | None = None,
                    any_of: dict[str, Iterable[str]] | None = None) -> dict[str, tuple[str, list[int]]]:
    """{our name: ("cell" | "facet", [file tags])}, checked against the tags found in the file.

    ``required``: names that must all be mapped; ``any_of``: roles, each filled by any one of its names
    (``{"spin sinks": ["edges", "edge_low", ..., "probe_*"]}``).

    Raises
    ------
    ParameterError
        For an unknown file tag or name, a file tag mapped to two names, a
        name mapped to both cells and facets, a missing required name or an
        unfilled role; the message lists the roles and the tags found in the file.
    """
    cell_names = CELL_NAMES if cell_names is None else frozenset(cell_names)
    found_msg = _describe(found, groups, tdim)
    if tag_map is None:
        tag_map = {n: n for n, (d, _) in groups.items() if d in (tdim, tdim - 1)}
    kind_of_dim = {tdim: "cell", tdim - 1: "facet"}
    out: dict[str, tuple[str, list[int]]] = {}
    owner: dict[tuple[str, int], str] = {}
    for ours, spec in tag_map.items():
        items = list(spec) if isinstance(spec, list | tuple) else [spec]
        if not items:
            raise ParameterError(f"tag map: {ours!r} -> {spec!r} maps to no tag; {found_msg}")
        kinds, tags = set(), []
        for item in items:
            if isinstance(item, str):
                if item not in groups or groups[item][0] not in kind_of_dim:
                    raise ParameterError(f"tag map: {ours!r} -> {item!r}: no physical group of that name "
                                         f"(of dimension {tdim} or {tdim - 1}); {found_msg}")
                kind, tag = kind_of_dim[groups[item][0]], groups[item][1]
            else:
                try:
                    tag = int(item)
                except (TypeError, ValueError):
                    raise ParameterError(f"tag map: {ours!r} -> {item!r} is not a tag number or name; "
                                         f"{found_msg}") from None
                kind = "cell" if ours in cell_names else "facet"
            if tag not in found[kind]:
                raise ParameterError(f"tag map: {ours!r} -> {item!r}: unknown {kind} tag {tag}; {found_msg}")
            if (kind, tag) in owner and owner[(kind, tag)] != ours:
                raise ParameterError(f"tag map: {kind} tag {tag} is mapped to both {owner[(kind, tag)]!r} and "
                                     f"{ours!r}; valid: each file tag carries at most one name; {found_msg}")
            owner[(kind, tag)] = ours
            kinds.add(kind)
            tags.append(tag)
        if len(kinds) > 1:
            raise ParameterError(f"tag map: {ours!r} -> {spec!r} mixes cell and facet tags; {found_msg}")
        out[ours] = (kinds.pop(), sorted(set(tags)))
    missing = sorted(set(required) - set(out))
    unfilled = [f"{role} (one of {', '.join(names)})" for role, names in (any_of or {}).items()
                if not _fills(names, out)]
    if missing or unfilled:
        roles = [*(f"{n!r}" for n in missing), *unfilled]
        mapped = ", ".join(sorted(out)) or "none"
        raise ParameterError(
            f"required mesh roles {', '.join(roles)} are not mapped (names mapped: {mapped}): the solve would lack "
            f"their boundary conditions or materials; {found_msg}; valid: physical groups of these names in the "
            "file, or a tag map such as '{\"edges\": 6}'")
    return out


def _relabel(msh, dim: int, tags, mapping: dict[int, int]):
    """MeshTags with file tag t -> mapping[t]; entities with unmapped tags are dropped."""
    if tags is None:
        return mesh.meshtags(msh, dim, np.zeros(0, np.int32), np.zeros(0, np.int32))
    values = np.array([mapping.get(int(v), -1) for v in tags.values], dtype=np.int32)
    keep = values >= 0
    return mesh.meshtags(msh, dim, tags.indices[keep], values[keep])


def load_mesh(path: str | os.PathLike, comm: MPI.Comm = MPI.COMM_WORLD, tag_map: dict[str, TagSpec] | None = None,
              required: Iterable[str] = (), *, cell_names: Iterable[str] | None = None,
              cell_data_key: str | None = None, any_of: dict[str, Iterable[str]] | None = None) -> Geometry:
    """Read a mesh file into a :class:`~rashba_diffusion.fem.geometry.Geometry` with our tag names.

    Parameters
    ----------
    path
        A ``.msh`` file (read by gmsh) or any file meshio reads.
    tag_map
        ``{our name: file tag | file physical name | [several]}``; ``None``
        uses the file's physical names as they are.
    required
        Names that must be mapped (e.g. ``{"hm", "fm", "interface"}``).
    any_of
        Roles that one of several names fills (``{"spin sinks": ["edges", ..., "probe_*"]}``; a trailing
        ``*`` is a prefix): the film needs a spin sink, or it would solve with no boundary condition.
    cell_names
        Which of our names are materials (cells); default :data:`.tags.CELL_NAMES`.
    cell_data_key
        The meshio cell-data array holding the tags (default: the first of
        :data:`MESHIO_TAG_KEYS` present).

    Returns
    -------
    Geometry
        ``"plane"`` mode; ``tag_names``/``cell_tag_names`` are our names.
        Roles follow the names: spin sinks = edge_low, edge_high, edges and
        probe_*; contacts = contact_left, contact_right; midline = midline.
        ``length_nm`` is the extent along x0; ``width_nm`` the extent along x1,
        or along x0 for a 2D mesh with both hm and fm cells (a bilayer
        cross-section, whose mesh coordinates are (y, z)).
    """
    path = Path(path)
    _bcast_error(comm, None if comm.rank != 0 or path.is_file() else f"mesh file {str(path)!r} does not exist")
    if path.suffix.lower() == ".msh":
        msh, ct, ft, groups = _read_msh(path, comm)
    elif _is_dolfinx_xdmf(path):
        msh, ct, ft, groups = _read_dolfinx_xdmf(path, comm)
    else:
        msh, ct, ft, groups = _read_meshio(path, comm, cell_data_key)
    tdim = msh.topology.dim
    found = {"cell": _tags_in(ct, comm), "facet": _tags_in(ft, comm)}
    resolved = resolve_tag_map(tag_map, found, groups, tdim, required, cell_names, any_of)
    ids = {name: tags[0] for name, (_, tags) in resolved.items()}
    maps = {kind: {t: ids[n] for n, (k, tags) in resolved.items() if k == kind for t in tags}
            for kind in ("cell", "facet")}
    cell_tags = _relabel(msh, tdim, ct, maps["cell"])
    facet_tags = _relabel(msh, tdim - 1, ft, maps["facet"])
    facet_names = {n: ids[n] for n, (k, _) in resolved.items() if k == "facet"}
    cell_tag_names = {n: ids[n] for n, (k, _) in resolved.items() if k == "cell"}

    x = msh.geometry.x
    lo, hi = np.full(3, np.inf), np.full(3, -np.inf)
    comm.Allreduce(x.min(axis=0) if x.size else np.full(3, np.inf), lo, op=MPI.MIN)
    comm.Allreduce(x.max(axis=0) if x.size else np.full(3, -np.inf), hi, op=MPI.MAX)
    extent = hi - lo
    cross_section = tdim == 2 and {"hm", "fm"} <= set(cell_tag_names)
    return Geometry(
        msh=msh,
        facet_tags=facet_tags,
        mode="plane",
        width_nm=float(extent[0] if cross_section else extent[1]),
        length_nm=float(extent[0]),
        spin_sinks=tuple(t for n, t in facet_names.items() if n in SPIN_SINK_NAMES or n.startswith("probe_")),
        contacts=tuple(facet_names[n] for n in CONTACT_NAMES if n in facet_names),
        midline=facet_names.get("midline"),
        tag_names=facet_names,
        cell_tags=cell_tags,
        cell_tag_names=cell_tag_names,
    )
