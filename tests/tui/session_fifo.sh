#!/usr/bin/env bash
# A FIFO where the explorer's session file belongs (issue #13, item 1): the
# explorer neither waits on it when offering the last session nor replaces it
# when saving the session on exit; it says so and goes on.
. "$(dirname "$0")/lib.sh"

S=$XDG_STATE_HOME/safer/session.budget
mkdir -p "$(dirname "$S")"
mkfifo "$S"

start 100 30 tui --limit 500
wait_for "restore last session's budget? (y/n)" 30
keys y
wait_for "not a regular file" 10
keys b +
wait_re '^ *0 conv .* p\.50 ' 10
keys q y
wait_re '^\[exited 0\]' 20
# (the line wraps at the pane's width)
screen | tr -d '\n' | grep -qF "session not saved: $S: exists and is not a regular file" ||
	fail "no word that the session was not saved: $(screen | tail -n 4)"
wait_exit 0
[ -p "$S" ] || fail "the session FIFO was replaced"
echo "PASS"
