"""The console: the Interactor console's pages, served offline at ``/`` of every mock server.

Environments and their keys, the app integrations (connectors), a connector's actions and
OAuth settings, the tester and the journal. Server-rendered (Jinja, autoescaped), with a
little plain JavaScript from the package's static files.
"""

from __future__ import annotations

from interactor_mock.http.console import environments as _environments
from interactor_mock.http.console import integrations as _integrations
from interactor_mock.http.console import journal as _journal
from interactor_mock.http.console import tester as _tester
from interactor_mock.http.console.blueprint import bp

__all__ = ["bp"]

del _environments, _integrations, _journal, _tester
