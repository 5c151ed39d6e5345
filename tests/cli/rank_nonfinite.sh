#!/usr/bin/env bash
# rank_nonfinite.sh - the gradient criteria on networks whose max-pool outputs
# take no input, which once corrupted the heap in Darknet's backward pass
# (backward_maxpool_layer adds to delta[-1] for an index -1; glibc then
# aborts with "double free or corruption" in free_network):
#  - the bundled plain CNN with one NaN weight (layer 0's first): a window of
#    NaN beats no value, so its index stays -1.  rank -C grad,taylor,fisher
#    exits 0 and reports NaN scores as such (table "nan", CSV nan, JSON
#    null) with the static criteria still finite on the other layers;
#    budget -C grad exits 0 or refuses cleanly (one "safer: " line, exit 2);
#  - a finite model, conv 3x3 pad=1, [maxpool] size=2 stride=2 padding=7
#    (windows wholly in the padding), connected, softmax, random weights
#    written here;
#  - in the sanitizer build (CI runs the suite there too) all of it under
#    ASan.  Every run: exit status below 128 (no signal), a row per weight
#    layer.
set -u
. "$(dirname "$0")/lib.sh"

LIMIT=(--limit 200 -S 64 -t 2)
GRAD=grad,taylor,fisher

# no_crash DESC: the last run did not die of a signal (abort, SIGSEGV)
no_crash() {
	check "$1: exit status $RC, no signal ($(grep -m1 -iE 'corruption|sanitizer|^safer' "$T/err"))" [ "$RC" -lt 124 ]
}

# ---- one NaN weight ---------------------------------------------------------------------
# 20-byte header; layer 0 has batch norm: 16 biases, 16 scales, 16 rolling
# means, 16 rolling variances, then its weights from float 64 (byte 276).
cp "$PLAIN_WEIGHTS" "$T/nan.weights"
printf '\x00\x00\xc0\x7f' | dd of="$T/nan.weights" bs=1 seek=276 conv=notrunc 2>/dev/null
check_eq "nan.weights differs from the bundled weights in one float" 1 \
	"$(cmp -l "$PLAIN_WEIGHTS" "$T/nan.weights" | wc -l | awk '{ print ($1 >= 1 && $1 <= 4) }')"

# --wide: the scores themselves (80 columns would show the ranks alone)
run "$SAFER" rank -c "$PLAIN_CFG" -w "$T/nan.weights" -C "magnitude,$GRAD" "${LIMIT[@]}" --wide
no_crash "rank table, NaN weight"
check_eq "rank table, NaN weight: exit 0" 0 "$RC"
check_eq "rank table: a row per weight layer" "0 2 4 5 6 8" \
	"$(awk '$1 ~ /^[0-9]+$/ { print $1 }' "$T/out" | xargs)"
check_eq "rank table: layer 0's scores are nan" "nan nan nan nan" \
	"$(awk '$1 == "0" { print $3, $6, $9, $12 }' "$T/out" | sed 's/-nan/nan/g')"
check_eq "rank table: layer 8's magnitude is finite" 1 \
	"$(awk '$1 == "8" { print ($3 + 0 > 0) }' "$T/out")"

run "$SAFER" rank -c "$PLAIN_CFG" -w "$T/nan.weights" -C "$GRAD" "${LIMIT[@]}" -o "$T/nan.csv"
no_crash "rank -o CSV, NaN weight"
check_eq "rank -o CSV, NaN weight: exit 0" 0 "$RC"
check_eq "CSV: the scores of layer 0 are nan" "nan nan nan" \
	"$(csv_col "$T/nan.csv" grad | head -1) $(csv_col "$T/nan.csv" taylor | head -1) $(csv_col "$T/nan.csv" fisher | head -1)"
run "$SAFER" rank -c "$PLAIN_CFG" -w "$T/nan.weights" -C "$GRAD" "${LIMIT[@]}" -o "$T/nan.json"
no_crash "rank -o JSON, NaN weight"
check_eq "JSON: 6 rows, layer 0's grad is null" "6 null" \
	"$(jq -r '"\(.rows | length) \(.rows[0].grad)"' "$T/nan.json")"

run "$SAFER" budget -c "$PLAIN_CFG" -w "$T/nan.weights" -C grad -T bits=4 "${LIMIT[@]}" -o "$T/nan.budget"
no_crash "budget -C grad, NaN weight"
if [ "$RC" -eq 0 ]; then
	ok "budget -C grad, NaN weight: exit 0"
else
	check "budget -C grad, NaN weight: exit 2 and one 'safer: ' line ($(head -c 200 "$T/err"))" \
		eval '[ "$RC" -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "^safer: " "$T/err"'
fi

# ---- max-pool windows wholly in the padding -----------------------------------------------
# pool_cfg: conv, maxpool size=2 stride=2 padding=7 (17x17 outputs of 28x28,
# the outer ring taking no input), connected, softmax
pool_cfg() {
	local conv='[convolutional]
filters=4
size=3
stride=1
pad=1
activation=leaky
' pool='[maxpool]
size=2
stride=2
padding=7
'
	printf '[net]\nbatch=32\nsubdivisions=1\nheight=28\nwidth=28\nchannels=1\n\n'
	printf '%s\n%s\n' "$conv" "$pool"
	printf '[connected]\noutput=10\nactivation=linear\n\n[softmax]\n'
}
# random_weights FILE FLOATS: a version 0.2.0 header and uniform floats in [-0.1, 0.1)
random_weights() {
	perl -e 'srand(7); print pack("l<3", 0, 2, 0), pack("Q<", 0), pack("f<*", map { (rand() - 0.5) * 0.2 } 1 .. $ARGV[0])' "$2" >"$1"
}
pool_cfg >"$T/pad7.cfg"
# 4 + 36 conv floats, 17x17x4 = 1156 inputs to 10 outputs: 10 + 11560
random_weights "$T/pad7.weights" 11610

for m in pad7; do
	run "$SAFER" info -c "$T/$m.cfg" -w "$T/$m.weights" --json
	check_eq "$m: info accepts it (weight layers)" "conv connected" \
		"$(jq -r '[.layers[] | select(.params > 0) | .kind] | join(" ")' "$T/out" 2>/dev/null)"
	run "$SAFER" rank -c "$T/$m.cfg" -w "$T/$m.weights" -C "magnitude,$GRAD" "${LIMIT[@]}" -o "$T/$m.csv"
	no_crash "$m: rank -C magnitude,$GRAD"
	check_eq "$m: rank exits 0" 0 "$RC"
	check_eq "$m: a row per weight layer" 2 "$(csv_rows "$T/$m.csv")"
	check_eq "$m: magnitudes finite and about 0.05" "1 1" \
		"$(csv_col "$T/$m.csv" magnitude | awk '{ print ($1 > 0.04 && $1 < 0.06) }' | xargs)"
	run "$SAFER" budget -c "$T/$m.cfg" -w "$T/$m.weights" -C grad -T bits=4 "${LIMIT[@]}" -o "$T/$m.budget"
	no_crash "$m: budget -C grad"
	check_eq "$m: budget -C grad exits 0" 0 "$RC"
done

finish
