#!/usr/bin/env bash
# Key latency while both cores evaluate: a background scan keeps the workers
# busy on 10,000 images; each '+' must show its new level on screen quickly.
# The time includes tmux's own send-keys and capture-pane round trips, so it
# is an upper bound on safer's response.  Prints the figures it measured.
. "$(dirname "$0")/lib.sh"

start 100 30 tui
wait_re 'base [0-9]+\.[0-9]+%' 60
keys j j
wait_for "L2 prune 0.50"
keys s				# the background scan: both cores busy from here on
wait_re 'scan|Scan|SCAN' 10
ms=()
for i in 1 2 3 4 5 6 7 8; do
	before=$(screen | grep -oE 'L2 prune [0-9.]+' | head -n 1)
	t0=$(date +%s%N)
	keys +
	while :; do
		now=$(screen | grep -oE 'L2 prune [0-9.]+' | head -n 1)
		[ -n "$now" ] && [ "$now" != "$before" ] && break
		[ $(( ($(date +%s%N) - t0) / 1000000 )) -gt 2000 ] && fail "no response to '+' within 2 s"
		sleep 0.003	# leave the cores to safer, not to this loop
	done
	ms+=($(( ($(date +%s%N) - t0) / 1000000 )))
	[ "$now" = "L2 prune 0.90" ] && keys - - - - - -	# stay inside the level range
	sleep 0.2
done
sorted=$(printf '%s\n' "${ms[@]}" | sort -n)
median=$(echo "$sorted" | sed -n 4p)
max=$(echo "$sorted" | tail -n 1)
echo "key-to-screen latency while evaluating: ${ms[*]} ms (median $median, max $max)"
if [ "${SANITIZED:-no}" = yes ]; then
	# ASan/UBSan slow every redraw several times over: only a hang would fail here
	[ "$max" -le 1000 ] || fail "worst key latency $max ms > 1000 ms (sanitizer build)"
else
	# The target is 50 ms for safer itself; these bounds leave room for
	# tmux's round trips and a busy machine, so that only a UI that waits on
	# inference fails.  The figures above are the measurement.
	[ "$median" -le 100 ] || fail "median key latency $median ms > 100 ms"
	[ "$max" -le 500 ] || fail "worst key latency $max ms > 500 ms"
fi
keys q
# the scan may still run: quitting then asks first
sleep 0.5
screen | grep -qF "quit anyway? a heatmap scan runs" && keys y
wait_exit 0
echo "PASS: latency"
