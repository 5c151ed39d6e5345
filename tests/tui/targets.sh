#!/usr/bin/env bash
# Targets that a budget overshoots (issue 16): from the measured prune
# curves, per-layer levels are discrete, so sparsity=0.6 gives more than
# 60%; the fill says so next to the target, and the front marks its points
# that go well past their target with what they reach (0.1→18%); bits
# targets that give one budget are marked =N and said on the status line.
. "$(dirname "$0")/lib.sh"

start 120 40 tui --limit 1000
wait_re 'base [0-9]+\.[0-9]+%' 30
keys m s
wait_for "scan done: 60 cells" 120
keys f C-u 'sparsity=0.6' Enter
wait_re 'filled sparsity=0.6 -> (6[1-9]|[7-9][0-9])% \(overshoots: per-layer levels are discrete\)' 20
screen | grep -qE 'filled: sparsity=0.6 -> [0-9]+% \(overshoots' || fail "the budget view does not say it overshoots"
keys b p
wait_for "front over targets"
keys C-u sparsity Enter
wait_re '[0-9]+/9 sparsity=' 20
# h to the end: the smallest target, 0.1, gives well over 10%
for i in 1 2 3 4 5 6 7 8 9; do keys l; done
wait_re '9/9 sparsity=0.1→(1[2-9]|[2-9][0-9])% ' 20

# bits targets a step apart that give one budget: said, marked =N, measured once
keys '>' '>' '>'
wait_re 'kind .quant.' 5
keys s
wait_for "scan done" 120
keys P
wait_for "front over targets"
keys C-u bits Enter
wait_re 'front over [0-9] bits targets from measured quant curves .*; only [0-9] different budgets' 20
for k in h h h h h h l l l l l l; do
	keys $k
	sleep 0.2
	screen | grep -qE '[0-9]/[0-9] bits=[0-9] =[0-9]/[0-9] ' && break
done
screen | grep -qE '[0-9]/[0-9] bits=[0-9] =[0-9]/[0-9] ' || fail "no point marked as the same as another"
keys q
wait_for "quit anyway"
keys y
wait_exit 0
echo "PASS"
