#!/bin/sh
# attach-errors.sh - attach failures are clear and exit 125: no such
# process, permission denied (pid 1 as user nobody), a process already
# traced (naming the tracer's pid), a process in another mount namespace
# when rules can deny (trace mode attaches and says so); with several pids
# a bad one is reported, the good one is still traced and the exit status
# is 1; bad command lines.
. "$TESTSRC/attach-lib.sh"

# expect_fail WANT-FILE ARGS...: symtrace ARGS exits 125 and prints
# exactly WANT-FILE's lines on stderr, nothing on stdout.
expect_fail()
{
	_want=$1
	shift
	"$SYMTRACE" "$@" >"$tmp/o" 2>"$tmp/e"
	_st=$?
	[ $_st -eq 125 ] || { show stderr "$tmp/e"; fail "symtrace $*: exit $_st, expected 125"; }
	[ -s "$tmp/o" ] && { show stdout "$tmp/o"; fail "symtrace $*: stdout"; }
	diff -u "$_want" "$tmp/e" >&2 || fail "symtrace $*: wrong message"
}

# A pid that does not exist (any more).
sh -c 'exit 0' &
gone=$!
wait $gone
[ -d /proc/$gone ] && fail "pid $gone reused at once"
printf '%s\n' "symtrace: cannot attach to $gone: no such process" \
	"symtrace: no process could be attached" >"$tmp/want"
expect_fail "$tmp/want" -p $gone

# Permission denied: pid 1 as user nobody.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1 &&
	setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		test -x "$SYMTRACE"; then
	asnobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
elif [ "$(id -u)" -ne 0 ]; then
	asnobody=		# we are not root already
else
	asnobody=none
fi
if [ "$asnobody" = none ]; then
	echo "NOTE: $me: cannot run symtrace as nobody, not checked" >&2
else
	printf '%s\n' "symtrace: cannot attach to 1: Operation not permitted (not root: is it owned by another user, or does kernel.yama.ptrace_scope forbid it?)" \
		"symtrace: no process could be attached" >"$tmp/want"
	# shellcheck disable=SC2086
	$asnobody "$SYMTRACE" -p 1 >"$tmp/o" 2>"$tmp/e"
	st=$?
	[ $st -eq 125 ] || { show stderr "$tmp/e"; fail "-p 1 as nobody: exit $st"; }
	diff -u "$tmp/want" "$tmp/e" >&2 || fail "-p 1 as nobody: wrong message"
fi

# Another mount namespace: symtrace walks link paths in its own, so deny
# mode refuses to attach (fail closed) and names both namespaces; trace
# mode attaches and warns.
if unshare -m true 2>/dev/null; then
	unshare -m sleep 60 &
	npid=$!
	ours=$(readlink /proc/self/ns/mnt)
	n=100
	until theirs=$(readlink "/proc/$npid/ns/mnt") &&
		[ "$theirs" != "$ours" ]; do
		n=$((n - 1))
		[ $n -le 0 ] && fail "unshare -m did not start"
		sleep 0.1
	done
	printf '%s\n' "symtrace: cannot attach to $npid: it runs in another mount namespace ($theirs, symtrace's $ours), where symtrace cannot judge link paths; run symtrace in that namespace (nsenter --mount --target $npid symtrace ...)" \
		"symtrace: no process could be attached" >"$tmp/want"
	expect_fail "$tmp/want" -r 'deny target=/etc/**' -p $npid
	[ "$(tracer_of "$npid")" = 0 ] || fail "deny mode attached anyway"
	hpid=$npid
	attach
	kill -INT $spid
	wait $spid || fail "trace mode: symtrace exited $? after SIGINT"
	printf '%s\n' "symtrace: process $npid runs in another mount namespace ($theirs, symtrace's $ours): its paths are reported as symtrace's namespace shows them" \
		"symtrace: attached to process $npid (1 thread)" \
		"symtrace: detached from 1 task" >"$tmp/want"
	diff -u "$tmp/want" "$tmp/err" >&2 || fail "trace mode: wrong messages"
	kill $npid
	wait $npid 2>/dev/null
