"""Scenario rules: every kind, how rules match and count and expire, the Prefer header, the
journal, and the control API."""

from __future__ import annotations

import pytest

from interactor_mock.core.scenarios import ECONNREFUSED
from interactor_mock.core.scenarios import TIMEOUT
from interactor_mock.core.scenarios import TOKEN_UNAUTHORIZED
from interactor_mock.core.scenarios import Latency
from interactor_mock.core.scenarios import parse_prefer
from interactor_mock.errors import InvalidScenario

DRAFT = {"to": ["bob@example.com"], "subject": "Lunch?", "body": "Noon?"}


@pytest.fixture
def slept(engine):
    waits = []
    engine.scenarios.sleep = waits.append
    return waits


@pytest.fixture
def call(client, engine, dev, headers):
    for connector in ("gmail", "googledrive-v1", "slack"):
        engine.grant(dev, connector, "alice")
        engine.grant(dev, connector, "bob")

    def execute(action, payload=None, *, connector="gmail", account="alice", prefer=None):
        extra = {"Prefer": prefer} if prefer else {}
        return client.post(
            f"/api/v1/connector/interactor/{connector}/action/{action}/execute?account={account}",
            json=payload if payload is not None else {},
            headers={**headers, **extra},
        )

    return execute


def journal(engine, dev):
    return [e.public() for e in engine.journal.entries(dev.id)]


# --- error rules -------------------------------------------------------------------------------


def test_a_client_retrying_on_timeout_succeeds_on_the_third_call(engine, dev, call):
    engine.scenarios.fail_next(dev, "gmail", "email.send", status=500, error=TIMEOUT, times=2)
    answers = []
    for _ in range(5):
        response = call("email.send", DRAFT)
        answers.append(response.status_code)
        if response.status_code == 200:
            break
        assert response.get_json() == {"error": "Timeout"}
    assert answers == [500, 500, 200]


@pytest.mark.parametrize("message", [TIMEOUT, TOKEN_UNAUTHORIZED, ECONNREFUSED])
def test_the_real_services_transient_errors_are_answered_verbatim(engine, dev, call, message):
    engine.scenarios.fail_next(dev, "gmail", "email.list", error=message)
    response = call("email.list")
    assert (response.status_code, response.get_json()) == (500, {"error": message})


def test_an_error_rule_may_give_any_status_body_and_headers(engine, dev, call):
    engine.scenarios.scenario(
        dev,
        "gmail",
        "email.get",
        status=503,
        body={"error": "Service unavailable", "retry": True},
        headers={"X-Mock": "yes"},
    )
    response = call("email.get", {"message_id": "m1"})
    assert response.status_code == 503
    assert response.get_json() == {"error": "Service unavailable", "retry": True}
    assert response.headers["X-Mock"] == "yes"


def test_an_error_without_a_message_says_the_status_phrase(engine, dev, call):
    engine.scenarios.scenario(dev, "gmail", "email.list", status=502)
    assert call("email.list").get_json() == {"error": "Bad Gateway"}


def test_rate_limit_is_429_with_retry_after(engine, dev, call):
    engine.scenarios.scenario(dev, "gmail", "email.list", kind="rate_limit", retry_after=7)
    response = call("email.list")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.get_json() == {"error": "Too Many Requests"}


def test_status_429_alone_is_a_rate_limit_with_retry_after_one(engine, dev, call):
    rule = engine.scenarios.scenario(dev, "gmail", "email.list", status=429)
    assert rule.kind == "rate_limit"
    assert call("email.list").headers["Retry-After"] == "1"


# --- matching, counting, expiry -------------------------------------------------------------


def test_rules_match_only_their_account(engine, dev, call):
    engine.scenarios.fail_next(dev, "gmail", "email.list", account="bob", times=5)
    assert call("email.list", account="alice").status_code == 200
    assert call("email.list", account="bob").status_code == 500


def test_rules_match_actions_by_glob(engine, dev, call):
    engine.scenarios.scenario(dev, "gmail", "email.draft.*", error=TIMEOUT)
    assert call("email.list").status_code == 200
    assert call("email.draft.list").status_code == 500


def test_a_rule_without_connector_matches_every_connector(engine, dev, call):
    engine.scenarios.scenario(dev, error=ECONNREFUSED, times=2)
    assert call("email.list").status_code == 500
    assert call("user.list", connector="slack").status_code == 500
    assert call("email.list").status_code == 200


