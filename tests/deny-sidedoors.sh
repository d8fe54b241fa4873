#!/bin/sh
# deny-sidedoors.sh - the ways around the tracer are closed whenever a rule
# can deny: clone(CLONE_UNTRACED), clone3 (ENOSYS, libc falls back),
# io_uring_setup (ENOSYS), a seccomp user-notification listener (EPERM),
# and, with link= rules, moving or hard-linking a symlink into a place the
# rules forbid (rename, renameat, renameat2 incl. RENAME_EXCHANGE, link,
# linkat).  Both with the seccomp prefilter and with --no-seccomp.  Control
# runs without symtrace show that each attempt would succeed.
. "$TESTSRC/deny-lib.sh"

sd=$TESTBIN/sidedoor

# ---- controls: without symtrace every side door is open ----
what="control clone-untraced"
"$sd" clone-untraced "$w/c1" >"$tmp/stdout" 2>&1
[ $? -eq 1 ] && [ "$(cat "$tmp/stdout")" = "clone-untraced: allowed" ] || {
	show output "$tmp/stdout"
	fail "$what: the attempt did not get through"
}
check_link "$w/c1" /etc/passwd
what="control listener"
"$sd" listener >"$tmp/stdout" 2>&1
[ $? -eq 1 ] && [ "$(cat "$tmp/stdout")" = "listener: allowed" ] || {
	show output "$tmp/stdout"
	fail "$what: the attempt did not get through"
}
# The listener attack in full, with bit 32 set in seccomp's op: the
# symlinkat it answers itself makes the link.
what="control listener-hi"
"$sd" listener-hi "$w/c2" >"$tmp/stdout" 2>&1
[ $? -eq 1 ] && [ "$(cat "$tmp/stdout")" = "listener-hi: allowed" ] || {
	show output "$tmp/stdout"
	fail "$what: the attempt did not get through"
}
check_link "$w/c2" /etc/passwd
rm -f "$w/c2"
# clone3 and io_uring may be missing or disabled here: then only their
# control is skipped.
"$sd" clone3-untraced "$w/c3" >"$tmp/stdout" 2>&1
if [ "$(cat "$tmp/stdout")" = "clone3-untraced: allowed" ]; then
	check_link "$w/c3" /etc/passwd
else
	echo "$me: control clone3 skipped: $(cat "$tmp/stdout")" >&2
fi
"$sd" io-uring >"$tmp/stdout" 2>&1
[ "$(cat "$tmp/stdout")" = "io-uring: allowed" ] ||
	echo "$me: control io_uring skipped: $(cat "$tmp/stdout")" >&2
rm -f "$w/c1" "$w/c3"

# ---- the side doors under symtrace ----
for mode in "" --no-seccomp; do
	m=${mode:-seccomp}
	# A catch-all deny, and a rule that can deny but never matches: the
	# doors are closed either way.
	for rule in --deny "kill target=/nowhere/**"; do
		if [ "$rule" = --deny ]; then
			set -- --deny
		else
			set -- -r "$rule"
		fi
		[ -n "$mode" ] && set -- "$mode" "$@"
		st "$m $rule clone-untraced" "$@" -- "$sd" clone-untraced "$w/L"
		want "clone() = $eperm <denied>"
		check 0 "" "clone-untraced: EPERM"
		absent "$w/L"

		# clone3 is refused silently with ENOSYS (so that libc falls
		# back to clone, which is then checked).
		st "$m $rule clone3-untraced" "$@" -- "$sd" clone3-untraced "$w/L"
		want
		check 0 "" "clone3-untraced: ENOSYS"
		absent "$w/L"

		st "$m $rule io-uring" "$@" -- "$sd" io-uring
		want "io_uring_setup() = $enosys <denied>"
		check 0 "" "io-uring: ENOSYS"

		st "$m $rule listener" "$@" -- "$sd" listener
		want "seccomp() = $eperm <denied>"
		check 0 "" "listener: EPERM"

		# The kernel reads op as 32 bits: bit 32 must not hide it.
		st "$m $rule listener-hi" "$@" -- "$sd" listener-hi "$w/L"
		want "seccomp() = $eperm <denied>"
		check 0 "" "listener-hi: EPERM"
		absent "$w/L"
	done
done

