#!/bin/sh
# reload.sh - rules files read again while symtrace runs (issue 17, item 3):
# a change by atomic rename, a broken file (the old rules stay, the notice
# names FILE, line, column), deletion and re-creation, a new file in an
# include directory, and --reload PID.  The traced command is a shell that
# makes one link per line it reads from a FIFO, so that each link is made
# after the test has seen the reload it depends on; each link's fate is
# checked (made or refused) and so is symtrace's whole report and stderr.
. "$TESTSRC/lib.sh"

skip_unless_ptrace
# --reload needs the control socket: root's, or in $XDG_RUNTIME_DIR.
[ "$(id -u)" -eq 0 ] || [ -n "${XDG_RUNTIME_DIR:-}" ] ||
	skip "needs root or XDG_RUNTIME_DIR (the control socket of --reload)"

LC_ALL=C
export LC_ALL

enter_w
r=$tmp/r
mkdir "$r" "$r/rules.d" || fail "cannot create $r"

cat >"$tmp/worker.sh" <<'EOF'
# worker.sh RESULTS: one "link NAME" a line on stdin: ln -s /etc/passwd NAME,
# "made NAME" or "refused NAME" appended to RESULTS; "quit" ends it.
while read -r cmd arg; do
	case $cmd in
	link)
		if ln -s /etc/passwd "$arg" 2>/dev/null; then
			echo "made $arg" >>"$1"
		else
			echo "refused $arg" >>"$1"
		fi ;;
	quit)
		exit 0 ;;
	esac
done
EOF

# The rules: $r/main.rules includes $r/rules.d/*.rules first.
v1="include rules.d/*.rules
deny link=$w/*"
v2="include rules.d/*.rules
allow link=$w/*"
broken="include rules.d/*.rules
allow bogus=1"

# put TEXT: main.rules replaced by TEXT atomically (written aside, renamed
# over it, as editors and package managers do).
put()
{
	printf '%s\n' "$1" >"$r/main.rules.new" &&
		mv "$r/main.rules.new" "$r/main.rules" || fail "cannot write rules"
}

# A native control: the same worker makes its link without symtrace.
put "$v1"
mkfifo "$tmp/fifo" || fail "mkfifo"
sh "$tmp/worker.sh" "$tmp/native" <"$tmp/fifo" &
exec 4>"$tmp/fifo"
echo "link n" >&4
echo quit >&4
exec 4>&-
wait
[ "$(cat "$tmp/native")" = "made n" ] || fail "native: $(cat "$tmp/native")"
[ "$(readlink n)" = /etc/passwd ] || fail "native: no link n"
rm n

# Traced.
"$SYMTRACE" --rules="$r/main.rules" -o "$tmp/out" -- \
	sh "$tmp/worker.sh" "$tmp/results" <"$tmp/fifo" 2>"$tmp/stderr" &
spid=$!
exec 4>"$tmp/fifo"

# wait_lines FILE N: until FILE has N lines (10 s at most).
wait_lines()
{
	_n=100
	while [ "$(cat "$2" 2>/dev/null | wc -l)" -lt "$1" ]; do
		_n=$((_n - 1))
		[ $_n -le 0 ] && {
			show stderr "$tmp/stderr"
			fail "$what: $2 has not $1 lines"
		}
		sleep 0.1
	done
}

# link NAME N: the worker makes link NAME, its Nth; wait for its result.
link()
{
	echo "link $1" >&4
	wait_lines "$2" "$tmp/results"
}

# notices N: wait for the Nth line on symtrace's stderr.
notices()
{
	wait_lines "$1" "$tmp/stderr"
}

what="start"
link a 1
what="atomic rename"
put "$v2"
notices 1
link b 2
what="broken file"
put "$broken"
notices 2
link c 3
what="deleted"
rm "$r/main.rules"
notices 3
link d 4
what="recreated"
printf '%s\n' "$v2" >"$r/main.rules"
notices 4
what="include directory"
printf 'deny link=%s/e*\n' "$w" >"$r/rules.d/.10-e.tmp"
mv "$r/rules.d/.10-e.tmp" "$r/rules.d/10-e.rules"
notices 5
link e1 5
link f 6
what="--reload"
"$SYMTRACE" --reload "$spid" >"$tmp/reload.out" 2>"$tmp/reload.err" ||
	fail "$what: exit status $? ($(cat "$tmp/reload.err"))"
notices 6
printf '%s\n' "symtrace $spid reloaded its rules: 2 rules in force" |
	diff -u - "$tmp/reload.out" >&2 || fail "$what: wrong output"
[ -s "$tmp/reload.err" ] && fail "$what: stderr: $(cat "$tmp/reload.err")"
what="--reload of a broken file"
printf 'deny link=%s/e* when=0\n' "$w" >"$r/rules.d/10-e.rules"
notices 7
"$SYMTRACE" --reload "$spid" >"$tmp/reload.out" 2>"$tmp/reload.err"
st=$?
[ $st -eq 1 ] || fail "$what: exit status $st, expected 1"
notices 8
link e2 7
echo quit >&4
exec 4>&-
wait $spid
st=$?
[ $st -eq 0 ] || { show stderr "$tmp/stderr"; fail "symtrace exited $st"; }

what="results"
printf '%s\n' "refused a" "made b" "made c" "made d" "refused e1" "made f" \
	"refused e2" | diff -u - "$tmp/results" >&2 || fail "wrong results"
for l in b c d f; do
	[ "$(readlink "$l")" = /etc/passwd ] || fail "no link $l"
done
for l in a e1 e2; do
	[ -e "$l" ] || [ -L "$l" ] && fail "link $l was made"
done

m=$r/main.rules
e=$r/rules.d/10-e.rules
eperm='-1 EPERM (Operation not permitted)'
what="report"
sed 's/^\[pid [0-9]*\] //' "$tmp/out" >"$tmp/out.nopid"
cat >"$tmp/want" <<EOF
symlinkat("/etc/passwd", AT_FDCWD<$w>, "a") = $eperm <denied rule $m:2>
symlinkat("/etc/passwd", AT_FDCWD<$w>, "b") = 0
symlinkat("/etc/passwd", AT_FDCWD<$w>, "c") = 0
symlinkat("/etc/passwd", AT_FDCWD<$w>, "d") = 0
symlinkat("/etc/passwd", AT_FDCWD<$w>, "e1") = $eperm <denied rule $e:1>
symlinkat("/etc/passwd", AT_FDCWD<$w>, "f") = 0
symlinkat("/etc/passwd", AT_FDCWD<$w>, "e2") = $eperm <denied rule $e:1>
EOF
diff -u "$tmp/want" "$tmp/out.nopid" >&2 || fail "wrong report"

what="notices"
# The pid of the --reload clients varies.
sed 's/--reload by pid [0-9]*/--reload by pid N/' "$tmp/stderr" \
	>"$tmp/stderr.n"
