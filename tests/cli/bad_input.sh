#!/usr/bin/env bash
# bad_input.sh - the bad-input table.  Every case: exit status 2, exactly one
# stderr line "safer: FILE[:LINE]: problem" naming the offending file (and
# line, and whatever else the NAMES column lists, ';'-separated), the -o file
# not created, every input file unchanged (see expect_fail_2 in lib.sh).
#
# $D = tests/data (fixtures kept in git), $X = made by this script,
# $O = an empty directory for -o files, $C/$W = the bundled cfg/weights.
#
# case                                | NAMES                                     | safer ARGUMENTS
cases() {
	cat <<EOF
cfg missing                           | $X/none.cfg                               | scan -p prune:0.5 --limit 10 -c $X/none.cfg -w $W -o $O/cfg.csv
cfg empty                             | $X/empty.cfg                              | scan -p prune:0.5 --limit 10 -c $X/empty.cfg -w $W -o $O/cfg.csv
cfg unreadable (chmod 000)            | $X/unreadable.cfg                         | scan -p prune:0.5 --limit 10 -c $X/unreadable.cfg -w $W -o $O/cfg.csv
cfg is a directory                    | $X/dir.cfg                                | info -c $X/dir.cfg
weights missing                       | $X/none.weights                           | export --budget $X/ok.budget -c $C -w $X/none.weights -o $O/w.weights
weights empty                         | $X/empty.weights                          | export --budget $X/ok.budget -c $C -w $X/empty.weights -o $O/w.weights
weights unreadable (chmod 000)        | $X/unreadable.weights                     | export --budget $X/ok.budget -c $C -w $X/unreadable.weights -o $O/w.weights
weights is a directory                | $X/dir.weights                            | eval -c $C -w $X/dir.weights --limit 10
data missing                          | $X/none.data                              | eval -d $X/none.data
data empty                            | $X/empty.data                             | scan -p prune:0.5 --layers 0 -d $X/empty.data -o $O/d.csv
data unreadable (chmod 000)           | $X/unreadable.data                        | eval -d $X/unreadable.data
data is a directory                   | $X/dir.data                               | eval -d $X/dir.data
budget missing                        | $X/none.budget                            | export --budget $X/none.budget -o $O/b.weights
budget empty                          | $X/empty.budget                           | export --budget $X/empty.budget -o $O/b.weights
budget unreadable (chmod 000)         | $X/unreadable.budget                      | eval --budget $X/unreadable.budget --limit 10
budget is a directory                 | $X/dir.budget                             | eval --budget $X/dir.budget --limit 10
cfg: garbage bytes                    | garbage.cfg: not a Darknet cfg (binary data) | scan -p prune:0.5 --limit 10 -c $D/garbage.cfg -w $W -o $O/cfg.csv
cfg: unknown section                  | unknown-section.cfg:13;[frobnicate]       | scan -p prune:0.5 --limit 10 -c $D/unknown-section.cfg -w $W -o $O/cfg.csv
cfg: [yolo] on the wrong channels     | yolo.cfg:13;[yolo]                        | info -c $D/yolo.cfg
cfg: unsupported [lstm]               | lstm.cfg:7;[lstm]                         | eval -c $D/lstm.cfg -w $W --limit 10
cfg: no [net] section                 | no-net.cfg:2;[net]                        | info -c $D/no-net.cfg
cfg: filters=0                        | zero-filters.cfg:8;filters                | info -c $D/zero-filters.cfg
cfg: filters=-4                       | negative-filters.cfg:8;filters            | info -c $D/negative-filters.cfg
cfg: size=0                           | zero-size.cfg:9;size                      | info -c $D/zero-size.cfg
cfg: size=-3                          | negative-size.cfg:9;size                  | scan -p prune:0.5 --limit 10 -c $D/negative-size.cfg -w $W -o $O/cfg.csv
cfg: 10^9 filters (timed below)       | huge-filters.cfg:8;filters                | info -c $D/huge-filters.cfg
cfg: output 7x7x16, not a classifier  | not-classifier.cfg                        | info -c $D/not-classifier.cfg
weights: truncated                    | $X/truncated.weights;truncated            | export --budget $X/ok.budget -c $C -w $X/truncated.weights -o $O/w.weights
weights: 4 bytes of padding           | $X/padded.weights                         | eval -c $C -w $X/padded.weights --limit 10
weights: header 12345678              | $X/header.weights;12345678                | eval -c $C -w $X/header.weights --limit 10
weights: fmnist-resnet's, plain cfg   | $X/resnet.weights                         | export --budget $X/ok.budget -c $C -w $X/resnet.weights -o $O/w.weights
weights: plain's, fmnist-resnet cfg   | $W                                        | eval -c $R -w $W --limit 10
data: .data without valid=            | no-valid.data;valid=                      | eval -d $D/no-valid.data
data: duplicated path in the list     | $X/dup.list;00003_Trouser.png             | scan -p prune:0.5 --layers 0 -d $X/dup.data -o $O/d.csv
data: labels matching none and two    | $X/labels.list;x_Kitten.png;y_Bag_Coat.png | eval -d $X/labels.data
idx: images with a wrong magic        | $X/magic.idx;magic                        | eval --idx $X/magic.idx $X/labels.idx
idx: image count inconsistent w/ size | $X/count.idx;10000                        | eval --idx $X/count.idx $X/labels.idx
idx: labels with a wrong magic        | $X/lmagic.idx;magic                       | eval --idx $X/images.idx $X/lmagic.idx
idx: 100 images, 99 labels            | $X/labels99.idx                           | eval --idx $X/images.idx $X/labels99.idx
idx: header says 0 labels, holds 0    | $X/labels0.idx;0 labels: no labels        | eval --idx $X/images.idx $X/labels0.idx
budget: unknown layer                 | budget-unknown-layer.budget:5;42          | export --budget $D/budget-unknown-layer.budget -o $O/b.weights
budget: layer of the wrong kind       | budget-maxpool.budget:5;maxpool           | eval --budget $D/budget-maxpool.budget --limit 10
budget: level out of range            | budget-out-of-range.budget:6;bits=1       | eval --budget $D/budget-out-of-range.budget --limit 10
budget: duplicate section             | budget-duplicate.budget:8;[layer 0]       | export --budget $D/budget-duplicate.budget -o $O/b.weights
budget: unknown key                   | budget-unknown-key.budget:7;sparsity      | eval --budget $D/budget-unknown-key.budget --limit 10
weights: a NaN where quant needs finite | $X/nan.weights;layer 0 (conv);NaN    | scan -p quant:4 --layers 0 --limit 10 -c $C -w $X/nan.weights -o $O/nan.csv
scan: --resume, another model's file  | $X/other-model.csv;was made with other weights | scan -p prune:0.5 --layers 0 --limit 50 -c $C -w $X/other.weights -o $X/other-model.csv --resume
scan: --resume, a row for layer 99    | $X/layer99.csv:14;layer 99               | scan -p prune:0.5 --layers 0 --limit 50 -o $X/layer99.csv --resume
scan: --resume, trial 7 of 5          | $X/trial7.csv:14;trial 7                  | scan -p prune:0.5 --layers 0 --limit 50 -o $X/trial7.csv --resume
scan: --resume, top1 = 1.5            | $X/top1.csv:14;1.5                        | scan -p prune:0.5 --layers 0 --limit 50 -o $X/top1.csv --resume
scan: --resume, top1 = inf            | $X/inf.csv:14;inf                         | scan -p prune:0.5 --layers 0 --limit 50 -o $X/inf.csv --resume
scan: a row 3 fields too wide                 | $X/wide.csv:14;found $WIDE_FIELDS                   | scan -p prune:0.5 --layers 0 --limit 50 -o $X/wide.csv --resume
rank: a 64-field row                  | $X/wide-rank.csv:$RANK_ROW;found 64             | compare --scan $X/other-model.csv --rank $X/wide-rank.csv
EOF
}
# Not in the table (they must work, exit 0): a list naming a missing image and
# a corrupt PNG (both skipped, counted, one warning line); image paths with
# spaces and non-ASCII characters.
set -u
. "$(dirname "$0")/lib.sh"

