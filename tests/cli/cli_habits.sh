#!/usr/bin/env bash
# cli_habits.sh - the command line behaves as its users expect (issue #16):
#
#  1. JSON numbers are the shortest text that reads back as the same double
#     (eval's top-1 on 1,000 images is 0.927, not 0.92700000000000005), reals
#     keep a '.' (1.0), no exponent where plain digits read well;
#  2. every command whose --help lists --json prints JSON with it (scan
#     without -o: {header, rows} with the CSV's columns; export; budget
#     --pareto); the explorer does not list it and refuses it;
#  3. every message starts with "safer: ": getopt's complaints (unknown,
#     ambiguous, missing value) are one line; a JPEG, a PNG or a weights file
#     given as -c is "not a Darknet cfg (...)"; compare names the rank file;
#  4. SIGINT during scan -o says "interrupted: N of M rows saved in FILE; run
#     again with --resume" (N = the rows in FILE), exit 130; --resume with
#     another --limit / --seed names both values;
#  5. with stderr not a terminal a scan prints plain progress lines (every
#     10%), on a terminal (script(1)) the in-place line only; -q neither;
#  6. a cfg without -w finds NAME.weights next to it, in ../weights/, in the
#     data dir (SAFER_DATADIR), says which; none found names where it looked;
#  7. tables fit 80 columns when stdout is not a terminal (scan, rank,
#     compare, budget, budget --pareto, info), the terminal's width on one
#     (script(1) at 60 columns), every column with --wide;
#  8. budget without -o prints the budget after its report; without --from
#     or --criterion it measures the curves it needs, says so, and its budget
#     meets the target when eval measures it;
#  9. rank's default criteria are the list its help and safer(1) document.
set -u
. "$(dirname "$0")/lib.sh"

MAN=$SRCDIR/man/safer.1

# ---- 1. shortest round-trip JSON numbers -----------------------------------------------
run "$SAFER" eval --limit 1000 --json
check "eval --json exits 0" [ "$RC" -eq 0 ]
check "eval --limit 1000: top-1 printed as 0.927" grep -q '"top1": 0.927,' "$T/out"
check "a real that is whole stays a real (\"topk\": 1.0)" grep -q '"topk": 1.0,' "$T/out"
# noisy FILE: the reals of FILE written with more significant digits than the
# shortest text of the same double has (awk's numbers are doubles too)
noisy() {
	grep -Eo -- '-?[0-9]+\.[0-9]+([eE][-+]?[0-9]+)?' "$1" | awk '{
		v = $0 + 0
		for (p = 1; p < 17; p++)
			if (sprintf("%." p "g", v) + 0 == v)
				break
		m = $0
		sub(/[eE].*/, "", m)
		gsub(/[-.]/, "", m)
		sub(/^0+/, "", m)
		sub(/0+$/, "", m)
		if (length(m) > p)
			print $0
	}'
}
check "eval --json: every real as short as it can be ($(noisy "$T/out" | head -3 | xargs))" [ -z "$(noisy "$T/out")" ]
run "$SAFER" scan -p prune:0.1,0.3 --layers 0 --limit 200 -o "$T/n.json"
check "scan -o n.json: level 0.1 saved as 0.1" grep -q '"level": 0.1,' "$T/n.json"
check "scan -o n.json: every real as short as it can be ($(noisy "$T/n.json" | head -3 | xargs))" [ -z "$(noisy "$T/n.json")" ]
run "$SAFER" rank --criterion magnitude --limit 64 --json
check "rank --json: hvp_eps 0.1 printed as 0.1" grep -q '"hvp_eps": 0.1,' "$T/out"
printf '[layer 0]\nbits=4\n' >"$T/b4.budget"
run "$SAFER" export --budget "$T/b4.budget" -o "$T/b4.weights" --json
check "export --json: budget_bytes in plain digits, not 9.1122e+05 ($(jq -r .budget_bytes "$T/out" 2>/dev/null))" \
	grep -Eq '"budget_bytes": [0-9]+\.[0-9]+,' "$T/out"

# ---- 2. --json wherever --help lists it -------------------------------------------------------
run "$SAFER" scan -p prune:0.5 -p bitflip:0.001 -T 2 --layers 0,2 --limit 200 --json
check "scan --json exits 0" [ "$RC" -eq 0 ]
check "scan --json: stdout is JSON, not the table" jq -e . "$T/out" >/dev/null
check_eq "scan --json: 2 layers x (1 prune + 2 bitflip trials) rows" 6 "$(jq '.rows | length' "$T/out" 2>/dev/null)"
check_eq "scan --json: each row has the CSV's columns, in order" "$CSV_RANKED_COLUMNS" \
	"$(jq -r '.rows[0] | keys_unsorted | join(",")' "$T/out" 2>/dev/null)"
