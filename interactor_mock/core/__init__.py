"""The mock's domain, independent of HTTP: environments and keys, OAuth, execute, journal,
generation, seeds, scenarios and resources, wired together by :mod:`.engine`."""
