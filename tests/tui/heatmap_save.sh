#!/usr/bin/env bash
# What S saves (issue 16): the heatmap's grid only (no level-0 rows of the
# curve, no duplicates), one row per cell and trial, by layer then level;
# when cells stopped early S asks whether the estimates go in, and without
# them every row was measured on the header's image count.
. "$(dirname "$0")/lib.sh"

N=3000
start 100 30 tui --limit $N
wait_re 'base [0-9]+\.[0-9]+%' 30
# the curve of L0 fills itself, level 0 included
wait_re 'idle *$' 90
keys m s
wait_for "scan done: 60 cells" 180

# rows: layer,layer_kind,kind,level,trial,...; header lines start with '#'
check_rows() {
	awk -F, -v n="$N" -v f="$1" -v c="$col" '/^#/ || /^layer,/ { next }
		$4 + 0 == 0 { print "level-0 row: " $0; bad = 1 }
		prev != "" && ($1 + 0 < pl || ($1 + 0 == pl && $4 + 0 <= plv)) { print "out of order: " $0; bad = 1 }
		{ pl = $1 + 0; plv = $4 + 0; prev = $0; rows++ }
		f == "exact" && $c + 0 != n { print "row on " $c " images: " $0; bad = 1 }
		END { print rows > "/dev/stderr"; exit bad }' "$2"
}

keys S
wait_for "save heatmap"
keys C-u "$TMPD/all.csv" Enter
wait_re 'save the [0-9]+ estimates too \([0-9]+\.\.[0-9]+ images\)\? n: the [0-9]+ exact rows only' 10
est=$(number 'save the ([0-9]+) estimates')
keys y
wait_for "saved 60 rows to"
grep -q '^layer,' "$TMPD/all.csv" || fail "no column header in $(head -3 "$TMPD/all.csv")"
col=$(awk -F, '/^layer,/ { for (i = 1; i <= NF; i++) if ($i == "images") print i }' "$TMPD/all.csv")
[ -n "$col" ] || fail "no images column"
rows=$(check_rows all "$TMPD/all.csv" 2>&1 >/dev/null | tail -1)
check_rows all "$TMPD/all.csv" 2>/dev/null || fail "$(check_rows all "$TMPD/all.csv" 2>/dev/null)"
[ "$rows" = 60 ] || fail "$rows rows for a 60-cell scan"

keys S
wait_for "save heatmap"
keys C-u "$TMPD/exact.csv" Enter
wait_for "save the $est estimates too"
keys n
wait_for "(exact rows only)"
rows=$(check_rows exact "$TMPD/exact.csv" 2>&1 >/dev/null | tail -1)
check_rows exact "$TMPD/exact.csv" 2>/dev/null || fail "$(check_rows exact "$TMPD/exact.csv" 2>/dev/null)"
[ "$rows" = $((60 - est)) ] || fail "$rows exact rows, expected $((60 - est))"

# .svg: the figure on screen through safer plot's renderer (issue 17): the
# heatmap view gives one cell per grid cell, the curve view curves
keys S
wait_for "save heatmap"
keys C-u "$TMPD/heat.svg" Enter
wait_for "save the $est estimates too"
keys y
wait_for "drew the heatmap of 60 rows to"
if command -v xmllint >/dev/null; then
	xmllint --noout "$TMPD/heat.svg" || fail "heat.svg does not parse as XML"
	cells=$(xmllint --xpath 'count(//*[@data-drop])' "$TMPD/heat.svg")
	[ "$cells" = 60 ] || fail "$cells heatmap cells in heat.svg, expected 60"
fi
keys c
keys S
wait_for "save heatmap"
keys C-u "$TMPD/curves.svg" Enter
wait_for "save the $est estimates too"
keys n
wait_for "drew the curves of $((60 - est)) rows to"
grep -q "<polyline" "$TMPD/curves.svg" || fail "no curve in curves.svg"
# the criteria view: each criterion's ranks against the measured ones
keys i
keys S
wait_for "save heatmap"
keys C-u "$TMPD/crit.svg" Enter
wait_for "save the $est estimates too"
keys y
wait_for "drew the criteria of 60 rows to"
if command -v xmllint >/dev/null; then
	xmllint --noout "$TMPD/crit.svg" || fail "crit.svg does not parse as XML"
	n=$(xmllint --xpath 'count(//*[@class="criterion"])' "$TMPD/crit.svg")
	[ "$n" -ge 3 ] || fail "$n criteria in crit.svg"
fi
# the budget view: a setting into the budget (a), then its figure
keys b a
keys S
wait_for "save heatmap"
keys C-u "$TMPD/budget.svg" Enter
wait_for "save the $est estimates too"
keys y
wait_for "drew the budget of 60 rows to"
if command -v xmllint >/dev/null; then
	xmllint --noout "$TMPD/budget.svg" || fail "budget.svg does not parse as XML"
	n=$(xmllint --xpath 'count(//*[@class="budget-bits"])' "$TMPD/budget.svg")
	[ "$n" -ge 1 ] || fail "no budget rows in budget.svg"
fi
keys q
wait_for "the budget is not saved"
keys y
wait_exit 0
echo "PASS"
