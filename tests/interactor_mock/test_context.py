"""The HTTP layer's shared helpers: the engine accessor, the request note, parameters, JSON."""

from __future__ import annotations

import pytest

from interactor_mock.config import MockConfig
from interactor_mock.core.engine import Engine
from interactor_mock.errors import BadRequest
from interactor_mock.http.app import create_app
from interactor_mock.http.context import ENVIRON_KEY
from interactor_mock.http.context import account_parameter
from interactor_mock.http.context import boolean_parameter
from interactor_mock.http.context import engine
from interactor_mock.http.context import json_object
from interactor_mock.http.context import json_response
from interactor_mock.http.context import note
from interactor_mock.http.context import public_url


def test_engine_is_the_apps_own_unless_the_request_names_another(app):
    own = app.extensions["interactor_mock"]
    other = Engine(MockConfig())
    with app.test_request_context("/"):
        assert engine() is own
    with app.test_request_context("/", environ_base={ENVIRON_KEY: other}):
        assert engine() is other


def test_the_note_is_one_per_request(app):
    with app.test_request_context("/"):
        first = note()
        first.account = "alice"
        assert note() is first
        assert (first.environment, first.source, first.scenario) == (None, None, None)
    with app.test_request_context("/"):
        assert note().account is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("account=a", "a"),
        ("accountId=b", "b"),
        ("userId=c", "c"),
        ("userId=c&accountId=b&account=a", "a"),
        ("userId=c&accountId=b", "b"),
        ("account=%20a%20", " a "),
    ],
)
def test_the_account_is_account_then_account_id_then_user_id(app, query, expected):
    with app.test_request_context(f"/?{query}"):
        assert account_parameter() == expected


def test_a_missing_account_names_the_parameters(app):
    with app.test_request_context("/?other=1"), pytest.raises(BadRequest) as raised:
        account_parameter()
    assert raised.value.message == (
        "Missing account: pass the end user as query parameter 'account' (or 'accountId', 'userId')"
    )
    assert raised.value.extra == {"parameter": "account"}


@pytest.mark.parametrize("name", ["account", "accountId", "userId"])
def test_an_empty_account_is_refused_naming_its_parameter(app, name):
    with app.test_request_context(f"/?{name}=%20"), pytest.raises(BadRequest) as raised:
        account_parameter()
    assert raised.value.message == f"Query parameter {name!r} must not be empty"
    assert raised.value.extra == {"parameter": name}


def test_the_account_can_come_from_given_arguments():
    assert account_parameter({"accountId": "x"}) == "x"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        (" yes ", True),
        ("on", True),
        ("", False),
        ("0", False),
        ("false", False),
        ("No", False),
        ("off", False),
    ],
)
def test_boolean_parameters(value, expected):
    assert boolean_parameter("skipInput", {"skipInput": value}) is expected


def test_a_missing_boolean_parameter_is_false_and_a_bad_one_is_named():
    assert boolean_parameter("skipInput", {}) is False
    with pytest.raises(BadRequest) as raised:
        boolean_parameter("skipInput", {"skipInput": "maybe"})
    assert raised.value.message == "Query parameter 'skipInput' must be true or false"
    assert raised.value.extra == {"parameter": "skipInput"}


def test_json_response_is_compact_ascii_json_with_a_newline():
    response = json_response({"a": "é", "b": [1, None]}, status=201)
    assert response.status_code == 201
    assert response.mimetype == "application/json"
    assert response.get_data(as_text=True) == '{"a":"\\u00e9","b":[1,null]}\n'


def test_public_url_is_the_configured_one_else_the_requests_origin():
    configured = create_app(MockConfig(public_url="https://mock.example.com/"))
    with configured.test_request_context("/", base_url="http://127.0.0.1:5000"):
        assert public_url() == "https://mock.example.com"
    plain = create_app(MockConfig())
    with plain.test_request_context("/", base_url="http://127.0.0.1:5000"):
        assert public_url() == "http://127.0.0.1:5000"


@pytest.mark.parametrize(("body", "expected"), [(b"", {}), (b'{"a": 1}', {"a": 1})])
def test_json_object_reads_an_object_body(app, body, expected):
    with app.test_request_context("/", method="POST", data=body, content_type="application/json"):
        assert json_object() == expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[1]", r"^Request body must be a JSON object$"),
        (b"3", r"^Request body must be a JSON object$"),
        (b"not json", r"^Request body must be valid JSON: Expecting value: line 1 column 1"),
    ],
)
def test_json_object_refuses_anything_else(app, body, message):
    with (
        app.test_request_context("/", method="POST", data=body, content_type="application/json"),
        pytest.raises(BadRequest, match=message),
    ):
        json_object()
