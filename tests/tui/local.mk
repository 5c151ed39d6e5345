## tui tests (owned by the tui test suite): the real binary driven in tmux.
## Each script skips (77) without tmux or the Fashion-MNIST test set
## (detector.sh also without Darknet's darknet binary, which trains its model).
TUI_TESTS = tests/tui/start.sh tests/tui/measure.sh tests/tui/scan.sh \
	tests/tui/budget.sh tests/tui/resize.sh tests/tui/ascii.sh tests/tui/signals.sh \
	tests/tui/stderr.sh tests/tui/latency.sh tests/tui/criteria.sh tests/tui/pareto.sh \
	tests/tui/nan_weights.sh tests/tui/session_fifo.sh \
	tests/tui/detector.sh
# issue 16, one a line
TUI_TESTS += tests/tui/exact.sh
TUI_TESTS += tests/tui/trials.sh
TUI_TESTS += tests/tui/units.sh
TUI_TESTS += tests/tui/ellipsis.sh
TUI_TESTS += tests/tui/confirm.sh
TUI_TESTS += tests/tui/crit_few.sh
TUI_TESTS += tests/tui/heatmap_save.sh
TUI_TESTS += tests/tui/targets.sh
TUI_TESTS += tests/tui/explain.sh
TUI_TESTS += tests/tui/axes.sh
TESTS += $(TUI_TESTS)
TESTS_SCRIPTS_DIST += $(TUI_TESTS) tests/tui/lib.sh
TUI_TESTS += tests/tui/undo.sh
TUI_TESTS += tests/tui/marks.sh
TUI_TESTS += tests/tui/tour.sh
TUI_TESTS += tests/tui/classes.sh
TUI_TESTS += tests/tui/wide.sh
