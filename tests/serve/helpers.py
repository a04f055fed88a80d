"""Clients of a ``serve`` child process, shared by ``tests/serve/`` and
``scripts/reliability_report.py`` (its durability section): grants, Gmail draft calls, and a
bounded write load that a SIGKILL interrupts."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from dataclasses import field

import requests

from tests.serve_process import Served

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


@dataclass
class Writes:
    """What writers sent before the server was killed, and what it acknowledged."""

    acknowledged: dict[str, str] = field(default_factory=dict)  # draft id -> subject
    sent: set[str] = field(default_factory=set)


def write_then_kill(
    served: Served, key: str, account: str, *, writers: int = 4, per_writer: int = 120,
    enough: int = 60, wait: float = 120,
) -> Writes:  # fmt: skip
    """Create drafts from ``writers`` threads (each at most ``per_writer``: 4 x 120 fit in
    one list page of 500), SIGKILL the server once ``enough`` were acknowledged, while
    writes are in flight.

    Raises:
        AssertionError: fewer than ``enough`` acknowledgements within ``wait`` seconds.
    """
    writes = Writes()
    lock = threading.Lock()
    reached = threading.Event()
    subjects = itertools.count()

    def writer() -> None:
        with requests.Session() as session:
            for _ in range(per_writer):  # bounded, whatever happens
                subject = f"draft {next(subjects)}"
                with lock:
                    writes.sent.add(subject)
                try:
                    response = execute(
                        session, served, key, account, "email.draft.create", draft(subject)
                    )
                except requests.RequestException:
                    return  # the server was killed under this request
                if 200 <= response.status_code < 300:
                    with lock:
                        writes.acknowledged[response.json()["output"]["id"]] = subject
                        if len(writes.acknowledged) >= enough:
                            reached.set()

    threads = [threading.Thread(target=writer) for _ in range(writers)]
    try:
        for thread in threads:
            thread.start()
        assert reached.wait(wait), f"the writers did not get {enough} acknowledgements"
        served.kill()  # SIGKILL, the parent and its workers' group, while writes are in flight
    finally:
        for thread in threads:
            thread.join(60)
        served.close()
    return writes


@dataclass
class Survival:
    """What a restarted server holds of the writes before the kill."""

    listed: list[str]
    lost: list[str]  # acknowledged, not listed
    invented: list[str]  # listed, never sent
    changed: list[str]  # acknowledged, listed with another subject


def after_restart(served: Served, key: str, account: str, writes: Writes) -> Survival:
    """Read every draft back from the restarted ``served``."""
    ids = listed_drafts(served, key, account)
    invented: list[str] = []
    changed: list[str] = []
    for draft_id in ids:
        got = execute(None, served, key, account, "email.draft.get", {"draft_id": draft_id})
        assert got.status_code == 200, got.text
        subject = got.json()["output"]["message"]["message_info"]["subject"]
        if subject not in writes.sent:
            invented.append(draft_id)
        elif draft_id in writes.acknowledged and subject != writes.acknowledged[draft_id]:
            changed.append(draft_id)
    lost = sorted(set(writes.acknowledged) - set(ids))
    return Survival(ids, lost, invented, changed)