def test_after_lets_calls_through_first(engine, dev, call):
    engine.scenarios.scenario(dev, "gmail", "email.list", after=2, times=1, error=TIMEOUT)
    assert [call("email.list").status_code for _ in range(4)] == [200, 200, 500, 200]


def test_a_used_up_rule_disappears(engine, dev, call):
    rule = engine.scenarios.fail_next(dev, "gmail", "email.list", times=1)
    assert [r.id for r in engine.scenarios.rules(dev)] == [rule.id]
    call("email.list")
    assert engine.scenarios.rules(dev) == []


def test_rules_expire_on_the_engine_clock(engine, dev, call, clock):
    engine.scenarios.scenario(dev, "gmail", "email.list", error=TIMEOUT, expires_in=60)
    assert call("email.list").status_code == 500
    clock.advance(seconds=61)
    assert call("email.list").status_code == 200
    assert engine.scenarios.rules(dev) == []


def test_rules_apply_in_the_order_they_were_added(engine, dev, call):
    engine.scenarios.fail_next(dev, "gmail", "email.list", error="first")
    engine.scenarios.fail_next(dev, "gmail", "email.list", error="second")
    assert [call("email.list").get_json().get("error") for _ in range(3)] == [
        "first",
        "second",
        None,
    ]


def test_rules_belong_to_their_environment(engine, dev, call, client):
    other = engine.environments.create("other")
    engine.scenarios.fail_next(other, "gmail", "email.list", times=3)
    assert call("email.list").status_code == 200
    assert engine.journal.entries(dev.id)[-1].source == "behaviour"
    # The rule does fire in its own environment.
    engine.grant(other, "gmail", "alice")
    theirs = client.post(
        "/api/v1/connector/interactor/gmail/action/email.list/execute?account=alice",
        json={},
        headers={"x-api-key": other.api_key},
    )
    assert theirs.status_code == 500
    assert engine.journal.entries(other.id)[-1].scenario is not None


# --- latency -------------------------------------------------------------------------------


def test_fixed_latency_waits_then_answers(engine, dev, call, slept):
    engine.scenarios.scenario(dev, "gmail", "email.list", latency=250)
    assert call("email.list").status_code == 200
    assert slept == [0.25]


def test_latency_from_a_distribution_is_seeded(engine, dev, call, slept):
    engine.scenarios.scenario(
        dev, "gmail", latency={"distribution": "uniform", "min": 100, "max": 200}
    )
    for _ in range(5):
        call("email.list")
    first = list(slept)
    assert all(0.1 <= s <= 0.2 for s in first)
    assert len(set(first)) > 1
    # The same environment seed and rule give the same delays.
    engine.scenarios.clear(dev)
    slept.clear()
    engine.environments.reset(dev.id)
    for connector in ("gmail",):
        engine.grant(dev, connector, "alice")
    engine.scenarios.scenario(
        dev, "gmail", latency={"distribution": "uniform", "min": 100, "max": 200}
    )
    for _ in range(5):
        call("email.list")
    assert slept == first


@pytest.mark.parametrize(
    "latency",
    [
        {"distribution": "normal", "mean": 100, "stddev": 10},
        {"distribution": "exponential", "mean": 50},
        {"distribution": "lognormal", "mean": 80, "stddev": 40},
    ],
)
def test_every_distribution_draws_non_negative_delays(engine, dev, call, slept, latency):
    engine.scenarios.scenario(dev, "gmail", latency=latency)
    for _ in range(5):
        call("email.list")
    assert len(slept) == 5
    assert all(s >= 0 for s in slept)


def test_latency_is_capped(engine, dev, call, slept):
    engine.scenarios.scenario(dev, "gmail", latency=10**9)
    call("email.list")
    assert slept == [engine.config.max_latency_ms / 1000]


def test_latency_stacks_with_an_error_rule(engine, dev, call, slept):
    engine.scenarios.scenario(dev, "gmail", latency=100)
    engine.scenarios.fail_next(dev, "gmail", "email.list", error=TIMEOUT)
    assert call("email.list").status_code == 500
    assert slept == [0.1]
    assert call("email.list").status_code == 200


def test_an_error_rule_may_be_slow_itself(engine, dev, call, slept):
    engine.scenarios.scenario(dev, "gmail", "email.list", error=TIMEOUT, latency=2000, times=1)
    assert call("email.list").status_code == 500
    assert slept == [2.0]


# --- credentials ----------------------------------------------------------------------------


