#!/usr/bin/env bash
# A detector in the explorer: the test trains tests/data/det-small.cfg for
# 100 batches with Darknet's own `darknet detector train` on Debian's sample
# photographs (as tests/cli/detect_darknet.sh does), then opens it at
# 120x40 and 80x24: the accuracy pane says mAP@.5 with drops in mAP points
# and the boxes' F1/IoU; the picture view (v) draws the image in half
# blocks with colour escapes (256 colours, true colour through a
# direct-colour terminal description, grey characters without colour) and
# the boxes as outlines; a perturbation changes its legend, n moves to the
# next file, W jumps to the image of lowest F1; 40x12 shows the "too small"
# message; a classifier has no picture view.
. "$(dirname "$0")/lib.sh"

DARKNET_BIN=${DARKNET_BIN:-$(command -v darknet || true)}
[ -n "$DARKNET_BIN" ] && [ -x "$DARKNET_BIN" ] || { echo "SKIP: Darknet's darknet binary not available"; exit 77; }
case $TMPD in *images*|*JPEGImages*|*raw*) echo "SKIP: scratch path $TMPD would confuse Darknet's label rule"; exit 77 ;; esac
. "$(dirname "$0")/../cli/detector_lib.sh"
D=$TMPD/det
make_detector_in "$D" || { echo "FAIL: no detector to test"; exit 1; }
CFG=$DET_CFG W=$DET_WEIGHTS
DET="-c $CFG -w $W -d $D/det.data"

# the picture area: the view column (right of the layers pane) below line 8
picture() { screen | sed -n '9,$p' | LC_ALL=C.UTF-8 sed -E "s/^.{$(($1 - 1))}//"; }
# like number, for regexes with slashes
field() { screen | sed -nE "s#.*$1.*#\\1#p" | head -n 1; }
# lines of the picture area with half blocks (boxes may cover many cells)
halfblocks() { picture "$1" | grep -c '▀'; }

# ---- 120x40, 256 colours -------------------------------------------------------------
if infocmp tmux-256color >/dev/null 2>&1; then TUI_TERM=tmux-256color; fi
# shellcheck disable=SC2086
start 120 40 tui $DET
wait_for "mAP@.5 · L0 prune 0.50" 60
wait_re 'base [0-9]+\.[0-9]+%' 30
wait_re 'drop -?[0-9]+\.[0-9]+ mAP pts \[' 30
wait_re 'F1 [0-9]\.[0-9]{3}, IoU ([0-9]\.[0-9]{3}|nan)' 30
screen | tail -n 1 | grep -qE "mAP@\.5 · [0-9]+ thr" || fail "the status line does not say mAP@.5"
screen | grep -qE "agree [0-9.]+%|KL " && fail "a classifier's agree/KL line on a detector"
screen | grep -qF "Picture" || fail "no Picture tab for a detector"

keys '?'
wait_for "Keys (? glossary, any other key closes)"
for k in "picture (detectors)" "next / previous image" "most changed image"; do
	screen | grep -qF -- "$k" || fail "help does not list '$k'"
done
keys Space
wait_gone "Keys (? glossary, any other key closes)"

keys v
wait_for "1/6 dog.jpg" 10
# the selection's own boxes are measured for the picture: the legend names it
wait_re 'pert(urbed)? [0-9]+  matched [0-9]+' 60
wait_for "green: unperturbed, red: L0 prune 0.50, class + score" 10
if [ -n "${TUI_TERM:-}" ]; then
	[ "$(halfblocks 65)" -ge 12 ] || fail "the image is not drawn in half blocks ($(halfblocks 65))"
	screen_e | grep -qE $'\e\\[[0-9;]*[34]8;5;[0-9]+' || fail "no 256-colour escapes in the picture"
fi
nbase=$(number 'unperturbed ([0-9]+)  ')
if [ "$nbase" -gt 0 ]; then
	picture 65 | grep -qE '┌|└|┐|┘' || fail "$nbase unperturbed boxes but no thin outline drawn"
fi
npert=$(number 'perturbed ([0-9]+)  matched')
if [ "$npert" -gt 0 ]; then
	picture 65 | grep -qE '┏|┗|┓|┛' || fail "$npert perturbed boxes but no heavy outline drawn"
fi
screen | grep -qF "─ Detail" && fail "the detail pane is drawn over the picture"

# another level: a live job; the legend follows it
keys +
wait_for "red: L0 prune 0.60, class + score" 60
wait_re 'perturbed [0-9]+  matched [0-9]+' 10

# next image: the file name changes; every image's F1, then W finds the lowest
declare -a f1
for i in 1 2 3 4 5 6; do
	wait_re "^.*│$i/6 [a-z]+\\.jpg" 10
	f1[$i]=$(field "│$i/6 [a-z]+\\.jpg +F1 ([0-9.]+)")
	[ -n "${f1[$i]}" ] || fail "no F1 shown for image $i"
	keys n
