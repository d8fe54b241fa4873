#!/bin/sh
# attach-lib.sh - sourced by the attach tests: lib.sh, skipped without
# ptrace, in the work directory $w (enter_w); start a helper ($hpid),
# attach symtrace to it ($spid), detach, and make sure nothing is left
# running when a check fails half-way.  Failures name $what when it is set.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

enter_w

# Kill what we started if a check fails half-way.
hpid='' spid=''
reap()
{
	_st=$?
	# shellcheck disable=SC2086
	[ -n "$spid$hpid" ] && kill -KILL $spid $hpid 2>/dev/null
	return $_st
}
trap 'reap; cleanup' EXIT

# wait_grep PATTERN FILE [TENTHS]: wait until FILE has a line matching
# the extended regex PATTERN.
wait_grep()
{
	_n=${3:-100}
	until grep -Eq "$1" "$2" 2>/dev/null; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && return 1
		sleep 0.1
	done
}

# tracer_of PID: the TracerPid of PID.
tracer_of()
{
	sed -n 's/^TracerPid:[[:space:]]*//p' /proc/"$1"/status 2>/dev/null
}

# attach OPTS...: start "symtrace OPTS -p $hpid -o $tmp/out" in the
# background (spid) and wait until it traces $hpid.
attach()
{
	"$SYMTRACE" "$@" -p "$hpid" -o "$tmp/out" 2>"$tmp/err" &
	spid=$!
	_n=100
	until [ "$(tracer_of "$hpid")" = "$spid" ]; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && {
			show stderr "$tmp/err"
			fail "${what:+$what: }not attached"
		}
		sleep 0.1
	done
}

# detach: SIGINT to symtrace, which must exit 0 and leave $hpid untraced.
detach()
{
	kill -INT "$spid"
	wait "$spid"
	_st=$?
	spid=
	[ $_st -eq 0 ] || {
		show stderr "$tmp/err"
		fail "${what:+$what: }SIGINT: exit $_st"
	}
	[ "$(tracer_of "$hpid")" = 0 ] ||
		fail "${what:+$what: }still traced after detaching"
}

# exits_alone: symtrace ($spid), whose processes have all exited, exits 0
# by itself within 5 s.
exits_alone()
{
	_n=50
	while kill -0 "$spid" 2>/dev/null; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && fail "${what:+$what: }symtrace still running" \
			"5 s after its processes exited"
		sleep 0.1
	done
	wait "$spid"
	_st=$?
	spid=
	[ $_st -eq 0 ] || {
		show stderr "$tmp/err"
		fail "${what:+$what: }symtrace exit $_st"
	}
}

# wait_lines N: wait until symtrace has printed at least N lines.
wait_lines()
{
	_n=100
	while [ "$(grep -c . "$tmp/out" 2>/dev/null)" -lt "$1" ]; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && {
			show output "$tmp/out"
			fail "${what:+$what: }fewer than $1 lines in 10 s"
		}
		sleep 0.1
	done
}

# finish STATUS: SIGTERM the helper, which must exit STATUS without having
# reported a failure.
finish()
{
	kill -TERM "$hpid"
	wait "$hpid"
	_st=$?
	hpid=
	grep -q '^FAIL' "$tmp/log" && { show log "$tmp/log"; fail "helper failed"; }
	[ $_st -eq "$1" ] ||
		{ show log "$tmp/log"; fail "helper exit $_st, expected $1"; }
}
