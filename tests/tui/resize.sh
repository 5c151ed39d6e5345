#!/usr/bin/env bash
# Resizes: the layout follows down to 80x24, below that a clear message, and
# it recovers when the window grows again.
. "$(dirname "$0")/lib.sh"

panes_shown() {
	for t in "Layers" "Perturbation" "Accuracy" "Curve" "Detail" "base "; do
		screen | grep -qF -- "$t" || fail "'$t' not on screen at $1"
	done
}

start 100 30 tui --limit 2000
wait_re 'base [0-9]+\.[0-9]+%' 30
panes_shown 100x30

tm resize-window -x 80 -y 24
# laid out again for 24 lines: the detail pane moves up to line 18
wait_line 18 "─ Detail" 10
panes_shown 80x24
[ "$(screen | wc -l)" -eq 24 ] || fail "not 24 lines"
w=$(screen | LC_ALL=C.UTF-8 wc -L)
[ "$w" -le 80 ] || fail "a line is $w columns wide"
# every layer is listed, and the explanation fits
for l in " 0 conv" " 6 fc" " 9 soft"; do
	screen | grep -qF -- "$l" || fail "'$l' missing at 80x24"
done
screen | grep -qF "Small weights matter little, so accuracy often holds until most are gone." ||
	fail "explanation cut at 80x24"

tm resize-window -x 40 -y 10
wait_for "terminal too small: 40x10, need 80x24" 10
screen | grep -qF "Perturbation" && fail "panes drawn in a 40x10 window"

# while too small only q acts (issue 16): j selects nothing unseen
keys j

tm resize-window -x 100 -y 30
wait_gone "terminal too small" 10
panes_shown "100x30 again"
wait_for "Accuracy · L0 " 5

tm resize-window -x 79 -y 24
wait_for "terminal too small: 79x24, need 80x24" 10
tm resize-window -x 120 -y 40
wait_gone "terminal too small" 10
panes_shown 120x40

keys q
wait_exit 0
echo "PASS"
