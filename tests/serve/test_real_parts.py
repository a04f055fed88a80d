"""``serve`` with real parts: SIGKILL under load, two workers under concurrent clients, two
servers over one Redis. Bounded by counts (never by timed assertions)."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.serve.helpers import TIMEOUT
from tests.serve.helpers import after_restart
from tests.serve.helpers import draft
from tests.serve.helpers import execute
from tests.serve.helpers import grant
from tests.serve.helpers import listed_drafts
from tests.serve.helpers import write_then_kill
from tests.serve_process import Served
from tests.serve_process import start_serve


def test_every_acknowledged_write_survives_sigkill_and_nothing_is_invented(tmp_path):
    state = tmp_path / "state.sqlite3"
    served = start_serve("--state", str(state), "--workers", "2")
    key = served.keys["Development"]
    grant(served, "development", "alice")
    writes = write_then_kill(served, key, "alice")
    assert len(writes.acknowledged) >= 60

    with sqlite3.connect(state) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    again = start_serve("--state", str(state))
    try:
        assert again.keys["Development"] == key
        survival = after_restart(again, key, "alice", writes)
        assert len(survival.listed) == len(set(survival.listed))
        assert survival.lost == [], "an acknowledged draft was lost"
        assert (survival.invented, survival.changed) == ([], [])
        assert len(survival.listed) >= len(writes.acknowledged)
        missing = execute(None, again, key, "alice", "email.draft.get", {"draft_id": "r-none"})
        assert (missing.status_code, missing.json()) == (
            500,
            {"error": "Requested entity was not found."},
        )
    finally:
        assert again.stop() == 0


def test_every_acknowledged_write_survives_sigkill_of_serve_over_redis(redis_db_url):
    served = start_serve("--store", redis_db_url, "--workers", "2")
    key = served.keys["Development"]
    grant(served, "development", "alice")
    writes = write_then_kill(served, key, "alice", enough=40)
    assert len(writes.acknowledged) >= 40
    again = start_serve("--store", redis_db_url)
    try:
        assert again.keys["Development"] == key
        survival = after_restart(again, key, "alice", writes)
        assert (survival.lost, survival.invented, survival.changed) == ([], [], [])
        assert len(survival.listed) >= len(writes.acknowledged)
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
