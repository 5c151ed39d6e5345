#!/usr/bin/env bash
# No overwritten text (issue 16): at 80x24 the layer list keeps its drop
# numbers, the accuracy pane its agreement and KL, the detail title is cut
# with an ellipsis, the status line's message ends with an ellipsis and a
# bar before the activity, and the Pareto point line keeps its top-1 and
# drop (also at 120x40); in ASCII the cut mark is "...".
. "$(dirname "$0")/lib.sh"

last() { screen | sed -n "$1p"; }

front_line() {
	keys p
	wait_for "front over targets"
	keys C-u bits Enter
	wait_re '[0-9]+/[0-9]+ bits=[0-9]+ .*[0-9]+\.[0-9]+% (drop |d)-?[0-9]+\.[0-9]+' 60
}

start 80 24 tui --limit 1000
wait_re 'base [0-9]+\.[0-9]+%' 30
wait_for "exact 1000/1000"
screen | grep -qE '^ *0 conv .* [0-9]+\.[0-9] ' || fail "no drop number on layer 0 at 80 columns"
screen | grep -qE 'now [0-9.]+% +agree [0-9.]+%' || fail "no agreement at 80x24"
screen | grep -qE 'drop [0-9.]+ pts \[[0-9., -]+\] KL [0-9.]+' || fail "no KL at 80x24"
keys j j
wait_for "L2 prune 0.50"
wait_for "exact 1000/1000"
screen | grep -qE '^ *2 conv .* [0-9]+\.[0-9] ' || fail "no drop number on layer 2 at 80 columns"
last 18 | grep -qE '^─ Detail · L2 .*…─*$' || fail "the detail title is not cut with an ellipsis: $(last 18)"
keys f C-u 'sparsity=0.6' Enter
wait_for "filled sparsity=0.6"
last 24 | grep -qE '… +│ [a-z]' || fail "the status message is not cut before the activity: $(last 24)"
keys b
front_line
keys q
wait_for "quit anyway"
keys y
wait_exit 0
rm -rf "$XDG_STATE_HOME"	# no budget to offer back

start 120 40 tui --limit 1000
wait_re 'base [0-9]+\.[0-9]+%' 30
front_line
screen | grep -qE 'top-1 [0-9.]+% drop -?[0-9.]+' || fail "the point line at 120 columns lost its top-1 label"
keys q
wait_exit 0

TUI_LANG=C
start 80 24 tui --limit 1000
wait_re 'base [0-9]+\.[0-9]+%' 30
keys j j
wait_for "L2 prune 0.50"
last 18 | grep -qE '^- Detail \. L2 .*\.\.\.-*$' || fail "ASCII: the detail title is not cut with '...': $(last 18)"
keys q
wait_exit 0
echo "PASS"
