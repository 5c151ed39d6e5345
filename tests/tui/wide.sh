#!/usr/bin/env bash
# More room used well (issue 16): at 200x60 the layer list shows every
# column (params and MACs, hidden at 80 columns) and every layer, the curve
# gets the extra height, the detail pane its histograms, and the status line
# names the data in full.
. "$(dirname "$0")/lib.sh"

start 200 60 tui --limit 1000
wait_re 'base [0-9]+\.[0-9]+%' 30
wait_re 'exact 1000/1000' 30
screen | grep -qE '# kind +output +param +MACs +budget +drop' || fail "the layer list lacks its params/MACs columns at 200x60"
for l in 0 2 4 5 6 8 9; do
	screen | grep -qE "^ *$l (conv|maxp|fc|drop|soft) " || fail "layer $l not listed at 200x60"
done
# the curve's plot rows: braille cells right of the pane border
rows=$(screen | LC_ALL=C grep -cE $'│.*\xe2[\xa0-\xa3]')
[ "$rows" -ge 30 ] || fail "the curve has $rows rows at 200x60 (expected it to take the height)"
screen | grep -q '─ Detail' || fail "no detail pane at 200x60"
screen | grep -q 'before' || fail "no weight histogram in the detail pane"
screen | grep -q 'fashion-mnist/t10k-images 1000 img' || fail "the status line shortens the data name at 200 columns"
keys q
wait_exit 0
echo "PASS"
