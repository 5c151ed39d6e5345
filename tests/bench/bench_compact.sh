#!/usr/bin/env bash
# bench_compact.sh - `make bench` part "compact": what `safer export
# --compact` buys.  For each bundled classifier a prune-filter budget (below)
# is exported twice, zero-filled and compact; `safer info --time --json`
# then times the original and the compact network side by side in this run,
# per image on one thread, through stock Darknet's layer code (batch 1) and
# through safer's engine; and `darknet classifier valid`'s top-1 on the
# compact files is checked against `safer eval --budget` on 1,000 images.
#
# Environment: SAFER, SRCDIR, BENCH_DIR (scratch), MKDATASET, FMNIST_DIR.
set -u
: "${SAFER:?}" "${SRCDIR:?}" "${BENCH_DIR:?}"
FMNIST_DIR=${FMNIST_DIR:-/usr/share/datasets/fashion-mnist}
out=$BENCH_DIR/compact
mkdir -p "$out" || exit 2
status=0

echo
echo "== compact export: prune-filter budgets as smaller networks (one thread, ms per image)"
cat >"$out/plain.budget" <<'EOF'
[layer 0]
prune-filter=0.25
[layer 2]
prune-filter=0.5
[layer 4]
prune-filter=0.5
[layer 5]
prune-filter=0.25
[layer 6]
prune-filter=0.5
EOF
printf '[layer 1]\nprune-filter=0.5\n[layer 6]\nprune-filter=0.5\n[layer 11]\nprune-filter=0.5\n' >"$out/resnet.budget"

data=
if [ -n "${MKDATASET:-}" ] && [ -x "$MKDATASET" ] && command -v darknet >/dev/null; then
	mkdir -p "$out/png"
	[ -s "$out/png/test.data" ] || "$MKDATASET" "$FMNIST_DIR/t10k-images-idx3-ubyte.gz" \
		"$FMNIST_DIR/t10k-labels-idx1-ubyte.gz" "$SRCDIR/cfg/fashion-mnist.names" "$out/png" 1000 png >/dev/null
	data=$out/png/test.data
fi

for m in plain resnet; do
	cfg=$SRCDIR/cfg/fmnist-$m.cfg w=$SRCDIR/weights/fmnist-$m.weights
	"$SAFER" export -c "$cfg" -w "$w" -b "$out/$m.budget" -o "$out/$m.weights" --compact "$out/$m.cfg" \
		>/dev/null 2>"$out/$m.err" || {
		echo "$m: export --compact failed: $(cat "$out/$m.err")"
		status=1
		continue
	}
	"$SAFER" info -c "$cfg" -w "$w" --time --json >"$out/$m-full.json" 2>/dev/null &&
		"$SAFER" info -c "$out/$m.cfg" -w "$out/$m.weights" --time --json >"$out/$m-small.json" 2>/dev/null || {
		echo "$m: info --time failed"
		status=1
		continue
	}
	read -r fs fe fm fp <<<"$(jq -r '"\(.time.stock_ms) \(.time.engine_ms) \(.total_macs) \(.total_params)"' "$out/$m-full.json")"
	read -r ss se sm sp <<<"$(jq -r '"\(.time.stock_ms) \(.time.engine_ms) \(.total_macs) \(.total_params)"' "$out/$m-small.json")"
	awk -v m="$m" -v fs="$fs" -v fe="$fe" -v fm="$fm" -v fp="$fp" -v ss="$ss" -v se="$se" -v sm="$sm" -v sp="$sp" 'BEGIN {
		printf "%-7s params %d -> %d, MACs %d -> %d (%.1f%%)\n", m, fp, sp, fm, sm, 100 * sm / fm
		printf "        stock Darknet %.4f -> %.4f ms: %.2fx faster; safer engine %.4f -> %.4f ms: %.2fx faster\n",
		    fs, ss, fs / ss, fe, se, fe / se
	}'
	if [ -n "$data" ]; then
		sf=$("$SAFER" eval -c "$cfg" -w "$w" -d "$data" --budget "$out/$m.budget" --json 2>/dev/null | jq -r .top1)
		dn=$(cd "$out" && darknet classifier valid "$data" "$out/$m.cfg" "$out/$m.weights" 2>/dev/null |
			awk '/: top 1: / { t = $4 } END { sub(/,$/, "", t); print t }')
		same=$(awk -v a="$sf" -v b="$dn" 'BEGIN { print (a != "" && b != "" && sprintf("%.6f", a) == sprintf("%.6f", b)) ? "equal" : "DIFFERENT" }')
		echo "        top-1 on 1,000 images: safer eval --budget $sf, darknet classifier valid on the compact files $dn: $same"
		[ "$same" = equal ] || status=1
	fi
done
exit $status
