"""A pytest plugin that measures, for every ``pytest.approx`` and ``numpy.testing.assert_allclose`` call site, how
much of its tolerance the achieved error uses (outside CI: the tolerance audit of docs/verification.md).

    .venv/bin/python -m pytest -p scripts.measure_tolerances [pytest args]   # writes tolerance_usage.json

The report lists each site (file:line) with the largest ratio achieved error / allowed error over all its calls
(parametrizations, loops): a ratio below 1e-2 means the tolerance is more than 100× looser than what the code
reaches there.  ``TOLERANCE_REPORT`` names another output file.  Bare ``assert abs(x) < tol`` comparisons are not
seen: audit those by hand.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

import numpy as np
import pytest

_SITES: dict[str, dict] = {}
_ROOT = Path(__file__).resolve().parents[1]


def _site(depth: int = 2) -> str | None:
    frame = sys._getframe(depth)
    while frame is not None:
        path = Path(frame.f_code.co_filename).resolve()
        if path.is_relative_to(_ROOT / "tests"):
            return f"{path.relative_to(_ROOT)}:{frame.f_lineno}"
        frame = frame.f_back
    return None


def _record(site: str | None, achieved: float, allowed: float, passed: bool) -> None:
    if site is None:
        return
    ratio = achieved / allowed if allowed > 0 else (0.0 if achieved == 0 else math.inf)
    rec = _SITES.setdefault(site, {"calls": 0, "max_ratio": 0.0, "max_achieved": 0.0, "allowed_at_max": None,
                                   "failed": 0})
    rec["calls"] += 1
    rec["failed"] += 0 if passed else 1
    if not math.isnan(ratio) and ratio >= rec["max_ratio"]:
        rec["max_ratio"], rec["max_achieved"], rec["allowed_at_max"] = ratio, achieved, allowed


def _flatten(x):
    try:
        return np.asarray(x, dtype=float).ravel()
    except (TypeError, ValueError):
        return None


class _Approx:
    """Wraps the object ``pytest.approx`` returns and records each comparison."""

    # numpy must defer ``array == approx(...)`` to __eq__ below, as it does for pytest's own ApproxNumpy
    __array_ufunc__ = None
    __array_priority__ = 100

    def __init__(self, inner, expected, rel, abs_, site):
        self._inner, self._expected, self._rel, self._abs, self._site = inner, expected, rel, abs_, site

    def __eq__(self, actual):
        ok = self._inner == actual
        e, a = _flatten(self._expected), _flatten(actual)
        if e is not None and a is not None and e.shape == a.shape and e.size:
            rel = 1e-6 if self._rel is None and self._abs is None else (self._rel or 0.0)
            abs_ = 1e-12 if self._rel is None and self._abs is None else (self._abs or 0.0)
            with np.errstate(invalid="ignore"):
                allowed = np.maximum(rel * np.abs(e), abs_)
                err = np.abs(a - e)
                finite = np.isfinite(e) & np.isfinite(a)
            if finite.any():
                ratios = np.where(allowed[finite] > 0, err[finite] / np.where(allowed[finite] > 0, allowed[finite], 1),
                                  np.where(err[finite] == 0, 0.0, np.inf))
                i = int(np.argmax(ratios))
                _record(self._site, float(err[finite][i]), float(allowed[finite][i]), bool(ok))
        return ok

    def __ne__(self, actual):
        return not self.__eq__(actual)

    def __repr__(self):
        return repr(self._inner)


def pytest_configure(config):
    orig_approx = pytest.approx
    orig_allclose = np.testing.assert_allclose

    def approx(expected, rel=None, abs=None, nan_ok=False):  # noqa: A002 (pytest's own signature)
        return _Approx(orig_approx(expected, rel=rel, abs=abs, nan_ok=nan_ok), expected, rel, abs, _site())

    def assert_allclose(actual, desired, rtol=1e-7, atol=0, equal_nan=True, err_msg="", verbose=True, **kw):
        site = _site()
        a, d = _flatten(actual), _flatten(desired)
        if a is not None and d is not None and d.size:
            a, d = np.broadcast_arrays(a, d) if a.shape != d.shape else (a, d)
            allowed = atol + rtol * np.abs(d)
            err = np.abs(a - d)
            finite = np.isfinite(d) & np.isfinite(a)
            if finite.any():
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratios = np.where(allowed[finite] > 0, err[finite] / allowed[finite],
                                      np.where(err[finite] == 0, 0.0, np.inf))
                i = int(np.argmax(ratios))
                passed = bool(np.all(err[finite] <= allowed[finite]))
                _record(site, float(err[finite][i]), float(allowed[finite][i]), passed)
        return orig_allclose(actual, desired, rtol=rtol, atol=atol, equal_nan=equal_nan, err_msg=err_msg,
                             verbose=verbose, **kw)

    pytest.approx = approx
    np.testing.assert_allclose = assert_allclose


def pytest_unconfigure(config):
    out = Path(os.environ.get("TOLERANCE_REPORT", "tolerance_usage.json"))
    rows = dict(sorted(_SITES.items(), key=lambda kv: kv[1]["max_ratio"]))
    out.write_text(json.dumps(rows, indent=1) + "\n")
    loose = [s for s, r in rows.items() if r["max_ratio"] < 1e-2]
    print(f"\ntolerance usage of {len(rows)} sites written to {out}; {len(loose)} use < 1% of their tolerance")
