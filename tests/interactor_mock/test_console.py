"""The console's pages through Flask's test client, and over real HTTP on both kinds of app."""

from __future__ import annotations

import json
import re
import shlex
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests

from interactor_mock.core.environments import REPLACED_KEY
from interactor_mock.embed.server import MockServer
from interactor_mock.http.console.csrf import COOKIE

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "interactor"
TESTER = "/tester/interactor/gmail/email.draft.create"
HOSTILE = '<script>alert("x")</script>&'
PAGES = (
    "/",
    "/integrations",
    "/integrations/interactor/gmail",
    "/tester",
    TESTER,
    "/journal",
    "/journal.json",
    "/environments/development/generate-key",
    "/environments/testing",
    "/_console/static/console.css",
    "/_console/static/console.js",
)


def page(client, path, status=200):
    with client.get(path) as response:
        assert response.status_code == status, response.get_data(as_text=True)[:500]
        return response.get_data(as_text=True)


def token(client, path="/"):
    """The CSRF token of the client's session, as the page's forms carry it."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page(client, path))
    assert found is not None
    return found.group(1)


def post(client, path, data, *, path_for_token="/", **kwargs):
    return client.post(path, data={"csrf_token": token(client, path_for_token), **data}, **kwargs)


def text_of(html, element_id):
    """The text of the element with ``element_id`` (tags dropped, entities decoded)."""
    found = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert found is not None, f"no element #{element_id}"
    return unescape(re.sub(r"<[^>]+>", "", found.group(2))).strip()


def test_console_is_at_the_root_of_a_create_app_server(live, dev):
    response = requests.get(live.url_for("/"))
    assert response.status_code == 200
    assert "<h1>Environments</h1>" in response.text
    assert 'id="env-development"' in response.text


def test_console_is_at_the_root_of_the_shared_app_that_mock_server_serves():
    with MockServer() as server:
        home = requests.get(server.url_for("/"))
        css = requests.get(server.url_for("/_console/static/console.css"))
        tester = requests.get(server.url_for(TESTER))
    assert home.status_code == 200
    assert 'id="env-production"' in home.text
    assert css.status_code == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert 'id="field-subject"' in tester.text


@pytest.mark.parametrize("path", PAGES)
def test_every_console_response_carries_the_security_headers(client, path):
    with client.get(path) as response:
        response.get_data()
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'self'")
    assert "frame-ancestors 'none'" in policy
    assert "unsafe" not in policy
    assert "http" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("path", PAGES[:8])
def test_pages_load_nothing_from_another_origin(client, path):
    html = page(client, path)
    assert re.findall(r'(?:src|href)="(?:https?:)?//', html) == []
    assert "<style" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert " style=" not in html


def test_environments_show_each_key_masked_with_copy_and_generate(client, engine):
    html = page(client, "/")
    for environment in engine.environments.all():
        key = environment.api_key
        assert f"{key[:15]}••••••••{key[-4:]}" in html
        assert f'data-copy="{key}" id="copy-{environment.id}"' in html
        assert f'href="/environments/{environment.id}/generate-key"' in html
    assert [e.name for e in engine.environments.all()] == ["Development", "Testing", "Production"]


def test_generating_a_key_asks_first_then_shows_the_new_key_once(client, engine, dev):
    old = dev.api_key
    confirm = page(client, "/environments/development/generate-key")
    assert "stops working" in confirm
    assert engine.environments.get(dev.id).api_key == old
    response = post(client, "/environments/development/generate-key", {"confirm": "yes"})
    new = engine.environments.get(dev.id).api_key
    assert new != old
    assert text_of(response.get_data(as_text=True), "new-key") == new
    assert new not in re.sub(r'data-copy="[^"]*"', "", page(client, "/"))
    refused = client.get("/api/v1/connector/gmail/auth-url?account=a", headers={"x-api-key": old})
    assert (refused.status_code, refused.json) == (401, {"error": REPLACED_KEY})
    accepted = client.get("/api/v1/connector/gmail/auth-url?account=a", headers={"x-api-key": new})
    assert accepted.status_code == 200


def test_an_environments_settings_show_its_key_masked_with_copy_and_generate(client, engine):
    testing = engine.environments.get("testing")
    key = testing.api_key
    assert 'href="/environments/testing" id="settings-testing"' in page(client, "/")
    html = page(client, "/environments/testing")
    assert text_of(html, "settings-title") == "Testing · Settings"
    assert text_of(html, "settings-key") == f"{key[:15]}••••••••{key[-4:]}"
    assert f'data-copy="{key}" id="copy-key"' in html
    assert 'href="/environments/testing/generate-key" id="generate-key"' in html
    assert key not in re.sub(r'data-copy="[^"]*"', "", html)
    assert "Every connector uses Interactor's default OAuth app" in text_of(html, "oauth-apps")


def test_a_new_key_is_shown_once_on_the_environments_settings(client, engine):
    old = engine.environments.get("testing").api_key
    response = post(client, "/environments/testing/generate-key", {"confirm": "yes"})
    new = engine.environments.get("testing").api_key
    html = response.get_data(as_text=True)
    assert text_of(html, "settings-title") == "Testing · Settings"
    assert text_of(html, "new-key") == new
    assert text_of(html, "settings-key") == f"{new[:15]}••••••••{new[-4:]}"
    assert old not in html
    assert new not in re.sub(r'data-copy="[^"]*"', "", page(client, "/environments/testing"))


def test_an_environments_settings_list_the_oauth_apps_it_uses(client, engine, dev):
    engine.environments.set_oauth_client(dev.id, "interactor/gmail", "my-id.example", "s3cret-x")
    html = page(client, "/environments/development")
    rows = re.findall(r'<tr data-connector="([^"]+)">', html)
    assert rows == ["interactor/gmail"]
    assert '<code class="client-id">my-id.example</code>' in html
    assert 'href="/integrations/interactor/gmail?env=development#oauth"' in html
    assert "s3cret-x" not in html
    assert "no-oauth-apps" not in html
    assert 'id="no-oauth-apps"' in page(client, "/environments/testing")


def test_settings_of_an_unknown_environment_are_a_404_page(client):
    response = client.get("/environments/nowhere")
    assert response.status_code == 404
    assert "Environment 'nowhere' not found" in text_of(
        response.get_data(as_text=True), "error-message"
    )


def test_generate_without_confirmation_changes_nothing(client, engine, dev):
    response = post(client, "/environments/development/generate-key", {})
    assert response.status_code == 400
    assert "Confirm" in text_of(response.get_data(as_text=True), "error-message")
    assert engine.environments.get(dev.id).api_key == dev.api_key


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/environments/development/generate-key", {"confirm": "yes"}),
        ("/environments", {"name": "Staging"}),
        ("/integrations/interactor/gmail/oauth-client", {"clientId": "a", "clientSecret": "b"}),
        (TESTER, {"account": "alice", "f:/subject": "s"}),
        (f"{TESTER}/connect", {"newAccount": "alice"}),
    ],
)
def test_every_form_refuses_a_post_without_the_session_token(client, engine, dev, path, data):
    page(client, "/")  # the session has a token: the post just does not carry it
    before = (engine.environments.get(dev.id), len(engine.environments.all()))
    response = client.post(path, data=data)
    assert response.status_code == 403
    assert "CSRF token missing or wrong" in response.get_data(as_text=True)
    assert (engine.environments.get(dev.id), len(engine.environments.all())) == before
    assert engine.journal.entries(dev.id) == []


def test_a_token_from_another_session_is_refused(app, engine, dev):
    theirs = app.test_client()
    stolen = token(theirs)
    mine = app.test_client()
    page(mine, "/")
    response = mine.post(
        "/environments/development/generate-key", data={"csrf_token": stolen, "confirm": "yes"}
    )
    assert response.status_code == 403
    assert engine.environments.get(dev.id).api_key == dev.api_key


@pytest.mark.parametrize(
    "sent_by", [{"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}]
)
def test_a_post_from_another_site_is_refused_even_with_the_token(client, engine, dev, sent_by):
    response = post(
        client, "/environments/development/generate-key", {"confirm": "yes"}, headers=sent_by
    )
    assert response.status_code == 403
    assert engine.environments.get(dev.id).api_key == dev.api_key


def test_a_post_from_the_console_itself_is_accepted(client, engine, dev):
    response = post(
        client,
        "/environments/development/generate-key",
        {"confirm": "yes"},
        headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 200
    assert engine.environments.get(dev.id).api_key != dev.api_key


def test_the_token_cookie_is_http_only_and_same_site_strict(client):
    response = client.get("/")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie


def test_a_created_environment_is_listed_with_its_key(client, engine):
    response = post(client, "/environments", {"name": "Staging"})
    assert response.status_code == 201
    created = next(e for e in engine.environments.all() if e.name == "Staging")
    assert text_of(response.get_data(as_text=True), "new-key") == created.api_key
    assert 'id="env-staging"' in page(client, "/")


def test_integrations_list_every_connector_with_title_owner_auth_and_action_count(client):
    html = page(client, "/integrations")
    files = sorted(CONTRACTS.glob("*.json"))
    assert len(files) == 10
    for file in files:
        data = json.loads(file.read_text(encoding="utf-8"))
        card = re.search(
            rf'<li class="connector card"[^>]*id="connector-interactor-{data["name"]}">(.*?)</li>',
            html,
            re.S,
        )
        assert card is not None, data["name"]
        body = card.group(1)
        assert f'<strong class="title">{data["title"]}</strong>' in body
        assert '<dd class="owner">interactor</dd>' in body
        assert f'<dd class="auth">oauth2 ({data["auth"]["provider"]})</dd>' in body
        assert f'<dd class="action-count">{len(data["actions"])}</dd>' in body


def test_integrations_search_filters_without_javascript_too(client):
    html = page(client, "/integrations?q=GMAIL")
    assert re.findall(r'id="connector-interactor-([\w-]+)"', html) == ["gmail", "gmail-v1"]


def test_integrations_keep_the_environment_picked_in_links_and_search(client):
    html = page(client, "/integrations?env=testing")
    assert 'href="/integrations/interactor/gmail?env=testing"' in html
    assert '<input type="hidden" name="env" value="testing">' in html
    assert 'href="/integrations/interactor/gmail"' in page(client, "/integrations")


def test_connector_page_shows_every_action_with_its_label_and_fields(client):
    html = page(client, "/integrations/interactor/gmail")
    data = json.loads((CONTRACTS / "gmail.json").read_text(encoding="utf-8"))
    assert data["description"] in unescape(html)
    for name, action in data["actions"].items():
        assert f'data-action="{name}"' in html
        assert f'<span class="label">{action["label"]["en"]}</span>' in html
    draft = html.split('data-action="email.draft.create"')[1].split("</details>")[0]
    rows = re.findall(r"<tr[^>]*>\s*<td><code>(\w+)</code>( <span class=\"required\")?", draft)
    inputs = dict(rows[:9])
    assert [n for n, required in inputs.items() if required] == ["to", "subject", "body"]
    assert "one of: <code>plain</code>, <code>html</code>" in draft
    assert "array of string" in draft
    assert "Email Subject" in draft
    assert "object: A Gmail draft (Gmail API users.drafts resource)." in draft
    assert "<code>message_info</code>" in draft


def test_oauth_settings_save_a_custom_client_and_never_show_the_secret(client, engine, dev):
    response = post(
        client,
        "/integrations/interactor/gmail/oauth-client",
        {"env": "development", "clientId": "mine.apps", "clientSecret": "hush-hush-42"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == (
        "/integrations/interactor/gmail?env=development&saved=custom#oauth"
    )
    assert engine.environments.get(dev.id).oauth_clients["interactor/gmail"] == {
        "client_id": "mine.apps",
        "client_secret": "hush-hush-42",
    }
    html = page(client, "/integrations/interactor/gmail?env=development&saved=custom")
    assert text_of(html, "oauth-client-id") == "mine.apps"
    assert "hush-hush-42" not in html
    back = post(
        client,
        "/integrations/interactor/gmail/oauth-client",
        {"env": "development", "use": "default"},
    )
    assert back.status_code == 303
    assert engine.environments.get(dev.id).oauth_clients == {}


def test_oauth_settings_refuse_an_empty_secret(client, engine, dev):
    response = post(
        client,
        "/integrations/interactor/gmail/oauth-client",
        {"env": "development", "clientId": "mine.apps", "clientSecret": " "},
    )
    assert response.status_code == 400
    assert "Client secret must not be empty" in response.get_data(as_text=True)
    assert engine.environments.get(dev.id).oauth_clients == {}


def test_tester_form_has_an_input_for_each_field_of_the_schema(client):
    html = page(client, "/tester/interactor/googlecalendar-v1/calendar.events.insert")
    assert 'name="f:/calendarId"' in html
    assert '<fieldset class="field object" id="field-start" data-pointer="/start">' in html
    assert 'id="field-start-dateTime" name="f:/start/dateTime"' in html
    assert re.search(r'<textarea id="field-recurrence" name="f:/recurrence"[^>]*one string', html)
    assert re.search(
        r'<textarea id="field-attendees" name="f:/attendees" rows="3" class="mono"', html
    )
    guests = html.split('name="f:/guestsCanModify"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\w*)"', guests) == ["", "true", "false"]
    visibility = html.split('name="f:/visibility"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\w*)"', visibility) == [
        "",
        "default",
        "public",
        "private",
        "confidential",
    ]
    assert 'name="f:/conferenceDataVersion" inputmode="numeric"' in html
    nested = 'name="f:/conferenceData/createRequest/conferenceSolutionKey/type"'
    assert nested in html


def test_run_test_calls_the_api_and_shows_status_result_and_journal(client, engine, dev):
    engine.grant(dev, "gmail", "alice")
    form = {
        "env": "development",
        "account": "alice",
        "f:/to": "bob@example.com\n\ncarol@example.com\n",
        "f:/subject": "Plan",
        "f:/body": "Hi",
        "f:/bodyType": "html",
        "f:/cc": "",
    }
    response = post(client, TESTER, form, path_for_token=TESTER)
    html = response.get_data(as_text=True)
    assert text_of(html, "result-status") == "200"
    result = json.loads(text_of(html, "result-json"))
    info = result["output"]["message"]["message_info"]
    assert (info["to"], info["subject"], info["bodyType"]) == (
        ["bob@example.com", "carol@example.com"],
        "Plan",
        "html",
    )
    [entry] = engine.journal.entries(dev.id)
    assert (entry.action, entry.account, entry.status) == ("email.draft.create", "alice", 200)
    assert entry.input == {
        "to": ["bob@example.com", "carol@example.com"],
        "subject": "Plan",
        "body": "Hi",
        "bodyType": "html",
    }


def test_copy_as_curl_is_the_exact_command_with_the_key(client, engine, dev):
    engine.grant(dev, "gmail", "alice")
    form = {"env": "development", "account": "alice", "f:/to": "b@x.io", "f:/subject": "it's"}
    html = post(client, TESTER, form, path_for_token=TESTER).get_data(as_text=True)
    # The form left out the required body: the answer shown is the mock's 400 naming it.
    assert text_of(html, "result-status") == "400"
    assert json.loads(text_of(html, "result-json"))["error"] == (
        "Invalid input: /body: 'body' is a required property"
    )
    command = text_of(html, "curl-command")
    assert shlex.split(command) == [
        "curl",
        "-sS",
        "-X",
        "POST",
        "http://localhost/api/v1/connector/interactor/gmail/action/email.draft.create/execute"
        "?account=alice",
        "-H",
        f"x-api-key: {dev.api_key}",
        "-H",
        "Content-Type: application/json",
        "--data-raw",
        '{"to":["b@x.io"],"subject":"it\'s"}',
    ]


def test_validation_errors_are_shown_beside_their_fields(client, engine, dev):
    engine.grant(dev, "gmail", "alice")
    form = {"env": "development", "account": "alice", "f:/to": "b@x.io", "f:/body": "Hi"}
    html = post(client, TESTER, form, path_for_token=TESTER).get_data(as_text=True)
    assert text_of(html, "result-status") == "400"
    subject = html.split('data-pointer="/subject"')[1].split('data-pointer="/body"')[0]
    assert text_of(subject, "field-subject-errors") == "'subject' is a required property"
    assert html.count('class="field-errors"') == 1
    assert 'aria-describedby="field-subject-errors"' in subject


def test_nested_fields_and_numbers_are_sent_as_json_of_the_right_types(client, engine, dev):
    engine.grant(dev, "googlecalendar-v1", "alice")
    form = {
        "env": "development",
        "account": "alice",
        "f:/calendarId": "primary",
        "f:/start/dateTime": "2026-12-01T10:00:00Z",
        "f:/end/dateTime": "2026-12-01T11:00:00Z",
        "f:/guestsCanModify": "true",
        "f:/conferenceDataVersion": "1",
        "f:/attendees": '[{"email": "bob@example.com"}]',
    }
    path = "/tester/interactor/googlecalendar-v1/calendar.events.insert"
    html = post(client, path, form, path_for_token=path).get_data(as_text=True)
    assert text_of(html, "result-status") == "200"
    event = json.loads(text_of(html, "result-json"))["output"]["body"]
    assert (event["start"], event["attendees"], event["guestsCanModify"]) == (
        {"dateTime": "2026-12-01T10:00:00Z"},
        [{"email": "bob@example.com"}],
        True,
    )
    [entry] = engine.journal.entries(dev.id)
    assert entry.input == {
        "calendarId": "primary",
        "start": {"dateTime": "2026-12-01T10:00:00Z"},
        "end": {"dateTime": "2026-12-01T11:00:00Z"},
        "attendees": [{"email": "bob@example.com"}],
        "guestsCanModify": True,
        "conferenceDataVersion": 1,
    }


def test_entries_that_cannot_be_read_are_reported_beside_them_and_nothing_is_sent(
    client, engine, dev
):
    form = {
        "env": "development",
        "account": "alice",
        "f:/calendarId": "primary",
        "f:/conferenceDataVersion": "one",
        "f:/attendees": "[{",
    }
    path = "/tester/interactor/googlecalendar-v1/calendar.events.insert"
    response = post(client, path, form, path_for_token=path)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert text_of(html, "field-conferenceDataVersion-errors") == "'one' is not a whole number"
    assert text_of(html, "field-attendees-errors").startswith("not valid JSON")
    assert 'value="one"' in html
    assert engine.journal.entries(dev.id) == []


def test_connect_a_new_account_runs_the_grant_pages_and_comes_back_to_the_tester(
    client, engine, dev
):
    response = post(client, f"{TESTER}/connect", {"env": "development", "newAccount": "alice"})
    assert response.status_code == 303
    consent = urlsplit(response.headers["Location"])
    assert consent.path == "/oauth/google/authorize"
    [auth_url_call] = engine.journal.entries(dev.id)
    assert auth_url_call.path == "/api/v1/connector/interactor/gmail/auth-url"
    assert parse_qs(auth_url_call.query)["redirectUrl"] == [
        f"http://localhost{TESTER}?env=development"
    ]
    warning = page(client, f"{consent.path}?{consent.query}")
    assert "verified this app" in warning
    advanced = page(client, unescape(re.search(r'id="advanced" href="([^"]+)"', warning)[1]))
    consent_page = page(client, unescape(re.search(r'id="proceed" href="([^"]+)"', advanced)[1]))
    hidden = {
        unescape(name): unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">', consent_page
        )
    }
    decided = client.post(consent.path, data={**hidden, "decision": "approve"})
    assert decided.status_code == 302
    back = client.get(decided.headers["Location"])
    landing = urlsplit(back.headers["Location"])
    assert landing.path == TESTER
    assert parse_qs(landing.query) == {
        "env": ["development"],
        "success": ["true"],
        "connector": ["interactor/gmail"],
        "account": ["alice"],
    }
    html = page(client, f"{landing.path}?{landing.query}")
    assert text_of(html, "connected-notice") == "Account alice connected."
    assert '<option value="alice" selected>alice</option>' in html
    assert engine.oauth.credential(dev.id, "interactor", "gmail", "alice").source == "oauth"


def test_journal_lists_calls_newest_first_and_filters_them(client, engine, dev, headers):
    engine.grant(dev, "gmail", "alice")
    execute = "/api/v1/connector/interactor/gmail/action/{}/execute?account={}"
    client.post(execute.format("email.draft.list", "alice"), json={}, headers=headers)
    client.post(execute.format("email.draft.create", "alice"), json={}, headers=headers)
    client.post(execute.format("email.draft.list", "bob"), json={}, headers=headers)
    data = client.get("/journal.json?env=development").json
    assert [(e["action"], e["account"], e["status"]) for e in data["entries"]] == [
        ("email.draft.list", "bob", 500),
        ("email.draft.create", "alice", 400),
        ("email.draft.list", "alice", 200),
    ]
    assert data["count"] == 3
    assert data["latest"] == data["entries"][0]["seq"]

    def picked(query):
        found = client.get(f"/journal.json?env=development&{query}").json["entries"]
        return [(e["action"], e["account"]) for e in found]

    assert picked("status=4xx") == [("email.draft.create", "alice")]
    assert picked("status=200") == [("email.draft.list", "alice")]
    assert picked("account=alice&action=email.draft.list") == [("email.draft.list", "alice")]
    assert picked("connector=interactor/slack") == []
    html = page(client, "/journal?env=development&account=bob")
    assert html.count('<tr class="entry"') == 1
    assert (
        'data-poll="/journal.json?env=development&amp;connector=&amp;action=&amp;account=bob'
        in html
    )


def test_journal_rows_keep_secrets_redacted(client, dev, headers):
    client.get(
        "/api/v1/connector/gmail/auth-url?account=a&access_token=leaked-value", headers=headers
    )
    data = client.get("/journal.json?env=development").json
    assert "leaked-value" not in json.dumps(data)
    assert "access_token=[redacted]" in unescape(data["rows"])


def response_bodies(html):
    """The response bodies of the journal's rows, as text (tags dropped, entities decoded)."""
    found = re.findall(r'<pre class="json response-body[^"]*">(.*?)</pre>', html, re.S)
    return [unescape(body) for body in found]


