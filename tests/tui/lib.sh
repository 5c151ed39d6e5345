# lib.sh - helpers for the tui tests: the real binary in a private tmux server.
# Sourced by tests/tui/*.sh.  Exit statuses: 0 pass, 1 fail, 77 skip.

SAFER=${SAFER:-./src/safer}
SRCDIR=${SRCDIR:-.}
FMNIST_DIR=${FMNIST_DIR:-/usr/share/datasets/fashion-mnist}

command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux not installed"; exit 77; }
[ -x "$SAFER" ] || { echo "FAIL: no safer binary at $SAFER"; exit 1; }
[ -r "$FMNIST_DIR/t10k-images-idx3-ubyte.gz" ] || { echo "SKIP: no Fashion-MNIST in $FMNIST_DIR"; exit 77; }
case $SAFER in /*) ;; *) SAFER=$PWD/$SAFER ;; esac

SOCK=safer-test-$$
SOCKS=
NSTARTS=0
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/safer-tui-test.XXXXXX")
export HOME=$TMPD/home XDG_STATE_HOME=$TMPD/state
mkdir -p "$HOME"
: "${TUI_LANG:=C.UTF-8}"

tm() { tmux -L "$SOCK" "$@"; }

cleanup() {
	for s in $SOCKS; do
		tmux -L "$s" kill-server >/dev/null 2>&1
		rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$s"	# tmux leaves the socket file
	done
	rm -rf "$TMPD"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	echo "---- last screen ----"
	tm capture-pane -p 2>/dev/null
	echo "---------------------"
	exit 1
}

# start W H ARGS...: runs "$SAFER ARGS..." in a fresh W x H pane.  A small
# shell wrapper reports the exit status and the terminal modes afterwards,
# then waits for Enter; the pane stays after that (remain-on-exit) so its
# status can be read.
start() {
	local w=$1 h=$2 cmd
	shift 2
	NSTARTS=$((NSTARTS + 1))	# a fresh server each time: no race with a dying one
	SOCK=safer-test-$$-$NSTARTS
	SOCKS="$SOCKS $SOCK"
	cmd="env HOME='$HOME' XDG_STATE_HOME='$XDG_STATE_HOME' LANG='$TUI_LANG' LC_ALL='$TUI_LANG'"
	[ -n "${TUI_NO_COLOR:-}" ] && cmd="$cmd NO_COLOR=1"
	# another terminal description (TERM inside tmux is its default-terminal)
	[ -n "${TUI_TERM:-}" ] && cmd="$cmd TERM='$TUI_TERM'"
	[ -n "${TUI_TERMINFO:-}" ] && cmd="$cmd TERMINFO='$TUI_TERMINFO'"
	cmd="$cmd '$SAFER'"
	for a in "$@"; do cmd="$cmd '$a'"; done
	# the wrapper must outlive a Ctrl-C meant for safer: a no-op trap (reset at exec)
	cmd="trap : INT; $cmd; st=\$?; stty -a > '$TMPD/stty'; echo \"[exited \$st]\"; read x; exit \$st"
	tm -f /dev/null new-session -d -x "$w" -y "$h" "$cmd" \; set-option -g remain-on-exit on \
		|| fail "tmux new-session"
}

screen() { tm capture-pane -p; }
# the same with colour escapes (SGR sequences)
screen_e() { tm capture-pane -p -e; }

# wait_for TEXT [TIMEOUT]: polls the screen every 0.1 s for a fixed string.
wait_for() {
	local text=$1 limit=$(( ${2:-30} * 10 )) i=0
	while [ $i -lt $limit ]; do
		screen | grep -qF -- "$text" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "timed out waiting for '$text'"
}

# wait_re REGEX [TIMEOUT]: the same with an extended regular expression.
wait_re() {
	local re=$1 limit=$(( ${2:-30} * 10 )) i=0
	while [ $i -lt $limit ]; do
		screen | grep -qE -- "$re" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "timed out waiting for /$re/"
}

# wait_gone TEXT [TIMEOUT]
wait_gone() {
	local text=$1 limit=$(( ${2:-30} * 10 )) i=0
	while [ $i -lt $limit ]; do
		screen | grep -qF -- "$text" || return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "'$text' still on screen"
}

keys() { tm send-keys "$@"; }

# wait_line N TEXT [TIMEOUT]: line N (1-based) of the screen starts with TEXT.
wait_line() {
	local n=$1 text=$2 limit=$(( ${3:-30} * 10 )) i=0
	while [ $i -lt $limit ]; do
		screen | sed -n "${n}p" | grep -qF -- "$text" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	fail "timed out waiting for '$text' on line $n"
}

# number REGEX: the first capture group of REGEX (sed -E syntax) on screen.
number() {
	screen | sed -nE "s/.*$1.*/\\1/p" | head -n 1
}

pane() { tm display-message -p "$1"; }

# wait_exit STATUS [TIMEOUT]: safer ended with STATUS (reported by the
# wrapper) and left the terminal as it found it: primary screen, cursor
# visible, cooked mode; then the pane ends too, with the same status.
wait_exit() {
	local want=$1 got i=0
	wait_re '^\[exited [0-9]+\]' "${2:-20}"
	got=$(number '^\[exited ([0-9]+)\]')
	[ "$got" = "$want" ] || fail "exit status $got, expected $want"
	[ "$(pane '#{alternate_on}')" = 0 ] || fail "terminal left on the alternate screen"
	[ "$(pane '#{cursor_flag}')" = 1 ] || fail "cursor left hidden"
	grep -qE '(^| )icanon( |$)' "$TMPD/stty" && grep -qE '(^| )echo( |$)' "$TMPD/stty" ||
		fail "terminal modes not restored: $(cat "$TMPD/stty")"
	keys Enter
	while [ $i -lt 100 ] && [ "$(pane '#{pane_dead}')" != 1 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(pane '#{pane_dead}')" = 1 ] || fail "pane still running"
	# the status follows the pane's death once tmux has reaped the process
	while [ $i -lt 100 ] && [ -z "$(pane '#{pane_dead_status}')" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	got=$(pane '#{pane_dead_status}')
	[ -z "$got" ] || [ "$got" = "$want" ] || fail "pane exit status $got, expected $want"
}

# less_than A B: A < B for decimal numbers.
less_than() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
