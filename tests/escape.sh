#!/bin/sh
# escape.sh - targets with special bytes are printed with strace's
# escaping (\n \t \" \\, octal without leading zeros unless an octal digit
# follows, bytes >= 0x7f in octal), checked against literal text and
# against the real strace.
. "$TESTSRC/lib.sh"

skip_unless_ptrace
find_python || skip "python3 is needed to make links with arbitrary bytes"

# The links to make: Python bytes literal of the target, then the text
# symtrace must print between the quotes.  Link I is named lI.
cat >"$tmp/table" <<'TABLE'
b"a\nb"	a\nb
b"a\tb"	a\tb
b'a"b'	a\"b
b"a\\b"	a\\b
b"\x1b[1m"	\33[1m
b"\xffx"	\377x
b"\x1b1"	\0331
b"\x1b9"	\339
b"\x015"	\0015
b"\x01a"	\1a
b"\x080"	\0100
b"\r\v\f"	\r\v\f
b"\x7f"	\177
b"end\x1b"	end\33
b"caf\xc3\xa9"	caf\303\251
b"dir/../with spaces, (parens) and 'quotes'"	dir/../with spaces, (parens) and 'quotes'
b"?*<>$`|;&"	?*<>$`|;&
b"\\\"\\"	\\\"\\
TABLE

# A Python program making the links, in the current directory.
{
	echo 'import os'
	i=0
	while IFS='	' read -r lit esc; do
		printf "os.symlink(%s, b'l%d')\n" "$lit" $i
		i=$((i + 1))
	done <"$tmp/table"
	# A link name with bytes that the <path> annotation escapes too.
	printf '%s\n' "os.symlink(b'x', b'n\\nx>')"
} >"$tmp/mk.py"
count=$(wc -l <"$tmp/table")

enter_w
"$SYMTRACE" -o "$tmp/out" -- "$PYTHON" -S -I "$tmp/mk.py" 2>"$tmp/err"
st=$?
[ $st -eq 0 ] || { show stderr "$tmp/err"; fail "symtrace exited with $st"; }

# The exact lines.  The annotation of a linkpath is escaped as between
# quotes, and '<' '>' too (see output.c, escape_path).
{
	i=0
	while IFS='	' read -r lit esc; do
		printf 'symlink("%s", "l%d"<%s/l%d>) = 0\n' "$esc" $i "$w" $i
		i=$((i + 1))
	done <"$tmp/table"
	printf 'symlink("x", "n\\nx>"<%s/n\\nx\\76>) = 0\n' "$w"
} >"$tmp/want"
if ! diff -u "$tmp/want" "$tmp/out" >&2; then
	fail "escaped lines differ from the literal text"
fi

# The links hold exactly the bytes asked for.
cat >"$tmp/check.py" <<'PY'
import ast, os, sys
table, count = sys.argv[1], int(sys.argv[2])
with open(table, encoding="latin-1") as f:
    lits = [ln.split("\t")[0] for ln in f.read().splitlines()]
for i, lit in enumerate(lits):
    want = ast.literal_eval(lit)
    got = os.readlink(b"l%d" % i)
    if got != want:
        sys.exit("l%d -> %r, expected %r" % (i, got, want))
if os.readlink(b"n\nx>") != b"x":
    sys.exit("n\\nx> is wrong")
PY
"$PYTHON" -S -I "$tmp/check.py" "$tmp/table" "$count" ||
	fail "the links on disk are not what was asked for"

# The same quoted targets as the real strace prints.
if command -v strace >/dev/null 2>&1; then
	w2=$tmp/w2
	mkdir "$w2" && cd "$w2" || fail "cannot set up $w2"
	if strace -qq -e signal=none -e trace=symlink,symlinkat -s 65535 \
		-o "$tmp/strace.out" "$PYTHON" -S -I "$tmp/mk.py" \
		2>"$tmp/err"; then
		# The first quoted string of each line (the target).
		re='^[^"]*"\(\([^"\\]\|\\.\)*\)".*'
		sed -n "s/$re/\\1/p" "$tmp/strace.out" >"$tmp/strace.targets"
		sed -n "s/$re/\\1/p" "$tmp/out" >"$tmp/our.targets"
		[ "$(wc -l <"$tmp/our.targets")" -eq $((count + 1)) ] ||
			fail "could not extract the targets from our output"
		if ! diff -u "$tmp/strace.targets" "$tmp/our.targets" >&2; then
			fail "quoted targets differ from strace's"
		fi
	else
		show "strace stderr" "$tmp/err"
		echo "strace does not work here: comparison skipped" >&2
	fi
else
	echo "no strace: comparison skipped" >&2
fi

cd "$tmp" || fail cd
check_no_leftovers
exit 0
