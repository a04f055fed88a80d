"""Contract tooling: drift against the real API, verify, record (with scrubbing), update."""
