"""The console in a real browser (headless Chromium), following the integration guide: keys,
an account connected through the OAuth pages, the tester, cURL, the journal.

Skipped when Chromium and ChromeDriver are not installed, failed instead when env ``CI`` is set
(see ``browser.py``). Saves a screenshot of every page at 1280 and 390 pixels wide to
``docs/screenshots/`` (git-ignored); with env ``UPDATE_SCREENSHOTS=1`` it also refreshes the
two the README shows (``readme-*.png``, committed), so a plain run leaves the tree clean.
"""

from __future__ import annotations

import base64
import json
import os
import shlex
import subprocess
from pathlib import Path

import requests

from interactor_mock.core.environments import REPLACED_KEY
from tests.e2e.browser import skip_module_unless_browser

skip_module_unless_browser()

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.select import Select  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = ((1280, 900), (390, 844))
TESTER = "/tester/interactor/gmail/email.draft.create"


def element(driver, element_id):
    """The element once the page showing it has loaded (clicks navigate asynchronously)."""
    return WebDriverWait(driver, 30).until(
        expected_conditions.presence_of_element_located((By.ID, element_id))
    )


def screenshot(driver, name, *, readme=False):
    """Save the whole page at each width as ``<name>-<width>.png`` (and, for a ``readme`` one
    under ``UPDATE_SCREENSHOTS=1``, the 1280-pixel one as ``readme-<name>.png``)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in WIDTHS:
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        full = driver.execute_script("return document.documentElement.scrollHeight")
        metrics["height"] = max(height, min(int(full), 6000))
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
        (SCREENSHOTS / f"{name}-{width}.png").write_bytes(base64.b64decode(shot["data"]))
        if readme and width == 1280 and os.environ.get("UPDATE_SCREENSHOTS") == "1":
            top = {
                "x": 0,
                "y": 0,
                "width": width,
                "height": min(metrics["height"], 1600),
                "scale": 1,
            }
            shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "clip": top})
            (SCREENSHOTS / f"readme-{name}.png").write_bytes(base64.b64decode(shot["data"]))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def fill(driver, element_id, text):
    field = element(driver, element_id)
    field.clear()
    field.send_keys(text)


def api_status(live, api_key):
    response = requests.get(
        f"{live.base_url}/connector/interactor/gmail/auth-url",
        params={"account": "alice"},
        headers={"x-api-key": api_key},
    )
    return response.status_code, response.json()


def clipboard(driver, live):
    """What the page last copied, read back from the browser's clipboard."""
    driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": live.url_for("/").rstrip("/"), "permissions": ["clipboardReadWrite"]},
    )
    return driver.execute_async_script(
        "const done = arguments[0];"
        "navigator.clipboard.readText().then(done, (e) => done('unreadable: ' + e));"
    )


def copied(driver, button_id):
    element(driver, button_id).click()
    WebDriverWait(driver, 10).until(
        lambda found: found.find_element(By.ID, button_id).text == "Copied"
    )


def test_settings_copy_the_key_and_generate_one_that_replaces_it_at_once(browser, live, dev):
    old = dev.api_key
    assert old == "interactor_DEMO0001_exampleKeyForScreenshotsOnly0001"
    browser.get(live.url_for("/"))
    assert element(browser, "env-development").find_element(By.CLASS_NAME, "key").text == (
        "interactor_DEMO••••••••0001"
    )
    assert old not in browser.find_element(By.TAG_NAME, "main").text
    screenshot(browser, "environments")
    element(browser, "settings-development").click()
    assert element(browser, "settings-title").text == "Development · Settings"
    assert element(browser, "settings-key").text == "interactor_DEMO••••••••0001"
    screenshot(browser, "settings")
    copied(browser, "copy-key")
    assert clipboard(browser, live) == old
    element(browser, "generate-key").click()
    screenshot(browser, "generate-key")
    element(browser, "confirm-generate").click()
    new = element(browser, "new-key").text
    assert new == "interactor_DEMO0004_exampleKeyForScreenshotsOnly0004"
    assert element(browser, "settings-key").text == "interactor_DEMO••••••••0004"
    screenshot(browser, "new-key")
    assert api_status(live, old) == (401, {"error": REPLACED_KEY})
    assert api_status(live, new)[0] == 200
    copied(browser, "copy-new-key")
    assert clipboard(browser, live) == new
    browser.get(live.url_for("/environments/development"))
    assert new not in browser.find_element(By.TAG_NAME, "main").text


