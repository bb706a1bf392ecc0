// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching programs: kprobes, kretprobes, tracepoints and raw
 * tracepoints fire with the right context, through SET_BPF and through
 * links; detaching stops them; links have IDs, info and fdinfo; bad
 * requests get Linux's errnos. The same binary runs against the kernel's
 * BPF and, through the shim, against xbpf (where perf_event_open of these
 * events goes to xbpf too).
 */
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include <kselftest_harness.h>

#include "attach_common.h"

#define N 200
#define GETPID_NR 39
#define OPENAT_NR 257

static int link_info(int fd, struct bpf_link_info *info)
{
	__u32 len = sizeof(*info);

	return sys_obj_info(fd, info, &len);
}

static void fd_link(int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, len - 1);
	buf[n < 0 ? 0 : n] = '\0';
}

/* A kprobe on the openat path sees the call's arguments in its registers. */
TEST(kprobe_registers_set_bpf)
{
	static const char path[] = "/nonexistent-xbpf-kprobe";
	struct match_val v;
	int map, prog, ev, i;
	char name[64];

	ASSERT_FD(map, match_map(ptr_to_u64(path)));
	ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_KPROBE, map, REGS_SI,
				   REGS_DI, 0));
	ASSERT_FD(ev, kprobe_open("do_sys_openat2", 0, 0));
	fd_link(ev, name, sizeof(name));
	EXPECT_STREQ("anon_inode:[perf_event]", name);
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_ENABLE, 0));
	for (i = 0; i < N; i++)
		EXPECT_EQ(-1, openat(AT_FDCWD, path, O_RDONLY));
	v = match_get(map);
	EXPECT_EQ(N, v.hits);
	/* the first argument, dfd */
	EXPECT_EQ(AT_FDCWD, (int)v.seen);

	/* one program per event */
	EXPECT_ERRNO(EEXIST, ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog));
	EXPECT_OK(ioctl(ev, PERF_EVENT_IOC_DISABLE, 0));
	close(ev);
	/* closing the event detached the program */
	for (i = 0; i < 10; i++)
		openat(AT_FDCWD, path, O_RDONLY);
	EXPECT_EQ(N, match_get(map).hits);
	close(prog);
	close(map);
}

/* A kretprobe sees the return value; libbpf's way, through a link. */
TEST(kretprobe_return_value_link)
{
	char name[64], fdinfo[64];
	struct bpf_link_info info;
	int map, prog, ev, link;
	pid_t me = getpid();

	ASSERT_FD(map, match_map(me));
	ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_KPROBE, map, REGS_AX,
				   REGS_AX, 0));
	ASSERT_FD(ev, kprobe_open("__x64_sys_getpid", 0, 1));
	ASSERT_FD(link, link_create(prog, ev, BPF_PERF_EVENT, 0));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_ENABLE, 0));
	getpid_loop(N);
	EXPECT_EQ(me, match_get(map).seen);
	EXPECT_EQ(N, match_get(map).hits);

	fd_link(link, name, sizeof(name));
	EXPECT_STREQ("anon_inode:bpf_link", name);
	ASSERT_OK(fdinfo_get(link, "link_type", fdinfo, sizeof(fdinfo)));
	EXPECT_STREQ("perf", fdinfo);
	memset(&info, 0, sizeof(info));
	ASSERT_OK(link_info(link, &info));
	EXPECT_EQ(BPF_LINK_TYPE_PERF_EVENT, info.type);
	EXPECT_LT(0, info.id);
	ASSERT_OK(fdinfo_get(prog, "prog_id", fdinfo, sizeof(fdinfo)));
	EXPECT_EQ(atoi(fdinfo), (int)info.prog_id);

	/* the link holds the event: closing the event fd detaches nothing */
	close(ev);
	getpid_loop(10);
	EXPECT_EQ(N + 10, match_get(map).hits);
	/* the link's own fd does */
	close(link);
	getpid_loop(10);
	EXPECT_EQ(N + 10, match_get(map).hits);
	close(prog);
	close(map);
}

