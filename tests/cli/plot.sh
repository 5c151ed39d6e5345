#!/usr/bin/env bash
# plot.sh - `safer plot`: figures of a scan file, checked with real tools.
#
#  - every SVG parses (xmllint --noout);
#  - heatmap: one cell element per scan row (a deterministic scan: one row
#    per cell) whose data-drop is the row's drop, the value written in it,
#    axis labels, the legend, the provenance in <metadata>; a row removed by
#    hand becomes one cell marked as not measured; --kind, --layers, --mono;
#    the JSON scan file draws the same cells;
#  - curves: one curve per layer and kind, the 95% bands, the baseline,
#    axis labels with units, the legend;
#  - criteria: rho and tau of each criterion equal `safer compare`'s on a
#    scan of one kind and level;
#  - PNG: decoded back (tests/tools/pngpix, stb_image) at the size asked; the
#    heatmap's luminance follows the drop order (viridis rises, --mono falls);
#  - bitpos (trials averaged), a log axis for bit-flip rates, unlabeled
#    data (no drops: cells of the agreement lost, curves of the agreement), a path with
#    XML's special characters escaped;
#  - bad input: an empty scan, a hand-broken scan, a rank file of other
#    weights, a bitpos figure of a scan without bitpos rows, -o onto the
#    input: one "safer: FILE: problem" line, exit 2, nothing written.
set -u
. "$(dirname "$0")/lib.sh"
require_cmd xmllint
PNGPIX=${PNGPIX:-$BUILDDIR/tests/tools/pngpix}
[ -x "$PNGPIX" ] || die "no $PNGPIX (make check builds it)"

run "$SAFER" scan -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" -p prune:0.3,0.6 -p quant:4 --limit 300 -o "$T/x.csv"
[ "$RC" -eq 0 ] || die "scan failed: $(cat "$T/err")"
run "$SAFER" scan -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" -p prune:0.3,0.6 -p quant:4 --limit 300 -o "$T/x.json"
[ "$RC" -eq 0 ] || die "JSON scan failed: $(cat "$T/err")"
ROWS=$(csv_rows "$T/x.csv")

# xp FILE XPATH: the XPath value (a number or a string)
xp() {
	xmllint --xpath "$2" "$1" 2>/dev/null
}

# ---- heatmap ---------------------------------------------------------------------------
run "$SAFER" plot "$T/x.csv" -o "$T/h.svg"
check "plot heatmap exits 0" [ "$RC" -eq 0 ]
check "h.svg parses (xmllint)" xmllint --noout "$T/h.svg"
check_eq "one cell per scan row" "$ROWS" "$(xp "$T/h.svg" 'count(//*[@class="cell"])')"
check_eq "one value written per cell" "$ROWS" "$(xp "$T/h.svg" 'count(//*[@class="cell-value"])')"
check_eq "no cell marked not measured" 0 "$(xp "$T/h.svg" 'count(//*[@class="missing"])')"
bad=""
while IFS=, read -r layer kind level drop; do
	got=$(xp "$T/h.svg" "string(//*[@class=\"cell\"][@data-layer=\"$layer\"][@data-kind=\"$kind\"][@data-level=\"$level\"]/@data-drop)")
	awk_true "\"$got\" != \"\" && ($got - $drop)^2 < 1e-8" || bad+=" $layer/$kind:$level($drop, got '$got')"
done < <(awk -F, '/^#/ { next } !seen { seen = 1; next } { print $1 "," $3 "," $4 "," $7 }' "$T/x.csv")
check "every cell's data-drop is its row's drop${bad:+:$bad}" [ -z "$bad" ]
check "the heatmap's axis label names the level's unit" grep -q 'prune: level (fraction of weights pruned)' "$T/h.svg"
check "the heatmap's axis label for quant" grep -q 'quant: level (bits)' "$T/h.svg"
check_eq "layer axis labels, one per kind" 2 "$(xp "$T/h.svg" 'count(//*[text()="weight layer"])')"
check_eq "one legend" 1 "$(xp "$T/h.svg" 'count(//*[@class="legend"])')"
check_eq "the legend's 32 colour steps" 32 "$(xp "$T/h.svg" 'count(//*[@class="legend-step"])')"
check_eq "the legend's title" "drop (points)" "$(xp "$T/h.svg" 'string(//*[@class="legend-title"])')"
check_eq "the legend explains the hatching" 1 "$(xp "$T/h.svg" 'count(//*[@class="legend-missing"])')"
check_eq "metadata: weights checksum" "$(csv_header "$T/x.csv" weights_checksum)" \
	"$(xp "$T/h.svg" 'string(//*[local-name()="metadata"]/*[local-name()="weights_checksum"])')"