def test_account_connects_through_the_oauth_pages_and_comes_back_to_the_tester(
    browser, live, engine, dev
):
    browser.get(live.url_for("/tester"))
    Select(element(browser, "action")).select_by_value("interactor/gmail:email.draft.create")
    screenshot(browser, "tester-pick")
    element(browser, "open-tester").click()
    WebDriverWait(browser, 30).until(expected_conditions.url_contains(TESTER))
    screenshot(browser, "tester")
    fill(browser, "newAccount", "alice@example.com")
    element(browser, "connect-account").click()
    assert "verified this app" in element(browser, "advanced").find_element(By.XPATH, "//h1").text
    screenshot(browser, "oauth-unverified")
    element(browser, "advanced").click()
    element(browser, "proceed").click()
    assert element(browser, "account").text == "alice@example.com"
    screenshot(browser, "oauth-consent")
    element(browser, "approve").click()
    assert "alice@example.com" in element(browser, "connected-notice").text
    assert browser.current_url.startswith(live.url_for(TESTER))
    picked = Select(element(browser, "account")).first_selected_option
    assert picked.get_attribute("value") == "alice@example.com"
    credential = engine.oauth.credential(dev.id, "interactor", "gmail", "alice@example.com")
    assert credential.source == "oauth"


def run_draft_create(browser, live, *, subject):
    browser.get(live.url_for(TESTER))
    fill(browser, "field-to", "bob@example.com\ncarol@example.com")
    if subject is not None:
        fill(browser, "field-subject", subject)
    fill(browser, "field-body", "Hello from the tester")
    Select(element(browser, "field-bodyType")).select_by_value("plain")
    element(browser, "run-test").click()
    return element(browser, "result-status").text


def test_tester_runs_email_draft_create_and_the_journal_shows_it(browser, live, engine, dev):
    engine.grant(dev, "gmail", "alice")
    assert run_draft_create(browser, live, subject="Quarterly plan") == "200"
    result = json.loads(element(browser, "result-json").text)
    info = result["output"]["message"]["message_info"]
    assert (info["subject"], info["to"]) == (
        "Quarterly plan",
        ["bob@example.com", "carol@example.com"],
    )
    screenshot(browser, "tester-result", readme=True)
    browser.get(live.url_for("/journal?env=development&action=email.draft.create"))
    first = element(browser, "journal-rows").find_element(By.CSS_SELECTOR, "tr.entry")
    assert "interactor/gmail · email.draft.create" in first.text
    assert first.find_element(By.CLASS_NAME, "account").text == "alice"
    assert first.find_element(By.CLASS_NAME, "status").text == "200"
    first.find_element(By.TAG_NAME, "summary").click()
    exchange = first.find_element(By.CLASS_NAME, "exchange")
    assert '"subject": "Quarterly plan"' in exchange.text
    body = exchange.find_element(By.CLASS_NAME, "response-body")
    assert body.is_displayed()
    assert f'"id": "{result["output"]["id"]}"' in body.text
    assert json.loads(body.text) == result
    screenshot(browser, "journal")


def test_journal_shows_a_new_call_without_a_reload(browser, live, engine, dev):
    engine.grant(dev, "gmail", "alice")
    browser.get(live.url_for("/journal?env=development"))
    assert element(browser, "journal-count").text == "0"
    browser.execute_script("window.stillTheSamePage = true")
    response = requests.post(
        f"{live.base_url}/connector/interactor/gmail/action/email.draft.list/execute",
        params={"account": "alice"},
        headers={"x-api-key": dev.api_key},
        json={},
    )
    assert response.status_code == 200
    assert response.json()["output"]["drafts"] == []
    WebDriverWait(browser, 30).until(
        lambda driver: driver.find_element(By.ID, "journal-count").text == "1"
    )
    row = browser.find_element(By.CSS_SELECTOR, "#journal-rows tr.entry")
    assert "email.draft.list" in row.text
    assert browser.execute_script("return window.stillTheSamePage") is True


def test_an_opened_journal_row_stays_open_when_a_new_call_arrives(browser, live, engine, dev):
    engine.grant(dev, "gmail", "alice")
    execute = f"{live.base_url}/connector/interactor/gmail/action/{{}}/execute"
    sent = {"params": {"account": "alice"}, "headers": {"x-api-key": dev.api_key}}
    draft = {"to": ["bob@example.com"], "subject": "Kept open", "body": "b"}
    created = requests.post(execute.format("email.draft.create"), json=draft, **sent).json()
    browser.get(live.url_for("/journal?env=development"))
    row = element(browser, "journal-rows").find_element(By.CSS_SELECTOR, "tr.entry")
    row.find_element(By.TAG_NAME, "summary").click()
    seq = row.get_attribute("data-seq")
    requests.post(execute.format("email.draft.list"), json={}, **sent)
    WebDriverWait(browser, 30).until(
        lambda driver: driver.find_element(By.ID, "journal-count").text == "2"
    )
    newest, kept = browser.find_elements(By.CSS_SELECTOR, "#journal-rows tr.entry")
    assert kept.get_attribute("data-seq") == seq
    assert kept.find_element(By.TAG_NAME, "details").get_attribute("open") is not None
    assert newest.find_element(By.TAG_NAME, "details").get_attribute("open") is None
    body = kept.find_element(By.CLASS_NAME, "response-body")
    assert f'"id": "{created["output"]["id"]}"' in body.text


