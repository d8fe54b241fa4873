#!/bin/sh
# shared-hosting.sh - contrib/shared-hosting.rules, as shipped, on a real
# shared host: sites under /srv/www, one system user per site whose home
# is its site (site1 and site2, uid 2001 and 2002, shell /bin/sh).  Runs
# in a mount namespace of its own (unshare -m) with a private tmpfs on
# /srv and copies of /etc/passwd and /etc/group (plus the two sites)
# bind-mounted over the real ones: the host's /etc and /srv are not
# touched.
#
# Attacks, as site1 (issue 15 and variants an attacker who read the rules
# and the man page would try): each first runs natively (the link is made
# and leads to the forbidden file: /etc/passwd's first line, or site2's
# wp-config.php, read through it), then under
#   symtrace --rules=contrib/shared-hosting.rules
# where the link must not exist afterwards, the command must see EPERM,
# and the report must be exactly the expected lines, the denied one naming
# shared-hosting.rules:LINE (LINE found with grep, not written here).
# What sites really do must stay allowed (links inside the site: a
# release switch, shared storage, node_modules/.bin, uploads, ln -sf, a
# symlinkat with a dirfd, a hard link and a rename of links, tar -x, git
# checkout, a link into /usr/share): made exactly, no denial reported.
# Root is not restricted.
#
# Every case runs; the test prints PASS or FAIL for each and fails at the
# end if any did.  Needs root, ptrace, unshare(1), setpriv(1) and /srv.
. "$TESTSRC/lib.sh"

LC_ALL=C
export LC_ALL