check_eq "scan --json: the header says 200 images" 200 "$(jq -r .header.images "$T/out" 2>/dev/null)"
rm -f "$T/b4.weights"
run "$SAFER" export --budget "$T/b4.budget" -o "$T/b4.weights" --json
check_eq "export --json: file_bytes is the size written" "$(stat -c %s "$T/b4.weights" 2>/dev/null)" \
	"$(jq -r .file_bytes "$T/out" 2>/dev/null)"
run "$SAFER" budget --target bits=4 --pareto --criterion magnitude --limit 200 --json
check "budget --pareto --json: a front of targets, each measured ($(jq -c '[.front[].target]' "$T/out" 2>/dev/null))" \
	eval 'jq -e "(.front | length) > 1 and (.front[0].sensitivity.top1 | type) == \"number\"" "$T/out" >/dev/null'
# every command whose help lists --json, run cheaply with it: JSON on stdout
run "$SAFER" rank --criterion magnitude --limit 64 -o "$T/r.csv"
run "$SAFER" scan -p prune:0.5 --layers 0,2,4 --limit 100 -o "$T/s.csv"
declare -A ARGS=(
	[info]=""
	[eval]="--limit 100"
	[scan]="-p prune:0.5 --layers 0 --limit 100"
	[export]="--budget $T/b4.budget -o $T/j.weights"
	[rank]="--criterion magnitude --limit 64"
	[compare]="--scan $T/s.csv --rank $T/r.csv"
	[budget]="--target bits=4 --criterion magnitude --limit 100"
)
COMMANDS=$("$SAFER" --help | awk '/^Commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }')
listed=""
for cmd in $COMMANDS; do
	"$SAFER" "$cmd" --help | grep -q -- '--json' || continue
	listed+=" $cmd"
	if [ -z "${ARGS[$cmd]+set}" ]; then
		not_ok "$cmd lists --json but this test has no arguments for it"
		continue
	fi
	rm -f "$T/j.weights"
	# shellcheck disable=SC2086
	run "$SAFER" "$cmd" ${ARGS[$cmd]} --json
	check "$cmd --json: exit 0 and JSON on stdout ($(head -c 60 "$T/out" | tr '\n' ' '))" \
		eval '[ "$RC" -eq 0 ] && jq -e . "$T/out" >/dev/null'
done
check_eq "the commands whose help lists --json" " info eval scan export rank compare budget" "$listed"
check "tui --help does not list --json" eval '! "$SAFER" tui --help | grep -q -- --json'
expect_fail_2 "tui --json is refused" "--json" "$SAFER" tui --json

# ---- 3. messages -----------------------------------------------------------------------------
expect_fail_2 "an unknown long option" "scan: unknown option '--bogus'" "$SAFER" scan --bogus
expect_fail_2 "an unknown short option" "scan: unknown option '-x'" "$SAFER" scan -x
expect_fail_2 "a missing value" "scan: option '-p' needs a value" "$SAFER" scan -p
expect_fail_2 "a missing value (long)" "option '--cfg' needs a value" "$SAFER" info --cfg
expect_fail_2 "an ambiguous abbreviation names the candidates" "'--c' is ambiguous;--cfg;--cache-mb" "$SAFER" info --c x
expect_fail_2 "a value for a flag" "option '--help' takes no value" "$SAFER" info --help=yes
JPG=/usr/share/darknet/data/dog.jpg
if [ -f "$JPG" ]; then
	expect_fail_2 "info -c a JPEG" "$JPG: not a Darknet cfg (a JPEG image)" "$SAFER" info -c "$JPG"
fi
expect_fail_2 "info -c a PNG" "corrupt_Bag.png: not a Darknet cfg (a PNG image)" "$SAFER" info -c "$SRCDIR/tests/data/corrupt_Bag.png"
expect_fail_2 "eval -c a weights file" "fmnist-plain.weights: not a Darknet cfg (binary data)" \
	"$SAFER" eval -c "$PLAIN_WEIGHTS" -w "$PLAIN_WEIGHTS"
