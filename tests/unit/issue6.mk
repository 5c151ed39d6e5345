## Issue #6 (criteria, compare, budget): unit tests and the end-to-end cli test.
if HAVE_CMOCKA
ISSUE6_UNIT_TESTS = tests/unit/test_criteria tests/unit/test_allocate
check_PROGRAMS += $(ISSUE6_UNIT_TESTS)
TESTS += $(ISSUE6_UNIT_TESTS)
tests_unit_test_criteria_SOURCES = tests/unit/test_criteria.c
tests_unit_test_criteria_LDADD = $(LAYER_LIBS) $(SAFER_LIBS) $(CMOCKA_LIBS)
tests_unit_test_criteria_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_allocate_SOURCES = tests/unit/test_allocate.c
tests_unit_test_allocate_LDADD = $(LAYER_LIBS) $(SAFER_LIBS) $(CMOCKA_LIBS)
tests_unit_test_allocate_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
endif
TESTS += tests/cli/criteria.sh
TESTS_SCRIPTS_DIST += tests/cli/criteria.sh
