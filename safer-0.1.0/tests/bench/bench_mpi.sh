#!/usr/bin/env bash
# bench_mpi.sh - `make bench-mpi` (and `make bench` in a --with-mpi build):
# one scan timed side by side in one run with 1 and 2 MPI ranks, and the
# parallel efficiency.  Not a test.
#
#   t1  = mpirun -np 1, 1 thread      t2 = mpirun -np 2, 1 thread per rank
#   efficiency = t1 / (2 t2)          (1.0: two ranks twice as fast as one)
#   t1x2 = mpirun -np 1, 2 threads: the same 2 cores used by threads instead
#   of ranks (t1x2 / t2 > 1: ranks beat threads on this machine)
# Times are wall clock of the whole mpirun command: start-up, loading and
# each rank's baseline pass included, as a user sees them.
#   BENCH_SCAN="..." replaces the scan arguments; BENCH_REPEAT=N (default 1)
#   takes the best of N runs of each.
set -eu
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SAFER=${SAFER:-$SRCDIR/src/safer}
MPIRUN=${MPIRUN:-$(command -v mpirun || true)}
ldd "$SAFER" | grep -q libmpi || { echo "bench_mpi: $SAFER was built without MPI (./configure --with-mpi)"; exit 0; }
[ -n "$MPIRUN" ] || { echo "bench_mpi: no mpirun (Debian package openmpi-bin)"; exit 0; }
opts=(--oversubscribe --bind-to none)
[ "$(id -u)" -eq 0 ] && opts+=(--allow-run-as-root)
export OMPI_MCA_btl_vader_single_copy_mechanism=none
read -ra scan <<<"${BENCH_SCAN:--p prune:0.1:0.9:0.1 -p quant:8,6,4,3,2 --limit 2000}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# timed NP THREADS: prints the best wall time in seconds, and the scan time
# rank 0 reports (from the start of the scan: loading and baseline excluded)
timed() {
	local best="" inner="" i t0 t1 t
	for i in $(seq "${BENCH_REPEAT:-1}"); do
		rm -f "$T/s.csv"
		t0=$(date +%s.%N)
		"$MPIRUN" "${opts[@]}" -np "$1" "$SAFER" scan "${scan[@]}" -t "$2" -o "$T/s.csv" 2>"$T/err" ||
			{ cat "$T/err" >&2; exit 1; }
		t1=$(date +%s.%N)
		t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
		if [ -z "$best" ] || awk_lt "$t" "$best"; then
			best=$t
			inner=$(sed -n 's/^safer: [0-9]* rows in .* (\([0-9.]*\) s)$/\1/p' "$T/err")
		fi
	done
	cp "$T/s.csv" "$T/s-$1-$2.csv"
	echo "$best $inner"
}
awk_lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

echo "MPI scan benchmark: safer scan ${scan[*]} ($(nproc) CPUs, $("$MPIRUN" --version | head -1))"
read -r t1 s1 <<<"$(timed 1 1)"
read -r t2 s2 <<<"$(timed 2 1)"
read -r t12 s12 <<<"$(timed 1 2)"
rows=$(grep -vc '^#' "$T/s-1-1.csv")
same=$(cmp -s <(cut -d, -f1-12 "$T/s-1-1.csv") <(cut -d, -f1-12 "$T/s-2-1.csv") && echo identical || echo DIFFERENT)
printf '  %-28s %8s %14s\n' "" "wall" "scan only"
printf '  %-28s %8s s %12s s\n' "1 rank  x 1 thread  (t1)" "$t1" "$s1" "2 ranks x 1 thread  (t2)" "$t2" "$s2" \
	"1 rank  x 2 threads (t1x2)" "$t12" "$s12"
awk -v s1="$s1" -v s2="$s2" 'BEGIN { printf "  scan only: efficiency %.2f\n", s1 / (2 * s2) }'
awk -v t1="$t1" -v t2="$t2" -v t12="$t12" -v rows="$((rows - 1))" -v same="$same" 'BEGIN {
	printf "  %d rows; 1- and 2-rank files %s apart from seconds\n", rows, same
	printf "  parallel efficiency t1 / (2 t2) = %.2f (wall)   speed-up %.2fx with 2 ranks\n", t1 / (2 * t2), t1 / t2
	printf "  2 ranks x 1 thread vs 1 rank x 2 threads: %.2fx\n", t12 / t2 }'
