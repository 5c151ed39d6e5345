#!/usr/bin/env bash
# memory.sh - out of memory is a clean failure (#13 item 6): eval and scan in
# a shell whose address space is limited (ulimit -v) exit 1 with one
# "safer: out of memory" line, never abort (134) or hang; a gzip bomb IDX is
# refused after reading what its header implies (bounded CPU and memory); a
# cfg whose honest estimate exceeds the limit is refused before Darknet
# parses it (exit 1, naming the cfg and the estimate).
source "$(dirname "$0")/lib.sh"

# oom_case DESC LIMIT_KB CMD...: exit 1, one stderr line "safer: out of memory..."
oom_case() {
	local desc=$1 limit=$2
	shift 2
	(ulimit -c 0; ulimit -v "$limit"; exec timeout -k 5 120 "$@") >"$T/out" 2>"$T/err"
	local rc=$? lines
	lines=$(wc -l <"$T/err")
	if [ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && grep -q '^safer: out of memory' "$T/err"; then
		ok "$desc: $(cat "$T/err")"
	else
		not_ok "$desc: exit $rc, $lines stderr lines: $(head -c 400 "$T/err" | tr '\n' '|')"
	fi
}

# ASan reserves terabytes of address space: ulimit -v means nothing there.
if [ "${SANITIZED:-no}" = yes ]; then
	echo "sanitizer build: ulimit -v cases skipped"
else
	# the data set does not fit (the images' floats): by default fewer
	# images stay in memory (--data-mb is a share of what is left), so ask
	# for all of them
	oom_case "eval, 10000 images in 400 MB" 400000 "$SAFER" eval --limit 10000 --data-mb 1000
	check "... the message names the data set and its size" \
		grep -q 'out of memory: .*t10k-images.*10000 images of 28x28x1 floats needs about' "$T/err"
	# the network does not fit (checked before Darknet parses it)
	oom_case "eval, 100 images in 400 MB" 400000 "$SAFER" eval --limit 100
	oom_case "scan in 400 MB" 400000 "$SAFER" scan --limit 100 -p prune:0.5 --layers 0 -o "$T/s.csv"
	check "scan out of memory leaves no output" test ! -e "$T/s.csv"
	# eval fills no prefix cache (nothing reads it): all 10,000 images fit in
	# 900 MB; a scan's cache of every image's activations does not
	run_limited() { (ulimit -v "$1"; shift; exec "$@") >"$T/out" 2>"$T/err"; }
	run_limited 900000 "$SAFER" eval --json
	check "eval of all images in 900 MB runs (exit $?)" jq -e '.images == 10000' "$T/out"
	oom_case "scan of all images in 900 MB" 900000 "$SAFER" scan -p prune:0.5 --layers 3 -o "$T/s9.csv"
fi

# gzip bomb: a header for 100 images, then 2 GiB of zeros (9 MB compressed)
{ perl -e 'print pack("N4", 0x803, 100, 28, 28)'; head -c 2G /dev/zero; } | gzip -1 >"$T/bomb.gz"
tm0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
# (ASan reserves terabytes of address space: no ulimit -v there, and its
# instrumentation gets a looser CPU bound)
vlimit=2000000 cpu_max=100
[ "${SANITIZED:-no}" = yes ] && vlimit=unlimited cpu_max=400
( ulimit -v $vlimit 2>/dev/null; exec "$SAFER" eval --idx "$T/bomb.gz" "$FM_LABELS" ) >"$T/out" 2>"$T/err"
rc=$?
tm1=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
cpu=$(( (tm1 - tm0) * 100 / $(getconf CLK_TCK) ))	# hundredths of a CPU second
check_eq "gzip bomb: exit 2" 2 "$rc"
check "gzip bomb: one line naming the file and the trailing data" \
	grep -q "^safer: $T/bomb.gz: data after the 78416 bytes its header implies" "$T/err"
check "gzip bomb: refused in under $((cpu_max / 100)) s of CPU (took ${cpu}0 ms)" test "$cpu" -lt "$cpu_max"

# the bundled residual cfg with one 3x3 convolution made 100x100: Darknet's
# parse alone fits, but the run's im2col at batch 32 would need 17 GB; it is
# checked against the limit before Darknet parses it (by default the engine
# picks a smaller batch for such a network; --batch 32 asks for this one)
awk '/^size=3/ && ++n == 2 { print "size=100"; next } { print }' "$RESNET_CFG" >"$T/r100.cfg"
perl -e 'print pack("l3Q", 0, 2, 0, 0), "\0" x (4 * 2679642)' >"$T/r100.weights"
if [ "${SANITIZED:-no}" != yes ]; then
	oom_case "eval of a 100x100 convolution in 4 GB" 4000000 \
		"$SAFER" eval -c "$T/r100.cfg" -w "$T/r100.weights" --batch 32 --limit 10
	case $(cat "$T/err") in
	*"$T/r100.cfg at batch 32"*GiB*) ok "the message names the cfg, its batch and the estimate" ;;
	*) not_ok "the message names the cfg, its batch and the estimate: $(cat "$T/err")" ;;
	esac
fi

finish
