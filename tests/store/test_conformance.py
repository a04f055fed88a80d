"""One behaviour, three stores: every test here runs against each store of ``conftest.STORES``
(the memory store, as it is and with JSON semantics, SQLite and Redis), and the multi-process
tests against the two that processes can share."""

from __future__ import annotations

import math
import multiprocessing
import threading
from collections import namedtuple
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone

import pytest

from interactor_mock.errors import InteractorMockError
from interactor_mock.errors import UnstorableValue
from interactor_mock.store import GLOBAL
from interactor_mock.store import Store
from tests.store import workers
from tests.store.conftest import SHARED_STORES

# --- records ---------------------------------------------------------------------------------


def test_every_store_is_a_store(store):
    assert isinstance(store, Store)


def test_a_missing_record_is_none(store):
    assert store.get("env", "kind", "key") is None
    assert store.items("env", "kind") == []


def test_put_then_get_gives_the_value_back(store):
    store.put("env", "kind", "key", {"a": [1, "two", None, True, 2.5]})
    assert store.get("env", "kind", "key") == {"a": [1, "two", None, True, 2.5]}


def test_put_replaces_the_value(store):
    store.put("env", "kind", "key", 1)
    store.put("env", "kind", "key", 2)
    assert store.get("env", "kind", "key") == 2
    assert store.items("env", "kind") == [("key", 2)]


def test_scopes_kinds_and_keys_are_separate(store):
    store.put("a", "k", "x", "a-k-x")
    store.put("b", "k", "x", "b-k-x")
    store.put("a", "j", "x", "a-j-x")
    store.put("a", "k", "y", "a-k-y")
    store.put(GLOBAL, "k", "x", "global")
    assert store.get("a", "k", "x") == "a-k-x"
    assert store.get("b", "k", "x") == "b-k-x"
    assert store.get("a", "j", "x") == "a-j-x"
    assert store.get(GLOBAL, "k", "x") == "global"
    assert sorted(store.items("a", "k")) == [("x", "a-k-x"), ("y", "a-k-y")]


def test_names_with_separators_do_not_collide(store):
    # a scope and kind that would read the same if the two were only joined by ":"
    store.put("a:b", "c", "key", "first")
    store.put("a", "b:c", "key", "second")
    store.put("a", "b|c/d e", "k:e|y", "third")
    assert store.get("a:b", "c", "key") == "first"
    assert store.get("a", "b:c", "key") == "second"
    assert store.items("a", "b|c/d e") == [("k:e|y", "third")]
    assert store.scopes() == ["a:b", "a"]


def test_delete_says_whether_there_was_a_record(store):
    store.put("env", "kind", "key", "v")
    assert store.delete("env", "kind", "key") is True
    assert store.get("env", "kind", "key") is None
    assert store.delete("env", "kind", "key") is False
    assert store.delete("nowhere", "kind", "key") is False


def test_take_returns_the_record_once(store):
    store.put("", "code", "c1", {"state": "s"})
    assert store.take("", "code", "c1") == {"state": "s"}
    assert store.take("", "code", "c1") is None
    assert store.get("", "code", "c1") is None
    assert store.take("", "code", "never") is None


def test_update_creates_changes_and_returns_the_new_value(store):
    seen = []

    def bump(old):
        seen.append(old)
        return (old or 0) + 1

    assert store.update("env", "seq", "n", bump) == 1
    assert store.update("env", "seq", "n", bump) == 2
    assert seen == [None, 1]
    assert store.get("env", "seq", "n") == 2


def test_update_to_none_deletes_the_record(store):
    store.put("env", "kind", "key", {"left": 1})
    assert store.update("env", "kind", "key", lambda old: None) is None
    assert store.get("env", "kind", "key") is None
    assert store.items("env", "kind") == []
    assert store.update("env", "kind", "absent", lambda old: None) is None
    assert store.items("env", "kind") == []


