#!/usr/bin/env bash
# Per-class accuracy and flipped images (issue 16): C shows, for the
# selection's last measurement, each class's top-1 before -> after on the
# same images (the most hurt first) and one image whose top-1 flipped,
# drawn in the terminal and captioned "class before -> after"; h/l step
# through the flips.  At 80x24 and 120x40, and in ASCII without colour
# (the grey ramp).
. "$(dirname "$0")/lib.sh"

run() {
	local w=$1 h=$2 arrow=$3
	start "$w" "$h" tui --limit 1000
	wait_re 'base [0-9]+\.[0-9]+%' 30
	keys C
	wait_re "L0 prune 0\.50: 1000 img, [0-9]+ flipped" 30
	keys + + +
	wait_re "L0 prune 0\.80: 1000 img, [0-9]+ flipped" 30
	local nflip
	nflip=$(number "L0 prune 0\.80: 1000 img, ([0-9]+) flipped")
	[ "$nflip" -gt 1 ] || fail "no flipped images at prune 0.80"
	wait_for "flip 1/$nflip img"
	# per class: a Fashion-MNIST name with before -> after, the most hurt first
	screen | grep -qE "(│|\|)(Coat|T-shirt|Pullover|Shirt|Sneaker|Bag|Dress|Sandal|Trouser|Ankle)[^ ]* +[0-9]+$arrow[0-9]+" ||
		fail "no per-class before -> after row"
	# the caption: two different class names around the arrow
	local cap
	cap=$(screen | grep -oE "[A-Za-z_-]+ $arrow [A-Za-z_-]+ *$" | tail -n 1)
	[ -n "$cap" ] || fail "no 'class before $arrow after' caption"
	set -- $cap
	[ "$1" != "$3" ] || fail "a flipped image with the same class before and after: $cap"
	# the image is drawn: half blocks in UTF-8, else grey-ramp characters
	if [ "$arrow" = ">" ]; then
		screen | grep -qE '[#%@*=+]{8}' || fail "no grey-ramp picture"
	else
		screen | grep -qF '▀▀▀▀▀▀▀▀' || fail "no half-block picture"
	fi
	keys l
	wait_for "flip 2/$nflip img"
	keys h h
	wait_for "flip $nflip/$nflip img"
	# another selection: the pane says whose figures it shows until measured
	keys Tab
	keys j j
	wait_re "L0 prune 0\.80: 1000 img, [0-9]+ flipped \(not the selection|L2 prune 0\.80" 10
	keys q
	wait_exit 0
}

run 80 24 "→"
# the picture: a grey ramp without colour (characters of " .:-=+*#%@")
TUI_LANG=C TUI_NO_COLOR=1 run 120 40 ">"
echo PASS
