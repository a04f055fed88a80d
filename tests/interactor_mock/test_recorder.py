"""The recording proxy: forwards, relays, compares, and never writes a secret."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from datetime import date

import pytest
import requests
from flask import Flask
from flask import jsonify
from flask import request

from interactor_mock import MockServer
from interactor_mock.contracts import default_registry
from interactor_mock.tooling.record import RecordingProxy
from interactor_mock.tooling.record import load_recordings
from interactor_mock.tooling.record import parse_api_path
from tests.interactor_mock.drifted_api import EXTRA_FIELD_VALUE
from tests.interactor_mock.drifted_api import start_real_api

#: Look-alike secrets of every kind the rules know, planted all over the traffic.
SECRETS = {
    "api key": "interactor_Q1w2E3r4_T5y6U7i8O9p0A1s2D3f4G5h6J7k8L9z0",
    "other api key": "interactor_ZzYyXxWw_0123456789abcdef0123456789ab",
    "access token": "ya29.a0AfH6SMC-lookalike-access-token-1234567890",
    "refresh token": "1//0gLookAlikeRefreshToken-abcdefghij",
    "oauth code": "4/0AX4XfWjLookAlikeOAuthCode1234567890",
    "oauth state": "st8-LookAlikeState-99",
    "client id": "123456789012-lookalike.apps.googleusercontent.com",
    "client secret": "GOCSPX-LookAlikeClientSecret123",
    "slack token": "xoxb-123456789012-1234567890123-LookAlikeSlackToken",
    "github token": "ghp_LookAlike0123456789abcdefghijklmnopqr",
    "gitlab token": "glpat-LookAlike0123456789abcd",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsb29rLWFsaWtlIn0.c2lnbmF0dXJlLWxvb2stYWxpa2U",
    "aws key": "AKIALOOKALIKE1234567",
    "password": "correct-horse-battery-staple",
    "email": "margaret.oakley@corp-mail.io",
    "other email": "t.quill+work@quill-family.net",
    "full name": "Margaret Oakley",
    "other name": "Theodore Quill",
    "account": "moakley-account",
    "basic auth": "dXNlcjpsb29rYWxpa2VwYXNzd29yZA==",
}
S = SECRETS


def secret_api() -> Flask:
    """An upstream whose every answer is full of secrets (and echoes the request)."""
    app = Flask("secret-api")

    @app.post("/api/v1/connector/<owner>/<connector>/action/<action>/execute")
    def execute(owner, connector, action):
        body = request.get_json(silent=True) or {}
        if action == "fail":
            return jsonify({"error": f"Token {S['access token']} is unauthorized"}), 500
        return jsonify(
            {
                "output": {
                    "echo": body,
                    "id": "18c2f0a1b2c3d4e5",
                    "profile": {
                        "email": S["email"],
                        "displayName": S["full name"],
                        "real_name": S["other name"],
                        "emails": [S["other email"]],
                    },
                    "payload": {
                        "headers": [
                            {"name": "From", "value": f'"{S["full name"]}" <{S["email"]}>'},
                            {"name": "To", "value": f"{S['other name']} <{S['other email']}>"},
                            {"name": "Authorization", "value": f"Bearer {S['access token']}"},
                        ]
                    },
                    "snippet": f"Hi Margaret, your code is in {S['jwt']} (Theodore)",
                    "tokens": {
                        "access_token": S["access token"],
                        "refresh_token": S["refresh token"],
                        "id_token": S["jwt"],
                    },
                    "integrations": [
                        S["slack token"],
                        S["github token"],
                        S["gitlab token"],
                        S["aws key"],
                    ],
                    "config": f"password={S['password']}; api_key={S['other api key']}",
                    "basic": f"Basic {S['basic auth']}",
                    "seen_key": request.headers.get("x-api-key"),
                    "client_secret": S["client secret"],
                    "account": request.args.get("account"),
                    "created": "2025-05-06T07:08:09Z",
                }
            }
        )

    @app.get("/api/v1/connector/<owner>/<connector>/auth-url")
    def auth_url(owner, connector):
        return jsonify(
            f"https://accounts.google.com/o/oauth2/auth?client_id={S['client id']}"
            f"&state={S['oauth state']}&code={S['oauth code']}&login_hint={S['email']}"
            "&response_type=code"
        )

    @app.get("/api/v1/connector/<owner>/<connector>/credential")
    def credential(owner, connector):
        return jsonify(
            {
                "account": request.args.get("account"),
                "accessToken": S["access token"],
                "refreshToken": S["refresh token"],
                "user": {"email": S["email"], "name": S["full name"]},
            }
        )

    return app


@pytest.fixture(scope="module")
def secret_upstream():
    with MockServer(app=secret_api()) as server:
        yield server


@pytest.fixture(scope="module")
def real_api(tmp_path_factory):
    api = start_real_api(tmp_path_factory.mktemp("drifted"))
    yield api
    api.server.stop()


def proxied(proxy):
    return MockServer(app=proxy.app)


def test_paths_name_the_connector_action_and_kind():
    assert parse_api_path("/connector/interactor/gmail/action/email.list/execute") == (
        "interactor",
        "gmail",
        "email.list",
        "execute",
    )
    assert parse_api_path("/connector/gmail/auth-url") == ("interactor", "gmail", None, "auth-url")
    assert parse_api_path("/connector/acme/crm/credential")[3] == "credential"
    assert parse_api_path("/elsewhere") is None


def test_no_secret_survives_in_any_written_file(secret_upstream, tmp_path):
    out = tmp_path / "recordings"
    proxy = RecordingProxy(
        secret_upstream.base_url,
        api_key=S["api key"],
        out_dir=out,
        account=S["account"],
        registry=default_registry(),
    )
    with proxied(proxy) as server:
        base = server.base_url
        auth = {"x-api-key": S["other api key"], "Authorization": f"Bearer {S['access token']}"}
        requests.post(
            f"{base}/connector/interactor/gmail/action/email.send/execute",
            params={"account": S["account"], "code": S["oauth code"]},
            json={
                "to": [S["email"], S["other email"]],
                "subject": f"for {S['full name']}",
                "body": f"token {S['access token']} password: {S['password']}",
                "signature": S["other name"],
            },
            headers=auth,
            timeout=10,
        )
        requests.post(
            f"{base}/connector/interactor/slack/action/fail/execute",
            json={"token": S["slack token"]},
            headers=auth,
            timeout=10,
        )
        requests.get(f"{base}/connector/interactor/gmail/auth-url", timeout=10)
        requests.get(
            f"{base}/connector/interactor/gmail/credential",
            params={"account": S["email"]},
            timeout=10,
        )
    files = sorted(out.rglob("*"))
    written = [f for f in files if f.is_file()]
    assert len(written) == 4
    assert all(e.refused is None for e in proxy.exchanges)
    for path in written:
        text = path.read_text(encoding="utf-8")
        for what, secret in SECRETS.items():
            assert secret not in text, f"{what} survived in {path.name}"
        for part in ("Margaret", "Oakley", "Theodore", "Quill", "margaret.oakley", "corp-mail"):
            assert part not in text, f"{part!r} survived in {path.name}"
        assert proxy.scrubber.leaks(json.loads(text)) == []
    # The file names hold nothing secret either.
    assert not any(secret in str(f) for f in files for secret in SECRETS.values())


def test_the_client_gets_the_real_answer_and_the_proxy_sends_the_real_key(secret_upstream):
    proxy = RecordingProxy(secret_upstream.base_url, api_key=S["api key"])
    with proxied(proxy) as server:
        answer = requests.post(
            f"{server.base_url}/connector/interactor/gmail/action/x/execute?account=a",
            json={"q": 1},
            headers={"x-api-key": "anything"},
            timeout=10,
        )
    output = answer.json()["output"]
    assert answer.status_code == 200
    assert output["seen_key"] == S["api key"]
    assert output["tokens"]["access_token"] == S["access token"]  # relayed unscrubbed
    assert output["echo"] == {"q": 1}
    (exchange,) = proxy.exchanges
    assert (exchange.connector, exchange.action, exchange.account) == ("interactor/gmail", "x", "a")


def test_the_account_is_added_when_the_client_names_none(secret_upstream):
    proxy = RecordingProxy(secret_upstream.base_url, api_key=S["api key"], account="me")
    with proxied(proxy) as server:
        answer = requests.post(
            f"{server.base_url}/connector/interactor/gmail/action/x/execute", json={}, timeout=10
        )
    assert answer.json()["output"]["account"] == "me"


def test_an_exchange_whose_secret_survives_is_not_written(secret_upstream, tmp_path, capsys):
    proxy = RecordingProxy(secret_upstream.base_url, api_key=S["api key"], out_dir=tmp_path)
    proxy.scrubber.scrub = lambda value: value  # a broken scrubber must not leak
    with proxied(proxy) as server:
        answer = requests.post(
            f"{server.base_url}/connector/interactor/gmail/action/x/execute?account=a",
            json={},
            timeout=10,
        )
    assert answer.status_code == 200  # the client is not affected
    (exchange,) = proxy.exchanges
    assert exchange.recording is None
    assert "a secret survived scrubbing" in exchange.refused
    assert S["api key"] not in exchange.refused
    assert list(tmp_path.rglob("*.json")) == []
    assert "NOT written" in capsys.readouterr().err


def test_the_same_exchange_recorded_twice_is_one_file(real_api, tmp_path):
    proxy = RecordingProxy(real_api.base_url, api_key=real_api.api_key, out_dir=tmp_path)
    with proxied(proxy) as server:
        for _ in range(2):
            requests.post(
                f"{server.base_url}/connector/interactor/gmail/action/email.draft.list/execute",
                params={"account": real_api.account},
                json={"maxResults": 10},
                timeout=10,
            )
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json"))
    assert len(files) == 1
    assert re.fullmatch(r"interactor/gmail/email\.draft\.list\.[0-9a-f]{12}\.json", files[0])
    (recording,) = load_recordings(tmp_path)
    assert recording.action == "email.draft.list"
    assert recording.status == 200
    assert recording.input == {"maxResults": 10}
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", recording.recorded_at)
    # The upstream's own (drifted) answer was recorded: a string count.
    assert isinstance(recording.body["output"]["resultSizeEstimate"], str)


def test_the_same_exchange_on_another_day_is_still_one_file_dated_by_the_clock(real_api, tmp_path):
    days = iter([date(2026, 1, 1), date(2026, 3, 4), date(2026, 3, 4)])
    proxy = RecordingProxy(
        real_api.base_url, api_key=real_api.api_key, out_dir=tmp_path, clock=lambda: next(days)
    )
    url = "/connector/interactor/gmail/action/email.draft.list/execute"
    with proxied(proxy) as server:
        for body in ({"maxResults": 10}, {"maxResults": 10}, {"maxResults": 11}):
            answer = requests.post(
                server.base_url + url,
                params={"account": real_api.account},
                json=body,
                timeout=10,
            )
            assert answer.status_code == 200
    recordings = sorted(load_recordings(tmp_path), key=lambda r: r.input["maxResults"])
    assert len(list(tmp_path.rglob("*.json"))) == 2
    assert [(r.input, r.recorded_at) for r in recordings] == [
        ({"maxResults": 10}, "2026-03-04"),
        ({"maxResults": 11}, "2026-03-04"),
    ]
    assert all(isinstance(r.body["output"]["resultSizeEstimate"], str) for r in recordings)


def test_each_action_call_is_compared_with_the_contract(real_api):
    proxy = RecordingProxy(real_api.base_url, api_key=real_api.api_key, registry=default_registry())
    with proxied(proxy) as server:
        requests.post(
            f"{server.base_url}/connector/interactor/gmail/action/email.draft.list/execute",
            params={"account": real_api.account},
            json={},
            timeout=10,
        )
    (exchange,) = proxy.exchanges
    assert [(d.kind, d.pointer) for d in exchange.drift.differences] == [
        ("type-changed", "/output/resultSizeEstimate")
    ]


def test_in_registered_mode_a_foreign_key_is_forwarded_as_sent(real_api):
    proxy = RecordingProxy(
        real_api.base_url,
        api_key=real_api.api_key,
        registry=default_registry(),
        inject_key="registered",
    )
    client = proxy.register_client("test")
    with proxied(proxy) as server:
        url = f"{server.base_url}/connector/interactor/gmail/action/email.list/execute"
        wrong = requests.post(
            url, params={"account": "alice"}, json={}, headers={"x-api-key": "wrong"}, timeout=10
        )
        right = requests.post(
            url, params={"account": "alice"}, json={}, headers={"x-api-key": client.key}, timeout=10
        )
    assert wrong.status_code == 401
    assert right.status_code == 200
    # The upstream's own (drifted) answer, relayed as it is: an extra historyId.
    assert right.json()["output"]["messages"][0]["historyId"] == EXTRA_FIELD_VALUE
    refused, accepted = proxy.exchanges
    assert refused.drift.ok  # a 4xx to a request broken on purpose is no drift
    assert accepted.client == "test"
    assert client.exchanges == [accepted]


def test_an_unreachable_api_is_a_502_naming_it(tmp_path):
    proxy = RecordingProxy("http://127.0.0.1:9/api/v1", api_key="k", timeout=2)
    with proxied(proxy) as server:
        answer = requests.get(f"{server.base_url}/connector/gmail/auth-url", timeout=10)
    assert answer.status_code == 502
    assert "cannot reach http://127.0.0.1:9/api/v1" in answer.json()["error"]
    assert proxy.exchanges == []


def test_a_bad_base_url_is_refused():
    with pytest.raises(ValueError, match="absolute http"):
        RecordingProxy("console.interactor.com", api_key="k")


def test_record_command_proxies_records_and_stops_on_ctrl_c(real_api, tmp_path):
    out = tmp_path / "recordings"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "interactor_mock",
            "record",
            "--base-url",
            real_api.base_url,
            "--account",
            real_api.account,
            "--out",
            str(out),
            "--port",
            "0",
        ],
        env={"INTERACTOR_API_KEY": real_api.api_key, "PATH": ""},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = process.stdout.readline()
        match = re.search(r"proxy on (http://127\.0\.0\.1:\d+/api/v1) -> ", first)
        assert match, first + process.stderr.read()
        answer = requests.post(
            f"{match.group(1)}/connector/interactor/gmail/action/email.get.batch/execute",
            json={"limit": 2},
            headers={"x-api-key": "not-the-real-one"},
            timeout=10,
        )
        assert answer.status_code == 200
        # relayed as the real API answered: the first batch of two, its nextPageToken missing
        relayed = answer.json()["output"]
        assert len(relayed["messages"]) == 2
        assert "nextPageToken" not in relayed
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    output = first + stdout + stderr
    assert process.returncode == 0, output
    assert "[drift: missing-field]" in output
    assert "1 exchange(s) recorded, 0 refused" in output
    assert f"contracts update --from-recordings {out}" in output
    assert real_api.api_key not in output
    (recording,) = load_recordings(out)
    assert real_api.api_key not in recording.path.read_text(encoding="utf-8")
    assert recording.data["account"] == "account-1"
