#!/usr/bin/env bash
# info_cfgs.sh - `safer info` on Darknet's own ImageNet cfgs (no weights) and
# the layer table of the bundled plain CNN against figures computed by hand.
#
#  - darknet19, resnet50, resnet18, extraction (Debian's darknet package):
#    exit 0 without weights, one table row per layer section of the cfg,
#    --json totals (params, MACs) equal to the sums of the per-layer figures,
#    and every convolution's output shape and MACs equal to what Darknet's
#    own parse log says (its BFLOPs column, shown with -v);
#  - fmnist-plain: every layer's kind, shapes, parameters and MACs, and the
#    totals, as worked out in the comments below;
#  - a [yolo] whose input has the wrong channels (tests/data/yolo.cfg) is
#    refused at its line (detector cfgs themselves: detector_cfgs.sh).
set -u
. "$(dirname "$0")/lib.sh"

DNCFG=/usr/share/darknet/cfg

# ---- Darknet's cfgs --------------------------------------------------------------------------
if [ -d "$DNCFG" ]; then
	for name in darknet19 resnet50 resnet18 extraction; do
		cfg=$DNCFG/$name.cfg
		[ -f "$cfg" ] || { echo "skip - $cfg not installed"; continue; }
		# layer sections: every [section] but [net]/[network]
		sections=$(grep -E '^[[:space:]]*\[' "$cfg" | grep -cvE '^[[:space:]]*\[(net|network)\]')
		run "$SAFER" info -c "$cfg"
		check "$name: info without weights exits 0 (got $RC: $(head -c 200 "$T/err"))" [ "$RC" -eq 0 ]
		check_eq "$name: table rows = layer sections" "$sections" "$(grep -cE '^ *[0-9]+  [a-z]' "$T/out")"
		check "$name: a totals line" grep -q '^total: .* parameters in [0-9]* weight layers' "$T/out"
		run "$SAFER" info -c "$cfg" --json -v	# -v: Darknet's parse log on stderr
		cp "$T/err" "$T/dn.log"
		check_eq "$name: --json layers = layer sections" "$sections" "$(json_get "$T/out" '.layers | length')"
		check_eq "$name: total_params = sum of layer params" "$(json_get "$T/out" '[.layers[].params] | add')" "$(json_get "$T/out" .total_params)"
		check_eq "$name: total_macs = sum of layer MACs" "$(json_get "$T/out" '[.layers[].macs] | add')" "$(json_get "$T/out" .total_macs)"
		check_eq "$name: weight_bytes = 4 x total_params" "$(($(json_get "$T/out" .total_params) * 4))" "$(json_get "$T/out" .weight_bytes)"
		check_eq "$name: layer indexes 0..n-1 in order" "$(seq 0 $((sections - 1)) | xargs)" "$(json_get "$T/out" '[.layers[].index] | map(tostring) | join(" ")')"
		# Darknet's own figures (its parse log): per convolution the
		# output shape and "%5.3f BFLOPs" = 2 * MACs / 1e9
		ours=$(json_get "$T/out" '.layers[] | select(.kind == "conv") | "\(.index) \(.output | join("x")) \(.macs)"' |
			awk '{ printf "%s %s %.3f\n", $1, $2, 2 * $3 / 1e9 }')
		# (Darknet prints "16 x  16 x1024": space out the x first)
		theirs=$(sed 's/x/ x /g' "$T/dn.log" | awk '$2 == "conv" && $21 == "BFLOPs" { print $1, $15 "x" $17 "x" $19, $20 }')
		check_eq "$name: conv output shapes and MACs = Darknet's BFLOPs ($(wc -l <<<"$theirs") conv layers)" "$theirs" "$ours"
	done
else
	echo "skip - $DNCFG missing (Debian package darknet)"
fi
expect_fail_2 "a [yolo] on the wrong channels refused" "yolo.cfg:13;[yolo] needs 45 input channels" "$SAFER" info -c "$SRCDIR/tests/data/yolo.cfg"

# ---- the bundled plain CNN by hand ------------------------------------------------------------
# Parameters: convolution = filters*(c*k*k) weights + filters biases + 3*filters
# batch-norm floats (scales, rolling mean, rolling variance); connected =
# in*out weights + out biases.  MACs: out_w*out_h*filters*c*k*k (convolution),
# in*out (connected).
#  0 conv 3x3  28x28x1  -> 28x28x16: 16*9 + 16 + 48 = 208;     28*28*16*9      =   112896
#  1 maxpool   28x28x16 -> 14x14x16: 0
#  2 conv 3x3  14x14x16 -> 14x14x32: 32*144 + 32 + 96 = 4736;  14*14*32*9*16   =   903168
#  3 maxpool   14x14x32 -> 7x7x32:   0
#  4 conv 3x3  7x7x32   -> 7x7x64:   64*288 + 64 + 192 = 18688; 7*7*64*9*32    =   903168
#  5 conv 1x1  7x7x64   -> 7x7x32:   32*64 + 32 + 96 = 2176;   7*7*32*64       =   100352
#  6 connected 1568     -> 128:      1568*128 + 128 = 200832;  1568*128        =   200704
#  7 dropout, 8 connected 128 -> 10: 128*10 + 10 = 1290;       128*10          =     1280
#  9 softmax
# totals: 227930 parameters (911720 bytes of float32; the file adds a 20-byte
# header: 911740), 2221568 MACs, 6 weight layers.
expected='0 convolutional 28x28x1 28x28x16 208 112896 leaky
1 maxpool 28x28x16 14x14x16 0 0 -
2 convolutional 14x14x16 14x14x32 4736 903168 leaky
3 maxpool 14x14x32 7x7x32 0 0 -
4 convolutional 7x7x32 7x7x64 18688 903168 leaky
5 convolutional 7x7x64 7x7x32 2176 100352 leaky
6 connected 1x1x1568 1x1x128 200832 200704 leaky
7 dropout 1x1x128 1x1x128 0 0 -
8 connected 1x1x128 1x1x10 1290 1280 linear
9 softmax 1x1x10 1x1x10 0 0 -'
run "$SAFER" info -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" --json
got=$(json_get "$T/out" '.layers[] | "\(.index) \(.kind | if . == "conv" then "convolutional" else . end) \(.input | join("x")) \(.output | join("x")) \(.params) \(.macs) \(.activation)"')
check_eq "plain CNN layer table (index kind input output params MACs activation)" "$expected" "$got"
check_eq "plain CNN totals: params MACs weight_bytes weight_layers" "227930 2221568 911720 6" \
	"$(json_get "$T/out" '"\(.total_params) \(.total_macs) \(.weight_bytes) \(.weight_layers)"')"
check_eq "weights file = 20-byte header + weight_bytes" "$((911720 + 20))" "$(stat -c %s "$PLAIN_WEIGHTS")"
run "$SAFER" info -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS"
check "plain CNN text table: conv 0 row" grep -Eq '^ +0 +conv +28x28x1 +28x28x16 +208 +112,896 +leaky$' "$T/out"
check "plain CNN text table: connected 6 row" grep -Eq '^ +6 +connected +1x1x1568 +1x1x128 +200,832 +200,704 +leaky$' "$T/out"
check "plain CNN text totals" grep -q '^total: 227,930 parameters in 6 weight layers, 2,221,568 MACs per image' "$T/out"
# and the same figures without the weights file
run "$SAFER" info -c "$PLAIN_CFG" --json
check_eq "plain CNN without weights: same totals" "227930 2221568" "$(json_get "$T/out" '"\(.total_params) \(.total_macs)"')"

finish
