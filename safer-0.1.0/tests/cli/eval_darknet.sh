#!/usr/bin/env bash
# eval_darknet.sh - safer and stock Darknet agree exactly on the same images.
#
# 1. The bundled plain CNN on the first 2000 Fashion-MNIST test images as PNG
#    files: `darknet classifier valid` top-1 and top-2 (test.data has top=2)
#    equal `safer eval -d ... --json` top1/topk as 6-decimal strings.
# 2. The same for a cfg written here with layer kinds the bundled models do
#    not use: a grouped convolution (groups=2) without batch norm, [route] of
#    two layers, a strided convolution, [avgpool], [dropout], [connected],
#    [softmax] and [cost]; weights trained by safer-train (1 epoch, 3000
#    training images).  Also, separately, the plain CNN with a trailing
#    [cost] and the mixed cfg without one: Darknet's output is the last layer
#    that is not [cost].
# 3. A standalone [batchnorm] layer.  Debian's libdarknet cannot run one on
#    the CPU at all: forward_batchnorm_layer copies into l.x, which
#    make_batchnorm_layer never allocates, so `darknet classifier valid`
#    (and training) die with SIGSEGV.  safer accepts the layer kind, so it
#    must either refuse the cfg cleanly (exit 2) or compute it right.  "Right"
#    is checked without Darknet: the cfg of part 2 with a [batchnorm] after the
#    grouped (linear) convolution is the same function as the part 2 network
#    with that batch norm folded into the convolution's weights and biases,
#    which Darknet can evaluate.
set -u
. "$(dirname "$0")/lib.sh"
require_darknet

# ---- 1. the bundled model ---------------------------------------------------------
make_dataset "$T/png" 2000 png
dn=$(darknet_top "$T/png/test.data" "$PLAIN_CFG" "$PLAIN_WEIGHTS") || die "darknet failed: $(tail -3 "$T/darknet.err")"
sf=$(safer_top "$T/png/test.data" "$PLAIN_CFG" "$PLAIN_WEIGHTS") || die "safer eval failed: $(cat "$T/safer.err")"
plain=$dn
check_eq "plain CNN, 2000 PNGs: safer top-1 = darknet top-1" "${dn% *}" "${sf% *}"
check_eq "plain CNN, 2000 PNGs: safer top-2 = darknet top-2" "${dn#* }" "${sf#* }"
check_eq "safer evaluated every image" "2000 0 2" "$(jq -r '"\(.images) \(.skipped) \(.k)"' "$T/eval.json")"
# the bundled model is good (91.73% on all 10,000); a broken decoder would not be
check "plain CNN top-1 on 2000 images is above 0.85 (${sf% *})" awk_true "${sf% *} > 0.85"

# ---- 2. a cfg with other layer kinds ----------------------------------------------
[ -x "$SAFER_TRAIN" ] || die "no $SAFER_TRAIN (make tools/safer-train)"

# mixed_cfg BN: the network; BN=1 adds the standalone [batchnorm] as layer 3
mixed_cfg() {
	cat <<'EOF'
[net]
batch=50
subdivisions=1
height=28
width=28
channels=1
momentum=0.9
decay=0.0005
learning_rate=0.1
policy=constant
max_batches=60

# 0: 28x28x1 -> 28x28x8
[convolutional]
batch_normalize=1
filters=8
size=3
stride=1
pad=1
activation=leaky

# 1: -> 14x14x8
[maxpool]
size=2
stride=2

# 2: grouped convolution, two groups of 4 input channels -> 14x14x16
[convolutional]
filters=16
size=3
stride=1
pad=1
groups=2
activation=linear

EOF
	if [ "$1" = 1 ]; then
		printf '# 3: standalone batch norm\n[batchnorm]\n\n'
		printf '# 4: layer 3 (16 channels) and layer 1 (8) side by side -> 14x14x24\n[route]\nlayers=-1,-3\n\n'
	else
		printf '# 3: layer 2 (16 channels) and layer 1 (8) side by side -> 14x14x24\n[route]\nlayers=-1,-2\n\n'
	fi
	cat <<'EOF'
# strided convolution -> 7x7x32
[convolutional]
batch_normalize=1
filters=32
size=3
stride=2
pad=1
activation=leaky

# global average -> 32
[avgpool]

[dropout]
probability=.2

[connected]
output=10
activation=linear

[softmax]
groups=1

[cost]
EOF
}
mixed_cfg 0 >"$T/mixed.cfg"
mixed_cfg 1 | sed '/^\[cost\]$/d' >"$T/bn.cfg"	# part 3 tests [batchnorm] alone
# (the trainer is only a fixture maker here: in the sanitizer build, leak
# reports about what Darknet's free_network never frees must not fail it)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
"$SAFER_TRAIN" "$T/mixed.cfg" "$T/mixed.weights" 1 1 "$FMNIST_DIR" 3000 >"$T/train.log" 2>&1 ||
	die "safer-train failed ($?): $(tail -3 "$T/train.log")"

run "$SAFER" info -c "$T/mixed.cfg" -w "$T/mixed.weights" --json
check_eq "safer info sees the layer kinds of the mixed cfg" \
	"conv maxpool conv route conv avgpool dropout connected softmax cost" \
	"$(jq -r '[.layers[].kind] | join(" ")' "$T/out" 2>/dev/null)"

