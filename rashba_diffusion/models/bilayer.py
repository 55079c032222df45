"""Heavy-metal / ferromagnet bilayer: spin Hall source, mixing-conductance interface, spin-orbit torques.

Spin drift-diffusion of the spin accumulation μ_s (3 components, energy; stored in eV, i.e. the spin voltage
μ_s/e in volts) with the spin current density j_s[a][d] in charge units (A/m², the 2e/ħ convention: the spin
angular-momentum current density is (ħ/2e) j_s).  See docs/model.md §11 for the derivation, the closed-form
1D solution (:func:`analytic_efficiencies`) and every sign convention.

Per subdomain (cell tags "hm", "fm"):

    j_s[a][d] = −(σ/2e) ∂_d μ_a + J0[a][d],       ∂_d j_s[a][d] = −(σ/2e) L(μ)_a

HM: L(μ) = μ/λ_N²,  J0 = θ_SH ε_adk j_k (spin Hall).   FM: L(μ) = μ/λ_sf² + μ×m/λ_J² + m×(μ×m)/λ_φ².
Interface z = 0 ("interface" facets), spin current from HM to FM (flow +ẑ):

    mixing:      j_s⊥ = (1/e)[Re G m×(Δμ×m) + Im G Δμ×m],  longitudinal spin current blocked,
                 Δμ = μ_N − μ_F  (μ_F ≡ 0 for an ideal transverse spin sink: HM unknowns only)
    continuous:  one field μ across HM and FM.

The mixing interface with a finite FM uses two fields on the whole mesh (6 components), each pinned to zero
outside its own layer, coupled by an interior-facet integral: μ is discontinuous across the interface.

Scaled system: lengths in nm, μ in V, every term divided by σ_N, so the coefficients are O(1) numbers
(σ/σ_N, 1/λ² in nm⁻², G/σ_N in nm⁻¹, J0/σ_N in V/nm).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import constants as sc

from .parameters import NM, ParameterError, check_finite, check_positive, unit_vector

InterfaceKind = Literal["mixing", "continuous"]
BilayerGeometryKind = Literal["1d", "2d", "3d"]
ChargeCurrentKind = Literal["uniform", "contacts"]

#: ħ/2e: spin current in charge units (A/m²) -> angular-momentum current density (J/m²)
HBAR_OVER_2E = sc.hbar / (2.0 * sc.e)
#: the charge current flows along x̂; the interface normal (HM -> FM) is +ẑ
CURRENT_DIRECTION = np.array([1.0, 0.0, 0.0])
INTERFACE_NORMAL = np.array([0.0, 0.0, 1.0])
#: σ̂ = n̂ × ĵ: the polarization of the bare spin Hall current that flows into the FM (θ_SH > 0); ŷ
SIGMA_HAT = np.cross(INTERFACE_NORMAL, CURRENT_DIRECTION)
#: names of the tags (the same as rashba_diffusion.meshes' bilayer generators)
CELL_TAGS = {"hm": 1, "fm": 2}
FACET_TAGS = {"interface": 1, "hm_bottom": 2, "fm_top": 3, "sides": 4}
#: |σ̂ × m| below this: the DL/FL basis degenerates (m ∥ σ̂)
PARALLEL_TOLERANCE = 1e-9
#: default cell size (3D: the cell height at the interface) as a fraction of the shortest length, Lagrange degree 2
CELL_FRACTION = {"1d": 0.05, "2d": 0.25, "3d": 0.25}
#: default 2D width in units of the longest HM/FM length: the middle is then free of edge effects
WIDTH_IN_LENGTHS = 16.0

EPS = np.zeros((3, 3, 3))
EPS[0, 1, 2] = EPS[1, 2, 0] = EPS[2, 0, 1] = 1.0
EPS[0, 2, 1] = EPS[2, 1, 0] = EPS[1, 0, 2] = -1.0


# --------------------------------------------------------------------------- materials
@dataclass(frozen=True)
class HeavyMetal:
    """The heavy-metal layer (no exchange).

    Parameters
    ----------
    thickness_nm
        d_N in nm (> 0).
    lambda_nm
        Spin-diffusion length λ_N in nm (> 0).
    sigma_s_per_m
        Conductivity σ_N in S/m (> 0).
    theta_sh
        Spin Hall angle θ_SH (dimensionless, finite, either sign; convention in docs/model.md §11).
    """

    thickness_nm: float
    lambda_nm: float
    sigma_s_per_m: float
    theta_sh: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "thickness_nm", check_positive("hm_thickness_nm", self.thickness_nm, "nm"))
        object.__setattr__(self, "lambda_nm", check_positive("hm_lambda_nm", self.lambda_nm, "nm"))
        object.__setattr__(self, "sigma_s_per_m", check_positive("hm_sigma_s_per_m", self.sigma_s_per_m, "S/m"))
        object.__setattr__(self, "theta_sh", check_finite("theta_sh", self.theta_sh, "(dimensionless)"))


@dataclass(frozen=True)
class Ferromagnet:
    """The ferromagnetic layer.

    With none of ``lambda_j_nm``, ``lambda_phi_nm``, ``lambda_sf_nm`` given it is an ideal transverse spin sink
    (μ_F ≡ 0 behind the mixing interface) and ``thickness_nm`` only enters the effective fields.  With any of
    them given it is a finite layer of thickness d_F (then required) in which a missing length means that
    process is off (λ = ∞).

    Parameters
    ----------
    thickness_nm
        d_F in nm (> 0).
    sigma_s_per_m
        Conductivity σ_F in S/m (> 0); ``None``: σ_N of the heavy metal (no conductivity contrast).
    lambda_j_nm, lambda_phi_nm, lambda_sf_nm
        Exchange-precession, transverse-dephasing and spin-flip lengths in nm (> 0, ``inf`` allowed).
    ms_a_per_m
        Saturation magnetization in A/m (> 0), for the effective fields only.
    """

    thickness_nm: float | None = None
    sigma_s_per_m: float | None = None
    lambda_j_nm: float | None = None
    lambda_phi_nm: float | None = None
    lambda_sf_nm: float | None = None
    ms_a_per_m: float | None = None

    def __post_init__(self) -> None:
        for name, unit, inf_ok in (
            ("thickness_nm", "nm", False), ("sigma_s_per_m", "S/m", False), ("lambda_j_nm", "nm", True),
            ("lambda_phi_nm", "nm", True), ("lambda_sf_nm", "nm", True), ("ms_a_per_m", "A/m", False),
        ):  # fmt: skip
            v = getattr(self, name)
            if v is not None:
                object.__setattr__(self, name, check_positive(f"fm_{name}", v, unit, allow_inf=inf_ok))
        if not self.is_ideal_sink and self.thickness_nm is None:
            raise ParameterError(
                "fm_thickness_nm = None nm is invalid for a finite ferromagnet (its lengths are given); "
                "valid range: (0, inf)"
            )

    @property
    def is_ideal_sink(self) -> bool:
        return self.lambda_j_nm is None and self.lambda_phi_nm is None and self.lambda_sf_nm is None

    def inverse_lengths_sq_per_nm2(self) -> dict[str, float]:
        """1/λ² in nm⁻² of the three FM processes (0 for a process that is off)."""
        out = {}
        for key, lam in (("sf", self.lambda_sf_nm), ("j", self.lambda_j_nm), ("phi", self.lambda_phi_nm)):
            out[key] = 0.0 if lam is None or math.isinf(lam) else 1.0 / lam**2
        return out


@dataclass(frozen=True)
class Interface:
    """The HM/FM interface.

    Parameters
    ----------
    kind
        ``"mixing"``: spin-mixing-conductance jump condition; ``"continuous"``: transparent (μ continuous; needs
        a finite FM).
    g_mix_real_s_per_m2, g_mix_imag_s_per_m2
        Re G↑↓ (≥ 0, dissipative) and Im G↑↓ (finite) in S/m² (conductance per area; j_s = (G/e) μ_s).
    """

    kind: InterfaceKind = "mixing"
    g_mix_real_s_per_m2: float = 0.0
    g_mix_imag_s_per_m2: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in ("mixing", "continuous"):
            raise ParameterError(f"interface = {self.kind!r} is invalid; valid values: 'mixing', 'continuous'")
        gr = check_finite("g_mix_real_s_per_m2", self.g_mix_real_s_per_m2, "S/m²")
        if gr < 0:
            raise ParameterError(f"g_mix_real_s_per_m2 = {gr:g} S/m² is invalid; valid range: [0, inf)")
        gi = check_finite("g_mix_imag_s_per_m2", self.g_mix_imag_s_per_m2, "S/m²")
        object.__setattr__(self, "g_mix_real_s_per_m2", gr)
        object.__setattr__(self, "g_mix_imag_s_per_m2", gi)

    @property
    def g_complex(self) -> complex:
        return complex(self.g_mix_real_s_per_m2, self.g_mix_imag_s_per_m2)


def check_combination(fm: Ferromagnet, interface: Interface) -> None:
    """Reject a continuous interface to an ideal sink (there is no FM layer to be continuous with)."""
    if interface.kind == "continuous" and fm.is_ideal_sink:
        raise ParameterError(
            "interface = 'continuous' needs a finite ferromagnet: give fm_lambda_j_nm, fm_lambda_phi_nm or "
            "fm_lambda_sf_nm (nm, > 0), or use interface = 'mixing'"
        )


def structure_key(fm: Ferromagnet, interface: Interface) -> tuple:
    """What fixes the bilayer's weak form beyond its coefficients: FM kind, interface kind, FM processes on.

    Two parameter sets with the same key (on the same mesh) share one :class:`BilayerModel` and its compiled
    forms; only :meth:`BilayerModel.set_parameters` is needed between them.
    """
    k = fm.inverse_lengths_sq_per_nm2()
    on = tuple((key, (not fm.is_ideal_sink) and k[key] != 0.0) for key in ("sf", "j", "phi"))
    return ("ideal_sink" if fm.is_ideal_sink else "finite", interface.kind, on)


def spin_hall_source(theta_sh: float, j_a_per_m2: np.ndarray) -> np.ndarray:
    """The bare spin Hall current J0[a][d] = θ_SH ε_adk j_k (A/m²): flow along n̂ carries spin θ_SH n̂ × j."""
    return theta_sh * np.einsum("adk,k->ad", EPS, np.asarray(j_a_per_m2, dtype=float))


# --------------------------------------------------------------------------- closed form
def analytic_efficiencies(hm: HeavyMetal, fm: Ferromagnet, interface: Interface) -> tuple[float, float]:
    """(ξ_DL, ξ_FL) of the 1D bilayer in closed form (docs/model.md §11.4).

    ξ = θ_SH (1 − sech(d_N/λ_N)) · c with c = f G_s/(G_s + g_N) (complex; ξ_DL = Re c, ξ_FL = −Im c), where
    g_N = (σ_N/2λ_N) tanh(d_N/λ_N), G_s the transverse conductance of interface + FM in the complex notation
    i ≡ m× (ideal sink: conj G; continuous: G_F; mixing + finite FM: in series) and f the share of the
    absorbed transverse spin current that goes to the magnetization (not lost by spin flip).
    Independent of m (spin-rotation symmetry about m).
    """
    check_combination(fm, interface)
    lam = hm.lambda_nm * NM
    delta = hm.thickness_nm / hm.lambda_nm
    g_n = hm.sigma_s_per_m / (2.0 * lam) * math.tanh(delta)
    f = 1.0
    if fm.is_ideal_sink:
        g_s = interface.g_complex.conjugate()
    else:
        k = fm.inverse_lengths_sq_per_nm2()
        q2 = complex(k["sf"] + k["phi"], -k["j"]) / NM**2  # 1/m²
        q = np.sqrt(q2)  # principal root: Re q > 0
        sigma_f = fm.sigma_s_per_m or hm.sigma_s_per_m
        g_f = 0.5 * sigma_f * q * np.tanh(q * fm.thickness_nm * NM)
        f = (q2 - k["sf"] / NM**2) / q2
        if interface.kind == "continuous":
            g_s = g_f
        else:
            gc = interface.g_complex.conjugate()
            g_s = 0.0 if gc == 0 else 1.0 / (1.0 / gc + 1.0 / g_f)
    c = f * g_s / (g_s + g_n) * hm.theta_sh * (1.0 - 1.0 / math.cosh(delta))
    return float(c.real), float(-c.imag)


# --------------------------------------------------------------------------- geometry
@dataclass(frozen=True)
class BilayerSpec:
    """Discretization and drive of the bilayer (lengths in nm).

    ``geometry = "1d"``: the film, infinite in-plane (coordinate z); ``"2d"``: the cross-section (y, z) of a
    stripe of width ``width_nm`` with free side faces (structured mesh); ``"3d"``: the stripe
    ``meshes.bilayer_stripe_3d`` of length ``length_nm`` (default: the width) along the current, with contacts at
    x = 0 and x = L.  ``cell_nm = None``: a fraction of the shortest length (3D: the cell height at the interface,
    growing away from it up to ``BULK_CELL_RATIO`` times, the in-plane cells as large as that).

    ``charge_current``: ``"uniform"`` (j_N x̂ in the HM) or ``"contacts"`` (the potential solved between the
    contact facets, :mod:`bilayer_charge`; 3D meshes only); ``None``: contacts when the mesh is 3D and has them.
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
                object.__setattr__(self, name, check_positive(name, getattr(self, name), "nm"))
        if self.charge_current not in (None, "uniform", "contacts"):
            raise ParameterError(f"charge_current = {self.charge_current!r} is invalid; valid values: 'uniform', "
                                 "'contacts'")
        if self.degree not in (1, 2, 3):
            raise ParameterError(f"degree = {self.degree!r} is invalid; valid values: 1, 2, 3")


