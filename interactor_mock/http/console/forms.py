"""The tester's form, generated from an action's input schema, and read back into a payload.

Every field is named by the JSON pointer of the value it fills (``/to``, ``/start/dateTime``),
so the ``details`` of a 400 answer, which carry JSON pointers, land beside their field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

__all__ = ["PREFIX", "FormField", "errors_by_field", "fields_of", "payload_of", "type_label"]

#: Form names of schema fields start with this, so they never clash with the page's own.
PREFIX = "f:"
_SCALARS = ("string", "number", "integer", "boolean")


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def type_label(schema: Mapping[str, Any]) -> str:
    """A short human name of a schema's type: ``string``, ``array of string``, ``any``."""
    kind = schema.get("type")
    if isinstance(kind, list):
        return " or ".join(str(k) for k in kind)
    if kind == "array":
        items = schema.get("items")
        return f"array of {type_label(items)}" if isinstance(items, Mapping) else "array"
    if kind is None and "enum" in schema:
        return "enum"
    return str(kind) if kind else "any"


@dataclass
class FormField:
    """One input of the tester's form.

    ``kind`` says how it is entered: ``text``, ``number``, ``integer``, ``boolean`` (a select
    of unset/true/false), ``enum`` (a select), ``lines`` (an array of scalars, one per line),
    ``object`` (a fieldset of ``children``) or ``json`` (anything else, typed as JSON).
    """

    pointer: str
    name: str
    label: str
    kind: str
    type: str
    required: bool
    description: str = ""
    enum: list[Any] = field(default_factory=list)
    item_type: str = "string"
    children: list[FormField] = field(default_factory=list)
    value: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def choices(self) -> list[str]:
        """The enum's values as the select's options carry them (strings as they are)."""
        return [c if isinstance(c, str) else json.dumps(c) for c in self.enum]

    @property
    def form_name(self) -> str:
        return PREFIX + self.pointer

    @property
    def html_id(self) -> str:
        return "field-" + "-".join(
            "".join(c if c.isalnum() else "_" for c in part) for part in self.pointer.split("/")[1:]
        )

    def walk(self) -> list[FormField]:
        return [self, *(f for child in self.children for f in child.walk())]


def _kind(schema: Mapping[str, Any]) -> tuple[str, str]:
    kind = schema.get("type")
    if "enum" in schema and kind in (None, "string", "integer", "number"):
        return "enum", "string"
    if kind == "string":
        return "text", "string"
    if kind in ("number", "integer", "boolean"):
        return str(kind), str(kind)
    if kind == "object" and isinstance(schema.get("properties"), Mapping) and schema["properties"]:
        return "object", "object"
    if kind == "array":
        items = schema.get("items")
        if isinstance(items, Mapping) and (items.get("type") in _SCALARS or "enum" in items):
            return "lines", str(items.get("type", "string"))
    return "json", "any"


def fields_of(
    schema: Mapping[str, Any], labels: Mapping[str, str] | None = None, parent: str = ""
) -> list[FormField]:
    """The form fields of an object schema's properties, in the schema's order."""
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return []
    required = set(schema.get("required", []))
    found = []
    for name, sub in properties.items():
        if not isinstance(sub, Mapping):
            continue
        pointer = f"{parent}/{_escape(name)}"
        kind, item_type = _kind(sub)
        made = FormField(
            pointer=pointer,
            name=name,
            label=(labels or {}).get(name, name),
            kind=kind,
            type=type_label(sub),
            required=name in required,
            description=str(sub.get("description", "")),
            enum=list(sub.get("enum", [])),
            item_type=item_type,
        )
        if kind == "object":
            made.children = fields_of(sub, None, pointer)
        found.append(made)
    return found


def _scalar(text: str, kind: str) -> Any:
    """``text`` as a value of a scalar kind; raises ValueError with a message for the user."""
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
        return int(number) if number.is_integer() and "." not in text else number
    if kind == "boolean":
        if text in ("true", "false"):
            return text == "true"
        raise ValueError("choose true or false")
    return text


def _enum_value(text: str, choices: list[Any]) -> Any:
    for choice in choices:
        if json.dumps(choice) == text or (isinstance(choice, str) and choice == text):
            return choice
    raise ValueError(f"{text!r} is not one of the choices")


def _read(form_field: FormField, form: Mapping[str, str]) -> tuple[bool, Any]:
    """``(present, value)`` of a field from the posted form; records entry errors on it."""
    if form_field.kind == "object":
        values = {}
        for child in form_field.children:
            present, value = _read(child, form)
            if present:
                values[child.name] = value
        return bool(values), values
    raw = form.get(form_field.form_name, "")
    form_field.value = raw
    if raw.strip() == "":
        return False, None
    try:
        if form_field.kind == "text":
            return True, raw
        if form_field.kind == "enum":
            return True, _enum_value(raw, form_field.enum)
        if form_field.kind == "lines":
            lines = [line.strip() for line in raw.splitlines() if line.strip()]
            return True, [_scalar(line, form_field.item_type) for line in lines]
        if form_field.kind == "json":
            try:
                return True, json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not valid JSON: {exc.msg} (line {exc.lineno})") from None
        return True, _scalar(raw.strip(), form_field.kind)
    except ValueError as exc:
        form_field.errors.append(str(exc))
        return False, None


def payload_of(fields: list[FormField], form: Mapping[str, str]) -> tuple[dict[str, Any], bool]:
    """The JSON payload the posted form describes (empty fields left out), and whether every
    field could be read (entry errors are recorded on the fields)."""
    payload = {}
    for form_field in fields:
        present, value = _read(form_field, form)
        if present:
            payload[form_field.name] = value
    return payload, not any(f.errors for top in fields for f in top.walk())


def errors_by_field(fields: list[FormField], details: list[Any]) -> list[str]:
    """Attach each detail of a 400 answer to the field its pointer names (or the nearest
    enclosing one); return the messages no field takes (about the payload as a whole)."""
    by_pointer = {f.pointer: f for top in fields for f in top.walk()}
    unplaced = []
    for detail in details:
        if not isinstance(detail, Mapping):
            continue
        message = str(detail.get("message", ""))
        path = str(detail.get("path", ""))
        target = path
        while target and target not in by_pointer:
            target = target.rsplit("/", 1)[0]
        if target:
            by_pointer[target].errors.append(message)
        else:
            unplaced.append(f"{path or '/'}: {message}")
    return unplaced
