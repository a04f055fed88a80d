"""In-process mode: ``requests`` calls routed through ``responses`` into the app, no socket."""

from __future__ import annotations

import json
import re
import socket
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest
import requests
import responses
from flask import Flask
from flask import Response
from flask import redirect
from flask import request as flask_request
from werkzeug.test import EnvironBuilder

import interactor_mock
from interactor_mock import DEFAULT_BASE_URL
from interactor_mock.embed.handle import ServerSideError
from interactor_mock.embed.inprocess import InProcessMock
from interactor_mock.embed.inprocess import _AppRoute
from interactor_mock.embed.inprocess import _body_bytes
from interactor_mock.embed.inprocess import normalize_base_url
from interactor_mock.embed.server import MockServer
from interactor_mock.errors import StateError

DRAFT = {"to": ["bob@example.com"], "subject": "Lunch?", "body": "Noon."}


def execute(m, account="alice", action="email.draft.create", payload=None, base_url=None):
    response = requests.post(
        f"{base_url or m.base_url}/connector/interactor/gmail/action/{action}/execute",
        params={"account": account},
        headers=m.headers,
        json=DRAFT if payload is None else payload,
        timeout=5,
    )
    if response.status_code == 200 and action == "email.draft.create" and payload is None:
        # The draft the mock made is the one asked for, kept under a fresh id.
        output = response.json()["output"]
        assert output["id"], output
        assert output["message"]["id"], output
    return response


@pytest.fixture
def no_socket(monkeypatch):
    """Fail any attempt to open a socket or resolve a name."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"a socket was opened: {args!r}")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def shared(app):
    """A mock over the test's app, so tests can reach the engine."""
    return interactor_mock.mock(app=app)


def test_mock_yields_a_handle_on_a_fresh_environment_deleted_on_exit(shared, engine):
    with shared as m:
        assert m.base_url == DEFAULT_BASE_URL
        assert m.mode == "inprocess"
        environment = m.environment
        assert engine.environments.get(environment).name == "mock"
    assert environment not in {e.id for e in engine.environments.all()}


def test_a_granted_account_executes_and_is_journalled():
    with interactor_mock.mock() as m:
        m.grant("gmail", "alice")
        response = execute(m)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/json"
        assert response.json()["output"]["id"]
        m.assert_called("gmail", "email.draft.create", account="alice", times=1, input=DRAFT)


def test_an_account_without_a_grant_gets_account_has_no_tokens():
    with interactor_mock.mock() as m:
        response = execute(m)
    assert response.status_code == 500
    assert response.json() == {"error": "Account has no tokens"}


def test_nothing_opens_a_socket(no_socket):
    with interactor_mock.mock() as m:
        m.grant("gmail", "alice")
        assert execute(m).status_code == 200
        assert requests.get(m.url_for("/_mock/health"), timeout=5).json()["status"] == "ok"


def test_a_url_that_is_not_the_mocks_raises_connection_error():
    with interactor_mock.mock(), pytest.raises(requests.ConnectionError) as caught:
        requests.get("https://example.com/elsewhere", timeout=5)
    assert "Connection refused by Responses" in str(caught.value)


def test_a_path_next_to_the_base_url_is_not_intercepted():
    with interactor_mock.mock(), pytest.raises(requests.ConnectionError):
        requests.get("https://console.interactor.com/api/v10/anything", timeout=5)


def test_passthrough_prefixes_reach_the_network():
    with MockServer() as server, interactor_mock.mock(passthrough=[server.url]):
        response = requests.get(server.url_for("/_mock/health"), timeout=5)
    assert response.json()["status"] == "ok"


def test_passthrough_accepts_a_compiled_pattern():
    with (
        MockServer() as server,
        interactor_mock.mock(passthrough=[re.compile(r"http://127\.0\.0\.1:\d+/")]),
    ):
        assert requests.get(server.url_for("/_mock/health"), timeout=5).ok


def test_a_custom_base_url_maps_onto_the_api_root():
    with interactor_mock.mock("https://Gateway.Example/interactor/v1/") as m:
        assert m.base_url == "https://gateway.example/interactor/v1"
        m.grant("gmail", "alice")
        assert execute(m).status_code == 200
        path = m.calls[0].path
        assert path == "/api/v1/connector/interactor/gmail/action/email.draft.create/execute"


