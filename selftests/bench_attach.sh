#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Per-event overhead of attached programs, kernel BPF against xbpf, in one
# VM boot (a benchmark, not a test):
#
#   scripts/vmrun --module kmod/xbpf.ko -- sh selftests/bench_attach.sh [CALLS [REPEAT]]
#
# For each kind (kprobe, kretprobe on __x64_sys_getpid, the
# syscalls:sys_exit_getpid tracepoint, the sys_exit raw tracepoint) the
# same program (a map lookup, a compare, an atomic count) is attached and
# a tight getpid() loop is timed with and without it; tp_signal is the
# signal:signal_generate tracepoint on a loop of kill(self, ignored
# SIGUSR1), a tracepoint that is not a syscall's (xbpf takes its records
# from a kernel perf counter, not from its own probe). The cost it adds per
# call is compared: ratio = xbpf's added ns / the kernel's. Both sides
# JIT the program. Under TCG the absolute figures are emulation time, but
# both sides pay the same emulation; other guests on the host make single
# runs noisy, so the kernel and xbpf runs alternate REPEAT times (default
# 3) and the columns are the medians.

set -u
BENCH=build/selftests/helpers/bench_attach
CALLS=${1:-20000}
REPEAT=${2:-3}

median() {
	tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

printf '%-11s %10s %10s %10s %10s %10s %7s\n' kind base_ns kernel_ns \
	xbpf_ns kernel_add xbpf_add ratio
for kind in kprobe kretprobe tracepoint raw_tp tp_signal; do
	kbs= kws= kas= xws= xas=
	i=0
	while [ "$i" -lt "$REPEAT" ]; do
		k=$("$BENCH" "$kind" "$CALLS") ||
			{ echo "$kind: kernel run failed"; exit 1; }
		x=$(build/xbpf exec -- "$BENCH" "$kind" "$CALLS") ||
			{ echo "$kind: xbpf run failed"; exit 1; }
		set -- $k
		kbs="$kbs $2" kws="$kws $3" kas="$kas $4"
		set -- $x
		xws="$xws $3" xas="$xas $4"
		i=$((i + 1))
	done
	kb=$(echo "$kbs" | median) kw=$(echo "$kws" | median)
	ka=$(echo "$kas" | median) xw=$(echo "$xws" | median)
	xa=$(echo "$xas" | median)
	ratio=$(awk -v a="$xa" -v b="$ka" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
	printf '%-11s %10s %10s %10s %10s %10s %7s\n' "$kind" "$kb" "$kw" "$xw" \
		"$ka" "$xa" "$ratio"
done
