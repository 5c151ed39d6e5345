## Unit tests: cmocka programs linked against the real modules.
if HAVE_CMOCKA
UNIT_LDADD = $(LAYER_LIBS) $(SAFER_LIBS) $(CMOCKA_LIBS)
UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
UNIT_TESTS = tests/unit/test_idx tests/unit/test_stats tests/unit/test_perturb \
	tests/unit/test_cfgcheck tests/unit/test_budget tests/unit/test_engine
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
tests_unit_test_idx_SOURCES = tests/unit/test_idx.c
tests_unit_test_idx_LDADD = $(UNIT_LDADD)
tests_unit_test_idx_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_stats_SOURCES = tests/unit/test_stats.c
tests_unit_test_stats_LDADD = $(UNIT_LDADD)
tests_unit_test_stats_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_perturb_SOURCES = tests/unit/test_perturb.c
tests_unit_test_perturb_LDADD = $(UNIT_LDADD)
tests_unit_test_perturb_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cfgcheck_SOURCES = tests/unit/test_cfgcheck.c
tests_unit_test_cfgcheck_LDADD = $(UNIT_LDADD)
tests_unit_test_cfgcheck_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_budget_SOURCES = tests/unit/test_budget.c
tests_unit_test_budget_LDADD = $(UNIT_LDADD)
tests_unit_test_budget_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_engine_SOURCES = tests/unit/test_engine.c
tests_unit_test_engine_LDADD = $(UNIT_LDADD)
tests_unit_test_engine_CFLAGS = $(UNIT_CFLAGS)
endif

## Test helper programs (not tests themselves).
check_PROGRAMS += tests/tools/mkdataset
tests_tools_mkdataset_SOURCES = tests/tools/mkdataset.c
tests_tools_mkdataset_LDADD = $(LAYER_LIBS) $(SAFER_LIBS)

## The benchmark (make bench): not a test, never run by make check.
EXTRA_PROGRAMS = tests/bench/bench
tests_bench_bench_SOURCES = tests/bench/bench.c
tests_bench_bench_LDADD = $(LAYER_LIBS) $(SAFER_LIBS)
CLEANFILES = tests/bench/bench
bench: tests/bench/bench$(EXEEXT)
	$(builddir)/tests/bench/bench $(BENCH_FLAGS) $(srcdir)/cfg/fmnist-plain.cfg $(srcdir)/weights/fmnist-plain.weights \
		$(srcdir)/cfg/fmnist-resnet.cfg $(srcdir)/weights/fmnist-resnet.weights
	@if test "$(with_mpi)" = yes; then $(MAKE) $(AM_MAKEFLAGS) bench-mpi; fi
.PHONY: bench

## valgrind memcheck of the CLI (skipped in the sanitizer build).
TESTS += tests/memcheck/memcheck.sh
TESTS_SCRIPTS_DIST += tests/memcheck/memcheck.sh
