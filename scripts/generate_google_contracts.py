"""Generate the Google ``-v1`` contracts from Google's discovery documents.

Usage (run by hand, then commit the result):

    pip install -e '.[contracts-gen]'
    python scripts/generate_google_contracts.py            # rewrite the three contracts
    python scripts/generate_google_contracts.py --check    # exit 1 if a committed file differs

Every method of a discovery document becomes an action named by its method id. Its inputs are
the method's path and query parameters, the standard ``fields`` parameter, and the top-level
fields of its request body, all side by side (the flattening the hand-written contracts
used); its output is ``{status_code, body}`` with the documented response schema (or the
provider's error). Discovery schemas become data types (``$ref`` is ``x-dataType``); a schema
that contains itself is described one level deeper and then cut. What the documents lack
(Interactor's labels, resource declarations, examples, errors, auth, tighter bounds) comes
from a hand-kept overlay per connector in ``scripts/google_overlays/``, merged on top; see
``apply_overlay`` for its format.

The documents come from the installed ``google-api-python-client`` wheel
(``googleapiclient/discovery_cache/documents/``): no network. The output depends on the
package's version (Google revises the documents every few weeks), so the ``contracts-gen``
extra pins it, and the provenance records the version, the revision and the document's digest.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from collections.abc import Mapping
from importlib import metadata
from importlib import resources
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS_DIR = ROOT / "contracts" / "interactor"
OVERLAYS_DIR = Path(__file__).resolve().parent / "google_overlays"
PACKAGE = "google-api-python-client"

#: Interactor connector name -> discovery document shipped in the package.
CONNECTORS: dict[str, str] = {
    "gmail-v1": "gmail.v1.json",
    "googlecalendar-v1": "calendar.v3.json",
    "googledrive-v1": "drive.v3.json",
}

#: Discovery formats the contract subset knows, by discovery name.
FORMATS = {"date-time": "date-time", "google-datetime": "date-time", "date": "date", "byte": "byte"}
#: The standard parameters (valid on every method) that an Interactor action takes as inputs.
GLOBAL_PARAMETERS = ("fields",)
EMPTY_BODY = {
    "description": "The provider answers 204 No Content: an empty body.",
    "type": ["object", "null"],
}
MEDIA_BODY = {
    "description": (
        "The file's content (a media download, not JSON): how Interactor relays it is not "
        "documented."
    ),
    "type": ["string", "null"],
}
PROVIDER_ERROR = "ProviderError"
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)`\"])\.(?:\s|$)")
_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


# --------------------------------------------------------------------------------------------
# The documents
# --------------------------------------------------------------------------------------------


def discovery_document(file_name: str) -> dict[str, Any]:
    """A discovery document from the installed ``google-api-python-client``.

    Raises:
        ModuleNotFoundError: the package is not installed.
    """
    documents = resources.files("googleapiclient") / "discovery_cache" / "documents"
    return dict(json.loads((documents / file_name).read_text(encoding="utf-8")))


def document_digest(file_name: str) -> str:
    documents = resources.files("googleapiclient") / "discovery_cache" / "documents"
    return hashlib.sha256((documents / file_name).read_bytes()).hexdigest()


def client_version() -> str:
    return metadata.version(PACKAGE)


def methods(document: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every method of a document, resources depth first, in the document's order."""
    yield from document.get("methods", {}).values()
    for resource in document.get("resources", {}).values():
        yield from methods(resource)


def revision_date(revision: str) -> str:
    return f"{revision[:4]}-{revision[4:6]}-{revision[6:8]}"


# --------------------------------------------------------------------------------------------
# Schemas -> fragments
# --------------------------------------------------------------------------------------------


def _number(text: object, integer: bool) -> int | float:
    value = float(str(text))
    return int(value) if integer else value


def _default(schema: Mapping[str, Any], kind: str | None) -> Any:
    raw = schema["default"]
    if kind == "boolean" and isinstance(raw, str):
        return raw == "true"
    if kind in ("integer", "number") and isinstance(raw, str):
        return _number(raw, kind == "integer")
    return raw


