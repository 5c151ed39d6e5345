#!/usr/bin/env bash
# criteria.sh - rank -> compare -> budget end to end on the bundled plain
# model with a few hundred images:
#  - rank: every criterion; CSV column line, one row per weight layer, the
#    weights checksum of the scan, ranks 1..6 with rank 1 on the highest
#    score, l2pp = l2 / sqrt(n) consistent with params; JSON holds the same;
#  - compare: one row per scan kind/level x criterion, rho and tau in [-1, 1],
#    a reading; refused (exit 2) for a rank file of other weights;
#  - budget: bits, sparsity, size and drop targets from the scan and bits from
#    a criterion; every budget meets its target when `safer eval --budget`
#    measures it; JSON report; --pareto one line per target; bad targets and
#    mismatched scans refused.
set -u
. "$(dirname "$0")/lib.sh"

LIMIT=(--limit 300)
run "$SAFER" scan -p prune:0.5,0.9 -p quant:4,2 "${LIMIT[@]}" -o "$T/scan.csv"
[ "$RC" -eq 0 ] || die "scan failed: $(cat "$T/err")"

# ---- rank --------------------------------------------------------------------------
ALL=magnitude,l2,params,macs,grad,taylor,fisher,hessian,ig,quick
RANK=("$SAFER" rank --criterion "$ALL" --samples 64 --probes 1 --ig-steps 2 "${LIMIT[@]}")
run "${RANK[@]}" -o "$T/rank.csv"
check "rank to rank.csv exits 0" [ "$RC" -eq 0 ]
cols="layer,layer_kind"
for c in magnitude l2 l2pp params macs grad taylor fisher hessian ig quick; do
	cols+=",$c,${c}_rank"
done
check_eq "rank column line" "$cols" "$(grep -v '^#' "$T/rank.csv" | head -1)"
check_eq "rank rows: the weight layers" "0 2 4 5 6 8" "$(csv_col "$T/rank.csv" layer | xargs)"
check_eq "rank weights_checksum = the scan's" "$(csv_header "$T/scan.csv" weights_checksum)" \
	"$(csv_header "$T/rank.csv" weights_checksum)"
check_eq "rank samples" 64 "$(csv_header "$T/rank.csv" samples)"
check_eq "rank says which loss the gradient criteria use" "softmax cross-entropy against the labels" \
	"$(csv_header "$T/rank.csv" loss)"
