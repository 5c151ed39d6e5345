#!/usr/bin/env bash
# kill_during_write.sh - issue #7, "nothing lost": a scan killed with SIGKILL
# at any moment (no handler runs) leaves a result file that still parses and
# holds only complete rows, and --resume carries on from it.
#
#  - 10 runs of the same scan with --resume, each SIGKILLed a random
#    0.05-0.5 s after it wrote its first new row (loading the model and data
#    takes longer than 0.5 s, so timing from the start would kill every run
#    before it writes anything); after every kill: X.csv (once it exists) is well formed
#    (header lines, column line, complete rows, final newline), never holds
#    fewer rows than before, and the directory holds nothing but X.csv and
#    possibly X.csv.tmp-* files (a kill between mkstemp and rename leaves
#    one; they are counted and reported, and must never have replaced X.csv);
#  - a last --resume completes X.csv, which then equals an uninterrupted run
#    apart from the seconds column.
# KILL_SEED=N replays a particular sequence of sleeps.
set -u
. "$(dirname "$0")/lib.sh"

# 4 layers x (19 prune levels + 2 bitflip trials) = 84 rows, about 20 a second
SCAN=("$SAFER" scan -p prune:0.05:0.95:0.05 -p bitflip:0.001 -T 2 --layers 0,2,4,6 --limit 500)
TOTAL=84
RANDOM=${KILL_SEED:-$$}
echo "     KILL_SEED=$RANDOM"

mkdir "$T/ref" "$T/k"
run "${SCAN[@]}" -o "$T/ref/R.csv"
[ "$RC" -eq 0 ] && [ "$(csv_rows "$T/ref/R.csv")" -eq $TOTAL ] || die "reference scan failed: $(cat "$T/err")"

prev=0 broken="" shrunk="" strays="" tmps=0
for i in $(seq 10); do
	delay=$(awk -v r=$RANDOM 'BEGIN { printf "%.3f", 0.05 + (r % 451) / 1000 }')
	"${SCAN[@]}" -o "$T/k/X.csv" --resume >/dev/null 2>"$T/k.err" &
	pid=$!
	for _ in $(seq 300); do	# up to 30 s for this run's first row
		kill -0 "$pid" 2>/dev/null || break
		[ -e "$T/k/X.csv" ] && [ "$(csv_rows "$T/k/X.csv")" -gt "$prev" ] && break
		sleep 0.1
	done
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rows=0
	if [ -e "$T/k/X.csv" ]; then
		why=$(csv_wellformed "$T/k/X.csv") || broken+=" run $i: $why;"
		rows=$(csv_rows "$T/k/X.csv")
	fi
	[ "$rows" -ge "$prev" ] || shrunk+=" run $i: $prev -> $rows rows;"
	prev=$rows
	other=$(cd "$T/k" && ls -A | grep -v -e '^X\.csv$' -e '^X\.csv\.tmp-' | xargs)
	[ -z "$other" ] || strays+=" run $i: $other;"
	tmps=$(cd "$T/k" && ls -A | grep -c '^X\.csv\.tmp-')
	echo "     run $i: killed ${delay}s after its first row, X.csv has $rows rows, $tmps temporary file(s)"
done
check "after every SIGKILL X.csv parses with complete rows${broken:+:$broken}" [ -z "$broken" ]
check "rows are never lost between kills${shrunk:+:$shrunk}" [ -z "$shrunk" ]
check "nothing but X.csv and X.csv.tmp-* in the directory${strays:+:$strays}" [ -z "$strays" ]
echo "     temporary files left by the kills: $tmps"

run "${SCAN[@]}" -o "$T/k/X.csv" --resume
check "final --resume exits 0" [ "$RC" -eq 0 ]
check "final X.csv is well formed" csv_wellformed "$T/k/X.csv"
check_eq "final X.csv rows" $TOTAL "$(csv_rows "$T/k/X.csv")"
check_eq "final X.csv = uninterrupted run apart from seconds" \
	"$(csv_drop_col "$T/ref/R.csv" seconds | sha256sum)" "$(csv_drop_col "$T/k/X.csv" seconds | sha256sum)"

finish
