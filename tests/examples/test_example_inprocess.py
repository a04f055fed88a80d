"""``interactor_mock.mock()``: the same handle without the pytest fixture."""

import my_app

import interactor_mock


def test_with_block():
    with interactor_mock.mock() as m:  # a fresh environment, deleted on exit
        m.grant("gmail", "alice")
        draft_id = my_app.create_draft(base_url=m.base_url, api_key=m.api_key, user="alice")
        assert draft_id
        m.assert_called("gmail", "email.draft.create", account="alice", times=1)


staging = interactor_mock.mock("https://interactor.staging.example/api/v1")


@staging  # as a decorator, like @responses.activate; the handle is staging.handle
def test_decorated():
    m = staging.handle
    m.grant("gmail", "alice")
    my_app.create_draft(base_url=m.base_url, api_key=m.api_key, user="alice")
    m.assert_called("gmail", "email.draft.create")
