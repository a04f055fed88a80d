"""Merging recordings into contract files, and finding contracts not recorded for too long.

:func:`update_contracts` reads the recordings written by ``interactor-mock record`` (or
``pytest --interactor-record``) and, for every successful action call of a connector the
contracts know:

- widens the action's output schema where the recorded answer does not fit it: a field the
  contract does not know is added (its schema inferred from what was observed, with genson,
  and optional), a required field the answer lacks stops being required, a value of another
  type widens the ``type`` (genson merges the two), a value outside an ``enum`` joins it.
  Changes land where the schema is defined: in a shared data type when the output refers to
  one through ``x-dataType``, so every action returning that type agrees;
- adds the exchange as an example (``source: "recording"``, ``recordedAt``), or refreshes
  the example with the same input;
- adds a ``recording`` source, dated, to the contract's provenance.

Every change is listed and shown as a unified diff of the canonical file; ``dry_run`` only
shows. A file is written only if it still loads (``Contract.from_data``).
"""

from __future__ import annotations

import argparse
import copy
import difflib
import hashlib
import json
import sys
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from interactor_mock.contracts import FORMAT_CHECKER
from interactor_mock.contracts import Contract
from interactor_mock.contracts import canonical_input
from interactor_mock.contracts import canonical_json
from interactor_mock.contracts import contract_files
from interactor_mock.contracts import input_schema
from interactor_mock.contracts import pointer
from interactor_mock.contracts import problems
from interactor_mock.contracts import to_json_schema
from interactor_mock.errors import ContractError
from interactor_mock.errors import InteractorMockError
from interactor_mock.tooling.drift import json_type
from interactor_mock.tooling.drift import schema_differences
from interactor_mock.tooling.drift import shown
from interactor_mock.tooling.options import add_contracts_argument
from interactor_mock.tooling.record import Recording

__all__ = [
    "FileUpdate",
    "UpdateResult",
    "last_recorded",
    "stale_contracts",
    "update_contracts",
]

RECORDING_SOURCE = "recording"
REF_PREFIX = "interactor-mock recording: "
_COMPOSITE = ("anyOf", "oneOf")
_OK = 200


