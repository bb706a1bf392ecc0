#!/usr/bin/env bash
# Run Linux 6.1's own test_verifier (built unmodified by
# scripts/test-verifier/build.sh into build/test_verifier/test_verifier)
# twice inside the test VM: natively, against the kernel's bpf(2), then
# under `build/xbpf exec`, against xbpf; then compare the two runs.
#
#   scripts/vmrun --timeout 1800 --module kmod/xbpf.ko -- selftests/test_verifier.sh
#
# Usage: selftests/test_verifier.sh [--native-only | --xbpf-only] [--strict]
#                                   [--unpriv] [TEST_VERIFIER_ARGS...]
#
#   --native-only  run only natively (no module needed)
#   --xbpf-only    run only under xbpf
#   --strict       also fail unless the xbpf run has 0 failures
#   --expect FILE  the xbpf run must pass at least as many tests as FILE's
#                  "min-passed N" line says, and every test it fails must
#                  be listed in FILE ("#N/p reason"); prints "N passed,
#                  N failed" (xbpf's passes; its unlisted failures)
#   --unpriv       set kernel.unprivileged_bpf_disabled to 0 for the runs
#                  (restored after), so that the /u variants, which
#                  test_verifier runs with its capabilities dropped, run
#                  instead of being SKIPs; changes the native reference
#                  (xbpf has no unprivileged mode: under it the first /u
#                  test whose map fixup fails kills test_verifier with an
#                  assert)
#   TEST_VERIFIER_ARGS  passed to both runs as they are: test_verifier takes
#                  [-v] [N | FROM TO] (test numbers, FROM and TO inclusive;
#                  -v prints every verifier log)
#
# Run as root; the script changes to the repository root itself. Each run's
# stdout and stderr go to $TV_OUT_DIR/tv-native.txt and tv-xbpf.txt
# (TV_OUT_DIR defaults to /tmp); the per-test verdicts of both, side by
# side, to tv-compare.txt there.
# TV_TIMEOUT (seconds, default 1500, 0 for none) limits each run.
#
# Exit status: 0 if the native run finished with 0 failures (with
# --xbpf-only: if the xbpf run finished); xbpf failures only count with
# --strict. The last line is "xbpf: N passed, N skipped, N failed" (or
# "native: ..." with --native-only).
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$REPO_ROOT"

BIN=build/test_verifier/test_verifier
XBPF=build/xbpf
OUT_DIR=${TV_OUT_DIR:-/tmp}
TIMEOUT=${TV_TIMEOUT:-1500}
# How many failures are listed, and how many lines of each one's output.
MAX_LISTED=60
DETAIL_LINES=4

native=1
xbpf=1
strict=0
expect=
unpriv=0
args=()

usage() {
	sed -n '2,35p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
	case "$1" in
	--native-only) xbpf=0 ;;
	--xbpf-only) native=0 ;;
	--strict) strict=1 ;;
	--expect)
		expect=$2
		shift
		;;
	--unpriv) unpriv=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	--)
		shift
		args+=("$@")
		break
		;;
	*) args+=("$1") ;;
	esac
	shift
done

if [ "$native" = 0 ] && [ "$xbpf" = 0 ]; then
	echo "test_verifier.sh: --native-only and --xbpf-only exclude each other" >&2
	exit 2
fi
if [ ! -x "$BIN" ]; then
	echo "test_verifier.sh: $BIN missing: run scripts/test-verifier/build.sh on the host first" >&2
	exit 2
fi
if [ "$xbpf" = 1 ]; then
	if [ ! -x "$XBPF" ]; then
		echo "test_verifier.sh: $XBPF missing: run make first" >&2
		exit 2
	fi
	if [ ! -e /dev/xbpf ]; then
		echo "test_verifier.sh: /dev/xbpf missing: load xbpf.ko (vmrun --module kmod/xbpf.ko)" >&2
		exit 2
	fi
