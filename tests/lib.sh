#!/bin/sh
# lib.sh - sourced by the integration tests (tests/*.sh).
#
# Environment (set by "make check", see tests/Makefile.inc):
#   SYMTRACE  the symtrace binary        TESTBIN  the built helpers
#   TESTSRC   this directory             HAVE_M32 yes when symhelper32 exists
#
# Provides: $tmp (a fresh directory, removed on exit), fail, skip,
# skip_unless_ptrace, run_match, check_link, check_no_leftovers, show,
# enter_w, proc_state, wait_for_file, find_python, side_end, mismatch.
# Every test runs under "timeout" (TEST_TIMEOUT seconds, default 120): on
# expiry its whole process group is killed and the test fails (124).

set -u

: "${SYMTRACE:?SYMTRACE is not set (run through make check)}"
: "${TESTBIN:?TESTBIN is not set}"
: "${TESTSRC:?TESTSRC is not set}"
HAVE_M32=${HAVE_M32:-no}

me=$(basename "$0" .sh)

# Run under a systemd unit, every symtrace would relay sd_notify messages
# (notify.sh tests that with a NOTIFY_SOCKET of its own).
unset NOTIFY_SOCKET WATCHDOG_PID WATCHDOG_USEC

# Bound the whole test.  timeout(1) puts the test in a process group of
# its own, so check_no_leftovers can find everything the test started.
if [ -z "${SYMTRACE_TEST_BOUNDED:-}" ] && command -v timeout >/dev/null 2>&1
then
	SYMTRACE_TEST_BOUNDED=$$
	export SYMTRACE_TEST_BOUNDED
	exec timeout -k 5 "${TEST_TIMEOUT:-120}" /bin/sh "$0" "$@"
fi

fail()
{
	echo "FAIL: $me: $*" >&2
	exit 1
}