/* As in Linux, the program runs on every CPU, though opened for CPU 0. */
TEST(kprobe_fires_on_every_cpu)
{
	int map, prog, ev, cpu, ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set, old;

	ASSERT_FD(map, match_map(getpid()));
	ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_KPROBE, map, REGS_AX,
				   REGS_AX, 0));
	ASSERT_FD(ev, kprobe_open("__x64_sys_getpid", 0, 1));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_ENABLE, 0));
	ASSERT_OK(sched_getaffinity(0, sizeof(old), &old));
	for (cpu = 0; cpu < ncpu; cpu++) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		ASSERT_OK(sched_setaffinity(0, sizeof(set), &set));
		getpid_loop(N);
	}
	sched_setaffinity(0, sizeof(old), &old);
	EXPECT_EQ((__u64)N * ncpu, match_get(map).hits);
	close(ev);
	close(prog);
	close(map);
}

/* Two programs on one function, each on its own event, both run. */
TEST(two_programs_one_function)
{
	int map1, map2, prog1, prog2, ev1, ev2, link;

	ASSERT_FD(map1, match_map(getpid()));
	ASSERT_FD(map2, match_map(getpid()));
	ASSERT_FD(prog1, match_prog(BPF_PROG_TYPE_KPROBE, map1, REGS_AX,
				    REGS_AX, 0));
	ASSERT_FD(prog2, match_prog(BPF_PROG_TYPE_KPROBE, map2, REGS_AX,
				    REGS_AX, 0));
	ASSERT_FD(ev1, kprobe_open("__x64_sys_getpid", 0, 1));
	ASSERT_FD(ev2, kprobe_open("__x64_sys_getpid", 0, 1));
	ASSERT_OK(ioctl(ev1, PERF_EVENT_IOC_SET_BPF, prog1));
	ASSERT_FD(link, link_create(prog2, ev2, BPF_PERF_EVENT, 0));
	getpid_loop(N);
	EXPECT_EQ(N, match_get(map1).hits);
	EXPECT_EQ(N, match_get(map2).hits);
	close(ev1);
	getpid_loop(N);
	EXPECT_EQ(N, match_get(map1).hits);
	EXPECT_EQ(2 * N, match_get(map2).hits);
	close(link);
	close(ev2);
	close(prog1);
	close(prog2);
	close(map1);
	close(map2);
}

/*
 * syscalls:sys_enter_openat: the fields as its format file lays them out
 * (__syscall_nr at 8, dfd at 16, filename at 24), and __syscall_nr read as
 * a u64, as Linux's programs (and vmlinux.h's trace_event_raw_sys_enter)
 * read it.
 */
TEST(tracepoint_syscall_fields)
{
	static const char path[] = "/nonexistent-xbpf-tracepoint";
	int map, map_nr, prog, prog_nr, ev, ev2, link, i;

	ASSERT_LT(0, tp_id("syscalls/sys_enter_openat"));
	ASSERT_FD(map, match_map(ptr_to_u64(path)));
	ASSERT_FD(map_nr, match_map(ptr_to_u64(path)));
	ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_TRACEPOINT, map, 24, 16, 0));
	ASSERT_FD(prog_nr, match_prog(BPF_PROG_TYPE_TRACEPOINT, map_nr, 24, 8,
				      0));
	ASSERT_FD(ev, tp_open("syscalls/sys_enter_openat"));
	ASSERT_FD(ev2, tp_open("syscalls/sys_enter_openat"));
	ASSERT_FD(link, link_create(prog, ev, BPF_PERF_EVENT, 0));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_ENABLE, 0));
	ASSERT_OK(ioctl(ev2, PERF_EVENT_IOC_SET_BPF, prog_nr));
	ASSERT_OK(ioctl(ev2, PERF_EVENT_IOC_ENABLE, 0));
	for (i = 0; i < N; i++)
		openat(AT_FDCWD, path, O_RDONLY);
	EXPECT_EQ(N, match_get(map).hits);
	EXPECT_EQ(AT_FDCWD, (int)match_get(map).seen);
	EXPECT_EQ(N, match_get(map_nr).hits);
	EXPECT_EQ(OPENAT_NR, match_get(map_nr).seen);
	close(link);
	close(ev);
	close(ev2);
	for (i = 0; i < 10; i++)
		openat(AT_FDCWD, path, O_RDONLY);
	EXPECT_EQ(N, match_get(map).hits);
	EXPECT_EQ(N, match_get(map_nr).hits);
	close(prog);
	close(prog_nr);
	close(map);
	close(map_nr);
}

