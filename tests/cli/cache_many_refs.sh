#!/usr/bin/env bash
# cache_many_refs.sh - the prefix cache gives the results of full passes when
# a cut needs many earlier outputs (#13 item 8).  A cfg of 70 one-filter 3x3
# convolutions, then `[route] layers=0,1,...,69` (a run from layer 66 reads
# 66 earlier outputs, one from layer 69 reads 69: more than any small fixed
# list holds), [avgpool], [connected] and [softmax], with random weights made
# here.  `safer scan -p prune:0.5 --layers 66-69 --limit 50` with
# `--cache-mb 0` (every job runs from layer 0) and with the default cache
# (jobs start at their layer) must give identical top1, agree and kl columns,
# and the perturbations must matter (some kl > 0) so that equal columns are
# not trivially equal.
set -u
. "$(dirname "$0")/lib.sh"

N=70
{
	printf '[net]\nbatch=1\nheight=28\nwidth=28\nchannels=1\n\n'
	for ((i = 0; i < N; i++)); do
		printf '[convolutional]\nfilters=1\nsize=3\nstride=1\npad=1\nactivation=leaky\n\n'
	done
	printf '[route]\nlayers=%s\n\n' "$(seq -s, 0 $((N - 1)))"
	printf '[avgpool]\n\n[connected]\noutput=10\nactivation=linear\n\n[softmax]\ngroups=1\n'
} >"$T/many.cfg"

# Weights: header (major 0, minor 2, revision 0, 64-bit images seen), then per
# convolution its bias and 9 weights, then the connected layer's 10 biases and
# 10 x 70 weights.  The 3x3 kernels average their input plus noise, so the
# signal neither dies nor explodes through 70 layers.
perl -e '
	my ($out, $n) = @ARGV;
	srand(13);
	my @f;
	for (1 .. $n) {
		push @f, rand(0.2) - 0.1;
		push @f, 1 / 9 + rand(0.2) - 0.1 for 1 .. 9;
	}
	push @f, rand(0.2) - 0.1 for 1 .. 10;
	push @f, rand(2) - 1 for 1 .. 10 * $n;
	open(my $o, ">:raw", $out) or die;
	print $o pack("l<l<l<Q<", 0, 2, 0, 0), pack("f<*", @f);
	close $o or die;' "$T/many.weights" "$N" || die "perl failed"
check_eq "weights file size: 20 + 4 x ($N x 10 + 10 + 10 x $N)" $((20 + 4 * (N * 10 + 10 + 10 * N))) \
	"$(stat -c %s "$T/many.weights")"

run "$SAFER" info -c "$T/many.cfg" -w "$T/many.weights" --json
[ "$RC" -eq 0 ] || die "safer info refuses the cfg: $(cat "$T/err")"
check_eq "the cfg: $N convolutions, then route, avgpool, connected, softmax" \
	"conv $N route avgpool connected softmax" \
	"$(jq -r --argjson n $N '[.layers[].kind] | (.[0:$n] | unique | join(",")) + " " + (.[0:$n] | length | tostring) + " " + (.[$n:] | join(" "))' "$T/out")"

SCAN=("$SAFER" scan -c "$T/many.cfg" -w "$T/many.weights" -p prune:0.5 --layers 66-69 --limit 50)
run "${SCAN[@]}" --cache-mb 0 -o "$T/full.csv"
[ "$RC" -eq 0 ] || die "scan --cache-mb 0 failed ($RC): $(cat "$T/err")"
run "${SCAN[@]}" -o "$T/cached.csv"
[ "$RC" -eq 0 ] || die "scan with the default cache failed ($RC): $(cat "$T/err")"
check_eq "4 rows each" "4 4" "$(csv_rows "$T/full.csv") $(csv_rows "$T/cached.csv")"
for col in layer top1 agree kl; do
	check_eq "column $col: cached = uncached" "$(csv_col "$T/full.csv" $col | xargs)" \
		"$(csv_col "$T/cached.csv" $col | xargs)"
done
check "the perturbations change the outputs (some kl > 0)" \
	awk_true "$(csv_col "$T/full.csv" kl | sort -g | tail -1) > 0"

finish
