"""Gmail API v1 (``interactor/gmail-v1``): sent messages as Gmail keeps them; search.

``gmail.users.messages.send`` parses ``raw`` into a stored message (the ``gmail`` connector's
message builder: headers, body, snippet agree).

``gmail.users.messages.list`` and ``gmail.users.drafts.list`` filter the stored messages
(drafts) with ``q`` (Gmail's search operators against the mock's clock, read leniently:
inferred), ``labelIds`` and ``includeSpamTrash``; ``label:`` knows the account's user labels
by name. ``gmail.users.threads.list`` groups the stored messages by ``threadId`` and lists a
thread when one of its messages matches (as Gmail's web search shows threads: inferred),
newest first, each as ``{id, snippet, historyId}`` of its newest message; ``threads`` is left
out when nothing matches, as Gmail leaves it out.

One Google user is behind an account's ``gmail`` and ``gmail-v1`` connections (inferred): the
``gmail.users.drafts.*`` methods keep their drafts in the ``gmail`` connector's collection, so
a draft created through one is listed, fetched, updated, sent and deleted through the other.
Seed drafts under ``gmail`` (seeding ``gmail-v1`` drafts fills a collection these methods do
not read while ``gmail`` is in the registry).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from interactor_mock.connectors._accounts import account_address
from interactor_mock.connectors._mailsearch import draft_filter
from interactor_mock.connectors._mailsearch import message_filter
from interactor_mock.connectors.gmail import build_message
from interactor_mock.connectors.gmail import info_from_raw
from interactor_mock.core.generate import GMAIL_SYSTEM_LABELS
from interactor_mock.core.generate import LABEL_WORDS
from interactor_mock.core.generate import gmail_label
from interactor_mock.core.resources import Collection
from interactor_mock.core.resources import Factory
from interactor_mock.core.resources import Operation
from interactor_mock.core.resources import SeedContext
from interactor_mock.core.resources import copy_json
from interactor_mock.core.resources import decode_token
from interactor_mock.core.resources import encode_token
from interactor_mock.core.resources import project
from interactor_mock.errors import UsageError

if TYPE_CHECKING:
    from interactor_mock.connectors import Connectors
    from interactor_mock.core.calls import ActionCall

__all__ = ["register"]

OWNER = "interactor"
CONNECTOR = "gmail-v1"
_THREAD_TOKEN = "t1:"
_THREADS_DEFAULT = 100
_THREADS_MAX = 500
INVALID_PAGE_TOKEN = "Invalid pageToken"


def _shown(draft: Mapping[str, Any], form: Any = "full") -> dict[str, Any]:
    """A stored draft as Gmail API v1 answers it in a ``format`` (``full``: the parsed
    ``payload``; ``raw``: the ``raw`` message; ``minimal``: ``id``, ``threadId``,
    ``labelIds``), without Interactor's ``message_info``."""
    shown = copy_json(dict(draft))
    message = shown.get("message")
    if isinstance(message, dict):
        message.pop("message_info", None)
        if form == "minimal":
            shown["message"] = {
                k: message[k] for k in ("id", "threadId", "labelIds") if k in message
            }
        elif form == "raw":
            message.pop("payload", None)
        else:
            message.pop("raw", None)
    return shown


