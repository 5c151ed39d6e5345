#!/usr/bin/env bash
# scan_ranks.sh - `mpirun -np 3 safer scan` writes what a single-process scan
# writes (same rows, same order, same values; only the seconds column differs),
# as CSV and as JSON, and every rank measures rows.
#
#  - 4 layers x (prune:0.2,0.5,0.8 + quant:4,2 + bitflip:0.0001 x 2 trials) =
#    28 rows on 300 images, single process vs 3 ranks (1 thread each);
#  - the same with JSON output (jq, the seconds field removed);
#  - "rows measured by rank 0..2" shows each rank measured at least one row;
#  - under MPI without -o: exit 2, one "safer: " line;
#  - an existing file without --resume/--force: exit 2, the file unchanged,
#    one "safer: " line.
set -u
. "$(dirname "$0")/lib.sh"

SCAN=(scan -p prune:0.2,0.5,0.8 -p quant:4,2 -p bitflip:0.0001 -T 2 --layers 0,2,4,6 --limit 300)
run "$SAFER" "${SCAN[@]}" -o "$T/A.csv"
check "single-process scan exits 0" [ "$RC" -eq 0 ]
run "$SAFER" "${SCAN[@]}" -o "$T/A.json"
check "single-process JSON scan exits 0" [ "$RC" -eq 0 ]

mpi_run 3 "$SAFER" "${SCAN[@]}" -t 1 -o "$T/B.csv"
check "mpirun -np 3: exit 0" [ "$RC" -eq 0 ]
check_eq "B.csv rows" 28 "$(csv_rows "$T/B.csv")"
check "B.csv is well formed" csv_wellformed "$T/B.csv"
check "B.csv = A.csv byte for byte apart from seconds" same_csv "$T/A.csv" "$T/B.csv"
per_rank=$(sed -n 's/^safer: rows measured by rank 0\.\.2: //p' "$T/err")
check "every rank measured rows ($per_rank)" awk_true "$(awk '{ print ($1 > 0 && $2 > 0 && $3 > 0 && $1 + $2 + $3 == 28) }' <<<"${per_rank:-0 0 0}")"

mpi_run 3 "$SAFER" "${SCAN[@]}" -t 1 -o "$T/B.json"
check "mpirun -np 3, JSON: exit 0" [ "$RC" -eq 0 ]
check_eq "B.json = A.json apart from seconds" "$(jq -S 'del(.rows[].seconds)' "$T/A.json" | sha256sum)" \
	"$(jq -S 'del(.rows[].seconds)' "$T/B.json" | sha256sum)"
check_eq "B.json rows" 28 "$(json_get "$T/B.json" '.rows | length')"

# ---- refusals: one message, nothing written -----------------------------------------------
mpi_run 3 "$SAFER" "${SCAN[@]}"
check_eq "under MPI without -o: exit 2" 2 "$RC"
check_eq "under MPI without -o: one 'safer:' line" 1 "$(grep -c '^safer: ' "$T/err")"
sum=$(sha "$T/B.csv")
mpi_run 3 "$SAFER" "${SCAN[@]}" -o "$T/B.csv"
check_eq "existing file without --resume: exit 2" 2 "$RC"
check "existing file without --resume: one 'safer:' line naming it" \
	[ "$(grep -c '^safer: ' "$T/err")" -eq 1 -a "$(grep -c "^safer: $T/B.csv: exists" "$T/err")" -eq 1 ]
check_eq "existing file without --resume: unchanged" "$sum" "$(sha "$T/B.csv")"

finish