class GensonMissing(InteractorMockError):
    """genson (schema inference) is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "contracts update needs genson to infer schemas: "
            "pip install 'interactor-mock[record]' (or pip install genson)"
        )


def _builder() -> Any:
    try:
        from genson import SchemaBuilder  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - depends on the installation
        raise GensonMissing() from None
    return SchemaBuilder(schema_uri=None)


def infer_schema(values: Iterable[Any]) -> dict[str, Any]:
    """A schema fragment for observed values (genson), with nothing required: a field seen
    in a few answers is no proof it is always there."""
    builder = _builder()
    for value in values:
        builder.add_object(value)
    schema: dict[str, Any] = builder.to_schema()
    schema.pop("$schema", None)
    cleaned: dict[str, Any] = _optional(schema)
    return cleaned


def _optional(schema: Any) -> Any:
    if isinstance(schema, dict):
        return {k: _optional(v) for k, v in schema.items() if k != "required"}
    if isinstance(schema, list):
        return [_optional(v) for v in schema]
    return schema


def merge_types(types: list[str], value: Any) -> list[str]:
    """The declared ``types`` widened to admit ``value`` (genson's merge of the two)."""
    builder = _builder()
    builder.add_schema({"type": types[0] if len(types) == 1 else list(types)})
    builder.add_object(value)
    merged = builder.to_schema()
    kind = merged.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return sorted(kind)
    # Structures of different kinds come back as anyOf: keep the union of the type names.
    return sorted({*types, json_type(value)})


# -- walking a fragment in Interactor's format, data types resolved -----------------------


@dataclass(frozen=True)
class _Node:
    """One fragment of the contract file and where it is."""

    fragment: dict[str, Any]
    at: str


class _Widener:
    """Widens the fragments of one contract (mutated in place) to admit recorded outputs."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.changes: list[str] = []
        self.left: list[str] = []

    def chain(self, fragment: dict[str, Any], at: str) -> list[_Node]:
        """The fragment, then the data type it names, and so on: the first that has a
        keyword defines it (a fragment's own keywords win, as in ``to_json_schema``)."""
        nodes = [_Node(fragment, at)]
        seen: set[str] = set()
        name = fragment.get("x-dataType")
        while isinstance(name, str) and name not in seen and name in self.data["dataTypes"]:
            seen.add(name)
            target = self.data["dataTypes"][name]
            nodes.append(_Node(target, pointer("dataTypes", name)))
            name = target.get("x-dataType")
        return nodes

    @staticmethod
    def owner(chain: list[_Node], key: str) -> _Node | None:
        """The first node of the chain that defines ``key``."""
        for node in chain:
            if key in node.fragment:
                return node
        return None

    def resolved(self, chain: list[_Node]) -> dict[str, Any]:
        """The chain as one plain JSON Schema (as the loader derives it)."""
        merged: dict[str, Any] = {}
        for node in reversed(chain):
            merged.update({k: v for k, v in node.fragment.items() if k != "x-dataType"})
        return to_json_schema(merged, self.data["dataTypes"])

    def widen(self, chain: list[_Node], value: Any, out: str) -> None:
        """Widen the fragments of ``chain`` so that ``value`` (at ``out``) fits."""
        for key in _COMPOSITE:
            node = self.owner(chain, key)
            if node is not None:
                self._branch(chain, node, key, value, out)
                return
        if not self._type(chain, value, out):
            return
        self._values(chain, value, out)
        if isinstance(value, Mapping):
            self._object(chain, value, out)
        elif isinstance(value, list):
            items = self.owner(chain, "items")
            if items is not None and isinstance(items.fragment["items"], dict):
                sub = self.chain(items.fragment["items"], items.at + "/items")
                for index, item in enumerate(value):
                    self.widen(sub, item, out + pointer(index))

    def _branch(self, chain: list[_Node], node: _Node, key: str, value: Any, out: str) -> None:
        rest = [
            _Node({k: v for k, v in n.fragment.items() if k not in _COMPOSITE}, n.at) for n in chain
        ]
        best: list[_Node] | None = None
        best_score = (2, 0)
        for index, branch in enumerate(node.fragment[key]):
            sub = self.chain(branch, node.at + pointer(key, index))
            found = schema_differences(self.resolved(sub + rest), value)
            wrong_type = any(d.kind == "type-changed" and d.pointer == "" for d in found)
            score = (int(wrong_type), len(found))
            if best is None or score < best_score:
                best, best_score = sub, score
        assert best is not None
        # The branch's own keywords first, then the keywords beside anyOf/oneOf. Keywords the
        # walk adds go to the branch (the first node), never to the shared parent.
        self.widen(best + [n for n in chain if not (set(n.fragment) & set(_COMPOSITE))], value, out)

    def _type(self, chain: list[_Node], value: Any, out: str) -> bool:
        """Widen ``type`` if needed; ``False`` when the value's structure is not described."""
        node = self.owner(chain, "type")
        if node is None:
            return True
        declared = node.fragment["type"]
        types = [declared] if isinstance(declared, str) else list(declared)
        actual = json_type(value)
        if actual in types or (actual == "integer" and "number" in types):
            return True
        widened = merge_types(types, value)
        node.fragment["type"] = widened[0] if len(widened) == 1 else widened
        self.changes.append(
            f"{node.at}/type: {json.dumps(declared)} -> {json.dumps(node.fragment['type'])} "
            f"(recorded {shown(value)} at {out})"
        )
        return False

    def _values(self, chain: list[_Node], value: Any, out: str) -> None:
        node = self.owner(chain, "enum")
        if node is not None and value not in node.fragment["enum"]:
            node.fragment["enum"] = [*node.fragment["enum"], value]
            self.changes.append(f"{node.at}/enum: + {shown(value)} (recorded at {out})")
        node = self.owner(chain, "const")
        if node is not None and value != node.fragment["const"]:
            old = node.fragment.pop("const")
            node.fragment["enum"] = [old, value]
            self.changes.append(
                f"{node.at}/const {shown(old)} -> enum {shown([old, value])} (recorded at {out})"
            )

    def _object(self, chain: list[_Node], value: Mapping[str, Any], out: str) -> None:
        required = self.owner(chain, "required")
        if required is not None:
            absent = [n for n in required.fragment["required"] if n not in value]
            if absent:
                # Keep an empty list rather than the key: provenance.inferred may point at it.
                required.fragment["required"] = [
                    n for n in required.fragment["required"] if n not in absent
                ]
                for name in absent:
                    self.changes.append(
                        f"{required.at}/required: - {name!r} (absent from a recorded answer at "
                        f"{out}{pointer(name)})"
                    )
        holder = self.owner(chain, "properties")
        extra = self.owner(chain, "additionalProperties")
        extra_schema = extra.fragment["additionalProperties"] if extra is not None else None
        for key, item in value.items():
            here = out + pointer(key)
            if holder is not None and key in holder.fragment["properties"]:
                at = holder.at + pointer("properties", key)
                self.widen(self.chain(holder.fragment["properties"][key], at), item, here)
            elif isinstance(extra_schema, dict):
                assert extra is not None
                at = extra.at + "/additionalProperties"
                self.widen(self.chain(extra_schema, at), item, here)
            elif holder is not None and extra_schema is not True:
                inferred = infer_schema([item])
                holder.fragment["properties"][key] = inferred
                self.changes.append(
                    f"{holder.at}{pointer('properties', key)}: added {json.dumps(inferred)} "
                    f"(recorded at {here})"
                )


# -- updating files -------------------------------------------------------------------------


@dataclass
class FileUpdate:
    """What an update does to one contract file.

    Attributes:
        path: the file.
        shown: its path relative to the contracts directory.
        before, after: the canonical text before and after.
        changes: one line per change (schema widened, example added or refreshed, source).
        left: differences no rule widens (a ``format``, a ``minimum``): for a person.
        error: why the file was not written (it would not load), if so.
        recordings: how many recordings were merged.
    """

    path: Path
    shown: str
    before: str
    after: str
    changes: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    error: str | None = None
    recordings: int = 0

    @property
    def changed(self) -> bool:
        """Whether the update changes the file."""
        return self.before != self.after

    @property
    def diff(self) -> str:
        """The unified diff of the canonical file (empty when unchanged)."""
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile="a/" + self.shown,
                tofile="b/" + self.shown,
            )
        )


