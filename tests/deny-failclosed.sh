#!/bin/sh
# deny-failclosed.sh - in deny mode the tracee must not outlive the
# tracer: when symtrace is killed with SIGKILL, the traced process dies
# too (within a second) and never makes the link it was about to make.
# With the seccomp prefilter and with --no-seccomp.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

mkdir "$tmp/w" || fail "cannot create $tmp/w"
cd "$tmp/w" || fail "cannot enter $tmp/w"

sleeper=

# Do not leave a surviving sleeper behind when a check fails.
die()
{
	[ -n "$sleeper" ] && kill -KILL "$sleeper" 2>/dev/null
	fail "$@"
}

for mode in "" --no-seccomp; do
	m=${mode:-seccomp}
	link=$tmp/w/LINK-$m
	rm -f "$tmp/stdout"
	# shellcheck disable=SC2086 # $mode is empty or one word
	"$SYMTRACE" $mode --deny -o "$tmp/out" -- \
		"$TESTBIN/sidedoor" sleeper 3 "$link" >"$tmp/stdout" 2>"$tmp/err" &
	tracer=$!
	wait_for_file "$tmp/stdout" 100 || {
		kill -KILL $tracer 2>/dev/null
		show stderr "$tmp/err"
		fail "$m: the sleeper did not start"
	}
	sleeper=$(sed -n 's/^sleeper: \([0-9][0-9]*\)$/\1/p' "$tmp/stdout")
	[ -n "$sleeper" ] || {
		kill -KILL $tracer 2>/dev/null
		show stdout "$tmp/stdout"
		fail "$m: no 'sleeper: PID' line"
	}
	read -r comm </proc/$tracer/comm ||
		die "$m: symtrace ($tracer) is gone already"
	[ "$comm" = symtrace ] || die "$m: pid $tracer is '$comm', not symtrace"
	case $(proc_state "$sleeper") in
	S | R | t | T) ;;
	*) die "$m: the sleeper $sleeper is not running" ;;
	esac

	kill -KILL $tracer
	wait $tracer 2>/dev/null
	st=$?
	[ $st -eq 137 ] || die "$m: symtrace exited with $st, not killed"

	# Within 1 s the sleeper must be dead: gone, or a zombie.
	i=0
	while :; do
		s=$(proc_state "$sleeper")
		[ -z "$s" ] || [ "$s" = Z ] && break
		i=$((i + 1))
		[ $i -gt 10 ] &&
			die "$m: the sleeper $sleeper survived symtrace (state $s)"
		sleep 0.1
	done
	sl=$sleeper
	sleeper=

	# It would have made the link 3 s after it started.
	sleep 3.5
	[ -e "$link" ] || [ -L "$link" ] &&
		fail "$m: $link was made after symtrace died"
	[ "$(cat "$tmp/stdout")" = "sleeper: $sl" ] ||
		fail "$m: the sleeper printed more: $(cat "$tmp/stdout")"
done

# (No check_no_leftovers: the dead sleepers may stay zombies until init
# reaps them.)
exit 0
