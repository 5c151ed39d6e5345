#!/usr/bin/env bash
# Undo/redo in the budget builder (issue 16): u takes back set, clear, fill
# and open, one at a time, and says what it undid; U (and Ctrl-R) redoes;
# a new edit after an undo drops the redo side.  At 80x24.
. "$(dirname "$0")/lib.sh"

B=$TMPD/other.budget
printf '[layer 4]\nprune=0.25\n' > "$B"
start 80 24 tui --limit 1000
wait_re 'base [0-9]+\.[0-9]+%' 30

keys u
wait_for "undo: nothing to undo"

# two edits of layer 0's prune: p.50 then p.55
keys b
wait_for "prune-filter"
keys +
wait_re '^ *0 conv .* p\.50' 5
keys +
wait_re '^ *0 conv .* p\.55' 5
keys u
wait_for "undid: layer 0 prune=0.55"
wait_re '^ *0 conv .* p\.50' 5
keys u
wait_for "undid: layer 0 prune=0.5 "
sleep 0.3
screen | grep -qE '^ *0 conv .* p\.5' && fail "layer 0 still budgeted after two undos"
keys U
wait_for "redid: layer 0 prune=0.5 "
wait_re '^ *0 conv .* p\.50' 5
keys C-r
wait_for "redid: layer 0 prune=0.55"
wait_re '^ *0 conv .* p\.55' 5
keys U
wait_for "redo: nothing to redo"

# clear, then undo the clear
keys x
wait_gone "p.55" 5
keys u
wait_for "undid: clear layer 0 prune"
wait_re '^ *0 conv .* p\.55' 5

# open replaces the budget (after asking); u brings the edited one back
keys o
wait_for "replace it? (y/n)"
keys y
wait_for "load budget from:"
keys C-u "$B" Enter
wait_re '^ *4 conv .* p\.25' 5
screen | grep -qE '^ *0 conv .* p\.55' && fail "the open did not replace the budget"
keys u
wait_for "undid: open $B"
wait_re '^ *0 conv .* p\.55' 5
screen | grep -qE '^ *4 conv .* p\.25' && fail "undo of open kept the file's layer 4"

# a fill, undone
keys f
wait_for "replace it with a fill? (y/n)"
keys y
wait_for "fill the budget for target"
keys C-u bits=4 Enter
wait_re '^ *2 conv .* q[0-9]' 60
keys u
wait_for "undid: fill bits=4"
wait_re '^ *0 conv .* p\.55' 5
screen | grep -qE '^ *2 conv .* q[0-9]' && fail "undo of the fill kept its bits"

# a new edit drops the redo side
keys u
wait_for "undid: layer 0 prune=0.55"
wait_re '^ *0 conv .* p\.50' 5
keys +
wait_re '^ *0 conv .* p\.55' 5
keys U
wait_for "redo: nothing to redo"

# listed in ?
keys '?'
wait_for "undo / redo budget"
keys Escape
keys q
wait_for "quit anyway?"
keys y
wait_exit 0
echo PASS
