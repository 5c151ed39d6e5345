#!/usr/bin/env bash
# export_compact.sh - `safer export --compact`: a budget's prune-filter
# settings as a smaller network that stock Darknet runs.
#
#  - plain CNN (convolutions, a 1x1, connected layers): the compact cfg
#    differs from the original only in filters=/output= lines; stock
#    Darknet's outputs on 1,000 test images equal the zero-filled export's
#    within 1e-5 with the same top-1 on every image (tests/tools/outdiff);
#    `darknet classifier valid` on the compact files gives exactly the top-1
#    and top-2 that `safer eval --budget` reports; fewer parameters and MACs;
#  - residual CNN: the first convolution of each block narrowed, same
#    checks; a convolution feeding a [shortcut] refused, nothing written;
#  - the bundled detector's layer 17: every [yolo] head's output within 1e-5
#    of the zero-filled export's on 30 canvases;
#  - refusals (exit 2, one line, nothing written): no prune-filter, the
#    layer before a [softmax], --compact naming -o, a FIFO as --compact.
set -u
. "$(dirname "$0")/lib.sh"
require_darknet

OUTDIFF=${OUTDIFF:-$BUILDDIR/tests/tools/outdiff}
[ -x "$OUTDIFF" ] || die "no $OUTDIFF (make check builds it)"

N=1000
make_dataset "$T/png" $N png

# outdiff_ok DESC CFG_A W_A CFG_B W_B DATA [detector]
outdiff_ok() {
	local desc=$1 line
	shift
	line=$("$OUTDIFF" "$@" 2>"$T/outdiff.err") || {
		not_ok "$desc: outdiff failed: $(cat "$T/outdiff.err")"
		return
	}
	read -r _ n _ v _ worst _ t1 <<<"$line"
	check "$desc: $n images, $v outputs, largest difference $worst <= 1e-5, $t1 top-1 differ" \
		awk_true "$worst <= 1e-5 && $t1 == 0 && $n > 0"
}

# compact_round_trip NAME CFG WEIGHTS BUDGET: the checks every model gets
compact_round_trip() {
	local name=$1 cfg=$2 w=$3 b=$4
	run "$SAFER" export -c "$cfg" -w "$w" -b "$b" -o "$T/$name-zero.weights"
	check "$name: zero-filled export (exit $RC)" [ "$RC" -eq 0 ]
	run "$SAFER" export -c "$cfg" -w "$w" -b "$b" -o "$T/$name.weights" --compact "$T/$name.cfg"
	check "$name: compact export (exit $RC): $(head -c 300 "$T/out")" [ "$RC" -eq 0 ]
	check "$name: ... says what it removed" grep -q "filters removed in [0-9]* layers" "$T/out"
	local changed
	changed=$(diff "$cfg" "$T/$name.cfg" | grep '^[<>]' | grep -cv '^[<>] *\(filters\|output\)=')
	check_eq "$name: ... the cfg differs only in filters=/output= lines" 0 "$changed"
	check "$name: ... its weights are smaller" \
		[ "$(stat -c %s "$T/$name.weights")" -lt "$(stat -c %s "$w")" ]
	local p0 p1
	p0=$("$SAFER" info -c "$cfg" --json | jq .total_params)
	p1=$("$SAFER" info -c "$T/$name.cfg" --json | jq .total_params)
	check "$name: ... parameters $p0 -> $p1" awk_true "$p1 < $p0"
	outdiff_ok "$name: stock Darknet, compact vs zero-filled" \
		"$cfg" "$T/$name-zero.weights" "$T/$name.cfg" "$T/$name.weights" "$T/png/test.data"
	local sf dn
	sf=$(safer_top "$T/png/test.data" "$cfg" "$w" --budget "$b") || die "safer eval --budget failed: $(cat "$T/safer.err")"
	dn=$(darknet_top "$T/png/test.data" "$T/$name.cfg" "$T/$name.weights") ||
		die "darknet failed on the compact model: $(tail -3 "$T/darknet.err")"
	check_eq "$name: darknet classifier valid top-1 on the compact model = safer eval --budget top-1" "${sf% *}" "${dn% *}"
	check_eq "$name: ... top-2" "${sf#* }" "${dn#* }"
}

# ---- plain CNN: 0 conv, 2 conv, 4 conv, 5 conv 1x1, 6 connected, 8 connected -------------
cat >"$T/plain.budget" <<'EOF'
[layer 0]
prune-filter=0.25

