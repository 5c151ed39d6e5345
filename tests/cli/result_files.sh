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
#    accept the file, the JSON file keeps the same path;
#  - option values are reported as given (--layers beyond a long) and refused
#    where they would give wrong numbers.
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

# ---- odd characters in a path --------------------------------------------------------------
# model_in DIR: the bundled model copied into DIR, named by M
model_in() {
	mkdir -p "$1"
	cp "$PLAIN_CFG" "$1/m.cfg"
	cp "$PLAIN_WEIGHTS" "$1/m.weights"
	M=(-c "$1/m.cfg" -w "$1/m.weights")
}
ODD=$T/$'odd\nline\\back,comma"quote\ttab\x01ctl'
model_in "$ODD"
run "$SAFER" scan "${LIMIT[@]}" "${M[@]}" -p prune:0.5 --layers 0 -o "$T/odd.csv"
check_eq "scan of a model whose path holds a newline, backslash, comma, quote, tab" 0 "$RC"
check "... the CSV stays well formed (the header is one line per key)" csv_wellformed "$T/odd.csv"
check_eq "... the path is written escaped" "$T/odd\nline\\\\back,comma\"quote\ttab\x01ctl/m.cfg" \
	"$(csv_header "$T/odd.csv" cfg)"
run "$SAFER" scan "${LIMIT[@]}" "${M[@]}" -p prune:0.5 --layers 0,2 -o "$T/odd.csv" --resume
check_eq "its own --resume reads it (2 rows)" "0 2" "$RC $(csv_rows "$T/odd.csv")"
run "$SAFER" rank "${LIMIT[@]}" "${M[@]}" -C magnitude,l2 -o "$T/odd-r.csv"
check_eq "rank -o with that path" 0 "$RC"
run "$SAFER" compare --scan "$T/odd.csv" --rank "$T/odd-r.csv" --json
check_eq "compare reads both; the rank cfg comes back unescaped" "0 $ODD/m.cfg" "$RC $(jq -r .rank_cfg "$T/out")"
run "$SAFER" scan "${LIMIT[@]}" "${M[@]}" -p prune:0.5 --layers 0 -o "$T/odd.json"
run "$SAFER" scan "${LIMIT[@]}" "${M[@]}" -p prune:0.5 --layers 0,2 -o "$T/odd.json" --resume
check_eq "JSON: --resume reads it, the path is kept as it is" "0 $ODD/m.cfg" "$RC $(jq -r .header.cfg "$T/odd.json")"
# a file written before values were escaped: a lone backslash stays a backslash
sed 's|^# cfg: .*|# cfg: C:\\models\\a.cfg|' "$T/odd.csv" >"$T/old.csv"
run "$SAFER" compare --scan "$T/old.csv" --rank "$T/odd-r.csv" --json
check_eq "an unknown escape is read literally" "0" "$RC"

# a path that is not UTF-8 (Latin-1): JSON cannot hold it as a string, so it is
# written {"escaped": ...} and read back as the same bytes
LAT=$T/$'caf\xe9'
model_in "$LAT"
run "$SAFER" scan "${LIMIT[@]}" "${M[@]}" -p prune:0.5 --layers 0 -o "$T/lat.json"
run "$SAFER" scan "${LIMIT[@]}" "${M[@]}" -p prune:0.5 --layers 0,2 -o "$T/lat.json" --resume
check_eq "Latin-1 path, JSON scan: --resume reads it (2 rows)" "0 2" "$RC $(jq '.rows | length' "$T/lat.json")"
check_eq "... the path is written escaped" "$T/caf\\xe9/m.cfg" "$(jq -r .header.cfg.escaped "$T/lat.json")"
run "$SAFER" rank "${LIMIT[@]}" "${M[@]}" -C magnitude -o "$T/lat-r.json"
run "$SAFER" compare --scan "$T/lat.json" --rank "$T/lat-r.json" --json
check_eq "... compare reads both and prints JSON naming the rank's cfg" "0 $T/caf\\xe9/m.cfg" \
	"$RC $(jq -r .rank_cfg.escaped "$T/out" 2>/dev/null)"
run "$SAFER" eval "${LIMIT[@]}" "${M[@]}" --json
check_eq "... eval --json prints it" "0 $T/caf\\xe9/m.cfg" "$RC $(jq -r .cfg.escaped "$T/out" 2>/dev/null)"
M=(-c "$ODD/m.cfg" -w "$ODD/m.weights")

# ---- option values, reported as given (#13 item 13) ----------------------------------------
expect_fail_2 "--layers beyond a long: the digits as given" "--layers;layer 99999999999999999999 does not" \
	"$SAFER" scan "${LIMIT[@]}" -p prune:0.5 --layers 99999999999999999999 -o "$T/big.csv"
expect_fail_2 "--layers range beyond a long" "--layers;layer 99999999999999999999 does not" \
	"$SAFER" scan "${LIMIT[@]}" -p prune:0.5 --layers 0-99999999999999999999 -o "$T/big.csv"
expect_fail_2 "budget --target bits=32: refused with the range, not capped at 16" "--target bits;'32';2..16" \
	"$SAFER" budget "${LIMIT[@]}" --target bits=32 -C magnitude -o "$T/b32.budget"
expect_fail_2 "rank -S 5 --grad-batch 32: refused (no whole batch: every score would be NaN)" \
	"--samples 5 is smaller than --grad-batch 32" \
	"$SAFER" rank "${LIMIT[@]}" -S 5 --grad-batch 32 -C grad -o "$T/r5.csv"
run "$SAFER" rank "${LIMIT[@]}" -S 5 -C grad -o "$T/r5.csv"
check_eq "rank -S 5 (default batch): finite grad scores" "0 6" \
	"$RC $(grep -cE '^[0-9]+,[a-z]+,[0-9.e+-]+,[0-9]+$' "$T/r5.csv")"

# ---- a .data key given twice: the first one counts, as in Darknet's option_find ----------------
make_dataset "$T/dimgs" 20 png
printf 'valid=%s\nlabels=%s\nvalid=%s\n' "$T/dimgs/valid.list" "$T/dimgs/labels.txt" "$T/none.list" >"$T/dup-key.data"
run "$SAFER" eval -d "$T/dup-key.data" --json
check_eq "duplicated valid=: the first is used (20 images), the second (missing) ignored" "0 20" \
	"$RC $(jq -r .images "$T/out" 2>&1)"

finish
