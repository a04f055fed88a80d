"""Gmail's search as list filters, shared by ``gmail`` and ``gmail-v1``.

The filters are ``keep`` predicates for :meth:`Resources.execute` over the stored messages
(or drafts) of an account. ``q`` is read with :func:`interactor_mock.search.gmail.parse_lenient`:
Gmail's search box never rejects a query, and no source shows the API rejecting one (a
malformed ``q`` read as text is inferred).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from interactor_mock.core.resources import Collection
from interactor_mock.core.resources import Entry
from interactor_mock.core.resources import SeedContext
from interactor_mock.search import gmail as search

__all__ = ["draft_filter", "message_filter", "parse_query", "view"]

Keep = Callable[[str, Entry, Collection], bool]
SeededLabels = Callable[[SeedContext, int], list[str]]


def parse_query(q: Any) -> search.Query:
    """The query of a ``q`` input (absent or empty: everything)."""
    return search.parse_lenient(str(q or ""))


def view(message: Mapping[str, Any], label_names: Mapping[str, str] | None) -> search.MessageView:
    return search.view_from_gmail_message(message, label_names=label_names)


def message_filter(
    q: Any,
    label_ids: Iterable[str] | None,
    *,
    now: datetime,
    spam_trash: bool,
    seeded_labels: SeededLabels | None = None,
    label_names: Callable[[], Mapping[str, str]] | None = None,
) -> Keep:
    """Messages that carry every label of ``label_ids`` (ids, without case) and that ``q``
    matches; TRASH and SPAM hidden unless ``spam_trash``, the query or ``label_ids`` name them.

    ``seeded_labels`` gives a seeded message's labels without building it (a 5,000-message
    mailbox filtered by label stays cheap); ``label_names`` maps user label ids to names, for
    ``label:`` (called once, on first need).
    """
    query = parse_query(q)
    wanted = frozenset(str(label).casefold() for label in label_ids or ())
    lifted = {label.casefold() for label in search.HIDDEN_LABELS} & wanted
    include = spam_trash or bool(lifted)
    hidden = frozenset() if include else frozenset(search.HIDDEN_LABELS - query.lifts)
    contexts: dict[str, Any] = {}

    def names() -> Mapping[str, str] | None:
        if label_names is None:
            return None
        if "names" not in contexts:
            contexts["names"] = label_names()
        found: Mapping[str, str] = contexts["names"]
        return found

    def keep(key: str, entry: Entry, collection: Collection) -> bool:
        if query.node is None and seeded_labels is not None and entry.item is None:
            ctx = contexts.get("ctx")
            if ctx is None:
                ctx = contexts["ctx"] = collection.resources.seed_context(collection)
            found = {label.casefold() for label in seeded_labels(ctx, entry.position)}
            upper = {label.upper() for label in found}
            return wanted <= found and not upper & hidden
        message = collection.peek(key, entry)
        shown = view(message, names())
        if not wanted <= {label.casefold() for label in shown.label_ids}:
            return False
        if shown.label_ids & hidden:
            return False
        return query.matches(shown, now)

    return keep


def draft_filter(
    q: Any,
    now: datetime,
    *,
    label_names: Callable[[], Mapping[str, str]] | None = None,
) -> Keep | None:
    """Drafts whose message ``q`` matches (``None`` without a query: every draft)."""
    query = parse_query(q)
    if query.node is None:
        return None
    cache: dict[str, Mapping[str, str] | None] = {}

    def keep(key: str, entry: Entry, collection: Collection) -> bool:
        if "names" not in cache:
            cache["names"] = label_names() if label_names is not None else None
        message = collection.peek(key, entry).get("message")
        if not isinstance(message, Mapping):
            return False
        return query.matches(view(message, cache["names"]), now)

    return keep
