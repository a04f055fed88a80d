"""The Hypothesis strategies: valid draws validate, invalid draws are invalid for the named
reason, values look real, and bad arguments fail at draw time with a helpful message."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import re
import subprocess
import sys
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis.errors import InvalidArgument
from jsonschema import Draft202012Validator
from jsonschema import FormatChecker

from interactor_mock.contracts import default_registry
from interactor_mock.contracts import error_pointer
from pytest_interactor.strategies import INVALID_KINDS
from pytest_interactor.strategies import InvalidInput
from pytest_interactor.strategies import accounts
from pytest_interactor.strategies import action_inputs
from pytest_interactor.strategies import action_outputs
from pytest_interactor.strategies import from_contract
from pytest_interactor.strategies import from_schema
from pytest_interactor.strategies import invalid_action_inputs
from pytest_interactor.strategies._internal import compiler
from pytest_interactor.strategies._internal import realistic
from tests.property_budget import budget

FEW = settings(max_examples=25, deadline=None)
ONE = settings(max_examples=1, deadline=None, database=None)

EMAIL = re.compile(r"^[a-z0-9.+_]+@([a-z0-9-]+\.)+[a-z]{2,}$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
URI = re.compile(r"^https?://[a-z0-9.-]+(/[A-Za-z0-9._~/-]*)?$")
HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$")
GMAIL_ID = re.compile(r"^[0-9a-f]{16}$")


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FormatChecker())


# --------------------------------------------------------------------------------------------
# A small registry with the same interface as interactor_mock.contracts.ContractRegistry
# --------------------------------------------------------------------------------------------


class UnknownThing(LookupError):
    pass


@dataclass
class FakeAction:
    name: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})


@dataclass
class FakeContract:
    name: str
    actions: dict[str, FakeAction]
    owner: str = "interactor"


class FakeRegistry:
    def __init__(self, *contracts: FakeContract) -> None:
        self._contracts = {(c.owner, c.name): c for c in contracts}

    @property
    def connectors(self) -> list[FakeContract]:
        return list(self._contracts.values())

    def connector(self, name: str, owner: str = "interactor") -> FakeContract:
        try:
            return self._contracts[(owner, name)]
        except KeyError:
            raise UnknownThing(name) from None

    def action(self, connector: str, action: str, owner: str = "interactor") -> FakeAction:
        try:
            return self.connector(connector, owner).actions[action]
        except KeyError:
            raise UnknownThing(action) from None


DRAFT_INPUT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "to": {"type": "array", "items": {"type": "string"}},
        "cc": {"type": "array", "items": {"type": "string"}},
        "subject": {"type": "string"},
        "body": {"type": "string"},
        "bodyType": {"type": "string", "enum": ["plain", "html"]},
        "maxResults": {"type": "integer", "minimum": 1, "maximum": 500},
        "labelIds": {"type": "array", "items": {"type": "string"}},
        "message_id": {"type": "string"},
        "created_at": {"type": "string"},
        "priority": {"type": ["integer", "null"]},
    },
    "required": ["to", "subject", "body"],
    "additionalProperties": False,
}
DRAFT_OUTPUT = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "message": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "threadId": {"type": "string"},
                "labelIds": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["id", "threadId"],
        },
    },
    "required": ["id", "message"],
}
PLAIN_INPUT = {
    "type": "object",
    "properties": {"text": {"type": "string"}},
    "additionalProperties": False,
}
FAKE = FakeRegistry(
    FakeContract(
        "mail",
        {
            "draft.create": FakeAction("draft.create", DRAFT_INPUT, DRAFT_OUTPUT),
            "note.add": FakeAction("note.add", PLAIN_INPUT),
        },
    ),
    FakeContract("chat", {"message.send": FakeAction("message.send", PLAIN_INPUT)}),
)


# --------------------------------------------------------------------------------------------
# from_schema: every keyword of the subset
# --------------------------------------------------------------------------------------------

SCHEMAS: dict[str, Any] = {
    "true": True,
    "empty": {},
    "null": {"type": "null"},
    "boolean": {"type": "boolean"},
    "integer": {"type": "integer"},
    "integer-bounds": {"type": "integer", "minimum": -3, "maximum": 7},
    "integer-exclusive": {"type": "integer", "exclusiveMinimum": 2.5, "exclusiveMaximum": 9},
    "integer-count-name": {"type": "object", "properties": {"limit": {"type": "integer"}}},
    "number": {"type": "number"},
    "number-count-name-fractional": {
        "type": "object",
        "properties": {"limit": {"type": "number", "minimum": 0.2, "maximum": 0.8}},
        "required": ["limit"],
    },
    "number-bounds": {"type": "number", "minimum": 0.5, "maximum": 1.5},
    "number-exclusive": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    "number-mixed-bounds": {"type": "number", "minimum": 1, "exclusiveMinimum": 1},
    "string": {"type": "string"},
    "string-lengths": {"type": "string", "minLength": 3, "maxLength": 5},
    "string-long": {"type": "string", "minLength": 40},
    "nullable": {"type": ["string", "null"]},
    "type-list": {"type": ["integer", "number", "boolean"]},
    "enum": {"enum": ["plain", "html", 3, None]},
    "enum-with-type": {"type": "string", "enum": ["a", "b", 1]},
    "const": {"const": {"kind": "calendar#event"}},
    "format-date": {"type": "string", "format": "date"},
    "format-date-time": {"type": "string", "format": "date-time"},
    "format-email": {"type": "string", "format": "email"},
    "format-uri": {"type": "string", "format": "uri"},
    "format-uuid": {"type": "string", "format": "uuid"},
    "format-byte": {"type": "string", "format": "byte"},
    "format-byte-bounded": {"type": "string", "format": "byte", "minLength": 5, "maxLength": 12},
    "format-hostname": {"type": "string", "format": "hostname"},
    "format-ipv4": {"type": "string", "format": "ipv4"},
    "format-bounded": {"type": "string", "format": "email", "maxLength": 12},
    "format-bounded-long": {"type": "string", "format": "hostname", "minLength": 50},
    "format-bounded-uri": {"type": "string", "format": "uri", "maxLength": 20},
    "format-bounded-fixed": {"type": "string", "format": "date-time", "maxLength": 20},
    "array": {"type": "array"},
    "array-items": {"type": "array", "items": {"type": "string", "format": "email"}},
    "array-sizes": {"type": "array", "items": {"type": "boolean"}, "minItems": 2, "maxItems": 4},
    "object": {"type": "object"},
    "object-closed": {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
        "required": ["a"],
        "additionalProperties": False,
    },
    "object-open": {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "additionalProperties": True,
    },
    "object-additional-schema": {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "additionalProperties": {"type": "integer"},
    },
    "object-map": {"type": "object", "additionalProperties": {"type": "string"}},
    "object-required-undeclared": {"type": "object", "required": ["x"]},
    "object-untyped": {"properties": {"a": {"type": "string"}}, "required": ["a"]},
    "anyOf": {"anyOf": [{"type": "string", "format": "date"}, {"type": "integer"}]},
    "anyOf-with-parent": {
        "type": "object",
        "properties": {"kind": {"type": "string"}},
        "required": ["kind"],
        "anyOf": [
            {"properties": {"kind": {"const": "a"}, "x": {"type": "integer"}}},
            {"properties": {"kind": {"const": "b"}}, "required": ["y"]},
        ],
    },
    "anyOf-under-closed-parent": {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "additionalProperties": False,
        "anyOf": [{"properties": {"b": {"type": "integer"}}}, {"required": ["a"]}],
    },
    "oneOf-disjoint": {"oneOf": [{"type": "string"}, {"type": "null"}]},
    "oneOf-overlapping": {
        "oneOf": [{"type": "integer", "minimum": 0}, {"type": "integer", "maximum": 10}]
    },
    "oneOf-enums": {"oneOf": [{"enum": ["a", "b"]}, {"enum": ["b", "c"]}]},
    "annotations": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "t",
        "description": "d",
        "default": "x",
        "type": "string",
    },
    "examples": {"type": "string", "examples": ["documented", 3]},
    "nested": {
        "type": "object",
        "properties": {
            "messages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "payload": {
                            "type": "object",
                            "properties": {
                                "headers": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "name": {"type": "string"},
                                            "value": {"type": "string"},
                                        },
                                    },
                                }
                            },
                        },
                    },
                    "required": ["id"],
                },
            },
            "nextPageToken": {"type": ["string", "null"]},
        },
        "required": ["messages"],
    },
}


@pytest.mark.parametrize("schema", SCHEMAS.values(), ids=SCHEMAS.keys())
@FEW
@given(data=st.data())
def test_every_draw_of_from_schema_validates_under_the_reference_validator(schema, data):
    value = data.draw(from_schema(schema))
    validator(schema if isinstance(schema, dict) else {}).validate(value)


@FEW
@given(data=st.data())
def test_one_of_draws_match_exactly_one_branch(data):
    schema = SCHEMAS["oneOf-overlapping"]
    value = data.draw(from_schema(schema))
    assert sum(validator(b).is_valid(value) for b in schema["oneOf"]) == 1


@FEW
@given(
    date_time=from_schema({"type": "string", "format": "date-time"}),
    date=from_schema({"type": "string", "format": "date"}),
    uri=from_schema({"type": "string", "format": "uri"}),
    hostname=from_schema({"type": "string", "format": "hostname"}),
    byte=from_schema({"type": "string", "format": "byte"}),
)
def test_formatted_strings_are_well_formed_beyond_what_jsonschema_checks(
    date_time, date, uri, hostname, byte
):
    # jsonschema only checks some formats when optional packages are installed.
    assert RFC3339.match(date_time)
    assert dt.datetime.fromisoformat(date_time.replace("Z", "+00:00")).tzinfo is not None
    assert dt.date.fromisoformat(date)
    assert URI.match(uri)
    assert HOSTNAME.match(hostname)
    base64.b64decode(byte, validate=True)


@pytest.mark.parametrize("kind", sorted(realistic._REALISTIC))
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_realistic_strings_stay_within_their_declared_lengths(kind, data):
    values = realistic._REALISTIC[kind]
    value = data.draw(values.strategy)
    assert values.min_length <= len(value) <= values.max_length


def test_an_unsupported_keyword_fails_at_draw_time_naming_it_and_where():
    strategy = from_schema({"type": "object", "properties": {"to": {"pattern": "^a"}}})

    @ONE
    @given(strategy)
    def draw(value):
        pass

    with pytest.raises(InvalidArgument, match=r"'pattern' at /properties/to"):
        draw()


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"type": "string", "format": "phone"}, "unsupported format 'phone'"),
        ({"type": "text"}, "bad type 'text'"),
        ({"x-dataType": "GmailMessage"}, "unresolved x-dataType"),
        ({"minLength": -1}, "minLength"),
        ({"enum": []}, "enum"),
        ({"$ref": "#/$defs/x"}, r"'\$ref'"),
    ],
)
def test_malformed_schemas_fail_at_draw_time_with_a_clear_message(schema, message):
    @ONE
    @given(from_schema(schema))
    def draw(value):
        pass

    with pytest.raises(InvalidArgument, match=message):
        draw()


def test_a_schema_is_compiled_once_and_reused():
    schema = {"type": "object", "properties": {"a": {"type": "string", "title": "cached"}}}
    assert compiler._compiled(schema) is compiler._compiled(copy.deepcopy(schema))


def test_from_schema_does_not_see_later_changes_to_the_schema():
    schema = {"type": "integer", "minimum": 0}
    strategy = from_schema(schema)
    schema["minimum"] = "not a number"

    @ONE
    @given(strategy)
    def draw(value):
        assert value >= 0

    draw()


def test_strategies_have_a_repr_like_the_call_that_made_them():
    assert repr(from_schema({"type": "null"})) == "from_schema({'type': 'null'})"
    assert repr(action_inputs("gmail", "email.draft.create")) == (
        "action_inputs('gmail', 'email.draft.create')"
    )
    assert repr(accounts()) == "accounts()"
    assert repr(invalid_action_inputs("gmail", "email.send", kinds=["bad_enum"])) == (
        "invalid_action_inputs('gmail', 'email.send', kinds=['bad_enum'])"
    )


# --------------------------------------------------------------------------------------------
# Realistic values
# --------------------------------------------------------------------------------------------


@FEW
@given(payload=action_inputs("mail", "draft.create", registry=FAKE))
def test_fields_named_like_addresses_dates_and_ids_hold_realistic_values(payload):
    assert all(EMAIL.match(address) for address in payload["to"])
    assert all(EMAIL.match(address) for address in payload.get("cc", []))
    assert all(a.endswith(("example.com", "example.org", "example.net")) for a in payload["to"])
    if "message_id" in payload:
        assert GMAIL_ID.match(payload["message_id"])
    if "created_at" in payload:
        assert RFC3339.match(payload["created_at"])
    if "labelIds" in payload:
        assert set(payload["labelIds"]) <= set(realistic._GMAIL_LABELS)
    if "maxResults" in payload:
        assert 1 <= payload["maxResults"] <= 500
    assert payload["subject"].strip()
    assert payload["body"].strip()


@FEW
@given(output=action_outputs("mail", "draft.create", registry=FAKE))
def test_outputs_hold_gmail_like_ids(output):
    validator(DRAFT_OUTPUT).validate(output)
    assert GMAIL_ID.match(output["id"])
    assert GMAIL_ID.match(output["message"]["threadId"])


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("to", "email"),
        ("bcc", "email"),
        ("from", "email"),
        ("sender_email", "email"),
        ("replyToEmail", "email"),
        ("timeMin", "date-time"),
        ("date", "date-time"),
        ("created_at", "date-time"),
        ("modifiedTime", "date-time"),
        ("htmlLink", "uri"),
        ("avatar_url", "uri"),
        ("id", "id"),
        ("message_id", "id"),
        ("threadId", "id"),
        ("draft_id", "draft_id"),
        ("labelIds", "label_id"),
        ("calendarId", "calendar_id"),
        ("pageToken", "token"),
        ("nextPageToken", "token"),
        ("fromName", "name"),
        ("displayName", "name"),
        ("subject", "subject"),
        ("body", "body"),
        ("text", "body"),
        ("q", "query"),
        ("mimeType", "mime_type"),
        ("signature", "signature"),
        ("color", None),
        (None, None),
    ],
)
def test_property_names_say_what_strings_look_like(name, hint):
    assert realistic._name_hint(name) == hint


@FEW
@given(account=accounts())
def test_accounts_are_plausible_end_user_names(account):
    assert account.strip() == account
    assert 3 <= len(account) <= 64


@FEW
@given(value=from_schema({"type": "object", "properties": {"email": {"maxLength": 4}}}))
def test_a_hint_that_cannot_meet_the_bounds_gives_way_to_plain_text(value):
    assert len(value.get("email", "")) <= 4


# --------------------------------------------------------------------------------------------
# Invalid inputs
# --------------------------------------------------------------------------------------------


def reported_fields(schema, payload):
    """The top-level fields the mock's own error reporting would name."""
    errors = list(validator(schema).iter_errors(payload))
    assert errors, f"{payload!r} is valid"
    return {error_pointer(e).split("/")[1] if error_pointer(e) else None for e in errors}


