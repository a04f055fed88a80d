"""``serve --state/--store``: which store, what it holds, and refusals without a traceback."""

from __future__ import annotations

import sqlite3
import threading

import requests

from interactor_mock.core.engine import Engine
from interactor_mock.serving import default_state_path
from interactor_mock.store import SqliteStore
from tests.serve_process import run_serve
from tests.serve_process import start_serve

KEY = "interactor_AbCdEfGh_0123456789abcdefghijklmnopqrstuv"
OTHER_KEY = "interactor_ZyXwVuTs_0123456789abcdefghijklmnopqrstuv"


def test_the_default_state_file_is_in_the_users_state_directory(tmp_path):
    assert default_state_path({"XDG_STATE_HOME": str(tmp_path)}) == (
        tmp_path / "interactor-mock" / "state.sqlite3"
    )
    assert default_state_path({"HOME": "/nowhere"}).parts[-4:] == (
        ".local",
        "state",
        "interactor-mock",
        "state.sqlite3",
    )
    assert default_state_path({"XDG_STATE_HOME": "relative"}).parts[-3:-1] == (
        "state",
        "interactor-mock",
    )  # the XDG rule: a relative value is ignored


def test_a_printed_key_and_a_grant_stay_valid_across_restarts_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    first = start_serve()
    try:
        assert f"state: SQLite file {tmp_path / 'interactor-mock' / 'state.sqlite3'}" in (
            first.text
        )
        assert "holds 3 environments, 0 connected accounts, 0 stored items" in first.text
        headers = {"x-api-key": first.keys["Development"]}
        granted = requests.post(
            f"{first.origin}/_mock/environments/development/grants",
            json={"connector": "gmail", "account": "alice"},
            timeout=10,
        )
        assert granted.status_code in (200, 201), granted.text
        draft = requests.post(
            f"{first.origin}/api/v1/connector/interactor/gmail/action/email.draft.create/execute",
            params={"account": "alice"},
            json={"to": ["bob@example.com"], "subject": "Kept", "body": "x"},
            headers=headers,
            timeout=10,
        )
        assert draft.status_code == 200, draft.text
    finally:
        assert first.stop() == 0
    second = start_serve()
    try:
        assert second.keys == first.keys
        assert "holds 3 environments, 1 connected accounts, 1 stored items" in second.text
        listed = requests.post(
            f"{second.origin}/api/v1/connector/interactor/gmail/action/email.draft.list/execute",
            params={"account": "alice"},
            json={},
            headers={"x-api-key": second.keys["Development"]},
            timeout=10,
        )
        assert [d["id"] for d in listed.json()["output"]["drafts"]] == [
            draft.json()["output"]["id"]
        ]
    finally:
        assert second.stop() == 0


