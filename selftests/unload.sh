#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Module lifetime, run by run_all.sh inside the test VM (from the repository
# root) with the module loaded; XBPF_KO names the module file to reload
# (default kmod/xbpf.ko).
#
# xbpf's policy: the module cannot be unloaded while any xbpf object lives.
# A process holding a map, or only a mapping of one, keeps rmmod out; once
# it exits, rmmod works and /dev/xbpf goes away. With the device gone the
# shim fails bpf() with ENODEV and says why, once, on stderr. Loading the
# module again brings everything back. The module is left loaded.

set -u

MOD=xbpf
KO=${XBPF_KO:-kmod/xbpf.ko}
XBPF=build/xbpf
SHIM=build/libxbpf-shim.so
HELPER=build/selftests/helpers/hold_map
PLAN=14

n=0
pass=0
fail=0
skip=0

ok() {
	n=$((n + 1))
	pass=$((pass + 1))
	echo "ok $n $1"
}

not_ok() {
	n=$((n + 1))
	fail=$((fail + 1))
	echo "not ok $n $1"
}

check() {
	desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
	fi
}

finish() {
	while [ "$n" -lt "$PLAN" ]; do
		n=$((n + 1))
		skip=$((skip + 1))
		echo "ok $n # SKIP $1"
	done
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
	[ "$fail" -eq 0 ]
	exit $?
}

module_loaded() {
	[ -d /sys/module/$MOD ]
}

loaded_with_dev() {
	module_loaded && wait_dev present
}

# Device nodes come and go through devtmpfs, asynchronously to insmod/rmmod.
wait_dev() {
	want=$1
	i=0
	while [ $i -lt 50 ]; do
		if [ "$want" = present ] && [ -c /dev/xbpf ]; then
			return 0
		fi
		if [ "$want" = absent ] && [ ! -e /dev/xbpf ]; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

tmp=$(mktemp -d /tmp/xbpf-unload.XXXXXX) || exit 1
holder_pid=

cleanup() {
	if [ -n "$holder_pid" ]; then
		exec 3>&-
		kill "$holder_pid" 2>/dev/null
		wait "$holder_pid" 2>/dev/null
	fi
	# Whatever happened, leave the module loaded for whoever runs next.
	module_loaded || insmod "$KO" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# Start "hold_map $1" under the shim, its stdin on fd 3 of this shell, and
# wait for it to report its map.
start_holder() {
	rm -f "$tmp/fifo" "$tmp/holder.out"
	mkfifo "$tmp/fifo" || return 1
	"$XBPF" exec -- "$HELPER" "$1" <"$tmp/fifo" >"$tmp/holder.out" 2>&1 &
	holder_pid=$!
	exec 3>"$tmp/fifo"
	i=0
	while [ $i -lt 300 ]; do
		if grep -q '^ready [0-9]' "$tmp/holder.out" 2>/dev/null; then
			return 0
		fi
		kill -0 "$holder_pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	sed 's/^/# holder: /' "$tmp/holder.out"
	return 1
}

stop_holder() {
	exec 3>&-
	wait "$holder_pid"
	st=$?
	holder_pid=
	return $st
}

# rmmod must fail, and the module and its device must stay.
rmmod_refused() {
	msg=$(rmmod $MOD 2>&1)
	st=$?
	echo "# rmmod: status $st: $msg"
	[ "$st" -ne 0 ] && module_loaded && [ -c /dev/xbpf ]
}

# The syscall itself: a module with references is EWOULDBLOCK (EAGAIN).
delete_module_busy() {
	out=$("$HELPER" delete-module $MOD)
	echo "# delete_module: $out"
	[ "$out" = "errno=EAGAIN" ] && module_loaded
}

echo "TAP version 13"
echo "1..$PLAN"

if [ ! -x "$XBPF" ] || [ ! -x "$HELPER" ] || [ ! -e "$SHIM" ]; then
	echo "# $XBPF, $SHIM or $HELPER missing"
	finish "not built"
fi
if [ ! -r "$KO" ]; then
	echo "# module file $KO missing: set XBPF_KO"
	finish "no module file"
fi
if ! module_loaded; then
	insmod "$KO" || true
fi
check "- module loaded and /dev/xbpf present" loaded_with_dev

# 2-5: a live map fd keeps the module.
if start_holder hold; then
	ok "- holder created a map through the shim ($(cat "$tmp/holder.out"))"
	check "- rmmod refused while a map fd lives" rmmod_refused
	check "- delete_module() says EAGAIN while a map fd lives" \
		delete_module_busy
	check "- holder exits cleanly" stop_holder
else
	not_ok "- holder created a map through the shim"
	finish "holder failed"
fi

# 6-8: a mapping alone, with the fd closed, keeps the module too.
if start_holder hold-mmap; then
	ok "- holder mapped a map and closed its fd"
	check "- rmmod refused while only a mapping lives" rmmod_refused
	check "- holder of the mapping exits cleanly" stop_holder
else
	not_ok "- holder mapped a map and closed its fd"
	finish "holder failed"
fi

# 9-10: nothing left: unloading works and the device goes.
msg=$(rmmod $MOD 2>&1)
st=$?
echo "# rmmod: status $st: $msg"
if [ "$st" -eq 0 ] && ! module_loaded; then
	ok "- rmmod succeeds once no object is left"
else
	not_ok "- rmmod succeeds once no object is left"
	finish "module still loaded"
fi
check "- /dev/xbpf is gone" wait_dev absent

# 11-12: bpf() through the shim without the device.
LD_PRELOAD=$PWD/$SHIM "$HELPER" probe >"$tmp/probe.out" 2>"$tmp/probe.err"
st=$?
echo "# probe without device: status $st: $(cat "$tmp/probe.out")"
sed 's/^/# probe stderr: /' "$tmp/probe.err"
if [ "$st" -ne 0 ] && [ "$(cat "$tmp/probe.out")" = "errno=ENODEV" ]; then
	ok "- bpf() through the shim fails with ENODEV"
else
	not_ok "- bpf() through the shim fails with ENODEV"
fi
lines=$(wc -l <"$tmp/probe.err")
if [ "$lines" -eq 1 ] && grep -q '/dev/xbpf' "$tmp/probe.err"; then
	ok "- the shim says so once, naming /dev/xbpf"
else
	not_ok "- the shim says so once, naming /dev/xbpf ($lines lines)"
fi

# 13-14: loading again restores the device and map creation.
if insmod "$KO" && wait_dev present; then
	ok "- insmod brings /dev/xbpf back"
else
	not_ok "- insmod brings /dev/xbpf back"
	finish "module not reloaded"
fi
out=$("$XBPF" exec -- "$HELPER" probe 2>&1)
echo "# probe after reload: $out"
check "- maps can be created after the reload" [ "$out" = ok ]

finish "unreachable"
