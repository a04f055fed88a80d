"""Deprecated: moved to :mod:`interactor_mock.core.generate`."""

from interactor_mock._moved import moved

moved(__name__, "interactor_mock.core.generate")
