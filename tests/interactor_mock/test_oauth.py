"""OAuth as a service: states and codes single-use and expiring at exactly their TTL.

The clock is the engine's injected one (``conftest.Clock``), moved by hand; the TTLs are the
defaults of ``MockConfig`` (code 600 s, state 3,600 s, access token 3,600 s), written here as
literals so a changed default is noticed.
"""

from __future__ import annotations

import re
from datetime import datetime
from datetime import timezone

import pytest

from interactor_mock.core.oauth import GrantError
from interactor_mock.core.oauth import check_redirect_url
from interactor_mock.core.oauth import default_client_id
from interactor_mock.errors import BadRequest
from interactor_mock.errors import CredentialNotFound

UNKNOWN_STATE = "Unknown or already used state: start again from a new auth-url"
UNKNOWN_CODE = "Unknown or already used authorization code"
EXPIRED_STATE = "This authorization request has expired: request a new auth-url"
EXPIRED_CODE = "The authorization code has expired: start again"
PUBLIC_URL = "http://127.0.0.1:9"


@pytest.fixture
def gmail(engine):
    return engine.registry.connector("gmail")


@pytest.fixture
def start(engine, dev, gmail):
    """Start a grant for an account; returns its state."""

    def make(account="alice", redirect_url=None):
        url = engine.oauth.start(
            dev, gmail, account, redirect_url=redirect_url, skip_input=False, public_url=PUBLIC_URL
        )
        prefix, state = url.split("&state=")
        assert prefix.startswith(f"{PUBLIC_URL}/oauth/google/authorize?client_id=")
        return state

    return make


def refused(call, message):
    with pytest.raises(GrantError) as raised:
        call()
    assert raised.value.message == message
    assert raised.value.status == 400


def test_a_state_is_valid_one_second_before_its_ttl(engine, start, clock):
    state = start()
    clock.advance(seconds=3599)
    pending = engine.oauth.pending(state)
    assert (pending.account, pending.connector, pending.env_id) == ("alice", "gmail", "development")
    assert pending.expires_at == datetime(2026, 11, 27, 13, 0, tzinfo=timezone.utc)


def test_a_state_expires_at_exactly_its_ttl_and_is_then_forgotten(engine, start, clock):
    state = start()
    clock.advance(seconds=3600)
    refused(lambda: engine.oauth.pending(state), EXPIRED_STATE)
    refused(lambda: engine.oauth.pending(state), UNKNOWN_STATE)


def test_a_code_is_valid_one_second_before_its_ttl(engine, dev, start, clock):
    state = start()
    code = engine.oauth.approve(engine.oauth.pending(state))
    clock.advance(seconds=599)
    credential = engine.oauth.exchange(state, code, "google")
    assert (credential.account, credential.provider, credential.source) == (
        "alice",
        "google",
        "oauth",
    )
    assert engine.oauth.credentials(dev.id) == [credential]


def test_a_code_expires_at_exactly_its_ttl_and_stores_nothing(engine, dev, start, clock):
    state = start()
    code = engine.oauth.approve(engine.oauth.pending(state))
    clock.advance(seconds=600)
    refused(lambda: engine.oauth.exchange(state, code, "google"), EXPIRED_CODE)
    assert engine.oauth.credentials(dev.id) == []


def test_after_a_successful_exchange_the_state_is_used_up(engine, dev, start):
    state = start()
    code = engine.oauth.approve(engine.oauth.pending(state))
    engine.oauth.exchange(state, code, "google")
    engine.oauth.delete_credential(dev.id, "interactor", "gmail", "alice")
    refused(lambda: engine.oauth.pending(state), UNKNOWN_STATE)
    refused(lambda: engine.oauth.exchange(state, code, "google"), UNKNOWN_STATE)
    assert engine.oauth.credentials(dev.id) == []


def test_a_second_code_of_a_used_state_cannot_grant(engine, dev, start):
    state = start()
    pending = engine.oauth.pending(state)
    first, second = engine.oauth.approve(pending), engine.oauth.approve(pending)
    engine.oauth.exchange(state, first, "google")
    engine.oauth.delete_credential(dev.id, "interactor", "gmail", "alice")
    refused(lambda: engine.oauth.exchange(state, second, "google"), UNKNOWN_STATE)
    assert engine.oauth.credentials(dev.id) == []


