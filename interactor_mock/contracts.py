"""Connector contracts: load, check, convert to JSON Schema, compile, look up.

A contract file holds one connector in Interactor's own schema format (see
``contracts/README.md``). Loading checks it against the meta-schema, resolves ``x-dataType``
references by inlining the shared data types, derives Draft 2020-12 input and output schemas
for every action, and checks every example against them. A defect raises
:class:`~interactor_mock.errors.ContractError` naming the file and the JSON pointer, at load,
never in the middle of a request (a registry loaded with ``lazy=True``, for thousands of
connectors, loads each on first use instead). Validators are compiled on first use and then
kept; see :class:`SchemaChecker` for how validation stays fast and exact.
"""

from __future__ import annotations

import functools
import importlib
import json
import threading
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from jsonschema.exceptions import best_match

from interactor_mock.errors import ContractError
from interactor_mock.errors import UnknownAction
from interactor_mock.errors import UnknownConnector

_fast_validators: Any
try:
    _fast_validators = importlib.import_module("jsonschema_rs")
except ImportError:  # pragma: no cover - the accelerated validator is optional
    _fast_validators = None

__all__ = [
    "Action",
    "Contract",
    "ContractRegistry",
    "SchemaChecker",
    "canonical_input",
    "canonical_json",
    "default_contracts_dir",
    "default_registry",
    "to_json_schema",
]

DEFAULT_OWNER = "interactor"
META_SCHEMA_NAME = "contract.schema.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER
_COMPOSITE_LIST_KEYS = ("anyOf", "oneOf")
_COMPOSITE_SCHEMA_KEYS = ("items", "additionalProperties")


def canonical_json(data: object) -> str:
    """The canonical text of a contract file: sorted keys, 2-space indent, final newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def canonical_input(data: object) -> str:
    """A compact, key-sorted JSON text of a payload: equal payloads give equal text."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def default_contracts_dir() -> Path:
    """The shipped contracts: inside the wheel, or ``contracts/`` of a source checkout."""
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "_contracts"
    if installed.is_dir():
        return installed
    return package_dir.parent / "contracts"


def pointer(*parts: object) -> str:
    """A JSON pointer (RFC 6901) from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def error_pointer(error: ValidationError) -> str:
    """The JSON pointer of the field a validation error is about.

    For a missing required property or an unexpected one, that is the property itself, not
    the object holding it, so that the message names the field the user must fix.
    """
    path = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.validator_value, list):
        # jsonschema reports each missing property as its own error, named only in the message.
        missing = [n for n in error.validator_value if error.message.startswith(f"{n!r} ")]
        if missing:
            path.append(missing[0])
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        extra = sorted(name for name in error.instance if name not in known)
        if extra:
            path.append(extra[0])
    return pointer(*path)


def to_json_schema(
    fragment: Mapping[str, Any],
    data_types: Mapping[str, Any],
    *,
    file: str = "<contract>",
    at: str = "",
    _seen: tuple[str, ...] = (),
    _resolved: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Convert a fragment in Interactor's format into plain JSON Schema.

    ``x-dataType`` names are replaced by the data type's schema, merged with the fragment's
    own keywords (the fragment's win); other ``x-`` keys are dropped. Each data type is
    converted once per call, and its parts are shared by every place that uses it (the
    result is read-only, like everything the registry holds).

    Raises:
        ContractError: an unknown or self-referring data type.
    """
    memo: dict[str, dict[str, Any]] = {} if _resolved is None else _resolved
    resolved: dict[str, Any] = {}
    type_name = fragment.get("x-dataType")
    if type_name is not None:
        if type_name not in data_types:
            known = ", ".join(sorted(data_types)) or "none"
            raise ContractError(
                file, at + "/x-dataType", f"unknown data type {type_name!r} (known: {known})"
            )
        if type_name in _seen:
            chain = " -> ".join((*_seen, type_name))
            raise ContractError(file, at + "/x-dataType", f"data type refers to itself: {chain}")
        base = memo.get(type_name)
        if base is None:
            base = memo[type_name] = to_json_schema(
                data_types[type_name],
                data_types,
                file=file,
                at=pointer("dataTypes", type_name),
                _seen=(*_seen, type_name),
                _resolved=memo,
            )
        resolved.update(base)
    for key, value in fragment.items():
        if key.startswith("x-"):
            continue
        if key == "properties":
            resolved[key] = {
                name: to_json_schema(
                    sub,
                    data_types,
                    file=file,
                    at=at + pointer(key, name),
                    _seen=_seen,
                    _resolved=memo,
                )
                for name, sub in value.items()
            }
        elif key in _COMPOSITE_SCHEMA_KEYS and isinstance(value, Mapping):
            resolved[key] = to_json_schema(
                value, data_types, file=file, at=at + pointer(key), _seen=_seen, _resolved=memo
            )
        elif key in _COMPOSITE_LIST_KEYS:
            resolved[key] = [
                to_json_schema(
                    sub,
                    data_types,
                    file=file,
                    at=at + pointer(key, i),
                    _seen=_seen,
                    _resolved=memo,
                )
                for i, sub in enumerate(value)
            ]
        else:
            resolved[key] = value
    return resolved