@pytest.mark.parametrize("kind", INVALID_KINDS)
@FEW
@given(data=st.data())
def test_invalid_inputs_are_invalid_and_the_named_field_is_the_one_reported(kind, data):
    bad = data.draw(invalid_action_inputs("mail", "draft.create", registry=FAKE, kinds=[kind]))
    assert isinstance(bad, InvalidInput)
    assert bad.kind == kind
    assert reported_fields(DRAFT_INPUT, bad.payload) == {bad.field}
    assert bad.description
    if kind == "not_an_object":
        assert not isinstance(bad.payload, dict)
        assert bad.field is None
    else:
        assert isinstance(bad.payload, dict)


@settings(max_examples=60, deadline=None)
@given(bad=invalid_action_inputs("mail", "draft.create", registry=FAKE))
def test_invalid_inputs_of_every_kind_are_drawn_by_default(bad):
    assert bad.kind in INVALID_KINDS
    assert not validator(DRAFT_INPUT).is_valid(bad.payload)


@FEW
@given(bad=invalid_action_inputs("mail", "note.add", registry=FAKE))
def test_kinds_the_schema_cannot_express_are_skipped(bad):
    # No required field, no enum: only wrong types, extra fields and non-objects.
    assert bad.kind in {"wrong_type", "extra_field", "not_an_object"}


