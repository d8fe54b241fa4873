#!/bin/sh
# output-rotate.sh - -o FILE follows its name, as tail -F does: renamed
# (logrotate without copytruncate) or removed, FILE is opened again at
# the next write, without a signal; when it cannot be (a symlink was put
# at its name: refused, never followed), symtrace says so once, keeps
# writing to the old file and tries again.  Every record lands in exactly
# one file: the exact sets of lines are checked.
. "$TESTSRC/lib.sh"

skip_unless_ptrace
enter_w
mkdir "$tmp/logs" || fail "mkdir"
log=$tmp/logs/out

# The traced command makes links l0..l(N-1); after link K, for each K in
# STOPS, it makes "atK" and waits for "goK".
cmd='
n=$1; shift
i=0
while [ $i -lt $n ]; do
	ln -s t l$i || exit 1
	i=$((i + 1))
	for s in "$@"; do
		if [ $i -eq $s ]; then
			echo x >at$s
			while [ ! -e go$s ]; do sleep 0.02; done
		fi
	done
done'

# lines FROM TO: the report lines of links lFROM..lTO.
lines()
{
	_i=$1
	while [ "$_i" -le "$2" ]; do
		printf 'symlinkat("t", AT_FDCWD<%s>, "l%d") = 0\n' "$w" "$_i"
		_i=$((_i + 1))
	done
}
# reported K FILE: wait until the line of l(K-1) is in FILE (written, not
# only collected in symtrace's buffer), for the step that follows to act
# on a known boundary.
reported()
{
	_n=200
	until grep -q "\"l$(($1 - 1))\")" "$2" 2>/dev/null; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && fail "l$(($1 - 1)) never reached $2"
		sleep 0.05
	done
}
at() { wait_for_file "$w/at$1" 300 || fail "the command did not reach $1"; }
go() { : >"$w/go$1"; }

umask 022
"$SYMTRACE" -o "$log" -- sh -c "$cmd" sh 300 100 200 250 \
	>"$tmp/stdout" 2>"$tmp/err" &
spid=$!

# 100: logrotate's move (no copytruncate, no "create").
at 100
reported 100 "$log"
mv "$log" "$log.1" || fail "mv"
go 100
# 200: renamed, and a symlink put at the name (to a file symtrace must
# not write): refused.
at 200
reported 200 "$log"
mv "$log" "$log.2" || fail "mv 2"
: >"$tmp/evil"
ln -s ../evil "$log" || fail "ln"
go 200
# 250: the symlink is gone: the next write opens FILE again.
at 250
reported 250 "$log.2"
rm "$log" || fail "rm symlink"
go 250
wait $spid
st=$?
[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "symtrace exited with $st"; }

{
	echo "symtrace: output file '$log' was renamed or removed, and cannot be opened again (still writing to the old file; trying again at each write): Too many levels of symbolic links"
	echo "symtrace: output file '$log' opened again"
} >"$tmp/err.want"
# (musl's strerror(ELOOP), the static build's, says it otherwise.)
sed 's/: Symbolic link loop$/: Too many levels of symbolic links/' "$tmp/err" >"$tmp/err.c"
diff -u "$tmp/err.want" "$tmp/err.c" >&2 || fail "wrong notices on stderr"

# (the lines without their "[pid N] ": the command forks)
strip() { sed 's/^\[pid [0-9]*\] //' "$1"; }
lines 0 99 >"$tmp/want1"
lines 100 249 >"$tmp/want2"
lines 250 299 >"$tmp/want3"
strip "$log.1" | diff -u "$tmp/want1" - >&2 ||
	fail "the renamed file does not hold exactly l0..l99"
strip "$log.2" | diff -u "$tmp/want2" - >&2 ||
	fail "the reopened file does not hold exactly l100..l249"
[ -s "$tmp/evil" ] && fail "symtrace wrote through the symlink"
strip "$log" | diff -u "$tmp/want3" - >&2 ||
	fail "the file opened after the symlink went is wrong"
[ "$(stat -c %a "$log")" = 644 ] || fail "mode $(stat -c %a "$log")"

# Removed: the records after the removal are in the new file.  With -A.
rm -f "$w"/l* "$w"/at* "$w"/go*
lines 0 9 >"$log"
"$SYMTRACE" -A -o "$log" -- sh -c "$cmd" sh 100 50 \
	>"$tmp/stdout" 2>"$tmp/err" &
spid=$!
at 50
reported 50 "$log"
rm "$log" || fail "rm"
go 50
wait $spid
st=$?
[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "symtrace -A exited with $st"; }
[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "stderr not empty"; }
lines 50 99 >"$tmp/want"
strip "$log" | diff -u "$tmp/want" - >&2 || fail "after a removal: wrong lines"

check_no_leftovers
exit 0
