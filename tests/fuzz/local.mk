## fuzz tests (owned by the fuzz test suite)
## Each parser has a libFuzzer harness tests/fuzz/fuzz_NAME.c.  `make check`
## replays the corpora (seeds and crash reproducers) through replay.c with the
## normal compiler; `make fuzz [FUZZ_SECONDS=N] [FUZZ_NAMES='cfg scan']` fuzzes
## with clang.  Corpora: tests/fuzz/corpus/NAME/.
FUZZ_REPLAY = tests/fuzz/replay_data tests/fuzz/replay_idx tests/fuzz/replay_cfg \
	tests/fuzz/replay_weights tests/fuzz/replay_budget tests/fuzz/replay_perturb \
	tests/fuzz/replay_scan tests/fuzz/replay_image
check_PROGRAMS += $(FUZZ_REPLAY)
FUZZ_LDADD = $(LAYER_LIBS) $(SAFER_LIBS)
FUZZ_COMMON = tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_data_SOURCES = $(FUZZ_COMMON) tests/fuzz/fuzz_data.c
tests_fuzz_replay_data_LDADD = $(FUZZ_LDADD)
tests_fuzz_replay_idx_SOURCES = $(FUZZ_COMMON) tests/fuzz/fuzz_idx.c
tests_fuzz_replay_idx_LDADD = $(FUZZ_LDADD)
tests_fuzz_replay_cfg_SOURCES = $(FUZZ_COMMON) tests/fuzz/fuzz_cfg.c
tests_fuzz_replay_cfg_LDADD = $(FUZZ_LDADD)
tests_fuzz_replay_weights_SOURCES = $(FUZZ_COMMON) tests/fuzz/fuzz_weights.c
tests_fuzz_replay_weights_LDADD = $(FUZZ_LDADD)
tests_fuzz_replay_budget_SOURCES = $(FUZZ_COMMON) tests/fuzz/fuzz_budget.c
tests_fuzz_replay_budget_LDADD = $(FUZZ_LDADD)
tests_fuzz_replay_perturb_SOURCES = $(FUZZ_COMMON) tests/fuzz/fuzz_perturb.c
tests_fuzz_replay_perturb_LDADD = $(FUZZ_LDADD)
tests_fuzz_replay_scan_SOURCES = $(FUZZ_COMMON) tests/fuzz/fuzz_scan.c
tests_fuzz_replay_scan_LDADD = $(FUZZ_LDADD)
# stb_image compiled in (not libstb.a) so a sanitizer build checks the decoder
# too; JPEG goes through formats/jpeg.c (in libformats.a) and Debian's libjpeg
tests_fuzz_replay_image_SOURCES = $(FUZZ_COMMON) tests/fuzz/fuzz_image.c tests/fuzz/stb_image_impl.c
tests_fuzz_replay_image_LDADD = $(FUZZ_LDADD) $(JPEG_LIBS)

TESTS += tests/fuzz/replay.sh
TESTS_SCRIPTS_DIST += tests/fuzz/replay.sh tests/fuzz/fuzz.sh \
	tests/fuzz/cfg.dict tests/fuzz/budget.dict tests/fuzz/perturb.dict \
	tests/fuzz/scan.dict tests/fuzz/data.dict
EXTRA_DIST += tests/fuzz/corpus

FUZZ_SECONDS = 30
FUZZ_CC = clang
fuzz:
	SRCDIR='$(abs_top_srcdir)' BUILDDIR='$(abs_top_builddir)' FUZZ_CC='$(FUZZ_CC)' \
	FUZZ_SECONDS='$(FUZZ_SECONDS)' FUZZ_NAMES='$(FUZZ_NAMES)' FUZZ_ARGS='$(FUZZ_ARGS)' \
	FUZZ_CPPFLAGS='$(DARKNET_CFLAGS) $(OPENBLAS_CFLAGS) $(STB_CFLAGS) $(JPEG_CFLAGS) $(JANSSON_CFLAGS) $(ZLIB_CFLAGS)' \
	DARKNET_LIBS='$(DARKNET_LIBS)' OPENBLAS_LIBS='$(OPENBLAS_LIBS)' STB_LIBS='$(STB_LIBS)' JPEG_LIBS='$(JPEG_LIBS)' \
	JANSSON_LIBS='$(JANSSON_LIBS)' ZLIB_LIBS='$(ZLIB_LIBS)' \
	$(SHELL) $(srcdir)/tests/fuzz/fuzz.sh
fuzz-clean:
	rm -rf tests/fuzz/bin tests/fuzz/scratch tests/fuzz/artifacts
.PHONY: fuzz fuzz-clean
EXTRA_DIST += tests/fuzz/upstream