def test_asking_only_for_kinds_the_schema_cannot_express_is_an_invalid_argument():
    @ONE
    @given(invalid_action_inputs("mail", "note.add", registry=FAKE, kinds=["bad_enum"]))
    def draw(value):
        pass

    with pytest.raises(InvalidArgument, match="cannot express"):
        draw()


def test_an_unknown_kind_is_an_invalid_argument():
    @ONE
    @given(invalid_action_inputs("mail", "draft.create", registry=FAKE, kinds=["typo"]))
    def draw(value):
        pass

    with pytest.raises(InvalidArgument, match="missing_required"):
        draw()


# --------------------------------------------------------------------------------------------
# Unknown connectors and actions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: action_inputs("nope", "draft.create", registry=FAKE),
        lambda: action_outputs("nope", "draft.create", registry=FAKE),
        lambda: invalid_action_inputs("nope", "draft.create", registry=FAKE),
        lambda: from_contract("nope", registry=FAKE),
    ],
)
def test_an_unknown_connector_fails_at_draw_time_listing_the_known_ones(make):
    strategy = make()  # creating the strategy never fails

    @ONE
    @given(strategy)
    def draw(value):
        pass

    with pytest.raises(InvalidArgument, match=r"unknown connector interactor/nope.*chat, mail"):
        draw()


