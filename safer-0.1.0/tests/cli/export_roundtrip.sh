#!/usr/bin/env bash
# export_roundtrip.sh - `safer export` writes weights that stock Darknet runs
# with exactly the accuracy `safer eval --budget` promised.
#
#  - a budget mixing prune, bits, bits-pc and prune-filter -> safer export ->
#    `darknet classifier valid` top-1/top-2 on the exported file equal
#    `safer eval --budget` top1/topk on the same 1000 PNG images (and safer
#    without a budget on the exported file agrees too);
#  - the exported file has the original's size and differs from it;
#  - export never overwrites an input: -o naming the weights (same spelling,
#    another spelling, a hard link, the default weights) -> exit 2, file
#    unchanged (sha256);
#  - a budget with actbits prints the "cannot carry activation quantization"
#    note and still exports.
set -u
. "$(dirname "$0")/lib.sh"
require_darknet

N=1000
make_dataset "$T/png" $N png
cat >"$T/mixed.budget" <<'EOF'
# plain CNN: 0 conv, 2 conv, 4 conv, 5 conv 1x1, 6 connected, 8 connected
[layer 0]
prune=0.3
bits=6

[layer 2]
bits-pc=4

[layer 4]
prune-filter=0.25

[layer 5]
prune=0.5
bits=5

[layer 6]
prune=0.6
bits=4
EOF

# ---- the round trip -------------------------------------------------------------------
run "$SAFER" export -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" --budget "$T/mixed.budget" -o "$T/out.weights"
check "export exits 0" [ "$RC" -eq 0 ]
check "export says what it wrote: $(head -1 "$T/out")" grep -q "^wrote $T/out.weights: 8 weight settings applied" "$T/out"
check_eq "exported file has the original's size" "$(stat -c %s "$PLAIN_WEIGHTS")" "$(stat -c %s "$T/out.weights" 2>/dev/null)"
check "exported file differs from the original" [ "$(sha "$PLAIN_WEIGHTS")" != "$(sha "$T/out.weights")" ]
check "no temporary file left next to it" [ -z "$(compgen -G "$T/out.weights.tmp-*")" ]

sf=$(safer_top "$T/png/test.data" "$PLAIN_CFG" "$PLAIN_WEIGHTS" --budget "$T/mixed.budget") || die "safer eval --budget failed: $(cat "$T/safer.err")"
base=$(printf '%.6f' "$(jq -r .baseline_top1 "$T/eval.json")")
dn=$(darknet_top "$T/png/test.data" "$PLAIN_CFG" "$T/out.weights") || die "darknet failed on the exported weights: $(tail -3 "$T/darknet.err")"
check_eq "darknet top-1 on the exported weights = safer eval --budget top-1" "${sf% *}" "${dn% *}"
check_eq "darknet top-2 on the exported weights = safer eval --budget top-2" "${sf#* }" "${dn#* }"
check "the budget costs accuracy (baseline $base, budget ${sf% *}): it was applied" awk_true "${sf% *} < $base"
again=$(safer_top "$T/png/test.data" "$PLAIN_CFG" "$T/out.weights") || die "safer eval on the exported weights failed"
check_eq "safer eval of the exported weights = safer eval --budget" "$sf" "$again"

# ---- never over an input ----------------------------------------------------------------
mkdir -p "$T/w/sub" "$T/data/cfg" "$T/data/weights"
cp "$PLAIN_WEIGHTS" "$T/w/model.weights"
ln "$T/w/model.weights" "$T/w/link.weights"
cp "$PLAIN_CFG" "$T/data/cfg/"
cp "$PLAIN_WEIGHTS" "$T/data/weights/"
before=$(sha "$T/w/model.weights")
expect_fail_2 "-o = -w (same path)" "model.weights" \
	"$SAFER" export -c "$PLAIN_CFG" -w "$T/w/model.weights" --budget "$T/mixed.budget" -o "$T/w/model.weights"
expect_fail_2 "-o = -w spelt differently" "model.weights" \
	"$SAFER" export -c "$PLAIN_CFG" -w "$T/w/model.weights" --budget "$T/mixed.budget" -o "$T/w/sub/../model.weights"
expect_fail_2 "-o = a hard link to -w" "link.weights" \
	"$SAFER" export -c "$PLAIN_CFG" -w "$T/w/model.weights" --budget "$T/mixed.budget" -o "$T/w/link.weights"
check_eq "weights unchanged after three refusals (sha256)" "$before" "$(sha "$T/w/model.weights")"
expect_fail_2 "-o = the cfg" "fmnist-plain.cfg" \
	"$SAFER" export -c "$T/data/cfg/fmnist-plain.cfg" -w "$T/w/model.weights" --budget "$T/mixed.budget" -o "$T/data/cfg/fmnist-plain.cfg"
# the default model (no -c/-w), found through SAFER_DATADIR
before=$(sha "$T/data/weights/fmnist-plain.weights")
expect_fail_2 "-o = the default weights" "fmnist-plain.weights" \
	env SAFER_DATADIR="$T/data" "$SAFER" export --budget "$T/mixed.budget" -o "$T/data/weights/fmnist-plain.weights"
check_eq "default weights unchanged (sha256)" "$before" "$(sha "$T/data/weights/fmnist-plain.weights")"

# The literal case from the source tree.  -w is given so the file is an input
# whatever safer's default search finds; a backup restores it if safer fails.
cp "$PLAIN_WEIGHTS" "$T/backup.weights"
before=$(sha "$PLAIN_WEIGHTS")
(cd "$SRCDIR" && expect_fail_2 "-o weights/fmnist-plain.weights from the source tree" "weights/fmnist-plain.weights" \
	"$SAFER" export -c cfg/fmnist-plain.cfg -w weights/fmnist-plain.weights --budget "$T/mixed.budget" -o weights/fmnist-plain.weights
	echo "$PASS $FAIL" >"$T/counts")
read -r PASS FAIL <"$T/counts"
after=$(sha "$PLAIN_WEIGHTS")
check_eq "bundled weights unchanged (sha256)" "$before" "$after"
[ "$before" = "$after" ] || cp "$T/backup.weights" "$PLAIN_WEIGHTS"

# ---- actbits ------------------------------------------------------------------------------
printf '[layer 0]\nprune=0.2\nactbits=8\n\n[layer 6]\nactbits=6\n' >"$T/act.budget"
run "$SAFER" export -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" --budget "$T/act.budget" -o "$T/act.weights"
check "export with actbits exits 0" [ "$RC" -eq 0 ]
check "actbits note printed: $(grep note "$T/out")" grep -q "^note: 2 actbits settings are not stored: a Darknet weights file cannot carry activation quantization" "$T/out"
check "export with actbits still wrote the weights (1 setting applied)" grep -q "1 weight setting applied" "$T/out"
check_eq "actbits export has the original's size" "$(stat -c %s "$PLAIN_WEIGHTS")" "$(stat -c %s "$T/act.weights" 2>/dev/null)"

finish