def test_the_origin_serves_the_control_api():
    with interactor_mock.mock() as m:
        response = requests.get(m.url_for(f"/_mock/environments/{m.environment}"), timeout=5)
        assert response.json()["apiKey"] == m.api_key


def csrf_token_of(page: str) -> str:
    """The consent form's CSRF token (a browser posts it back with the form)."""
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert found is not None
    return found.group(1)


def test_the_browser_grant_flow_completes_in_process():
    with interactor_mock.mock() as m:
        auth_url = requests.get(
            f"{m.base_url}/connector/interactor/gmail/auth-url",
            params={"account": "alice"},
            headers=m.headers,
            timeout=5,
        ).json()
        assert auth_url.startswith("https://console.interactor.com/oauth/")
        consent = requests.get(auth_url + "&step=consent", timeout=5)
        assert consent.status_code == 200
        form = dict(parse_qsl(urlsplit(auth_url).query))
        form["csrf_token"] = csrf_token_of(consent.text)
        done = requests.post(
            auth_url.split("?")[0], data={**form, "decision": "approve"}, timeout=5
        )
        assert done.status_code == 200
        assert done.url.startswith("https://console.interactor.com/oauth/callback")
        assert execute(m).status_code == 200


def test_redirects_and_response_headers_reach_the_client():
    with interactor_mock.mock() as m:
        auth_url = requests.get(
            f"{m.base_url}/connector/gmail/auth-url",
            params={"account": "alice", "redirectUrl": "https://app.example/done"},
            headers=m.headers,
            timeout=5,
        ).json()
        form = dict(parse_qsl(urlsplit(auth_url).query))
        consent = requests.get(auth_url + "&step=consent", timeout=5)
        form["csrf_token"] = csrf_token_of(consent.text)
        response = requests.post(
            auth_url.split("?")[0],
            data={**form, "decision": "deny"},
            allow_redirects=False,
            timeout=5,
        )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://console.interactor.com/oauth/callback")


def test_a_string_body_and_an_empty_body_are_passed_through():
    with interactor_mock.mock() as m:
        m.grant("gmail", "alice")
        url = f"{m.base_url}/connector/gmail/action/email.list/execute?account=alice"
        m.seed({"alice": {"gmail": {"messages": 2}}})
        for answer in (
            requests.post(url, data="{}", headers=m.headers, timeout=5),
            requests.post(url, headers=m.headers, timeout=5),
        ):
            assert answer.status_code == 200
            assert len(answer.json()["output"]["messages"]) == 2
        bad = requests.post(url, data=b"not json", headers=m.headers, timeout=5)
    assert bad.status_code == 400
    assert "valid JSON" in bad.json()["error"]


def test_a_generator_body_is_read_in_full():
    def chunks():
        yield b'{"maxResults"'
        yield b": 3}"

    with interactor_mock.mock() as m:
        m.grant("gmail", "alice")
        url = f"{m.base_url}/connector/gmail/action/email.list/execute?account=alice"
        m.seed({"alice": {"gmail": {"messages": 5}}})
        answer = requests.post(url, data=chunks(), headers=m.headers, timeout=5)
        assert answer.status_code == 200
        assert len(answer.json()["output"]["messages"]) == 3
        assert m.calls[0].input == {"maxResults": 3}


def test_mock_works_as_a_decorator_and_exposes_the_handle():
    seen = []
    decorated = interactor_mock.mock()

    @decorated
    def run():
        decorated.handle.grant("gmail", "alice")
        seen.append(execute(decorated.handle).status_code)

    run()
    run()
    assert seen == [200, 200]
    with pytest.raises(RuntimeError, match="not active"):
        decorated.handle  # noqa: B018


def test_the_decorator_keeps_the_signature_for_pytest():
    @interactor_mock.mock()
    def test_something(tmp_path):
        return tmp_path

    assert test_something("here") == "here"
    assert test_something.__name__ == "test_something"


def test_errors_inside_the_mock_raise_on_exit_with_the_traceback(shared, engine):
    engine.executor.register("interactor", "gmail", "email.list", lambda call: 1 / 0)
    m = shared.start()
    m.grant("gmail", "alice")
    assert execute(m, action="email.list", payload={}).status_code == 500
    with pytest.raises(ServerSideError) as caught:
        shared.__exit__(None, None, None)
    assert "ZeroDivisionError" in str(caught.value)
    assert "Traceback" in str(caught.value)


