#!/usr/bin/env bash
# Compare layers (issue 16): M marks layers in the list (their glyph left of
# the index), the curve overlays their curves, filled in for them too, with
# a legend naming each layer; M again unmarks; weightless layers refused.
# At 80x24 and 120x40, and in ASCII without colour (the glyphs tell them apart).
. "$(dirname "$0")/lib.sh"

run() {
	local w=$1 h=$2
	start "$w" "$h" tui --limit 500
	wait_re 'base [0-9]+\.[0-9]+%' 30
	keys j M
	wait_for "has no weights: no curve to compare"
	keys k M j j M
	wait_for "marked L2"
	screen | grep -qE '^\+0 conv' || fail "no mark glyph on layer 0's row"
	screen | grep -qE '^x2 conv' || fail "no mark glyph on layer 2's row"
	keys j j c
	# the selected layer (4) is the line; 0 and 2 are + and x
	wait_re "(─|-) L4 conv +\+ L0 conv +x L2 conv" 10
	# the marked layers' curves fill in: their glyphs appear on the plot
	local i=0
	while [ $i -lt 300 ]; do
		screen | sed -n '9,$p' | cut -c43- | grep -q 'x' && screen | sed -n '9,$p' | cut -c43- | grep -q '+' && break
		sleep 0.1
		i=$((i + 1))
	done
	[ $i -lt 300 ] || fail "no points of the marked curves"
	keys k k M
	wait_for "unmarked L2 (1 marked)"
	screen | grep -qE '^x2 conv' && fail "layer 2 still marked"
	keys j j
	wait_re "(─|-) L4 conv +\+ L0 conv" 5
	screen | grep -q "x L2" && fail "unmarked L2 still in the legend"
	keys '?'
	wait_for "mark layer: compare"
	keys Escape q
	wait_exit 0
}

run 80 24
run 120 40
TUI_LANG=C TUI_NO_COLOR=1 run 80 24
echo PASS
