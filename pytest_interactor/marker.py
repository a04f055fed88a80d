"""``@pytest.mark.interactor(mode=, accounts=, seed=, base_url=)``: one test's settings.

The marker configures the ``interactor`` fixture of the test it marks (the closest marker wins
per keyword: function over class over module); what it leaves out comes from the run's
options and ini (:mod:`pytest_interactor.options`). ``interactor_factory(...)`` takes the
same keywords and is checked by the same code (:func:`settings_from`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from pytest_interactor import options

__all__ = [
    "MARKER",
    "MARKER_HELP",
    "MARKER_KEYWORDS",
    "InteractorSettings",
    "resolve_settings",
    "settings_from",
    "unknown_connector",
]

MARKER = "interactor"
MARKER_KEYWORDS = ("mode", "accounts", "seed", "base_url")
MARKER_HELP = (
    "interactor(mode=None, accounts=None, seed=None, base_url=None): configure the "
    "'interactor' fixture of this test. mode: 'server' (thread server, any client) or "
    "'inprocess' (requests through responses, no socket); accounts: grants made before the "
    "test, e.g. {'gmail': ['alice']}; seed: the environment's seed for generated data; "
    "base_url: the API root intercepted in inprocess mode."
)
_WHERE = f"@pytest.mark.{MARKER}"


@dataclass(frozen=True)
class InteractorSettings:
    """How the ``interactor`` fixture is set up for one test (marker > option > ini)."""

    mode: str
    base_url: str
    accounts: Mapping[str, tuple[str, ...]]
    seed: int | None


def _marker_values(node: pytest.Item) -> dict[str, Any]:
    """The marker's keywords, the closest marker winning per keyword (function > class)."""
    values: dict[str, Any] = {}
    for marker in node.iter_markers(MARKER):
        if marker.args:
            pytest.fail(
                f"{_WHERE} takes keyword arguments only "
                f"({', '.join(MARKER_KEYWORDS)}), got positional {marker.args!r}",
                pytrace=False,
            )
        unknown = sorted(set(marker.kwargs) - set(MARKER_KEYWORDS))
        if unknown:
            pytest.fail(
                f"{_WHERE}: unknown argument(s) {', '.join(unknown)}; "
                f"known: {', '.join(MARKER_KEYWORDS)}",
                pytrace=False,
            )
        for key, value in marker.kwargs.items():
            values.setdefault(key, value)
    return values


def _bad(message: str) -> ValueError:
    """The error for a keyword's bad value: the mock's ``UsageError`` (a ``ValueError``)."""
    from interactor_mock.errors import UsageError

    return UsageError(message)


def _accounts(value: Any, where: str) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _bad(
            f"{where}(accounts=...) must map connectors to account lists, "
            f"e.g. {{'gmail': ['alice']}}, not {value!r}"
        )
    accounts: dict[str, tuple[str, ...]] = {}
    for connector, names in value.items():
        listed = (names,) if isinstance(names, str) else names
        if (
            not isinstance(connector, str)
            or not isinstance(listed, Iterable)
            or not all(isinstance(n, str) and n for n in listed)
        ):
            raise _bad(
                f"{where}(accounts=...): {connector!r} must map to a list of "
                f"non-empty account names, not {names!r}"
            )
        accounts[connector] = tuple(listed)
    return accounts


def settings_from(
    values: Mapping[str, Any], run: options.RunSettings, *, where: str = _WHERE
) -> InteractorSettings:
    """Settings from the marker's (or the factory's) keywords, the run's for the rest.

    Raises:
        interactor_mock.errors.UsageError: (a ``ValueError``) a bad value, named with
            ``where`` (e.g. ``@pytest.mark.interactor``).
    """
    mode = values.get("mode") or run.mode
    if mode not in options.MODES:
        raise _bad(f"{where}(mode=...) must be one of {', '.join(options.MODES)}, not {mode!r}")
    base_url = run.base_url
    if values.get("base_url") is not None:
        if mode != "inprocess":
            raise _bad(
                f"{where}(base_url=...) applies to inprocess mode only (this test "
                f"runs in {mode} mode): add mode='inprocess'"
            )
        from interactor_mock.embed.inprocess import normalize_base_url

        try:
            base_url = normalize_base_url(str(values["base_url"]))
        except ValueError as exc:
            raise _bad(f"{where}(base_url=...): {exc}") from None
    seed = values.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise _bad(f"{where}(seed=...) must be an integer, not {seed!r}")
    return InteractorSettings(
        mode=str(mode),
        base_url=base_url,
        accounts=_accounts(values.get("accounts"), where),
        seed=run.seed if seed is None else seed,
    )


def resolve_settings(node: pytest.Item, config: pytest.Config) -> InteractorSettings:
    """The ``interactor`` fixture's settings for ``node``: marker, else option, else ini."""
    try:
        return settings_from(_marker_values(node), options.run_settings(config))
    except ValueError as exc:
        pytest.fail(str(exc), pytrace=False)


def unknown_connector(connector: str, known: Iterable[str]) -> str:
    """``unknown connector 'gmial' (did you mean 'gmail'?); known connectors: ...``.

    ``known`` holds ``owner/name`` keys. The closest (:mod:`difflib`) is looked for among the
    bare names, so that ``gmial`` and ``interactor/gmial`` both find ``gmail``; it is
    suggested in the form the caller used.
    """
    keys = sorted(known)
    by_name = {key.rpartition("/")[2]: key for key in keys}
    # Names, not keys: the owner every key shares would make anything look close.
    named = difflib.get_close_matches(connector.rpartition("/")[2], list(by_name), n=1)
    close = [by_name[named[0]]] if named else []
    message = f"unknown connector {connector!r}"
    if close:
        suggestion = close[0] if "/" in connector else close[0].rpartition("/")[2]
        message += f" (did you mean {suggestion!r}?)"
    return f"{message}; known connectors: {', '.join(keys)}"
