"""The JSON form every persistent store writes."""

from __future__ import annotations

import pytest

from interactor_mock.errors import UnstorableValue
from interactor_mock.store import decode
from interactor_mock.store import encode


def test_values_are_compact_ascii_json():
    assert encode({"a": [1, 2.5, None, True], "b": "é\ud800"}) == (
        '{"a":[1,2.5,null,true],"b":"\\u00e9\\ud800"}'
    )


def test_decoding_gives_back_an_equal_value():
    value = {"nested": {"list": [{"x": "y"}, [], -0.5]}, "big": 2**70}
    assert decode(encode(value)) == value
    assert decode(encode(value).encode()) == value


def test_a_cycle_is_refused():
    looped: list[object] = []
    looped.append(looped)
    with pytest.raises(UnstorableValue, match="at /0 is a container that holds itself"):
        encode(looped)


def test_a_tuple_deep_inside_is_named_by_its_pointer():
    with pytest.raises(UnstorableValue, match=r"at /a/b~0c/1 is of type builtins.tuple"):
        encode({"a": {"b~c": [0, (1, 2)]}})