class GmailV1:
    """The coded Gmail API v1 actions, over the resources they were registered with."""

    def __init__(self, connectors: Connectors) -> None:
        self.clock = connectors.clock
        self.resources = connectors.resources
        catalog = self.resources.catalog
        self.messages_spec = catalog.collection(OWNER, CONNECTOR, "messages")
        self.labels_spec = catalog.collection(OWNER, CONNECTOR, "labels")
        shared = (OWNER, "gmail", "drafts") in catalog.collections
        self.drafts_spec = catalog.collection(OWNER, "gmail" if shared else CONNECTOR, "drafts")

    def messages(self, call: ActionCall) -> Collection:
        return self.resources.collection(call.environment, self.messages_spec, call.account)

    def _label_names(self, call: ActionCall) -> Any:
        def names() -> Mapping[str, str]:
            labels = self.resources.collection(call.environment, self.labels_spec, call.account)
            return {
                str(item["id"]): str(item.get("name", ""))
                for item in labels.items()
                if isinstance(item.get("id"), str)
            }

        return names

    def _message_keep(self, call: ActionCall) -> Any:
        return message_filter(
            call.input.get("q"),
            call.input.get("labelIds"),
            now=self.clock(),
            spam_trash=bool(call.input.get("includeSpamTrash")),
            label_names=self._label_names(call),
        )

    def create_label(self, call: ActionCall) -> Any:
        """``gmail.users.labels.create``: a user label ``Label_<n>`` (n counts up per account
        and is never reused, as Gmail's label ids), named as asked, colour as given."""
        labels = self.resources.collection(call.environment, self.labels_spec, call.account)
        label_id = f"Label_{labels.mint()}"
        while labels.entry(label_id) is not None:
            label_id = f"Label_{labels.mint()}"
        label: dict[str, Any] = {
            "id": label_id,
            "name": str(call.input.get("name", "")),
            "type": "user",
            "labelListVisibility": call.input.get("labelListVisibility", "labelShow"),
            "messageListVisibility": call.input.get("messageListVisibility", "show"),
        }
        properties = (self.labels_spec.item_schema or {}).get("properties", {})
        for key, value in call.input.items():
            if key in properties and key != "id":
                label[key] = value
        labels.insert(label_id, label)
        return {"status_code": 200, "body": label}

    def send(self, call: ActionCall) -> Any:
        """``gmail.users.messages.send``: the ``raw`` message stored as Gmail keeps it (headers
        and body parsed into ``payload``, labelled SENT, dated now, in ``threadId`` or a thread
        of its own); the answer is ``{id, threadId, labelIds}``, as Gmail's."""
        messages = self.messages(call)
        new_id = self.resources.fresh_id(messages)
        info = info_from_raw(str(call.input.get("raw") or ""), account_address(call.account))
        thread_id = str(call.input.get("threadId") or new_id)
        message = build_message(
            message_id=new_id,
            thread_id=thread_id,
            labels=["SENT"],
            info=info,
            moment=self.clock(),
            history_id=int(self.clock().timestamp()),
        )
        message.pop("message_info", None)
        messages.insert(new_id, message)
        return {
            "status_code": 200,
            "body": {"id": new_id, "threadId": thread_id, "labelIds": ["SENT"]},
        }

    def list_messages(self, call: ActionCall) -> Any:
        return self.resources.execute(call, keep=self._message_keep(call))

    # drafts: one Google user behind ``gmail`` and ``gmail-v1`` (inferred), so the drafts
    # live in one collection, the ``gmail`` connector's when the registry has it

    def drafts(self, call: ActionCall) -> Collection:
        return self.resources.collection(call.environment, self.drafts_spec, call.account)

    def _operation(self, call: ActionCall) -> Operation:
        operation = self.resources.catalog.operation(call.action)
        assert operation is not None
        return operation

    def _draft(self, call: ActionCall, drafts: Collection) -> dict[str, Any]:
        return self.resources.lookup(drafts, str(call.input.get("id", "")), call.action)

    def _draft_message(
        self, call: ActionCall, *, message_id: str, labels: list[str]
    ) -> dict[str, Any]:
        given = call.input.get("message")
        given = given if isinstance(given, Mapping) else {}
        info = info_from_raw(str(given.get("raw") or ""), account_address(call.account))
        message = build_message(
            message_id=message_id,
            thread_id=str(given.get("threadId") or message_id),
            labels=labels,
            info=info,
            moment=self.clock(),
            history_id=int(self.clock().timestamp()),
        )
        if given.get("raw"):
            message["raw"] = str(given["raw"])
        return message

    def create_draft(self, call: ActionCall) -> Any:
        """``gmail.users.drafts.create``: the ``raw`` message as a draft (DRAFT)."""
        drafts = self.drafts(call)
        messages = self.messages(call)
        message = self._draft_message(
            call, message_id=self.resources.fresh_id(messages), labels=["DRAFT"]
        )
        draft_id = self.resources.fresh_id(drafts)
        draft = {"id": draft_id, "message": message}
        drafts.insert(draft_id, draft)
        return {"status_code": 200, "body": _shown(draft, "minimal")}

    def get_draft(self, call: ActionCall) -> Any:
        draft = self._draft(call, self.drafts(call))
        return {"status_code": 200, "body": _shown(draft, call.input.get("format"))}

    def update_draft(self, call: ActionCall) -> Any:
        """``gmail.users.drafts.update``: the draft's message replaced by the one given."""
        drafts = self.drafts(call)
        draft = self._draft(call, drafts)
        found = draft.get("message")
        before: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        message_id = str(before.get("id") or self.resources.fresh_id(self.messages(call)))
        draft["message"] = self._draft_message(call, message_id=message_id, labels=["DRAFT"])
        drafts.replace(str(draft["id"]), draft)
        return {"status_code": 200, "body": _shown(draft, "minimal")}

    def delete_draft(self, call: ActionCall) -> Any:
        drafts = self.drafts(call)
        draft = self._draft(call, drafts)
        drafts.remove(str(draft["id"]))
        return {"status_code": 204, "body": None}

    def send_draft(self, call: ActionCall) -> Any:
        """``gmail.users.drafts.send``: the draft's message is sent (SENT), the draft goes."""
        drafts = self.drafts(call)
        draft = self._draft(call, drafts)
        drafts.remove(str(draft["id"]))
        found = draft.get("message")
        before: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        messages = self.messages(call)
        message = dict(before)
        message_id = str(before.get("id") or "")
        if not message_id or messages.entry(message_id) is not None:
            message_id = self.resources.fresh_id(messages)
        labels = [label for label in before.get("labelIds") or () if label != "DRAFT"]
        message.update(
            id=message_id,
            threadId=str(before.get("threadId") or message_id),
            labelIds=["SENT", *labels],
            internalDate=str(int(self.clock().timestamp() * 1000)),
        )
        message.pop("message_info", None)
        message.pop("raw", None)
        messages.insert(message_id, message)
        return {
            "status_code": 200,
            "body": {
                "id": message_id,
                "threadId": message["threadId"],
                "labelIds": message["labelIds"],
            },
        }

    def list_drafts(self, call: ActionCall) -> Any:
        drafts = self.drafts(call)
        operation = self._operation(call)
        keep = draft_filter(call.input.get("q"), self.clock(), label_names=self._label_names(call))
        token = call.input.get("pageToken")
        try:
            chosen, following, total = drafts.page(
                self.resources.page_size(operation, call.input),
                str(token) if token else None,
                keep=keep,
            )
        except ValueError:
            return self.resources.provider_failure(call.action, 400, INVALID_PAGE_TOKEN, "invalid")
        items = [project(drafts.peek(key, entry), operation.list_fields) for key, entry in chosen]
        return self.resources.list_output(call, operation, items, following, total)

    def list_threads(self, call: ActionCall) -> Any:
        messages = self.messages(call)
        keep = self._message_keep(call)
        threads: dict[str, dict[str, Any]] = {}
        matched: set[str] = set()
        for key, entry in messages.entries():  # newest first
            message = messages.peek(key, entry)
            thread_id = str(message.get("threadId") or key)
            if thread_id not in threads:
                threads[thread_id] = {
                    "id": thread_id,
                    "snippet": str(message.get("snippet", "")),
                    "historyId": str(message.get("historyId", "")),
                }
            if thread_id not in matched and keep(key, entry, messages):
                matched.add(thread_id)
        listed = [thread for thread_id, thread in threads.items() if thread_id in matched]
        token = call.input.get("pageToken")
        try:
            start = decode_token(str(token), _THREAD_TOKEN) if token else 0
        except UsageError:
            return self.resources.provider_failure(call.action, 400, INVALID_PAGE_TOKEN, "invalid")
        wanted = call.input.get("maxResults")
        size = int(wanted) if isinstance(wanted, int) and wanted >= 1 else _THREADS_DEFAULT
        size = min(size, _THREADS_MAX)
        chosen = listed[start : start + size]
        body: dict[str, Any] = {"resultSizeEstimate": len(listed)}
        if chosen:
            body["threads"] = chosen
        if start + size < len(listed):
            body["nextPageToken"] = encode_token(start + size, _THREAD_TOKEN)
        return {"status_code": 200, "body": body}


