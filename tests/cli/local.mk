## cli tests (owned by the cli test suite): the real binary on real files.
## Each script also runs by hand (bash tests/cli/NAME.sh; KEEP=1 keeps its
## scratch directory) and skips (77) without what it needs (Darknet's binary,
## the Fashion-MNIST test set).
CLI_TESTS = tests/cli/eval_darknet.sh tests/cli/decode_formats.sh \
	tests/cli/export_roundtrip.sh tests/cli/scan_outputs.sh tests/cli/scan_resume.sh \
	tests/cli/kill_during_write.sh tests/cli/bad_input.sh tests/cli/info_cfgs.sh \
	tests/cli/help_man.sh tests/cli/info_budget.sh tests/cli/files_guard.sh \
	tests/cli/rank_nonfinite.sh \
	tests/cli/write_errors.sh \
	tests/cli/result_files.sh \
	tests/cli/topk_darknet.sh \
	tests/cli/cache_many_refs.sh \
	tests/cli/memory.sh \
	tests/cli/data_bound.sh \
	tests/cli/cfg_darknet_reading.sh \
	tests/cli/crop_darknet.sh \
	tests/cli/resize_darknet.sh \
	tests/cli/jpeg_darknet.sh \
	tests/cli/detect_darknet.sh \
	tests/cli/detect_commands.sh \
	tests/cli/detector_cfgs.sh \
	tests/cli/canvas.sh \
	tests/cli/export_compact.sh \
	tests/cli/cli_habits.sh \
	tests/cli/info_time.sh \
	tests/cli/plot.sh \
	tests/cli/report.sh \
	tests/cli/rank_noise.sh
TESTS += $(CLI_TESTS)
TESTS_SCRIPTS_DIST += $(CLI_TESTS) tests/cli/lib.sh tests/cli/detector_lib.sh

## Fixtures of bad_input.sh / info_cfgs.sh.
CLI_FIXTURES = tests/data/det-small.cfg \
	tests/data/garbage.cfg tests/data/unknown-section.cfg tests/data/yolo.cfg \
	tests/data/lstm.cfg tests/data/no-net.cfg tests/data/zero-filters.cfg \
	tests/data/negative-filters.cfg tests/data/zero-size.cfg tests/data/negative-size.cfg \
	tests/data/huge-filters.cfg tests/data/not-classifier.cfg tests/data/no-valid.data \
	tests/data/corrupt_Bag.png tests/data/budget-unknown-layer.budget \
	tests/data/budget-maxpool.budget tests/data/budget-out-of-range.budget \
	tests/data/budget-duplicate.budget tests/data/budget-unknown-key.budget
EXTRA_DIST += $(CLI_FIXTURES)

## eval_darknet.sh also needs tools/safer-train, which `make` builds (noinst_PROGRAMS).
TESTS += tests/cli/criteria.sh
TESTS_SCRIPTS_DIST += tests/cli/criteria.sh