def _check_required_are_declared(
    schema: Mapping[str, Any], file: str, at: str, _checked: set[int] | None = None
) -> None:
    found = _undeclared_required(schema, set() if _checked is None else _checked, ())
    if found is not None:
        where, name = found
        raise ContractError(
            file, at + pointer(*where, "required"), f"required {name!r} is not a property"
        )


def _undeclared_required(
    schema: Mapping[str, Any], checked: set[int], where: tuple[object, ...]
) -> tuple[tuple[object, ...], str] | None:
    """The path of the first schema that requires a property it does not declare, and its
    name. Data types are shared between the schemas of a contract: each part is checked once.
    """
    if id(schema) in checked:
        return None
    checked.add(id(schema))
    properties = schema.get("properties")
    if properties is not None:
        for name in schema.get("required", ()):
            if name not in properties:
                return where, name
        for name, sub in properties.items():
            found = _undeclared_required(sub, checked, (*where, "properties", name))
            if found is not None:
                return found
    for key in _COMPOSITE_SCHEMA_KEYS:
        sub = schema.get(key)
        if isinstance(sub, Mapping):
            found = _undeclared_required(sub, checked, (*where, key))
            if found is not None:
                return found
    for key in _COMPOSITE_LIST_KEYS:
        for i, sub in enumerate(schema.get(key, ())):
            found = _undeclared_required(sub, checked, (*where, key, i))
            if found is not None:
                return found
    return None


@dataclass(frozen=True)
class Problem:
    """One reason a payload fails a schema."""

    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


def problems(validator: Draft202012Validator, instance: object) -> list[Problem]:
    """Every reason ``instance`` fails, sorted by pointer, deepest causes of anyOf flattened."""
    found = [
        Problem(error_pointer(error), error.message) for error in validator.iter_errors(instance)
    ]
    return sorted(set(found), key=lambda p: (p.path, p.message))


def _conforms(name: str, value: object) -> bool:
    return bool(FORMAT_CHECKER.conforms(value, name))


#: Every format either validator may know, each delegated to FORMAT_CHECKER, which says
#: "conforms" for a format it does not check: so the two check exactly the same formats.
_STANDARD_FORMATS = (
    "date", "date-time", "time", "duration", "email", "idn-email", "hostname", "idn-hostname",
    "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uri-template", "uuid",
    "json-pointer", "relative-json-pointer", "regex", "byte",
)  # fmt: skip
_DELEGATED_FORMATS: dict[str, Callable[[object], bool]] = {
    name: functools.partial(_conforms, name)
    for name in sorted({*_STANDARD_FORMATS, *FORMAT_CHECKER.checkers})
}


class SchemaChecker:
    """Validation against one schema, with ``jsonschema`` as the reference.

    The verdict "valid" comes from ``jsonschema-rs`` when it is installed (compiled on first
    use; about 100 times faster than ``jsonschema`` on a 1 KB body), with every ``format``
    delegated to the very checks :data:`FORMAT_CHECKER` makes. Anything it does not accept
    goes to the reference :class:`~jsonschema.Draft202012Validator`, which has the last word
    and names every problem: the accelerated validator can only make a valid instance cheap,
    never change a verdict (``tests/interactor_mock/test_contracts_accelerated.py`` shows the
    two agree on every contract's valid and invalid payloads).
    """

    __slots__ = ("_fast", "_fast_ready", "_reference", "schema")

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self._fast: Any = None
        self._fast_ready = False
        self._reference: Draft202012Validator | None = None

    @property
    def reference(self) -> Draft202012Validator:
        """The ``jsonschema`` validator (with :data:`FORMAT_CHECKER`)."""
        if self._reference is None:
            self._reference = Draft202012Validator(self.schema, format_checker=FORMAT_CHECKER)
        return self._reference

    def _accelerated(self) -> Any:
        if not self._fast_ready:
            if _fast_validators is not None:
                try:
                    self._fast = _fast_validators.Draft202012Validator(
                        self.schema, validate_formats=True, formats=_DELEGATED_FORMATS
                    )
                except Exception:  # a schema it cannot compile: the reference does it all
                    self._fast = None
            self._fast_ready = True
        return self._fast

    def fast_accepts(self, instance: object) -> bool:
        """Whether the accelerated validator accepts ``instance`` (False when absent)."""
        fast = self._accelerated()
        if fast is None:
            return False
        try:
            return bool(fast.is_valid(instance))
        except Exception:  # a Python value it cannot take (not JSON): ask the reference
            return False

    def is_valid(self, instance: object) -> bool:
        return self.fast_accepts(instance) or bool(self.reference.is_valid(instance))

    def problems(self, instance: object) -> list[Problem]:
        """Every reason ``instance`` fails (none when valid), sorted by JSON pointer."""
        if self.fast_accepts(instance):
            return []
        return problems(self.reference, instance)


