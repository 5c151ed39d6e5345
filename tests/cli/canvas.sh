#!/usr/bin/env bash
# canvas.sh - tools/safer-canvas, the detection set, and stock Darknet on it.
#
# 1. Deterministic: two runs with one seed write byte-identical images and
#    labels (into different directories), another seed writes other ones.
# 2. The files are what Darknet reads: one label file per image, lines
#    `class cx cy w h` with class 0..9 and the box inside the canvas; RGB
#    8-bit PNGs of 96..224 px sides, several sizes and aspect ratios;
#    valid.txt lists the images; the .data file names valid, names, results.
# 3. A bad OUTDIR (a regular file, a FIFO, a path with "images" in it, which
#    Darknet's label rule would misread) gives one line on stderr, exit 2,
#    and leaves the file alone.
# 4. Stock `darknet detector valid` runs the bundled detector on 20 test
#    canvases: it decodes every image, writes one results file per class, and
#    its confident detections find most garments (class right, IoU >= .5).
set -u
. "$(dirname "$0")/lib.sh"

CANVAS=${CANVAS:-$BUILDDIR/tools/safer-canvas}
YOLO_CFG=$SRCDIR/cfg/fmnist-yolo.cfg
YOLO_WEIGHTS=$SRCDIR/weights/fmnist-yolo.weights
[ -x "$CANVAS" ] || die "no $CANVAS (make tools/safer-canvas)"

# ---- 1. determinism -------------------------------------------------------------
run "$CANVAS" --seed 5 --count 30 "$T/a"
check_eq "safer-canvas --seed 5 --count 30 exits 0 ($(head -c 200 "$T/err"))" 0 "$RC"
run "$CANVAS" --seed 5 --count 30 "$T/b"
check "same seed twice: images and labels byte-identical" diff -r "$T/a/images" "$T/b/images"
check "same seed twice: labels byte-identical" diff -r "$T/a/labels" "$T/b/labels"
run "$CANVAS" --seed 6 --count 30 "$T/c"
differ=0
for i in $(seq -f %05g 0 29); do
	cmp -s "$T/a/images/$i.png" "$T/c/images/$i.png" || differ=$((differ + 1))
done
check_eq "another seed: every one of the 30 images differs" 30 "$differ"
run "$CANVAS" --seed 5 --count 30 --split train "$T/tr"
check "the train split composes other canvases" bash -c "! diff -rq '$T/a/labels' '$T/tr/labels' >/dev/null"

# ---- 2. the files ----------------------------------------------------------------
check_eq "30 images" 30 "$(find "$T/a/images" -name '*.png' | wc -l)"
check_eq "30 label files" 30 "$(find "$T/a/labels" -name '*.txt' | wc -l)"
check_eq "valid.txt lists the images, OUTDIR as given" \
	"$(printf '%s\n' "$T"/a/images/*.png)" "$(cat "$T/a/valid.txt")"
check_eq "the .data file" \
	"$(printf 'classes=10\nvalid=%s/valid.txt\nnames=%s/fashion-mnist.names\nresults=%s/results' "$T/a" "$T/a" "$T/a")" \
	"$(cat "$T/a/fmnist-det.data")"
check "the names file is cfg/fashion-mnist.names" cmp -s "$NAMES" "$T/a/fashion-mnist.names"
check "results/ exists for darknet" test -d "$T/a/results"