else
	echo "NOTE: $me: unshare -m not permitted, mount namespaces not checked" >&2
fi

# Bad command lines.
printf '%s\n' "symtrace: -p PID and a COMMAND cannot be combined" \
	"Try 'symtrace --help' for more information." >"$tmp/want"
expect_fail "$tmp/want" -p $$ -- true
expect_fail "$tmp/want" -p $$ true
printf '%s\n' "symtrace: no COMMAND and no -p PID given" \
	"Try 'symtrace --help' for more information." >"$tmp/want"
expect_fail "$tmp/want" -q
for bad in abc 0 -5 12x 99999999999999; do
	printf '%s\n' "symtrace: -p: '$bad' is not a process id" \
		"Try 'symtrace --help' for more information." >"$tmp/want"
	expect_fail "$tmp/want" -p "$bad"
done

# Already traced: a second symtrace fails and names the first.
"$TESTBIN/attachee" loop "$w" >"$tmp/log" 2>&1 &
hpid=$!
wait_for_file "$tmp/log" || fail "the helper did not start"
attach
printf '%s\n' "symtrace: cannot attach to $hpid: Operation not permitted (it is already traced by another process) [tracer pid $spid]" \
	"symtrace: no process could be attached" >"$tmp/want"
expect_fail "$tmp/want" -p $hpid -o "$tmp/out2"
[ -s "$tmp/out2" ] && { show output "$tmp/out2"; fail "second symtrace: output"; }
[ "$(tracer_of "$hpid")" = "$spid" ] || fail "the first symtrace lost it"
# The first one still works.
n=$(grep -c . "$tmp/out")
wait_lines $((n + 2))
detach

# Two pids, one bad: the good one is traced, the bad one reported, exit 1
# after SIGINT (not everything asked for was traced).  Both orders, comma
# list and repeated -p.
for order in "$gone,$hpid" "$hpid,$gone" "-p $hpid -p $gone"; do
	# shellcheck disable=SC2086 # a list of options
	case $order in
	-p*) set -- $order ;;
	*) set -- -p "$order" ;;
	esac
	"$SYMTRACE" "$@" -o "$tmp/out" 2>"$tmp/err" &
	spid=$!
	n=100
	until [ "$(tracer_of "$hpid")" = "$spid" ]; do
		n=$((n - 1))
		[ $n -le 0 ] && { show stderr "$tmp/err"; fail "$order: not attached"; }
		sleep 0.1
	done
	wait_lines 3
	kill -INT "$spid"
	wait "$spid"
	st=$?
	spid=
	[ $st -eq 1 ] || { show stderr "$tmp/err"; fail "$order: exit $st, expected 1"; }
	[ "$(tracer_of "$hpid")" = 0 ] || fail "$order: still traced"
	printf '%s\n' "symtrace: attached to process $hpid (1 thread)" \
		"symtrace: cannot attach to $gone: no such process" \
		"symtrace: detached from 1 task" | sort >"$tmp/want"
	sort "$tmp/err" >"$tmp/err.s"
	diff -u "$tmp/want" "$tmp/err.s" >&2 || fail "$order: wrong messages"
	grep -v '^symlinkat("loop", AT_FDCWD<'"$w"'>, "'"$w"'/l[0-9]*") = 0$' \
		"$tmp/out" && fail "$order: unexpected lines"
done

# The helper was not harmed by any of this.
last=$(sed -n 's/^l\([0-9]*\)$/\1/p' "$tmp/log" | tail -n 1)
wait_grep "^l$((last + 2))\$" "$tmp/log" || fail "no links after detach"
check_link "$w/l$((last + 1))" loop
finish 7

cd "$tmp" || fail cd
check_no_leftovers
exit 0