if [ -f "$JPG" ]; then	# a picture where any other text file belongs: said too
	cp "$JPG" "$T/photo.json"
	expect_fail_2 "eval --budget a JPEG" "$JPG: not a budget file (a JPEG image)" "$SAFER" eval --budget "$JPG"
	expect_fail_2 "eval -d a JPEG" "$JPG: not a Darknet .data file (a JPEG image)" "$SAFER" eval -d "$JPG"
	expect_fail_2 "compare --scan a JPEG" "$JPG: not a safer scan file (a JPEG image)" \
		"$SAFER" compare --scan "$JPG" --rank "$T/r.csv"
	expect_fail_2 "compare --rank a JPEG named .json" "photo.json: not JSON (a JPEG image)" \
		"$SAFER" compare --scan "$T/s.csv" --rank "$T/photo.json"
fi
mkdir -p "$T/rk"
cp "$T/r.csv" "$T/rk/criteria.csv"
run "$SAFER" compare --scan "$T/s.csv" --rank "$T/rk/criteria.csv"
first=$(sed '/^$/q' "$T/out" | tr -s ' \n' '  ')	# the first paragraph, unwrapped
check "compare's first paragraph names the rank file ($first)" grep -qF "rank $T/rk/criteria.csv (" <<<"$first"
run "$SAFER" compare --scan "$T/s.csv" --rank "$T/rk/criteria.csv" --json
check_eq "compare --json: rank is the file" "$T/rk/criteria.csv" "$(jq -r .rank "$T/out" 2>/dev/null)"
# every stderr line of these failures and runs starts with "safer: "
: >"$T/all.err"
for a in "scan --bogus" "scan -p" "info --c" "eval -c $PLAIN_WEIGHTS" "budget" "compare" "scan" \
	"export" "rank --criterion nonsense" "scan -p prune:0.5 --resume"; do
	# shellcheck disable=SC2086
	"$SAFER" $a >/dev/null 2>>"$T/all.err"
done
check "every message of 10 bad command lines starts with 'safer: ' ($(grep -v '^safer: ' "$T/all.err" | head -2 | xargs))" \
	eval '[ -s "$T/all.err" ] && ! grep -qv "^safer: " "$T/all.err"'

