#!/bin/sh
# deny-results.sh - in deny mode a call no rule denies gets exactly the
# result the kernel would give it.  Each case makes one symlink(2) or
# symlinkat(2) call (tests/mklink) twice, each time in a fresh copy of the
# same fixture at the same path: natively, then under
# "symtrace -r 'deny target=/nowhere/**'" (a rule that can deny but matches
# nothing).  The return value and errno must be the same, and on success
# the new link's owner, group and target; the two trees must be the same
# afterwards (nothing made elsewhere).  Mostly as nobody (some with a
# supplementary group, one with symtrace itself unprivileged), some as
# root; permissions, sticky and setgid directories, dirfds (inherited,
# opened by the caller, O_PATH), a read-only mount, NAME_MAX and PATH_MAX.
# The native result must also be the one the table expects (so that each
# case tests what it says), and symtrace's report must give that result.
. "$TESTSRC/lib.sh"

skip_unless_ptrace

LC_ALL=C
export LC_ALL

[ "$(id -u)" -eq 0 ] || skip "needs root (runs the calls as other users)"
command -v setpriv >/dev/null 2>&1 || skip "no setpriv(1)"
[ -x "$TESTBIN/mklink" ] || fail "$TESTBIN/mklink is not built"

# Everything here must be reachable by nobody.
chmod 755 "$tmp" || fail "cannot open $tmp to nobody"
T=$(cd "$tmp" && pwd -P) || fail "cannot enter $tmp"
mkdir "$T/bin" "$T/rep" && chmod 777 "$T/rep" &&
	cp "$TESTBIN/mklink" "$T/bin/mklink" && chmod 755 "$T/bin/mklink" ||
	fail "cannot set up $T/bin"
# shellcheck disable=SC2034 # used through eval
mklink=$T/bin/mklink
# The copy every case runs in (the same path each time).
C=$T/c
rule='deny target=/nowhere/**'

# A read-only mount needs a mount namespace of our own.
have_mntns=yes
unshare -m sh -c "mount -t tmpfs -o ro tmpfs '$T/rep' && exit 0" \
	2>/dev/null || have_mntns=no
# symtrace run by nobody needs ptrace to be permitted to nobody.
have_userptrace=yes
setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$SYMTRACE" -r "$rule" -- true >/dev/null 2>&1 || have_userptrace=no

# ---- the fixture ----
F=$T/fixture
G1=4242 # group of the setgid directory
G2=4243 # a group nobody gets only as a supplementary group
(
	set -e
	mkdir "$F"
	cd "$F"
	# w: nobody's own directory.
	mkdir w w/sub
	echo x >w/exists
	ln -s /nowhere/at/all w/dangling
	chown -R 65534:65534 w
	# ro: root's, not writable by nobody; nox: not searchable.
	mkdir ro nox nox/sub
	chmod 777 nox/sub
	chmod 666 nox
	# A loop, and a symlink to a directory.
	ln -s loop2 loop1
	ln -s loop1 loop2
	ln -s w sym
	# /tmp-like, with another user's file.
	mkdir sticky
	chmod 1777 sticky
	echo x >sticky/other
	chown 1000:1000 sticky/other
	# setgid, writable by nobody as its owner.
	mkdir sgid
	chown 65534:$G1 sgid
	chmod 2775 sgid
	# Writable by group G2 only; and the same, setgid.
	mkdir grp sgrp
	chown 0:$G2 grp sgrp
	chmod 0770 grp
	chmod 2770 sgrp
	# Where the read-only tmpfs goes.
	mkdir rofs
	chmod 777 rofs
) || fail "cannot build the fixture"

