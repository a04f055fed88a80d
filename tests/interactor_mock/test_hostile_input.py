"""Hostile request bodies (issue 15): each answers a clear 4xx or a provider answer, never a
5xx, a traceback or a stall; the journal stays RFC 8259 JSON."""

from __future__ import annotations

import json
import re
import socket

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from interactor_mock.config import MockConfig
from interactor_mock.connectors import gmail
from interactor_mock.connectors.calendar import parse_quick_add
from interactor_mock.core.jsontext import MAX_DEPTH
from interactor_mock.core.jsontext import loads
from interactor_mock.embed.server import MockServer
from interactor_mock.errors import BadRequest

GMAIL = "/api/v1/connector/interactor/gmail/action/{}/execute?account=alice"
CALENDAR = "/api/v1/connector/interactor/googlecalendar-v1/action/{}/execute?account=alice"
GMAIL_V1 = "/api/v1/connector/interactor/gmail-v1/action/{}/execute?account=alice"
DRAFT = {"to": ["bob@example.com"], "subject": "Hi", "body": "Hello"}


@pytest.fixture
def granted(engine, dev):
    for connector in ("gmail", "googlecalendar-v1", "gmail-v1", "googledrive-v1"):
        engine.grant(dev, connector, "alice")
    return "alice"


def post_raw(client, headers, path, raw, content_type="application/json"):
    return client.post(path, data=raw, headers={**headers, "Content-Type": content_type})


def journal(client, dev):
    response = client.get(f"/_mock/environments/{dev.id}/journal")
    # The journal must be RFC 8259 JSON, as a JavaScript client's JSON.parse reads it.
    return json.loads(response.get_data(as_text=True), parse_constant=_refuse)["entries"]


def _refuse(name):
    raise AssertionError(f"{name} in a JSON answer")


# --- strict JSON ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"subject": NaN}', "NaN is not allowed in JSON (RFC 8259)"),
        (b'{"subject": Infinity}', "Infinity is not allowed in JSON (RFC 8259)"),
        (b'{"subject": -Infinity}', "-Infinity is not allowed in JSON (RFC 8259)"),
        (b'{"maxResults": 1e400}', "number 1e400 is out of range"),
        (b'{"maxResults": -1e400}', "number -1e400 is out of range"),
        (b'{"subject": "\\ud800"}', "lone surrogate in the string at /subject"),
        (b'{"\\udfff": 1}', "lone surrogate in a member name at /"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_a_body_that_is_not_rfc_8259_json_is_400_naming_the_reason(
    client, headers, granted, dev, raw, reason
):
    response = post_raw(client, headers, GMAIL.format("email.draft.create"), raw)
    assert response.status_code == 400
    assert response.json["error"].startswith("Request body must be valid JSON: ")
    assert reason in response.json["error"]
    assert "Traceback" not in response.get_data(as_text=True)
    [entry] = journal(client, dev)
    assert entry["status"] == 400
    assert entry["input"] is None


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 600, 1_000, 100_000])
def test_deep_nesting_is_400_at_any_depth(client, headers, granted, dev, depth):
    raw = b'{"to": ' + b"[" * depth + b"]" * depth + b', "subject": "x", "body": "y"}'
    response = post_raw(client, headers, GMAIL.format("email.draft.create"), raw)
    assert response.status_code == 400
    assert f"nested deeper than {MAX_DEPTH} levels" in response.json["error"]
    [entry] = journal(client, dev)
    assert entry["status"] == 400


def test_nesting_up_to_the_bound_is_accepted_by_the_parser():
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    with pytest.raises(BadRequest, match="nested deeper than"):
        loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


def test_deep_nesting_on_the_control_api_is_400_too(client):
    raw = b'{"name": "x", "seed": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    response = client.post("/_mock/environments", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert "nested deeper than" in response.json["error"]


