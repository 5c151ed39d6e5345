#!/usr/bin/env bash
# Without a UTF-8 locale (LANG=C) and with NO_COLOR, the panes are drawn in
# ASCII and monochrome (the glossary, the trials' spread and the hints too).
. "$(dirname "$0")/lib.sh"

TUI_LANG=C TUI_NO_COLOR=1 start 80 24 tui --limit 2000
wait_re 'base [0-9]+\.[0-9]+%' 30
for t in "Layers" "Perturbation" "Accuracy" "Curve" "Heatmap" "Budget" "Detail" " 0 conv" "kind <prune>"; do
	screen | grep -qF -- "$t" || fail "'$t' not on screen"
done
# the curve and the histograms are drawn, in ASCII
wait_re '\*' 30
screen | grep -qE '^before +[ .:|#]*[.:|#]' || wait_re '[#|]' 5
LC_ALL=C grep -q '[^ -~]' <(screen) && fail "non-ASCII characters on screen"
# no colours, only attributes
tm capture-pane -p -e | grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|9[0-7]|38;5)[;m]' && fail "colour escapes with NO_COLOR"

keys m s
wait_for "scan done" 60
screen | grep -qE '\|L0 [-+*#]{10}' || fail "heatmap not drawn in ASCII"
LC_ALL=C grep -q '[^ -~]' <(screen) && fail "non-ASCII characters in the heatmap"
# the glossary, the trials' spread and the hints in ASCII too
keys '?' '?'
wait_for "Glossary"
LC_ALL=C grep -q '[^ -~]' <(screen) && fail "non-ASCII characters in the glossary"
keys Escape
keys '>' '>' '>' '>' '>' '>' t
wait_for "trials 2"
wait_re '2000/2000 t2/2' 60
LC_ALL=C grep -q '[^ -~]' <(screen) && fail "non-ASCII characters with two trials"
keys Tab
wait_for "kind: "
LC_ALL=C grep -q '[^ -~]' <(screen) && fail "non-ASCII characters in a hint"

keys q
wait_exit 0
echo "PASS"