@dataclass
class UpdateResult:
    """The outcome of :func:`update_contracts`.

    Attributes:
        files: one entry per contract file a recording was about.
        skipped: recordings not merged, each with the reason.
        written: whether files were written (``False`` for a dry run or on errors).
    """

    files: list[FileUpdate] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def errors(self) -> list[str]:
        """Why files were not written, one line each."""
        return [f"{f.shown}: {f.error}" for f in self.files if f.error]

    def report(self, *, diffs: bool = True) -> str:
        """A readable account of every change, and the diffs."""
        lines: list[str] = []
        for update in self.files:
            state = "unchanged" if not update.changed else f"{len(update.changes)} change(s)"
            lines.append(f"{update.shown}: {update.recordings} recording(s), {state}")
            lines.extend(f"  {change}" for change in update.changes)
            lines.extend(f"  not widened (edit by hand): {item}" for item in update.left)
            if update.error:
                lines.append(f"  error, not written: {update.error}")
        lines.extend(f"skipped {item}" for item in self.skipped)
        text = "\n".join(lines)
        if diffs:
            patches = "".join(f.diff for f in self.files if f.changed)
            if patches:
                text += "\n\n" + patches.rstrip("\n")
        return text


def _example_name(recorded_at: str, payload: Any) -> str:
    digest = hashlib.sha256(canonical_input(payload).encode()).hexdigest()[:8]
    return f"recorded {recorded_at} {digest}"


