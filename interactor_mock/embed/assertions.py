"""Call assertions that explain near misses: ``assert_called`` lists every call that nearly
matched and how it differs, as ``responses``' matchers do. Shared by the mock's handle and
the live-mode handle."""

from __future__ import annotations

import difflib
import json
import reprlib
from collections.abc import Iterator
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from interactor_mock.contracts import DEFAULT_OWNER
from interactor_mock.contracts import Contract
from interactor_mock.contracts import ContractRegistry
from interactor_mock.core.journal import JournalEntry
from interactor_mock.core.journal import redact
from interactor_mock.errors import InteractorMockError
from interactor_mock.errors import UnknownConnector
from interactor_mock.errors import UsageError

if TYPE_CHECKING:
    pass


_MAX_DIFFS = 6


_MAX_SHOWN = 20


_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60
_short.maxdict = 8
_short.maxlist = 6
_short.maxlevel = 3


def _json_normal(value: Any) -> Any:
    """``value`` as it looks after a JSON round trip (tuples become lists, and so on)."""
    return json.loads(json.dumps(value))


def _input_differences(expected: Any, actual: Any, path: str = "input") -> Iterator[str]:
    """Every way ``actual`` differs from ``expected``, as short sentences."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected:
            here = f"{path}[{key!r}]"
            if key not in actual:
                yield f"{here} is missing (expected {_short.repr(expected[key])})"
            else:
                yield from _input_differences(expected[key], actual[key], here)
        for key in actual:
            if key not in expected:
                yield f"{path}[{key!r}] = {_short.repr(actual[key])} was not expected"
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            yield from _input_differences(want, got, f"{path}[{index}]")
    elif expected != actual or type(expected) is not type(actual):
        yield f"{path} is {_short.repr(actual)}, expected {_short.repr(expected)}"


class CallAssertions:
    """``assert_called`` and ``assert_not_called`` over a handle's :attr:`calls`, shared by
    the mock's handle and the live-mode one, so both explain every near miss alike."""

    @property
    def calls(self) -> tuple[JournalEntry, ...]:
        raise NotImplementedError

    @property
    def contracts(self) -> ContractRegistry:
        raise NotImplementedError

    def _action_key(self, connector: str, action: str) -> tuple[str, str]:
        """``("owner/name", action)``, checked against the contracts so typos fail loudly."""
        contract = find_connector(self.contracts, connector)
        if action not in contract.actions:
            close = difflib.get_close_matches(action, list(contract.actions), n=3)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            raise UsageError(f"{contract.key} has no action {action!r}{hint}")
        return contract.key, action

    def assert_called(
        self,
        connector: str,
        action: str,
        *,
        account: str | None = None,
        times: int | None = None,
        input: Mapping[str, Any] | None = None,
    ) -> list[JournalEntry]:
        """Assert the client executed ``action`` of ``connector``.

        Every call is counted, whatever its status (a 500 "Account has no tokens" included).

        Arguments:
            connector: ``"gmail"`` or ``"owner/name"``.
            action: the action name, e.g. ``"email.draft.create"``.
            account: only calls for this account (any account when omitted).
            times: exactly this many matching calls (at least one when omitted).
            input: only calls whose JSON body equals this (compared after a JSON round trip,
                with secret-looking fields redacted as the journal keeps them).

        Returns:
            The matching calls.

        Raises:
            AssertionError: explaining every near miss: each call to the same connector or
                action, and which of connector, action, account or input differed and how.
            ValueError: an unknown action (with close matches), or a negative ``times``.
            UnknownConnector: naming the known connectors.
        """
        __tracebackhide__ = True
        if times is not None and times < 0:
            raise UsageError(f"times must be >= 0, not {times}")
        key, action = self._action_key(connector, action)
        matches, report = self._match(key, action, account, input)
        if (times is None and matches) or len(matches) == times:
            return matches
        wanted = "at least once" if times is None else _times(times)
        message = [
            f"Expected {_describe(key, action, account, input)} to be called {wanted}, "
            f"but it was called {_times(len(matches))}.",
            *report,
        ]
        raise AssertionError("\n".join(message))

    def assert_not_called(
        self,
        connector: str,
        action: str,
        *,
        account: str | None = None,
        input: Mapping[str, Any] | None = None,
    ) -> None:
        """Assert no call matches (the arguments are those of :meth:`assert_called`).

        Raises:
            AssertionError: listing the calls that matched.
        """
        __tracebackhide__ = True
        key, action = self._action_key(connector, action)
        matches, report = self._match(key, action, account, input)
        if matches:
            message = [
                f"Expected {_describe(key, action, account, input)} not to be called, "
                f"but it was called {_times(len(matches))}.",
                *report,
            ]
            raise AssertionError("\n".join(message))

    @staticmethod
    def _reasons(
        call: JournalEntry, key: str, action: str, account: str | None, expected_input: Any
    ) -> list[str]:
        """Why ``call`` does not match (empty when it does)."""
        reasons: list[str] = []
        if call.connector != key:
            reasons.append(f"connector is {call.connector!r}, not {key!r}")
        if call.action is None:
            reasons.append(f"not an action call ({call.method} {call.path})")
        elif call.action != action:
            reasons.append(f"action is {call.action!r}, not {action!r}")
        if account is not None and call.account != account:
            reasons.append(f"account is {call.account!r}, not {account!r}")
        # Inputs of another action are not comparable: only the same action's are diffed.
        if expected_input is not None and call.action == action:
            differences = list(_input_differences(expected_input, call.input))
            if len(differences) > _MAX_DIFFS:
                more = len(differences) - _MAX_DIFFS
                differences = [*differences[:_MAX_DIFFS], f"... and {more} more differences"]
            reasons.extend(differences)
        return reasons

    def _unknown_notes(self, call: JournalEntry, expected_input: Any) -> list[str]:
        """A line per undocumented field the call sent, with the field it most likely meant
        (one the assertion expects, else one the action documents)."""
        unknown = getattr(call, "unknown_fields", ())
        if not unknown or call.action is None or call.connector is None:
            return []
        known: list[str] = list(expected_input) if isinstance(expected_input, Mapping) else []
        try:
            owner, name = split_connector(call.connector)
            documented = self.contracts.action(name, call.action, owner).input_schema
            known += [k for k in documented.get("properties") or {} if k not in known]
        except InteractorMockError:
            pass
        notes = []
        for field in unknown:
            close = difflib.get_close_matches(field, [k for k in known if k != field], n=1)
            hint = f": did you mean {close[0]!r}?" if close else ""
            notes.append(f"unknown field {field!r} (not in the contract){hint}")
        return notes

    def _match(
        self,
        key: str,
        action: str,
        account: str | None,
        input: Mapping[str, Any] | None,
    ) -> tuple[list[JournalEntry], list[str]]:
        """The matching calls, and a report of matches and near misses."""
        expected_input = redact(_json_normal(dict(input))) if input is not None else None
        calls = self.calls
        matches: list[JournalEntry] = []
        lines: list[str] = []
        near = shown = 0
        for number, call in enumerate(calls, 1):
            if call.connector != key and (call.action != action or call.action is None):
                continue
            reasons = self._reasons(call, key, action, account, expected_input)
            notes = self._unknown_notes(call, expected_input) if call.action == action else []
            if reasons:
                reasons += notes
                near += 1
            else:
                matches.append(call)
            if shown < _MAX_SHOWN:
                shown += 1
                lines.append(f"  {_call_line(number, call)}{'' if reasons else '  <- matches'}")
                lines.extend(f"      - {reason}" for reason in reasons or notes)
        others = len(calls) - near - len(matches)
        report: list[str] = []
        if lines:
            report.append(
                f"Calls to the same connector or action ({near} near miss"
                f"{'es' if near != 1 else ''}, {len(matches)} matching):"
            )
            report.extend(lines)
            if near + len(matches) > shown:
                report.append(f"  ... and {near + len(matches) - shown} more")
        else:
            report.append(f"No call to {key} or to any {action!r} action was recorded.")
        if others:
            report.append(f"({others} other call{'s' if others != 1 else ''} not shown)")
        elif not calls:
            report.append(
                "(The environment recorded no API request at all: is the client "
                "using this base_url and api_key?)"
            )
        return matches, report


