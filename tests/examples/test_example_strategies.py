"""Property tests of your own client, with payloads drawn from the contracts."""

import my_app
import pytest
from hypothesis import given
from hypothesis import settings

from pytest_interactor.strategies import action_inputs
from pytest_interactor.strategies import invalid_action_inputs

examples = settings(max_examples=25, deadline=None)


# interactor_factory is session-scoped: each `with` block is a fresh environment, so every
# example starts clean and no health check needs suppressing.
@examples
@given(payload=action_inputs("gmail", "email.draft.create"))
def test_client_accepts_any_valid_draft(interactor_factory, payload):
    with interactor_factory(accounts={"gmail": ["alice"]}) as interactor:
        output = my_app.execute(
            interactor.base_url, interactor.api_key, "gmail", "email.draft.create", "alice", payload
        )
        assert output["id"]
        assert len(interactor.calls) == 1  # this example's call only


@examples
@given(bad=invalid_action_inputs("gmail", "email.send"))
def test_the_api_names_what_is_wrong_with_a_bad_payload(interactor_factory, bad):
    # bad.kind is one of missing_required, wrong_type, bad_enum, extra_field, not_an_object.
    with (
        interactor_factory(accounts={"gmail": ["alice"]}) as interactor,
        pytest.raises(my_app.InteractorError, match=r"^400: ") as caught,
    ):
        my_app.execute(
            interactor.base_url, interactor.api_key, "gmail", "email.send", "alice", bad.payload
        )
    if bad.field is not None:
        assert bad.field in str(caught.value)
