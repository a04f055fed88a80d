"""Scenarios: a client that retries Timeouts, and other failures on demand (docs/state.md)."""

from __future__ import annotations

import my_app


def create_draft_with_retries(interactor, *, attempts):
    for attempt in range(1, attempts + 1):
        try:
            return my_app.create_draft(
                base_url=interactor.base_url, api_key=interactor.api_key, user="alice"
            )
        except my_app.InteractorError as error:
            if "Timeout" not in str(error) or attempt == attempts:
                raise
    raise AssertionError("unreachable")


def test_a_client_that_retries_timeouts_succeeds_on_the_third_call(interactor):
    interactor.grant("gmail", "alice")
    interactor.fail_next("gmail", "email.draft.create", status=500, error="Timeout", times=2)
    draft_id = create_draft_with_retries(interactor, attempts=3)
    assert draft_id.startswith("r")
    assert [call.status for call in interactor.calls] == [500, 500, 200]


def test_other_scenarios_are_one_line_each(interactor):
    rules = [
        interactor.scenario("gmail", "email.*", kind="rate_limit", retry_after=3, times=1),
        interactor.scenario("googledrive-v1", "drive.files.get", kind="provider_error", status=403),
        interactor.scenario(latency={"distribution": "normal", "mean": 20, "stddev": 5}),
    ]
    assert [rule.kind for rule in rules] == ["rate_limit", "provider_error", "latency"]