done
wait_for "1/6 dog.jpg" 10	# wrapped around
keys l
wait_for "2/6 eagle.jpg" 10
keys h
wait_for "1/6 dog.jpg" 10
min=$(printf '%s\n' "${f1[@]}" | sort -g | head -n 1)
keys W
wait_re 'image [0-9]: F1 [0-9.]+, 1 of 6 by change' 10
got=$(number 'image [0-9]: F1 ([0-9.]+), 1 of 6 by change')
[ "$got" = "$min" ] || fail "W went to F1 $got, the lowest is $min (${f1[*]})"
idx=$(number 'image ([0-9]): F1 [0-9.]+, 1 of 6')
[ "${f1[$idx]}" = "$min" ] || fail "W shows image $idx of F1 ${f1[$idx]}, not $min"
screen | grep -qE "│$idx/6 [a-z]+\\.jpg" || fail "W did not show image $idx"
keys W
wait_re 'image [0-9]: F1 [0-9.]+, 2 of 6 by change' 10

# too small, then back
tm resize-window -x 40 -y 12
wait_for "terminal too small: 40x12, need 80x24" 10
tm resize-window -x 80 -y 24
wait_gone "terminal too small" 10
wait_re '[0-9]/6 [a-z]+\.jpg' 10
keys q
wait_exit 0

# ---- 80x24 in true colour (a direct-colour description compiled here) ----------------
if command -v tic >/dev/null 2>&1 && infocmp tmux-256color >/dev/null 2>&1; then
	cat >"$TMPD/direct.ti" <<'EOF'
safer-direct|tmux-256color with direct colour,
	colors#0x1000000, pairs#0x10000, RGB,
	setab=\E[%?%p1%{8}%<%t4%p1%d%e48;2;%p1%{65536}%/%d;%p1%{256}%/%{255}%&%d;%p1%{255}%&%d%;m,
	setaf=\E[%?%p1%{8}%<%t3%p1%d%e38;2;%p1%{65536}%/%d;%p1%{256}%/%{255}%&%d;%p1%{255}%&%d%;m,
	use=tmux-256color,
EOF
	tic -x -o "$TMPD/terminfo" "$TMPD/direct.ti" || fail "tic"
	TUI_TERM=safer-direct TUI_TERMINFO=$TMPD/terminfo
	# shellcheck disable=SC2086
	start 80 24 tui $DET
	wait_re 'base [0-9]+\.[0-9]+%' 60
	keys v
	wait_for "1/6 dog.jpg" 10
	wait_re 'unpert [0-9]+  ┏ pert [0-9]+  matched [0-9]+' 60
	screen_e | grep -qE $'\e\\[[0-9;]*38;2;[0-9]+;[0-9]+;[0-9]+' || fail "no true-colour escapes at 80x24"
	[ "$(halfblocks 44)" -ge 3 ] || fail "the image is not drawn at 80x24 ($(halfblocks 44))"	# box outlines of a barely trained detector may cover whole rows
	[ "$(screen | wc -l)" -eq 24 ] || fail "not 24 lines"
	w=$(screen | LC_ALL=C.UTF-8 wc -L)
	[ "$w" -le 80 ] || fail "a line is $w columns wide"
	for t in "mAP@.5 · L0" "mAP pts" "Picture" "green: unperturbed"; do
		screen | grep -qF -- "$t" || fail "'$t' not on screen at 80x24"
	done
	keys q
	wait_exit 0
	unset TUI_TERMINFO
fi

# ---- no colour: grey characters, outlines still drawn -----------------------------------
TUI_TERM=
TUI_NO_COLOR=1
# shellcheck disable=SC2086
start 100 30 tui $DET
wait_re 'base [0-9]+\.[0-9]+%' 60
keys v
wait_re 'pert(urbed)? [0-9]+  matched [0-9]+' 60
[ "$(halfblocks 55)" -eq 0 ] || fail "half blocks without colour"
[ "$(picture 55 | sed -n '4,$p' | grep -cE '[-=+*#%@:.]{4}')" -ge 3 ] || fail "no grey-ramp characters"
keys q
wait_exit 0
TUI_NO_COLOR=

# ---- a classifier: no picture view ------------------------------------------------------
start 100 30 tui --limit 200
wait_re 'base [0-9]+\.[0-9]+%' 30
screen | grep -qF "Picture" && fail "a Picture tab for a classifier"
screen | grep -qF "mAP" && fail "mAP on a classifier's screen"
keys v
wait_for "the picture view shows a detector's images and boxes" 10
keys q
wait_exit 0
echo "PASS"
