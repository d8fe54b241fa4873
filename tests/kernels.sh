#!/bin/sh
# kernels.sh - symtrace on older kernels, simulated by tests/kernsim (a
# seccomp filter that answers as LEVEL would; issue 18).  At each level:
# the --features table (which features are seen), then trace mode (a
# symlink, int $0x80 from 64-bit code, a path ending at a page edge, a
# fork, --no-seccomp), deny mode (a denied call, a delegated one, a
# chrooted caller as root), each with its exact report, exit status and
# the exact notices on stderr.  3.4 (no seccomp filter, no EXITKILL)
# refuses deny mode without --fail=open; 3.3 and older (no PTRACE_SEIZE:
# the PTRACE_ATTACH/TRACEME back end) do the same as 3.4, and -p there
# reports a call, detaches on SIGINT (the process lives on, untraced) and
# refuses a stopped process.  3.7 (no EXITKILL): symtrace killed, the
# processes go on and their symlink calls fail with ENOSYS; without the
# filter (--no-seccomp, -p) deny mode is refused, or run with --fail=open.
# 3.4: -p traces (PTRACE_O_TRACESECCOMP is not asked for).
# process_vm_readv masked alone: PTRACE_PEEKDATA reads the same strings.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

LC_ALL=C
export LC_ALL

ks=$TESTBIN/kernsim
sh_=$TESTBIN/symhelper
sd=$TESTBIN/sidedoor
enter_w

"$ks" 6.10 -- true 2>"$tmp/err" ||
	skip "kernsim cannot install its filter here: $(cat "$tmp/err")"

# Built with the sanitizers (make check under ASan+UBSan), symtrace cannot
# run at the levels before 2.6.36: the ASan runtime's getrlimit() is
# prlimit64, which they answer ENOSYS, and it aborts ("AddressSanitizer
# getrlimit() failed 38") - a limit of the sanitizer, not of symtrace,
# whose plain build runs there.  Those levels are left out then, said once.
too_old_for_asan()
{
	[ -n "${SYMTRACE_SANITIZED:-}" ] || return 1
	case $1 in 2.6.32 | 2.6.26) ;; *) return 1 ;; esac
	[ -n "${_said_asan:-}" ] ||
		echo "note: levels 2.6.32 and 2.6.26 left out: a sanitized symtrace needs prlimit64 (2.6.36)" >&2
	_said_asan=1
}

L='symtrace: kernel lacks'
n_openat2="$L openat2 (Linux 5.6): a step-by-step walk instead (slower walks of the link paths; chrooted callers too)"
n_info="$L PTRACE_GET_SYSCALL_INFO (Linux 5.3): the registers and the instruction before the IP instead (one more ptrace call per stop)"
n_filter="$L SECCOMP_MODE_FILTER (Linux 3.5): every-stop mode instead (every system call stops, as with --no-seccomp: slower)"
n_exitkill="$L PTRACE_O_EXITKILL (Linux 3.8): the seccomp filter instead (if symtrace dies, the processes go on and their guarded calls fail with ENOSYS)"
n_failopen="$L PTRACE_O_EXITKILL (Linux 3.8): nothing instead (deny mode is NOT fail-closed: if symtrace dies, the processes go on unguarded)"
n_peek="$L process_vm_readv (Linux 3.2): PTRACE_PEEKDATA, word by word up to the NUL instead (slower reads of the paths)"
r_exitkill="$L PTRACE_O_EXITKILL (Linux 3.8) and SECCOMP_MODE_FILTER (Linux 3.5): deny mode would not be fail-closed (if symtrace died, the processes would go on unguarded); --fail=open runs it so"
n_seize="$L PTRACE_SEIZE (Linux 3.4): PTRACE_ATTACH/TRACEME instead (job control of traced processes is approximate: a process stopped by a signal goes on at once unless symtrace stops with it; -p refuses stopped processes)"
eperm='-1 EPERM (Operation not permitted)'

# notices LEVEL MODE: the lines symtrace must say at start (MODE: trace,
# deny, noseccomp, failopen) into $tmp/notices.
notices()
{
	case $1 in
	6.10) set -- ;;
	5.5) set -- "$n_openat2" ;;
	5.2 | 4.4 | 3.10) set -- "$n_info" "$n_openat2" ;;
	3.7) if [ "$2" = deny ]; then
		set -- "$n_info" "$n_openat2" "$n_exitkill"
	     else
		set -- "$n_info" "$n_openat2"
	     fi ;;
	3.4 | 3.3 | 2.6.32 | 2.6.26)
	     _s=$n_seize _p=
	     [ "$1" = 3.4 ] && _s=
	     case $1 in 2.6.*) _p=$n_peek ;; esac
	     case $2 in
	     trace) set -- "$_s" "$n_filter" "$n_info" "$_p" "$n_openat2" ;;
	     noseccomp | attach) set -- "$_s" "$n_info" "$_p" "$n_openat2" ;;
	     deny) set -- "$r_exitkill" ;;
	     failopen) set -- "$_s" "$n_filter" "$n_info" "$_p" \
			"$n_openat2" "$n_failopen" ;;
	     esac ;;
	peek) set -- "$n_peek" ;;
	esac
	for _n; do [ -n "$_n" ] && printf '%s\n' "$_n"; done >"$tmp/notices"
}