def test_a_used_code_is_refused_with_a_fresh_state_and_the_state_still_works(engine, dev, start):
    first_state = start()
    used = engine.oauth.approve(engine.oauth.pending(first_state))
    engine.oauth.exchange(first_state, used, "google")
    engine.oauth.delete_credential(dev.id, "interactor", "gmail", "alice")
    fresh = start("bob")
    refused(lambda: engine.oauth.exchange(fresh, used, "google"), UNKNOWN_CODE)
    assert engine.oauth.credentials(dev.id) == []
    code = engine.oauth.approve(engine.oauth.pending(fresh))
    assert engine.oauth.exchange(fresh, code, "google").account == "bob"


def test_a_denied_state_is_used_up(engine, start):
    state = start()
    engine.oauth.deny(engine.oauth.pending(state))
    refused(lambda: engine.oauth.pending(state), UNKNOWN_STATE)


def test_missing_state_and_missing_code_are_told_apart(engine, start):
    refused(lambda: engine.oauth.pending(None), "Missing state parameter")
    refused(lambda: engine.oauth.pending(""), "Missing state parameter")
    state = start()
    refused(lambda: engine.oauth.exchange(state, None, "google"), "Missing code parameter")
    refused(lambda: engine.oauth.exchange(state, "", "google"), "Missing code parameter")
    assert engine.oauth.pending(state).account == "alice"


def test_a_state_of_another_environment_is_unknown_there_only(engine, gmail, start):
    state = start()
    assert engine.oauth.pending(state).env_id == "development"
    testing = engine.environments.get("testing")
    other = engine.oauth.start(
        testing, gmail, "alice", redirect_url=None, skip_input=False, public_url=PUBLIC_URL
    ).split("&state=")[1]
    assert engine.oauth.pending(other).env_id == "testing"
    engine.environments.reset("development")
    refused(lambda: engine.oauth.pending(state), UNKNOWN_STATE)
    assert engine.oauth.pending(other).env_id == "testing"


def test_an_access_token_is_refreshed_at_exactly_its_ttl(engine, dev, clock):
    granted = engine.grant(dev, "gmail", "alice")
    clock.advance(seconds=3599)
    assert engine.oauth.refresh_if_expired(granted) is granted
    clock.advance(seconds=1)
    fresh = engine.oauth.refresh_if_expired(granted)
    assert fresh.access_token != granted.access_token
    assert fresh.refresh_token == granted.refresh_token
    assert fresh.expires_at == datetime(2026, 11, 27, 14, 0, tzinfo=timezone.utc)
    assert fresh.created_at == datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    assert engine.oauth.credential(dev.id, "interactor", "gmail", "alice") == fresh


def test_a_credentials_public_form_has_no_token_and_says_when_it_expires(engine, dev, clock):
    granted = engine.grant(dev, "gmail", "alice")
    public = granted.public(clock())
    assert public == {
        "connector": "interactor/gmail",
        "account": "alice",
        "environment": "development",
        "provider": "google",
        "scopes": list(engine.registry.connector("gmail").scopes),
        "status": "active",
        "createdAt": "2026-11-27T12:00:00Z",
        "updatedAt": "2026-11-27T12:00:00Z",
        "expiresAt": "2026-11-27T13:00:00Z",
        "hasRefreshToken": True,
        "source": "control-api",
    }
    clock.advance(seconds=3600)
    assert granted.public(clock())["status"] == "expired"
    assert granted.access_token not in repr(granted)


def test_an_expired_credential_cannot_refresh(engine, dev, clock):
    engine.grant(dev, "gmail", "alice")
    clock.advance(minutes=10)
    expired = engine.oauth.expire_credential(dev.id, "interactor", "gmail", "alice")
    assert expired.refresh_token == ""
    assert expired.expires_at == datetime(2026, 11, 27, 12, 9, 59, tzinfo=timezone.utc)
    assert expired.updated_at == datetime(2026, 11, 27, 12, 10, tzinfo=timezone.utc)
    assert expired.created_at == datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    assert engine.oauth.credential(dev.id, "interactor", "gmail", "alice") == expired
    assert expired.public(clock())["status"] == "expired"
    assert expired.public(clock())["hasRefreshToken"] is False


def test_deleting_a_missing_credential_says_which(engine, dev):
    with pytest.raises(CredentialNotFound, match="No credential for account 'zed'"):
        engine.oauth.delete_credential(dev.id, "interactor", "gmail", "zed")
    with pytest.raises(CredentialNotFound, match="'interactor/gmail'"):
        engine.oauth.credential(dev.id, "interactor", "gmail", "zed")