/*
 * sys_enter_mmap, a six-argument syscall: the last argument (off) at 56,
 * the fifth (fd, passed as the long -1: all 64 bits, an unsigned long in
 * the record) at 48.
 */
TEST(tracepoint_syscall_last_arg)
{
	int map, prog, ev, i;
	void *p;

	ASSERT_FD(map, match_map(0x7000));
	ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_TRACEPOINT, map, 56, 48, 0));
	ASSERT_FD(ev, tp_open("syscalls/sys_enter_mmap"));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog));
	for (i = 0; i < N; i++) {
		p = (void *)syscall(__NR_mmap, 0, 4096, PROT_NONE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1L, 0x7000L);
		ASSERT_NE(MAP_FAILED, p);
		munmap(p, 4096);
	}
	EXPECT_EQ(N, match_get(map).hits);
	EXPECT_EQ(~0ULL, match_get(map).seen);
	close(ev);
	close(prog);
	close(map);
}

/* getpid() as a 32-bit syscall (int $0x80, ia32 number 20) */
static long getpid_ia32(void)
{
	long ret = 20;

	asm volatile("int $0x80" : "+a"(ret) : : "r8", "r9", "r10", "r11",
		     "memory");
	return ret;
}

/*
 * As in Linux, 32-bit syscalls fire no syscalls:* event: not their own
 * (getpid), nor the 64-bit syscall with their number (20 is writev).
 */
TEST(tracepoint_syscall_not_ia32)
{
	int map, map20, prog, prog20, ev, ev20, i;
	pid_t me = getpid();

	if (getpid_ia32() != me)
		SKIP(return, "no ia32 syscalls here");
	ASSERT_FD(map, match_map(me));
	ASSERT_FD(map20, match_map(me));
	ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_TRACEPOINT, map, 16, 8, 0));
	ASSERT_FD(prog20, match_prog(BPF_PROG_TYPE_TRACEPOINT, map20, 16, 8,
				     0));
	ASSERT_FD(ev, tp_open("syscalls/sys_exit_getpid"));
	ASSERT_FD(ev20, tp_open("syscalls/sys_exit_writev"));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog));
	ASSERT_OK(ioctl(ev20, PERF_EVENT_IOC_SET_BPF, prog20));
	getpid_loop(N);
	for (i = 0; i < N; i++)
		ASSERT_EQ(me, getpid_ia32());
	EXPECT_EQ(N, match_get(map).hits);
	EXPECT_EQ(0, match_get(map20).hits);
	close(ev);
	close(ev20);
	close(prog);
	close(prog20);
	close(map);
	close(map20);
}

/* sys_exit_getpid: ret at 16 is getpid()'s value. */
TEST(tracepoint_exit_ret)
{
	int map, prog, ev;

	ASSERT_FD(map, match_map(getpid()));
	ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_TRACEPOINT, map, 16, 8, 0));
	ASSERT_FD(ev, tp_open("syscalls/sys_exit_getpid"));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_ENABLE, 0));
	getpid_loop(N);
	EXPECT_EQ(N, match_get(map).hits);
	EXPECT_EQ(GETPID_NR, match_get(map).seen);
	close(ev);
	close(prog);
	close(map);
}

/*
 * A program that reads past the end of the event's record cannot attach:
 * sys_enter_getpid's record ends at 12.
 */
TEST(tracepoint_ctx_too_far)
{
	int map, prog, ev;

	ASSERT_FD(map, match_map(0));
	ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_TRACEPOINT, map, 16, 8, 0));
	ASSERT_FD(ev, tp_open("syscalls/sys_enter_getpid"));
	EXPECT_ERRNO(EACCES, ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog));
	EXPECT_ERRNO(EACCES, link_create(prog, ev, BPF_PERF_EVENT, 0));
	close(ev);
	close(prog);
	close(map);
}

/*
 * sched:sched_process_exec: __data_loc filename at 8 (offset 20 and
 * length 10 of "/bin/true") and pid at 12, read as one u64; the record
 * ends with old_pid at 16.
 */
