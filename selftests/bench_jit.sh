#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run-time benchmark: the same programs (build/selftests/helpers/bench_run
# -l lists them) timed with BPF_PROG_TEST_RUN and repeat, on the kernel's
# BPF and on xbpf, in the same boot: first both JITs, then both
# interpreters (net.core.bpf_jit_enable=0 and xbpf's jit=0). Run inside the
# test VM with the module loaded:
#
#   scripts/vmrun --module kmod/xbpf.ko -- selftests/bench_jit.sh
#
# Usage: selftests/bench_jit.sh [-t MS] [-n TRIALS] [--jit-only] [NAME...]
#
# Trials alternate: kernel, xbpf, kernel, xbpf, ...; each side's best.
# Prints, per mode, one row per program: ns per run on each side, the
# ratio xbpf/kernel (below 1: xbpf is faster) and whether the two computed
# the same result; then the geometric mean and the worst ratio. A
# measurement, not a test: it fails only if a program does not load or
# run on either side, or the results differ. Under TCG the times are the
# emulator's: compare ratios within one boot, not absolute values.

set -u

cd "$(dirname "$0")/.." || exit 2

BIN=build/selftests/helpers/bench_run
XBPF=build/xbpf
JIT_SYSCTL=/proc/sys/net/core/bpf_jit_enable
JIT_PARAM=/sys/module/xbpf/parameters/jit
ms=300
trials=3
modes="jit interp"
names=

while [ $# -gt 0 ]; do
	case "$1" in
	-t) ms=$2; shift 2 ;;
	-n) trials=$2; shift 2 ;;
	--jit-only) modes=jit; shift ;;
	-h | --help) sed -n '3,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "bench_jit.sh: unknown option $1" >&2; exit 2 ;;
	*) names="$names $1"; shift ;;
	esac
done

for f in "$BIN" "$XBPF" "$JIT_SYSCTL" "$JIT_PARAM"; do
	[ -e "$f" ] || { echo "bench_jit.sh: $f missing" >&2; exit 2; }
done

tmp=$(mktemp -d /tmp/bench-jit.XXXXXX) || exit 2
old_sysctl=$(cat "$JIT_SYSCTL")
old_param=$(cat "$JIT_PARAM")
trap 'echo "$old_sysctl" >"$JIT_SYSCTL"; echo "$old_param" >"$JIT_PARAM"; rm -rf "$tmp"' EXIT

status=0
for mode in $modes; do
	if [ "$mode" = jit ]; then
		echo 1 >"$JIT_SYSCTL"; echo 1 >"$JIT_PARAM"
		label="JIT: the kernel's x86-64 JIT vs xbpf's"
	else
		echo 0 >"$JIT_SYSCTL"; echo 0 >"$JIT_PARAM"
		label="interpreter: the kernel's vs xbpf's"
	fi
	# Trials alternate between the two sides, so that a change in the
	# machine's load while the benchmark runs weighs on both alike; each
	# side keeps its best time per program.
	: >"$tmp/native"
	: >"$tmp/xbpf"
	t=0
	while [ $t -lt "$trials" ]; do
		# shellcheck disable=SC2086
		"$BIN" -t "$ms" -n 1 $names >>"$tmp/native" || status=1
		# shellcheck disable=SC2086
		"$XBPF" exec -- "$BIN" -t "$ms" -n 1 $names >>"$tmp/xbpf" ||
			status=1
		t=$((t + 1))
	done
	for side in native xbpf; do
		awk '!($1 in best) || $2 < best[$1] { best[$1] = $2; ret[$1] = $3 }
		     !($1 in seen) { seen[$1] = 1; order[n++] = $1 }
		     END { for (i = 0; i < n; i++) print order[i], best[order[i]], ret[order[i]] }' \
			"$tmp/$side" >"$tmp/$side.best"
		mv "$tmp/$side.best" "$tmp/$side"
	done

	echo "== $label (ns per run, best of $trials) =="
	awk -v label="$mode" '
		FNR == NR { kns[$1] = $2; kret[$1] = $3; next }
		{
			name = $1
			if (!(name in kns)) next
			r = $2 / (kns[name] ? kns[name] : 1)
			same = ($3 == kret[name]) ? "same" : "DIFFERENT"
			if (same != "same") bad = 1
			printf "%-14s kernel %9d  xbpf %9d  ratio %6.3f  result %s\n",
			       name, kns[name], $2, r, same
			if (name != "empty") { lsum += log(r); n++; if (r > worst) { worst = r; wname = name } }
		}
		END {
			if (n) printf "%-14s geomean %.3f over %d programs (without empty); worst %.3f (%s)\n",
				      label, exp(lsum / n), n, worst, wname
			exit bad
		}' "$tmp/native" "$tmp/xbpf" || status=1
done
exit $status
