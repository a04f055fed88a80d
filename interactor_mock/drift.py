"""Deprecated: moved to :mod:`interactor_mock.tooling.drift`."""

from interactor_mock._moved import moved

moved(__name__, "interactor_mock.tooling.drift")
