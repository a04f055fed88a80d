"""The whole grant flow, driven over HTTP by a plain client that follows links and forms."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
import requests


class Page(HTMLParser):
    """The links and the first form of an HTML page, as a user agent sees them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self.form_action: str | None = None
        self.fields: dict[str, str] = {}
        self.buttons: dict[str, tuple[str, str]] = {}
        self.text = html
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "id" in a:
            self.links[a["id"]] = a["href"]
        elif tag == "form" and self.form_action is None:
            self.form_action = a.get("action")
        elif tag == "input" and a.get("type") == "hidden":
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "button" and "id" in a:
            self.buttons[a["id"]] = (a["name"], a["value"])


class Browser:
    """A requests session that follows redirects, links and form posts."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.session = requests.Session()

    def open(self, url: str) -> requests.Response:
        return self.session.get(urljoin(self.origin, url), allow_redirects=False)

    def follow(self, response: requests.Response) -> requests.Response:
        while response.is_redirect:
            target = response.headers["location"]
            if not target.startswith(self.origin) and not target.startswith("/"):
                return response  # leaving the mock: the client app's redirectUrl
            response = self.session.get(urljoin(self.origin, target), allow_redirects=False)
        return response

    def click(self, response: requests.Response, link: str) -> requests.Response:
        return self.follow(self.open(Page(response.text).links[link]))

    def press(self, response: requests.Response, button: str) -> requests.Response:
        page = Page(response.text)
        name, value = page.buttons[button]
        posted = self.session.post(
            urljoin(self.origin, page.form_action),
            data={**page.fields, name: value},
            allow_redirects=False,
        )
        return self.follow(posted)


@pytest.fixture
def auth_url(live, headers):
    def make(account="alice", connector="gmail", **params):
        response = requests.get(
            f"{live.base_url}/connector/interactor/{connector}/auth-url",
            params={"account": account, **params},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        return response.json()

    return make


@pytest.fixture
def browser(live):
    return Browser(live.url)


def consent_page(browser, url):
    """From an auth-url through the unverified-app warning to the consent page."""
    warning = browser.follow(browser.open(url))
    assert "hasn&#39;t verified this app" in warning.text or "verified this app" in warning.text
    advanced = browser.click(warning, "advanced")
    return browser.click(advanced, "proceed")


def test_full_grant_flow_stores_a_credential(browser, auth_url, engine, dev):
    consent = consent_page(browser, auth_url("alice"))
    assert consent.status_code == 200
    assert "https://mail.google.com/" in consent.text
    connected = browser.press(consent, "approve")
    assert connected.status_code == 200
    assert "Gmail connected" in connected.text
    credential = engine.oauth.credential(dev.id, "interactor", "gmail", "alice")
    assert credential.source == "oauth"
    assert credential.scopes == tuple(engine.registry.connector("gmail").scopes)


def test_after_the_grant_actions_run(browser, auth_url, live, headers):
    browser.press(consent_page(browser, auth_url("alice")), "approve")
    response = requests.post(
        live.base_url + "/connector/interactor/gmail/action/email.list/execute?account=alice",
        json={},
        headers=headers,
    )
    assert response.status_code == 200
    output = response.json()["output"]
    assert isinstance(output["resultSizeEstimate"], int)
    assert isinstance(output["messages"], list)


def test_grant_redirects_to_the_redirect_url_with_a_success_marker(browser, auth_url):
    url = auth_url("alice", redirectUrl="https://app.example.com/done?tab=2")
    back = browser.press(consent_page(browser, url), "approve")
    assert back.status_code == 302
    target = urlsplit(back.headers["location"])
    assert (target.netloc, target.path) == ("app.example.com", "/done")
    assert parse_qs(target.query) == {
        "tab": ["2"],
        "success": ["true"],
        "connector": ["interactor/gmail"],
        "account": ["alice"],
    }


def test_deny_redirects_with_access_denied_and_stores_nothing(browser, auth_url, engine, dev):
    url = auth_url("alice", redirectUrl="https://app.example.com/done")
    back = browser.press(consent_page(browser, url), "deny")
    assert back.status_code == 302
    assert parse_qs(urlsplit(back.headers["location"]).query) == {"error": ["access_denied"]}
    assert engine.oauth.credentials(dev.id) == []


def test_deny_without_redirect_url_shows_a_page(browser, auth_url, engine, dev):
    denied = browser.press(consent_page(browser, auth_url("alice")), "deny")
    assert denied.status_code == 200
    assert "Access denied" in denied.text
    assert engine.oauth.credentials(dev.id) == []


def test_own_oauth_client_skips_the_unverified_warning(browser, auth_url, engine, dev):
    engine.environments.set_oauth_client(dev.id, "interactor/gmail", "my-client", "my-secret")
    url = auth_url("alice")
    assert parse_qs(urlsplit(url).query)["client_id"] == ["my-client"]
    consent = browser.follow(browser.open(url))
    assert "verified this app" not in consent.text
    assert "approve" in Page(consent.text).buttons
    assert browser.press(consent, "approve").status_code == 200


def test_tampered_state_is_a_400_page(browser, auth_url, engine, dev):
    url = auth_url("alice").replace("state=", "state=x")
    response = browser.open(url)
    assert response.status_code == 400
    assert "Unknown or already used state" in response.text
    assert engine.oauth.credentials(dev.id) == []


def test_tampered_client_id_is_a_400_page(browser, auth_url):
    response = browser.open(auth_url("alice").replace("client_id=", "client_id=evil"))
    assert response.status_code == 400
    assert "Unknown client_id" in response.text


def test_tampered_redirect_uri_is_a_400_page(browser, auth_url):
    url = auth_url("alice").replace(
        "redirect_uri=http", "redirect_uri=https%3A%2F%2Fevil.example%2F"
    )
    response = browser.open(url)
    assert response.status_code == 400
    assert "redirect_uri does not match" in response.text


def approved_callback(browser, url):
    """Approve, but stop at the redirect to Interactor's callback (code and state in it)."""
    consent = consent_page(browser, url)
    page = Page(consent.text)
    posted = browser.session.post(
        urljoin(browser.origin, page.form_action),
        data={**page.fields, "decision": "approve"},
        allow_redirects=False,
    )
    assert posted.status_code == 302
    return posted.headers["location"]


