#!/usr/bin/env bash
# jpeg_darknet.sh - safer decodes JPEG photographs exactly as Debian's Darknet
# does (#14): cv::imread through libjpeg-turbo, EXIF orientation included.
#
# Material: Debian's 7 sample photographs (/usr/share/darknet/data/*.jpg) and,
# from each, the variants tests/tools/mkjpeg writes (4:2:0, 4:2:2, 4:4:4,
# grey, progressive, restart intervals, CMYK, YCCK, EXIF orientation 1..8,
# orientation behind an XMP APP1 or a broken IFD entry, a file cut at 60%, a
# 17x1000 strip).
# 1. tests/tools/dncompare: for every file, Darknet's load_image_color floats
#    equal safer's bit for bit, and so do the 64x64 network inputs after
#    Darknet's center_crop_image and safer's backend_resize_crop.
# 2. What Darknet does with EXIF, read off its decoded sizes: orientation 5..8
#    swaps width and height (applied), and not when the orientation sits in a
#    second APP1 behind an XMP one or after a broken IFD0 entry.
# 3. `darknet classifier valid` and `safer eval` on a 3-channel 64x64
#    classifier with 20 classes (deterministic weights written here): top-1
#    and top-5 equal image for image on the photographs and on every variant
#    of one of them, and over the whole set.
# 4. A file with a JPEG signature that libjpeg rejects: Darknet counts it (a
#    blank 10x10 image), safer skips it and says so.
set -u
. "$(dirname "$0")/lib.sh"
require_darknet
MKJPEG=${MKJPEG:-$BUILDDIR/tests/tools/mkjpeg}
DNCOMPARE=${DNCOMPARE:-$BUILDDIR/tests/tools/dncompare}
[ -x "$MKJPEG" ] && [ -x "$DNCOMPARE" ] || skip_all "needs $MKJPEG and $DNCOMPARE (make check builds them)"
PHOTOS=(/usr/share/darknet/data/{dog,eagle,giraffe,horses,kite,person,scream}.jpg)
for p in "${PHOTOS[@]}"; do
	[ -f "$p" ] || skip_all "Debian's sample photograph $p not found"
done

mkdir -p "$T/v"
for p in "${PHOTOS[@]}"; do
	"$MKJPEG" "$p" "$T/v" "$(basename "$p" .jpg)" >>"$T/variants" || die "mkjpeg $p failed"
done
mapfile -t VARIANTS <"$T/variants"
check "mkjpeg wrote 21 variants of each of the 7 photographs" [ "${#VARIANTS[@]}" -eq 147 ]

# ---- 1. the floats ---------------------------------------------------------------
(cd "$T" && "$DNCOMPARE" 64 64 "${PHOTOS[@]}" "${VARIANTS[@]}" >"$T/cmp" 2>"$T/cmp.err")
total=$(wc -l <"$T/cmp")
same=$(grep -c ' decoded [0-9]*x[0-9]* same input same$' "$T/cmp")
check_eq "decoded and network-input floats identical to Darknet's, of $total files" "$((7 + 147))" "$same"
grep -v ' same input same$' "$T/cmp" | head -5

# ---- 2. EXIF, as Darknet applies it ------------------------------------------------
size_of() { awk -v f="$T/v/$1.jpg" '$1 == f { print $3 }' "$T/cmp"; }
for k in 1 2 3 4; do
	check_eq "Darknet keeps the size with EXIF orientation $k" "$(size_of dog_420)" "$(size_of dog_exif$k)"
done
for k in 5 6 7 8; do
	check_eq "Darknet swaps width and height with EXIF orientation $k" 247x333 "$(size_of dog_exif$k)"
done
check_eq "orientation 6 after a valid XResolution entry: applied" 247x333 "$(size_of dog_exif6-after-xres)"
check_eq "orientation 6 after a broken entry: ignored (OpenCV stops parsing)" 333x247 "$(size_of dog_exif6-after-broken)"
check_eq "orientation 6 in a second APP1 behind XMP: ignored (OpenCV reads the first)" 333x247 "$(size_of dog_exif6-after-xmp)"

# ---- 3. the classifier ---------------------------------------------------------------
cat >"$T/net.cfg" <<'EOF'
[net]
batch=1
subdivisions=1
width=64
height=64
channels=3

[convolutional]
filters=8
size=3
stride=2
pad=1
activation=leaky

[maxpool]
size=2
stride=2

[convolutional]
filters=16
size=3
stride=1
pad=1
activation=leaky

[avgpool]

[connected]
output=20
activation=linear

