"""Gmail (``interactor/gmail``): messages in threads, labels, drafts that become messages.

The declared resources keep drafts and messages; this module adds what a declaration cannot:
coherent messages (headers, MIME body, snippet and Interactor's ``message_info`` agree),
``email.send``/``email.reply``/``email.forward`` adding messages to the right thread,
``email.draft.send`` turning a draft into a sent message, ``email.trash``/``email.star``/
``email.label`` changing labels, Gmail's search (``q``) and label filters on ``email.list``
(and ``q`` on ``email.draft.list``), and a seeded mailbox of realistic messages built on read.

Inferred (no source shows them): send, reply, forward, star, label and draft-send answer the
full message; ``email.label`` adds the labels given (Gmail's ``addLabelIds``); trash answers
``"success"``; forwards join the original's thread, as Gmail shows them to the sender.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import email.utils
import html
from collections.abc import Mapping
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import TYPE_CHECKING
from typing import Any

from interactor_mock.connectors._accounts import account_address
from interactor_mock.connectors._mailsearch import draft_filter
from interactor_mock.connectors._mailsearch import message_filter
from interactor_mock.core.generate import seed_for
from interactor_mock.core.resources import Collection
from interactor_mock.core.resources import Factory
from interactor_mock.core.resources import SeedContext

if TYPE_CHECKING:
    from interactor_mock.connectors import Connectors
    from interactor_mock.core.calls import ActionCall

__all__ = [
    "account_address",
    "address_of",
    "build_message",
    "info_from_raw",
    "register",
    "strip_tags",
]

OWNER = "interactor"
CONNECTOR = "gmail"
# Ids of seeded messages grow with their index from a fixed base, like Gmail's time-based
# ids, and do not depend on the seeding time, so the same seed gives the same ids.
_ID_BASE_MS = 1_700_000_000_000
_ID_STEP_MS = 3_600_000
_MAX_THREAD = 6


# Tags are found with str.find, not a regex: a regex such as ``<[^>]+>`` scans to the end of
# the text from every ``<`` that has no ``>`` after it, quadratic in a body of ``<`` (146 KB
# took 25 s). Each scan below starts where the previous one stopped, and once no ``>``
# follows a ``<``, none can follow a later one either.


def strip_tags(text: str) -> str:
    """``text`` with every ``<...>`` (at least one character inside) replaced by a space,
    as ``re.sub(r"<[^>]+>", " ", text)`` does, in one pass."""
    parts: list[str] = []
    done = 0
    start = text.find("<")
    while start >= 0:
        end = text.find(">", start + 1)
        if end < 0:
            break
        if end == start + 1:  # "<>" holds nothing: not a tag
            start = text.find("<", end)
            continue
        parts.append(text[done:start])
        parts.append(" ")
        done = end + 1
        start = text.find("<", done)
    parts.append(text[done:])
    return "".join(parts)


def address_of(value: str) -> str:
    """The address in ``Name <address>`` (else ``value``), as ``re.search(r"<([^>]+)>")``
    finds it, in one pass."""
    start = value.find("<")
    while start >= 0:
        end = value.find(">", start + 1)
        if end < 0:
            break
        if end > start + 1:
            return value[start + 1 : end].strip()
        start = value.find("<", end)
    return value.strip()


_address = address_of


def _date_header(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def build_message(
    *,
    message_id: str,
    thread_id: str,
    labels: list[str],
    info: Mapping[str, Any],
    moment: datetime,
    history_id: int,
    extra_headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A Gmail message whose headers, MIME body, snippet and ``message_info`` agree.

    ``info`` is Interactor's digest: ``from``, ``to``, ``cc``, ``subject``, ``body``,
    ``bodyType`` (``date`` is set from ``moment``).
    """
    body = str(info.get("body", ""))
    body_type = info.get("bodyType", "plain")
    text = html.unescape(strip_tags(body)) if body_type == "html" else body
    digest = {k: v for k, v in info.items() if v is not None}
    digest.setdefault("bodyType", body_type)
    digest["date"] = _date_header(moment)
    headers = [
        {"name": "From", "value": str(info.get("from", ""))},
        {"name": "To", "value": ", ".join(info.get("to") or [])},
    ]
    if info.get("cc"):
        headers.append({"name": "Cc", "value": ", ".join(info["cc"])})
    headers += [
        {"name": "Subject", "value": str(info.get("subject", ""))},
        {"name": "Date", "value": digest["date"]},
        {"name": "Message-ID", "value": f"<{message_id}@mail.gmail.com>"},
    ]
    headers += [{"name": k, "value": v} for k, v in (extra_headers or {}).items()]
    data = _b64(body)
    return {
        "id": message_id,
        "threadId": thread_id,
        "labelIds": list(dict.fromkeys(labels)),
        "snippet": " ".join(text.split())[:140],
        "historyId": str(history_id),
        "internalDate": str(int(moment.timestamp() * 1000)),
        "sizeEstimate": len(body.encode()) + 600,
        "payload": {
            "partId": "",
            "mimeType": "text/html" if body_type == "html" else "text/plain",
            "filename": "",
            "headers": headers,
            "body": {"size": len(body.encode()), "data": data},
        },
        "message_info": digest,
    }