def _lengths_nm(hm: HeavyMetal, fm: Ferromagnet) -> list[float]:
    out = [hm.lambda_nm, hm.thickness_nm]
    if not fm.is_ideal_sink:
        out += [v for v in (fm.lambda_j_nm, fm.lambda_phi_nm, fm.lambda_sf_nm, fm.thickness_nm)
                if v is not None and math.isfinite(v)]
    return out


def default_cell_nm(hm: HeavyMetal, fm: Ferromagnet, spec: BilayerSpec) -> float:
    return spec.cell_nm or CELL_FRACTION[spec.geometry] * min(_lengths_nm(hm, fm))


def default_width_nm(hm: HeavyMetal, fm: Ferromagnet, spec: BilayerSpec) -> float:
    return spec.width_nm or WIDTH_IN_LENGTHS * max(_lengths_nm(hm, fm))


#: fewest in-plane cells across the 3D stripe's width and length by default
MIN_LATERAL_CELLS = 4


def stripe_spec(hm: HeavyMetal, fm: Ferromagnet, spec: BilayerSpec):
    """The validated :class:`meshes.BilayerStripeMesh` of ``spec.geometry = "3d"`` (nothing is meshed yet).

    An ideal-sink FM (no thickness given) is one cell layer of height ``cell_nm``: its unknowns are pinned to 0.
    """
    from .meshes import BULK_CELL_RATIO, BilayerStripeMesh

    h = default_cell_nm(hm, fm, spec)
    width = default_width_nm(hm, fm, spec)
    length = spec.length_nm or width
    d_f = fm.thickness_nm or h
    lateral = min(BULK_CELL_RATIO * h, width / MIN_LATERAL_CELLS, length / MIN_LATERAL_CELLS)
    return BilayerStripeMesh(length, width, hm.thickness_nm, d_f, h, cell_max_nm=max(lateral, h),
                             lateral_cell_nm=lateral)