# ---- 4. the interrupted scan, refusals that name what differs ----------------------------------
SCAN=("$SAFER" scan -p prune:0.1:0.9:0.1 --layers 0,2 --limit 500)
"${SCAN[@]}" -o "$T/I.csv" >/dev/null 2>"$T/I.err" &
pid=$!
for _ in $(seq 600); do
	[ -f "$T/I.csv" ] && [ "$(csv_rows "$T/I.csv")" -ge 2 ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
kill -INT "$pid" 2>/dev/null
wait_pid "$pid" 30
check_eq "SIGINT during scan -o: exit 130" 130 "$WAIT_RC"
saved=$(csv_rows "$T/I.csv")
check_eq "the last stderr line says how many rows FILE holds and how to go on" \
	"safer: interrupted: $saved of 18 rows saved in $T/I.csv; run again with --resume" "$(tail -n 1 "$T/I.err")"
expect_fail_2 "--resume with another --limit names both counts" \
	"I.csv: was measured on 500 images, this run asks for 400" "${SCAN[@]}" --limit 400 -o "$T/I.csv" --resume
expect_fail_2 "--resume with another --seed names both seeds" \
	"I.csv: was made with --seed 1, this run asks for --seed 7" "${SCAN[@]}" --seed 7 -o "$T/I.csv" --resume

# ---- 5. progress lines ---------------------------------------------------------------------
run "${SCAN[@]}" -o "$T/P.csv"
plain=$(grep -cE '^safer: scan: [0-9]+/18 rows, [0-9]+%, [0-9]+\.[0-9] s elapsed$' "$T/err")
check "stderr a file: a plain progress line at every tenth of the scan ($plain lines)" [ "$plain" -ge 9 ]
check "stderr a file: the last progress line is 18/18 rows, 100%" grep -q '^safer: scan: 18/18 rows, 100%' "$T/err"
check "stderr a file: no carriage return" eval '! grep -q $'"'\r'"' "$T/err"'
run "${SCAN[@]}" -o "$T/Q.csv" --force -q
check "-q: no progress line" eval '[ "$RC" -eq 0 ] && ! grep -q "rows, [0-9]*%" "$T/err"'
if command -v script >/dev/null 2>&1; then
	script -qec "$(printf '%q ' "${SCAN[@]}" -o "$T/R.csv")" /dev/null >"$T/tty.out" 2>&1
	check "stderr a terminal: the in-place line, no plain lines" \
		eval 'grep -q "18/18 rows" "$T/tty.out" && grep -q $'"'\r'"'"\\[" "$T/tty.out" && ! grep -q "^safer: scan: [0-9]*/18" "$T/tty.out"'
fi

# ---- 6. a cfg finds its weights --------------------------------------------------------------
run "$SAFER" eval -c "$RESNET_CFG" --limit 300 --json
check "eval -c fmnist-resnet.cfg without -w exits 0" [ "$RC" -eq 0 ]
check_eq "... with the bundled resnet weights (../weights/ beside cfg/)" "$(sha "$RESNET_WEIGHTS")" \
	"$(sha "$(jq -r .weights "$T/out" 2>/dev/null)")"
check "... and says which file it took" grep -q "^safer: weights: .*fmnist-resnet.weights" "$T/err"
with_w=$("$SAFER" eval -c "$RESNET_CFG" -w "$RESNET_WEIGHTS" --limit 300 --json 2>/dev/null | jq -r .top1)
check_eq "... giving the top-1 of -w fmnist-resnet.weights" "$with_w" "$(jq -r .top1 "$T/out")"
mkdir -p "$T/next" "$T/tree/cfg" "$T/tree/weights" "$T/dd/weights"
cp "$PLAIN_CFG" "$T/next/a.cfg" && cp "$PLAIN_WEIGHTS" "$T/next/a.weights"
run "$SAFER" eval -c "$T/next/a.cfg" --limit 100
check "a cfg finds NAME.weights next to it" grep -qF "safer: weights: $T/next/a.weights" "$T/err"
cp "$PLAIN_CFG" "$T/tree/cfg/b.cfg" && cp "$PLAIN_WEIGHTS" "$T/tree/weights/b.weights"
run "$SAFER" eval -c "$T/tree/cfg/b.cfg" --limit 100
check "a cfg finds ../weights/NAME.weights" grep -qF "safer: weights: $T/tree/cfg/../weights/b.weights" "$T/err"
cp "$PLAIN_CFG" "$T/c.cfg" && cp "$PLAIN_WEIGHTS" "$T/dd/weights/c.weights"
SAFER_DATADIR=$T/dd run "$SAFER" eval -c "$T/c.cfg" --limit 100
check "a cfg finds DATADIR/weights/NAME.weights (exit $RC)" grep -qF "safer: weights: $T/dd/weights/c.weights" "$T/err"
cp "$PLAIN_CFG" "$T/lonely.cfg"
expect_fail_2 "no weights anywhere: the places looked at" \
	"lonely.cfg: no weights given (-w FILE) and none found;$T/lonely.weights;$T/../weights/lonely.weights;/weights/lonely.weights" \
	"$SAFER" eval -c "$T/lonely.cfg"

# ---- 7. tables that fit ---------------------------------------------------------------------
# widest FILE: the longest line (carriage returns aside)
widest() { tr -d '\r' <"$1" | awk '{ if (length > w) w = length } END { print w + 0 }'; }
run "$SAFER" rank --criterion all --samples 64 --probes 1 --ig-steps 2 --limit 64 -o "$T/all.csv"
run "$SAFER" scan -p prune:0.5 -p quant:2 --layers 0,2,4,5,6,8 --limit 100 -o "$T/s6.csv"
declare -A TABLES=(
	[scan]="scan -p prune:0.5 -p bitflip-sign:0.001 -T 2 --layers 0 --limit 100"
	[rank]="rank --limit 64 --samples 64"
	[rank-all]="rank --criterion all --samples 64 --probes 1 --ig-steps 2 --limit 64"
	[compare]="compare --scan $T/s6.csv --rank $T/all.csv"
	[budget]="budget --target bits=4 --from $T/s6.csv --limit 100"
	[pareto]="budget --target bits --from $T/s6.csv --limit 100 --pareto"
	[info]="info"
	[info-budget]="info --budget $T/ib.budget"
)
printf '[layer 0]\nbits=6\n\n[layer 2]\nprune=0.5\nbits=4\n\n[layer 6]\nprune-filter=0.25\nbits-pc=3\n' >"$T/ib.budget"
for name in scan rank rank-all compare budget pareto info info-budget; do
	# shellcheck disable=SC2086
	run "$SAFER" ${TABLES[$name]}
	w80=$(widest "$T/out")
	check "$name into a file: at most 80 columns (widest line $w80, exit $RC)" [ "$RC" -eq 0 -a "$w80" -le 80 ]
	[ "$name" = info ] && continue	# nothing to leave out: the same with --wide
	# shellcheck disable=SC2086
	run "$SAFER" ${TABLES[$name]} --wide
	check "$name --wide: wider ($(widest "$T/out") columns)" [ "$RC" -eq 0 -a "$(widest "$T/out")" -gt 80 ]
done
run "$SAFER" ${TABLES[scan]} --wide
check "scan --wide has every column (agree%, kl, images)" grep -Eq '^layer .* agree% +kl +images$' "$T/out"
run "$SAFER" ${TABLES[rank-all]}
check "rank at 80 columns names what it left out" grep -q '^(left out to fit 80 columns: .*; --wide shows them)$' "$T/out"
if command -v script >/dev/null 2>&1; then
	script -qec "stty cols 60 rows 24; $SAFER ${TABLES[rank]} 2>/dev/null" /dev/null >"$T/tty60.out" 2>&1
	check "rank on a 60-column terminal: at most 60 columns ($(widest "$T/tty60.out"))" \
		eval '[ "$(widest "$T/tty60.out")" -le 60 ] && grep -q "magnitude" "$T/tty60.out"'
	script -qec "stty cols 200 rows 24; $SAFER ${TABLES[rank]} 2>/dev/null" /dev/null >"$T/tty200.out" 2>&1
	check "rank on a 200-column terminal: the scores too ($(widest "$T/tty200.out") columns)" \
		grep -q "score (rank)" "$T/tty200.out"
fi

# ---- 8. budget without -o -------------------------------------------------------------------
run "$SAFER" budget --target bits=4 --criterion magnitude --limit 100
check "budget without -o exits 0 (got $RC)" [ "$RC" -eq 0 ]
sed -n '/^budget (-o FILE saves it/,$p' "$T/out" | tail -n +2 >"$T/stdout.budget"
check "... and the budget on stdout is one eval --budget reads" \
	eval '[ -s "$T/stdout.budget" ] && "$SAFER" eval --budget "$T/stdout.budget" --limit 100 --json >/dev/null 2>&1'
run "$SAFER" budget --target bits=4 --criterion magnitude --limit 100 --json
check "budget --json without -o: the budget's text as \"budget\"" \
	eval 'jq -r .budget "$T/out" | grep -q "^\[layer 0\]"'

run "$SAFER" budget --target bits=4 --limit 300 -o "$T/alone.budget"
check "budget --target bits=4 alone exits 0 (got $RC)" [ "$RC" -eq 0 ]
check "... says on stderr that it measures the quant curves" \
	grep -q '^safer: budget: no --from SCAN or --criterion NAME: measuring the quant curves it needs' "$T/err"
check "... and the report names that source" grep -q '^source  6 quant curves measured here' "$T/out"
run "$SAFER" eval --budget "$T/alone.budget" --limit 300 --json
check "... its budget meets bits=4 ($(jq -c '{avg_bits, drop}' "$T/out" 2>/dev/null))" \
	eval 'jq -e ".avg_bits <= 4" "$T/out" >/dev/null'
run "$SAFER" budget --target sparsity=0.5 --limit 200 --json
check "budget --target sparsity=0.5 alone measures prune curves ($(jq -r .source "$T/out" 2>/dev/null))" \
	eval '[ "$RC" -eq 0 ] && jq -e "(.source | startswith(\"6 prune curves measured here\")) and .sensitivity.sparsity >= 0.5" "$T/out" >/dev/null'
expect_fail_2 "budget with both --from and --criterion" "not both" \
	"$SAFER" budget --target bits=4 --from "$T/s6.csv" --criterion magnitude

# ---- 9. rank's default criteria -------------------------------------------------------------
documented=$("$SAFER" rank --help | sed -n 's/.*--criterion LIST *criteria (default \([a-z0-9,]*\)).*/\1/p')
man_list=$(sed -e 's/\\-/-/g' "$MAN" | sed -n 's/^Criteria, comma-separated (default \([a-z0-9,]*\)$/\1/p' | sed 's/,$//')
run "$SAFER" rank --limit 64 --samples 64 --json
check_eq "rank without --criterion computes the list its help documents" "$documented" \
	"$(jq -r '.criteria | join(",")' "$T/out" 2>/dev/null)"
check_eq "safer(1) documents the same default list" "$documented" "$man_list"

finish