[softmax]
EOF
# header 0.2.0 with a 64-bit `seen`, then 8+216 + 16+1152 + 20+320 floats
perl -e 'my $s = 12345; print pack("l<l<l<Q<", 0, 2, 0, 0);
	for (1 .. 1732) { $s = ($s * 1103515245 + 12345) % 2147483648; print pack("f<", $s / 2147483648 - 0.5) }' \
	>"$T/net.weights" || die "perl failed"
for i in $(seq 0 19); do printf 'lbl-%02d-\n' "$i"; done >"$T/labels.txt"
# labels are substrings of the paths: file i gets label i mod 20
mkdir -p "$T/set"
i=0
for f in "${PHOTOS[@]}" "${VARIANTS[@]}"; do
	dst=$T/set/$(printf '%03d' $i)-lbl-$(printf '%02d' $((i % 20)))-$(basename "$f")
	cp "$f" "$dst"
	echo "$dst" >>"$T/all.list"
	i=$((i + 1))
done
data_file() {	# data_file NAME LIST
	printf 'classes=20\nvalid=%s\nlabels=%s\ntop=5\n' "$2" "$T/labels.txt" >"$T/$1.data"
}
data_file all "$T/all.list"

# Darknet's progress lines are running means: image i's own hits are the
# differences of the counts.
(cd "$T" && "$DARKNET_BIN" classifier valid "$T/all.data" "$T/net.cfg" "$T/net.weights" 2>"$T/darknet.err") |
	awk '/: top 1: / { n = $1 + 1; c1 = int($4 * n + 0.5); c5 = int($7 * n + 0.5);
		print $1 + 0, c1 - p1, c5 - p5; p1 = c1; p5 = c5 }' >"$T/dn.hits"
check_eq "darknet classified all $i images" "$i" "$(wc -l <"$T/dn.hits")"

# safer, one image at a time: the photographs and every variant of the dog
mismatch=0 n=0
while read -r idx h1 h5; do
	f=$(sed -n "$((idx + 1))p" "$T/all.list")
	case $f in *-lbl-??-dog_* | /*/00[0-6]-lbl-*) ;; *) continue ;; esac
	echo "$f" >"$T/one.list"
	data_file one "$T/one.list"
	s=$("$SAFER" eval -c "$T/net.cfg" -w "$T/net.weights" -d "$T/one.data" --json 2>"$T/safer.err") ||
		{ not_ok "safer eval failed on $f: $(cat "$T/safer.err")"; continue; }
	got=$(jq -r '"\(.top1 | floor) \(.topk | floor) \(.images)"' <<<"$s")
	n=$((n + 1))
	if [ "$got" != "$h1 $h5 1" ]; then
		mismatch=$((mismatch + 1))
		echo "     $f: darknet top-1/top-5 hit $h1 $h5, safer $got"
	fi
done <"$T/dn.hits"
check_eq "safer's top-1 and top-5 equal darknet's image for image, on $n images" 0 "$mismatch"
check "that covered the 7 photographs and the dog's 21 variants" [ "$n" -eq 28 ]

dn=$(darknet_top "$T/all.data" "$T/net.cfg" "$T/net.weights") || die "darknet failed: $(tail -3 "$T/darknet.err")"
sf=$(safer_top "$T/all.data" "$T/net.cfg" "$T/net.weights") || die "safer eval failed: $(cat "$T/safer.err")"
check_eq "safer read all $i images" "$i 0" "$(jq -r '"\(.images) \(.skipped)"' "$T/eval.json")"
check_eq "whole set: safer top-1 = darknet top-1" "${dn% *}" "${sf% *}"
check_eq "whole set: safer top-5 = darknet top-5" "${dn#* }" "${sf#* }"

# ---- 4. a JPEG that libjpeg refuses -------------------------------------------------
bad=$T/set/999-lbl-00-bad.jpg
printf '\377\330\377\300\000\021garbage, not a frame header' >"$bad"
{ head -3 "$T/all.list"; echo "$bad"; } >"$T/refused.list"
data_file refused "$T/refused.list"
(cd "$T" && "$DARKNET_BIN" classifier valid "$T/refused.data" "$T/net.cfg" "$T/net.weights" >"$T/dn.bad" 2>"$T/darknet.err")
check "darknet counts the undecodable file (a blank image): 4 progress lines" [ "$(grep -c ': top 1: ' "$T/dn.bad")" -eq 4 ]
check "darknet says it cannot load it" grep -q "Cannot load image \"$bad\"" "$T/darknet.err"
sf=$(safer_top "$T/refused.data" "$T/net.cfg" "$T/net.weights") || die "safer eval failed: $(cat "$T/safer.err")"
check_eq "safer skips it: 3 images, 1 skipped" "3 1" "$(jq -r '"\(.images) \(.skipped)"' "$T/eval.json")"

finish
