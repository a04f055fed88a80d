"""Deprecated: moved to :mod:`interactor_mock.http.app`."""

from interactor_mock._moved import moved

moved(__name__, "interactor_mock.http.app")