TEST(tracepoint_sched_process_exec)
{
	int map, prog, ev, status, sync[2];
	struct match_val v = { 0 };
	__u32 key = 0;
	pid_t pid;
	char c = 0;

	ASSERT_FD(map, match_map(0));
	ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_TRACEPOINT, map, 8, 8, 0));
	ASSERT_FD(ev, tp_open("sched/sched_process_exec"));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog));
	ASSERT_OK(pipe(sync));
	pid = fork();
	if (!pid) {
		if (read(sync[0], &c, 1) != 1)
			_exit(126);
		execl("/bin/true", "true", NULL);
		_exit(127);
	}
	v.want = (__u64)pid << 32 | (10 << 16) | 20;
	ASSERT_OK(sys_map_update(map, &key, &v, 0));
	ASSERT_EQ(1, write(sync[1], &c, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	close(ev);
	v = match_get(map);
	EXPECT_EQ(1, v.hits);
	EXPECT_EQ((__u32)pid, (__u32)(v.seen >> 32));
	EXPECT_EQ((10 << 16) | 20, (__u32)v.seen);
	close(sync[0]);
	close(sync[1]);
	close(prog);
	close(map);
}

/* A sampling software event runs a PERF_EVENT program on each sample. */
TEST(perf_event_sampling)
{
	struct perf_event_attr attr;
	int map, prog, ev;
	struct timespec t0, t;

	ASSERT_FD(map, match_map(100000));
	/* struct bpf_perf_event_data: sample_period at 168 */
	ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_PERF_EVENT, map, 168, 168,
				   0));
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_TASK_CLOCK;
	attr.sample_period = 100000;
	attr.disabled = 1;
	ASSERT_FD(ev, sys_perf_event_open(&attr, 0, -1, -1,
					  PERF_FLAG_FD_CLOEXEC));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog));
	/* disabled: no samples */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec - t0.tv_nsec <
	       50000000L);
	EXPECT_EQ(0, match_get(map).hits);
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_ENABLE, 0));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec - t0.tv_nsec <
	       200000000L);
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_DISABLE, 0));
	EXPECT_LT(10, match_get(map).hits);
	EXPECT_EQ(100000, match_get(map).seen);
	/* a kprobe program does not fit a sampling event */
	close(ev);
	close(prog);
	close(map);
}

/* Raw tracepoint sys_enter: args[1] is the syscall number. */
TEST(raw_tracepoint_args)
{
	char name[64], fdinfo[64];
	struct bpf_link_info info;
	int map, prog, link;

	ASSERT_FD(map, match_map(GETPID_NR));
	ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, map, 8, 0,
				   0));
	ASSERT_FD(link, raw_tp_open("sys_enter", prog));
	getpid_loop(N);
	EXPECT_LE(N, match_get(map).hits);
	/* args[0] is the struct pt_regs of the syscall: a kernel address */
	EXPECT_LT(0xffff800000000000ULL, match_get(map).seen);

	fd_link(link, name, sizeof(name));
	EXPECT_STREQ("anon_inode:bpf_link", name);
	ASSERT_OK(fdinfo_get(link, "link_type", fdinfo, sizeof(fdinfo)));
	EXPECT_STREQ("raw_tracepoint", fdinfo);
	ASSERT_OK(fdinfo_get(link, "tp_name", fdinfo, sizeof(fdinfo)));
	EXPECT_STREQ("sys_enter", fdinfo);

	memset(&info, 0, sizeof(info));
	info.raw_tracepoint.tp_name = ptr_to_u64(name);
	info.raw_tracepoint.tp_name_len = sizeof(name);
	ASSERT_OK(link_info(link, &info));
	EXPECT_EQ(BPF_LINK_TYPE_RAW_TRACEPOINT, info.type);
	EXPECT_STREQ("sys_enter", name);
	EXPECT_EQ(10, info.raw_tracepoint.tp_name_len);
	/* a buffer too short: truncated, ENOSPC */
	info.raw_tracepoint.tp_name_len = 4;
	EXPECT_ERRNO(ENOSPC, link_info(link, &info));
	EXPECT_STREQ("sys", name);
	/* a length without a buffer */
	info.raw_tracepoint.tp_name = 0;
	EXPECT_ERRNO(EINVAL, link_info(link, &info));

	/* the same program twice on one tracepoint */
	EXPECT_ERRNO(EEXIST, raw_tp_open("sys_enter", prog));
	close(link);
	{
		__u64 hits = match_get(map).hits;

		getpid_loop(N);
		EXPECT_EQ(hits, match_get(map).hits);
	}
	close(prog);
	close(map);
}

