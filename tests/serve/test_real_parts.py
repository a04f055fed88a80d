"""``serve`` with real parts: SIGKILL under load, two workers under concurrent clients, two
servers over one Redis. Bounded by counts (never by timed assertions)."""

from __future__ import annotations

import itertools
import sqlite3
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.serve_process import Served
from tests.serve_process import start_serve

GMAIL = "/api/v1/connector/interactor/gmail/action"
TIMEOUT = 10


def grant(served: Served, env_id: str, account: str) -> None:
    response = requests.post(
        f"{served.origin}/_mock/environments/{env_id}/grants",
        json={"connector": "gmail", "account": account},
        timeout=TIMEOUT,
    )
    assert response.status_code in (200, 201), response.text


def execute(
    session: requests.Session | None,
    served: Served,
    key: str,
    account: str,
    action: str,
    payload: dict,
) -> requests.Response:
    return (session or requests).post(
        f"{served.origin}{GMAIL}/{action}/execute",
        params={"account": account},
        json=payload,
        headers={"x-api-key": key},
        timeout=TIMEOUT,
    )


def listed_drafts(served: Served, key: str, account: str) -> list[str]:
    response = execute(None, served, key, account, "email.draft.list", {"maxResults": 500})
    assert response.status_code == 200, response.text
    output = response.json()["output"]
    assert output.get("nextPageToken") is None
    return [d["id"] for d in output.get("drafts") or []]


def draft(subject: str) -> dict:
    return {"to": ["bob@example.com"], "subject": subject, "body": "kept?"}


def test_every_acknowledged_write_survives_sigkill_and_nothing_is_invented(tmp_path):
    state = tmp_path / "state.sqlite3"
    served = start_serve("--state", str(state), "--workers", "2")
    key = served.keys["Development"]
    grant(served, "development", "alice")
    acknowledged: dict[str, str] = {}  # draft id -> subject
    sent: set[str] = set()
    lock = threading.Lock()
    enough = threading.Event()
    subjects = itertools.count()

    def writer() -> None:
        session = requests.Session()
        try:
            # bounded, whatever happens: 4 x 120 drafts fit in one list page of 500
            for _ in range(120):
                subject = f"draft {next(subjects)}"
                with lock:
                    sent.add(subject)
                try:
                    response = execute(
                        session, served, key, "alice", "email.draft.create", draft(subject)
                    )
                except requests.RequestException:
                    return  # the server was killed under this request
                if 200 <= response.status_code < 300:
                    with lock:
                        acknowledged[response.json()["output"]["id"]] = subject
                        if len(acknowledged) >= 60:
                            enough.set()
        finally:
            session.close()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        assert enough.wait(120), "the writers did not get 60 acknowledgements"
        served.kill()  # SIGKILL, the parent and its workers' group, while writes are in flight
    finally:
        for thread in threads:
            thread.join(60)
        served.close()
    assert len(acknowledged) >= 60

    with sqlite3.connect(state) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    again = start_serve("--state", str(state))
    try:
        assert again.keys["Development"] == key
        ids = listed_drafts(again, key, "alice")
        assert len(ids) == len(set(ids))
        assert set(acknowledged) <= set(ids), "an acknowledged draft was lost"
        for draft_id in ids:  # nothing invented: each is a draft a writer sent
            got = execute(None, again, key, "alice", "email.draft.get", {"draft_id": draft_id})
            assert got.status_code == 200, got.text
            subject = got.json()["output"]["message"]["message_info"]["subject"]
            assert subject in sent
            if draft_id in acknowledged:
                assert subject == acknowledged[draft_id]
        missing = execute(None, again, key, "alice", "email.draft.get", {"draft_id": "r-none"})
        assert (missing.status_code, missing.json()) == (
            500,
            {"error": "Requested entity was not found."},
        )
    finally:
        assert again.stop() == 0


def test_two_workers_reconcile_exactly_under_concurrent_clients(tmp_path):
    served = start_serve("--state", str(tmp_path / "state.sqlite3"), "--workers", "2")
    try:
        _two_workers_reconcile(served)
    finally:
        assert served.stop() == 0


