## Unit tests: cmocka programs linked against the real layer libraries.
## Adding one: write tests/unit/test_NAME.c and add its name to UNIT_TESTS.
if HAVE_CMOCKA
UNIT_TESTS = tests/unit/test_idx tests/unit/test_stats tests/unit/test_perturb \
	tests/unit/test_cfgcheck tests/unit/test_budget tests/unit/test_engine \
	tests/unit/test_image tests/unit/test_criteria tests/unit/test_allocate \
	tests/unit/test_tui_state tests/unit/test_topk \
	tests/unit/test_atomic \
	tests/unit/test_dataset \
	tests/unit/test_detector \
	tests/unit/test_detmap \
	tests/unit/test_kernels \
	tests/unit/test_format \
	tests/unit/test_figure
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
# test_kernels reads Darknet's layer struct (backend/internal.h).
tests_unit_test_kernels_CPPFLAGS = $(AM_CPPFLAGS) $(DARKNET_CFLAGS)
endif
# Programs without their own _SOURCES/_LDADD (the unit tests) build from
# NAME.c and link this.
LDADD = $(LAYER_LIBS) $(SAFER_LIBS) $(CMOCKA_LIBS)
AM_CFLAGS += $(CMOCKA_CFLAGS)

## Test helper programs (not tests themselves).
check_PROGRAMS += tests/tools/mkdataset
tests_tools_mkdataset_SOURCES = tests/tools/mkdataset.c
tests_tools_mkdataset_LDADD = $(LAYER_LIBS) $(SAFER_LIBS)
# JPEG variants of Debian's sample photographs (libjpeg), and Darknet's
# decode + crop against safer's, float for float (links libdarknet).
check_PROGRAMS += tests/tools/mkjpeg
tests_tools_mkjpeg_SOURCES = tests/tools/mkjpeg.c
tests_tools_mkjpeg_LDADD = $(SAFER_LIBS)
check_PROGRAMS += tests/tools/dncompare
# The mAP of Darknet's own results files (detectors), by core/detmap.
check_PROGRAMS += tests/tools/mapfiles
tests_tools_mapfiles_SOURCES = tests/tools/mapfiles.c
tests_tools_mapfiles_LDADD = $(LAYER_LIBS) $(SAFER_LIBS)
tests_tools_dncompare_SOURCES = tests/tools/dncompare.c
tests_tools_dncompare_CPPFLAGS = $(AM_CPPFLAGS) $(DARKNET_CFLAGS)
tests_tools_dncompare_LDADD = $(LAYER_LIBS) $(SAFER_LIBS)
# Two networks' outputs on the same images (export --compact).
check_PROGRAMS += tests/tools/outdiff
tests_tools_outdiff_SOURCES = tests/tools/outdiff.c
tests_tools_outdiff_LDADD = $(LAYER_LIBS) $(SAFER_LIBS)
# PNG pixels for the figure tests (plot.sh, report.sh), through stb_image.
check_PROGRAMS += tests/tools/pngpix
tests_tools_pngpix_SOURCES = tests/tools/pngpix.c
tests_tools_pngpix_LDADD = $(SAFER_LIBS)
# Darknet's parse of a cfg: per-layer shapes, MACs and .weights floats.
check_PROGRAMS += tests/tools/dnlayers
tests_tools_dnlayers_SOURCES = tests/tools/dnlayers.c
tests_tools_dnlayers_CPPFLAGS = $(AM_CPPFLAGS) $(DARKNET_CFLAGS)
tests_tools_dnlayers_LDADD = $(LAYER_LIBS) $(SAFER_LIBS)

