"""Method of manufactured solutions for the full coupled operator.

The source and the natural boundary data are derived with **sympy** from a strong
form of Eqs. 16-17 written independently in ``rashba_diffusion/mms.py`` (vector
calculus with ∇z = ẑ×∇, Eq. 33 written out); only the weak form under test
(``RashbaModel.a_ufl``/``L_ufl``) comes from ``model.py``.  All terms are on
(D, τsf, anisotropic τdp, τΔ, τφ, B, C, Γ, R, k_B = 4, k_R = 8, k_Γ = 1, the drift
and X of an in-plane field along (0.6, 0.8)), m(x) is a rotating unit texture,
s is given on x = 0 and y = 0, ν on x = 1, and the total normal currents on the
other sides.  Flipping the sign of a single term (e.g. Γ in
``rashba_spin_flux``) makes the error saturate at O(1) and the rates drop to 0
(docs/verification.md records the run).

Stated tolerances: every observed rate (successive halvings of h) is within
0.2 of the theoretical one: L2 k+1 and H1 k for Lagrange degree k (measured: within 0.05, except 0.11 for the
coarsest 3D pair).  CI runs the coarser levels (the rates of the first halvings); the full study, down to
64 cells per side in 2D and 16 in 3D, is marked ``slow`` (``pytest -m slow``).
"""

import json

import numpy as np
import pytest
import sympy as sp

from rashba_diffusion.verification import mms

from ..mpi_ranks import check_parallel, run_ranks

RATE_TOLERANCE = 0.2

STUDIES = [
    # (dimension, degree, cells per side)
    (2, 1, (4, 8, 16, 32, 64)),
    (2, 2, (4, 8, 16, 32, 64)),
    (3, 1, (2, 4, 8, 16)),
]
#: what CI runs: the same studies without their finest level (2D P2 without the last two)
CI_STUDIES = [(2, 1, (4, 8, 16, 32)), (2, 2, (4, 8, 16)), (3, 1, (2, 4, 8))]
IDS = ["2d-P1", "2d-P2", "3d-P1"]


@pytest.mark.parametrize("dim, degree, ns", CI_STUDIES, ids=IDS)
def test_mms_convergence_rates(dim, degree, ns):
    _assert_rates(dim, degree, ns)


@pytest.mark.slow
@pytest.mark.parametrize("dim, degree, ns", STUDIES, ids=IDS)
def test_mms_convergence_rates_full(dim, degree, ns):
    _assert_rates(dim, degree, ns)


def _assert_rates(dim, degree, ns):
    study = mms.convergence_study(dim, degree, ns)
    l2, h1 = np.array(study["l2_rates"]), np.array(study["h1_rates"])
    msg = f"L2 rates {l2}, H1 rates {h1}"
    assert np.all(np.abs(l2 - (degree + 1)) < RATE_TOLERANCE), msg
    assert np.all(np.abs(h1 - degree) < RATE_TOLERANCE), msg


def _random_points(dim, k=7, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.0, 1.0, size=(dim, k))


def _evaluate(exprs, pts):
    return mms.to_numpy(exprs, pts.shape[0])(pts)


def test_eq33_equals_the_field_substitution_rule():
    """X written out (Eq. 33) equals ∇ → (e/εF)E applied to the conservative strong form."""
    man = mms.default_manufactured(2)
    a = mms.field_source_eq33(man.m, man.eE, man.c)
    b = mms.field_source_by_substitution(man.m, man.eE, man.c)
    pts = _random_points(2)
    np.testing.assert_allclose(_evaluate(a, pts), _evaluate(b, pts), rtol=1e-13, atol=1e-13)


def test_texture_terms_of_the_flux_form_match_docs_model_section_4():
    """conservative − printed Eq. 17 = 2Rν[(m·∇z)m + m ∇z·m] + Γ[s_f ∇z m_f − s ∇z·m] (docs/model.md §4)."""
    man = mms.default_manufactured(2)
    s, nu, m, c = man.s, man.nu, man.m, man.c
    nz = mms.nabla_z
    div_m = sum(nz(m[b])[b] for b in range(3))
    expected = []
    for a in range(3):
        mdz_ma = sum(m[b] * nz(m[a])[b] for b in range(3))
        sf_dz_mf = sum(s[f] * nz(m[f])[a] for f in range(3))
        expected.append(2 * c.R * nu * (mdz_ma + m[a] * div_m) + c.Gamma * (sf_dz_mf - s[a] * div_m))
    got = [-d for d in mms.printed_minus_conservative(s, nu, m, c)]
    pts = _random_points(2, seed=1)
    np.testing.assert_allclose(_evaluate(got, pts), _evaluate(expected, pts), rtol=1e-12, atol=1e-12)
    # and for a constant m the two forms coincide
    m0 = (sp.Rational(3, 5), 0, sp.Rational(4, 5))
    diff = _evaluate(mms.printed_minus_conservative(s, nu, m0, c), pts)
    scale = np.max(np.abs(_evaluate(mms.spin_first_order(nz, s, nu, m0, c), pts)))
    assert np.max(np.abs(diff)) < 1e-13 * scale


def test_manufactured_texture_is_unit():
    man = mms.default_manufactured(3)
    vals = _evaluate(man.m, _random_points(3, seed=2))
    np.testing.assert_allclose(np.linalg.norm(vals, axis=0), 1.0, rtol=0, atol=1e-14)


def mms_errors(n: int, degree: int) -> list[float]:
    """[L2, H1] errors of the 2D manufactured problem (run by ``tests.mpi_ranks`` on each rank)."""
    r = mms.solve_mms(mms.default_manufactured(2), n, degree)
    return [r.l2, r.h1]


@pytest.mark.mpi
@pytest.mark.consistency
def test_mms_errors_are_the_same_on_two_ranks(cli_env, tmp_path):
    """The manufactured problem (distributed mesh, boundary data, error norms) on 1 and 2 ranks: the mesh is split,
    both ranks hold the same errors, equal to the 1-rank ones."""
    args = ["tests.system.test_mms:mms_errors", json.dumps({"n": 12, "degree": 2})]
    one, two = run_ranks(1, "call", args, cli_env, tmp_path), run_ranks(2, "call", args, cli_env, tmp_path)
    # measured 1.4e-11: an error norm is a difference of nearly equal fields, so it carries the solution's
    # round-off relative to the (small) error
    check_parallel(two, one, rel=1e-9)