# ---- outside: the checks, then the same script in a mount namespace -------
if [ -z "${SHARED_HOSTING_NS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || skip "needs root (site users, a mount namespace)"
	skip_unless_ptrace
	for c in unshare setpriv mount getent; do
		command -v $c >/dev/null 2>&1 || skip "needs $c"
	done
	[ -d /srv ] || skip "no /srv to mount a private tmpfs on"
	unshare -m true 2>/dev/null || skip "cannot make a mount namespace"
	SHARED_HOSTING_NS=1
	export SHARED_HOSTING_NS
	# unshare(1) makes every mount private to the new namespace.
	unshare -m /bin/sh "$0" "$@"
	st=$?
	[ $st -eq 0 ] && check_no_leftovers
	exit $st
fi

# ---- inside the mount namespace --------------------------------------------
RULES=$(cd "$TESTSRC/.." && pwd -P)/contrib/shared-hosting.rules
[ -r "$RULES" ] || fail "no $RULES"
W=/srv/www
S1=$W/site1
S2=$W/site2

# Nothing mounted here may reach the host's namespace (unshare(1) makes
# the mounts private already; older versions did not).
mount --make-rprivate / || fail "cannot make the mounts private"
mount -t tmpfs -o mode=0755 symtrace-test /srv || fail "cannot mount /srv"
# The password database with the two sites (any entry of the host with
# their names or ids left out).
grep -Ev '^(site1|site2):|^[^:]*:[^:]*:(2001|2002):' /etc/passwd \
	>"$tmp/passwd" && cat >>"$tmp/passwd" <<EOF || fail "passwd"
site1:x:2001:2001:site one:$S1:/bin/sh
site2:x:2002:2002:site two:$S2:/bin/sh
EOF
grep -Ev '^(site1|site2):|^[^:]*:[^:]*:(2001|2002):' /etc/group \
	>"$tmp/group" && printf '%s\n' site1:x:2001: site2:x:2002: \
	>>"$tmp/group" || fail "group"
chmod 644 "$tmp/passwd" "$tmp/group"
mount --bind "$tmp/passwd" /etc/passwd && mount --bind "$tmp/group" /etc/group ||
	fail "cannot bind-mount passwd and group"
[ "$(getent passwd site1)" = "site1:x:2001:2001:site one:$S1:/bin/sh" ] ||
	skip "the password database does not read /etc/passwd (nscd, sssd?)"

# The host: two sites, a shared sticky directory, system links.
mkdir -p $S1/releases/41 $S1/releases/42/public $S1/releases/43 \
	$S1/shared/storage $S1/shared/uploads $S1/app/node_modules/x \
	$S1/app/node_modules/.bin $S1/public/wp-content $S2/uploads \
	/srv/tmp /srv/sys /srv/bin || fail "mkdir"
echo '<?php echo 42;' >$S1/releases/42/public/index.php
echo 'console.log(1)' >$S1/app/node_modules/x/cli.js
chown -R 2001:2001 $S1 && chown -R 2002:2002 $S2 && chmod 755 $S1 $S2 ||
	fail "chown"
echo "<?php define('DB_PASSWORD', 'site2-secret');" >$S2/wp-config.php
chown 2002:2002 $S2/wp-config.php && chmod 640 $S2/wp-config.php
# A common mistake: an uploads directory writable by everyone.
chmod 777 $S2/uploads
chmod 1777 /srv/tmp
cp "$TESTBIN/mklink" /srv/bin/mklink && chmod 755 /srv/bin/mklink ||
	fail "cannot copy mklink"
# A symbolic link on the system into a directory of /etc (like
# /usr/share/groff/site-tmac -> /etc/groff).
etcdir=
for d in /etc/ssl /etc/default /etc/skel /etc/*; do
	[ -d "$d" ] && [ ! -L "$d" ] && { etcdir=$d; break; }
done
[ -n "$etcdir" ] || fail "no directory in /etc"
ln -s "$etcdir" /srv/sys/etclink

# rule_line TEXT: the line number of the rule TEXT in the rules file.
rule_line()
{
	_n=$(grep -cxF -- "$1" "$RULES")
	[ "$_n" -eq 1 ] || fail "rule '$1': $_n lines in $RULES, expected 1"
	grep -nxF -- "$1" "$RULES" | cut -d: -f1
}
L_ETC=$(rule_line 'deny target=/etc/**')
L_SITE=$(rule_line 'deny uid=1000-')
echo "rules: $RULES; /etc at line $L_ETC, the site catch-all at line $L_SITE"

PASSWD1=$(head -n 1 /etc/passwd)
WPCONF1=$(head -n 1 $S2/wp-config.php)
eperm='= -1 EPERM (Operation not permitted)'

SITE1='setpriv --reuid=2001 --regid=2001 --clear-groups env HOME=/srv/www/site1 USER=site1 LOGNAME=site1 GIT_CONFIG_NOSYSTEM=1'

# ---- helpers -----------------------------------------------------------
failed=
cname=
cbad=

# begin NAME: a new case.
begin()
{
	cname=$1
	cbad=
}

# bad MESSAGE: a failed check of the current case (the test goes on).
bad()
{
	echo "  $cname: $*" >&2
	cbad=yes
}

# end: PASS or FAIL for the current case.
end()
{
	if [ -n "$cbad" ]; then
		echo "FAIL: $cname"
		failed="$failed
  $cname"
		[ -s "$tmp/rep" ] && show "report of $cname" "$tmp/rep"
	else
		echo "PASS: $cname"
	fi
}

# native DIR SCRIPT: SCRIPT as site1 in DIR, without symtrace; its status
# in $nst, its stderr in $tmp/n.err.
native()
{
	# shellcheck disable=SC2086 # $SITE1 is a command line
	$SITE1 sh -c "cd '$1' && $2" </dev/null >"$tmp/n.out" 2>"$tmp/n.err"
	nst=$?
}

# traced DIR SCRIPT [USER]: SCRIPT as site1 (or root with USER=root) in
# DIR under symtrace with the rules; status in $tst, stdout and stderr in
# $tmp/t.out and $tmp/t.err, the report less "[pid N] " in $tmp/rep.
traced()
{
	if [ "${3:-}" = root ]; then
		"$SYMTRACE" -o "$tmp/rep.raw" --rules="$RULES" -- \
			sh -c "cd '$1' && $2" </dev/null >"$tmp/t.out" \
			2>"$tmp/t.err"
	else
		# shellcheck disable=SC2086
		"$SYMTRACE" -o "$tmp/rep.raw" --rules="$RULES" -- \
			$SITE1 sh -c "cd '$1' && $2" </dev/null >"$tmp/t.out" \
			2>"$tmp/t.err"
	fi
	tst=$?
	sed 's/^\[pid [0-9]*\] //' "$tmp/rep.raw" >"$tmp/rep"
}

# control_leads LINK FILE: natively, LINK was made and leads to FILE (its
# real path, and FILE's first line read through it, by root).
control_leads()
{
	[ -L "$1" ] || fail "$cname: native control: $1 was not made" \
		"(status $nst: $(cat "$tmp/n.err"))"
	_real=$(readlink -f "$1")
	[ "$_real" = "$2" ] ||
		fail "$cname: native control: $1 leads to '$_real', not $2"
	[ "$(head -n 1 "$1")" = "$(head -n 1 "$2")" ] ||
		fail "$cname: native control: $1 does not read as $2"
}

# control_reads PATH LINE: natively, site1 reads LINE first through PATH.
control_reads()
{
	_got=$($SITE1 head -n 1 "$1" 2>&1)
	[ "$_got" = "$2" ] ||
		fail "$cname: native control: site1 read '$_got' through $1"
}

# clean PATH...: remove what the native control made.
clean()
{
	rm -rf "$@" || fail "cannot remove $*"
}

# report LINE...: the report is exactly these lines.
report()
{
	printf '%s\n' "$@" >"$tmp/want"
	diff -u "$tmp/want" "$tmp/rep" >"$tmp/diff" || {
		sed 's/^/    /' "$tmp/diff" >&2
		bad "the report is not the expected one"
	}
}

# denied LINE CALL RULELINE: the report line of CALL denied by RULELINE.
# What a deny that may rest on a target through /proc adds.
MAGIC="<target unjudged: magic link on the target's way>"

denied()
{
	printf '%s %s <denied rule %s:%s>' "$1" "$eperm" "$RULES" "$2"
}

# sl TARGET DIR NAME: "symlinkat(TARGET, AT_FDCWD<DIR>, NAME)".
sl()
{
	printf 'symlinkat("%s", AT_FDCWD<%s>, "%s")' "$1" "$2" "$3"
}

# saw_eperm N: the command failed and said "Operation not permitted"
# exactly N times, and nothing else.
saw_eperm()
{
	[ "$tst" -ne 0 ] || bad "the command succeeded"
	_lines=$(wc -l <"$tmp/t.err")
	_eperm=$(grep -c ': Operation not permitted$' "$tmp/t.err")
	[ "$_lines" -eq "$1" ] && [ "$_eperm" -eq "$1" ] ||
		bad "stderr is not $1 EPERM message(s): $(cat "$tmp/t.err")"
}

# ok_run: the command succeeded and printed nothing on stderr.
ok_run()
{
	[ "$tst" -eq 0 ] || bad "exit status $tst: $(cat "$tmp/t.err")"
	[ -s "$tmp/t.err" ] && bad "stderr: $(cat "$tmp/t.err")"
	:
}

# absent PATH...: nothing at PATH.
absent()
{
	for _p in "$@"; do
		if [ -e "$_p" ] || [ -L "$_p" ]; then
			bad "$_p exists (-> $(readlink "$_p"))"
		fi
	done
}

# is_link PATH TARGET: PATH is a symbolic link holding exactly TARGET.
is_link()
{
	if [ ! -L "$1" ]; then
		bad "$1 is not a symbolic link"
	elif [ "$(readlink "$1")" != "$2" ]; then
		bad "$1 -> '$(readlink "$1")', expected '$2'"
	fi
}

# no_denial: the report names no denial, kill or refusal.
no_denial()
{
	grep -E '<(denied|killed|refused)' "$tmp/rep" >"$tmp/den" &&
		bad "denied: $(cat "$tmp/den")"
	:
}

# as_site1 CMD...: root makes something as site1 (setup, not a case).
as_site1()
{
	# shellcheck disable=SC2086
	$SITE1 "$@" || fail "setup as site1 failed: $*"
}

# ==== what sites really do: allowed =====================================

begin "allowed: current -> releases/42"
traced $S1 'ln -s releases/42 current'
ok_run
is_link $S1/current releases/42
report "$(sl releases/42 $S1 current) = 0"
end

begin "allowed: app/storage -> ../shared/storage"
traced $S1/app 'ln -s ../shared/storage storage'
ok_run
is_link $S1/app/storage ../shared/storage
report "$(sl ../shared/storage $S1/app storage) = 0"
end

begin "allowed: node_modules/.bin/x -> ../x/cli.js"
traced $S1/app/node_modules/.bin 'ln -s ../x/cli.js x'
ok_run
is_link $S1/app/node_modules/.bin/x ../x/cli.js
report "$(sl ../x/cli.js $S1/app/node_modules/.bin x) = 0"
end

begin "allowed: wp-content/uploads -> ../../shared/uploads"
traced $S1/public/wp-content 'ln -s ../../shared/uploads uploads'
ok_run
is_link $S1/public/wp-content/uploads ../../shared/uploads
report "$(sl ../../shared/uploads $S1/public/wp-content uploads) = 0"
end

begin "allowed: ln -sfn releases/43 current (replaces a link)"
[ -L $S1/current ] || as_site1 ln -s releases/42 $S1/current
traced $S1 'ln -sfn releases/43 current'
ok_run
is_link $S1/current releases/43
sed 's/"Cu[A-Za-z0-9]\{6\}"/"CuXXXXXX"/g' "$tmp/rep" >"$tmp/rep.n"
first="$(sl releases/43 $S1 current) = -1 EEXIST (File exists)"
# coreutils 9: a temporary link renamed over; before: unlink, symlink.
printf '%s\n' "$first" "$(sl releases/43 $S1 CuXXXXXX) = 0" \
	'renameat("CuXXXXXX", "current") = 0' >"$tmp/want9"
printf '%s\n' "$first" "$(sl releases/43 $S1 current) = 0" >"$tmp/want8"
cmp -s "$tmp/want9" "$tmp/rep.n" || cmp -s "$tmp/want8" "$tmp/rep.n" ||
	bad "the report is neither form of ln -sf: $(cat "$tmp/rep")"
end

begin "allowed: symlinkat with a dirfd on the site"
traced $S1 "/srv/bin/mklink symlinkat releases/42 $S1 dl"
ok_run
[ "$(cat "$tmp/t.out")" = ret=0 ] || bad "mklink: $(cat "$tmp/t.out")"
is_link $S1/dl releases/42
report "symlinkat(\"releases/42\", 3<$S1>, \"dl\") = 0"
end

begin "allowed: a hard link and a rename of a link in the site"
as_site1 ln -s ../../shared/storage $S1/releases/41/cache
traced $S1 'ln releases/41/cache releases/42/cache && mv releases/41 releases/40'
ok_run
is_link $S1/releases/42/cache ../../shared/storage
is_link $S1/releases/40/cache ../../shared/storage
report 'linkat("releases/41/cache", "releases/42/cache") = 0' \
	'renameat2("releases/41", "releases/40", RENAME_NOREPLACE) = 0'
end

# Re-aiming a link later (second red-team pass): a link through a
# directory of the site, the directory then replaced by a link.  With a
# ".." after the name, the new link's place is climbed out of; through a
# link into a system tree, that tree's own links are followed.  Natively
# both reach /etc; the rules refuse the ".." after a name (dotdot=leading)
# and links into system trees.
t=p/q/r/d/../../../../site2/wp-config.php
begin "attack: ln -s $t w (inside the site), then p made a link to ."
native $S1 "mkdir -p p/q/r/d q/r/d && ln -s $t w && rm -r p && ln -s . p"
control_leads $S1/w $S2/wp-config.php
clean $S1/w $S1/p $S1/q
traced $S1 "mkdir -p p/q/r/d q/r/d && ln -s $t w"
saw_eperm 1
absent $S1/w
report "$(denied "$(sl $t $S1 w)" "$L_SITE")"
clean $S1/p $S1/q
end

begin "attack: a link into a system tree that links into /etc"
sysdir=/srv/sys/share
mkdir -p $sysdir && ln -sfn "$etcdir" $sysdir/conf || fail "setup $sysdir"
etcfile=$(find "$etcdir" -maxdepth 1 -type f -readable | sort | head -n 1)
[ -n "$etcfile" ] || fail "no readable file in $etcdir"
native $S1 "mkdir d2 && ln -s d2/conf/${etcfile##*/} la && rmdir d2 && ln -s $sysdir d2"
control_leads $S1/la "$etcfile"
clean $S1/la $S1/d2
traced $S1 "ln -s $sysdir d2"
saw_eperm 1
absent $S1/d2
report "$(denied "$(sl $sysdir $S1 d2)" "$L_SITE")"
end

