"""Hypothesis strategies for Interactor actions, generated from the connector contracts.

The contracts describe every action's input and output as a small subset of JSON Schema
(Draft 2020-12, see ``contracts/README.md``). :func:`from_schema` compiles that subset into
Hypothesis strategies directly (hypothesis-jsonschema no longer works with current Hypothesis,
and is slow), and the other strategies look actions up in a
:class:`~interactor_mock.contracts.ContractRegistry`::

    from hypothesis import given
    from pytest_interactor.strategies import action_inputs, invalid_action_inputs

    @given(payload=action_inputs("gmail", "email.draft.create"))
    def test_client_accepts_any_valid_draft(payload): ...

    @given(bad=invalid_action_inputs("gmail", "email.draft.create"))
    def test_client_reports_the_bad_field(bad):
        ...  # bad.payload, bad.kind, bad.field, bad.description

Values whose ``format`` or property name says what they are look real: ``to``/``cc`` hold
addresses such as ``alice.smith@example.com`` (reserved domains only), ``timeMin`` and
``created_at`` hold RFC 3339 date-times, ``message_id`` holds a Gmail-like hex id, ``labelIds``
holds Gmail label ids, ``subject`` holds a short sentence. They are built from Hypothesis
primitives (``sampled_from`` over word lists, ``integers``), so they are cheap and shrink well.

As in Hypothesis itself, every option is keyword-only, and bad arguments (an unknown
connector or action, a schema keyword outside the subset) raise
:class:`hypothesis.errors.InvalidArgument` when the strategy is first drawn from, not when it
is created.
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401
except ModuleNotFoundError as exc:  # an optional dependency since the start-up work (issue 13)
    raise ModuleNotFoundError(
        "pytest_interactor.strategies needs Hypothesis: pip install 'interactor-mock[strategies]'",
        name="hypothesis",
    ) from exc

from pytest_interactor.strategies._internal.core import accounts
from pytest_interactor.strategies._internal.core import action_inputs
from pytest_interactor.strategies._internal.core import action_outputs
from pytest_interactor.strategies._internal.core import from_contract
from pytest_interactor.strategies._internal.core import from_schema
from pytest_interactor.strategies._internal.invalid import INVALID_KINDS
from pytest_interactor.strategies._internal.invalid import InvalidInput
from pytest_interactor.strategies._internal.invalid import InvalidKind
from pytest_interactor.strategies._internal.invalid import invalid_action_inputs

__all__ = [
    "INVALID_KINDS",
    "InvalidInput",
    "InvalidKind",
    "accounts",
    "action_inputs",
    "action_outputs",
    "from_contract",
    "from_schema",
    "invalid_action_inputs",
]
