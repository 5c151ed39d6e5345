#!/usr/bin/env bash
# Live measurement: select conv layer 2, raise the prune level and see top-1
# fall below the baseline; switch to quant and to bitflip and get results.
. "$(dirname "$0")/lib.sh"

start 100 30 tui --limit 2000
wait_re 'base [0-9]+\.[0-9]+%' 30
base=$(number 'base ([0-9.]+)%')

keys j j
wait_for "L2 prune 0.50"
wait_for "exact 2000/2000" 30
keys + + + +
wait_for "L2 prune 0.90"
wait_re 'now [0-9.]+%.*' 5
wait_for "exact 2000/2000" 30
screen | grep -qF "L2 prune 0.90" || fail "selection changed"
now=$(number 'now ([0-9.]+)%')
[ -n "$now" ] || fail "no current accuracy on screen"
less_than "$now" "$(awk -v b="$base" 'BEGIN { print b - 2 }')" ||
	fail "prune 0.90 of layer 2: top-1 $now% is not below the baseline $base%"
drop=$(number 'drop ([0-9.]+) pts')
less_than 2 "$drop" || fail "drop $drop too small"
# the sensitivity bar of layer 2 shows the drop
screen | grep -E '^ *2 conv' | grep -qE '[▏▎▍▌▋▊▉█]' ||
	fail "no sensitivity bar on layer 2"

# quant: prune, prune-random, prune-filter, quant
keys '>' '>' '>'
wait_for "L2 quant 4"
wait_for "exact 2000/2000" 30
q=$(number 'now ([0-9.]+)%')
[ -n "$q" ] || fail "no quant result"
# fewer bits hurt more
keys - -
wait_for "L2 quant 2"
wait_for "exact 2000/2000" 30
q2=$(number 'now ([0-9.]+)%')
less_than "$q2" "$q" || fail "quant 2 ($q2%) not below quant 4 ($q%)"

# bitflip: quant-pc, actquant, bitflip; a stochastic kind: seed and trials apply
keys '>' '>' '>'
wait_for "L2 bitflip 1e-4"
wait_for "exact 2000/2000" 30
screen | grep -qE 'seed 1 +trials 1' || fail "bitflip shows no seed/trials"
keys t
wait_for "trials 2"
wait_re "exact 2000/2000 t2/2" 40
keys q
wait_exit 0
echo "PASS"
