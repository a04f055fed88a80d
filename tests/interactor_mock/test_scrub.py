"""Scrubbing rules as data: secrets and personal data replaced by stable placeholders."""

from __future__ import annotations

import copy
import json
import os
import re
import time
from datetime import datetime
from datetime import timezone

import pytest

from interactor_mock.contracts import default_registry
from interactor_mock.tooling.drift import compare_output
from interactor_mock.tooling.scrub import DEFAULT_RULES_PATH
from interactor_mock.tooling.scrub import Scrubber
from interactor_mock.tooling.scrub import ScrubError
from interactor_mock.tooling.scrub import ScrubLeak
from interactor_mock.tooling.scrub import ScrubRules
from interactor_mock.tooling.scrub import today

API_KEY = "interactor_AbCd1234_ZyXw9876ZyXw9876ZyXw9876ZyXw9876"


def test_the_default_rules_are_a_data_file_with_named_rules():
    data = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    rules = ScrubRules.default()
    assert [r.name for r in rules.keys] == [k["name"] for k in data["keys"]]
    assert [r.name for r in rules.patterns] == [p["name"] for p in data["patterns"]]
    assert {"interactor-api-key", "email-address", "date-time"} <= {r.name for r in rules.patterns}


def test_the_same_value_always_gets_the_same_placeholder():
    scrubber = Scrubber()
    first = scrubber.scrub({"to": ["ann.lee@corp.io", "bo@corp.io"], "cc": ["ann.lee@corp.io"]})
    assert first == {"to": ["user1@example.com", "user2@example.com"], "cc": ["user1@example.com"]}
    assert scrubber.scrub({"from": "bo@corp.io"}) == {"from": "user2@example.com"}


def test_secret_fields_are_replaced_whatever_their_value():
    scrubber = Scrubber()
    out = scrubber.scrub(
        {"access_token": "opaque", "refresh_token": "opaque2", "code": "4/xyz", "state": "s1"}
    )
    assert set(out.values()) == {
        "scrubbed-secret-1",
        "scrubbed-secret-2",
        "scrubbed-secret-3",
        "scrubbed-secret-4",
    }


def test_known_secrets_and_key_shaped_strings_are_replaced_anywhere():
    scrubber = Scrubber(secrets=["hunter2-long-secret"])
    out = scrubber.scrub(
        {
            "note": f"key {API_KEY} and hunter2-long-secret",
            "other": "interactor_QQQQ1111_" + "q" * 32,
        }
    )
    text = json.dumps(out)
    assert API_KEY not in text
    assert "hunter2-long-secret" not in text
    assert "interactor_QQQQ1111_" not in text
    assert "interactor_scrubbed_" in text


def test_tokens_in_urls_and_headers_are_replaced_but_the_url_keeps_its_shape():
    scrubber = Scrubber()
    url = (
        "https://accounts.google.com/o/oauth2/auth?client_id=123.apps.googleusercontent.com"
        "&state=St4te&code=4/0AbCdEf&redirect_uri=https%3A%2F%2Fexample.com&scope=mail"
    )
    out = scrubber.scrub({"url": url, "note": "Authorization: Bearer ya29.a0AfH6SMBabcdefghij"})
    assert out["url"].startswith("https://accounts.google.com/o/oauth2/auth?client_id=scrubbed-")
    assert "&redirect_uri=https%3A%2F%2Fexample.com&scope=mail" in out["url"]
    assert "St4te" not in out["url"]
    assert "4/0AbCdEf" not in out["url"]
    assert out["note"] == "Authorization: Bearer scrubbed-token-1"


def test_names_found_in_fields_or_before_addresses_are_replaced_everywhere():
    scrubber = Scrubber()
    out = scrubber.scrub(
        {
            "snippet": "Hi Margaret, see you Friday",
            "headers": [{"name": "From", "value": '"Margaret Oakley" <m.oakley@corp.io>'}],
            "displayName": "Theodore Quill",
            "body": "Theodore wrote: thanks m.oakley",
        }
    )
    text = json.dumps(out)
    for original in ("Margaret", "Oakley", "Theodore", "Quill", "m.oakley", "corp.io"):
        assert original not in text
    assert out["headers"][0] == {"name": "From", "value": '"Person 1" <user1@example.com>'}
    assert out["snippet"] == "Hi Person 1, see you Friday"


def test_volatile_ids_and_dates_are_normalised_keeping_their_shape():
    scrubber = Scrubber()
    out = scrubber.scrub(
        {
            "id": "18c2f0a1b2c3d4e5",
            "threadId": "18c2f0a1b2c3d4e5",
            "labelIds": ["INBOX"],
            "created": "2025-03-04T10:11:12.345Z",
            "day": "2025-03-04",
            "internalDate": "1741083072000",
        }
    )
    assert out["id"] == out["threadId"] != "18c2f0a1b2c3d4e5"
    assert re.fullmatch(r"[0-9a-f]{16}", out["id"])
    assert out["labelIds"] == ["INBOX"]
    # One whole-day shift for all three (2025-03-04 -> 2026-01-01: 303 days), format kept.
    assert out["created"] == "2026-01-01T10:11:12.345Z"
    assert out["day"] == "2026-01-01"
    assert out["internalDate"] == "1767262272000"


