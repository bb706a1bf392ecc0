#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the xbpf selftests inside the test VM, from the repository root:
#
#   scripts/vmrun --module kmod/xbpf.ko -- sh selftests/run_all.sh
#
# Every test binary in build/selftests/ runs twice: natively, against the
# kernel's own bpf(2), and under `build/xbpf exec`, against xbpf. The
# expectations are the kernel's, so the pair shows whether xbpf agrees with
# the kernel on each case. unload.sh and attach_unload.sh run last, in the
# xbpf pass only.
#
# Options:
#   --native-only   skip the xbpf runs and unload.sh (no module needed)
#   --xbpf-only     skip the native runs
#   NAME...         run only these binaries (names in build/selftests/)
#
# Output is one KTAP stream, each binary's own output nested four spaces
# deep, ending in "N passed, M failed" over the individual test cases.
# Exits non-zero if anything failed.

set -u

OUT=build/selftests
XBPF=build/xbpf
# Generous: the whole suite runs under TCG emulation.
TIMEOUT=${XBPF_SELFTEST_TIMEOUT:-900}

native=1
xbpf=1
names=

for arg in "$@"; do
	case "$arg" in
	--native-only) xbpf=0 ;;
	--xbpf-only) native=0 ;;
	-h|--help)
		sed -n '3,21p' "$0" | sed 's/^# \{0,1\}//'
		exit 0 ;;
	-*) echo "run_all.sh: unknown option $arg" >&2; exit 2 ;;
	*) names="$names $arg" ;;
	esac
done

if [ ! -d "$OUT" ]; then
	echo "run_all.sh: $OUT missing: run make first, from the repository root" >&2
	exit 2
fi

if [ -z "$names" ]; then
	for f in "$OUT"/*; do
		[ -f "$f" ] && [ -x "$f" ] && names="$names ${f##*/}"
	done
fi

count=0
for n in $names; do
	count=$((count + native + xbpf))
done
[ "$xbpf" = 1 ] && count=$((count + 2))

tmp=$(mktemp -d /tmp/xbpf-selftests.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT

total_pass=0
total_fail=0
total_skip=0
num=0

# Account for one finished binary: its output is in $tmp/log, its exit
# status in $1, and its label in $2. The harness's "# Totals:" line gives
# the counts; without one the binary crashed or hung, and whatever did not
# report ok out of its plan counts as failed.
report() {
	status=$1
	label=$2
	set -- $(awk '
		/^# Totals: pass:[0-9]+ fail:[0-9]+/ {
			for (i = 3; i <= NF; i++) {
				split($i, kv, ":")
				t[kv[1]] = kv[2]
			}
			have = 1
		}
		/^1\.\.[0-9]+/ && !plan { plan = substr($0, 4) + 0 }
		/^ok [0-9]+/ { if ($0 ~ /# SKIP/) skip++; else pass++ }
		/^not ok [0-9]+/ { fail++ }
		END {
			if (have) {
				print t["pass"] + 0, t["fail"] + t["error"], t["skip"] + 0
				exit
			}
			if (plan > pass + skip + fail)
				fail = plan - pass - skip
			if (!fail)
				fail = 1
			print pass + 0, fail, skip + 0
		}' "$tmp/log")
	p=$1 f=$2 s=$3
	[ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	num=$((num + 1))
	sed 's/^/    /' "$tmp/log"
	if [ "$f" -eq 0 ]; then
		echo "ok $num - $label"
	else
		echo "not ok $num - $label # exit status $status"
	fi
}

run_one() {
	label=$1
	shift
	echo "# selftests: $label"
	start=$(date +%s)
	timeout -k 10 "$TIMEOUT" "$@" >"$tmp/log" 2>&1 </dev/null
	st=$?
	echo "# $label took $(($(date +%s) - start)) s" >>"$tmp/log"
	report $st "$label"
}

echo "TAP version 13"
echo "1..$count"

if [ "$xbpf" = 1 ]; then
	if [ ! -x "$XBPF" ]; then
		echo "# $XBPF missing: the xbpf runs will fail"
	fi
	if [ ! -e /dev/xbpf ]; then
		echo "# /dev/xbpf missing: is the module loaded?"
	fi
fi

for n in $names; do
	if [ "$native" = 1 ]; then
		run_one "$n [kernel]" "$OUT/$n"
	fi
	if [ "$xbpf" = 1 ]; then
		run_one "$n [xbpf]" "$XBPF" exec -- "$OUT/$n"
	fi
done

if [ "$xbpf" = 1 ]; then
	run_one "unload.sh [xbpf]" sh selftests/unload.sh
	run_one "attach_unload.sh [xbpf]" sh selftests/attach_unload.sh
fi

[ "$total_skip" -gt 0 ] && echo "# $total_skip skipped"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
