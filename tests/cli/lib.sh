# lib.sh - shared helpers of the safer command-line tests.  Sourced, not run.
#
# `make check` passes SAFER, SRCDIR, BUILDDIR, DARKNET_BIN, FMNIST_DIR and
# MKDATASET (see TESTS_ENVIRONMENT in Makefile.am); run by hand from anywhere,
# e.g. `bash tests/cli/eval_darknet.sh`, the defaults below find the build in
# the source tree.  KEEP=1 keeps the scratch directory for a look afterwards.
#
# Every script: checks (ok / not_ok / check ...), then `finish`, which prints
# the summary line and exits 0 (all passed) or 1.  77 = skipped (automake).

SRCDIR=${SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILDDIR=${BUILDDIR:-$SRCDIR}
SAFER=${SAFER:-$BUILDDIR/src/safer}
SAFER_TRAIN=${SAFER_TRAIN:-$BUILDDIR/tools/safer-train}
MKDATASET=${MKDATASET:-$BUILDDIR/tests/tools/mkdataset}
FMNIST_DIR=${FMNIST_DIR:-/usr/share/datasets/fashion-mnist}
# unset: look for it; set but empty (configure found none): tests needing it skip
if [ -z "${DARKNET_BIN+set}" ]; then
	DARKNET_BIN=$(command -v darknet || true)
fi

FM_IMAGES=$FMNIST_DIR/t10k-images-idx3-ubyte.gz
FM_LABELS=$FMNIST_DIR/t10k-labels-idx1-ubyte.gz
NAMES=$SRCDIR/cfg/fashion-mnist.names
PLAIN_CFG=$SRCDIR/cfg/fmnist-plain.cfg
PLAIN_WEIGHTS=$SRCDIR/weights/fmnist-plain.weights
RESNET_CFG=$SRCDIR/cfg/fmnist-resnet.cfg
RESNET_WEIGHTS=$SRCDIR/weights/fmnist-resnet.weights

TEST_NAME=$(basename "$0" .sh)
PASS=0
FAIL=0

# ---- scratch directory, removed on any exit -----------------------------------

# Data set labels come from substrings of image paths (Darknet's rule), so the
# directory must not contain a class name by chance (mktemp's random letters).
for _ in 1 2 3 4 5 6 7 8 9 10; do
	T=$(mktemp -d "${TMPDIR:-/tmp}/safer-$TEST_NAME.XXXXXX") || exit 99
	grep -qFf "$NAMES" <<<"$T" || break
	rmdir "$T"
	T=""
done
[ -n "$T" ] || { echo "ERROR: ${TMPDIR:-/tmp} contains a class name; set TMPDIR" >&2; exit 99; }
cleanup() {
	local p
	for p in $(jobs -pr); do	# this script's own background jobs still running
		kill -KILL "$p" 2>/dev/null
	done
	if [ "${KEEP:-0}" = 1 ]; then
		echo "kept $T"
	else
		chmod -R u+rwX "$T" 2>/dev/null
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- results ---------------------------------------------------------------------

ok() {
	PASS=$((PASS + 1))
	echo "ok   - $*"
}

not_ok() {
	FAIL=$((FAIL + 1))
	echo "FAIL - $*"
}

# check DESC CMD...: passes when CMD succeeds
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# check_eq DESC EXPECTED GOT
check_eq() {
	if [ "$2" == "$3" ]; then
		case $3 in
		*$'\n'*) ok "$1 ($(wc -l <<<"$3") lines)" ;;
		*) ok "$1 ($3)" ;;
		esac
	else
		not_ok "$1: expected '$2', got '$3'"
	fi
}

# awk_true EXPR: numeric comparisons the shell cannot do, e.g. awk_true "0.5 < 1"
awk_true() {
	awk "BEGIN { exit !($*) }"
}

skip_all() {
	echo "SKIP: $TEST_NAME: $*"
	exit 77
}

# Hard error (not a test failure): missing tool, broken fixture.
die() {
	echo "ERROR: $TEST_NAME: $*" >&2
	exit 99
}

finish() {
	echo "$TEST_NAME: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ] && exit 0
	exit 1
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "needs $c"
	done
}

require_darknet() {
	[ -n "$DARKNET_BIN" ] && [ -x "$DARKNET_BIN" ] || skip_all "Darknet's darknet binary not available"
}

