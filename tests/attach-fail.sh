#!/bin/sh
# attach-fail.sh - what becomes of the traced processes when symtrace is
# killed with SIGKILL (--fail).
#   -p with a deny rule (--fail=closed by default): the master and its 3
#     workers (taken in by --tree) die with symtrace;
#   the same with --fail=open: they live on, untraced, and the workers'
#     links to /etc/passwd are made (unguarded, as documented);
#   trace mode (--fail=open by default) lives on; trace mode with
#     --fail=closed dies;
#   run mode, deny, --fail=open: the command lives on, and its symlink
#     call, still sent to a tracer by the seccomp filter, fails with ENOSYS.
. "$TESTSRC/attach-lib.sh"

rule='deny target=/etc/**'

# start_tree: a fresh master ($hpid) and its workers ($w0 $w1 $w2).
start_tree()
{
	rm -f "$w"/w*_* "$tmp/log"
	"$TESTBIN/attachee" tree "$w" >"$tmp/log" 2>&1 &
	hpid=$!
	wait_grep '^ready$' "$tmp/log" || { show log "$tmp/log"; fail "no ready"; }
	w0=$(sed -n 's/^w0 \([0-9]*\) .*/\1/p' "$tmp/log")
	w1=$(sed -n 's/^w1 \([0-9]*\) .*/\1/p' "$tmp/log")
	w2=$(sed -n 's/^w2 \([0-9]*\) .*/\1/p' "$tmp/log")
	[ -n "$w0" ] && [ -n "$w1" ] && [ -n "$w2" ] ||
		{ show log "$tmp/log"; fail "no workers"; }
}

# kill_symtrace: SIGKILL to symtrace, once every worker is traced by it.
kill_symtrace()
{
	for p in "$w0" "$w1" "$w2"; do
		n=100
		until [ "$(tracer_of "$p")" = "$spid" ]; do
			n=$((n - 1))
			[ $n -le 0 ] && { show stderr "$tmp/err"; fail "$what: $p not traced"; }
			sleep 0.1
		done
	done
	kill -KILL "$spid"
	wait "$spid"
	st=$?
	spid=
	[ $st -eq 137 ] || fail "$what: symtrace exit $st, expected 137"
}

# all_dead PID...: each is gone or a zombie within 1 s.
all_dead()
{
	for p in "$@"; do
		n=10
		while :; do
			s=$(proc_state "$p")
			[ -z "$s" ] || [ "$s" = Z ] && break
			n=$((n - 1))
			[ $n -le 0 ] && fail "$what: $p survived symtrace (state $s)"
			sleep 0.1
		done
	done
}

# all_alive PID...: each still runs (after 0.5 s), untraced.
all_alive()
{
	sleep 0.5
	for p in "$@"; do
		s=$(proc_state "$p")
		case $s in
		S | R) ;;
		*) fail "$what: $p is not running (state '$s')" ;;
		esac
		[ "$(tracer_of "$p")" = 0 ] || fail "$what: $p still traced"
	done
}

# ---- deny mode, default: closed.
what="deny -p, default"
start_tree
attach -r "$rule"
kill_symtrace
all_dead "$hpid" "$w0" "$w1" "$w2"
wait "$hpid"
hpid=

# ---- deny mode, --fail=open: they run on, unguarded.
what="deny -p --fail=open"
start_tree
attach -r "$rule" --fail=open
kill_symtrace
all_alive "$hpid" "$w0" "$w1" "$w2"
kill -USR1 "$w0" "$w1" "$w2"
for k in 0 1 2; do
	wait_grep "^w$k 0 " "$tmp/log" 50 || { show log "$tmp/log"; fail "$what: w$k did not answer"; }
	grep -qx "w$k 0 OK" "$tmp/log" || { show log "$tmp/log"; fail "$what: w$k not OK"; }
	check_link "$w/w${k}_0" /etc/passwd
done
finish 7

# ---- trace mode: open by default, closed when asked.
what="trace -p --tree, default"
start_tree
attach --tree
kill_symtrace
all_alive "$hpid" "$w0" "$w1" "$w2"
finish 7

what="trace -p --tree --fail=closed"
start_tree
attach --tree --fail=closed
kill_symtrace
all_dead "$hpid" "$w0" "$w1" "$w2"
wait "$hpid"
hpid=

# ---- run mode, deny, --fail=open: the command lives on; the filter
# still sends its symlink call to a tracer, and without one the kernel
# fails it with ENOSYS.
what="run --deny --fail=open"
"$SYMTRACE" --deny --fail=open -o "$tmp/out" -- \
	"$TESTBIN/sidedoor" sleeper 2 "$w/late" >"$tmp/stdout" 2>"$tmp/err" &
spid=$!
wait_for_file "$tmp/stdout" || fail "$what: the sleeper did not start"
sl=$(sed -n 's/^sleeper: \([0-9][0-9]*\)$/\1/p' "$tmp/stdout")
[ -n "$sl" ] || fail "$what: no 'sleeper: PID' line"
kill -KILL "$spid"
wait "$spid"
spid=
all_alive "$sl"
wait_grep '^sleeper: E' "$tmp/stdout" 50 || { show stdout "$tmp/stdout"; fail "$what: no result"; }
[ "$(sed -n 2p "$tmp/stdout")" = "sleeper: ENOSYS" ] ||
	{ show stdout "$tmp/stdout"; fail "$what: not ENOSYS"; }
[ -e "$w/late" ] || [ -L "$w/late" ] && fail "$what: the link was made"

# ---- bad value.
"$SYMTRACE" --fail=maybe -- true >"$tmp/o" 2>"$tmp/e"
st=$?
[ $st -eq 125 ] || fail "--fail=maybe: exit $st"
printf '%s\n' "symtrace: --fail: 'maybe' is neither 'closed' nor 'open'" \
	"Try 'symtrace --help' for more information." >"$tmp/want"
diff -u "$tmp/want" "$tmp/e" >&2 || fail "--fail=maybe: wrong message"

cd "$tmp" || fail cd
check_no_leftovers
exit 0