TEST(raw_tracepoint_errors)
{
	int map, prog, kprog;

	ASSERT_FD(map, match_map(0));
	ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, map, 8, 0,
				   0));
	ASSERT_FD(kprog, match_prog(BPF_PROG_TYPE_KPROBE, map, 8, 0, 0));
	EXPECT_ERRNO(ENOENT, raw_tp_open("xbpf_no_such_tracepoint", prog));
	EXPECT_ERRNO(EFAULT, raw_tp_open(NULL, prog));
	EXPECT_ERRNO(EINVAL, raw_tp_open("sys_enter", kprog));
	EXPECT_ERRNO(EBADF, raw_tp_open("sys_enter", -1));
	EXPECT_ERRNO(EINVAL, raw_tp_open("sys_enter", map));
	close(kprog);
	close(prog);
	close(map);
}

/*
 * As in Linux, a program may read only the tracepoint's own arguments:
 * sys_enter has two (regs, id), signal_generate five (int sig, info,
 * task, int group, int result). int arguments arrive widened to u64.
 */
TEST(raw_tracepoint_arity)
{
	int map, prog, i;
	__sighandler_t old;
	static const struct {
		const char *tp;
		short off;
		int ok;
	} cases[] = {
		{ "sys_enter", 8, 1 },
		{ "sys_enter", 16, 0 },
		{ "sys_enter", 88, 0 },
		{ "signal_generate", 32, 1 },
		{ "signal_generate", 40, 0 },
	};

	for (i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++) {
		int link;

		ASSERT_FD(map, match_map(0));
		ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, map,
					   0, cases[i].off, 0));
		link = raw_tp_open(cases[i].tp, prog);
		if (cases[i].ok) {
			EXPECT_LE(0, link) TH_LOG("%s reading %d: %s",
						  cases[i].tp, cases[i].off,
						  errno_str(errno));
		} else {
			EXPECT_EQ(-1, link) TH_LOG("%s reading %d",
						   cases[i].tp, cases[i].off);
			EXPECT_EQ(EINVAL, errno);
		}
		if (link >= 0)
			close(link);
		close(prog);
		close(map);
	}

	/* sig at args[0], result at args[4]: an ignored SIGUSR1 */
	ASSERT_FD(map, match_map(SIGUSR1));
	ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, map, 0, 32,
				   0));
	ASSERT_FD(i, raw_tp_open("signal_generate", prog));
	old = signal(SIGUSR1, SIG_IGN);
	{
		int k;

		for (k = 0; k < N; k++)
			kill(getpid(), SIGUSR1);
	}
	signal(SIGUSR1, old);
	EXPECT_EQ(N, match_get(map).hits);
	/* TRACE_SIGNAL_IGNORED */
	EXPECT_EQ(1, match_get(map).seen);
	close(i);
	close(prog);
	close(map);
}

__attribute__((noinline)) int uprobe_target(int x)
{
	asm volatile("" : "+r"(x));
	return x + 1;
}

/* The file and offset of code at addr, from /proc/self/maps. */
static int code_location(void *addr, char *path, size_t len, __u64 *offset)
{
	unsigned long a = (unsigned long)addr, start, end, pgoff;
	char line[512], perms[8];
	FILE *f = fopen("/proc/self/maps", "re");
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		int pos = 0;

		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %n", &start, &end,
			   perms, &pgoff, &pos) < 4 || !pos)
			continue;
		if (a < start || a >= end)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, len, "%s", line + pos);
		*offset = a - start + pgoff;
		found = 0;
		break;
	}
	fclose(f);
	return found;
}

