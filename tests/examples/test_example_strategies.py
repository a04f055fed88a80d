"""Property tests of your own client, with payloads drawn from the contracts."""

import my_app
import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings

from pytest_interactor.strategies import action_inputs
from pytest_interactor.strategies import invalid_action_inputs

# One environment serves every example of a test; the grant is idempotent.
examples = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@examples
@given(payload=action_inputs("gmail", "email.draft.create"))
def test_client_accepts_any_valid_draft(interactor, payload):
    interactor.grant("gmail", "alice")
    output = my_app.execute(
        interactor.base_url, interactor.api_key, "gmail", "email.draft.create", "alice", payload
    )
    assert output["id"]


@examples
@given(bad=invalid_action_inputs("gmail", "email.send"))
def test_the_api_names_what_is_wrong_with_a_bad_payload(interactor, bad):
    # bad.kind is one of missing_required, wrong_type, bad_enum, extra_field, not_an_object.
    interactor.grant("gmail", "alice")
    with pytest.raises(my_app.InteractorError, match=r"^400: ") as caught:
        my_app.execute(
            interactor.base_url, interactor.api_key, "gmail", "email.send", "alice", bad.payload
        )
    if bad.field is not None:
        assert bad.field in str(caught.value)