def _layer_coordinate(t: np.ndarray, n_hm: int, h_hm: float, h_fm: float) -> np.ndarray:
    """Map the cell index coordinate t ∈ [0, n_hm + n_fm] to z: HM cells of h_hm below 0, FM cells of h_fm above."""
    return np.where(t <= n_hm, (t - n_hm) * h_hm, (t - n_hm) * h_fm)


def bilayer_mesh(comm, hm_thickness_nm: float, fm_thickness_nm: float | None, cell_nm: float,
                 width_nm: float | None = None):
    """A structured 1D (z) or 2D (y, z) bilayer with the tag names of ``meshes.bilayer_cross_section``.

    HM at −d_N ≤ z ≤ 0, FM at 0 ≤ z ≤ d_F (absent when ``fm_thickness_nm`` is None: the interface is then the
    top boundary), y ∈ [0, W].  Cells "hm"/"fm"; facets "interface", "hm_bottom", "fm_top", "sides".
    """
    from ._compat import mesh
    from .geometry import Geometry

    d_n = check_positive("hm_thickness_nm", hm_thickness_nm, "nm")
    h = check_positive("cell_nm", cell_nm, "nm")
    n_hm = max(2, math.ceil(d_n / h))
    d_f = 0.0 if fm_thickness_nm is None else check_positive("fm_thickness_nm", fm_thickness_nm, "nm")
    n_fm = 0 if fm_thickness_nm is None else max(2, math.ceil(d_f / h))
    h_hm, h_fm = d_n / n_hm, (d_f / n_fm if n_fm else 0.0)
    n = n_hm + n_fm
    if width_nm is None:
        msh = mesh.create_interval(comm, n, [0.0, float(n)])
        zaxis = 0
    else:
        w = check_positive("width_nm", width_nm, "nm")
        n_y = max(2, math.ceil(w / h))
        msh = mesh.create_rectangle(comm, [[0.0, 0.0], [float(n_y), float(n)]], [n_y, n],
                                    cell_type=mesh.CellType.triangle)
        zaxis = 1
        msh.geometry.x[:, 0] *= w / n_y
    x = msh.geometry.x
    # the coordinates are integers up to round-off: snap, then map each layer affinely
    x[:, zaxis] = _layer_coordinate(np.round(x[:, zaxis]), n_hm, h_hm, h_fm)
    tdim, fdim = msh.topology.dim, msh.topology.dim - 1
    tol = 1e-6 * min(h_hm, h_fm) if n_fm else 1e-6 * h_hm

    cells_hm = mesh.locate_entities(msh, tdim, lambda p: p[zaxis] <= tol)
    cells_fm = mesh.locate_entities(msh, tdim, lambda p: p[zaxis] >= -tol)
    ents = np.concatenate([cells_hm, cells_fm]).astype(np.int32)
    vals = np.concatenate([np.full(cells_hm.size, CELL_TAGS["hm"]),
                           np.full(cells_fm.size, CELL_TAGS["fm"])]).astype(np.int32)
    order = np.argsort(ents)
    ct = mesh.meshtags(msh, tdim, ents[order], vals[order])

    msh.topology.create_connectivity(fdim, tdim)
    markers = {
        "interface": lambda p: np.abs(p[zaxis]) < tol,
        "hm_bottom": lambda p: np.abs(p[zaxis] + d_n) < tol,
        "fm_top": lambda p: np.abs(p[zaxis] - d_f) < tol if n_fm else np.zeros(p.shape[1], dtype=bool),
    }
    if width_nm is not None:
        markers["sides"] = lambda p: (np.abs(p[0]) < tol) | (np.abs(p[0] - width_nm) < tol)
    fe, fv = [], []
    for name, marker in markers.items():
        f = mesh.locate_entities(msh, fdim, marker)
        fe.append(f)
        fv.append(np.full(f.size, FACET_TAGS[name]))
    ents = np.concatenate(fe).astype(np.int32)
    vals = np.concatenate(fv).astype(np.int32)
    order = np.argsort(ents)
    ft = mesh.meshtags(msh, fdim, ents[order], vals[order])
    cell_names = {"hm": CELL_TAGS["hm"]} | ({"fm": CELL_TAGS["fm"]} if n_fm else {})
    return Geometry(
        msh=msh, facet_tags=ft, mode="cross_section" if width_nm is None else "plane",
        width_nm=width_nm if width_nm is not None else d_n + d_f, spin_sinks=(), contacts=(),
        tag_names={k: v for k, v in FACET_TAGS.items() if k in markers}, cell_tags=ct, cell_tag_names=cell_names,
    )