static int uprobe_open(const char *path, __u64 offset, int retprobe, int pid)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = pmu_type("uprobe");
	attr.config = retprobe ? 1 : 0;
	attr.config1 = ptr_to_u64(path);
	attr.config2 = offset;
	return sys_perf_event_open(&attr, pid, pid == -1 ? 0 : -1, -1,
				   PERF_FLAG_FD_CLOEXEC);
}

/* uprobe and uretprobe on a function of this binary: argument, result. */
TEST(uprobe_args_and_return)
{
	int map, rmap, prog, rprog, ev, rev, link, i;
	char path[256];
	__u64 offset;

	ASSERT_OK(code_location((void *)uprobe_target, path, sizeof(path),
				&offset));
	ASSERT_FD(map, match_map(0x5a5a));
	ASSERT_FD(rmap, match_map(0x5a5b));
	ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_KPROBE, map, REGS_DI,
				   REGS_DI, 0));
	ASSERT_FD(rprog, match_prog(BPF_PROG_TYPE_KPROBE, rmap, REGS_AX,
				    REGS_AX, 0));
	ASSERT_FD(ev, uprobe_open(path, offset, 0, -1));
	ASSERT_FD(rev, uprobe_open(path, offset, 1, getpid()));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_ENABLE, 0));
	ASSERT_FD(link, link_create(rprog, rev, BPF_PERF_EVENT, 0));
	ASSERT_OK(ioctl(rev, PERF_EVENT_IOC_ENABLE, 0));
	for (i = 0; i < N; i++)
		EXPECT_EQ(0x5a5b, uprobe_target(0x5a5a));
	EXPECT_EQ(N, match_get(map).hits);
	EXPECT_EQ(N, match_get(rmap).hits);
	/* as for kprobes, DISABLE does not stop the program */
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_DISABLE, 0));
	uprobe_target(0x5a5a);
	EXPECT_EQ(N + 1, match_get(map).hits);
	EXPECT_EQ(N + 1, match_get(rmap).hits);
	close(link);
	close(rev);
	close(ev);
	uprobe_target(0x5a5a);
	EXPECT_EQ(N + 1, match_get(map).hits);
	EXPECT_EQ(N + 1, match_get(rmap).hits);

	/* a file that is not there, a directory */
	EXPECT_ERRNO(ENOENT, uprobe_open("/nonexistent-xbpf", 0, 0, -1));
	EXPECT_ERRNO(EINVAL, uprobe_open("/", 0, 0, -1));
	close(rprog);
	close(prog);
	close(rmap);
	close(map);
}

/* The cookie given to BPF_LINK_CREATE is what the program gets. */
TEST(link_cookie)
{
	int map, prog, ev, link;

	ASSERT_FD(map, match_map(getpid()));
	prog = match_prog(BPF_PROG_TYPE_KPROBE, map, REGS_AX, 0, 1);
	if (prog < 0 && running_under_xbpf() &&
	    (errno == ENOTSUPP || errno == EINVAL))
		SKIP(return, "xbpf has no bpf_get_attach_cookie yet");
	ASSERT_LE(0, prog);
	ASSERT_FD(ev, kprobe_open("__x64_sys_getpid", 0, 1));
	ASSERT_FD(link, link_create(prog, ev, BPF_PERF_EVENT,
				    0x1234567887654321ULL));
	getpid_loop(10);
	EXPECT_EQ(10, match_get(map).hits);
	EXPECT_EQ(0x1234567887654321ULL, match_get(map).seen);
	close(link);
	close(ev);
	close(prog);
	close(map);
}