begin "allowed: tar -x of a tree with links inside"
mkdir -p "$tmp/pkg/theme/src/lib" "$tmp/pkg/theme/bin" &&
	echo 'echo hi' >"$tmp/pkg/theme/src/tool.sh" &&
	ln -s src/lib "$tmp/pkg/theme/lib" &&
	ln -s ../src/tool.sh "$tmp/pkg/theme/bin/tool" &&
	ln -s ../../bin "$tmp/pkg/theme/src/lib/up" &&
	tar -C "$tmp/pkg" -cf /srv/theme.tar theme && chmod 644 /srv/theme.tar ||
	fail "cannot make the archive"
mkdir $S1/tarx && chown 2001:2001 $S1/tarx
traced $S1/tarx 'tar -xf /srv/theme.tar'
ok_run
is_link $S1/tarx/theme/lib src/lib
is_link $S1/tarx/theme/bin/tool ../src/tool.sh
is_link $S1/tarx/theme/src/lib/up ../../bin
no_denial
n=$(grep -c '^symlinkat(.* = 0$' "$tmp/rep")
[ "$n" -eq 3 ] || bad "$n symlinkat calls made, expected 3"
end

begin "allowed: git checkout of commits with links inside"
if command -v git >/dev/null 2>&1; then
	as_site1 sh -c "set -e; cd $S1; mkdir repo; cd repo; git init -q
		mkdir -p src/docs src/a src/b
		echo x >src/docs/README; echo y >src/b/file
		git add .; git -c user.name=s1 -c user.email=s1@example.invalid \
			commit -qm base; git rev-parse HEAD >../.git-a
		ln -s src/docs docs; ln -s ../b/file src/a/link
		git add .; git -c user.name=s1 -c user.email=s1@example.invalid \
			commit -qm links; git rev-parse HEAD >../.git-b
		git checkout -q --detach \$(cat ../.git-a)"
	[ -e $S1/repo/docs ] || [ -L $S1/repo/docs ] &&
		fail "git setup: docs still there after checking out the base"
	traced $S1/repo "git checkout -q --detach $(cat $S1/.git-b)"
	ok_run
	is_link $S1/repo/docs src/docs
	is_link $S1/repo/src/a/link ../b/file
	no_denial
	n=$(grep -Ec '^symlink(at)?\(.* = 0$' "$tmp/rep")
	[ "$n" -eq 2 ] || bad "$n symlink calls made, expected 2"
