#!/usr/bin/env bash
# topk_darknet.sh - top-1 and top-k count ties and NaN as `darknet classifier
# valid` does (#13 item 7).  Darknet keeps the k largest outputs with its
# top_k (strict comparisons: ties keep the lower class, NaN is never larger)
# and counts a hit when the label is in that list; a network whose outputs
# are all equal (all-zero weights) or all NaN (NaN weights) then scores about
# half at top-5 on Fashion-MNIST, not 1.00.  On the first 50 test images as
# PNG files with top=5, `safer eval --json` top1/topk must equal Darknet's
# for: the plain CNN with all-zero weights, with all-NaN weights, and with
# every activation replaced by the quantising `stair` (plateaus of equal
# values).  `safer scan` rows go through the same engine: a prune row on the
# all-zero model (which pruning cannot change) and the scan's baseline have
# Darknet's top-1.
set -u
. "$(dirname "$0")/lib.sh"
require_darknet

make_dataset "$T/png" 50 png
sed 's/^top=.*/top=5/' "$T/png/test.data" >"$T/png/top5.data"
grep -qx 'top=5' "$T/png/top5.data" || die "no top= line in test.data"

# Weights of the plain CNN's size: its 20-byte header, then every float zero
# or NaN (0x7fc00000).
size=$(stat -c %s "$PLAIN_WEIGHTS") || die "no $PLAIN_WEIGHTS"
floats=$(((size - 20) / 4))
perl -e '
	my ($in, $zero, $nan, $n) = @ARGV;
	open(my $f, "<:raw", $in) or die; read($f, my $h, 20) == 20 or die; close $f;
	for ([$zero, pack("f<", 0)], [$nan, pack("L<", 0x7fc00000)]) {
		open(my $o, ">:raw", $_->[0]) or die; print $o $h, $_->[1] x $n; close $o or die;
	}' "$PLAIN_WEIGHTS" "$T/zero.weights" "$T/nan.weights" "$floats" || die "perl failed"
check_eq "zero.weights has the plain CNN's size" "$size" "$(stat -c %s "$T/zero.weights")"
check_eq "nan.weights has the plain CNN's size" "$size" "$(stat -c %s "$T/nan.weights")"
sed 's/^activation=.*/activation=stair/' "$PLAIN_CFG" >"$T/stair.cfg"

# same_as_darknet DESC CFG WEIGHTS
same_as_darknet() {
	local dn sf
	dn=$(darknet_top "$T/png/top5.data" "$2" "$3") || { not_ok "$1: darknet failed: $(tail -3 "$T/darknet.err")"; return; }
	sf=$(safer_top "$T/png/top5.data" "$2" "$3") || { not_ok "$1: safer eval failed: $(cat "$T/safer.err")"; return; }
	check_eq "$1: safer top-1 = darknet top-1" "${dn% *}" "${sf% *}"
	check_eq "$1: safer top-5 = darknet top-5" "${dn#* }" "${sf#* }"
	check_eq "$1: k is 5" 5 "$(jq -r .k "$T/eval.json")"
	DN_TOP1=${dn% *}
}

same_as_darknet "all-zero weights" "$PLAIN_CFG" "$T/zero.weights"
zero_top1=$DN_TOP1
# all outputs equal: Darknet's list is classes 0..4, about half the labels
check "all-zero weights: top-5 is not 1" awk_true "$(jq -r .topk "$T/eval.json") < 0.9"
same_as_darknet "NaN weights" "$PLAIN_CFG" "$T/nan.weights"
check "NaN weights: top-5 is not 1" awk_true "$(jq -r .topk "$T/eval.json") < 0.9"
same_as_darknet "stair activations" "$T/stair.cfg" "$PLAIN_WEIGHTS"

run "$SAFER" scan -c "$PLAIN_CFG" -w "$T/zero.weights" -d "$T/png/top5.data" -p prune:0.5 --layers 0,6 \
	-o "$T/zero.csv"
if [ "$RC" -eq 0 ]; then
	check_eq "scan on all-zero weights: baseline_top1 = darknet top-1" "$zero_top1" "$(csv_header "$T/zero.csv" baseline_top1)"
	check_eq "scan on all-zero weights: every row's top1 = darknet top-1" "$zero_top1" \
		"$(csv_col "$T/zero.csv" top1 | sort -u)"
else
	not_ok "safer scan on all-zero weights failed ($RC): $(cat "$T/err")"
fi

finish
