#!/bin/sh
# deny-dirmove.sh - with "deny link=DIR/guarded/**", a symlink must not get
# into guarded/ inside a directory either: renaming a directory that holds
# a symlink into guarded/ (or renaming it so that it becomes guarded/)
# would put a symlink at a path the rules forbid, just as moving the
# symlink itself (refused, see deny-sidedoors.sh) would.
. "$TESTSRC/deny-lib.sh"

# Control: without symtrace the moves work.
mkdir -p a/b/c && ln -s "$(printf '../%.0s' $(seq 30))etc/passwd" a/b/c/l &&
	mv a/b/c . && [ "$(readlink -f c/l)" = /etc/passwd ] ||
	fail "control: mv a/b/c . did not make a link to /etc/passwd"
rm -rf a c
mkdir -p ok/c guarded && ln -s /etc/passwd ok/c/in && mv ok/c guarded/c ||
	fail "control: mv of a directory failed"
check_link guarded/c/in /etc/passwd
rm -rf ok guarded

for mode in "" --no-seccomp; do
	m=${mode:-seccomp}
	rm -rf ok guarded new && mkdir -p ok/d1 ok/d2 guarded ||
		fail "cannot set up ok, guarded"
	ln -s /etc/passwd ok/d1/in && ln -s /etc/passwd ok/d2/in ||
		fail "cannot make the symlinks"

	# A directory holding a symlink, into guarded/.
	# shellcheck disable=SC2086 # $mode is empty or one word
	st "$m: mv ok/d1 guarded/d1" $mode -r "deny link=$w/guarded/**" -- \
		mv ok/d1 guarded/d1
	absent guarded/d1/in
	check_link ok/d1/in /etc/passwd
	status_is 1
	report_is "renameat2(\"ok/d1\", \"guarded/d1\", RENAME_NOREPLACE) = $eperm <denied rule -r 1>"

	# A directory holding a symlink, renamed to become the guarded place.
	# shellcheck disable=SC2086
	st "$m: mv ok/d2 new" $mode -r "deny link=$w/new/**" -- \
		mv ok/d2 new
	absent new/in
	check_link ok/d2/in /etc/passwd
	status_is 1
	report_is "renameat2(\"ok/d2\", \"new\", RENAME_NOREPLACE) = $eperm <denied rule -r 1>"

	# With target rules only: a symlink harmless where it was made (its
	# ".." climbs only to the test directory) leads to /etc once its
	# directory is moved up (issue 15's example).
	rm -rf a c && mkdir -p a/b/c || fail "cannot make a/b/c"
	up=$(printf '../%.0s' $(seq 30))
	ln -s "${up}etc/passwd" a/b/c/l || fail "cannot make a/b/c/l"
	# shellcheck disable=SC2086
	st "$m: mv a/b/c . (target= rule)" $mode -r 'deny target=/etc/**' -- \
		mv a/b/c .
	absent c
	check_link a/b/c/l "${up}etc/passwd"
	status_is 1
	report_is "renameat2(\"a/b/c\", \"c\", RENAME_NOREPLACE) = $eperm <denied rule -r 1>"
done

check_no_leftovers
exit 0
