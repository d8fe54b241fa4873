#!/bin/sh
# differential.sh - copying a tree of 200 files and 300 symlinks with
# "cp -a" and extracting it with tar: symtrace reports exactly the links
# made (checked against the tree itself), and the same calls as strace.
. "$TESTSRC/lib.sh"

skip_unless_ptrace
find_python || skip "python3 is needed to compare the reports"

cd "$tmp" || fail cd
SRC=$tmp/src

# The tree: d0..d9, each with s0 and s1; 200 files; 300 links of five
# kinds (same-dir relative, relative upwards, absolute, dangling, to a
# directory).
i=0
while [ $i -lt 10 ]; do
	mkdir -p "$SRC/d$i/s0" "$SRC/d$i/s1" || fail mkdir
	i=$((i + 1))
done
i=0
while [ $i -lt 200 ]; do
	echo "file $i" >"$SRC/d$((i % 10))/s$((i / 10 % 2))/f$i"
	i=$((i + 1))
done
j=0
while [ $j -lt 300 ]; do
	dir=$SRC/d$((j % 10))/s$((j / 10 % 2))
	k=$(((j * 7) % 200))
	kdir=d$((k % 10))/s$((k / 10 % 2))
	case $((j % 5)) in
	0) t=f$k ;;
	1) t=../../$kdir/f$k ;;
	2) t=$SRC/$kdir/f$k ;;
	3) t=no-such-file-$j ;;
	4) t=../../d$((j % 7)) ;;
	esac
	ln -s "$t" "$dir/l$j" || fail "ln -s $t $dir/l$j"
	j=$((j + 1))
done
[ "$(find "$SRC" -type l | wc -l)" -eq 300 ] || fail "the tree is wrong"
tar -C "$SRC" -cf "$tmp/tree.tar" . || fail "tar -c"

# Under symtrace.
"$SYMTRACE" -o "$tmp/st.cp" -- cp -a "$SRC" "$tmp/dst1" 2>"$tmp/err" ||
	{ show stderr "$tmp/err"; fail "symtrace cp: exit status $?"; }
mkdir "$tmp/dst2"
"$SYMTRACE" -o "$tmp/st.tar" -- tar -C "$tmp/dst2" -xf "$tmp/tree.tar" \
	2>"$tmp/err" ||
	{ show stderr "$tmp/err"; fail "symtrace tar: exit status $?"; }

# normalise REPORT ROOT: one line "syscall TAB target TAB link TAB result"
# per call, the link relative to ROOT, sorted.  Accepts symtrace's and
# strace -y's lines.
cat >"$tmp/norm.py" <<'PY'
import os, re, sys
report, root, cwd = sys.argv[1], sys.argv[2], sys.argv[3]
s = r'"((?:[^"\\]|\\.)*)"'
line_re = re.compile(r'^(?:\[pid \d+\] |\d+ +)?(symlink|symlinkat)\(' + s +
                     r', (?:(?:AT_FDCWD|\d+)<([^>]*)>, )?' + s +
                     r'(?:<[^>]*>)?\) += (.*)$')
out = []
with open(report, encoding="latin-1") as f:
    for ln in f:
        ln = ln.rstrip("\n")
        m = line_re.match(ln)
        if not m:
            sys.exit("cannot parse: " + ln)
        sc, target, dirpath, link, res = m.groups()
        if sc == "symlinkat" and dirpath is None:
            sys.exit("no fd path: " + ln)
        full = os.path.normpath(os.path.join(dirpath or cwd, link))
        rel = os.path.relpath(full, root)
        if rel.startswith(".."):
            sys.exit("link outside %s: %s" % (root, ln))
        out.append("%s\t%s\t%s\t%s" % (sc, target, rel, res))
for o in sorted(out):
    print(o)
PY

# The reference: the links of the tree (as symtrace would print them).
"$PYTHON" -S -I -c '
import os, sys
root = sys.argv[1]
out = []
for d, dirs, files in os.walk(root):
    for n in dirs + files:
        p = os.path.join(d, n)
        if os.path.islink(p):
            out.append("%s\t%s" % (os.readlink(p), os.path.relpath(p, root)))
for o in sorted(out):
    print(o)' "$SRC" >"$tmp/ref" || fail "cannot list the tree"
[ "$(wc -l <"$tmp/ref")" -eq 300 ] || fail "reference: not 300 links"

norm()
{
	"$PYTHON" -S -I "$tmp/norm.py" "$1" "$2" "$tmp" >"$1.norm" ||
		fail "cannot normalise $1"
}

# check_report NORMALISED: 300 successful symlinkat calls, exactly the
# links of the tree.
check_report()
{
	[ "$(wc -l <"$1")" -eq 300 ] ||
		fail "$1: $(wc -l <"$1") calls, expected 300"
	grep -v '	0$' "$1" >&2 && fail "$1: failed calls"
	cut -f2,3 "$1" | sort >"$1.ref"
	diff -u "$tmp/ref" "$1.ref" >&2 ||
		fail "$1: the calls are not the links of the tree"
}

norm "$tmp/st.cp" "$tmp/dst1"
norm "$tmp/st.tar" "$tmp/dst2"
check_report "$tmp/st.cp.norm"
check_report "$tmp/st.tar.norm"

# The copies are right.
for d in dst1 dst2; do
	"$PYTHON" -S -I -c '
import os, sys
src, dst = sys.argv[1], sys.argv[2]
for d, dirs, files in os.walk(src):
    for n in dirs + files:
        p = os.path.join(d, n)
        if os.path.islink(p):
            q = os.path.join(dst, os.path.relpath(p, src))
            if not os.path.islink(q) or os.readlink(q) != os.readlink(p):
                sys.exit("%s is not a copy of %s" % (q, p))' \
		"$SRC" "$tmp/$d" || fail "$d is not a copy"
done

# The same under strace.
if command -v strace >/dev/null 2>&1; then
	so="-f -qq -y -e signal=none -e trace=symlink,symlinkat -s 65535"
	# shellcheck disable=SC2086
	strace $so -o "$tmp/sr.cp" cp -a "$SRC" "$tmp/dst3" 2>"$tmp/err" ||
		{ show stderr "$tmp/err"; fail "strace cp: exit status $?"; }
	mkdir "$tmp/dst4"
	# shellcheck disable=SC2086
	strace $so -o "$tmp/sr.tar" tar -C "$tmp/dst4" -xf "$tmp/tree.tar" \
		2>"$tmp/err" ||
		{ show stderr "$tmp/err"; fail "strace tar: exit status $?"; }
	norm "$tmp/sr.cp" "$tmp/dst3"
	norm "$tmp/sr.tar" "$tmp/dst4"
	diff -u "$tmp/sr.cp.norm" "$tmp/st.cp.norm" >&2 ||
		fail "cp: symtrace and strace disagree"
	diff -u "$tmp/sr.tar.norm" "$tmp/st.tar.norm" >&2 ||
		fail "tar: symtrace and strace disagree"
else
	echo "no strace: comparison skipped" >&2
fi

check_no_leftovers
exit 0
