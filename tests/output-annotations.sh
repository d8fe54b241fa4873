#!/bin/sh
# output-annotations.sh - what a text line shows inside <...> is escaped
# exactly as a quoted string is, and '<' '>' in octal too: real links made
# in directories whose names hold every byte 0x80-0xff, a lone 0x9b (an
# 8-bit CSI), '<', '>', a newline and an escape.  No byte of a name may
# reach the report raw.  The links must land where the names say.
. "$TESTSRC/lib.sh"

skip_unless_ptrace
enter_w

# d1: the bytes 0x80..0xff in order.  d2: "<\233[2J>\n\033x".
hi=
i=128
while [ $i -le 255 ]; do
	hi="$hi\\$(printf '%o' $i)"
	i=$((i + 1))
done
d1=$(printf "h$hi") || fail "printf"
# (a trailing newline would be stripped by $(...): end with x)
d2=$(printf 'a<\233[2J>\n\033x') || fail "printf"
mkdir "$d1" "$d2" || fail "cannot make the directories"

# What each name looks like escaped: between quotes (strace's escaping,
# octal without leading zeros), and in <...>.
e1=h
i=128
while [ $i -le 255 ]; do
	e1="$e1\\$(printf '%o' $i)"
	i=$((i + 1))
done
e2q='a<\233[2J>\n\33x'
e2a='a\74\233[2J\76\n\33x'

mk=$TESTBIN/mklink
# symlinkat with a directory fd (AT_FDCWD<cwd>, 3<dir>), symlink with a
# relative linkpath ("l"<path>), and a linkpath naming the directory.
cd "$w/$d2" || fail "cannot enter d2"
"$SYMTRACE" -o "$tmp/out" -- "$mk" symlinkat "t" "$w/$d1" l1 \
	>"$tmp/stdout" 2>"$tmp/err" || fail "symtrace failed: $(cat "$tmp/err")"
"$SYMTRACE" -A -o "$tmp/out" -- "$mk" symlink "t" l2 \
	>>"$tmp/stdout" 2>>"$tmp/err" || fail "symtrace failed: $(cat "$tmp/err")"
"$SYMTRACE" -A -o "$tmp/out" -- "$mk" symlink "$w/$d1" "../$d1/l3" \
	>>"$tmp/stdout" 2>>"$tmp/err" || fail "symtrace failed: $(cat "$tmp/err")"
cd "$w" || fail "cd"
[ -s "$tmp/err" ] && { show stderr "$tmp/err"; fail "stderr not empty"; }
printf 'ret=0\nret=0\nret=0\n' | diff -u - "$tmp/stdout" >&2 ||
	fail "the helper's calls did not all succeed"

# (the fd number of d1 in mklink: the first free one)
{
	printf 'symlinkat("t", 3<%s/%s>, "l1") = 0\n' "$w" "$e1"
	printf 'symlink("t", "l2"<%s/%s/l2>) = 0\n' "$w" "$e2a"
	printf 'symlink("%s/%s", "../%s/l3"<%s/%s/l3>) = 0\n' \
		"$w" "$e1" "$e1" "$w" "$e1"
} >"$tmp/want"
# (e2q is the quoted form: the same bytes differ only in '<' '>')
[ "$e2q" != "$e2a" ] || fail "the test's own spellings are wrong"
diff -u "$tmp/want" "$tmp/out" >&2 || fail "wrong report"

# Not one byte outside printable ASCII (but the newlines ending lines).
if LC_ALL=C grep -n '[^ -~]' "$tmp/out" >&2; then
	fail "raw bytes in the report"
fi
[ "$(wc -l <"$tmp/out")" -eq 3 ] || fail "not 3 lines"

check_link "$d1/l1" t
check_link "$d2/l2" t
check_link "$d1/l3" "$w/$d1"
check_no_leftovers
exit 0