def test_a_scrubbed_answer_still_fits_its_contract():
    registry = default_registry()
    scrubber = Scrubber()
    for name in ("email.get", "email.draft.get", "email.list"):
        action = registry.action("gmail", name)
        for example in action.examples:
            scrubbed = scrubber.scrub(copy.deepcopy(example["output"]))
            assert compare_output(action, scrubbed) == [], (name, example["name"])


def test_accounts_are_replaced_as_whole_words_only():
    scrubber = Scrubber(accounts=["alice"])
    assert scrubber.scrub({"a": "alice", "b": "malice", "c": "for alice."}) == {
        "a": "account-1",
        "b": "malice",
        "c": "for account-1.",
    }


def test_leaks_names_what_survived_without_showing_it():
    scrubber = Scrubber(secrets=["sup3r-s3cret-value"])
    assert scrubber.leaks({"ok": "nothing here"}) == []
    found = scrubber.leaks({"bad": f"leaked {API_KEY} and sup3r-s3cret-value"})
    assert found == ["a learned secret value is present", "pattern 'interactor-api-key' matches"]
    with pytest.raises(ScrubLeak) as raised:
        scrubber.check({"bad": "sup3r-s3cret-value"})
    assert "sup3r" not in str(raised.value)


def test_a_user_file_adds_rules_literals_and_disables_defaults(tmp_path):
    user = tmp_path / "rules.json"
    user.write_text(
        json.dumps(
            {
                "keys": [{"name": "project", "match": "^project$", "kind": "literal"}],
                "patterns": [
                    {
                        "name": "ticket",
                        "regex": "TICKET-\\d+",
                        "kind": "secret",
                        "placeholder": "TICKET-{n:04d}",
                    }
                ],
                "literals": ["Acme Rockets", {"value": "Wile", "placeholder": "Coyote {n}"}],
                "disable": ["date"],
            }
        )
    )
    scrubber = Scrubber(ScrubRules.load(user))
    out = scrubber.scrub(
        {
            "project": "moonshot",
            "text": "Acme Rockets ships TICKET-77 for Wile",
            "day": "2025-01-02",
        }
    )
    assert out == {
        "project": "scrubbed-2",
        "text": "scrubbed-1 ships TICKET-0001 for Coyote 1",
        "day": "2025-01-02",
    }


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"keys": [{"name": "x", "match": "(", "kind": "secret"}]}, "bad regular expression"),
        ({"keys": [{"name": "x", "match": "a", "kind": "weird"}]}, "kind must be one of"),
        ({"patterns": [{"name": "p", "regex": "a", "kind": "secret", "group": 2}]}, "group"),
        ({"disable": ["no-such-rule"]}, "no default rule named no-such-rule"),
        ({"literals": [3]}, "literals[0]"),
        ({"surprise": 1}, "unknown key(s) surprise"),
        ({"keys": [{"name": "x", "match": "a", "kind": "secret", "placeholder": "{m}"}]}, "{n}"),
    ],
)
def test_malformed_user_rules_are_refused_naming_the_rule(tmp_path, rules, message):
    user = tmp_path / "rules.json"
    user.write_text(json.dumps(rules))
    with pytest.raises(ScrubError) as raised:
        ScrubRules.load(user)
    assert message in str(raised.value)
    assert str(user) in str(raised.value)


