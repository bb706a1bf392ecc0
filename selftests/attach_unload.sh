#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unloading with programs attached, run by run_all.sh in the test VM (from
# the repository root) with the module loaded; XBPF_KO names the module
# file to reload (default kmod/xbpf.ko).
#
# xbpf's policy: every event fd and link fd pins the module, so rmmod is
# refused while a program is attached, even with every CPU firing it; once
# the loader exits (its links and events closed, programs detached), rmmod
# works and a fresh insmod brings xbpf back. The module is left loaded.

set -u

KO=${XBPF_KO:-kmod/xbpf.ko}
OUT=/tmp/attach_unload.out
n=0
fail=0

check() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n $1"
	else
		fail=$((fail + 1))
		echo "not ok $n $1"
	fi
}

echo "TAP version 13"
echo "1..5"

# load on every CPU: opens and execs
busy() {
	while :; do cat /etc/hostname >/dev/null; done
}
busy & b1=$!
busy & b2=$!

GO=/tmp/attach_unload.go
rm -f "$GO"
# the loader stays attached until $GO appears
build/xbpf exec -- build/examples/opencount build/examples/opencount.bpf.o \
	kprobe -- sh -c "while [ ! -e $GO ]; do sleep 0.1; done" >"$OUT" 2>&1 &
loader=$!
i=0
while ! grep -q attached "$OUT" && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
grep -q attached "$OUT"
check "a kprobe program is attached through libbpf" $?

rmmod xbpf 2>/dev/null
st=$?
[ $st -ne 0 ] && [ -d /sys/module/xbpf ]
check "rmmod is refused while it is attached, under load" $?

touch "$GO"
wait $loader
st=$?
sed 's/^/# /' "$OUT"
check "the loader detached and counted" $st

rmmod xbpf
check "rmmod works once everything is closed" $?

kill $b1 $b2
wait $b1 $b2 2>/dev/null

insmod "$KO"
check "insmod again" $?
i=0
while [ ! -c /dev/xbpf ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done

echo "# Totals: pass:$((n - fail)) fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ $fail -eq 0 ]
