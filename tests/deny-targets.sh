#!/bin/sh
# deny-targets.sh - a deny target= rule judges where a link leads, not
# how its target is spelled (issue 15): symlinks on the target's way are
# followed as the kernel will follow them (physical resolution), what
# cannot be judged (a symlink of /proc on the way, a directory the caller
# cannot search) is denied, and an allow target= rule needs every
# resolution to match.  Each attack first runs without symtrace (the
# native control: the link is made and leads where the rule forbids),
# then under symtrace: refused, reported once, and not on disk.
. "$TESTSRC/deny-lib.sh"

chmod 755 "$tmp" "$w"
passwd1=$(head -n 1 /etc/passwd)
# As many ".." as $w/NAME is deep: from there they reach "/".
depth=$(printf '%s/x' "$w" | tr -cd / | wc -c)
ups=$(printf '../%.0s' $(seq "$depth"))

# run NAME RULES... -- COMMAND: the command in a fresh $w/NAME, under
# symtrace with -r RULE for each RULE; report in $tmp/out (pids stripped,
# "rule -r N" written "rule N").
run() {
	name=$1
	shift
	rules=
	while [ "$1" != -- ]; do
		rules="$rules -r '$1'"
		shift
	done
	shift
	cd "$w/$name" || fail "cannot enter $w/$name"
	eval "\"\$SYMTRACE\" -o \"\$tmp/out.raw\" $rules -- \"\$@\"" \
		>"$tmp/stdout" 2>"$tmp/stderr"
	st=$?
	sed 's/^\[pid [0-9]*\] //; s/<denied rule -r /<denied rule /' \
		"$tmp/out.raw" >"$tmp/out"
	cd "$w" || fail "cannot enter $w"
}

# ---- 1. a link to "." on the target's way, ".." climbing past it -----
x=L/L/L/${ups}etc/passwd
what="native: $x"
fresh n1
(cd n1 && ln -s . L && ln -s "$x" x.txt) || fail "$what: ln failed"
[ "$(head -n 1 n1/x.txt)" = "$passwd1" ] ||
	fail "$what: x.txt does not lead to /etc/passwd"

what="deny target=/etc/**: $x"
fresh a1
run a1 'deny target=/etc/**' -- sh -c "ln -s . L && ln -s '$x' x.txt"
[ $st -eq 1 ] || fail "$what: exit status $st, expected 1"
absent a1/x.txt
check_link a1/L .
report_is "symlinkat(\".\", AT_FDCWD<$w/a1>, \"L\") = 0" \
	"symlinkat(\"$x\", AT_FDCWD<$w/a1>, \"x.txt\") = $eperm <denied rule 1>"

# ---- 2. an existing symlink (made by root) to a directory in /etc ----
etcdir=$(find /etc -mindepth 1 -maxdepth 1 -type d ! -type l | sort | head -n 1)
[ -n "$etcdir" ] || fail "no directory in /etc"
x=sys/etclink/../passwd
what="native: $x (etclink -> $etcdir)"
fresh n2
mkdir n2/sys && ln -s "$etcdir" n2/sys/etclink && (cd n2 && ln -s "$x" g) ||
	fail "$what: ln failed"
[ "$(head -n 1 n2/g)" = "$passwd1" ] ||
	fail "$what: g does not lead to /etc/passwd"

what="deny target=/etc/**: $x"
fresh a2
mkdir a2/sys && ln -s "$etcdir" a2/sys/etclink || fail "$what: setup"
run a2 'deny target=/etc/**' -- ln -s "$x" g
[ $st -eq 1 ] || fail "$what: exit status $st, expected 1"
absent a2/g
report_is "symlinkat(\"$x\", AT_FDCWD<$w/a2>, \"g\") = $eperm <denied rule 1>"

# ---- 3. the caller's own link to /tmp, then ".." from it ------------
x=tm/../etc/passwd
what="native: $x"
fresh n3
(cd n3 && ln -s /tmp tm && ln -s "$x" y) || fail "$what: ln failed"
[ "$(head -n 1 n3/y)" = "$passwd1" ] || fail "$what: y does not lead there"

what="deny target=/etc/**: $x"
fresh a3
run a3 'deny target=/etc/**' -- sh -c "ln -s /tmp tm && ln -s '$x' y"
[ $st -eq 1 ] || fail "$what: exit status $st, expected 1"
absent a3/y
report_is "symlinkat(\"/tmp\", AT_FDCWD<$w/a3>, \"tm\") = 0" \
	"symlinkat(\"$x\", AT_FDCWD<$w/a3>, \"y\") = $eperm <denied rule 1>"