def test_an_expanded_journal_row_shows_the_answer_pretty_printed_and_escaped(
    client, engine, dev, headers
):
    engine.grant(dev, "gmail", "alice")
    created = client.post(
        "/api/v1/connector/interactor/gmail/action/email.draft.create/execute?account=alice",
        json={"to": ["bob@example.com"], "subject": HOSTILE, "body": "b"},
        headers=headers,
    )
    draft_id = created.get_json()["output"]["id"]
    for html in (
        page(client, "/journal?env=development"),
        client.get("/journal.json").json["rows"],
    ):
        (body,) = response_bodies(html)
        assert json.loads(body) == created.get_json()
        assert f'\n    "id": "{draft_id}",\n' in body
        assert '"subject": "<script>alert(\\"x\\")</script>&"' in body
        assert "<script>alert" not in html
        assert "Response body</h4>" in html


def test_a_refused_call_shows_its_error_body_in_the_journal(client, engine, dev, headers):
    engine.grant(dev, "gmail", "alice")
    client.post(
        "/api/v1/connector/interactor/gmail/action/email.draft.create/execute?account=alice",
        json={"to": ["bob@example.com"], "body": "b"},
        headers=headers,
    )
    (body,) = response_bodies(page(client, "/journal?env=development"))
    assert json.loads(body) == {
        "error": "Invalid input: /subject: 'subject' is a required property",
        "details": [{"path": "/subject", "message": "'subject' is a required property"}],
    }


