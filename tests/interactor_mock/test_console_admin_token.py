"""With an admin token, the console is the token holder's too: its pages need the token (the
Bearer header, or the cookie its login form sets), its assets and the real API do not."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from interactor_mock import create_app
from interactor_mock.http.security import ADMIN_COOKIE
from interactor_mock.http.security import Guard
from interactor_mock.http.security import admin_cookie_value
from interactor_mock.http.security import allowed_hosts

TOKEN = "adm-" + "Z" * 24


@pytest.fixture
def app():
    return create_app()


@pytest.fixture
def client(app):
    return Client(Guard(app, allowed=allowed_hosts("127.0.0.1"), admin_token=TOKEN))


def _key(app):
    return app.extensions["interactor_mock"].default_environment.api_key


def test_a_console_page_without_the_token_is_the_login_form_and_shows_no_key(app, client):
    page = client.get("/", base_url="http://127.0.0.1:1290")
    assert page.status_code == 401
    text = page.get_data(as_text=True)
    assert 'action="/_console/login"' in text
    assert _key(app) not in text
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]


def test_the_bearer_token_opens_a_console_page(app, client):
    page = client.get(
        "/", base_url="http://127.0.0.1:1290", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert page.status_code == 200
    assert "Development" in page.get_data(as_text=True)


def test_the_login_form_sets_an_httponly_strict_cookie_that_opens_the_console(app, client):
    wrong = client.post("/_console/login", base_url="http://127.0.0.1:1290", data={"token": "x"})
    assert wrong.status_code == 403
    assert "Set-Cookie" not in wrong.headers
    right = client.post("/_console/login", base_url="http://127.0.0.1:1290", data={"token": TOKEN})
    assert right.status_code == 303
    assert right.headers["Location"] == "/"
    cookie = right.headers["Set-Cookie"]
    assert cookie.startswith(f"{ADMIN_COOKIE}={admin_cookie_value(TOKEN)};")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert TOKEN not in cookie  # a digest, never the token
    client.set_cookie(ADMIN_COOKIE, admin_cookie_value(TOKEN), domain="127.0.0.1")
    page = client.get("/", base_url="http://127.0.0.1:1290")
    assert page.status_code == 200


def test_a_forged_cookie_is_refused(client):
    client.set_cookie(ADMIN_COOKIE, admin_cookie_value("another token"), domain="127.0.0.1")
    assert client.get("/", base_url="http://127.0.0.1:1290").status_code == 401


def test_a_cross_site_login_is_refused(client):
    answer = client.post(
        "/_console/login",
        base_url="http://127.0.0.1:1290",
        data={"token": TOKEN},
        headers={"Origin": "http://evil.example"},
    )
    assert answer.status_code == 403
    assert "Set-Cookie" not in answer.headers


def test_the_console_cookie_does_not_open_the_control_api(client):
    client.set_cookie(ADMIN_COOKIE, admin_cookie_value(TOKEN), domain="127.0.0.1")
    assert client.get("/_mock/environments", base_url="http://127.0.0.1:1290").status_code == 401


def test_assets_and_the_real_api_need_no_admin_token(app, client):
    asset = client.get("/_console/static/console.css", base_url="http://127.0.0.1:1290")
    try:
        assert asset.status_code == 200
        assert asset.headers["Content-Type"].startswith("text/css")
    finally:
        asset.close()
    answer = client.post(
        "/api/v1/connector/interactor/gmail/action/email.list/execute?account=alice",
        base_url="http://127.0.0.1:1290",
        json={},
        headers={"x-api-key": _key(app)},
    )
    assert answer.status_code == 500
    assert answer.get_json() == {"error": "Account has no tokens"}


def test_without_an_admin_token_the_console_opens_as_before(app):
    open_client = Client(Guard(app, allowed=allowed_hosts("127.0.0.1")))
    assert open_client.get("/", base_url="http://127.0.0.1:1290").status_code == 200
