"""Problems (layer 4): sessions = geometry + model + solver + summary (the JSON contract).

:mod:`.specs` is light (no DOLFINx); the session modules are heavy.
"""
