#!/usr/bin/env bash
# help_man.sh - the help texts, the version and the manual agree.
#
#  - `safer --help` and `safer CMD --help` for every command it lists (info,
#    eval, scan, export, ...) exit 0 with a Usage line on stdout and nothing
#    on stderr;
#  - `safer --version` / -V print "safer VERSION" with VERSION from
#    configure.ac's AC_INIT;
#  - an unknown command exits 2 with one "safer: " line naming it;
#  - every long option any --help prints, and every command, appears in
#    man/safer.1 (roff escapes removed).  While man/safer.1 is still empty the
#    manual part is skipped, and so is the test (exit 77) if nothing failed.
set -u
. "$(dirname "$0")/lib.sh"

# the commands `safer --help` lists (info, eval, scan, export, and whatever
# else the command table holds)
COMMANDS=$("$SAFER" --help | awk '/^Commands:/ { on = 1; next } on && NF == 0 { exit } on { print $1 }' | xargs)
check "safer --help lists info, eval, scan and export ($COMMANDS)" \
	grep -qE '(^| )info .*eval .*scan .*export( |$)' <<<"$COMMANDS"

# ---- help and version ------------------------------------------------------------------------
help_ok() {
	[ "$RC" -eq 0 ] && [ ! -s "$T/err" ] && grep -q "^Usage: safer${1:+ $1}" "$T/out"
}
for cmd in "" $COMMANDS; do
	run "$SAFER" $cmd --help
	check "safer${cmd:+ $cmd} --help: exit 0, Usage on stdout, stderr empty" help_ok "$cmd"
	cp "$T/out" "$T/help-${cmd:-safer}"
done
version=$(sed -n 's/^AC_INIT(\[safer\], *\[\([^]]*\)\].*/\1/p' "$SRCDIR/configure.ac")
[ -n "$version" ] || die "no version in $SRCDIR/configure.ac"
run "$SAFER" --version
check_eq "safer --version (configure.ac: $version)" "safer $version" "$(cat "$T/out")"
run "$SAFER" -V
check_eq "safer -V" "safer $version" "$(cat "$T/out")"
expect_fail_2 "unknown command" "frobnicate" "$SAFER" frobnicate

# ---- the manual ---------------------------------------------------------------------------------
MAN=$SRCDIR/man/safer.1
if [ ! -s "$MAN" ]; then
	echo "skip - $MAN is empty: the manual checks wait for it"
	[ "$FAIL" -eq 0 ] && { echo "$TEST_NAME: $PASS passed, manual not written yet"; exit 77; }
	finish
fi
# roff text: "\-\-resume", "\fB\-\-resume\fR", "\(en", "\&" ...  -> plain text
sed -e 's/\\f[BIRP]//g' -e 's/\\f([A-Z][A-Z]//g' -e 's/\\f\[[A-Z]*\]//g' -e 's/\\-/-/g' -e 's/\\(en/-/g' \
	-e 's/\\(hy/-/g' -e 's/\\&//g' -e 's/\\e/\\/g' "$MAN" >"$T/man.txt"
for cmd in safer $COMMANDS; do
	label="safer${cmd/#safer/} --help"
	[ "$cmd" = safer ] || label="safer $cmd --help"
	missing=""
	for opt in $(grep -o -- '--[a-z][a-z0-9-]*' "$T/help-$cmd" | sort -u); do
		grep -qF -- "$opt" "$T/man.txt" || missing+=" $opt"
	done
	check "every long option of '$label' is in safer(1)${missing:+; missing:$missing}" [ -z "$missing" ]
done
for cmd in $COMMANDS; do
	check "safer(1) documents the $cmd command" grep -qw -- "$cmd" "$T/man.txt"
done

finish
