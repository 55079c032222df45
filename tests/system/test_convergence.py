"""Mesh convergence of the physics outputs, reduced for CI.

The full study (six levels, plus the 2D wire) is ``benchmarks/wire_convergence.py``;
docs/verification.md §2 has its table.  Here: the paper's wire (Fig. 2 material,
W = 50 nm, m = x̂), 1D cross-section, P2, five cell sizes 4 h0 … h0/4.

Expected order: the width average is a smooth linear functional of the
solution, so it converges at 2k = 4 for degree k = 2 (the adjoint/Aubin-Nitsche
argument), faster than the L2 error (k + 1).  Stated tolerance: every observed
order within 0.15 of 4 (measured within 0.06); the default mesh within 1e-5 of the Richardson value (measured
≤ 1.7e-7; docs/verification.md's requirement is 0.5 %, this pins what the default mesh reaches).
"""

import pytest

from rashba_diffusion.physics.rashba import Drive, paper_film
from rashba_diffusion.verification.references import TORQUE_KEYS, wire_mesh_study

ORDER_TOLERANCE = 0.15
DEFAULT_MESH_TOLERANCE = 1e-5


@pytest.mark.parametrize("alpha", [5e-4, 5e-3, 5e-2])
def test_wire_torques_converge_at_order_four_and_default_mesh_is_within_half_percent(alpha):
    study = wire_mesh_study(paper_film(alpha), Drive(1e5), (1.0, 0.0, 0.0), 50.0, degree=2, levels=5)
    for key in TORQUE_KEYS:
        q = study[key]
        assert all(abs(p - 4.0) < ORDER_TOLERANCE for p in q["observed_orders"]), (key, q["observed_orders"])
        assert q["default_rel_error"] < DEFAULT_MESH_TOLERANCE, (key, q["default_rel_error"])


def test_p1_torques_converge_at_order_two():
    study = wire_mesh_study(paper_film(5e-2), Drive(1e5), (1.0, 0.0, 0.0), 50.0, degree=1, levels=5)
    for key in TORQUE_KEYS:
        orders = study[key]["observed_orders"]
        assert all(abs(p - 2.0) < ORDER_TOLERANCE for p in orders), (key, orders)