@pytest.mark.parametrize(
    "url", ["ftp://x.example/cb", "/relative", "https://", "javascript:alert(1)", "x"]
)
def test_a_redirect_url_must_be_absolute_http(url):
    with pytest.raises(BadRequest, match="redirectUrl must be an absolute") as raised:
        check_redirect_url(url)
    assert raised.value.extra == {"parameter": "redirectUrl"}


def test_good_and_empty_redirect_urls_pass():
    assert check_redirect_url("https://app.example.com/done?x=1") == (
        "https://app.example.com/done?x=1"
    )
    assert check_redirect_url("http://127.0.0.1:8000/cb") == "http://127.0.0.1:8000/cb"
    assert check_redirect_url("") is None
    assert check_redirect_url(None) is None


def test_the_default_and_a_custom_client_id(engine, dev, gmail):
    assert default_client_id(gmail) == "interactor-mock-default-gmail.apps.example.invalid"
    assert engine.oauth.client_id(dev, gmail) == default_client_id(gmail)
    custom = engine.environments.set_oauth_client(dev.id, "interactor/gmail", "mine", "s")
    assert engine.oauth.client_id(custom, gmail) == "mine"
    assert engine.oauth.uses_default_app(custom, gmail) is False


# --- what is stored, and its shape ----------------------------------------------------------


def test_states_codes_and_tokens_have_their_documented_entropy(engine, dev, start):
    state = start()
    code = engine.oauth.approve(engine.oauth.pending(state))
    # 24 random bytes as URL-safe base64: 32 characters; tokens 16 bytes: 22 characters.
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", state)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", code)
    credential = engine.oauth.exchange(state, code, "google")
    assert re.fullmatch(r"mock-access-[A-Za-z0-9_-]{22}", credential.access_token)
    assert re.fullmatch(r"mock-refresh-[A-Za-z0-9_-]{22}", credential.refresh_token)


def test_a_used_state_leaves_no_record_in_either_scope(engine, dev, start):
    state = start()
    assert engine.store.get("", "oauth-state", state) == "development"
    assert engine.store.get("development", "oauth-state", state)["account"] == "alice"
    code = engine.oauth.approve(engine.oauth.pending(state))
    engine.oauth.exchange(state, code, "google")
    assert engine.store.get("", "oauth-state", state) is None
    assert engine.store.get("development", "oauth-state", state) is None
    assert engine.store.get("", "oauth-code", code) is None


@pytest.mark.parametrize("how", ["deny", "expire"])
def test_a_denied_or_expired_state_leaves_no_record(engine, start, clock, how):
    state = start()
    if how == "deny":
        engine.oauth.deny(engine.oauth.pending(state))
    else:
        clock.advance(seconds=3600)
        refused(lambda: engine.oauth.pending(state), EXPIRED_STATE)
    assert engine.store.get("", "oauth-state", state) is None
    assert engine.store.get("development", "oauth-state", state) is None


def test_a_code_of_another_state_is_refused_exactly(engine, start):
    first, second = start("alice"), start("bob")
    code = engine.oauth.approve(engine.oauth.pending(first))
    refused(
        lambda: engine.oauth.exchange(second, code, "google"),
        "The authorization code was not issued for this state",
    )


@pytest.mark.parametrize("skip", [True, False])
def test_a_pending_grant_keeps_what_was_asked(engine, dev, gmail, skip):
    url = engine.oauth.start(
        dev,
        gmail,
        "alice",
        redirect_url="https://app.example.com/done",
        skip_input=skip,
        public_url=PUBLIC_URL,
    )
    pending = engine.oauth.pending(url.split("&state=")[1])
    assert pending.skip_input is skip
    assert pending.redirect_url == "https://app.example.com/done"
    assert pending.client_id == "interactor-mock-default-gmail.apps.example.invalid"
    assert pending.scopes == tuple(gmail.scopes)
    assert (pending.owner, pending.connector) == ("interactor", "gmail")


def test_a_second_grant_keeps_the_creation_time_and_renews_the_rest(engine, dev, clock):
    first = engine.grant(dev, "gmail", "alice")
    clock.advance(minutes=30)
    second = engine.grant(dev, "gmail", "alice")
    assert second.created_at == datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    assert second.updated_at == datetime(2026, 11, 27, 12, 30, tzinfo=timezone.utc)
    assert second.expires_at == datetime(2026, 11, 27, 13, 30, tzinfo=timezone.utc)
    assert second.access_token != first.access_token
    assert engine.oauth.credentials(dev.id) == [second]