def test_code_cannot_be_used_twice(browser, auth_url, engine, dev):
    callback = approved_callback(browser, auth_url("alice"))
    assert browser.open(callback).status_code == 200
    again = browser.open(callback)
    assert again.status_code == 400
    # The state went with the first exchange, so the state error (not the code error) answers.
    assert "Unknown or already used state" in again.text
    assert "authorization code" not in again.text
    assert [c.account for c in engine.oauth.credentials(dev.id)] == ["alice"]


def test_a_used_code_with_a_fresh_state_is_the_code_error(browser, auth_url, engine, dev):
    used = parse_qs(urlsplit(approved_callback(browser, auth_url("alice"))).query)
    assert browser.open(f"/oauth/callback?code={used['code'][0]}&state={used['state'][0]}").ok
    fresh = parse_qs(urlsplit(approved_callback(browser, auth_url("bob"))).query)
    response = browser.open(f"/oauth/callback?code={used['code'][0]}&state={fresh['state'][0]}")
    assert response.status_code == 400
    assert "Unknown or already used authorization code" in response.text
    assert "Unknown or already used state" not in response.text
    assert [c.account for c in engine.oauth.credentials(dev.id)] == ["alice"]


def test_an_auth_url_used_for_a_grant_cannot_grant_again(browser, auth_url, engine, dev):
    url = auth_url("alice")
    consent = consent_page(browser, url)
    assert "Gmail connected" in browser.press(consent, "approve").text
    engine.oauth.delete_credential(dev.id, "interactor", "gmail", "alice")
    reopened = browser.open(url)
    assert reopened.status_code == 400
    assert "Unknown or already used state" in reopened.text
    reposted = browser.press(consent, "approve")
    assert reposted.status_code == 400
    assert "Unknown or already used state" in reposted.text
    assert engine.oauth.credentials(dev.id) == []


def test_expired_code_is_refused_and_stores_nothing(browser, auth_url, engine, dev, clock):
    callback = approved_callback(browser, auth_url("alice"))
    clock.advance(minutes=10, seconds=1)
    response = browser.open(callback)
    assert response.status_code == 400
    assert "expired" in response.text
    assert engine.oauth.credentials(dev.id) == []


def test_code_is_valid_for_almost_ten_minutes(browser, auth_url, clock):
    callback = approved_callback(browser, auth_url("alice"))
    clock.advance(minutes=9, seconds=59)
    assert browser.open(callback).status_code == 200


def test_tampered_code_is_refused(browser, auth_url, engine, dev):
    callback = approved_callback(browser, auth_url("alice")).replace("code=", "code=x")
    response = browser.open(callback)
    assert response.status_code == 400
    assert "authorization code" in response.text
    assert engine.oauth.credentials(dev.id) == []


def test_code_of_another_state_is_refused(browser, auth_url):
    first = parse_qs(urlsplit(approved_callback(browser, auth_url("alice"))).query)
    second = parse_qs(urlsplit(approved_callback(browser, auth_url("bob"))).query)
    response = browser.open(f"/oauth/callback?code={first['code'][0]}&state={second['state'][0]}")
    assert response.status_code == 400
    assert "not issued for this state" in response.text


def test_expired_state_is_refused(browser, auth_url, clock):
    url = auth_url("alice")
    clock.advance(hours=1, seconds=1)
    response = browser.open(url)
    assert response.status_code == 400
    assert "expired" in response.text


def test_callback_without_state_is_a_400_page(browser):
    response = browser.open("/oauth/callback?code=abc")
    assert response.status_code == 400
    assert "Missing state" in response.text


def test_user_supplied_text_is_escaped_on_pages(browser, auth_url):
    consent = consent_page(browser, auth_url("<script>alert(1)</script>"))
    assert "<script>alert(1)</script>" not in consent.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in consent.text


def test_unknown_oauth_page_is_an_html_404(browser):
    response = browser.open("/oauth/nothing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_a_grant_in_one_environment_does_not_connect_another(browser, live, engine):
    testing = engine.environments.get("testing")
    url = requests.get(
        live.base_url + "/connector/gmail/auth-url?account=alice",
        headers={"x-api-key": testing.api_key},
    ).json()
    browser.press(consent_page(browser, url), "approve")
    assert [c.env_id for c in engine.oauth.credentials("testing")] == ["testing"]
    assert engine.oauth.credentials("development") == []
