"""The grant flow in a real browser (headless Chromium), as an end user clicks through it.

Skipped when Chromium and ChromeDriver are not installed, failed instead when env ``CI`` is set
(`.ci/run` installs them; see ``conftest.py``).
"""

from __future__ import annotations

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import requests

from tests.e2e.browser import skip_module_unless_browser

skip_module_unless_browser()

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402


def element(driver, element_id):
    """The element once the page showing it has loaded (clicks navigate asynchronously)."""
    return WebDriverWait(driver, 30).until(
        expected_conditions.presence_of_element_located((By.ID, element_id))
    )


def auth_url(live, api_key, **params):
    response = requests.get(
        f"{live.base_url}/connector/interactor/gmail/auth-url",
        params={"account": "alice", **params},
        headers={"x-api-key": api_key},
    )
    return response.json()


def test_user_passes_the_warning_and_approves(browser, live, engine, dev):
    browser.get(auth_url(live, dev.api_key))
    assert "verified this app" in browser.find_element(By.TAG_NAME, "h1").text
    element(browser, "advanced").click()
    element(browser, "proceed").click()
    assert element(browser, "account").text == "alice"
    assert "https://mail.google.com/" in browser.page_source
    element(browser, "approve").click()
    assert element(browser, "connected").text == "Gmail connected"
    assert engine.oauth.credential(dev.id, "interactor", "gmail", "alice").source == "oauth"


def test_user_denies_and_lands_on_the_app_with_access_denied(browser, live, engine, dev):
    engine.environments.set_oauth_client(dev.id, "interactor/gmail", "own-client", "own-secret")
    # The app's redirectUrl is another page of the same server, so the browser can land on it.
    landing = live.url_for("/_mock/health")
    browser.get(auth_url(live, dev.api_key, redirectUrl=landing))
    element(browser, "deny").click()
    WebDriverWait(browser, 30).until(expected_conditions.url_contains("/_mock/health"))
    landed = urlsplit(browser.current_url)
    assert landed.path == "/_mock/health"
    assert parse_qs(landed.query) == {"error": ["access_denied"]}
    assert engine.oauth.credentials(dev.id) == []


def test_page_shows_a_hostile_account_name_as_text(browser, live, dev, engine):
    engine.environments.set_oauth_client(dev.id, "interactor/gmail", "own-client", "own-secret")
    hostile = '<img src=x onerror="document.title=1">'
    browser.get(auth_url(live, dev.api_key, account=hostile))
    assert element(browser, "account").text == hostile
    assert browser.title != "1"
