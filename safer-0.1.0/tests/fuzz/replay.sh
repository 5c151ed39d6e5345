#!/bin/sh
# replay.sh - runs every fuzz harness on its corpus (seeds plus saved crash
# reproducers) through the plain replay programs built by `make check`.
# SRCDIR and BUILDDIR come from TESTS_ENVIRONMENT; a crash, a sanitizer
# report or a failed check makes the replay exit non-zero and the test fail.
set -u
: "${SRCDIR:=.}" "${BUILDDIR:=.}"
fail=0
for name in data idx cfg weights budget perturb scan image; do
	prog=$BUILDDIR/tests/fuzz/replay_$name
	dir=$SRCDIR/tests/fuzz/corpus/$name
	if [ ! -x "$prog" ] || [ ! -d "$dir" ]; then
		echo "FAIL: $name: missing $prog or $dir"
		fail=1
		continue
	fi
	if "$prog" "$dir"; then
		echo "PASS: $name"
	else
		echo "FAIL: $name (exit $?)"
		fail=1
	fi
done
# Known faults inside stb_image itself (see tests/fuzz/upstream/README):
# must not crash the plain build; the sanitizer build's instrumented stb
# reports their undefined behaviour, which safer cannot reach to fix.
if [ "${SANITIZED:-no}" != yes ]; then
	if "$BUILDDIR/tests/fuzz/replay_image" "$SRCDIR/tests/fuzz/upstream/image"; then
		echo "PASS: upstream stb inputs"
	else
		echo "FAIL: upstream stb inputs"
		fail=1
	fi
fi
exit $fail