def test_errors_inside_the_mock_do_not_hide_the_blocks_own_exception(shared, engine):
    engine.executor.register("interactor", "gmail", "email.list", lambda call: 1 / 0)
    m = shared.start()
    m.grant("gmail", "alice")
    assert execute(m, action="email.list", payload={}).status_code == 500
    shared.__exit__(KeyError, KeyError("the test's own failure"), None)
    assert m.environment not in {e.id for e in engine.environments.all()}


def test_server_errors_cleared_in_the_block_do_not_raise(shared, engine):
    engine.executor.register("interactor", "gmail", "email.list", lambda call: 1 / 0)
    with shared as m:
        m.grant("gmail", "alice")
        execute(m, action="email.list", payload={})
        assert len(m.server_errors(clear=True)) == 1


def test_stubs_for_other_services_go_on_the_handles_responses():
    with interactor_mock.mock() as m:
        m.responses.add(responses.GET, "https://api.other.example/ping", json={"pong": True})
        assert requests.get("https://api.other.example/ping", timeout=5).json() == {"pong": True}
        m.grant("gmail", "alice")
        assert execute(m).status_code == 200


def test_assert_all_requests_are_fired_checks_only_the_users_stubs():
    with interactor_mock.mock(assert_all_requests_are_fired=True) as m:
        m.responses.add(responses.GET, "https://api.other.example/ping", json={})
        requests.get("https://api.other.example/ping", timeout=5)

    with (
        pytest.raises(AssertionError, match="Not all requests have been executed"),
        interactor_mock.mock(assert_all_requests_are_fired=True) as m,
    ):
        m.responses.add(responses.GET, "https://api.other.example/never", json={})


def test_mocks_sharing_an_app_get_separate_environments(app):
    with interactor_mock.mock(app=app) as first:
        first.grant("gmail", "alice")
        with interactor_mock.mock(app=app) as second:
            assert second.environment != first.environment
            assert execute(second).status_code == 500
        assert execute(first).status_code == 200


def test_the_seed_makes_generated_output_repeatable(app):
    outputs = []
    for seed in (7, 7, 8):
        with interactor_mock.mock(app=app, seed=seed) as m:
            m.grant("gmail", "alice")
            outputs.append(execute(m).json())
    assert outputs[0] == outputs[1] != outputs[2]


def test_a_mock_without_app_builds_one_from_config_once():
    mocker = interactor_mock.mock(config=interactor_mock.MockConfig(seed=3))
    with mocker as first:
        app = mocker.app
        assert first.engine.config.seed == 3
    with mocker:
        assert mocker.app is app


def test_starting_twice_is_refused(shared):
    with shared, pytest.raises(RuntimeError, match="already active"):
        shared.start()


def test_stop_without_start_does_nothing(shared, engine):
    before = [e.id for e in engine.environments.all()]
    shared.stop()
    assert [e.id for e in engine.environments.all()] == before
    assert repr(shared) == f"<InProcessMock {DEFAULT_BASE_URL} inactive>"
    with pytest.raises(StateError, match="not active"):
        shared.handle  # noqa: B018
    with shared as handle:
        assert handle.environment not in before
    assert [e.id for e in engine.environments.all()] == before


def test_start_on_an_existing_environment_keeps_it(app, engine):
    environment = engine.environments.create("kept")
    mocker = InProcessMock(app=app)
    handle = mocker.start(environment.id)
    assert handle.environment == environment.id
    mocker.stop()
    assert engine.environments.get(environment.id).name == "kept"


def test_app_and_config_together_are_refused(app):
    with pytest.raises(ValueError, match="app or config"):
        interactor_mock.mock(app=app, config=interactor_mock.MockConfig())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://console.interactor.com/api/v1/", "https://console.interactor.com/api/v1"),
        ("HTTP://LOCALHOST:8080", "http://localhost:8080"),
    ],
)
def test_base_urls_are_normalized_as_requests_sends_them(raw, expected):
    assert normalize_base_url(raw) == expected


