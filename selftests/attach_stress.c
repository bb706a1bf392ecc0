// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching and detaching under load: every CPU runs getpid() and
 * openat() in a loop while kprobe, kretprobe, tracepoint and raw
 * tracepoint links are created and closed for a few seconds. Nothing may
 * WARN (the kernel's taint), every link must be gone afterwards (no ID
 * left), and each program must have seen its events.
 */
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <kselftest_harness.h>

#include "attach_common.h"

#define SECONDS 10

static volatile int stop;

static void *busy(void *arg)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((int)(long)arg, &set);
	sched_setaffinity(0, sizeof(set), &set);
	while (!stop) {
		getpid_loop(50);
		openat(AT_FDCWD, "/nonexistent-xbpf-stress", O_RDONLY);
	}
	return NULL;
}

static int count_links(void)
{
	union bpf_attr attr;
	int n = 0;

	memset(&attr, 0, sizeof(attr));
	while (!sys_bpf(BPF_LINK_GET_NEXT_ID, &attr, sizeof(attr))) {
		attr.start_id = attr.next_id;
		n++;
	}
	return n;
}

TEST(attach_detach_under_load)
{
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), i, rounds = 0;
	int map, kprog, tprog, rprog, rprog2, base, links_before;
	int kev1, kev2, tev;
	long taint = kernel_taint();
	pthread_t threads[64];
	struct timespec t0, t;

	links_before = count_links();
	ASSERT_FD(map, match_map(getpid()));
	ASSERT_FD(kprog, match_prog(BPF_PROG_TYPE_KPROBE, map, REGS_AX,
				    REGS_AX, 0));
	ASSERT_FD(tprog, match_prog(BPF_PROG_TYPE_TRACEPOINT, map, 16, 8, 0));
	ASSERT_FD(rprog, match_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, map, 8, 0,
				    0));
	ASSERT_FD(rprog2, match_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, map, 8, 0,
				     0));
	/*
	 * The hooks stay: registering and removing probes on a syscall every
	 * CPU is running oopses Debian's 6.1 under TCG by itself (a call to
	 * NULL on the getpid path, with the kernel's own BPF too). Programs
	 * come and go on them, which patches no kernel text.
	 */
	ASSERT_FD(kev1, kprobe_open("__x64_sys_getpid", 0, 1));
	ASSERT_FD(kev2, kprobe_open("do_sys_openat2", 0, 0));
	ASSERT_FD(tev, tp_open("syscalls/sys_exit_getpid"));
	ASSERT_FD(base, raw_tp_open("sys_enter", rprog2));
	ASSERT_OK(ioctl(kev2, PERF_EVENT_IOC_SET_BPF, kprog));
	for (i = 0; i < ncpu && i < 64; i++)
		ASSERT_OK(pthread_create(&threads[i], NULL, busy,
					 (void *)(long)i));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		int l1, l2, l3;

		ASSERT_FD(l1, link_create(kprog, kev1, BPF_PERF_EVENT, rounds));
		ASSERT_FD(l2, link_create(tprog, tev, BPF_PERF_EVENT, 0));
		ASSERT_FD(l3, raw_tp_open("sys_enter", rprog));
		usleep(1000);
		close(l1);
		close(l2);
		close(l3);
		rounds++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < SECONDS);

	stop = 1;
	for (i = 0; i < ncpu && i < 64; i++)
		pthread_join(threads[i], NULL);
	TH_LOG("%d rounds, %llu matching events", rounds,
	       (unsigned long long)match_get(map).hits);
	close(base);
	close(tev);
	close(kev2);
	close(kev1);
	EXPECT_LE(3, rounds);
	EXPECT_LT(0, match_get(map).hits);
	EXPECT_EQ(links_before, count_links());
	EXPECT_EQ(taint, kernel_taint());
	close(rprog2);
	close(rprog);
	close(tprog);
	close(kprog);
	close(map);
}

/*
 * A kprobe on code xbpf runs for programs (its array map lookup), while
 * a tracepoint program calls that code: the kprobe program never runs
 * inside the other (a counted recursion miss), nothing hangs. xbpf only:
 * the kernel's programs do not run xbpf's map code.
 */
TEST(kprobe_on_xbpf_map_code)
{
	int map, kmap, kprog, tprog, ev, tev;
	__u64 runs, misses;

	struct match_val v = { .want = getpid() };
	__u32 key = 0;

	if (!running_under_xbpf())
		SKIP(return, "xbpf's own code: nothing to probe natively");
	/*
	 * A hash map: programs call its lookup code (array lookups are
	 * inlined into the program, so they call nothing to probe).
	 */
	ASSERT_FD(map, sys_map_create(BPF_MAP_TYPE_HASH, 4, sizeof(v), 1, 0));
	ASSERT_OK(sys_map_update(map, &key, &v, 0));
	ASSERT_FD(kmap, match_map(0));
	ASSERT_FD(kprog, match_prog(BPF_PROG_TYPE_KPROBE, kmap, REGS_AX,
				    REGS_AX, 0));
	ASSERT_FD(tprog, match_prog(BPF_PROG_TYPE_TRACEPOINT, map, 16, 8, 0));
	ASSERT_FD(ev, kprobe_open("xbpf:hash_lookup", 0, 0));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_SET_BPF, kprog));
	ASSERT_FD(tev, tp_open("syscalls/sys_exit_getpid"));
	ASSERT_OK(ioctl(tev, PERF_EVENT_IOC_SET_BPF, tprog));
	getpid_loop(100);
	EXPECT_EQ(100, match_get(map).hits);
	ASSERT_OK(prog_stats(kprog, &runs, &misses));
	/* every lookup by the tracepoint program was one */
	EXPECT_LE(100, misses);
	/* lookups from bpf(2) ran the kprobe program */
	EXPECT_LT(0, runs);
	close(tev);
	close(ev);
	close(tprog);
	close(kprog);
	close(kmap);
	close(map);
}

TEST_HARNESS_MAIN
