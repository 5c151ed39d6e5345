#!/usr/bin/env bash
# The criteria pane with too few layers measured (issue 16): two measured
# layers give rho and tau of 1.00 by chance, so the pane says "too few
# layers measured (2) for a ranking" and scores no criterion; after a scan
# of all six it names the best one.
. "$(dirname "$0")/lib.sh"

start 120 40 tui --limit 500
wait_re 'base [0-9]+\.[0-9]+%' 30
wait_for "exact 500/500"
keys j j
wait_for "L2 prune 0.50"
wait_for "exact 500/500"
keys i
wait_for "2/6 measured"
wait_for "too few layers measured (2) for a ranking"
screen | grep -q 'predicts best' && fail "a best criterion named from two layers"
screen | grep -qE '│magnitude +-?[01]\.[0-9]{2} ' && fail "magnitude scored from two layers"
keys s
wait_for "scan done" 90
wait_for "6/6 measured" 5
wait_for "predicts best" 5
screen | grep -q 'too few layers' && fail "the warning stayed after the scan"
keys q
wait_exit 0
echo "PASS"
