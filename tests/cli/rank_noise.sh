#!/usr/bin/env bash
# rank_noise.sh - rankings with their noise (issue 18) on the bundled plain
# CNN with 300 images:
#  - ties by construction: quant:16 changes no image on any layer, so every
#    draw of the bootstrap gives every layer drop 0: rank 3.5, interval
#    3.5-3.5, each tied with the 5 others;
#  - a clear order: prune:0.9 on layer 0 (about 66 points) ranks 1, interval
#    1-1, tied with no layer; every interval lies in 1..6; ties are symmetric;
#  - JSON holds the same ranks; the table ends with the ranking, marks ties
#    with "≈" and shows "none" for a negative drop whose interval reaches 0
#    (layer 6 at prune:0.9 here), with the legend;
#  - a file without the rank columns (an older safer) still reads: compare
#    takes it, --resume continues it and ranks it at the end; a ranked file
#    continued with another level keeps the other levels' ranks;
#  - compare: every rho and tau inside its 95% interval (CSV rows, JSON means),
#    the intervals table, and l2 and params (the same order on this model)
#    indistinguishable from each other.
set -u
. "$(dirname "$0")/lib.sh"

LIMIT=(--limit 300)
run "$SAFER" scan -p quant:16 -p prune:0.9 "${LIMIT[@]}" -o "$T/s.csv"
[ "$RC" -eq 0 ] || die "scan failed: $(cat "$T/err")"
check "s.csv is well formed" csv_wellformed "$T/s.csv"
check_eq "column line: ranked" "$CSV_RANKED_COLUMNS" "$(grep -v '^#' "$T/s.csv" | head -1)"

# layer,kind,level,drop,drop_hi,rank,rank_lo,rank_hi,tied_with
rows() { awk -F, '/^#/ || !n++ { next } { print $1, $3, $4, $7, $9, $14, $15, $16, $17 }' "$1"; }
rows "$T/s.csv" >"$T/rows"
check_eq "quant:16: every layer rank 3.5, interval 3.5-3.5, tied with the 5 others" "" \
	"$(awk '$2 == "quant" && ($6 != 3.5 || $7 != 3.5 || $8 != 3.5 || split($9, a, ";") != 5)' "$T/rows")"
check_eq "prune:0.9: layer 0 ranks 1 (1-1), tied with none" "1 1 1 -" \
	"$(awk '$2 == "prune" && $1 == 0 { print $6, $7, $8, $9 }' "$T/rows")"
check_eq "intervals within 1..6, lo <= hi" "" \
	"$(awk '!($7 >= 1 && $7 <= $8 && $8 <= 6)' "$T/rows")"
check_eq "ties are symmetric" "" "$(awk '
	{ n = split($9, a, ";"); for (i = 1; i <= n; i++) if (a[i] != "-") t[$2 " " $3 " " $1 " " a[i]] = 1 }
	END { for (k in t) { split(k, f, " "); if (!((f[1] " " f[2] " " f[4] " " f[3]) in t)) print k } }' "$T/rows")"
check_eq "layer 6 at prune:0.9: a small negative drop whose interval reaches 0" 1 \
	"$(awk '$2 == "prune" && $1 == 6 && $4 < 0 && $5 >= 0 { print 1 }' "$T/rows")"

run "$SAFER" scan -p quant:16 -p prune:0.9 "${LIMIT[@]}" --json
check "scan --json exits 0" [ "$RC" -eq 0 ]
check_eq "JSON ranks = the file's" "$(awk '{ print $1, $6, $7, $8, $9 }' "$T/rows")" \
	"$(jq -r '.rows[] | "\(.layer) \(.rank) \(.rank_lo) \(.rank_hi) \(.tied_with)"' "$T/out")"

run "$SAFER" scan -p quant:16 -p prune:0.9 "${LIMIT[@]}" --wide
check "the table ends with the ranking" grep -q "^ranking by drop" "$T/out"
check "ties marked with ≈" grep -q "≈ 0;2;4;5;6" "$T/out"
check_eq "layer 6 at prune:0.9: 'none' in the drop column" none \
	"$(awk '$1 == 6 && $3 == "prune" && $4 == 0.9 && NF > 8 { print $7; exit }' "$T/out")"
check "the legend says what none means" grep -q "^none: no measurable effect" "$T/out"
check_eq "no other row shows none" 1 "$(awk '$7 == "none"' "$T/out" | wc -l)"

