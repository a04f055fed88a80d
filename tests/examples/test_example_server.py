"""The thread server works for any client: here the standard library and a subprocess."""

import json
import subprocess
import sys
import urllib.request

import pytest


@pytest.mark.interactor(accounts={"gmail": ["alice"]})
def test_any_http_client(interactor):
    request = urllib.request.Request(
        f"{interactor.base_url}/connector/gmail/action/email.list/execute?account=alice",
        data=b"{}",
        headers={"x-api-key": interactor.api_key, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        assert "messages" in json.load(response)["output"]
    interactor.assert_called("gmail", "email.list", account="alice")


@pytest.mark.interactor(accounts={"gmail": ["alice"]})
def test_a_subprocess(interactor):
    script = (
        "import sys, urllib.request\n"
        "r = urllib.request.Request(sys.argv[1], data=b'{}', headers={'x-api-key': sys.argv[2]})\n"
        "print(urllib.request.urlopen(r).read().decode())\n"
    )
    url = f"{interactor.base_url}/connector/gmail/action/email.list/execute?account=alice"
    done = subprocess.run(
        [sys.executable, "-c", script, url, interactor.api_key],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    # A fresh account's mailbox is empty until a test seeds it or sends mail.
    assert json.loads(done.stdout)["output"] == {
        "messages": [],
        "nextPageToken": None,
        "resultSizeEstimate": 0,
    }
    interactor.assert_called("gmail", "email.list", times=1)


def test_the_session_server(interactor_server):
    # One server per session (and per xdist worker); the `interactor` fixture uses it.
    with urllib.request.urlopen(interactor_server.url_for("/_mock/health")) as response:
        assert json.load(response)["status"] == "ok"
