"""``interactor-mock verify``: call the real API and report where it drifted from the contracts.

A :class:`Verifier` calls each selected action once for one account, with an input the
contract says is valid (the action's first example, else a generated one with only the
required fields, else a fuller generated one; ids that earlier answers returned replace
made-up ones), and compares the answer with the contract (:mod:`interactor_mock.tooling.drift`).
Only actions marked ``safe`` (read-only) are called unless ``--all`` is given (with a
confirmation). The :class:`VerifyReport` prints per action the status, whether the request
was valid, and every field-level difference; it is also written as JSON or JUnit XML.

Exit codes of the command (the table of :mod:`interactor_mock.tooling.options`): 0 every
called action conforms; 1 drift; 2 usage error (or the confirmation was declined); 3 no
drift, but some actions could not be checked (a documented error, the API unreachable); 4
the API refused the key (reported on the first line; nothing more is called).

With ``--all``, the calls are ordered so that reads never depend on a deleted id: the
actions that create come first, then those that read, then those that update, then those
that delete (within each group, actions without required inputs first).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from interactor_mock.contracts import Action
from interactor_mock.contracts import ContractRegistry
from interactor_mock.contracts import Problem
from interactor_mock.core.generate import Generator
from interactor_mock.core.generate import normalised
from interactor_mock.core.generate import seed_for
from interactor_mock.core.generate import words_of
from interactor_mock.errors import ContractError
from interactor_mock.errors import NotFound
from interactor_mock.tooling.drift import Difference
from interactor_mock.tooling.drift import compare_response
from interactor_mock.tooling.options import EXIT_FAILED
from interactor_mock.tooling.options import EXIT_KEY_REFUSED
from interactor_mock.tooling.options import EXIT_OK
from interactor_mock.tooling.options import EXIT_UNCHECKED
from interactor_mock.tooling.options import EXIT_USAGE
from interactor_mock.tooling.options import add_api_arguments
from interactor_mock.tooling.options import add_contracts_argument
from interactor_mock.tooling.options import output_file
from interactor_mock.tooling.scrub import Scrubber

__all__ = [
    "EXIT_DRIFT",
    "EXIT_KEY_REFUSED",
    "EXIT_OK",
    "EXIT_UNCHECKED",
    "EXIT_USAGE",
    "ActionResult",
    "Verifier",
    "VerifyReport",
]

EXIT_DRIFT = EXIT_FAILED
OK, DRIFT, ERROR, SKIPPED = "ok", "drift", "error", "skipped"
_OUTCOME_LABEL = {OK: "ok", DRIFT: "DRIFT", ERROR: "error", SKIPPED: "skip"}
_UNAUTHORIZED = 401
_OK_STATUS = 200


@dataclass
class ActionResult:
    """What verifying one action found.

    Attributes:
        connector: ``owner/name``.
        action: the action's name.
        safe: whether the contract marks it read-only.
        outcome: ``ok``, ``drift``, ``error`` (not checked: the reason is in ``message``) or
            ``skipped``.
        status: the HTTP status (``None`` if the API was not called or not reached).
        input: the input sent, and ``input_source`` where it came from.
        request_problems: why the input is invalid per the contract (empty: valid).
        differences: every difference between the answer and the contract.
        message: the reason for an error or a skip.
        duration_ms: how long the call took.
    """

    connector: str
    action: str
    safe: bool
    outcome: str
    status: int | None = None
    input: dict[str, Any] | None = None
    input_source: str = ""
    request_problems: list[Problem] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    message: str = ""
    duration_ms: float = 0.0

    @property
    def title(self) -> str:
        """``owner/name action``, for reports."""
        return f"{self.connector} {self.action}"

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON data."""
        return {
            "connector": self.connector,
            "action": self.action,
            "safe": self.safe,
            "outcome": self.outcome,
            "status": self.status,
            "input": self.input,
            "inputSource": self.input_source,
            "requestValid": not self.request_problems,
            "requestProblems": [p.as_dict() for p in self.request_problems],
            "differences": [d.as_dict() for d in self.differences],
            "message": self.message,
            "durationMs": self.duration_ms,
        }


