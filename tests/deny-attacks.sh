#!/bin/sh
# deny-attacks.sh - attacks on deny mode that each left a forbidden link
# (tests/attack.c), run as uid 65534 under
#   -r 'allow uid=0' -r 'deny target=/etc/**' -r 'deny link=GUARDED/**':
#   magic     magic links in the link path (/proc/self/fd/77/l, /dev/fd/77/l,
#             /proc/thread-self/fd/77/l, /proc/PID/fd/77/l,
#             /proc/self/cwd/../guarded/l, the caller's own me ->
#             /proc/self/fd/77 then me/l), fd 77 on GUARDED: each refused
#             with EPERM "<refused: magic link>", nothing in GUARDED
#   victim    /proc/self/cwd/ + 40 x ../ + a root-owned link's path, from a
#             cwd 50 deep: the kernel makes the link in the attacker's
#             tree; the root-owned link must survive, exactly as it was
#   privmap, procmem
#             a forked (traced) child flips the link path between
#             BASE/allowed/ and BASE/guarded/ through a private read-only
#             file mapping (pwrite on the file), or through /proc/self/mem
#             opened before the fork
#   pvm       an untraced process of the same uid flips it with
#             process_vm_writev
#   sibcwd    the path goes through the caller's link to /proc/CHILD/cwd
#             while CHILD fchdir()s between a harmless dir and GUARDED
#   swap      an untraced process exchanges a directory and a link to
#             GUARDED (renameat2 RENAME_EXCHANGE) on a path of 2000 "./"
#   deep      working directories (and a dirfd) deeper than PATH_MAX, in
#             GUARDED and elsewhere: each refused with EPERM "<refused:
#             path too long>", nothing created
# Each has a native control (the attack works without symtrace).  Under
# symtrace: nothing in GUARDED, no link to /etc, the program's tally and
# the report agree.  Every check runs; the test fails at the end if any
# did.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

LC_ALL=C
export LC_ALL

ATTACK=$TESTBIN/attack
N=${ATTACK_CALLS:-2000}

[ "$(id -u)" -eq 0 ] || skip "needs root (the attacker runs as uid 65534)"
command -v setpriv >/dev/null 2>&1 || skip "needs setpriv"

nobody()
{
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

chmod 755 "$tmp" || fail "chmod $tmp"
w=$(cd "$tmp" && pwd -P) || fail "cannot enter $tmp"
cd "$w" || fail "cannot enter $w"
nobody test -x "$w" || skip "uid 65534 cannot reach $w (check its parents)"

eperm='= -1 EPERM (Operation not permitted)'
failures=0

# bad MESSAGE: a failed check; the test goes on and fails at the end.
bad()
{
	echo "FAIL: $me: $*" >&2
	failures=$((failures + 1))
}

# traced GUARDED REPORT ARGS...: attack ARGS as uid 65534 under symtrace
# with the rules (report in REPORT); sets $st.
# The target rule; a deny target= rule also refuses a link whose target
# is a magic link (the attacks' own setup links "me" and "sib"): where
# the attack must be staged to test the link path, a rule that never
# matches stands in (target_rule=...).
target_rule='deny target=/etc/**'
traced()
{
	_g=$1 _rep=$2
	shift 2
	"$SYMTRACE" -o "$_rep" -r 'allow uid=0' -r "$target_rule" \
		-r "deny link=$_g/**" -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$ATTACK" "$@"
	st=$?
}

# count PATTERN FILE: number of lines matching (0 when none).
count()
{
	grep -c -- "$1" "$2" 2>/dev/null || true
}

# nentries DIR: number of entries below DIR.
nentries()
{
	find "$1" -mindepth 1 | wc -l
}

# A directory writable by uid 65534 (owned by it) or by everyone (sticky).
mine()
{
	mkdir -p "$@" && chown 65534:65534 "$@" || fail "mkdir $*"
}
open_dir()
{
	mkdir -p "$@" && chmod 1777 "$@" || fail "mkdir $*"
}

# ---- 2: magic links in the link path ------------------------------------
magic_names="magic-procfd magic-devfd magic-threadfd magic-pidfd magic-cwd
magic-ownlink"

d=$w/magic-native
mine "$d/work"
open_dir "$d/guarded"
nobody "$ATTACK" magic "$d/work" "$d/guarded" ../guarded >"$d/out" ||
	fail "magic: the attack failed natively"
for name in $magic_names; do
	grep -qx "$name = 0 in=1" "$d/out" || {
		show out "$d/out"
		fail "magic control: $name did not land in guarded/ natively"
	}
done
echo "magic control: $(nentries "$d/guarded") of 6 links in guarded/"

# With the target rule, the attack cannot even make its link "me" (to
# /proc/self/fd/77: a magic target, refused by every deny target= rule).
d=$w/magic-target
mine "$d/work"
open_dir "$d/guarded"
traced "$d/guarded" "$d/report" magic "$d/work" "$d/guarded" ../guarded \
	>"$d/out"
grep -qx "setup-me = -1 EPERM in=0" "$d/out" ||
	bad "magic: setup-me was not refused: $(grep setup-me "$d/out")"
grep -qF "\"me\") $eperm <denied rule -r 2>" "$d/report" ||
	bad "magic: setup-me report: $(grep -F '"me")' "$d/report")"

target_rule='deny comm=no-such-comm'
d=$w/magic
mine "$d/work"
open_dir "$d/guarded"
traced "$d/guarded" "$d/report" magic "$d/work" "$d/guarded" ../guarded \
	>"$d/out"
[ "$st" -eq 0 ] || bad "magic: symtrace exited $st"
grep -qx "setup-me = 0 in=1" "$d/out" ||
	bad "magic: the caller could not make its link me"
for name in $magic_names; do
	said=$(grep "^$name " "$d/out")
	echo "magic: $said"
	[ "$said" = "$name = -1 EPERM in=0" ] ||
		bad "magic: $name: '$said', expected '$name = -1 EPERM in=0'"
	grep -qF "/$name\") $eperm <refused: magic link>" "$d/report" ||
		bad "magic: $name: report: $(grep -F "/$name\")" "$d/report")"
