"""A pytest plugin for mutation runs: process-wide caches emptied before every test.

mutmut learns which tests reach a function by running the suite once, then runs each mutant
against those tests only. A function whose result a process-wide cache keeps (the resource
catalog of the shipped contracts, the default scrubbing rules) runs once per process, in the
first test that needs it: mutmut would then run its mutants against that one test, and a
mutant that breaks every later test would survive. ``scripts/mutation.py`` loads this plugin
(``-p scripts.mutation_fresh``) and names the caches of a module in the variable
``MUTATION_FRESH_CACHES`` (``module:attribute``, comma-separated): each is emptied (``clear()``,
or ``cache_clear()`` for an ``lru_cache``) before every test, so every test that uses the
cached value computes it, and is known to reach the function.
"""

from __future__ import annotations

import importlib
import os

import pytest

VARIABLE = "MUTATION_FRESH_CACHES"


def _caches() -> list[object]:
    found = []
    for spec in filter(None, os.environ.get(VARIABLE, "").split(",")):
        module, _, name = spec.strip().partition(":")
        found.append(getattr(importlib.import_module(module), name))
    return found


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    for cache in _caches():
        clear = getattr(cache, "cache_clear", None) or cache.clear  # type: ignore[attr-defined]
        clear()
