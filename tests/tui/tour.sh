#!/usr/bin/env bash
# The guided tour (issue 16): `safer tour` opens the explorer with the tour's
# step where the detail pane was; a step moves on only when its action is
# done (other keys leave it), Z goes back, z skips and closes at the end; z
# in `safer tui` opens it.  At 80x24, then 120x40.
. "$(dirname "$0")/lib.sh"

step() { wait_for "Tour $1/9" "${2:-30}"; }

start 80 24 tour --limit 500
wait_re 'base [0-9]+\.[0-9]+%' 30
step 1
screen | grep -qF "Do: Layer 0 is selected" || fail "no 'Do:' line"
screen | grep -qF "Notice:" || fail "no 'Notice:' line"
# the wrong keys: another kind, a lower level, another layer do not advance
keys '>'
wait_for "kind ‹prune-random›"
keys '<' - j k
sleep 2
screen | grep -qF "Tour 1/9" || fail "the tour moved on without pruning to 0.80"
keys + + + +
step 2
wait_for "tour: step 1 done; 2/9: Magnitude against chance"
keys -
sleep 1.5
screen | grep -qF "Tour 2/9" || fail "a level change passed for prune-random"
keys '>'
step 3
keys '>' '>'
wait_for "kind ‹quant›"
sleep 1
screen | grep -qF "Tour 3/9" || fail "quant at 4 bits passed for 3"
keys -
step 4
# Z goes back a step, z skips one
keys Z
step 3 5
keys z
step 4 5
keys '>' '>' '>'
wait_for "kind ‹bitflip›"
sleep 1
screen | grep -qF "Tour 4/9" || fail "bitflip passed for bitflip-exp"
keys '>'
step 5
keys C
step 6
keys '<' '<' '<' '<' '<' '<' '<'
wait_for "kind ‹prune›"
keys m
sleep 0.5
screen | grep -qF "Tour 6/9" || fail "the heatmap alone passed for a scan"
keys s
step 7
keys s	# stop the scan
keys i
step 8
keys b +
wait_re '^ *0 conv .* p\.50' 5
sleep 1
screen | grep -qF "Tour 8/9" || fail "one layer passed for two"
keys j j +
step 9
keys z
wait_gone "Tour 9/9" 5
wait_for "tour closed"
screen | grep -qF "Detail · L2" || fail "the detail pane did not come back"
keys q
wait_for "quit anyway?"
keys y
wait_exit 0

# the tour leaves the session budget alone: no session was written
[ -e "$XDG_STATE_HOME/safer/session.budget" ] && fail "the tour wrote the session budget"

# z opens it in the explorer; at 120x40 the step has room for both lines
start 120 40 tui --limit 500
wait_re 'base [0-9]+\.[0-9]+%' 30
keys z
step 1 5
screen | grep -qE '^ Do: Layer 0 is selected.*three times' || fail "the step is not on one line at 120 columns"
keys '?'
wait_for "tour: open, skip / back"
keys Escape q
wait_exit 0
echo PASS