KNOWN = (
    "api-key-field, assigned-secret, authorization-header-value, aws-access-key, date, "
    "date-time, email-address, email-field, epoch-millis-field, github-gitlab-token, "
    "google-oauth-token, id-field, interactor-api-key, jwt, name-before-address, "
    "person-name-field, private-key-block, rfc2822-date-time, secret-field, slack-token, "
    "url-secret-parameter"
)
SECRET_KEY = {"name": "x", "match": "a", "kind": "secret"}


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([], "u.json: rules must be a JSON object"),
        ({"surprise": 1, "alpha": 2}, "u.json: unknown key(s) alpha, surprise"),
        ({"disable": "date"}, "u.json: disable must be a list of strings"),
        ({"disable": [1]}, "u.json: disable must be a list of strings"),
        (
            {"disable": ["zz", "nope"]},
            f"u.json: disable: no default rule named nope, zz (known: {KNOWN})",
        ),
        ({"keys": {}}, "u.json: keys must be a list"),
        ({"patterns": "x"}, "u.json: patterns must be a list"),
        ({"keys": [3]}, "u.json: keys[0]: must be an object"),
        (
            {"patterns": [{"regex": "a", "kind": "weird"}]},
            "u.json: patterns[0] (patterns-0): kind must be one of account, date, date-time, "
            "email, epoch-ms, id, literal, name, secret",
        ),
        (
            {"keys": [SECRET_KEY, {"name": "y", "kind": "secret"}]},
            "u.json: keys[1] (y).match: a regular expression (string) is required",
        ),
        (
            {"patterns": [{"name": "p", "kind": "secret", "match": "a"}]},
            "u.json: patterns[0] (p).regex: a regular expression (string) is required",
        ),
        (
            {"keys": [{**SECRET_KEY, "when": 5}]},
            "u.json: keys[0] (x).when: a regular expression (string) is required",
        ),
        (
            {"patterns": [{"name": "p", "regex": "(a)", "kind": "secret", "group": 2}]},
            "u.json: patterns[0] (p): group must be 0..1",
        ),
        (
            {"patterns": [{"name": "p", "regex": "a", "kind": "secret", "group": -1}]},
            "u.json: patterns[0] (p): group must be 0..0",
        ),
        (
            {"patterns": [{"name": "p", "regex": "a", "kind": "secret", "group": "1"}]},
            "u.json: patterns[0] (p): group must be 0..0",
        ),
        (
            {"keys": [{**SECRET_KEY, "placeholder": "{m}"}]},
            "u.json: keys[0] (x): placeholder must be a string using {n}",
        ),
        (
            {"keys": [{**SECRET_KEY, "placeholder": 7}]},
            "u.json: keys[0] (x): placeholder must be a string using {n}",
        ),
        ({"literals": {}}, "u.json: literals must be a list"),
        ({"literals": ["ok", 3]}, "u.json: literals[1] must be a string or {value, placeholder}"),
        (
            {"literals": [{"value": 3}]},
            "u.json: literals[0] must be a string or {value, placeholder}",
        ),
        ({"literals": [""]}, "u.json: literals[0] must not be empty"),
        (
            {"literals": [{"value": "v", "placeholder": "{0}"}]},
            "u.json: literals[0]: placeholder must use {n}",
        ),
    ],
)
def test_each_malformed_rule_is_refused_with_its_exact_message(rules, message):
    with pytest.raises(ScrubError) as raised:
        ScrubRules.default().extended(rules, where="u.json")
    assert str(raised.value) == message


def test_user_rules_come_first_and_disabled_defaults_go():
    defaults = ScrubRules.default()
    rules = defaults.extended(
        {
            "keys": [{"name": "mine", "match": "^x$", "kind": "secret"}],
            "patterns": [
                {"name": "p", "regex": "a", "kind": "secret"},
                {"regex": "b", "kind": "id"},
            ],
            "literals": ["Acme", {"value": "Wile", "placeholder": "W{n}"}],
            "disable": ["date", "secret-field"],
            "description": "ignored",
            "formatVersion": 1,
        }
    )
    assert [r.name for r in rules.keys] == ["mine"] + [
        r.name for r in defaults.keys if r.name != "secret-field"
    ]
    assert [r.name for r in rules.patterns] == ["p", "patterns-1"] + [
        r.name for r in defaults.patterns if r.name != "date"
    ]
    assert rules.literals == (("Acme", None), ("Wile", "W{n}"))
    assert (rules.keys[0].on_keys, rules.patterns[0].on_keys) == (True, False)
    assert rules.patterns[1].kind == "id"


def test_a_rules_file_that_is_not_json_is_refused(tmp_path):
    user = tmp_path / "rules.json"
    user.write_text("{nope")
    with pytest.raises(ScrubError, match="not valid JSON"):
        ScrubRules.load(user)


# --- one example per default pattern and per variant, each rule alone -----------------------

