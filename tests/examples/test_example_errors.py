"""The error paths a client must handle, on demand."""

import my_app
import pytest


def test_a_user_who_never_connected_gets_no_tokens(interactor):
    with pytest.raises(my_app.InteractorError, match="500: Account has no tokens"):
        my_app.create_draft(base_url=interactor.base_url, api_key=interactor.api_key, user="alice")


def test_a_revoked_user_gets_no_tokens(interactor):
    interactor.grant("gmail", "alice")
    interactor.revoke("gmail", "alice")
    with pytest.raises(my_app.InteractorError, match="Account has no tokens"):
        my_app.create_draft(base_url=interactor.base_url, api_key=interactor.api_key, user="alice")


def test_a_rotated_key_is_refused(interactor):
    old_key = interactor.api_key
    interactor.rotate_key()
    with pytest.raises(my_app.InteractorError, match="401: API key has been replaced"):
        my_app.create_draft(base_url=interactor.base_url, api_key=old_key, user="alice")


def test_nothing_was_sent_for_another_user(interactor):
    interactor.grant("gmail", "alice")
    my_app.create_draft(base_url=interactor.base_url, api_key=interactor.api_key, user="alice")
    interactor.assert_not_called("gmail", "email.draft.create", account="bob")
