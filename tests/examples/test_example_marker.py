"""The marker configures the ``interactor`` fixture of one test (or of a whole class)."""

import my_app
import pytest


@pytest.mark.interactor(accounts={"gmail": ["alice", "bob"]})
def test_accounts_are_granted_up_front(interactor):
    for user in ("alice", "bob"):
        my_app.create_draft(base_url=interactor.base_url, api_key=interactor.api_key, user=user)
    interactor.assert_called("gmail", "email.draft.create", times=2)


@pytest.mark.interactor(mode="inprocess", accounts={"gmail": ["alice"]})
def test_in_process_no_socket_at_all(interactor):
    # requests calls to https://console.interactor.com/api/v1 go through `responses`.
    assert interactor.base_url == "https://console.interactor.com/api/v1"
    my_app.create_draft(base_url=interactor.base_url, api_key=interactor.api_key, user="alice")
    interactor.assert_called("gmail", "email.draft.create", account="alice")


@pytest.mark.interactor(accounts={"gmail": ["alice"]}, seed=42)
def test_a_seed_makes_generated_answers_repeatable(interactor):
    first = my_app.create_draft(
        base_url=interactor.base_url, api_key=interactor.api_key, user="alice"
    )
    interactor.reset()  # a clean slate: no grants, no drafts, same key and seed
    interactor.grant("gmail", "alice")
    again = my_app.create_draft(
        base_url=interactor.base_url, api_key=interactor.api_key, user="alice"
    )
    assert again == first  # same seed, same state, same input: same answer


@pytest.mark.interactor(mode="inprocess", accounts={"gmail": ["alice"]})
class TestInProcess:
    def test_one(self, interactor):
        assert interactor.mode == "inprocess"

    @pytest.mark.interactor(accounts={"gmail": ["carol"]})  # the closest marker wins per keyword
    def test_two(self, interactor):
        assert interactor.mode == "inprocess"
        my_app.create_draft(base_url=interactor.base_url, api_key=interactor.api_key, user="carol")
