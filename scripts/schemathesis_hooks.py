"""Schemathesis hooks for ``scripts/schemathesis_run.py`` (loaded through SCHEMATHESIS_HOOKS).

They run inside schemathesis' own venv, so they import nothing of the mock. The driver
passes what they need in the environment:

- ``MOCK_ORIGIN``, ``MOCK_ACCOUNT``, ``MOCK_SETUP``: the served mock, the account that every
  connector is granted to, and the JSON seed document that grants them (and makes the
  ``fuzz`` environment the control API's path parameters name).

Why: an execute for an account that never connected answers the documented 500 "Account
has no tokens", on every action, whatever the input; left as it is, it would hide every
other answer of the action. So every well-formed ``account`` a case carries becomes the
granted one (a blank or missing one stays: the 400 is what is tested then), and the grants
are made again after any call that may have undone them (a reset, a deleted credential or
environment). The server-error check stays on everywhere; :func:`documented_server_error`
adds that a 500 the driver allows (data-dependent errors the contract documents, such as
"Requested entity was not found.") must carry one of its operation's documented messages,
and never "Account has no tokens".
"""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request

import schemathesis

ORIGIN = os.environ.get("MOCK_ORIGIN", "")
ACCOUNT = os.environ.get("MOCK_ACCOUNT", "alice")
SETUP = os.environ.get("MOCK_SETUP", "{}")
NO_TOKENS = "Account has no tokens"
_state = {"dirty": True}
_lock = threading.Lock()


def _setup() -> None:
    for path, body in json.loads(SETUP):
        request = urllib.request.Request(
            ORIGIN + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
        except urllib.error.HTTPError as exc:  # e.g. the environment exists already
            if exc.code != 409:
                raise


def _needs_account(case) -> bool:
    if not case.path.startswith("/api/v1/"):
        return False  # the control API's account names data, not a connected account
    query = case.query
    value = query.get("account") if isinstance(query, dict) else None
    return isinstance(value, str) and bool(value.strip())


@schemathesis.hook
def before_call(ctx, case, kwargs):
    with _lock:
        if _state["dirty"]:
            _setup()
            _state["dirty"] = False
    if _needs_account(case):
        case.query["account"] = ACCOUNT


@schemathesis.hook
def after_call(ctx, case, response):
    changed = case.method.upper() != "GET" and 200 <= response.status_code < 300
    if changed and (case.path.startswith("/_mock") or case.path.endswith("/credential")):
        with _lock:
            _state["dirty"] = True


@schemathesis.hook
def filter_body(ctx, body):
    # A uniform latency needs max >= min: a rule JSON Schema cannot state, so the document
    # says it in words and no case asks the server to accept the contrary.
    latency = body.get("latency") if isinstance(body, dict) else None
    if isinstance(latency, dict) and latency.get("distribution") == "uniform":
        low, high = latency.get("min", 0), latency.get("max", 0)
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high))
        return not (numbers and high < low)
    return True


def _provider_rejected(response) -> bool:
    """A -v1 connector's answer to a bad input: the provider's 4xx inside ``output``, with
    HTTP 200, as the real API relays it."""
    if response.status_code != 200:
        return False
    try:
        output = json.loads(response.content).get("output")
    except (ValueError, AttributeError):
        return False
    status = output.get("status_code") if isinstance(output, dict) else None
    return isinstance(status, int) and 400 <= status < 500


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    # Keep every failure but "negative data accepted" answered by a provider's rejection.
    return not (getattr(failure, "code", "") == "ST201" and _provider_rejected(response))


#: Seeded counts above this are cut to it: seeding costs about 20 us an item while the
#: request waits, and generated seeds ask for up to 100,000 items per collection. The
#: bounds themselves stay tested: a count over the maximum (a negative case) is kept.
SEED_COUNT_CAP = 100
SEED_COUNT_MAX = 100_000


def _capped(value):
    if isinstance(value, dict):
        return {k: _capped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_capped(v) for v in value]
    whole = isinstance(value, float) and value.is_integer()
    if whole or (isinstance(value, int) and not isinstance(value, bool)):
        return SEED_COUNT_CAP if SEED_COUNT_CAP < value <= SEED_COUNT_MAX else value
    return value


@schemathesis.hook
def map_body(ctx, body):
    operation = ctx.operation
    if operation is not None and operation.path.endswith("/seed"):
        return _capped(body)
    return body


def _documented(case) -> list[str]:
    raw = case.operation.definition.raw
    content = raw.get("responses", {}).get("500", {}).get("content", {})
    examples = content.get("application/json", {}).get("examples", {})
    return [e.get("value", {}).get("error") for e in examples.values()]


@schemathesis.check
def documented_server_error(ctx, response, case):
    """A 5xx is only ever one of the operation's documented errors, never "Account has no
    tokens" (every account is granted)."""
    if response.status_code < 500:
        return None
    try:
        message = json.loads(response.content).get("error")
    except (ValueError, AttributeError):
        message = None
    assert message != NO_TOKENS, f"{NO_TOKENS!r} for a granted account"
    assert message in _documented(case), f"undocumented {response.status_code}: {message!r}"
    return None
