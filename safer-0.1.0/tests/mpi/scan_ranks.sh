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
#    one "safer: " line;
#  - ranks started with other weights, or another seed (mpirun's
#    "-np 1 CMD : -np 2 CMD'"): exit 2, one line naming the difference, no
#    file written.
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

cp "$PLAIN_WEIGHTS" "$T/other.weights"
# one float of the last layer's weights changed: same size, another checksum
printf '\x00\x00\x80\x3f' | dd of="$T/other.weights" bs=1 seek=$(($(stat -c %s "$T/other.weights") - 40)) conv=notrunc 2>/dev/null
mpi_run 1 "$SAFER" "${SCAN[@]}" -t 1 -o "$T/W.csv" : -np 2 "$SAFER" "${SCAN[@]}" -t 1 -w "$T/other.weights" -o "$T/W.csv"
check_eq "ranks with other weights: exit 2" 2 "$RC"
check "ranks with other weights: one line naming it: $(grep '^safer: ' "$T/err")" \
	[ "$(grep -c '^safer: ' "$T/err")" -eq 1 -a "$(grep -c '^safer: scan: rank [12] has another model' "$T/err")" -eq 1 ]
check "ranks with other weights: no file written" [ ! -e "$T/W.csv" ]
mpi_run 1 "$SAFER" "${SCAN[@]}" -t 1 -o "$T/W.csv" : -np 2 "$SAFER" "${SCAN[@]}" -t 1 --seed 7 -o "$T/W.csv"
check "ranks with another seed: exit 2, one line naming it: $(grep '^safer: ' "$T/err")" \
	[ "$RC" -eq 2 -a "$(grep -c '^safer: ' "$T/err")" -eq 1 -a "$(grep -c '^safer: scan: rank [12] has other scan options' "$T/err")" -eq 1 ]
check "ranks with another seed: no file written" [ ! -e "$T/W.csv" ]

finish
