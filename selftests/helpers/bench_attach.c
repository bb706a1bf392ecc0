// SPDX-License-Identifier: GPL-2.0
/*
 * bench_attach KIND [CALLS]: the cost a program attached to KIND (kprobe,
 * kretprobe, tracepoint, raw_tp) adds to each getpid() call. Prints
 * "KIND base_ns attached_ns added_ns": five rounds of (detached loop,
 * attach, attached loop, detach), each loop the best of three, and the
 * best of each over the rounds, so that a noisy host skews both alike.
 * Driven by selftests/bench_attach.sh, natively and under xbpf exec.
 */
#include <signal.h>
#include <time.h>

#include "attach_common.h"

static pid_t me;

/* signal/signal_generate, a tracepoint that is not a syscall's */
static void kill_loop(int n)
{
	int i;

	for (i = 0; i < n; i++)
		kill(me, SIGUSR1);
}

/* the workload: one call, one event */
static void (*work)(int n) = getpid_loop;

static double ns_per_call(int calls)
{
	struct timespec t0, t1;
	double best = 1e18;
	int r;

	for (r = 0; r < 3; r++) {
		double ns;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		work(calls);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + t1.tv_nsec - t0.tv_nsec) /
		     calls;
		if (ns < best)
			best = ns;
	}
	return best;
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "kprobe";
	int calls = argc > 2 ? atoi(argv[2]) : 20000;
	int map, prog, ev = -1, link, round;
	double base, with;

	/* the same program everywhere: a map lookup, a compare, a count */
	map = match_map(getpid());
	if (map < 0)
		return 1;
	if (!strcmp(kind, "kprobe") || !strcmp(kind, "kretprobe")) {
		prog = match_prog(BPF_PROG_TYPE_KPROBE, map, REGS_AX, REGS_AX,
				  0);
		ev = kprobe_open("__x64_sys_getpid", 0,
				 !strcmp(kind, "kretprobe"));
	} else if (!strcmp(kind, "tracepoint")) {
		prog = match_prog(BPF_PROG_TYPE_TRACEPOINT, map, 16, 8, 0);
		ev = tp_open("syscalls/sys_exit_getpid");
	} else if (!strcmp(kind, "tp_signal")) {
		/* sig (SIGUSR1) and errno (0) at 8, as one u64 */
		me = getpid();
		signal(SIGUSR1, SIG_IGN);
		work = kill_loop;
		close(map);
		map = match_map(SIGUSR1);
		prog = match_prog(BPF_PROG_TYPE_TRACEPOINT, map, 8, 8, 0);
		ev = tp_open("signal/signal_generate");
	} else if (!strcmp(kind, "raw_tp")) {
		prog = match_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, map, 8, 0, 0);
	} else {
		fprintf(stderr, "unknown kind %s\n", kind);
		return 2;
	}
	if (prog < 0)
		return 1;

	base = with = 1e18;
	for (round = 0; round < 5; round++) {
		double ns = ns_per_call(calls);

		if (ns < base)
			base = ns;
		if (!strcmp(kind, "raw_tp"))
			link = raw_tp_open("sys_exit", prog);
		else
			link = link_create(prog, ev, BPF_PERF_EVENT, 0);
		if (link < 0) {
			fprintf(stderr, "attach %s: %s\n", kind,
				strerror(errno));
			return 1;
		}
		ns = ns_per_call(calls);
		if (ns < with)
			with = ns;
		close(link);
	}
	/* a kprobe's entry registers hold no value to match */
	if (strcmp(kind, "kprobe") && match_get(map).hits < (__u64)calls) {
		fprintf(stderr, "%s: the program did not run\n", kind);
		return 1;
	}
	printf("%s %.0f %.0f %.0f\n", kind, base, with, with - base);
	return 0;
}