def test_a_failing_change_leaves_the_record_and_the_store_usable(store):
    store.put("env", "kind", "key", 1)

    def broken(old):
        raise RuntimeError("the change broke")

    with pytest.raises(RuntimeError, match="the change broke"):
        store.update("env", "kind", "key", broken)
    assert store.get("env", "kind", "key") == 1
    assert store.update("env", "kind", "key", lambda old: old + 1) == 2


def test_items_lists_every_record_of_a_kind(store):
    for index in range(5):
        store.put("env", "kind", f"k{index}", {"n": index})
    store.delete("env", "kind", "k2")
    assert sorted(store.items("env", "kind")) == [
        ("k0", {"n": 0}),
        ("k1", {"n": 1}),
        ("k3", {"n": 3}),
        ("k4", {"n": 4}),
    ]


# --- logs ------------------------------------------------------------------------------------


def test_a_log_keeps_entries_oldest_first(store):
    assert store.log("env", "journal") == []
    for index in range(3):
        store.append("env", "journal", {"n": index}, limit=10)
    assert store.log("env", "journal") == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_a_log_keeps_only_the_newest_limit_entries(store):
    for index in range(10):
        store.append("env", "journal", index, limit=4)
    assert store.log("env", "journal") == [6, 7, 8, 9]
    store.append("env", "journal", 10, limit=2)
    assert store.log("env", "journal") == [9, 10]


def test_logs_are_separate_and_clear_log_empties_one(store):
    store.append("a", "journal", "a1", limit=5)
    store.append("a", "errors", "e1", limit=5)
    store.append("b", "journal", "b1", limit=5)
    store.clear_log("a", "journal")
    assert store.log("a", "journal") == []
    assert store.log("a", "errors") == ["e1"]
    assert store.log("b", "journal") == ["b1"]
    store.append("a", "journal", "a2", limit=5)
    assert store.log("a", "journal") == ["a2"]


# --- scopes ----------------------------------------------------------------------------------


def test_scopes_lists_scopes_with_records_in_first_write_order_without_the_global_one(store):
    store.put("zeta", "k", "x", 1)
    store.update("mu", "k", "x", lambda old: 1)
    store.put("alpha", "k", "x", 1)
    store.put("zeta", "k", "y", 2)
    store.put(GLOBAL, "index", "x", "alpha")
    store.append("logs-only", "journal", 1, limit=5)
    store.update("nothing", "k", "x", lambda old: None)
    store.put("emptied", "k", "x", 1)
    store.delete("emptied", "k", "x")
    assert store.scopes() == ["zeta", "mu", "alpha"]


def test_a_scope_keeps_its_place_until_it_is_dropped(store):
    for scope in ("c", "a", "b"):
        store.put(scope, "environment", "env", scope)
        store.put(scope, "data", "x", 1)
    store.drop_scope("c", keep=("environment",))
    store.delete("a", "data", "x")
    store.delete("a", "environment", "env")
    store.put("a", "data", "y", 2)
    assert store.scopes() == ["c", "a", "b"]
    store.drop_scope("c")
    store.drop_scope("a", keep=("journal",))
    store.put("c", "environment", "env", "again")
    store.put("a", "environment", "env", "again")
    assert store.scopes() == ["b", "c", "a"]


def test_drop_scope_forgets_records_and_logs_of_that_scope_only(store):
    store.put("a", "k", "x", 1)
    store.put("a", "j", "y", 2)
    store.append("a", "journal", "entry", limit=5)
    store.put("b", "k", "x", 3)
    store.append("b", "journal", "other", limit=5)
    store.drop_scope("a")
    assert store.get("a", "k", "x") is None
    assert store.items("a", "j") == []
    assert store.log("a", "journal") == []
    assert store.get("b", "k", "x") == 3
    assert store.log("b", "journal") == ["other"]
    assert store.scopes() == ["b"]