T = "scrubbed-token-1"
S1 = "scrubbed-secret-1"
PEM = "MIIEowIBAAKCAQEAlook\nalikeBase64==\n"
#: (rule, text, the text scrubbed by that rule alone): literal expectations.
PATTERN_EXAMPLES = [
    (
        "interactor-api-key",
        "k=interactor_AbCd1234_0123456789abcdef;",
        "k=interactor_scrubbed_00000000000000000000000000000001;",
    ),
    (
        "interactor-api-key",
        "interactor_AbCd1234_" + "Zz09" * 8,
        "interactor_scrubbed_00000000000000000000000000000001",
    ),
    (
        "authorization-header-value",
        "Authorization: Bearer abcDEF123.x-y",
        f"Authorization: Bearer {T}",
    ),
    ("authorization-header-value", "bearer abcdefgh", f"bearer {T}"),
    ("authorization-header-value", "Basic dXNlcjpwYXNz==", f"Basic {T}"),
    ("authorization-header-value", "BASIC dXNlcjpwYXNz", f"BASIC {T}"),
    ("jwt", "t=eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl end", f"t={T} end"),
    ("google-oauth-token", "ya29.a0AfH6SMC-abc_def", T),
    ("google-oauth-token", "r 1//0gAbCdEfGhIj-_x", f"r {T}"),
    ("google-oauth-token", "4/0AX4XfWjAbCdEfGhIjKlMn", T),
    *(
        ("slack-token", f"tok xox{letter}-1234567890-AbC end", f"tok {T} end")
        for letter in "abposre"
    ),
    *(
        ("github-gitlab-token", f"{prefix}_AbCdEfGhIjKlMnOpQrSt12", T)
        for prefix in ("ghp", "gho", "ghu", "ghs", "ghr")
    ),
    ("github-gitlab-token", "github_pat_11AbCdEfGh_IjKlMnOpQrSt", T),
    ("github-gitlab-token", "glpat-AbCdEfGhIjKlMnOpQr-_", T),
    ("aws-access-key", "id AKIAIOSFODNN7EXAMPLE.", f"id {T}."),
    ("aws-access-key", "ASIAY34FZKBOKMUTVV7A", T),
    *(
        (
            "private-key-block",
            f"a\n-----BEGIN {kind}PRIVATE KEY-----\n{PEM}-----END {kind}PRIVATE KEY-----\nb",
            "a\nscrubbed-private-key-1\nb",
        )
        for kind in ("", "RSA ", "EC ", "OPENSSH ")
    ),
    *(
        (
            "url-secret-parameter",
            f"https://x.example/cb{sep}{name}=v4lue-1&n=2",
            f"https://x.example/cb{sep}{name}={S1}&n=2",
        )
        for sep in "?&#;"
        for name in ("code",)
    ),
    *(
        ("url-secret-parameter", f"/cb?a=1&{name}=v4lue-1", f"/cb?a=1&{name}={S1}")
        for name in (
            "code",
            "state",
            "access_token",
            "refresh_token",
            "id_token",
            "token",
            "client_secret",
            "client_id",
            "key",
            "api_key",
            "apikey",
            "password",
            "sig",
            "signature",
            "CODE",
        )
    ),
    *(
        ("assigned-secret", f"{name}=hunter22;", f"{name}={S1};")
        for name in (
            "password",
            "passwd",
            "secret",
            "api_key",
            "apikey",
            "access_token",
            "refresh_token",
            "PASSWORD",
        )
    ),
    ("assigned-secret", 'api_key: "abcdef12"', f'api_key: "{S1}"'),
    ("assigned-secret", "{'secret': 'abcdef12'}", f"{{'secret': '{S1}'}}"),
    ("name-before-address", "From: Margaret Oakley <m@x.io>", "From: Person 1 <m@x.io>"),
    ("name-before-address", '"Ann Lee" <a@b.co>', '"Person 1" <a@b.co>'),
    ("email-address", "to ann.lee+x@corp-mail.co.uk now", "to user1@example.com now"),
    ("email-address", "A_B%c@x-y.io", "user1@example.com"),
    # Dates shift by whole days, the first one seen to 2026-01-01; times and zones are kept.
    ("date-time", "at 2025-05-06T07:08:09Z.", "at 2026-01-01T07:08:09Z."),
    ("date-time", "2025-05-06 07:08", "2026-01-01 07:08"),
    ("date-time", "2025-05-06T07:08:09.123+02:00", "2026-01-01T07:08:09.123+02:00"),
    ("date-time", "2025-05-06T07:08:09-0500", "2026-01-01T07:08:09-0500"),
    ("rfc2822-date-time", "Tue, 06 May 2025 07:08:09 +0000", "Thu, 01 Jan 2026 07:08:09 +0000"),
    ("rfc2822-date-time", "sent 6 May 2025 07:08 GMT.", "sent 1 Jan 2026 07:08 GMT."),
    ("date", "on 2025-05-06, ok", "on 2026-01-01, ok"),
]

#: Look-alikes each rule must leave alone (just below a length, another prefix, ...).
PATTERN_MISSES = [
    ("interactor-api-key", "interactor_AbCd1234_0123456789abcde"),
    ("authorization-header-value", "Bearer short"),
    ("jwt", "eyJabc.eyJdef.ghi"),
    ("google-oauth-token", "ya29.short"),
    ("slack-token", "xoxq-1234567890-AbC"),
    ("slack-token", "xoxb-123456789"),
    ("github-gitlab-token", "ghx_AbCdEfGhIjKlMnOpQrSt12"),
    ("github-gitlab-token", "ghp_AbCdEfGhIjKlMnOpQrS"),
    ("aws-access-key", "AKIAIOSFODNN7EXAMP"),
    ("private-key-block", "-----BEGIN PUBLIC KEY-----\nMII\n-----END PUBLIC KEY-----"),
    ("url-secret-parameter", "/cb?account=v4lue-1&codec=x"),
    ("assigned-secret", "password=abc"),
    ("name-before-address", "lower case <a@b.co>"),
    ("email-address", "not-an-address@localhost"),
    ("date-time", "12025-05-06T07:08x"),
    ("rfc2822-date-time", "06 May 2025"),
    ("date", "2025-05-06T07:08:09Z"),
]