def test_a_journal_row_says_when_its_answer_was_cut(client, engine, dev, headers):
    engine.grant(dev, "gmail", "alice")
    url = "/api/v1/connector/interactor/gmail/action/email.draft.create/execute?account=alice"
    client.post(
        url, json={"to": ["b@example.com"], "subject": "s", "body": "z" * 20000}, headers=headers
    )
    client.post(
        url, json={"to": ["b@example.com"], "subject": "s", "body": "short"}, headers=headers
    )
    html = page(client, "/journal?env=development")
    assert html.count("truncated: the first 16 KiB of its JSON") == 1
    short, cut = response_bodies(html)
    assert json.loads(short)["output"]["message"]["message_info"]["body"] == "short"
    assert cut.startswith('{"output":{"id":"r')
    assert cut.endswith("…")
    assert len(cut.encode()) == 16384 + len("…".encode())


def test_journal_refuses_a_malformed_status_filter(client):
    response = client.get("/journal?status=abc")
    assert response.status_code == 400
    assert "status must be a code" in response.get_data(as_text=True)


def test_hostile_names_are_escaped_on_every_page(client, engine, dev, headers):
    engine.environments.create(HOSTILE)
    engine.grant(dev, "gmail", HOSTILE)
    listed = client.post(
        "/api/v1/connector/gmail/action/email.draft.list/execute",
        query_string={"account": HOSTILE},  # encoded: its "&" is part of the name
        json={},
        headers=headers,
    )
    assert listed.get_json()["output"]["drafts"] == []
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;"
    for path in ("/", TESTER, "/journal", "/tester"):
        html = page(client, path)
        assert "<script>alert" not in html, path
    assert escaped in page(client, "/")
    assert escaped in page(client, TESTER)
    assert escaped in page(client, "/journal")


def test_hostile_connector_names_are_escaped(tmp_path):
    from interactor_mock.config import MockConfig
    from interactor_mock.http.app import create_app

    source = json.loads((CONTRACTS / "slack.json").read_text(encoding="utf-8"))
    source["title"] = HOSTILE
    source["description"] = HOSTILE
    (tmp_path / "interactor").mkdir()
    (tmp_path / "interactor" / "slack.json").write_text(json.dumps(source), encoding="utf-8")
    client = create_app(MockConfig(contracts_dir=tmp_path)).test_client()
    for path in ("/integrations", "/integrations/interactor/slack", "/tester"):
        html = page(client, path)
        assert "<script>alert" not in html, path
        assert "&lt;script&gt;" in html, path


def test_unknown_pages_answer_a_console_error_page(client):
    response = client.get("/integrations/interactor/nope")
    assert response.status_code == 404
    assert "nope" in text_of(response.get_data(as_text=True), "error-message")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get("/journal?env=nowhere").status_code == 404


def test_static_files_are_served_only_under_the_console_with_its_headers(client):
    assert client.get("/static/console/console.css").status_code == 404
    with client.get("/_console/static/console.js") as response:
        assert response.status_code == 200
        assert "setUpJournal" in response.get_data(as_text=True)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