def test_state_memory_is_said_and_forgotten(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    served = start_serve("--state", "memory")
    try:
        assert "state: memory (forgotten when serve stops)" in served.text
        assert "werkzeug threads" in served.text
    finally:
        assert served.stop() == 0
    assert not (tmp_path / "interactor-mock").exists()


def test_a_fixed_api_key_becomes_the_development_key_of_an_existing_state(tmp_path):
    state = str(tmp_path / "s.sqlite3")
    first = start_serve("--state", state, "--api-key", KEY)
    assert first.keys["Development"] == KEY
    testing = first.keys["Testing"]
    assert first.stop() == 0
    second = start_serve("--state", state, "--api-key", OTHER_KEY)
    try:
        assert (second.keys["Development"], second.keys["Testing"]) == (OTHER_KEY, testing)
        old = requests.get(
            f"{second.origin}/api/v1/connector/interactor/gmail/auth-url?account=a",
            headers={"x-api-key": KEY},
            timeout=10,
        )
        assert old.status_code == 401
    finally:
        assert second.stop() == 0


def test_another_applications_sqlite_file_is_refused_without_a_traceback(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
    result = run_serve("--state", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert str(path) in result.stderr
    assert "Traceback" not in result.stderr


def test_an_older_format_file_is_refused_without_a_traceback(tmp_path):
    path = tmp_path / "old.sqlite3"
    SqliteStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '0' WHERE name = 'version'")
    result = run_serve("--state", str(path))
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_a_redis_holding_another_tools_keys_is_refused_without_a_traceback(redis_db_url):
    import redis

    client = redis.Redis.from_url(redis_db_url)
    client.set("interactor-mock:sessions", "someone else's")
    client.close()
    result = run_serve("--store", redis_db_url)
    assert result.returncode == 2, result.stdout
    assert "error: " in result.stderr
    assert "interactor-mock did not write" in result.stderr
    assert "Traceback" not in result.stderr


def test_contradictory_state_options_are_refused():
    both = run_serve("--state", "memory", "--store", "redis://127.0.0.1:1/0")
    assert (both.returncode, both.stderr) == (2, "error: give --state or --store, not both\n")
    memory = run_serve("--state", "memory", "--workers", "2")
    assert memory.returncode == 2
    assert "cannot be shared by 2 workers" in memory.stderr


def test_bootstrapping_happens_once_per_store_whatever_the_number_of_engines(tmp_path):
    path = tmp_path / "shared.sqlite3"
    engines: list[Engine] = []
    lock = threading.Lock()

    def start() -> None:
        engine = Engine(store=SqliteStore(path))
        with lock:
            engines.append(engine)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    keys = {tuple(e.api_key for e in engine.environments.all()) for engine in engines}
    assert len(keys) == 1
    (only,) = keys
    assert len(only) == 3
    later = Engine(store=SqliteStore(path))
    assert tuple(e.api_key for e in later.environments.all()) == only
    for engine in [*engines, later]:
        engine.store.close()  # type: ignore[attr-defined]


def test_a_deleted_default_environment_stays_deleted_after_a_restart(tmp_path):
    path = tmp_path / "state.sqlite3"
    first = Engine(store=SqliteStore(path))
    first.environments.delete("testing")
    first.store.close()  # type: ignore[attr-defined]
    second = Engine(store=SqliteStore(path))
    assert [e.id for e in second.environments.all()] == ["development", "production"]
    second.store.close()  # type: ignore[attr-defined]


def test_a_seed_file_is_applied_once_before_the_workers_serve(tmp_path):
    import json

    seed = tmp_path / "seed.json"
    seed.write_text(
        json.dumps(
            {
                "environments": {
                    "ci": {
                        "name": "CI",
                        "apiKey": KEY,
                        "accounts": {"alice": {"gmail": {"drafts": [{"id": "r-seeded"}]}}},
                    }
                }
            }
        )
    )
    served = start_serve(
        "--state", str(tmp_path / "s.sqlite3"), "--workers", "2", "--seed-file", str(seed)
    )
    try:
        assert "holds 4 environments, 1 connected accounts, 1 stored items" in served.text
        for _ in range(4):  # whichever worker answers
            listed = requests.post(
                f"{served.origin}/api/v1/connector/interactor/gmail/action/email.draft.list/execute",
                params={"account": "alice"},
                json={},
                headers={"x-api-key": KEY},
                timeout=10,
            )
            assert [d["id"] for d in listed.json()["output"]["drafts"]] == ["r-seeded"]
    finally:
        assert served.stop() == 0


def test_a_new_state_file_is_readable_by_its_user_only(tmp_path):
    from interactor_mock import serving

    path = tmp_path / "new" / "state.sqlite3"
    store = serving.open_store({"kind": "sqlite", "path": str(path)})
    store.put("", "k", "x", {"v": 1})
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_granian_workers_answer_the_control_api_only_under_served_hosts(tmp_path):
    served = start_serve("--state", str(tmp_path / "s.sqlite3"))
    try:
        assert "granian" in served.text
        foreign = requests.get(
            served.origin + "/_mock/environments", headers={"Host": "attacker.example"}, timeout=10
        )
        assert foreign.status_code == 421
        assert "interactor_" not in foreign.text  # no key leaves under a foreign name
        cross_site = requests.post(
            served.origin + "/_mock/reset",
            headers={"Origin": "http://evil.example", "Content-Type": "text/plain"},
            timeout=10,
        )
        assert cross_site.status_code in (403, 415)
        assert requests.get(served.origin + "/_mock/environments", timeout=10).status_code == 200
    finally:
        assert served.stop() == 0


def test_granian_workers_require_the_admin_token_on_the_control_api(tmp_path):
    token = "adm-" + "T" * 24
    served = start_serve("--state", str(tmp_path / "s.sqlite3"), "--admin-token", token)
    try:
        health = served.origin + "/_mock/health"
        assert requests.get(health, timeout=10).status_code == 401
        allowed = requests.get(health, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert allowed.status_code == 200
        assert allowed.json()["status"] == "ok"
    finally:
        assert served.stop() == 0


def _seed_document(draft_ids):
    return {
        "environments": {
            "ci": {
                "name": "CI",
                "apiKey": KEY,
                "accounts": {"alice": {"gmail": {"drafts": [{"id": d} for d in draft_ids]}}},
            }
        }
    }


def _draft_ids(served):
    listed = requests.post(
        f"{served.origin}/api/v1/connector/interactor/gmail/action/email.draft.list/execute",
        params={"account": "alice"},
        json={},
        headers={"x-api-key": KEY},
        timeout=10,
    )
    assert listed.status_code == 200, listed.text
    return sorted(d["id"] for d in listed.json()["output"]["drafts"])


def test_a_seed_file_is_applied_once_to_a_lasting_state_and_again_when_edited(tmp_path):
    import json

    seed, state = tmp_path / "seed.json", str(tmp_path / "s.sqlite3")
    seed.write_text(json.dumps(_seed_document(["r-seeded"])))
    first = start_serve("--state", state, "--seed-file", str(seed))
    try:
        assert "seeded from" in first.text
        created = requests.post(
            f"{first.origin}/api/v1/connector/interactor/gmail/action/email.draft.create/execute",
            params={"account": "alice"},
            json={"to": ["bo@example.com"], "subject": "made by a user", "body": "keep me"},
            headers={"x-api-key": KEY},
            timeout=10,
        )
        assert created.status_code == 200, created.text
        made = created.json()["output"]["id"]
        assert _draft_ids(first) == sorted(["r-seeded", made])
    finally:
        assert first.stop() == 0
    # The same file again: the user's draft stays.
    same = start_serve("--state", state, "--seed-file", str(seed))
    try:
        assert "already applied to this state" in same.text
        assert _draft_ids(same) == sorted(["r-seeded", made])
    finally:
        assert same.stop() == 0
    # An edited file is applied: the collection is what the new seed says.
    seed.write_text(json.dumps(_seed_document(["r-one", "r-two"])))
    edited = start_serve("--state", state, "--seed-file", str(seed))
    try:
        assert "seeded from" in edited.text
        assert _draft_ids(edited) == ["r-one", "r-two"]
    finally:
        assert edited.stop() == 0
    # --reseed applies the same file again.
    forced = start_serve("--state", state, "--seed-file", str(seed), "--reseed")
    try:
        assert "seeded from" in forced.text
    finally:
        assert forced.stop() == 0


def test_reseed_without_a_seed_file_is_refused():
    result = run_serve("--reseed")
    assert result.returncode == 2
    assert result.stderr == "error: --reseed needs --seed-file\n"