check_eq "metadata: seed" "$(csv_header "$T/x.csv" seed)" \
	"$(xp "$T/h.svg" 'string(//*[local-name()="metadata"]/*[local-name()="seed"])')"
check_eq "metadata: images" 300 "$(xp "$T/h.svg" 'string(//*[local-name()="metadata"]/*[local-name()="images"])')"
check "the caption names the weights checksum" grep -q "class=\"caption\".*$(csv_header "$T/x.csv" weights_checksum)" "$T/h.svg"

run "$SAFER" plot "$T/x.json" -o "$T/hj.svg"
check "plot of the JSON scan exits 0" [ "$RC" -eq 0 ]
# (the CSV holds drops to 4 decimals, the JSON file every digit)
paste <(xp "$T/h.svg" '//*[@class="cell"]/@data-drop' | tr -dc '0-9.\n -' | xargs -n1) \
	<(xp "$T/hj.svg" '//*[@class="cell"]/@data-drop' | tr -dc '0-9.\n -' | xargs -n1) >"$T/csvjson"
check_eq "the JSON scan draws as many cells" "$ROWS" "$(wc -l <"$T/csvjson")"
check "the JSON scan draws the same drops (to the CSV's 4 decimals)" \
	awk '{ d = $1 - $2; if (d * d > 1e-8 || NF != 2) exit 1 }' "$T/csvjson"

# a row removed by hand: its cell is marked, the rest drawn
awk -F, '!/^#/ && $1 == 2 && $3 == "prune" && $4 == "0.6" { next } { print }' "$T/x.csv" >"$T/holed.csv"
run "$SAFER" plot "$T/holed.csv" -o "$T/holed.svg"
check "plot of a scan missing a row exits 0" [ "$RC" -eq 0 ]
check "holed.svg parses" xmllint --noout "$T/holed.svg"
check_eq "the missing row's cell is marked" 1 "$(xp "$T/holed.svg" 'count(//*[@class="missing"][@data-layer="2"][@data-kind="prune"][@data-level="0.6"])')"
check_eq "the other cells are drawn" $((ROWS - 1)) "$(xp "$T/holed.svg" 'count(//*[@class="cell"])')"

run "$SAFER" plot "$T/x.csv" --kind quant -o "$T/q.svg"
check_eq "--kind quant: quant cells = all cells" "$(xp "$T/q.svg" 'count(//*[@class="cell"])')" \
	"$(csv_col "$T/x.csv" kind | grep -c '^quant$')"
run "$SAFER" plot "$T/x.csv" --layers 0,4-5 -o "$T/l.svg"
check_eq "--layers 0,4-5: their cells only" "0 4 5" "$(xp "$T/l.svg" '//*[@class="cell"]/@data-layer' | tr -dc '0-9 \n' | xargs -n1 | sort -nu | xargs)"
run "$SAFER" plot "$T/x.csv" --mono -o "$T/m.svg"
check "--mono: every cell grey" [ -z "$(xp "$T/m.svg" '//*[@class="cell"]/@fill' | grep -o '#[0-9a-f]*' | grep -vE '^#(..)\1\1$')" ]

