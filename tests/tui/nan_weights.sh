#!/usr/bin/env bash
# The explorer on the bundled plain CNN with one NaN weight (layer 0's
# first): its background gradient task (taylor and fisher on 256 images)
# once corrupted the heap in Darknet's max-pool backward pass (a window of
# NaN leaves index -1) and the explorer died within seconds.  Now the task
# finishes, the criteria pane shows the NaN layer unscored, and q exits 0.
. "$(dirname "$0")/lib.sh"

cp "$SRCDIR/weights/fmnist-plain.weights" "$TMPD/nan.weights"
# 20-byte header, then layer 0's 4 x 16 batch-norm floats: its first weight at byte 276
printf '\x00\x00\xc0\x7f' | dd of="$TMPD/nan.weights" bs=1 seek=276 conv=notrunc 2>/dev/null ||
	fail "cannot write nan.weights"

start 120 40 tui -c "$SRCDIR/cfg/fmnist-plain.cfg" -w "$TMPD/nan.weights" --limit 500
wait_re 'base [0-9]+\.[0-9]+%' 30
keys i
wait_for "criterion   rho"
wait_for "grads 256 img" 60
sleep 0.5	# a crash right after the task would end the pane
[ "$(pane '#{pane_dead}')" = 0 ] || fail "the explorer died after its gradient task"
screen | grep -q '^\[exited' && fail "the explorer exited after its gradient task"
keys q
wait_exit 0
echo "PASS"
