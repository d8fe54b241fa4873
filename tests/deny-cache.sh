#!/bin/sh
# deny-cache.sh - deny mode keeps a task's credentials, and whether its
# root is symtrace's, from one delegated call to the next (5599b5a), and
# must forget them at every call that changes them: the set*id family,
# setgroups, capset, unshare/setns of a user namespace, execve (the
# credentials); chroot and pivot_root, of any task (the root).  A change
# it missed would make it act with more authority than the caller (or
# elsewhere).  Each case runs a script of tests/credhelper in one process
# (one thread, but for the thread cases): a symlink call that fills the
# cache, a change of the credentials or the root (a raw system call, which
# changes the calling thread only, or glibc's wrapper), and a call the
# change must affect.  It runs twice, each time in a fresh copy of the same
# fixture at the same path, as root: natively, then under
# "symtrace -r 'deny target=/nowhere/**'" (a rule that can deny but matches
# nothing).  The results and the trees afterwards must be the same, and
# symtrace's report must give each call's result.  Exceptions: after
# unshare/setns of a user namespace, symtrace refuses (EPERM,
# "<refused: capabilities ...>") what the kernel refuses with EACCES.
# The chroot and pivot_root cases make the link at "/NAME": it must land
# in the new root, never in the real "/" (checked, and removed).  The
# credhelper32 cases do the same with the i386 calls (16- and 32-bit ids).
# exec-takeover and chroot-race (1704870, below) run as uid 65534 in a
# user namespace: a chrooted thread that execs and takes over the leader's
# tid, and a thread's calls while another chroots; skipped without user
# namespaces.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

LC_ALL=C
export LC_ALL

[ "$(id -u)" -eq 0 ] || skip "needs root (changes its credentials and root)"
[ -x "$TESTBIN/credhelper" ] || fail "$TESTBIN/credhelper is not built"

# Everything here must be reachable by uid 65534.
chmod 755 "$tmp" || fail "cannot open $tmp to nobody"
T=$(cd "$tmp" && pwd -P) || fail "cannot enter $tmp"
mkdir "$T/bin" "$T/rep" && cp "$TESTBIN/credhelper" "$T/bin/" &&
	chmod 755 "$T/bin" "$T/bin/credhelper" || fail "cannot set up $T/bin"
have32=no
if [ "$HAVE_M32" = yes ] && [ -x "$TESTBIN/credhelper32" ]; then
	cp "$TESTBIN/credhelper32" "$T/bin/" &&
		chmod 755 "$T/bin/credhelper32" || fail "cannot copy credhelper32"
	have32=yes
fi
H=$T/bin/credhelper
H32=$T/bin/credhelper32
C=$T/c
rule='deny target=/nowhere/**'
# The name the chroot and pivot_root cases link at, under their new root.
L=symtrace-deny-cache.$$
# ... and where it would land outside it: never left behind.
unescape()
{
	_st=$?
	rm -f "/$L"
	return "$_st"
}
trap 'unescape; cleanup' EXIT

# ---- the fixture ----
F=$T/fixture
G=4243 # a group that gives write access to grp only
(
	set -e
	mkdir "$F"
	cd "$F"
	mkdir ro nob grp sub pr pr/old pr/proc
	chown 65534:65534 nob
	chown 0:$G grp
	chmod 0770 grp
) || fail "cannot build the fixture"

# pivot_root needs a mount namespace of our own, a mount as new root, and
# a /proc in it for symtrace (which moves along with the caller).
have_pivot=yes
pivot_ns="mount --bind '$C/pr' '$C/pr' && mount --bind /proc '$C/pr/proc' &&
	exec \"\$@\""
rm -rf "$C" && cp -a "$F" "$C" || fail "cannot copy the fixture"
unshare -m --propagation private sh -c "$pivot_ns" sh \
	"$H" pivot:"$C/pr:$C/pr/old" >/dev/null 2>&1 || have_pivot=no

# A user namespace may be disabled (user.max_user_namespaces = 0).
have_userns=yes
"$H" unshare-user >/dev/null 2>&1 || have_userns=no

