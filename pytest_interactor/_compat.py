"""Where the plugin finds interactor_mock's names while its layout moves (issue 9).

TEMPORARY: the integrator deletes this file once the new layout is on main, replacing each
``from pytest_interactor._compat import X  # layout: <module>`` with
``from <module> import X``. Every old-versus-new module path the plugin knows is in
:data:`_WHERE` below, and nowhere else.

Each name is looked up in its new module first, then in the old one; the old modules become
shims that warn (and pytest runs with ``filterwarnings=error``), so the new path must win
wherever it exists. Nothing is imported until a name is asked for: importing this module costs
nothing, and it is only imported from inside functions or from modules that are themselves
loaded lazily (see :mod:`pytest_interactor.plugin`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the old layout, which this branch type-checks against
    from interactor_mock.drift import json_type as json_type
    from interactor_mock.handle import ApiAddress as ApiAddress
    from interactor_mock.handle import CallAssertions as CallAssertions
    from interactor_mock.handle import format_server_errors as format_server_errors
    from interactor_mock.handle import split_connector as split_connector
    from interactor_mock.inprocess import normalize_base_url as normalize_base_url
    from interactor_mock.journal import JournalEntry as JournalEntry
    from interactor_mock.journal import redact as redact
    from interactor_mock.recorder import Exchange as Exchange
    from interactor_mock.recorder import ProxyClient as ProxyClient
    from interactor_mock.recorder import RecordingProxy as RecordingProxy
    from interactor_mock.scrub import Scrubber as Scrubber
    from interactor_mock.web.common import EXTENSION as EXTENSION

    UsageError = ValueError

#: name -> the modules that may hold it, new layout first (see /work/notes/layout.md).
_WHERE: dict[str, tuple[str, ...]] = {
    "EXTENSION": ("interactor_mock.http.context", "interactor_mock.web.common"),  # layout:
    "ApiAddress": ("interactor_mock.embed.handle", "interactor_mock.handle"),  # layout:
    "CallAssertions": (
        "interactor_mock.embed.assertions",  # layout:
        "interactor_mock.embed.handle",  # layout: (until assertions.py is split out)
        "interactor_mock.handle",
    ),
    "format_server_errors": ("interactor_mock.embed.handle", "interactor_mock.handle"),  # layout:
    "split_connector": ("interactor_mock.embed.assertions", "interactor_mock.handle"),  # layout:
    "normalize_base_url": (
        "interactor_mock.embed.inprocess",  # layout:
        "interactor_mock.inprocess",
    ),
    "JournalEntry": ("interactor_mock.core.journal", "interactor_mock.journal"),  # layout:
    "redact": ("interactor_mock.core.journal", "interactor_mock.journal"),  # layout:
    "Exchange": ("interactor_mock.tooling.record", "interactor_mock.recorder"),  # layout:
    "ProxyClient": ("interactor_mock.tooling.record", "interactor_mock.recorder"),  # layout:
    "RecordingProxy": ("interactor_mock.tooling.record", "interactor_mock.recorder"),  # layout:
    "Scrubber": ("interactor_mock.tooling.scrub", "interactor_mock.scrub"),  # layout:
    "json_type": ("interactor_mock.tooling.drift", "interactor_mock.drift"),  # layout:
    # New in the new layout (bad arguments to a Python API); a ValueError, as on the old one.
    "UsageError": ("interactor_mock.errors",),  # layout:
}
#: What a name is on the old layout when no module has it.
_OLD_LAYOUT: dict[str, object] = {"UsageError": ValueError}


def _missing(error: ModuleNotFoundError, module: str) -> bool:
    """Whether ``error`` says ``module`` (or a package on its path) does not exist, as opposed
    to a module that exists failing to import something else."""
    return error.name is not None and (module == error.name or module.startswith(error.name + "."))


def __getattr__(name: str) -> object:
    candidates = _WHERE.get(name)
    if candidates is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    for module_name in candidates:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if not _missing(exc, module_name):
                raise
            continue
        if hasattr(module, name):
            value: object = getattr(module, name)
            globals()[name] = value
            return value
    if name in _OLD_LAYOUT:
        globals()[name] = _OLD_LAYOUT[name]
        return _OLD_LAYOUT[name]
    raise ImportError(f"{name} is in none of {', '.join(candidates)}")
