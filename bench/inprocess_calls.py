"""In-process calls through ``requests``: ours against bare ``responses`` stubs.

- ``execute``: ``interactor_mock.mock()`` (route, key, credential, validate, generate, check
  the output, journal) against a ``responses`` callback that hands the same body to a minimal
  Flask route (through the Flask test client) which validates it with a precompiled
  ``jsonschema`` validator and returns it.
- ``auth-url``: ours against a ``responses`` registered JSON reply.

Both sides use one ``requests.Session`` (as an API client does), and each batch runs with
only its own side's ``responses`` mock active.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import requests
import responses

import interactor_mock
from bench.apps import ACCOUNT
from bench.apps import ACTION
from bench.apps import CONNECTOR
from bench.apps import VALIDATE_PATH
from bench.apps import baseline_app
from bench.apps import draft_body
from bench.core import Figure
from bench.core import Target
from bench.core import interleaved
from bench.core import median

GROUP = "in-process"
BASELINE_URL = "https://stub.example.com/api/v1"


def run(quick: bool = False) -> list[Figure]:
    rounds, batch = (3, 20) if quick else (15, 200)
    return [execute_figure(rounds, batch), auth_url_figure(rounds, batch)]


class _Sides:
    """Our in-process mock and a bare ``responses`` mock, each switched on for its batches."""

    def __init__(self) -> None:
        self.mock = interactor_mock.mock()
        self.handle = self.mock.start()
        self.handle.grant(CONNECTOR, ACCOUNT)
        assert self.handle.responses is not None
        self.routes: responses.RequestsMock = self.handle.responses
        # Ours stays registered but is switched off while the baseline runs, and back on after.
        self.routes.stop(allow_assert=False)
        self.stub = responses.RequestsMock(assert_all_requests_are_fired=False)
        self.session = requests.Session()
        self.counter = 0

    @contextlib.contextmanager
    def ours(self) -> Iterator[None]:
        self.routes.start()
        try:
            yield
        finally:
            self.routes.stop(allow_assert=False)

    @contextlib.contextmanager
    def baseline(self) -> Iterator[None]:
        self.stub.start()
        try:
            yield
        finally:
            self.stub.stop(allow_assert=False)

    def close(self) -> None:
        self.routes.start()  # stop() expects it active
        self.mock.stop()
        self.session.close()

    def next_body(self) -> dict[str, object]:
        self.counter += 1
        return draft_body(self.counter)


def execute_figure(rounds: int, batch: int) -> Figure:
    sides = _Sides()
    try:
        client = baseline_app().test_client()

        def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
            answer = client.post(VALIDATE_PATH, data=request.body, content_type="application/json")
            return answer.status_code, {"Content-Type": answer.content_type}, answer.get_data()

        sides.stub.add_callback(responses.POST, BASELINE_URL + "/draft", callback=callback)
        url = f"{sides.handle.base_url}/connector/interactor/{CONNECTOR}/action/{ACTION}/execute"
        params = {"account": ACCOUNT}
        headers = sides.handle.headers
        session = sides.session

        def ours() -> None:
            answer = session.post(url, params=params, headers=headers, json=sides.next_body())
            if answer.status_code != 200:
                raise RuntimeError(f"execute answered {answer.status_code}: {answer.text}")

        def baseline() -> None:
            answer = session.post(
                BASELINE_URL + "/draft", params=params, headers=headers, json=sides.next_body()
            )
            if answer.status_code != 200:
                raise RuntimeError(f"baseline answered {answer.status_code}: {answer.text}")

        ours_times, base_times = interleaved(
            ours, baseline, rounds=rounds, batch=batch, around=(sides.ours, sides.baseline)
        )
    finally:
        sides.close()
    return Figure(
        group=GROUP,
        name="in-process execute via requests",
        ours=median(ours_times) * 1e6,
        baseline=median(base_times) * 1e6,
        baseline_name="responses callback + precompiled jsonschema + Flask test client",
        unit="us/call",
        target=Target("ratio<=", 1.0),
        runs=rounds,
        samples={"ours": ours_times, "baseline": base_times},
    )


def auth_url_figure(rounds: int, batch: int) -> Figure:
    sides = _Sides()
    try:
        reply = {
            "url": "https://accounts.example.com/o/oauth2/auth?client_id=x&state=abcdef0123456789"
        }
        sides.stub.add(responses.GET, BASELINE_URL + "/connector/gmail/auth-url", json=reply)
        url = f"{sides.handle.base_url}/connector/interactor/{CONNECTOR}/auth-url"
        stub_url = BASELINE_URL + "/connector/gmail/auth-url"
        params = {"account": ACCOUNT}
        headers = sides.handle.headers
        session = sides.session

        def ours() -> None:
            answer = session.get(url, params=params, headers=headers)
            if answer.status_code != 200:
                raise RuntimeError(f"auth-url answered {answer.status_code}: {answer.text}")

        def baseline() -> None:
            answer = session.get(stub_url, params=params, headers=headers)
            if answer.status_code != 200:
                raise RuntimeError(f"baseline answered {answer.status_code}")

        ours_times, base_times = interleaved(
            ours, baseline, rounds=rounds, batch=batch, around=(sides.ours, sides.baseline)
        )
    finally:
        sides.close()
    return Figure(
        group=GROUP,
        name="in-process auth-url via requests",
        ours=median(ours_times) * 1e6,
        baseline=median(base_times) * 1e6,
        baseline_name="responses registered JSON reply",
        unit="us/call",
        target=Target("ratio<=", 1.5),
        runs=rounds,
        samples={"ours": ours_times, "baseline": base_times},
    )