TEST(kprobe_open_errors)
{
	struct perf_event_attr attr;

	EXPECT_ERRNO(ENOENT, kprobe_open("xbpf_no_such_function", 0, 0));
	EXPECT_ERRNO(ENOENT, kprobe_open("xbpf_no_such_function", 0, 1));
	/* in kprobes' blacklist */
	EXPECT_ERRNO(EINVAL, kprobe_open("notify_die", 0, 0));
	/* not an instruction boundary */
	EXPECT_ERRNO(EILSEQ, kprobe_open("__x64_sys_getpid", 1, 0));

	/* attr.size 0 is PERF_ATTR_SIZE_VER0 */
	memset(&attr, 0, sizeof(attr));
	attr.type = pmu_type("kprobe");
	attr.config1 = ptr_to_u64("__x64_sys_getpid");
	{
		int fd = sys_perf_event_open(&attr, -1, 0, -1,
					     PERF_FLAG_FD_CLOEXEC);

		EXPECT_LE(0, fd);
		close(fd);
	}
	/* unknown flags */
	attr.size = sizeof(attr);
	EXPECT_ERRNO(EINVAL, sys_perf_event_open(&attr, -1, 0, -1, 1UL << 20));
	/* no task and no CPU */
	EXPECT_ERRNO(EINVAL, sys_perf_event_open(&attr, -1, -1, -1, 0));
	/* a longer attr with a non-zero tail */
	{
		char big[sizeof(attr) + 8];

		memset(big, 0, sizeof(big));
		memcpy(big, &attr, sizeof(attr));
		((struct perf_event_attr *)big)->size = sizeof(big);
		big[sizeof(big) - 1] = 1;
		EXPECT_ERRNO(E2BIG, sys_perf_event_open(
				(struct perf_event_attr *)big, -1, 0, -1, 0));
	}
	/* a bad tracepoint id */
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = 0x7fffffff;
	EXPECT_ERRNO(EINVAL, sys_perf_event_open(&attr, -1, 0, -1, 0));
}

TEST(set_bpf_and_link_errors)
{
	int map, kprog, tprog, sprog, ev, tev, link;
	struct bpf_insn ret0[] = { MOV64_IMM(0, 0), EXIT };

	ASSERT_FD(map, match_map(0));
	ASSERT_FD(kprog, match_prog(BPF_PROG_TYPE_KPROBE, map, 8, 0, 0));
	ASSERT_FD(tprog, prog_load_insns(BPF_PROG_TYPE_TRACEPOINT, ret0, 2, 0));
	ASSERT_FD(sprog, prog_load_insns(BPF_PROG_TYPE_SOCKET_FILTER, ret0, 2,
					 0));
	ASSERT_FD(ev, kprobe_open("__x64_sys_getpid", 0, 0));
	ASSERT_FD(tev, tp_open("syscalls/sys_enter_getpid"));

	/* SET_BPF: the program must fit the event */
	EXPECT_ERRNO(EINVAL, ioctl(ev, PERF_EVENT_IOC_SET_BPF, tprog));
	EXPECT_ERRNO(EINVAL, ioctl(tev, PERF_EVENT_IOC_SET_BPF, kprog));
	EXPECT_ERRNO(EINVAL, ioctl(ev, PERF_EVENT_IOC_SET_BPF, sprog));
	EXPECT_ERRNO(EINVAL, ioctl(ev, PERF_EVENT_IOC_SET_BPF, map));
	EXPECT_ERRNO(EBADF, ioctl(ev, PERF_EVENT_IOC_SET_BPF, -1));
	EXPECT_ERRNO(ENOTTY, ioctl(ev, _IO('$', 0x7f), 0));

	/* libbpf's FEAT_PERF_LINK probe: target_fd -1 is EBADF */
	EXPECT_ERRNO(EBADF, link_create(tprog, -1, BPF_PERF_EVENT, 0));
	/* a target that is not a perf event */
	EXPECT_ERRNO(EBADF, link_create(kprog, map, BPF_PERF_EVENT, 0));
	EXPECT_ERRNO(EINVAL, link_create(kprog, ev, BPF_TRACE_FENTRY, 0));
	EXPECT_ERRNO(EINVAL, link_create(sprog, ev, BPF_PERF_EVENT, 0));
	EXPECT_ERRNO(EINVAL, link_create(tprog, ev, BPF_PERF_EVENT, 0));
	EXPECT_ERRNO(EBADF, link_create(-1, ev, BPF_PERF_EVENT, 0));
	EXPECT_ERRNO(EINVAL, link_create(map, ev, BPF_PERF_EVENT, 0));
	{
		union bpf_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.link_create.prog_fd = kprog;
		attr.link_create.target_fd = ev;
		attr.link_create.attach_type = BPF_PERF_EVENT;
		attr.link_create.flags = 1;
		EXPECT_ERRNO(EINVAL, sys_bpf(BPF_LINK_CREATE, &attr,
					     sizeof(attr)));
	}

	ASSERT_FD(link, link_create(kprog, ev, BPF_PERF_EVENT, 0));
	/* already has a program, whichever way it came */
	EXPECT_ERRNO(EEXIST, link_create(kprog, ev, BPF_PERF_EVENT, 0));
	EXPECT_ERRNO(EEXIST, ioctl(ev, PERF_EVENT_IOC_SET_BPF, kprog));

	/* Linux 6.1's perf links have neither detach nor update */
	{
		union bpf_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.link_detach.link_fd = link;
		EXPECT_ERRNO(EOPNOTSUPP, sys_bpf(BPF_LINK_DETACH, &attr,
						 sizeof(attr)));
		attr.link_detach.link_fd = map;
		EXPECT_ERRNO(EINVAL, sys_bpf(BPF_LINK_DETACH, &attr,
					     sizeof(attr)));
		attr.link_detach.link_fd = -1;
		EXPECT_ERRNO(EBADF, sys_bpf(BPF_LINK_DETACH, &attr,
					    sizeof(attr)));

		memset(&attr, 0, sizeof(attr));
		attr.link_update.link_fd = link;
		attr.link_update.new_prog_fd = kprog;
		EXPECT_ERRNO(EINVAL, sys_bpf(BPF_LINK_UPDATE, &attr,
					     sizeof(attr)));
		attr.link_update.flags = 1U << 7;
		EXPECT_ERRNO(EINVAL, sys_bpf(BPF_LINK_UPDATE, &attr,
					     sizeof(attr)));
		attr.link_update.flags = 0;
		attr.link_update.new_prog_fd = -1;
		EXPECT_ERRNO(EBADF, sys_bpf(BPF_LINK_UPDATE, &attr,
					    sizeof(attr)));
	}
	close(link);
	/* the event is free again */
	EXPECT_OK(ioctl(ev, PERF_EVENT_IOC_SET_BPF, kprog));

	close(tev);
	close(ev);
	close(sprog);
	close(tprog);
	close(kprog);
	close(map);
}

