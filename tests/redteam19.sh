#!/bin/sh
# redteam19.sh - a red-team pass on issue 19 (the prefilter injected into
# attached processes): the swapped program.
#
# symtrace writes the struct sock_fprog and the filter below the stack
# pointer of the thread it injects into and makes that thread call
# seccomp(SET_MODE_FILTER, TSYNC); the kernel copies the program during
# the call.  The other threads keep running: uid 2001's helper (redteam19
# swap) has one thread that makes no system call and scans the injected
# thread's stack for the struct, rewriting it to point to a one-
# instruction ALLOW program.  When it wins, seccomp() returns 0 with the
# wrong program in force; symtrace took the group as filtered (PTRACE_CONT
# between family calls) and the helper's symlinkat("/etc/passwd", ...)
# ran unjudged (measured: made in about 1 of 3 attaches).  symtrace must
# read the installed program back, see it is not its own and keep the
# process traced at every call (with a warning): the call denied, EPERM.
#
# Controls: natively uid 2001 makes the link; under symtrace without the
# swap it is denied (and the prefilter installed).  The attack is repeated
# until the helper has swapped the struct at least twice (at most 30
# attaches; fewer swaps than that: skipped, the race not run).
. "$TESTSRC/attach-lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root (uid 2001)"
command -v setpriv >/dev/null 2>&1 || skip "needs setpriv"
as2001="setpriv --reuid=2001 --regid=2001 --clear-groups"
chmod 0711 "$tmp" || fail chmod
chmod 0755 "$w" || fail chmod
mkdir "$w/d" && chown 2001:2001 "$w/d" || fail "cannot make $w/d"
DENY='deny target=/etc/**'

# one MODE: the helper as uid 2001, symtrace attached unless MODE is
# native; its result line in $res.
one()
{
	rm -f "$w/d/evil" "$tmp/out" "$tmp/err"
	: >"$tmp/log"
	$as2001 "$TESTBIN/redteam19" "$1" "$w/d" >"$tmp/log" 2>&1 &
	hpid=$!
	wait_grep '^ready$' "$tmp/log" || { show log "$tmp/log"; fail \
		"$1: helper not ready"; }
	# (Not attach(): the helper may be done before its TracerPid is
	# seen.)
	if [ "$1" != native ]; then
		"$SYMTRACE" -r "$DENY" -p "$hpid" -o "$tmp/out" 2>"$tmp/err" &
		spid=$!
	fi
	wait_grep '^(swapped|captured)=' "$tmp/log" 150 || { show log "$tmp/log"; \
		show stderr "$tmp/err"; fail "$1: no result"; }
	res=$(sed -n 's/^swapped=/swapped=/p' "$tmp/log")
	wait "$hpid" || fail "$1: helper exit $?"
	hpid=
	if [ "$1" != native ]; then
		exits_alone
	fi
}

# ---- native control ---------------------------------------------------------
one native
[ "$res" = "swapped=0 symlinkat=0" ] || fail "native: $res"
[ -L "$w/d/evil" ] || fail "native: no link"

# ---- control: symtrace, no swap ---------------------------------------------
one noswap
[ "$res" = "swapped=0 symlinkat=Operation not permitted" ] ||
	{ show stderr "$tmp/err"; fail "noswap: $res"; }
[ ! -e "$w/d/evil" ] && [ ! -L "$w/d/evil" ] || fail "noswap: link made"
[ "$(grep -c 'symlinkat(.*= -1 EPERM .*<denied rule -r 1>$' "$tmp/out")" -eq 1 ] ||
	{ show output "$tmp/out"; fail "noswap: not denied once"; }

# ---- the attack -------------------------------------------------------------
n=0 swaps=0 made=0
while [ $n -lt 30 ] && [ $swaps -lt 2 ]; do
	n=$((n + 1))
	one swap
	case $res in
	"swapped=1 symlinkat=Operation not permitted")
		# A swap counts only where the kernel took the swapped program
		# (symtrace's warning); one made after the kernel had copied
		# symtrace's (seen on a loaded machine: denied, no warning) is
		# a race lost by the attacker, and the call was denied anyway.
		grep -qx "symtrace: cannot install the prefilter in process [0-9]*: the program the kernel installed is not symtrace's (its memory was changed during the call); every system call of it stops (slower) (its no_new_privs stays set)" \
			"$tmp/err" && swaps=$((swaps + 1))
		;;
	"swapped=0 symlinkat=Operation not permitted") ;;
	*)
		[ "${res#swapped=1}" != "$res" ] && swaps=$((swaps + 1))
		made=$((made + 1))
		echo "attach $n: $res" >&2
		;;
	esac
	if [ -e "$w/d/evil" ] || [ -L "$w/d/evil" ]; then
		echo "attach $n: the link was made" >&2
		made=$((made + 1))
	fi
	[ "$(grep -c 'symlinkat(.*= -1 EPERM .*<denied rule -r 1>$' "$tmp/out")" -eq 1 ] ||
		{ echo "attach $n: not reported denied once" >&2; made=$((made + 1)); }
done
echo "attaches: $n, swaps: $swaps, failures: $made"
[ $made -eq 0 ] || fail "the swapped prefilter let symlinkat through"

# ---- partial: our program in one thread only --------------------------------
# (Copied from the stack during an injection: "capture", retried.)
n=0
while [ $n -lt 30 ] && [ ! -s "$w/d/prog" ]; do
	n=$((n + 1))
	one capture
done
[ -s "$w/d/prog" ] || skip "the program was not captured in $n attaches"
one partial
[ "$res" = "swapped=0 symlinkat=Operation not permitted" ] ||
	{ show stderr "$tmp/err"; fail "partial: $res"; }
[ ! -e "$w/d/evil" ] && [ ! -L "$w/d/evil" ] || fail "partial: link made"
[ "$(grep -c 'symlinkat(.*= -1 EPERM .*<denied rule -r 1>$' "$tmp/out")" -eq 1 ] ||
	{ show output "$tmp/out"; fail "partial: not denied once"; }
[ $swaps -ge 2 ] || skip "the race was won only $swaps times in $n attaches"
exit 0