fi
if ! [[ "$TIMEOUT" =~ ^[0-9]+$ ]]; then
	echo "test_verifier.sh: TV_TIMEOUT must be a number of seconds" >&2
	exit 2
fi
mkdir -p "$OUT_DIR"

UNPRIV_SYSCTL=/proc/sys/kernel/unprivileged_bpf_disabled
if [ "$unpriv" = 1 ]; then
	old_unpriv=$(cat "$UNPRIV_SYSCTL")
	# Fails if it is 1: only 2 may go back to 0.
	if ! echo 0 2>/dev/null >"$UNPRIV_SYSCTL"; then
		echo "test_verifier.sh: --unpriv: cannot set $UNPRIV_SYSCTL (it is $old_unpriv) to 0" >&2
		exit 2
	fi
	trap 'echo "$old_unpriv" >"$UNPRIV_SYSCTL" 2>/dev/null || true' EXIT
fi

echo "test_verifier: $(head -n1 build/test_verifier/BUILD-INFO 2>/dev/null || echo "$BIN")"
sed -n 's/^libbpf: /  libbpf: /p' build/test_verifier/BUILD-INFO 2>/dev/null || true
echo "  kernel $(uname -r), uid $(id -u)," \
	"kernel.unprivileged_bpf_disabled=$(cat "$UNPRIV_SYSCTL" 2>/dev/null || echo '?')" \
	"(non-zero: every /u test is SKIP)"
if [ "${#args[@]}" -gt 0 ]; then
	echo "  arguments: ${args[*]}"
fi

# Unbuffered stdout keeps test_verifier's output in order with the
# perror()s and libbpf messages it writes to stderr, and loses nothing if it
# dies, not even the "#N/p DESCRIPTION " of the test it dies in. stdbuf
# preloads a library of its own, beside the xbpf shim.
unbuf=()
if command -v stdbuf >/dev/null; then
	unbuf=(stdbuf -o0)
fi
limit=()
if [ "$TIMEOUT" != 0 ]; then
	limit=(timeout "$TIMEOUT")
fi

