#!/bin/sh
# fault.sh - symtrace facing awkward tracees and environments: a missing
# or non-executable command, a setuid program, a 32-bit program, scripts
# (with and without "#!"), execve from a thread while others are inside
# symlinkat, a tracee that closes stdout/stderr, an output file on a full
# device, SIGSTOP/SIGCONT of the tracee and of symtrace, 10,000 short-lived
# threads, and "symtrace -p" on processes that exit while being attached.
# No case may hang, crash, lose a call or leave a process stopped.
: "${TEST_TIMEOUT:=240}"
export TEST_TIMEOUT
. "$TESTSRC/lib.sh"

skip_unless_ptrace

H=$TESTBIN/symhelper
S=$TESTBIN/stress
enter_w

# st_run LIMIT ARGS...: run symtrace ARGS with a time limit; $st is its
# exit status; a timeout or a crash of symtrace fails the test.
st_run()
{
	_limit=$1
	shift
	timeout -k 5 "$_limit" "$SYMTRACE" "$@"
	st=$?
	case $st in
	124 | 137) fail "symtrace $*: no end within $_limit s" ;;
	134 | 136 | 139) fail "symtrace $*: crashed (status $st)" ;;
	esac
}

# strip FILE: the lines of FILE without their "[pid N] " prefix.
strip()
{
	sed 's/^\[pid [0-9]*\] //' "$1"
}

# ---- missing / non-executable commands ---------------------------------
st_run 20 -o "$tmp/out" -- sh -c 'exec /nonexistent/prog' 2>"$tmp/err"
[ $st -eq 127 ] || fail "sh -c 'exec /nonexistent/prog': status $st, not 127"
grep -q 'nonexistent/prog' "$tmp/err" ||
	fail "sh -c 'exec /nonexistent/prog': no message: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && fail "missing command: output: $(cat "$tmp/out")"

st_run 20 -- /nonexistent/prog 2>"$tmp/err"
[ $st -eq 127 ] || fail "symtrace -- /nonexistent/prog: status $st"
grep -q "/nonexistent/prog" "$tmp/err" ||
	fail "symtrace -- /nonexistent/prog: message: $(cat "$tmp/err")"

printf '#!/bin/sh\nexit 0\n' >"$tmp/noexec"
chmod 644 "$tmp/noexec"
st_run 20 -- "$tmp/noexec" 2>"$tmp/err"
[ $st -eq 126 ] || fail "non-executable command: status $st, not 126"
[ -s "$tmp/err" ] || fail "non-executable command: no message"
echo "missing/non-executable command: ok" >&2

# ---- a setuid program --------------------------------------------------
# As root, setuid programs keep their privileges under symtrace (no
# PR_SET_NO_NEW_PRIVS) and stay traced: a setuid-root copy of the helper,
# run by uid 65534, has euid 0 and its symlink call is reported.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	mkdir "$tmp/suid" "$tmp/suid/d" &&
		cp "$S" "$tmp/suid/stress" &&
		chown 0:0 "$tmp/suid/stress" &&
		chmod 4755 "$tmp/suid/stress" &&
		chmod 755 "$tmp" "$tmp/suid" &&
		chmod 777 "$tmp/suid/d" || fail "cannot set up the setuid copy"
	as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --"
	# Without symtrace first: does setuid work here at all (nosuid)?
	$as_nobody "$tmp/suid/stress" euid-link "$tmp/suid/d/l0" \
		>"$tmp/suid.out" 2>&1
	if grep -qx 'euid=0' "$tmp/suid.out"; then
		# shellcheck disable=SC2086 # a command and its options
		st_run 20 -o "$tmp/out" -- $as_nobody "$tmp/suid/stress" \
			euid-link "$tmp/suid/d/l1" >"$tmp/suid.out" 2>"$tmp/err"
		[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "setuid: $st"; }
		grep -qx 'euid=0' "$tmp/suid.out" ||
			fail "setuid under symtrace: $(cat "$tmp/suid.out")"
		[ "$(stat -c %u "$tmp/suid/d/l1")" = 0 ] ||
			fail "setuid: the link is not owned by root"
		echo "symlink(\"t\", \"$tmp/suid/d/l1\") = 0" >"$tmp/expected"
		strip "$tmp/out" | diff -u "$tmp/expected" - >&2 ||
			fail "setuid: the call of the setuid program"
		echo "setuid: ok (euid 0, call reported)" >&2
	else
		echo "setuid: skipped (setuid does not work here:" \
			"$(cat "$tmp/suid.out"))" >&2
	fi
	chmod 700 "$tmp"
