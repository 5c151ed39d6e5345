#!/usr/bin/env bash
# One unit system (issue 16): every size the explorer shows is in IEC units
# (KiB, MiB): the budget totals, the budget view, the fill's message and the
# Pareto front, never kB or MB beside them.
. "$(dirname "$0")/lib.sh"

no_si() {
	screen | grep -qE '[0-9](kB|KB|MB|GB)' && fail "an SI byte unit on screen ($1)"
	return 0
}

start 100 30 tui --limit 1000
wait_re 'base [0-9]+\.[0-9]+%' 30
wait_re 'budget +[0-9.]+KiB→[0-9.]+KiB' 10
no_si "start"
keys f
wait_for "size=200KiB"
keys C-u 'size=300KiB' Enter
wait_re 'filled size=(300KiB|[0-9.]+KiB)' 20
wait_re 'size [0-9.]+KiB→[0-9.]+KiB' 10
no_si "after a size fill"
keys p
wait_for "front over targets"
keys C-u size Enter
wait_re '[0-9]+/[0-9]+ size=[0-9.]+KiB' 30
wait_re '[0-9.]+KiB +size +[0-9.]+KiB' 30
no_si "the front"
keys q
wait_for "quit anyway"
keys y
wait_exit 0
echo "PASS"
