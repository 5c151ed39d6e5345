#!/usr/bin/env bash
# Asking before losing work, and the overlays (issue 16): the ? overlay has
# side borders; on the "terminal too small" screen keys other than q do
# nothing; o, f and the front's a ask before replacing an unsaved budget;
# q during a heatmap scan asks.  At 80x24.
. "$(dirname "$0")/lib.sh"

start 80 24 tui --limit 2000
wait_re 'base [0-9]+\.[0-9]+%' 30
wait_for "exact 2000/2000"

# ? : a box with borders on both sides
keys '?'
wait_for "Keys (? glossary"
for n in 3 10 18; do
	screen | sed -n "${n}p" | grep -qE '^│.*│$' || fail "help line $n has no side borders: $(screen | sed -n "${n}p")"
done
keys q	# closes the overlay, does not quit
wait_gone "Keys (? glossary"

# too small: j, > and Enter change nothing
tm resize-window -x 60 -y 20
wait_for "terminal too small"
keys j '>' '>' Enter m
sleep 0.5
tm resize-window -x 80 -y 24
wait_for "Accuracy · L0 prune 0.50"
screen | grep -qF "kind ‹prune›" || fail "a key acted on the too-small screen"

# o with an unsaved budget asks first
keys a
wait_re 'budget\* ' 5
keys o
wait_for "the budget is not saved (w writes it); replace it? (y/n)"
keys n
wait_gone "replace it?"
screen | grep -q 'load budget from' && fail "n still asked for a file"
keys o
wait_for "replace it?"
keys y
wait_for "load budget from:"
keys Escape
wait_gone "load budget from"
screen | grep -qE 'budget\* ' || fail "the budget went away unasked"
# so do a fill and the front's a
keys f
wait_for "the budget is not saved (w writes it); replace it with a fill? (y/n)"
keys n
wait_gone "replace it with a fill"
screen | grep -q 'fill the budget for target' && fail "n still asked for a target"
keys p
wait_for "front over targets"
keys C-u bits Enter
wait_re '[0-9]+/[0-9]+ bits=' 30
keys a
wait_for "replace the unsaved budget (w writes it) with this point? (y/n)"
keys n
wait_gone "with this point?"
screen | grep -q "budget: the front's" && fail "the front's point replaced the budget after n"
keys p

# q during a scan asks, n keeps it running
keys m s
wait_re 'scan [0-9]+/60' 10
keys q
wait_re 'quit anyway\? a heatmap scan runs \([0-9]+/60 cells' 5
keys n
wait_gone "a heatmap scan runs"
wait_re 'scan [0-9]+/60' 5
keys q
wait_for "quit anyway?"
keys y
wait_exit 0
echo "PASS"
