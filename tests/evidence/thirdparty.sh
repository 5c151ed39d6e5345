#!/usr/bin/env bash
# thirdparty.sh - safer against stock Darknet on one third-party classifier.
# Fetches nothing: give it the files.  Not part of `make check`.
#
#   tests/evidence/thirdparty.sh [options] NAME CFG WEIGHTS DATA
#     -o DIR     outputs (default ${TMPDIR:-/tmp}/safer-evidence/NAME)
#     -s N       images for the scan and the budget (default 500)
#     -e N       images for the export check (default: all of DATA)
#     -c N       images per chunk of the image-by-image check (default 50;
#                a chunk whose counts differ is halved down to single images)
#     -E         eval and the image-by-image check only (no scan/budget/export/tui)
#     -S SAFER   the safer binary (default ./src/safer)
#     -D FILE    reuse this saved stdout of `darknet classifier valid DATA CFG
#                WEIGHTS` instead of running it again (time: FILE.time if any)
#
# Steps (each writes DIR/<step>.*, a summary line goes to DIR/summary.txt):
#  sha256 of cfg and weights; safer info and Darknet's layer table;
#  darknet classifier valid and safer eval on DATA (whole-process times);
#  per-image top-1/top-k correctness: Darknet's cumulative lines give it per
#  image, safer's is read per chunk of the valid list (then per image where a
#  chunk differs), so every differing image is named; safer scan (prune 0.3,
#  0.5, 0.7 and quant 8,6,4,3 on every weight layer, -s images); safer budget
#  --from the scan for bits=5; safer eval --budget, safer export, and
#  darknet classifier valid on the exported weights (the same images);
#  the explorer in tmux (120x40): its first screen once the baseline shows.
# Exit status: 0 done, 1 a step failed, 77 a file or tool is missing.
set -u
OUT= SCAN_N=500 EXPORT_N= CHUNK=50 EVAL_ONLY=0 SAFER=${SAFER:-./src/safer} DN_SAVED=
while getopts o:s:e:c:ES:D: opt; do
	case $opt in
	o) OUT=$OPTARG ;; s) SCAN_N=$OPTARG ;; e) EXPORT_N=$OPTARG ;; c) CHUNK=$OPTARG ;;
	E) EVAL_ONLY=1 ;; S) SAFER=$OPTARG ;; D) DN_SAVED=$(realpath "$OPTARG") ;; *) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 4 ] || { sed -n '4,13p' "$0"; exit 2; }
NAME=$1 CFG=$2 WEIGHTS=$3 DATA=$4
for f in "$CFG" "$WEIGHTS" "$DATA"; do
	[ -r "$f" ] || { echo "SKIP: $f not found"; exit 77; }
done
for t in darknet jq awk; do
	command -v $t >/dev/null 2>&1 || { echo "SKIP: no $t"; exit 77; }