done
escaped=$(nentries "$d/guarded")
echo "magic: $escaped in guarded/"
[ "$escaped" -eq 0 ] || bad "magic: $escaped links in guarded/"
target_rule='deny target=/etc/**'

# ---- 3: the undo must not delete a root-owned link ------------------------
victim=$w/host/var/lib/app/current
mkdir -p "$w/host/var/lib/app/releases/1" || fail "mkdir host"
make_victim()
{
	rm -f "$victim"
	ln -s releases/1 "$victim" || fail "cannot make $victim"
}
# victim_ok: the root-owned link is there, exactly as made.
victim_ok()
{
	[ -L "$victim" ] && [ "$(readlink "$victim")" = releases/1 ] &&
		[ "$(stat -c %u "$victim")" -eq 0 ]
}
# mirror TREE: where the kernel makes the link (40 of 50 levels up).
mirror()
{
	_m=$1
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		_m=$_m/d
	done
	echo "$_m$victim"
}
mine "$w/victim-native" "$w/victim-tree"
for v in cwd-x cwd-etc fd-x fd-etc devfd-x; do
	# Control: the kernel makes the link in the attacker's tree.
	make_victim
	nobody "$ATTACK" victim "$w/victim-native" "$victim" "$v" \
		>"$w/victim.out" || fail "victim $v: failed natively"
	grep -qx "$v = 0 in=1" "$w/victim.out" || {
		show out "$w/victim.out"
		fail "victim control $v: no link in the attacker's tree"
	}
	victim_ok || fail "victim control $v: the victim changed natively"
	rm -f "$(mirror "$w/victim-native")"

	make_victim
	rm -f "$(mirror "$w/victim-tree")"
	traced "$w/guarded-none" "$w/victim-$v.report" victim \
		"$w/victim-tree" "$victim" "$v" >"$w/victim-$v.out"
	said=$(grep "^$v " "$w/victim-$v.out")
	if victim_ok; then
		state="the victim survived"
	else
		state="the victim is GONE or changed"
		bad "victim $v: $victim is gone or changed" \
			"(report: $(cat "$w/victim-$v.report"))"
	fi
	echo "victim $v: exit $st, '$said', $state"
	[ "$st" -eq 0 ] || bad "victim $v: symtrace exited $st"
	[ "$said" = "$v = -1 EPERM in=0" ] ||
		bad "victim $v: '$said', expected '$v = -1 EPERM in=0'"
	case $v in
	*-x) why='<refused: magic link>' ;;
	*) why='<\(refused: magic link\|denied rule -r 2\)>' ;;
	esac
	grep -q "current\") $eperm $why" "$w/victim-$v.report" ||
		bad "victim $v: report: $(cat "$w/victim-$v.report")"
