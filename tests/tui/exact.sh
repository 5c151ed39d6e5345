#!/usr/bin/env bash
# Exact against estimated (issue 16): a curve point that stopped early says
# "est. n/N img", never "done"; its top-1 is the baseline less the paired
# drop, so now + drop = base; Enter measures it on every image ("exact
# N/N"); E switches scans and curves to exact measuring.  At 80x24.
. "$(dirname "$0")/lib.sh"

start 80 24 tui --limit 4000
wait_re 'base [0-9]+\.[0-9]+%' 30
base=$(number 'base ([0-9.]+)%')

keys j j
wait_for "L2 prune 0.50"
wait_for "exact 4000/4000" 30
# the curve fills the rest adaptively (idle when done): 0.30 stops early
wait_re 'idle *$' 90
keys - -
wait_for "L2 prune 0.30"
wait_re 'est\. [0-9]+/4000 img' 60
screen | grep -qE 'done|4000/4000' && fail "an early-stopped estimate shown as done"
screen | grep -qE '^ *2 conv .* ≈-?[0-9]+\.[0-9] ' || fail "the layer list does not mark the estimate (≈)"
now=$(number 'now ([0-9.]+)%')
drop=$(number 'drop (-?[0-9.]+) pts')
awk -v b="$base" -v n="$now" -v d="$drop" 'BEGIN { x = b - n - d; exit !(x < 0.015 && x > -0.015) }' ||
	fail "now $now% and drop $drop do not add up to the baseline $base%"
# Enter: the same cell on every image
keys Enter
wait_for "exact 4000/4000" 60
screen | grep -q 'est\.' && fail "still an estimate after Enter"
screen | grep -qE '^ *2 conv .* -?[0-9]+\.[0-9] ' || fail "the layer list lost its exact drop"

# E: exact measuring; the estimate at 0.20 is measured again on every image
keys E
wait_for "exact measuring"
screen | sed -n 3p | grep -q 'exact' || fail "the perturbation pane does not say exact"
keys -
wait_for "L2 prune 0.20"
wait_for "exact 4000/4000" 60
keys E
wait_for "adaptive measuring"
keys '?'
wait_for "exact/adaptive measure"
keys Escape
wait_gone "exact/adaptive measure"
keys q
wait_exit 0
echo "PASS"