D=$SRCDIR/tests/data
X=$T/x
O=$T/o
C=$PLAIN_CFG
W=$PLAIN_WEIGHTS
R=$RESNET_CFG
mkdir -p "$X" "$O"

# ---- fixtures ----------------------------------------------------------------------------
for ext in cfg weights data budget; do
	: >"$X/empty.$ext"
	mkdir "$X/dir.$ext"
	cp "$D/zero-filters.cfg" "$X/unreadable.$ext"	# content irrelevant: it cannot be read
	chmod 000 "$X/unreadable.$ext"
done
printf '[layer 0]\nprune=0.5\n' >"$X/ok.budget"
head -c 500000 "$W" >"$X/truncated.weights"
{ cat "$W"; printf '\0\0\0\0'; } >"$X/padded.weights"
cp "$W" "$X/header.weights"
perl -e 'print pack("l<", 12345678)' | dd of="$X/header.weights" conv=notrunc 2>/dev/null
if [ -f "$RESNET_WEIGHTS" ]; then
	cp "$RESNET_WEIGHTS" "$X/resnet.weights"
else	# not trained yet: the plain weights cut to the size fmnist-resnet's would have
	resnet_bytes=$(($("$SAFER" info -c "$R" --json | jq .total_params) * 4 + 20))
	head -c "$resnet_bytes" "$W" >"$X/resnet.weights"
