"""The public strategies of valid values: schemas, action inputs and outputs, accounts."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from pytest_interactor.strategies._internal.compiler import _compiled
from pytest_interactor.strategies._internal.lazy import _lazily
from pytest_interactor.strategies._internal.lazy import _non_default
from pytest_interactor.strategies._internal.realistic import _REALISTIC
from pytest_interactor.strategies._internal.realistic import _email
from pytest_interactor.strategies._internal.registry import DEFAULT_OWNER
from pytest_interactor.strategies._internal.registry import _action
from pytest_interactor.strategies._internal.registry import _contract
from pytest_interactor.strategies._internal.registry import _RegistryLike
from pytest_interactor.strategies._internal.schema import Strategy


def from_schema(schema: Mapping[str, Any] | bool) -> SearchStrategy[Any]:
    """A strategy for JSON values valid under ``schema``, a schema in the contracts' subset.

    The subset (see ``contracts/README.md``): ``type`` (a name or a list; ``"null"`` for
    nullable), ``properties``, ``required``, ``additionalProperties``, ``items``, ``enum``,
    ``const``, ``format`` (date, date-time, email, uri, uuid, byte, hostname, ipv4),
    ``minLength``/``maxLength``, ``minimum``/``maximum``/``exclusiveMinimum``/
    ``exclusiveMaximum``, ``minItems``/``maxItems``, ``anyOf``/``oneOf``, and the annotations
    ``title``, ``description``, ``default``, ``examples`` (valid examples are drawn now and
    then) and ``$schema``. Objects hold their required properties and some optional ones;
    extra keys are not generated even where allowed, except for objects that declare no
    properties at all (maps). Compiled schemas are cached, so repeated calls are cheap.

    Raises:
        hypothesis.errors.InvalidArgument: at draw time, for a keyword outside the subset (the
            message names it and its JSON pointer) or a malformed value.
    """
    frozen = copy.deepcopy(schema)
    return _lazily("from_schema", lambda: _compiled(frozen), frozen)


def action_inputs(
    connector: str,
    action: str,
    *,
    owner: str = DEFAULT_OWNER,
    registry: _RegistryLike | None = None,
) -> SearchStrategy[dict[str, Any]]:
    """Valid input payloads (JSON objects) for ``owner/connector``'s ``action``.

    Args:
        connector: the connector's name, e.g. ``"gmail"``.
        action: the action's name, e.g. ``"email.draft.create"``.
        owner: the account that owns the connector.
        registry: a :class:`~interactor_mock.contracts.ContractRegistry`; the shipped
            contracts by default.

    Raises:
        hypothesis.errors.InvalidArgument: at draw time, for an unknown connector or action
            (the message lists the known names).
    """

    def build() -> Strategy:
        return _compiled(_action(connector, action, owner, registry).input_schema)

    return _lazily(
        "action_inputs", build, connector, action, **_non_default(owner=owner, registry=registry)
    )


def action_outputs(
    connector: str,
    action: str,
    *,
    owner: str = DEFAULT_OWNER,
    registry: _RegistryLike | None = None,
) -> SearchStrategy[Any]:
    """Valid outputs of ``owner/connector``'s ``action`` (the value under ``"output"``).

    Useful to test how a client handles every answer the real service may give.

    Raises:
        hypothesis.errors.InvalidArgument: at draw time, for an unknown connector or action.
    """

    def build() -> Strategy:
        return _compiled(_action(connector, action, owner, registry).output_schema)

    return _lazily(
        "action_outputs", build, connector, action, **_non_default(owner=owner, registry=registry)
    )


def from_contract(
    connector: str,
    *,
    owner: str = DEFAULT_OWNER,
    registry: _RegistryLike | None = None,
) -> SearchStrategy[tuple[str, dict[str, Any]]]:
    """``(action_name, payload)`` pairs: a valid input for any action of the connector.

    Raises:
        hypothesis.errors.InvalidArgument: at draw time, for an unknown connector.
    """

    def build() -> Strategy:
        contract = _contract(connector, owner, registry)
        return st.one_of(
            [
                st.tuples(st.just(name), _compiled(contract.actions[name].input_schema))
                for name in sorted(contract.actions)
            ]
        )

    return _lazily(
        "from_contract", build, connector, **_non_default(owner=owner, registry=registry)
    )


def accounts() -> SearchStrategy[str]:
    """Realistic names of end users, as a client app passes them in ``?account=``.

    First names (``alice``), handles (``bob.smith``), e-mail addresses, numbered user ids
    (``user-1042``) and UUIDs.
    """

    def build() -> SearchStrategy[str]:
        return st.one_of(
            _REALISTIC["first_name"].strategy.map(str.lower),
            _REALISTIC["handle"].strategy,
            _email.strategy,
            st.integers(1, 99_999).map("user-{}".format),
            st.uuids().map(str),
        )

    return _lazily("accounts", build)