skip()
{
	echo "SKIP: $me: $*" >&2
	exit 77
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/symtrace-$me.XXXXXX") ||
	fail "cannot create a temporary directory"

# A test that starts long-lived processes (daemons, a symtrace in the
# background) adds their pids here: they are killed on every exit, a
# failed check's included, so that no test leaves a daemon running.
cleanup_pids=

cleanup()
{
	st=$?
	trap - EXIT INT TERM HUP
	[ -n "$cleanup_pids" ] && kill -KILL $cleanup_pids 2>/dev/null
	cd /
	# Links and files may have been made read-only by a test.
	chmod -R u+rwx "$tmp" 2>/dev/null
	rm -rf "$tmp"
	exit $st
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Skip (77) when ptrace is not permitted here; fail on any other problem.
skip_unless_ptrace()
{
	"$SYMTRACE" -- true >"$tmp/ptrace.out" 2>&1
	st=$?
	if [ $st -eq 125 ] && grep -qi ptrace "$tmp/ptrace.out"; then
		cat "$tmp/ptrace.out" >&2
		skip "ptrace is not permitted here"
	fi
	[ $st -eq 0 ] || {
		cat "$tmp/ptrace.out" >&2
		fail "'symtrace -- true' exited with $st"
	}
	[ -s "$tmp/ptrace.out" ] &&
		fail "'symtrace -- true' printed: $(cat "$tmp/ptrace.out")"
	rm -f "$tmp/ptrace.out"
}

# enter_w: make $tmp/w, the test's work directory, and enter it; $w is
# its name as the tracer sees it (no symlinks in it).
enter_w()
{
	mkdir "$tmp/w" || fail "cannot create $tmp/w"
	w=$(cd "$tmp/w" && pwd -P) || fail "cannot enter $tmp/w"
	cd "$w" || fail "cannot enter $w"
}

# Print the named file to stderr, with a title (for failure reports).
show()
{
	echo "--- $1:" >&2
	cat "$2" >&2
}

# run_match ARGS...: run "$SYMTRACE $ST_OPTS -o $tmp/out -- $HELPER ARGS"
# in the current directory; the helper prints the lines symtrace must print
# (into $tmp/expected).  The "[pid N] " prefixes are stripped from the
# output, which must then equal the expected lines exactly; symtrace must
# exit 0 and print nothing on stderr.  HELPER defaults to symhelper.
run_match()
{
	# shellcheck disable=SC2086 # ST_OPTS is a list of options
	"$SYMTRACE" ${ST_OPTS:-} -o "$tmp/out" -- "${HELPER:-$TESTBIN/symhelper}" \
		"$@" >"$tmp/expected" 2>"$tmp/err"
	st=$?
	what="symtrace ${ST_OPTS:+$ST_OPTS }-- $(basename "${HELPER:-symhelper}") $*"
	if [ $st -ne 0 ]; then
		show stderr "$tmp/err"
		fail "$what: exit status $st, expected 0"
	fi
	if [ -s "$tmp/err" ]; then
		show stderr "$tmp/err"
		fail "$what: unexpected output on stderr"
	fi
	[ -s "$tmp/expected" ] || fail "$what: the helper printed nothing"
	sed 's/^\[pid [0-9]*\] //' "$tmp/out" >"$tmp/out.stripped"
	if ! diff -u "$tmp/expected" "$tmp/out.stripped" >"$tmp/diff"; then
		cat "$tmp/diff" >&2
		fail "$what: output differs from the expected lines"
	fi
}

# check_link LINK TARGET: LINK is a symlink whose content is exactly TARGET.
check_link()
{
	[ -L "$1" ] || fail "$1: not a symlink"
	got=$(readlink "$1") || fail "readlink $1 failed"
	[ "$got" = "$2" ] || fail "$1 -> '$got', expected '$2'"
}

# check_no_leftovers: no process started by this test is still there
# (running, stopped or a zombie).  Under timeout(1) the test has a process
# group of its own, so that group is checked (it also catches orphans);
# otherwise only the shell's own children are.  Uses shell builtins only,
# so the check does not see itself.
check_no_leftovers()
{
	_self=$$
	_pg=
	read -r _line </proc/$_self/stat || return 0
	_rest=${_line##*) }
	# shellcheck disable=SC2086
	set -- $_rest
	[ -n "${SYMTRACE_TEST_BOUNDED:-}" ] && _pg=$3
	_left=
	_deadline=0
	while :; do
		_left=
		for _f in /proc/[0-9]*/stat; do
			read -r _line 2>/dev/null <"$_f" || continue
			_pid=${_line%% *}
			[ "$_pid" = "$_self" ] && continue
			[ -n "$_pg" ] && [ "$_pid" = "$_pg" ] && continue
			_rest=${_line##*) }
			# shellcheck disable=SC2086
			set -- $_rest
			if [ -n "$_pg" ]; then
				[ "$3" = "$_pg" ] || continue
			else
				[ "$2" = "$_self" ] || continue
			fi
			_comm=${_line#* (}
			_comm=${_comm%) *}
			_left="$_left $_pid($_comm,state $1)"
		done
		[ -z "$_left" ] && return 0
		# Give exiting processes a moment (the reaper may lag).
		_deadline=$((_deadline + 1))
		[ $_deadline -gt 20 ] && break
		sleep 0.1
	done
	fail "processes left behind:$_left"
}

# proc_state PID: the state letter of PID (empty if it is gone).
proc_state()
{
	_line=
	read -r _line </proc/"$1"/stat 2>/dev/null || { echo; return; }
	_rest=${_line##*) }
	echo "${_rest%% *}"
}

# wait_for_file FILE [TENTHS]: wait until FILE exists and is not empty.
# stopped_sleep: a "sleep 30" in the background, stopped (SIGSTOP) and
# seen in state T; its pid in zpid.
stopped_sleep()
{
	sleep 30 &
	zpid=$!
	kill -STOP $zpid
	_i=0
	until [ "$(proc_state $zpid)" = T ]; do
		_i=$((_i + 1))
		[ $_i -gt 50 ] && { kill -9 $zpid; fail "${what:+$what: }sleep did not stop"; }
		sleep 0.05
	done
}

wait_for_file()
{
	_n=${2:-100}
	while [ ! -s "$1" ]; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && return 1
		sleep 0.1
	done
	return 0
}

# A real python3 (not a pyenv shim, which would run a shell script and
# many processes under the tracer); empty when there is none.
find_python()
{
	PYTHON=
	command -v python3 >/dev/null 2>&1 || return 1
	PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
	[ -n "$PYTHON" ] && [ -x "$PYTHON" ]
}

# For the tables that run each case natively and then traced over a fresh
# copy $C of a fixture, from $T (deny-cache, deny-results):
# side_end MODE STATUS: note the exit status of that side (status_native
# or status_traced) and the tree of $C afterwards ($tmp/tree.MODE).
side_end()
{
	case $1 in
	native) status_native=$2 ;;
	*) status_traced=$2 ;;
	esac
	cd "$T" || fail cd
	(cd "$C" && find . -printf '%p %y %U:%G %m %l\n' | sort) \
		>"$tmp/tree.$1"
}
n=0
bad=
status_native=0
status_traced=0

# mismatch NAME MESSAGE: report a difference; the test fails at the end
# (NAME is added to $bad once).
mismatch()
{
	case " $bad " in
	*" $1 "*) ;;
	*) bad="$bad $1" ;;
	esac
	echo "  MISMATCH $1: $2"
}
