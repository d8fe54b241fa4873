#!/bin/sh
# decode.sh - every way of making a symlink-family call is decoded exactly
# as the helper says (arguments, fd and path annotations, return value,
# errno, ABI tag), in every tracing mode, and the call has its effect on
# disk (or none, when it fails).
. "$TESTSRC/lib.sh"

skip_unless_ptrace

x86_64=no
[ "$(uname -m)" = x86_64 ] && x86_64=yes
# Does this kernel run x32 calls?  Most do not (Debian's needs
# syscall.x32=y, which make check-vm boots one with): they fail with ENOSYS.
x32=no
if [ $x86_64 = yes ]; then
	"$TESTBIN/symhelper" x32 t "$tmp/x32probe" >/dev/null 2>&1
	[ -L "$tmp/x32probe" ] && x32=yes
	rm -f "$tmp/x32probe"
fi

# expect_line TEXT: the single expected (and so traced) line is TEXT.
expect_line()
{
	printf '%s\n' "$1" >"$tmp/want"
	if ! diff -u "$tmp/want" "$tmp/expected" >&2; then
		fail "${ST_OPTS:-default mode}: helper line is not the literal"
	fi
}

# expect_tail SUFFIX: the expected line ends with SUFFIX.
expect_tail()
{
	case $(cat "$tmp/expected") in
	*"$1") ;;
	*) fail "${ST_OPTS:-default mode}: expected line does not end" \
		"with '$1': $(cat "$tmp/expected")" ;;
	esac
}

no_file()
{
	[ -e "$1" ] || [ -L "$1" ] && fail "$1 exists, but the call failed"
	return 0
}

n=0
for mode in "" "--no-seccomp" "--no-syscall-info" \
	    "--no-seccomp --no-syscall-info"; do
	ST_OPTS=$mode
	n=$((n + 1))
	w=$tmp/w$n
	mkdir "$w" "$w/d" && cd "$w" || fail "cannot set up $w"

	run_match symlink t1 l1
	expect_line "symlink(\"t1\", \"l1\"<$w/l1>) = 0"
	check_link l1 t1

	run_match symlinkat /etc/passwd cwd l2
	expect_line "symlinkat(\"/etc/passwd\", AT_FDCWD<$w>, \"l2\") = 0"
	check_link l2 /etc/passwd

	run_match symlinkat ../t3 d l3
	expect_tail "<$w/d>, \"l3\") = 0"
	check_link d/l3 ../t3

	run_match symlinkat t4 bad l4
	expect_line 'symlinkat("t4", 999, "l4") = -1 EBADF (Bad file descriptor)'
	no_file l4

	run_match symlink t5 l1
	expect_line "symlink(\"t5\", \"l1\"<$w/l1>) = -1 EEXIST (File exists)"
	check_link l1 t1

	run_match symlink t6 missing/l6
	expect_line "symlink(\"t6\", \"missing/l6\"<$w/missing/l6>) = -1 ENOENT (No such file or directory)"

	run_match symlink t7 "$w/d/abs7"
	expect_line "symlink(\"t7\", \"$w/d/abs7\") = 0"
	check_link d/abs7 t7

	run_match fault l11
	expect_tail " = -1 EFAULT (Bad address)"
	no_file l11

	run_match fault-mid l12
	expect_tail " = -1 EFAULT (Bad address)"
	no_file l12

	run_match edge l13
	expect_line "symlinkat(\"edge1\", AT_FDCWD<$w>, \"l13\") = 0"
	check_link l13 edge1

	run_match toolong l14
	# (The text is the C library's strerror: glibc's, or musl's in a
	# static build.)
	case $(cat "$tmp/expected") in
	*"(Filename too long)") toolong="Filename too long" ;;
	*) toolong="File name too long" ;;
	esac
	expect_tail ", AT_FDCWD<$w>, \"l14\") = -1 ENAMETOOLONG ($toolong)"
	no_file l14

	if [ $x86_64 = yes ]; then
		run_match int80 t8 l8
		expect_line "symlink(\"t8\", \"l8\"<$w/l8>) = 0 <i386>"
		check_link l8 t8

		run_match int80at t9 l9
		expect_line "symlinkat(\"t9\", AT_FDCWD<$w>, \"l9\") = 0 <i386>"
		check_link l9 t9

		run_match x32 t10 l10
		if [ $x32 = yes ]; then
			expect_line "symlinkat(\"t10\", AT_FDCWD<$w>, \"l10\") = 0 <x32>"
			check_link l10 t10
		else
			expect_tail "\"l10\") = -1 ENOSYS (Function not implemented) <x32>"
			no_file l10
		fi
	fi

	if [ "$HAVE_M32" = yes ]; then
		HELPER=$TESTBIN/symhelper32
		run_match symlink t21 l21
		expect_line "symlink(\"t21\", \"l21\"<$w/l21>) = 0 <i386>"
		check_link l21 t21

		run_match symlinkat t22 cwd l22
		expect_line "symlinkat(\"t22\", AT_FDCWD<$w>, \"l22\") = 0 <i386>"
		check_link l22 t22

		run_match symlinkat t23 d l23
		expect_tail "<$w/d>, \"l23\") = 0 <i386>"
		check_link d/l23 t23

		run_match symlinkat t24 bad l24
		expect_line 'symlinkat("t24", 999, "l24") = -1 EBADF (Bad file descriptor) <i386>'

		run_match symlink t25 l21
		expect_tail " = -1 EEXIST (File exists) <i386>"
		check_link l21 t21

		run_match fault l26
		expect_tail " = -1 EFAULT (Bad address) <i386>"
		no_file l26

		run_match edge l27
		check_link l27 edge1

		# symhelper32 is built with glibc, but symtrace may be built
		# with musl (make check-vm), whose text for ENAMETOOLONG is
		# another: the line must end with symtrace's ($toolong).
		# shellcheck disable=SC2086 # ST_OPTS is a list of options
		"$SYMTRACE" ${ST_OPTS:-} -o "$tmp/out" -- "$HELPER" toolong l28 \
			>/dev/null 2>"$tmp/err" ||
			fail "${ST_OPTS:-default mode}: symhelper32 toolong: exit status $?"
		[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "toolong: stderr"; }
		case $(cat "$tmp/out") in
		*" = -1 ENAMETOOLONG ($toolong) <i386>") ;;
		*) show output "$tmp/out"
		   fail "${ST_OPTS:-default mode}: symhelper32 toolong: wrong line" ;;
		esac
		no_file l28
		unset HELPER
	fi
	cd "$tmp" || fail "cd"
done

check_no_leftovers
exit 0
