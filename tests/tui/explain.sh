#!/usr/bin/env bash
# Every figure explained (issue 16): with no message the status line says
# what the focused element is (the layer, each perturbation field, the view
# shown, each budget field), and ? then ? shows a glossary of the
# abbreviations on screen.  At 80x24: the hint fits before the activity.
. "$(dirname "$0")/lib.sh"

status() { screen | sed -n 24p; }
hint() {
	local i=0
	while [ $i -lt 50 ]; do
		status | grep -qF -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "status line does not explain '$1': $(status)"
}

start 80 24 tui --limit 1000
wait_re 'base [0-9]+\.[0-9]+%' 30
hint "L0 conv: drop = top-1 pts lost at prune 0.50"
# the curve's activity shares the line while it fills: judge the hint idle
wait_re 'idle *$' 90
status | grep -qF '…' && fail "the layer hint is cut at 80 columns: $(status)"
keys Tab
hint "kind: Sets the smallest-magnitude weights to zero."
keys j
hint "level: how much (fraction)"
keys j
hint "step: spacing of curve and heatmap levels (1/dec: one a decade)"
keys j
hint "seed: the random draws"
keys j
hint "trials: repeated random draws; drop = their mean, sd, min and max"
keys Tab
hint "curve: top-1 (%) of L0 against prune level"
keys b
hint "budget L0 prune: fraction of the smallest weights set to zero"
keys l
hint "budget L0 prune-filter:"
# a message takes the place; Tab brings the hint back (b again: the
# layers have the focus, Tab moves it to the perturbation's trials)
keys b
keys f Escape Y
wait_for "no command on 'Y'"
keys Tab
hint "trials: repeated random draws"

# the glossary: ? then ?
keys '?'
wait_for "Keys (? glossary"
keys '?'
wait_for "Glossary (? keys"
for term in pts agree KL BOPs MACs p.50q6 q3 '#L4' 'step 1/dec' shct '32.00b sp63%' l2pp 'ρ rho' 'τ tau' top-3 additivity; do
	screen | grep -qE "│ $(printf '%s' "$term" | sed 's/[.#]/\\&/g')[ ,]" || fail "no glossary entry for '$term'"
done
keys Escape
wait_gone "Glossary"
keys q
wait_exit 0
echo "PASS"
