#!/usr/bin/env bash
# info_budget.sh - `safer info --budget` costs a budget against the network:
# the same size, compression and BOPs that `safer eval --budget` reports, the
# setting on each budgeted row, and a clean refusal of a bad budget.
set -u
. "$(dirname "$0")/lib.sh"
cat >"$T/b.budget" <<'END'
[layer 2]
prune=0.5
bits=6
[layer 6]
prune=0.8
bits=4
END
run "$SAFER" info --budget "$T/b.budget" --json
check_eq "info --budget exits 0" 0 "$RC"
info_cost=$(jq -r '.budget | "\(.size_bytes) \(.compression) \(.bops)"' "$T/out")
rows=$(jq -r '[.layers[] | select(.budget) | "\(.index)=\(.budget)"] | join(" ")' "$T/out")
check_eq "budgeted rows carry their setting" "2=p.50 q6 6=p.80 q4" "$rows"
run "$SAFER" eval --budget "$T/b.budget" --limit 200 --json
check_eq "eval --budget exits 0" 0 "$RC"
eval_cost=$(jq -r '"\(.size_bytes) \(.compression) \(.bops)"' "$T/out")
check_eq "info and eval agree on size, compression and BOPs" "$eval_cost" "$info_cost"
check "budget is smaller than float32" awk_true "$(jq -r .compression "$T/out") > 5"
expect_fail_2 "info --budget with a maxpool layer" "budget-maxpool.budget:;maxpool" "$SAFER" info --budget "$SRCDIR/tests/data/budget-maxpool.budget"
finish