def _times(count: int) -> str:
    return {0: "0 times", 1: "once", 2: "twice"}.get(count, f"{count} times")


def _describe(key: str, action: str, account: str | None, input: Any) -> str:
    text = f"{key} {action}"
    details = []
    if account is not None:
        details.append(f"account={account!r}")
    if input is not None:
        details.append(f"input={_short.repr(_json_normal(dict(input)))}")
    return text + (f" ({', '.join(details)})" if details else "")


def _call_line(number: int, call: JournalEntry) -> str:
    what = f"{call.connector} {call.action}" if call.action else f"{call.connector}"
    text = f"call {number}: {what} account={call.account!r}"
    if call.action is not None:
        text += f" input={_short.repr(call.input)}"
    text += f" -> {call.status}"
    if call.error:
        text += f" {call.error!r}"
    return text


def split_connector(connector: str, owner: str | None = None) -> tuple[str, str]:
    """``(owner, name)`` of ``"gmail"`` or ``"interactor/gmail"``.

    Raises:
        ValueError: an empty name, more than one ``/``, or an ``owner`` that contradicts the
            one in the name.
    """
    parts = connector.split("/")
    if len(parts) == 1:
        found_owner, name = owner or DEFAULT_OWNER, parts[0]
    elif len(parts) == 2:
        found_owner, name = parts
        if owner is not None and owner != found_owner:
            raise UsageError(f"connector {connector!r} is owned by {found_owner!r}, not {owner!r}")
    else:
        raise UsageError(f"connector must be 'name' or 'owner/name', not {connector!r}")
    if not found_owner or not name:
        raise UsageError(f"connector must be 'name' or 'owner/name', not {connector!r}")
    return found_owner, name


def find_connector(
    registry: ContractRegistry, connector: str, owner: str | None = None
) -> Contract:
    """The contract of ``"gmail"`` or ``"interactor/gmail"``.

    Raises:
        UnknownConnector: its message lists the known connectors and suggests the closest one
            (``did you mean 'gmail'?``), in the form the caller used.
        UsageError: a malformed connector name.
    """
    found_owner, name = split_connector(connector, owner)
    try:
        return registry.connector(name, found_owner)
    except UnknownConnector as exc:
        known = sorted(exc.extra.get("known_connectors", []))
        by_name = {key.rpartition("/")[2]: key for key in known}
        # Names, not keys: the owner every key shares would make anything look close.
        named = difflib.get_close_matches(name, list(by_name), n=1)
        close = [by_name[named[0]]] if named else []
        hint = ""
        if close:
            shown = close[0] if "/" in connector else close[0].rpartition("/")[2]
            hint = f" (did you mean {shown!r}?)"
        raise UnknownConnector(
            f"Connector '{found_owner}/{name}' not found{hint}; known connectors: "
            f"{', '.join(known)}",
            known_connectors=known,
        ) from None