# png_size FILE: "WIDTH HEIGHT BITDEPTH COLOURTYPE" from the IHDR chunk
png_size() {
	od -An -tu1 -j16 -N10 "$1" | awk '{ print $1*2^24 + $2*2^16 + $3*256 + $4, $5*2^24 + $6*2^16 + $7*256 + $8, $9, $10 }'
}
for f in "$T"/a/images/*.png; do
	id=$(basename "$f" .png)
	echo "$id $(png_size "$f")"
done >"$T/sizes"
check_eq "every PNG is 8-bit RGB (colour type 2)" 30 "$(awk '$4 == 8 && $5 == 2' "$T/sizes" | wc -l)"
check "sides within 96..224" awk_true "$(awk '$2 < 96 || $2 > 224 || $3 < 96 || $3 > 224 { n++ } END { print n + 0 }' "$T/sizes") == 0"
check "several sizes and aspect ratios (landscape and portrait)" \
	awk_true "$(awk '$2 > $3 { l = 1 } $2 < $3 { p = 1 } END { print l + p }' "$T/sizes") == 2"
for f in "$T"/a/labels/*.txt; do
	sed "s|^|$(basename "$f" .txt) |" "$f"
done >"$T/boxes"
bad=$(awk 'NF != 6 || $2 !~ /^[0-9]$/ || $5 <= 0 || $6 <= 0 ||
	$3 - $5 / 2 < -1e-6 || $3 + $5 / 2 > 1 + 1e-6 || $4 - $6 / 2 < -1e-6 || $4 + $6 / 2 > 1 + 1e-6' "$T/boxes" | wc -l)
check_eq "every label line is 'class cx cy w h' with the box inside the canvas" 0 "$bad"
check "1..5 garments per canvas, 30 canvases" \
	awk_true "$(awk '{ n[$1]++ } END { for (i in n) if (n[i] < 1 || n[i] > 5) bad++; print length(n) == 30 && !bad }' "$T/boxes")"
check "at least 5 classes among the garments" awk_true "$(awk '{ c[$2] = 1 } END { print length(c) }' "$T/boxes") >= 5"
# boxes are the garments' tight boxes: even a flat sandal spans a few patch rows
check "no degenerate box (every side >= 2 px)" awk_true "$(join "$T/sizes" <(sort "$T/boxes") |
	awk '$9 * $2 < 2 || $10 * $3 < 2 { n++ } END { print n + 0 }') == 0"

run "$CANVAS" --count 2 --names "$NAMES" "$T/n"
check_eq "--names points names= at the given file" "names=$NAMES" "$(grep '^names=' "$T/n/fmnist-det.data")"
check "--names: no copy written" test ! -e "$T/n/fashion-mnist.names"

# ---- 3. bad OUTDIR ------------------------------------------------------------------
# bad_outdir DESC PATH: exit 2, one stderr line naming PATH, PATH unchanged
bad_outdir() {
	local before
	before=$(stat -c '%F %s %Y' "$2" 2>/dev/null)
	run timeout 20 "$CANVAS" --count 2 "$2"
	local lines
	lines=$(wc -l <"$T/err")
	if [ "$RC" -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF "$2: " "$T/err" &&
		[ "$(stat -c '%F %s %Y' "$2" 2>/dev/null)" == "$before" ]; then
		ok "$1: $(cat "$T/err")"
	else
		not_ok "$1: exit status $RC, $lines stderr lines: $(head -c 300 "$T/err")"
	fi
}
echo "keep me" >"$T/plainfile"
bad_outdir "OUTDIR a regular file" "$T/plainfile"
check_eq "the regular file is unchanged" "keep me" "$(cat "$T/plainfile")"
mkfifo "$T/fifo"
bad_outdir "OUTDIR a FIFO" "$T/fifo"
mkdir -p "$T/my-images"
bad_outdir "OUTDIR with \"images\" in its path" "$T/my-images/set"
check "nothing written under the refused path" test ! -e "$T/my-images/set"
bad_outdir "OUTDIR whose parent is missing" "$T/missing/set"
run "$CANVAS" --count 0 "$T/z"
check_eq "--count 0 refused (exit 2)" 2 "$RC"
run "$CANVAS" --split val "$T/z"
check_eq "--split val refused (exit 2)" 2 "$RC"

# ---- 4. stock Darknet on the bundled detector ------------------------------------------
require_darknet
[ -f "$YOLO_WEIGHTS" ] || die "no $YOLO_WEIGHTS"
run "$CANVAS" --seed 1 --count 20 "$T/v"
(cd "$T" && timeout 300 "$DARKNET_BIN" detector valid "$T/v/fmnist-det.data" "$YOLO_CFG" "$YOLO_WEIGHTS" \
	>"$T/dn.out" 2>"$T/dn.err")
check_eq "darknet detector valid exits 0 ($(tail -2 "$T/dn.err" | tr '\n' ' '))" 0 "$?"
check "darknet decoded every canvas (no 'Cannot load image')" bash -c "! grep -q 'Cannot load' '$T/dn.err'"
check_eq "one results file per class" 10 "$(find "$T/v/results" -name 'comp4_det_test_*.txt' | wc -l)"
for k in $(sed 's/\r$//' "$NAMES"); do
	[ -f "$T/v/results/comp4_det_test_$k.txt" ] || not_ok "no results file for class $k"
done
# recall: a ground-truth box counts as found when a detection of its class with
# score >= .25 overlaps it at IoU >= .5 (results: id score x0 y0 x1 y1 in
# pixels, VOC's +1 convention)
for f in "$T"/v/images/*.png; do echo "$(basename "$f" .png) $(png_size "$f")"; done >"$T/vsizes"
k=0
for n in $(sed 's/\r$//' "$NAMES"); do
	awk -v k=$k '$2 > .25 { print k, $0 }' "$T/v/results/comp4_det_test_$n.txt"
	k=$((k + 1))
done >"$T/dets"
for f in "$T"/v/labels/*.txt; do sed "s|^|$(basename "$f" .txt) |" "$f"; done >"$T/vboxes"
found=$(awk 'FILENAME ~ /vsizes$/ { W[$1] = $2; H[$1] = $3; next }
	FILENAME ~ /dets$/ { n++; dk[n] = $1; di[n] = $2; x0[n] = $4 - 1; y0[n] = $5 - 1; x1[n] = $6 - 1; y1[n] = $7 - 1; next }
	{
		w = W[$1]; h = H[$1]; a0 = ($3 - $5 / 2) * w; a1 = ($3 + $5 / 2) * w; b0 = ($4 - $6 / 2) * h; b1 = ($4 + $6 / 2) * h
		hit = 0
		for (i = 1; i <= n; i++) {
			if (di[i] != $1 || dk[i] != $2) continue
			ix = (a1 < x1[i] ? a1 : x1[i]) - (a0 > x0[i] ? a0 : x0[i])
			iy = (b1 < y1[i] ? b1 : y1[i]) - (b0 > y0[i] ? b0 : y0[i])
			if (ix <= 0 || iy <= 0) continue
			u = (a1 - a0) * (b1 - b0) + (x1[i] - x0[i]) * (y1[i] - y0[i]) - ix * iy
			if (ix * iy / u >= .5) hit = 1
		}
		found += hit; all++
	}
	END { printf "%d %d", found, all }' "$T/vsizes" "$T/dets" "$T/vboxes")
check "darknet's detections (score >= .25) find >= 75% of the garments with the right class at IoU .5 ($found)" \
	awk_true "${found% *} >= 0.75 * ${found#* }"

finish