else
	echo "setuid: skipped (not root or no setpriv)" >&2
fi

# ---- a 32-bit program --------------------------------------------------
if [ "$HAVE_M32" = yes ] && [ -x "$TESTBIN/symhelper32" ]; then
	HELPER=$TESTBIN/symhelper32 run_match symlink a32 b32
	HELPER=$TESTBIN/symhelper32 run_match symlinkat a32 cwd c32
	echo "32-bit: ok" >&2
else
	echo "32-bit: skipped (no symhelper32)" >&2
fi

# ---- scripts -----------------------------------------------------------
printf '#!/bin/sh\n"$1" symlink sa sb\nexit 7\n' >"$tmp/script"
chmod 755 "$tmp/script"
st_run 20 -o "$tmp/out" -- "$tmp/script" "$H" >"$tmp/expected" 2>"$tmp/err"
[ $st -eq 7 ] || { show stderr "$tmp/err"; fail "#! script: status $st"; }
strip "$tmp/out" | diff -u "$tmp/expected" - >&2 ||
	fail "#! script: output differs"
check_link sb sa
# No "#!": the kernel says ENOEXEC; like a shell, symtrace runs it with sh.
printf '"$1" symlink na nb\nexit 5\n' >"$tmp/noshebang"
chmod 755 "$tmp/noshebang"
st_run 20 -o "$tmp/out" -- "$tmp/noshebang" "$H" >"$tmp/expected" \
	2>"$tmp/err"
[ $st -eq 5 ] || { show stderr "$tmp/err"; fail "script without #!: $st"; }
strip "$tmp/out" | diff -u "$tmp/expected" - >&2 ||
	fail "script without #!: output differs"
echo "scripts: ok" >&2

# ---- execve from a thread while others are in symlinkat ----------------
# 4 threads loop on symlinkat; a fifth thread execs symhelper, which makes
# one call.  The looping threads die in the exec (their last call may be
# "= ?"); the new program's call is reported with the process's pid.
texec()
{
	mode=$1 rounds=$2
	shift 2
	for r in $(seq "$rounds"); do
		d=$tmp/tx.$mode.$r
		mkdir "$d" || fail "mkdir $d"
		st_run 30 "$@" -o "$tmp/out" -- "$S" texec 4 50 "$d" "$H" \
			symlink ta tb >"$tmp/expected" 2>"$tmp/err"
		what="thread exec ($mode, round $r)"
		[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "$what: $st"; }
		[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "$what"; }
		pid=$(cat "$d/pid")
		want="[pid $pid] $(cat "$tmp/expected")"
		n=$(grep -c 'symlink("ta"' "$tmp/out")
		[ "$n" = 1 ] && grep -qxF "$want" "$tmp/out" || {
			grep 'symlink("ta"' "$tmp/out" >&2
			fail "$what: expected once: $want"
		}
		check_link "$d/tb" ta
		# Every other line: a looping thread's call, finished or not
		# (its memory may be gone by then: raw pointers; in trace mode
		# its directory is read while the call runs, so a call cut
		# short may have its strings but no directory).  Never
		# "<denied>": the rules allow these calls; a call cut short by
		# the exec was not denied by anyone.
		grep -v 'symlink("ta"' "$tmp/out" | grep -v \
			-e "^\[pid [0-9]*\] symlinkat(\"t\", AT_FDCWD<$d>, \"x[0-9]*_[0-9]*\") = \(0\|?\)\$" \
			-e '^\[pid [0-9]*\] symlinkat(0x[0-9a-f]*, AT_FDCWD, 0x[0-9a-f]*) = ?$' \
			-e '^\[pid [0-9]*\] symlinkat("t", AT_FDCWD, "x[0-9]*_[0-9]*") = ?$' \
			>"$tmp/bad"
		[ -s "$tmp/bad" ] && {
			head -5 "$tmp/bad" >&2
			fail "$what: malformed lines"
		}
		lines=$(grep -c . "$tmp/out")
		[ "$lines" -ge 201 ] || fail "$what: only $lines lines"
		unf=$(grep -c '= ?$' "$tmp/out")
		[ "$unf" -le 4 ] || fail "$what: $unf calls left unfinished"
	done
	echo "thread exec ($mode): ok, $rounds rounds" >&2
}
texec trace 5
texec deny 10 -r 'deny target=/nonexistent/**'

