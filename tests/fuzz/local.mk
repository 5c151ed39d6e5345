## fuzz tests (owned by the fuzz test suite)
