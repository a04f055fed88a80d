"""A loaded contract: the connector, its actions with derived schemas, examples and errors."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from interactor_mock.contracts.canonical import canonical_input
from interactor_mock.contracts.meta import meta_checker
from interactor_mock.contracts.meta import meta_validator
from interactor_mock.contracts.schema import JSON_SCHEMA_DIALECT
from interactor_mock.contracts.schema import Problem
from interactor_mock.contracts.schema import SchemaChecker
from interactor_mock.contracts.schema import _check_required_are_declared
from interactor_mock.contracts.schema import pointer
from interactor_mock.contracts.schema import to_json_schema
from interactor_mock.errors import ContractError
from interactor_mock.errors import UnknownAction

DEFAULT_OWNER = "interactor"


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
            [] if meta_checker().fast_accepts(data) else list(meta_validator().iter_errors(data))
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


def input_schema(
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
    inputs = input_schema(variables, data_types, file, at + "/schema/variables", shared)
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
    for schema, where in ((inputs, "/schema/variables"), (output_schema, "/schema/output")):
        _check_required_are_declared(schema, file, at + where, shared.checked)
    action = Action(
        connector=connector,
        owner=owner,
        name=name,
        label=dict(spec["label"]),
        safe=spec["safe"],
        published=spec.get("published", True),
        variables=list(variables),
        input_schema=inputs,
        output_schema=output_schema,
        examples=list(spec.get("examples", [])),
        errors=list(spec.get("errors", [])),
        resource=spec.get("resource"),
    )
    # Checkers made for the examples only, and dropped after: a compiled validator costs tens
    # of kilobytes, so the action compiles its own on first use, not at load.
    checkers = {"input": SchemaChecker(inputs), "output": SchemaChecker(output_schema)}
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
