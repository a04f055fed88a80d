"""What every connector module knows of an account: its address at the provider."""

from __future__ import annotations

__all__ = ["account_address"]


def account_address(account: str) -> str:
    """The mailbox address of an account id (itself when it is an address)."""
    return account if "@" in account else f"{account}@example.com"
