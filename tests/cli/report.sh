#!/usr/bin/env bash
# report.sh - `safer report`: one self-contained HTML file.
#
#  - nothing is fetched: no <link>, no src= attribute, no URL but the SVG
#    namespace; the inline SVG figures parse (xmllint, each cut out);
#  - the provenance (weights checksum), the baseline, the heatmap, the curves
#    and, with --rank, the criteria figure; the table of cells (one row per
#    scan row) and the table of ranks;
#  - with Debian's chromium (skipped with a message when absent):
#    --dump-dom shows the three figures and both tables after the script ran,
#    and a screenshot decodes (tests/tools/pngpix) to a non-blank picture;
#  - bad input: an empty scan, a rank file of other weights: one line,
#    exit 2, no report written.
set -u
. "$(dirname "$0")/lib.sh"
require_cmd xmllint
PNGPIX=${PNGPIX:-$BUILDDIR/tests/tools/pngpix}
[ -x "$PNGPIX" ] || die "no $PNGPIX (make check builds it)"

run "$SAFER" scan -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" -p prune:0.3,0.6 -p quant:4 --limit 300 -o "$T/x.csv"
[ "$RC" -eq 0 ] || die "scan failed: $(cat "$T/err")"
run "$SAFER" rank -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" --criterion magnitude,l2,params,macs --limit 200 -o "$T/r.csv"
[ "$RC" -eq 0 ] || die "rank failed: $(cat "$T/err")"
ROWS=$(csv_rows "$T/x.csv")
R=$T/report.html

run "$SAFER" report "$T/x.csv" --rank "$T/r.csv" -o "$R"
check "report exits 0" [ "$RC" -eq 0 ]
check "nothing on stderr" [ ! -s "$T/err" ]
check "no stylesheet or script from elsewhere (<link>, src=)" [ -z "$(grep -oiE '<link|src=' "$R")" ]
check_eq "no URL but the SVG namespace" "" "$(grep -oE 'https?://[^" ]*' "$R" | grep -v '^http://www.w3.org/2000/svg$' | sort -u)"
check "the weights checksum" grep -q "<td class=\"t\">$(csv_header "$T/x.csv" weights_checksum)</td>" "$R"
check "the baseline" grep -q "id=\"baseline\".*$(awk -v b="$(csv_header "$T/x.csv" baseline_top1)" 'BEGIN { printf "%.2f%%", 100 * b }')" "$R"
check_eq "three inline figures" 3 "$(grep -c '^<svg ' "$R")"
# each figure cut out is an XML document of its own
awk '/^<svg / { n++; f = sprintf("%s/fig%d.svg", dir, n) } f { print > f } /^<\/svg>/ { close(f); f = "" }' dir="$T" "$R"
for n in 1 2 3; do
	check "figure $n parses (xmllint)" xmllint --noout "$T/fig$n.svg"
done
check_eq "the heatmap: one cell per scan row" "$ROWS" "$(xmllint --xpath 'count(//*[@class="cell"])' "$T/fig1.svg")"
check_eq "the curves" $((2 * $(csv_col "$T/x.csv" layer | sort -u | wc -l))) "$(xmllint --xpath 'count(//*[@class="curve"])' "$T/fig2.svg")"
check_eq "the criteria" 5 "$(xmllint --xpath 'count(//*[@class="criterion"])' "$T/fig3.svg")"
check_eq "the table of cells: one row per scan row" "$ROWS" \
	"$(awk '/<table class="sortable" id="cells">/ { on = 1 } on && /^<tr><td>/ { n++ } on && /<\/table>/ { exit } END { print n + 0 }' "$R")"
check_eq "the table of ranks: one row per layer" "$(grep -vc '^#' "$T/r.csv" | awk '{ print $1 - 1 }')" \
	"$(awk '/<table class="sortable" id="ranks">/ { on = 1 } on && /^<tr><td>/ { n++ } on && /<\/table>/ { exit } END { print n + 0 }' "$R")"

