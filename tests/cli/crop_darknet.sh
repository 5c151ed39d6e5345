#!/usr/bin/env bash
# crop_darknet.sh - a [crop] first layer (Debian's vgg-16.cfg, the cifar
# cfgs of other Darknet trees) runs as stock Darknet runs it: at inference
# the centred crop_width x crop_height window, mapped to 2x-1 (or kept with
# noadjust=1).  The bundled plain CNN behind a 32x32 -> 28x28 crop keeps its
# weights file (a crop has no weights); on 300 Fashion-MNIST PNGs safer eval
# and `darknet classifier valid` agree in top-1 and top-2, and a crop larger
# than its input is refused before Darknet would read outside the image.
set -u
. "$(dirname "$0")/lib.sh"
require_darknet

# crop_cfg NOADJUST: the plain CNN at 32x32 behind a [crop] to 28x28
crop_cfg() {
	sed -e 's/^height=28/height=32/' -e 's/^width=28/width=32/' \
		-e "0,/^\[convolutional\]/s//[crop]\ncrop_width=28\ncrop_height=28\nnoadjust=$1\n\n[convolutional]/" "$PLAIN_CFG"
}
crop_cfg 0 >"$T/crop.cfg"
crop_cfg 1 >"$T/crop-noadjust.cfg"

run "$SAFER" info -c "$T/crop.cfg" -w "$PLAIN_WEIGHTS"
check "the cropped cfg loads with the plain weights (exit $RC: $(head -c 300 "$T/err"))" [ "$RC" -eq 0 ]
check "layer 0 is a crop from 32x32x1 to 28x28x1" grep -Eq '^ +0 +crop +32x32x1 +28x28x1 ' "$T/out"

make_dataset "$T/png" 300 png
for cfg in crop crop-noadjust; do
	dn=$(darknet_top "$T/png/test.data" "$T/$cfg.cfg" "$PLAIN_WEIGHTS") || die "darknet failed on $cfg.cfg: $(tail -3 "$T/darknet.err")"
	sf=$(safer_top "$T/png/test.data" "$T/$cfg.cfg" "$PLAIN_WEIGHTS") || die "safer eval failed on $cfg.cfg: $(cat "$T/safer.err")"
	echo "     $cfg: darknet top-1/top-2 $dn, safer $sf"
	check_eq "$cfg: safer top-1 = darknet top-1" "${dn% *}" "${sf% *}"
	check_eq "$cfg: safer top-2 = darknet top-2" "${dn#* }" "${sf#* }"
done
# the two cfgs compute different things (2x-1 or not): the test can tell
check "noadjust changes the result (so the check above can fail)" \
	[ "$(safer_top "$T/png/test.data" "$T/crop.cfg" "$PLAIN_WEIGHTS")" != "$sf" ]

sed 's/^crop_width=28/crop_width=33/' "$T/crop.cfg" >"$T/wide.cfg"
run "$SAFER" info -c "$T/wide.cfg"
check_eq "a crop wider than its input: exit 2" 2 "$RC"
check "... one line naming file, line and sizes" grep -q "wide.cfg:[0-9]*: \[crop\] 33×28 is larger than its 32×32 input" "$T/err"
finish
