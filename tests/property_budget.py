"""How many Hypothesis examples the per-action property tests give each shipped action.

An action with hand-kept parts (examples, a resource declaration; the coded behaviours all
sit on such actions) gets a test's full budget. An action generated from a provider's API
description alone (most of the 181 Google ``-v1`` ones) goes through the same generic paths as
every other such action, so a few examples each suffice: at the full budget, these actions
would make these tests three times as costly (measured: 69 s of CPU instead of 24 s
before the Google contracts were generated; 46 s with this budget).
"""

from __future__ import annotations

from hypothesis import settings

#: Examples per generated-only action, in every per-action property test.
GENERATED_ONLY = 4


def is_curated(action) -> bool:
    """Whether the action has hand-kept parts beyond what its schema says."""
    return bool(action.examples or action.resource)


def budget(action, full: int, **options) -> settings:
    """Settings for one action's run: ``full`` examples when curated, else fewer."""
    examples = full if is_curated(action) else min(full, GENERATED_ONLY)
    return settings(max_examples=examples, deadline=None, **options)