# ---- 4. the caller's own link to a magic link ------------------------
x=pr/etc/passwd
what="native: $x (pr -> /proc/self/root)"
fresh n4
(cd n4 && ln -s /proc/self/root pr && ln -s "$x" z) || fail "$what: ln failed"
[ "$(head -n 1 n4/z)" = "$passwd1" ] || fail "$what: z does not lead there"

what="deny target=/etc/**: $x"
fresh a4
run a4 'deny target=/etc/**' -- sh -c "ln -s /proc/self/root pr; ln -s '$x' z"
# (pr is refused; z, through a pr that does not exist, leads nowhere.)
[ $st -eq 0 ] || fail "$what: exit status $st, expected 0"
absent a4/pr
check_link a4/z "$x"
report_is "symlinkat(\"/proc/self/root\", AT_FDCWD<$w/a4>, \"pr\") = $eperm <denied rule 1> <target unjudged: magic link on the target's way>" \
	"symlinkat(\"$x\", AT_FDCWD<$w/a4>, \"z\") = 0"
# The same with pr made beforehand (by root, outside symtrace's view).
fresh a4b
ln -s /proc/self/root a4b/pr || fail "$what: setup"
what="deny target=/etc/**: $x, pr made before"
run a4b 'deny target=/etc/**' -- ln -s "$x" z
[ $st -eq 1 ] || fail "$what: exit status $st, expected 1"
absent a4b/z
report_is "symlinkat(\"$x\", AT_FDCWD<$w/a4b>, \"z\") = $eperm <denied rule 1> <target unjudged: magic link on the target's way>"

# ---- 5. lexically inside an allowed tree, physically in another ------
# allow target=site1/**, then deny: "L/L/../site2/secret" made in site1
# is lexically site1/L/site2/secret, and leads to site2/secret.
x=L/L/../site2/secret
what="native: $x"
fresh n5
mkdir n5/site1 n5/site2 && echo secret >n5/site2/secret &&
	(cd n5/site1 && ln -s . L && ln -s "$x" s) || fail "$what: ln failed"
[ "$(cat n5/site1/s)" = secret ] || fail "$what: s does not lead to site2"

what="allow target=site1/**, deny: $x"
fresh a5
mkdir a5/site1 a5/site2 && echo secret >a5/site2/secret ||
	fail "$what: setup"
run a5/site1 "allow target=$w/a5/site1/**" deny -- \
	sh -c "ln -s . L; ln -s '$x' s; ln -s L/sub ok"
[ $st -eq 0 ] || fail "$what: exit status $st, expected 0"
absent a5/site1/s
check_link a5/site1/ok L/sub
report_is "symlinkat(\".\", AT_FDCWD<$w/a5/site1>, \"L\") = 0" \
	"symlinkat(\"$x\", AT_FDCWD<$w/a5/site1>, \"s\") = $eperm <denied rule 2>" \
	"symlinkat(\"L/sub\", AT_FDCWD<$w/a5/site1>, \"ok\") = 0"

# ---- 6. a directory moved: its links are judged as they will lead ----
# D/S -> "." and D/T -> "$w/.../D2/S/S/../../other/x" are harmless in D
# (D2 does not exist: T is lexically inside site); "mv D D2" makes T
# climb out through S.
what="native: mv D D2"
fresh n6
mkdir n6/site n6/other && echo other >n6/other/x || fail "$what: setup"
t6n="$w/n6/site/D2/S/S/../../other/x"
(cd n6/site && mkdir D && ln -s . D/S && ln -s "$t6n" D/T && mv D D2) ||
	fail "$what: failed"
[ "$(cat n6/site/D2/T)" = other ] || fail "$what: D2/T does not lead out"

what="allow target=site/**, deny: mv D D2"
fresh a6
mkdir a6/site a6/other && echo other >a6/other/x || fail "$what: setup"
t6="$w/a6/site/D2/S/S/../../other/x"
run a6/site "allow target=$w/a6/site/**" deny -- \
	sh -c "mkdir D && ln -s . D/S && ln -s '$t6' D/T && mv D D2"
[ $st -eq 1 ] || fail "$what: exit status $st, expected 1"
absent a6/site/D2
check_link a6/site/D/T "$t6"
report_is "symlinkat(\".\", AT_FDCWD<$w/a6/site>, \"D/S\") = 0" \
	"symlinkat(\"$t6\", AT_FDCWD<$w/a6/site>, \"D/T\") = 0" \
	"renameat2(\"D\", \"D2\", RENAME_NOREPLACE) = $eperm <denied rule 2>"
# ... while a move that keeps the links inside is allowed.
what="allow target=site/**, deny: mv D sub/D2"
run a6/site "allow target=$w/a6/site/**" deny -- \
	sh -c "rm D/T && mkdir sub && ln -s S/x D/U && mv D sub/D2"
