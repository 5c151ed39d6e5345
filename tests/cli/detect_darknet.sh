#!/usr/bin/env bash
# detect_darknet.sh - a detector's boxes as stock Darknet computes them.
#
# The test writes a small YOLOv3-style cfg (tests/data/det-small.cfg: two
# [yolo] heads, [upsample], a two-input [route], [shortcut], a grouped
# convolution), trains it for 100 batches with `darknet detector train`
# on Debian's sample photographs with hand-written Darknet label files,
# then holds `safer eval --results` against `darknet detector valid` on the
# same weights and photographs (letterbox, thresh .005, nms .45): the same
# boxes, class by class, scores equal and corners within 1e-4; the mAP
# safer prints equals the mAP of Darknet's own results files; label files
# are found as Darknet finds them, a missing one is an image without
# objects, a malformed one is refused naming file and line.
set -u
. "$(dirname "$0")/lib.sh"
require_darknet

make_detector "$T/det"
D=$T/det CFG=$DET_CFG W=$DET_WEIGHTS
mkdir -p "$D/results" "$D/sres" "$D/stock"
(cd "$D" && "$DARKNET_BIN" detector valid det.data "$CFG" "$W" >valid.log 2>&1) ||
	die "darknet detector valid failed: $(tail -3 "$D/valid.log")"

run "$SAFER" eval -c "$CFG" -w "$W" -d "$D/det.data" --results "$D/sres" --json
check "safer eval on the detector (exit $RC: $(head -c 300 "$T/err"))" [ "$RC" -eq 0 ]
cp "$T/out" "$D/eval.json"

# Darknet's own layer code in safer (--stock): the same boxes, one for one
run "$SAFER" eval -c "$CFG" -w "$W" -d "$D/det.data" --results "$D/stock" --stock --json
check "safer eval --stock (exit $RC)" [ "$RC" -eq 0 ]
cp "$T/out" "$D/stock.json"
total=0
for c in dog person horse; do
	f=comp4_det_test_$c.txt
	total=$((total + $(wc -l <"$D/results/$f")))
	check "--stock, class $c: Darknet's boxes, scores and corners to the printed digit ($(same_boxes "$D/results/$f" "$D/stock/$f" 2e-6 2e-4 0))" \
		same_boxes "$D/results/$f" "$D/stock/$f" 2e-6 2e-4 0
done
check "Darknet wrote boxes at all ($total), so the comparison can fail" [ "$total" -gt 100 ]
# safer's kernels: OpenBLAS sums in another order, outputs move by ~1e-6,
# so scores agree within 1e-4 and corners within 1e-4 of the image size;
# a box whose score sits at the threshold, or whose overlap sits at the NMS
# threshold, may fall on the other side (at most 1% of them)
for c in dog person horse; do
	f=comp4_det_test_$c.txt
	n=$(wc -l <"$D/results/$f")
	check "class $c: safer's boxes are Darknet's within 1e-4 ($(same_boxes "$D/results/$f" "$D/sres/$f" 1e-4 0.135 $((n / 100))))" \
		same_boxes "$D/results/$f" "$D/sres/$f" 1e-4 0.135 $((n / 100))
done

read -r _ dn50 _ dn5095 _ <<<"$("$MAPFILES" "$D/names" "$D/valid.txt" "$D/results")"
st50=$(jq -r .map50 "$D/stock.json")
st5095=$(jq -r .map50_95 "$D/stock.json")
check "--stock: mAP@.5 of safer ($st50) = mAP@.5 of Darknet's results files ($dn50)" awk_true "($st50 - $dn50)^2 < 1e-12"
check "--stock: mAP@.5:.95 of safer ($st5095) = Darknet's files' ($dn5095)" awk_true "($st5095 - $dn5095)^2 < 1e-12"
sf50=$(jq -r .map50 "$D/eval.json")
sf5095=$(jq -r .map50_95 "$D/eval.json")
check "safer's kernels: mAP@.5 ($sf50) within 1e-3 of Darknet's files' ($dn50)" awk_true "($sf50 - $dn50)^2 < 1e-6"
check "safer's kernels: mAP@.5:.95 ($sf5095) within 1e-3 of Darknet's files' ($dn5095)" awk_true "($sf5095 - $dn5095)^2 < 1e-6"
check_eq "6 images, 6 objects in 4 label files (eagle and kite have none)" "6 6 4" \
	"$(jq -r '"\(.images) \(.objects) \(.label_files)"' "$D/eval.json")"
check "json has the ap50 of each class and an interval" \
	jq -e '(.ap50 | keys | length) == 3 and (.map50_ci95 | length) == 2' "$D/eval.json"