def info_from_raw(raw: str, sender: str) -> dict[str, Any]:
    """Interactor's digest (``from``, ``to``, ``cc``, ``subject``, ``body``, ``bodyType``) of
    a base64url RFC 2822 message (``raw`` of Gmail API v1); ``sender`` when it has no From."""
    try:
        data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        data = b""
    message = email.message_from_bytes(data, policy=email.policy.default)
    body, body_type = "", "plain"
    for part in message.walk():
        if part.is_multipart() or part.get_filename():
            continue
        kind = part.get_content_type()
        if kind in ("text/plain", "text/html"):
            try:
                text = str(part.get_content())
            except (LookupError, ValueError):
                continue
            if kind == "text/plain" or not body:
                body, body_type = text, "plain" if kind == "text/plain" else "html"
            if kind == "text/plain":
                break

    def addresses(name: str) -> list[str]:
        values = [str(value) for value in message.get_all(name, [])]
        return [address for _, address in email.utils.getaddresses(values) if address]

    return {
        "from": str(message.get("From") or sender),
        "to": addresses("To"),
        "cc": addresses("Cc"),
        "subject": str(message.get("Subject") or ""),
        "body": body,
        "bodyType": body_type,
    }


def _header(message: Mapping[str, Any], name: str) -> str | None:
    for header in (message.get("payload") or {}).get("headers") or ():
        if str(header.get("name", "")).lower() == name.lower():
            return str(header.get("value", ""))
    return None


def _info(message: Mapping[str, Any]) -> dict[str, Any]:
    info = message.get("message_info")
    return dict(info) if isinstance(info, Mapping) else {}


def _sender(call: ActionCall) -> str:
    address = call.input.get("from") or account_address(call.account)
    name = call.input.get("fromName")
    return f"{name} <{address}>" if name else str(address)


def _signed(message: dict[str, Any], call: ActionCall) -> dict[str, Any]:
    """The message with the call's signature appended to its MIME body (``message_info``
    keeps the body as given)."""
    signature = call.input.get("signature")
    if signature:
        separator = "<br><br>" if call.input.get("bodyType") == "html" else "\n\n"
        body = f"{_info(message).get('body', '')}{separator}{signature}"
        message["payload"]["body"] = {"size": len(body.encode()), "data": _b64(body)}
        message["sizeEstimate"] = len(body.encode()) + 600
    return message


# --- the seeded mailbox ------------------------------------------------------------------------


def seeded_id(ctx: SeedContext, index: int) -> str:
    stamp = _ID_BASE_MS + index * _ID_STEP_MS
    return f"{stamp:011x}{seed_for(ctx.seed, 'id', index) & 0xFFFFF:05x}"