def test_a_refresh_updates_the_time_and_is_stored(engine, dev, clock):
    granted = engine.grant(dev, "gmail", "alice")
    clock.advance(hours=1, minutes=5)
    fresh = engine.oauth.refresh_if_expired(granted)
    assert fresh.updated_at == datetime(2026, 11, 27, 13, 5, tzinfo=timezone.utc)
    assert fresh.expires_at == datetime(2026, 11, 27, 14, 5, tzinfo=timezone.utc)
    assert re.fullmatch(r"mock-access-[A-Za-z0-9_-]{22}", fresh.access_token)


def test_credentials_are_listed_in_key_order_per_environment(engine, dev):
    engine.grant(dev, "slack", "bob")
    engine.grant(dev, "gmail", "zed")
    engine.grant(dev, "gmail", "amy")
    engine.grant(engine.environments.get("testing"), "gmail", "other")
    listed = [(c.connector, c.account) for c in engine.oauth.credentials(dev.id)]
    assert listed == [("gmail", "amy"), ("gmail", "zed"), ("slack", "bob")]


def test_a_redirect_url_refusal_is_exact():
    with pytest.raises(BadRequest) as raised:
        check_redirect_url("ftp://x")
    assert raised.value.message == "redirectUrl must be an absolute http or https URL"


BAD_PORT = "redirectUrl has an invalid port (a number from 0 to 65535)"
NO_HTTP_URL = "redirectUrl must be an absolute http or https URL"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://a.example:99999/cb", BAD_PORT),
        ("https://a.example:70000", BAD_PORT),
        ("HTTPS://a.example:65536/x", BAD_PORT),  # the scheme in any case, as urlsplit reads it
        ("http://127.0.0.1:100000?x=1", BAD_PORT),
        ("ftp://h.example:99999/", NO_HTTP_URL),  # a bad port, but not an http URL first
        ("http://:99999/cb", NO_HTTP_URL),  # no host
        ("http://[abc]/cb", NO_HTTP_URL),  # a bracketed host that is no IP: urlsplit refuses
        ("https://[::1/cb", NO_HTTP_URL),
    ],
)
def test_a_bad_port_is_named_only_in_an_http_url_with_a_host(url, message):
    with pytest.raises(BadRequest) as raised:
        check_redirect_url(url)
    assert raised.value.message == message
    assert raised.value.extra == {"parameter": "redirectUrl"}


def test_without_the_uri_validator_only_white_space_and_controls_are_refused(monkeypatch):
    # jsonschema-rs is a dependency; the fallback keeps the module importable without it.
    from interactor_mock.core import oauth

    assert oauth._is_uri("http://a.example/[x]") is False  # the validator reads RFC 3986
    monkeypatch.setattr(oauth, "_uri_validator", None)
    assert oauth._is_uri("http://a.example/[x]") is True
    for bad in ("http://a.example/a b", "http://a.example/\x01", "http://a.example/\t"):
        assert oauth._is_uri(bad) is False, bad
    assert oauth._is_uri("http://a.example/~!") is True


def test_an_unknown_code_is_refused_with_its_own_message(engine, dev, gmail):
    url = engine.oauth.start(
        dev, gmail, "amy", redirect_url=None, skip_input=False, public_url="http://m"
    )
    state = url.rsplit("state=", 1)[1]
    with pytest.raises(GrantError) as refused:
        engine.oauth.exchange(state, "not-a-code", "google")
    assert str(refused.value) == "Unknown or already used authorization code"


def test_a_code_another_worker_took_meanwhile_is_refused_and_grants_nothing(
    engine, dev, gmail, monkeypatch
):
    # Two callbacks with one code on two workers: both read it, one takes it; the other
    # finds nothing to take and must not store a credential.
    url = engine.oauth.start(
        dev, gmail, "amy", redirect_url=None, skip_input=False, public_url="http://m"
    )
    state = url.rsplit("state=", 1)[1]
    code = engine.oauth.approve(engine.oauth.pending(state))
    taken = engine.store.take("", "oauth-code", code)  # the other worker's take
    assert taken is not None
    real_get = engine.store.get

    def get(scope, kind, key):  # this worker read the code before the other took it
        if (scope, kind, key) == ("", "oauth-code", code):
            return taken
        return real_get(scope, kind, key)

    monkeypatch.setattr(engine.store, "get", get)
    with pytest.raises(GrantError) as refused:
        engine.oauth.exchange(state, code, "google")
    assert str(refused.value) == "Unknown or already used authorization code"
    assert [c.account for c in engine.oauth.credentials(dev.id)] == []
