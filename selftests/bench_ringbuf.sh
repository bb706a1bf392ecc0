#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Ring buffer benchmark: records per second written by programs with
# bpf_ringbuf_output() and consumed by userspace, one CPU producing and
# all CPUs producing, the kernel's BPF and xbpf in the same boot. Run
# inside the test VM, with the module loaded:
#
#   scripts/vmrun --module kmod/xbpf.ko -- sh selftests/bench_ringbuf.sh [REPEAT]
#
# REPEAT: program runs per producing CPU (default 200000). A measurement,
# not a test: it fails only if a run fails. Under TCG the rates are the
# emulator's; compare the ratios (xbpf / kernel).

set -u

cd "$(dirname "$0")/.." || exit 2

BIN=build/selftests/helpers/bench_ringbuf
XBPF=build/xbpf
repeat=${1:-200000}
ncpu=$(nproc)

rate() {
	sed -n 's/.*events_per_sec \([0-9]*\).*/\1/p'
}

status=0
for cpus in 1 "$ncpu"; do
	kern=$("$BIN" "$cpus" "$repeat") || status=1
	xbpf=$("$XBPF" exec -- "$BIN" "$cpus" "$repeat") || status=1
	echo "kernel: $kern"
	echo "xbpf:   $xbpf"
	k=$(echo "$kern" | rate)
	x=$(echo "$xbpf" | rate)
	if [ -n "$k" ] && [ -n "$x" ] && [ "$k" -gt 0 ]; then
		echo "ringbuf $cpus CPU(s): kernel $k/s xbpf $x/s ratio $(awk "BEGIN { printf \"%.2f\", $x / $k }")"
	else
		status=1
	fi
	[ "$cpus" = "$ncpu" ] && break
done
exit $status