@dataclass
class VerifyReport:
    """Every :class:`ActionResult` of one run, with the summary and renderings."""

    base_url: str
    account: str
    results: list[ActionResult] = field(default_factory=list)
    started: str = ""
    contracts: str = ""

    def count(self, outcome: str) -> int:
        """How many actions had ``outcome``."""
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def key_refused(self) -> bool:
        """Whether the API refused the key (401)."""
        return any(r.status == _UNAUTHORIZED for r in self.results)

    @property
    def exit_code(self) -> int:
        """4 if the key was refused, else 1 on drift, else 3 if something could not be
        checked, else 0."""
        if self.key_refused:
            return EXIT_KEY_REFUSED
        if self.count(DRIFT):
            return EXIT_DRIFT
        if self.count(ERROR):
            return EXIT_UNCHECKED
        return EXIT_OK

    def summary(self) -> str:
        """``2 ok, 4 drift, 0 not checked, 15 skipped``."""
        return (
            f"{self.count(OK)} ok, {self.count(DRIFT)} drift, {self.count(ERROR)} not checked, "
            f"{self.count(SKIPPED)} skipped"
        )

    def text(self) -> str:
        """The human report: one line per action, then its differences."""
        width = max((len(r.title) for r in self.results), default=0)
        lines = [
            f"interactor-mock verify: {self.base_url} as account {self.account!r}"
            + (f" (contracts: {self.contracts})" if self.contracts else "")
        ]
        for result in self.results:
            status = str(result.status) if result.status is not None else "-"
            head = f"  {_OUTCOME_LABEL[result.outcome]:<5} {result.title:<{width}} {status:>3}"
            if result.outcome == SKIPPED:
                lines.append(f"{head}  {result.message}")
                continue
            validity = "request valid" if not result.request_problems else "request INVALID"
            lines.append(f"{head}  {validity}; input: {result.input_source}")
            for problem in result.request_problems:
                lines.append(f"          request {problem.path or '/'}: {problem.message}")
            for difference in result.differences:
                lines.append(f"          {difference.line()}")
            if result.message:
                lines.append(f"          {result.message}")
        lines.append(f"summary: {self.summary()}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON data."""
        return {
            "tool": "interactor-mock verify",
            "baseUrl": self.base_url,
            "account": self.account,
            "contracts": self.contracts,
            "started": self.started,
            "summary": {o: self.count(o) for o in (OK, DRIFT, ERROR, SKIPPED)},
            "exitCode": self.exit_code,
            "results": [r.as_dict() for r in self.results],
        }

    def junit(self) -> str:
        """The report as JUnit XML: one test case per action; drift is a failure, an
        action that could not be checked an error, a skipped action a skip."""
        suite = ET.Element(
            "testsuite",
            {
                "name": "interactor-mock verify",
                "tests": str(len(self.results)),
                "failures": str(self.count(DRIFT)),
                "errors": str(self.count(ERROR)),
                "skipped": str(self.count(SKIPPED)),
                "time": f"{sum(r.duration_ms for r in self.results) / 1000:.3f}",
                "timestamp": self.started,
            },
        )
        properties = ET.SubElement(suite, "properties")
        for name, value in (("baseUrl", self.base_url), ("account", self.account)):
            ET.SubElement(properties, "property", {"name": name, "value": value})
        for result in self.results:
            case = ET.SubElement(
                suite,
                "testcase",
                {
                    "classname": result.connector,
                    "name": result.action,
                    "time": f"{result.duration_ms / 1000:.3f}",
                },
            )
            if result.outcome == DRIFT:
                first = result.differences[0] if result.differences else None
                message = (
                    f"{len(result.differences)} difference(s); first: {first.compact()}"
                    if first
                    else "drift"
                )
                failure = ET.SubElement(case, "failure", {"type": "contract-drift"})
                failure.set("message", message)
                failure.text = "\n".join(d.compact() for d in result.differences)
            elif result.outcome == ERROR:
                ET.SubElement(case, "error", {"type": "not-checked", "message": result.message})
            elif result.outcome == SKIPPED:
                ET.SubElement(case, "skipped", {"message": result.message})
        root = ET.Element("testsuites")
        root.append(suite)
        ET.indent(root)
        return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"

    def write(self, path: Path) -> None:
        """Write JUnit XML for a ``.xml`` path, JSON otherwise."""
        if path.suffix.lower() == ".xml":
            path.write_text(self.junit(), encoding="utf-8")
        else:
            path.write_text(json.dumps(self.as_dict(), indent=2) + "\n", encoding="utf-8")


_CREATE, _READ, _UPDATE, _DELETE = "create", "read", "update", "delete"
_PHASES = (_CREATE, _READ, _UPDATE, _DELETE)
_DELETE_WORDS = frozenset(
    {"delete", "remove", "trash", "destroy", "purge", "archive", "obliterate", "clear"}
)
_CREATE_WORDS = frozenset(
    {
        "create",
        "send",
        "insert",
        "add",
        "upload",
        "post",
        "import",
        "copy",
        "new",
        "reply",
        "forward",
    }
)


def phase_of(action: Action) -> str:
    """When ``verify --all`` calls an action: ``read`` (every safe action), else ``create``,
    ``update`` or ``delete`` from its verb: the words of the last part of its name
    (``batchDelete``, ``quickAdd``), then the other parts whole (``email.draft.create.reply``;
    ``sendAs.verify`` is not a send). Sending a draft consumes it: a delete."""
    if action.safe:
        return _READ
    *parts, last = action.name.split(".")
    verb = set(words_of(last))
    if "send" in verb and {part.lower() for part in parts} & {"draft", "drafts"}:
        return _DELETE  # sending a draft consumes it: reads of that draft come first
    if verb & _DELETE_WORDS:
        return _DELETE
    if verb & _CREATE_WORDS:
        return _CREATE
    whole = {part.lower() for part in parts}
    if whole & _CREATE_WORDS:
        return _CREATE
    if whole & _DELETE_WORDS:
        return _DELETE
    return _UPDATE


def created_noun(action: Action) -> str | None:
    """What a creating action creates, from the part of its name before the verb
    (``email.draft.create`` -> ``draft``); ``None`` for the other actions."""
    if action.safe or phase_of(action) != _CREATE:
        return None
    parts = action.name.split(".")
    for index, part in enumerate(parts[1:], start=1):
        if set(words_of(part)) & _CREATE_WORDS:
            noun = "".join(words_of(parts[index - 1]))
            return noun[:-1] if noun.endswith("s") else noun
    return None


def _harvest(value: Any, into: dict[str, Any], parent: str = "") -> None:
    """Ids found in an answer, by normalised name: ``threadId`` -> ``threadid``, and the
    ``id`` of the first item under ``messages`` -> ``messageid``."""
    if not isinstance(value, Mapping):
        return
    for key, item in value.items():
        words = words_of(str(key))
        name = "".join(words)
        if isinstance(item, str) and item and words and words[-1] == "id":
            into.setdefault(parent + "id" if name == "id" else name, item)
        elif isinstance(item, list):
            singular = name[:-1] if name.endswith("s") else name
            for element in item[:1]:
                _harvest(element, into, singular)
        else:
            _harvest(item, into, name)


class Verifier:
    """Calls actions of the real API and compares the answers with the contracts.

    Arguments:
        registry: the contracts to verify.
        base_url: the API root (``https://console.interactor.com/api/v1``).
        api_key: sent as ``x-api-key``; never printed or written.
        account: the end user whose connections the actions use.
        session: the HTTP session (a new one when omitted).
        timeout: seconds to wait for each answer.
    """

    def __init__(
        self,
        registry: ContractRegistry,
        *,
        base_url: str,
        api_key: str,
        account: str,
        session: requests.Session | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.registry = registry
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.account = account
        self.session = session or requests.Session()
        self.timeout = timeout
        self.scrubber = Scrubber(secrets=[api_key])
        self.generator = Generator()
        self._ids: dict[str, dict[str, Any]] = {}

    def select(
        self, connectors: Sequence[str] = (), *, include_unsafe: bool = False
    ) -> list[tuple[Action, bool]]:
        """The actions to consider, each with whether it will be called.

        Arguments:
            connectors: ``name`` or ``owner/name``; every connector when empty.
            include_unsafe: call the actions that write too.

        Raises:
            UnknownConnector: a connector the contracts do not have.
        """
        if connectors:
            chosen = []
            for text in connectors:
                owner, _, name = text.rpartition("/")
                chosen.append(self.registry.connector(name, owner or "interactor"))
        else:
            chosen = list(self.registry)
        selected = []
        for contract in chosen:
            for name in sorted(contract.actions):
                action = contract.actions[name]
                selected.append((action, action.safe or include_unsafe))
        return selected

    def input_for(self, action: Action) -> tuple[dict[str, Any], str]:
        """A valid input for ``action`` and where it came from."""
        candidates: list[tuple[dict[str, Any], str]] = []
        if action.examples:
            example = action.examples[0]
            candidates.append((dict(example["input"]), f"example {example['name']!r}"))
        seed = seed_for("verify", action.key)
        full = self.generator.generate(action.input_schema, seed=seed)
        if isinstance(full, dict):
            required = {k: v for k, v in full.items() if k in action.required_inputs}
            candidates.append((required, "generated (required fields only)"))
            candidates.append((full, "generated"))
        for payload, source in candidates:
            harvested = self._ids.get(f"{action.owner}/{action.connector}", {})
            swapped = dict(payload)
            used = []
            for name in payload:
                found = harvested.get(normalised(name))
                if found is not None and found != payload[name]:
                    swapped[name] = found
                    used.append(name)
            if used and not action.input_problems(swapped):
                return swapped, f"{source}, {', '.join(used)} from an earlier answer"
            if not action.input_problems(payload):
                return payload, source
        return candidates[-1] if candidates else ({}, "empty")

    def call(self, action: Action, payload: Mapping[str, Any]) -> tuple[int, Any, float]:
        """POST the action; returns the status, the parsed body (``None`` if not JSON) and
        the duration in milliseconds.

        Raises:
            requests.RequestException: the API could not be reached.
        """
        url = (
            f"{self.base_url}/connector/{quote(action.owner)}/{quote(action.connector)}"
            f"/action/{quote(action.name)}/execute"
        )
        started = time.perf_counter()
        answer = self.session.post(
            url,
            params={"account": self.account},
            json=dict(payload),
            headers={"x-api-key": self._api_key},
            timeout=self.timeout,
        )
        duration = round((time.perf_counter() - started) * 1000, 3)
        try:
            body = answer.json()
        except ValueError:
            body = None
        return answer.status_code, body, duration

    def verify(self, action: Action) -> ActionResult:
        """Call one action and compare its answer with the contract."""
        result = ActionResult(
            connector=f"{action.owner}/{action.connector}",
            action=action.name,
            safe=action.safe,
            outcome=OK,
        )
        payload, source = self.input_for(action)
        result.input, result.input_source = payload, source
        result.request_problems = action.input_problems(payload)
        try:
            status, body, result.duration_ms = self.call(action, payload)
        except requests.RequestException as exc:
            result.outcome = ERROR
            result.message = f"cannot reach {self.base_url}: {type(exc).__name__}"
            return result
        result.status = status
        drift = compare_response(action, status=status, body=body, input=payload)
        result.differences = [self._scrubbed(d) for d in drift.differences]
        if status == _UNAUTHORIZED:
            result.outcome = ERROR
            result.differences = []
            result.message = "the API refused the key (401): check --api-key"
        elif result.differences:
            result.outcome = DRIFT
        elif status != _OK_STATUS:
            error = body.get("error") if isinstance(body, Mapping) else None
            result.outcome = ERROR
            result.message = self.scrubber.scrub_text(
                f"documented error {status} {json.dumps(error)}: the answer could not be "
                "checked (is the account connected, and does the example's data exist?)"
            )
        if status == _OK_STATUS and isinstance(body, Mapping):
            ids = self._ids.setdefault(result.connector, {})
            output = body.get("output")
            noun = created_noun(action)
            if noun and isinstance(output, Mapping) and isinstance(output.get("id"), str):
                # What --all created is what its updates and deletes act on.
                ids[noun + "id"] = output["id"]
            _harvest(output, ids)
        return result

    def _scrubbed(self, difference: Difference) -> Difference:
        """The difference with anything secret-looking in its text replaced."""
        actual = difference.actual
        if isinstance(actual, str):
            actual = self.scrubber.scrub_text(actual)
        elif isinstance(actual, (dict, list)):
            actual = self.scrubber.scrub(actual)
        return Difference(
            difference.kind,
            difference.pointer,
            self.scrubber.scrub_text(difference.message),
            difference.expected,
            actual,
        )

    def run(
        self,
        selected: Iterable[tuple[Action, bool]],
        *,
        progress: Callable[[ActionResult], None] | None = None,
    ) -> VerifyReport:
        """Verify the selected actions (those without required inputs first, so their answers
        can supply ids to the others); results are reported in name order."""
        report = VerifyReport(
            base_url=self.base_url,
            account=self.account,
            started=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            contracts=str(self.registry.directory or ""),
        )
        chosen = list(selected)
        order = sorted(
            chosen,
            key=lambda pair: (
                _PHASES.index(phase_of(pair[0])),
                bool(pair[0].required_inputs),
                pair[0].key,
            ),
        )
        refused = False
        for action, call in order:
            if not call:
                result = ActionResult(
                    connector=f"{action.owner}/{action.connector}",
                    action=action.name,
                    safe=action.safe,
                    outcome=SKIPPED,
                    message="writes: not called without --all",
                )
            elif refused:
                result = ActionResult(
                    connector=f"{action.owner}/{action.connector}",
                    action=action.name,
                    safe=action.safe,
                    outcome=SKIPPED,
                    message="not called: the API refused the key",
                )
            else:
                result = self.verify(action)
                refused = result.status == _UNAUTHORIZED
            report.results.append(result)
            if progress is not None:
                progress(result)
        report.results.sort(key=lambda r: (r.connector, r.action))
        return report


# -- the command ---------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``verify`` command's arguments."""
    add_api_arguments(parser, key_help="the environment's API key")
    parser.add_argument(
        "--account", required=True, metavar="A", help="the end user whose connections to use"
    )
    parser.add_argument(
        "--connector",
        action="append",
        default=[],
        metavar="C",
        help="only this connector (name or owner/name); repeatable (default: all)",
    )
    parser.add_argument(
        "--all", action="store_true", help="also call actions that write (asks to confirm)"
    )
    parser.add_argument("--yes", action="store_true", help="do not ask to confirm --all")
    parser.add_argument(
        "--report",
        type=output_file,
        metavar="FILE",
        help="also write the report: .xml JUnit, else JSON (checked before any call)",
    )
    add_contracts_argument(parser)
    parser.add_argument(
        "--timeout", type=float, default=60.0, metavar="SECONDS", help="per call (default 60)"
    )


def run_command(
    args: argparse.Namespace,
    *,
    ask: Callable[[str], str] = input,
    interactive: bool | None = None,
    session: requests.Session | None = None,
) -> int:
    """Run ``interactor-mock verify`` with parsed arguments; returns the exit code."""
    if not args.api_key:
        print("error: no API key: pass --api-key or set INTERACTOR_API_KEY", file=sys.stderr)
        return EXIT_USAGE
    try:
        registry = ContractRegistry.load(args.contracts)
    except (ContractError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    verifier = Verifier(
        registry,
        base_url=args.base_url,
        api_key=args.api_key,
        account=args.account,
        session=session,
        timeout=args.timeout,
    )
    try:
        selected = verifier.select(args.connector, include_unsafe=args.all)
    except NotFound as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    unsafe = [a for a, call in selected if call and not a.safe]
    if unsafe and not args.yes:
        names = ", ".join(a.key for a in unsafe)
        warning = (
            f"--all calls {len(unsafe)} action(s) that WRITE (send, create, delete) as account "
            f"{args.account!r} on {verifier.base_url}: {names}."
        )
        if interactive is None:
            interactive = sys.stdin.isatty()
        if not interactive:
            print(f"error: {warning} Pass --yes to confirm.", file=sys.stderr)
            return EXIT_USAGE
        print(warning, file=sys.stderr)
        try:
            answer = ask("Type 'yes' to call them: ")
        except EOFError:
            answer = ""
        if answer.strip().lower() != "yes":
            print("aborted: nothing was called", file=sys.stderr)
            return EXIT_USAGE
    report = verifier.run(selected)
    if report.key_refused:
        print(
            f"error: the API refused the key (401) at {verifier.base_url}: check --api-key "
            "or INTERACTOR_API_KEY; nothing more was called",
            file=sys.stderr,
            flush=True,
        )
    print(report.text())
    if args.report is not None:
        report.write(args.report)
        print(f"report written to {args.report}")
    return report.exit_code
