/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the attach selftests share: perf_event_open() for kprobes,
 * tracepoints and sampling events, and small programs that count the
 * events whose context matches a value.
 *
 * perf_event_open() goes through libc's syscall(), as libbpf's does, so
 * under the shim the events are xbpf's and natively the kernel's.
 */
#ifndef XBPF_ATTACH_COMMON_H
#define XBPF_ATTACH_COMMON_H

#include <linux/perf_event.h>
#include <sys/ioctl.h>

#include "xbpf_test.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn){ c, d, s, o, i })
#define MOV64_IMM(d, i)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s)	INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i)	INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define LDX_DW(d, s, o)	INSN(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define STX_DW(d, s, o)	INSN(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define ST_W(d, o, i)	INSN(BPF_ST | BPF_MEM | BPF_W, d, 0, o, i)
#define XADD_DW(d, s, o) INSN(BPF_STX | BPF_ATOMIC | BPF_DW, d, s, o, BPF_ADD)
#define JEQ_IMM(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define JNE_REG(d, s, o) INSN(BPF_JMP | BPF_JNE | BPF_X, d, s, o, 0)
#define CALL(f)		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define LD_MAP(d, fd)	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), \
			INSN(0, 0, 0, 0, 0)

/* struct pt_regs offsets on x86-64 */
#define REGS_AX		80
#define REGS_SI		104
#define REGS_DI		112

/* The value a match program works on: one array element. */
struct match_val {
	__u64 want;	/* count events whose context word equals this */
	__u64 hits;
	__u64 seen;	/* the context word at seen_off (or the cookie) */
};

static inline int sys_perf_event_open(struct perf_event_attr *attr, int pid,
				      int cpu, int group_fd,
				      unsigned long flags)
{
	return syscall(__NR_perf_event_open, attr, pid, cpu, group_fd, flags);
}

static inline int pmu_type(const char *pmu)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type",
		 pmu);
	return (int)read_long_file(path);
}

/* A kprobe (retprobe) PMU event, as libbpf opens one: pid -1, cpu 0. */
static inline int kprobe_open(const char *func, __u64 offset, int retprobe)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = pmu_type("kprobe");
	attr.config = retprobe ? 1 : 0;
	attr.config1 = ptr_to_u64(func);
	attr.config2 = offset;
	return sys_perf_event_open(&attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

/* The tracefs id of "cat/name", or -1. */
static inline int tp_id(const char *event)
{
	char path[256];
	long id;

	snprintf(path, sizeof(path), "/sys/kernel/debug/tracing/events/%s/id",
		 event);
	id = read_long_file(path);
	if (id < 0) {
		snprintf(path, sizeof(path),
			 "/sys/kernel/tracing/events/%s/id", event);
		id = read_long_file(path);
	}
	return (int)id;
}

static inline int tp_open(const char *event)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = tp_id(event);
	return sys_perf_event_open(&attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
}

static inline int prog_load_insns(__u32 type, const struct bpf_insn *insns,
				  __u32 cnt, __u32 expected_attach_type)
{
	static char log[4096];
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = cnt;
	attr.license = ptr_to_u64("GPL");
	attr.expected_attach_type = expected_attach_type;
	attr.log_buf = ptr_to_u64(log);
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0) {
		int err = errno;

		fprintf(stderr, "# load failed: %s\n%s", errno_str(err), log);
		errno = err;
	}
	return fd;
}

/*
 * A program that counts the events whose u64 context word at match_off
 * equals the map's want, and records the word at seen_off (or, with
 * cookie, what bpf_get_attach_cookie() returns).
 */
static inline int match_prog(__u32 type, int map_fd, short match_off,
			     short seen_off, int cookie)
{
	struct bpf_insn insns[] = {
		MOV64_REG(6, 1),
		ST_W(10, -4, 0),
		MOV64_REG(2, 10),
		ADD64_IMM(2, -4),
		LD_MAP(1, map_fd),
		CALL(BPF_FUNC_map_lookup_elem),
		JEQ_IMM(0, 0, 9),
		MOV64_REG(7, 0),
		LDX_DW(1, 6, match_off),
		LDX_DW(2, 7, 0),
		JNE_REG(1, 2, 5),
		MOV64_IMM(1, 1),
		XADD_DW(7, 1, 8),
		cookie ? MOV64_REG(1, 6) : LDX_DW(1, 6, seen_off),
		cookie ? CALL(BPF_FUNC_get_attach_cookie) : MOV64_REG(0, 1),
		STX_DW(7, 0, 16),
		MOV64_IMM(0, 0),
		EXIT,
	};

	return prog_load_insns(type, insns, sizeof(insns) / sizeof(insns[0]),
			       0);
}

static inline int match_map(__u64 want)
{
	struct match_val v = { .want = want };
	__u32 key = 0;
	int fd;

	fd = sys_map_create(BPF_MAP_TYPE_ARRAY, 4, sizeof(v), 1, 0);
	if (fd < 0)
		return fd;
	if (sys_map_update(fd, &key, &v, 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static inline struct match_val match_get(int map_fd)
{
	struct match_val v;
	__u32 key = 0;

	memset(&v, 0xff, sizeof(v));
	sys_map_lookup(map_fd, &key, &v, 0);
	return v;
}

static inline int link_create(int prog_fd, int target_fd, __u32 type,
			      __u64 cookie)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog_fd;
	attr.link_create.target_fd = target_fd;
	attr.link_create.attach_type = type;
	attr.link_create.perf_event.bpf_cookie = cookie;
	/* the size libbpf 1.1 sends */
	return sys_bpf(BPF_LINK_CREATE, &attr, 48);
}

static inline int raw_tp_open(const char *name, int prog_fd)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.name = ptr_to_u64(name);
	attr.raw_tracepoint.prog_fd = prog_fd;
	return sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr, sizeof(attr));
}

static inline void getpid_loop(int n)
{
	int i;

	for (i = 0; i < n; i++)
		syscall(__NR_getpid);
}

static inline int prog_stats(int prog_fd, __u64 *run_cnt, __u64 *misses)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int err;

	memset(&info, 0, sizeof(info));
	err = sys_obj_info(prog_fd, &info, &len);
	if (!err) {
		*run_cnt = info.run_cnt;
		*misses = info.recursion_misses;
	}
	return err;
}

#endif /* XBPF_ATTACH_COMMON_H */
