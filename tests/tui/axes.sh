#!/usr/bin/env bash
# Labelled axes and a heatmap read-out (issue 16): the curve names its y
# axis (top-1 %) in a corner the curve leaves free and its x unit; the
# heatmap gives the cell under the cursor in numbers, with exact or est.
. "$(dirname "$0")/lib.sh"

start 80 24 tui --limit 1000
wait_re 'base [0-9]+\.[0-9]+%' 30
wait_for "exact 1000/1000"
wait_for "top-1 %"
wait_for "0.00 fraction"
keys m
wait_re '│L0 prune 0\.50: drop [0-9]+\.[0-9]+ pts, exact *$' 10
keys j j
wait_for "L2 prune 0.50"
wait_re '│L2 prune 0\.50: drop -?[0-9]+\.[0-9]+ pts, exact' 30
keys j
wait_re '│L3 prune 0\.50: no weights' 10
keys q
wait_exit 0
echo "PASS"
