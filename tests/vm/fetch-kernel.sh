#!/bin/sh
# fetch-kernel.sh SUITE CACHE: print the path of a Debian kernel image
# (vmlinuz) of SUITE (bullseye, bookworm), fetched from Debian's archive by
# package name into CACHE and kept there: a later run finds it without the
# network (set SYMTRACE_VM_REFRESH=1 to look for a newer one).
#
# apt runs with a configuration of its own under CACHE/apt-SUITE (sources,
# lists, package cache, an empty dpkg status): the system's apt setup and
# state are neither read nor changed.  The package is the one Debian's
# linux-image-amd64 depends on in SUITE, SUITE-updates and SUITE-security
# (linux-image-5.10.0-N-amd64 on bullseye, 6.1.0-N on bookworm); apt checks
# its signature with the system's Debian archive keyring.
set -eu

suite=$1
cache=$2
mirror=${SYMTRACE_VM_MIRROR:-http://deb.debian.org/debian}
security=${SYMTRACE_VM_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

say() { echo "fetch-kernel: $*" >&2; }
die() { say "$*"; exit 1; }

kdir=$cache/kernel-$suite
if [ -z "${SYMTRACE_VM_REFRESH:-}" ] && [ -s "$kdir/current" ]; then
	k=$(cat "$kdir/current")
	if [ -s "$kdir/$k/vmlinuz" ]; then
		echo "$kdir/$k/vmlinuz"
		exit 0
	fi
fi

command -v apt-get >/dev/null 2>&1 || die "apt-get not found (a Debian system is needed to fetch $suite's kernel)"
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb not found"
[ -r "$keyring" ] || die "$keyring missing (Debian: apt-get install debian-archive-keyring)"

a=$cache/apt-$suite
mkdir -p "$a/etc/sources.list.d" "$a/etc/preferences.d" "$a/etc/apt.conf.d" \
	"$a/state/lists/partial" "$a/cache/archives/partial" "$a/debs" "$kdir"
: >"$a/state/status"
cat >"$a/etc/sources.list" <<SRC
deb [signed-by=$keyring] $mirror $suite main
deb [signed-by=$keyring] $mirror $suite-updates main
deb [signed-by=$keyring] $security $suite-security main
SRC
set -- -o Dir::Etc="$a/etc" -o Dir::Etc::sourcelist="$a/etc/sources.list" \
	-o Dir::Etc::sourceparts="$a/etc/sources.list.d" \
	-o Dir::Etc::parts="$a/etc/apt.conf.d" \
	-o Dir::Etc::preferencesparts="$a/etc/preferences.d" \
	-o Dir::State="$a/state" -o Dir::State::status="$a/state/status" \
	-o Dir::Cache="$a/cache" -o APT::Architecture=amd64 \
	-o APT::Architectures::=amd64 -o Acquire::Languages=none

say "updating $suite's package lists (in $a)"
apt-get "$@" -qq update >"$a/update.log" 2>&1 || {
	cat "$a/update.log" >&2
	die "apt-get update for $suite failed"
}
# linux-image-amd64 -> linux-image-X.Y.Z-N-amd64 (the newest of the suites).
pkg=$(apt-cache "$@" depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
[ -n "$pkg" ] || die "no linux-image-*-amd64 found behind linux-image-amd64 in $suite"
say "$suite: $pkg"
if [ ! -s "$kdir/$pkg/vmlinuz" ]; then
	(cd "$a/debs" && rm -f ./*.deb && apt-get "$@" -qq download "$pkg") >"$a/download.log" 2>&1 || {
		cat "$a/download.log" >&2
		die "apt-get download $pkg failed"
	}
	rm -rf "$kdir/$pkg.tmp"
	dpkg-deb -x "$a"/debs/"$pkg"_*.deb "$kdir/$pkg.tmp" ||
		die "cannot extract $pkg"
	img=$(ls "$kdir/$pkg.tmp"/boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -n "$img" ] || die "$pkg has no /boot/vmlinuz-*"
	mkdir -p "$kdir/$pkg"
	cp "$img" "$kdir/$pkg/vmlinuz"
	cp "$kdir/$pkg.tmp"/boot/config-* "$kdir/$pkg/config" 2>/dev/null || :
	rm -rf "$kdir/$pkg.tmp" "$a"/debs/*.deb
fi
echo "$pkg" >"$kdir/current"
echo "$kdir/$pkg/vmlinuz"