dn=$(darknet_top "$T/png/test.data" "$T/mixed.cfg" "$T/mixed.weights") || die "darknet failed on the mixed cfg: $(tail -3 "$T/darknet.err")"
sf=$(safer_top "$T/png/test.data" "$T/mixed.cfg" "$T/mixed.weights") || die "safer eval failed on the mixed cfg: $(cat "$T/safer.err")"
check_eq "mixed cfg, 2000 PNGs: safer top-1 = darknet top-1" "${dn% *}" "${sf% *}"
check_eq "mixed cfg, 2000 PNGs: safer top-2 = darknet top-2" "${dn#* }" "${sf#* }"
# a network that learnt nothing would agree trivially (everything one class)
check "mixed cfg learnt something: top-1 ${dn% *} > 0.2" awk_true "${dn% *} > 0.2"

# [cost] on its own: Darknet's output is the last layer that is not [cost]
# (a cost layer computes nothing at inference); with the trailing [cost]
# removed nothing may change, for the mixed cfg and for the plain CNN.
sed '/^\[cost\]$/d' "$T/mixed.cfg" >"$T/mixed-nocost.cfg"
sf2=$(safer_top "$T/png/test.data" "$T/mixed-nocost.cfg" "$T/mixed.weights") || die "safer eval failed: $(cat "$T/safer.err")"
check_eq "mixed cfg without [cost]: safer top-1/top-2 = darknet's with it" "$dn" "$sf2"
{ cat "$PLAIN_CFG"; printf '\n[cost]\n'; } >"$T/plain-cost.cfg"
dn=$(darknet_top "$T/png/test.data" "$T/plain-cost.cfg" "$PLAIN_WEIGHTS") || die "darknet failed on plain + [cost]"
check_eq "plain CNN + [cost]: darknet unchanged" "$plain" "$dn"
sf=$(safer_top "$T/png/test.data" "$T/plain-cost.cfg" "$PLAIN_WEIGHTS") || die "safer eval failed: $(cat "$T/safer.err")"
check_eq "plain CNN + [cost]: safer top-1/top-2 = darknet's" "$dn" "$sf"

# ---- 3. a standalone [batchnorm] ---------------------------------------------------
# Weights file: 20-byte header, layer 0 (8 biases, 3x8 batch-norm floats,
# 8*1*9 weights: floats 0..103), layer 2 (16 biases: floats 104..119, then
# 16 filters of (8/2)*3*3 = 36 weights: floats 120..695), then layers 4 and 7.
# bn.weights: the [batchnorm] parameters (16 scales, 16 rolling means, 16
# rolling variances, none the identity) go in after float 695.
# folded.weights: the same batch norm, y = s (x - m) / (sqrt(v) + 1e-6) as
# Darknet's normalize_cpu computes it, folded into layer 2's weights/biases.
perl -e '
	my ($in, $bn, $folded) = @ARGV;
	open(my $f, "<:raw", $in) or die; local $/; my $d = <$f>; close $f;
	my $h = substr($d, 0, 20); my @w = unpack("f<*", substr($d, 20));
	my @s = map { 0.8 + 0.025 * $_ } 0..15;
	my @m = map { 0.05 * ($_ % 5) - 0.1 } 0..15;
	my @v = map { 0.6 + 0.05 * $_ } 0..15;
	open(my $b, ">:raw", $bn) or die;
	print $b $h, pack("f<*", @w[0..695], @s, @m, @v, @w[696..$#w]); close $b;
	for my $c (0..15) {
		my $k = $s[$c] / (sqrt($v[$c]) + 1e-6);
		$w[104 + $c] = ($w[104 + $c] - $m[$c]) * $k;
		$w[120 + 36 * $c + $_] *= $k for 0..35;
	}
	open(my $o, ">:raw", $folded) or die; print $o $h, pack("f<*", @w); close $o;
' "$T/mixed.weights" "$T/bn.weights" "$T/folded.weights" || die "perl failed"
check_eq "bn.weights holds 48 more floats" $(($(stat -c %s "$T/mixed.weights") + 192)) "$(stat -c %s "$T/bn.weights")"

dn=$(darknet_top "$T/png/test.data" "$T/mixed.cfg" "$T/folded.weights") || die "darknet failed on the folded weights: $(tail -3 "$T/darknet.err")"
run "$SAFER" eval -c "$T/bn.cfg" -w "$T/bn.weights" -d "$T/png/test.data" --json
if [ "$RC" -eq 0 ]; then
	bn=$(printf '%.6f %.6f' "$(jq -r .top1 "$T/out")" "$(jq -r .topk "$T/out")")
	check_eq "standalone [batchnorm]: safer top-1 = darknet top-1 with it folded into layer 2" "${dn% *}" "${bn% *}"
	check_eq "standalone [batchnorm]: safer top-2 = darknet top-2 with it folded into layer 2" "${dn#* }" "${bn#* }"
elif [ "$RC" -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "^safer: .*bn.cfg" "$T/err"; then
	ok "standalone [batchnorm] refused cleanly: $(cat "$T/err")"
else
	sig=""
	[ "$RC" -gt 128 ] && sig=", killed by signal $((RC - 128))"
	not_ok "standalone [batchnorm]: safer eval neither computes it nor refuses it (exit status $RC$sig) $(grep -m1 -E '^safer|ERROR' "$T/err")"
fi

finish