run "$SAFER" report "$T/x.csv" -o "$T/plain.html"
check "report without --rank exits 0" [ "$RC" -eq 0 ]
check_eq "without --rank: two figures" 2 "$(grep -c '^<svg ' "$T/plain.html")"
printf '[layer 0]\nbits=6\n\n[layer 2]\nprune=0.5\n' >"$T/b.budget"
run "$SAFER" report "$T/x.csv" --budget "$T/b.budget" -o "$T/budget.html"
check "report --budget exits 0 ($RC: $(head -c 200 "$T/err"))" [ "$RC" -eq 0 ]
check_eq "... three figures, the budget's last" 3 "$(grep -c '^<svg ' "$T/budget.html")"
awk '/^<svg / { n++ } n == 3 { print } /^<\/svg>/ && n == 3 { exit }' "$T/budget.html" >"$T/bfig.svg"
check "... the budget figure parses (xmllint)" xmllint --noout "$T/bfig.svg"
check_eq "... layer 0 at 6 bits" 6 "$(xmllint --xpath 'string(//*[@class="budget-bits" and @data-layer="0"]/@data-bits)' "$T/bfig.svg")"
printf '[layer 7]\nbits=4\n' >"$T/nolayer.budget"
expect_fail_2 "report --budget naming no layer of the scan" "nolayer.budget" \
	"$SAFER" report "$T/x.csv" --budget "$T/nolayer.budget" -o "$T/nb.html"

# ---- in a browser --------------------------------------------------------------------------
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	echo "skip - chromium not installed: the report is not opened in a browser"
else
	chrome() {
		timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
			--user-data-dir="$T/chrome" "$@" 2>>"$T/chrome.err"
	}
	chrome --dump-dom "file://$R" >"$T/dom.html"
	check "chromium --dump-dom gives the page" grep -q '</html>' "$T/dom.html"
	check_eq "the DOM holds three figures" 3 "$(grep -o '<svg ' "$T/dom.html" | wc -l)"
	check_eq "the DOM holds the heatmap's cells" "$ROWS" "$(grep -o 'class="cell" ' "$T/dom.html" | wc -l)"
	check "the DOM holds the table of cells" grep -q '<table class="sortable" id="cells">' "$T/dom.html"
	check "the DOM holds the table of ranks" grep -q '<table class="sortable" id="ranks">' "$T/dom.html"
	# the inline sorter: a click on "drop (points)" puts the smallest drop first
	sed 's|</body>|<script>document.querySelectorAll("#cells th")[6].click();</script></body>|' "$R" >"$T/click.html"
	chrome --dump-dom "file://$T/click.html" >"$T/click-dom.html"
	first=$(awk '/id="cells"/ { on = 1 } on && /<tr><td>/ { print; exit }' "$T/click-dom.html" |
		sed 's|</td><td[^>]*>|,|g; s|<[^>]*>||g' | cut -d, -f7)
	least=$(csv_col "$T/x.csv" drop | sort -g | head -1)
	check "sorting by a click: the smallest drop ($least) comes first ($first)" awk_true "${first:-99} == $least"
	chrome --window-size=1100,1600 --screenshot="$T/shot.png" "file://$R" >/dev/null
	read -r w h distinct < <("$PNGPIX" "$T/shot.png" 2>/dev/null || echo 0 0 0)
	check_eq "a screenshot of 1100x1600" "1100 1600" "$w $h"
	check "the screenshot is not blank ($distinct colours)" [ "${distinct:-0}" -ge 50 ]
	[ "${KEEP:-0}" = 1 ] && echo "screenshot: $T/shot.png"
fi

# ---- bad input -----------------------------------------------------------------------------
grep '^#' "$T/x.csv" >"$T/empty.csv"
grep -v '^#' "$T/x.csv" | head -1 >>"$T/empty.csv"
expect_fail_2 "an empty scan" "empty.csv;no rows" "$SAFER" report "$T/empty.csv" -o "$T/out.html"
run "$SAFER" rank -c "$RESNET_CFG" -w "$RESNET_WEIGHTS" --criterion magnitude,l2 --limit 100 -o "$T/other.csv"
[ "$RC" -eq 0 ] || die "rank of the residual model failed: $(cat "$T/err")"
expect_fail_2 "a rank file of another model" "other.csv;other weights" \
	"$SAFER" report "$T/x.csv" --rank "$T/other.csv" -o "$T/out.html"
expect_fail_2 "-o onto the rank file" "r.csv" "$SAFER" report "$T/x.csv" --rank "$T/r.csv" -o "$T/r.csv"
check "no report was created by the bad inputs" [ ! -e "$T/out.html" ]

finish
