// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint and kprobe programs and CPU hotplug: a CPU that goes offline
 * and comes back, or first comes online after the program was attached,
 * runs the program like any other CPU. Both kinds of tracepoint event are
 * covered: syscalls:sys_exit_getpid (built from the sys_exit raw
 * tracepoint) and sched:sched_process_fork (a per-CPU perf counter under
 * xbpf). Needs a CPU 1 that can go offline (the VM has two CPUs); the
 * kernel does the same natively.
 */
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <kselftest_harness.h>

#include "attach_common.h"

#define N 100
#define GETPID_NR 39
#define FORKS 20
#define CPU 1
#define ONLINE "/sys/devices/system/cpu/cpu1/online"
/* the comm this test runs as; children inherit it */
#define COMM "hpl"

static int set_online(int on)
{
	int fd = open(ONLINE, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, on ? "1" : "0", 1);
	close(fd);
	return n == 1 ? 0 : -1;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static void unpin(void)
{
	cpu_set_t set;
	int cpu;

	CPU_ZERO(&set);
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static int fork_n(int n)
{
	int i, status;
	pid_t pid;

	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			return -1;
		if (!pid)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid || status)
			return -1;
	}
	return 0;
}

/* getpid() itself would count: asked once */
static pid_t me;

/*
 * sched_process_fork: parent_pid at 24, child_comm at 28; one u64 read
 * at 24 is our pid and the first four bytes of COMM.
 */
static __u64 fork_want(void)
{
	__u32 comm4 = 0;

	memcpy(&comm4, COMM, sizeof(COMM) < 4 ? sizeof(COMM) : 4);
	return (__u64)comm4 << 32 | (__u32)me;
}

FIXTURE(hotplug) {
	int map_exit, prog_exit, ev_exit;
	int map_fork, prog_fork, ev_fork;
	int map_kp, prog_kp, ev_kp;
};

FIXTURE_SETUP(hotplug)
{
	self->ev_exit = self->ev_fork = self->ev_kp = -1;
	self->prog_exit = self->prog_fork = self->prog_kp = -1;
	self->map_exit = self->map_fork = self->map_kp = -1;
	if (access(ONLINE, W_OK) || set_online(1))
		SKIP(return, "CPU %d cannot go offline here", CPU);
	ASSERT_OK(prctl(PR_SET_NAME, COMM));
	me = getpid();
	ASSERT_FD(self->map_exit, match_map(me));
	ASSERT_FD(self->prog_exit, match_prog(BPF_PROG_TYPE_TRACEPOINT,
					      self->map_exit, 16, 8, 0));
	ASSERT_FD(self->map_fork, match_map(fork_want()));
	ASSERT_FD(self->prog_fork, match_prog(BPF_PROG_TYPE_TRACEPOINT,
					      self->map_fork, 24, 24, 0));
	ASSERT_FD(self->map_kp, match_map(me));
	ASSERT_FD(self->prog_kp, match_prog(BPF_PROG_TYPE_KPROBE,
					    self->map_kp, REGS_AX, REGS_AX,
					    0));
}

FIXTURE_TEARDOWN(hotplug)
{
	close(self->ev_exit);
	close(self->ev_fork);
	close(self->ev_kp);
	close(self->prog_exit);
	close(self->prog_fork);
	close(self->prog_kp);
	close(self->map_exit);
	close(self->map_fork);
	close(self->map_kp);
	unpin();
	set_online(1);
}

static void attach_all(struct __test_metadata *_metadata,
		       FIXTURE_DATA(hotplug) *self)
{
	ASSERT_FD(self->ev_exit, tp_open("syscalls/sys_exit_getpid"));
	ASSERT_FD(self->ev_fork, tp_open("sched/sched_process_fork"));
	ASSERT_FD(self->ev_kp, kprobe_open("__x64_sys_getpid", 0, 1));
	ASSERT_OK(ioctl(self->ev_exit, PERF_EVENT_IOC_SET_BPF,
			self->prog_exit));
	ASSERT_OK(ioctl(self->ev_fork, PERF_EVENT_IOC_SET_BPF,
			self->prog_fork));
	ASSERT_OK(ioctl(self->ev_kp, PERF_EVENT_IOC_SET_BPF, self->prog_kp));
	ASSERT_OK(ioctl(self->ev_exit, PERF_EVENT_IOC_ENABLE, 0));
	ASSERT_OK(ioctl(self->ev_fork, PERF_EVENT_IOC_ENABLE, 0));
	ASSERT_OK(ioctl(self->ev_kp, PERF_EVENT_IOC_ENABLE, 0));
}

/* run the workload on cpu; every event counted exactly */
static void fire_on(struct __test_metadata *_metadata,
		    FIXTURE_DATA(hotplug) *self, int cpu, __u64 times)
{
	ASSERT_OK(pin(cpu));
	ASSERT_EQ(cpu, sched_getcpu());
	getpid_loop(N);
	ASSERT_OK(fork_n(FORKS));
	unpin();
	EXPECT_EQ(times * N, match_get(self->map_exit).hits);
	EXPECT_EQ(times * FORKS, match_get(self->map_fork).hits);
	EXPECT_EQ(times * N, match_get(self->map_kp).hits);
	if (!times)
		return;
	EXPECT_EQ(GETPID_NR, match_get(self->map_exit).seen);
	EXPECT_EQ(fork_want(), match_get(self->map_fork).seen);
	EXPECT_EQ(me, (pid_t)match_get(self->map_kp).seen);
}

/* Attached while CPU 1 is offline; then it comes online and fires. */
TEST_F(hotplug, attach_then_online)
{
	ASSERT_OK(set_online(0));
	attach_all(_metadata, self);
	fire_on(_metadata, self, 0, 1);
	/* offline: the workload cannot go there */
	EXPECT_ERRNO(EINVAL, pin(CPU));
	ASSERT_OK(set_online(1));
	fire_on(_metadata, self, CPU, 2);
}

/* Attached with CPU 1 online; it goes and comes back twice. */
TEST_F(hotplug, offline_online_cycles)
{
	int i;

	attach_all(_metadata, self);
	fire_on(_metadata, self, CPU, 1);
	for (i = 0; i < 2; i++) {
		ASSERT_OK(set_online(0));
		fire_on(_metadata, self, 0, 2 + 2 * i);
		ASSERT_OK(set_online(1));
		fire_on(_metadata, self, CPU, 3 + 2 * i);
	}
}

/* Events closed while CPU 1 is offline; then it comes back. */
TEST_F(hotplug, close_while_offline)
{
	attach_all(_metadata, self);
	ASSERT_OK(set_online(0));
	close(self->ev_exit);
	close(self->ev_fork);
	close(self->ev_kp);
	self->ev_exit = self->ev_fork = self->ev_kp = -1;
	ASSERT_OK(set_online(1));
	fire_on(_metadata, self, CPU, 0);
}

TEST_HARNESS_MAIN