def test_an_unknown_action_fails_at_draw_time_listing_the_known_ones():
    @ONE
    @given(action_inputs("mail", "draft.send", registry=FAKE))
    def draw(value):
        pass

    with pytest.raises(InvalidArgument, match=r"'draft.send'.*draft.create, note.add"):
        draw()


def test_an_unknown_owner_lists_every_connector_with_its_owner():
    @ONE
    @given(action_inputs("mail", "draft.create", owner="acme", registry=FAKE))
    def draw(value):
        pass

    with pytest.raises(InvalidArgument, match=r"interactor/chat, interactor/mail"):
        draw()


def test_the_shipped_registry_is_the_default_and_lists_its_connectors():
    @ONE
    @given(action_inputs("gmial", "email.send"))
    def draw(value):
        pass

    with pytest.raises(InvalidArgument, match=r"gmail"):
        draw()


# --------------------------------------------------------------------------------------------
# Every shipped contract
# --------------------------------------------------------------------------------------------

SHIPPED = [
    pytest.param(contract.owner, contract.name, name, id=f"{contract.name}:{name}")
    for contract in default_registry().connectors
    for name in sorted(contract.actions)
]


@pytest.mark.parametrize(("owner", "connector", "action"), SHIPPED)
def test_every_shipped_action_has_valid_inputs_and_outputs(owner, connector, action):
    found = default_registry().action(connector, action, owner)

    @budget(found, 15)
    @given(data=st.data())
    def check(data):
        payload = data.draw(action_inputs(connector, action, owner=owner), label="input")
        output = data.draw(action_outputs(connector, action, owner=owner), label="output")
        validator(found.input_schema).validate(payload)
        validator(found.output_schema).validate(output)

    check()


