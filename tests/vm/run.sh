#!/bin/sh
# run.sh BUILD SRCDIR OUTDIR KERNEL... - "make check-vm": boot each KERNEL
# in qemu with an initramfs of busybox, the static symtrace of BUILD, its
# static test helpers and the tests listed in tests/vm/tests.list, and
# report each kernel's results.  KERNEL is a Debian suite (bullseye,
# bookworm), optionally with "+x32" (boot with syscall.x32=y).
#
# Environment: SYMTRACE_VM_CACHE (where kernels are kept; default
# $XDG_CACHE_HOME/symtrace-vm), SYMTRACE_VM_ACCEL (tcg, the default, or
# kvm), SYMTRACE_VM_TIMEOUT (seconds a kernel may take, default 1800),
# SYMTRACE_VM_TESTS (a list of test names to run instead of tests.list).
# Exits 0 when every kernel booted, ran its tests, and each test passed,
# skipped, or failed where tests.list says it does (xfail=); 1 otherwise
# (a panic, no result in time, a failure, an unexpected pass, a "+x32"
# kernel without x32); 77 when qemu or a static busybox is missing.
set -u

build=$1
src=$2
out=$3
shift 3
cache=${SYMTRACE_VM_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/symtrace-vm}
accel=${SYMTRACE_VM_ACCEL:-tcg}
limit=${SYMTRACE_VM_TIMEOUT:-1800}

say() { echo "check-vm: $*"; }
die() { echo "check-vm: $*" >&2; exit 1; }
missing()
{
	echo "check-vm: $1 not found (Debian: apt-get install $2): the VM tests cannot run" >&2
	exit 77
}

qemu=$(command -v qemu-system-x86_64) || missing qemu-system-x86_64 qemu-system-x86
busybox=
for b in /bin/busybox /usr/bin/busybox; do
	[ -x "$b" ] && ! readelf -l "$b" 2>/dev/null | grep -q 'program interpreter' &&
		busybox=$b && break
done
[ -n "$busybox" ] || missing "a static busybox" busybox-static

static()
{
	[ -x "$1" ] || die "$1: not built"
	readelf -l "$1" 2>/dev/null | grep -q 'program interpreter' &&
		die "$1 is dynamically linked (check-vm needs a build configured with --enable-static)"
	return 0
}

# The initramfs tree.
root=$out/root
rm -rf "$root" && mkdir -p "$out" "$root" || die "cannot create $root"
for d in bin sbin usr/bin usr/sbin proc sys dev tmp root etc st/src st/tests/vm; do
	mkdir -p "$root/$d"
