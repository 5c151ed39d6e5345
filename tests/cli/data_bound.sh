#!/usr/bin/env bash
# data_bound.sh - data sets in bounded memory (#14 part 3).  Images past
# --data-mb are decoded again on every pass; results must not change.
#
# 1. 600 Fashion-MNIST PNGs (3,136 bytes of floats each): eval --json with
#    everything in memory, with --data-mb 0.5 (167 images kept, the rest
#    decoded again, a batch straddling the boundary) and with --data-mb 0
#    (none kept): the same top1, topk, images; cached_images as the bound
#    says; the time split keys present.
# 2. scan (prune, two layers, exact rows) with --cache-mb 0 so that every
#    job runs from layer 0 and re-decodes: the same top1, drop, agree, kl
#    columns and the same data_checksum header at every bound.
# 3. rank with gradient criteria on 256 samples (more than --data-mb 0.2
#    keeps): the same scores and data_checksum.
# 4. An image replaced while a scan re-decodes: exit 2, one line
#    "FILE: changed since it was loaded".
# 5. Peak RSS (/usr/bin/time -v) of eval on the 10,000 IDX images with
#    --cache-mb 0: --data-mb 0 is smaller than all in memory by at least
#    20 MB (the float tensor is 31 MB, the raw bytes kept instead 7.8 MB).
set -u
. "$(dirname "$0")/lib.sh"

make_dataset "$T/png" 600 png
DATA=$T/png/test.data

# ---- 1. eval ------------------------------------------------------------------------
for mb in all 0.5 0; do
	args=()
	[ "$mb" = all ] || args=(--data-mb "$mb")
	run "$SAFER" eval -d "$DATA" --json "${args[@]}"
	[ "$RC" -eq 0 ] || die "eval ${args[*]} failed ($RC): $(cat "$T/err")"
	cp "$T/out" "$T/eval-$mb.json"
done
want=$(jq -r '"\(.top1) \(.topk) \(.images)"' "$T/eval-all.json")
for mb in 0.5 0; do
	check_eq "eval --data-mb $mb: top1 topk images as all in memory" "$want" \
		"$(jq -r '"\(.top1) \(.topk) \(.images)"' "$T/eval-$mb.json")"
done
check_eq "cached images: all, 0.5 MiB / 3136 B, none" "600 167 0" \
	"$(jq -r .cached_images "$T/eval-all.json" "$T/eval-0.5.json" "$T/eval-0.json" | xargs)"
check_eq "time split keys" "true" \
	"$(jq '[.load_seconds, .decode_seconds, .infer_seconds] | all(type == "number" and . >= 0)' "$T/eval-0.json")"
check "images decoded again take time only when not in memory" \
	awk_true "$(jq .decode_seconds "$T/eval-all.json") == 0 && $(jq .decode_seconds "$T/eval-0.json") > 0"

# ---- 2. scan ------------------------------------------------------------------------
SCAN=("$SAFER" scan -d "$DATA" -p prune:0.3,0.7 --layers 0,2 --cache-mb 0)
for mb in all 0.5 0; do
	args=()
	[ "$mb" = all ] || args=(--data-mb "$mb")
	run "${SCAN[@]}" "${args[@]}" -o "$T/scan-$mb.csv"
	[ "$RC" -eq 0 ] || die "scan ${args[*]} failed ($RC): $(cat "$T/err")"
done
check_eq "scan: 4 rows" 4 "$(csv_rows "$T/scan-all.csv")"
for mb in 0.5 0; do
	for col in layer level top1 drop agree kl; do
		check_eq "scan --data-mb $mb: column $col as all in memory" "$(csv_col "$T/scan-all.csv" $col | xargs)" \
			"$(csv_col "$T/scan-$mb.csv" $col | xargs)"
	done
	check_eq "scan --data-mb $mb: data_checksum" "$(grep '^# data_checksum' "$T/scan-all.csv")" \
		"$(grep '^# data_checksum' "$T/scan-$mb.csv")"
done
check "the perturbations matter (some drop is not 0)" \
	awk_true "$(csv_col "$T/scan-all.csv" drop | awk '$1 != 0 { n++ } END { print n + 0 }') > 0"

# ---- 3. rank (gradients over more images than are kept) --------------------------------
for mb in all 0.2; do
	args=()
	[ "$mb" = all ] || args=(--data-mb "$mb")
	run "$SAFER" rank -d "$DATA" -C grad,taylor,fisher --samples 256 "${args[@]}" -o "$T/rank-$mb.json"
	[ "$RC" -eq 0 ] || die "rank ${args[*]} failed ($RC): $(cat "$T/err")"
done
check_eq "rank --data-mb 0.2: the same data_checksum" "$(jq -r .header.data_checksum "$T/rank-all.json")" \
	"$(jq -r .header.data_checksum "$T/rank-0.2.json")"
check_eq "rank --data-mb 0.2: the same scores and ranks" "$(jq -c .rows "$T/rank-all.json")" \
	"$(jq -c .rows "$T/rank-0.2.json")"
check "rank: some gradient score is positive" \
	awk_true "$(jq '[.rows[].grad] | max' "$T/rank-all.json") > 0"

# ---- 4. an image changed between load and re-decode -----------------------------------
# Many rows from layer 0 with nothing in memory: every row decodes every
# image again.  Once the first row is saved, image 5 becomes another image.
victim=$(sed -n 6p "$T/png/valid.list")
cp "$victim" "$T/victim.orig"
levels=$(seq -s, 0.02 0.02 0.98)
"$SAFER" scan -d "$DATA" -p prune:"$levels" --layers 0 --cache-mb 0 --data-mb 0 \
	-o "$T/changed.csv" >"$T/changed.out" 2>"$T/changed.err" &
pid=$!
for _ in $(seq 600); do
	[ "$(csv_rows "$T/changed.csv" 2>/dev/null || echo 0)" -ge 1 ] && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.05
done
other=$(sed -n 1p "$T/png/valid.list")
cat "$other" >"$victim"
wait_pid $pid 120
check_eq "scan with an image changed: exit 2" 2 "$WAIT_RC"
check_eq "one stderr line naming the file" "safer: $victim: changed since it was loaded" \
	"$(sed 's/ (.*//' "$T/changed.err")"
cp "$T/victim.orig" "$victim"

# ---- 5. peak memory ---------------------------------------------------------------------
if [ -x /usr/bin/time ]; then
	rss() {
		/usr/bin/time -v "$SAFER" eval --cache-mb 0 "$@" 2>&1 >/dev/null |
			awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }'
	}
	full=$(rss)
	none=$(rss --data-mb 0)
	check "peak RSS --data-mb 0 ($none KB) is at least 20 MB below all in memory ($full KB)" \
		awk_true "$full - $none > 20000"
else
	echo "# no /usr/bin/time: peak RSS not checked"
fi

finish
