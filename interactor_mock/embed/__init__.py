"""Ways to run the mock inside a test: the thread server, in-process routing, the handle."""
