"""httpx clients, sync and async, inside ``interactor_mock.mock()``: the same app, handle,
journal, near-miss assertions and passthrough as for ``requests``."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

import interactor_mock
from interactor_mock import MockServer

API = "https://console.interactor.com/api/v1"
DRAFT = {"to": ["bob@example.com"], "subject": "Lunch?", "body": "Noon?"}


def _execute_url(action: str) -> str:
    return f"{API}/connector/interactor/gmail/action/{action}/execute"


def test_a_sync_httpx_client_creates_a_draft_the_mock_then_lists():
    with interactor_mock.mock() as m:
        m.grant("gmail", "alice")
        with httpx.Client(headers=m.headers) as client:
            created = client.post(
                _execute_url("email.draft.create"), params={"account": "alice"}, json=DRAFT
            )
            listed = client.post(
                _execute_url("email.draft.list"), params={"account": "alice"}, json={}
            )
        assert created.status_code == 200
        draft = created.json()["output"]
        assert draft["message"]["snippet"] == "Noon?"
        assert [d["id"] for d in listed.json()["output"]["drafts"]] == [draft["id"]]
        m.assert_called("gmail", "email.draft.create", account="alice", times=1)
        assert [c.action for c in m.calls] == ["email.draft.create", "email.draft.list"]


def test_an_async_httpx_client_gets_the_same_answers_and_journal():
    async def run(m):
        async with httpx.AsyncClient(headers=m.headers) as client:
            missing = await client.post(
                _execute_url("email.draft.create"), params={"account": "carol"}, json=DRAFT
            )
            m.grant("gmail", "carol")
            created = await client.post(
                _execute_url("email.draft.create"), params={"account": "carol"}, json=DRAFT
            )
            return missing, created

    with interactor_mock.mock() as m:
        missing, created = asyncio.run(run(m))
        assert missing.status_code == 500
        assert missing.json() == {"error": "Account has no tokens"}
        assert created.json()["output"]["id"].startswith("r")
        assert [(c.account, c.status) for c in m.calls] == [("carol", 500), ("carol", 200)]


def test_a_near_miss_made_with_httpx_is_explained():
    with interactor_mock.mock() as m:
        m.grant("gmail", "bob")
        httpx.post(
            _execute_url("email.draft.create"),
            params={"account": "bob"},
            json=DRAFT,
            headers=m.headers,
        )
        with pytest.raises(AssertionError, match="account is 'bob', not 'alice'"):
            m.assert_called("gmail", "email.draft.create", account="alice")


def test_a_wrong_key_over_httpx_is_a_401_from_the_mock():
    with interactor_mock.mock():
        response = httpx.post(
            _execute_url("email.list"), params={"account": "a"}, json={}, headers={"x-api-key": "x"}
        )
    assert response.status_code == 401
    assert "error" in response.json()


def test_other_urls_are_refused_and_passthrough_prefixes_reach_the_network():
    with MockServer() as real:
        health = f"{real.url}/_mock/health"
        with interactor_mock.mock(passthrough=[real.url]):
            assert httpx.get(health).json()["status"] == "ok"  # passed through
            with pytest.raises(respx.models.AllMockedAssertionError):
                httpx.get("http://127.0.0.1:9/elsewhere")
        # After the block httpx is not intercepted any more.
        assert httpx.get(health).status_code == 200


def test_the_mock_answers_httpx_at_a_custom_base_url_and_the_oauth_pages_of_its_origin():
    base = "http://interactor.test/api/v1"
    with interactor_mock.mock(base) as m:
        url = httpx.get(
            f"{base}/connector/interactor/gmail/auth-url",
            params={"account": "alice"},
            headers=m.headers,
        ).json()
        assert url.startswith("http://interactor.test/oauth/")
        page = httpx.get(url)
        assert page.status_code == 200
        assert "text/html" in page.headers["content-type"]
