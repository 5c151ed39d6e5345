#!/usr/bin/env bash
# The heatmap scan: s fills layers x levels in the background, S saves it as
# CSV or JSON (by extension) through report.h.
. "$(dirname "$0")/lib.sh"

start 100 30 tui --limit 1000
wait_re 'base [0-9]+\.[0-9]+%' 30

keys m
wait_for "s scans"
screen | grep -qE '^.*│L0 ·+' || fail "heatmap rows not empty before the scan"
keys s
wait_re 'scan [0-9]+/60' 10
# cells fill as rows arrive: the first row gets shaded before the scan ends
wait_re '│L0 [░▒▓█]' 30
wait_for "scan done: 60 cells" 90
for l in L0 L2 L4 L5 L6 L8; do
	screen | grep -qE "│$l [░▒▓█]{30}" || fail "heatmap row $l not filled"
done
# the last column (prune 1.0) of every layer is a large drop
screen | grep -E '│L[0-9]+ [░▒▓█·]' | grep -vqE '█ *$' && fail "prune 1.00 should shade every row as a large drop"

keys S
wait_for "save heatmap (.csv, .json; .svg: the figure on screen): fmnist-plain-prune-scan.csv"
keys C-u "$TMPD/scan.csv" Enter
wait_for "saved 60 rows to"
[ -s "$TMPD/scan.csv" ] || fail "no CSV written"
grep -q '^#' "$TMPD/scan.csv" || fail "CSV has no header"
[ "$(grep -vc '^#' "$TMPD/scan.csv")" -ge 61 ] || fail "CSV has fewer than 60 rows: $(cat "$TMPD/scan.csv")"

keys S
wait_for "save heatmap"
keys C-u "$TMPD/scan.json" Enter
wait_for "saved 60 rows to"
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["rows"]) == 60, len(d["rows"])' \
		"$TMPD/scan.json" || fail "JSON does not hold 60 rows"
else
	grep -q '"rows"' "$TMPD/scan.json" || fail "JSON has no rows"
fi

# a scan can be stopped; s starts it again for the next kind
keys '>'
wait_for "kind ‹prune-random›"
keys s
wait_re 'scan [0-9]+/60' 10
keys s
wait_for "scan stopped"
keys q
wait_exit 0
echo "PASS"
