"""Weak form of the heavy-metal / ferromagnet bilayer (the physics and its conventions:
:mod:`rashba_diffusion.physics.bilayer`, docs/model.md §11).

Scaled system: lengths in nm, μ in V, every term divided by σ_N, so the coefficients are O(1) numbers
(σ/σ_N, 1/λ² in nm⁻², G/σ_N in nm⁻¹, J0/σ_N in V/nm).
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ..fem._compat import PETSc, fem, ufl
from ..fem.geometry import Geometry
from ..fem.postprocess import CompiledIntegrals
from ..fem.solver import LinearSystem
from ..physics.bilayer import Ferromagnet, HeavyMetal, Interface, check_combination, sigma_ratio, structure_key
from ..physics.vectors import EPS
from ..units import HBAR_OVER_2E, NM
from ..validation import check_degree
from .magnetization import Magnetization


class BilayerModel:
    """Weak form of the bilayer on a :class:`Geometry` with cell tags "hm" (and "fm").

    The mesh axes are the last ``tdim`` physical axes: z (1D), (y, z) (2D), (x, y, z) (3D); the current flows
    along x̂ and the interface normal is +ẑ.  :attr:`system` is what the solver solves, into :attr:`solution`;
    :meth:`torque_vector_j_per_m2` evaluates the torque integrals of :attr:`solution`, compiled once.

    Parameters
    ----------
    sources
        Bare spin currents J0[a][d] in A/m² per layer, e.g. ``{"hm": spin_hall_source(...)}``.
    current_shape
        ``None``, or a UFL vector ĵ(r) (physical axes x, y, z; dimensionless) that adds the spin Hall source
        θ_SH ε_adk j_N ĵ_k(r) of a non-uniform charge current in the HM (:mod:`.charge`); its amplitude
        j_N is set by :meth:`set_current` (A/m²).

    The mixing interface's Δμ carries a spin battery b (V, :meth:`set_battery`; 0 unless spin pumping is
    computed): the law is evaluated at Δμ + b, with b = (ħ/e) m×ṁ for a precessing m (docs/model.md §13.5.1).
    """

    def __init__(self, geometry: Geometry, hm: HeavyMetal, fm: Ferromagnet, interface: Interface, m,
                 sources: dict[str, np.ndarray], degree: int = 2, current_shape=None):
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
        self.degree = check_degree(degree)
        self.V = fem.functionspace(msh, ("Lagrange", self.degree, (ncomp,)))
        scalar = PETSc.ScalarType
        self.magnetization = Magnetization(msh, m)
        self.source = {k: fem.Constant(msh, np.zeros((3, 3), dtype=scalar)) for k in ("hm", "fm")}
        #: the spin battery b (V) added to Δμ in the mixing law (spin pumping; 0 otherwise)
        self.battery = fem.Constant(msh, np.zeros(3, dtype=scalar))
        # material coefficients as Constants: a sweep over them reuses the compiled forms and the matrix
        # (which FM processes are on is structural: see structure_key)
        self.coef = {k: fem.Constant(msh, scalar(0.0))
                     for k in ("inv_lambda_n_sq", "g_real", "g_imag", "sigma_f_rel", "sf", "j", "phi")}
        self._structure = structure_key(fm, interface)
        self.set_parameters(hm, fm, interface)
        self.set_sources(sources)
        #: the spin-polarization map P applied to the HM's source, J0[a][d] -> P[a, b] J0[b][d] (identity, except
        #: while :class:`~rashba_diffusion.problems.bilayer.BilayerSession` probes the linear response for m ∥ σ̂)
        self.polarization_map = fem.Constant(msh, np.eye(3, dtype=scalar))
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
        #: the compiled forms and boundary data the solver solves
        self.system = LinearSystem(self.a, self.L, self.bcs, self.V, coarse_meshes=geometry.coarse_meshes)
        #: the solution the torque integrals read (solve into it)
        self.solution = fem.Function(self.V, name="mu")
        #: the interface measure A (nm^(tdim−1)): the torque is per interface area
        self.interface_measure = CompiledIntegrals([], self.dGamma, msh.comm).size
        self._torque = self._torque_integrals()

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
                  "sigma_f_rel": sigma_ratio(hm, fm), **k}
        for name, v in values.items():
            self.coef[name].value = v

    def set_sources(self, sources: dict[str, np.ndarray]) -> None:
        """Change the bare spin currents (A/m²) in place; no recompilation."""
        unknown = set(sources) - set(self.source)
        if unknown:
            raise ParameterError(f"sources for unknown layers {sorted(unknown)}; valid: 'hm', 'fm'")
        for k, c in self.source.items():
            c.value[:] = np.asarray(sources.get(k, np.zeros((3, 3))), dtype=float) / self.hm.sigma_s_per_m * NM

    def set_battery(self, battery_v) -> None:
        """Set the spin battery b (3-vector, V) of the mixing law, Δμ → Δμ + b; no recompilation."""
        self.battery.value[:] = np.asarray(battery_v, dtype=float)

    def set_current(self, j_a_per_m2: float) -> None:
        """Set j_N (A/m²), the HM mean of j_x, of the ``current_shape`` spin Hall source; no recompilation."""
        self.current_amplitude.value = self.hm.theta_sh * j_a_per_m2 / self.hm.sigma_s_per_m * NM

    def set_polarization_map(self, p_map: np.ndarray) -> None:
        """Set the map P of the HM source's polarization, J0[a][d] -> P[a, b] J0[b][d] (3×3; no recompilation)."""
        self.polarization_map.value[:] = np.asarray(p_map, dtype=float)

    def _hm_source(self):
        """P·J0/σ_N (V/nm) in the HM: the constant part plus that of ``current_shape``, polarization mapped by P."""
        src = self.source["hm"]
        if self.current_shape is None:
            bare = [[src[a, d] for d in range(3)] for a in range(3)]
        else:
            js = self.current_shape
            bare = [[src[a, d] + self.current_amplitude * sum(EPS[a, d, k] * js[k] for k in range(3) if EPS[a, d, k])
                     for d in range(3)] for a in range(3)]
        P = self.polarization_map
        return [[sum(P[a, b] * bare[b][d] for b in range(3)) for d in range(3)] for a in range(3)]

    def grad3(self, f) -> list:
        """(∂x, ∂y, ∂z) of a scalar; mesh axes are the last tdim physical axes."""
        offset = 3 - self.tdim
        return [None] * offset + [f.dx(i) for i in range(self.tdim)]

    # -- pieces of the weak form -----------------------------------------------
    def _cross(self, u, v):
        return [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]

    def _transverse(self, u):
        """m × (u × m) = u − (u·m) m for |m| = 1."""
        m = self.magnetization.ufl
        um = u[0] * m[0] + u[1] * m[1] + u[2] * m[2]
        return [u[a] - um * m[a] for a in range(3)]

    def mixing_current(self, dmu) -> list:
        """Interface spin current HM -> FM divided by σ_N (V/nm): (G_r m×(Δμ'×m) + G_i Δμ'×m)/σ_N, Δμ' = Δμ + b
        (b: the spin battery, :meth:`set_battery`)."""
        gr, gi = self.coef["g_real"], self.coef["g_imag"]
        dmu = [dmu[a] + self.battery[a] for a in range(3)]
        t = self._transverse(dmu)
        c = self._cross(dmu, self.magnetization.ufl)
        return [gr * t[a] + gi * c[a] for a in range(3)]

    def fm_loss(self, mu, kind: str) -> list:
        """The FM's local terms L(μ): spin flip, exchange precession and dephasing (nm⁻² · V)."""
        on = dict(self._structure[2])  # which processes are on (fixed for this model)
        t = self._transverse(mu)
        c = self._cross(mu, self.magnetization.ufl)
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
    def _torque_integrals(self) -> tuple[CompiledIntegrals, list[int]]:
        """The integrals of the torque components over the interface (ideal sink) or the FM, compiled once.

        Ideal sink: the transverse spin current absorbed at the interface; finite FM: the exchange-precession
        and dephasing terms integrated over the FM (spin flip hands spin to the lattice, not to m).  Returns the
        integrals and the components they are of (a component whose processes are off is identically 0).
        """
        U, r = self.solution, self.restrict
        if self.fm.is_ideal_sink:
            j = self.mixing_current([r(U[a]) for a in range(3)])  # V/nm after division by σ_N
            exprs, meas = j, self.dGamma
        else:
            off = 3 if self.layout == "split" else 0
            exprs = self.fm_loss([U[off + a] for a in range(3)], "torque")
            meas = self.dx(self.geometry.cell_tag_names["fm"])
        comps = [a for a in range(3) if not isinstance(exprs[a], int)]
        return CompiledIntegrals([exprs[a] for a in comps], meas, self.geometry.msh.comm), comps

    def torque_vector_j_per_m2(self) -> tuple[np.ndarray, float]:
        """(T, A): the torque per area on the FM (J/m²) of :attr:`solution`, averaged over the interface, and A.

        See :meth:`_torque_integrals` for what is integrated.
        """
        integrals, comps = self._torque
        area = self.interface_measure
        sigma_f = self.fm.sigma_s_per_m or self.hm.sigma_s_per_m
        T = np.zeros(3)
        for a, v in zip(comps, integrals.values(), strict=True):
            if self.fm.is_ideal_sink:  # the absorbed current, scaled back by σ_N
                T[a] = v / area * self.hm.sigma_s_per_m / NM
            else:  # (σ_F/2) ∫ L dz
                T[a] = v / area * 0.5 * sigma_f / NM
        return HBAR_OVER_2E * T, area