# side MODE ENV HELPER STEP...: in a fresh copy $C of the fixture, run
# HELPER STEP... natively (MODE native) or under symtrace (traced), in
# ENV (-, userns: the same, or pivot: the mount namespace above).  Its output goes to
# $tmp/res.MODE, its stderr (symtrace's) to $tmp/err.MODE, the report to
# $T/rep/report, the tree afterwards to $tmp/tree.MODE; a link at "/$L"
# is noted in $tmp/escaped.MODE and removed.
side()
{
	_mode=$1 _env=$2
	shift 2
	cd "$T" && rm -rf "$C" && cp -a "$F" "$C" ||
		fail "$name: cannot make a fresh copy of the fixture"
	rm -f "$T/rep/report" "$tmp/escaped.$_mode"
	case $_mode in
	native) set -- "$@" ;;
	*) set -- "$SYMTRACE" -r "$rule" -o "$T/rep/report" -- "$@" ;;
	esac
	case $_env in
	pivot) set -- unshare -m --propagation private sh -c "$pivot_ns" sh \
		"$@" ;;
	esac
	"$@" >"$tmp/res.$_mode" 2>"$tmp/err.$_mode"
	_status=$?
	if [ -e "/$L" ] || [ -L "/$L" ]; then
		ls -l "/$L" >"$tmp/escaped.$_mode" 2>&1
		rm -f "/$L"
	fi
	side_end "$_mode" "$_status"
}

# results FILE: the helper's result lines as words (0, EACCES, ...).
results()
{
	sed -e 's/^ret=0$/0/' -e 's/^ret=-1 errno=//' "$1" | tr '\n' ' ' |
		sed 's/ $//'
}

fmt='%-22s %-24s %-24s %s\n'
# shellcheck disable=SC2059 # the format is $fmt
printf "$fmt" CASE NATIVE SYMTRACE STEPS

# t NAME ENV EXPECT HELPER STEP...: one case.  EXPECT: the native
# results, as words ("0 EACCES"), which symtrace must give too.  With
# ALT set (a result list) and ALT_WHY (a text of the report), symtrace
# may give ALT instead, when its report says ALT_WHY.
t()
{
	name=$1 env=$2 expect=$3
	shift 3
	n=$((n + 1))
	if [ "$env" = pivot ] && [ $have_pivot = no ]; then
		echo "$name: skipped (no pivot_root here)"
		return
	fi
	if [ "$env" = userns ] && [ $have_userns = no ]; then
		echo "$name: skipped (no user namespaces here)"
		return
	fi
	side native "$env" "$@"
	side traced "$env" "$@"
	native=$(results "$tmp/res.native")
	traced=$(results "$tmp/res.traced")
	_steps=$(shift; echo "$*" | sed "s|$C/||g")
	# shellcheck disable=SC2059
	printf "$fmt" "$name" "$native" "$traced" "$_steps"

	# The fixture does what the case says.
	if [ "$native" != "$expect" ] || [ "$status_native" -ne 0 ]; then
		show "native stderr" "$tmp/err.native"
		fail "case $name: native results '$native' (exit $status_native), expected '$expect' (the fixture is wrong)"
	fi
	[ -s "$tmp/escaped.native" ] &&
		fail "case $name: natively a link appeared at /$L"

	if [ -s "$tmp/err.traced" ]; then
		show "stderr under symtrace" "$tmp/err.traced"
		mismatch "$name" "symtrace or the helper printed on stderr"
	fi
	[ "$status_traced" -eq 0 ] ||
		mismatch "$name" "exit status $status_traced under symtrace"
	if [ -e "$T/rep/report" ]; then
		sed 's/^\[pid [0-9]*\] //' "$T/rep/report" >"$tmp/report"
	else
		: >"$tmp/report"
	fi
	if [ "$traced" != "$native" ]; then
		if [ -n "${ALT:-}" ] && [ "$traced" = "$ALT" ] &&
			grep -qF -- "$ALT_WHY" "$tmp/report"; then
			echo "  ($name: symtrace refuses, as it may:" \
				"$(grep -F -- "$ALT_WHY" "$tmp/report" |
					sed 's/.*<refused/<refused/'))"
		else
			mismatch "$name" "natively '$native', under symtrace '$traced'"
		fi
	fi
	if [ -s "$tmp/escaped.traced" ]; then
		mismatch "$name" "under symtrace a link appeared at /$L (outside the caller's root): $(cat "$tmp/escaped.traced")"
	fi
	if ! diff -u "$tmp/tree.native" "$tmp/tree.traced" >"$tmp/diff"; then
		mismatch "$name" "the trees differ afterwards:"
		head -n 20 "$tmp/diff"
	fi
	# One report line a call, in order, with the result the caller got.
	grep '^symlink(' "$tmp/report" |
		sed -e 's/.*) = 0\( .*\)\{0,1\}$/0/' \
			-e 's/.*) = -1 \([A-Z]*\) .*/\1/' | tr '\n' ' ' |
		sed 's/ $//' >"$tmp/reported"
	if [ "$(cat "$tmp/reported")" != "$traced" ]; then
		cut -c1-300 "$tmp/report" >&2
		mismatch "$name" "the report says '$(cat "$tmp/reported")', the caller got '$traced'"
	fi
	:
}