bad="bad rule in $m, line 2, column 7: unknown key 'bogus' (expected target, link, uid, ruid, gid, user, group, comm, exe, when or dotdot)"
bad2="bad rule in $e, line 1, column $((${#w} + 15)): bad value '0' for 'when' (expected N, N+ or N+S, numbers 1 to 4294967294)"
cat >"$tmp/want" <<EOF
symtrace: rules reloaded (a change of $m): 1 rule in force
symtrace: rules not reloaded (a change of $m): $bad; the previous rules stay in force (1 rule, from reload 1)
symtrace: rules not reloaded (a change of $m): cannot open rules file '$m': No such file or directory; the previous rules stay in force (1 rule, from reload 1)
symtrace: rules reloaded (a change of $m): 1 rule in force
symtrace: rules reloaded (a change of $e): 2 rules in force
symtrace: rules reloaded (--reload by pid N): 2 rules in force
symtrace: rules not reloaded (a change of $e): $bad2; the previous rules stay in force (2 rules, from reload 4)
symtrace: rules not reloaded (--reload by pid N): $bad2; the previous rules stay in force (2 rules, from reload 4)
EOF
diff -u "$tmp/want" "$tmp/stderr.n" >&2 || fail "wrong notices"
printf '%s\n' "symtrace: symtrace $spid did not reload its rules: $bad2" |
	diff -u - "$tmp/reload.err" >&2 || fail "--reload: wrong error"
[ -s "$tmp/reload.out" ] && fail "--reload: stdout: $(cat "$tmp/reload.out")"

# begin NAME ARGS...: symtrace ARGS -o $tmp/NAME.out running the worker
# (results in $tmp/NAME.res, symtrace's stderr in $tmp/NAME.err); end:
# the worker quits, symtrace must exit 0.
begin()
{
	_b=$1
	shift
	"$SYMTRACE" "$@" -o "$tmp/$_b.out" -- \
		sh "$tmp/worker.sh" "$tmp/$_b.res" <"$tmp/fifo" 2>"$tmp/$_b.err" &
	spid=$!
	exec 4>"$tmp/fifo"
}
end()
{
	echo quit >&4
	exec 4>&-
	wait $spid || fail "$what: symtrace exited $?"
}
# results NAME LINE...: exactly these results and stderr lines (after
# the results, each stderr line as one argument, after "--").
results()
{
	_b=$1
	shift
	: >"$tmp/want.res"
	while [ "$1" != -- ]; do
		echo "$1" >>"$tmp/want.res"
		shift
	done
	shift
	diff -u "$tmp/want.res" "$tmp/$_b.res" >&2 || fail "$what: results"
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@"
	fi >"$tmp/want.err"
	sed 's/--reload by pid [0-9][0-9]*/--reload by pid N/' "$tmp/$_b.err" |
		diff -u "$tmp/want.err" - >&2 || fail "$what: stderr"
}

