"""The JSON form every persistent store writes."""

from __future__ import annotations

import pytest

from interactor_mock.errors import UnstorableValue
from interactor_mock.store import decode
from interactor_mock.store import encode


def test_values_are_compact_json_in_utf_8():
    assert encode({"a": [1, 2.5, None, True], "b": "é"}) == '{"a":[1,2.5,null,true],"b":"é"}'


def test_a_lone_surrogate_is_written_escaped_in_ascii_and_reads_back():
    # orjson refuses it: the standard library writes it, and decode reads either's text
    text = encode({"a": [1, 2.5, None, True], "b": "é\ud800"})
    assert text == '{"a":[1,2.5,null,true],"b":"\\u00e9\\ud800"}'
    assert decode(text) == {"a": [1, 2.5, None, True], "b": "é\ud800"}


def test_text_the_standard_library_wrote_reads_back():
    assert decode('{"b":"\\u00e9","n":[1e2, -0.0]}') == {"b": "é", "n": [100.0, -0.0]}


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ({"x": float("nan")}, "at /x is the float nan"),  # orjson would write null
        ({"x": [float("inf")]}, "at /x/0 is the float inf"),
        ({"when": __import__("datetime").date(2026, 1, 2)}, "at /when is of type datetime.date"),
    ],
)
def test_what_orjson_would_quietly_change_is_refused(value, where):
    with pytest.raises(UnstorableValue, match=where):
        encode(value)


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