@pytest.mark.parametrize("raw", ["console.interactor.com", "ftp://x/y", "https://x/a?b=1", ""])
def test_a_malformed_base_url_is_refused(raw):
    with pytest.raises(ValueError, match="base_url"):
        interactor_mock.mock(raw)


def test_repr_says_whether_the_mock_is_active():
    mocker = interactor_mock.mock()
    assert repr(mocker) == f"<InProcessMock {DEFAULT_BASE_URL} inactive>"
    with mocker:
        assert "active" in repr(mocker)


# -- the direct WSGI call is the test client's call, observably ------------------------------


def _echo_app() -> Flask:
    """An app that answers with what it was given, and a few answers that need care."""
    echo = Flask("echo")

    @echo.route("/api/v1/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])
    @echo.route("/oauth/<path:rest>", methods=["GET", "POST"])
    def seen(rest: str) -> Any:
        return {
            "method": flask_request.method,
            "path": flask_request.path,
            "query": flask_request.query_string.decode("latin1"),
            "args": list(flask_request.args.items(multi=True)),
            "headers": sorted(flask_request.headers.items()),
            "body": flask_request.get_data(as_text=True),
            "form": list(flask_request.form.items(multi=True)),
            "files": {k: f.read().decode() for k, f in flask_request.files.items()},
            "cookies": dict(flask_request.cookies),
        }

    @echo.get("/_mock/stream")
    def stream() -> Response:
        return Response((part for part in (b"one,", b"two,", b"three")), mimetype="text/csv")

    @echo.get("/_mock/untyped")
    def untyped() -> Response:
        response = Response(b"raw", status=201)
        del response.headers["Content-Type"]
        return response

    @echo.get("/_mock/cookie")
    def cookie() -> Response:
        response = Response("set")
        response.set_cookie("session", "abc", path="/")
        response.set_cookie("other", "x y")
        return response

    @echo.get("/_mock/moved")
    def moved() -> Response:
        return redirect("/oauth/callback?code=1", code=302)

    @echo.get("/_mock/empty")
    def empty() -> tuple[str, int]:
        return "", 204

    return echo


def _through_both(method: str, url: str, **kwargs: Any) -> tuple[Any, Any]:
    """The app's answer to one ``requests`` call, by the direct WSGI call and by the test
    client."""
    route = _AppRoute(_echo_app(), DEFAULT_BASE_URL)
    with requests.Session() as session:
        prepared = session.prepare_request(requests.Request(method, url, **kwargs))
    if hasattr(prepared.body, "read"):  # responses reads file bodies before the route
        prepared.body = prepared.body.read()
    chunks = None
    if not isinstance(prepared.body, (bytes, str, type(None))):  # a generator: read it once
        chunks = list(prepared.body)
        prepared.body = iter(chunks)
    assert route.matches(prepared)[0]
    parts = urlsplit(str(prepared.url))
    path = route._app_path(parts.path)
    headers = [(k, v) for k, v in prepared.headers.items() if k.lower() not in SKIPPED]
    direct = route._answer(prepared)
    data = _body_bytes(prepared.body if chunks is None else iter(chunks))
    client = route._answer_with_client(method, path, parts.query, headers, data)
    return direct, client


SKIPPED = {"content-length", "host", "transfer-encoding"}
BASE = DEFAULT_BASE_URL


def _file(tmp_path: Any) -> Any:
    path = tmp_path / "body.json"
    path.write_bytes(b'{"from": "a file"}')
    return path.open("rb")


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [
        ("GET", f"{BASE}/connector/gmail/auth-url", {"params": {"account": "alice"}}),
        ("GET", f"{BASE}/x", {"params": {"q": "caf\u00e9 \u2603", "e": "", "n": ["1", "2"]}}),
        ("GET", f"{BASE}/p\u00e5th/%7Ea%20b/%25/%FF", {}),
        ("GET", f"{BASE}/x?raw=%zz&plus=a+b&amp=%26", {}),
        ("HEAD", f"{BASE}/connector/gmail/auth-url", {}),
        ("DELETE", f"{BASE}/x", {}),
        ("POST", f"{BASE}/x", {"json": {"to": ["\u00e9@example.com"]}}),
        ("POST", f"{BASE}/x", {"data": "plain text \u2603"}),
        ("POST", f"{BASE}/x", {"data": b"\x00\xffbinary"}),
        ("POST", f"{BASE}/x", {}),
        ("PUT", f"{BASE}/x", {"data": b"", "headers": {"Content-Type": "application/json"}}),
        (
            "POST",
            f"{BASE}/x",
            {"data": b"", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
        ),
        ("POST", "https://console.interactor.com/oauth/x", {"data": {"a": "1", "b": "\u00e9"}}),
        ("POST", f"{BASE}/x", {"files": {"f": ("f.txt", b"file body")}, "data": {"k": "v"}}),
        ("PATCH", f"{BASE}/x", {"data": (c for c in (b'{"a"', ": 1}"))}),
        (
            "GET",
            f"{BASE}/x",
            {
                "headers": {
                    "X-Api-Key": "k",
                    "X_Api_Key": "k2",
                    "Accept-Language": "fr, en;q=0.5",
                    "Host": "elsewhere.example",
                    "Transfer-Encoding": "chunked",
                    "Content-Length": "99",
                },
                "cookies": {"a": "1", "b": "2"},
            },
        ),
        ("GET", f"{BASE}/x", {"headers": {b"X-Bytes": b"value"}}),
        ("GET", "https://console.interactor.com/_mock/stream", {}),
        ("GET", "https://console.interactor.com/_mock/untyped", {}),
        ("GET", "https://console.interactor.com/_mock/cookie", {}),
        ("GET", "https://console.interactor.com/_mock/moved", {}),
        ("GET", "https://console.interactor.com/_mock/empty", {}),
        ("GET", "https://console.interactor.com/_mock/missing", {}),
        ("OPTIONS", f"{BASE}/x", {}),
    ],
)
def test_the_direct_wsgi_call_answers_exactly_as_the_test_client(method, url, kwargs):
    direct, client = _through_both(method, url, **kwargs)
    assert direct == client


def test_an_empty_multipart_body_is_left_to_the_test_client():
    # werkzeug's builder writes an empty multipart body of its own, with a random boundary
    direct, client = _through_both(
        "POST", f"{BASE}/x", data=b"", headers={"Content-Type": "multipart/form-data"}
    )
    seen, expected = json.loads(direct[2]), json.loads(client[2])
    assert direct[0] == client[0] == 200
    content_type = dict(map(tuple, seen.pop("headers")))["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    expected.pop("headers")
    assert seen.pop("body").startswith("\r\n---")
    assert expected.pop("body").startswith("\r\n---")
    assert seen == expected


def test_a_file_body_answers_exactly_as_the_test_client(tmp_path):
    with _file(tmp_path) as body:
        direct, client = _through_both("POST", f"{BASE}/x", data=body)
    assert direct == client
    assert b"a file" in direct[2]


@pytest.mark.parametrize(
    "base_url",
    [
        DEFAULT_BASE_URL,
        "http://localhost:8080/custom/root",
        "http://[::1]:9000",
        "https://h.example",
    ],
)
def test_the_hand_built_environ_is_the_environ_builders(base_url):
    route = _AppRoute(_echo_app(), normalize_base_url(base_url))
    cases = [
        ("GET", "/api/v1/a%20b/%E2%98%83", "q=caf%C3%A9&x=%zz", [("X-Api-Key", "k")], b""),
        ("POST", "/oauth/x", "", [("Content-Type", "application/json")], b'{"a": 1}'),
        ("POST", "/api/v1/x", "", [("Content-Type", "application/x-www-form-urlencoded")], b""),
        (
            "PUT",
            "/api/v1/x",
            "a=1",
            [("content-type", "text/plain"), ("A-B", "1"), ("A_B", "2")],
            b"",
        ),
        ("HEAD", "/_mock/x", "", [], b""),
    ]
    for method, path, query, headers, data in cases:
        environ = route._environ(method, path, query, headers, data)
        assert environ is not None
        builder = EnvironBuilder(
            path,
            base_url=route._origin,
            method=method,
            query_string=query,
            headers=headers,
            data=data,
        )
        try:
            expected = builder.get_environ()
        finally:
            builder.close()
        assert environ.pop("wsgi.input").read() == expected.pop("wsgi.input").read()
        assert environ == expected