# when= counts start again with the new rules: k4 is the second match
# since the reload (refused), not the fourth (allowed).
what="when= after a reload"
f=$r/when.rules
printf 'deny link=%s/k* when=2\n' "$w" >"$f"
begin when --rules="$f"
echo "link k1" >&4
wait_lines 1 "$tmp/when.res"
echo "link k2" >&4
wait_lines 2 "$tmp/when.res"
"$SYMTRACE" --reload "$spid" >/dev/null || fail "$what: --reload failed"
echo "link k3" >&4
wait_lines 3 "$tmp/when.res"
echo "link k4" >&4
wait_lines 4 "$tmp/when.res"
end
results when "made k1" "refused k2" "made k3" "refused k4" -- \
	"symtrace: rules reloaded (--reload by pid N): 1 rule in force"

# Trace mode cannot become deny mode by a reload.
what="trace mode"
f=$r/trace.rules
printf 'audit link=%s/t*\n' "$w" >"$f"
begin trace --rules="$f"
echo "link t1" >&4
wait_lines 1 "$tmp/trace.res"
printf 'deny link=%s/t*\n' "$w" >"$f.new" && mv "$f.new" "$f"
wait_lines 1 "$tmp/trace.err"
echo "link t2" >&4
wait_lines 2 "$tmp/trace.res"
end
results trace "made t1" "made t2" -- \
	"symtrace: rules not reloaded (a change of $f): the new rules can deny calls, but symtrace started without a deny or kill rule and only traces: restart it to enforce them; the previous rules stay in force (1 rule, from the start)"

# Nor start judging rename and link calls.
what="moves"
f=$r/moves.rules
printf 'deny uid=5000\n' >"$f"
begin moves --rules="$f"
echo "link m1" >&4
wait_lines 1 "$tmp/moves.res"
printf 'deny link=%s/m*\n' "$w" >"$f.new" && mv "$f.new" "$f"
wait_lines 1 "$tmp/moves.err"
echo "link m2" >&4
wait_lines 2 "$tmp/moves.res"
end
results moves "made m1" "made m2" -- \
	"symtrace: rules not reloaded (a change of $f): the new rules have link= or target= keys, which judge rename and link calls, but symtrace started without them and does not stop those calls: restart it to enforce them; the previous rules stay in force (1 rule, from the start)"

# A rules file reached through a symlink, written in place (not renamed):
# the change is seen on the file itself.
what="through a symlink"
mkdir "$r/real"
printf 'deny link=%s/s*\n' "$w" >"$r/real/s.rules"
ln -s real/s.rules "$r/s.rules"
begin sym --rules="$r/s.rules"
echo "link s1" >&4
wait_lines 1 "$tmp/sym.res"
printf 'allow\n' >"$r/real/s.rules"
wait_lines 1 "$tmp/sym.err"
echo "link s2" >&4
wait_lines 2 "$tmp/sym.res"
end
results sym "refused s1" "made s2" -- \
	"symtrace: rules reloaded (a change of $r/s.rules): 1 rule in force"

# The notices in the JSON output too.
what="JSON notices"
j=$r/j.rules
printf 'deny link=%s/j*\n' "$w" >"$j"
"$SYMTRACE" --json --rules="$j" -o "$tmp/j.out" -- \
	sh "$tmp/worker.sh" "$tmp/jres" <"$tmp/fifo" 2>"$tmp/j.stderr" &
spid=$!
exec 4>"$tmp/fifo"
# (Once a call was judged, the watches are in place.)
echo "link j1" >&4
wait_lines 1 "$tmp/jres"
printf 'allow\n' >"$j.new" && mv "$j.new" "$j"
wait_lines 1 "$tmp/j.stderr"
printf 'allow x\n' >"$j.new" && mv "$j.new" "$j"
wait_lines 2 "$tmp/j.stderr"
echo quit >&4
exec 4>&-
wait $spid
# The call j1 (denied, rule 1) and the two notices.
[ "$(grep -c '"linkpath":"j1".*"action":"deny","rule":1,' "$tmp/j.out")" = 1 ] &&
	[ "$(wc -l <"$tmp/j.out")" = 3 ] || fail "$what: $(cat "$tmp/j.out")"
grep '"event":' "$tmp/j.out" | sed 's/"time":"[^"]*"/"time":"T"/' \
	>"$tmp/j.out.t"
bad3="bad rule in $j, line 1, column 7: expected KEY=VALUE, got 'x'"
cat >"$tmp/want" <<EOF
{"time":"T","event":"rules_reloaded","reason":"a change of $j","rules":1}
{"time":"T","event":"rules_error","reason":"a change of $j","rules":1,"error":"$bad3"}
EOF
diff -u "$tmp/want" "$tmp/j.out.t" >&2 || fail "$what: wrong output"
cat >"$tmp/want" <<EOF
symtrace: rules reloaded (a change of $j): 1 rule in force
symtrace: rules not reloaded (a change of $j): $bad3; the previous rules stay in force (1 rule, from reload 1)
EOF
diff -u "$tmp/want" "$tmp/j.stderr" >&2 || fail "$what: wrong stderr"
exit 0