class Converter:
    """Turns discovery schemas into contract fragments and collects the data types used."""

    def __init__(self, schemas: Mapping[str, Any]) -> None:
        self.schemas = schemas
        self.data_types: dict[str, dict[str, Any]] = {}
        self._cycles = _cyclic_components(schemas)

    def fragment(self, schema: Mapping[str, Any], *, cut: frozenset[str] = frozenset()) -> Any:
        """The fragment of one (sub)schema; ``$ref`` into ``cut`` is replaced by an open object."""
        out: dict[str, Any] = {}
        if "description" in schema:
            out["description"] = _describe(schema)
        if "$ref" in schema:
            name = schema["$ref"]
            if name in cut:
                out["type"] = "object"
                out["description"] = (
                    f"A nested {name} (the schema contains itself: described one level deep, "
                    "deeper levels are open objects)."
                )
                return out
            out["x-dataType"] = self.data_type(name)
            return out
        kind = schema.get("type")
        if kind is not None and kind != "any":
            out["type"] = kind
        fmt = schema.get("format")
        if kind == "string" and fmt in FORMATS:
            out["format"] = FORMATS[fmt]
        if kind == "integer" and fmt in ("uint32", "uint64"):
            out["minimum"] = 0
        for bound in ("minimum", "maximum"):
            if bound in schema and kind in ("integer", "number"):
                out[bound] = _number(schema[bound], kind == "integer")
        if "enum" in schema:
            out["enum"] = list(schema["enum"])
        if "default" in schema:
            out["default"] = _default(schema, kind)
        if "properties" in schema:
            out["properties"] = {
                name: self.fragment(sub, cut=cut) for name, sub in schema["properties"].items()
            }
        if isinstance(schema.get("additionalProperties"), Mapping):
            out["additionalProperties"] = self.fragment(schema["additionalProperties"], cut=cut)
        if "items" in schema:
            out["items"] = self.fragment(schema["items"], cut=cut)
        return out

    def data_type(self, name: str) -> str:
        """The data type for the discovery schema ``name`` (made on first use); its name.

        A schema on a cycle of references is described as itself, whose references back
        into the cycle point at ``<name>Nested``: the same schema one level down, where
        they are cut.
        """
        if name not in self.data_types:
            self.data_types[name] = {}  # placeholder: a reference back must not recurse
            self.data_types[name] = self.described(name)
        return name

    def described(self, name: str) -> dict[str, Any]:
        """The fragment of the schema ``name`` as its data type has it (not registered)."""
        cycle = self._cycles.get(name, frozenset())
        if not cycle:
            return dict(self.fragment(self.schemas[name]))
        for member in sorted(cycle):
            nested = f"{member}Nested"
            if nested not in self.data_types:
                self.data_types[nested] = {}
                self.data_types[nested] = self.fragment(self.schemas[member], cut=cycle)
        fragment = self.fragment(self.schemas[name])
        return dict(_rename_refs(fragment, {member: f"{member}Nested" for member in cycle}))


def _rename_refs(fragment: Any, names: Mapping[str, str]) -> Any:
    """``fragment`` with its (nested) ``x-dataType`` references renamed, except at the top."""

    def walk(node: Any, top: bool) -> Any:
        if isinstance(node, dict):
            out = {key: walk(value, False) for key, value in node.items()}
            if not top and out.get("x-dataType") in names:
                out["x-dataType"] = names[out["x-dataType"]]
            return out
        if isinstance(node, list):
            return [walk(item, False) for item in node]
        return node

    return walk(fragment, True)


def _references(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, Mapping):
        if "$ref" in schema:
            found.add(schema["$ref"])
        for value in schema.values():
            found |= _references(value)
    elif isinstance(schema, list):
        for item in schema:
            found |= _references(item)
    return found