# ---- a syscall number with bits above 31 (the kernel takes an int) ----
# Seen as symlinkat with PTRACE_GET_SYSCALL_INFO; the register fallback
# (--no-syscall-info, kernels before 5.3) read all 64 bits and let it
# run unjudged.
what="control symlinkat-hi"
"$sd" symlinkat-hi /etc/passwd "$w/hi" >"$tmp/stdout" 2>&1
[ $? -eq 1 ] && [ "$(cat "$tmp/stdout")" = "symlinkat-hi: allowed" ] || {
	show output "$tmp/stdout"
	fail "$what: the attempt did not get through"
}
check_link "$w/hi" /etc/passwd
rm -f "$w/hi"
for mode in "" --no-seccomp --no-syscall-info "--no-seccomp --no-syscall-info"
do
	# shellcheck disable=SC2086 # $mode: words
	st "${mode:-seccomp} symlinkat-hi" $mode -r 'deny target=/etc/**' -- \
		"$sd" symlinkat-hi /etc/passwd "$w/hi"
	want "symlinkat(\"/etc/passwd\", AT_FDCWD<$w>, \"$w/hi\") = $eperm <denied rule -r 1>"
	check 0 "" "symlinkat-hi: EPERM"
	absent "$w/hi"
done

# ---- moving or linking a symlink into a guarded place ----
mkdir ok guarded || fail "cannot create ok, guarded"
rule="deny link=$w/guarded/**"
find_python || PYTHON=

# Control: without symtrace these all work.
ln -s /etc/passwd ok/c1 && mv ok/c1 guarded/c1 ||
	fail "control: mv of a symlink failed"
check_link guarded/c1 /etc/passwd
ln -s /etc/passwd ok/c2 && ln ok/c2 guarded/c2 ||
	fail "control: ln of a symlink failed"
check_link guarded/c2 /etc/passwd
rm -f guarded/c1 guarded/c2 ok/c2

for mode in "" --no-seccomp; do
	m=${mode:-seccomp}
	rm -rf ok guarded && mkdir ok guarded || fail "cannot reset ok, guarded"
	for l in l1 l2 l3 l4 l5 l6 l7; do
		ln -s /etc/passwd "ok/$l" || fail "cannot make ok/$l"
	done
	printf 'regular\n' >ok/f && printf 'guarded\n' >guarded/reg ||
		fail "cannot make ok/f, guarded/reg"

	# shellcheck disable=SC2086 # $mode is empty or one word
	st "$m mv" $mode -r "$rule" -- mv ok/l1 guarded/l1
	want "renameat2(\"ok/l1\", \"guarded/l1\", RENAME_NOREPLACE) = $eperm <denied rule -r 1>"
	check 1 "mv: cannot move 'ok/l1' to 'guarded/l1': Operation not permitted" ""
	check_link ok/l1 /etc/passwd
	absent guarded/l1

	# shellcheck disable=SC2086
	st "$m ln" $mode -r "$rule" -- ln ok/l2 guarded/l2
	want "linkat(\"ok/l2\", \"guarded/l2\") = $eperm <denied rule -r 1>"
	check 1 "ln: failed to create hard link 'guarded/l2' => 'ok/l2': Operation not permitted" ""
	absent guarded/l2

	# A regular file moves freely, and is not reported.
	# shellcheck disable=SC2086
	st "$m mv regular" $mode -r "$rule" -- mv ok/f guarded/f
	want
	check 0 "" ""
	[ -f guarded/f ] && [ ! -L guarded/f ] && [ ! -e ok/f ] ||
		fail "$what: ok/f was not moved to guarded/f"

	# A symlink moves freely elsewhere.
	# shellcheck disable=SC2086
	st "$m mv elsewhere" $mode -r "$rule" -- mv ok/l1 ok/m1
	want "renameat2(\"ok/l1\", \"ok/m1\", RENAME_NOREPLACE) = 0"
	check 0 "" ""
	check_link ok/m1 /etc/passwd

	if [ -z "$PYTHON" ]; then
		echo "$me: no python3: rename, renameat, RENAME_EXCHANGE," \
			"link not tested" >&2
		continue
	fi
	# shellcheck disable=SC2086
	st "$m rename" $mode -r "$rule" -- "$PYTHON" -c '
import os
try:
    os.rename("ok/l3", "guarded/l3")
    print("allowed")