# --------------------------------------------------------------------------- the model
class BilayerModel:
    """Weak form of the bilayer on a :class:`geometry.Geometry` with cell tags "hm" (and "fm").

    The mesh axes are the last ``tdim`` physical axes: z (1D), (y, z) (2D), (x, y, z) (3D); the current flows
    along x̂ and the interface normal is +ẑ.  ``a``, ``L``, ``bcs``, ``V`` and ``pin_bc`` are what
    :class:`solver.LinearSolver` needs.

    Parameters
    ----------
    sources
        Bare spin currents J0[a][d] in A/m² per layer, e.g. ``{"hm": spin_hall_source(...)}``.
    current_shape
        ``None``, or a UFL vector ĵ(r) (physical axes x, y, z; dimensionless) that adds the spin Hall source
        θ_SH ε_adk j_N ĵ_k(r) of a non-uniform charge current in the HM (:mod:`bilayer_charge`); its amplitude
        j_N is set by :meth:`set_current` (A/m²).
    """

    def __init__(self, geometry, hm: HeavyMetal, fm: Ferromagnet, interface: Interface, m,
                 sources: dict[str, np.ndarray], degree: int = 2, current_shape=None):
        from ._compat import PETSc, fem, ufl

        check_combination(fm, interface)
        self.geometry, self.hm, self.fm, self.interface = geometry, hm, fm, interface
        msh = geometry.msh
        self.tdim = msh.topology.dim
        names = geometry.cell_tag_names or {}
        if "hm" not in names:
            raise ParameterError(f"the bilayer mesh needs a cell tag 'hm'; tags found: {names}")
        self.has_fm_cells = "fm" in names
        if not fm.is_ideal_sink and not self.has_fm_cells:
            raise ParameterError(f"a finite ferromagnet needs a cell tag 'fm' in the mesh; tags found: {names}")
        if "interface" not in geometry.tag_names:
            raise ParameterError(f"the bilayer mesh needs a facet tag 'interface'; tags found: {geometry.tag_names}")
        #: "single": HM only (ideal sink) or one field across HM+FM (continuous); "split": μ_N and μ_F
        self.layout = "split" if (interface.kind == "mixing" and not fm.is_ideal_sink) else "single"
        ncomp = 6 if self.layout == "split" else 3
        self.V = fem.functionspace(msh, ("Lagrange", int(degree), (ncomp,)))
        self.degree = int(degree)
        self.pin_bc = None
        scalar = PETSc.ScalarType
        self.m_const = fem.Constant(msh, np.zeros(3, dtype=scalar))
        self.set_magnetization(m)
        self.source = {k: fem.Constant(msh, np.zeros((3, 3), dtype=scalar)) for k in ("hm", "fm")}
        # material coefficients as Constants: a sweep over them reuses the compiled forms and the matrix
        # (which FM processes are on is structural: see structure_key)
        self.coef = {k: fem.Constant(msh, scalar(0.0))
                     for k in ("inv_lambda_n_sq", "g_real", "g_imag", "sigma_f_rel", "sf", "j", "phi")}
        self._structure = structure_key(fm, interface)
        self.set_parameters(hm, fm, interface)
        self.set_sources(sources)
        self.current_shape = current_shape
        #: θ_SH j_N / σ_N in V/nm: the amplitude of the spin Hall source of ``current_shape``
        self.current_amplitude = fem.Constant(msh, scalar(0.0))
        self.dx = ufl.Measure("dx", domain=msh, subdomain_data=geometry.cell_tags)
        iface = geometry.tag_names["interface"]
        if self.has_fm_cells:  # interface between two layers of cells: interior facets
            self.dGamma = ufl.Measure("dS", domain=msh, subdomain_data=geometry.facet_tags, subdomain_id=iface)
            self.restrict = lambda e: e("+")  # every field is continuous within its layer: either side will do
        else:
            self.dGamma = ufl.Measure("ds", domain=msh, subdomain_data=geometry.facet_tags, subdomain_id=iface)
            self.restrict = lambda e: e
        self._build_forms()
        self._build_bcs()

    def set_parameters(self, hm: HeavyMetal, fm: Ferromagnet, interface: Interface) -> None:
        """Change the material and interface coefficients in place; no recompilation.

        Raises
        ------
        ParameterError
            If the change needs other forms (``structure_key`` differs: FM kind, interface kind, or which FM
            processes are on); build a new model then.  Re-set the sources afterwards (they are scaled by σ_N).
        """
        check_combination(fm, interface)
        if structure_key(fm, interface) != self._structure:
            raise ParameterError(f"the bilayer model was built for {self._structure}, not "
                                 f"{structure_key(fm, interface)}: build a new BilayerModel")
        self.hm, self.fm, self.interface = hm, fm, interface
        scale = NM / hm.sigma_s_per_m
        k = fm.inverse_lengths_sq_per_nm2()
        values = {"inv_lambda_n_sq": 1.0 / hm.lambda_nm**2, "g_real": interface.g_mix_real_s_per_m2 * scale,
                  "g_imag": interface.g_mix_imag_s_per_m2 * scale,
                  "sigma_f_rel": (fm.sigma_s_per_m or hm.sigma_s_per_m) / hm.sigma_s_per_m, **k}
        for name, v in values.items():
            self.coef[name].value = v

    def set_magnetization(self, m) -> None:
        """Set the unit vector m (checked) in place; no recompilation."""
        self.m_value = np.asarray(unit_vector("m", m))
        self.m_const.value[:] = self.m_value

    def set_sources(self, sources: dict[str, np.ndarray]) -> None:
        """Change the bare spin currents (A/m²) in place; no recompilation."""
        unknown = set(sources) - set(self.source)
        if unknown:
            raise ParameterError(f"sources for unknown layers {sorted(unknown)}; valid: 'hm', 'fm'")
        for k, c in self.source.items():
            c.value[:] = np.asarray(sources.get(k, np.zeros((3, 3))), dtype=float) / self.hm.sigma_s_per_m * NM

    def set_current(self, j_a_per_m2: float) -> None:
        """Set j_N (A/m²), the HM mean of j_x, of the ``current_shape`` spin Hall source; no recompilation."""
        self.current_amplitude.value = self.hm.theta_sh * j_a_per_m2 / self.hm.sigma_s_per_m * NM

    def _hm_source(self):
        """J0[a][d]/σ_N (V/nm) in the HM: the constant part plus that of ``current_shape``."""
        src = self.source["hm"]
        if self.current_shape is None:
            return [[src[a, d] for d in range(3)] for a in range(3)]
        js = self.current_shape
        return [[src[a, d] + self.current_amplitude * sum(EPS[a, d, k] * js[k] for k in range(3) if EPS[a, d, k])
                 for d in range(3)] for a in range(3)]

    def grad3(self, f) -> list:
        """(∂x, ∂y, ∂z) of a scalar; mesh axes are the last tdim physical axes."""
        offset = 3 - self.tdim
        return [None] * offset + [f.dx(i) for i in range(self.tdim)]

    # -- pieces of the weak form -----------------------------------------------
    def _cross(self, u, v):
        return [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]

    def _transverse(self, u):
        """m × (u × m) = u − (u·m) m for |m| = 1."""
        m = self.m_const
        um = u[0] * m[0] + u[1] * m[1] + u[2] * m[2]
        return [u[a] - um * m[a] for a in range(3)]

    def mixing_current(self, dmu) -> list:
        """Interface spin current HM -> FM divided by σ_N (V/nm): (G_r m×(Δμ×m) + G_i Δμ×m)/σ_N."""
        gr, gi = self.coef["g_real"], self.coef["g_imag"]
        t = self._transverse(dmu)
        c = self._cross(dmu, self.m_const)
        return [gr * t[a] + gi * c[a] for a in range(3)]

    def fm_loss(self, mu, kind: str) -> list:
        """The FM's local terms L(μ): spin flip, exchange precession and dephasing (nm⁻² · V)."""
        on = dict(self._structure[2])  # which processes are on (fixed for this model)
        t = self._transverse(mu)
        c = self._cross(mu, self.m_const)
        parts = {"sf": mu, "j": c, "phi": t}
        keys = ("j", "phi") if kind == "torque" else ("sf", "j", "phi")
        return [sum(self.coef[key] * parts[key][a] for key in keys if on[key]) for a in range(3)]

    def _layer_residual(self, mu, w, layer: str):
        if layer == "hm":
            rel = 1.0  # σ_N / σ_N
            loss = [self.coef["inv_lambda_n_sq"] * mu[a] for a in range(3)]
        else:
            rel = self.coef["sigma_f_rel"]
            loss = self.fm_loss(mu, "all")
        src = self._hm_source() if layer == "hm" else [[self.source[layer][a, d] for d in range(3)] for a in range(3)]
        terms = []
        for a in range(3):
            gmu, gw = self.grad3(mu[a]), self.grad3(w[a])
            for d in range(3):
                if gw[d] is not None:
                    terms.append(0.5 * rel * gmu[d] * gw[d] - src[a][d] * gw[d])
            if not (isinstance(loss[a], int) and loss[a] == 0):
                terms.append(0.5 * rel * loss[a] * w[a])
        return sum(terms[1:], terms[0]) * self.dx(self.geometry.cell_tag_names[layer])

    def _build_forms(self) -> None:
        from ._compat import PETSc, fem, ufl

        U, W = ufl.TrialFunction(self.V), ufl.TestFunction(self.V)
        mu_n, w_n = [U[i] for i in range(3)], [W[i] for i in range(3)]
        residual = self._layer_residual(mu_n, w_n, "hm")
        r = self.restrict
        if self.layout == "split":
            mu_f, w_f = [U[i] for i in range(3, 6)], [W[i] for i in range(3, 6)]
            residual += self._layer_residual(mu_f, w_f, "fm")
            j = self.mixing_current([r(mu_n[a]) - r(mu_f[a]) for a in range(3)])
            residual += sum(j[a] * (r(w_n[a]) - r(w_f[a])) for a in range(3)) * self.dGamma
        elif self.interface.kind == "continuous":
            residual += self._layer_residual(mu_n, w_n, "fm")
        else:  # ideal sink: μ_F ≡ 0
            j = self.mixing_current([r(mu_n[a]) for a in range(3)])
            residual += sum(j[a] * r(w_n[a]) for a in range(3)) * self.dGamma
            if self.has_fm_cells:
                # a mesh with FM cells (gmsh bilayers): the HM field is pinned to 0 there, but the FM-only dofs
                # must be in the sparsity pattern for the Dirichlet rows' unit diagonal: a term of value 0
                # (a Constant, which UFL does not simplify away) puts them there without changing the system
                zero = fem.Constant(self.geometry.msh, PETSc.ScalarType(0.0))
                residual += zero * sum(mu_n[a] * w_n[a] for a in range(3)) * self.dx(
                    self.geometry.cell_tag_names["fm"])
        self.a = fem.form(ufl.lhs(residual))
        self.L = fem.form(ufl.rhs(residual))

    def _build_bcs(self) -> None:
        """Zero every component outside the layer it lives on (dofs not touching one of its cells)."""
        from ._compat import PETSc, fem

        msh = self.geometry.msh
        ct = self.geometry.cell_tags
        names = self.geometry.cell_tag_names
        msh.topology.create_connectivity(self.tdim, self.tdim)
        imap = msh.topology.index_map(self.tdim)
        all_cells = np.arange(imap.size_local + imap.num_ghosts, dtype=np.int32)
        if self.layout == "split":
            layers = {"hm": range(0, 3), "fm": range(3, 6)}
        elif self.interface.kind == "continuous":
            layers = {}
        else:
            layers = {"hm": range(0, 3)}
        self.bcs = []
        for layer, comps in layers.items():
            own = ct.find(names[layer])
            for i in comps:
                active = fem.locate_dofs_topological(self.V.sub(i), self.tdim, own)
                every = fem.locate_dofs_topological(self.V.sub(i), self.tdim, all_cells)
                idle = np.setdiff1d(every, active).astype(np.int32)
                self.bcs.append(fem.dirichletbc(PETSc.ScalarType(0.0), idle, self.V.sub(i)))

    # -- post-processing ---------------------------------------------------------
    def torque_vector_j_per_m2(self, U) -> tuple[np.ndarray, float]:
        """(T, A): the torque per area on the FM (J/m²) averaged over the interface, and A (nm^(tdim−1)).

        Ideal sink: the transverse spin current absorbed at the interface; finite FM: the exchange-precession
        and dephasing terms integrated over the FM (spin flip hands spin to the lattice, not to m).
        """
        from ._compat import MPI, fem, ufl

        comm = self.geometry.msh.comm
        r = self.restrict

        def integral(expr, meas):
            return comm.allreduce(fem.assemble_scalar(fem.form(expr * meas)), op=MPI.SUM)

        area = integral(ufl.as_ufl(1.0), self.dGamma)
        T = np.zeros(3)
        if self.fm.is_ideal_sink:
            j = self.mixing_current([r(U[a]) for a in range(3)])  # V/nm after division by σ_N
            for a in range(3):
                T[a] = integral(j[a], self.dGamma) / area * self.hm.sigma_s_per_m / NM
        else:
            off = 3 if self.layout == "split" else 0
            loss = self.fm_loss([U[off + a] for a in range(3)], "torque")
            sigma_f = self.fm.sigma_s_per_m or self.hm.sigma_s_per_m
            dx_fm = self.dx(self.geometry.cell_tag_names["fm"])
            for a in range(3):
                if isinstance(loss[a], int):
                    continue
                T[a] = integral(loss[a], dx_fm) / area * 0.5 * sigma_f / NM
        return HBAR_OVER_2E * T, area


