#!/usr/bin/env bash
# files_guard.sh - no output lands on an input or on what is not a regular
# file, and no input that is not a regular file makes safer wait (issue #13,
# items 1-3).  For every command with -o: each of its input files as the
# output, a symlink to an input, a FIFO, /dev/null and (as root) a character
# device made with mknod as the target; every case must exit 2 with one line
# naming the file, leave every input's bytes and the target as they were.
# Then a FIFO as each kind of input must be refused at once (exit 2, "not a
# regular file"), never block.
set -u
. "$(dirname "$0")/lib.sh"

X=$T/x
mkdir -p "$X"
cp "$PLAIN_CFG" "$X/c.cfg"
cp "$PLAIN_WEIGHTS" "$X/w.weights"
cp "$NAMES" "$X/names.txt"
gunzip -c "$FM_IMAGES" | head -c $((16 + 784 * 40)) >"$X/images.idx"
perl -e 'print pack("N4", 0x803, 40, 28, 28)' | dd of="$X/images.idx" conv=notrunc 2>/dev/null
{ perl -e 'print pack("N2", 0x801, 40)'; gunzip -c "$FM_LABELS" | head -c 48 | tail -c 40; } >"$X/labels.idx"
make_dataset "$X/imgs" 20 png
printf 'valid=%s\nlabels=%s\n' "$X/imgs/valid.list" "$X/imgs/labels.txt" >"$X/set.data"
IMG=$(head -1 "$X/imgs/valid.list")
printf '[layer 0]\nprune=0.5\n' >"$X/b.budget"
M=(-c "$X/c.cfg" -w "$X/w.weights")
IDX=(--idx "$X/images.idx" "$X/labels.idx" --names "$X/names.txt")
"$SAFER" scan "${M[@]}" "${IDX[@]}" -p prune:0.5 -p quant:4 -o "$X/s.csv" 2>/dev/null || die "cannot make the scan file"
"$SAFER" rank "${M[@]}" "${IDX[@]}" -C magnitude,l2 -o "$X/r.csv" 2>/dev/null || die "cannot make the rank file"
mkfifo "$X/fifo" "$X/imgs/fifo_Bag.png"

# command (with a '%' where the output goes) | the inputs it reads
commands() {
	cat <<EOF
scan ${M[*]} ${IDX[*]} -p prune:0.5 --layers 0 --force -o %|$X/c.cfg $X/w.weights $X/images.idx $X/labels.idx $X/names.txt
scan ${M[*]} -d $X/set.data -p prune:0.5 --layers 0 --force -o %|$X/set.data $X/imgs/valid.list $X/imgs/labels.txt $IMG
export ${M[*]} --budget $X/b.budget -o %|$X/c.cfg $X/w.weights $X/b.budget
rank ${M[*]} ${IDX[*]} -C magnitude -o %|$X/c.cfg $X/w.weights $X/images.idx $X/labels.idx $X/names.txt
budget ${M[*]} ${IDX[*]} --from $X/s.csv -T bits=6 -o %|$X/s.csv $X/c.cfg $X/w.weights $X/images.idx
budget ${M[*]} ${IDX[*]} --rank $X/r.csv -C magnitude -T bits=6 -o %|$X/r.csv $X/w.weights
compare --scan $X/s.csv --rank $X/r.csv -o %|$X/s.csv $X/r.csv
EOF
}

targets=("$X/fifo" /dev/null "$X/link-to-input")
if [ "$(id -u)" -eq 0 ] && mknod "$X/chardev" c 1 3 2>/dev/null; then
	targets+=("$X/chardev")	# the same device as /dev/null, under a name of ours
else
	echo "skip - a character device made with mknod: not root"
fi

while IFS='|' read -r cmd inputs; do
	name=${cmd%% *}
	first=${inputs%% *}
	rm -f "$X/link-to-input"
	ln -s "$first" "$X/link-to-input"	# a symlink to one of this command's inputs
	for target in $inputs "${targets[@]}"; do
		read -ra argv <<<"${cmd/\%/$target}"
		kind=$(stat -c %F "$target")
		case $target in
		"$X/link-to-input") want="refusing to overwrite an input" ;;
		"$X/fifo" | /dev/null | "$X/chardev") want="not a regular file" ;;
		*) want="refusing to overwrite an input" ;;
		esac
		expect_fail_2 "$name -o ${target#"$X/"} ($kind)" "$target;$want" "$SAFER" "${argv[@]}"
		check_eq "$name -o ${target#"$X/"}: still a $kind" "$kind" "$(stat -c %F "$target")"
	done
done < <(commands)
check_eq "/dev/null is still the null device" "character special file 1:3" \
	"$(stat -c '%F %t:%T' /dev/null)"

# ---- a FIFO as each kind of input: refused at once -------------------------------------------
printf 'valid=%s\nlabels=%s\n' "$X/fifo" "$X/imgs/labels.txt" >"$X/fifo-list.data"
printf 'valid=%s\nlabels=%s\n' "$X/imgs/valid.list" "$X/fifo" >"$X/fifo-labels.data"
{ cat "$X/imgs/valid.list"; echo "$X/imgs/fifo_Bag.png"; } >"$X/fifo-image.list"	# labelled like an image
printf 'valid=%s\nlabels=%s\n' "$X/fifo-image.list" "$X/imgs/labels.txt" >"$X/fifo-image.data"
F=$X/fifo
while IFS='|' read -r desc args; do
	read -ra argv <<<"$args"
	start=$(date +%s)
	needle="$F;not a regular file"
	[ "$desc" = "an image in the list" ] && needle="$X/imgs/fifo_Bag.png;not a regular file"
	expect_fail_2 "a FIFO as $desc" "$needle" "$SAFER" "${argv[@]}"
	# a blocked open would last until the run's timeout; an ASan build on a
	# busy machine needs some seconds to get there
	check "a FIFO as $desc: refused within 30 s" [ $(($(date +%s) - start)) -lt 30 ]
done <<EOF
-c|info -c $F
-w|eval -c $X/c.cfg -w $F --limit 5
-d|eval -d $F
valid= in a .data file|eval -d $X/fifo-list.data
labels= in a .data file|eval -d $X/fifo-labels.data
an image in the list|eval -d $X/fifo-image.data
--idx images|eval --idx $F $X/labels.idx
--idx labels|eval --idx $X/images.idx $F
--names|eval --idx $X/images.idx $X/labels.idx --names $F
--budget|eval --budget $F --limit 5
compare --scan|compare --scan $F --rank $X/r.csv
compare --rank|compare --scan $X/s.csv --rank $F
budget --from|budget --from $F -T bits=6 -o $X/out.budget --limit 5
scan --resume|scan -p prune:0.5 --layers 0 --limit 5 --resume -o $F
EOF

finish
