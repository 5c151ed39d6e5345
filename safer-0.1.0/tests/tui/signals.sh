#!/usr/bin/env bash
# SIGTERM and Ctrl-C end the explorer cleanly (143, 130) with the terminal
# restored, and the working budget saved to the session file.
. "$(dirname "$0")/lib.sh"

S=$XDG_STATE_HOME/safer/session.budget

start 100 30 tui --limit 2000
wait_re 'base [0-9]+\.[0-9]+%' 30
keys b +
wait_re '^ *0 conv .* p\.50 ' 5
pid=$(pgrep -P "$(pane '#{pane_pid}')" -f safer | head -n 1)
[ -n "$pid" ] || fail "cannot find the safer process"
kill -TERM "$pid"
wait_exit 143
[ -s "$S" ] || fail "session budget not saved on SIGTERM"
grep -q '^prune=0.5' "$S" || fail "session budget: $(cat "$S")"

start 100 30 tui --limit 2000
wait_for "restore last session's budget? (y/n)" 30
keys n
wait_for "starting with an empty budget"
# while a job runs
keys j j Enter
keys C-c
wait_exit 130
echo "PASS"