def absorbed_spin_current(mu_v: np.ndarray, m: np.ndarray, interface: Interface) -> np.ndarray:
    """Mixing-interface spin current (A/m², HM -> FM) for a spin accumulation μ (V, shape (3,) or (3, N))
    in front of an ideal sink: Re G m×(μ×m) + Im G μ×m (numpy twin of :meth:`BilayerModel.mixing_current`)."""
    mu = np.asarray(mu_v, dtype=float)
    mm = np.asarray(m, dtype=float).reshape((3,) + (1,) * (mu.ndim - 1))
    transverse = mu - np.sum(mu * mm, axis=0) * mm
    return interface.g_mix_real_s_per_m2 * transverse + interface.g_mix_imag_s_per_m2 * np.cross(mu, mm, axis=0)


def decompose_dl_fl(T: np.ndarray, m: np.ndarray, sigma: np.ndarray = SIGMA_HAT) -> tuple[float, float]:
    """(T_DL, T_FL) with T = T_DL m×(σ̂×m) + T_FL σ̂×m (NaN when m ∥ σ̂)."""
    from .torque import decompose

    t_fl, t_dl = decompose(T, np.asarray(m, dtype=float), np.asarray(sigma, dtype=float))
    return t_dl, t_fl


def probe_polarization(m: np.ndarray) -> np.ndarray:
    """A unit vector ⟂ m (for the linear-response efficiencies when m ∥ σ̂)."""
    m = np.asarray(m, dtype=float)
    p = np.cross(CURRENT_DIRECTION, m)
    if np.linalg.norm(p) < 0.5:
        p = np.cross(INTERFACE_NORMAL, m)
    return p / np.linalg.norm(p)


