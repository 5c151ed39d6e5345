#!/usr/bin/env bash
# valgrind memcheck of info, eval, a small scan and export on the bundled model:
# no errors and no definitely/indirectly lost blocks.  Skipped (77) when
# valgrind is missing or the build uses ASan (the two do not mix).
set -u
SAFER=${SAFER:-./src/safer}
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 77; }
if [ "${SANITIZED:-no}" = yes ]; then echo "sanitizer build: skipped"; exit 77; fi
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/b.budget" <<'END'
[layer 2]
prune=0.5
bits=6
[layer 6]
bits-pc=4
END
fail=0
run() {
	local name=$1; shift
	# --child-silent-after-fork: the trial parse of a cfg runs in a throw-away child
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--child-silent-after-fork=yes --error-exitcode=99 "$SAFER" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	local rc=$?
	if [ $rc -ne 0 ] || grep -q "==[0-9]*==" "$tmp/$name.err"; then
		echo "FAIL $name (exit $rc)"; cat "$tmp/$name.err"; fail=1
	else
		echo "ok   $name"
	fi
}
run info info
run eval eval --limit 300 -t 2
run scan scan -p prune:0.5 -p bitflip:1e-3 -T 2 --layers 2,6 --limit 200 -o "$tmp/s.csv"
run export export --budget "$tmp/b.budget" -o "$tmp/x.weights"
exit $fail