# ---- curves ------------------------------------------------------------------------------
run "$SAFER" plot "$T/x.csv" --figure curves -o "$T/c.svg"
check "plot curves exits 0" [ "$RC" -eq 0 ]
check "c.svg parses" xmllint --noout "$T/c.svg"
NLAYERS=$(csv_col "$T/x.csv" layer | sort -u | wc -l)
check_eq "one curve per layer and kind" $((2 * NLAYERS)) "$(xp "$T/c.svg" 'count(//*[@class="curve"])')"
check_eq "prune curves have 2 points" "$NLAYERS" "$(xp "$T/c.svg" 'count(//*[@class="panel"][@data-kind="prune"]/*[@class="curve"][@data-points="2"])')"
check_eq "a 95% band per prune curve (one level of quant: no band)" "$NLAYERS" "$(xp "$T/c.svg" 'count(//*[@class="band"])')"
check_eq "a dashed baseline per kind" 2 "$(xp "$T/c.svg" 'count(//*[@class="baseline"][@stroke-dasharray])')"
check "x axis label with the unit" grep -q 'prune level (fraction of weights pruned)' "$T/c.svg"
check_eq "y axis label with the unit" 2 "$(xp "$T/c.svg" 'count(//*[contains(@class,"y-label")][text()="top-1 accuracy (%)"])')"
check_eq "a legend entry per layer and kind" $((2 * NLAYERS)) "$(xp "$T/c.svg" 'count(//*[@class="legend-entry"])')"

