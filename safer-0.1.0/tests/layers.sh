#!/usr/bin/env bash
# tests/layers.sh - the layered source tree, checked: every include and every
# symbol a file uses points to its own layer or one below it, and no two files
# depend on each other, directly or through others (no include or link cycle).
#
# The layers, lowest first (README, "Source tree"); a file belongs to the
# longest prefix of its path under src/ that is listed here:
layers="core formats backend engine tui/state tui tui/view cli"
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BUILDDIR=${BUILDDIR:-$SRCDIR}
cd "$SRCDIR/src" || exit 99

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

rank_of() {	# path under src/ (a module: dir/name) -> rank, or nothing
	local best="" r=0 l
	for l in $layers; do
		case $1 in "$l"/*) best=$r ;; esac
		r=$((r + 1))
	done
	echo "$best"
}
layer_name() { local r=$1; set -- $layers; shift "$r"; echo "$1"; }

fail=0
bad() { echo "layers: $*"; fail=1; }

# ---- includes: module -> module edges ---------------------------------------
: >"$T/inc"
while IFS= read -r f; do
	m=${f%.*}
	grep -o '^#include "[^"]*"' "$f" | sed 's/#include "\(.*\)"/\1/' | while IFS= read -r h; do
		[ "$h" = config.h ] && continue
		[ -f "$h" ] || { echo "BAD $f includes \"$h\", which is not a path under src/"; continue; }
		t=${h%.*}
		[ "$t" = "$m" ] || echo "$m $t"
	done
done < <(find core formats backend engine tui cli -name '*.[ch]' | sort) >"$T/inc"
grep '^BAD ' "$T/inc" | sed 's/^BAD //' | while IFS= read -r l; do echo "layers: $l"; done
grep -q '^BAD ' "$T/inc" && fail=1
grep -v '^BAD ' "$T/inc" | sort -u >"$T/inc.edges"

# ---- symbols: object -> object edges ----------------------------------------
objs=$(cd "$BUILDDIR/src" && find core formats backend engine tui cli -name '*.o' | sort)
if [ -z "$objs" ]; then
	echo "layers: no objects under $BUILDDIR/src (build first)"
	exit 99
fi
for o in $objs; do
	d=$(dirname "$o")
	b=$(basename "$o" .o)
	m=$d/${b##*-}	# automake names per-target objects LIB-NAME.o
	nm "$BUILDDIR/src/$o" | awk -v m="$m" '
		$1 == "U" { print "U", m, $2; next }
		NF == 3 && $2 ~ /^[TDBRCGS]$/ { print "D", m, $3 }'
done >"$T/syms"
awk '$1 == "D" { def[$3] = $2 } $1 == "U" { use[NR] = $2 " " $3 }
	END { for (i in use) { split(use[i], a, " "); if ((a[2] in def) && def[a[2]] != a[1]) print a[1], def[a[2]], a[2] } }' \
	"$T/syms" | sort -u >"$T/link"
cut -d' ' -f1,2 "$T/link" | sort -u >"$T/link.edges"

# ---- every edge points down or sideways -------------------------------------
check_ranks() {	# edges file, what
	while read -r a b rest; do
		ra=$(rank_of "$a")
		rb=$(rank_of "$b")
		[ -n "$ra" ] || { bad "$a is in no layer"; continue; }
		[ -n "$rb" ] || { bad "$b is in no layer"; continue; }
		if [ "$rb" -gt "$ra" ]; then
			bad "$a ($(layer_name "$ra")) $2 $b ($(layer_name "$rb")), a layer above it${rest:+: $rest}"
		fi
	done <"$1"
}
check_ranks "$T/inc.edges" "includes"
check_ranks "$T/link" "uses"

# ---- no cycles between files ------------------------------------------------
for g in inc link; do
	# tsort names the files of each loop it finds on stderr
	if ! tsort "$T/$g.edges" >/dev/null 2>"$T/$g.loop"; then
		what=includes
		[ $g = link ] && what=symbols
		bad "a cycle of $what between files:"
		sed -n 's/^tsort: //p' "$T/$g.loop" | grep -v 'input contains a loop' | sed 's/^/    /'
		fail=1
	fi
done

n_inc=$(wc -l <"$T/inc.edges")
n_link=$(wc -l <"$T/link.edges")
if [ $fail -eq 0 ]; then
	echo "layers: $n_inc include and $n_link link dependencies between files, all pointing down, no cycle"
fi
exit $fail
