## tui tests (owned by the tui test suite)