def test_an_expired_credential_fails_until_the_account_connects_again(
    engine, dev, call, client, headers
):
    engine.scenarios.scenario(dev, "gmail", "email.list", kind="credential_expired", times=1)
    first = call("email.list")
    assert first.status_code == 500
    assert first.get_json()["error"] == TOKEN_UNAUTHORIZED
    assert "connect again" in first.get_json()["detail"]
    # The rule is used up, but the credential stays expired: every action fails.
    second = call("email.draft.list")
    assert (second.status_code, second.get_json()["error"]) == (500, TOKEN_UNAUTHORIZED)
    credential = client.get(
        "/api/v1/connector/interactor/gmail/credential?account=alice", headers=headers
    ).get_json()
    assert credential["status"] == "expired"
    assert credential["hasRefreshToken"] is False
    engine.grant(dev, "gmail", "alice")
    assert call("email.list").status_code == 200


def test_an_expired_credential_can_be_set_through_the_control_api(client, dev, call):
    response = client.post(f"/_mock/environments/{dev.id}/grants/interactor/gmail/alice/expire")
    assert response.status_code == 200
    assert response.get_json()["status"] == "expired"
    assert call("email.list").status_code == 500


# --- provider errors --------------------------------------------------------------------------


def test_a_provider_error_is_a_successful_execute_with_the_providers_status(engine, dev, call):
    engine.scenarios.scenario(
        dev, "googledrive-v1", "drive.files.get", kind="provider_error", status=403
    )
    response = call("drive.files.get", {"fileId": "f1"}, connector="googledrive-v1")
    assert response.status_code == 200
    output = response.get_json()["output"]
    assert output["status_code"] == 403
    assert output["body"]["error"]["code"] == 403
    assert output["body"]["error"]["status"] == "PERMISSION_DENIED"
    assert output["body"]["error"]["message"] == "Forbidden"


def test_a_provider_error_may_carry_the_providers_own_body(engine, dev, call):
    body = {"error": {"code": 404, "message": "File not found: f1.", "status": "NOT_FOUND"}}
    engine.scenarios.scenario(
        dev, "googledrive-v1", "drive.files.get", kind="provider_error", status=404, body=body
    )
    output = call("drive.files.get", {"fileId": "f1"}, connector="googledrive-v1").get_json()
    assert output["output"] == {"status_code": 404, "body": body}


def test_provider_errors_are_for_v1_connectors_only(engine, dev):
    with pytest.raises(InvalidScenario, match="-v1 connectors only"):
        engine.scenarios.scenario(dev, "gmail", "email.get", kind="provider_error", status=404)
    with pytest.raises(InvalidScenario, match="needs a connector"):
        engine.scenarios.scenario(dev, kind="provider_error", status=404)


# --- the Prefer header --------------------------------------------------------------------------


def test_prefer_code_429_rate_limits_one_call(call):
    response = call("email.list", prefer="code=429")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert call("email.list").status_code == 200


def test_prefer_code_and_error_give_that_error(call):
    response = call("email.list", prefer='code=500, error="Connector token is unauthorized"')
    assert (response.status_code, response.get_json()) == (500, {"error": TOKEN_UNAUTHORIZED})


def test_prefer_latency_waits(call, slept):
    assert call("email.list", prefer="latency=120").status_code == 200
    assert slept == [0.12]


def test_prefer_provider_status_answers_a_provider_error(call):
    output = call(
        "drive.files.list", connector="googledrive-v1", prefer="provider-status=404"
    ).get_json()["output"]
    assert output["status_code"] == 404


def test_prefer_credential_expired_expires_it(call):
    assert call("email.list", prefer="credential=expired").status_code == 500
    assert call("email.list").status_code == 500


def test_prefer_ignores_preferences_it_does_not_know(call, engine, dev):
    assert call("email.list", prefer="return=minimal, respond-async").status_code == 200
    (entry,) = engine.journal.entries(dev.id)
    assert (entry.source, entry.scenario) == ("behaviour", None)


@pytest.mark.parametrize("prefer", ["code=200", "code=abc", "latency=-5", "retry-after=x"])
def test_a_bad_prefer_value_is_400_naming_it(call, prefer):
    response = call("email.list", prefer=prefer)
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("Prefer")


def test_parse_prefer_reads_quoted_values_and_parameters(engine):
    rule = parse_prefer(
        'code=503; error="Busy, try later"',
        registry=engine.registry,
        catalog=engine.resources.catalog,
        now=engine.now(),
    )
    assert (rule.status, rule.error, rule.times) == (503, "Busy, try later", 1)
    assert (
        parse_prefer(
            "", registry=engine.registry, catalog=engine.resources.catalog, now=engine.now()
        )
        is None
    )