# ---- an older file: no rank columns ---------------------------------------------------
awk -F, -v OFS=, '/^#/ { print; next } { NF = 13; print }' "$T/s.csv" | grep -v '^[0-9]*,[a-z]*,prune' >"$T/old.csv"
check_eq "old.csv: the unranked column line" "$CSV_COLUMNS" "$(grep -v '^#' "$T/old.csv" | head -1)"
run "$SAFER" rank -C magnitude,l2,params "${LIMIT[@]}" -o "$T/r.csv"
[ "$RC" -eq 0 ] || die "rank failed: $(cat "$T/err")"
run "$SAFER" compare --scan "$T/old.csv" --rank "$T/r.csv"
check "compare reads a scan file without rank columns" [ "$RC" -eq 0 ]
run "$SAFER" scan -p quant:16 -p prune:0.9 "${LIMIT[@]}" -o "$T/old.csv" --resume
check "--resume continues it" [ "$RC" -eq 0 ]
check_eq "and ranks it at the end: the same ranks as a fresh scan" "$(awk '{ print $1, $2, $6, $7, $8, $9 }' "$T/rows")" \
	"$(rows "$T/old.csv" | awk '{ print $1, $2, $6, $7, $8, $9 }')"

# a ranked file continued with another level: ranked again at the end, each
# level's ranks its own (seeded by the seed, kind and level)
cp "$T/s.csv" "$T/more.csv"
run "$SAFER" scan -p quant:16 -p prune:0.9 -p prune:0.5 "${LIMIT[@]}" -o "$T/more.csv" --resume
check "--resume of a ranked file adds prune:0.5" [ "$RC" -eq 0 ]
check_eq "every row ranked" 0 "$(rows "$T/more.csv" | awk '$6 == "nan"' | wc -l)"
check_eq "quant:16 and prune:0.9 keep their ranks" "$(awk '{ print $1, $2, $3, $6, $7, $8, $9 }' "$T/rows")" \
	"$(rows "$T/more.csv" | awk '$3 != 0.5 { print $1, $2, $3, $6, $7, $8, $9 }')"

# ---- compare -------------------------------------------------------------------------
run "$SAFER" scan -p prune:0.5,0.9 -p quant:4,2 "${LIMIT[@]}" -o "$T/c.csv"
[ "$RC" -eq 0 ] || die "scan failed: $(cat "$T/err")"
run "$SAFER" compare --scan "$T/c.csv" --rank "$T/r.csv" -o "$T/cmp.csv"
check "compare -o exits 0" [ "$RC" -eq 0 ]
check_eq "CSV columns" "kind,level,layers,criterion,spearman,kendall,topk,k,spearman_lo,spearman_hi,kendall_lo,kendall_hi" \
	"$(grep -v '^#' "$T/cmp.csv" | head -1)"
check_eq "every rho and tau inside its 95% interval" "" "$(awk -F, '/^#/ || !n++ { next }
	$5 != "nan" && !($9 <= $5 && $5 <= $10) { print "rho", $0 }
	$6 != "nan" && !($11 <= $6 && $6 <= $12) { print "tau", $0 }' "$T/cmp.csv")"
run "$SAFER" compare --scan "$T/c.csv" --rank "$T/r.csv" --json
check "compare --json exits 0" [ "$RC" -eq 0 ]
check_eq "JSON means inside their intervals" "" "$(jq -r '.summary[] | select(.mean_spearman != null) |
	select(.mean_spearman < .mean_spearman_lo or .mean_spearman > .mean_spearman_hi or
	.mean_kendall < .mean_kendall_lo or .mean_kendall > .mean_kendall_hi) | .criterion' "$T/out")"
check_eq "l2 and params: the same order, indistinguishable" "true" \
	"$(jq -r '[.summary[] | select(.criterion == "l2" or .criterion == "params") | .indistinguishable_from_best] |
	map(select(. != null)) | .[0]' "$T/out")"
run "$SAFER" compare --scan "$T/c.csv" --rank "$T/r.csv"
check "the intervals table" grep -q "^Mean agreement over levels, 95% paired bootstrap intervals" "$T/out"
check "the reading names the interval" grep -q "mean Spearman [-0-9.]* (95% \[" "$T/out"
check "within noise marked ≈" grep -q "≈ best (within noise)" "$T/out"

finish