fi
cp "$W" "$X/nan.weights"	# one weight of layer 0 is a NaN
printf '\0\0\xc0\x7f' | dd of="$X/nan.weights" bs=1 seek=400 conv=notrunc 2>/dev/null
cp "$W" "$X/other.weights"	# same size, one float changed: another checksum
printf '\0\0\x80\x3f' | dd of="$X/other.weights" bs=1 seek=$(($(stat -c %s "$W") - 40)) conv=notrunc 2>/dev/null
"$SAFER" scan -p prune:0.5 --layers 0 --limit 50 -o "$X/other-model.csv" 2>/dev/null || die "cannot make other-model.csv"
sed 's/^0,conv,/99,conv,/' "$X/other-model.csv" >"$X/layer99.csv"	# row on line 14
sed 's/^\(0,conv,prune,0\.5\),0,/\1,7,/' "$X/other-model.csv" >"$X/trial7.csv"	# the header says 5 trials
sed 's/^0,conv,.*/&,1,2,3/' "$X/other-model.csv" >"$X/wide.csv"
WIDE_FIELDS=$(awk -F, '/^0,conv,/ { print NF; exit }' "$X/wide.csv")
sed 's/^\(0,conv,prune,0\.5,0\),[^,]*,/\1,1.5,/' "$X/other-model.csv" >"$X/top1.csv"	# top-1 is a fraction
sed 's/^\(0,conv,prune,0\.5,0\),[^,]*,/\1,inf,/' "$X/other-model.csv" >"$X/inf.csv"
"$SAFER" rank --limit 50 -C magnitude,l2 -o "$X/rank.csv" 2>/dev/null || die "cannot make rank.csv"
# 8 fields and 56 more on layer 0's row: more than any rank file's columns
sed "s/^0,conv,.*/&$(printf ',1%.0s' $(seq 56))/" "$X/rank.csv" >"$X/wide-rank.csv"
RANK_ROW=$(grep -n '^0,conv,' "$X/rank.csv" | cut -d: -f1)

make_dataset "$T/imgs" 50 png
labels=$T/imgs/labels.txt
{ cat "$T/imgs/valid.list"; sed -n 4p "$T/imgs/valid.list"; } >"$X/dup.list"
printf 'valid=%s\nlabels=%s\n' "$X/dup.list" "$labels" >"$X/dup.data"
cp "$T/imgs/00000_Ankle_boot.png" "$T/imgs/x_Kitten.png"
cp "$T/imgs/00000_Ankle_boot.png" "$T/imgs/y_Bag_Coat.png"
{ cat "$T/imgs/valid.list"; echo "$T/imgs/x_Kitten.png"; echo "$T/imgs/y_Bag_Coat.png"; } >"$X/labels.list"
printf 'valid=%s\nlabels=%s\n' "$X/labels.list" "$labels" >"$X/labels.data"

gunzip -c "$FM_IMAGES" | head -c $((16 + 784 * 100)) >"$X/count.idx"	# header still says 10000
cp "$X/count.idx" "$X/images.idx"
perl -e 'print pack("N4", 0x803, 100, 28, 28)' | dd of="$X/images.idx" conv=notrunc 2>/dev/null
cp "$X/images.idx" "$X/magic.idx"
perl -e 'print pack("N", 0x804)' | dd of="$X/magic.idx" conv=notrunc 2>/dev/null
{ perl -e 'print pack("N2", 0x801, 100)'; gunzip -c "$FM_LABELS" | head -c 108 | tail -c 100; } >"$X/labels.idx"
perl -e 'print pack("N2", 0x801, 0)' >"$X/labels0.idx"
cp "$X/labels.idx" "$X/lmagic.idx"
perl -e 'print pack("N", 0x805)' | dd of="$X/lmagic.idx" conv=notrunc 2>/dev/null
{ perl -e 'print pack("N2", 0x801, 99)'; gunzip -c "$FM_LABELS" | head -c 107 | tail -c 99; } >"$X/labels99.idx"
"$SAFER" eval --idx "$X/images.idx" "$X/labels.idx" --limit 10 >/dev/null 2>&1 || die "the good IDX pair does not load"