def only(name: str) -> Scrubber:
    """A scrubber with the one default pattern rule ``name`` and nothing else."""
    (rule,) = [r for r in ScrubRules.default().patterns if r.name == name]
    return Scrubber(ScrubRules(keys=(), patterns=(rule,)))


def test_every_default_pattern_has_examples_here():
    names = [r.name for r in ScrubRules.default().patterns]
    assert sorted(set(names)) == sorted({name for name, _, _ in PATTERN_EXAMPLES})
    assert sorted(set(names)) == sorted({name for name, _ in PATTERN_MISSES})


@pytest.mark.parametrize(("rule", "text", "expected"), PATTERN_EXAMPLES)
def test_each_default_pattern_replaces_each_variant(rule, text, expected):
    assert only(rule).scrub_text(text) == expected


@pytest.mark.parametrize(("rule", "text"), PATTERN_MISSES)
def test_each_default_pattern_leaves_look_alikes_alone(rule, text):
    assert only(rule).scrub_text(text) == text


@pytest.mark.parametrize(("rule", "text", "expected"), PATTERN_EXAMPLES)
def test_the_full_default_rules_leave_no_example_secret(rule, text, expected):
    scrubber = Scrubber()
    scrubbed = scrubber.scrub({"note": text})
    if rule in ("date-time", "rfc2822-date-time", "date"):
        assert scrubbed == {"note": expected}
    else:
        assert scrubbed != {"note": text}
        assert scrubber.leaks(scrubbed) == []


def test_a_date_time_with_a_space_is_normalised_once_not_again_as_a_date():
    scrubber = Scrubber()
    assert scrubber.scrub_text("2025-05-06 07:08:09 and 2025-05-07") == (
        "2026-01-01 07:08:09 and 2026-01-02"
    )


# --- volatile values keep their shape; learned values are replaced everywhere ---------------


def test_volatile_values_are_reshaped_to_literal_stand_ins():
    scrubber = Scrubber()
    out = scrubber.scrub(
        {
            "id": "18c2f0a1b2c3d4e5",
            "threadId": "ABCDEF0123456789",
            "messageId": "AbC-123xyz_Q9",
            "internalDate": "1700000000000",
            "created_at_ms": "170000000000",
        }
    )
    assert out == {
        "id": "19b1e6f0b4d2c1c5",  # lower-case hex stays lower-case hex
        "threadId": "ADFBDA2313421194",  # upper-case hex stays upper-case hex
        "messageId": "AbC-044cti_G4",  # its prefix kept, then digits and letters in place
        "internalDate": "1767305600000",  # shifted by whole days, as dates are
        "created_at_ms": "237305600000",  # the same shift, in the original's 12 digits
    }
    assert scrubber.scrub({"id": "18c2f0a1b2c3d4e5"}) == {"id": "19b1e6f0b4d2c1c5"}


def test_known_secrets_accounts_and_added_secrets_are_replaced_as_literals():
    scrubber = Scrubber(secrets=["topsecretvalue"], accounts=["moakley"])
    assert scrubber.scrub_text("x topsecretvalue y moakley z moakleyish") == (
        "x scrubbed-secret-1 y account-1 z moakleyish"
    )
    scrubber.add_secret("another-one-99")
    scrubber.add_secret("")
    assert scrubber.scrub_text("a another-one-99 b") == "a scrubbed-secret-2 b"
    assert scrubber.scrub({"k": ["topsecretvalue"]}) == {"k": ["scrubbed-secret-1"]}


def test_a_leak_is_described_without_the_secret():
    scrubber = Scrubber(secrets=["topsecretvalue"])
    value = {"a": "topsecretvalue", "b": "interactor_AbCd1234_0123456789abcdefXYZ"}
    assert scrubber.leaks({"a": "topsecretvalue"}) == ["a learned secret value is present"]
    with pytest.raises(ScrubLeak) as raised:
        scrubber.check(value)
    assert raised.value.leaks == [
        "a learned secret value is present",
        "pattern 'interactor-api-key' matches",
    ]
    assert str(raised.value) == (
        "a secret survived scrubbing: a learned secret value is present; "
        "pattern 'interactor-api-key' matches"
    )