def _thread_start(ctx: SeedContext, index: int) -> int:
    start = index
    while start > 0 and index - start < _MAX_THREAD - 1 and seed_for(ctx.seed, "thread", start) % 3:
        start -= 1
    return start


def seeded_labels(ctx: SeedContext, index: int) -> list[str]:
    """The labels of a seeded message, cheap enough to filter 5,000 of them."""
    start = _thread_start(ctx, index)
    if (index - start) % 2 == 1:
        return ["SENT"]
    rng = ctx.rng(index, "labels")
    labels = ["INBOX"]
    age = ctx.count - index
    if rng.random() < (0.6 if age < 50 else 0.08):
        labels.append("UNREAD")
    if rng.random() < 0.2:
        labels.append("IMPORTANT")
    labels.append(rng.choice(("CATEGORY_PERSONAL", "CATEGORY_UPDATES", "CATEGORY_PROMOTIONS")))
    if rng.random() < 0.05:
        labels.append("STARRED")
    return labels


def _moment(ctx: SeedContext, index: int) -> datetime:
    span = timedelta(days=365)
    step = min(timedelta(hours=3), span / max(ctx.count, 1))
    jitter = ctx.rng(index, "time").random() * 0.8
    return ctx.anchor - step * (ctx.count - index - jitter)


def build_seeded(ctx: SeedContext, index: int, message_id: str) -> dict[str, Any]:
    """The ``index``-th message of a seeded mailbox: threads of up to six messages, the
    account answering every other one."""
    pools = ctx.resources.generator.pools
    start = _thread_start(ctx, index)
    head = ctx.rng(start, "thread")
    first, last = head.choice(pools.first_names), head.choice(pools.last_names)
    correspondent = f"{first} {last} <{first.lower()}.{last.lower()}@example.org>"
    me = account_address(ctx.account)
    subject = head.choice(pools.sentences)
    mine = (index - start) % 2 == 1
    rng = ctx.rng(index, "body")
    paragraphs = [rng.choice(pools.paragraphs) for _ in range(rng.randint(1, 3))]
    body = "\n\n".join([f"Hi {first if mine else 'there'},", *paragraphs, "Best,"])
    info = {
        "from": me if mine else correspondent,
        "to": [address_of(correspondent)] if mine else [me],
        "cc": [],
        "subject": subject if index == start else f"Re: {subject}",
        "body": body,
        "bodyType": "plain",
    }
    extra = {}
    if index != start:
        extra["In-Reply-To"] = f"<{seeded_id(ctx, index - 1)}@mail.gmail.com>"
    return build_message(
        message_id=message_id,
        thread_id=seeded_id(ctx, start),
        labels=seeded_labels(ctx, index),
        info=info,
        moment=_moment(ctx, index),
        history_id=100000 + index,
        extra_headers=extra,
    )


def _seeded_draft_id(ctx: SeedContext, index: int) -> str:
    return "r" + str(seed_for(ctx.seed, "draft", index) % 9 * 10**18 + 10**18 + index)


def build_seeded_draft(ctx: SeedContext, index: int, draft_id: str) -> dict[str, Any]:
    pools = ctx.resources.generator.pools
    rng = ctx.rng(index, "draft")
    first, last = rng.choice(pools.first_names), rng.choice(pools.last_names)
    message_id = f"{_ID_BASE_MS + index:011x}{seed_for(ctx.seed, 'dm', index) & 0xFFFFF:05x}"
    info = {
        "from": account_address(ctx.account),
        "to": [f"{first.lower()}.{last.lower()}@example.org"],
        "subject": rng.choice(pools.sentences),
        "body": rng.choice(pools.paragraphs),
        "bodyType": "plain",
    }
    message = build_message(
        message_id=message_id,
        thread_id=message_id,
        labels=["DRAFT"],
        info=info,
        moment=ctx.anchor - timedelta(hours=index + 1),
        history_id=90000 + index,
    )
    return {"id": draft_id, "message": message}


