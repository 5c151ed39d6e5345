#!/bin/sh
# bench_imagenet.sh - `make bench`'s ImageNet-size rows: Debian's tiny,
# darknet19 and resnet50 cfgs with seeded random weights (speed only; made
# once by mkweights into BENCH_DIR), timed by `bench --big`; then the whole
# process of `safer eval` against `darknet classifier valid` on ImageNet
# photographs, which must print the same top-1 and top-5.
#
#   bench_imagenet.sh [--quick]
#
# Environment (make bench sets them): BENCH, MKWEIGHTS, SAFER, BENCH_DIR,
# DARKNET_CFG_DIR, BENCH_PHOTOS (a directory of ImageNet JPEGs whose names
# start with the synset id, or a git mirror of one; the row is skipped with
# a message when it is absent), BENCH_EVAL_NET (default tiny),
# BENCH_EVAL_WEIGHTS (trained weights for that network, e.g. pjreddie's
# tiny.weights: then top-1/top-5 compare real predictions, not chance).
set -u
quick=
[ "${1:-}" = --quick ] && quick=--quick
: "${DARKNET_CFG_DIR:=/usr/share/darknet/cfg}" "${BENCH_EVAL_NET:=tiny}"
: "${BENCH_PHOTOS:=/work/.mirror/EliSchwartz+imagenet-sample-images/repo}"
data_dir=$(dirname "$DARKNET_CFG_DIR")/data
mkdir -p "$BENCH_DIR" || exit 2
status=0

echo
echo "== ImageNet-size networks: seeded random weights (speed only), random images"
args=
for n in tiny darknet19 resnet50; do
	cfg=$DARKNET_CFG_DIR/$n.cfg w=$BENCH_DIR/$n.weights
	if [ ! -r "$cfg" ]; then
		echo "$n: skipped, $cfg is missing"
		continue
	fi
	[ -s "$w" ] || "$MKWEIGHTS" "$cfg" "$w" 1 || exit 2
	args="$args $n $cfg $w"
done
# shellcheck disable=SC2086 # the names and paths have no blanks
[ -n "$args" ] && { "$BENCH" --big $quick $args || status=1; }

echo
net=$BENCH_EVAL_NET cfg=$DARKNET_CFG_DIR/$BENCH_EVAL_NET.cfg w=${BENCH_EVAL_WEIGHTS:-$BENCH_DIR/$BENCH_EVAL_NET.weights}
count=1000
[ -n "$quick" ] && count=200
echo "== safer eval vs darknet classifier valid: $count photographs, $net, weights $w"
photos=$BENCH_PHOTOS
if [ -d "$photos" ] && [ -z "$(find "$photos" -maxdepth 1 -name '*.JPEG' | head -n 1)" ] &&
    git --git-dir="$photos" rev-parse --verify -q HEAD >/dev/null 2>&1; then
	# a bare mirror: its photographs, extracted once
	if [ ! -d "$BENCH_DIR/photos" ]; then
		mkdir -p "$BENCH_DIR/photos.tmp" &&
		    git --git-dir="$photos" archive HEAD | tar -x -C "$BENCH_DIR/photos.tmp" --wildcards '*.JPEG' &&
		    mv "$BENCH_DIR/photos.tmp" "$BENCH_DIR/photos" || exit 2
	fi
	photos=$BENCH_DIR/photos
fi
if ! command -v darknet >/dev/null 2>&1; then
	echo "skipped: no darknet binary"
	exit $status
fi
if [ ! -d "$photos" ] || [ -z "$(find "$photos" -maxdepth 1 -name '*.JPEG' | head -n 1)" ] ||
    [ ! -s "$w" ] || [ ! -r "$data_dir/imagenet.labels.list" ]; then
	echo "skipped: no ImageNet photographs in $photos (set BENCH_PHOTOS), or no $w / $data_dir/imagenet.labels.list"
	exit $status
fi
list=$BENCH_DIR/valid.txt dataf=$BENCH_DIR/imagenet.data
find "$(cd "$photos" && pwd)" -maxdepth 1 -name '*.JPEG' | LC_ALL=C sort | head -n $count >"$list"
count=$(wc -l <"$list")
printf 'classes=1000\nvalid=%s\nlabels=%s\nnames=%s\ntop=5\n' "$list" \
    "$data_dir/imagenet.labels.list" "$data_dir/imagenet.shortnames.list" >"$dataf"

now() { date +%s.%N; }
# whole processes, each once, peak RSS by GNU time when there is one
timed() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%M' -o "$BENCH_DIR/rss" "$@"
	else
		echo 0 >"$BENCH_DIR/rss"
		"$@"
	fi
}
t0=$(now)
timed darknet classifier valid "$dataf" "$cfg" "$w" >"$BENCH_DIR/darknet.out" 2>"$BENCH_DIR/darknet.err" || {
	echo "darknet classifier valid failed, see $BENCH_DIR/darknet.err"
	exit 1
}
t1=$(now)
rss_dn=$(cat "$BENCH_DIR/rss")
timed "$SAFER" eval -c "$cfg" -w "$w" -d "$dataf" --json >"$BENCH_DIR/safer.json" 2>"$BENCH_DIR/safer.err" || {
	echo "safer eval failed: $(cat "$BENCH_DIR/safer.err")"
	exit 1
}
t2=$(now)
rss_sf=$(cat "$BENCH_DIR/rss")
# darknet's last line: "N-1: top 1: X, top 5: Y" (running means over N images)
dn=$(grep ': top 1: ' "$BENCH_DIR/darknet.out" | tail -n 1 | sed 's/.*top 1: \([0-9.]*\), top 5: \([0-9.]*\)/\1 \2/')
sf=$(sed -n 's/^  "top1": \(.*\),$/\1/p; s/^  "topk": \(.*\),$/\1/p' "$BENCH_DIR/safer.json" | tr '\n' ' ')
awk -v n="$count" -v dn="$dn" -v sf="$sf" -v t0="$t0" -v t1="$t1" -v t2="$t2" \
    -v rdn="$rss_dn" -v rsf="$rss_sf" 'BEGIN {
	split(dn, d, " "); split(sf, s, " ")
	same = sprintf("%.0f %.0f", d[1] * n, d[2] * n) == sprintf("%.0f %.0f", s[1] * n, s[2] * n)
	printf "7. eval        darknet classifier valid %7.1f s (%.1f images/s)  RSS %.0f MiB\n", t1 - t0, n / (t1 - t0), rdn / 1024
	printf "               safer eval               %7.1f s (%.1f images/s)  RSS %.0f MiB\n", t2 - t1, n / (t2 - t1), rsf / 1024
	printf "               ratio %.1fx (target >= 6x); top-1 %d/%d and top-5 %d/%d (darknet) vs %d/%d and %d/%d (safer): %s\n",
	    (t1 - t0) / (t2 - t1), d[1] * n + .5, n, d[2] * n + .5, n, s[1] * n + .5, n, s[2] * n + .5, n,
	    same ? "same" : "DIFFERENT"
	exit same ? 0 : 1
}' || status=1
exit $status
