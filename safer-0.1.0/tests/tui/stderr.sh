#!/usr/bin/env bash
# Darknet's prints never reach the screen while the explorer runs: with
# --verbose an export makes Darknet print, and that text shows up only after
# the explorer ends (replayed to the real stderr).
. "$(dirname "$0")/lib.sh"

start 100 30 tui --limit 500 --verbose
wait_re 'base [0-9]+\.[0-9]+%' 30
keys b +
wait_re '^ *0 conv .* p\.50 ' 5
keys e C-u "$TMPD/out.weights" Enter
wait_for "exported 1 perturbation to" 30
screen | grep -qF "Loading weights" && fail "Darknet's output on the explorer's screen"
screen | grep -qE "BFLOPs|filters +size" && fail "Darknet's layer table on the explorer's screen"
keys w C-u "$TMPD/b.budget" Enter
wait_for "wrote budget"
keys q
wait_re '^\[exited 0\]' 20
screen | grep -B1 '^\[exited 0\]' | head -n 1 | grep -qF "Loading weights from" ||
	fail "the export's Darknet output was not replayed after the explorer ended"
wait_exit 0
echo "PASS"