# The credentials.  ro: root's 0755 (root may, uid 65534 may not); nob:
# uid 65534's 0755 (root only with CAP_DAC_OVERRIDE); grp: root:G 0770
# (fsuid 65534 only with group G).
for how in raw libc; do
	t setuid-$how         - "0 EACCES" "$H" $how \
		link:"$C/ro/a" setuid:65534 link:"$C/ro/b"
	t setreuid-$how       - "0 EACCES" "$H" $how \
		link:"$C/ro/a" setreuid:65534:65534 link:"$C/ro/b"
	t setresuid-$how      - "0 EACCES" "$H" $how \
		link:"$C/ro/a" setresuid:65534:65534:65534 link:"$C/ro/b"
	t setfsuid-$how       - "0 EACCES" "$H" $how \
		link:"$C/ro/a" setfsuid:65534 link:"$C/ro/b"
	t setfsuid-back-$how  - "EACCES 0" "$H" $how \
		setfsuid:65534 link:"$C/ro/a" setfsuid:0 link:"$C/ro/b"
	t setgroups-$how      - "0 EACCES" "$H" $how \
		setgroups:$G setfsuid:65534 link:"$C/grp/a" \
		setgroups:- link:"$C/grp/b"
	t setgroups-add-$how  - "EACCES 0" "$H" $how \
		setgroups:- setfsuid:65534 link:"$C/grp/a" \
		setgroups:$G link:"$C/grp/b"
	t setgid-$how         - "0 EACCES" "$H" $how \
		setgroups:- setgid:$G setfsuid:65534 link:"$C/grp/a" \
		setgid:65534 link:"$C/grp/b"
	t setregid-$how       - "0 EACCES" "$H" $how \
		setgroups:- setregid:$G:$G setfsuid:65534 link:"$C/grp/a" \
		setregid:65534:65534 link:"$C/grp/b"
	t setresgid-$how      - "0 EACCES" "$H" $how \
		setgroups:- setresgid:$G:$G:$G setfsuid:65534 \
		link:"$C/grp/a" setresgid:65534:65534:65534 link:"$C/grp/b"
	t setfsgid-$how       - "0 EACCES" "$H" $how \
		setgroups:- setfsgid:$G setfsuid:65534 link:"$C/grp/a" \
		setfsgid:65534 link:"$C/grp/b"
done
t capset-drop            - "0 EACCES" "$H" \
	link:"$C/nob/a" capdrop link:"$C/nob/b"
t capset-raise           - "EACCES 0" "$H" \
	capdrop link:"$C/nob/a" capraise link:"$C/nob/b"
# Capabilities kept over setresuid, lost at execve.
t exec                   - "0 EACCES" "$H" \
	keepcaps setresuid:65534:65534:65534 capraise link:"$C/ro/a" \
	exec link:"$C/ro/b"
# Threads: a raw call changes its thread only; glibc's wrapper has every
# thread make it.
t thread-raw             - "0 0 0 EACCES" "$H" \
	tlink:"$C/ro/a" link:"$C/ro/b" setuid:65534 \
	tlink:"$C/ro/c" link:"$C/ro/d"
t thread-libc            - "0 0 EACCES EACCES" "$H" \
	tlink:"$C/ro/a" link:"$C/ro/b" libc setuid:65534 \
	tlink:"$C/ro/c" link:"$C/ro/d"
# A user namespace without an id map: uid 0 there has no power over
# nob (its owner is not mapped).  symtrace may refuse instead.
ALT="0 EPERM" ALT_WHY="<refused: capabilities"
t unshare-user      userns "0 EACCES" "$H" \
	link:"$C/nob/a" unshare-user link:"$C/nob/b"
t setns-user        userns "0 EACCES" "$H" \
	link:"$C/nob/a" setns-user link:"$C/nob/b"