TEST(link_ids)
{
	int map, prog, link, fd;
	struct bpf_link_info info;
	__u32 id, next, seen = 0;
	union bpf_attr attr;

	ASSERT_FD(map, match_map(0));
	ASSERT_FD(prog, match_prog(BPF_PROG_TYPE_RAW_TRACEPOINT, map, 8, 0,
				   0));
	ASSERT_FD(link, raw_tp_open("sys_enter", prog));
	memset(&info, 0, sizeof(info));
	ASSERT_OK(link_info(link, &info));
	id = info.id;

	for (next = 0;;) {
		memset(&attr, 0, sizeof(attr));
		attr.start_id = next;
		if (sys_bpf(BPF_LINK_GET_NEXT_ID, &attr, sizeof(attr)))
			break;
		next = attr.next_id;
		if (next == id)
			seen = 1;
	}
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(1, seen);

	memset(&attr, 0, sizeof(attr));
	attr.link_id = id;
	ASSERT_FD(fd, sys_bpf(BPF_LINK_GET_FD_BY_ID, &attr, sizeof(attr)));
	memset(&info, 0, sizeof(info));
	ASSERT_OK(link_info(fd, &info));
	EXPECT_EQ(id, info.id);
	EXPECT_EQ(BPF_LINK_TYPE_RAW_TRACEPOINT, info.type);
	/* the link lives while any fd does */
	close(link);
	memset(&info, 0, sizeof(info));
	EXPECT_OK(link_info(fd, &info));
	close(fd);

	attr.link_id = id;
	EXPECT_ERRNO(ENOENT, sys_bpf(BPF_LINK_GET_FD_BY_ID, &attr,
				     sizeof(attr)));
	attr.link_id = 0;
	EXPECT_ERRNO(ENOENT, sys_bpf(BPF_LINK_GET_FD_BY_ID, &attr,
				     sizeof(attr)));
	attr.link_id = id;
	attr.next_id = 1;
	EXPECT_ERRNO(EINVAL, sys_bpf(BPF_LINK_GET_FD_BY_ID, &attr,
				     sizeof(attr)));
	close(prog);
	close(map);
}

TEST_HARNESS_MAIN
