#!/usr/bin/env bash
# cfg_darknet_reading.sh - a stranger's cfg that stock Darknet runs, safer
# runs too, reading it as Darknet does (#14).
#
# stranger.cfg is the bundled plain CNN written the way cfgs are found in
# the wild: inline notes after values ("batch=100 # note"), blanks inside
# keys and values, tabs, '#' and ';' comments, section aliases ([network],
# [conv], [max], [conn], [soft]), a line without '=', "key=" lines Darknet
# cannot parse, keys no layer reads, a repeated key, and keys/values
# AlexeyAB's Darknet honours but this one ignores (stride_x, dilation,
# antialiasing, maxpool_depth, route-less ones in [net], dropblock) plus one
# activation this Darknet lacks (mish: it computes relu there).
#  1. safer info loads it, prints one "warning:" line per fork key, and with
#     --verbose one line per ignored key; --json counts agree.
#  2. The keys safer says Darknet ignores in layers are exactly the "Unused
#     field" keys Darknet prints, and the "key=" lines are Darknet's "Config
#     file error" lines.
#  3. safer eval's top-1/top-2 on 300 PNGs = `darknet classifier valid` on
#     the same cfg; without the mish line, both equal the plain cfg's.
set -u
. "$(dirname "$0")/lib.sh"
require_darknet

stranger() {	# stranger ACTIVATION: the plain CNN, odd spelling
	cat <<EOF
# plain CNN, as a stranger might write it
[network]
batch = 100   # images per step
subdivisions=1
height=28px
width =	28
channels=1
momentum=0.9 ; nesterov?
decay=0.0005
learning_rate=0.05
burn_in=300
policy=poly
power=2
max_batches=3600#note
letter_box=1
mosaic=1
frobnicate

[conv]
batch_normalize=1
filters=16
size=3
stride=1
stride_x=2
pad=1
activation=$1
dilation=2
mystery=5
empty=

[max]
size=2
stride=2
maxpool_depth=1

; second block
[convolutional]
batch_normalize = 1
filters = 32
size = 3
stride = 1
pad = 1
activation = leaky

[maxpool]
size=2
stride=2

[convolutional]
batch_normalize=1
filters=64
size=3
stride=1
pad=1
activation=leaky
filters=99

[convolutional]
batch_normalize=1
filters=32
size=1
stride=1
pad=0
activation=leaky
antialiasing=1

[conn]
output=128
activation=leaky

[dropout]
probability=.3
dropblock=1

[connected]
output=10
activation=linear
weights=

[soft]
groups=1
EOF
}
stranger leaky >"$T/stranger.cfg"
stranger mish >"$T/mish.cfg"

# ---- 1. safer info: loads, warns, lists -------------------------------------------
run "$SAFER" info -c "$T/stranger.cfg" -w "$PLAIN_WEIGHTS"
check "stranger.cfg loads in safer info (exit $RC: $(head -c 300 "$T/err"))" [ "$RC" -eq 0 ]
check_eq "one warning per fork key, each FILE:LINE: warning: [section] key=value" \
	"15 [network] letter_box=1
16 [network] mosaic=1
24 [conv] stride_x=2
27 [conv] dilation=2
34 [max] maxpool_depth=1
65 [convolutional] antialiasing=1
73 [dropout] dropblock=1" \
	"$(sed -n 's|^safer: .*stranger.cfg:\([0-9]*\): warning: \(\[[a-z]*\] [a-z_]*=[^ ]*\) is honoured by AlexeyAB.s Darknet but ignored by this Darknet: .* will differ from that fork$|\1 \2|p' "$T/err")"
check_eq "no other stderr lines without --verbose" 7 "$(wc -l <"$T/err")"
check "the table is the plain CNN's (10 layers, 227,930 parameters)" \
	grep -q '^total: 227,930 parameters in 6 weight layers' "$T/out"
check "info says how many keys Darknet ignores" grep -q '^cfg: 9 keys or lines Darknet ignores (--verbose lists them), 7 warnings$' "$T/out"