done
# The tests expect GNU tools (the messages of ln and mv, the calls they
# make, find -printf, setpriv --reuid, getent ...): the host's coreutils,
# findutils, diffutils, grep, sed, dash (as /bin/sh) and a few of
# util-linux's, with the libraries they load, come along where the host
# has them (its glibc runs on any kernel from 3.2); busybox provides the
# rest (and the init's shell).
copy_lib()
{
	[ -e "$root$1" ] && return 0
	mkdir -p "$root$(dirname "$1")" && cp -L "$1" "$root$1"
}
copy_tool()
{
	_p=$(PATH=/usr/bin:/usr/sbin:/bin:/sbin command -v "$1") || return 0
	case $_p in /*) ;; *) return 0 ;; esac
	_d=usr/bin
	case $_p in */sbin/*) _d=usr/sbin ;; esac
	[ -e "$root/$_d/$1" ] && return 0
	cp -L "$_p" "$root/$_d/$1" || return 1
	ldd "$_p" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p' |
	while read -r _l; do
		copy_lib "$_l" || exit 1
	done
}
tools="dash setpriv unshare nsenter setsid taskset flock getent mount umount awk"
if command -v dpkg >/dev/null 2>&1; then
	for p in coreutils findutils diffutils grep sed; do
		tools="$tools $(dpkg -L $p 2>/dev/null | sed -n 's|^.*/s*bin/\([^/]*\)$|\1|p')"
	done
fi
for t in $tools; do
	copy_tool "$t" || die "cannot copy $t into $root"
done
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' >"$root/etc/nsswitch.conf"
cp "$busybox" "$root/bin/busybox"
# Debian's static busybox sh runs its own applets before any program on
# PATH: the tests' /bin/sh is the host's dash (as on the host) where it is.
if [ -x "$root/usr/bin/dash" ]; then
	ln -sf /usr/bin/dash "$root/bin/sh"
else
	ln -sf busybox "$root/bin/sh"
fi
for a in $("$busybox" --list); do
	[ -e "$root/bin/$a" ] || [ -e "$root/usr/bin/$a" ] ||
		[ -e "$root/usr/sbin/$a" ] || ln -s busybox "$root/bin/$a"
done
static "$build/src/symtrace"
cp "$build/src/symtrace" "$root/st/src/"
for h in symhelper sidedoor race attachee stress mklink attack redteam credhelper; do
	static "$build/tests/$h"
	cp "$build/tests/$h" "$root/st/tests/"
done
cp "$src"/tests/*.sh "$root/st/tests/"
cp "$src/tests/vm/x32.sh" "$root/st/tests/"
mkdir -p "$root/st/man" "$root/st/contrib"
cp "$src/man/symtrace.1.in" "$root/st/man/"
cp "$src/contrib/shared-hosting.rules" "$root/st/contrib/"
cp "$src/tests/vm/init.sh" "$root/init"
chmod 755 "$root/init"
if [ -n "${SYMTRACE_VM_TESTS:-}" ]; then
	printf '%s\n' $SYMTRACE_VM_TESTS >"$root/st/tests/vm/tests.list"
else
	cp "$src/tests/vm/tests.list" "$root/st/tests/vm/"
fi
# The users and groups the tests look up, and the directories some use.
printf '%s\n' root:x:0:0:root:/root:/bin/sh \
	daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin \
	nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin >"$root/etc/passwd"
printf '%s\n' root:x:0: daemon:x:1: nogroup:x:65534: >"$root/etc/group"
mkdir -p "$root/etc/default" "$root/etc/skel" "$root/srv"

# The helpers of the other ABIs, static (the kernel has no libraries
# here): i386 (gcc -m32) and x32 (gcc -mx32), each where the compiler
# can; a test that needs a missing one skips or says so.
cc=${CC_VM:-gcc}
for abi in m32:32 mx32:x32; do
	flag=-${abi%%:*}
	suf=${abi#*:}
	for h in symhelper credhelper; do
		[ $suf = x32 ] && [ $h = credhelper ] && continue
		if $cc $flag -static -std=gnu11 -D_GNU_SOURCE -O1 \
			-o "$root/st/tests/$h$suf" "$src/tests/$h.c" -lpthread \
			>"$out/$h$suf.log" 2>&1; then
			:
		else
			say "no $h$suf ($cc $flag -static failed, see $out/$h$suf.log)"
			rm -f "$root/st/tests/$h$suf"
		fi
	done
done

img=$out/initramfs.cpio
(cd "$root" && find . | "$busybox" cpio -o -H newc -R 0:0 2>/dev/null) >"$img" ||
	die "cannot make $img"

# xfails KERNEL: the tests tests.list expects to fail on KERNEL.
xfails()
{
	awk -v k="$1" '!/^#/ {
		for (i = 2; i <= NF && $i !~ /^#/; i++)
			if ($i ~ /^xfail=/) {
				n = split(substr($i, 7), a, ",")
				for (j = 1; j <= n; j++)
					if (a[j] == k)
						print $1
			}
	}' "$root/st/tests/vm/tests.list"
}

status=0
summary=
for k in "$@"; do
	suite=${k%%+*}
	append="console=ttyS0 panic=-1 oops=panic quiet"
	case $k in *+x32) append="$append syscall.x32=y" ;; esac
	vmlinuz=$(sh "$src/tests/vm/fetch-kernel.sh" "$suite" "$cache") || {
		summary="$summary
$k: cannot fetch the kernel"
		status=1
		continue
	}
	log=$out/$k.log
	say "$k: booting $(basename "$(dirname "$vmlinuz")") ($accel), console log in $log"
	t0=$(date +%s)
	timeout -k 5 "$limit" "$qemu" -accel "$accel" -m 512M -smp 2 \
		-kernel "$vmlinuz" -initrd "$img" -append "$append" \
		-display none -serial stdio -monitor none -no-reboot \
		-nodefaults </dev/null >"$log" 2>&1
	qst=$?
	t1=$(date +%s)
	tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
	secs=$((t1 - t0))
	# The tests' own lines, and the output of those that did not pass.
	sed -n '/^--- /,/^\(PASS\|FAIL\|SKIP\): /p; /^\(PASS\|FAIL\|SKIP\): /p' "$log" |
		sed "s/^/[$k] /" | uniq
	# A failure tests.list expects on this kernel ("NAME xfail=K,..."
	# with the reason) is an XFAIL; a pass there is an XPASS, which fails
	# like a FAIL (the list must be brought up to date).
	xfail=0 xpass=0
	for t in $(xfails "$k"); do
		if grep -q "^FAIL: $t " "$log"; then
			xfail=$((xfail + 1))
			echo "[$k] XFAIL: $t (expected here: see tests/vm/tests.list)"
		elif grep -q "^PASS: $t " "$log"; then
			xpass=$((xpass + 1))
			echo "[$k] XPASS: $t (expected to fail here: update tests/vm/tests.list)"
		fi
	done
	done_line=$(grep '^symtrace-vm: done: ' "$log" | tail -n 1)
	kernel=$(sed -n 's/^symtrace-vm: kernel \([^,]*\),.*/\1/p' "$log" | head -n 1)
	x32=$(sed -n 's/^symtrace-vm: x32: //p' "$log" | head -n 1)
	if grep -q 'Kernel panic' "$log"; then
		grep -A 20 'Kernel panic' "$log" >&2
		line="KERNEL PANIC (see $log)"
		status=1
	elif [ -z "$done_line" ]; then
		tail -n 30 "$log" >&2
		if [ $qst -eq 124 ]; then
			line="no result: killed after ${limit}s (see $log)"
		else
			line="no result: qemu exited with $qst (see $log)"
		fi
		status=1
	else
		line=${done_line#symtrace-vm: done: }
		nfail=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
		if [ $xfail -gt 0 ] || [ $xpass -gt 0 ]; then
			line="$line ($xfail of them expected, $xpass unexpected passes)"
		fi
		[ "${nfail:-1}" -eq $xfail ] && [ $xpass -eq 0 ] || status=1
		if [ $qst -ne 0 ]; then
			line="$line; qemu exited with $qst"
			status=1
		fi
		# Booted for x32: it must be there, and its test must pass.
		case $k in
		*+x32)
			if [ "$x32" != yes ]; then
				line="$line; NO x32 in this kernel"
				status=1
			elif ! grep -q '^PASS: x32 ' "$log"; then
				line="$line; x32.sh did not pass"
				status=1
			fi ;;
		esac
	fi
	summary="$summary
$k (${kernel:-?}, x32 ${x32:-?}, ${secs}s): $line"
done
echo "=== check-vm summary${summary}"
[ $status -eq 0 ] && echo "check-vm: all kernels passed" ||
	echo "check-vm: FAILED" >&2
exit $status
