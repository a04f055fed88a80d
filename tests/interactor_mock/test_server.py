"""``MockServer``: the app on 127.0.0.1 in a daemon thread, for any HTTP client."""

from __future__ import annotations

import pickle
import socket
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from interactor_mock import MockServer
from interactor_mock import create_app


def test_port_zero_picks_a_free_port_and_the_urls_follow_it():
    with MockServer() as server:
        assert server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert server.base_url == server.url + "/api/v1"
        assert server.url_for("/_mock/health") == server.url + "/_mock/health"
        assert server.url_for("_mock/health") == server.url + "/_mock/health"


def test_the_server_answers_real_http():
    with MockServer() as server:
        response = requests.get(server.url_for("/_mock/health"), timeout=5)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_any_client_works_not_only_requests():
    with MockServer() as server, urllib.request.urlopen(server.url_for("/_mock/health")) as page:
        assert page.status == 200


def test_start_returns_once_ready_and_stop_releases_the_port():
    server = MockServer().start()
    try:
        assert server.is_running()
        port = server.port
    finally:
        server.stop()
    assert not server.is_running()
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


# How quickly stop() returns is the "MockServer stop" figure of bench/startup.py: a timed
# assertion has no place in a test.


def test_stop_twice_and_stop_before_start_do_nothing():
    server = MockServer()
    server.stop()
    assert not server.is_running()
    server.start()
    port = server.port
    assert requests.get(server.url_for("/_mock/health"), timeout=5).ok
    server.stop()
    server.stop()
    assert not server.is_running()
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


def test_starting_a_running_server_is_refused():
    with MockServer() as server, pytest.raises(RuntimeError, match="already running"):
        server.start()


def test_a_stopped_server_can_start_again():
    server = MockServer()
    with server:
        pass
    with server:
        assert requests.get(server.url_for("/_mock/health"), timeout=5).ok


def test_the_thread_is_a_daemon_so_it_never_blocks_exit():
    with MockServer() as server:
        threads = [t for t in threading.enumerate() if t.name == f"interactor-mock:{server.port}"]
        assert len(threads) == 1
        assert threads[0].daemon


def test_concurrent_requests_are_all_answered(engine):
    environment = engine.default_environment
    with MockServer(app=create_app(engine=engine)) as server:
        engine.grant(environment, "gmail", "alice")
        url = f"{server.base_url}/connector/gmail/action/email.list/execute?account=alice"

        def call(_: int) -> tuple[int, object]:
            with requests.Session() as session:
                response = session.post(
                    url, json={}, headers={"x-api-key": environment.api_key}, timeout=10
                )
                return response.status_code, response.json()

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(call, range(40)))
    empty = {"output": {"messages": [], "nextPageToken": None, "resultSizeEstimate": 0}}
    assert answers == [(200, empty)] * 40
    assert len(engine.journal.entries(environment.id)) == 40


def test_the_server_shares_state_with_the_app_it_serves(app, engine, dev):
    with MockServer(app=app) as server:
        assert server.engine is engine
        engine.grant(dev, "gmail", "alice")
        response = requests.get(
            f"{server.base_url}/connector/gmail/credential",
            params={"account": "alice"},
            headers={"x-api-key": dev.api_key},
            timeout=5,
        )
    assert response.status_code == 200


def test_repr_says_where_and_whether_it_runs():
    server = MockServer()
    assert repr(server) == "<MockServer http://127.0.0.1:0 stopped>"
    with server:
        assert repr(server) == f"<MockServer http://127.0.0.1:{server.port} running>"


def test_a_server_cannot_be_pickled():
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(MockServer())


def test_servers_built_without_an_app_keep_separate_state():
    with MockServer() as one, MockServer() as two:
        key = one.engine.default_environment.api_key
        assert key != two.engine.default_environment.api_key
        url = "/api/v1/connector/gmail/auth-url?account=alice"
        assert requests.get(one.url_for(url), headers={"x-api-key": key}, timeout=5).ok
        answer = requests.get(two.url_for(url), headers={"x-api-key": key}, timeout=5)
        assert answer.status_code == 401
        environment = one.engine.default_environment.id
        assert len(one.engine.journal.entries(environment)) == 1
        assert two.engine.journal.entries(two.engine.default_environment.id) == []


def test_a_server_built_without_an_app_makes_one_for_its_engine_on_demand():
    server = MockServer()
    assert server.app.extensions["interactor_mock"] is server.engine
    assert server.app is server.app


def test_each_server_applies_its_own_body_limit():
    from interactor_mock.config import MockConfig

    with MockServer(config=MockConfig(max_body_bytes=64)) as small, MockServer() as large:
        body = {"name": "x" * 200}
        url = "/_mock/environments"
        assert requests.post(small.url_for(url), json=body, timeout=5).status_code == 413
        assert requests.post(large.url_for(url), json=body, timeout=5).status_code != 413