def _merge_example(
    spec: dict[str, Any], payload: Any, output: Any, recorded_at: str, at: str
) -> str | None:
    """Add or refresh the example for ``payload``; the change line, or ``None``."""
    examples: list[dict[str, Any]] = spec.setdefault("examples", [])
    canonical = canonical_input(payload)
    for index, example in enumerate(examples):
        if canonical_input(example["input"]) != canonical:
            continue
        if example["output"] == output and example.get("source") == RECORDING_SOURCE:
            return None
        example["output"] = copy.deepcopy(output)
        example["source"] = RECORDING_SOURCE
        example["recordedAt"] = recorded_at
        return f"{at}/examples/{index}: output replaced by the recording of {recorded_at}"
    examples.append(
        {
            "name": _example_name(recorded_at, payload),
            "input": copy.deepcopy(payload),
            "output": copy.deepcopy(output),
            "source": RECORDING_SOURCE,
            "recordedAt": recorded_at,
        }
    )
    return f"{at}/examples/{len(examples) - 1}: added (recorded {recorded_at})"


def _add_source(data: dict[str, Any], actions: Iterable[str], recorded: str) -> str | None:
    sources: list[dict[str, Any]] = data["provenance"]["sources"]
    ref = REF_PREFIX + ", ".join(sorted(set(actions)))
    for source in sources:
        if source.get("kind") == RECORDING_SOURCE and source.get("ref") == ref:
            if str(source.get("date", "")) >= recorded:
                return None
            source["date"] = recorded
            return f"/provenance/sources: {ref!r} dated {recorded}"
    sources.append({"kind": RECORDING_SOURCE, "ref": ref, "date": recorded})
    return f"/provenance/sources: + recording {ref!r} dated {recorded}"


def _usable(recording: Recording) -> str | None:
    """Why a recording cannot become an example (``None``: it can)."""
    if recording.data.get("kind") != "execute" or not recording.action:
        return "not an action call"
    if recording.status != _OK:
        return f"status {recording.status}, not 200 (errors are not examples)"
    body = recording.body
    if not isinstance(body, Mapping) or "output" not in body:
        return 'the body is not {"output": ...}'
    if not isinstance(recording.input, Mapping) and recording.input is not None:
        return "the request body is not a JSON object"
    return None


def update_contracts(
    recordings: list[Recording],
    contracts_dir: Path,
    *,
    dry_run: bool = False,
    today: date | None = None,
) -> UpdateResult:
    """Merge recordings into the contract files under ``contracts_dir``.

    Arguments:
        recordings: from :func:`interactor_mock.tooling.record.load_recordings`.
        contracts_dir: the contracts to update (``<owner>/<name>.json``).
        dry_run: compute and report, write nothing.
        today: the date of the provenance entry when a recording has none.

    Returns:
        The :class:`UpdateResult`; nothing is written if any file would not load.

    Raises:
        GensonMissing: genson is not installed (and a schema must be widened).
    """
    result = UpdateResult()
    fallback = (today or date.today()).isoformat()
    by_file: dict[Path, tuple[dict[str, Any], FileUpdate, list[Recording]]] = {}
    for recording in recordings:
        reason = _usable(recording)
        if reason is not None:
            result.skipped.append(f"{recording.path.name}: {reason}")
            continue
        owner, _, name = (recording.connector or "").partition("/")
        path = contracts_dir / owner / f"{name}.json"
        if not path.is_file():
            result.skipped.append(f"{recording.path.name}: no contract {owner}/{name}.json")
            continue
        if path not in by_file:
            text = path.read_text(encoding="utf-8")
            data = json.loads(text)
            shown_path = str(path.relative_to(contracts_dir))
            before = canonical_json(data)
            by_file[path] = (data, FileUpdate(path, shown_path, before, before), [])
        data, _update, merged = by_file[path]
        if recording.action not in data["actions"]:
            result.skipped.append(
                f"{recording.path.name}: {recording.connector} has no action "
                f"{recording.action!r} (add it to the contract by hand)"
            )
            continue
        merged.append(recording)
    for data, update, merged in by_file.values():
        update.recordings = len(merged)
        _merge_file(data, update, merged, fallback)
        result.files.append(update)
    result.files.sort(key=lambda f: f.shown)
    if dry_run or result.errors:
        return result
    for update in result.files:
        if update.changed:
            update.path.write_text(update.after, encoding="utf-8")
    result.written = True
    return result