def _label_id(ctx: SeedContext, index: int) -> str:
    if index < len(GMAIL_SYSTEM_LABELS):
        return GMAIL_SYSTEM_LABELS[index][0]
    return f"Label_{index - len(GMAIL_SYSTEM_LABELS) + 1}"


def build_seeded_label(ctx: SeedContext, index: int, label_id: str) -> dict[str, Any]:
    """Gmail's system labels first (their real ids, type ``system``), then user labels
    (``Label_<n>``, names from a word list, colours from Gmail's palette)."""
    if index < len(GMAIL_SYSTEM_LABELS):
        name, list_visibility, message_visibility = GMAIL_SYSTEM_LABELS[index]
        return {
            "id": label_id,
            "name": name,
            "type": "system",
            "labelListVisibility": list_visibility,
            "messageListVisibility": message_visibility,
        }
    number = index - len(GMAIL_SYSTEM_LABELS)
    label = gmail_label(ctx.rng(index, "label"), index=number + 1)
    label["name"] = LABEL_WORDS[number % len(LABEL_WORDS)]
    if number >= len(LABEL_WORDS):
        label["name"] += f" {number // len(LABEL_WORDS) + 1}"
    label["id"] = label_id
    return label


def register(connectors: Connectors) -> None:
    """Register Gmail API v1's behaviours."""
    if not connectors.declares(OWNER, CONNECTOR, "messages", "drafts", "labels"):
        return  # a contracts directory without this connector or its collections
    gmail = GmailV1(connectors)
    connectors.factory(
        OWNER, CONNECTOR, "labels", Factory(item_id=_label_id, build=build_seeded_label)
    )
    for action, behaviour in {
        "gmail.users.labels.create": gmail.create_label,
        "gmail.users.messages.send": gmail.send,
        "gmail.users.messages.list": gmail.list_messages,
        "gmail.users.threads.list": gmail.list_threads,
        "gmail.users.drafts.list": gmail.list_drafts,
        "gmail.users.drafts.create": gmail.create_draft,
        "gmail.users.drafts.get": gmail.get_draft,
        "gmail.users.drafts.update": gmail.update_draft,
        "gmail.users.drafts.delete": gmail.delete_draft,
        "gmail.users.drafts.send": gmail.send_draft,
    }.items():
        connectors.behaviour(OWNER, CONNECTOR, action, behaviour)
