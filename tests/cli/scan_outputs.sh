#!/usr/bin/env bash
# scan_outputs.sh - `safer scan` result files (CSV and JSON), read the way a
# user's script would: CSV columns by header name (awk), JSON with jq.
#
#  - 2 layers x (prune:0.2,0.8 + quant:4 + bitflip:0.0001 x 2 trials) = 10
#    rows in both files; the column line and the header fields;
#  - every row: top1 in [0,1], drop = 100 (baseline - top1) within 0.01,
#    drop_lo <= drop <= drop_hi, agree in [0,1], kl >= 0, images = 500;
#  - the same scan again gives the same rows (all kinds: deterministic ones by
#    construction, bitflip through the seed), seconds aside;
#  - the CSV and the JSON file hold the same header and rows (seconds aside);
#  - table mode on stdout has a header line; `safer scan ... | head -n 2`
#    ends quietly (nothing on stderr; status 0 or 141 from SIGPIPE).
set -u
. "$(dirname "$0")/lib.sh"

SCAN=("$SAFER" scan -p prune:0.2,0.8 -p quant:4 -p bitflip:0.0001 -T 2 --layers 0,6 --limit 500)
run "${SCAN[@]}" -o "$T/X.csv"
check "scan to X.csv exits 0" [ "$RC" -eq 0 ]
run "${SCAN[@]}" -o "$T/X.json"
check "scan to X.json exits 0" [ "$RC" -eq 0 ]
[ -s "$T/X.csv" ] && [ -s "$T/X.json" ] || die "no result files"

# ---- CSV ---------------------------------------------------------------------------------
check "X.csv is well formed" csv_wellformed "$T/X.csv"
check_eq "CSV column line (ranked)" "$CSV_RANKED_COLUMNS" "$(grep -v '^#' "$T/X.csv" | head -1)"
check_eq "CSV rows: 2 layers x (2 + 1 + 2)" 10 "$(csv_rows "$T/X.csv")"
for key in version cfg weights weights_checksum data data_checksum images seed trials baseline_top1; do
	check "CSV header has '# $key: $(csv_header "$T/X.csv" "$key")'" [ -n "$(csv_header "$T/X.csv" "$key")" ]
done
check_eq "CSV header images" 500 "$(csv_header "$T/X.csv" images)"
check_eq "CSV header seed (default)" 1 "$(csv_header "$T/X.csv" seed)"
check_eq "CSV header trials" 2 "$(csv_header "$T/X.csv" trials)"
check_eq "CSV rows per kind" "bitflip 4 prune 4 quant 2" "$(csv_col "$T/X.csv" kind | sort | uniq -c | awk '{ print $2, $1 }' | xargs)"
check_eq "CSV layers" "0 6" "$(csv_col "$T/X.csv" layer | sort -nu | xargs)"
check_eq "CSV layer kinds" "connected conv" "$(csv_col "$T/X.csv" layer_kind | sort -u | xargs)"