def _merge_file(
    data: dict[str, Any], update: FileUpdate, merged: list[Recording], fallback: str
) -> None:
    if not merged:
        return
    widener = _Widener(data)
    dates: list[str] = []
    actions: list[str] = []
    for recording in merged:
        assert recording.action is not None
        action = recording.action
        at = pointer("actions", action)
        spec = data["actions"][action]
        output = recording.body["output"]
        before = len(widener.changes)
        widener.widen(widener.chain(spec["schema"]["output"], at + "/schema/output"), output, "")
        update.changes.extend(widener.changes[before:])
        payload = recording.input if recording.input is not None else {}
        recorded = recording.recorded_at or fallback
        dates.append(recorded)
        actions.append(action)
        problems = _input_problems(data, spec, payload, update.shown, at)
        if problems:
            update.left.append(
                f"{at}: the API accepted an input the contract rejects ({problems}); "
                "not added as an example"
            )
            continue
        residual = _output_problems(data, spec, output, update.shown, at)
        if residual:
            for difference in residual:
                line = f"{action} {difference}"
                if line not in update.left:
                    update.left.append(line)
            continue
        change = _merge_example(spec, payload, output, recorded, at)
        if change is not None:
            update.changes.append(change)
    if update.changes:
        source = _add_source(data, actions, max(dates))
        if source is not None:
            update.changes.append(source)
    update.after = canonical_json(data)
    try:
        Contract.from_data(data, file=update.shown)
    except ContractError as exc:
        update.error = str(exc)


def _input_problems(
    data: dict[str, Any], spec: dict[str, Any], payload: Any, shown_path: str, at: str
) -> str:
    """Why ``payload`` is not a valid input of the action (empty: it is)."""
    try:
        schema = input_schema(
            spec["schema"]["variables"], data["dataTypes"], shown_path, at + "/schema/variables"
        )
    except ContractError as exc:
        return str(exc)
    validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
    found = problems(validator, payload)
    return "; ".join(f"{p.path or '/'}: {p.message}" for p in found)


def _output_problems(
    data: dict[str, Any], spec: dict[str, Any], output: Any, shown_path: str, at: str
) -> list[str]:
    """How ``output`` still differs from the (widened) output schema, one line each."""
    try:
        schema = to_json_schema(
            spec["schema"]["output"], data["dataTypes"], file=shown_path, at=at + "/schema/output"
        )
    except ContractError as exc:
        return [str(exc)]
    found = schema_differences(schema, output)
    if not found:
        validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
        return [f"invalid-value {p.path or '/'}: {p.message}" for p in problems(validator, output)]
    return [d.line() for d in found]


# -- stale contracts ------------------------------------------------------------------------


def last_recorded(data: Mapping[str, Any]) -> date | None:
    """The date of a contract's latest recording: a ``recording`` provenance source, or an
    example recorded from the real API. ``None`` if it was never recorded."""
    found: list[str] = []
    for source in data.get("provenance", {}).get("sources", []):
        if source.get("kind") == RECORDING_SOURCE and source.get("date"):
            found.append(str(source["date"]))
    for spec in data.get("actions", {}).values():
        for example in spec.get("examples", []):
            if example.get("source") == RECORDING_SOURCE and example.get("recordedAt"):
                found.append(str(example["recordedAt"]))
    dates = []
    for text in found:
        try:
            dates.append(date.fromisoformat(text))
        except ValueError:
            continue
    return max(dates) if dates else None


