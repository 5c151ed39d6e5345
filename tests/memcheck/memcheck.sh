#!/usr/bin/env bash
# valgrind memcheck of info, eval, a small scan and export on the bundled model,
# and of eval, scan and rank on a small detector (when the darknet binary
# can train one): no errors and no definitely/indirectly lost blocks.
# Skipped (77) when valgrind is missing or the build uses ASan (the two do
# not mix).
set -u
SAFER=${SAFER:-./src/safer}
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 77; }
. "$(dirname "$0")/../cli/lib.sh"
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
# libjpeg-turbo's SIMD code computes the pixels of a partial last block
# column (a width not a multiple of 16, e.g. Debian's eagle.jpg, 773 px)
# from padding valgrind counts as undefined, though its output is the
# scalar code's byte for byte (djpeg with and without JSIMD_FORCENONE=1
# gives the same file for each photograph the detector runs use).  The
# scalar path keeps valgrind's report about safer.
export JSIMD_FORCENONE=1
vg() {
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
vg info info
vg eval eval --limit 300 -t 2
vg scan scan -p prune:0.5 -p bitflip:1e-3 -T 2 --layers 2,6 --limit 200 -o "$tmp/s.csv"
vg export export --budget "$tmp/b.budget" -o "$tmp/x.weights"
if [ -n "$DARKNET_BIN" ] && [ -x "$DARKNET_BIN" ]; then
	make_detector "$T/det"
	M=(-c "$DET_CFG" -w "$DET_WEIGHTS" -d "$DET_DATA")
	printf '[layer 9]\nbits=4\n' >"$tmp/d.budget"
	mkdir -p "$tmp/res"
	vg det-eval eval "${M[@]}" --limit 3 --budget "$tmp/d.budget" --results "$tmp/res" -t 2
	vg det-scan scan "${M[@]}" --limit 3 -p prune:0.5 --layers 2,16 -o "$tmp/d.csv"
	vg det-rank rank "${M[@]}" --samples 4 --grad-batch 2 --criterion grad -o "$tmp/d-rank.csv"
else
	echo "skip detector runs: no darknet binary to train one"
fi
exit $fail
