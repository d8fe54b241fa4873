#!/bin/busybox sh
# init.sh - /init of the check-vm initramfs (busybox sh, pid 1).
# Mounts what the tests need, runs each test named in /st/tests/vm/tests.list
# with the environment "make check" gives them, prints one line per test
# ("PASS: NAME", "FAIL: NAME", "SKIP: NAME"; the output of a failed or
# skipped test before it), then the sentinel line
# "symtrace-vm: done: N passed, N failed, N skipped" and powers off.
# The host side (tests/vm/run.sh) reads these lines from the serial console.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /tmp
# /run as on a booted system: symtrace run as root makes its control
# socket in /run/symtrace (and says so when it cannot).
mkdir -p /run
mount -t tmpfs -o mode=0755 tmpfs /run
# What udev would add to /dev (the tests use /dev/fd/N).
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
# The console as every test's stdin is the serial line: give them
# /dev/null, as make check does.
exec </dev/null
hostname symtrace-vm
ip link set lo up 2>/dev/null

SYMTRACE=/st/src/symtrace
TESTBIN=/st/tests
TESTSRC=/st/tests
HAVE_M32=no
[ -x /st/tests/symhelper32 ] && HAVE_M32=yes
SYMTRACE_SANITIZED=
TMPDIR=/tmp
# lib.sh bounds each test (120 s by default): TCG on a loaded host runs
# several times slower (deny-attacks took 37 s alone, over 120 s with the
# machine's other work).
TEST_TIMEOUT=600
export TEST_TIMEOUT
HOME=/root
export SYMTRACE TESTBIN TESTSRC HAVE_M32 SYMTRACE_SANITIZED TMPDIR HOME

echo "symtrace-vm: kernel $(uname -r), $(nproc) cpus, cmdline: $(cat /proc/cmdline)"
# x32 syscalls work only where the kernel has them (Debian: syscall.x32=y).
x32=no
/st/tests/symhelper x32 /tmp/ok /tmp/x32probe >/dev/null 2>&1
[ -L /tmp/x32probe ] && x32=yes
rm -f /tmp/x32probe
echo "symtrace-vm: x32: $x32"
pass=0 failed=0 skipped=0
while read -r t rest; do
	case $t in ''|'#'*) continue ;; esac
	start=$(cut -d' ' -f1 /proc/uptime)
	(cd /tmp && /bin/sh "$TESTSRC/$t.sh") >/tmp/test.log 2>&1
	st=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	secs=$(awk "BEGIN { printf \"%.1f\", $end - $start }")
	case $st in
	0) pass=$((pass + 1)); r=PASS ;;
	77) skipped=$((skipped + 1)); r=SKIP ;;
	*) failed=$((failed + 1)); r=FAIL ;;
	esac
	if [ $r != PASS ]; then
		echo "--- $t (exit status $st):"
		sed 's/^/| /' /tmp/test.log
	fi
	echo "$r: $t (${secs}s)"
done </st/tests/vm/tests.list
echo "symtrace-vm: done: $pass passed, $failed failed, $skipped skipped"
sync
poweroff -f
# poweroff returns only if it failed: make sure the VM ends anyway.
echo o >/proc/sysrq-trigger
sleep 5
