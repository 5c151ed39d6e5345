#!/usr/bin/env bash
# rank_dies.sh - a rank killed with SIGKILL mid-scan: mpirun stops the job,
# rank 0 says in one line how many rows are saved and that --resume
# continues, every saved row is a correct one, and --resume completes the
# scan into what a single-process scan writes.
#
#  - A.csv: 44 rows, one process;
#  - rank 1 of `mpirun -np 3` gets SIGKILL once B.csv holds >= 6 rows: the job
#    ends within 30 s, nonzero; mpirun names the killed rank; rank 0's line
#    "safer: scan: stopped by SIGTERM ... N of 44 rows saved in B.csv; run
#    again with --resume" (besides the progress lines); B.csv well formed,
#    its rows are A's;
#  - --resume under MPI: B.csv = A.csv apart from seconds;
#  - the same with rank 0 (the writer) killed: the file is well formed (atomic
#    saves), --resume completes it.
set -u
. "$(dirname "$0")/lib.sh"

reference_scan

for victim in 1 0; do
	f=$T/B$victim.csv
	mpi_start 3 "$T/B.out" "$T/B.err" "$SAFER" "${SCAN[@]}" -t 1 -o "$f"
	wait_rows "$f" 6
	pid=$(mpi_rank_pid $victim) || die "rank $victim of mpirun $MPI_PID not found"
	kill -KILL "$pid"
	wait_pid "$MPI_PID" 30
	check "rank $victim killed: the job ends within 30 s, nonzero ($WAIT_RC)" [ "$WAIT_RC" != hung ] && [ "$WAIT_RC" -ne 0 ]
	check "rank $victim killed: mpirun names it" grep -q "process rank $victim .*exited on signal 9" "$T/B.err"
	if [ $victim -ne 0 ]; then
		# stderr is no terminal: plain progress lines come before it
		msg=$(grep '^safer: ' "$T/B.err" | grep -v "^safer: scan: [0-9]*/$TOTAL rows, ")
		check "rank $victim killed: one line from rank 0: $msg" \
			[ "$(grep -c '^safer: ' <<<"$msg")" -eq 1 ] && grep -q "^safer: scan: stopped by SIGTERM .*[0-9]* of $TOTAL rows saved in $f; run again with --resume" <<<"$msg"
	fi
	check "rank $victim killed: $f is well formed" csv_wellformed "$f"
	rows=$(csv_rows "$f")
	check "rank $victim killed: 6 <= rows < $TOTAL ($rows)" [ "$rows" -ge 6 -a "$rows" -lt $TOTAL ]
	check "rank $victim killed: its rows are rows of A.csv, in A's order" rows_subset "$f" "$T/A.csv"
	mpi_run 3 "$SAFER" "${SCAN[@]}" -t 1 -o "$f" --resume
	check "rank $victim killed: --resume under MPI exits 0" [ "$RC" -eq 0 ]
	check "rank $victim killed: resumed file = A.csv apart from seconds" same_csv "$T/A.csv" "$f"
done

finish
