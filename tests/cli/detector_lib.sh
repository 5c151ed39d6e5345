# detector_lib.sh - a small detector and the comparison of boxes files, for
# the tests of tests/cli and tests/tui.  Sourced, not run.

# make_detector_in DIR: a detection set and a detector trained on it, made the
# Darknet way: Debian's six sample photographs in DIR/images with
# hand-written label files in DIR/labels (eagle and kite have none),
# DIR/det.data, and tests/data/det-small.cfg trained for 100 batches by
# `darknet detector train` (its weights differ from run to run).  Sets
# DET_CFG, DET_WEIGHTS, DET_DATA; 1 with a message on stderr when it cannot.
# Needs SRCDIR and DARKNET_BIN.
make_detector_in() {
	local d=$1 i
	case $d in *images*|*JPEGImages*|*raw*) echo "$d would confuse Darknet's label rule; set TMPDIR" >&2; return 1 ;; esac
	mkdir -p "$d/images" "$d/labels" "$d/backup"
	for i in dog eagle giraffe horses person kite; do
		cp "/usr/share/darknet/data/$i.jpg" "$d/images/" || { echo "no Debian sample photograph $i.jpg" >&2; return 1; }
	done
	printf '0 0.30 0.65 0.25 0.50\n1 0.75 0.20 0.30 0.20\n' >"$d/labels/dog.txt"
	printf '2 0.5 0.5 0.6 0.7\n' >"$d/labels/horses.txt"
	printf '1 0.35 0.5 0.15 0.6\n0 0.7 0.6 0.3 0.4\n' >"$d/labels/person.txt"
	printf '\n2 0.5 0.45 0.5 0.8\n\n' >"$d/labels/giraffe.txt"
	ls "$d"/images/*.jpg >"$d/valid.txt"
	grep -v -e eagle -e kite "$d/valid.txt" >"$d/train.txt"	# Darknet's training needs every label file
	printf 'dog\nperson\nhorse\n' >"$d/names"
	printf 'classes=3\ntrain=%s\nvalid=%s\nnames=%s\nbackup=%s\nresults=%s\n' "$d/train.txt" \
		"$d/valid.txt" "$d/names" "$d/backup" "$d/results" >"$d/det.data"
	DET_CFG=$(cd "$SRCDIR" && pwd)/tests/data/det-small.cfg DET_DATA=$d/det.data
	DET_WEIGHTS=$d/backup/det-small_final.weights
	(cd "$d" && "$DARKNET_BIN" detector train det.data "$DET_CFG" >train.log 2>&1) ||
		{ echo "darknet detector train failed: $(tail -3 "$d/train.log")" >&2; return 1; }
	[ -s "$DET_WEIGHTS" ] || { echo "darknet wrote no $DET_WEIGHTS" >&2; return 1; }
}

# same_boxes A B TOL_P TOL_C MAX_MISS: the lines of A (Darknet's) and B
# (safer's) paired one to one by image, score within TOL_P and corners
# within TOL_C pixels; at most MAX_MISS lines of either left without a
# partner.  Prints how many were.
same_boxes() {
	awk -v tp="$3" -v tc="$4" -v maxmiss="$5" '
		function near(a, b, t,    d) { d = a - b; if (d < 0) d = -d; return d <= t }
		FNR == NR { n++; id[n] = $1; for (k = 2; k <= 6; k++) v[n, k] = $k; byid[$1] = byid[$1] " " n; next }
		{
			found = 0; split(byid[$1], cand, " ")
			for (c in cand) {
				i = cand[c]
				if (used[i] || !near(v[i, 2], $2, tp)) continue
				if (!near(v[i, 3], $3, tc) || !near(v[i, 4], $4, tc) || !near(v[i, 5], $5, tc) || !near(v[i, 6], $6, tc)) continue
				used[i] = 1; found = 1; break
			}
			if (!found) miss++
			m++
		}
		END {
			for (i = 1; i <= n; i++) if (!used[i]) miss++
			printf "%d Darknet, %d safer, %d without a partner\n", n, m, miss
			exit miss > maxmiss
		}' "$1" "$2"
}