# ---- criteria ----------------------------------------------------------------------------
run "$SAFER" rank -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" --criterion magnitude,l2,params,macs --limit 200 -o "$T/r.csv"
[ "$RC" -eq 0 ] || die "rank failed: $(cat "$T/err")"
run "$SAFER" plot "$T/x.csv" "$T/r.csv" --figure criteria --kind quant -o "$T/cr.svg"
check "plot criteria exits 0" [ "$RC" -eq 0 ]
check "cr.svg parses" xmllint --noout "$T/cr.svg"
"$SAFER" compare --scan "$T/x.csv" --rank "$T/r.csv" --json >"$T/cmp.json" 2>/dev/null || die "compare failed"
for c in magnitude l2 l2pp params macs; do
	want=$(jq -r --arg c "$c" '.rows[] | select(.kind == "quant" and .criterion == $c) | "\(.spearman) \(.kendall)"' "$T/cmp.json")
	got="$(xp "$T/cr.svg" "string(//*[@data-criterion=\"$c\"]/@data-rho)") $(xp "$T/cr.svg" "string(//*[@data-criterion=\"$c\"]/@data-tau)")"
	check "criteria $c: rho, tau ($got) as safer compare ($want)" \
		awk_true "($(cut -d' ' -f1 <<<"$got") - $(cut -d' ' -f1 <<<"$want"))^2 < 1e-10 && ($(cut -d' ' -f2 <<<"$got") - $(cut -d' ' -f2 <<<"$want"))^2 < 1e-10"
done
check "rho and tau are written on the figure" grep -q 'class="agreement">ρ -\?[0-9.]*   τ' "$T/cr.svg"

# ---- PNG: the figure through rsvg-convert --------------------------------------------------
if command -v rsvg-convert >/dev/null; then
	run "$SAFER" plot "$T/x.csv" -o "$T/full.png"
	check "plot full.png (rsvg-convert) exits 0 ($RC: $(head -c 200 "$T/err"))" [ "$RC" -eq 0 ]
	read -r sw sh <<<"$(grep -o '<svg [^>]*>' "$T/h.svg" | sed -E 's/.* width="([0-9.]+)" height="([0-9.]+)".*/\1 \2/')"
	check_eq "... at twice the SVG's size (--scale 2 by default)" \
		"$(awk -v w="$sw" -v h="$sh" 'BEGIN { printf "%d %d", 2 * w + 0.5, 2 * h + 0.5 }')" \
		"$("$PNGPIX" "$T/full.png" | cut -d' ' -f1-2)"
	check "... many colours: text, cells, legend (not blank)" awk_true "$("$PNGPIX" "$T/full.png" | cut -d' ' -f3) > 100"
	# each cell's top-left area (clear of its number), scaled: luminance follows the drop
	grep -o '<rect [^>]*class="cell"[^>]*>' "$T/h.svg" |
		sed -E 's/.* x="([0-9.]+)" y="([0-9.]+)" width="([0-9.]+)" height="([0-9.]+)".*data-drop="([-0-9.e]+)".*/\1 \2 \3 \4 \5/' |
		awk '{ printf "%d,%d %s\n", 2 * ($1 + 0.15 * $3), 2 * ($2 + 0.25 * $4), $5 }' >"$T/cellpts"
	"$PNGPIX" "$T/full.png" $(cut -d' ' -f1 "$T/cellpts") | awk '{ print 0.2126 * $1 + 0.7152 * $2 + 0.0722 * $3 }' |
		paste "$T/cellpts" - >"$T/cell-lum"
	check "... $(wc -l <"$T/cellpts") cells: luminance rises with the drop (viridis)" awk '
		{ d[NR] = $2; y[NR] = $3 }
		END { if (NR < 6) exit 1; for (i = 1; i <= NR; i++) for (j = 1; j <= NR; j++)
			if (d[i] < d[j] - 1e-9 && y[j] - y[i] < -1) exit 1 }' "$T/cell-lum"
	run "$SAFER" plot "$T/x.csv" --figure curves -o "$T/curves.png" --size 640x480
	check_eq "curves as PNG at the size asked" "640 480" "$("$PNGPIX" "$T/curves.png" | cut -d' ' -f1-2)"
	run "$SAFER" plot "$T/x.csv" -o "$T/s1.png" --scale 1
	check_eq "--scale 1: the SVG's own size" "$(awk -v w="$sw" -v h="$sh" 'BEGIN { printf "%d %d", w + 0.5, h + 0.5 }')" \
		"$("$PNGPIX" "$T/s1.png" | cut -d' ' -f1-2)"
else
	echo "skip - rsvg-convert (librsvg2-bin) not installed: PNG figures not drawn"
fi
expect_fail_2 "a PNG figure without rsvg-convert" "nopath.png;librsvg2-bin" \
	env PATH=/nonexistent "$SAFER" plot "$T/x.csv" -o "$T/nopath.png"

# ---- PNG --cells: the heatmap's cells as pixels --------------------------------------------
run "$SAFER" plot "$T/x.csv" -o "$T/h.png" --size 300x200 --cells
check "plot h.png --cells exits 0" [ "$RC" -eq 0 ]
check_eq "PNG decoded at the size asked" "300 200" "$("$PNGPIX" "$T/h.png" | cut -d' ' -f1-2)"
# cells: columns prune:0.3, prune:0.6, quant:4 in the left 85% (255 px), layers top down
png_order() {	# FILE SIGN: every pair of cells ordered by drop has luminance ordered by SIGN
	local f=$1 sign=$2 args=() drops=() layers li=0
	layers=$(csv_col "$T/x.csv" layer | sort -nu | xargs)
	local nl
	nl=$(wc -w <<<"$layers")
	for l in $layers; do
		local col=0
		for key in prune,0.3 prune,0.6 quant,4; do
			drops+=("$(awk -F, -v l="$l" -v k="${key%,*}" -v v="${key#*,}" '!/^#/ && $1 == l && $3 == k && $4 == v { print $7 }' "$T/x.csv")")
			args+=("$(((2 * col + 1) * 255 / 6)),$(((2 * li + 1) * 200 / (2 * nl)))")
			col=$((col + 1))
		done
		li=$((li + 1))
	done
	"$PNGPIX" "$f" "${args[@]}" | awk '{ print 0.2126 * $1 + 0.7152 * $2 + 0.0722 * $3 }' >"$T/lum"
	printf '%s\n' "${drops[@]}" | paste - "$T/lum" | awk -v s="$sign" '
		{ d[NR] = $1; y[NR] = $2 }
		END { for (i = 1; i <= NR; i++) for (j = 1; j <= NR; j++)
			if (d[i] < d[j] - 1e-9 && s * (y[j] - y[i]) < -1) { print "cells " i " and " j; exit 1 } }'
}
check "PNG: luminance rises with the drop (viridis)" png_order "$T/h.png" 1
top=$("$PNGPIX" "$T/h.png" 295,2 | awk '{ print 0.2126 * $1 + 0.7152 * $2 + 0.0722 * $3 }')
bottom=$("$PNGPIX" "$T/h.png" 295,197 | awk '{ print 0.2126 * $1 + 0.7152 * $2 + 0.0722 * $3 }')
check "PNG legend bar: the largest drop (top, $top) brighter than the smallest ($bottom)" awk_true "$top > $bottom + 100"
run "$SAFER" plot "$T/x.csv" -o "$T/m.png" --mono --size 300x200 --cells
check "PNG --mono: luminance falls with the drop" png_order "$T/m.png" -1
run "$SAFER" plot "$T/x.csv" -o "$T/big.png" --size 1000x40 --cells
check_eq "PNG at another size" "1000 40" "$("$PNGPIX" "$T/big.png" | cut -d' ' -f1-2)"

# ---- bitpos, stochastic kinds, unlabeled data, escaping -----------------------------------
run "$SAFER" scan -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" -p bitpos:0,23,30 -p bitflip:1e-5,1e-3 -T 2 --layers 0,6 \
	--limit 200 -o "$T/b.csv"
[ "$RC" -eq 0 ] || die "bitpos scan failed: $(cat "$T/err")"
run "$SAFER" plot "$T/b.csv" --figure bitpos -o "$T/b.svg"
check "plot bitpos exits 0" [ "$RC" -eq 0 ]
check "b.svg parses" xmllint --noout "$T/b.svg"
check_eq "bitpos: one cell per layer and bit (2 trials averaged)" "6 6" \
	"$(xp "$T/b.svg" 'count(//*[@class="cell"][@data-kind="bitpos"])') $(xp "$T/b.svg" 'count(//*[@class="cell"][@data-trials="2"])')"
want=$(awk -F, '!/^#/ && $1 == 6 && $3 == "bitpos" && $4 == 30 { s += $7; n++ } END { printf "%.6f", s / n }' "$T/b.csv")
got=$(xp "$T/b.svg" 'string(//*[@class="cell"][@data-layer="6"][@data-level="30"]/@data-drop)')
check "bitpos: a cell is the mean of its trials ($want, $got)" awk_true "($want - $got)^2 < 1e-8"
check "bitpos: the axis names the bit position" grep -q 'bitpos: level (bit position)' "$T/b.svg"
run "$SAFER" plot "$T/b.csv" --figure curves --kind bitflip -o "$T/bc.svg"
check "bit-flip rates over two decades: a log axis" grep -q 'bitflip level (probability per bit, log scale)' "$T/bc.svg"

run "$SAFER" scan -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" --unlabeled -p prune:0.3,0.6 --layers 0,2 --limit 200 -o "$T/u.csv"
[ "$RC" -eq 0 ] || die "unlabeled scan failed: $(cat "$T/err")"
run "$SAFER" plot "$T/u.csv" -o "$T/u.svg"
check_eq "unlabeled: a cell per row, none missing" "4 0" \
	"$(xp "$T/u.svg" 'count(//*[@class="cell"])') $(xp "$T/u.svg" 'count(//*[@class="missing"])')"
want=$(awk -F, '!/^#/ && $1 == 0 && $4 == 0.6 { printf "%.6f", 100 * (1 - $10) }' "$T/u.csv")
got=$(xp "$T/u.svg" 'string(//*[@class="cell"][@data-layer="0"][@data-level="0.6"]/@data-drop)')
check "unlabeled: a cell holds the agreement lost, 100 (1 - agree) ($want, $got)" awk_true "($want - $got)^2 < 1e-8"
check_eq "unlabeled: the legend says so" "agreement lost (points)" "$(xp "$T/u.svg" 'string(//*[@class="legend-title"])')"
run "$SAFER" plot "$T/u.csv" --figure curves -o "$T/uc.svg"
check "unlabeled: the curves show the agreement" grep -q 'y-label[^>]*>agreement with the unperturbed network (%)<' "$T/uc.svg"

# a detector's scan (metric map50): its curves are in mAP@.5
sed 's/^# metric: top1$/# metric: map50/' "$T/x.csv" >"$T/det.csv"
run "$SAFER" plot "$T/det.csv" --figure curves -o "$T/det.svg"
check_eq "metric map50: the y axis is mAP@.5" 2 "$(xp "$T/det.svg" 'count(//*[contains(@class,"y-label")][text()="mAP@.5 (%)"])')"

# a path with XML's special characters is escaped, and reads back as written
awk '/^# cfg: / { print "# cfg: a&b<c>\"d'"'"'e.cfg"; next } { print }' "$T/x.csv" >"$T/amp.csv"
run "$SAFER" plot "$T/amp.csv" -o "$T/amp.svg"
check "a cfg path with & < > \" ' : the SVG parses" xmllint --noout "$T/amp.svg"
check_eq "... and its metadata holds the path" "a&b<c>\"d'e.cfg" \
	"$(xp "$T/amp.svg" 'string(//*[local-name()="metadata"]/*[local-name()="cfg"])')"

# ---- bad input ---------------------------------------------------------------------------
grep '^#' "$T/x.csv" >"$T/empty.csv"
grep -v '^#' "$T/x.csv" | head -1 >>"$T/empty.csv"
expect_fail_2 "an empty scan" "empty.csv;no rows" "$SAFER" plot "$T/empty.csv" -o "$T/out.svg"
first=$(($(grep -n '^layer,' "$T/x.csv" | cut -d: -f1) + 1))
awk -F, -v OFS=, -v n="$first" 'NR == n { $4 = "abc" } { print }' "$T/x.csv" >"$T/broken.csv"
expect_fail_2 "a hand-broken scan file (a level that is not a number)" "broken.csv:$first" "$SAFER" plot "$T/broken.csv" -o "$T/out.svg"
# cut in the middle of the first row (a byte count would land on a line end
# as soon as the header changes length)
{ head -n $((first - 1)) "$T/x.csv"; sed -n "${first}p" "$T/x.csv" | cut -d, -f1-6; } >"$T/cut.csv"
expect_fail_2 "a scan file cut short" "cut.csv" "$SAFER" plot "$T/cut.csv" -o "$T/out.png"
run "$SAFER" rank -c "$RESNET_CFG" -w "$RESNET_WEIGHTS" --criterion magnitude,l2 --limit 100 -o "$T/other.csv"
[ "$RC" -eq 0 ] || die "rank of the residual model failed: $(cat "$T/err")"
expect_fail_2 "a rank file of another model" "other.csv;other weights" \
	"$SAFER" plot "$T/x.csv" "$T/other.csv" --figure criteria -o "$T/out.svg"
expect_fail_2 "bitpos figure of a scan without bitpos rows" "x.csv;bitpos" \
	"$SAFER" plot "$T/x.csv" --figure bitpos -o "$T/out.svg"
expect_fail_2 "--kind the scan lacks" "x.csv;no rows" "$SAFER" plot "$T/x.csv" --kind noise -o "$T/out.svg"
cp "$T/x.csv" "$T/in.svg"
expect_fail_2 "-o onto the scan file" "in.svg" "$SAFER" plot "$T/in.svg" -o "$T/in.svg"
expect_fail_2 "-o not .svg or .png" "out.txt" "$SAFER" plot "$T/x.csv" -o "$T/out.txt"
expect_fail_2 "--cells for curves" "out.png;--cells" "$SAFER" plot "$T/x.csv" --figure curves --cells -o "$T/out.png"
expect_fail_2 "a missing scan file" "nothere.csv" "$SAFER" plot "$T/nothere.csv" -o "$T/out.svg"
# a file of an older safer: another column line (here without its last column)
awk -F, -v OFS=, '/^#/ { print; next } { NF = NF - 1; print }' "$T/x.csv" >"$T/older.csv"
expect_fail_2 "a scan file from an older safer (other columns)" "older.csv;not a safer scan file" \
	"$SAFER" plot "$T/older.csv" -o "$T/out.svg"
expect_fail_2 "an unknown figure" "--figure" "$SAFER" plot "$T/x.csv" --figure pie -o "$T/out.svg"
check "no output was created by the bad inputs" [ ! -e "$T/out.svg" -a ! -e "$T/out.png" ]


# ---- a budget next to the scan (--figure budget) ------------------------------------------
printf '[layer 0]\nbits=6\n\n[layer 2]\nprune=0.5\nbits=4\n\n[layer 6]\nprune-filter=0.25\nbits-pc=3\n' >"$T/b.budget"
run "$SAFER" plot "$T/x.csv" "$T/b.budget" --figure budget -o "$T/b.svg"
check "--figure budget exits 0 ($RC: $(head -c 200 "$T/err"))" [ "$RC" -eq 0 ]
check "... parses as XML" xmllint --noout "$T/b.svg"
check_eq "... one sensitivity bar per weight layer and kind" 12 \
	"$(xmllint --xpath 'count(//*[@class="sensitivity"])' "$T/b.svg")"
check_eq "... layer 2's bits as the budget says" 4 \
	"$(xmllint --xpath 'string(//*[@class="budget-bits" and @data-layer="2"]/@data-bits)' "$T/b.svg")"
check_eq "... layer 6's sparsity: 25% of the filters" 0.25 \
	"$(xmllint --xpath 'string(//*[@class="budget-sparsity" and @data-layer="6"]/@data-sparsity)' "$T/b.svg")"
check_eq "... layer 4 is float32, dense" "0 0" \
	"$(xmllint --xpath 'string(//*[@class="budget-bits" and @data-layer="4"]/@data-bits)' "$T/b.svg") $(xmllint --xpath 'string(//*[@class="budget-sparsity" and @data-layer="4"]/@data-sparsity)' "$T/b.svg")"
# layer 0's prune sensitivity: the mean of its prune rows' drops (trials averaged per level)
want=$(awk -F, '/^#/ || /^layer,/ { next } $1 == 0 && $3 == "prune" { s[$4] += $7; n[$4]++ }
	END { for (l in s) { t += s[l] / n[l]; k++ } printf "%.4f", t / k }' "$T/x.csv")
got=$(xmllint --xpath 'string(//*[@class="sensitivity" and @data-layer="0" and @data-kind="prune"]/@data-drop)' "$T/b.svg")
check "... layer 0's prune sensitivity $got = the mean of its rows' drops $want" awk_true "($got - $want)^2 < 1e-6"
printf '[layer 7]\nbits=4\n' >"$T/nolayer.budget"
expect_fail_2 "a budget naming no layer of the scan" "nolayer.budget" \
	"$SAFER" plot "$T/x.csv" "$T/nolayer.budget" --figure budget -o "$T/nb.svg"
expect_fail_2 "--figure budget without a budget" "needs a budget file" \
	"$SAFER" plot "$T/x.csv" --figure budget -o "$T/nb.svg"


# ---- a Pareto front (--figure pareto, from budget --pareto --json) ----------------------
"$SAFER" budget -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" --target bits --from "$T/x.csv" --pareto --limit 300 --json \
	>"$T/front.json" 2>"$T/front.err" || die "budget --pareto failed: $(cat "$T/front.err")"
npts=$(jq '[.front[] | .sensitivity.top1, .uniform.top1 | numbers] | length' "$T/front.json")
run "$SAFER" plot "$T/front.json" --figure pareto -o "$T/p.svg"
check "--figure pareto exits 0 ($RC: $(head -c 200 "$T/err"))" [ "$RC" -eq 0 ]
check "... parses as XML" xmllint --noout "$T/p.svg"
check_eq "... a point per measured budget (sensitivity and uniform)" "$npts" \
	"$(xmllint --xpath 'count(//*[@class="front-point"])' "$T/p.svg")"
t0=$(jq -r '[.front[] | select(.sensitivity.top1 != null)][0].target' "$T/front.json")
check_eq "... the first measured target ($t0): its sensitivity budget at its measured size" \
	"$(jq -r "[.front[] | select(.target == \"$t0\")][0].sensitivity.size_bytes" "$T/front.json" | awk '{ printf "%.9g", $1 }')" \
	"$(xmllint --xpath "string(//*[@class='front-point' and @data-budget='sensitivity' and @data-target='$t0']/@data-size)" "$T/p.svg")"
check "... axis labels and the baseline" eval 'grep -q "weight storage (KiB" "$T/p.svg" && grep -q "class=\"baseline\"" "$T/p.svg"'
run "$SAFER" plot "$T/front.json" --figure pareto --bops -o "$T/pb.svg"
check "--bops: against bit operations" grep -q "bit operations per image" "$T/pb.svg"
check_eq "... the first measured target's point at its BOPs" \
	"$(jq -r "[.front[] | select(.target == \"$t0\")][0].sensitivity.bops" "$T/front.json" | awk '{ printf "%.9g", $1 }')" \
	"$(xmllint --xpath "string(//*[@class='front-point' and @data-budget='sensitivity' and @data-target='$t0']/@data-bops)" "$T/pb.svg")"
expect_fail_2 "a scan file as a front" "x.json;not a Pareto front" \
	"$SAFER" plot "$T/x.json" --figure pareto -o "$T/np.svg"

finish