def test_drop_scope_keeps_the_kinds_it_is_told_to(store):
    store.put("a", "environment", "env", {"id": "a"})
    store.put("a", "credential", "c", {"token": "t"})
    store.append("a", "journal", "entry", limit=5)
    store.append("a", "environment", "kept log", limit=5)
    store.drop_scope("a", keep=("environment",))
    assert store.get("a", "environment", "env") == {"id": "a"}
    assert store.log("a", "environment") == ["kept log"]
    assert store.get("a", "credential", "c") is None
    assert store.log("a", "journal") == []
    assert store.scopes() == ["a"]
    store.put("a", "credential", "c2", {"token": "u"})
    store.drop_scope("a")
    assert store.scopes() == []
    assert store.get("a", "environment", "env") is None


def test_dropping_the_global_scope_keeps_environments(store):
    store.put(GLOBAL, "key-index", "k", "env")
    store.put("env", "environment", "env", {"id": "env"})
    store.drop_scope(GLOBAL)
    assert store.get(GLOBAL, "key-index", "k") is None
    assert store.get("env", "environment", "env") == {"id": "env"}


# --- values ----------------------------------------------------------------------------------

ALL_JSON = {
    "str": "héllo \u2603 \U0001f600",
    "lone surrogate": "\ud800",
    "int": 12345678901234567890,
    "negative": -1,
    "float": 0.1,
    "bool": False,
    "none": None,
    "list": [[], {}, [1, [2, [3]]]],
    "nested": {"a": {"b": {"c": "d"}}, "": "empty key"},
}


def test_json_values_read_back_equal(json_store):
    json_store.put("env", "kind", "key", ALL_JSON)
    json_store.append("env", "journal", ALL_JSON, limit=3)
    assert json_store.get("env", "kind", "key") == ALL_JSON
    assert json_store.items("env", "kind") == [("key", ALL_JSON)]
    assert json_store.log("env", "journal") == [ALL_JSON]
    assert json_store.update("env", "kind", "key", lambda old: {**old, "more": 1})["more"] == 1
    assert json_store.take("env", "kind", "key") == {**ALL_JSON, "more": 1}


def test_a_json_store_gives_copies_that_callers_may_change(json_store):
    value = {"list": [1]}
    json_store.put("env", "kind", "key", value)
    value["list"].append(2)
    read = json_store.get("env", "kind", "key")
    read["list"].append(3)
    assert json_store.get("env", "kind", "key") == {"list": [1]}


def test_the_plain_memory_store_keeps_objects_as_they_are(tmp_path):
    from interactor_mock.store import MemoryStore

    store = MemoryStore()
    value = object()
    store.put("env", "kind", "key", value)
    assert store.get("env", "kind", "key") is value


Pair = namedtuple("Pair", "a b")


@dataclass(frozen=True)
class Thing:
    name: str


NOT_JSON = [
    pytest.param(("a", "b"), "at / is of type builtins.tuple", id="tuple"),
    pytest.param(Pair(1, 2), "at / is of type tests.store.test_conformance.Pair", id="namedtuple"),
    pytest.param(
        {"x": [1, Thing("t")]},
        "at /x/1 is of type tests.store.test_conformance.Thing",
        id="dataclass",
    ),
    pytest.param(
        {"at": datetime(2026, 1, 1, tzinfo=timezone.utc)},
        "at /at is of type datetime.datetime",
        id="datetime",
    ),
    pytest.param(
        {"deleted": frozenset({"a"})}, "at /deleted is of type builtins.frozenset", id="frozenset"
    ),
    pytest.param({"a/b": [math.nan]}, "at /a~1b/0 is the float nan", id="nan"),
    pytest.param({"n": {1: "one"}}, "at /n has the int key 1", id="int key"),
    pytest.param(b"bytes", "at / is of type builtins.bytes", id="bytes"),
]


@pytest.mark.parametrize(("value", "where"), NOT_JSON)
def test_a_value_json_cannot_carry_is_refused_naming_the_place(json_store, value, where):
    json_store.put("env", "kind", "key", "before")
    json_store.append("env", "journal", "before", limit=5)
    with pytest.raises(UnstorableValue) as put:
        json_store.put("env", "kind", "key", value)
    with pytest.raises(UnstorableValue):
        json_store.append("env", "journal", value, limit=5)
    with pytest.raises(UnstorableValue):
        json_store.update("env", "kind", "key", lambda old: value)
    assert where in str(put.value)
    assert "stores keep only dicts with str keys" in str(put.value)
    assert isinstance(put.value, InteractorMockError)
    assert json_store.get("env", "kind", "key") == "before"
    assert json_store.log("env", "journal") == ["before"]