else
	echo "  (git not installed: the checkout case is not run)"
	: >"$tmp/rep"
fi
end

begin "allowed: root links anywhere"
traced $S1 'ln -s /etc/passwd rootlink' root
ok_run
is_link $S1/rootlink /etc/passwd
report "$(sl /etc/passwd $S1 rootlink) = 0"
end

# ==== attacks: refused ====================================================

begin "attack: ln -s / r"
native $S1 'ln -s / r'
control_reads $S1/r/etc/passwd "$PASSWD1"
clean $S1/r
traced $S1 'ln -s / r'
saw_eperm 1
absent $S1/r
report "$(denied "$(sl / $S1 r)" "$L_ETC")"
end

# L -> . in public/: L/L/L/../../../.. climbs from public/ to / physically
# but stays in the site lexically.
for dir in $S1/public $S1; do
	begin "attack: ln -s . L; ln -s L/L/L/../../../../etc/passwd x.txt (in $dir)"
	t=L/L/L/../../../../etc/passwd
	native "$dir" "ln -s . L; ln -s $t x.txt"
	control_leads "$dir/x.txt" /etc/passwd
	control_reads "$dir/x.txt" "$PASSWD1"
	clean "$dir/x.txt" "$dir/L"
	traced "$dir" "ln -s . L; ln -s $t x.txt"
	saw_eperm 1
	absent "$dir/x.txt"
	is_link "$dir/L" .
	report "$(sl . "$dir" L) = 0" "$(denied "$(sl $t "$dir" x.txt)" "$L_ETC")"
	clean "$dir/L"
	end