@dataclass(eq=False)
class Action:
    """One action of a connector, with its derived JSON Schemas and compiled validators."""

    connector: str
    owner: str
    name: str
    label: dict[str, str]
    safe: bool
    published: bool
    variables: list[dict[str, Any]]
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    examples: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    resource: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        return f"{self.owner}/{self.connector}:{self.name}"

    @functools.cached_property
    def input_checker(self) -> SchemaChecker:
        return SchemaChecker(self.input_schema)

    @functools.cached_property
    def output_checker(self) -> SchemaChecker:
        return SchemaChecker(self.output_schema)

    @property
    def input_validator(self) -> Draft202012Validator:
        """The reference ``jsonschema`` validator of the input schema."""
        return self.input_checker.reference

    @property
    def output_validator(self) -> Draft202012Validator:
        """The reference ``jsonschema`` validator of the output schema."""
        return self.output_checker.reference

    @functools.cached_property
    def _examples_by_input(self) -> dict[str, Any]:
        return {canonical_input(example["input"]): example for example in self.examples}

    def input_problems(self, payload: object) -> list[Problem]:
        """Every reason ``payload`` is not a valid input, sorted by JSON pointer."""
        return self.input_checker.problems(payload)

    def output_problems(self, output: object) -> list[Problem]:
        """Every reason ``output`` does not match the output schema."""
        return self.output_checker.problems(output)

    def example_for(self, canonical: str) -> dict[str, Any] | None:
        """The recorded example whose input equals the canonical input, if any."""
        return self._examples_by_input.get(canonical)

    @property
    def required_inputs(self) -> list[str]:
        return list(self.input_schema.get("required", []))