# k LEVEL WHAT [--mask=...] SYMTRACE-ARGS...: symtrace under kernsim,
# report in $tmp/report (pids stripped), stdout, stderr, status $st.
k()
{
	level=$1 what="$1: $2"
	shift 2
	mask=
	case $1 in --mask=*) mask=$1; shift ;; esac
	rm -f "$tmp/out"
	# shellcheck disable=SC2086 # $mask: empty or one word
	"$ks" $mask "$level" -- "$SYMTRACE" -o "$tmp/out" "$@" \
		>"$tmp/stdout" 2>"$tmp/stderr"
	st=$?
	sed 's/^\[pid [0-9]*\] //' "$tmp/out" >"$tmp/report" 2>/dev/null ||
		: >"$tmp/report"
}

# expect STATUS STDERR-EXTRA: status, and stderr = the notices + EXTRA.
expect()
{
	[ "$st" -eq "$1" ] || {
		show stderr "$tmp/stderr"
		show report "$tmp/report"
		fail "$what: exit status $st, expected $1"
	}
	cp "$tmp/notices" "$tmp/want.err"
	[ -n "$2" ] && printf '%s\n' "$2" >>"$tmp/want.err"
	diff -u "$tmp/want.err" "$tmp/stderr" >&2 ||
		fail "$what: stderr differs"
}

# report_is LINE...: the report, exactly.
report_is()
{
	if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi >"$tmp/want"
	diff -u "$tmp/want" "$tmp/report" >&2 || fail "$what: wrong report"
}

# helper_match LEVEL MODE WHAT SYMHELPER-ARGS: the helper's expected
# lines are the report, symtrace exits 0.
helper_match()
{
	_l=$1 _m=$2 _w=$3
	shift 3
	notices "$_l" "$_m"
	_opt=
	[ "$_m" = noseccomp ] && _opt=--no-seccomp
	_mask=
	[ "$_l" = peek ] && { _l=6.10; _mask=--mask=process_vm_readv; }
	# shellcheck disable=SC2086 # $_mask, $_opt: empty or one word
	k "$_l" "$_w" $_mask $_opt -- "$sh_" "$@"
	[ "$_l" = 6.10 ] && [ -n "$_mask" ] && what="peek: $_w"
	expect 0 ""
	diff -u "$tmp/stdout" "$tmp/report" >&2 || fail "$what: wrong report"
}

# ---- the table: yes/no of each feature, in the order of --features ----
# pipe2 vm_readv SEIZE FILTER TRACESECCOMP EXITKILL mnt_id order INFO
# openat2 PROCMAP_QUERY
# (The order is this machine's kernel's, 4.8+: the simulator masks
# features, not the order; without a filter there is none to find: ?.)
for lv in "6.10 yyyyyyyyyyn" "5.5 yyyyyyyyynn" "5.2 yyyyyyyynnn" \
	"4.4 yyyyyyyynnn" "3.10 yyyyyyyynnn" "3.7 yyyyynyynnn" \
	"3.4 yyynnny?nnn" "3.3 yynnnny?nnn" "2.6.32 ynnnnny?nnn" \
	"2.6.26 nnnnnny?nnn"; do
	set -- $lv
	too_old_for_asan $1 && continue
	"$ks" "$1" -- "$SYMTRACE" --features >"$tmp/features" 2>&1 ||
		fail "$1: --features failed: $(cat "$tmp/features")"
	got=$(sed 1d "$tmp/features" | cut -c47-50 |
		sed 's/yes/y/; s/no/n/; s/?/?/' | tr -d ' \n')
	[ "$got" = "$2" ] || {
		show features "$tmp/features"
		fail "$1: --features says $got, expected $2"
	}
done