# ... with only CAP_DAC_OVERRIDE (1) there: capabilities symtrace holds,
# in another user namespace.
ALT_WHY="<refused: capabilities in another user namespace>"
t unshare-user-dac  userns "0 EACCES" "$H" \
	link:"$C/nob/a" unshare-user capeff:1 link:"$C/nob/b"
ALT='' ALT_WHY=''

# The root: "/$L" must land in the new root.
t chroot                 - "0 0" "$H" \
	link:"$C/ro/a" chroot:"$C/sub" link:"/$L"
t chroot-thread          - "0 0 0" "$H" \
	link:"$C/ro/a" tlink:"$C/ro/b" tchroot:"$C/sub" link:"/$L"
t pivot-root             pivot "0 0" "$H" \
	link:"$C/ro/a" pivot:"$C/pr:$C/pr/old" link:"/$L"

# ---- A thread's root of its own, and a root still changing (1704870) ----
# As uid 65534 (setpriv) in a user namespace the helper makes ("userns":
# uid 0 there, so it may chroot), with the effective capabilities dropped
# before the symlink calls ("capdrop": symtrace refuses a caller holding
# capabilities it does not hold).  Native first (the fixture), then under
# symtrace: the same results, the report and the files exactly.
# exec-takeover: a thread with a root of its own (clone without
# CLONE_FS) chroots into $X/jail, the leader makes a call (its root is
# symtrace's: learnt), then the thread execs and takes over the leader's
# tid.  Its absolute link paths must be walked in its jail: "$X/out/esc"
# exists outside it only (ENOENT), "/d/ok" is $X/jail/d/ok.  The jail
# holds the helper's libraries.  Also in trace mode, whose report must
# name the link's real place: plain, and JSON with an audit rule for it.
# chroot-race: a thread makes symlink calls in a loop ("spin") while the
# leader chroots into $R/j through 40 symbolic links of 1630 components
# each (about 1 ms of walk); once chroot has returned, the spinning
# thread's calls at "$R/out/after.N" (outside the jail only) must fail
# with ENOENT: a link there is an escape.  5 rounds (at most about 10 s),
# each native then traced.  With two CPUs, symtrace and the spinning thread
# run on one and the chroot on the other ("cpu:N"): a kernel without
# preemption runs nothing else on a CPU while it walks there, and the race
# would be seen less often (before 1704870: in 16 of 50 rounds unpinned,
# in 50 of 50 pinned).
X=$T/x
R=$T/r
have_jail=yes
if ! command -v setpriv >/dev/null 2>&1; then
	have_jail="no setpriv"
elif ! setpriv --reuid=65534 --regid=65534 --clear-groups "$H" userns \
	>"$tmp/userns.out" 2>&1; then
	have_jail="no user namespace for uid 65534: $(head -n 1 "$tmp/userns.out")"
fi

# jail_run MODE STEP...: the helper as uid 65534, in $T, natively (MODE
# native) or under symtrace: deny (the rule above), trace, or json (-j,
# "audit link=$X/jail/d/**"); on CPU $jail_cpu when set (symtrace and
# the helper).  Results in $tmp/res.MODE, stderr in
# $tmp/err.MODE, the exit status in $jail_status, the report without its
# "[pid N] " prefixes in $tmp/report, the pids in it in $tmp/pids.
jail_run()
{
	_mode=$1
	shift
	set -- setpriv --reuid=65534 --regid=65534 --clear-groups "$H" "$@"
	case $_mode in
	native) ;;
	deny) set -- "$SYMTRACE" -r "$rule" -o "$T/rep/report" -- "$@" ;;
	trace) set -- "$SYMTRACE" -o "$T/rep/report" -- "$@" ;;
	json) set -- "$SYMTRACE" -j -r "audit link=$X/jail/d/**" \
		-o "$T/rep/report" -- "$@" ;;
	esac
	[ -n "${jail_cpu:-}" ] && set -- taskset -c "$jail_cpu" "$@"
	rm -f "$T/rep/report"
	(cd "$T" && exec "$@") >"$tmp/res.$_mode" 2>"$tmp/err.$_mode"
	jail_status=$?
	: >"$tmp/report"
	: >"$tmp/pids"
	[ -e "$T/rep/report" ] || return 0
	sed 's/^\[pid [0-9]*\] //' "$T/rep/report" >"$tmp/report"
	sed -n 's/^\[pid \([0-9]*\)\] .*/\1/p' "$T/rep/report" | sort -u \
		>"$tmp/pids"
}