done

# The same toward another site: lexically in site1, physically site2's.
t=L/L/L/../../../../srv/www/site2/wp-config.php
begin "attack: ln -s . L; ln -s $t wp.php (in public)"
native $S1/public "ln -s . L; ln -s $t wp.php"
control_leads $S1/public/wp.php $S2/wp-config.php
clean $S1/public/wp.php $S1/public/L
traced $S1/public "ln -s . L; ln -s $t wp.php"
saw_eperm 1
absent $S1/public/wp.php
report "$(sl . $S1/public L) = 0" \
	"$(denied "$(sl $t $S1/public wp.php)" "$L_SITE")"
clean $S1/public/L
end

t=L/../site2/wp-config.php
begin "attack: ln -s . L; ln -s $t wp.php (in the site's root)"
native $S1 "ln -s . L; ln -s $t wp.php"
control_leads $S1/wp.php $S2/wp-config.php
clean $S1/wp.php $S1/L
traced $S1 "ln -s . L; ln -s $t wp.php"
saw_eperm 1
absent $S1/wp.php
report "$(sl . $S1 L) = 0" "$(denied "$(sl $t $S1 wp.php)" "$L_SITE")"
clean $S1/L
end

# The site's own uploads link leads one level up (public/wp-content/uploads
# -> shared/uploads): ".." after it leaves the site physically only.
t=uploads/../../../site2/wp-config.php
begin "attack: $t through the site's own uploads link"
[ -L $S1/public/wp-content/uploads ] ||
	as_site1 ln -s ../../shared/uploads $S1/public/wp-content/uploads