# thresholds are the user's: a higher one keeps fewer boxes, with --nms 0 more
run "$SAFER" eval -c "$CFG" -w "$W" -d "$D/det.data" --results "$D/sres" --thresh 0.02 --json
n3=$(cat "$D"/sres/*.txt | wc -l)
check "--thresh 0.02 keeps fewer boxes ($n3 < $total)" [ "$n3" -lt "$total" ]
run "$SAFER" eval -c "$CFG" -w "$W" -d "$D/det.data" --results "$D/sres" --nms 0 --json
n0=$(cat "$D"/sres/*.txt | wc -l)
check "--nms 0 keeps more boxes ($n0 > $total)" [ "$n0" -gt "$total" ]

# The bundled detector (cfg/fmnist-yolo.cfg) on 100 test canvases that
# tools/safer-canvas writes: Darknet's boxes again, and a detector that
# detects (mAP@.5 well above chance on these few canvases)
CANVAS=${CANVAS:-$BUILDDIR/tools/safer-canvas}
YOLO_CFG=$SRCDIR/cfg/fmnist-yolo.cfg YOLO_WEIGHTS=$SRCDIR/weights/fmnist-yolo.weights
[ -x "$CANVAS" ] || die "no $CANVAS (make builds it)"
run "$CANVAS" --seed 3 --count 100 "$T/cv"
check "safer-canvas wrote 100 test canvases (exit $RC)" [ "$RC" -eq 0 ]
CV=$T/cv
(cd "$CV" && "$DARKNET_BIN" detector valid fmnist-det.data "$YOLO_CFG" "$YOLO_WEIGHTS" >valid.log 2>&1) ||
	die "darknet detector valid on the canvases failed: $(tail -3 "$CV/valid.log")"
mkdir -p "$CV/sres" "$CV/stock"
run "$SAFER" eval -c "$YOLO_CFG" -w "$YOLO_WEIGHTS" -d "$CV/fmnist-det.data" --results "$CV/stock" --stock --json
cp "$T/out" "$CV/stock.json"
run "$SAFER" eval -c "$YOLO_CFG" -w "$YOLO_WEIGHTS" -d "$CV/fmnist-det.data" --results "$CV/sres" --json
cp "$T/out" "$CV/eval.json"
nb=0 miss_s=0 miss_f=0
for f in "$CV"/results/comp4_det_test_*.txt; do
	b=$(basename "$f")
	n=$(wc -l <"$f")
	nb=$((nb + n))
	same_boxes "$f" "$CV/stock/$b" 2e-6 2e-4 0 >/dev/null || miss_s=$((miss_s + 1))
	same_boxes "$f" "$CV/sres/$b" 1e-4 0.03 $((n / 100)) >/dev/null || miss_f=$((miss_f + 1))
done
check "bundled detector: Darknet wrote $nb boxes in 10 class files" [ "$nb" -gt 1000 ]
check "... --stock gives Darknet's boxes in every class file ($miss_s files differ)" [ "$miss_s" -eq 0 ]
check "... safer's kernels give them within 1e-4 ($miss_f files differ)" [ "$miss_f" -eq 0 ]
read -r _ dn50 _ <<<"$("$MAPFILES" "$CV/fashion-mnist.names" "$CV/valid.txt" "$CV/results")"
st50=$(jq -r .map50 "$CV/stock.json")
sf50=$(jq -r .map50 "$CV/eval.json")
check "... mAP@.5 of Darknet's files $dn50 = safer --stock $st50" awk_true "($st50 - $dn50)^2 < 1e-12"
check "... = safer's kernels $sf50 within 1e-3" awk_true "($sf50 - $dn50)^2 < 1e-6"
check "... the bundled detector detects: mAP@.5 $sf50 > 0.6" awk_true "$sf50 > 0.6"

# bad label files: refused with file and line, exit 2, nothing changed
cp "$D/labels/horses.txt" "$T/horses.keep"
printf '2 0.5 0.5 0.6 0.7\n7 0.5 0.5 0.1 0.1\n' >"$D/labels/horses.txt"
run "$SAFER" eval -c "$CFG" -w "$W" -d "$D/det.data"
check_eq "a class outside the names: exit 2" 2 "$RC"
check "... naming file and line ($(head -1 "$T/err"))" grep -q "labels/horses.txt:2: the class must be" "$T/err"
printf '2 0.5 0.5 0.6\n' >"$D/labels/horses.txt"
run "$SAFER" eval -c "$CFG" -w "$W" -d "$D/det.data"
check "four fields: exit 2 naming line 1 ($(head -1 "$T/err"))" \
	eval '[ "$RC" -eq 2 ] && grep -q "labels/horses.txt:1: expected 5 fields" "$T/err"'
printf '2 0.5 nan 0.6 0.7\n' >"$D/labels/horses.txt"
run "$SAFER" eval -c "$CFG" -w "$W" -d "$D/det.data"
check "a NaN coordinate: exit 2 ($(head -1 "$T/err"))" \
	eval '[ "$RC" -eq 2 ] && grep -q "labels/horses.txt:1: cx cy w h must be finite" "$T/err"'
rm "$D/labels/horses.txt"
mkfifo "$D/labels/horses.txt"
run "$SAFER" eval -c "$CFG" -w "$W" -d "$D/det.data"
check "a FIFO for a label file: exit 2, no hang ($(head -1 "$T/err"))" \
	eval '[ "$RC" -eq 2 ] && grep -q "labels/horses.txt: not a regular file" "$T/err"'
rm "$D/labels/horses.txt"
cp "$T/horses.keep" "$D/labels/horses.txt"

# a detector without a detection set, a classifier with one
run "$SAFER" eval -c "$CFG" -w "$W"
check "a detector on the default (classification) data: exit 2 ($(head -1 "$T/err"))" \
	eval '[ "$RC" -eq 2 ] && grep -q "a detector needs a detection data set" "$T/err"'
run "$SAFER" eval -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" -d "$D/det.data" --results "$D/sres"
check "--results with a classifier: exit 2" [ "$RC" -eq 2 ]

finish