# --- behaviours --------------------------------------------------------------------------------


class Gmail:
    """The coded Gmail actions , over the resources they were registered with."""

    def __init__(self, connectors: Connectors) -> None:
        self.clock = connectors.clock
        self.resources = connectors.resources
        self.messages_spec = self.resources.catalog.collection(OWNER, CONNECTOR, "messages")
        self.drafts_spec = self.resources.catalog.collection(OWNER, CONNECTOR, "drafts")

    def messages(self, call: ActionCall) -> Collection:
        return self.resources.collection(call.environment, self.messages_spec, call.account)

    def drafts(self, call: ActionCall) -> Collection:
        return self.resources.collection(call.environment, self.drafts_spec, call.account)

    def _history(self) -> int:
        return int(self.clock().timestamp())

    def _new_message(
        self,
        call: ActionCall,
        info: Mapping[str, Any],
        *,
        thread_id: str | None,
        labels: list[str],
        extra_headers: Mapping[str, str] | None = None,
        message_id: str | None = None,
    ) -> dict[str, Any]:
        messages = self.messages(call)
        new_id = message_id or self.resources.fresh_id(messages)
        message = build_message(
            message_id=new_id,
            thread_id=thread_id or new_id,
            labels=labels,
            info=info,
            moment=self.clock(),
            history_id=self._history(),
            extra_headers=extra_headers,
        )
        return _signed(message, call)

    def _composed(self, call: ActionCall, **fields: Any) -> dict[str, Any]:
        """Interactor's digest of the message a call composes."""
        info: dict[str, Any] = {
            "from": _sender(call),
            "to": list(call.input.get("to") or []),
            "cc": list(call.input.get("cc") or []),
            "subject": call.input.get("subject", ""),
            "body": call.input.get("body", ""),
            "bodyType": call.input.get("bodyType", "plain"),
        }
        info.update(fields)
        return info

    def _reply_fields(
        self, call: ActionCall, original: Mapping[str, Any], *, everyone: bool
    ) -> dict[str, Any]:
        before = _info(original)
        me = address_of(str(call.input.get("from") or account_address(call.account)))
        sender = address_of(str(before.get("from") or _header(original, "From") or ""))
        recipients = [sender] if sender and sender != me else list(before.get("to") or [])
        if everyone:
            others = [*before.get("to", []), *before.get("cc", [])]
            recipients += [a for a in map(_address, others) if a != me and a not in recipients]
        subject = str(before.get("subject", ""))
        if not subject.lower().startswith("re:"):
            subject = f"Re: {subject}"
        return {"to": recipients, "subject": subject}

    def _forward_fields(self, call: ActionCall, original: Mapping[str, Any]) -> dict[str, Any]:
        before = _info(original)
        subject = str(before.get("subject", ""))
        if not subject.lower().startswith("fwd:"):
            subject = f"Fwd: {subject}"
        quoted = (
            "---------- Forwarded message ---------\n"
            f"From: {before.get('from', '')}\nDate: {before.get('date', '')}\n"
            f"Subject: {before.get('subject', '')}\n\n{before.get('body', '')}"
        )
        body = str(call.input.get("body") or "")
        return {"subject": subject, "body": f"{body}\n\n{quoted}" if body else quoted}

    def _original(self, call: ActionCall) -> dict[str, Any]:
        return self.resources.lookup(
            self.messages(call), str(call.input["message_id"]), call.action
        )

    @staticmethod
    def _threading(original: Mapping[str, Any]) -> dict[str, str]:
        reference = _header(original, "Message-ID") or f"<{original['id']}@mail.gmail.com>"
        return {"In-Reply-To": reference, "References": reference}

    # sending

    def send(self, call: ActionCall) -> Any:
        """``email.send``: a new message in a new thread, labelled SENT."""
        labels = ["SENT", *call.input.get("labelIds", [])]
        message = self._new_message(call, self._composed(call), thread_id=None, labels=labels)
        self.messages(call).insert(message["id"], message)
        return message

    def _send_in_thread(
        self, call: ActionCall, original: dict[str, Any], fields: Mapping[str, Any]
    ) -> Any:
        info = self._composed(call, **fields)
        labels = ["SENT", *call.input.get("labelIds", [])]
        message = self._new_message(
            call,
            info,
            thread_id=str(original.get("threadId") or original["id"]),
            labels=labels,
            extra_headers=self._threading(original),
        )
        self.messages(call).insert(message["id"], message)
        return message

    def reply(self, call: ActionCall) -> Any:
        original = self._original(call)
        return self._send_in_thread(
            call, original, self._reply_fields(call, original, everyone=False)
        )

    def reply_all(self, call: ActionCall) -> Any:
        original = self._original(call)
        return self._send_in_thread(
            call, original, self._reply_fields(call, original, everyone=True)
        )

    def forward(self, call: ActionCall) -> Any:
        original = self._original(call)
        return self._send_in_thread(call, original, self._forward_fields(call, original))

    # labels

    def _relabel(
        self, call: ActionCall, add: list[str], remove: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        messages = self.messages(call)
        message = self._original(call)
        labels = [label for label in message.get("labelIds", []) if label not in remove]
        message["labelIds"] = list(dict.fromkeys([*labels, *add]))
        message["historyId"] = str(self._history())
        messages.replace(message["id"], message)
        return message

    def trash(self, call: ActionCall) -> Any:
        self._relabel(call, ["TRASH"], remove=("INBOX", "UNREAD"))
        return "success"

    def star(self, call: ActionCall) -> Any:
        return self._relabel(call, ["STARRED"])

    def label(self, call: ActionCall) -> Any:
        return self._relabel(call, list(call.input.get("labelIds", [])))

    # drafts

    def _new_draft(self, call: ActionCall, message: dict[str, Any]) -> dict[str, Any]:
        drafts = self.drafts(call)
        reserved = drafts.reserve()  # one store write for the id's salt and the place
        draft: dict[str, Any] = {
            "id": self.resources.fresh_id(drafts, minted=reserved.minted),
            "message": message,
        }
        drafts.insert_reserved(draft["id"], draft, reserved)
        return draft

    def draft_create(self, call: ActionCall) -> Any:
        message = self._new_message(call, self._composed(call), thread_id=None, labels=["DRAFT"])
        return self._new_draft(call, message)

    def _draft_in_thread(self, call: ActionCall, fields: Mapping[str, Any]) -> Any:
        original = self._original(call)
        info = self._composed(call, **fields)
        message = self._new_message(
            call,
            info,
            thread_id=str(original.get("threadId") or original["id"]),
            labels=["DRAFT"],
            extra_headers=self._threading(original),
        )
        return self._new_draft(call, message)

    def draft_reply(self, call: ActionCall) -> Any:
        return self._draft_in_thread(
            call, self._reply_fields(call, self._original(call), everyone=False)
        )

    def draft_reply_all(self, call: ActionCall) -> Any:
        return self._draft_in_thread(
            call, self._reply_fields(call, self._original(call), everyone=True)
        )

    def draft_forward(self, call: ActionCall) -> Any:
        return self._draft_in_thread(call, self._forward_fields(call, self._original(call)))

    def draft_update(self, call: ActionCall) -> Any:
        """``email.draft.update``: the fields given change; headers and body follow."""
        drafts = self.drafts(call)
        operation = self.resources.catalog.operation(call.action)
        assert operation is not None
        draft_id = str(call.input["draft_id"])
        draft = self.resources.lookup(drafts, draft_id, call.action)
        changed = self.resources.overlay(operation, draft, call.input, copy=False)
        before = changed.get("message") or {}
        info = _info(before)
        if "from" in call.input or "fromName" in call.input:
            info["from"] = _sender(call)
        changed["message"] = build_message(
            message_id=str(before.get("id") or draft_id),
            thread_id=str(before.get("threadId") or before.get("id") or draft_id),
            labels=list(before.get("labelIds") or ["DRAFT"]),
            info=info,
            moment=self.clock(),
            history_id=self._history(),
        )
        drafts.replace(draft_id, changed)
        return changed

    def draft_send(self, call: ActionCall) -> Any:
        """``email.draft.send``: the draft's message is sent (SENT, not DRAFT); the draft goes."""
        drafts = self.drafts(call)
        draft_id = str(call.input["draft_id"])
        draft = self.resources.lookup(drafts, draft_id, call.action)
        drafts.remove(draft_id)
        before = draft.get("message") or {}
        labels = [label for label in before.get("labelIds", []) if label != "DRAFT"]
        messages = self.messages(call)
        message_id = str(before.get("id") or "")
        if not message_id or messages.entry(message_id) is not None:
            message_id = self.resources.fresh_id(messages)
        message = build_message(
            message_id=message_id,
            thread_id=str(before.get("threadId") or message_id),
            labels=["SENT", *labels],
            info=_info(before),
            moment=self.clock(),
            history_id=self._history(),
        )
        messages.insert(message_id, message)
        return message

    # listing

    def _keep(self, call: ActionCall, *, spam_trash: bool) -> Any:
        """Which messages a list shows: every ``labelIds`` label (without case), the messages
        ``q`` matches (Gmail's search operators, :mod:`interactor_mock.search.gmail`, against
        the mock's clock; a malformed ``q`` is read leniently, as Gmail does: inferred),
        TRASH and SPAM only when asked for (``includeSpamTrash``, the query, or ``labelIds``)."""
        return message_filter(
            call.input.get("q"),
            call.input.get("labelIds"),
            now=self.clock(),
            spam_trash=spam_trash,
            seeded_labels=seeded_labels,
        )

    def list_messages(self, call: ActionCall) -> Any:
        spam_trash = bool(call.input.get("includeSpamTrash"))
        return self.resources.execute(call, keep=self._keep(call, spam_trash=spam_trash))

    def get_batch(self, call: ActionCall) -> Any:
        return self.resources.execute(call, keep=self._keep(call, spam_trash=False))

    def list_drafts(self, call: ActionCall) -> Any:
        """``email.draft.list``: the drafts whose message ``q`` matches."""
        return self.resources.execute(call, keep=draft_filter(call.input.get("q"), self.clock()))


def register(connectors: Connectors) -> None:
    """Register Gmail's behaviours and seed factories."""
    if not connectors.declares(OWNER, CONNECTOR, "messages", "drafts"):
        return  # a contracts directory without this connector or its collections
    gmail = Gmail(connectors)
    for action, behaviour in {
        "email.send": gmail.send,
        "email.reply": gmail.reply,
        "email.reply.all": gmail.reply_all,
        "email.forward": gmail.forward,
        "email.trash": gmail.trash,
        "email.star": gmail.star,
        "email.label": gmail.label,
        "email.draft.create": gmail.draft_create,
        "email.draft.create.reply": gmail.draft_reply,
        "email.draft.create.reply.all": gmail.draft_reply_all,
        "email.draft.create.forward": gmail.draft_forward,
        "email.draft.update": gmail.draft_update,
        "email.draft.send": gmail.draft_send,
        "email.list": gmail.list_messages,
        "email.get.batch": gmail.get_batch,
        "email.draft.list": gmail.list_drafts,
    }.items():
        connectors.behaviour(OWNER, CONNECTOR, action, behaviour)
    connectors.factory(OWNER, CONNECTOR, "messages", Factory(item_id=seeded_id, build=build_seeded))
    connectors.factory(
        OWNER, CONNECTOR, "drafts", Factory(item_id=_seeded_draft_id, build=build_seeded_draft)
    )
