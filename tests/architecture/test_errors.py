"""One exception root: every exception class the packages define derives from
InteractorMockError, except control-flow signals, which are listed here."""

from __future__ import annotations

import importlib
import inspect

from interactor_mock.errors import InteractorMockError
from tests.architecture.test_imports import modules

SIGNALS = {"interactor_mock.core.calls.ProviderAnswer"}
SHIMS = {"interactor_mock._moved"}


def defined_exceptions():
    for name, path in sorted(modules().items()):
        if (
            name.endswith("__main__")
            or name in SHIMS
            or "_moved import moved" in path.read_text(encoding="utf-8")
        ):
            continue
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == name
            ):
                yield f"{name}.{value.__qualname__}", value


def test_the_walk_finds_the_errors_and_the_signal():
    found = dict(defined_exceptions())
    assert "interactor_mock.errors.BadRequest" in found
    assert "interactor_mock.core.calls.ProviderAnswer" in found
    assert "pytest_interactor.live.ContractDrift" in found


def test_every_exception_but_the_signals_derives_from_the_root():
    outside = sorted(
        name
        for name, cls in defined_exceptions()
        if not issubclass(cls, InteractorMockError) and name not in SIGNALS
    )
    assert outside == []


def test_signals_stand_outside_the_root():
    for name, cls in defined_exceptions():
        if name in SIGNALS:
            assert not issubclass(cls, InteractorMockError), name