def test_missing_required_field_is_reported_beside_it(browser, live, engine, dev):
    engine.grant(dev, "gmail", "alice")
    assert run_draft_create(browser, live, subject=None) == "400"
    beside = browser.find_element(By.CSS_SELECTOR, '.field[data-pointer="/subject"] .field-errors')
    assert beside.text == "'subject' is a required property"
    others = browser.find_elements(By.CSS_SELECTOR, ".field-errors")
    assert others == [beside]
    screenshot(browser, "tester-validation-error")


def test_copied_curl_command_runs_and_gives_the_same_answer(browser, live, engine, dev):
    engine.grant(dev, "gmail", "alice")
    assert run_draft_create(browser, live, subject="From cURL") == "200"
    element(browser, "copy-curl").click()
    WebDriverWait(browser, 10).until(
        lambda driver: driver.find_element(By.ID, "copy-curl").text == "Copied"
    )
    command = element(browser, "curl-command").text
    assert f"x-api-key: {dev.api_key}" in command
    words = shlex.split(command)
    assert words[:2] == ["curl", "-sS"]
    done = subprocess.run(words, capture_output=True, text=True, timeout=60, check=True)
    answer = json.loads(done.stdout)
    assert answer["output"]["message"]["message_info"]["subject"] == "From cURL"
    drafts = [e for e in engine.journal.entries(dev.id) if e.action == "email.draft.create"]
    assert [e.input["subject"] for e in drafts] == ["From cURL", "From cURL"]


def test_integrations_filter_as_you_type(browser, live):
    browser.get(live.url_for("/integrations"))
    cards = browser.find_elements(By.CSS_SELECTOR, "#connectors .connector")
    assert len(cards) == 10
    screenshot(browser, "integrations")
    element(browser, "search").send_keys("gmai")
    shown = [c.find_element(By.CLASS_NAME, "title").text for c in cards if c.is_displayed()]
    assert shown == ["Gmail", "Gmail (REST v1)"]
    assert element(browser, "connector-count").text == "2"


def test_own_oauth_client_saved_on_the_connector_page_skips_the_unverified_step(
    browser, live, engine, dev
):
    browser.get(live.url_for("/integrations/interactor/gmail"))
    assert element(browser, "connector-title").text == "Gmail"
    draft = browser.find_element(By.CSS_SELECTOR, '[data-action="email.draft.create"]')
    assert "create an email draft" in draft.text
    assert "Email Subject" not in draft.text
    draft.find_element(By.TAG_NAME, "summary").click()
    assert "Email Subject" in draft.text
    subject = draft.find_element(By.XPATH, ".//table[1]//tr[td/code[text()='subject']]")
    assert subject.find_element(By.CLASS_NAME, "required").text == "*"
    screenshot(browser, "connector", readme=True)
    fill(browser, "clientId", "my-client.apps.example.invalid")
    fill(browser, "clientSecret", "s3cret-value-never-shown")
    element(browser, "save-oauth").click()
    assert "not be shown again" in element(browser, "oauth-saved").text
    assert element(browser, "oauth-client-id").text == "my-client.apps.example.invalid"
    assert "s3cret-value-never-shown" not in browser.page_source
    assert engine.environments.get(dev.id).oauth_clients["interactor/gmail"] == {
        "client_id": "my-client.apps.example.invalid",
        "client_secret": "s3cret-value-never-shown",
    }
    browser.get(live.url_for(TESTER))
    fill(browser, "newAccount", "bob")
    element(browser, "connect-account").click()
    WebDriverWait(browser, 30).until(expected_conditions.url_contains("/oauth/google/authorize"))
    assert element(browser, "account").text == "bob"
    assert browser.find_elements(By.ID, "advanced") == []


def test_hostile_names_are_shown_as_text(browser, live, engine, dev):
    hostile = '<img src=x onerror="document.title=1">'
    engine.environments.create(hostile)
    engine.grant(dev, "gmail", hostile)
    browser.get(live.url_for("/"))
    assert hostile in browser.find_element(By.TAG_NAME, "main").text
    browser.get(live.url_for(TESTER))
    assert hostile in Select(element(browser, "account")).first_selected_option.text
    assert browser.title != "1"
    assert browser.find_elements(By.CSS_SELECTOR, "main img") == []