[layer 2]
prune-filter=0.5
bits=6

[layer 4]
prune-filter=0.5

[layer 5]
prune-filter=0.25

[layer 6]
prune-filter=0.5
prune=0.3
EOF
compact_round_trip plain "$PLAIN_CFG" "$PLAIN_WEIGHTS" "$T/plain.budget"
check "plain: layer 6 is a 64-output connected layer" grep -q '^output=64$' "$T/plain.cfg"
run "$SAFER" export -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" -b "$T/plain.budget" -o "$T/j.weights" --compact "$T/j.cfg" --json
check "plain: --json gives the counts (exit $RC)" jq -e '.removed == 124 and .layers_narrowed == 5 and .params_after < .params_before' "$T/out"

# ---- residual CNN: the first convolution of each block ---------------------------------
printf '[layer 1]\nprune-filter=0.5\n\n[layer 6]\nprune-filter=0.25\n\n[layer 11]\nprune-filter=0.5\n' >"$T/res.budget"
compact_round_trip resnet "$RESNET_CFG" "$RESNET_WEIGHTS" "$T/res.budget"

printf '[layer 2]\nprune-filter=0.5\n' >"$T/short.budget"
expect_fail_2 "a convolution feeding a [shortcut]" "fmnist-resnet.cfg;[shortcut]" \
	"$SAFER" export -c "$RESNET_CFG" -w "$RESNET_WEIGHTS" -b "$T/short.budget" -o "$T/x.weights" --compact "$T/x.cfg"
check "... no cfg written" [ ! -e "$T/x.cfg" ]

# ---- refusals ---------------------------------------------------------------------------
printf '[layer 2]\nprune=0.5\n' >"$T/none.budget"
expect_fail_2 "a budget without prune-filter" "none.budget;removes no filter" \
	"$SAFER" export -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" -b "$T/none.budget" -o "$T/x.weights" --compact "$T/x.cfg"
printf '[layer 8]\nprune-filter=0.2\n' >"$T/last.budget"
expect_fail_2 "the connected layer before [softmax]" "layer 9;[softmax]" \
	"$SAFER" export -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" -b "$T/last.budget" -o "$T/x.weights" --compact "$T/x.cfg"
expect_fail_2 "--compact naming the -o file" "same file" \
	"$SAFER" export -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" -b "$T/plain.budget" -o "$T/x.weights" --compact "$T/x.weights"
mkfifo "$T/fifo.cfg"
expect_fail_2 "a FIFO as --compact" "fifo.cfg" \
	"$SAFER" export -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" -b "$T/plain.budget" -o "$T/x.weights" --compact "$T/fifo.cfg"
check "... nothing written" [ ! -e "$T/x.weights" ] && [ ! -e "$T/x.cfg" ]

# ---- the bundled detector: layer 17 (3x3 before the 16x16 head) --------------------------
CANVAS=${CANVAS:-$BUILDDIR/tools/safer-canvas}
YOLO_CFG=$SRCDIR/cfg/fmnist-yolo.cfg YOLO_WEIGHTS=$SRCDIR/weights/fmnist-yolo.weights
if [ -x "$CANVAS" ]; then
	"$CANVAS" --seed 5 --count 30 "$T/cv" >/dev/null || die "safer-canvas failed"
	printf '[layer 17]\nprune-filter=0.5\n' >"$T/det.budget"
	run "$SAFER" export -c "$YOLO_CFG" -w "$YOLO_WEIGHTS" -b "$T/det.budget" -o "$T/det-zero.weights"
	check "detector: zero-filled export (exit $RC)" [ "$RC" -eq 0 ]
	run "$SAFER" export -c "$YOLO_CFG" -w "$YOLO_WEIGHTS" -b "$T/det.budget" -o "$T/det.weights" --compact "$T/det.cfg"
	check "detector: compact export (exit $RC)" [ "$RC" -eq 0 ]
	check "detector: ... layer 17 has 32 filters" grep -q '^filters=32$' "$T/det.cfg"
	outdiff_ok "detector: every [yolo] head, compact vs zero-filled" \
		"$YOLO_CFG" "$T/det-zero.weights" "$T/det.cfg" "$T/det.weights" "$T/cv/fmnist-det.data" detector
else
	not_ok "no $CANVAS (make builds it)"
fi

finish
