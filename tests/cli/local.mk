## cli tests (owned by the cli test suite)
