"""``--interactor-listen HOST:PORT`` and ini ``interactor_listen``: where the session's thread
server listens (as pytest-httpserver's listen address), through ``pytester``."""

from __future__ import annotations

import socket

import pytest

from pytest_interactor.options import Listen
from pytest_interactor.options import parse_listen

TEST = """
    import requests

    def test_the_server_listens_there(interactor, interactor_server):
        assert interactor.base_url == "http://127.0.0.1:{port}/api/v1"
        assert interactor_server.port == {port}
        health = requests.get("http://127.0.0.1:{port}/_mock/health", timeout=10)
        assert health.status_code == 200
"""


def run(pytester, *args):
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_option_fixes_host_and_port_of_the_session_server(pytester):
    port = free_port()
    pytester.makepyfile(TEST.format(port=port))
    run(pytester, f"--interactor-listen=127.0.0.1:{port}").assert_outcomes(passed=1)


def test_the_ini_fixes_host_and_port_of_the_session_server(pytester):
    port = free_port()
    pytester.makeini(f"[pytest]\ninteractor_listen = 127.0.0.1:{port}\n")
    pytester.makepyfile(TEST.format(port=port))
    result = run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"interactor-mock: mode=server, *, listen=127.0.0.1:{port}"])


def test_a_port_alone_means_127_0_0_1(pytester):
    port = free_port()
    pytester.makepyfile(TEST.format(port=port))
    run(pytester, f"--interactor-listen={port}").assert_outcomes(passed=1)


def test_a_port_in_use_fails_the_tests_that_need_the_server_saying_why(pytester):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        pytester.makepyfile(
            """
            def test_needs_the_server(interactor):
                pass

            def test_does_not(): pass
            """
        )
        result = run(pytester, f"--interactor-listen=127.0.0.1:{port}")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            f"interactor-mock: cannot listen on 127.0.0.1:{port}: Address already in use "
            "(set by --interactor-listen or ini interactor_listen; under pytest-xdist every "
            "worker starts its own server, so a fixed port suits one worker only)"
        ]
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("127.0.0.1:99999", "port must be an integer from 0 to 65535, not '99999'; expected *"),
        ("127.0.0.1:-1", "port must be an integer from 0 to 65535, not '-1'; expected *"),
        ("localhost:http", "port must be an integer from 0 to 65535, not 'http'; expected *"),
        ("localhost:", "port must be an integer from 0 to 65535, not ''; expected *"),
        (":1290", "':1290' names no host; expected HOST:PORT, e.g. 127.0.0.1:1290 *"),
        ("::1:1290", "IPv6 addresses go in brackets ([[]::1]:1290), not '::1:1290'"),
        ("[::1]", "'[[]::1]' is not a bracketed IPv6 address and a port; expected *"),
    ],
)
def test_a_bad_address_is_a_usage_error_naming_the_option(pytester, value, message):
    pytester.makepyfile("def test_never_runs(): pass")
    result = run(pytester, f"--interactor-listen={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: --interactor-listen: {message}"])


def test_a_bad_ini_address_is_a_usage_error_naming_the_ini_key(pytester):
    pytester.makeini("[pytest]\ninteractor_listen = here:there\n")
    pytester.makepyfile("def test_never_runs(): pass")
    result = run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: interactor_listen: port must be an integer from 0 to 65535, not 'there'; *"]
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("127.0.0.1:1290", Listen("127.0.0.1", 1290)),
        ("localhost:0", Listen("localhost", 0)),
        ("8080", Listen("127.0.0.1", 8080)),
        (" 0.0.0.0:65535 ", Listen("0.0.0.0", 65535)),
        ("[::1]:1290", Listen("::1", 1290)),
    ],
)
def test_addresses_parse_to_host_and_port(value, expected):
    assert parse_listen(value) == expected


def test_an_ipv6_address_prints_in_brackets():
    assert str(Listen("::1", 1290)) == "[::1]:1290"
    assert str(Listen("127.0.0.1", 0)) == "127.0.0.1:0"
