#!/usr/bin/env bash
# info_time.sh - `safer info --time`: each layer's measured forward time,
# through the engine and through stock Darknet (what is printed, not how
# fast: speed lives in `make bench`, part "compact").
#
#  - the plain CNN with its weights: one row per layer with both times, a
#    total line; --json: engine_ms and stock_ms on every layer, the totals
#    equal to the sums of the rows, the engine's batch, at least 3 passes;
#  - the residual CNN without weights: every time finite (Darknet's zero
#    batch-norm variances are replaced for the measurement);
#  - --batch 8 is the batch timed.
set -u
. "$(dirname "$0")/lib.sh"

run "$SAFER" info -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" --time
check "info --time exits 0 ($RC)" [ "$RC" -eq 0 ]
check "... a header with both times" grep -q "engine ms *stock ms" "$T/out"
rows=$(awk '$1 ~ /^[0-9]+$/ && NF >= 7' "$T/out" | wc -l)
check_eq "... one row per layer" 10 "$rows"
check "... a total line" grep -q "^total: .* ms per image through the engine (batch 32, 1 thread" "$T/out"

run "$SAFER" info -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" --time --json
check "--json exits 0 ($RC)" [ "$RC" -eq 0 ]
check "... every layer has engine_ms and stock_ms >= 0" \
	jq -e '[.layers[] | (.engine_ms >= 0 and .stock_ms >= 0)] | all and length == 10' "$T/out"
check "... the totals are the sums of the rows" jq -e '
	((([.layers[].engine_ms] | add) - .time.engine_ms) | fabs) < 1e-9 * (1 + .time.engine_ms) and
	((([.layers[].stock_ms] | add) - .time.stock_ms) | fabs) < 1e-9 * (1 + .time.stock_ms)' "$T/out"
check "... the convolutions take time" jq -e '.layers[0].engine_ms > 0 and .layers[0].stock_ms > 0' "$T/out"
check "... batch 32, at least 3 passes each" \
	jq -e '.time.batch == 32 and .time.engine_passes >= 3 and .time.stock_passes >= 3' "$T/out"

run "$SAFER" info -c "$RESNET_CFG" --time --json
check "no weights: exits 0 ($RC)" [ "$RC" -eq 0 ]
check "... every time is a finite number" \
	jq -e '[.layers[] | (.engine_ms | isinfinite or isnan | not) and (.stock_ms | isinfinite or isnan | not)] | all' "$T/out"

run "$SAFER" info -c "$PLAIN_CFG" -w "$PLAIN_WEIGHTS" --time --json --batch 8
check "--batch 8 is the batch timed" jq -e '.time.batch == 8' "$T/out"

finish