def test_journal_rows_fetched_by_polling_show_a_hostile_account_as_text(browser, live, dev):
    hostile = '<img src=x onerror="document.title=1">'
    browser.get(live.url_for("/journal?env=development"))
    assert element(browser, "journal-count").text == "0"
    requests.get(
        f"{live.base_url}/connector/interactor/gmail/auth-url",
        params={"account": hostile},
        headers={"x-api-key": dev.api_key},
    )
    WebDriverWait(browser, 30).until(
        lambda driver: driver.find_element(By.ID, "journal-count").text == "1"
    )
    row = browser.find_element(By.CSS_SELECTOR, "#journal-rows tr.entry")
    assert row.find_element(By.CLASS_NAME, "account").text == hostile
    assert browser.find_elements(By.CSS_SELECTOR, "#journal-rows img") == []
    assert browser.title != "1"


def click_link(driver, text):
    WebDriverWait(driver, 30).until(
        expected_conditions.element_to_be_clickable((By.LINK_TEXT, text))
    ).click()


def open_the_draft_tester_from_app_integrations(driver):
    click_link(driver, "App integrations")
    element(driver, "connector-interactor-gmail").find_element(By.LINK_TEXT, "Gmail").click()
    assert element(driver, "connector-title").text == "Gmail"
    draft = element(driver, "action-email.draft.create")
    draft.find_element(By.TAG_NAME, "summary").click()
    assert "Email Subject" in draft.text
    draft.find_element(By.LINK_TEXT, "Test").click()
    WebDriverWait(driver, 30).until(expected_conditions.url_contains(TESTER))


def test_a_newcomer_follows_the_integration_guide_by_clicking_from_the_root(
    browser, live, engine, dev
):
    browser.get(live.url_for("/"))
    # Step 1: App integrations, Gmail, the action's schema, Test, then the Tester.
    open_the_draft_tester_from_app_integrations(browser)
    fill(browser, "newAccount", "alice@example.com")
    element(browser, "connect-account").click()
    assert "verified this app" in element(browser, "advanced").find_element(By.XPATH, "//h1").text
    element(browser, "advanced").click()
    element(browser, "proceed").click()
    element(browser, "approve").click()
    assert "alice@example.com" in element(browser, "connected-notice").text
    fill(browser, "field-to", "bob@example.com")
    fill(browser, "field-subject", "From the guide")
    fill(browser, "field-body", "Hello")
    element(browser, "run-test").click()
    assert element(browser, "result-status").text == "200"
    result = json.loads(element(browser, "result-json").text)
    assert result["output"]["message"]["message_info"]["subject"] == "From the guide"
    # Step 2: the environment's Settings: Copy the key, Generate a new one.
    click_link(browser, "Environments")
    element(browser, "settings-development").click()
    copied(browser, "copy-key")
    assert clipboard(browser, live) == "interactor_DEMO0001_exampleKeyForScreenshotsOnly0001"
    element(browser, "generate-key").click()
    element(browser, "confirm-generate").click()
    assert (
        element(browser, "new-key").text == "interactor_DEMO0004_exampleKeyForScreenshotsOnly0004"
    )
    assert api_status(live, "interactor_DEMO0001_exampleKeyForScreenshotsOnly0001")[0] == 401
    # Step 3: the customer's own OAuth client on the connector: no unverified step any more.
    click_link(browser, "App integrations")
    element(browser, "connector-interactor-gmail").find_element(By.LINK_TEXT, "Gmail").click()
    fill(browser, "clientId", "customer-client.apps.example.invalid")
    fill(browser, "clientSecret", "customer-secret")
    element(browser, "save-oauth").click()
    assert "not be shown again" in element(browser, "oauth-saved").text
    draft = element(browser, "action-email.draft.create")
    draft.find_element(By.TAG_NAME, "summary").click()
    draft.find_element(By.LINK_TEXT, "Test").click()
    WebDriverWait(browser, 30).until(expected_conditions.url_contains(TESTER))
    fill(browser, "newAccount", "bob@example.com")
    element(browser, "connect-account").click()
    WebDriverWait(browser, 30).until(expected_conditions.url_contains("/oauth/google/authorize"))
    assert element(browser, "account").text == "bob@example.com"
    assert browser.find_elements(By.ID, "advanced") == []
    assert "customer-client.apps.example.invalid" in browser.current_url
    element(browser, "approve").click()
    assert "bob@example.com" in element(browser, "connected-notice").text
    accounts = engine.oauth.credentials(dev.id)
    assert sorted(c.account for c in accounts) == ["alice@example.com", "bob@example.com"]
