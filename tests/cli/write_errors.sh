#!/usr/bin/env bash
# write_errors.sh - output that cannot be written is a runtime failure (exit
# 1, one message), never a silent exit 0 and never "bad input" (exit 2):
#
#  - stdout on /dev/full: eval (text and --json), info, the scan table, rank,
#    compare, budget, --help and --version exit 1 with "safer: standard
#    output: No space left on device";
#  - as root, -o on a full tmpfs: scan, rank, compare, budget and export exit
#    1 with "write failed" naming the file, and leave no file or temporary;
#    without root that part is skipped (the rest still runs).
set -u
. "$(dirname "$0")/lib.sh"
[ -w /dev/full ] || skip_all "needs /dev/full"

LIMIT=(--limit 200)
run "$SAFER" scan "${LIMIT[@]}" -p prune:0.5 --layers 0,2 -o "$T/s.csv"
[ "$RC" -eq 0 ] || die "scan for the fixtures failed: $(cat "$T/err")"
run "$SAFER" rank "${LIMIT[@]}" -C magnitude,l2 -o "$T/r.csv"
[ "$RC" -eq 0 ] || die "rank for the fixtures failed: $(cat "$T/err")"
printf '[layer 0]\nprune=0.5\n' >"$T/b.budget"

# full_stdout DESC ARGS...: safer ARGS >/dev/full exits 1, its last stderr line
# the message (budget says on stderr where it wrote first)
full_stdout() {
	local desc=$1
	shift
	timeout -k 5 "$SAFER_TEST_TIMEOUT" "$SAFER" "$@" >/dev/full 2>"$T/err"
	local rc=$? msg
	msg=$(tail -n 1 "$T/err")
	if [ "$rc" -eq 1 ] && [ "$(grep -c "standard output" "$T/err")" -eq 1 ] &&
		[ "$msg" == "safer: standard output: No space left on device" ]; then
		ok "$desc >/dev/full: exit 1, $msg"
	else
		not_ok "$desc >/dev/full: exit $rc, stderr: $(head -c 400 "$T/err" | tr '\n' '|')"
	fi
}

full_stdout "eval" eval "${LIMIT[@]}"
full_stdout "eval --json" eval "${LIMIT[@]}" --json
full_stdout "info" info
full_stdout "info --json" info --json
full_stdout "scan table" scan "${LIMIT[@]}" -p prune:0.5 --layers 0
full_stdout "rank" rank "${LIMIT[@]}" -C magnitude
full_stdout "compare" compare --scan "$T/s.csv" --rank "$T/r.csv"
full_stdout "compare --json" compare --scan "$T/s.csv" --rank "$T/r.csv" --json
full_stdout "budget" budget "${LIMIT[@]}" --target sparsity=0.1 -C magnitude -o "$T/b2.budget"
full_stdout "scan --help" scan --help
full_stdout "--version" --version
full_stdout "--help" --help

# ---- -o on a full file system ---------------------------------------------------------
M=$T/full
mkdir -p "$M"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=64k safer-test "$M" 2>/dev/null; then
	echo "# not root or no tmpfs: the full-disk part is skipped"
	finish
fi
trap 'umount "$M" 2>/dev/null; cleanup' EXIT
dd if=/dev/zero of="$M/fill" bs=4k 2>/dev/null	# fills it: every later write gets ENOSPC

# full_disk DESC FILE ARGS...: safer ARGS exits 1 naming FILE, which is absent afterwards
full_disk() {
	local desc=$1 file=$2
	shift 2
	run "$SAFER" "$@"
	local msg
	msg=$(cat "$T/err")
	if [ "$RC" -eq 1 ] && [ "$(grep -c . "$T/err")" -eq 1 ] && [[ $msg == "safer: $file: write failed: "* ]] &&
		[ ! -e "$file" ] && [ -z "$(compgen -G "$file.tmp-*")" ]; then
		ok "$desc on a full disk: exit 1, $msg"
	else
		not_ok "$desc on a full disk: exit $RC, exists: $([ -e "$file" ] && echo yes || echo no), stderr: $(head -c 400 "$T/err" | tr '\n' '|')"
	fi
}

full_disk "scan -o" "$M/s.csv" scan "${LIMIT[@]}" -p prune:0.5 --layers 0 -o "$M/s.csv"
full_disk "scan -o .json" "$M/s.json" scan "${LIMIT[@]}" -p prune:0.5 --layers 0 -o "$M/s.json"
full_disk "rank -o" "$M/r.csv" rank "${LIMIT[@]}" -C magnitude -o "$M/r.csv"
full_disk "compare -o" "$M/c.csv" compare --scan "$T/s.csv" --rank "$T/r.csv" -o "$M/c.csv"
full_disk "budget -o" "$M/b.budget" budget "${LIMIT[@]}" --target sparsity=0.1 -C magnitude -o "$M/b.budget"
full_disk "export -o" "$M/e.weights" export --budget "$T/b.budget" -o "$M/e.weights"
finish
