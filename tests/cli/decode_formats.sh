#!/usr/bin/env bash
# decode_formats.sh - the same 300 Fashion-MNIST test images written as grey
# PNG, RGB PNG (png3), PGM, BMP and JPEG; `darknet classifier valid` and
# `safer eval -d` on each set.
#
# Darknet (Debian's build) decodes through OpenCV's imread; safer decodes
# PNG, PGM and BMP with stb_image and JPEG with libjpeg-turbo under OpenCV's
# settings (src/formats/jpeg.c).  Every format must hand the network the same
# floats as Darknet's, so top-1 and top-2 agree exactly - JPEG included
# (before libjpeg, stb's JPEG decode moved top-2 by one image of 300).
set -u
. "$(dirname "$0")/lib.sh"
require_darknet

N=300
for fmt in png png3 pgm bmp jpg; do
	make_dataset "$T/$fmt" "$N" "$fmt"
	dn=$(darknet_top "$T/$fmt/test.data" "$PLAIN_CFG" "$PLAIN_WEIGHTS") || die "darknet failed on $fmt: $(tail -3 "$T/darknet.err")"
	sf=$(safer_top "$T/$fmt/test.data" "$PLAIN_CFG" "$PLAIN_WEIGHTS") || die "safer eval failed on $fmt: $(cat "$T/safer.err")"
	check_eq "$fmt: safer read all $N images" "$N 0" "$(jq -r '"\(.images) \(.skipped)"' "$T/eval.json")"
	check_eq "$fmt: safer top-1 = darknet top-1" "${dn% *}" "${sf% *}"
	check_eq "$fmt: safer top-2 = darknet top-2" "${dn#* }" "${sf#* }"
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