# --- the journal -----------------------------------------------------------------------------


def test_the_journal_names_the_rule_that_answered(engine, dev, call):
    engine.scenarios.scenario(dev, "gmail", "email.list", error=TIMEOUT, name="flaky list")
    call("email.list")
    call("email.list", prefer="code=429")
    entries = journal(engine, dev)
    assert [(e["status"], e["scenario"]) for e in entries] == [
        (500, "flaky list"),
        (429, "prefer:code=429"),
    ]


def test_the_journal_names_a_latency_rule_on_a_successful_call(engine, dev, call, slept):
    rule = engine.scenarios.scenario(dev, "gmail", "email.list", latency=5)
    call("email.list")
    assert journal(engine, dev)[-1]["scenario"] in (rule.id, f"scenario:{rule.id}")


# --- validation and the control API --------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"status": 200}, "status"),
        ({"kind": "explode"}, "kind"),
        ({"connector": "nope"}, "connector"),
        ({"connector": "gmail", "action": "email.snd"}, "action"),
        ({"times": 0}, "times"),
        ({"latency": {"distribution": "zipf"}}, "latency.distribution"),
        ({"latency": {"distribution": "uniform", "min": 5, "max": 1}}, "latency.max"),
        ({"expiresIn": -1}, "expiresIn"),
        ({"expiresAt": "tomorrow"}, "expiresAt"),
        ({"headers": {"a": 1}}, "headers.a"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_rule_is_400_naming_the_field(client, dev, rule, field):
    response = client.post(f"/_mock/environments/{dev.id}/scenarios", json=rule)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["field"] == field


def test_rules_are_listed_fetched_and_removed_through_the_control_api(client, dev, call):
    base = f"/_mock/environments/{dev.id}/scenarios"
    created = client.post(
        base, json={"connector": "gmail", "action": "email.list", "error": "Timeout", "times": 2}
    )
    assert created.status_code == 201
    rule = created.get_json()
    assert rule["kind"] == "error"
    assert rule["remaining"] == 2
    call("email.list")
    fetched = client.get(f"{base}/{rule['id']}").get_json()
    assert (fetched["used"], fetched["remaining"]) == (1, 1)
    assert [r["id"] for r in client.get(base).get_json()["scenarios"]] == [rule["id"]]
    assert client.delete(f"{base}/{rule['id']}").status_code == 204
    assert client.get(f"{base}/{rule['id']}").status_code == 404
    client.post(base, json={"latency": 5})
    assert client.delete(base).status_code == 204
    assert client.get(base).get_json() == {"scenarios": []}


def test_latency_accepts_a_number_or_an_object():
    assert Latency.parse(5).public() == {"ms": 5.0}
    assert Latency.parse({"distribution": "exponential", "mean": 3}).public() == {
        "distribution": "exponential",
        "mean": 3.0,
    }


# --- the handle (the ``interactor`` fixture and ``interactor_mock.mock()``) -------------------


def test_the_handle_makes_a_retrying_client_succeed_on_the_third_call():
    import requests

    import interactor_mock

    with interactor_mock.mock() as m:
        m.grant("gmail", "alice")
        m.fail_next("gmail", "email.send", status=500, error="Timeout", times=2)
        url = f"{m.base_url}/connector/interactor/gmail/action/email.send/execute"
        statuses = []
        for _ in range(3):
            response = requests.post(
                url, params={"account": "alice"}, headers=m.headers, json=DRAFT
            )
            statuses.append(response.status_code)
        assert statuses == [500, 500, 200]
        assert [c.scenario for c in m.calls][:2] == ["rule-1", "rule-1"]


def test_the_handle_adds_general_rules_and_clears_them():
    import requests

    import interactor_mock

    with interactor_mock.mock() as m:
        m.grant("interactor/googledrive-v1", "alice")
        rule = m.scenario("googledrive-v1", "drive.files.*", kind="provider_error", status=404)
        assert rule.kind == "provider_error"
        url = f"{m.base_url}/connector/interactor/googledrive-v1/action/drive.files.get/execute"
        output = requests.post(
            url, params={"account": "alice"}, headers=m.headers, json={"fileId": "x"}
        ).json()["output"]
        assert output["status_code"] == 404
        m.clear_scenarios()
        assert m.engine.scenarios.rules(m.engine.environments.get(m.environment)) == []
