"""Google Drive (``interactor/googledrive-v1``): copies and realistic seeded files.

``drive.files.copy`` makes a new file from a stored one ("Copy of ..." unless named);
``drive.files.list`` filters by ``q`` (Drive v3's query language,
:mod:`interactor_mock.search.drive`, with Drive's own 400 for a malformed query); seeded
files carry names, MIME types, owners and times that agree. Create, get, update, delete and
list are the declared resource (``fields`` selectors are not applied: every stored field is
answered, a superset of what Drive sends).
"""

from __future__ import annotations

from datetime import timedelta
from datetime import timezone
from typing import TYPE_CHECKING
from typing import Any

from interactor_mock.connectors._accounts import account_address
from interactor_mock.core.resources import Collection
from interactor_mock.core.resources import Entry
from interactor_mock.core.resources import Factory
from interactor_mock.core.resources import SeedContext
from interactor_mock.core.resources import make_id
from interactor_mock.search import drive as drive_search
from interactor_mock.search.errors import DriveQueryError

if TYPE_CHECKING:
    from interactor_mock.connectors import Connectors
    from interactor_mock.core.calls import ActionCall

__all__ = ["register"]

OWNER = "interactor"
CONNECTOR = "googledrive-v1"
KINDS = (
    ("application/vnd.google-apps.document", ""),
    ("application/vnd.google-apps.spreadsheet", ""),
    ("application/vnd.google-apps.presentation", ""),
    ("application/vnd.google-apps.folder", ""),
    ("application/pdf", ".pdf"),
    ("image/png", ".png"),
    ("text/plain", ".txt"),
)
TITLES = (
    "Quarterly report",
    "Budget",
    "Team offsite plan",
    "Meeting notes",
    "Roadmap",
    "Invoice",
    "Onboarding checklist",
    "Design spec",
    "Customer list",
    "Photos",
)


def _stamp(moment: Any) -> str:
    return str(moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")).replace(
        "+00:00", "Z"
    )


def build_seeded_file(ctx: SeedContext, index: int, file_id: str) -> dict[str, Any]:
    rng = ctx.rng(index, "file")
    mime, extension = rng.choice(KINDS)
    created = ctx.anchor - timedelta(days=rng.randrange(1, 400), minutes=rng.randrange(0, 1440))
    modified = min(ctx.anchor, created + timedelta(days=rng.randrange(0, 60)))
    me = account_address(ctx.account)
    owner = {"kind": "drive#user", "displayName": me.split("@")[0], "emailAddress": me, "me": True}
    item: dict[str, Any] = {
        "kind": "drive#file",
        "id": file_id,
        "name": f"{rng.choice(TITLES)} {index + 1}{extension}",
        "mimeType": mime,
        "parents": ["root"],
        "starred": rng.random() < 0.1,
        "trashed": False,
        "createdTime": _stamp(created),
        "modifiedTime": _stamp(modified),
        "owners": [owner],
        "ownedByMe": True,
        "shared": rng.random() < 0.3,
        "webViewLink": f"https://drive.google.com/file/d/{file_id}/view",
        "version": str(rng.randrange(1, 200)),
    }
    if extension:
        item["size"] = str(rng.randrange(1_000, 5_000_000))
    return item


def _seeded_id(ctx: SeedContext, index: int) -> str:
    return make_id("drive", ctx.rng(index, "id"), ctx.anchor)


class Drive:
    """The coded Google Drive actions , over the resources they were registered with."""

    def __init__(self, connectors: Connectors) -> None:
        self.clock = connectors.clock
        self.resources = connectors.resources
        self.files_spec = self.resources.catalog.collection(OWNER, CONNECTOR, "files")

    def copy_file(self, call: ActionCall) -> Any:
        """``drive.files.copy``: a new file like the original, named "Copy of ..."."""
        files = self.resources.for_call(call, self.files_spec)
        original = self.resources.lookup(files, str(call.input["fileId"]), call.action)
        new_id = self.resources.fresh_id(files)
        now = _stamp(self.clock())
        item = dict(original)  # lookup's copy is ours; insert copies what it keeps
        item.update(
            id=new_id,
            name=call.input.get("name") or f"Copy of {original.get('name', 'Untitled')}",
            createdTime=now,
            modifiedTime=now,
        )
        for key in ("parents", "description"):
            if key in call.input:
                item[key] = call.input[key]
        item.pop("webViewLink", None)
        files.insert(new_id, item)
        return {"status_code": 200, "body": item}

    def create_file(self, call: ActionCall) -> Any:
        """``drive.files.create``: a new file of the metadata given, as Drive fills it in
        (``application/octet-stream`` without a MIME type, in ``root`` without parents, not
        starred, not trashed, created and modified now, owned by the account)."""
        files = self.resources.for_call(call, self.files_spec)
        new_id = self.resources.fresh_id(files)
        now = _stamp(self.clock())
        me = account_address(call.account)
        item: dict[str, Any] = {
            "kind": "drive#file",
            "id": new_id,
            "name": "Untitled",
            "mimeType": "application/octet-stream",
            "parents": ["root"],
            "starred": False,
            "trashed": False,
            "createdTime": now,
            "modifiedTime": now,
            "owners": [
                {
                    "kind": "drive#user",
                    "displayName": me.split("@")[0],
                    "emailAddress": me,
                    "me": True,
                }
            ],
            "ownedByMe": True,
            "shared": False,
            "version": "1",
        }
        item["webViewLink"] = f"https://drive.google.com/file/d/{new_id}/view"
        properties = (self.files_spec.item_schema or {}).get("properties", {})
        for key, value in call.input.items():
            if key in properties and key != "id":
                item[key] = value
        files.insert(new_id, item)
        return {"status_code": 200, "body": item}

    def list_files(self, call: ActionCall) -> Any:
        """``drive.files.list``: the files ``q`` matches (Drive v3's query language); a
        malformed ``q`` is Drive's own 400 inside ``output``."""
        try:
            query = drive_search.parse(str(call.input.get("q") or ""))
        except DriveQueryError as error:
            return {"status_code": error.status, "body": error.provider_body()}
        if query.node is None:
            return self.resources.execute(call)

        def keep(key: str, entry: Entry, collection: Collection) -> bool:
            return query.matches(collection.peek(key, entry))

        return self.resources.execute(call, keep=keep)


def register(connectors: Connectors) -> None:
    """Register Google Drive's behaviours and seed factory."""
    if not connectors.declares(OWNER, CONNECTOR, "files"):
        return  # a contracts directory without this connector or its collections
    drive = Drive(connectors)
    connectors.behaviour(OWNER, CONNECTOR, "drive.files.copy", drive.copy_file)
    connectors.behaviour(OWNER, CONNECTOR, "drive.files.list", drive.list_files)
    connectors.behaviour(OWNER, CONNECTOR, "drive.files.create", drive.create_file)
    connectors.factory(
        OWNER, CONNECTOR, "files", Factory(item_id=_seeded_id, build=build_seeded_file)
    )