@pytest.mark.parametrize("raw", [b'{"name": NaN}', b'{"name": "\\ud800"}'])
def test_the_control_api_parses_strictly(client, raw):
    response = client.post("/_mock/environments", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"].startswith("Request body must be valid JSON: ")


def test_a_huge_integer_page_size_is_served(client, engine, dev, headers, granted):
    # Served as the largest page email.list allows (maxPageSize 500 in its contract).
    engine.seeds.apply(dev, {"accounts": {granted: {"gmail": {"messages": 501}}}})
    response = client.post(GMAIL.format("email.list"), json={"maxResults": 10**30}, headers=headers)
    assert response.status_code == 200
    output = response.get_json()["output"]
    assert len(output["messages"]) == 500
    assert len({m["id"] for m in output["messages"]}) == 500
    assert output["nextPageToken"]


# --- linear text processing ----------------------------------------------------------------


class CountingText(str):
    """A string that counts the characters its ``find`` calls look at."""

    scanned = 0

    def find(self, sub, start=0, end=None):
        found = str.find(self, sub, start, end)
        stop = len(self) if found < 0 else found + len(sub)
        CountingText.scanned += max(0, stop - start)
        return found


@pytest.mark.parametrize(
    "text", ["<" * (1 << 20), "<a" * (1 << 19), "<>" * (1 << 19), "<" * (1 << 19) + ">"]
)
def test_stripping_tags_looks_at_each_character_a_bounded_number_of_times(text):
    CountingText.scanned = 0
    gmail.strip_tags(CountingText(text))
    assert CountingText.scanned <= 2 * len(text) + 2


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet="<>a ", max_size=40))
def test_stripping_tags_answers_what_the_old_regex_did(text):
    assert gmail.strip_tags(text) == re.sub(r"<[^>]+>", " ", text)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet="<>a@ ", max_size=40))
def test_the_address_of_a_header_is_what_the_old_regex_found(text):
    match = re.search(r"<([^>]+)>", text)
    assert gmail.address_of(text) == (match.group(1) if match else text).strip()


def test_a_long_html_body_of_angle_brackets_is_served(client, headers, granted):
    payload = {**DRAFT, "bodyType": "html", "body": "<" * 146_000}
    response = client.post(GMAIL.format("email.draft.create"), json=payload, headers=headers)
    assert response.status_code == 200
    assert response.json["output"]["message"]["snippet"].startswith("<<<")


# --- quickAdd --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Party for 99999999999999999999 hours",
        "Party for 99999999999999999999 minutes",
        "Party at 3pm for " + "9" * 400 + " hours",
        "Party for 1" + "0" * 15 + " h",
    ],
)
def test_quick_add_with_a_huge_duration_keeps_the_default_length(clock, text):
    parsed = parse_quick_add(text, clock())
    assert parsed.summary.startswith("Party")
    if hasattr(parsed.end, "hour") and hasattr(parsed.start, "hour"):
        assert (parsed.end - parsed.start).total_seconds() == 3600


def test_quick_add_with_a_huge_duration_over_http_is_200(client, headers, granted):
    response = client.post(
        CALENDAR.format("calendar.events.quickAdd"),
        json={"calendarId": "primary", "text": "Party for 99999999999999999999 hours"},
        headers=headers,
    )
    assert response.status_code == 200
    assert "99999999999999999999 hours" in response.json["output"]["body"]["summary"]


# --- empty ids on -v1 connectors -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        (CALENDAR.format("calendar.events.get"), {"calendarId": "", "eventId": "x"}),
        (CALENDAR.format("calendar.events.get"), {"calendarId": "primary", "eventId": ""}),
        (CALENDAR.format("calendar.events.delete"), {"calendarId": "primary", "eventId": ""}),
        (CALENDAR.format("calendar.events.list"), {"calendarId": ""}),
        (GMAIL_V1.format("gmail.users.threads.get"), {"userId": "me", "id": ""}),
        (GMAIL_V1.format("gmail.users.messages.get"), {"userId": "me", "id": ""}),
        (GMAIL_V1.format("gmail.users.messages.get"), {"userId": "", "id": "abc"}),
    ],
)
def test_an_empty_id_on_a_v1_connector_is_the_providers_404_inside_output(
    client, headers, granted, path, payload
):
    response = client.post(path, json=payload, headers=headers)
    assert response.status_code == 200, response.json
    output = response.json["output"]
    assert output["status_code"] == 404
    assert output["body"]["error"]["code"] == 404
    assert output["body"]["error"]["status"] == "NOT_FOUND"


# --- body limits -----------------------------------------------------------------------------


def _raw_exchange(port, request: bytes, *, body_chunks=()):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except OSError:
            pass  # the server answered and closed before reading everything
        received = b""
        while b"\r\n\r\n" not in received:
            data = sock.recv(65536)
            if not data:
                break
            received += data
        head, _, rest = received.partition(b"\r\n\r\n")
        length = re.search(rb"(?i)content-length: (\d+)", head)
        while length and len(rest) < int(length.group(1)):
            data = sock.recv(65536)
            if not data:
                break
            rest += data
        return head.split(b"\r\n")[0], rest