done

# ---- 4, 5, 6: racing flips -----------------------------------------------
# tally OUT: sets ok and failed from "calls N ok A failed F" (0 on error).
tally()
{
	_t=$(grep '^calls ' "$1")
	# shellcheck disable=SC2086
	set -- $_t
	if [ "$#" -eq 6 ] && [ "$2" -eq "$N" ]; then
		ok=$4 failed=$6
		return 0
	fi
	ok=0 failed=0
	return 1
}

# check_loop NAME D OKDIR SETUP_OK: the checks after a traced loop in D
# (D/out, D/report, D/guarded): nothing in guarded/, the tally adds up,
# the links in OKDIR are the calls that succeeded, the report agrees.
# SETUP_OK: the successful calls before the loop.
check_loop()
{
	_name=$1 _d=$2 _okdir=$3 _setup=$4
	guarded=$(find "$_d/guarded" -mindepth 1 | wc -l)
	etc=$(find "$_d" -type l -lname '/etc/*' | wc -l)
	made=$(find "$_okdir" -type l -name 'l[0-9]*' | wc -l)
	lines=$(count 'symlinkat(.*l[0-9]*") = ' "$_d/report")
	rep_ok=$(count 'symlinkat(.*l[0-9]*") = 0' "$_d/report")
	rep_fail=$(count 'symlinkat(.*l[0-9]*") = -1 ' "$_d/report")
	magic=$(count '<refused: magic link>' "$_d/report")
	if tally "$_d/out"; then
		said="calls $N ok $ok failed $failed"
	else
		said="no tally (killed?)"
	fi
	echo "$_name: exit $st, $said; report: $lines calls, $rep_ok ok," \
		"$rep_fail failed ($magic magic link); guarded $guarded," \
		"made $made"
	[ "$st" -eq 0 ] || bad "$_name: symtrace exited $st"
	[ "$guarded" -eq 0 ] || bad "$_name: $guarded links in guarded/"
	[ "$etc" -eq 0 ] || bad "$_name: $etc links to /etc"
	tally "$_d/out" || bad "$_name: the program did not finish: $(cat "$_d/out")"
	[ $((ok + failed)) -eq "$N" ] || bad "$_name: $ok + $failed != $N"
	[ "$made" -eq "$ok" ] ||
		bad "$_name: $made links made, the program counted $ok"
	[ "$lines" -eq "$N" ] || bad "$_name: $lines calls reported, $N made"
	[ "$rep_ok" -eq "$ok" ] && [ "$rep_fail" -eq "$failed" ] ||
		bad "$_name: reported $rep_ok ok $rep_fail failed," \
			"the program counted $ok and $failed"
	_all_ok=$(count ') = 0' "$_d/report")
	[ "$_all_ok" -eq $((rep_ok + _setup)) ] ||
		bad "$_name: $_all_ok successes reported in all"
}

# control_loop NAME CMD...: run CMD (which sets up $d and runs the attack
# natively) up to 3 times until some link lands in $d/guarded.
control_loop()
{
	_name=$1
	shift
	for _try in 1 2 3; do
		"$@"
		_n=$(find "$d/guarded" -mindepth 1 | wc -l)
		[ "$_n" -gt 0 ] && break
	done
	[ "$_n" -gt 0 ] ||
		fail "$_name control: nothing landed in guarded/ natively"
	echo "$_name control: $_n of $N links in guarded/ without symtrace"
}

# 4a, 4b: a traced sibling rewrites the string.
setup_flip()
{
	mine "$d"
	open_dir "$d/allowed" "$d/guarded"
}
flip_native()
{
	d=$w/$mode-native$_try
	setup_flip
	nobody "$ATTACK" "$mode" "$N" "$d" >"$d/out" ||
		fail "$mode: failed natively"
}
for mode in privmap procmem; do
	control_loop "$mode" flip_native
	d=$w/$mode
	setup_flip
	traced "$d/guarded" "$d/report" "$mode" "$N" "$d" >"$d/out"
	check_loop "$mode" "$d" "$d/allowed" 0
done

