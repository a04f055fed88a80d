"""Quick start: one fresh, isolated environment per test."""

import my_app


def test_sync_creates_draft(interactor):
    interactor.grant("gmail", account="alice")
    my_app.create_draft(base_url=interactor.base_url, api_key=interactor.api_key, user="alice")
    interactor.assert_called("gmail", "email.draft.create", account="alice", times=1)


def test_each_test_starts_empty(interactor):
    # alice was granted in the test above, but this is another environment.
    assert interactor.calls == ()
    assert interactor.server_errors() == []
