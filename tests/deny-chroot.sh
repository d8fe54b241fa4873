#!/bin/sh
# deny-chroot.sh - a chrooted tracee's link path is judged where the kernel
# puts the link: absolute paths and absolute symlinks on the way start at
# the tracee's root, ".." stops there.  A rule on the real location denies
# (a lexical join ignoring the root would judge another place: a bypass);
# allowed links land where reported.  When the place cannot be determined
# (a relative path from a cwd outside the root) deny mode refuses the call,
# trace mode lets it run.  Both with the prefilter and with --no-seccomp.
# The helper (sidedoor chroot) chdirs, chroots and makes the raw call.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

LC_ALL=C
export LC_ALL

w=$(cd "$tmp" && pwd -P) || fail "cannot enter $tmp"
cd "$w" || fail "cannot enter $w"
r=$w/root
mkdir -p "$r/guard" "$r/ok/sub" "$w/guard" "$w/ok/sub" ||
	fail "cannot create the trees"
# An absolute symlink inside the root, and decoys outside it where a
# lexical join would put the links.
ln -s /guard "$r/ok/abs" || fail "cannot create $r/ok/abs"
sd=$TESTBIN/sidedoor

# chroot(2) needs CAP_SYS_CHROOT: as root, or in a user namespace.
prefix=
if [ "$(id -u)" -ne 0 ]; then
	command -v unshare >/dev/null 2>&1 || skip "not root and no unshare"
	prefix="unshare -Ur"
fi
# shellcheck disable=SC2086 # $prefix is a command prefix
$prefix "$sd" chroot "$r" / symlink x /probe >"$tmp/stdout" 2>&1
[ "$(cat "$tmp/stdout")" = "symlink: allowed" ] ||
	skip "cannot chroot here: $(cat "$tmp/stdout")"
check_link "$r/probe" x
rm -f "$r/probe"

rule="deny link=$r/guard/**"
eperm='-1 EPERM (Operation not permitted)'

# t WHAT CWD OP A B SYMTRACE-ARGS...: run the helper chrooted to $r from
# CWD under symtrace (and $mode); nothing may appear on stderr.  The
# helper's line goes to $tmp/stdout, the report to $tmp/report, the exit
# status to $st.
t()
{
	what="${mode:-seccomp} $1"
	_cwd=$2 _op=$3 _a=$4 _b=$5
	shift 5
	rm -f "$tmp/out"
	# shellcheck disable=SC2086 # $mode: empty or one word; $prefix: words
	"$SYMTRACE" $mode -o "$tmp/out" "$@" -- $prefix "$sd" chroot "$r" \
		"$_cwd" "$_op" "$_a" "$_b" >"$tmp/stdout" 2>"$tmp/stderr"
	st=$?
	sed 's/^\[pid [0-9]*\] //' "$tmp/out" >"$tmp/report"
	if [ -s "$tmp/stderr" ]; then
		show stderr "$tmp/stderr"
		fail "$what: unexpected stderr"
	fi
}

# expect HELPER-LINE REPORT-LINE: what the helper and symtrace printed;
# the exit status is the helper's: 1 when its call was allowed, else 0.
expect()
{
	case $1 in
	*": allowed") _want=1 ;;
	*) _want=0 ;;
	esac
	[ "$st" -eq "$_want" ] || {
		show stdout "$tmp/stdout"
		show report "$tmp/report"
		fail "$what: exit status $st, expected $_want"
	}
	[ "$(cat "$tmp/stdout")" = "$1" ] || {
		show report "$tmp/report"
		fail "$what: the helper printed '$(cat "$tmp/stdout")', not '$1'"
	}
	printf '%s\n' "$2" >"$tmp/want"
	diff -u "$tmp/want" "$tmp/report" >&2 || fail "$what: wrong report"
}

no_links()
{
	for _d in "$r/guard" "$w/guard" "$w/ok/sub"; do
		[ -z "$(ls -A "$_d")" ] ||
			fail "$what: $_d is not empty: $(ls -A "$_d")"
	done
}

