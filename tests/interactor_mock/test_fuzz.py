"""Fuzzing every route (issue 15): arbitrary methods, paths, headers, query strings, content
types and bodies. No unexpected 5xx (only errors the contracts document, such as "Account
has no tokens", or injected scenarios), no traceback in a body, and a rejected request
changes no state. Bounded in examples, deterministic (derandomized)."""

from __future__ import annotations

import copy
import json
import string

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from interactor_mock.config import MockConfig
from interactor_mock.core.engine import Engine
from interactor_mock.http.app import create_app
from pytest_interactor.strategies import action_inputs
from pytest_interactor.strategies import invalid_action_inputs

#: Examples per test; ``scripts/reliability_report.py`` reads these figures.
ROUTE_EXAMPLES = 1500
ACTION_EXAMPLES = 1500
FUZZ = settings(
    max_examples=ROUTE_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
UNCHANGED_BY_DESIGN = ("journal", "journal-seq", "server-errors")  # every API request is journaled


class Target:
    """One engine with every connector granted, and what a fuzzed answer may be."""

    def __init__(self) -> None:
        self.engine = Engine(MockConfig(max_body_bytes=64 * 1024))
        self.app = create_app(engine=self.engine)
        self.client = self.app.test_client()
        self.registry = self.engine.registry
        self.documented = {"Account has no tokens"} | {
            str(e["error"])
            for c in self.registry.connectors
            for a in c.actions.values()
            for e in a.errors
        }
        self.regrant()

    def regrant(self) -> None:
        self.engine.reset()
        env = self.engine.default_environment
        for contract in self.registry.connectors:
            self.engine.grant(env, contract.name, "alice", owner=contract.owner)
        self.key = env.api_key

    def state(self) -> object:
        records = self.engine.store._records  # type: ignore[attr-defined]
        return copy.deepcopy(
            {
                scope: {k: v for k, v in kinds.items() if k not in UNCHANGED_BY_DESIGN}
                for scope, kinds in records.items()
            }
        )

    def scenarios_active(self) -> bool:
        return any(self.engine.scenarios.rules(e) for e in self.engine.environments.all())

    def check(self, response, before) -> None:
        text = response.get_data(as_text=True)
        assert "Traceback (most recent call last)" not in text
        status = response.status_code
        if status >= 500:
            message = json.loads(text).get("error") if response.is_json else text
            assert message in self.documented or self.scenarios_active(), (status, text[:300])
        if 400 <= status < 500 and status != 429:
            assert self.state() == before, (status, text[:300])
        if response.mimetype == "application/json" and text:
            json.loads(text, parse_constant=_refuse)  # RFC 8259 on the way out too


def _refuse(name):
    raise AssertionError(f"{name} in an answer")


@pytest.fixture(scope="module")
def target():
    return Target()


_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
_WORDS = st.sampled_from(
    [
        "gmail",
        "interactor",
        "googlecalendar-v1",
        "slack",
        "development",
        "testing",
        "alice",
        "email.list",
        "email.draft.create",
        "calendar.events.quickAdd",
        "..",
        "%2e%2e",
        "",
        "x",
    ]
)
_SEGMENT = st.one_of(_WORDS, st.text(string.ascii_letters + string.digits + "-._~%", max_size=12))
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=12,
)
_RAW = st.one_of(
    _JSON.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.sampled_from(
        [
            b"",
            b"{",
            b'{"a": NaN}',
            b"[" * 200,
            b'{"s": "\\ud800"}',
            b"1e400",
            b"null",
            b'{"maxResults": 1e400}',
            b'{"to": [], "subject": "", "body": "<<<<"}',
        ]
    ),
)
_CONTENT_TYPES = st.sampled_from(
    [
        None,
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin-1",
        "*/*",
        "\x00",
    ]
)


@st.composite
def paths(draw, rules):
    if draw(st.integers(0, 9)) == 0:
        return "/" + "/".join(draw(st.lists(_SEGMENT, max_size=6)))
    rule = draw(st.sampled_from(rules))
    parts = []
    for is_dynamic, text in rule._trace[1:]:  # werkzeug's parsed rule: (dynamic?, text)
        parts.append(draw(_SEGMENT) if is_dynamic else text)
    return "".join(parts)