except OSError as e:
    print(os.strerror(e.errno))'
	want "rename(\"ok/l3\", \"guarded/l3\") = $eperm <denied rule -r 1>"
	check 0 "" "Operation not permitted"
	check_link ok/l3 /etc/passwd
	absent guarded/l3

	# shellcheck disable=SC2086
	st "$m renameat" $mode -r "$rule" -- "$PYTHON" -c '
import os
d = os.open(".", os.O_RDONLY)
try:
    os.rename("ok/l4", "guarded/l4", src_dir_fd=d, dst_dir_fd=d)
    print("allowed")
except OSError as e:
    print(os.strerror(e.errno))'
	want "renameat(\"ok/l4\", \"guarded/l4\") = $eperm <denied rule -r 1>"
	check 0 "" "Operation not permitted"
	check_link ok/l4 /etc/passwd
	absent guarded/l4

	# RENAME_EXCHANGE (2), the symlink as the source, then as the
	# destination: either way it would land in guarded/.
	for args in 'b"ok/l5", -100, b"guarded/reg"' \
		'b"guarded/reg", -100, b"ok/l5"'; do
		# shellcheck disable=SC2086
		st "$m renameat2 RENAME_EXCHANGE $args" $mode -r "$rule" -- \
			"$PYTHON" -c '
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
r = libc.renameat2(-100, '"$args"', 2)
print("allowed" if r == 0 else os.strerror(ctypes.get_errno()))'
		case $args in
		b\"ok*) pair='"ok/l5", "guarded/reg"' ;;
		*) pair='"guarded/reg", "ok/l5"' ;;
		esac
		want "renameat2($pair, RENAME_EXCHANGE) = $eperm <denied rule -r 1>"
		check 0 "" "Operation not permitted"
		check_link ok/l5 /etc/passwd
		[ -f guarded/reg ] && [ ! -L guarded/reg ] ||
			fail "$what: guarded/reg is no longer the regular file"
	done

	# link(2) itself (libc's link() uses linkat).
	if [ "$(uname -m)" = x86_64 ]; then
		# shellcheck disable=SC2086
		st "$m link" $mode -r "$rule" -- "$PYTHON" -c '
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(86, b"ok/l6", b"guarded/l6")
print("allowed" if r == 0 else os.strerror(ctypes.get_errno()))'
		want "link(\"ok/l6\", \"guarded/l6\") = $eperm <denied rule -r 1>"
		check 0 "" "Operation not permitted"
		absent guarded/l6
	fi

	# linkat(AT_EMPTY_PATH) of an O_PATH|O_NOFOLLOW fd on the symlink.
	# shellcheck disable=SC2086
	st "$m linkat AT_EMPTY_PATH" $mode -r "$rule" -- "$PYTHON" -c '
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open("ok/l7", os.O_PATH | os.O_NOFOLLOW)
r = libc.linkat(fd, b"", -100, b"guarded/l7", 0x1000)
print("allowed" if r == 0 else os.strerror(ctypes.get_errno()))'
	want "linkat(\"\", \"guarded/l7\", AT_EMPTY_PATH) = $eperm <refused: linkat of a descriptor>"
	check 0 "" "Operation not permitted"
	absent guarded/l7
done

# /proc/PID/mem of another traced process, opened for writing, is no
# side door any more: deny mode makes each judged call from its own copy
# of the strings (deny-attacks.sh: procmem, pvm).  It is not trapped: the
# opener goes on, nothing is reported.
for mode in "" --no-seccomp; do
	# shellcheck disable=SC2086
	"$SYMTRACE" $mode -o "$tmp/pm.trace" --deny -- "$TESTBIN/sidedoor" \
		procmem >"$tmp/pm.out" 2>&1
	st=$?
	[ $st -eq 1 ] || fail "procmem ${mode:-seccomp}: exit $st, not 1"
	printf 'procmem self: opened\nprocmem: allowed\n' >"$tmp/pm.want"
	diff -u "$tmp/pm.want" "$tmp/pm.out" >&2 ||
		fail "procmem ${mode:-seccomp}: wrong output"
	[ -s "$tmp/pm.trace" ] &&
		fail "procmem ${mode:-seccomp}: report: $(cat "$tmp/pm.trace")"
done

check_no_leftovers
exit 0