for mode in "" --no-seccomp; do
	# ---- deny mode: the real location is judged ----
	t "absolute" / symlink x /guard/e1 -r "$rule"
	expect "symlink: EPERM" \
		"symlink(\"x\", \"/guard/e1\"<$r/guard/e1>) = $eperm <denied rule -r 1>"
	t "absolute with .. above the root" / symlink x /../../../guard/e2 \
		-r "$rule"
	expect "symlink: EPERM" \
		"symlink(\"x\", \"/../../../guard/e2\"<$r/guard/e2>) = $eperm <denied rule -r 1>"
	t "absolute through an absolute symlink" / symlink x /ok/abs/e3 \
		-r "$rule"
	expect "symlink: EPERM" \
		"symlink(\"x\", \"/ok/abs/e3\"<$r/guard/e3>) = $eperm <denied rule -r 1>"
	t "relative with .. above the root" "$r/ok" symlink x \
		../../../guard/e4 -r "$rule"
	expect "symlink: EPERM" \
		"symlink(\"x\", \"../../../guard/e4\"<$r/guard/e4>) = $eperm <denied rule -r 1>"
	t "relative through an absolute symlink" "$r/ok" symlink x abs/e5 \
		-r "$rule"
	expect "symlink: EPERM" \
		"symlink(\"x\", \"abs/e5\"<$r/guard/e5>) = $eperm <denied rule -r 1>"
	no_links

	# Allowed: the link lands where it is reported.
	t "allowed, absolute" / symlink x /../ok/sub/a1 -r "$rule"
	expect "symlink: allowed" "symlink(\"x\", \"/../ok/sub/a1\"<$r/ok/sub/a1>) = 0"
	check_link "$r/ok/sub/a1" x
	t "allowed, relative" "$r/ok" symlink x ../../../../ok/sub/a2 \
		-r "$rule"
	expect "symlink: allowed" \
		"symlink(\"x\", \"../../../../ok/sub/a2\"<$r/ok/sub/a2>) = 0"
	check_link "$r/ok/sub/a2" x
	# A directory that does not exist is no reason to refuse: the call
	# fails by itself.
	t "missing directory" / symlink x /nodir/a3 -r "$rule"
	expect "symlink: ENOENT" \
		"symlink(\"x\", \"/nodir/a3\") = -1 ENOENT (No such file or directory)"
	no_links
	rm -f "$r/ok/sub/a1" "$r/ok/sub/a2"

	# A symlink moved into the guarded place (link= rules judge moves).
	ln -s /etc/passwd "$r/ok/l1" || fail "cannot create $r/ok/l1"
	t "rename" / rename /ok/l1 /ok/abs/l1 -r "$rule"
	expect "rename: EPERM" \
		"rename(\"/ok/l1\", \"/ok/abs/l1\") = $eperm <denied rule -r 1>"
	check_link "$r/ok/l1" /etc/passwd
	no_links

	# ---- fail closed: a cwd outside the root cannot be walked from it
	# (a rule that can deny but does not match: deny mode) ----
	t "cwd outside the root" "$w" symlink x ok/sub/u1 \
		-r "kill target=/nowhere/**"
	expect "symlink: EPERM" \
		"symlink(\"x\", \"ok/sub/u1\") = $eperm <refused: chroot>"
	t "rename, cwd outside the root" "$w" rename root/ok/l1 root/ok/l2 \
		-r "$rule"
	expect "rename: EPERM" \
		"rename(\"root/ok/l1\", \"root/ok/l2\") = $eperm <refused: chroot>"
	check_link "$r/ok/l1" /etc/passwd
	rm -f "$r/ok/l1"
	no_links

	# ---- trace mode: nothing refused, paths as the kernel walks them ----
	t "trace, relative" "$r/ok" symlink x ../../../guard/t1
	expect "symlink: allowed" \
		"symlink(\"x\", \"../../../guard/t1\"<$r/guard/t1>) = 0"
	check_link "$r/guard/t1" x
	t "trace, absolute symlink" "$r/ok" symlink x abs/t2
	expect "symlink: allowed" "symlink(\"x\", \"abs/t2\"<$r/guard/t2>) = 0"
	check_link "$r/guard/t2" x
	t "trace, cwd outside the root" "$w" symlink x ok/sub/t3
	expect "symlink: allowed" \
		"symlink(\"x\", \"ok/sub/t3\"<$w/ok/sub/t3>) = 0 <unverified> <unresolved: chroot>"
	check_link "$w/ok/sub/t3" x
	rm -f "$r/guard/t1" "$r/guard/t2" "$w/ok/sub/t3"
done

check_no_leftovers
exit 0
