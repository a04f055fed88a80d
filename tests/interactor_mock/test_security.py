"""A control plane only its user can drive, and pages that cannot be framed (issue 15)."""

from __future__ import annotations

import json
import re
import socket
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests

from interactor_mock.embed.server import MockServer
from interactor_mock.http.security import allowed_hosts
from interactor_mock.http.security import host_allowed
from tests.interactor_mock.test_oauth_flow import Browser
from tests.interactor_mock.test_oauth_flow import Page
from tests.interactor_mock.test_oauth_flow import consent_page

AUTH_URL = "/api/v1/connector/interactor/gmail/auth-url"


def start_grant(client, headers, **params):
    response = client.get(AUTH_URL, query_string={"account": "alice", **params}, headers=headers)
    assert response.status_code == 200, response.json
    parts = urlsplit(response.json)
    return parts.path, parse_qs(parts.query)


# --- consent page and callback ----------------------------------------------------------------


@pytest.mark.parametrize("extra", ["provider", "endpoint", "_method", "_external", "_anchor"])
@pytest.mark.parametrize("step", ["", "advanced", "consent"])
def test_the_consent_page_takes_any_extra_query_parameter(client, headers, extra, step):
    path, query = start_grant(client, headers)
    query = {k: v[0] for k, v in query.items()}
    query[extra] = "POST" if extra == "_method" else "x"
    if step:
        query["step"] = step
    response = client.get(path, query_string=query)
    assert response.status_code == 200
    assert "Internal error" not in response.get_data(as_text=True)
    links = re.findall(r'href="([^"]+)"', response.get_data(as_text=True))
    for link in links:
        assert urlsplit(link.replace("&amp;", "&")).path == path


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://example.com:abc/", "redirectUrl has an invalid port"),
        ("http://example.com:99999/", "redirectUrl has an invalid port"),
        ("http://:80/", "redirectUrl must be an absolute http or https URL"),
        ("javascript:alert(1)", "redirectUrl must be an absolute http or https URL"),
    ],
)
def test_a_bad_redirect_url_is_400_at_auth_url_time(client, headers, dev, engine, url, reason):
    response = client.get(
        AUTH_URL, query_string={"account": "alice", "redirectUrl": url}, headers=headers
    )
    assert response.status_code == 400
    assert response.json["error"].startswith(reason)
    assert response.json["parameter"] == "redirectUrl"
    assert engine.store.items(dev.id, "oauth-state") == []


def test_a_code_presented_with_another_grants_state_stays_usable(engine, client):
    a = engine.environments.create("A")
    b = engine.environments.create("B")
    contract = engine.registry.connector("gmail")
    states = {}
    for env in (a, b):
        url = engine.oauth.start(
            env, contract, "alice", redirect_url=None, skip_input=False, public_url="http://x"
        )
        states[env.id] = parse_qs(urlsplit(url).query)["state"][0]
    code_b = engine.oauth.approve(engine.oauth.pending(states[b.id]))
    crossed = client.get("/oauth/callback", query_string={"state": states[a.id], "code": code_b})
    assert crossed.status_code == 400
    assert "not issued for this state" in crossed.get_data(as_text=True)
    own = client.get("/oauth/callback", query_string={"state": states[b.id], "code": code_b})
    assert own.status_code == 200
    assert engine.oauth.credential(b.id, "interactor", "gmail", "alice").source == "oauth"
    assert engine.oauth.credentials(a.id) == []


def test_the_consent_form_carries_a_csrf_token_and_a_post_without_it_is_refused(
    live, headers, engine, dev
):
    url = requests.get(
        live.base_url + "/connector/interactor/gmail/auth-url",
        params={"account": "alice"},
        headers=headers,
    ).json()
    browser = Browser(live.url)
    consent = consent_page(browser, url)
    page = Page(consent.text)
    assert re.fullmatch(r"[0-9a-f]{64}", page.fields["csrf_token"])
    for token in (None, "0" * 64, page.fields["csrf_token"][:-1] + "x"):
        fields = {k: v for k, v in page.fields.items() if k != "csrf_token"}
        if token is not None:
            fields["csrf_token"] = token
        refused = browser.session.post(
            live.url + page.form_action,
            data={**fields, "decision": "approve"},
            allow_redirects=False,
        )
        assert refused.status_code == 403
        assert "CSRF token" in refused.text
    assert engine.store.items("", "oauth-code") == []
    approved = browser.press(consent, "approve")
    assert approved.status_code == 200
    assert engine.oauth.credential(dev.id, "interactor", "gmail", "alice").source == "oauth"