# Long strings: a name of NAME_MAX bytes and one more; link paths of
# PATH_MAX - 1 bytes (fine) and PATH_MAX + 1; targets of PATH_MAX - 1 and
# PATH_MAX bytes (no NUL within PATH_MAX: ENAMETOOLONG).
name255=$(printf '%0255d' 0 | tr 0 n)
name256=${name255}n
dots=$(printf '%02046d' 0 | sed 's|0|./|g') # 4092 bytes
path4095=w/${dots}l
path4097=w/${dots}./l
t4095=$(printf '%04095d' 0 | tr 0 t)
t4096=${t4095}t
[ ${#path4095} -eq 4095 ] && [ ${#path4097} -eq 4097 ] &&
	[ ${#t4096} -eq 4096 ] && [ ${#name256} -eq 256 ] ||
	fail "cannot build the long strings"

# ---- running one side ----
# $T/inner.sh CHECK CMD...: run CMD (its stdout is mklink's result line);
# print that line and, after a success, "owner=UID:GID target=T" of the
# link CHECK ("-": none); a target longer than 64 bytes is shown as its
# length and checksum.  Exits with CMD's status.
cat >"$T/inner.sh" <<'EOF'
check=$1
shift
res=$("$@")
st=$?
printf '%s' "$res"
if [ "$res" = ret=0 ] && [ "$check" != - ]; then
	own=$(stat -c '%u:%g' -- "$check" 2>&1)
	tgt=$(readlink -- "$check" 2>&1) || tgt="(not a link: $tgt)"
	if [ ${#tgt} -gt 64 ]; then
		tgt="<${#tgt} bytes, cksum $(printf '%s' "$tgt" | cksum)>"
	fi
	printf ' owner=%s target=%s' "$own" "$tgt"
fi
echo
exit $st
EOF

# side MODE WHO ENV CHECK CALL...: in a fresh copy $C of the fixture, make
# the call "mklink CALL" as WHO (root, nobody, nobody+GID: with that
# supplementary group), natively (MODE native) or under symtrace (traced),
# in ENV ("-"; rofs: a read-only tmpfs on rofs, in a mount namespace of
# its own; usertracer: symtrace runs as WHO too, not as root).  The call
# has fd 5 open on w and fd 6 on ro.  Its result line goes to
# $tmp/res.MODE, symtrace's stderr to $tmp/err.MODE, its report to
# $T/rep/report, the tree afterwards to $tmp/tree.MODE.
side()
{
	_mode=$1 _who=$2 _env=$3 _check=$4
	shift 4
	cd "$T" && rm -rf "$C" && cp -a "$F" "$C" && cd "$C" ||
		fail "$name: cannot make a fresh copy of the fixture"
	rm -f "$T/rep/report"
	case $_who in
	root) _as= ;;
	nobody) _as="setpriv --reuid=65534 --regid=65534 --clear-groups" ;;
	nobody+*)
		_as="setpriv --reuid=65534 --regid=65534 --groups=${_who#nobody+}"
		;;
	*) fail "$name: bad WHO $_who" ;;
	esac
	# (Words quoted for eval: paths may hold spaces.)
	# shellcheck disable=SC2016
	_st='"$SYMTRACE" -r "$rule" -o "$T/rep/report" --'
	case $_mode/$_env in
	native/*) _cmd="$_as" ;;
	traced/usertracer) _cmd="$_as $_st" ;;
	traced/*) _cmd="$_st $_as" ;;
	esac
	_cmd="sh \"\$T/inner.sh\" \"\$_check\" $_cmd \"\$mklink\" \"\$@\""
	if [ "$_env" = rofs ]; then
		# shellcheck disable=SC2016 # expanded by the inner shell
		_cmd="unshare -m sh -c 'mount -t tmpfs -o ro tmpfs rofs &&
			exec \"\$@\"' sh $_cmd"
	fi
	eval "$_cmd" >"$tmp/res.$_mode" 2>"$tmp/err.$_mode" 5<w 6<ro
	side_end "$_mode" $?
}

# ---- the table ----
fmt='%-22s %-11s %-12s %-9s %-40s %s\n'
# shellcheck disable=SC2059 # the format is $fmt
printf "$fmt" CASE WHO EXPECT CALL NATIVE SYMTRACE

# t NAME WHO ENV EXPECT CHECK CALL...: one case (see side).  EXPECT is 0
# or the errno name the native call must give.
t()
{
	name=$1 who=$2 env=$3 expect=$4 check=$5
	shift 5
	n=$((n + 1))
	case $env in
	rofs) [ $have_mntns = yes ] || {
		echo "$name: skipped (no mount namespace)"
		return
	} ;;
	usertracer) [ $have_userptrace = yes ] || {
		echo "$name: skipped (nobody may not ptrace)"
		return
	} ;;
	esac
	side native "$who" "$env" "$check" "$@"
	side traced "$who" "$env" "$check" "$@"
	native=$(cat "$tmp/res.native")
	traced=$(cat "$tmp/res.traced")
	# shellcheck disable=SC2059
	printf "$fmt" "$name" "$who" "$expect" "$1" "$native" "$traced"

	# The fixture does what the case says.
	if [ "$expect" = 0 ]; then
		want=ret=0
	else
		want="ret=-1 errno=$expect"
	fi
	case $native in
	"$want" | "$want "*) ;;
	*)
		show "native stderr" "$tmp/err.native"
		fail "case $name: native result '$native', expected '$want' (the fixture is wrong)"
		;;
	esac
	[ "$status_native" -eq 0 ] || fail "case $name: native exit status $status_native"

	# symtrace: no message, the same exit status, exactly one report line
	# with the result the caller got.
	if [ -s "$tmp/err.traced" ]; then
		show "symtrace stderr" "$tmp/err.traced"
		mismatch "$name" "symtrace printed on stderr"
	fi
	if [ "$status_traced" -ne "$status_native" ]; then
		mismatch "$name" "exit status $status_traced under symtrace, $status_native natively"
	fi
	if [ "$traced" != "$native" ]; then
		mismatch "$name" "native '$native', under symtrace '$traced'"
	fi
	if ! diff -u "$tmp/tree.native" "$tmp/tree.traced" >"$tmp/diff"; then
		mismatch "$name" "the trees differ afterwards:"
		head -n 20 "$tmp/diff" | cut -c1-200
	fi
	case $traced in
	ret=0*) rep_want=' = 0' ;;
	"ret=-1 errno="*)
		rep_want=${traced#ret=-1 errno=}
		rep_want=" = -1 ${rep_want%% *} ("
		;;
	*) rep_want='?' ;;
	esac
	if [ -e "$T/rep/report" ]; then
		sed 's/^\[pid [0-9]*\] //' "$T/rep/report" >"$tmp/report"
	else
		: >"$tmp/report"
	fi
	if [ "$(wc -l <"$tmp/report")" -ne 1 ] ||
		! grep -qF -- "$rep_want" "$tmp/report"; then
		cut -c1-300 "$tmp/report" >&2
		mismatch "$name" "the report does not say '$rep_want' in one line"
	fi
	:
}

#  NAME                  WHO        ENV   EXPECT  CHECK   CALL
t success                nobody     -     0       w/l     symlinkat t cwd w/l
t success-symlink        nobody     -     0       w/l     symlink t w/l
t absolute-target        nobody     -     0       w/l     symlink /etc/passwd w/l
t exists                 nobody     -     EEXIST  -       symlinkat t cwd w/exists
t exists-dangling        nobody     -     EEXIST  -       symlinkat t cwd w/dangling
t missing-parent         nobody     -     ENOENT  -       symlinkat t cwd w/missing/l
t parent-is-file         nobody     -     ENOTDIR -       symlinkat t cwd w/exists/l
t dir-not-writable       nobody     -     EACCES  -       symlink t ro/l
t ancestor-no-search     nobody     -     EACCES  -       symlinkat t cwd nox/sub/l
t loop-in-dir            nobody     -     ELOOP   -       symlinkat t cwd loop1/l
t slash-new-name         nobody     -     ENOENT  -       symlinkat t cwd w/new/
t slash-existing         nobody     -     EEXIST  -       symlinkat t cwd w/exists/
t slash-existing-dir     nobody     -     EEXIST  -       symlinkat t cwd w/sub/
t empty-linkpath         nobody     -     ENOENT  -       symlinkat t cwd ''
t empty-target           nobody     -     ENOENT  -       symlinkat '' cwd w/l
t dot                    nobody     -     EEXIST  -       symlinkat t cwd w/.
t dotdot                 nobody     -     EEXIST  -       symlinkat t cwd w/sub/..
t root-dir               nobody     -     EEXIST  -       symlink t /
t through-dir-symlink    nobody     -     0       w/l     symlinkat t cwd sym/l
t dirfd-opened           nobody     -     0       w/l     symlinkat t w l
t dirfd-o-path           nobody     -     0       w/l     symlinkat t path=w l
t dirfd-inherited        nobody     -     0       w/l     symlinkat t fd=5 l
t dirfd-not-writable     nobody     -     EACCES  -       symlinkat t fd=6 l
t dirfd-absolute-link    nobody     -     0       w/l     symlinkat t fd=6 "$C/w/l"
t dirfd-dotdot           nobody     -     0       w/l     symlinkat t w/sub ../l
t dirfd-not-a-dir        nobody     -     ENOTDIR -       symlinkat t w/exists l
t dirfd-bad              nobody     -     EBADF   -       symlinkat t fd=99 l
t read-only-mount        nobody     rofs  EROFS   -       symlinkat t cwd rofs/l
t read-only-mount-root   root       rofs  EROFS   -       symlinkat t cwd rofs/l
t sticky-other-owner     nobody     -     EEXIST  -       symlinkat t cwd sticky/other
t sticky-new-name        nobody     -     0       sticky/l symlinkat t cwd sticky/l
t setgid-dir             nobody     -     0       sgid/l  symlinkat t cwd sgid/l
t supp-group-write       nobody+$G2 -     0       grp/l   symlinkat t cwd grp/l
t supp-group-missing     nobody     -     EACCES  -       symlinkat t cwd grp/l
t supp-group-setgid      nobody+$G2 -     0       sgrp/l  symlinkat t cwd sgrp/l
t name-max               nobody     -     0       "w/$name255" symlinkat t cwd "w/$name255"
t name-too-long          nobody     -     ENAMETOOLONG - symlinkat t cwd "w/$name256"
t path-max-1             nobody     -     0       w/l     symlinkat t cwd "$path4095"
t path-too-long          nobody     -     ENAMETOOLONG - symlinkat t cwd "$path4097"
t target-max-1           nobody     -     0       w/l     symlinkat "$t4095" cwd w/l
t target-too-long        nobody     -     ENAMETOOLONG - symlinkat "$t4096" cwd w/l
t root-dir-not-writable  root       -     0       ro/l    symlinkat t cwd ro/l
t root-no-search         root       -     0       nox/sub/l symlinkat t cwd nox/sub/l
t root-setgid-dir        root       -     0       sgid/l  symlinkat t cwd sgid/l
t usertracer-success     nobody     usertracer 0  w/l     symlinkat t cwd w/l
t usertracer-eacces      nobody     usertracer EACCES - symlinkat t cwd ro/l

# ---- two reports, exactly ----
# report_is WHO LINE CALL...: the report of "mklink CALL" made as WHO
# under symtrace is exactly LINE.
report_is()
{
	_who=$1 _line=$2
	shift 2
	side traced "$_who" - - "$@"
	if [ -e "$T/rep/report" ]; then
		sed 's/^\[pid [0-9]*\] //' "$T/rep/report" >"$tmp/report"
	else
		: >"$tmp/report"
	fi
	printf '%s\n' "$_line" >"$tmp/want"
	diff -u "$tmp/want" "$tmp/report" >"$tmp/diff" || {
		mismatch "$name" "wrong report:"
		cut -c1-300 "$tmp/diff"
	}
}
name=report-success
report_is nobody "symlinkat(\"t\", AT_FDCWD<$C>, \"w/l\") = 0" \
	symlinkat t cwd w/l
name=report-eacces
report_is nobody \
	"symlink(\"t\", \"ro/l\"<$C/ro/l>) = -1 EACCES (Permission denied)" \
	symlink t ro/l

check_no_leftovers

[ -z "$bad" ] || fail "results differ under symtrace in:$bad"
echo "$n cases: the same results natively and under symtrace"
exit 0
