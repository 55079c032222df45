"""Verification (layer 5): references independent of the code under test: manufactured solutions (:mod:`.mms`),
exact limits (:mod:`.references`) and a SciPy/scikit-fem discretization of the wire (:mod:`.scipy_baseline`)."""
