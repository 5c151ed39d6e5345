#!/bin/sh
# fuzz.sh - builds each harness with clang/libFuzzer (ASan + UBSan) into
# $BUILDDIR/tests/fuzz/bin and runs it for FUZZ_SECONDS.  `make fuzz` calls it
# with the configured flags; new corpus units go to tests/fuzz/scratch/NAME
# under the build tree (the source corpus is only read), crashes to
# tests/fuzz/artifacts/NAME/; tests/fuzz/NAME.dict is used when present.
# FUZZ_NAMES picks harnesses, FUZZ_ARGS adds libFuzzer options.  Exits 1 if
# a build failed or anything was found.
set -u
: "${SRCDIR:=.}" "${BUILDDIR:=.}" "${FUZZ_CC:=clang}" "${FUZZ_SECONDS:=30}"
: "${FUZZ_NAMES:=data idx cfg weights budget perturb scan image}" "${FUZZ_ARGS:=}"
: "${FUZZ_CPPFLAGS:=}" "${DARKNET_LIBS:=-ldarknet}" "${OPENBLAS_LIBS:=-lopenblas}"
: "${JANSSON_LIBS:=-ljansson}" "${ZLIB_LIBS:=-lz}" "${STB_LIBS:=-lstb}" "${JPEG_LIBS:=-ljpeg}"
s=$SRCDIR/src
out=$BUILDDIR/tests/fuzz
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cppflags="-I$BUILDDIR -I$s -I$SRCDIR/tests/fuzz $FUZZ_CPPFLAGS"
mkdir -p "$out/bin"
fail=0
for n in $FUZZ_NAMES; do
	# sources, libraries and the largest input worth trying, per parser
	case $n in
	data)	src="$s/formats/dataset.c $s/formats/cfgcheck.c $s/formats/cfgfork.c $s/formats/image.c $s/formats/jpeg.c $s/formats/idx.c $s/core/model.c $s/formats/weights_check.c"
		libs="$STB_LIBS $JPEG_LIBS $DARKNET_LIBS $OPENBLAS_LIBS $ZLIB_LIBS"; max=2048 ;;
	idx)	src="$s/formats/idx.c"; libs="$ZLIB_LIBS"; max=4096 ;;
	cfg)	src="$s/formats/cfgcheck.c $s/formats/cfgfork.c"; libs=""; max=8192 ;;
	weights) src="$s/formats/weights_check.c"; libs=""; max=64 ;;
	budget)	src="$s/core/budget.c $s/core/perturb.c $s/core/model.c"; libs=""; max=2048 ;;
	perturb) src="$s/core/perturb.c"; libs=""; max=1024 ;;
	scan)	src="$s/formats/scan_file.c $s/formats/table.c $s/core/perturb.c $s/core/atomic.c"; libs="$JANSSON_LIBS"; max=8192 ;;
	image)	src="$s/formats/image.c $s/formats/jpeg.c $SRCDIR/tests/fuzz/stb_image_impl.c"; libs="$JPEG_LIBS"; max=16384 ;;
	*)	echo "fuzz.sh: unknown harness '$n'" >&2; fail=1; continue ;;
	esac
	bin=$out/bin/fuzz_$n
	echo "== fuzz_$n: building"
	# shellcheck disable=SC2086
	if ! $FUZZ_CC $flags $cppflags -o "$bin" "$SRCDIR/tests/fuzz/fuzz_$n.c" $src "$s/core/util.c" $libs -lm; then
		echo "fuzz.sh: fuzz_$n did not build" >&2
		fail=1
		continue
	fi
	mkdir -p "$out/scratch/$n" "$out/artifacts/$n"
	dict=""
	[ -f "$SRCDIR/tests/fuzz/$n.dict" ] && dict="-dict=$SRCDIR/tests/fuzz/$n.dict"
	echo "== fuzz_$n: ${FUZZ_SECONDS}s, -max_len=$max"
	# shellcheck disable=SC2086
	if ! "$bin" -max_len=$max -max_total_time="$FUZZ_SECONDS" -timeout=25 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$out/artifacts/$n/" $dict $FUZZ_ARGS \
	    "$out/scratch/$n" "$SRCDIR/tests/fuzz/corpus/$n"; then
		echo "fuzz.sh: fuzz_$n found something: see $out/artifacts/$n/" >&2
		fail=1
	fi
done
exit $fail
