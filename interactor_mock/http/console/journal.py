"""The journal: an environment's recent API calls, newest first, filtered, refreshed by polling
a JSON endpoint (which answers the rendered rows, so the page needs no templates in JS)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import Response
from flask import jsonify
from flask import render_template
from flask import request

from interactor_mock.core.journal import JournalEntry
from interactor_mock.errors import BadRequest
from interactor_mock.http.console.blueprint import bp
from interactor_mock.http.console.blueprint import current_environment
from interactor_mock.http.context import engine

FILTERS = ("connector", "action", "account", "status")


def _status_matches(wanted: str, status: int) -> bool:
    if len(wanted) == 3 and wanted[0].isdigit() and wanted[1:].lower() == "xx":
        return str(status)[0] == wanted[0]
    return str(status) == wanted


def _filters(args: Mapping[str, str]) -> dict[str, str]:
    found = {name: args.get(name, "").strip() for name in FILTERS}
    status = found["status"]
    if status and not (
        (status.isdigit() and len(status) == 3)
        or (len(status) == 3 and status[0].isdigit() and status[1:].lower() == "xx")
    ):
        raise BadRequest("status must be a code such as 200 or a class such as 4xx", field="status")
    return found


def _entries(filters: Mapping[str, str]) -> list[JournalEntry]:
    entries = engine().journal.entries(current_environment().id)
    chosen = [
        e
        for e in entries
        if (not filters["connector"] or e.connector == filters["connector"])
        and (not filters["action"] or e.action == filters["action"])
        and (not filters["account"] or e.account == filters["account"])
        and (not filters["status"] or _status_matches(filters["status"], e.status))
    ]
    return list(reversed(chosen))


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def body_text(entry: JournalEntry) -> str:
    """The answer's body as the expanded row shows it: pretty JSON, or the kept start of its
    text, marked as cut."""
    if entry.output_truncated:
        return f"{entry.output}…"
    return _pretty(entry.output)


def _limit_text() -> str:
    limit = engine().journal.output_limit
    return f"{limit // 1024} KiB" if limit % 1024 == 0 else f"{limit} bytes"


def _row_helpers() -> dict[str, Any]:
    return {"pretty": _pretty, "body_text": body_text, "limit_text": _limit_text()}


def _rows(entries: list[JournalEntry], filters: Mapping[str, str]) -> str:
    return render_template(
        "console/_journal_rows.html", entries=entries, filters=filters, **_row_helpers()
    )


@bp.get("/journal")
def journal() -> str:
    filters = _filters(request.args)
    entries = _entries(filters)
    mock = engine()
    return render_template(
        "console/journal.html",
        environment=current_environment(),
        environments=mock.environments.all(),
        connectors=sorted(c.key for c in mock.registry.connectors),
        filters=filters,
        entries=entries,
        latest=entries[0].seq if entries else 0,
        count=len(entries),
        **_row_helpers(),
    )


@bp.get("/journal.json")
def journal_rows() -> Response:
    """The filtered entries (redacted, as the journal keeps them) and their rendered rows."""
    filters = _filters(request.args)
    entries = _entries(filters)
    return jsonify(
        {
            "latest": entries[0].seq if entries else 0,
            "count": len(entries),
            "entries": [e.public() for e in entries],
            "rows": _rows(entries, filters),
        }
    )