# Row checks by column name; prints the offending rows.
base=$(csv_header "$T/X.csv" baseline_top1)
bad=$(awk -F, -v base="$base" '
	/^#/ { next }
	!seen { seen = 1; for (i = 1; i <= NF; i++) c[$i] = i; next }
	{
		t = $c["top1"]; d = $c["drop"]; lo = $c["drop_lo"]; hi = $c["drop_hi"]
		a = $c["agree"]; k = $c["kl"]; e = 100 * (base - t) - d
		why = ""
		if (t < 0 || t > 1) why = why " top1"
		if (e > 0.01 || e < -0.01) why = why " drop!=100(base-top1)"
		if (!(lo <= d && d <= hi)) why = why " drop outside [lo,hi]"
		if (a < 0 || a > 1) why = why " agree"
		if (k < 0) why = why " kl<0"
		if ($c["images"] != 500) why = why " images"
		if ($c["seconds"] < 0) why = why " seconds"
		if (why != "") print NR ":" why ": " $0
	}' "$T/X.csv")
check "every CSV row is consistent (top1, drop, interval, agree, kl, images)${bad:+: $bad}" [ -z "$bad" ]

# ---- JSON --------------------------------------------------------------------------------
check "X.json is valid JSON" jq -e . "$T/X.json" >/dev/null
check_eq "JSON rows" 10 "$(json_get "$T/X.json" '.rows | length')"
check_eq "JSON header fields present" true \
	"$(json_get "$T/X.json" '.header | has("weights_checksum") and has("data_checksum") and has("seed") and has("images") and has("baseline_top1") and has("trials")')"
check_eq "JSON row keys (ranked)" "$CSV_RANKED_COLUMNS" "$(json_get "$T/X.json" '[.rows[] | keys_unsorted | join(",")] | unique | join(" ")')"
bad=$(jq -r '.header.baseline_top1 as $b | .rows[]
	| select((.top1 < 0 or .top1 > 1) or ((100 * ($b - .top1) - .drop) | fabs > 0.01)
		or (.drop_lo > .drop or .drop > .drop_hi) or (.agree < 0 or .agree > 1) or .kl < 0 or .images != 500)
	| tostring' "$T/X.json")
check "every JSON row is consistent${bad:+: $bad}" [ -z "$bad" ]

# ---- CSV = JSON (seconds aside), numbers to the CSV's printed precision ----------------------
for key in weights_checksum data_checksum images seed trials; do
	check_eq "header $key: CSV = JSON" "$(csv_header "$T/X.csv" "$key")" "$(json_get "$T/X.json" ".header.$key")"
done
check "header baseline_top1: CSV = JSON" awk_true "$(csv_header "$T/X.csv" baseline_top1) - $(json_get "$T/X.json" .header.baseline_top1) < 5e-7 && $(json_get "$T/X.json" .header.baseline_top1) - $(csv_header "$T/X.csv" baseline_top1) < 5e-7"
jq -r '.rows[] | [.layer, .layer_kind, .kind, .level, .trial, .top1, .drop, .drop_lo, .drop_hi, .agree, .kl, .images] | @csv' "$T/X.json" |
	tr -d '"' >"$T/json.rows"
grep -v '^#' "$T/X.csv" | tail -n +2 >"$T/csv.rows"
diffs=$(awk -F, '
	function off(a, b, tol) { return (a - b > tol || b - a > tol) }
	NR == FNR { j[FNR] = $0; n = FNR; next }
	{
		split(j[FNR], r, ",")
		if ($1 != r[1] || $2 != r[2] || $3 != r[3] || $5 != r[5] || $12 != r[12] || off($4, r[4], 1e-9) ||
		    off($6, r[6], 5e-7) || off($7, r[7], 5e-5) || off($8, r[8], 5e-5) || off($9, r[9], 5e-5) ||
		    off($10, r[10], 5e-7) || off($11, r[11], 1e-5 * (r[11] + 1e-9)))
			print "row " FNR ": csv " $0 " / json " j[FNR]
	}
	END { if (FNR != n) print "row counts differ" }' "$T/json.rows" "$T/csv.rows")
check "CSV rows = JSON rows (seconds aside)${diffs:+: $diffs}" [ -z "$diffs" ]

# ---- reproducible ---------------------------------------------------------------------------
run "${SCAN[@]}" -o "$T/Y.csv"
check_eq "a second identical scan gives the same file (seconds aside)" \
	"$(csv_drop_col "$T/X.csv" seconds | sha256sum)" "$(csv_drop_col "$T/Y.csv" seconds | sha256sum)"
det() { csv_drop_col "$1" seconds | grep -cE ',(prune|quant),'; csv_drop_col "$1" seconds | grep -E ',(prune|quant),' | sha256sum; }
check_eq "deterministic kinds (prune, quant: 6 rows) identical on re-run" "$(det "$T/X.csv" | xargs)" "$(det "$T/Y.csv" | xargs)"

# ---- stdout ---------------------------------------------------------------------------------
run "$SAFER" scan -p prune:0.5 -p bitflip:0.0001 -T 2 --layers 0 --limit 200
check "table mode exits 0" [ "$RC" -eq 0 ]
check "table mode: a baseline line" grep -q '^# baseline top-1 [0-9.]*% on 200 images' "$T/out"
check "table mode: a header line naming the columns" grep -Eq '^ *layer +layer_kind +kind +level +trial +top1% +drop' "$T/out"
check_eq "table mode: prune row + 2 bitflip trials + their summary" 4 "$(grep -Ec '^ +0 conv ' "$T/out")"
check "table mode: nothing on stderr" [ ! -s "$T/err" ]

"$SAFER" scan -p prune:0.1:0.9:0.1 --limit 300 2>"$T/pipe.err" | head -n 2 >"$T/pipe.out"
st=("${PIPESTATUS[@]}")
check "scan | head -n 2: safer exits 0 or 141 (got ${st[0]})" [ "${st[0]}" -eq 0 -o "${st[0]}" -eq 141 ]
check "scan | head -n 2: stderr empty $(head -c 200 "$T/pipe.err")" [ ! -s "$T/pipe.err" ]
check_eq "scan | head -n 2: two lines came through" 2 "$(wc -l <"$T/pipe.out")"

finish