# Splits test_verifier's output into one line per test run: KEY (N/p or
# N/u), VERDICT (OK, SKIP, FAIL, or NONE for the test the run died in),
# DESCRIPTION, and the first output lines after the description, joined by
# \037. A test prints "#N/p DESCRIPTION " and then, possibly over several
# lines, what happened: "OK", "N cases OK", "SKIP (...)", "FAIL..." followed
# by the reason and the verifier log, "Failed to create ..." from a map
# fixup before any of these, ", verifier log:" and the log first with -v.
# No description in the 6.1 corpus contains any of those words. One failure
# prints no FAIL: a test whose own BTF does not load ("Failed to load BTF
# spec") prints only the (stale) log buffer; so a test that ends with none
# of the three words failed.
parse() {
	awk -v maxd="$DETAIL_LINES" '
	# CLOSED: the next test or the summary followed, so the test ended.
	# If not, the run died in it, possibly after a SKIP for one of its maps.
	function flush(closed,   v) {
		if (key == "")
			return
		if (!closed)
			v = "NONE"
		else if (text ~ /FAIL/)
			v = "FAIL"
		else if (text ~ /(^|[ \n])SKIP/)
			v = "SKIP"
		else if (text ~ /(^|[ \n])OK( |\n|$)/)
			v = "OK"
		else
			v = "FAIL"
		printf "%s\t%s\t%s\t%s\n", key, v, descr, detail
		key = ""
	}
	# The detail skips what says nothing new: a bare "FAIL", and the
	# repeat of a mismatch that cmp_str_seq() and then do_test_single()
	# both report ("Unexpected verifier log!", "EXP: ...", "RES:",
	# then "Unexpected error message!", "EXP: ...", "RES: LOG").
	function add(line,   t) {
		text = text "\n" line
		t = line
		gsub(/^[ \t]+|[ \t]+$/, "", t)
		if (nd >= maxd || t == "" || t == "FAIL" || t == "RES:" || t in seen)
			return
		if (t == "Unexpected error message!" && "Unexpected verifier log!" in seen)
			return
		seen[t] = 1
		if (length(t) > 200)
			t = substr(t, 1, 200) "..."
		detail = detail (nd ? "\037" : "") t
		nd++
	}
	function header(line,   rest, pos, i) {
		flush(1)
		match(line, /^#[0-9]+\/[up] /)
		key = substr(line, 2, RLENGTH - 2)
		rest = substr(line, RLENGTH + 1)
		pos = 0
		for (i = 1; i <= nmark; i++)
			if (match(rest, mark[i]) && (pos == 0 || RSTART < pos))
				pos = RSTART
		if (pos) {
			descr = substr(rest, 1, pos - 1)
			rest = substr(rest, pos + 1)
		} else {
			descr = rest
			sub(/ $/, "", descr)
			rest = ""
		}
		gsub(/\t/, " ", descr)
		text = ""
		detail = ""
		nd = 0
		split("", seen)
		# A bare "FAIL" says no more than the verdict.
		add(rest)
	}
	BEGIN {
		nmark = split(" OK$| OK | [0-9]+ cases OK| SKIP$| SKIP | FAIL| Failed to | Did not run the program| [(]run [0-9]+[/]| , verifier log:", mark, "|")
		key = ""
	}
	{
		line = $0
		if (line ~ /^#[0-9]+\/[up] /) {
			header(line)
			next
		}
		# A log without a final newline glues the next test on.
		if (match(line, /.#[0-9]+\/[up] /)) {
			if (key != "")
				add(substr(line, 1, RSTART))
			header(substr(line, RSTART + 1))
			next
		}
		if (match(line, /Summary: [0-9]+ PASSED/)) {
			if (key != "" && RSTART > 1)
				add(substr(line, 1, RSTART - 1))
			flush(1)
			next
		}
		if (key != "")
			add(line)
	}
	END { flush(0) }
	' "$1"
}

declare -A exit_status run_time counts

# Adds the enum's name to "program type N" and "map type N", from the 6.1
# uapi bpf.h test_verifier was built with.
name_types() {
	local uapi=build/test_verifier/src/tools/include/uapi/linux/bpf.h
	if [ ! -r "$uapi" ]; then
		cat
		return
	fi
	awk '
	FNR == NR {
		if ($0 ~ /^enum bpf_prog_type/) { e = "program"; n = 0; next }
		if ($0 ~ /^enum bpf_map_type/) { e = "map"; n = 0; next }
		if ($0 ~ /^}/) { e = ""; next }
		if (e != "" && match($0, /^[ \t]*BPF_[A-Z0-9_]+,/)) {
			name[e, n++] = substr($0, RSTART, RLENGTH - 1)
			sub(/^[ \t]*/, "", name[e, n - 1])
		}
		next
	}
	match($0, /(program|map) type [0-9]+/) {
		split(substr($0, RSTART, RLENGTH), w, " ")
		if ((w[1], w[3]) in name)
			$0 = $0 " " name[w[1], w[3]]
	}
	{ print }' "$uapi" -
}

# Runs test_verifier as NAME (native or xbpf), with the command prefix given.
run() {
	local name=$1 out start rc
	shift
	out="$OUT_DIR/tv-$name.txt"
	echo
	local cmd=("$@" "$BIN" "${args[@]}")
	echo "== $name run: ${cmd[*]}"
	start=$SECONDS
	if "${limit[@]}" "$@" "${unbuf[@]}" "$BIN" "${args[@]}" >"$out" 2>&1; then
		rc=0
	else
		rc=$?
	fi
	run_time[$name]=$((SECONDS - start))
	exit_status[$name]=$rc
	parse "$out" >"$OUT_DIR/tv-$name.verdicts"
	echo "   output: $out (exit status $rc, ${run_time[$name]}s)"
}

# Prints NAME's summary, and sets counts[NAME] to "passed skipped failed
# finished": test_verifier's own Summary line, or if the run died before it,
# counts over the per-test verdicts, a test cut short counting as failed.
summarize() {
	local name=$1 out summary p s f rc
	out="$OUT_DIR/tv-$name.txt"
	rc=${exit_status[$name]}
	summary=$(grep -o 'Summary: [0-9]* PASSED, [0-9]* SKIPPED, [0-9]* FAILED' "$out" | tail -n1 || true)
	if [ -n "$summary" ]; then
		echo "$name: $summary"
		# test_verifier counts a skip per message, not per test.
		grep -v 'Summary: ' "$out" | grep -oE 'SKIP( [(][^)]*[)])?' |
			sort | uniq -c | sort -rn | name_types | sed 's/^ */    /' || true
		read -r p s f <<<"$(echo "$summary" | tr -cs '0-9' ' ')"
		counts[$name]="$p $s $f 1"
	else
		if [ "$rc" = 124 ] && [ "$TIMEOUT" != 0 ]; then
			echo "$name: NO SUMMARY: timed out after ${TIMEOUT}s (TV_TIMEOUT)"
		elif [ "$rc" -gt 128 ]; then
			echo "$name: NO SUMMARY: killed by signal $((rc - 128))"
		else
			echo "$name: NO SUMMARY: exit status $rc"
		fi
		echo "$name: the last lines of its output:"
		tail -n 8 "$out" | cut -c1-200 | sed 's/^/    /'
		read -r p s f <<<"$(awk -F'\t' '
			$2 == "OK" { p++ } $2 == "SKIP" { s++ }
			$2 == "FAIL" || $2 == "NONE" { f++ }
			END { print p + 0, s + 0, f + 0 }' "$OUT_DIR/tv-$name.verdicts")"
		echo "$name: counted from its per-test lines: $p passed, $s skipped, $f failed"
		counts[$name]="$p $s $f 0"
	fi
}

# Lists NAME's failed tests (the first MAX_LISTED) with the first lines of
# what test_verifier printed about each.
list_failures() {
	local name=$1 n
	n=$(awk -F'\t' '$2 == "FAIL" || $2 == "NONE"' "$OUT_DIR/tv-$name.verdicts" | wc -l)
	[ "$n" -gt 0 ] || return 0
	echo
	if [ "$n" -gt "$MAX_LISTED" ]; then
		echo "$name: $n failed test runs, the first $MAX_LISTED:"
	else
		echo "$name: $n failed test runs:"
	fi
	awk -F'\t' -v max="$MAX_LISTED" '
	$2 == "FAIL" || $2 == "NONE" {
		if (++n > max)
			exit
		printf "  #%s %s%s\n", $1, $3, ($2 == "NONE" ? " (no verdict: the run died in it)" : "")
		k = split($4, d, "\037")
		for (i = 1; i <= k; i++)
			printf "      %s\n", d[i]
	}' "$OUT_DIR/tv-$name.verdicts"
}

# Writes the per-test verdicts of both runs side by side, tab-separated:
# test, description, kernel verdict, xbpf verdict, and "*" where the two
# differ ("-" for a run that did not reach the test, or did not happen).
compare() {
	local cmp="$OUT_DIR/tv-compare.txt" nat="$OUT_DIR/tv-native.verdicts" xb="$OUT_DIR/tv-xbpf.verdicts"
	[ "$native" = 1 ] || nat=/dev/null
	[ "$xbpf" = 1 ] || xb=/dev/null
	awk -F'\t' -v OFS='\t' -v both=$((native & xbpf)) '
	{
		file = FILENAME == ARGV[1] ? 1 : 2
		if (!($1 in descr)) {
			order[++n] = $1
			descr[$1] = $3
		}
		v[file, $1] = $2
	}
	END {
		print "test", "description", "kernel", "xbpf", "differs"
		for (i = 1; i <= n; i++) {
			k = order[i]
			a = ((1, k) in v) ? v[1, k] : "-"
			b = ((2, k) in v) ? v[2, k] : "-"
			print "#" k, descr[k], a, b, (both && a != b ? "*" : "")
		}
	}' "$nat" "$xb" >"$cmp"
	echo
	echo "per-test verdicts side by side: $cmp"
	if [ "$native" = 1 ] && [ "$xbpf" = 1 ]; then
		echo "kernel -> xbpf verdicts, over test runs:"
		awk -F'\t' 'NR > 1 { c[$3 " -> " $4]++ }
			END { for (k in c) printf "  %-14s %5d\n", k, c[k] }' "$cmp" | sort
	fi
}

# Holds the xbpf run to EXPECT: no failure that is not listed there, and at
# least its min-passed passes; prints the "N passed, N failed" line.
check_expected() {
	local passed=$1 floor unexpected
	floor=$(sed -n 's/^min-passed \([0-9]*\)$/\1/p' "$expect")
	unexpected=$(awk -F'\t' 'NR == FNR {
			if ($0 ~ /^#[0-9]+\/[pu]/) { split($0, w, " "); known[w[1]] = 1 }
			next
		}
		($2 == "FAIL" || $2 == "NONE") && !(("#" $1) in known) { print "#" $1 " " $3 }' \
		"$expect" "$OUT_DIR/tv-xbpf.verdicts")
	if [ -n "$unexpected" ]; then
		echo "xbpf: failures not in $expect:"
		echo "$unexpected" | sed 's/^/  /'
	fi
	local nunexpected=0
	[ -z "$unexpected" ] || nunexpected=$(echo "$unexpected" | wc -l)
	if [ -z "$floor" ] || [ "$passed" -lt "$floor" ]; then
		echo "xbpf: $passed passed, fewer than min-passed ${floor:-?} in $expect"
		nunexpected=$((nunexpected + 1))
	fi
	echo "$passed passed, $nunexpected failed"
	[ "$nunexpected" = 0 ]
}

[ "$native" = 0 ] || run native
[ "$xbpf" = 0 ] || run xbpf "$XBPF" exec --

echo
[ "$native" = 0 ] || summarize native
[ "$xbpf" = 0 ] || summarize xbpf
[ "$native" = 0 ] || list_failures native
[ "$xbpf" = 0 ] || list_failures xbpf
compare

status=0
if [ "$native" = 1 ]; then
	read -r p s f fin <<<"${counts[native]}"
	if [ "$fin" != 1 ]; then
		echo "native run: did not finish"
		status=1
	elif [ "$f" != 0 ]; then
		# Debian's 6.1.192 names the other register in "R0/R1 has pointer
		# with unsupported alu operation" than the 6.1.192 corpus expects.
		echo "native run: $f failed under the kernel itself (references in the VM:" \
			"1365 passed, 647 skipped, 0 failed; with --unpriv 2006 passed," \
			"0 skipped, 6 failed: #164 #166 #168 #169 #172 #857, all /u)"
		status=1
	fi
fi
if [ "$xbpf" = 1 ]; then
	read -r p s f fin <<<"${counts[xbpf]}"
	if [ "$fin" != 1 ] && [ "$native" = 0 ]; then
		status=1
	fi
	if [ "$strict" = 1 ] && { [ "$fin" != 1 ] || [ "$f" != 0 ]; }; then
		status=1
	fi
	echo "xbpf: $p passed, $s skipped, $f failed"
	if [ -n "$expect" ]; then
		check_expected "$p" || status=1
	fi
else
	read -r p s f fin <<<"${counts[native]}"
	echo "native: $p passed, $s skipped, $f failed"
fi
exit "$status"