run "$SAFER" info -c "$T/stranger.cfg" --json -v
cp "$T/err" "$T/verbose.err"
check_eq "--json: cfg_ignored cfg_warnings" "9 7" "$(json_get "$T/out" '"\(.cfg_ignored) \(.cfg_warnings)"')"
ignored=$(grep -E '^safer: .*stranger\.cfg:[0-9]+: ' "$T/verbose.err" | grep -v ': warning: ')
check_eq "--verbose: one line per ignored key or line" 9 "$(grep -c . <<<"$ignored")"
for want in ':3: \[network\] batch=100#imagesperstep: Darknet reads 100 and ignores the rest' \
	':5: \[network\] height=28px: Darknet reads 28' \
	':17: \[network\] frobnicate is not a key Darknet reads here' \
	':29: "empty=" has no value: Darknet cannot parse the line and ignores it' \
	':28: \[conv\] mystery=5 is not a key Darknet reads here' \
	':56: \[convolutional\] filters= repeats line 51: Darknet uses the first'; do
	check "--verbose lists $want" grep -q "$want" <<<"$ignored"
done

# ---- 2. what Darknet itself says it ignores ---------------------------------------
make_dataset "$T/png" 300 png
dn=$(darknet_top "$T/png/test.data" "$T/stranger.cfg" "$PLAIN_WEIGHTS") || die "darknet failed on stranger.cfg: $(tail -3 "$T/darknet.err")"
# Darknet: "Unused field: 'k = v'" per layer key it did not read; safer:
# layer keys it notes or warns about that Darknet does not read
theirs=$(sed -n "s/^Unused field: '\([^ ]*\) = .*/\1/p" "$T/darknet.err" | sort)
ours=$(grep -E '^safer: .*stranger\.cfg:[0-9]+: (warning: )?\[(conv|convolutional|max|maxpool|conn|connected|dropout|soft)\] ' "$T/verbose.err" |
	grep -E 'is not a key Darknet reads here|repeats line|ignored by this Darknet' |
	sed -E 's/^.*\] ([a-z_]+)=?.*/\1/' | sort)
check_eq "layer keys safer reports as ignored = Darknet's Unused field keys" "$theirs" "$ours"
check_eq "\"key=\" lines: safer's notes = Darknet's Config file error lines" \
	"$(grep -c '^Config file error line' "$T/darknet.err")" "$(grep -c 'has no value: Darknet cannot parse' <<<"$ignored")"

# ---- 3. the same answers as stock Darknet -----------------------------------------
sf=$(safer_top "$T/png/test.data" "$T/stranger.cfg" "$PLAIN_WEIGHTS") || die "safer eval failed on stranger.cfg: $(cat "$T/safer.err")"
check_eq "stranger.cfg, 300 PNGs: safer top-1/top-2 = darknet's" "$dn" "$sf"
plain=$(darknet_top "$T/png/test.data" "$PLAIN_CFG" "$PLAIN_WEIGHTS") || die "darknet failed on the plain cfg"
check_eq "stranger.cfg computes the plain CNN (darknet, same top-1/top-2)" "$plain" "$dn"

dn=$(darknet_top "$T/png/test.data" "$T/mish.cfg" "$PLAIN_WEIGHTS") || die "darknet failed on mish.cfg: $(tail -3 "$T/darknet.err")"
check "darknet says it uses relu for mish" grep -q "Couldn't find activation function mish, going with ReLU" "$T/darknet.err"
sf=$(safer_top "$T/png/test.data" "$T/mish.cfg" "$PLAIN_WEIGHTS") || die "safer eval failed on mish.cfg: $(cat "$T/safer.err")"
check_eq "activation=mish, 300 PNGs: safer top-1/top-2 = darknet's (relu)" "$dn" "$sf"
check "safer eval warns that mish becomes relu" grep -q "mish.cfg:26: warning: \[conv\] activation=mish is honoured by AlexeyAB's Darknet but this Darknet computes relu instead: results will differ from that fork" "$T/safer.err"

finish
