#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Verification benchmark: load the same large programs with the kernel's
# verifier and with xbpf's, in the same boot, and compare what each one's
# log at log_level 4 (BPF_LOG_STATS) says: "verification time N usec" and
# "processed N insns". Run inside the test VM, with the module loaded:
#
#   scripts/vmrun --module kmod/xbpf.ko -- selftests/bench_verifier.sh
#
# Usage: selftests/bench_verifier.sh [-r REPS] [-b SECONDS] [NAME...]
#
#   -r REPS     load each program REPS times with each verifier and take
#               the median time (default 3, or $BENCH_REPS)
#   -b SECONDS  but stop repeating a program once its loads have taken
#               this long (default 30, or $BENCH_BUDGET): under TCG the
#               kernel needs a minute for some; each is loaded at least
#               once with each verifier
#   NAME...     only these programs (build/selftests/helpers/bench_load
#               -l lists them)
#
# Prints one row per program: instructions, loads, the kernel's and xbpf's
# median time and processed instructions, and the ratios xbpf/kernel; then
# the geometric mean of the time ratios, and their median, which a single
# outlier cannot move. This is a measurement, not a test: it fails only
# when a program cannot be loaded, or when the two verifiers do not agree
# on whether it loads. Under TCG the times are the emulator's, so compare
# ratios, not absolute values.

set -u

cd "$(dirname "$0")/.." || exit 2

BIN=build/selftests/helpers/bench_load
XBPF=build/xbpf
reps=${BENCH_REPS:-3}
budget=${BENCH_BUDGET:-30}

while [ $# -gt 0 ]; do
	case "$1" in
	-r | -b)
		[ $# -ge 2 ] || { echo "bench_verifier.sh: $1 wants a number" >&2; exit 2; }
		if [ "$1" = -r ]; then reps=$2; else budget=$2; fi
		shift 2
		;;
	-h | --help)
		sed -n '3,28p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	--)
		shift
		break
		;;
	-*)
		echo "bench_verifier.sh: unknown option $1" >&2
		exit 2
		;;
	*)
		break
		;;
	esac
done

if ! [ "$reps" -ge 1 ] 2>/dev/null || ! [ "$budget" -ge 0 ] 2>/dev/null; then
	echo "bench_verifier.sh: -r wants a count, -b seconds" >&2
	exit 2
fi
for f in "$BIN" "$XBPF"; do
	if [ ! -x "$f" ]; then
		echo "bench_verifier.sh: $f missing: run make first" >&2
		exit 2
	fi
done
if [ ! -e /dev/xbpf ]; then
	echo "bench_verifier.sh: /dev/xbpf missing: is the module loaded?" >&2
	exit 2
fi

tmp=$(mktemp -d /tmp/bench-verifier.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT

if [ $# -gt 0 ]; then
	names=$*
else
	names=$("$BIN" -l) || exit 2
fi

echo "# up to $reps loads per program and verifier (fewer past ${budget} s), median time"
echo "# kernel: $(uname -r)"
# Each load alternates between the two verifiers, so that whatever else
# the host is doing slows both alike.
for name in $names; do
	i=0
	start=$(date +%s)
	while [ "$i" -lt "$reps" ] &&
		{ [ "$i" -eq 0 ] || [ $(($(date +%s) - start)) -lt "$budget" ]; }; do
		"$BIN" -r 1 "$name" >>"$tmp/kernel" 2>>"$tmp/err" ||
			[ $? -eq 1 ] || exit 2
		"$XBPF" exec -- "$BIN" -r 1 "$name" >>"$tmp/xbpf" 2>>"$tmp/err" ||
			[ $? -eq 1 ] || exit 2
		i=$((i + 1))
	done
done
# A failed load's first log line, from bench_load.
sort -u "$tmp/err" | sed 's/^/# /'

# Each line: NAME INSNS RESULT MEDIAN_USEC MIN_USEC MAX_USEC PROCESSED, one
# per load; the first file is the kernel's.
awk '
	function median(list, n,    v, i, j, t) {
		n = split(list, v, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
				t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
			}
		return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	{
		who = FNR == NR ? "k" : "x"
		if (!($1 in seen)) {
			seen[$1] = 1
			order[++n] = $1
			insns[$1] = $2
		}
		if ($3 != "ok")
			res[who, $1] = $3
		else if (!((who, $1) in res))
			res[who, $1] = "ok"
		t[who, $1] = t[who, $1] " " $4
		loads[who, $1]++
		p[who, $1] = $7
	}
	END {
		printf "%-20s %8s %5s %12s %12s %8s %10s %10s %7s\n",
		       "program", "insns", "loads", "kernel_usec", "xbpf_usec",
		       "t_ratio", "kernel_insn", "xbpf_insn", "p_ratio"
		bad = 0
		for (i = 1; i <= n; i++) {
			name = order[i]
			rk = res["k", name]
			rx = res["x", name]
			if (rk != "ok" || rx != "ok") {
				printf "%-20s %8d %5d %12s %12s %8s %10s %10s %7s\n",
				       name, insns[name], loads["k", name], rk, rx,
				       "-", "-", "-", "-"
				if (rk != rx)
					bad = 1
				continue
			}
			tk = median(t["k", name])
			tx = median(t["x", name])
			tr = tx / (tk > 0 ? tk : 1)
			pr = p["x", name] / (p["k", name] > 0 ? p["k", name] : 1)
			printf "%-20s %8d %5d %12d %12d %8.4f %10d %10d %7.3f\n",
			       name, insns[name], loads["k", name], tk, tx, tr,
			       p["k", name], p["x", name], pr
			if (tr > 0) {
				logsum += log(tr)
				ratios = ratios " " tr
				cnt++
			}
		}
		if (cnt) {
			printf "geometric mean of xbpf/kernel verification time: %.3f (%d programs)\n",
			       exp(logsum / cnt), cnt
			printf "median of xbpf/kernel verification time: %.3f\n",
			       median(ratios)
		} else {
			print "geometric mean of xbpf/kernel verification time: - (no program loaded both ways)"
		}
		exit bad
	}' "$tmp/kernel" "$tmp/xbpf"
st=$?
[ "$st" -eq 0 ] && ! grep -qv ' ok ' "$tmp/kernel" "$tmp/xbpf"