# --- concurrency -----------------------------------------------------------------------------


def run_threads(count, target):
    errors = []

    def guarded(index):
        try:
            target(index)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_take_gives_each_record_to_exactly_one_of_many_threads(store):
    keys = [f"code-{i}" for i in range(300)]
    for key in keys:
        store.put("", "code", key, {"code": key})
    taken: list[list[str]] = [[] for _ in range(8)]

    def take_all(index):
        taken[index] = [key for key in keys if store.take("", "code", key) is not None]

    run_threads(8, take_all)
    flat = [key for got in taken for key in got]
    assert sorted(flat) == sorted(keys)
    assert len(set(flat)) == len(flat)


def test_updates_from_many_threads_all_count(store):
    def bump(_index):
        for _ in range(100):
            store.update("env", "counter", "n", lambda old: (old or 0) + 1)

    run_threads(8, bump)
    assert store.get("env", "counter", "n") == 800


def test_appends_from_many_threads_keep_the_log_at_its_limit(store):
    def write(index):
        for n in range(50):
            store.append("env", "journal", {"writer": index, "n": n}, limit=60)

    run_threads(6, write)
    assert_bounded_log(store.log("env", "journal"), writers=6, count=50, limit=60)


def assert_bounded_log(log, *, writers, count, limit):
    """Exactly ``limit`` distinct entries; each writer's survivors are the tail of what it wrote
    (trimming drops the oldest first, so a surviving entry's successors survive too)."""
    assert len(log) == limit
    assert len({(e["writer"], e["n"]) for e in log}) == limit
    for writer in range(writers):
        mine = [e["n"] for e in log if e["writer"] == writer]
        assert mine == list(range(count - len(mine), count))


@pytest.fixture(scope="module")
def spawn():
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        yield pool


@pytest.mark.parametrize("store_spec", SHARED_STORES, indirect=True)
def test_updates_from_four_processes_all_count(store_spec, spawn):
    store = workers.open_store(store_spec)  # made before the children, as serve would
    try:
        assert spawn.starmap(workers.increment, [(store_spec, 200)] * 4) == [200] * 4
        assert store.get("env", "counter", "n") == 800
    finally:
        store.close()


@pytest.mark.parametrize("store_spec", SHARED_STORES, indirect=True)
def test_two_processes_taking_the_same_codes_get_each_exactly_once(store_spec, spawn):
    store = workers.open_store(store_spec)
    keys = [f"code-{i}" for i in range(500)]
    try:
        for key in keys:
            store.put("", "code", key, {"code": key})
        first, second = spawn.starmap(workers.take_all, [(store_spec, keys)] * 2)
        assert sorted(first + second) == sorted(keys)
        assert set(first).isdisjoint(second)
        assert store.items("", "code") == []
    finally:
        store.close()


@pytest.mark.parametrize("store_spec", SHARED_STORES, indirect=True)
def test_appends_from_four_processes_keep_the_log_at_its_limit(store_spec, spawn):
    store = workers.open_store(store_spec)
    try:
        args = [(store_spec, writer, 150, 100) for writer in range(4)]
        assert spawn.starmap(workers.append_many, args) == [150] * 4
        assert_bounded_log(store.log("env", "journal"), writers=4, count=150, limit=100)
    finally:
        store.close()


@pytest.mark.parametrize("store_spec", SHARED_STORES, indirect=True)
def test_processes_opening_a_new_store_at_once_share_one(store_spec, spawn):
    # nothing made before the children: they race to create the file (or the prefix's meta)
    assert spawn.starmap(workers.increment, [(store_spec, 50)] * 4) == [50] * 4
    store = workers.open_store(store_spec)
    try:
        assert store.get("env", "counter", "n") == 200
        assert store.scopes() == ["env"]
    finally:
        store.close()