# ---- the levels that trace ----
for l in 6.10 5.5 5.2 4.4 3.10 3.7 3.4 3.3 2.6.32 2.6.26; do
	too_old_for_asan $l && continue
	nofilter=no
	case $l in 3.4 | 3.3 | 2.6.*) nofilter=yes ;; esac
	rm -f x y z d ok
	helper_match $l trace "symlink" symlink /etc/passwd x
	check_link x /etc/passwd
	helper_match $l trace "symlinkat" symlinkat t cwd y
	if [ "$HAVE_M32" = yes ]; then
		helper_match $l trace "int \$0x80 from 64-bit code" int80 t z
	fi
	helper_match $l trace "a path ending at a page edge" edge x
	helper_match $l trace "fork" fork t f
	helper_match $l noseccomp "--no-seccomp" symlink t n

	# Deny mode: denied, and delegated.
	notices $l deny
	k $l "--deny" --deny -- ln -s a d
	if [ $nofilter = yes ]; then
		expect 125 ""
		report_is
	else
		expect 1 "ln: failed to create symbolic link 'd': Operation not permitted"
		report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"d\") = $eperm <denied rule --deny>"
	fi
	[ -L d ] && fail "$what: d was made"
	rm -f ok
	k $l "delegated" -r 'allow link=**/ok' --deny -- ln -s a ok
	if [ $nofilter = yes ]; then
		expect 125 ""
		[ -L ok ] && fail "$what: ok was made"
		notices $l failopen
		k $l "--fail=open --deny" --fail=open --deny -- ln -s a d
		expect 1 "ln: failed to create symbolic link 'd': Operation not permitted"
		report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"d\") = $eperm <denied rule --deny>"
		[ -L d ] && fail "$what: d was made"
		k $l "--fail=open" --fail=open -r 'allow link=**/ok' --deny -- \
			ln -s a ok
	fi
	expect 0 ""
	report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"ok\") = 0"
	check_link ok a
	rm -f ok
done

# ---- chrooted callers without openat2: the step walk ----
if [ "$(id -u)" -eq 0 ] && "$sd" chroot / / symlink x "$w/probe" \
	>/dev/null 2>&1; then
	rm -f "$w/probe"
	r=$w/root
	mkdir -p "$r/guard" "$r/ok/sub" || fail "cannot create $r"
	ln -s /guard "$r/ok/abs" || fail "cannot create $r/ok/abs"
	for l in 6.10 5.5 3.10; do
		notices $l deny
		k $l "chroot: through an absolute symlink" \
			-r "deny link=$r/guard/**" -- "$sd" chroot "$r" "$r/ok" \
			symlink x abs/e
		expect 0 ""
		report_is "symlink(\"x\", \"abs/e\"<$r/guard/e>) = $eperm <denied rule -r 1>"
		k $l "chroot: .. above the root" -r "deny link=$r/guard/**" \
			-- "$sd" chroot "$r" "$r/ok" symlink x ../../../ok/sub/a
		expect 1 ""
		report_is "symlink(\"x\", \"../../../ok/sub/a\"<$r/ok/sub/a>) = 0"
		check_link "$r/ok/sub/a" x
		rm -f "$r/ok/sub/a"
	done
	[ -z "$(ls -A "$r/guard")" ] || fail "chroot: $r/guard is not empty"
fi

# ---- PTRACE_PEEKDATA (process_vm_readv masked) ----
helper_match peek trace "symlink" symlink /etc/passwd p
helper_match peek trace "a path ending at a page edge" edge p2

# ---- 3.7: no EXITKILL, symtrace killed: the filter fails the calls ----
notices 3.7 deny
rm -f late
"$ks" 3.7 -- "$SYMTRACE" -o "$tmp/out" --deny -- sh -c \
	'while [ ! -e go ]; do sleep 0.05; done; ln -s a late; echo "ln: $?" >done' \
	>"$tmp/stdout" 2>"$tmp/stderr" &
kpid=$!
i=0
while [ "$(grep -c "$L" "$tmp/stderr" 2>/dev/null)" != 3 ] && [ $i -lt 100 ]
do
	sleep 0.05
	i=$((i + 1))
done
# kernsim exec'd symtrace: $kpid is symtrace.
kill -9 "$kpid"
wait "$kpid" 2>/dev/null
: >go
wait_for_file done 100 || fail "3.7: the command did not go on after symtrace died"
[ "$(cat done)" = "ln: 1" ] || fail "3.7: ln after symtrace died: $(cat done)"
[ -L late ] && fail "3.7: the link was made after symtrace died"
grep -q "^ln: failed to create symbolic link 'late': Function not implemented\$" \
	"$tmp/stderr" || { show stderr "$tmp/stderr"; fail "3.7: no ENOSYS"; }

