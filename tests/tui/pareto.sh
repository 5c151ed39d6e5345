#!/usr/bin/env bash
# Budgets for a target and the accuracy/size front:
#  - f fills the budget for a target: from a criterion while nothing is
#    measured, from the measured quant curves after a scan (said on the status
#    line and in the budget view); the written budget meets the target and
#    `safer eval --budget` on the same images measures the top-1 and drop the
#    explorer shows; additivity (sum of singles vs joint) is shown; a hand
#    edit afterwards changes the budget and is measured again;
#  - p computes a front over bits targets, each point measured; h/l move the
#    cursor along it; a puts the point's budget into the budget column, and
#    the written budget meets the point's target.
. "$(dirname "$0")/lib.sh"

LIMIT=500
B=$TMPD/b.budget

# eval_json FILE FIELD: a field of safer eval --budget FILE's JSON report
eval_json() {
	"$SAFER" eval --budget "$1" --limit $LIMIT --json 2>/dev/null | jq -r ".$2"
}
write_budget() {
	keys w
	wait_for "write budget to:"
	keys C-u "$1" Enter
	wait_for "wrote budget" 5
}
at_most() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 1e-9) }'; }

start 120 40 tui --limit $LIMIT
wait_re 'base [0-9]+\.[0-9]+%' 30

# ---- fill from a criterion: no quant curve measured yet ----------------------
keys f
wait_for "fill the budget for target"
keys C-u "bits=4" Enter
wait_re "filled bits=4 -> [0-9.]+ bits from criterion magnitude \(no agreement measured; quant curves measured for 0/6" 5
wait_re "filled: bits=4 -> [0-9.]+ bits from criterion magnitude"
wait_re '│top-1 [0-9.]+% +drop' 30
write_budget "$B"
bits=$(eval_json "$B" avg_bits)
at_most "$bits" 4 || fail "criterion budget for bits=4 has $bits bits per weight"
grep -q '^bits=' "$B" || fail "no bits in the filled budget: $(cat "$B")"

# ---- fill from the measured quant curves ------------------------------------
keys '>' '>' '>'
wait_re 'kind .quant.' 5
keys s
wait_for "scan done" 90
keys f
wait_for "drop=1.0): bits=4"
keys C-u "bits=3" Enter
wait_re "filled bits=3 -> [0-9.]+ bits( \(overshoots[^)]*\))? from measured quant curves of 6 layers \(knapsack\)" 5
wait_re "filled: bits=3 -> [0-9.]+ bits.* from measured curves"
wait_re '│additivity: sum of singles -?[0-9.]+, joint -?[0-9.]+' 30
top1=$(number '│top-1 ([0-9.]+)% +drop')
joint=$(number '│additivity: sum of singles -?[0-9.]+, joint (-?[0-9.]+)')
write_budget "$B"
bits=$(eval_json "$B" avg_bits)
at_most "$bits" 3 || fail "curve budget for bits=3 has $bits bits per weight"
want=$(eval_json "$B" top1 | awk '{ printf "%.2f", 100 * $1 }')
[ "$top1" = "$want" ] || fail "the explorer measured top-1 $top1%, safer eval $want%"
want=$(eval_json "$B" drop | awk '{ printf "%.2f", $1 }')
[ "$joint" = "$want" ] || fail "the explorer's joint drop $joint, safer eval's drop $want"

# a hand edit on top: layer 0 gets pruned too, and is measured again
keys +
wait_re '^ *0 conv .* p\.50q[0-9]+' 5
wait_for "additivity: singles not all measured" 5
wait_re '│top-1 [0-9.]+% +drop' 30
write_budget "$B"
grep -q '^prune=0.5' "$B" || fail "hand edit not in the budget: $(cat "$B")"

# ---- the front ----------------------------------------------------------------
keys p
wait_for "front over targets of (bits, sparsity, size, drop): bits"
keys Enter
wait_re "front over [0-9]+ bits targets from measured quant curves" 5
n=$(number 'front over ([0-9]+) bits targets')
[ "$n" -ge 3 ] || fail "only $n points on the front"
wait_re '│[0-9]+/[0-9]+ bits=[0-9]+ .* top-1 [0-9.]+%' 30
# every point measured: the engine goes idle
wait_re 'idle *$' 60
point() { number '│([0-9]+\/[0-9]+ bits=[0-9]+) '; }
p1=$(point)
keys l
wait_gone "$p1" 5
p2=$(point)
[ "${p2%%/*}" -eq $((${p1%%/*} + 1)) ] || fail "l moved from '$p1' to '$p2'"
keys h h
wait_re "│$((${p1%%/*} - 1))/$n bits=" 5
screen | grep -q '│.*top-1 [0-9.]\+% drop' || fail "the point shows no accuracy"
# braille dots (U+2800..U+28FF: bytes e2 a0..a3) right of the y axis labels
[ "$(screen | LC_ALL=C grep -cE $'│ *[0-9]* +.*\xe2[\xa0-\xa3]')" -ge 5 ] || fail "no plot"
sel=$(point)
target=${sel##*bits=}
keys a
wait_for "budget: the front's bits=$target point" 5
write_budget "$B"
bits=$(eval_json "$B" avg_bits)
at_most "$bits" "$target" || fail "the front's bits=$target point has $bits bits per weight"

# S with .svg in the Pareto view: the front through safer plot's renderer,
# one point per measured target (issue 17); a applied the point, the view
# is still the front
keys S
wait_for "save heatmap"
keys C-u "$TMPD/front.svg" Enter
wait_re "drew the pareto front of [0-9]+ measured points to" 10
m=$(number 'drew the pareto front of ([0-9]+) measured points')
[ "$m" -eq "$n" ] || fail "$m measured points drawn, the front has $n"
if command -v xmllint >/dev/null; then
	xmllint --noout "$TMPD/front.svg" || fail "front.svg does not parse as XML"
	c=$(xmllint --xpath 'count(//*[@class="front-point"])' "$TMPD/front.svg")
	[ "$c" -eq "$n" ] || fail "$c points in front.svg, expected $n"
fi

keys q
wait_exit 0
echo "PASS"
