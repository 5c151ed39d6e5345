#!/usr/bin/env bash
# detector_cfgs.sh - `safer info` on Debian's detector cfgs against Darknet's
# own parse (tests/tools/dnlayers, linked with libdarknet), and every cfg of
# /usr/share/darknet/cfg in both.
#
#  - yolov3, yolov3-tiny, yolov3-spp, yolov2-tiny, yolov2-voc: info without
#    weights exits 0 and says "detector"; per layer, MACs and parameters equal
#    Darknet's (conv: l.n*l.size*l.size*l.c/l.groups*l.out_h*l.out_w, the
#    floats load_weights reads), and so do the output shapes wherever Darknet
#    sets them; totals likewise;
#  - every cfg: safer loads it or refuses it with one line; whatever safer
#    loads, Darknet parses too, with the same MAC and parameter totals.  The
#    table (cfg, safer's verdict, Darknet's) is printed (README shows it).
#  - a detector given to eval or rank without a detection .data file: one
#    clean line, exit 2.
set -u
. "$(dirname "$0")/lib.sh"

DNCFG=/usr/share/darknet/cfg
DNLAYERS=${DNLAYERS:-$BUILDDIR/tests/tools/dnlayers}
[ -d "$DNCFG" ] || skip_all "$DNCFG missing (Debian package darknet)"
[ -x "$DNLAYERS" ] || skip_all "needs $DNLAYERS (make check builds it)"
# Darknet's own parse, as Darknet leaves it: the helper never frees the
# network, so a sanitizer build must not count that as safer's leak
dnlayers() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$DNLAYERS" "$@"
}
require_cmd jq

# "INDEX MACS PARAMS" per layer, and the shapes Darknet sets (out_w > 0)
safer_rows() { jq -r '.layers[] | "\(.index) \(.macs) \(.params)"' "$1"; }
safer_shapes() { jq -r '.layers[] | "\(.index) \(.output | join("x"))"' "$1"; }
dn_rows() { awk '$1 != "total" { print $1, $6, $7 }' "$1"; }
dn_shapes() { awk '$1 != "total" && $3 > 0 { print $1, $3 "x" $4 "x" $5 }' "$1"; }

for name in yolov3 yolov3-tiny yolov3-spp yolov2-tiny yolov2-voc; do
	cfg=$DNCFG/$name.cfg
	[ -f "$cfg" ] || { echo "skip - $cfg not installed"; continue; }
	run "$SAFER" info -c "$cfg" --json
	check "$name: info exits 0 (got $RC: $(head -c 200 "$T/err"))" [ "$RC" -eq 0 ]
	cp "$T/out" "$T/$name.json"
	check_eq "$name: a detector" true "$(jq -r .detector "$T/$name.json")"
	dnlayers "$cfg" >"$T/$name.dn" 2>/dev/null
	check_eq "$name: Darknet parses it" 0 "$?"
	check_eq "$name: per-layer MACs and params = Darknet's ($(dn_rows "$T/$name.dn" | wc -l) layers)" \
		"$(dn_rows "$T/$name.dn")" "$(safer_rows "$T/$name.json")"
	want=$(dn_shapes "$T/$name.dn")
	check_eq "$name: output shapes = Darknet's" "$want" "$(safer_shapes "$T/$name.json" | grep -Fxf <(echo "$want") || true)"
	check_eq "$name: total MACs and params = Darknet's" "$(awk '$1 == "total" { print $2, $3 }' "$T/$name.dn")" \
		"$(jq -r '"\(.total_macs) \(.total_params)"' "$T/$name.json")"
done

# ---- every cfg ---------------------------------------------------------------
printf '%-20s %-8s %-8s %s\n' cfg safer darknet "safer's reason" >"$T/table"
for cfg in "$DNCFG"/*.cfg; do
	name=$(basename "$cfg" .cfg)
	run "$SAFER" info -c "$cfg" --json
	src=$RC
	cp "$T/out" "$T/all.json"
	why=$(sed -n 's/^safer: [^:]*:\([0-9]*:\)\{0,1\} *//p' "$T/err" | head -1 | cut -c1-70)
	timeout 300 env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$DNLAYERS" "$cfg" \
		>"$T/all.dn" 2>"$T/all.dnerr"
	drc=$?
	# file_error() exits 0: a parse counts only with the total line
	if [ "$drc" -eq 0 ] && grep -q '^total ' "$T/all.dn"; then dn=parses
	elif [ "$drc" -gt 128 ]; then dn="signal$((drc - 128))"
	else dn="exit$drc"; fi
	if [ "$src" -eq 0 ]; then
		kind=$(jq -r 'if .detector then "detector" else "loads" end' "$T/all.json")
		printf '%-20s %-8s %-8s\n' "$name" "$kind" "$dn" >>"$T/table"
		check_eq "$name: safer loads it, so Darknet parses it" parses "$dn"
		check_eq "$name: totals = Darknet's" "$(awk '$1 == "total" { print $2, $3 }' "$T/all.dn")" \
			"$(jq -r '"\(.total_macs) \(.total_params)"' "$T/all.json")"
	else
		printf '%-20s %-8s %-8s %s\n' "$name" refused "$dn" "$why" >>"$T/table"
		check "$name: refused with exit 2 and one line (got $RC: $(head -c 200 "$T/err"))" \
			[ "$src" -eq 2 -a "$(wc -l <"$T/err")" -eq 1 ]
	fi
done
cat "$T/table"

# ---- other commands refuse a detector in one line ----------------------------
y=$DNCFG/yolov3-tiny.cfg
if [ -f "$y" ]; then
	for cmd in eval rank; do
		expect_fail_2 "$cmd refuses a detector" "yolov3-tiny.cfg;a detector" "$SAFER" "$cmd" -c "$y" -w /dev/null
	done
fi

finish