@dataclass
class BilayerResult:
    """Summary (SI) and the solution of a bilayer solve.

    ``timings`` holds the wall time (s, this rank) of each phase: ``mesh`` (0 for a given geometry),
    ``charge_current`` (the contacts' potential solve; ~0 for a uniform current), ``forms``, ``matrix_create``,
    the :class:`solver.LinearSolver` phases of the spin solve (``assemble_matrix``, ``assemble_rhs``, ``setup``,
    ``solve``, ``neutrality``) and ``postprocess`` (interface torque; in 1D with m ∥ σ̂ also the probe solve).
    """

    summary: dict
    solution: object
    model: BilayerModel
    timings: dict[str, float] = field(default_factory=dict)


def solve_bilayer(hm: HeavyMetal, fm: Ferromagnet, interface: Interface, m, j_a_per_m2: float,
                  spec: BilayerSpec | None = None, comm=None, geometry=None,
                  extra_sources: dict[str, np.ndarray] | None = None,
                  petsc_options: dict | None = None) -> BilayerResult:
    """Solve the bilayer and report torques and efficiencies ξ = (2e/ħ) T / j_N (validated before any solve).

    ``geometry`` (a tagged :class:`geometry.Geometry`: ``meshes.bilayer_cross_section`` (2D, coordinates
    (y, z)), ``meshes.bilayer_stripe_3d`` (3D, (x, y, z)) or ``meshes.load_mesh`` of a file) replaces the mesh
    that ``spec`` describes; cell tags "hm" (and "fm" for a finite FM), facet tag "interface" at z = 0 with the
    FM above.  ``j_a_per_m2`` is the charge current density j_N in the HM along x̂: uniform (the FM carries
    (σ_F/σ_N) j_N), or with ``charge_current = "contacts"`` the mean j_x over the HM of the current solved
    between the contacts.  The torque is the average over the interface.  ``petsc_options`` go to both linear
    solvers (default MUMPS LU).

    When m ∥ σ̂ the torque of the spin Hall source vanishes and the DL/FL basis degenerates.  In 1D the
    efficiencies are then the linear-response coefficients: the same solve with the source polarized along
    a unit p ⟂ m, which by the spin-rotation symmetry about m gives T = T_DL p + T_FL p×m with the same
    coefficients as for any other direction (docs/model.md §11.5).  In 2D/3D they are reported as NaN.

    A one-point :class:`BilayerSession` (``total_seconds`` includes the mesh and the forms).
    """
    t_start = time.perf_counter()
    session = BilayerSession(hm, fm, interface, m, j_a_per_m2, spec, comm, geometry, extra_sources, petsc_options)
    result = session.solve()
    result.summary["total_seconds"] = time.perf_counter() - t_start
    session.solver.destroy()
    return result