done
[ -x "$SAFER" ] || { echo "SKIP: no safer at $SAFER"; exit 77; }
case $SAFER in /*) ;; *) SAFER=$PWD/$SAFER ;; esac
abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
CFG=$(abs "$CFG") WEIGHTS=$(abs "$WEIGHTS") DATA=$(abs "$DATA")
OUT=${OUT:-${TMPDIR:-/tmp}/safer-evidence/$NAME}
mkdir -p "$OUT" && cd "$OUT" || exit 1
: >summary.txt
say() { echo "$*" | tee -a summary.txt; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# data_key FILE KEY: the value of KEY= in a .data file (Darknet strips spaces)
data_key() { tr -d ' \t' <"$1" | sed -n "s/^$2=//p" | tail -1; }
VALID=$(data_key "$DATA" valid)
[ -r "$VALID" ] || { echo "SKIP: valid list $VALID not found"; exit 77; }
# sub_data N FILE: a .data for the first N images of the valid list
sub_data() {
	head -n "$1" "$VALID" >"$2.list"
	sed "s|^\([[:space:]]*valid[[:space:]]*=\).*|\1$OUT/$2.list|" "$DATA" >"$2.data"
}

# darknet_valid DATA WEIGHTS PREFIX: PREFIX.txt (stdout), .err, .time (s)
darknet_valid() {
	local t0
	t0=$(now)
	darknet classifier valid "$1" "$CFG" "$2" >"$3.txt" 2>"$3.err"
	since "$t0" >"$3.time"
	grep -q ': top 1: ' "$3.txt"
}
# dn_final PREFIX: "TOP1 TOPK" of the last cumulative line
dn_final() { awk '/: top 1: / { t1 = $4; tk = $7 } END { sub(/,$/, "", t1); print t1, tk }' "$1.txt"; }
# dn_per_image PREFIX: one "TOP1OK TOPKOK" line per image, from the cumulative lines
dn_per_image() {
	awk '/: top 1: / { n = $1 + 1; t1 = $4; sub(/,$/, "", t1); c1 = int(t1 * n + 0.5); ck = int($7 * n + 0.5)
		print c1 - p1, ck - pk; p1 = c1; pk = ck }' "$1.txt"
}
# safer_counts DATA: "CORRECT1 CORRECTK IMAGES" of safer eval --json
safer_counts() {
	"$SAFER" eval -c "$CFG" -w "$WEIGHTS" -d "$1" --json 2>>safer-chunks.err |
		jq -r '"\((.top1 * .images + 0.5) | floor) \((.topk * .images + 0.5) | floor) \(.images)"'
}

say "== $NAME"
say "cfg     $(sha256sum "$CFG")"
say "weights $(sha256sum "$WEIGHTS") ($(stat -c %s "$WEIGHTS") bytes)"

# ---- info ---------------------------------------------------------------------------
"$SAFER" info -c "$CFG" -w "$WEIGHTS" >info.txt 2>info.err || { say "safer info failed: $(cat info.err)"; exit 1; }
"$SAFER" info -c "$CFG" -w "$WEIGHTS" --json >info.json 2>>info.err
say "info    $(grep "^total:" info.txt) | $(grep "^cfg:" info.txt)"

# ---- eval on DATA ----------------------------------------------------------------------
if [ -n "$DN_SAVED" ]; then
	cp "$DN_SAVED" dn.txt && : >dn.err
	if [ -r "$DN_SAVED.time" ]; then cp "$DN_SAVED.time" dn.time; else echo "(saved run)" >dn.time; fi
else
	darknet_valid "$DATA" "$WEIGHTS" dn || { say "darknet classifier valid failed: $(tail -3 dn.err)"; exit 1; }
fi
# Darknet's layer table: the lines of stderr before "Loading weights"
sed -n '/^layer/,/^Loading weights/p' dn.err | sed '$d' >dn-layers.txt
t0=$(now)
"$SAFER" eval -c "$CFG" -w "$WEIGHTS" -d "$DATA" --json >eval.json 2>eval.err || { say "safer eval failed: $(cat eval.err)"; exit 1; }
sf_time=$(since "$t0")
read -r d1 dk <<<"$(dn_final dn)"
say "darknet top-1 $d1 top-k $dk, $(grep -c ': top 1: ' dn.txt) images, whole process $(cat dn.time) s"
say "safer   top-1 $(jq -r '.top1|tostring' eval.json) top-k $(jq -r '.topk|tostring' eval.json) (k=$(jq -r .k eval.json)), $(jq -r .images eval.json) images, $(jq -r '.skipped' eval.json) skipped, $(jq -r '.images_per_s|floor' eval.json) images/s in the engine, whole process $sf_time s, $(jq -r .threads eval.json) threads"

# ---- image by image -------------------------------------------------------------------
# safer prints no per-image result, so it is read by sets of images: a chunk
# whose top-1 and top-k counts equal Darknet's passes (two opposite
# differences inside one chunk would cancel: chunks are small); one that
# differs is halved until single images are named.
dn_per_image dn >dn-per-image.txt
n=$(wc -l <"$VALID")
: >differ.txt
nruns=0
# check_range FIRST LAST (1-based lines of the valid list)
check_range() {
	local a=$1 b=$2 want got mid
	sed -n "${a},${b}p" "$VALID" >chunk.list
	sed "s|^\([[:space:]]*valid[[:space:]]*=\).*|\1$OUT/chunk.list|" "$DATA" >chunk.data
	want=$(sed -n "${a},${b}p" dn-per-image.txt | awk '{ x += $1; y += $2 } END { print x + 0, y + 0 }')
	got=$(safer_counts chunk.data)
	nruns=$((nruns + 1))
	[ "$want $((b - a + 1))" = "$got" ] && return 0
	if [ "$a" -eq "$b" ]; then
		echo "image $a $(sed -n "${a}p" "$VALID"): top-1/top-k hit darknet $want, safer ${got% *}" >>differ.txt
		return 0
	fi
	mid=$(((a + b) / 2))
	check_range "$a" "$mid"
	check_range $((mid + 1)) "$b"
}
i=1
while [ $i -le "$n" ]; do
	j=$((i + CHUNK - 1))
	[ $j -gt "$n" ] && j=$n
	check_range $i $j
	i=$((j + 1))
done
say "per image: $(wc -l <differ.txt) of $n images differ in top-1 or top-k correctness ($nruns safer runs; list: $OUT/differ.txt)"
[ "$EVAL_ONLY" = 1 ] && exit 0

# ---- scan, budget, export ---------------------------------------------------------------
t0=$(now)
"$SAFER" scan -c "$CFG" -w "$WEIGHTS" -d "$DATA" --limit "$SCAN_N" -p prune:0.3,0.5,0.7 -p quant:8,6,4,3 \
	-o scan.csv --force >scan.out 2>scan.err || { say "safer scan failed: $(tail -2 scan.err)"; exit 1; }
say "scan    $(grep -vc -e '^#' -e '^layer,' scan.csv) rows on $SCAN_N images in $(since "$t0") s; largest drops:"
grep -v -e '^#' -e '^layer,' scan.csv | sort -t, -k7,7 -g -r | head -5 |
	awk -F, '{ printf "  layer %s %s %s:%s top-1 %s drop %s [%s, %s]\n", $1, $2, $3, $4, $6, $7, $8, $9 }' | tee -a summary.txt
"$SAFER" budget -c "$CFG" -w "$WEIGHTS" -d "$DATA" --limit "$SCAN_N" --from scan.csv --target bits=5 \
	-o bits5.budget >budget.txt 2>budget.err || { say "safer budget failed: $(cat budget.err)"; exit 1; }
grep -E '^(sensitivity|uniform) ' budget.txt | sed 's/^/  /' | tee -a summary.txt

edata=$DATA
if [ -n "$EXPORT_N" ]; then
	sub_data "$EXPORT_N" export
	edata=$OUT/export.data
fi
"$SAFER" export -c "$CFG" -w "$WEIGHTS" --budget bits5.budget -o exported.weights >export.out 2>export.err ||
	{ say "safer export failed: $(cat export.err)"; exit 1; }
"$SAFER" eval -c "$CFG" -w "$WEIGHTS" -d "$edata" --budget bits5.budget --json >eval-budget.json 2>eval-budget.err ||
	{ say "safer eval --budget failed: $(cat eval-budget.err)"; exit 1; }
"$SAFER" eval -c "$CFG" -w exported.weights -d "$edata" --json >eval-exported.json 2>eval-exported.err
darknet_valid "$edata" exported.weights dn-exported || { say "darknet on the export failed: $(tail -3 dn-exported.err)"; exit 1; }
read -r e1 ek <<<"$(dn_final dn-exported)"
say "export  $(stat -c %s exported.weights) bytes; on $(jq -r .images eval-budget.json) images: safer eval --budget top-1 $(jq -r .top1 eval-budget.json) top-k $(jq -r .topk eval-budget.json); safer eval of the exported file $(jq -r .top1 eval-exported.json) / $(jq -r .topk eval-exported.json); darknet on the exported file $e1 / $ek"

# ---- the explorer ---------------------------------------------------------------------
if command -v tmux >/dev/null 2>&1; then
	sock=safer-evidence-$$
	tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 40 \
		"'$SAFER' tui -c '$CFG' -w '$WEIGHTS' -d '$DATA' --limit '$SCAN_N'; echo \"[exited \$?]\"; sleep 600"
	ok=0
	for _ in $(seq 1 600); do
		tmux -L "$sock" capture-pane -p >tui.txt 2>/dev/null
		grep -qE 'base [0-9]+\.[0-9]+%|\[exited' tui.txt && { ok=1; break; }
		sleep 0.1
	done
	sleep 1
	tmux -L "$sock" capture-pane -p >tui.txt
	tmux -L "$sock" send-keys q
	sleep 1
	tmux -L "$sock" capture-pane -p >tui-after-q.txt
	tmux -L "$sock" kill-server >/dev/null 2>&1
	if [ $ok = 1 ] && grep -qE 'base [0-9]+\.[0-9]+%' tui.txt; then
		say "tui     opened: $(grep -oE 'base [0-9]+\.[0-9]+%' tui.txt | head -1); $(grep -cE ' (conv|fc|maxp) ' tui.txt) layer rows on the first screen (tui.txt); after q: $(grep -o '\[exited [0-9]*\]' tui-after-q.txt)"
	else
		say "tui     did not show a baseline: $(head -c 300 tui.txt)"
	fi
fi
