"""Deprecated: moved to :mod:`interactor_mock.core.environments`."""

from interactor_mock._moved import moved

moved(__name__, "interactor_mock.core.environments")