[ -x "$SAFER" ] || die "no safer binary at $SAFER (build first)"
[ -f "$FM_IMAGES" ] || skip_all "Fashion-MNIST not found in $FMNIST_DIR"
require_cmd jq awk sha256sum

# ---- running commands ------------------------------------------------------------

# run CMD...: runs it with stdout in $T/out and stderr in $T/err; status in RC.
# A command that hangs is killed after $SAFER_TEST_TIMEOUT seconds (RC 124 or
# 137) rather than blocking the whole suite.
SAFER_TEST_TIMEOUT=${SAFER_TEST_TIMEOUT:-300}
run() {
	timeout -k 5 "$SAFER_TEST_TIMEOUT" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

# wait_pid PID SECONDS: waits for a background child; SIGKILLs it if it is
# still running after SECONDS.  WAIT_RC: its exit status, or "hung".
wait_pid() {
	local pid=$1 n=$(($2 * 10))
	while kill -0 "$pid" 2>/dev/null && [ "$n" -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		WAIT_RC=hung
		return 1
	fi
	wait "$pid"
	WAIT_RC=$?
}

sha() {
	sha256sum "$1" 2>/dev/null | cut -d' ' -f1
}

# expect_fail_2 DESC NEEDLES CMD...
# CMD must exit 2 with exactly one stderr line that starts with "safer: " and
# contains each of the ';'-separated NEEDLES (the offending file, FILE:LINE,
# the names of offenders...).  Every existing file
# named among the arguments must be unchanged afterwards, and the -o/--output
# file must not have been created (or changed, if it existed).  The message is
# left in $T/err (and LAST_ERR) for further checks.
expect_fail_2() {
	local desc=$1 needle=$2
	shift 2
	local -a files=() sums=()
	local out="" out_sum="" prev="" a
	for a in "$@"; do
		case $prev in -o | --output) out=$a ;; esac
		case $a in --output=*) out=${a#--output=} ;; esac
		if [ -f "$a" ] && [ -r "$a" ]; then
			files+=("$a")
			sums+=("$(sha "$a")")
		fi
		prev=$a
	done
	# (a FIFO or device given as -o is not read: reading it would block)
	local out_existed=""
	[ -n "$out" ] && [ -e "$out" ] && out_existed=1
	[ -n "$out" ] && [ -f "$out" ] && out_sum=$(sha "$out")
	run "$@"
	LAST_ERR=$(cat "$T/err")
	local lines problems="" i
	lines=$(wc -l <"$T/err")
	[ "$RC" -eq 2 ] || problems+=" exit status $RC, not 2;"
	[ "$lines" -eq 1 ] || problems+=" $lines stderr lines, not 1;"
	case $LAST_ERR in "safer: "*) ;; *) problems+=" message does not start with 'safer: ';" ;; esac
	local -a needles
	IFS=';' read -ra needles <<<"$needle"
	for i in "${needles[@]}"; do
		case $LAST_ERR in *"$i"*) ;; *) problems+=" message does not name '$i';" ;; esac
	done
	for i in "${!files[@]}"; do
		[ "$(sha "${files[$i]}")" == "${sums[$i]}" ] || problems+=" input ${files[$i]} changed;"
	done
	if [ -n "$out" ]; then
		if [ -z "$out_existed" ] && [ -e "$out" ]; then
			problems+=" output $out was created;"
		elif [ -n "$out_sum" ] && [ "$(sha "$out")" != "$out_sum" ]; then
			problems+=" output $out changed;"
		fi
		# no temporary file left next to it either
		if compgen -G "$out.tmp-*" >/dev/null; then
			problems+=" temporary $out.tmp-* left behind;"
		fi
	fi
	if [ -z "$problems" ]; then
		ok "$desc: $LAST_ERR"
	else
		not_ok "$desc:$problems stderr: $(head -c 600 "$T/err" | tr '\n' '|')"
	fi
}

# ---- data ------------------------------------------------------------------------

# make_dataset DIR N FORMAT: the first N Fashion-MNIST test images as files
# plus DIR/test.data (top=2), DIR/valid.list and DIR/labels.txt.
make_dataset() {
	[ -x "$MKDATASET" ] || die "no $MKDATASET (make tests/tools/mkdataset)"
	mkdir -p "$1" && "$MKDATASET" "$FM_IMAGES" "$FM_LABELS" "$NAMES" "$1" "$2" "$3" ||
		die "mkdataset $1 $2 $3 failed"
}

