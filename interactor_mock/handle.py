"""Deprecated: moved to :mod:`interactor_mock.embed.handle`."""

from interactor_mock._moved import moved

moved(__name__, "interactor_mock.embed.handle")
