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
MAPFILES=${MAPFILES:-$BUILDDIR/tests/tools/mapfiles}
[ -x "$MAPFILES" ] || die "no $MAPFILES (make check builds it)"
case $T in *images*|*JPEGImages*|*raw*) die "scratch path $T would confuse Darknet's label rule; set TMPDIR" ;; esac

CFG=$SRCDIR/tests/data/det-small.cfg
D=$T/det
mkdir -p "$D/images" "$D/labels" "$D/results" "$D/backup" "$D/sres" "$D/stock"
for i in dog eagle giraffe horses person kite; do
	cp "/usr/share/darknet/data/$i.jpg" "$D/images/" || die "no Debian sample photograph $i.jpg"
done
printf '0 0.30 0.65 0.25 0.50\n1 0.75 0.20 0.30 0.20\n' >"$D/labels/dog.txt"
printf '2 0.5 0.5 0.6 0.7\n' >"$D/labels/horses.txt"
printf '1 0.35 0.5 0.15 0.6\n0 0.7 0.6 0.3 0.4\n' >"$D/labels/person.txt"
printf '\n2 0.5 0.45 0.5 0.8\n\n' >"$D/labels/giraffe.txt"
ls "$D"/images/*.jpg >"$D/valid.txt"
grep -v -e eagle -e kite "$D/valid.txt" >"$D/train.txt"	# Darknet's training needs every label file
printf 'dog\nperson\nhorse\n' >"$D/names"
cat >"$D/det.data" <<EOD
classes=3
train=$D/train.txt
valid=$D/valid.txt
names=$D/names
backup=$D/backup
results=$D/results
EOD

(cd "$D" && "$DARKNET_BIN" detector train det.data "$CFG" >train.log 2>&1) ||
	die "darknet detector train failed: $(tail -3 "$D/train.log")"
W=$D/backup/det-small_final.weights
[ -s "$W" ] || die "darknet wrote no $W"
(cd "$D" && "$DARKNET_BIN" detector valid det.data "$CFG" "$W" >valid.log 2>&1) ||
	die "darknet detector valid failed: $(tail -3 "$D/valid.log")"

run "$SAFER" eval -c "$CFG" -w "$W" -d "$D/det.data" --results "$D/sres" --json
check "safer eval on the detector (exit $RC: $(head -c 300 "$T/err"))" [ "$RC" -eq 0 ]
cp "$T/out" "$D/eval.json"

# same_boxes A B TOL_P TOL_C MAX_MISS: the lines of A (Darknet's) and B
# (safer's) paired one to one by image, score within TOL_P and corners
# within TOL_C pixels; at most MAX_MISS lines of either left without a
# partner.  Prints how many were.
same_boxes() {
	awk -v tp="$3" -v tc="$4" -v maxmiss="$5" '
		function near(a, b, t,    d) { d = a - b; if (d < 0) d = -d; return d <= t }
		FNR == NR { n++; id[n] = $1; for (k = 2; k <= 6; k++) v[n, k] = $k; byid[$1] = byid[$1] " " n; next }
		{
			found = 0; split(byid[$1], cand, " ")
			for (c in cand) {
				i = cand[c]
				if (used[i] || !near(v[i, 2], $2, tp)) continue
				if (!near(v[i, 3], $3, tc) || !near(v[i, 4], $4, tc) || !near(v[i, 5], $5, tc) || !near(v[i, 6], $6, tc)) continue
				used[i] = 1; found = 1; break
			}
			if (!found) miss++
			m++
		}
		END {
			for (i = 1; i <= n; i++) if (!used[i]) miss++
			printf "%d Darknet, %d safer, %d without a partner\n", n, m, miss
			exit miss > maxmiss
		}' "$1" "$2"
}
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