# jail_check NAME MODE EXPECT: the exit status, stderr and results
# (EXPECT, as words) of the last jail_run.
jail_check()
{
	_got=$(results "$tmp/res.$2")
	if [ "$2" = native ]; then
		if [ "$_got" != "$3" ] || [ "$jail_status" -ne 0 ] ||
			[ -s "$tmp/err.native" ]; then
			show "native stderr" "$tmp/err.native"
			fail "case $1: native results '$_got' (exit $jail_status), expected '$3' (the fixture is wrong)"
		fi
		return 0
	fi
	if [ -s "$tmp/err.$2" ]; then
		show "stderr under symtrace ($2)" "$tmp/err.$2"
		mismatch "$1" "symtrace or the helper printed on stderr"
	fi
	[ "$jail_status" -eq 0 ] ||
		mismatch "$1" "exit status $jail_status under symtrace"
	[ "$_got" = "$3" ] ||
		mismatch "$1" "natively '$3', under symtrace '$_got'"
}

# same NAME WHAT EXPECTED GOT: the files are equal, else a mismatch
# (or, for NAME native, a broken fixture).
same()
{
	diff -u "$3" "$4" >"$tmp/diff" && return 0
	cat "$tmp/diff"
	case $1 in
	*-native) fail "case $1: $2 (the fixture is wrong)" ;;
	esac
	mismatch "$1" "$2"
}

if [ "$have_jail" != yes ]; then
	echo "exec-takeover, chroot-race: skipped ($have_jail)"
