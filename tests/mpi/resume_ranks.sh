#!/usr/bin/env bash
# resume_ranks.sh - an MPI scan interrupted by SIGINT to mpirun keeps every
# finished row, in scan order; --resume completes it, under MPI or in one
# process, into what an uninterrupted single-process scan writes.
#
#  - A.csv: 4 layers x (9 prune levels + 2 bitflip trials) = 44 rows, one process;
#  - B.csv: the same with mpirun -np 3, SIGINT to mpirun once B.csv holds
#    >= 6 rows: a nonzero exit, B.csv well formed, 6 <= rows < 44, its rows
#    are rows of A.csv in A's order (gaps allowed: ranks finish out of order);
#  - C.csv = a copy of B.csv;  --resume of B.csv under mpirun -np 3 and of
#    C.csv in one process: both equal A.csv apart from seconds;
#  - --resume under MPI with another --seed: exit 2, B.csv unchanged;
#  - D.csv: a single-process scan stopped by SIGINT, resumed under MPI:
#    equal to A.csv apart from seconds.
set -u
. "$(dirname "$0")/lib.sh"

reference_scan

mpi_start 3 "$T/B.out" "$T/B.err" "$SAFER" "${SCAN[@]}" -t 1 -o "$T/B.csv"
wait_rows "$T/B.csv" 6
kill -INT "$MPI_PID" 2>/dev/null
wait_pid "$MPI_PID" 30
check "SIGINT to mpirun: the job ends within 30 s with a nonzero status ($WAIT_RC)" [ "$WAIT_RC" != hung ] && [ "$WAIT_RC" -ne 0 ]
check "interrupted B.csv is well formed" csv_wellformed "$T/B.csv"
rows=$(csv_rows "$T/B.csv")
check "interrupted B.csv has 6 <= rows < $TOTAL ($rows)" [ "$rows" -ge 6 -a "$rows" -lt $TOTAL ]
check "its rows are rows of A.csv, in A's order (seconds aside)" rows_subset "$T/B.csv" "$T/A.csv"
check "rank 0 said how many rows are saved: $(grep '^safer: scan: stopped' "$T/B.err" | head -1)" \
	grep -q "^safer: scan: stopped by SIG[A-Z]* .*rows saved in $T/B.csv; run again with --resume" "$T/B.err"
cp "$T/B.csv" "$T/C.csv"

sum=$(sha "$T/B.csv")
mpi_run 3 "$SAFER" "${SCAN[@]}" --seed 2 -t 1 -o "$T/B.csv" --resume
check "--resume under MPI with another --seed: exit 2, B.csv unchanged" [ "$RC" -eq 2 -a "$(sha "$T/B.csv")" == "$sum" ]
check "  ... with one 'safer:' line: $(grep '^safer: ' "$T/err")" [ "$(grep -c '^safer: .*was made with --seed 1, this run asks for --seed 2' "$T/err")" -eq 1 ]

mpi_run 3 "$SAFER" "${SCAN[@]}" -t 1 -o "$T/B.csv" --resume
check "--resume under mpirun -np 3 exits 0" [ "$RC" -eq 0 ]
check "resumed B.csv (MPI) = A.csv apart from seconds" same_csv "$T/A.csv" "$T/B.csv"
run "$SAFER" "${SCAN[@]}" -o "$T/C.csv" --resume
check "--resume of the MPI file in one process exits 0" [ "$RC" -eq 0 ]
check "resumed C.csv (one process) = A.csv apart from seconds" same_csv "$T/A.csv" "$T/C.csv"

"$SAFER" "${SCAN[@]}" -o "$T/D.csv" >/dev/null 2>&1 &
pid=$!
wait_rows "$T/D.csv" 3 "$pid"
kill -INT "$pid" 2>/dev/null
wait_pid "$pid" 30
check "single-process scan stopped by SIGINT: 130 ($WAIT_RC), $(csv_rows "$T/D.csv") rows" [ "$WAIT_RC" == 130 ]
mpi_run 3 "$SAFER" "${SCAN[@]}" -t 1 -o "$T/D.csv" --resume
check "--resume of the single-process file under MPI exits 0" [ "$RC" -eq 0 ]
check "resumed D.csv (MPI) = A.csv apart from seconds" same_csv "$T/A.csv" "$T/D.csv"

finish
