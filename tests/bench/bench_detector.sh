#!/bin/sh
# bench_detector.sh - `make bench`'s detector rows: Debian's yolov3-tiny at
# 416x416 and the bundled detector, with seeded random weights (speed only;
# made once by mkweights into BENCH_DIR), timed by `bench --big` (stock
# network_predict plus detector valid's boxes against the engine's pass,
# share of the sgemm ceiling, the heads' outputs against network_predict);
# then one `safer scan` row of the bundled detector on 1,000 canvases.
#
#   bench_detector.sh [--quick]
#
# Environment (make bench sets them): BENCH, MKWEIGHTS, SAFER,
# BENCH_DIR, DARKNET_CFG_DIR, SRCDIR; BENCH_DET_CFG (default
# cfg/fmnist-yolo.cfg when it exists, else tests/data/det-small.cfg),
# BENCH_DET_WEIGHTS (default weights/fmnist-yolo.weights for that cfg when
# it exists, else seeded random ones), SAFER_CANVAS (default
# tools/safer-canvas of the build: the canvases
# from Fashion-MNIST), BENCH_DET_LAYER (the scan row's layer, default 0:
# the whole network runs again).
set -u
quick=
[ "${1:-}" = --quick ] && quick=--quick
: "${DARKNET_CFG_DIR:=/usr/share/darknet/cfg}" "${SRCDIR:=.}" "${BENCH_DET_LAYER:=0}"
: "${FMNIST_DIR:=/usr/share/datasets/fashion-mnist}"
mkdir -p "$BENCH_DIR" || exit 2
status=0

if [ -z "${BENCH_DET_CFG:-}" ]; then
	BENCH_DET_CFG=$SRCDIR/tests/data/det-small.cfg
	[ -r "$SRCDIR/cfg/fmnist-yolo.cfg" ] && BENCH_DET_CFG=$SRCDIR/cfg/fmnist-yolo.cfg
fi
det=$(basename "$BENCH_DET_CFG" .cfg)
trained=
if [ -z "${BENCH_DET_WEIGHTS:-}" ] && [ "$det" = fmnist-yolo ] && [ -s "$SRCDIR/weights/fmnist-yolo.weights" ]; then
	BENCH_DET_WEIGHTS=$SRCDIR/weights/fmnist-yolo.weights
fi
if [ -n "${BENCH_DET_WEIGHTS:-}" ]; then
	trained=yes
else
	BENCH_DET_WEIGHTS=$BENCH_DIR/$det.weights
	[ -s "$BENCH_DET_WEIGHTS" ] || "$MKWEIGHTS" "$BENCH_DET_CFG" "$BENCH_DET_WEIGHTS" 1 || exit 2
fi

echo
echo "== Detectors: seeded random weights (speed only; each head lets the first anchor's boxes through), random images"
args=
cfg=$DARKNET_CFG_DIR/yolov3-tiny.cfg w=$BENCH_DIR/yolov3-tiny.weights
if [ -r "$cfg" ]; then
	[ -s "$w" ] || "$MKWEIGHTS" "$cfg" "$w" 1 || exit 2
	args="yolov3-tiny $cfg $w"
else
	echo "yolov3-tiny: skipped, $cfg is missing"
fi
# shellcheck disable=SC2086 # the names and paths have no blanks
"$BENCH" --big $quick $args "$det" "$BENCH_DET_CFG" "$BENCH_DET_WEIGHTS" || status=1

# The canvases: 1,000 test canvases of tools/safer-canvas.
echo
count=1000
cv=$BENCH_DIR/canvas
: "${SAFER_CANVAS:=$(dirname "$SAFER")/../tools/safer-canvas}"
data=$cv/fmnist-det.data
[ -s "$data" ] || { rm -rf "$cv" && "$SAFER_CANVAS" --count $count --split test "$cv" >/dev/null; } || exit 2
made="tools/safer-canvas --count $count --split test"
weights_note="trained weights $BENCH_DET_WEIGHTS"
[ -z "$trained" ] && weights_note="seeded random weights (mAP near 0: only the time counts)"
echo "== safer scan -p prune:0.5 --layers $BENCH_DET_LAYER: $det, $count canvases ($made), exact mAP, $weights_note"
out=$BENCH_DIR/det-scan.csv
now() { date +%s.%N; }
t0=$(now)
"$SAFER" scan -c "$BENCH_DET_CFG" -w "$BENCH_DET_WEIGHTS" -d "$data" -p prune:0.5 --layers "$BENCH_DET_LAYER" \
    -o "$out" --force >"$BENCH_DIR/det-scan.out" 2>"$BENCH_DIR/det-scan.err" || {
	echo "safer scan failed: $(head -n 3 "$BENCH_DIR/det-scan.err")"
	exit 1
}
t1=$(now)
# the row's own seconds (the engine's pass over the canvases with layer L pruned)
row=$(awk -F, '/^layer,/ { for (i = 1; i <= NF; i++) if ($i == "seconds") c = i; next }
	!/^#/ && c { print $c; exit }' "$out")
base=$(sed -n 's/^# baseline_top1: //p' "$out")
metric=$(sed -n 's/^# metric: //p' "$out")
awk -v t0="$t0" -v t1="$t1" -v row="${row:-nan}" -v base="$base" -v metric="$metric" 'BEGIN {
	printf "8. det scan    the row (%d images, layer pruned, exact mAP and its bootstrap) %.2f s: %s 2 s;" \
	    " whole process (decoding, baseline pass, the row) %.2f s; baseline %s %s\n",
	    '$count', row, row < 2 ? "under" : "NOT under", t1 - t0, metric, base
}'
exit $status