# ---- the tracee closes stdout and stderr ---------------------------------
# symtrace's report goes to its own stderr, or to -o, whatever the tracee
# does with its descriptors.
st_run 20 -- sh -c 'exec >&- 2>&- <&-; exec "$0" symlink ca cb' "$H" \
	2>"$tmp/err"
[ $st -eq 0 ] || fail "closed fds: status $st"
[ "$(cat "$tmp/err")" = "symlink(\"ca\", \"cb\"<$w/cb>) = 0" ] ||
	fail "closed fds: stderr: $(cat "$tmp/err")"
st_run 20 -o "$tmp/out" -- sh -c 'exec >&- 2>&- <&-; exec "$0" symlink da db' \
	"$H" 2>"$tmp/err"
[ $st -eq 0 ] || fail "closed fds, -o: status $st"
[ -s "$tmp/err" ] && fail "closed fds, -o: stderr: $(cat "$tmp/err")"
[ "$(cat "$tmp/out")" = "symlink(\"da\", \"db\"<$w/db>) = 0" ] ||
	fail "closed fds, -o: $(cat "$tmp/out")"
echo "closed stdout/stderr: ok" >&2

# ---- -o /dev/full ------------------------------------------------------
# One clear message naming the output; the command runs to its end and
# its status is symtrace's; nothing is left stopped; rules still apply.
if [ -w /dev/full ]; then
	st_run 30 -o /dev/full -- sh -c '"$0" symlink fa fb >/dev/null &&
		"$1" loop 2000 "$2"; exit 3' "$H" "$S" "$w" \
		>/dev/null 2>"$tmp/err"
	[ $st -eq 3 ] || { show stderr "$tmp/err"; fail "/dev/full: $st"; }
	check_link fb fa
	grep -qi 'output\|/dev/full' "$tmp/err" && grep -qi 'space' "$tmp/err" ||
		fail "/dev/full: no clear message: $(cat "$tmp/err")"
	[ "$(grep -c . "$tmp/err")" -le 2 ] || {
		show stderr "$tmp/err"
		fail "/dev/full: a message per call"
	}
	st_run 30 -o /dev/full -r 'deny link=**/fdenied' -- \
		"$H" symlink fa fdenied >"$tmp/stdout" 2>"$tmp/err"
	[ $st -eq 0 ] || fail "/dev/full, deny: status $st"
	grep -q 'EPERM' "$tmp/stdout" ||
		fail "/dev/full, deny: not denied: $(cat "$tmp/stdout")"
	[ -L fdenied ] && fail "/dev/full, deny: the link was made"
	echo "-o /dev/full: ok ($(head -1 "$tmp/err"))" >&2
fi
check_no_leftovers

# ---- SIGSTOP/SIGCONT of the tracee -----------------------------------------
# wait_progress DIR N: wait (10 s at most) until "stress slow" made N calls.
wait_progress()
{
	_n=0
	while :; do
		_p=$(tr -d ' ' <"$1/progress" 2>/dev/null)
		[ -n "$_p" ] && [ "$_p" -ge "$2" ] && return 0
		_n=$((_n + 1))
		[ $_n -gt 200 ] && return 1
		sleep 0.05
	done
}

mkdir "$tmp/ss" || fail mkdir
"$SYMTRACE" -o "$tmp/out" -- "$S" slow 200 3000 "$tmp/ss" 2>"$tmp/err" &
spid=$!
wait_for_file "$tmp/ss/pid" 100 || fail "SIGSTOP tracee: no pid file"
tpid=$(cat "$tmp/ss/pid")
wait_progress "$tmp/ss" 20 || fail "SIGSTOP tracee: no progress"
kill -STOP "$tpid"
sleep 0.3
p1=$(tr -d ' ' <"$tmp/ss/progress")
s1=$(proc_state "$tpid")
sleep 0.7
p2=$(tr -d ' ' <"$tmp/ss/progress")
kill -CONT "$tpid"
case $s1 in T | t) ;; *) fail "SIGSTOP tracee: state '$s1', not stopped" ;; esac
[ "$p1" = "$p2" ] || fail "SIGSTOP tracee: went on while stopped ($p1 -> $p2)"
wait $spid
st=$?
[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "SIGSTOP tracee: status $st"; }
[ "$(grep -c 'symlinkat("t"' "$tmp/out")" = 200 ] ||
	fail "SIGSTOP tracee: $(grep -c . "$tmp/out") lines, not 200"