@dataclass(frozen=True)
class Staleness:
    """A contract whose last recording is older than allowed (or that was never recorded)."""

    shown: str
    last: date | None
    age_days: int | None

    def line(self, max_age: int) -> str:
        """One line for ``contracts check --max-age``."""
        if self.last is None:
            return f"{self.shown}: never recorded from the real API (max age {max_age} days)"
        return (
            f"{self.shown}: last recorded {self.last.isoformat()}, {self.age_days} days ago "
            f"(max age {max_age} days)"
        )


def stale_contracts(root: Path, max_age: int, *, today: date | None = None) -> list[Staleness]:
    """Contracts under ``root`` whose last recording is more than ``max_age`` days old.

    Unreadable files are left to the contract check itself and skipped here.
    """
    now = today or date.today()
    stale = []
    for path in contract_files(root):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        last = last_recorded(data)
        age = (now - last).days if last is not None else None
        if age is None or age > max_age:
            stale.append(Staleness(str(path.relative_to(root)), last, age))
    return stale


# -- the commands --------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``contracts update`` command's arguments."""
    parser.add_argument(
        "--from-recordings",
        type=Path,
        required=True,
        metavar="DIR",
        help="recordings written by 'interactor-mock record' or 'pytest --interactor-record'",
    )
    add_contracts_argument(parser, help="contracts to update (default: shipped)")
    parser.add_argument("--dry-run", action="store_true", help="show the diff, write nothing")


def run_command(args: argparse.Namespace, *, today: date | None = None) -> int:
    """Run ``interactor-mock contracts update``; 0 when done (or nothing to do), 1 when a
    file would not load (nothing is written then), 2 on bad arguments."""
    from interactor_mock.contracts import default_contracts_dir
    from interactor_mock.tooling.record import RecordingError
    from interactor_mock.tooling.record import load_recordings

    root: Path = args.contracts or default_contracts_dir()
    if not root.is_dir():
        print(f"error: contracts directory not found: {root}", file=sys.stderr)
        return 2
    try:
        recordings = load_recordings(args.from_recordings)
        result = update_contracts(recordings, root, dry_run=args.dry_run, today=today)
    except (RecordingError, GensonMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.report() or "no recordings of action calls: nothing to do")
    changed = sum(1 for f in result.files if f.changed)
    if result.errors:
        print(f"\n{len(result.errors)} file(s) would not load: nothing written", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"\ndry run: {changed} file(s) would change")
    else:
        print(f"\n{changed} file(s) updated in {root}")
    return 0


def check_max_age(
    root: Path, max_age: int, *, require_recorded: bool = False, today: date | None = None
) -> int:
    """Print the contracts not recorded within ``max_age`` days; 1 if any, else 0.

    A contract never recorded from the real API (every shipped one, on a fresh install) is
    listed as a note and fails only with ``require_recorded``: the age counts from the last
    recording, and a contract without one has no age to exceed.
    """
    found = stale_contracts(root, max_age, today=today)
    old = [item for item in found if item.last is not None]
    never = [item for item in found if item.last is None]
    for item in old:
        print(f"stale: {item.line(max_age)}", file=sys.stderr)
    label = "stale" if require_recorded else "note"
    for item in never:
        print(f"{label}: {item.shown}: never recorded from the real API", file=sys.stderr)
    failing = old + (never if require_recorded else [])
    if failing:
        print(
            f"{len(failing)} contract(s) not recorded from the real API in the last {max_age} "
            "days: record them (interactor-mock record, then contracts update)",
            file=sys.stderr,
        )
        return 1
    unrecorded = (
        f"; {len(never)} never recorded (--require-recorded to fail on them)" if never else ""
    )
    print(f"ok: no contract recorded more than {max_age} days ago{unrecorded}")
    return 0