## The benchmark (make bench): not a test, never run by make check.
EXTRA_PROGRAMS = tests/bench/bench tests/bench/mkweights
tests_bench_bench_SOURCES = tests/bench/bench.c
tests_bench_bench_LDADD = $(LAYER_LIBS) $(SAFER_LIBS)
tests_bench_mkweights_SOURCES = tests/bench/mkweights.c
tests_bench_mkweights_LDADD = $(LAYER_LIBS) $(SAFER_LIBS)
CLEANFILES = tests/bench/bench tests/bench/mkweights
# ImageNet-size and detector rows: Debian's cfgs with seeded random weights
# (speed only), written into BENCH_DIR with the detector's canvases; the
# photographs for the eval row from BENCH_PHOTOS.
DARKNET_CFG_DIR = /usr/share/darknet/cfg
BENCH_DIR = $(abs_top_builddir)/tests/bench/data
BENCH_PHOTOS = /work/.mirror/EliSchwartz+imagenet-sample-images/repo
# BENCH_FLAGS: --quick (fewer images), --only=LIST (comma-separated parts:
# classifiers, imagenet, detector, compact, mpi; default all of them).
bench: tests/bench/bench$(EXEEXT) tests/bench/mkweights$(EXEEXT) tools/safer-canvas$(EXEEXT) src/safer$(EXEEXT) \
    tests/tools/mkdataset$(EXEEXT)
	@quick=; only=; status=0; \
	for f in $(BENCH_FLAGS); do case $$f in \
		--quick) quick=--quick ;; --only=*) only=$${f#--only=} ;; \
		*) echo "make bench: unknown BENCH_FLAGS word $$f (--quick, --only=classifiers,imagenet,detector,compact,mpi)" >&2; exit 2 ;; \
	esac; done; \
	want() { test -z "$$only" || case ",$$only," in *",$$1,"*) true ;; *) false ;; esac; }; \
	if want classifiers; then \
		$(builddir)/tests/bench/bench $$quick $(srcdir)/cfg/fmnist-plain.cfg $(srcdir)/weights/fmnist-plain.weights \
			$(srcdir)/cfg/fmnist-resnet.cfg $(srcdir)/weights/fmnist-resnet.weights || status=1; \
	fi; \
	if want imagenet; then \
		BENCH_DIR='$(BENCH_DIR)' BENCH_PHOTOS='$(BENCH_PHOTOS)' DARKNET_CFG_DIR='$(DARKNET_CFG_DIR)' \
		MKWEIGHTS='$(abs_top_builddir)/tests/bench/mkweights' BENCH='$(abs_top_builddir)/tests/bench/bench' \
		SAFER='$(abs_top_builddir)/src/safer' $(SHELL) $(srcdir)/tests/bench/bench_imagenet.sh $$quick || status=1; \
	fi; \
	if want detector; then \
		BENCH_DIR='$(BENCH_DIR)' DARKNET_CFG_DIR='$(DARKNET_CFG_DIR)' SRCDIR='$(abs_top_srcdir)' \
		MKWEIGHTS='$(abs_top_builddir)/tests/bench/mkweights' BENCH='$(abs_top_builddir)/tests/bench/bench' \
		SAFER_CANVAS='$(abs_top_builddir)/tools/safer-canvas' SAFER='$(abs_top_builddir)/src/safer' \
		$(SHELL) $(srcdir)/tests/bench/bench_detector.sh $$quick || status=1; \
	fi; \
	if want compact; then \
		BENCH_DIR='$(BENCH_DIR)' SRCDIR='$(abs_top_srcdir)' SAFER='$(abs_top_builddir)/src/safer' \
		MKDATASET='$(abs_top_builddir)/tests/tools/mkdataset' FMNIST_DIR='$(FMNIST_DIR)' \
		$(SHELL) $(srcdir)/tests/bench/bench_compact.sh || status=1; \
	fi; \
	if test "$(with_mpi)" = yes && want mpi; then $(MAKE) $(AM_MAKEFLAGS) bench-mpi || status=1; fi; \
	exit $$status
.PHONY: bench

## valgrind memcheck of the CLI (skipped in the sanitizer build).
TESTS += tests/memcheck/memcheck.sh
TESTS_SCRIPTS_DIST += tests/memcheck/memcheck.sh
EXTRA_DIST += tests/bench/bench_imagenet.sh tests/bench/bench_detector.sh tests/bench/bench_compact.sh
