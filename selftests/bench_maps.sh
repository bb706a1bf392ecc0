#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Map benchmark: the same map lookups and updates, from a program
# (BPF_PROG_TEST_RUN with repeat) and from userspace (bpf() per element),
# on hash and array maps, with one CPU and with all CPUs, against the
# kernel's BPF and against xbpf in the same boot. Run inside the test VM:
#
#   scripts/vmrun --module kmod/xbpf.ko -- sh selftests/bench_maps.sh [-n OPS]
#
# Prints ns per operation for each and the ratio xbpf/kernel (below 1:
# xbpf is faster). A measurement, not a test: it fails only if a case
# cannot run. xbpf interprets programs while the kernel JITs them, and
# under TCG the times are the emulator's, so compare ratios.

set -u
cd "$(dirname "$0")/.." || exit 2

BIN=build/selftests/helpers/bench_maps
XBPF=build/xbpf
ops=100000
[ "${1:-}" = -n ] && ops=$2

kern=$(mktemp) && xb=$(mktemp) || exit 2
trap 'rm -f "$kern" "$xb"' EXIT

"$BIN" -n "$ops" > "$kern" || { echo "bench_maps: kernel run failed" >&2; exit 1; }
"$XBPF" exec -- "$BIN" -n "$ops" > "$xb" || { echo "bench_maps: xbpf run failed" >&2; exit 1; }

printf '%-28s %12s %12s %8s\n' case "kernel ns/op" "xbpf ns/op" ratio
paste "$kern" "$xb" | awk '{
	if ($1 != $3) { print "bench_maps: runs disagree on cases" > "/dev/stderr"; exit 1 }
	r = ($2 > 0) ? $4 / $2 : 0
	printf "%-28s %12.1f %12.1f %8.2f\n", $1, $2, $4, r
	if (r > 0) { s += log(r); n++ }
} END { if (n) printf "geometric mean ratio xbpf/kernel: %.2f over %d cases\n", exp(s / n), n }'