def test_an_address_teaches_its_local_part_and_a_name_its_words():
    scrubber = Scrubber()
    out = scrubber.scrub({"from": '"Ann Lee" <ann.lee@corp.io>', "note": "ann.lee wrote to Ann"})
    assert out == {"from": '"Person 1" <user1@example.com>', "note": "user1 wrote to Person 1"}


def test_a_user_literal_gets_its_own_placeholder():
    rules = ScrubRules.default().extended(
        {"literals": [{"value": "Wile E", "placeholder": "C{n}"}]}
    )
    assert Scrubber(rules).scrub_text("by Wile E today") == "by C1 today"
    plain = ScrubRules.default().extended({"literals": ["Roadrunner"]})
    assert Scrubber(plain).scrub_text("Roadrunner!") == "scrubbed-1!"


def test_digit_ids_and_long_epochs_keep_their_length():
    out = Scrubber().scrub({"id": "12345678901", "internalDate": "17000000000000"})
    assert out == {"id": "19314610149", "internalDate": "01767248000000"}


def test_the_longest_literal_or_account_wins():
    rules = ScrubRules.default().extended({"literals": ["Acme", "Acme Rockets"]})
    assert Scrubber(rules).scrub_text("Acme Rockets and Acme") == "scrubbed-2 and scrubbed-1"
    accounts = Scrubber(accounts=["alice", "alice smith"])
    assert accounts.scrub_text("alice smith and alice") == "account-2 and account-1"


def test_values_too_short_to_replace_everywhere_are_not_learned():
    # Secrets and address local parts of 4 characters or more are learned; name parts of 3.
    assert Scrubber(secrets=["abc", "abcd"]).scrub_text("abc abcd") == "abc scrubbed-secret-2"
    out = Scrubber().scrub({"a": "bob@x.io", "b": "anna@x.io", "c": "bob and anna"})
    assert out == {"a": "user1@example.com", "b": "user2@example.com", "c": "bob and user2"}
    named = Scrubber().scrub({"f": "Al Smith <al@b.co>", "n": "Al and Smith, van"})
    assert named == {"f": "Person 1 <user1@example.com>", "n": "Al and Person 1, van"}


def test_a_user_key_rule_applies_only_when_its_value_matches():
    rules = ScrubRules.default().extended(
        {"keys": [{"name": "k", "match": "^code2$", "kind": "secret", "when": "^\\d+$"}]}
    )
    out = Scrubber(rules).scrub({"code2": "abc", "x": {"code2": "123"}})
    assert out == {"code2": "abc", "x": {"code2": "scrubbed-secret-1"}}


def test_rules_without_literals_or_a_place_are_fine_and_named_by_default():
    rules = ScrubRules.default().extended({"disable": ["date"]})
    assert "date" not in [r.name for r in rules.patterns]
    assert rules.literals == ()
    with pytest.raises(ScrubError) as raised:
        ScrubRules.default().extended([])
    assert str(raised.value) == "<rules>: rules must be a JSON object"


# --- shapes, order and consistency of what is replaced --------------------------------------


def test_an_id_keeps_its_character_classes_position_by_position():
    def classes(text):
        return [
            "digit" if c.isdigit() else "lower" if c.islower() else "upper" if c.isupper() else c
            for c in text
        ]

    originals = {
        "id": "9ZyX8w7V6u",  # no prefix: every character renumbered in its class
        "fileId": "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms",  # a Drive file id
    }
    out = Scrubber().scrub(originals)
    for key, original in originals.items():
        assert classes(out[key]) == classes(original), key
        assert out[key] != original
    # Upper-case letters of an id that is not hex are any letters, not only A-F.
    assert out == {"id": "1MpC4v1H1l", "fileId": "6MlaPFu3PWM2tMZrXqBnBWwicTQwchfsy11GtsO2lmkm"}


def test_a_draft_id_keeps_its_letter_and_a_hex_id_has_no_prefix():
    out = Scrubber().scrub({"draftId": "r8274619335", "messageId": "r1234567890"})
    assert out == {"draftId": "r9314610149", "messageId": "r9579023134"}
    # All of a hexadecimal id is its number: its first letter is renumbered too, so two ids
    # that differ only there get the same first stand-in.
    for original in ("a1b2c3d4e5f60718", "b1b2c3d4e5f60718"):
        assert Scrubber().scrub({"threadId": original}) == {"threadId": "f9b1e6f0b4d22185"}


def test_ids_whose_stand_ins_would_collide_get_distinct_ones():
    # A shape with only ten stand-ins (one digit varies): the second id's first stand-in is
    # the first id's, so it takes the next free one.
    out = Scrubber().scrub({"id": ["=======-0", "=======-3", "=======-5"]})
    assert out == {"id": ["=======-1", "=======-9", "=======-7"]}