def _two_workers_reconcile(served: Served) -> None:
    assert "granian, 2 worker(s)" in served.text
    envs = {"development": served.keys["Development"], "testing": served.keys["Testing"]}
    clients = [(env, f"{env}-user{n}") for env in envs for n in range(2)]
    for env, account in clients:
        grant(served, env, account)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def count(response: requests.Response) -> requests.Response:
        with lock:
            statuses[response.status_code] += 1
        return response

    def client(env: str, account: str) -> tuple[set[str], set[str]]:
        created: set[str] = set()
        deleted: set[str] = set()
        key = envs[env]
        with requests.Session() as session:
            for n in range(12):
                made = count(
                    execute(session, served, key, account, "email.draft.create", draft(f"{n}"))
                )
                assert made.status_code == 200, made.text
                created.add(made.json()["output"]["id"])
                if n % 3 == 2:
                    victim = sorted(created - deleted)[0]
                    gone = count(
                        execute(
                            session,
                            served,
                            key,
                            account,
                            "email.draft.delete",
                            {"draft_id": victim},
                        )
                    )
                    assert gone.status_code == 200, gone.text
                    deleted.add(victim)
                listing = count(
                    execute(session, served, key, account, "email.draft.list", {"maxResults": 500})
                )
                assert listing.status_code == 200
                journal = count(
                    session.get(
                        f"{served.origin}/_mock/environments/{env}/journal", timeout=TIMEOUT
                    )
                )
                assert journal.status_code == 200
        return created, deleted

    def rotations() -> list[tuple[int, int]]:
        """Rotate Production's key; the old one is refused and the new one works at once, on
        whichever worker answers."""
        seen = []
        with requests.Session() as session:
            for _ in range(5):
                old = session.get(
                    f"{served.origin}/_mock/environments/production", timeout=TIMEOUT
                ).json()["apiKey"]
                new = count(
                    session.post(
                        f"{served.origin}/_mock/environments/production/keys",
                        json={},
                        timeout=TIMEOUT,
                    )
                ).json()["apiKey"]
                for _ in range(3):
                    refused = count(
                        session.get(
                            f"{served.origin}/api/v1/connector/interactor/gmail/auth-url",
                            params={"account": "a"},
                            headers={"x-api-key": old},
                            timeout=TIMEOUT,
                        )
                    )
                    accepted = count(
                        session.get(
                            f"{served.origin}/api/v1/connector/interactor/gmail/auth-url",
                            params={"account": "a"},
                            headers={"x-api-key": new},
                            timeout=TIMEOUT,
                        )
                    )
                    seen.append((refused.status_code, accepted.status_code))
        return seen

    with ThreadPoolExecutor(max_workers=len(clients) + 1) as pool:
        rotated = pool.submit(rotations)
        results = {c: pool.submit(client, *c) for c in clients}
        outcomes = {c: future.result(timeout=300) for c, future in results.items()}
        assert set(rotated.result(timeout=300)) == {(401, 200)}

    every_listed: list[str] = []
    for (env, account), (created, deleted) in outcomes.items():
        listed = listed_drafts(served, envs[env], account)
        assert len(listed) == len(set(listed)), "an id listed twice"
        assert set(listed) == created - deleted
        every_listed += listed
    assert len(every_listed) == len(set(every_listed)), "an id in two accounts' lists"
    # No cross-environment leak: one environment's key does not reach another's accounts.
    leaked = execute(None, served, envs["development"], "testing-user0", "email.draft.list", {})
    assert (leaked.status_code, leaked.json()) == (500, {"error": "Account has no tokens"})
    assert not [status for status in statuses if status >= 500], statuses


def test_two_serve_processes_on_one_redis_behave_as_one_mock(redis_db_url):
    first = start_serve("--store", redis_db_url)
    second = start_serve("--store", redis_db_url)
    try:
        assert "state: Redis" in first.text
        assert first.keys == second.keys  # bootstrapped once, by whichever came first
        key = first.keys["Development"]
        grant(first, "development", "alice")
        made = execute(None, first, key, "alice", "email.draft.create", draft("shared"))
        assert made.status_code == 200, made.text
        assert listed_drafts(second, key, "alice") == [made.json()["output"]["id"]]

        rotated = requests.post(
            f"{first.origin}/_mock/environments/development/keys", json={}, timeout=TIMEOUT
        ).json()["apiKey"]
        old = execute(None, second, key, "alice", "email.draft.list", {})
        assert old.status_code == 401
        assert execute(None, second, rotated, "alice", "email.draft.list", {}).status_code == 200
    finally:
        assert first.stop() == 0
        assert second.stop() == 0