echo "SIGSTOP/SIGCONT of the tracee: ok (stopped at call $p1, state $s1)" >&2

# ---- SIGSTOP/SIGCONT of symtrace ---------------------------------------
mkdir "$tmp/sy" || fail mkdir
"$SYMTRACE" -o "$tmp/out" -- "$S" slow 300 2000 "$tmp/sy" 2>"$tmp/err" &
spid=$!
wait_for_file "$tmp/sy/pid" 100 || fail "SIGSTOP symtrace: no pid file"
tpid=$(cat "$tmp/sy/pid")
wait_progress "$tmp/sy" 20 || fail "SIGSTOP symtrace: no progress"
kill -STOP $spid
sleep 0.2
p1=$(tr -d ' ' <"$tmp/sy/progress")
sleep 0.8
p2=$(tr -d ' ' <"$tmp/sy/progress")
s1=$(proc_state "$tpid")
kill -CONT $spid
# The tracee waits for symtrace at its next call.
[ "$p1" = "$p2" ] || fail "SIGSTOP symtrace: the tracee went on ($p1 -> $p2)"
[ "$s1" = t ] || fail "SIGSTOP symtrace: tracee state '$s1', not t"
wait $spid
st=$?
[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "SIGSTOP symtrace: $st"; }
[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "SIGSTOP symtrace"; }
[ "$(grep -c 'symlinkat("t"' "$tmp/out")" = 300 ] ||
	fail "SIGSTOP symtrace: $(grep -c . "$tmp/out") lines, not 300"
echo "SIGSTOP/SIGCONT of symtrace: ok (tracee held at call $p1)" >&2
check_no_leftovers

# ---- 10,000 short-lived threads ----------------------------------------
for mode in trace deny; do
	d=$tmp/mt.$mode
	mkdir "$d" || fail mkdir
	t0=$(date +%s)
	if [ $mode = deny ]; then
		st_run 90 -o "$tmp/out" -r 'deny target=/nonexistent/**' \
			-- "$S" many-threads 10000 100 "$d" >"$tmp/stdout" \
			2>"$tmp/err"
	else
		st_run 90 -o "$tmp/out" -- "$S" many-threads 10000 100 "$d" \
			>"$tmp/stdout" 2>"$tmp/err"
	fi
	t1=$(date +%s)
	what="10000 threads ($mode)"
	[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "$what: status $st"; }
	[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "$what: stderr"; }
	[ "$(cat "$tmp/stdout")" = 10000 ] ||
		fail "$what: $(cat "$tmp/stdout") threads ran"
	n=$(grep -c 'symlinkat("t"' "$tmp/out")
	[ "$n" = 100 ] || fail "$what: $n calls reported, not 100"
	[ $((t1 - t0)) -lt 60 ] || fail "$what: $((t1 - t0)) s"
	echo "$what: ok, $((t1 - t0)) s" >&2
done

# ---- symtrace -p on processes that exit while being attached -------------
# The process exits 0-5 ms after it starts; symtrace attaches at once.
# Either it attached (0) or it says it could not (125, with a message);
# never a hang, a crash, or a process left stopped.
n0=0 n125=0
for i in $(seq 50); do
	"$S" exit-soon 5000 $((i % 2 * 4)) &
	p=$!
	st_run 15 -q -o "$tmp/out" -p $p 2>"$tmp/err"
	case $st in
	0) n0=$((n0 + 1)) ;;
	125)
		n125=$((n125 + 1))
		grep -q "$p" "$tmp/err" || {
			show stderr "$tmp/err"
			fail "attach race $i: status 125 without a clear message"
		}
		;;
	*) show stderr "$tmp/err"; fail "attach race $i: status $st" ;;
	esac
	n=0
	while [ -d /proc/$p ]; do
		s=$(proc_state $p)
		case $s in
		T | t)
			n=$((n + 1))
			if [ $n -gt 20 ]; then
				kill -9 $p
				fail "attach race $i: process left stopped"
			fi
			;;
		Z) break ;;
		esac
		sleep 0.05
	done
	wait $p
done
echo "attach race: ok, 50 rounds: $n0 attached, $n125 refused (125)" >&2

cd "$tmp" || fail cd
check_no_leftovers
exit 0