def _cyclic_components(schemas: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """For each schema on a cycle of ``$ref``, the schemas of its cycle (strongly connected)."""
    edges = {name: _references(schema) & set(schemas) for name, schema in schemas.items()}

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = list(edges[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(edges[node])
        return seen

    reachable = {name: reach(name) for name in schemas}
    return {
        name: frozenset(other for other in reachable[name] if name in reachable[other])
        for name in schemas
        if name in reachable[name]
    }


def _describe(schema: Mapping[str, Any]) -> str:
    text = str(schema["description"]).strip()
    if schema.get("deprecated") and not text.lower().startswith("deprecated"):
        text = "Deprecated. " + text
    return text


def _label(description: str) -> str:
    """A short imperative label from a method's description: "Lists the ..." -> "list the ..."."""
    text = _MARKDOWN_LINK.sub(r"\1", description.strip())
    first = _SENTENCE_END.split(text, maxsplit=1)[0].strip().rstrip(".")
    first = first.split("\n", 1)[0].strip()
    words = first.split(" ")
    words[0] = words[0][:1].lower() + words[0][1:]
    # The verb is the first word past adverbs ("Immediately and permanently deletes ...").
    at = 0
    while at < len(words) - 1 and (words[at].endswith("ly") or words[at] == "and"):
        at += 1
    verb = words[at]
    if verb.endswith("ies"):
        verb = verb[:-3] + "y"
    elif verb.endswith(("ches", "shes", "sses", "xes")):
        verb = verb[:-2]
    elif verb.endswith("s") and not verb.endswith("ss"):
        verb = verb[:-1]
    words[at] = verb
    return " ".join(words)


# --------------------------------------------------------------------------------------------
# Methods -> actions
# --------------------------------------------------------------------------------------------


def _parameter(name: str, spec: Mapping[str, Any], converter: Converter) -> dict[str, Any]:
    fragment = converter.fragment({k: v for k, v in spec.items() if k != "repeated"})
    if spec.get("repeated"):
        item = {k: v for k, v in fragment.items() if k not in ("description", "default")}
        outer: dict[str, Any] = {"items": item, "type": "array"}
        if "description" in fragment:
            outer["description"] = fragment["description"]
        fragment = outer
    fragment["title"] = name
    if spec.get("required"):
        fragment["x-required"] = True
    return dict(fragment)


def variables(
    method: Mapping[str, Any],
    document: Mapping[str, Any],
    converter: Converter,
    data_type_patches: Mapping[str, Any],
) -> tuple[list[dict[str, Any]], list[str]]:
    """The action's inputs, and the names of request-body fields a parameter shadows.

    A body field is the request schema's property as a data type would describe it, with
    the overlay's patch of that data type applied (so an enum the overlay adds to
    ``Event.visibility`` holds for the ``visibility`` input of ``events.insert`` too).
    """
    parameters: dict[str, Any] = dict(method.get("parameters", {}))
    order = [*method.get("parameterOrder", []), *parameters]
    found: list[dict[str, Any]] = []
    for name in dict.fromkeys(order):
        found.append(_parameter(name, parameters[name], converter))
    for name in GLOBAL_PARAMETERS:
        if name not in parameters:
            found.append(_parameter(name, document["parameters"][name], converter))
    shadowed: list[str] = []
    request = method.get("request")
    if request is not None:
        body = converter.schemas[request["$ref"]]
        patch = data_type_patches.get(request["$ref"], {})
        described = merge(converter.described(request["$ref"]), patch)
        taken = {variable["title"] for variable in found}
        for name, spec in body.get("properties", {}).items():
            if name in taken:
                shadowed.append(name)
                continue
            fragment = dict(described["properties"][name])
            fragment["title"] = name
            if method["id"] in spec.get("annotations", {}).get("required", ()):
                fragment["x-required"] = True
            found.append(fragment)
    return found, shadowed


def output(method: Mapping[str, Any], converter: Converter) -> dict[str, Any]:
    response = method.get("response")
    if response is not None:
        success: dict[str, Any] = {"x-dataType": converter.data_type(response["$ref"])}
    elif method.get("supportsMediaDownload"):
        success = dict(MEDIA_BODY)
    else:
        success = dict(EMPTY_BODY)
    return {
        "properties": {
            "body": {"anyOf": [success, {"x-dataType": PROVIDER_ERROR}]},
            "status_code": {"type": "integer"},
        },
        "required": ["status_code", "body"],
        "type": "object",
    }


# --------------------------------------------------------------------------------------------
# The overlay
# --------------------------------------------------------------------------------------------


def merge(base: Any, patch: Any) -> Any:
    """``patch`` over ``base``: objects merge key by key (``null`` removes a key); anything
    else replaces."""
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge(out.get(key), value) if key in out else copy.deepcopy(value)
    return out


def _patch_variables(
    found: list[dict[str, Any]], patches: Mapping[str, Any], where: str
) -> list[dict[str, Any]]:
    known = {variable["title"] for variable in found}
    unknown = sorted(set(patches) - known)
    if unknown:
        raise SystemExit(f"overlay {where}: no input named {', '.join(unknown)}")
    return [
        merge(variable, patches[variable["title"]]) if variable["title"] in patches else variable
        for variable in found
    ]


def apply_overlay(contract: dict[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """The generated contract with the hand-kept overlay on top.

    The overlay holds ``contract`` (top-level keys set as given: title, description, auth),
    ``sources`` and ``inferred`` (added to the provenance), ``notes`` (prefixed to the
    generated notes), ``errors`` (every action's errors unless the action names its own),
    ``variables`` (patches, by input name, for that input on every action), ``dataTypes``
    (patches merged into the generated data types; new ones are added) and ``actions``
    (per action: ``label``, ``safe``, ``examples``, ``errors``, ``resource`` set as given, and
    ``variables``: patches by input name). A patch names an input, action or data type the
    documents do not have: the script stops, so the overlay cannot silently go stale.
    """
    out = copy.deepcopy(contract)
    for key, value in overlay.get("contract", {}).items():
        out[key] = copy.deepcopy(value)
    inferred: list[str] = []
    for name, patch in overlay.get("dataTypes", {}).items():
        if name not in out["dataTypes"] and "type" not in patch:
            raise SystemExit(f"overlay patches data type {name!r}, which the document lacks")
        out["dataTypes"][name] = merge(out["dataTypes"].get(name, {}), patch)
        # Which fields are always there is the overlay's choice: Google documents none.
        inferred += [f"/dataTypes/{name}{at}/required" for at in _required_at(patch)]
    default_errors = overlay.get("errors", [])
    common = overlay.get("variables", {})
    actions = overlay.get("actions", {})
    unknown = sorted(set(actions) - set(out["actions"]))
    if unknown:
        raise SystemExit(f"overlay names actions the document lacks: {', '.join(unknown)}")
    for name, action in out["actions"].items():
        spec = actions.get(name, {})
        variables_ = action["schema"]["variables"]
        applicable = {k: v for k, v in common.items() if any(x["title"] == k for x in variables_)}
        variables_ = _patch_variables(variables_, applicable, "variables")
        variables_ = _patch_variables(variables_, spec.get("variables", {}), name)
        if applicable or spec.get("variables"):
            inferred.append(f"/actions/{name}/schema/variables")
        action["schema"]["variables"] = variables_
        action["errors"] = copy.deepcopy(spec.get("errors", default_errors))
        for key in ("label", "safe", "examples", "resource"):
            if key in spec:
                action[key] = copy.deepcopy(spec[key])
        if not action["examples"]:
            del action["examples"]
    provenance = out["provenance"]
    provenance["sources"] = [*copy.deepcopy(overlay.get("sources", [])), *provenance["sources"]]
    inferred = [*overlay.get("inferred", []), *provenance["inferred"], *inferred]
    provenance["inferred"] = list(dict.fromkeys(inferred))
    if overlay.get("notes"):
        provenance["notes"] = overlay["notes"] + " " + provenance["notes"]
    return out


def _required_at(patch: Any, at: str = "") -> Iterator[str]:
    if not isinstance(patch, Mapping):
        return
    if "required" in patch:
        yield at
    for key in ("properties",):
        for name, sub in patch.get(key, {}).items():
            yield from _required_at(sub, f"{at}/{key}/{name}")
    for key in ("items", "additionalProperties"):
        yield from _required_at(patch.get(key), f"{at}/{key}")


# --------------------------------------------------------------------------------------------
# A contract
# --------------------------------------------------------------------------------------------


def generate(
    name: str,
    document: Mapping[str, Any],
    overlay: Mapping[str, Any],
    *,
    file_name: str,
    version: str,
    digest: str,
) -> dict[str, Any]:
    """The contract of connector ``name`` from its discovery document and overlay."""
    converter = Converter(document["schemas"])
    actions: dict[str, Any] = {}
    inferred: list[str] = ["/auth/scopes"]
    shadowed_notes: list[str] = []
    for method in methods(document):
        action_name = method["id"]
        found, shadowed = variables(method, document, converter, overlay.get("dataTypes", {}))
        actions[action_name] = {
            "examples": [],
            "label": {"en": _label(method.get("description", action_name))},
            "safe": method["httpMethod"] == "GET",
            "schema": {"output": output(method, converter), "variables": found},
        }
        at = "/actions/" + action_name
        inferred += [at + "/label", at + "/errors"]
        if "request" in method:
            inferred.append(at + "/schema/variables")
        if shadowed:
            shadowed_notes.append(f"{action_name} ({', '.join(shadowed)})")
    data_types = dict(sorted(converter.data_types.items()))
    revision = str(document["revision"])
    title = str(document.get("title", name))
    contract: dict[str, Any] = {
        "actions": actions,
        "auth": {"provider": "google", "scopes": [], "type": "oauth2"},
        "dataTypes": data_types,
        "description": str(document.get("description", "")),
        "formatVersion": 1,
        "name": name,
        "owner": "interactor",
        "provenance": {
            "inferred": inferred,
            "notes": _notes(shadowed_notes),
            "sources": [
                {
                    "date": revision_date(revision),
                    "kind": "provider-docs",
                    "ref": (
                        f"Google discovery document {file_name} ({title} "
                        f"{document.get('version', '')}, revision {revision}, sha256 {digest}) "
                        f"from {PACKAGE} {version} "
                        f"(googleapiclient/discovery_cache/documents/{file_name}), generated by "
                        "scripts/generate_google_contracts.py"
                    ),
                }
            ],
        },
        "title": title,
    }
    return apply_overlay(contract, overlay)


def _notes(shadowed: list[str]) -> str:
    text = (
        "Generated from the discovery document: every method is an action named by its method "
        "id. Inputs (inferred flattening): the method's path and query parameters, the standard "
        "`fields` parameter, then the top-level fields of the request body side by side "
        "(output-only ones too: Drive marks Permission.emailAddress output-only, yet "
        "permissions.create takes it); repeated parameters are arrays; "
        "deprecated parameters are accepted. Required markers: required parameters, and body "
        "fields the document annotates as required for the method. Formats: date-time and "
        "google-datetime are date-time, date and byte as such; uint32/uint64 integers have "
        "minimum 0; int64/uint64 decimal strings and int32/double/float numbers carry no format "
        "(the contract subset has none). A schema that contains itself (Gmail's MessagePart) "
        "is described one level deeper (<Name>Nested), below which parts are open objects. "
        "Outputs are {status_code, body}; body is anyOf the documented response (an empty body "
        "for 204 answers, the content for media downloads) and ProviderError. Labels are "
        "inferred from the first sentence of each method's description; the three Interactor "
        "errors of every action are those observed on Interactor's own connectors."
    )
    if shadowed:
        text += (
            " A body field named like a path parameter is the parameter (one input): "
            + "; ".join(shadowed)
            + "."
        )
    return text


def load_overlay(name: str) -> dict[str, Any]:
    path = OVERLAYS_DIR / f"{name}.json"
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else {}


def generate_all() -> dict[str, dict[str, Any]]:
    """Every Google contract, from the installed package's documents and the overlays."""
    version = client_version()
    return {
        name: generate(
            name,
            discovery_document(file_name),
            load_overlay(name),
            file_name=file_name,
            version=version,
            digest=document_digest(file_name),
        )
        for name, file_name in CONNECTORS.items()
    }


def canonical(contract: Mapping[str, Any]) -> str:
    from interactor_mock.contracts import canonical_json

    return canonical_json(contract)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 on a change")
    parser.add_argument("--out", type=Path, default=CONTRACTS_DIR, help="directory to write to")
    args = parser.parse_args(argv)
    changed = []
    for name, contract in generate_all().items():
        path = args.out / f"{name}.json"
        text = canonical(contract)
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            changed.append(path)
            if not args.check:
                path.write_text(text, encoding="utf-8")
        state = " (changed)" if current != text else ""
        print(f"{name}: {len(contract['actions'])} actions{state}")
    if args.check and changed:
        print("out of date: " + ", ".join(map(str, changed)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
