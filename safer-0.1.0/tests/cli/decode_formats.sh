#!/usr/bin/env bash
# decode_formats.sh - the same 300 Fashion-MNIST test images written as grey
# PNG, RGB PNG (png3), PGM, BMP and JPEG; `darknet classifier valid` and
# `safer eval -d` on each set.
#
# Darknet (Debian's build) decodes through OpenCV's imread, safer through
# stb_image.  For the lossless formats both must hand the network the same
# floats, so top-1 and top-2 agree exactly.  JPEG decoders differ in their
# IDCT: tests/unit/test_image.c measures at most 2/255 per value on a few
# values, and on these 300 images that moves top-2 by one image (Debian 12:
# darknet 0.976667, safer 0.980000; top-1 identical).  So for JPEG the test
# asserts that both tools read every image and differ by at most 1% (3
# images) in top-1 and top-2, and prints what it measured.
set -u
. "$(dirname "$0")/lib.sh"
require_darknet

N=300
for fmt in png png3 pgm bmp jpg; do
	make_dataset "$T/$fmt" "$N" "$fmt"
	dn=$(darknet_top "$T/$fmt/test.data" "$PLAIN_CFG" "$PLAIN_WEIGHTS") || die "darknet failed on $fmt: $(tail -3 "$T/darknet.err")"
	sf=$(safer_top "$T/$fmt/test.data" "$PLAIN_CFG" "$PLAIN_WEIGHTS") || die "safer eval failed on $fmt: $(cat "$T/safer.err")"
	check_eq "$fmt: safer read all $N images" "$N 0" "$(jq -r '"\(.images) \(.skipped)"' "$T/eval.json")"
	if [ "$fmt" != jpg ]; then
		check_eq "$fmt: safer top-1 = darknet top-1" "${dn% *}" "${sf% *}"
		check_eq "$fmt: safer top-2 = darknet top-2" "${dn#* }" "${sf#* }"
	else
		echo "     jpg measured: darknet top-1 ${dn% *} top-2 ${dn#* }; safer top-1 ${sf% *} top-2 ${sf#* }"
		d1=$(awk -v a="${dn% *}" -v b="${sf% *}" -v n=$N 'BEGIN { d = (a - b) * n; printf "%d", d < 0 ? -d + 0.5 : d + 0.5 }')
		d2=$(awk -v a="${dn#* }" -v b="${sf#* }" -v n=$N 'BEGIN { d = (a - b) * n; printf "%d", d < 0 ? -d + 0.5 : d + 0.5 }')
		check "jpg: top-1 differs by $d1 image(s) of $N, at most 3" [ "$d1" -le 3 ]
		check "jpg: top-2 differs by $d2 image(s) of $N, at most 3" [ "$d2" -le 3 ]
	fi
done

# Every lossless set holds the same pixels as the IDX original, which needs
# no image decoder at all: safer's top-1 must be the same on all of them.
run "$SAFER" eval --limit $N --json
idx=$(printf '%.6f' "$(jq -r .top1 "$T/out")")
for fmt in png png3 pgm bmp; do
	sf=$(safer_top "$T/$fmt/test.data" "$PLAIN_CFG" "$PLAIN_WEIGHTS")
	check_eq "$fmt: safer top-1 = its top-1 on the IDX original (first $N)" "$idx" "${sf% *}"
done

finish
