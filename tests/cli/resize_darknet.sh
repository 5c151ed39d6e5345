#!/usr/bin/env bash
# resize_darknet.sh - images whose size is not the network's go through
# `darknet classifier valid`'s own pipeline.  Debian's Darknet (61c9d02e,
# validate_classifier_single) calls center_crop_image: the central
# min(w,h) square, resized to the network's width and height.  safer once did
# resize_min then a centre crop, which rounds the intermediate size and moves
# the bilinear sample points: on third-party models with photographs of
# other sizes (1920x1080 to 32x32; ImageNet photos to 224x224) it disagreed
# with Darknet on a few images in top-1 or top-5.
#
# The first 300 Fashion-MNIST test images are scaled (nearest neighbour, by
# perl) to non-square PGM files, landscape 47x33 and portrait 30x41 in
# turn, and also to 61x61 (square, a plain downscale); for each set
# `safer eval` top-1 and top-2 must equal Darknet's.  The bundled plain CNN
# must still recognise the distorted images (top-1 above 0.5), else the
# check would be vacuous.
set -u
. "$(dirname "$0")/lib.sh"
require_darknet
require_cmd perl

N=300
make_dataset "$T/src" "$N" pgm

# scale_set DIR SPEC: every source PGM scaled to the sizes of SPEC ("WxH ..."
# used in turn), written under DIR with the same names, and DIR/test.data
scale_set() {
	local dir=$1 spec=$2
	mkdir -p "$dir"
	perl -e '
		my ($dir, $spec, @files) = @ARGV;
		my @sizes = map { [split /x/] } split / /, $spec;
		my $i = 0;
		for my $f (@files) {
			open(my $in, "<:raw", $f) or die "$f: $!";
			local $/; my $d = <$in>; close $in;
			$d =~ s/^P5\s+(\d+)\s+(\d+)\s+255\s//s or die "$f: not a P5 PGM";
			my ($w, $h) = ($1, $2);
			my ($W, $H) = @{$sizes[$i++ % @sizes]};
			my $px = "";
			for my $y (0 .. $H - 1) {
				my $sy = int($y * $h / $H);
				$px .= substr($d, $sy * $w + int($_ * $w / $W), 1) for 0 .. $W - 1;
			}
			(my $name = $f) =~ s{.*/}{};
			open(my $out, ">:raw", "$dir/$name") or die;
			print $out "P5\n$W $H\n255\n", $px; close $out or die;
		}
	' "$dir" "$spec" $(cat "$T/src/valid.list") || die "perl failed on $dir"
	sed "s|^.*/|$dir/|" "$T/src/valid.list" >"$dir/valid.list"
	sed "s|^valid *=.*|valid=$dir/valid.list|" "$T/src/test.data" >"$dir/test.data"
	grep -q "^valid=$dir/valid.list" "$dir/test.data" || die "no valid= line in test.data"
}

for set in "nonsquare:47x33 30x41" "square:61x61"; do
	name=${set%%:*}
	scale_set "$T/$name" "${set#*:}"
	dn=$(darknet_top "$T/$name/test.data" "$PLAIN_CFG" "$PLAIN_WEIGHTS") || die "darknet failed on $name: $(tail -3 "$T/darknet.err")"
	sf=$(safer_top "$T/$name/test.data" "$PLAIN_CFG" "$PLAIN_WEIGHTS") || die "safer eval failed on $name: $(cat "$T/safer.err")"
	check_eq "$name: safer read all $N images" "$N 0" "$(jq -r '"\(.images) \(.skipped)"' "$T/eval.json")"
	check_eq "$name: safer top-1 = darknet top-1" "${dn% *}" "${sf% *}"
	check_eq "$name: safer top-2 = darknet top-2" "${dn#* }" "${sf#* }"
	check "$name: the model still recognises the scaled images (top-1 ${dn% *} > 0.5)" awk_true "${dn% *} > 0.5"
done
finish
