#!/usr/bin/env bash
# The budget builder: edit in place, live totals and accuracy, write (atomic),
# reload, a bad file as a status message, export; q asks when unsaved; the
# session budget is saved on exit and offered back at the next start.
. "$(dirname "$0")/lib.sh"

B=$TMPD/work.budget
start 100 30 tui --limit 2000 --budget "$B"
wait_for "does not exist yet: w writes it" 30
wait_re 'base [0-9]+\.[0-9]+%' 30

# layer 0: prune 0.50, then bits 8 (two fields to the right)
keys b
wait_for "prune-filter"
keys +
wait_re '^ *0 conv .* p\.50 ' 5
wait_for "budget*"
keys l l +
wait_re '^ *0 conv .* p\.50q8 ' 5
# layer 2 gets bits 4: j moves the layer, the field stays; a field switched
# on starts at 8 bits
keys j j -
wait_re '^ *2 conv .* q8 ' 5
keys - - - -
wait_re '^ *2 conv .* q4 ' 5
# the whole budget is measured: top-1 with its drop
wait_re 'top-1 [0-9.]+% +drop [0-9.-]+ \[' 30
screen | grep -qE 'budget\* +[0-9.]+[KM]iB.[0-9.]+[KM]iB' || fail "no budget totals"

keys q
wait_for "the budget is not saved (w writes it); quit anyway? (y/n)"
keys n
wait_gone "quit anyway"

keys w
wait_for "write budget to: $B"
keys Enter
wait_for "wrote budget (2 layers)"
screen | grep -qF "budget*" && fail "budget still marked unsaved after w"
grep -q '^\[layer 0\]' "$B" && grep -q '^prune=0.5' "$B" && grep -q '^bits=8' "$B" &&
	grep -q '^\[layer 2\]' "$B" && grep -q '^bits=4' "$B" || fail "budget file: $(cat "$B")"
"$SAFER" eval --budget "$B" --limit 500 >/dev/null || fail "safer eval cannot read the written budget"

# reload after an outside edit
printf '[layer 4]\nprune=0.25\n' > "$B"
keys o
wait_for "load budget from: $B"
keys Enter
wait_for "loaded $B (1 layer)"
wait_re '^ *4 conv .* p\.25 ' 5
screen | grep -qE '^ *0 conv .* p\.50' && fail "old budget still shown after reload"

# a file that does not parse: a status message, the explorer keeps running
printf '[layer 4]\nprune=lots\n' > "$TMPD/bad.budget"
keys o C-u "$TMPD/bad.budget" Enter
wait_re "load: .*bad.budget:2" 5
wait_re '^ *4 conv .* p\.25 ' 5

# export the budgeted weights (default name offered; we pick a path)
keys e
wait_for "export budgeted weights to: fmnist-plain-budget.weights"
keys C-u "$TMPD/out.weights" Enter
wait_for "exported 1 perturbation to" 30
[ -s "$TMPD/out.weights" ] || fail "no exported weights"

keys q
wait_exit 0
S=$XDG_STATE_HOME/safer/session.budget
[ -s "$S" ] || fail "session budget not saved"
grep -q '^\[layer 4\]' "$S" || fail "session budget: $(cat "$S")"

# the next start offers it back
start 100 30 tui --limit 2000
wait_for "restore last session's budget? (y/n)" 30
keys y
wait_for "restored the last session's budget (1 layer)"
wait_re '^ *4 conv .* p\.25 ' 5
keys q
wait_exit 0
echo "PASS"