class BilayerSession:
    """One mesh, one :class:`BilayerModel`, one solver, solved for many parameter sets (:func:`solve_bilayer`).

    :meth:`solve` changes m, j_N and, through :meth:`BilayerModel.set_parameters`, every material and
    interface coefficient without recompiling the forms or re-creating the matrix, as long as
    :meth:`reusable` holds: the same mesh (for a generated mesh, the same d_N and finite-FM d_F; with
    ``geometry`` given, any thicknesses: the mesh is the given one) and the same :func:`structure_key`
    (and, for ``charge_current = "contacts"``, the same σ_F/σ_N).  Otherwise build a new session.
    Parameters as for :func:`solve_bilayer` (validated here, before any mesh).
    """

    def __init__(self, hm: HeavyMetal, fm: Ferromagnet, interface: Interface, m, j_a_per_m2: float,
                 spec: BilayerSpec | None = None, comm=None, geometry=None,
                 extra_sources: dict[str, np.ndarray] | None = None, petsc_options: dict | None = None):
        from ._compat import MPI
        from .solver import LinearSolver

        spec = spec or BilayerSpec()
        self.m = np.asarray(unit_vector("m", m))
        self.j_n = _check_current(j_a_per_m2)
        check_combination(fm, interface)
        self.spec, self.extra_sources = spec, extra_sources
        self.hm, self.fm, self.interface = hm, fm, interface
        self.comm = comm = comm or MPI.COMM_WORLD
        self.given_geometry = geometry is not None
        t_start = time.perf_counter()
        h, width = None, None
        if geometry is None and spec.geometry == "3d":
            stripe = stripe_spec(hm, fm, spec)
            from .meshes import generate

            geometry = generate(stripe, comm)
            h, width = stripe.cell_nm, stripe.width_nm
        elif geometry is None:
            h = default_cell_nm(hm, fm, spec)
            width = default_width_nm(hm, fm, spec) if spec.geometry == "2d" else None
            d_f = None if fm.is_ideal_sink else fm.thickness_nm
            geometry = bilayer_mesh(comm, hm.thickness_nm, d_f, h, width)
        else:
            width = geometry.width_nm
        self.geometry, self.cell_nm, self.width_nm = geometry, h, width
        #: wall times (s) of the one-off phases: mesh, charge_current, forms, matrix_create
        self.setup_timings = {"mesh": time.perf_counter() - t_start}
        t0 = time.perf_counter()
        charge = spec.charge_current
        if charge is None:
            has_contacts = all(n in (geometry.tag_names or {}) for n in ("contact_left", "contact_right"))
            charge = "contacts" if geometry.msh.topology.dim == 3 and has_contacts else "uniform"
        self.charge = charge
        shape = None
        if charge == "contacts":
            from .bilayer_charge import current_shape

            shape, _ = current_shape(geometry, _sigma_ratio(hm, fm), petsc_options)
        self.shape = shape
        self.setup_timings["charge_current"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        self.model = BilayerModel(geometry, hm, fm, interface, self.m, self._sources(hm),
                                  degree=spec.degree, current_shape=shape)
        self.setup_timings["forms"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        self.solver = LinearSolver(self.model, petsc_options)
        self.setup_timings["matrix_create"] = time.perf_counter() - t0
        self.ndofs = int(self.model.V.dofmap.index_map.size_global * self.model.V.dofmap.index_map_bs)

    def _sources(self, hm: HeavyMetal) -> dict[str, np.ndarray]:
        sources = {} if self.shape is not None else {"hm": spin_hall_source(hm.theta_sh, self.j_n * CURRENT_DIRECTION)}
        for k, v in (self.extra_sources or {}).items():
            sources[k] = sources.get(k, np.zeros((3, 3))) + np.asarray(v)
        return sources

    def mesh_key(self, hm: HeavyMetal, fm: Ferromagnet) -> tuple:
        """What the generated mesh depends on besides ``spec`` (empty with a given geometry)."""
        if self.given_geometry:
            return ()
        return (hm.thickness_nm, None if fm.is_ideal_sink and self.spec.geometry != "3d" else fm.thickness_nm)

    def reusable(self, hm: HeavyMetal, fm: Ferromagnet, interface: Interface) -> bool:
        """Whether :meth:`solve` can take these parameters without a new mesh or new forms."""
        same_charge = self.shape is None or _sigma_ratio(hm, fm) == _sigma_ratio(self.hm, self.fm)
        return (self.mesh_key(hm, fm) == self.mesh_key(self.hm, self.fm) and same_charge
                and structure_key(fm, interface) == structure_key(self.fm, self.interface))

    def solve(self, hm: HeavyMetal | None = None, fm: Ferromagnet | None = None,
              interface: Interface | None = None, m=None, j_a_per_m2: float | None = None) -> BilayerResult:
        """Solve for changed parameters (``None``: keep the current one); see :func:`solve_bilayer`."""
        from .torque import effective_fields_tesla

        t_start = time.perf_counter()
        hm, fm, interface = hm or self.hm, fm or self.fm, interface or self.interface
        if not self.reusable(hm, fm, interface):
            raise ParameterError("these parameters need a new mesh or new forms (BilayerSession.reusable is "
                                 "false): build a new BilayerSession")
        self.m = self.m if m is None else np.asarray(unit_vector("m", m))
        self.j_n = self.j_n if j_a_per_m2 is None else _check_current(j_a_per_m2)
        self.hm, self.fm, self.interface = hm, fm, interface
        model, solver, m = self.model, self.solver, self.m
        model.set_parameters(hm, fm, interface)
        model.set_magnetization(m)
        sources = self._sources(hm)
        model.set_sources(sources)
        model.set_current(self.j_n)
        t0 = time.perf_counter()
        U = solver.solve()
        solve_seconds = time.perf_counter() - t0
        solver_timings, iterations = dict(solver.timings), solver.iterations
        t0 = time.perf_counter()
        T, area = model.torque_vector_j_per_m2(U)
        t_dl, t_fl = decompose_dl_fl(T, m)
        probe = False
        if not math.isfinite(t_dl) and model.tdim == 1 and not self.extra_sources and self.shape is None:
            p = probe_polarization(m)
            flow = sources["hm"].T @ SIGMA_HAT  # flow vector of the σ̂-polarized part
            model.set_sources({"hm": sources["hm"] + np.outer(p - SIGMA_HAT, flow)})
            Up = solver.solve()
            Tp, _ = model.torque_vector_j_per_m2(Up)
            # T_p = T_DL p + T_FL p×m
            t_dl, t_fl = float(Tp @ p), float(Tp @ np.cross(p, m))
            model.set_sources(sources)
            probe = True
        t_post = time.perf_counter() - t0
        to_xi = 1.0 / (HBAR_OVER_2E * self.j_n)
        xi_dl_a, xi_fl_a = analytic_efficiencies(hm, fm, interface)
        summary = {
            "xi_DL": t_dl * to_xi,
            "xi_FL": t_fl * to_xi,
            "T_DL_J_per_m2": t_dl,
            "T_FL_J_per_m2": t_fl,
            "xi_DL_analytic_1d": xi_dl_a,
            "xi_FL_analytic_1d": xi_fl_a,
            "T_vector_J_per_m2": T.tolist(),
            "sigma_hat": SIGMA_HAT.tolist(),
            "linear_response_probe": probe,
            "dofs": self.ndofs,
            "ranks": self.comm.size,
            "geometry": "1d" if model.tdim == 1 else f"{model.tdim}d",
            "charge_current": self.charge,
            "interface": interface.kind,
            "fm": "ideal_sink" if fm.is_ideal_sink else "finite",
            "cell_nm": self.cell_nm,
            "width_nm": self.width_nm,
            "interface_measure": area,
            "degree": self.spec.degree,
            "m": m.tolist(),
            "j_a_per_m2": self.j_n,
            "krylov_iterations": iterations,
            "solve_seconds": solve_seconds,
            "total_seconds": time.perf_counter() - t_start,
        }
        if fm.ms_a_per_m is not None and fm.thickness_nm is not None:
            b_fl, b_dl = effective_fields_tesla(t_fl, t_dl, fm.ms_a_per_m, fm.thickness_nm)
            summary["B_FL_T"], summary["B_DL_T"] = b_fl, b_dl
        timings = {**self.setup_timings, **solver_timings, "postprocess": t_post}
        return BilayerResult(summary=summary, solution=U, model=model, timings=timings)


def _check_current(j_a_per_m2: float) -> float:
    j_n = check_finite("j_a_per_m2", j_a_per_m2, "A/m²")
    if j_n == 0.0:
        raise ParameterError("j_a_per_m2 = 0.0 A/m² is invalid (the efficiencies divide by it); valid range: ≠ 0")
    return j_n


def _sigma_ratio(hm: HeavyMetal, fm: Ferromagnet) -> float:
    return (fm.sigma_s_per_m or hm.sigma_s_per_m) / hm.sigma_s_per_m


# --------------------------------------------------------------------------- command line
#: defaults of ``rashba-diffusion bilayer``: the issue's example (Pt-like HM, Pt/Co-like interface)
CLI_DEFAULTS = {"hm_thickness_nm": 3.0, "hm_lambda_nm": 1.4, "hm_sigma_s_per_m": 7e6, "theta_sh": 0.19,
                "g_mix_real_s_per_m2": 5e14, "g_mix_imag_s_per_m2": 1e14, "j_a_per_m2": 1e11}


def add_parser(sub) -> None:
    """Register ``rashba-diffusion bilayer`` on the CLI's subparsers."""
    from .cli import _vector

    d = CLI_DEFAULTS
    p = sub.add_parser("bilayer", help="heavy-metal/ferromagnet bilayer: spin Hall torques, ξ_DL and ξ_FL")
    g = p.add_argument_group("heavy metal")
    g.add_argument("--hm-thickness-nm", type=float, default=d["hm_thickness_nm"], help="d_N (nm)")
    g.add_argument("--hm-lambda-nm", type=float, default=d["hm_lambda_nm"], help="spin-diffusion length λ_N (nm)")
    g.add_argument("--hm-sigma-s-per-m", type=float, default=d["hm_sigma_s_per_m"], help="conductivity σ_N (S/m)")
    g.add_argument("--theta-sh", type=float, default=d["theta_sh"], help="spin Hall angle θ_SH")
    g = p.add_argument_group("interface")
    g.add_argument("--interface", choices=("mixing", "continuous"), default="mixing",
                   help="mixing-conductance jump (default) or transparent (needs a finite FM)")
    g.add_argument("--g-mix-real-s-per-m2", type=float, default=d["g_mix_real_s_per_m2"], help="Re G↑↓ (S/m²)")
    g.add_argument("--g-mix-imag-s-per-m2", type=float, default=d["g_mix_imag_s_per_m2"], help="Im G↑↓ (S/m²)")
    g = p.add_argument_group("ferromagnet (an ideal transverse spin sink unless a length is given)")
    g.add_argument("--fm-thickness-nm", type=float, default=None, help="d_F (nm)")
    g.add_argument("--fm-sigma-s-per-m", type=float, default=None, help="σ_F (S/m); default σ_N")
    g.add_argument("--fm-lambda-j-nm", type=float, default=None, help="exchange-precession length λ_J (nm)")
    g.add_argument("--fm-lambda-phi-nm", type=float, default=None, help="transverse dephasing length λ_φ (nm)")
    g.add_argument("--fm-lambda-sf-nm", type=float, default=None, help="spin-flip length λ_sf (nm)")
    g.add_argument("--ms-a-per-m", type=float, default=None, help="Ms (A/m), with --fm-thickness-nm: effective fields")
    g = p.add_argument_group("drive, magnetization, discretization")
    g.add_argument("--j-a-per-m2", type=float, default=d["j_a_per_m2"], help="charge current density j_N in the HM "
                   "along x̂ (A/m²)")
    g.add_argument("--m", type=_vector, default=(0.0, 1.0, 0.0), help="unit magnetization (default 0,1,0)")
    g.add_argument("--geometry", choices=("1d", "2d", "3d"), default="1d",
                   help="1d: film infinite in-plane (default); 2d: (y, z) cross-section of a stripe; 3d: the gmsh "
                   "stripe (x, y, z) with contacts at x = 0, L")
    g.add_argument("--width-nm", type=float, default=None, help="2D/3D stripe width (nm); default 16 × longest "
                   "length")
    g.add_argument("--length-nm", type=float, default=None, help="3D stripe length along x̂ (nm); default the width")
    g.add_argument("--cell-nm", type=float, default=None, help="cell size (nm; 3D: at the interface); default from "
                   "the shortest length")
    g.add_argument("--mesh", default=None, help="solve on this 2D (y, z) or 3D (x, y, z) mesh file (.msh or meshio), "
                   "cells hm (fm), facets interface (contact_left, contact_right); overrides --geometry")
    g.add_argument("--tag-map", default=None, help="JSON (or .json file) mapping our tag names to the mesh's tags")
    g.add_argument("--charge-current", choices=("uniform", "contacts"), default=None,
                   help="uniform j_N x̂ in the HM, or solved between contact_left/right (3D only); default contacts "
                   "on a 3D mesh that has them, else uniform")
    g.add_argument("--degree", type=int, choices=(1, 2, 3), default=2, help="Lagrange degree")
    g.add_argument("--out", default=None, help="directory for summary.json")
    p.add_argument("--petsc-option", action="append", default=[], metavar="KEY=VALUE",
                   help="PETSc option of both linear solves, repeatable (e.g. preset=iterative for large 3D meshes)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=cmd_bilayer)


def cmd_bilayer(a) -> int:
    """Handler of ``rashba-diffusion bilayer``: validate everything, then solve and print."""
    from .cli import _emit

    hm = HeavyMetal(a.hm_thickness_nm, a.hm_lambda_nm, a.hm_sigma_s_per_m, a.theta_sh)
    fm = Ferromagnet(thickness_nm=a.fm_thickness_nm, sigma_s_per_m=a.fm_sigma_s_per_m, lambda_j_nm=a.fm_lambda_j_nm,
                     lambda_phi_nm=a.fm_lambda_phi_nm, lambda_sf_nm=a.fm_lambda_sf_nm, ms_a_per_m=a.ms_a_per_m)
    if fm.ms_a_per_m is not None and fm.thickness_nm is None:
        raise ParameterError("give --fm-thickness-nm (nm, > 0) with --ms-a-per-m for the effective fields")
    interface = Interface(a.interface, a.g_mix_real_s_per_m2, a.g_mix_imag_s_per_m2)
    check_combination(fm, interface)
    spec = BilayerSpec(geometry=a.geometry, width_nm=a.width_nm, cell_nm=a.cell_nm, degree=a.degree,
                       length_nm=a.length_nm, charge_current=a.charge_current)
    m = unit_vector("m", a.m)
    j_n = check_finite("j_a_per_m2", a.j_a_per_m2, "A/m²")
    if j_n == 0.0:
        raise ParameterError("j_a_per_m2 = 0.0 A/m² is invalid (the efficiencies divide by it); valid range: ≠ 0")
    if a.charge_current == "contacts" and a.mesh is None and a.geometry != "3d":
        raise ParameterError(f"charge_current = 'contacts' is invalid with geometry = {a.geometry!r}; valid: "
                             "geometry '3d' or a 3D --mesh with contact facets")
    tag_map = None
    if a.mesh is not None:
        from .film_mesh import parse_tag_map

        tag_map = parse_tag_map(a.tag_map)
    elif spec.geometry == "3d":
        stripe_spec(hm, fm, spec)  # validates the stripe's dimensions before gmsh runs
    from .solver_options import parse_petsc_option_args

    petsc_options = parse_petsc_option_args(a.petsc_option) or None
    # everything is validated: only now import DOLFINx and solve
    from ._compat import MPI
    from .io import atomic_write_text, summary_json

    comm = MPI.COMM_WORLD
    geometry = None
    if a.mesh is not None:
        from .mesh_files import load_mesh

        required = {"hm", "interface"} | (set() if fm.is_ideal_sink else {"fm"})
        geometry = load_mesh(a.mesh, comm, tag_map, required)
    result = solve_bilayer(hm, fm, interface, m, j_n, spec, comm, geometry=geometry, petsc_options=petsc_options)
    if a.mesh is not None:
        result.summary["mesh"] = str(a.mesh)
    if a.out and comm.rank == 0:
        from pathlib import Path

        atomic_write_text(Path(a.out) / "summary.json", summary_json(result.summary))
    _emit(a, result.summary, comm.rank)
    return 0
