#!/bin/sh
# forks.sh - calls made by children (fork, vfork, clone, posix_spawn), after
# exec, after an exec from a non-leader thread, and by a daemonised
# grandchild are all reported, with the right [pid N].
. "$TESTSRC/lib.sh"

skip_unless_ptrace

enter_w

# The command symtrace starts is a shell that records its pid and execs
# the helper, so we know the pid of "the command".
for how in fork vfork clone spawn exec thread-exec daemon; do
	rm -f "$tmp/main.pid"
	"$SYMTRACE" -o "$tmp/out" -- sh -c 'echo $$ >"$0"; exec "$@"' \
		"$tmp/main.pid" "$TESTBIN/symhelper" $how "t_$how" "l_$how" \
		>"$tmp/expected" 2>"$tmp/err"
	st=$?
	# Checked at once: symtrace must not exit before the daemon's
	# grandchild (which makes its link 0.2 s after the command exits).
	[ -L "l_$how" ] ||
		fail "$how: symtrace exited before l_$how was made"
	[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "$how: exit $st"; }
	[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "$how: stderr"; }
	main=$(cat "$tmp/main.pid")
	printf 'symlink("t_%s", "l_%s"<%s/l_%s>) = 0\n' $how $how "$w" $how \
		>"$tmp/want"
	diff -u "$tmp/want" "$tmp/expected" >&2 ||
		fail "$how: the helper did not print the expected line"
	[ "$(wc -l <"$tmp/out")" -eq 1 ] || {
		show output "$tmp/out"
		fail "$how: expected exactly one line"
	}
	sed 's/^\[pid [0-9]*\] //' "$tmp/out" >"$tmp/out.stripped"
	diff -u "$tmp/want" "$tmp/out.stripped" >&2 ||
		fail "$how: wrong line"
	check_link "l_$how" "t_$how"
	pid=$(sed -n 's/^\[pid \([0-9]*\)\] .*/\1/p' "$tmp/out")
	case $how in
	exec)
		# One task only: no prefix.
		[ -z "$pid" ] || fail "exec: unexpected [pid $pid] prefix"
		;;
	thread-exec)
		# The exec'ing thread takes over the leader's pid.
		[ "$pid" = "$main" ] ||
			fail "thread-exec: [pid ${pid:-none}], expected $main"
		;;
	*)
		[ -n "$pid" ] || fail "$how: no [pid N] prefix"
		[ "$pid" != "$main" ] ||
			fail "$how: reported as the command ($main)," \
			     "not as its child"
		;;
	esac
done

# With -v, each task's exit is reported; the daemon's grandchild too.
rm -f l_daemon
"$SYMTRACE" -v -o "$tmp/out" -- "$TESTBIN/symhelper" daemon t l_daemon \
	>/dev/null 2>"$tmp/err" || fail "daemon -v: exit status $?"
[ "$(grep -c '^\[pid [0-9]*\] +++ exited with 0 +++$' "$tmp/out")" -eq 3 ] || {
	show output "$tmp/out"
	fail "daemon -v: expected 3 exit lines"
}
[ "$(grep -c '^\[pid [0-9]*\] symlink(' "$tmp/out")" -eq 1 ] || {
	show output "$tmp/out"
	fail "daemon -v: expected 1 symlink line"
}

cd "$tmp" || fail cd
check_no_leftovers
exit 0
