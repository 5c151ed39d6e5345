## mpi tests (owned by the MPI scan module): `mpirun -np 3 safer scan` on one
## machine against the single-process scan.  In TESTS only when configured
## --with-mpi; by hand (bash tests/mpi/NAME.sh) they skip (77) without it.
MPI_TESTS = tests/mpi/scan_ranks.sh tests/mpi/resume_ranks.sh tests/mpi/rank_dies.sh
TESTS_SCRIPTS_DIST += $(MPI_TESTS) tests/mpi/lib.sh
if HAVE_MPI
TESTS += $(MPI_TESTS)
endif

## The MPI benchmark (not a test): 1 and 2 ranks side by side, parallel
## efficiency.  `make bench` runs it too in a --with-mpi build.
bench-mpi: src/safer$(EXEEXT)
	SRCDIR='$(abs_top_srcdir)' SAFER='$(abs_top_builddir)/src/safer' MPIRUN='$(MPIRUN)' \
		$(SHELL) $(srcdir)/tests/bench/bench_mpi.sh
.PHONY: bench-mpi
EXTRA_DIST += tests/bench/bench_mpi.sh