# ---- 3.7 (no EXITKILL) without the filter: refused, or --fail=open ----
r_ns="$L PTRACE_O_EXITKILL (Linux 3.8) and --no-seccomp installs no seccomp filter: deny mode would not be fail-closed (if symtrace died, the processes would go on unguarded); --fail=open runs it so"
printf '%s\n' "$r_ns" >"$tmp/notices"
k 3.7 "--no-seccomp --deny" --no-seccomp --deny -- ln -s a d
expect 125 ""
printf '%s\n' "$n_info" "$n_openat2" "$n_failopen" >"$tmp/notices"
k 3.7 "--fail=open --no-seccomp --deny" --fail=open --no-seccomp --deny -- \
	ln -s a d
expect 1 "ln: failed to create symbolic link 'd': Operation not permitted"
report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"d\") = $eperm <denied rule --deny>"
[ -L d ] && fail "$what: d was made"

# ---- attach mode: 3.4 traces (no PTRACE_O_TRACESECCOMP asked for), 3.7
# refuses deny mode (-p installs no filter) ----
rm -f go att
sh -c 'while [ ! -e go ]; do sleep 0.05; done; ln -s a att' &
hpid=$!
r_p="$L PTRACE_O_EXITKILL (Linux 3.8) and -p installs no seccomp filter: deny mode would not be fail-closed (if symtrace died, the processes would go on unguarded); --fail=open runs it so"
printf '%s\n' "$r_p" >"$tmp/notices"
k 3.7 "-p --deny" -q --deny -p "$hpid"
expect 125 ""
printf '%s\n' "$n_info" "$n_openat2" >"$tmp/notices"
what="3.4: -p"
"$ks" 3.4 -- "$SYMTRACE" -q -o "$tmp/out" -p "$hpid" 2>"$tmp/stderr" &
spid=$!
i=0
until [ "$(sed -n 's/^TracerPid:[[:space:]]*//p' /proc/$hpid/status)" = "$spid" ]
do
	i=$((i + 1))
	[ $i -gt 100 ] && { kill $hpid $spid; fail "$what: not attached"; }
	sleep 0.05
done
: >go
wait "$spid"
st=$?
wait "$hpid"
sed 's/^\[pid [0-9]*\] //' "$tmp/out" >"$tmp/report"
expect 0 ""
report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"att\") = 0"
check_link att a

# ---- before 3.4 (PTRACE_ATTACH): -p reports a call and detaches on
# SIGINT, the process lives on untraced; a stopped process is refused ----
for l in 3.3 2.6.32 2.6.26; do
	too_old_for_asan $l && continue
	what="$l: -p"
	rm -f go att end alive
	sh -c 'while [ ! -e go ]; do sleep 0.05; done; ln -s a att
		while [ ! -e end ]; do sleep 0.05; done; echo alive >alive' &
	hpid=$!
	notices $l attach
	rm -f "$tmp/out"
	"$ks" $l -- "$SYMTRACE" -q -o "$tmp/out" -p "$hpid" 2>"$tmp/stderr" &
	spid=$!
	i=0
	until [ "$(sed -n 's/^TracerPid:[[:space:]]*//p' /proc/$hpid/status)" = "$spid" ]
	do
		i=$((i + 1))
		[ $i -gt 100 ] && { kill $hpid $spid; fail "$what: not attached"; }
		sleep 0.05
	done
	: >go
	i=0
	until grep -q '"att") = 0$' "$tmp/out" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && { kill $hpid $spid; fail "$what: no report"; }
		sleep 0.05
	done
	kill -INT $spid
	wait $spid
	st=$?
	sed 's/^\[pid [0-9]*\] //' "$tmp/out" >"$tmp/report"
	expect 0 ""
	report_is "symlinkat(\"a\", AT_FDCWD<$w>, \"att\") = 0"
	check_link att a
	tr=$(sed -n 's/^TracerPid:[[:space:]]*//p' /proc/$hpid/status)
	s=$(proc_state $hpid)
	[ "$tr" = 0 ] || { kill $hpid; fail "$what: still traced by $tr"; }
	case $s in S | R) ;; *) kill $hpid; fail "$what: state $s after the detach" ;; esac
	: >end
	wait $hpid
	[ "$(cat alive 2>/dev/null)" = alive ] ||
		fail "$what: the process did not go on after the detach"
done

what="3.3: -p of a stopped process"
stopped_sleep
notices 3.3 attach
"$ks" 3.3 -- "$SYMTRACE" -q -p $zpid 2>"$tmp/stderr"
st=$?
s=$(proc_state $zpid)
kill -9 $zpid
wait $zpid 2>/dev/null
expect 125 "symtrace: cannot attach to $zpid: it is stopped (job control), and without PTRACE_SEIZE (Linux 3.4) attaching would make it run; continue it (kill -CONT) and attach again
symtrace: no process could be attached"
[ "$s" = T ] || fail "$what: the process is in state $s"
exit 0
