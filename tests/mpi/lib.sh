# lib.sh - helpers of the MPI scan tests, on top of tests/cli/lib.sh.  Sourced.
#
# mpi_run NP ARGS...  runs `mpirun -np NP ARGS...` like run() (stdout $T/out,
# stderr $T/err, status RC).  mpi_start NP OUT ERR ARGS... starts it in the
# background (MPI_PID).  Options found to work on one machine, in a container
# and as root: --oversubscribe (more ranks than cores), --allow-run-as-root
# only when root, and no CMA single-copy (containers forbid ptrace).
. "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"

# Built --with-mpi?  `make check` says so; by hand, look at what safer links.
if [ -z "${WITH_MPI:-}" ]; then
	ldd "$SAFER" 2>/dev/null | grep -q libmpi && WITH_MPI=yes || WITH_MPI=no
fi
[ "$WITH_MPI" = yes ] || skip_all "safer was built without MPI (./configure --with-mpi)"
MPIRUN=${MPIRUN:-$(command -v mpirun || true)}
[ -n "$MPIRUN" ] && [ -x "$MPIRUN" ] || skip_all "no mpirun (Debian package openmpi-bin)"

MPI_OPTS=(--oversubscribe)
[ "$(id -u)" -eq 0 ] && MPI_OPTS+=(--allow-run-as-root)
export OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_rmaps_base_oversubscribe=1

mpi_run() {
	local np=$1
	shift
	timeout -k 5 "$SAFER_TEST_TIMEOUT" "$MPIRUN" "${MPI_OPTS[@]}" -np "$np" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

mpi_start() {
	local np=$1 out=$2 err=$3
	shift 3
	"$MPIRUN" "${MPI_OPTS[@]}" -np "$np" "$@" >"$out" 2>"$err" &
	MPI_PID=$!
}

# mpi_rank_pid RANK: the pid of that rank of the job started by mpi_start
mpi_rank_pid() {
	local p
	for p in $(pgrep -P "$MPI_PID"); do
		if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$1"; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# reference_scan: the scan the interrupt tests stop midway (SCAN, TOTAL rows)
# and its uninterrupted single-process result, $T/A.csv
reference_scan() {
	SCAN=(scan -p prune:0.1:0.9:0.1 -p bitflip:0.001 -T 2 --layers 0,2,4,6 --limit 2000)
	TOTAL=44
	run "$SAFER" "${SCAN[@]}" -o "$T/A.csv"
	check "single-process scan exits 0" [ "$RC" -eq 0 ]
}

# wait_rows FILE N [PID]: until FILE holds >= N rows (CSV) or the job (PID,
# default the mpirun of mpi_start) ended; 60 s at most
wait_rows() {
	local i pid=${3:-$MPI_PID}
	for i in $(seq 600); do
		[ -f "$1" ] && [ "$(csv_rows "$1")" -ge "$2" ] && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# measured FILE: the rows without seconds and the rank columns (an
# interrupted file has no ranks yet: they are computed when the scan ends)
measured() {
	csv_drop_col "$1" seconds | cut -d, -f1-12 | grep -v '^#' | tail -n +2
}

# rows_subset PART WHOLE: every row of PART (seconds and ranks aside) is a row
# of WHOLE and they come in WHOLE's order
rows_subset() {
	local part whole
	part=$(measured "$1")
	whole=$(measured "$2")
	[ "$(grep -Fxf <(printf '%s\n' "$part") <<<"$whole")" == "$part" ]
}

# same_csv A B: equal byte for byte apart from the seconds column
same_csv() {
	[ "$(csv_drop_col "$1" seconds | sha256sum)" == "$(csv_drop_col "$2" seconds | sha256sum)" ]
}
