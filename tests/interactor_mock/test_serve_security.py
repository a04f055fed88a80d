"""``interactor-mock serve``: secrets stay out of its logs, its journal and its files; the
admin token, ``--quiet`` and ``--log-level`` (issue 15)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests

from interactor_mock.cli import bind_warning
from interactor_mock.embed.server import redact_log_text
from tests.interactor_mock.test_oauth_flow import Browser
from tests.interactor_mock.test_oauth_flow import Page

FIXED_KEY = "interactor_SECRETkk_" + "K" * 32


class Served:
    def __init__(self, tmp_path, *options):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "interactor_mock",
                "serve",
                "--port",
                "0",
                "--api-key",
                FIXED_KEY,
                # werkzeug's thread server, the one with an access log to check (granian
                # workers log nothing per request); a state file holds keys by design.
                "--state",
                "memory",
                *options,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
        )
        self.banner = []
        while True:
            line = self.process.stdout.readline()
            assert line, self.process.stderr.read()
            self.banner.append(line)
            if "control API" in line:
                break
        self.origin = re.search(r"serving (http://[^/]+)/api/v1", self.banner[0]).group(1)

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=20)
        return "".join(self.banner) + out, err

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate(timeout=10)


@pytest.fixture
def serve(tmp_path):
    started = []

    def start(*options):
        started.append(Served(tmp_path, *options))
        return started[-1]

    yield start
    for served in started:
        served.kill()


def test_a_full_grant_flow_leaves_no_secret_in_logs_journal_or_files(serve, tmp_path):
    served = serve("--log-level", "debug")
    origin, key = served.origin, {"x-api-key": FIXED_KEY}
    client_secret = "cs-" + "S" * 24
    put = requests.put(
        f"{origin}/_mock/environments/development/oauth-clients/interactor/gmail",
        json={"clientId": "my-client.apps.example", "clientSecret": client_secret},
    )
    assert put.status_code == 200
    assert client_secret not in put.text
    url = requests.get(
        f"{origin}/api/v1/connector/interactor/gmail/auth-url",
        params={"account": "alice", "redirectUrl": "http://127.0.0.1:9/back"},
        headers=key,
    ).json()
    state = parse_qs(urlsplit(url).query)["state"][0]
    browser = Browser(origin)
    consent = browser.follow(browser.open(url))
    page = Page(consent.text)
    posted = browser.session.post(
        origin + page.form_action,
        data={**page.fields, "decision": "approve"},
        allow_redirects=False,
    )
    back = parse_qs(urlsplit(posted.headers["location"]).query)
    code = back["code"][0]
    done = browser.session.get(posted.headers["location"], allow_redirects=False)
    assert done.headers["location"].startswith("http://127.0.0.1:9/back?success=true")
    query_token, query_secret = "tok-" + "T" * 20, "qs-" + "Q" * 20
    requests.get(
        f"{origin}/api/v1/connector/interactor/gmail/credential",
        params={
            "account": "alice",
            "x-api-key": FIXED_KEY,
            "token": query_token,
            "client_secret": query_secret,
            "access_token": query_token,
        },
        headers=key,
    )
    # a replayed callback: refused, and its query (state, code) is logged redacted
    requests.get(f"{origin}/oauth/callback?state={state}&code={code}", headers=key)
    journal = requests.get(f"{origin}/_mock/environments/development/journal").text
    grants = requests.get(f"{origin}/_mock/environments/development/grants").text
    out, err = served.stop()
    assert "/oauth/callback?" in err  # the access log is there, redacted
    assert "[redacted]" in err
    assert "\x1b[" not in err + out  # no ANSI colour when not a terminal
    files = "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file())
    for secret in (code, state, client_secret, query_token, query_secret):
        for name, text in (
            ("stdout", out),
            ("stderr", err),
            ("journal", journal),
            ("grants", grants),
            ("files", files),
        ):
            assert secret not in text, f"{secret[:6]}... in {name}"
    assert FIXED_KEY not in err  # the key is printed once, on the banner, by design
    assert FIXED_KEY not in journal


def test_quiet_drops_the_access_log_but_keeps_errors(serve):
    served = serve("--quiet")
    requests.get(served.origin + "/_mock/health")
    out, err = served.stop()
    assert "/_mock/health" not in err
    assert "stopped" in out


@pytest.mark.parametrize(("level", "logged"), [("info", True), ("warning", False)])
def test_the_log_level_decides_whether_requests_are_logged(serve, level, logged):
    served = serve("--log-level", level)
    requests.get(served.origin + "/_mock/health")
    _, err = served.stop()
    assert ('"GET /_mock/health HTTP/1.1" 200' in err) is logged


def test_serve_with_an_admin_token_guards_the_control_api(serve):
    served = serve("--admin-token", "adm-" + "A" * 20)
    assert requests.get(served.origin + "/_mock/health").status_code == 401
    ok = requests.get(
        served.origin + "/_mock/health", headers={"Authorization": "Bearer adm-" + "A" * 20}
    )
    assert ok.status_code == 200
    out, err = served.stop()
    assert "adm-" not in out + err


def test_serve_answers_an_allowed_host(serve):
    served = serve("--allow-host", "mock.internal")
    assert (
        requests.get(served.origin + "/_mock/health", headers={"Host": "mock.internal"}).status_code
        == 200
    )
    assert (
        requests.get(served.origin + "/_mock/health", headers={"Host": "evil.example"}).status_code
        == 421
    )
    served.stop()


@pytest.mark.parametrize(
    ("host", "token", "warned"),
    [
        ("0.0.0.0", None, True),
        ("::", None, True),
        ("192.168.1.20", None, True),
        ("mock.example", None, True),
        ("0.0.0.0", "tok", False),
        ("127.0.0.1", None, False),
        ("127.0.0.2", None, False),
        ("::1", None, False),
        ("localhost", None, False),
    ],
)
def test_binding_beyond_loopback_without_an_admin_token_warns(host, token, warned):
    warning = bind_warning(host, token)
    assert (warning is not None) is warned
    if warned:
        assert warning.startswith(f"warning: serving on {host} without --admin-token")


def test_the_loopback_serve_prints_no_warning(serve):
    served = serve()
    _, err = served.stop()
    assert "warning" not in err


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "GET /oauth/callback?state=abc&code=xyz HTTP/1.1",
            "GET /oauth/callback?state=[redacted]&code=[redacted] HTTP/1.1",
        ),
        (
            "GET /x?x-api-key=k1&account=alice&refresh_token=r HTTP/1.1",
            "GET /x?x-api-key=[redacted]&account=alice&refresh_token=[redacted] HTTP/1.1",
        ),
        (
            "code 400, message Bad request syntax ('GET /?client_secret=s\\x01')",
            "code 400, message Bad request syntax ('GET /?client_secret=[redacted]')",
        ),
        ("GET /a\r\nforged line", "GET /a\\x0d\\x0aforged line"),
    ],
)
def test_log_lines_are_redacted_and_escaped(line, expected):
    assert redact_log_text(line) == expected
