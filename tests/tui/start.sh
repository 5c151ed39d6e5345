#!/usr/bin/env bash
# The explorer starts on the bundled model: layer list, baseline accuracy,
# the help overlay; q quits with status 0 and restores the terminal.  `safer`
# with options but no command opens the explorer too.
. "$(dirname "$0")/lib.sh"

"$SAFER" tui --help | grep -q "Usage: safer tui" || fail "safer tui --help"

start 100 30 tui --limit 2000
wait_re 'base [0-9]+\.[0-9]+%' 30
wait_for "fmnist-plain"
for t in " conv " " maxp " " fc " "Perturbation" "Accuracy" "Curve" "Detail" "2000 img"; do
	screen | grep -qF -- "$t" || fail "'$t' not on screen"
done
base=$(number 'base ([0-9.]+)%')
less_than 50 "$base" || fail "baseline $base% looks wrong"

keys '?'
wait_for "Keys (? glossary, any other key closes)"
for k in "Enter" "Tab" "export budget weights" "start / stop scan"; do
	screen | grep -qF -- "$k" || fail "help does not list '$k'"
done
keys Space
wait_gone "Keys (? glossary, any other key closes)"

keys q
wait_exit 0

# no command: options alone open the explorer
start 100 30 --limit 500
wait_re 'base [0-9]+\.[0-9]+%' 30
wait_for "500 img"
keys q
wait_exit 0
echo "PASS"
