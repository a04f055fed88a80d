"""The control API under ``/_mock``: what the fixtures can do, for any HTTP client."""
