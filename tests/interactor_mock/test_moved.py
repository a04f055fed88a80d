"""The flat layout's import paths keep working for one release, with a DeprecationWarning."""

from __future__ import annotations

import importlib
import sys

import pytest

OLD_TO_NEW = {
    "interactor_mock.app": "interactor_mock.http.app",
    "interactor_mock.engine": "interactor_mock.core.engine",
    "interactor_mock.keys": "interactor_mock.core.environments",
    "interactor_mock.oauth": "interactor_mock.core.oauth",
    "interactor_mock.journal": "interactor_mock.core.journal",
    "interactor_mock.generate": "interactor_mock.core.generate",
    "interactor_mock.actions": "interactor_mock.core.execute",
    "interactor_mock.seed": "interactor_mock.core.seed",
    "interactor_mock.scenarios": "interactor_mock.core.scenarios",
    "interactor_mock.resources": "interactor_mock.core.resources",
    "interactor_mock.server": "interactor_mock.embed.server",
    "interactor_mock.inprocess": "interactor_mock.embed.inprocess",
    "interactor_mock.handle": "interactor_mock.embed.handle",
    "interactor_mock.drift": "interactor_mock.tooling.drift",
    "interactor_mock.verify": "interactor_mock.tooling.verify",
    "interactor_mock.recorder": "interactor_mock.tooling.record",
    "interactor_mock.scrub": "interactor_mock.tooling.scrub",
    "interactor_mock.contract_update": "interactor_mock.tooling.update",
}


@pytest.mark.parametrize(("old", "new"), sorted(OLD_TO_NEW.items()))
def test_an_old_path_warns_and_gives_the_new_module(old, new, monkeypatch):
    monkeypatch.delitem(sys.modules, old, raising=False)
    with pytest.warns(DeprecationWarning, match=f"{old} moved to {new}"):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)


def test_names_imported_from_an_old_path_are_the_new_objects(monkeypatch):
    monkeypatch.delitem(sys.modules, "interactor_mock.server", raising=False)
    with pytest.warns(DeprecationWarning, match="embed.server"):
        from interactor_mock.server import MockServer
    from interactor_mock.embed.server import MockServer as new

    assert MockServer is new


def test_importing_the_package_imports_nothing_heavy_until_a_name_is_used():
    import subprocess

    code = (
        "import sys, interactor_mock; "
        "heavy = [m for m in ('flask', 'werkzeug', 'jsonschema', 'faker', 'interactor_mock.core')"
        " if m in sys.modules]; "
        "print(heavy); interactor_mock.MockServer; print('flask' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True"]


def test_every_public_name_resolves_and_unknown_ones_raise():
    import interactor_mock

    for name in interactor_mock.__all__:
        assert getattr(interactor_mock, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = interactor_mock.nope
