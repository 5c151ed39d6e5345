#!/usr/bin/env bash
# detect_commands.sh - a detector goes through every command a classifier
# does, with mAP@.5 where a classifier has top-1: scan (its rows' mAP equals
# safer eval --budget of the same perturbation), rank (gradient criteria on
# Darknet's own detection loss), compare, a Pareto front, a budget from the
# scan, export, and the round
# trip: stock `darknet detector valid` on the exported weights gives boxes
# whose mAP is the one safer eval --budget reported.  Data without label
# files is measured by agreement with the unperturbed detector.
set -u
. "$(dirname "$0")/lib.sh"
require_darknet

make_detector "$T/det"
D=$T/det
M=(-c "$DET_CFG" -w "$DET_WEIGHTS" -d "$DET_DATA")

run "$SAFER" scan "${M[@]}" -p prune:0.3:0.9:0.3 -p quant:6,3 -o "$T/scan.csv"
check "scan on the detector (exit $RC: $(head -c 300 "$T/err"))" [ "$RC" -eq 0 ]
check "the scan file says its top1 column is mAP@.5" grep -qx '# metric: map50' "$T/scan.csv"
check_eq "9 weight layers x 5 levels = 45 rows" 45 "$(csv_rows "$T/scan.csv")"
base=$(sed -n 's/^# baseline_top1: //p' "$T/scan.csv")
run "$SAFER" eval "${M[@]}" --json
check_eq "the scan's baseline is eval's mAP@.5" "$base" "$(jq -r '.map50' "$T/out" | awk '{printf "%.6f", $1}')"
# one row against safer eval --budget of the same setting
row=$(awk -F, '$1 == 9 && $3 == "quant" && $4 == 3 { print $6 }' "$T/scan.csv")
printf '[layer 9]\nbits=3\n' >"$T/q3.budget"
run "$SAFER" eval "${M[@]}" --budget "$T/q3.budget" --json
check_eq "row (layer 9, quant 3) = eval --budget's mAP@.5" "$row" "$(jq -r '.map50' "$T/out" | awk '{printf "%.6f", $1}')"
check "eval --budget gives the paired drop interval and the agreement" \
	jq -e '(.drop_ci95 | length) == 2 and .agree_f1 >= 0 and .agree_f1 <= 1 and (.agree_iou_ci95 | length) == 2' "$T/out"
check "per image: 6 entries whose counts pool to the overall F1" jq -e '
	(.per_image | length) == 6 and
	((2 * ([.per_image[].matched] | add) / (([.per_image[].unperturbed] | add) + ([.per_image[].perturbed] | add))
	  - .agree_f1) | fabs) < 1e-12' "$T/out"
awk -F, '!/^#/ && NR > 1 && $6 != "top1" { if ($6 == "nan" || $7 == "nan" || $10 == "nan") bad++ } END { exit bad > 0 }' "$T/scan.csv"
check "every row has mAP, drop and agreement" [ $? -eq 0 ]

run "$SAFER" rank "${M[@]}" --samples 6 --grad-batch 2 -o "$T/rank.csv"
check "rank on the detector (exit $RC: $(head -c 300 "$T/err"))" [ "$RC" -eq 0 ]
check "gradient criteria on the detection loss are finite and not all zero" awk -F, '
	/^#/ { next } !h { for (i = 1; i <= NF; i++) if ($i == "grad") c = i; h = 1; next }
	{ if ($c + 0 != $c || $c == "nan") bad++; if ($c > 0) pos++ } END { exit !(c && !bad && pos > 0) }' "$T/rank.csv"
check "the rank file says the gradients are of Darknet's detection loss" \
	grep -q "^# loss: darknet detection loss" "$T/rank.csv"

run "$SAFER" compare --scan "$T/scan.csv" --rank "$T/rank.csv"
check "compare the detector's criteria with its scan (exit $RC)" eval '[ "$RC" -eq 0 ] && grep -q "Spearman" "$T/out"'
run "$SAFER" budget "${M[@]}" --target bits=5 --from "$T/scan.csv" --pareto
check "a Pareto front of the detector, in mAP@.5 (exit $RC)" eval '[ "$RC" -eq 0 ] && grep -q "mAP@.5%" "$T/out"'
run "$SAFER" budget "${M[@]}" --target bits=5 --from "$T/scan.csv" -o "$T/b.budget"
check "budget from the detector's scan (exit $RC: $(head -c 300 "$T/err"))" [ "$RC" -eq 0 ]
check "... printed in mAP@.5" grep -q "baseline mAP@.5" "$T/out"
run "$SAFER" export -c "$DET_CFG" -w "$DET_WEIGHTS" --budget "$T/b.budget" -o "$T/exp.weights"
check "export (exit $RC)" [ "$RC" -eq 0 ]
mkdir -p "$D/r2"
sed "s|^results=.*|results=$D/r2|" "$DET_DATA" >"$D/r2.data"
(cd "$D" && "$DARKNET_BIN" detector valid r2.data "$DET_CFG" "$T/exp.weights" >r2.log 2>&1) ||
	die "darknet detector valid on the exported weights failed: $(tail -3 "$D/r2.log")"
read -r _ dn50 _ <<<"$("$MAPFILES" "$D/names" "$D/valid.txt" "$D/r2")"
mkdir -p "$D/sres"
run "$SAFER" eval "${M[@]}" --budget "$T/b.budget" --stock --results "$D/sres" --json
st=$(jq -r .map50 "$T/out")
n=0
for c in dog person horse; do
	f=comp4_det_test_$c.txt
	n=$((n + $(wc -l <"$D/r2/$f")))
	check "round trip, class $c: stock Darknet's boxes on the exported weights are safer's under the budget ($(same_boxes "$D/r2/$f" "$D/sres/$f" 2e-6 2e-4 0))" \
		same_boxes "$D/r2/$f" "$D/sres/$f" 2e-6 2e-4 0
done
check "Darknet found boxes with the exported weights ($n)" [ "$n" -gt 100 ]
check "round trip: stock Darknet on the exported weights gives mAP@.5 $dn50 = safer eval --budget --stock $st" \
	awk_true "($st - $dn50)^2 < 1e-12"
run "$SAFER" eval "${M[@]}" --budget "$T/b.budget" --json
sf=$(jq -r .map50 "$T/out")
check "... and safer's kernels $sf within 1e-3" awk_true "($sf - $dn50)^2 < 1e-6"

# no label files: agreement only
mv "$D/labels" "$D/labels.away"
run "$SAFER" eval "${M[@]}" --budget "$T/q3.budget" --json
check "no label files: eval still runs (exit $RC)" [ "$RC" -eq 0 ]
check "... mAP is null and the agreement is there" jq -e '.map50 == null and .label_files == 0 and .agree_f1 >= 0' "$T/out"
run "$SAFER" rank "${M[@]}" --samples 6 --grad-batch 2 --criterion grad -o "$T/rank2.csv"
check "... rank's gradient criteria say they need ground truth ($(head -1 "$T/err"))" \
	eval '[ "$RC" -eq 2 ] && grep -q "need ground truth" "$T/err"'
mv "$D/labels.away" "$D/labels"

finish
