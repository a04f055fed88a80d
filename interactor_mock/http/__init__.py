"""The HTTP layer: the app factory, the real API surface, the OAuth pages, the control API."""