def test_an_address_under_an_id_key_is_scrubbed_as_an_address():
    # Calendar ids are addresses: the address rule applies, not the id reshaping (with a
    # digit in it, an address also looks like an id to the id rule).
    out = Scrubber().scrub({"id": "ann2@corp.io", "calendarId": "ann2@corp.io"})
    assert out == {"id": "user1@example.com", "calendarId": "user1@example.com"}


def test_list_items_are_scrubbed_by_their_key():
    out = Scrubber().scrub({"refresh_token": ["1//0abcdefghij"], "id": ["18c2f0a1b2c3d4e5"]})
    assert out == {"refresh_token": ["scrubbed-secret-1"], "id": ["19b1e6f0b4d2c1c5"]}


def test_an_empty_secret_stays_empty():
    assert Scrubber().scrub({"access_token": "", "refresh_token": "opaque"}) == {
        "access_token": "",
        "refresh_token": "scrubbed-secret-1",
    }


def test_scrubbing_a_scrubbed_value_changes_nothing():
    scrubber = Scrubber(accounts=["alice"])
    value = {
        "id": "18c2f0a1b2c3d4e5",
        "internalDate": "1741083072000",
        "created": "2025-03-04T10:11:12Z",
        "from": "Ann Lee <ann.lee@corp.io>",
        "snippet": "alice met ann.lee@corp.io on 2025-03-04 10:11:12",
        "access_token": "ya29.a0AfH6SMBabcdefghij",
    }
    once = scrubber.scrub(value)
    assert scrubber.scrub(once) == once
    assert Scrubber().scrub(once)["snippet"] == once["snippet"]


def test_a_secret_found_by_its_key_is_replaced_in_free_text_too():
    out = Scrubber().scrub({"refresh_token": "opaqueTOKEN123", "note": "token opaqueTOKEN123 used"})
    assert out == {"refresh_token": "scrubbed-secret-1", "note": "token scrubbed-secret-1 used"}


def test_each_added_secret_gets_its_own_placeholder():
    scrubber = Scrubber()
    scrubber.add_secret("first-secret-1")
    scrubber.add_secret("second-secret-2")
    assert scrubber.scrub_text("first-secret-1, second-secret-2") == (
        "scrubbed-secret-1, scrubbed-secret-2"
    )
    assert scrubber.leaks(["second-secret-2"]) == ["a learned secret value is present"]


def test_a_longer_local_part_wins_over_a_shorter_one_it_starts_with():
    scrubber = Scrubber()
    scrubber.scrub({"a": "anna@x.io", "b": "anna.lee@x.io"})
    assert scrubber.scrub_text("anna.lee wrote to anna") == "user2 wrote to user1"


def test_a_word_learned_after_an_earlier_scrub_is_replaced_from_then_on():
    scrubber = Scrubber(secrets=["topsecretvalue"])
    assert scrubber.scrub_text("nothing yet") == "nothing yet"
    scrubber.scrub({"to": "anna.lee@x.io"})
    assert scrubber.scrub_text("anna.lee wrote") == "user1 wrote"


def test_a_quoted_display_name_teaches_each_of_its_words():
    out = Scrubber().scrub({"displayName": '"Ann Lee"', "note": "Ann wrote to Lee"})
    assert out == {"displayName": "Person 1", "note": "Person 1 wrote to Person 1"}


# --- accounts ---------------------------------------------------------------------------------


def test_an_account_that_is_an_address_becomes_its_account_placeholder():
    scrubber = Scrubber(accounts=["alice.smith@corp.io", "bob.jones@corp.io"])
    out = scrubber.scrub(
        {
            "to": ["alice.smith@corp.io", "bob.jones@corp.io"],
            "note": "alice.smith wrote; bob.jones replied",
            "folder": "alice.smith-2025",
        }
    )
    assert out == {
        "to": ["account-1", "account-2"],
        "note": "account-1 wrote; account-2 replied",
        "folder": "account-1-2025",
    }
    assert scrubber.leaks(out) == []


def test_an_account_inside_dotted_or_hyphenated_words_is_replaced_too():
    scrubber = Scrubber(accounts=["alice"])
    out = scrubber.scrub({"a": "alice-team", "b": "ops.alice", "c": "malice"})
    assert out == {"a": "account-1-team", "b": "ops.account-1", "c": "malice"}
    assert scrubber.leaks(out) == []


def test_an_accounts_local_part_is_learned_from_four_characters():
    scrubber = Scrubber(accounts=["bo@corp.io", "anna@corp.io"])
    assert scrubber.scrub_text("bo and anna wrote") == "bo and account-2 wrote"


# --- user rules -------------------------------------------------------------------------------


def test_a_user_pattern_replaces_only_its_group():
    rules = ScrubRules.default().extended(
        {"patterns": [{"name": "ticket", "kind": "secret", "regex": "ticket=(\\w+)", "group": 1}]}
    )
    assert Scrubber(rules).scrub_text("see ticket=abc123 now") == "see ticket=scrubbed-secret-1 now"


