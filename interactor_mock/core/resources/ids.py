"""Ids in each provider's style, and the opaque page tokens of list calls."""

from __future__ import annotations

import base64
import binascii
import random
import string
from datetime import datetime

from interactor_mock.errors import UsageError

_B32HEX = "0123456789abcdefghijklmnopqrstuv"


_DRIVE_ALPHABET = string.ascii_letters + string.digits + "-_"


def make_id(style: str, rng: random.Random, now: datetime) -> str:
    """A fresh id in the provider's style (``hex``, ``draft``, ``base32hex``, ``drive``,
    ``ts``, ``uuid``)."""
    if style == "draft":
        return "r" + str(rng.randrange(10**18, 10**19))
    if style == "base32hex":
        return "".join(rng.choice(_B32HEX) for _ in range(26))
    if style == "drive":
        return "1" + "".join(rng.choice(_DRIVE_ALPHABET) for _ in range(32))
    if style == "ts":
        return f"{int(now.timestamp())}.{rng.randrange(0, 999999):06d}"
    if style == "uuid":
        digits = f"{rng.getrandbits(128):032x}"
        return "-".join((digits[:8], digits[8:12], digits[12:16], digits[16:20], digits[20:]))
    millis = int(now.timestamp() * 1000)
    return f"{(millis << 20) | rng.getrandbits(20):x}"[-16:].rjust(16, "1")


_TOKEN_PREFIX = "p1:"


_OFFSET_PREFIX = "o1:"


def encode_token(number: int, prefix: str = "p1:") -> str:
    return base64.urlsafe_b64encode(f"{prefix}{number}".encode()).decode().rstrip("=")


def decode_token(token: str, prefix: str = "p1:") -> int:
    """Raises ValueError for a token the mock did not issue."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith(prefix) or not text[len(prefix) :].isdigit():
        raise UsageError(f"not a page token: {token!r}")
    return int(text[len(prefix) :])