[ $st -eq 0 ] || fail "$what: exit status $st, expected 0"
check_link a6/site/sub/D2/U S/x
report_is "symlinkat(\"S/x\", AT_FDCWD<$w/a6/site>, \"D/U\") = 0" \
	"renameat2(\"D\", \"sub/D2\", RENAME_NOREPLACE) = 0"

# ---- 7. a directory the caller cannot search -------------------------
# root's private directory holds a link to /etc; nobody cannot see
# behind it, root (a web server, a backup job) follows it.
command -v setpriv >/dev/null 2>&1 || skip "no setpriv"
x=$w/n7/priv/e/passwd
what="native: $x as nobody"
fresh n7
mkdir -m 700 n7/priv && ln -s /etc n7/priv/e && chmod 777 n7 ||
	fail "$what: setup"
(cd n7 && setpriv --reuid=65534 --regid=65534 --clear-groups ln -s "$x" q) ||
	fail "$what: ln failed"
[ "$(head -n 1 n7/q)" = "$passwd1" ] || fail "$what: q does not lead there"

x=$w/a7/priv/e/passwd
what="deny target=/etc/**: $x as nobody"
fresh a7
mkdir -m 700 a7/priv && ln -s /etc a7/priv/e && chmod 777 a7 ||
	fail "$what: setup"
run a7 'deny target=/etc/**' -- \
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	sh -c "ln -s '$x' q; ln -s '$w/a7/priv' ok"
[ $st -eq 0 ] || fail "$what: exit status $st, expected 0"
absent a7/q
check_link a7/ok "$w/a7/priv"
report_is "symlinkat(\"$x\", AT_FDCWD<$w/a7>, \"q\") = $eperm <denied rule 1> <target unjudged: target's way not searchable>" \
	"symlinkat(\"$w/a7/priv\", AT_FDCWD<$w/a7>, \"ok\") = 0"

# ---- 9. a missing directory on the way, "..", then a link to "." -----
# (red-team pass, issue 15) "zz/../L/../site2/secret": zz does not exist,
# the rest was judged lexically (inside site) - one mkdir later the
# kernel follows L and reaches site2.
x=zz/../L/../site2/secret
what="native: $x, then mkdir zz"
fresh n9
mkdir n9/site n9/site2 && echo secret >n9/site2/secret &&
	(cd n9/site && ln -s . L && ln -s "$x" s && mkdir zz) ||
	fail "$what: failed"
[ "$(cat n9/site/s)" = secret ] || fail "$what: s does not lead to site2"

what="allow target=site/**, deny: $x"
fresh a9
mkdir a9/site a9/site2 && echo secret >a9/site2/secret && ln -s . a9/site/L &&
	echo >a9/site/f || fail "$what: setup"
run a9/site "allow target=$w/a9/site/**" deny -- \
	sh -c "ln -s '$x' s; ln -s 'f/../L/../site2/secret' s2; ln -s zz/../L/x ok"
[ $st -eq 0 ] || fail "$what: exit status $st, expected 0"
absent a9/site/s
absent a9/site/s2
check_link a9/site/ok zz/../L/x
report_is "symlinkat(\"$x\", AT_FDCWD<$w/a9/site>, \"s\") = $eperm <denied rule 2>" \
	"symlinkat(\"f/../L/../site2/secret\", AT_FDCWD<$w/a9/site>, \"s2\") = $eperm <denied rule 2>" \
	"symlinkat(\"zz/../L/x\", AT_FDCWD<$w/a9/site>, \"ok\") = 0"

# ---- 10. RENAME_EXCHANGE of a directory and a link to "." -------------
# D/T -> "../D/../site2/secret" is inside site while D is a directory;
# exchanged with B -> ".", the name D holds the link: T (now B/T) climbs
# out through it.
sd=$TESTBIN/sidedoor
what="native: exchange D B"
fresh n10
mkdir n10/site n10/site2 && echo secret >n10/site2/secret &&
	(cd n10/site && mkdir D && ln -s ../D/../site2/secret D/T &&
		ln -s . B) || fail "$what: setup"
(cd n10/site && "$sd" exchange D B) >"$tmp/stdout"
[ "$(cat "$tmp/stdout")" = "exchange: allowed" ] ||
	fail "$what: $(cat "$tmp/stdout")"
[ "$(cat n10/site/B/T)" = secret ] || fail "$what: B/T does not lead to site2"

what="allow target=site/**, deny: exchange D B"
fresh a10
mkdir a10/site a10/site2 && echo secret >a10/site2/secret ||
	fail "$what: setup"
run a10/site "allow target=$w/a10/site/**" deny -- sh -c \
	"mkdir D && ln -s ../D/../site2/secret D/T && ln -s . B && '$sd' exchange D B"
[ $st -eq 0 ] || fail "$what: exit status $st, expected 0 (refused)"
[ "$(cat "$tmp/stdout")" = "exchange: EPERM" ] ||
	fail "$what: the helper printed '$(cat "$tmp/stdout")'"
