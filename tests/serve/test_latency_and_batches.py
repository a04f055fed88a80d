"""A delayed call holds nothing: on ``serve``'s default (granian over the SQLite file), a
scenario's latency neither keeps the worker's other requests waiting nor holds the store's
write lock (a request's writes are batched into one transaction, committed before a delay)."""

from __future__ import annotations

import threading
import time

import requests

from tests.serve_process import start_serve

KEY = "interactor_LaTeNcY0_0123456789abcdefghijklmnopqrstuv"
EXECUTE = "/api/v1/connector/interactor/gmail/action/{action}/execute"


def test_a_delayed_call_holds_neither_the_worker_nor_the_store(tmp_path):
    served = start_serve("--state", str(tmp_path / "s.sqlite3"), "--api-key", KEY)
    control = f"{served.origin}/_mock/environments/development"
    try:
        requests.post(
            f"{control}/grants", json={"connector": "gmail", "account": "alice"}, timeout=10
        ).raise_for_status()
        rule = requests.post(
            f"{control}/scenarios",
            json={"kind": "latency", "action": "email.draft.list", "latency": 12000},
            timeout=10,
        )
        rule.raise_for_status()
        delayed: dict[str, requests.Response] = {}

        def list_drafts():
            delayed["answer"] = requests.post(
                served.origin + EXECUTE.format(action="email.draft.list"),
                params={"account": "alice"},
                headers={"x-api-key": KEY},
                json={},
                timeout=60,
            )

        thread = threading.Thread(target=list_drafts)
        thread.start()
        # The rule counts the call (a store write) before the delay: once that count is
        # readable, the delayed request has written and is sleeping. Without a commit before
        # the delay, this read would wait for the whole request, journal entry included.
        deadline = time.monotonic() + 30
        while True:
            rules = requests.get(f"{control}/scenarios", timeout=30).json()["scenarios"]
            if rules[0]["seen"] == 1 or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        assert rules[0]["seen"] == 1
        created = requests.post(
            served.origin + EXECUTE.format(action="email.draft.create"),
            params={"account": "alice"},
            headers={"x-api-key": KEY},
            json={"to": ["bo@example.com"], "subject": "while another call waits", "body": "hi"},
            timeout=30,
        )
        assert created.status_code == 200, created.text
        journal = requests.get(f"{control}/journal", timeout=30).json()["entries"]
        assert [e["action"] for e in journal] == ["email.draft.create"]  # the list still waits
        thread.join(60)
        assert delayed["answer"].status_code == 200
        draft_id = created.json()["output"]["id"]
        assert [d["id"] for d in delayed["answer"].json()["output"]["drafts"]] == [draft_id]
        journal = requests.get(f"{control}/journal", timeout=30).json()["entries"]
        assert sorted(e["action"] for e in journal) == ["email.draft.create", "email.draft.list"]
    finally:
        assert served.stop() == 0


def test_granian_workers_close_a_connection_that_sends_nothing_after_the_idle_timeout(tmp_path):
    import socket
    from urllib.parse import urlsplit

    served = start_serve("--state", str(tmp_path / "s.sqlite3"), "--idle-timeout", "1")
    try:
        where = urlsplit(served.origin)
        with socket.create_connection((where.hostname, where.port), timeout=20) as idle:
            idle.sendall(b"GET /_mock/health HTTP/1.1\r\n")  # a head that never ends
            received = b""
            while chunk := idle.recv(1024):  # until the server closes (granian's own: 30 s)
                received += chunk
        assert received == b"" or received.startswith(b"HTTP/1.1 408")
    finally:
        assert served.stop() == 0
