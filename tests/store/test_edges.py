"""Edges of the store protocol, on every store: names that were never written, a scope that
holds only logs; and the codec's messages for values JSON cannot carry."""

from __future__ import annotations

import pytest

from interactor_mock.errors import UnstorableValue
from interactor_mock.store import encode

# --- names never written -----------------------------------------------------------------------


def test_reading_taking_and_clearing_what_was_never_written_is_harmless(store):
    assert store.take("nowhere", "code", "abc") is None
    assert store.delete("nowhere", "code", "abc") is False
    store.clear_log("nowhere", "journal")
    store.put("env", "code", "kept", "value")
    store.append("env", "journal", "entry", limit=5)
    assert store.take("env", "other-kind", "kept") is None
    assert store.take("env", "code", "other-key") is None
    store.clear_log("env", "other-log")
    assert store.get("env", "code", "kept") == "value"
    assert store.log("env", "journal") == ["entry"]
    assert store.take("env", "code", "kept") == "value"


def test_dropping_a_scope_that_holds_only_logs_forgets_them(store):
    store.append("logs-only", "journal", "entry", limit=5)
    store.append("logs-only", "audit", "entry", limit=5)
    store.drop_scope("logs-only", keep=("audit",))
    assert store.log("logs-only", "journal") == []
    assert store.log("logs-only", "audit") == ["entry"]
    store.drop_scope("logs-only")
    assert store.log("logs-only", "audit") == []
    assert store.scopes() == []


# --- what the codec says about a value it refuses ---------------------------------------------


def test_a_cycle_through_an_object_is_named_by_its_pointer():
    looped: dict[str, object] = {"a": 1}
    looped["me"] = {"again": looped}
    with pytest.raises(UnstorableValue, match="at /me/again is a container that holds itself"):
        encode(looped)


def test_the_first_place_json_cannot_carry_is_named_not_a_finite_float_before_it():
    with pytest.raises(UnstorableValue) as refused:
        encode({"ratio": 1.5, "pair": (1, 2)})
    assert str(refused.value) == (
        "the value cannot be stored as JSON: at /pair is of type builtins.tuple; stores keep "
        "only dicts with str keys, lists, str, int, finite float, bool and None"
    )


def test_a_log_limit_of_one_keeps_the_newest_and_of_zero_keeps_nothing(store):
    store.append("env", "journal", "first", limit=5)
    store.append("env", "journal", "second", limit=1)
    assert store.log("env", "journal") == ["second"]
    store.append("env", "journal", "third", limit=0)
    assert store.log("env", "journal") == []
