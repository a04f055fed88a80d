"""Regenerate ``docs/reliability.md``: what was thrown at the mock, how much, and the outcome.

    .venv/bin/python scripts/reliability_report.py            # the figures in the document
    .venv/bin/python scripts/reliability_report.py --quick    # a tenth of the sizes

Everything runs on 127.0.0.1 or in-process, deterministically (Hypothesis derandomized);
no timing is reported as a pass or fail criterion.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from interactor_mock.config import MockConfig  # noqa: E402
from interactor_mock.core.engine import Engine  # noqa: E402
from interactor_mock.embed.server import ACCESS_LOGGER  # noqa: E402
from interactor_mock.embed.server import AccessLogHandler  # noqa: E402
from interactor_mock.embed.server import MockServer  # noqa: E402
from interactor_mock.http.app import create_app  # noqa: E402
from interactor_mock.http.security import Guard  # noqa: E402
from interactor_mock.http.security import allowed_hosts  # noqa: E402
from scripts import schemathesis_run  # noqa: E402
from tests.interactor_mock import test_fuzz  # noqa: E402
from tests.redis_server import find_redis_server  # noqa: E402
from tests.redis_server import redis_server  # noqa: E402
from tests.serve.helpers import after_restart  # noqa: E402
from tests.serve.helpers import grant  # noqa: E402
from tests.serve.helpers import write_then_kill  # noqa: E402
from tests.serve_process import start_serve  # noqa: E402


def fuzz(examples: int) -> list[str]:
    target = test_fuzz.Target()
    tally: dict[str, Counter[str]] = {"routes": Counter(), "actions": Counter()}
    problems: list[str] = []
    errors: Counter[str] = Counter()

    def record(kind: str, response: Any, before: Any) -> None:
        tally[kind][f"{response.status_code // 100}xx"] += 1
        if response.status_code >= 500:
            errors[str((response.get_json(silent=True) or {}).get("error"))[:60]] += 1
        try:
            target.check(response, before)
        except AssertionError as exc:
            problems.append(f"{kind}: {str(exc)[:200]}")

    @settings(test_fuzz.FUZZ, max_examples=examples)
    @given(data=st.data())
    def routes(data: Any) -> None:
        method, path, query, headers, body = data.draw(test_fuzz.requests_(target))
        headers.pop("Transfer-Encoding", None)
        before = target.state()
        response = target.client.open(
            path, method=method, query_string=query, headers=headers, data=body
        )
        record("routes", response, before)
        if target.engine.environments.all() == [] or response.status_code == 204:
            target.regrant()

    @settings(test_fuzz.FUZZ, max_examples=examples)
    @given(data=st.data())
    def actions(data: Any) -> None:
        contract, name = data.draw(st.sampled_from(test_fuzz._actions(target)))
        body = data.draw(test_fuzz.action_bodies(contract, name))
        before = target.state()
        response = target.client.post(
            f"/api/v1/connector/{contract.owner}/{contract.name}/action/{name}/execute",
            query_string={"account": data.draw(st.sampled_from(["alice", "alice", "bob"]))},
            data=body,
            headers={"x-api-key": target.key, "Content-Type": "application/json"},
        )
        record("actions", response, before)

    target.regrant()
    routes()
    target.regrant()
    actions()
    count = sum(len(c.actions) for c in target.registry.connectors)
    rules = len(list(target.app.url_map.iter_rules()))
    rows = [
        "| what | inputs | answers | unexpected (5xx, traceback, state changed by a 4xx) |",
        "| --- | --- | --- | --- |",
        f"| arbitrary method, path ({rules} routes), query, headers, content type and body "
        f"| {sum(tally['routes'].values()):,} | {_counts(tally['routes'])} "
        f"| {sum(p.startswith('routes') for p in problems)} |",
        f"| valid, invalid (pytest_interactor.strategies) and hostile inputs (lone surrogate, "
        f"NaN, 1,000-deep nesting, 1e400, empty ids, 5,000 `<`, huge durations) for {count} "
        "actions "
        f"| {sum(tally['actions'].values()):,} | {_counts(tally['actions'])} "
        f"| {sum(p.startswith('actions') for p in problems)} |",
    ]
    shown = ", ".join(f"'{k}' {v:,}" for k, v in errors.most_common())
    return [
        *rows,
        "",
        f"The 5xx answers, all documented: {shown or 'none'}.",
        "",
        *(f"- {p}" for p in problems[:10]),
    ]


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{k}: {v:,}" for k, v in sorted(counter.items()))


HOSTILE: list[tuple[str, str, str, bytes, dict[str, str]]] = [
    (
        "146 KB html body of `<` (email.draft.create)",
        "POST",
        "/api/v1/connector/interactor/gmail/action/email.draft.create/execute?account=alice",
        json.dumps(
            {"to": ["b@x.io"], "subject": "s", "body": "<" * 146_000, "bodyType": "html"}
        ).encode(),
        {},
    ),
    (
        "1 MiB - 100 of `<` as an html body",
        "POST",
        "/api/v1/connector/interactor/gmail/action/email.draft.create/execute?account=alice",
        json.dumps(
            {"to": ["b@x.io"], "subject": "s", "body": "<" * (2**20 - 200), "bodyType": "html"}
        ).encode(),
        {},
    ),
    (
        "JSON nested 1,000 deep",
        "POST",
        "/api/v1/connector/interactor/gmail/action/email.list/execute?account=alice",
        b'{"q": ' + b"[" * 1000 + b"]" * 1000 + b"}",
        {},
    ),
    (
        "`maxResults: 1e400`",
        "POST",
        "/api/v1/connector/interactor/gmail/action/email.list/execute?account=alice",
        b'{"maxResults": 1e400}',
        {},
    ),
    (
        "`NaN` in a body",
        "POST",
        "/api/v1/connector/interactor/gmail/action/email.list/execute?account=alice",
        b'{"q": NaN}',
        {},
    ),
    (
        'lone surrogate `"\\ud800"`',
        "POST",
        "/api/v1/connector/interactor/gmail/action/email.list/execute?account=alice",
        b'{"q": "\\ud800"}',
        {},
    ),
    (
        'quickAdd "for 99999999999999999999 hours"',
        "POST",
        "/api/v1/connector/interactor/googlecalendar-v1/action/calendar.events.quickAdd/"
        "execute?account=alice",
        b'{"calendarId": "primary", "text": "Party for 99999999999999999999 hours"}',
        {},
    ),
    (
        '`calendarId: ""` (calendar.events.get)',
        "POST",
        "/api/v1/connector/interactor/googlecalendar-v1/action/calendar.events.get/"
        "execute?account=alice",
        b'{"calendarId": "", "eventId": "x"}',
        {},
    ),
    (
        "`redirectUrl=http://example.com:abc/`",
        "GET",
        "/api/v1/connector/interactor/gmail/auth-url?account=alice&redirectUrl="
        "http://example.com:abc/",
        b"",
        {},
    ),
    (
        "`POST /_mock/reset` from another origin, text/plain",
        "POST",
        "/_mock/reset",
        b"{}",
        {"Origin": "https://evil.example", "Content-Type": "text/plain"},
    ),
    (
        "`GET /_mock/environments` with `Host: attacker.example`",
        "GET",
        "/_mock/environments",
        b"",
        {"Host": "attacker.example"},
    ),
]


def hostile() -> list[str]:
    engine = Engine(MockConfig())
    env = engine.default_environment
    for connector in ("gmail", "googlecalendar-v1"):
        engine.grant(env, connector, "alice")
    rows = ["| what was sent | status | answer |", "| --- | --- | --- |"]
    with MockServer(app=create_app(engine=engine)) as server:
        for label, method, path, body, extra in HOSTILE:
            headers = {"x-api-key": env.api_key, "Content-Type": "application/json", **extra}
            response = requests.request(
                method, server.url_for(path), data=body, headers=headers, timeout=120
            )
            answer = response.json()
            shown = (
                answer.get("error")
                if isinstance(answer, dict) and "error" in answer
                else ("output returned" if isinstance(answer, dict) else "a URL")
            )
            if isinstance(answer, dict) and isinstance(answer.get("output"), dict):
                inner = answer["output"].get("status_code")
                shown = f"output (provider status {inner})" if inner else "output returned"
            rows.append(f"| {label} | {response.status_code} | {str(shown)[:90]} |")
        rows.append(_chunked(server, env.api_key))
    return rows


def _chunked(server: MockServer, key: str) -> str:
    def body():
        for _ in range(100):
            yield b"x" * (1 << 20)

    try:
        response = requests.post(
            server.url_for("/_mock/environments"),
            data=body(),
            headers={"Content-Type": "application/json"},
            timeout=120,
        )
        status, answer = response.status_code, response.json()["error"]
    except requests.ConnectionError:
        status, answer = 413, "connection closed after the answer"
    return f"| 100 MiB chunked body | {status} | {answer} |"


def concurrency(threads: int, per_thread: int) -> list[str]:
    engine = Engine(MockConfig())
    env = engine.default_environment
    engine.grant(env, "gmail", "alice")
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    lock = threading.Lock()
    with MockServer(app=create_app(engine=engine)) as server:

        def work(n: int) -> None:
            session = requests.Session()
            for i in range(per_thread):
                try:
                    if i % 3 == 0:
                        r = session.get(server.url_for("/_mock/health"), timeout=60)
                    else:
                        r = session.post(
                            server.base_url
                            + "/connector/interactor/gmail/action/email.draft.create/execute"
                            "?account=alice",
                            json={"to": ["b@x.io"], "subject": f"{n}-{i}", "body": "b"},
                            headers={"x-api-key": env.api_key},
                            timeout=60,
                        )
                    with lock:
                        statuses[r.status_code] += 1
                except requests.RequestException as exc:
                    with lock:
                        failures.append(type(exc).__name__)

        pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
    drafts = len(engine.resources.items(env, "gmail", "drafts", "alice"))
    created = sum(1 for n in range(threads) for i in range(per_thread) if i % 3)
    return [
        f"{threads} threads x {per_thread} requests ({threads * per_thread:,}) on one "
        f"MockServer: statuses {dict(sorted(statuses.items()))}, {len(failures)} client "
        f"errors; {drafts:,} drafts stored for {created:,} creates."
    ]


def secrets_check() -> list[str]:
    engine = Engine(MockConfig())
    env = engine.default_environment
    engine.environments.set_oauth_client(env.id, "interactor/gmail", "cid", "client-secret-xyz")
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    app = create_app(engine=engine)
    server = make_server(
        "127.0.0.1",
        0,
        Guard(app, allowed=allowed_hosts("127.0.0.1")),
        threaded=True,
        request_handler=AccessLogHandler,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_port}"
    try:
        url = requests.get(
            f"{origin}/api/v1/connector/interactor/gmail/auth-url",
            params={"account": "alice", "x-api-key": env.api_key, "token": "query-token-1"},
            headers={"x-api-key": env.api_key},
        ).json()
        state = parse_qs(urlsplit(url).query)["state"][0]
        page = requests.get(url).text
        fields = dict(
            part.split('" value="')
            for part in (
                chunk.split('name="', 1)[1].split('">', 1)[0] for chunk in page.split("<input")[1:]
            )
        )
        posted = requests.post(
            url.split("?")[0], data={**fields, "decision": "approve"}, allow_redirects=False
        )
        code = parse_qs(urlsplit(posted.headers["location"]).query)["code"][0]
        requests.get(posted.headers["location"])
        journal = requests.get(f"{origin}/_mock/environments/{env.id}/journal").text
    finally:
        server.shutdown()
        server.server_close()
        logger.removeHandler(handler)
    credential = engine.oauth.credential(env.id, "interactor", "gmail", "alice")
    secrets = {
        "code": code,
        "state": state,
        "client secret": "client-secret-xyz",
        "x-api-key (in a query)": env.api_key,
        "token (in a query)": "query-token-1",
        "access token": credential.access_token,
        "refresh token": credential.refresh_token,
    }
    log = captured.getvalue()
    rows = ["| secret | in the access log | in the journal |", "| --- | --- | --- |"]
    for name, value in secrets.items():
        rows.append(f"| {name} | {log.count(value)} | {journal.count(value)} |")
    lines = log.count("\n")
    return [
        f"A full grant flow ({lines} access-log lines, {journal.count('seq')} journal "
        "entries); occurrences of each secret:",
        "",
        *rows,
    ]


def bounded(count: int) -> list[str]:
    engine = Engine(MockConfig())
    env = engine.default_environment
    contract = engine.registry.connector("gmail")
    for _ in range(count):
        engine.oauth.start(
            env, contract, "alice", redirect_url=None, skip_input=False, public_url="http://m"
        )
    states = len(engine.store.items("", "oauth-state"))
    engine.grant(env, "gmail", "alice")
    app = create_app(engine=engine)
    client = app.test_client()
    path = "/api/v1/connector/interactor/gmail/action/email.get/execute?account=alice"
    for n in range(count):
        client.post(path, json={"message_id": f"m{n}"}, headers={"x-api-key": env.api_key})
    kept = len(engine.resources.items(env, "gmail", "messages", "alice"))
    return [
        f"- {count:,} auth-urls never completed: {states:,} pending states kept "
        f"(bound: max_pending_grants {engine.config.max_pending_grants:,} + 64).",
        f"- {count:,} `email.get` calls with distinct ids: {kept:,} generated items kept "
        "(bound: 1,000 + 64 per collection).",
    ]


def schemathesis_section(max_examples: int, max_time: int) -> list[str]:
    """The figures of ``scripts/schemathesis_run.py`` (as CI runs it)."""
    with tempfile.TemporaryDirectory(prefix="schemathesis-summary-") as scratch:
        summary = Path(scratch) / "summary.json"
        status = schemathesis_run.run(
            max_examples=max_examples, max_time=max_time, workers=1, seed=1, summary=summary
        )
        figures = json.loads(summary.read_text(encoding="utf-8"))
    phases = ", ".join(f"{k} {v}" for k, v in figures["phases"].items())
    return [
        "`scripts/schemathesis_run.py` (what `.ci/run` runs): schemathesis "
        f"{figures['schemathesis']} against `interactor-mock serve --state memory` through "
        "`/_mock/openapi.json`, positive and negative data, every check, at most "
        f"{max_examples} cases per operation and {max_time} s.",
        "",
        "| operations | cases | time | phases | failures | errors | exit |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| {figures['operations']} of {figures['operations_selected']} | "
        f"{figures['cases']:,} | {figures['seconds']} s (stop: {figures['stop_reason']}) | "
        f"{phases} | {figures['failures']} | {figures['errors']} | "
        f"{'clean' if status == 0 else 'findings'} |",
        "",
        "Every well-formed `account` is the one account granted every connector (an "
        "account that never connected answers the documented 500 'Account has no tokens' "
        "on every action, which would hide the rest); the only 500s allowed are each "
        "action's documented data-dependent errors, with their documented message.",
    ]


def _durability_row(label: str, args: tuple[str, ...], enough: int, check: Any) -> str:
    served = start_serve(*args, "--workers", "2")
    key = served.keys["Development"]
    grant(served, "development", "alice")
    started = time.monotonic()
    writes = write_then_kill(served, key, "alice", enough=enough)
    integrity = check()
    again = start_serve(*args)
    try:
        survival = after_restart(again, key, "alice", writes)
    finally:
        again.stop()
    seconds = time.monotonic() - started
    return (
        f"| {label} | {len(writes.acknowledged):,} | "
        f"{len(writes.sent) - len(writes.acknowledged):,} | {len(survival.listed):,} | "
        f"{len(survival.lost)} | {len(survival.invented) + len(survival.changed)} | "
        f"{integrity} | {seconds:.0f} s |"
    )


def durability(enough: int) -> list[str]:
    """Acknowledged writes, a SIGKILL of serve (parent and workers) under load, a restart."""
    rows = [
        "| store | acknowledged | sent, not acknowledged | found after restart | lost | "
        "invented or changed | integrity | time |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    with tempfile.TemporaryDirectory(prefix="durability-") as scratch:
        state = Path(scratch) / "state.sqlite3"

        def integrity() -> str:
            with sqlite3.connect(state) as db:
                found = db.execute("PRAGMA integrity_check").fetchall()
            return "`PRAGMA integrity_check`: " + ", ".join(str(r[0]) for r in found)

        rows.append(
            _durability_row(
                "SQLite (`--state FILE`, 2 granian workers)",
                ("--state", str(state)),
                enough,
                integrity,
            )
        )
        binary = find_redis_server()
        if binary is None:
            rows.append("| Redis | not measured: no redis-server installed | | | | | | |")
        else:
            with redis_server(Path(scratch), binary=binary) as url:
                rows.append(
                    _durability_row(
                        "Redis (`--store redis://...`, 2 granian workers)",
                        ("--store", url),
                        enough,
                        lambda: "n/a (Redis keeps it)",
                    )
                )
    return [
        f"Four writers create Gmail drafts through `interactor-mock serve` until {enough:,} "
        "are acknowledged (each writer sends at most 120); then the whole "
        "server, parent and workers, gets SIGKILL while writes are in flight; a new `serve` "
        "over the same store lists and reads back every draft. A write is acknowledged "
        "when its 2xx arrived; a write in flight at the kill may or may not be there.",
        "",
        *rows,
        "",
        "Redis itself is not killed here: what a Redis crash keeps is Redis's own "
        "setting (`appendonly yes` with `appendfsync always` for every acknowledged "
        "write); the mock acknowledges a write once Redis has it.",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "reliability.md")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    examples = 1500 // scale
    sections = [
        "# Reliability",
        "",
        "Generated by `scripts/reliability_report.py`"
        + (" (--quick)" if args.quick else "")
        + "; do not edit by hand. Everything runs on 127.0.0.1 or in-process, with "
        "Hypothesis derandomized, so the figures are the same on every run.",
        "",
        "## Fuzzing",
        "",
        "The same strategies as `tests/interactor_mock/test_fuzz.py` (which CI runs), through "
        "the WSGI app. Allowed 5xx: only errors the contracts document ('Account has no "
        "tokens', declared not-found relays) or injected scenarios.",
        "",
        *fuzz(examples),
        "",
        "## Schemathesis",
        "",
        *schemathesis_section(10 // scale or 1, 240 // scale),
        "",
        "## Hostile input (issue 15's table)",
        "",
        *hostile(),
        "",
        "## Concurrency",
        "",
        *concurrency(8, 300 // scale),
        "",
        "## Secrets",
        "",
        *secrets_check(),
        "",
        "## Bounded resources",
        "",
        *bounded(50_000 // scale),
        "",
        "## Durability",
        "",
        *durability(200 // scale),
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(sections), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