for c in magnitude l2 params grad taylor fisher ig; do
	# every rank in 1..6 and the top score holds rank 1
	bad=$(awk -F, -v want="$c" '
		/^#/ { next }
		!seen { seen = 1; for (i = 1; i <= NF; i++) { if ($i == want) s = i; if ($i == want "_rank") r = i } next }
		{ if ($r < 1 || $r > 6) bad = bad " rank " $r; if (!n++ || $s > best) { best = $s; top = $r } }
		END { if (top != 1) bad = bad " top score has rank " top; print bad }' "$T/rank.csv")
	check_eq "$c ranks: 1..6, rank 1 = highest score" "" "$bad"
done
bad=$(awk -F, '/^#/ { next } !seen { seen = 1; next }
	$2 == "connected" && $1 == 8 { n = 128 * 10; if (($5 / sqrt(n)) / $7 > 1.000001 || ($5 / sqrt(n)) / $7 < 0.999999) print "layer 8" }' "$T/rank.csv")
check_eq "l2pp = l2 / sqrt(weights) (layer 8: 1280 weights)" "" "$bad"
run "${RANK[@]}" -o "$T/rank.json"
check "rank to rank.json exits 0" [ "$RC" -eq 0 ]
check_eq "JSON rows" 6 "$(jq '.rows | length' "$T/rank.json")"
check_eq "JSON criteria" "$(echo "$ALL" | sed 's/l2,/l2,l2pp,/; s/,/ /g')" "$(jq -r '.criteria | join(" ")' "$T/rank.json")"
check_eq "JSON magnitude = CSV magnitude" "$(csv_col "$T/rank.csv" magnitude | xargs)" \
	"$(jq -r '.rows[].magnitude' "$T/rank.json" | awk '{ printf "%.9g\n", $1 }' | xargs)"
run "$SAFER" rank -C magnitude,taylor --samples 32 "${LIMIT[@]}"
check "rank table on stdout" grep -q "score (rank); rank 1 = most important" "$T/out"

# ---- compare -------------------------------------------------------------------------
run "$SAFER" compare --scan "$T/scan.csv" --rank "$T/rank.csv" -o "$T/cmp.csv"
check "compare to cmp.csv exits 0" [ "$RC" -eq 0 ]
check_eq "compare rows: 4 kind/levels x 11 criteria" 44 "$(csv_rows "$T/cmp.csv")"
bad=$(csv_col "$T/cmp.csv" spearman | awk '$1 != "nan" && ($1 < -1 || $1 > 1)')
check_eq "spearman in [-1, 1]" "" "$bad"
bad=$(csv_col "$T/cmp.csv" kendall | awk '$1 != "nan" && ($1 < -1 || $1 > 1)')
check_eq "kendall in [-1, 1]" "" "$bad"
check "compare CSV reading" grep -q "^# reading: .* predicts the measured drops best" "$T/cmp.csv"
run "$SAFER" compare --scan "$T/scan.csv" --rank "$T/rank.json" --top 2 --json
check "compare --json exits 0" [ "$RC" -eq 0 ]
check_eq "compare JSON k" 2 "$(jq .k "$T/out")"
check_eq "compare JSON summary per criterion" 11 "$(jq '.summary | length' "$T/out")"
run "$SAFER" compare --scan "$T/scan.csv" --rank "$T/rank.csv"
check "compare table: rho, tau, top-K and a reading" \
	grep -q "^reading: " "$T/out"
sed 's/^# weights_checksum: .*/# weights_checksum: 0123456789abcdef/' "$T/rank.csv" >"$T/other.csv"
expect_fail_2 "compare refuses another model's rank file" "other weights" \
	"$SAFER" compare --scan "$T/scan.csv" --rank "$T/other.csv"
expect_fail_2 "compare refuses a scan as rank file" "$T/scan.csv:" \
	"$SAFER" compare --scan "$T/scan.csv" --rank "$T/scan.csv"

# ---- budget ---------------------------------------------------------------------------
# budget_meets DESC TARGET JQ-TEST ARGS...: the budget is written and eval agrees
budget_meets() {
	local desc=$1 target=$2 test=$3
	shift 3
	run "$SAFER" budget "${LIMIT[@]}" --target "$target" -o "$T/b.cfg" "$@"
	if [ "$RC" -ne 0 ]; then
		not_ok "$desc: exit $RC: $(cat "$T/err")"
		return
	fi
	check "$desc: report compares with uniform" grep -q "^uniform " "$T/out"
	run "$SAFER" eval "${LIMIT[@]}" --budget "$T/b.cfg" --json
	if [ "$RC" -eq 0 ] && jq -e "$test" "$T/out" >/dev/null; then
		ok "$desc: $(jq -c '{avg_bits, sparsity, size_bytes, drop}' "$T/out")"
	else
		not_ok "$desc: eval says $(jq -c '{avg_bits, sparsity, size_bytes, drop}' "$T/out" 2>&1)"
	fi
}
budget_meets "bits=4 from the scan" bits=4 '.avg_bits <= 4' --from "$T/scan.csv"
budget_meets "bits=3 from the scan" bits=3 '.avg_bits <= 3' --from "$T/scan.csv"
budget_meets "sparsity=0.6 from the scan" sparsity=0.6 '.sparsity >= 0.6' --from "$T/scan.csv"
budget_meets "size=100KB from the scan" size=100KB '.size_bytes <= 100000' --from "$T/scan.csv"
budget_meets "drop=1 from the scan (prune)" drop=1 '.drop <= 1' --from "$T/scan.csv" --knob prune
budget_meets "bits=3 from magnitude" bits=3 '.avg_bits <= 3' --criterion magnitude
budget_meets "sparsity=0.5 from the rank file's taylor" sparsity=0.5 '.sparsity >= 0.5' \
	--criterion taylor --rank "$T/rank.csv"
budget_meets "drop=2 from fisher (measured)" drop=2 '.drop <= 2' --criterion fisher --samples 64
run "$SAFER" budget "${LIMIT[@]}" --target bits=4 --from "$T/scan.csv" -o "$T/j.cfg" --json
jq_true() {
	jq -e "$1" "$2" >/dev/null
}
check "budget --json: sensitivity and uniform meet bits=4" \
	jq_true '.sensitivity.avg_bits <= 4 and .uniform.avg_bits <= 4 and (.sensitivity.assumed_drop | type) == "number"' "$T/out"
run "$SAFER" budget "${LIMIT[@]}" --target bits --from "$T/scan.csv" --pareto
check "budget --pareto exits 0" [ "$RC" -eq 0 ]
check_eq "--pareto: one line per target (bits 2 3 4 5 6 8)" 6 "$(grep -c '^bits=' "$T/out")"
expect_fail_2 "bits=1 refused" "bits" "$SAFER" budget --target bits=1 --from "$T/scan.csv" -o "$T/x.cfg"
sed 's/^# weights_checksum: .*/# weights_checksum: 0123456789abcdef/' "$T/scan.csv" >"$T/oscan.csv"
expect_fail_2 "budget refuses another model's scan" "other weights" \
	"$SAFER" budget "${LIMIT[@]}" --target bits=4 --from "$T/oscan.csv" -o "$T/x.cfg"
grep -v ',quant,' "$T/scan.csv" >"$T/pscan.csv"
expect_fail_2 "bits target without quant rows" "no 'quant' rows" \
	"$SAFER" budget "${LIMIT[@]}" --target bits=4 --from "$T/pscan.csv" -o "$T/x.cfg"

finish