# ---- the table -----------------------------------------------------------------------------
# Root reads a chmod 000 file anyway.  As root, the unreadable cases run as
# nobody through setpriv (util-linux) when nobody can run safer and reach the
# scratch directory; otherwise they are skipped.
as=()
if [ "$(id -u)" -eq 0 ]; then
	chmod 755 "$T" "$X" "$O"
	as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	"${as[@]}" "$SAFER" --version >/dev/null 2>&1 && "${as[@]}" test -r "$X/ok.budget" || as=(skip)
fi
while IFS='|' read -r name needles args; do
	name=$(echo $name) needles=$(echo $needles)	# trim
	read -ra argv <<<"$args"
	case $name in
	*"(chmod 000)"*)
		if [ "${as[*]}" = skip ]; then
			echo "skip - $name: running as root and cannot run safer as nobody"
			continue
		fi
		expect_fail_2 "$name${as:+ (as nobody)}" "$needles" "${as[@]}" "$SAFER" "${argv[@]}" ;;
	*)
		expect_fail_2 "$name" "$needles" "$SAFER" "${argv[@]}" ;;
	esac
done < <(cases)

check_eq "no -o file was created by any case" "" "$(ls -A "$O")"

# ---- refused fast --------------------------------------------------------------------------
# CPU time, not wall-clock time: a refusal that allocated or looped over 10^9
# filters burns seconds of CPU, while the wall clock of a 0.1 s run can exceed
# 2 s on a loaded machine.  Wall-clock time is printed and bounded loosely.
TIMEFORMAT='%U %S %R'
{ time "$SAFER" info -c "$D/huge-filters.cfg" >/dev/null 2>&1; } 2>"$T/time"
read -r user sys real <"$T/time"
check "10^9-filter cfg refused in < 2 s of CPU (user ${user}s + sys ${sys}s, wall ${real}s)" awk_true "$user + $sys < 2 && $real < 10"

# ---- skipped images: a warning, not an error -------------------------------------------------
cp "$D/corrupt_Bag.png" "$T/imgs/"
{ cat "$T/imgs/valid.list"; echo "$T/imgs/99999_Bag.png"; echo "$T/imgs/corrupt_Bag.png"; } >"$X/skip.list"
printf 'valid=%s\nlabels=%s\ntop=2\n' "$X/skip.list" "$labels" >"$X/skip.data"
run "$SAFER" eval -d "$X/skip.data" --json
check "missing + corrupt image: exit 0 (got $RC)" [ "$RC" -eq 0 ]
check_eq "missing + corrupt image: 50 images evaluated, 2 skipped" "50 2" "$(jq -r '"\(.images) \(.skipped)"' "$T/out" 2>/dev/null)"
check_eq "missing + corrupt image: one stderr line" 1 "$(wc -l <"$T/err")"
check "missing + corrupt image: a warning naming the count and the first file: $(cat "$T/err")" \
	grep -q "^safer: warning: skipped 2 images.*99999_Bag.png" "$T/err"
skip_top1=$(jq -r .top1 "$T/out")
good_top1=$("$SAFER" eval -d "$T/imgs/test.data" --json 2>/dev/null | jq -r .top1)
check_eq "missing + corrupt image: same top-1 as the 50 good images alone" "$good_top1" "$skip_top1"

# ---- spaces and non-ASCII characters --------------------------------------------------------
# (.data values cannot hold spaces: Darknet's read_option drops all whitespace,
# and safer follows it; the image paths in the list and the -d path can.)
sp="$T/dir with spaces ünï 画像"
make_dataset "$sp" 50 png
printf 'valid=%s\nlabels=%s\ntop=2\n' "$X/spaces.list" "$labels" >"$sp/set ü.data"
sed 's/\.png$/ é ß.png/' "$sp/valid.list" >"$X/spaces.list"
while read -r f; do mv "$f" "${f%.png} é ß.png"; done <"$sp/valid.list"
run "$SAFER" eval -d "$sp/set ü.data" --json
check "paths with spaces and non-ASCII characters: exit 0 (got $RC: $(head -1 "$T/err"))" [ "$RC" -eq 0 ]
check_eq "paths with spaces and non-ASCII characters: all 50 images" "50 0" "$(jq -r '"\(.images) \(.skipped)"' "$T/out" 2>/dev/null)"
check_eq "paths with spaces and non-ASCII characters: same top-1 as plain paths" "$good_top1" "$(jq -r .top1 "$T/out" 2>/dev/null)"

finish