def _chunked(total, size=4096):
    sent = 0
    while sent < total:
        part = b"x" * min(size, total - sent)
        sent += len(part)
        yield f"{len(part):x}\r\n".encode() + part + b"\r\n"
    yield b"0\r\n\r\n"


@pytest.fixture
def small_limit_server(clock):
    from interactor_mock.core.engine import Engine
    from interactor_mock.http.app import create_app

    engine = Engine(MockConfig(max_body_bytes=10_000), clock=clock)
    engine.grant(engine.default_environment, "gmail", "alice")
    with MockServer(app=create_app(engine=engine)) as server:
        yield server, engine.default_environment.api_key


@pytest.mark.parametrize(
    "path", [GMAIL.format("email.draft.create"), "/_mock/environments", "/_mock/seed"]
)
def test_a_chunked_body_over_the_limit_is_413(small_limit_server, path):
    server, key = small_limit_server
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: {key}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    status, body = _raw_exchange(server.port, head, body_chunks=_chunked(200_000))
    assert status.split(b" ")[1] == b"413", (status, body)
    assert json.loads(body)["error"] == "Request body is larger than 10000 bytes"


def test_a_declared_length_over_the_limit_is_413_without_reading_it(small_limit_server):
    server, key = small_limit_server
    head = (
        f"POST {GMAIL.format('email.draft.create')} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"x-api-key: {key}\r\nContent-Type: application/json\r\n"
        "Content-Length: 104857600\r\nConnection: close\r\n\r\n"
    ).encode()
    status, body = _raw_exchange(server.port, head)
    assert status.split(b" ")[1] == b"413"
    assert "larger than 10000 bytes" in json.loads(body)["error"]


def test_a_chunked_body_under_the_limit_is_served(small_limit_server):
    server, key = small_limit_server
    body = json.dumps(DRAFT).encode()
    head = (
        f"POST {GMAIL.format('email.draft.create')} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"x-api-key: {key}\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    chunk = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    status, answer = _raw_exchange(server.port, head, body_chunks=[chunk])
    assert status.split(b" ")[1] == b"200", answer
    assert json.loads(answer)["output"]["message"]["message_info"]["subject"] == "Hi"


def test_an_empty_message_id_answers_the_documented_not_found(client, headers, granted):
    response = client.post(GMAIL.format("email.get"), json={"message_id": ""}, headers=headers)
    assert response.json == {"error": "Requested entity was not found."}
    assert "Contract violation" not in response.get_data(as_text=True)


def test_an_empty_thread_id_on_send_is_refused_by_the_contract_not_a_violation(
    client, headers, granted
):
    response = client.post(
        GMAIL_V1.format("gmail.users.messages.send"),
        json={"raw": "eA", "threadId": ""},
        headers=headers,
    )
    assert response.status_code == 400
    assert response.json["error"] == "Invalid input: /threadId: '' should be non-empty"


# --- found by schemathesis in CI (a body of white space, a rule expiring in 10**30 s) -------


@pytest.mark.parametrize("raw", [b"\r", b"  ", b"\n\t"])
def test_a_body_of_white_space_only_is_not_json_and_is_refused(client, headers, granted, raw):
    response = post_raw(client, headers, CALENDAR.format("calendar.calendarList.watch"), raw)
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("Request body must be valid JSON: ")


def test_an_empty_body_is_still_an_empty_object(client, headers, granted):
    response = post_raw(client, headers, CALENDAR.format("calendar.calendarList.watch"), b"")
    assert response.status_code == 200
    assert response.get_json()["output"]["status_code"] == 200


@pytest.mark.parametrize("expires_in", [10**30, 315_360_001])
def test_a_rule_expiring_beyond_ten_years_is_refused_naming_the_field(client, dev, expires_in):
    response = client.post(
        f"/_mock/environments/{dev.id}/scenarios",
        json={"kind": "error", "status": 500, "expiresIn": expires_in},
    )
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "Field 'expiresIn' must be <= 315360000",
        "field": "expiresIn",
    }
    assert client.get(f"/_mock/environments/{dev.id}/scenarios").get_json()["scenarios"] == []


def test_a_rule_expiring_in_ten_years_is_kept(client, dev):
    response = client.post(
        f"/_mock/environments/{dev.id}/scenarios",
        json={"kind": "error", "status": 500, "expiresIn": 315_360_000},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