[ -d a10/site/D ] && [ -L a10/site/B ] || fail "$what: D and B were exchanged"
report_is "symlinkat(\"../D/../site2/secret\", AT_FDCWD<$w/a10/site>, \"D/T\") = 0" \
	"symlinkat(\".\", AT_FDCWD<$w/a10/site>, \"B\") = 0" \
	"renameat2(\"D\", \"B\", RENAME_EXCHANGE) = $eperm <denied rule 2>"

# ---- 11. a link made in a chroot is followed from outside it too -----
# In the chroot $w/r11, L -> "." and "L/.../../../etc/passwd" with as
# many ".." as L: inside, ".." stops at its root (r11/etc/passwd), and
# lexically too; from outside (a web server, a backup) each ".." climbs.
sd=$TESTBIN/sidedoor
r=$w/r11
rdepth=$(printf '%s/x' "$r" | tr -cd / | wc -c)
x=$(printf 'L/%.0s' $(seq "$rdepth"))$(printf '../%.0s' $(seq "$rdepth"))etc/passwd
what="native: chroot, $x"
rm -rf "$r" && mkdir "$r" && ln -s . "$r/L" || fail "$what: setup"
"$sd" chroot "$r" / symlink "$x" /x >"$tmp/stdout" 2>&1
if [ "$(cat "$tmp/stdout")" != "symlink: allowed" ]; then
	echo "SKIP chroot case: $(cat "$tmp/stdout")"
else
	[ "$(head -n 1 "$r/x")" = "$passwd1" ] ||
		fail "$what: x does not lead to /etc/passwd from outside"
	rm -f "$r/x"
	what="deny target=/etc/**: chroot, $x"
	fresh a11
	run a11 'deny target=/etc/**' -- "$sd" chroot "$r" / symlink "$x" /x
	[ $st -eq 0 ] || fail "$what: exit status $st, expected 0 (refused)"
	absent "$r/x"
	report_is "symlink(\"$x\", \"/x\"<$r/x>) = $eperm <denied rule 1>"
fi

# ---- 12. a link in a directory that does not exist: the kernel's error -
# (second red-team pass) It was decided without a link path, and the
# final deny answered EPERM; a tool that creates the directory on ENOENT
# and tries again must see ENOENT.
what="allow link=site/**, deny: ln -s x nodir/l, f/l"
fresh a12
mkdir a12/site && : >a12/site/f || fail "$what: setup"
run a12/site "allow link=$w/a12/site/**" deny -- \
	sh -c "ln -s x nodir/l; ln -s x f/l; mkdir nodir && ln -s x nodir/l"
[ $st -eq 0 ] || fail "$what: exit status $st, expected 0"
check_link a12/site/nodir/l x
report_is "symlinkat(\"x\", AT_FDCWD<$w/a12/site>, \"nodir/l\") = -1 ENOENT (No such file or directory)" \
	"symlinkat(\"x\", AT_FDCWD<$w/a12/site>, \"f/l\") = -1 ENOTDIR (Not a directory)" \
	"symlinkat(\"x\", AT_FDCWD<$w/a12/site>, \"nodir/l\") = 0"

# ---- 8. what sites do stays allowed ----------------------------------
what="allow target=site/**, deny: links inside a site"
fresh a8
mkdir -p a8/site/releases/42 a8/site/shared/storage a8/site/app/node_modules/x \
	a8/site/app/node_modules/.bin || fail "$what: setup"
run a8/site "allow target=$w/a8/site/**" deny -- sh -c '
	ln -s releases/42 current &&
	cd app && ln -s ../shared/storage storage &&
	ln -s ../x/cli.js node_modules/.bin/x &&
	ln -s missing/../../releases dangling &&
	ln -sfn ../releases current2 && ln -sfn ../shared current2'
[ $st -eq 0 ] || fail "$what: exit status $st, expected 0"
check_link a8/site/current releases/42
check_link a8/site/app/storage ../shared/storage
check_link a8/site/app/node_modules/.bin/x ../x/cli.js
check_link a8/site/app/dangling missing/../../releases
check_link a8/site/app/current2 ../shared
grep -E '<(denied|refused)' "$tmp/out" >&2 &&
	fail "$what: a call was not allowed"
# (ln -sfn: the symlinkat fails with EEXIST, then a temporary link is
# made and renamed over current2.)
grep -c '= 0$' "$tmp/out" >"$tmp/n"
echo 7 | diff - "$tmp/n" >&2 || { cat "$tmp/out" >&2; fail "$what: report count"; }
grep -c 'EEXIST' "$tmp/out" >"$tmp/n"
echo 1 | diff - "$tmp/n" >&2 || { cat "$tmp/out" >&2; fail "$what: report count"; }

exit 0