@dataclass(eq=False)
class Contract:
    """One connector: who owns it, how it authenticates, and its actions."""

    owner: str
    name: str
    title: str
    description: str
    auth: dict[str, Any]
    provenance: dict[str, Any]
    data_types: dict[str, Any]
    actions: dict[str, Action]
    path: Path | None = None

    @property
    def key(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def scopes(self) -> list[str]:
        return list(self.auth.get("scopes", []))

    def action(self, name: str) -> Action:
        """The named action.

        Raises:
            UnknownAction: naming the action and the connector's known actions.
        """
        try:
            return self.actions[name]
        except KeyError:
            raise UnknownAction(
                f"Action {name!r} not found in connector {self.key!r}",
                known_actions=sorted(self.actions),
            ) from None

    def summary(self) -> dict[str, Any]:
        return {
            "owner": self.owner,
            "name": self.name,
            "title": self.title,
            "auth": {"type": self.auth.get("type"), "provider": self.auth.get("provider")},
            "actions": sorted(self.actions),
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any], *, file: str, path: Path | None = None) -> Contract:
        """Build a contract from parsed JSON, checking everything.

        Raises:
            ContractError: naming the file and the JSON pointer of the first defect.
        """
        meta_errors = (
            [] if _meta_checker().fast_accepts(data) else list(_meta_validator().iter_errors(data))
        )
        if meta_errors:
            error = best_match(meta_errors)
            more = f" (and {len(meta_errors) - 1} more)" if len(meta_errors) > 1 else ""
            raise ContractError(file, pointer(*error.absolute_path), error.message + more)
        data_types = data["dataTypes"]
        owner, name = data["owner"], data["name"]
        shared = _Shared()
        actions = {
            action_name: _build_action(owner, name, action_name, spec, data_types, file, shared)
            for action_name, spec in data["actions"].items()
        }
        for pointer_text in data["provenance"].get("inferred", []):
            if not _pointer_exists(data, pointer_text):
                raise ContractError(
                    file, "/provenance/inferred", f"{pointer_text!r} points at nothing"
                )
        return cls(
            owner=owner,
            name=name,
            title=data["title"],
            description=data.get("description", ""),
            auth=dict(data["auth"]),
            provenance=dict(data["provenance"]),
            data_types=dict(data_types),
            actions=actions,
            path=path,
        )

    @classmethod
    def from_file(cls, path: Path, *, root: Path | None = None) -> Contract:
        """Load and check one contract file.

        Raises:
            ContractError: unreadable JSON, a meta-schema violation, a bad example, a file
                whose path does not match its owner and name.
        """
        shown = str(path.relative_to(root)) if root is not None else str(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ContractError(
                shown, "", f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
            ) from None
        contract = cls.from_data(data, file=shown, path=path)
        expected = (contract.owner, contract.name)
        if (path.parent.name, path.stem) != expected:
            raise ContractError(
                shown, "/name", f"file must be at {contract.owner}/{contract.name}.json"
            )
        return contract


def _pointer_exists(data: Any, text: str) -> bool:
    node = data
    for raw in text.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


@dataclass
class _Shared:
    """What the actions of one contract share while it is built: converted data types, and
    the parts of schemas already checked."""

    resolved: dict[str, dict[str, Any]] = field(default_factory=dict)
    checked: set[int] = field(default_factory=set)


def _input_schema(
    variables: list[dict[str, Any]],
    data_types: Mapping[str, Any],
    file: str,
    at: str,
    shared: _Shared | None = None,
) -> dict[str, Any]:
    shared = shared or _Shared()
    properties: dict[str, Any] = {}
    required: list[str] = []
    for index, variable in enumerate(variables):
        title = variable["title"]
        here = at + pointer(index)
        if title in properties:
            raise ContractError(file, here + "/title", f"input {title!r} is declared twice")
        fragment = {k: v for k, v in variable.items() if k != "title"}
        properties[title] = to_json_schema(
            fragment, data_types, file=file, at=here, _resolved=shared.resolved
        )
        if variable.get("x-required"):
            required.append(title)
    schema: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def _build_action(
    owner: str,
    connector: str,
    name: str,
    spec: Mapping[str, Any],
    data_types: Mapping[str, Any],
    file: str,
    shared: _Shared | None = None,
) -> Action:
    shared = shared or _Shared()
    at = pointer("actions", name)
    variables = spec["schema"]["variables"]
    input_schema = _input_schema(variables, data_types, file, at + "/schema/variables", shared)
    output_schema = {
        "$schema": JSON_SCHEMA_DIALECT,
        **to_json_schema(
            spec["schema"]["output"],
            data_types,
            file=file,
            at=at + "/schema/output",
            _resolved=shared.resolved,
        ),
    }
    # The meta-schema already admits only the fragment keywords, each with a well-formed value,
    # so the derived schemas need no (slow) check against the JSON Schema meta-schema itself.
    for schema, where in ((input_schema, "/schema/variables"), (output_schema, "/schema/output")):
        _check_required_are_declared(schema, file, at + where, shared.checked)
    action = Action(
        connector=connector,
        owner=owner,
        name=name,
        label=dict(spec["label"]),
        safe=spec["safe"],
        published=spec.get("published", True),
        variables=list(variables),
        input_schema=input_schema,
        output_schema=output_schema,
        examples=list(spec.get("examples", [])),
        errors=list(spec.get("errors", [])),
        resource=spec.get("resource"),
    )
    # Checkers made for the examples only, and dropped after: a compiled validator costs tens
    # of kilobytes, so the action compiles its own on first use, not at load.
    checkers = {"input": SchemaChecker(input_schema), "output": SchemaChecker(output_schema)}
    for index, example in enumerate(action.examples):
        here = at + pointer("examples", index)
        for part, checker in checkers.items():
            found = checker.problems(example[part])
            if found:
                first = found[0]
                raise ContractError(
                    file, here + "/" + part + first.path, f"example {part} invalid: {first.message}"
                )
    return action


@functools.lru_cache(maxsize=1)
def _meta_checker() -> SchemaChecker:
    path = default_contracts_dir() / META_SCHEMA_NAME
    return SchemaChecker(json.loads(path.read_text(encoding="utf-8")))


def _meta_validator() -> Draft202012Validator:
    return _meta_checker().reference


class ContractRegistry:
    """Every loaded connector, addressed by owner and name. Read-only once loaded.

    A registry loaded with ``lazy=True`` knows its connectors by their file names and
    loads, checks and builds each on first use (see :meth:`load`).
    """

    def __init__(self, contracts: list[Contract], *, directory: Path | None = None) -> None:
        self.directory = directory
        self._by_key: dict[tuple[str, str], Contract] = {}
        self._pending: dict[tuple[str, str], Path] = {}
        self._lock = threading.RLock()
        for contract in contracts:
            key = (contract.owner, contract.name)
            if key in self._by_key:
                raise ContractError(
                    str(contract.path or contract.key), "/name", f"{contract.key} defined twice"
                )
            self._by_key[key] = contract

    @classmethod
    def load(cls, directory: Path | str | None = None, *, lazy: bool = False) -> ContractRegistry:
        """Load and check every ``<owner>/<name>.json`` under ``directory``.

        Arguments:
            directory: the contracts directory (the shipped contracts when omitted).
            lazy: only list the files now, and load and check each connector on its first
                use, so that start-up stays fast with thousands of connectors. A defect then
                surfaces on that first use (as the same ``ContractError``): check such a
                directory with ``interactor-mock contracts check`` in CI.

        Raises:
            ContractError: for the first defective file, naming it and the JSON pointer.
            FileNotFoundError: the directory does not exist.
        """
        root = Path(directory) if directory is not None else default_contracts_dir()
        if not root.is_dir():
            raise FileNotFoundError(f"contracts directory not found: {root}")
        if not lazy:
            contracts = [Contract.from_file(path, root=root) for path in contract_files(root)]
            return cls(contracts, directory=root)
        registry = cls([], directory=root)
        registry._pending = {(path.parent.name, path.stem): path for path in contract_files(root)}
        return registry

    @property
    def lazy(self) -> bool:
        """Whether some connectors are still to be loaded on first use."""
        return bool(self._pending)

    def _load_pending(self, key: tuple[str, str]) -> Contract | None:
        with self._lock:
            found = self._by_key.get(key)
            if found is None and key in self._pending:
                found = Contract.from_file(self._pending[key], root=self.directory)
                self._by_key[key] = found
                del self._pending[key]
            return found

    def _keys(self) -> list[tuple[str, str]]:
        with self._lock:
            return sorted({*self._by_key, *self._pending})

    @property
    def connectors(self) -> list[Contract]:
        found = [self._by_key.get(key) or self._load_pending(key) for key in self._keys()]
        return [contract for contract in found if contract is not None]

    def __iter__(self) -> Iterator[Contract]:
        return iter(self.connectors)

    def __len__(self) -> int:
        return len(self._keys())

    def __repr__(self) -> str:
        if self._pending:
            loaded = len(self._by_key)
            return (
                f"<ContractRegistry {len(self)} connectors ({loaded} loaded so far, the rest "
                f"on first use) from {self.directory}>"
            )
        actions = sum(len(c.actions) for c in self._by_key.values())
        return f"<ContractRegistry {len(self)} connectors, {actions} actions from {self.directory}>"

    def connector(self, name: str, owner: str = DEFAULT_OWNER) -> Contract:
        """The connector ``owner/name``.

        Raises:
            UnknownConnector: naming it and listing the known connectors.
            ContractError: a lazily loaded connector's file is defective.
        """
        key = (owner, name)
        found = self._by_key.get(key) or (self._load_pending(key) if self._pending else None)
        if found is None:
            raise UnknownConnector(
                f"Connector '{owner}/{name}' not found",
                known_connectors=[f"{o}/{n}" for o, n in self._keys()],
            )
        return found

    def action(self, connector: str, action: str, owner: str = DEFAULT_OWNER) -> Action:
        """The action of a connector; raises UnknownConnector or UnknownAction."""
        return self.connector(connector, owner).action(action)


def contract_files(root: Path) -> list[Path]:
    """Contract files under ``root``: ``<owner>/<name>.json``, the meta-schema excluded."""
    return sorted(p for p in root.glob("*/*.json") if p.is_file())


_default_lock = threading.Lock()


@functools.lru_cache(maxsize=8)
def _cached_registry(directory: str, lazy: bool = False) -> ContractRegistry:
    return ContractRegistry.load(directory, lazy=lazy)


def default_registry(
    directory: Path | str | None = None, *, lazy: bool = False
) -> ContractRegistry:
    """A registry loaded once per directory and shared (it is read-only); see
    :meth:`ContractRegistry.load` for ``lazy``."""
    root = Path(directory) if directory is not None else default_contracts_dir()
    with _default_lock:
        return _cached_registry(str(root.resolve()), lazy)