# 5: an untraced process of the same uid, process_vm_writev.
run_pvm()
{
	rm -f "$d/info" "$d/stop"
	nobody "$ATTACK" pvm-flipper "$d/info" "$d" "$d/stop" \
		2>"$d/flipper.err" &
	_fp=$!
	"$@"
	touch "$d/stop"
	wait "$_fp" || fail "pvm: the flipper failed: $(cat "$d/flipper.err")"
}
pvm_native()
{
	d=$w/pvm-native$_try
	setup_flip
	run_pvm nobody "$ATTACK" pvm "$N" "$d" "$d/info" >"$d/out" ||
		fail "pvm: failed natively"
}
control_loop pvm pvm_native
d=$w/pvm
setup_flip
run_pvm traced "$d/guarded" "$d/report" pvm "$N" "$d" "$d/info" >"$d/out"
check_loop pvm "$d" "$d/allowed" 0
echo "pvm: the flipper: $(cat "$d/flipper.err")"

# 6a: a link to a traced sibling's cwd, which moves.
setup_sib()
{
	mine "$d" "$d/work"
	open_dir "$d/harmless" "$d/guarded"
}
sib_native()
{
	d=$w/sibcwd-native$_try
	setup_sib
	nobody "$ATTACK" sibcwd "$N" "$d" >"$d/out" ||
		fail "sibcwd: failed natively"
}
control_loop sibcwd sib_native
d=$w/sibcwd
setup_sib
# (The link "sib" to /proc/PID/cwd is a magic target: see target_rule.)
target_rule='deny comm=no-such-comm'
traced "$d/guarded" "$d/report" sibcwd "$N" "$d" >"$d/out"
target_rule='deny target=/etc/**'
grep -qx 'setup-sib = 0 in=1' "$d/out" ||
	bad "sibcwd: the caller could not make its link sib"
check_loop sibcwd "$d" "$d/harmless" 1

# 6b: an untraced process exchanges a directory and a link to guarded/.
setup_swap()
{
	mine "$d" "$d/work" "$d/work/sw"
	open_dir "$d/guarded"
	ln -s "$d/guarded" "$d/work/sw2" && chown -h 65534:65534 "$d/work/sw2" ||
		fail "swap: cannot make sw2"
}
run_swap()
{
	rm -f "$d/stop"
	nobody "$ATTACK" swapper "$d" "$d/stop" 2>"$d/swapper.err" &
	_sp=$!
	"$@"
	touch "$d/stop"
	wait "$_sp" || fail "swap: the swapper failed: $(cat "$d/swapper.err")"
}
swap_native()
{
	d=$w/swap-native$_try
	setup_swap
	run_swap nobody "$ATTACK" swap "$N" "$d" >"$d/out" ||
		fail "swap: failed natively"
}
control_loop swap swap_native
d=$w/swap
setup_swap
run_swap traced "$d/guarded" "$d/report" swap "$N" "$d" >"$d/out"
check_loop swap "$d" "$d/work" 0
echo "swap: the swapper: $(cat "$d/swapper.err")"

# ---- 7: deeper than PATH_MAX ---------------------------------------------
deep_names="deep-a deep-b deep-c deep-d deep-e"
d=$w/deep-native
mine "$d/work"
open_dir "$d/guarded"
nobody "$ATTACK" deep "$d/work" "$d/guarded" >"$d/out" ||
	fail "deep: failed natively"
for name in $deep_names; do
	grep -qx "$name = 0 in=1" "$d/out" || {
		show out "$d/out"
		fail "deep control: $name was not made natively"
	}
done
echo "deep control: 5 of 5 links made without symtrace"

d=$w/deep
mine "$d/work"
open_dir "$d/guarded"
traced "$d/guarded" "$d/report" deep "$d/work" "$d/guarded" >"$d/out"
[ "$st" -eq 0 ] || bad "deep: symtrace exited $st"
for name in $deep_names; do
	said=$(grep "^$name " "$d/out")
	echo "deep: $said"
	[ "$said" = "$name = -1 EPERM in=0" ] ||
		bad "deep: $name: '$said', expected '$name = -1 EPERM in=0'"
	grep -qF "$name\") $eperm <refused: path too long>" "$d/report" ||
		bad "deep: $name: reported" \
			"$(grep -F "$name\")" "$d/report" | sed 's/.*") = /= /')"
done
made=$(find "$d" -name 'deep-*' | wc -l)
echo "deep: $made links made"
[ "$made" -eq 0 ] || bad "deep: $made links made"

check_no_leftovers
[ "$failures" -eq 0 ] || fail "$failures checks failed"
exit 0
