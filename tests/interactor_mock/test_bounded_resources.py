"""Bounded resources (issue 15): unfinished grants are swept, generated reads are not kept
forever, idle connections are closed."""

from __future__ import annotations

import socket

import pytest

from interactor_mock.config import MockConfig
from interactor_mock.core import oauth as oauth_module
from interactor_mock.core.engine import Engine
from interactor_mock.embed.server import MockServer


def start(engine, env, account="alice"):
    contract = engine.registry.connector("gmail")
    url = engine.oauth.start(
        env, contract, account, redirect_url=None, skip_input=False, public_url="http://m"
    )
    return url.rsplit("state=", 1)[1]


def pending_states(engine):
    return {state for state, _ in engine.store.items("", "oauth-state")}


def test_expired_states_are_swept_as_new_grants_start(clock):
    engine = Engine(MockConfig(state_ttl_seconds=60), clock=clock)
    env = engine.default_environment
    old = {start(engine, env) for _ in range(300)}
    clock.advance(seconds=61)
    new = {start(engine, env) for _ in range(300)}
    left = pending_states(engine)
    assert not (old & left)
    assert engine.store.items(env.id, "oauth-state") != []
    assert left <= new
    assert len(engine.store.items(env.id, "oauth-state")) == len(left)


def test_unfinished_grants_are_bounded_and_the_oldest_go_first(clock):
    engine = Engine(MockConfig(max_pending_grants=100), clock=clock)
    env = engine.default_environment
    states = []
    for _ in range(2_000):
        states.append(start(engine, env))
        clock.advance(seconds=0.5)
    left = pending_states(engine)
    assert len(left) <= 100 + oauth_module.SWEEP_MIN
    assert states[-1] in left
    assert states[0] not in left
    assert len(engine.store.items(env.id, "oauth-state")) == len(left)


def test_codes_are_bounded_even_when_one_state_is_approved_again_and_again(clock):
    engine = Engine(MockConfig(max_pending_grants=50), clock=clock)
    env = engine.default_environment
    pending = engine.oauth.pending(start(engine, env))
    for _ in range(1_000):
        engine.oauth.approve(pending)
    assert len(engine.store.items("", "oauth-code")) <= 50 + oauth_module.SWEEP_MIN


def test_expired_codes_are_swept(clock):
    engine = Engine(MockConfig(code_ttl_seconds=10), clock=clock)
    env = engine.default_environment
    pending = engine.oauth.pending(start(engine, env))
    codes = {engine.oauth.approve(pending) for _ in range(10)}
    clock.advance(seconds=11)
    engine.oauth.sweep()
    assert not codes & {code for code, _ in engine.store.items("", "oauth-code")}


def test_a_sweep_keeps_live_grants_usable(clock, client, engine, dev):
    state = start(engine, dev)
    engine.oauth.sweep()
    code = engine.oauth.approve(engine.oauth.pending(state))
    engine.oauth.sweep()
    done = client.get("/oauth/callback", query_string={"state": state, "code": code})
    assert done.status_code == 200


def test_reads_of_unknown_ids_store_nothing(client, headers, engine, dev):
    # A collection holds only what was created or seeded (nothing from nowhere), so 300
    # reads of distinct unknown ids answer not-found and leave the store as it was.
    engine.grant(dev, "gmail", "alice")
    before = {kind: len(engine.store.items(dev.id, kind)) for kind in ("resource-meta",)}
    path = "/api/v1/connector/interactor/gmail/action/email.get/execute?account=alice"
    for n in range(300):
        answer = client.post(path, json={"message_id": f"m{n:04d}"}, headers=headers)
        assert answer.status_code == 500
        assert answer.json == {"error": "Requested entity was not found."}
    kept = [
        key
        for kind, _ in engine.store.items(dev.id, "resource-meta")
        for key, _ in engine.store.items(dev.id, kind)
    ]
    assert kept == []
    assert {k: len(engine.store.items(dev.id, k)) for k in before} == before


@pytest.fixture
def short_timeout_server(app):
    with MockServer(app=app, idle_timeout=0.5) as server:
        yield server


def _wait_for_eof(sock, bound=30.0):
    """True when the server closes the connection before ``bound`` seconds."""
    sock.settimeout(bound)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_an_idle_connection_is_closed_by_the_server(short_timeout_server):
    with socket.create_connection(("127.0.0.1", short_timeout_server.port)) as sock:
        assert _wait_for_eof(sock)


def test_a_request_that_stalls_mid_headers_is_closed(short_timeout_server):
    with socket.create_connection(("127.0.0.1", short_timeout_server.port)) as sock:
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        assert _wait_for_eof(sock)


def test_a_body_that_stalls_is_closed(short_timeout_server):
    with socket.create_connection(("127.0.0.1", short_timeout_server.port)) as sock:
        sock.sendall(
            b"POST /_mock/environments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        )
        sock.settimeout(30)
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert b'"error":"The request body did not arrive in time"' in answer


def test_a_sweep_runs_at_exactly_every_sweep_min_th_start_while_few_are_live(clock):
    # The cadence: a sweep after SWEEP_MIN starts (or as many as are live, if more), so that
    # its cost is constant per call. Expired states tell when a sweep ran.
    engine = Engine(MockConfig(state_ttl_seconds=60), clock=clock)
    env = engine.default_environment
    swept_after = []
    for n in range(1, 3 * oauth_module.SWEEP_MIN + 1):
        start(engine, env)
        if n > 1 and len(pending_states(engine)) == 1:  # only this start's state is left
            swept_after.append(n)
        clock.advance(seconds=61)  # every state so far expires
    sweep_min = oauth_module.SWEEP_MIN
    assert swept_after == [sweep_min, 2 * sweep_min, 3 * sweep_min]


def test_a_state_or_code_expires_at_exactly_its_ttl_and_the_sweep_forgets_it(clock):
    engine = Engine(MockConfig(state_ttl_seconds=60, code_ttl_seconds=10), clock=clock)
    env = engine.default_environment
    kept, gone = start(engine, env), start(engine, env)
    code = engine.oauth.approve(engine.oauth.pending(kept))
    clock.advance(seconds=10)  # the code's ttl exactly
    assert engine.oauth.sweep() == 2  # the two states; the code is gone
    assert engine.store.items("", "oauth-code") == []
    assert code not in {c for c, _ in engine.store.items("", "oauth-code")}
    clock.advance(seconds=50)  # the states' ttl exactly
    assert engine.oauth.sweep() == 0
    assert pending_states(engine) == set()
    assert {kept, gone} & {s for s, _ in engine.store.items(env.id, "oauth-state")} == set()


def test_a_sweep_counts_the_live_states_and_codes_it_keeps(clock):
    engine = Engine(MockConfig(), clock=clock)
    env = engine.default_environment
    states = [start(engine, env) for _ in range(3)]
    for state in states[:2]:
        engine.oauth.approve(engine.oauth.pending(state))
    assert engine.oauth.sweep() == 5


def test_a_sweep_drops_an_index_entry_whose_state_another_worker_took(clock):
    # The index ("" scope) lists each state with its environment; a worker that takes the
    # state between the sweep's listing and its read leaves the entry without its state.
    engine = Engine(MockConfig(), clock=clock)
    env = engine.default_environment
    live = start(engine, env)
    engine.store.put("", "oauth-state", "taken-meanwhile", env.id)
    assert engine.oauth.sweep() == 1
    assert pending_states(engine) == {live}