# darknet_top DATA CFG WEIGHTS: prints "TOP1 TOPK" from the last progress line
# of `darknet classifier valid` (run in the scratch directory: on an image it
# cannot decode, Darknet appends to ./bad.list).
darknet_top() {
	(cd "$T" && "$DARKNET_BIN" classifier valid "$1" "$2" "$3" 2>"$T/darknet.err") |
		awk '/: top 1: / { t1 = $4; tk = $7 } END { sub(/,$/, "", t1); if (t1 == "") exit 1; print t1, tk }'
}

# safer_top DATA CFG WEIGHTS [EXTRA ARGS]: "TOP1 TOPK" of safer eval as %.6f
safer_top() {
	local data=$1 cfg=$2 w=$3
	shift 3
	"$SAFER" eval -c "$cfg" -w "$w" -d "$data" --json "$@" 2>"$T/safer.err" >"$T/eval.json" || return 1
	printf '%.6f %.6f\n' "$(jq -r .top1 "$T/eval.json")" "$(jq -r .topk "$T/eval.json")"
}

# ---- result files ------------------------------------------------------------------

# json_get FILE FILTER: jq -r FILTER FILE
json_get() {
	jq -r "$2" "$1"
}

CSV_COLUMNS="layer,layer_kind,kind,level,trial,top1,drop,drop_lo,drop_hi,agree,kl,images,seconds"
# a finished scan's file: its rows ranked (rank with its noise)
CSV_RANKED_COLUMNS="$CSV_COLUMNS,rank,rank_lo,rank_hi,tied_with"

# csv_col FILE NAME: the values of the column NAME, one per line (by header name)
csv_col() {
	awk -F, -v want="$2" '
		/^#/ { next }
		!seen { seen = 1; for (i = 1; i <= NF; i++) if ($i == want) c = i; if (!c) exit 1; next }
		{ print $c }' "$1"
}

# csv_rows FILE: the number of data rows
csv_rows() {
	awk '/^#/ { next } !seen { seen = 1; next } { n++ } END { print n + 0 }' "$1"
}

# csv_header FILE KEY: the value of a "# KEY: value" line
csv_header() {
	awk -v k="# $2: " 'index($0, k) == 1 { print substr($0, length(k) + 1); exit }' "$1"
}

# csv_drop_col FILE NAME: the whole file without the column NAME
csv_drop_col() {
	awk -F, -v OFS=, -v drop="$2" '
		/^#/ { print; next }
		!seen { seen = 1; for (i = 1; i <= NF; i++) if ($i == drop) c = i }
		{ out = ""; sep = ""; for (i = 1; i <= NF; i++) if (i != c) { out = out sep $i; sep = OFS } print out }' "$1"
}

# csv_wellformed FILE: "# key: value" lines, then the column line, then complete
# rows of 13 fields (17 once ranked); ends with a newline.  Prints the problem when not.
csv_wellformed() {
	local f=$1
	[ -s "$f" ] || { echo "$f: empty"; return 1; }
	[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" == '\n' ] || { echo "$f: last line incomplete"; return 1; }
	awk -F, -v cols="$CSV_COLUMNS" -v ranked="$CSV_RANKED_COLUMNS" '
		phase == 0 && /^# / { next }
		phase == 0 { if ($0 != cols && $0 != ranked) { print FILENAME ":" NR ": bad column line"; bad = 1; exit }
			nf = NF; phase = 1; next }
		NF != nf || $0 ~ /^#/ { print FILENAME ":" NR ": incomplete row: " $0; bad = 1; exit }
		$1 !~ /^[0-9]+$/ || $5 !~ /^[0-9]+$/ || $12 !~ /^[0-9]+$/ { print FILENAME ":" NR ": bad row: " $0; bad = 1; exit }
		END { if (!bad && phase == 0) { print FILENAME ": no column line"; bad = 1 } exit bad }' "$f"
}

# ---- detectors -------------------------------------------------------------------

MAPFILES=${MAPFILES:-$BUILDDIR/tests/tools/mapfiles}

. "$(dirname "${BASH_SOURCE[0]}")/detector_lib.sh"
# make_detector DIR (detector_lib.sh), a hard error when it fails
make_detector() {
	make_detector_in "$1" || die "no detector to test"
	[ -x "$MAPFILES" ] || die "no $MAPFILES (make check builds it)"
}