# --- security headers on every page ---------------------------------------------------------


def _check_page_headers(response):
    assert response.mimetype == "text/html"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    nonces = re.findall(r'<(?:style|script)[^>]*nonce="([^"]+)"', response.get_data(as_text=True))
    for nonce in nonces:
        assert f"'nonce-{nonce}'" in csp
    assert "<script>" not in response.get_data(as_text=True)
    assert re.search(r"<style>", response.get_data(as_text=True)) is None


def test_every_html_page_has_the_security_headers(client, headers, engine, dev):
    path, query = start_grant(client, headers)
    query = {k: v[0] for k, v in query.items()}
    _check_page_headers(client.get(path, query_string=query))  # unverified app
    _check_page_headers(client.get(path, query_string={**query, "step": "advanced"}))
    consent = client.get(path, query_string={**query, "step": "consent"})
    _check_page_headers(consent)
    fields = Page(consent.get_data(as_text=True)).fields
    posted = client.post(path, data={**fields, "decision": "approve"})
    back = parse_qs(urlsplit(posted.headers["location"]).query)
    connected = client.get(
        "/oauth/callback", query_string={"state": back["state"][0], "code": back["code"][0]}
    )
    assert "connected" in connected.get_data(as_text=True)
    _check_page_headers(connected)
    _check_page_headers(client.get("/oauth/callback?state=nope&code=x"))  # error page
    _check_page_headers(client.get("/oauth/callback?state=nope&error=access_denied"))


def test_two_pages_get_different_nonces(client, headers):
    path, query = start_grant(client, headers)
    query = {k: v[0] for k, v in query.items()}
    one = client.get(path, query_string=query).headers["Content-Security-Policy"]
    two = client.get(path, query_string=query).headers["Content-Security-Policy"]
    assert one != two


# --- cross-site requests to the control API ---------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        ({"Origin": "https://evil.example", "Content-Type": "text/plain"}, 403),
        ({"Origin": "null"}, 403),
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({"Sec-Fetch-Site": "same-site"}, 403),
        ({"Content-Type": "text/plain"}, 415),
        ({"Content-Type": "application/x-www-form-urlencoded"}, 415),
        ({"Content-Type": "multipart/form-data; boundary=x"}, 415),
    ],
)
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/_mock/reset", "{}"),
        ("POST", "/_mock/environments/development/keys", "{}"),
        ("POST", "/_mock/environments", '{"name": "evil"}'),
        ("DELETE", "/_mock/environments/testing", "{}"),
        ("POST", "/_mock/environments/development/scenarios", '{"kind": "error"}'),
        ("POST", "/_mock/seed", "{}"),
    ],
)
def test_a_cross_site_control_request_is_refused_and_changes_nothing(
    client, engine, extra, status, method, path, body
):
    before = [e.public() for e in engine.environments.all()]
    response = client.open(path, method=method, data=body, headers=extra)
    assert response.status_code == status, response.json
    assert response.json["error"]
    assert [e.public() for e in engine.environments.all()] == before


def test_a_same_origin_control_request_is_served(client, engine):
    response = client.post(
        "/_mock/environments",
        data='{"name": "mine"}',
        headers={
            "Origin": "http://localhost",
            "Sec-Fetch-Site": "same-origin",
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 201
    assert client.post("/_mock/reset").status_code == 204  # no body, no Origin: a script


def test_reading_the_control_api_needs_no_content_type(client):
    assert (
        client.get("/_mock/environments", headers={"Origin": "https://x.example"}).status_code
        == 200
    )


# --- Host names ---------------------------------------------------------------------------------


def raw_get(port, target, host, extra=""):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            f"GET {target} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:80", "127.0.0.2", ""])
@pytest.mark.parametrize("path", ["/_mock/environments", "/_mock/health", "/", "/console"])
def test_the_control_api_refuses_a_host_it_does_not_serve(live, engine, host, path):
    status, body = raw_get(live.port, path, host)
    assert status == 421
    assert b"is not served here" in body
    for environment in engine.environments.all():
        assert environment.api_key.encode() not in body


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.1:{port}", "localhost:{port}", "LOCALHOST", "app.localhost"]
)
def test_the_control_api_answers_loopback_names(live, host):
    status, body = raw_get(live.port, "/_mock/environments", host.format(port=live.port))
    assert status == 200
    assert json.loads(body)["environments"]