native $S1/public/wp-content "ln -s $t w.php"
control_leads $S1/public/wp-content/w.php $S2/wp-config.php
clean $S1/public/wp-content/w.php
traced $S1/public/wp-content "ln -s $t w.php"
saw_eperm 1
absent $S1/public/wp-content/w.php
report "$(denied "$(sl $t $S1/public/wp-content w.php)" "$L_SITE")"
end

# /proc/PID: this shell's, which root can follow.
for t in /proc/self/root/etc/passwd /proc/$$/root/etc/passwd \
	/proc/self/cwd/../../site2/wp-config.php; do
	begin "attack: ln -s $t p (a magic link)"
	native $S1/public "ln -s $t p"
	[ -L $S1/public/p ] || fail "$cname: native control: no link"
	case $t in
	/proc/self/*/etc/passwd) control_reads $S1/public/p "$PASSWD1" ;;
	/proc/$$/*) [ "$(head -n 1 $S1/public/p)" = "$PASSWD1" ] ||
		fail "$cname: native control: root cannot read it" ;;
	*) [ "$(cd $S1/public && head -n 1 p)" = "$WPCONF1" ] ||
		fail "$cname: native control: root cannot read it" ;;
	esac
	clean $S1/public/p
	traced $S1/public "ln -s $t p"
	saw_eperm 1
	absent $S1/public/p
	report "$(denied "$(sl $t $S1/public p)" "$L_ETC") $MAGIC"
	end
done

# Through symbolic links that exist on the system.
sys_targets=/srv/sys/etclink/../passwd
if [ "$(readlink -f /usr/share/groff/site-tmac/..)" = /etc ]; then
	sys_targets="$sys_targets /usr/share/groff/site-tmac/../passwd"
fi
for t in $sys_targets; do
	begin "attack: ln -s $t g (through a system link into /etc)"
	native $S1 "ln -s $t g"
	control_leads $S1/g /etc/passwd
	control_reads $S1/g "$PASSWD1"
	clean $S1/g
	traced $S1 "ln -s $t g"
	saw_eperm 1
	absent $S1/g
	report "$(denied "$(sl $t $S1 g)" "$L_ETC")"
	end
done

begin "attack: ln -s /tmp tm; ln -s tm/../etc/passwd y"
native $S1 'ln -s /tmp tm; ln -s tm/../etc/passwd y'
control_leads $S1/y /etc/passwd
control_reads $S1/y "$PASSWD1"
clean $S1/y $S1/tm
# A link out of the site is refused itself...
traced $S1 'ln -s /tmp tm'
saw_eperm 1
absent $S1/tm
report "$(denied "$(sl /tmp $S1 tm)" "$L_SITE")"
# ...and when one is there (made before symtrace ran), a target through it.
as_site1 ln -s /tmp $S1/tm
traced $S1 'ln -s tm/../etc/passwd y'
saw_eperm 1
absent $S1/y
report "$(denied "$(sl tm/../etc/passwd $S1 y)" "$L_ETC")"
clean $S1/tm
end

# Issue 15's move: harmless where it is made, a link to /etc once moved.
# In the site it is refused already where it is made (it leads out of the
# site); the move then moves no link.
begin "attack: mkdir -p a/b/c; ln -s ../../../../../etc/passwd a/b/c/l; mv a/b/c ."
t=../../../../../etc/passwd
native $S1 "mkdir -p a/b/c; ln -s $t a/b/c/l; mv a/b/c ."
control_leads $S1/c/l /etc/passwd
clean $S1/a $S1/c
traced $S1 "mkdir -p a/b/c; ln -s $t a/b/c/l; mv a/b/c ."
[ "$(wc -l <"$tmp/t.err")" -eq 1 ] &&
	grep -q ': Operation not permitted$' "$tmp/t.err" ||
	bad "stderr is not one EPERM message: $(cat "$tmp/t.err")"
absent $S1/a/b/c/l $S1/c/l
[ -d $S1/c ] || bad "the (empty) directory was not moved"
# (A rename that moves no symbolic link is not reported.)
report "$(denied "$(sl $t $S1 a/b/c/l)" "$L_SITE")"
clean $S1/a $S1/c
end

# Deep enough that the link leads into the site where it is made: the
# move itself, a hard link and a rename of the link are refused.
d=a/b/c/d/e/f/g
t=../../../../../../../etc/passwd
for how in "mv $d ." "ln $d/l l2" "mv $d/l l3"; do
	case $how in
	"mv $d .") new=$S1/g/l call="renameat2(\"$d\", \"g\", RENAME_NOREPLACE)" ;;
	"ln "*) new=$S1/l2 call="linkat(\"$d/l\", \"l2\")" ;;
	*) new=$S1/l3 call="renameat2(\"$d/l\", \"l3\", RENAME_NOREPLACE)" ;;
	esac
	begin "attack: mkdir -p $d; ln -s $t $d/l; $how"
	native $S1 "mkdir -p $d; ln -s $t $d/l; $how"
	control_leads $new /etc/passwd
	clean $S1/a $S1/g $S1/l2 $S1/l3
	traced $S1 "mkdir -p $d; ln -s $t $d/l && $how"
	saw_eperm 1
	absent $new
	is_link $S1/$d/l $t
	report "$(sl $t $S1 $d/l) = 0" "$(denied "$call" "$L_ETC")"
	clean $S1/a $S1/g $S1/l2 $S1/l3
	end
done

# A link made outside the site (in a shared sticky directory), then moved
# or hard-linked into the site.
for how in "ln /srv/tmp/evil x" "mv /srv/tmp/evil x"; do
	begin "attack: /srv/tmp/evil -> /etc/passwd made outside, then $how"
	as_site1 ln -s /etc/passwd /srv/tmp/evil
	native $S1 "$how"
	control_leads $S1/x /etc/passwd
	clean $S1/x /srv/tmp/evil
	as_site1 ln -s /etc/passwd /srv/tmp/evil
	traced $S1 "$how"
	saw_eperm 1
	absent $S1/x
	case $how in
	ln*) call='linkat("/srv/tmp/evil", "x")' ;;
	*) call='renameat2("/srv/tmp/evil", "x", RENAME_NOREPLACE)' ;;
	esac
	report "$(denied "$call" "$L_ETC")"
	clean /srv/tmp/evil
	end
done

# Spellings.  NAME TARGET FILE-IT-LEADS-TO DECIDING-RULE (its variable)
while read -r name t file rl; do
	eval "rl=\$$rl"
	begin "attack: ln -s $t $name"
	native $S1 "ln -s $t $name"
	control_leads $S1/$name "$file"
	clean $S1/$name
	traced $S1 "ln -s $t $name"
	saw_eperm 1
	absent $S1/$name
	report "$(denied "$(sl "$t" $S1 "$name")" "$rl")"
	end
done <<'EOF'
a1 /srv/www/site1/../site2/wp-config.php /srv/www/site2/wp-config.php L_SITE
a2 /srv/www/site2/wp-config.php /srv/www/site2/wp-config.php L_SITE
a3 ../site2/wp-config.php /srv/www/site2/wp-config.php L_SITE
a4 //etc/passwd /etc/passwd L_ETC
a5 ./../../../etc/passwd /etc/passwd L_ETC
a6 /usr/share/../../etc/passwd /etc/passwd L_ETC
a7 /srv/www/site1/../../../etc/passwd /etc/passwd L_ETC
a8 /srv/www/site1/public/../../site2/./wp-config.php /srv/www/site2/wp-config.php L_SITE
EOF

# Directories: a trailing slash, the sites' parent (an ancestor of every
# other site), the other site.  NAME TARGET PATH-READ-THROUGH-IT
# FIRST-LINE DECIDING-RULE (variables)
while read -r name t via first rl; do
	eval "rl=\$$rl first=\$$first"
	begin "attack: ln -s $t $name"
	native $S1 "ln -s $t $name"
	[ "$(head -n 1 "$S1/$name/$via")" = "$first" ] ||
		fail "$cname: native control: $name/$via does not read right"
	clean $S1/$name
	traced $S1 "ln -s $t $name"
	saw_eperm 1
	absent $S1/$name
	report "$(denied "$(sl "$t" $S1 "$name")" "$rl")"
	end
done <<'EOF'
d1 /etc/ passwd PASSWD1 L_ETC
d2 /srv/www site2/wp-config.php WPCONF1 L_SITE
d3 .. site2/wp-config.php WPCONF1 L_SITE
d4 /srv/www/site2/ wp-config.php WPCONF1 L_SITE
d5 /srv www/site2/wp-config.php WPCONF1 L_SITE
EOF

begin "attack: ln -s /etc/passwd current (current -> a directory)"
rm -f $S1/current && as_site1 ln -s releases/42 $S1/current
native $S1 'ln -s /etc/passwd current'
control_leads $S1/releases/42/passwd /etc/passwd
clean $S1/releases/42/passwd
traced $S1 'ln -s /etc/passwd current'
saw_eperm 1
absent $S1/releases/42/passwd
report "$(denied "$(sl /etc/passwd $S1 current)" "$L_ETC")"
end

begin "attack: symlinkat with a dirfd on public/, ../../../../etc/passwd"
t=../../../../etc/passwd
native $S1 "/srv/bin/mklink symlinkat $t $S1/public p"
control_leads $S1/public/p /etc/passwd
clean $S1/public/p
traced $S1 "/srv/bin/mklink symlinkat $t $S1/public p"
[ "$(cat "$tmp/t.out")" = 'ret=-1 errno=EPERM' ] ||
	bad "mklink: $(cat "$tmp/t.out")"
absent $S1/public/p
report "$(denied "symlinkat(\"$t\", 3<$S1/public>, \"p\")" "$L_ETC")"
end

# Links made outside the site: in the shared sticky directory, in another
# site's world-writable uploads directory.
for l in /srv/tmp/s1 $S2/uploads/x; do
	begin "attack: ln -s $S1/releases/42 $l (a link outside the site)"
	native $S1 "ln -s $S1/releases/42 $l"
	[ -L $l ] || fail "$cname: native control: $l not made"
	clean $l
	traced $S1 "ln -s $S1/releases/42 $l"
	saw_eperm 1
	absent $l
	report "$(denied "$(sl $S1/releases/42 $S1 $l)" "$L_SITE")"
	end
done

begin "attack: tar -x of an archive with a link to /etc/passwd"
mkdir -p "$tmp/bad/theme" && ln -s ../style.css "$tmp/bad/theme/ok" &&
	ln -s /etc/passwd "$tmp/bad/theme/readme.txt" &&
	tar -C "$tmp/bad" -cf /srv/bad.tar theme && chmod 644 /srv/bad.tar ||
	fail "cannot make the archive"
mkdir $S1/badx && chown 2001:2001 $S1/badx
native $S1/badx 'tar -xf /srv/bad.tar'
control_leads $S1/badx/theme/readme.txt /etc/passwd
clean $S1/badx/theme
traced $S1/badx 'tar -xf /srv/bad.tar'
[ "$tst" -ne 0 ] || bad "tar succeeded"
grep -q 'readme.txt: Cannot create symlink to .*Operation not permitted' \
	"$tmp/t.err" || bad "tar said: $(cat "$tmp/t.err")"
absent $S1/badx/theme/readme.txt
is_link $S1/badx/theme/ok ../style.css
grep -v '^symlinkat("../style.css", AT_FDCWD<[^>]*>, "theme/ok") = 0$' \
	"$tmp/rep" >"$tmp/rep.bad"
printf '%s\n' "$(denied "$(sl /etc/passwd $S1/badx theme/readme.txt)" \
	"$L_ETC")" >"$tmp/want"
diff -u "$tmp/want" "$tmp/rep.bad" >&2 || bad "the report is not the expected one"
end

[ -n "$failed" ] && fail "failed cases:$failed"
exit 0