@pytest.mark.parametrize(("owner", "connector", "action"), SHIPPED)
def test_every_shipped_action_has_invalid_inputs_naming_their_field(owner, connector, action):
    found = default_registry().action(connector, action, owner)

    @budget(found, 10)
    @given(data=st.data())
    def check(data):
        bad = data.draw(invalid_action_inputs(connector, action, owner=owner))
        assert reported_fields(found.input_schema, bad.payload) == {bad.field}

    check()


@pytest.mark.parametrize("contract", default_registry().connectors, ids=lambda c: c.name)
@FEW
@given(data=st.data())
def test_from_contract_draws_a_valid_input_for_some_action(contract, data):
    name, payload = data.draw(from_contract(contract.name, owner=contract.owner))
    validator(contract.actions[name].input_schema).validate(payload)


def test_the_public_module_exports_the_same_names_as_before_the_split():
    import pytest_interactor.strategies as public

    assert public.__all__ == [
        "INVALID_KINDS",
        "InvalidInput",
        "InvalidKind",
        "accounts",
        "action_inputs",
        "action_outputs",
        "from_contract",
        "from_schema",
        "invalid_action_inputs",
    ]
    assert all(hasattr(public, name) for name in public.__all__)
    assert public.action_inputs.__module__ == "pytest_interactor.strategies._internal.core"


def test_without_hypothesis_the_import_error_says_which_extra_to_install():
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n"
        "    import pytest_interactor.strategies\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc.name, '|', exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == (
        "hypothesis | pytest_interactor.strategies needs Hypothesis: "
        "pip install 'interactor-mock[strategies]'"
    )