def test_an_allowed_host_option_adds_a_name(app):
    with MockServer(app=app, allowed_hosts=["mock.internal"]) as server:
        assert raw_get(server.port, "/_mock/health", "mock.internal:1290")[0] == 200
        assert raw_get(server.port, "/_mock/health", "other.internal")[0] == 421


def test_the_api_and_oauth_pages_answer_any_host(live, headers):
    key = f"x-api-key: {headers['x-api-key']}\r\n"
    status, body = raw_get(
        live.port, AUTH_URL + "?account=alice", "console.interactor.com", extra=key
    )
    assert status == 200
    assert json.loads(body).startswith("http://console.interactor.com/oauth/google/authorize?")
    status, _ = raw_get(live.port, "/oauth/callback?state=x", "console.interactor.com")
    assert status == 400  # the mock's own page, under the real host name


def test_a_proxy_client_reaches_the_api_with_absolute_form_targets(live, headers):
    """``HTTP_PROXY=http://127.0.0.1:PORT`` with a plain-http base URL: requests sends
    ``GET http://console.interactor.com/api/v1/... HTTP/1.1`` to the mock."""
    proxies = {"http": live.url}
    base = "http://console.interactor.com/api/v1"
    url = requests.get(
        base + "/connector/interactor/gmail/auth-url",
        params={"account": "alice"},
        headers=headers,
        proxies=proxies,
    )
    assert url.status_code == 200
    assert url.json().startswith("http://console.interactor.com/oauth/google/authorize?")
    executed = requests.post(
        base + "/connector/interactor/gmail/action/email.list/execute?account=alice",
        json={},
        headers=headers,
        proxies=proxies,
    )
    assert executed.json() == {"error": "Account has no tokens"}
    control = requests.get("http://console.interactor.com/_mock/health", proxies=proxies)
    assert control.status_code == 421


def test_the_in_process_mock_drives_the_control_api_under_the_real_host():
    import interactor_mock

    with interactor_mock.mock() as m:
        health = requests.get("https://console.interactor.com/_mock/health")
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        assert m.api_key


def test_host_names_are_compared_without_port_and_case():
    names = allowed_hosts("0.0.0.0", ["Mock.Internal"])
    assert "0.0.0.0" not in names
    assert host_allowed("MOCK.internal:8080", names)
    assert host_allowed("[::1]:8080", names)
    assert not host_allowed("mock.internal.evil.example", names)
    assert not host_allowed(None, names)


# --- the admin token ---------------------------------------------------------------------------


@pytest.fixture
def guarded(app):
    with MockServer(app=app, admin_token="s3cret-admin") as server:
        yield server


@pytest.mark.parametrize(
    ("authorization", "status"),
    [(None, 401), ("Bearer wrong", 403), ("Basic s3cret-admin", 401), ("Bearer s3cret-admin", 200)],
)
@pytest.mark.parametrize("path", ["/_mock/health", "/_mock/environments"])
def test_with_an_admin_token_every_control_request_needs_it(guarded, authorization, status, path):
    sent = {"Authorization": authorization} if authorization else {}
    response = requests.get(guarded.url_for(path), headers=sent)
    assert response.status_code == status
    if status != 200:
        assert "s3cret" not in response.text
        assert response.json()["error"]


def test_with_an_admin_token_a_reset_without_it_changes_nothing(guarded, engine):
    before = [e.public() for e in engine.environments.all()]
    assert requests.post(guarded.url_for("/_mock/reset")).status_code == 401
    assert [e.public() for e in engine.environments.all()] == before


def test_the_admin_token_does_not_guard_the_api(guarded, headers):
    response = requests.get(
        guarded.base_url + "/connector/interactor/gmail/auth-url?account=alice", headers=headers
    )
    assert response.status_code == 200
