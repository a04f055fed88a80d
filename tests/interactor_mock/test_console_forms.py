"""The tester's form model: fields from a schema, a payload from the posted form, errors by
JSON pointer."""

from __future__ import annotations

from interactor_mock.http.console.forms import errors_by_field
from interactor_mock.http.console.forms import fields_of
from interactor_mock.http.console.forms import payload_of
from interactor_mock.http.console.forms import type_label

SCHEMA = {
    "type": "object",
    "required": ["name", "a/b"],
    "properties": {
        "name": {"type": "string", "description": "Who"},
        "a/b": {"type": "integer"},
        "ratio": {"type": "number"},
        "flag": {"type": "boolean"},
        "mode": {"type": "string", "enum": ["x", "y"]},
        "level": {"enum": [1, 2]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "counts": {"type": "array", "items": {"type": "integer"}},
        "blob": {},
        "outer": {
            "type": "object",
            "required": ["inner"],
            "properties": {"inner": {"type": "string"}, "deep": {"type": "object"}},
        },
    },
}


def kinds(fields):
    return [(f.pointer, f.kind, f.required) for top in fields for f in top.walk()]


def test_each_schema_type_gets_its_input_kind_and_pointer():
    assert kinds(fields_of(SCHEMA, {"name": "Full name"})) == [
        ("/name", "text", True),
        ("/a~1b", "integer", True),
        ("/ratio", "number", False),
        ("/flag", "boolean", False),
        ("/mode", "enum", False),
        ("/level", "enum", False),
        ("/tags", "lines", False),
        ("/counts", "lines", False),
        ("/blob", "json", False),
        ("/outer", "object", False),
        ("/outer/inner", "text", True),
        ("/outer/deep", "json", False),
    ]
    assert fields_of(SCHEMA, {"name": "Full name"})[0].label == "Full name"
    assert fields_of(SCHEMA)[0].description == "Who"


def test_payload_converts_each_kind_and_leaves_empty_fields_out():
    fields = fields_of(SCHEMA)
    form = {
        "f:/name": "  Ada ",
        "f:/a~1b": "7",
        "f:/ratio": "2.5",
        "f:/flag": "false",
        "f:/mode": "y",
        "f:/level": "2",
        "f:/tags": "one\n\n two \n",
        "f:/counts": "1\n2",
        "f:/blob": '{"k": [1, null]}',
        "f:/outer/inner": "",
        "f:/outer/deep": "",
    }
    assert payload_of(fields, form) == (
        {
            "name": "  Ada ",
            "a/b": 7,
            "ratio": 2.5,
            "flag": False,
            "mode": "y",
            "level": 2,
            "tags": ["one", "two"],
            "counts": [1, 2],
            "blob": {"k": [1, None]},
        },
        True,
    )


def test_nested_object_appears_only_when_one_of_its_fields_is_filled():
    fields = fields_of(SCHEMA)
    assert payload_of(fields, {"f:/outer/inner": "in"}) == ({"outer": {"inner": "in"}}, True)


def test_unreadable_entries_are_kept_and_reported_on_their_field():
    fields = fields_of(SCHEMA)
    payload, readable = payload_of(
        fields, {"f:/a~1b": "1.5", "f:/counts": "1\nx", "f:/blob": "{", "f:/flag": "yes"}
    )
    assert (payload, readable) == ({}, False)
    by_pointer = {f.pointer: f for top in fields for f in top.walk()}
    assert by_pointer["/a~1b"].errors == ["'1.5' is not a whole number"]
    assert by_pointer["/a~1b"].value == "1.5"
    assert by_pointer["/counts"].errors == ["'x' is not a whole number"]
    assert by_pointer["/blob"].errors == [
        "not valid JSON: Expecting property name enclosed in double quotes (line 1)"
    ]
    assert by_pointer["/flag"].errors == ["choose true or false"]


def test_errors_land_on_the_named_field_or_the_nearest_enclosing_one():
    fields = fields_of(SCHEMA)
    left = errors_by_field(
        fields,
        [
            {"path": "/name", "message": "required"},
            {"path": "/tags/3", "message": "too long"},
            {"path": "/outer/inner", "message": "bad inner"},
            {"path": "/outer/unknown", "message": "not allowed"},
            {"path": "/a~1b", "message": "not an integer"},
            {"path": "", "message": "whole payload"},
            {"path": "/nowhere", "message": "stray"},
            "not a detail",
        ],
    )
    by_pointer = {f.pointer: f.errors for top in fields for f in top.walk() if f.errors}
    assert by_pointer == {
        "/name": ["required"],
        "/tags": ["too long"],
        "/outer": ["not allowed"],
        "/outer/inner": ["bad inner"],
        "/a~1b": ["not an integer"],
    }
    assert left == ["/: whole payload", "/nowhere: stray"]


def test_type_labels_name_arrays_by_their_items():
    assert type_label({"type": "array", "items": {"type": "string"}}) == "array of string"
    assert type_label({"type": ["string", "null"]}) == "string or null"
    assert type_label({"enum": [1]}) == "enum"
    assert type_label({}) == "any"


def test_enum_choices_of_any_json_type_round_trip_through_the_select():
    [field] = fields_of({"type": "object", "properties": {"x": {"enum": [1, None, 'a"b']}}})
    assert field.choices == ["1", "null", 'a"b']
    for text, value in zip(field.choices, [1, None, 'a"b'], strict=True):
        assert payload_of([field], {"f:/x": text}) == ({"x": value}, True)
