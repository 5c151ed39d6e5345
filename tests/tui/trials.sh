#!/usr/bin/env bash
# Trial spread (issue 16): several trials of a bit flip show mean ± sd and
# the range over trials (not an interval that hides trials of 0 and 80
# points), and the detail pane lists every trial's drop, whose mean is the
# drop shown.  At 80x24 (short form) and 120x40 (long form).
. "$(dirname "$0")/lib.sh"

# bitflip-exp on L2, 5 trials: prune, prune-random, prune-filter, quant,
# quant-pc, actquant, bitflip, bitflip-exp
five_trials() {
	wait_re 'base [0-9]+\.[0-9]+%' 30
	keys j j '>' '>' '>' '>' '>' '>' '>'
	wait_for "L2 bitflip-exp"
	keys t t t t
	wait_for "trials 5"
	wait_for "exact 1000/1000 t5/5" 90
}

check_trials() {
	local line vals mean drop
	line=$(screen | grep -F 'drop per trial') || fail "no per-trial drops in the detail pane"
	vals=$(echo "$line" | sed 's/.*)://')
	[ "$(echo $vals | wc -w)" = 5 ] || fail "not 5 trial values: $line"
	mean=$(echo $vals | awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.2f", s / NF }')
	drop=$(number 'drop (-?[0-9.]+) ±')
	[ -n "$drop" ] || fail "no 'drop N ±' on screen"
	awk -v a="$mean" -v b="$drop" 'BEGIN { d = a - b; exit !(d < 0.011 && d > -0.011) }' ||
		fail "mean of the trials $mean is not the drop $drop"
	screen | grep -qF '95%' && fail "an interval shown for several trials"
	return 0
}

start 80 24 tui --limit 1000
five_trials
screen | grep -qE 'drop -?[0-9.]+ ±[0-9.e+]+ pts -?[0-9.]+(–|min)' || fail "no mean ± sd and range at 80 columns"
check_trials
keys q
wait_exit 0

start 120 40 tui --limit 1000
five_trials
screen | grep -qE 'drop -?[0-9.]+ ± [0-9.e+]+ pts, min -?[0-9.]+ max -?[0-9.]+, 5 trials' ||
	fail "no 'min .. max .., 5 trials' at 120 columns"
check_trials
keys q
wait_exit 0
echo "PASS"
