"""Slack (``interactor/slack``): posted messages, seeded users and channels.

``message.send`` stores the message (``ts`` is its id, unique per account); once channels are
seeded, posting to a channel that is not among them fails as Slack does, relayed by
Interactor as 500 ``{"error": "channel_not_found"}`` (inferred, as in the contract). The
channel may be named by id (``C...``) or name (``general``, ``#general``). ``user.list``
pages the seeded users.
"""

from __future__ import annotations

import string
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any

from interactor_mock.core.generate import seed_for
from interactor_mock.core.resources import CollectionSpec
from interactor_mock.core.resources import Factory
from interactor_mock.core.resources import SeedContext
from interactor_mock.errors import ProviderFailure

if TYPE_CHECKING:
    from interactor_mock.connectors import Connectors
    from interactor_mock.core.calls import ActionCall

__all__ = ["CHANNEL_NOT_FOUND", "register"]

OWNER = "interactor"
CONNECTOR = "slack"
CHANNEL_NOT_FOUND = "channel_not_found"
TEAM = "T0MOCKTEAM"
_ID_ALPHABET = string.ascii_uppercase + string.digits


def _slack_id(prefix: str, ctx: SeedContext, index: int) -> str:
    rng = ctx.rng(index, prefix)
    return prefix + "".join(rng.choice(_ID_ALPHABET) for _ in range(10))


def build_user(ctx: SeedContext, index: int, user_id: str) -> dict[str, Any]:
    pools = ctx.resources.generator.pools
    rng = ctx.rng(index, "user")
    first, last = rng.choice(pools.first_names), rng.choice(pools.last_names)
    handle = f"{first.lower()}.{last.lower()}"
    return {
        "id": user_id,
        "team_id": TEAM,
        "name": handle,
        "real_name": f"{first} {last}",
        "deleted": False,
        "is_admin": index == 0,
        "is_owner": index == 0,
        "is_bot": False,
        "is_app_user": False,
        "tz": "Europe/London",
        "tz_label": "Greenwich Mean Time",
        "tz_offset": 0,
        "updated": 1_700_000_000 + index,
        "profile": {
            "real_name": f"{first} {last}",
            "display_name": handle,
            "first_name": first,
            "last_name": last,
            "email": f"{handle}@example.com",
            "image_48": f"https://avatars.example.com/{user_id}_48.png",
        },
    }


def build_channel(ctx: SeedContext, index: int, channel_id: str) -> dict[str, Any]:
    names = ("general", "random", "engineering", "sales", "support", "announcements")
    return {
        "id": channel_id,
        "name": names[index] if index < len(names) else f"channel-{index}",
        "is_channel": True,
        "is_private": False,
        "is_archived": False,
        "created": 1_600_000_000 + index * 86_400,
        "num_members": 3 + index,
    }


class Slack:
    """The coded Slack actions , over the resources they were registered with."""

    def __init__(self, connectors: Connectors) -> None:
        self.clock = connectors.clock
        self.resources = connectors.resources
        self.messages_spec = self.resources.catalog.collection(OWNER, CONNECTOR, "messages")
        self.channels_spec = CollectionSpec(owner=OWNER, connector=CONNECTOR, name="channels")
        self.resources.catalog.add(self.channels_spec)

    def _channel(self, call: ActionCall) -> str:
        wanted = str(call.input["channel"])
        channels = self.resources.collection(call.environment, self.channels_spec, call.account)
        if not channels.seeded and len(channels) == 0:
            return wanted  # an account with no channels stored takes any channel name
        name = wanted.lstrip("#")
        for item in channels.items():
            if wanted == item.get("id") or name == item.get("name"):
                return str(item["id"])
        raise ProviderFailure(CHANNEL_NOT_FOUND)

    def send(self, call: ActionCall) -> Any:
        """``message.send``: chat.postMessage's answer; the message is kept (id: ``ts``)."""
        channel = self._channel(call)
        messages = self.resources.for_call(call, self.messages_spec)
        now: datetime = self.clock()
        seconds, micros = int(now.timestamp()), (now.microsecond + messages.mint()) % 1_000_000
        ts = f"{seconds}.{micros:06d}"
        while messages.entry(ts) is not None:
            micros = (micros + 1) % 1_000_000
            ts = f"{seconds}.{micros:06d}"
        bot = _account_id("B", call.account)
        output = {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "message": {
                "type": "message",
                "text": call.input["text"],
                "user": _account_id("U", call.account),
                "bot_id": bot,
                "app_id": _account_id("A", call.account),
                "team": TEAM,
                "ts": ts,
            },
        }
        messages.insert(ts, output)
        return output


def _account_id(prefix: str, account: str) -> str:
    number = seed_for("slack", prefix, account)
    return prefix + "".join(_ID_ALPHABET[(number >> (5 * i)) % 36] for i in range(10))


def register(connectors: Connectors) -> None:
    """Register Slack's behaviours and seed factories."""
    if not connectors.declares(OWNER, CONNECTOR, "messages"):
        return  # a contracts directory without this connector or its collections
    slack = Slack(connectors)
    connectors.behaviour(OWNER, CONNECTOR, "message.send", slack.send)
    connectors.factory(
        OWNER,
        CONNECTOR,
        "users",
        Factory(item_id=lambda ctx, i: _slack_id("U", ctx, i), build=build_user),
    )
    connectors.factory(
        OWNER,
        CONNECTOR,
        "channels",
        Factory(item_id=lambda ctx, i: _slack_id("C", ctx, i), build=build_channel),
    )