else
	# ---- exec-takeover ----
	n=$((n + 1))
	mkdir -p "$X/jail/d" "$X/out" && chmod 777 "$X/jail/d" "$X/out" ||
		fail "cannot make $X"
	# The helper's libraries (and loader), at their places in the jail.
	for lib in $(ldd "$H" 2>/dev/null | grep -o '/[^ ]*'); do
		mkdir -p "$X/jail${lib%/*}" && cp -L "$lib" "$X/jail$lib" ||
			fail "cannot copy $lib into the jail"
	done
	cat >"$tmp/tree.expected" <<-END
	jail/d d 0:0
	jail/d/ok l 65534:65534 t
	out d 0:0
	out/probe l 65534:65534 t
	END
	cat >"$tmp/text.expected" <<-END
	symlink("t", "$X/out/probe") = 0
	symlink("t", "$X/out/esc") = -1 ENOENT (No such file or directory)
	symlink("t", "/d/ok"<$X/jail/d/ok>) = 0
	END
	# JSON without time and ids; of the call that failed in the jail only
	# what the kernel was given and returned.
	j='"uid":65534,"euid":65534,"gid":65534,"egid":65534,"comm":"credhelper","exe":"'$H'","abi":"x86_64","syscall":"symlink","target":"t","newdirfd":null'
	cat >"$tmp/json.expected" <<-END
	{$j,"dir":"$T","linkpath":"$X/out/probe","path":"$X/out/probe","target_resolved":"$X/out/t","ret":0,"errno":null,"action":"allow","rule":null,"tags":[],"target_exit":"t","linkpath_exit":"$X/out/probe","disk_target":"t"}
	{$j,"dir":"$X/jail","linkpath":"$X/out/esc","ret":-2,"errno":"ENOENT","action":"allow","rule":null,"tags":[],"target_exit":"t","linkpath_exit":"$X/out/esc"}
	{$j,"dir":"$X/jail","linkpath":"/d/ok","path":"$X/jail/d/ok","target_resolved":"$X/jail/d/t","ret":0,"errno":null,"action":"audit","rule":1,"rule_at":"-r 1","tags":[],"target_exit":"t","linkpath_exit":"/d/ok","disk_target":"t"}
	END
	for mode in native deny trace json; do
		name=exec-takeover-$mode
		chmod 777 "$X/out" && rm -f "$X/out/"* "$X/jail/d/"* ||
			fail "cannot empty $X"
		jail_run $mode userns fsthread:"$X/jail" capdrop \
			link:"$X/out/probe" fsexec capdrop link:"$X/out/esc" \
			link:/d/ok
		# shellcheck disable=SC2059
		[ $mode = native ] || printf "$fmt" "$name" "0 ENOENT 0" \
			"$(results "$tmp/res.$mode")" \
			"userns fsthread:jail capdrop link:out/probe fsexec capdrop link:out/esc link:/d/ok"
		jail_check "$name" $mode "0 ENOENT 0"
		# No link outside the jail; the one in it, the caller's.
		(cd "$X" && find out jail/d -printf '%p %y %U:%G %l\n' |
			sed 's/ $//' | sort) >"$tmp/tree.got"
		same "$name" "the files differ" "$tmp/tree.expected" \
			"$tmp/tree.got"
		case $mode in
		native) continue ;;
		json)
			sed -e 's/"time":"[^"]*",//' \
				-e 's/"pid":\([0-9]*\),"tid":\1,"ppid":[0-9]*,//' \
				-e '/"linkpath":"[^"]*\/esc"/s/"path":"[^"]*","target_resolved":"[^"]*",//' \
				"$tmp/report" >"$tmp/report.got"
			same "$name" "the JSON report differs" \
				"$tmp/json.expected" "$tmp/report.got"
			sed -n 's/.*"pid":\([0-9]*\),.*/\1/p' "$tmp/report" |
				sort -u >"$tmp/pids"
			;;
		*)
			same "$name" "the report differs" "$tmp/text.expected" \
				"$tmp/report"
			;;
		esac
		# One tid: the leader's, taken over by the thread.
		[ "$(wc -l <"$tmp/pids")" -eq 1 ] ||
			mismatch "$name" "the report has the pids $(tr '\n' ' ' <"$tmp/pids")"
	done

	# ---- chroot-race ----
	n=$((n + 1))
	mkdir "$R" || fail "cannot make $R"
	pad=$(printf '%815s' '' | sed 's| |j/../|g')
	i=39
	ln -s "${pad}j" "$R/s$i" || fail "cannot make $R/s$i"
	while [ $i -gt 0 ]; do
		ln -s "${pad}s$i" "$R/s$((i - 1))" || fail "cannot make $R/s$i"
		i=$((i - 1))
	done
	# The first two CPUs this test may use; "raw" (a step that changes
	# nothing) in place of "cpu:N" when there is one only.
	# shellcheck disable=SC2046 # one CPU a word
	set -- $(awk '/^Cpus_allowed_list:/ {
		n = split($2, r, ",")
		for (i = 1; i <= n; i++) {
			m = split(r[i], b, "-")
			for (c = b[1]; c <= b[m]; c++)
				print c
		}
	}' /proc/self/status | head -n 2)
	jail_cpu=
	cpu_step=raw
	if [ $# -eq 2 ] && command -v taskset >/dev/null 2>&1; then
		jail_cpu=$1
		cpu_step=cpu:$2
	else
		echo "chroot-race: not pinned (one CPU, or no taskset): the race may go unseen"
	fi
	race_start=$(date +%s)
	rounds=0
	escapes=0
	while [ $rounds -lt 5 ]; do
		rounds=$((rounds + 1))
		for mode in native deny; do
			name=chroot-race-$mode
			rm -rf "$R/j" "$R/out" && mkdir "$R/j" "$R/out" &&
				chmod 777 "$R/j" "$R/out" ||
				fail "cannot make $R/j and $R/out"
			jail_run $mode userns capdrop spin:"$R/out/during" \
				"$cpu_step" capraise chroot:"$R/s0" \
				slink:"$R/out/after.0" slink:"$R/out/after.1" \
				slink:"$R/out/after.2"
			jail_check "$name" $mode "ENOENT ENOENT ENOENT"
			# Nothing in the jail; outside it only the links of
			# the calls made before the chroot took effect.
			(cd "$R" && find j out -printf '%p %y %U:%G %l\n' |
				sed 's/ $//' | sort) >"$tmp/tree.got"
			grep -v '^out/during\.[0-9]* l 65534:65534 t$' \
				"$tmp/tree.got" >"$tmp/tree.rest"
			printf '%s\n' "j d 0:0" "out d 0:0" >"$tmp/tree.expected"
			same "$name" "the files differ (round $rounds)" \
				"$tmp/tree.expected" "$tmp/tree.rest"
			esc=$(grep -c '^out/after\.' "$tmp/tree.got")
			[ "$mode" = deny ] && escapes=$((escapes + esc))
			[ "$mode" = native ] && continue
			# The report: the spinning calls in order, each link
			# there iff its call returned 0, then the three after.
			k=$(grep -c '^out/during\.' "$tmp/tree.got")
			calls=$(($(wc -l <"$tmp/report") - 3))
			i=0
			while [ $i -lt $calls ]; do
				if [ -L "$R/out/during.$i" ]; then
					r='0'
				else
					r='-1 ENOENT (No such file or directory)'
				fi
				echo "symlink(\"t\", \"$R/out/during.$i\") = $r"
				i=$((i + 1))
			done >"$tmp/report.expected"
			for i in 0 1 2; do
				echo "symlink(\"t\", \"$R/out/after.$i\") = -1 ENOENT (No such file or directory)"
			done >>"$tmp/report.expected"
			same "$name" "the report differs (round $rounds, $k of $calls spinning calls made a link)" \
				"$tmp/report.expected" "$tmp/report"
		done
		[ $(($(date +%s) - race_start)) -ge 10 ] && break
	done
	# shellcheck disable=SC2059
	printf "$fmt" chroot-race "0 escapes" "$escapes escapes" \
		"$rounds rounds${jail_cpu:+ (CPUs $jail_cpu, ${cpu_step#cpu:})}: userns capdrop spin:out/during $cpu_step capraise chroot:s0 slink:out/after.N"
	jail_cpu=
	[ $escapes -eq 0 ] ||
		mismatch chroot-race "$escapes links made outside the jail after chroot returned, in $rounds rounds"
fi

# The i386 numbers: 16-bit (setuid, ...) and 32-bit (setuid32, ...) ids.
if [ $have32 = yes ]; then
	for b in "" 32; do
		t i386-setuid$b      - "0 EACCES" "$H32" \
			link:"$C/ro/a" setuid$b:65534 link:"$C/ro/b"
		t i386-setreuid$b    - "0 EACCES" "$H32" \
			link:"$C/ro/a" setreuid$b:65534:65534 link:"$C/ro/b"
		t i386-setresuid$b   - "0 EACCES" "$H32" \
			link:"$C/ro/a" setresuid$b:65534:65534:65534 \
			link:"$C/ro/b"
		t i386-setfsuid$b    - "0 EACCES" "$H32" \
			link:"$C/ro/a" setfsuid$b:65534 link:"$C/ro/b"
		t i386-setgroups$b   - "0 EACCES" "$H32" \
			setgroups$b:$G setfsuid:65534 link:"$C/grp/a" \
			setgroups$b:- link:"$C/grp/b"
		t i386-setgid$b      - "0 EACCES" "$H32" \
			setgroups:- setgid$b:$G setfsuid:65534 \
			link:"$C/grp/a" setgid$b:65534 link:"$C/grp/b"
		t i386-setregid$b    - "0 EACCES" "$H32" \
			setgroups:- setregid$b:$G:$G setfsuid:65534 \
			link:"$C/grp/a" setregid$b:65534:65534 link:"$C/grp/b"
		t i386-setresgid$b   - "0 EACCES" "$H32" \
			setgroups:- setresgid$b:$G:$G:$G setfsuid:65534 \
			link:"$C/grp/a" setresgid$b:65534:65534:65534 \
			link:"$C/grp/b"
		t i386-setfsgid$b    - "0 EACCES" "$H32" \
			setgroups:- setfsgid$b:$G setfsuid:65534 \
			link:"$C/grp/a" setfsgid$b:65534 link:"$C/grp/b"
	done
	t i386-setuid-libc       - "0 EACCES" "$H32" \
		libc link:"$C/ro/a" setuid:65534 link:"$C/ro/b"
	t i386-capset            - "0 EACCES" "$H32" \
		link:"$C/nob/a" capdrop link:"$C/nob/b"
	t i386-exec              - "0 EACCES" "$H32" \
		keepcaps setresuid32:65534:65534:65534 capraise \
		link:"$C/ro/a" exec link:"$C/ro/b"
	t i386-chroot            - "0 0" "$H32" \
		link:"$C/ro/a" chroot:"$C/sub" link:"/$L"
	t i386-pivot-root        pivot "0 0" "$H32" \
		link:"$C/ro/a" pivot:"$C/pr:$C/pr/old" link:"/$L"
else
	echo "i386 cases skipped (no credhelper32)"
fi

check_no_leftovers

[ -z "$bad" ] || fail "results differ under symtrace in:$bad"
echo "$n cases: the same results natively and under symtrace"
exit 0