@st.composite
def requests_(draw, target):
    rules = [r for r in target.app.url_map.iter_rules() if r.endpoint != "static"]
    method = draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]))
    query = draw(
        st.dictionaries(
            st.sampled_from(
                [
                    "account",
                    "accountId",
                    "userId",
                    "redirectUrl",
                    "skipInput",
                    "state",
                    "code",
                    "error",
                    "step",
                    "client_id",
                    "redirect_uri",
                    "parent",
                    "x",
                ]
            )
            | _TEXT,
            _TEXT,
            max_size=4,
        )
    )
    if draw(st.booleans()):
        query.setdefault("account", "alice")
    headers = {}
    key = draw(st.sampled_from(["valid", "none", "garbage"]))
    if key == "valid":
        headers["x-api-key"] = target.key
    elif key == "garbage":
        headers["x-api-key"] = draw(st.text(string.printable.strip(), max_size=60))
    for name in draw(
        st.lists(
            st.sampled_from(["Origin", "Sec-Fetch-Site", "Prefer", "Transfer-Encoding", "Accept"]),
            max_size=2,
        )
    ):
        headers[name] = draw(st.text(string.ascii_letters + string.digits + ":/.-=; ", max_size=30))
    content_type = draw(_CONTENT_TYPES)
    if content_type is not None:
        headers["Content-Type"] = content_type
    return method, draw(paths(rules)), query, headers, draw(_RAW)


@FUZZ
@given(data=st.data())
def test_no_route_answers_an_unexpected_5xx_to_arbitrary_requests(target, data):
    method, path, query, headers, body = data.draw(requests_(target))
    if "Transfer-Encoding" in headers:
        del headers["Transfer-Encoding"]  # the test client sends a length; see test_hostile_input
    before = target.state()
    response = target.client.open(
        path, method=method, query_string=query, headers=headers, data=body
    )
    target.check(response, before)
    if target.engine.environments.all() == [] or response.status_code == 204:
        target.regrant()  # a successful reset or delete: start again from a known state


def _actions(target):
    return [(c, name) for c in target.registry.connectors for name in sorted(c.actions)]


@settings(FUZZ, max_examples=ACTION_EXAMPLES)
@given(data=st.data())
def test_every_action_answers_valid_invalid_and_hostile_inputs_without_an_unexpected_5xx(
    target, data
):
    contract, name = data.draw(st.sampled_from(_actions(target)))
    account = data.draw(st.sampled_from(["alice", "alice", "bob"]))
    kind, body = data.draw(action_bodies(contract, name))
    before = target.state()
    response = target.client.post(
        f"/api/v1/connector/{contract.owner}/{contract.name}/action/{name}/execute",
        query_string={"account": account},
        data=body,
        headers={"x-api-key": target.key, "Content-Type": "application/json"},
    )
    target.check(response, before)
    if kind != "valid" or target.scenarios_active():
        return
    if account == "bob":  # granted nothing: Interactor's answer for an unconnected account
        assert (response.status_code, response.get_json()) == (
            500,
            {"error": "Account has no tokens"},
        )
    elif response.status_code == 200:
        # checked by jsonschema itself, not by the mock's own validation
        action = contract.actions[name]
        validator = Draft202012Validator(
            action.output_schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        output = response.get_json()["output"]
        assert [e.message for e in validator.iter_errors(output)] == [], (name, output)


HOSTILE_KINDS = ("surrogate", "nan", "deep", "huge", "empty", "angles", "duration")


def _mutate(payload, how, draw):
    """A valid payload made hostile: one string value (or a new field) replaced."""
    strings = [k for k, v in payload.items() if isinstance(v, str)] or ["q"]
    field = draw(st.sampled_from(strings))
    hostile = {
        "surrogate": "\ud800",
        "nan": float("nan"),
        "deep": [[]],
        "huge": 10**30,
        "empty": "",
        "angles": "<" * 5000,
        "duration": "Party for 99999999999999999999 hours",
    }[how]
    text = json.dumps({**payload, field: hostile})
    if how == "deep":
        text = text.replace("[[]]", "[" * 1000 + "]" * 1000)
    if how == "huge":
        text = text.replace(str(10**30), draw(st.sampled_from(["1e400", "-1e400", "Infinity"])))
    return text.encode()


@st.composite
def action_bodies(draw, contract, name):
    """Request bodies for an action, with their kind: valid, invalid (one named fault) or
    hostile."""
    kind = draw(st.sampled_from(["valid", "invalid", "hostile"]))
    if kind == "invalid":
        invalid = draw(invalid_action_inputs(contract.name, name, owner=contract.owner))
        return kind, json.dumps(invalid.payload).encode()
    payload = draw(action_inputs(contract.name, name, owner=contract.owner))
    if kind == "valid":
        return kind, json.dumps(payload).encode()
    return kind, _mutate(payload, draw(st.sampled_from(HOSTILE_KINDS)), draw)