def test_a_user_key_rule_that_does_not_apply_leaves_the_default_rules_for_its_key():
    rules = ScrubRules.default().extended(
        {"keys": [{"name": "pin", "match": "^code$", "kind": "secret", "when": "^\\d+$"}]}
    )
    assert Scrubber(rules).scrub({"code": "abc", "x": {"code": "123"}}) == {
        "code": "scrubbed-secret-1",  # the default secret-field rule
        "x": {"code": "scrubbed-secret-2"},  # the user's rule
    }


def test_a_date_a_user_rule_cannot_parse_keeps_its_shape():
    rules = ScrubRules.default().extended(
        {"keys": [{"name": "date-header", "match": "^Date$", "kind": "date-time"}]}
    )
    original = "Tue, 4 Mar 25 10:11:12 GMT"  # a two-digit year: no format of the scrubber
    out = Scrubber(rules).scrub({"Date": original})["Date"]
    assert out != original
    assert [c.isdigit() for c in out] == [c.isdigit() for c in original]
    assert [c.isalpha() for c in out] == [c.isalpha() for c in original]
    # digits only: a date-time in no format either (not epoch milliseconds: no such rule)
    assert Scrubber(rules).scrub({"Date": "20250304"}) == {"Date": "19314610"}


def test_impossible_dates_are_renumbered_not_shifted():
    out = Scrubber().scrub({"date": "2025-02-30", "created": "2025-02-30T10:00:00Z"})
    assert out == {"date": "1931-61-14", "created": "1931-61-14V22:85:02G"}


def test_a_user_pattern_of_another_kind_does_not_hide_secret_patterns_from_the_leak_check():
    rules = ScrubRules.default().extended(
        {"patterns": [{"name": "staff-id", "kind": "name", "regex": "STAFF-[A-Z]{3}"}]}
    )
    assert Scrubber(rules).leaks({"a": API_KEY}) == ["pattern 'interactor-api-key' matches"]


# --- dates move by whole days, in UTC ---------------------------------------------------------


def test_rfc_2822_and_iso_dates_of_one_day_move_together():
    out = Scrubber().scrub_text(
        "Tue, 04 Mar 2025 10:11:12 +0000 then 2025-03-04T10:11:12Z"
        " and Thu, 04 Dec 2025 10:00:00 +0000"
    )
    assert out == (
        "Thu, 01 Jan 2026 10:11:12 +0000 then 2026-01-01T10:11:12Z"
        " and Sat, 03 Oct 2026 10:00:00 +0000"
    )


@pytest.fixture(params=["UTC-14", "UTC+12"])  # POSIX: UTC+14 (Kiribati) and UTC-12
def far_from_utc(request):
    """The machine's local time zone far from UTC (at any moment, one of the two is on
    another date than UTC)."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_an_epoch_is_shifted_by_its_utc_day_whatever_the_local_zone(far_from_utc):
    # 1741083072000 is 2025-03-04T10:11:12Z: another local date in both zones.
    assert Scrubber().scrub({"internalDate": "1741083072000"}) == {"internalDate": "1767262272000"}


def test_today_is_the_utc_date_whatever_the_local_zone(far_from_utc):
    assert today() == datetime.now(timezone.utc).date()


# --- what the leak check says -----------------------------------------------------------------


def test_the_leak_check_names_the_kind_of_what_it_found():
    rules = ScrubRules.default().extended({"literals": ["Acme Rockets"]})
    scrubber = Scrubber(rules, secrets=["topsecretvalue"], accounts=["moakley"])
    assert scrubber.leaks({"a": "moakley"}) == ["a learned account value is present"]
    assert scrubber.leaks({"a": "Acme Rockets"}) == ["a learned literal value is present"]
    assert scrubber.leaks({"a": ["x", "topsecretvalue"]}) == ["a learned secret value is present"]
    # keys are checked as well as values
    assert scrubber.leaks({"topsecretvalue": 1}) == ["a learned secret value is present"]
    scrubber.scrub({"to": "ann.lee@corp.io"})
    assert scrubber.leaks({"a": "ann.lee@corp.io"}) == [
        "a learned email value is present",
        "a learned secret value is present",  # its local part, a learned word
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer ya29.a0AfH6SMBabcdefghij.",
        "Bearer ya29.a0AfH6SMBabcdefghij==v2",  # a padded token and text after it
        "https://x/cb?code=4/abcdefghijklmnopqrstuvwxyz)",
        "password=hunter2222 and secret: s3cr3tvalue",
        f"key {API_KEY}xyz",
    ],
)
def test_what_the_scrubber_writes_passes_its_own_leak_check(text):
    scrubber = Scrubber()
    assert scrubber.leaks(scrubber.scrub_text(text)) == []
