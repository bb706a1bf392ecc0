// SPDX-License-Identifier: GPL-2.0
/*
 * Tracing helpers: what each returns (checked against what userspace
 * knows of itself), and which program types may call which helper, with
 * Linux 6.1's errno and log line for those they may not. Programs run
 * through BPF_PROG_TEST_RUN on a raw tracepoint, which Linux offers too,
 * so both runs check the kernel's own results.
 */
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <linux/bpf.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn){ c, d, s, o, i })
#define MOV64_IMM(d, i)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s)	INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i)	INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define LDX_DW(d, s, o)	INSN(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define STX_DW(d, s, o)	INSN(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define ST_W(d, o, i)	INSN(BPF_ST | BPF_MEM | BPF_W, d, 0, o, i)
#define JEQ_IMM(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define CALL(f)		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define LD_MAP(d, fd)	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), \
			INSN(0, 0, 0, 0, 0)

static char log_buf[65536];

static int load(__u32 type, const struct bpf_insn *insns, __u32 cnt,
		const char *license)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = cnt;
	attr.license = ptr_to_u64(license);
	attr.log_buf = ptr_to_u64(log_buf);
	attr.log_size = sizeof(log_buf);
	attr.log_level = 1;
	log_buf[0] = '\0';
	return sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
}

static int run_raw_tp(int fd, __u64 *ctx, __u32 ctx_size, __u32 *retval)
{
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.ctx_in = ptr_to_u64(ctx);
	attr.test.ctx_size_in = ctx_size;
	err = sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr));
	*retval = attr.test.retval;
	return err;
}

/* The results the task program leaves in its map value. */
struct task_results {
	__u64 pid_tgid;
	__u64 uid_gid;
	__u64 cgroup_id;
	char comm[16];
	__u64 comm_ret;
	__u32 ns_pid, ns_tgid;	/* struct bpf_pidns_info */
	__u64 ns_ret;
	__u64 task;
	__u32 ns_pid_bad, ns_tgid_bad;
	__u64 ns_ret_bad;
};

TEST(task_helpers)
{
	struct task_results res;
	char name[16] = "xbpf-helpers";
	char self[16];
	struct stat st;
	__u64 ctx[2];
	__u32 key = 0, retval = 1;
	int map, fd;
	struct bpf_insn prog[] = {
		MOV64_REG(6, 1),
		ST_W(10, -4, 0),
		MOV64_REG(2, 10),
		ADD64_IMM(2, -4),
		LD_MAP(1, 0),
		CALL(BPF_FUNC_map_lookup_elem),
		JEQ_IMM(0, 0, 29),
		MOV64_REG(7, 0),
		CALL(BPF_FUNC_get_current_pid_tgid),
		STX_DW(7, 0, 0),
		CALL(BPF_FUNC_get_current_uid_gid),
		STX_DW(7, 0, 8),
		CALL(BPF_FUNC_get_current_cgroup_id),
		STX_DW(7, 0, 16),
		MOV64_REG(1, 7),
		ADD64_IMM(1, 24),
		MOV64_IMM(2, 16),
		CALL(BPF_FUNC_get_current_comm),
		STX_DW(7, 0, 40),
		/* the pid namespace named by ctx: dev, inode */
		LDX_DW(1, 6, 0),
		LDX_DW(2, 6, 8),
		MOV64_REG(3, 7),
		ADD64_IMM(3, 48),
		MOV64_IMM(4, 8),
		CALL(BPF_FUNC_get_ns_current_pid_tgid),
		STX_DW(7, 0, 56),
		CALL(BPF_FUNC_get_current_task),
		STX_DW(7, 0, 64),
		/* a namespace that does not match: inode + 1 */
		LDX_DW(1, 6, 0),
		LDX_DW(2, 6, 8),
		ADD64_IMM(2, 1),
		MOV64_REG(3, 7),
		ADD64_IMM(3, 72),
		MOV64_IMM(4, 8),
		CALL(BPF_FUNC_get_ns_current_pid_tgid),
		STX_DW(7, 0, 80),
		MOV64_IMM(0, 0),
		EXIT,
	};

	ASSERT_EQ(0, prctl(PR_SET_NAME, name));
	ASSERT_EQ(0, stat("/proc/self/ns/pid", &st));
	ctx[0] = st.st_dev;
	ctx[1] = st.st_ino;

	map = sys_map_create(BPF_MAP_TYPE_ARRAY, 4, sizeof(res), 1, 0);
	ASSERT_LE(3, map);
	prog[4].imm = map;
	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL");
	ASSERT_LE(3, fd) TH_LOG("load: %s\n%s", errno_str(errno), log_buf);
	ASSERT_EQ(0, run_raw_tp(fd, ctx, sizeof(ctx), &retval))
		TH_LOG("test_run: %s", errno_str(errno));
	EXPECT_EQ(0, retval);
	memset(&res, 0xaa, sizeof(res));
	ASSERT_EQ(0, sys_map_lookup(map, &key, &res, 0));

	EXPECT_EQ(((__u64)getpid() << 32) | (__u32)gettid(), res.pid_tgid);
	EXPECT_EQ(((__u64)getgid() << 32) | getuid(), res.uid_gid);
	EXPECT_NE(0, res.cgroup_id);
	ASSERT_EQ(0, prctl(PR_GET_NAME, self));
	EXPECT_EQ(0, res.comm_ret);
	EXPECT_STREQ(self, res.comm);
	EXPECT_EQ(0, res.ns_ret);
	EXPECT_EQ((__u32)gettid(), res.ns_pid);
	EXPECT_EQ((__u32)getpid(), res.ns_tgid);
	EXPECT_NE(0, res.task);
	/* no such namespace: -EINVAL and a zeroed result */
	EXPECT_EQ(-EINVAL, (__s64)res.ns_ret_bad);
	EXPECT_EQ(0, res.ns_pid_bad);
	EXPECT_EQ(0, res.ns_tgid_bad);
	close(fd);
	close(map);
}

/* A cgroup v2 id is the inode number of its directory. */
TEST(cgroup_id_is_the_cgroup_inode)
{
	char line[512], path[600];
	struct stat st;
	__u64 ctx[2] = { 0, 0 }, value = 0;
	__u32 key = 0, retval;
	FILE *f;
	int map, fd;
	struct bpf_insn prog[] = {
		CALL(BPF_FUNC_get_current_cgroup_id),
		STX_DW(10, 0, -8),
		ST_W(10, -12, 0),
		MOV64_REG(2, 10),
		ADD64_IMM(2, -12),
		MOV64_REG(3, 10),
		ADD64_IMM(3, -8),
		LD_MAP(1, 0),
		MOV64_IMM(4, 0),
		CALL(BPF_FUNC_map_update_elem),
		MOV64_IMM(0, 0),
		EXIT,
	};

	f = fopen("/proc/self/cgroup", "r");
	ASSERT_NE(NULL, f);
	path[0] = '\0';
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(path, sizeof(path), "/sys/fs/cgroup%s",
				 line + 3);
		}
	fclose(f);
	if (!path[0] || stat(path, &st))
		SKIP(return, "no cgroup v2 hierarchy mounted");

	map = sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	ASSERT_LE(3, map);
	prog[7].imm = map;
	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL");
	ASSERT_LE(3, fd) TH_LOG("load: %s\n%s", errno_str(errno), log_buf);
	ASSERT_EQ(0, run_raw_tp(fd, ctx, sizeof(ctx), &retval));
	ASSERT_EQ(0, sys_map_lookup(map, &key, &value, 0));
	EXPECT_EQ(st.st_ino, value);
	close(fd);
	close(map);
}

/* bpf_get_current_comm() truncates to the buffer, NUL included. */
TEST(comm_truncated)
{
	__u64 ctx[2] = { 0, 0 }, value[2];
	__u32 key = 0, retval;
	int map, fd;
	struct bpf_insn prog[] = {
		ST_W(10, -4, 0),
		MOV64_REG(2, 10),
		ADD64_IMM(2, -4),
		LD_MAP(1, 0),
		CALL(BPF_FUNC_map_lookup_elem),
		JEQ_IMM(0, 0, 3),
		MOV64_REG(1, 0),
		MOV64_IMM(2, 4),
		CALL(BPF_FUNC_get_current_comm),
		MOV64_IMM(0, 0),
		EXIT,
	};

	ASSERT_EQ(0, prctl(PR_SET_NAME, "abcdefgh"));
	map = sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 16, 1, 0);
	ASSERT_LE(3, map);
	memset(value, 'z', sizeof(value));
	ASSERT_EQ(0, sys_map_update(map, &key, value, 0));
	prog[3].imm = map;
	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL");
	ASSERT_LE(3, fd) TH_LOG("load: %s\n%s", errno_str(errno), log_buf);
	ASSERT_EQ(0, run_raw_tp(fd, ctx, sizeof(ctx), &retval));
	ASSERT_EQ(0, sys_map_lookup(map, &key, value, 0));
	EXPECT_EQ(0, memcmp("abc\0zzzz", value, 8));
	close(fd);
	close(map);
}

/* One call of helper id from a program of type; r1 the ctx, r2-r5 zero. */
static int load_call(__u32 type, __u32 id, const char *license)
{
	struct bpf_insn prog[] = {
		MOV64_IMM(2, 0), MOV64_IMM(3, 0),
		MOV64_IMM(4, 0), MOV64_IMM(5, 0),
		CALL(id),
		MOV64_IMM(0, 0),
		EXIT,
	};

	return load(type, prog, ARRAY_SIZE(prog), license);
}

struct availability {
	__u32 type;
	__u32 id;
	const char *name;
	int err;		/* 0: loads */
	const char *msg;	/* in the log when refused */
};

/*
 * Calls whose verdict Linux 6.1 decides by the program type alone, or
 * that xbpf implements (so both runs must agree).
 */
static const struct availability availability[] = {
	/* socket filters have no task or tracing helpers */
	{ BPF_PROG_TYPE_SOCKET_FILTER, BPF_FUNC_get_current_pid_tgid,
	  "bpf_get_current_pid_tgid", EINVAL,
	  "unknown func bpf_get_current_pid_tgid#14\n" },
	{ BPF_PROG_TYPE_SOCKET_FILTER, BPF_FUNC_get_current_comm,
	  "bpf_get_current_comm", EINVAL,
	  "unknown func bpf_get_current_comm#16\n" },
	{ BPF_PROG_TYPE_SOCKET_FILTER, BPF_FUNC_send_signal,
	  "bpf_send_signal", EINVAL, "unknown func bpf_send_signal#109\n" },
	{ BPF_PROG_TYPE_SOCKET_FILTER, BPF_FUNC_get_func_ip,
	  "bpf_get_func_ip", EINVAL, "unknown func bpf_get_func_ip#173\n" },
	{ BPF_PROG_TYPE_SOCKET_FILTER, BPF_FUNC_override_return,
	  "bpf_override_return", EINVAL,
	  "unknown func bpf_override_return#58\n" },
	/* the base set, and socket programs' own coarse clock */
	{ BPF_PROG_TYPE_SOCKET_FILTER, BPF_FUNC_ktime_get_coarse_ns,
	  "bpf_ktime_get_coarse_ns", 0, NULL },
	{ BPF_PROG_TYPE_SOCKET_FILTER, BPF_FUNC_get_current_task,
	  "bpf_get_current_task", 0, NULL },
	/* tracing types: never the socket helpers */
	{ BPF_PROG_TYPE_KPROBE, BPF_FUNC_ktime_get_coarse_ns,
	  "bpf_ktime_get_coarse_ns", EINVAL,
	  "unknown func bpf_ktime_get_coarse_ns#160\n" },
	{ BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_skb_load_bytes,
	  "bpf_skb_load_bytes", EINVAL,
	  "unknown func bpf_skb_load_bytes#26\n" },
	{ BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_get_socket_cookie,
	  "bpf_get_socket_cookie", EINVAL,
	  "unknown func bpf_get_socket_cookie#46\n" },
	/* Debian's 6.1 has no CONFIG_BPF_KPROBE_OVERRIDE */
	{ BPF_PROG_TYPE_KPROBE, BPF_FUNC_override_return,
	  "bpf_override_return", EINVAL,
	  "unknown func bpf_override_return#58\n" },
	/* cookies: kprobes, tracepoints, perf events; not raw tracepoints */
	{ BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_get_attach_cookie,
	  "bpf_get_attach_cookie", EINVAL,
	  "unknown func bpf_get_attach_cookie#174\n" },
	{ BPF_PROG_TYPE_KPROBE, BPF_FUNC_perf_prog_read_value,
	  "bpf_perf_prog_read_value", EINVAL,
	  "unknown func bpf_perf_prog_read_value#56\n" },
	/* offered to every tracing type, but only kprobes may call it */
	{ BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_get_func_ip,
	  "bpf_get_func_ip", ENOTSUPP,
	  "func bpf_get_func_ip#173 not supported for program type 5\n" },
	{ BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_get_func_ip,
	  "bpf_get_func_ip", ENOTSUPP,
	  "func bpf_get_func_ip#173 not supported for program type 17\n" },
	/* ids past the last helper */
	{ BPF_PROG_TYPE_KPROBE, __BPF_FUNC_MAX_ID, "max", EINVAL,
	  "invalid func unknown#" },
};

TEST(helper_availability_by_type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(availability); i++) {
		const struct availability *a = &availability[i];
		int fd;

		fd = load_call(a->type, a->id, "GPL");
		if (!a->err) {
			EXPECT_LE(3, fd)
				TH_LOG("type %u %s: %s\n%s", a->type, a->name,
				       errno_str(errno), log_buf);
			if (fd >= 0)
				close(fd);
			continue;
		}
		EXPECT_EQ(-1, fd) TH_LOG("type %u %s loaded", a->type,
					 a->name);
		EXPECT_EQ(a->err, errno)
			TH_LOG("type %u %s: %s\n%s", a->type, a->name,
			       errno_str(errno), log_buf);
		EXPECT_NE(NULL, strstr(log_buf, a->msg))
			TH_LOG("type %u %s: log\n%s", a->type, a->name,
			       log_buf);
		if (fd >= 0)
			close(fd);
	}
}

/* Linux 6.1 has these for the type; xbpf does not yet: ENOTSUPP. */
TEST(offered_but_missing_is_enotsupp)
{
	int fd;

	if (!running_under_xbpf())
		SKIP(return, "xbpf's answer for helpers it lacks");
	fd = load_call(BPF_PROG_TYPE_KPROBE, BPF_FUNC_copy_from_user, "GPL");
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(ENOTSUPP, errno);
	EXPECT_NE(NULL, strstr(log_buf, "bpf_copy_from_user#148"));
}

TEST(gpl_only_helpers)
{
	int fd;

	fd = load_call(BPF_PROG_TYPE_RAW_TRACEPOINT,
		       BPF_FUNC_get_current_task, "Proprietary");
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NE(NULL, strstr(log_buf, "cannot call GPL-restricted function from non-GPL compatible program\n"))
		TH_LOG("log\n%s", log_buf);
	/* pid_tgid is not GPL-only */
	fd = load_call(BPF_PROG_TYPE_RAW_TRACEPOINT,
		       BPF_FUNC_get_current_pid_tgid, "Proprietary");
	EXPECT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	if (fd >= 0)
		close(fd);
}

TEST(get_func_ip_and_cookie_in_kprobe)
{
	struct bpf_insn prog[] = {
		MOV64_REG(6, 1),
		CALL(BPF_FUNC_get_func_ip),
		MOV64_REG(7, 0),
		MOV64_REG(1, 6),
		CALL(BPF_FUNC_get_attach_cookie),
		INSN(BPF_ALU64 | BPF_ADD | BPF_X, 0, 7, 0, 0),
		EXIT,
	};
	__u64 regs[21] = { 0 };
	__u32 retval = 1;
	int fd;

	fd = load(BPF_PROG_TYPE_KPROBE, prog, ARRAY_SIZE(prog), "GPL");
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	if (running_under_xbpf()) {
		/* beyond Linux: a test run, which has no probe or cookie */
		ASSERT_EQ(0, run_raw_tp(fd, regs, sizeof(regs), &retval));
		EXPECT_EQ(0, retval);
	}
	close(fd);
}

/* bpf_send_signal() to the caller itself, as Linux's selftest does. */
static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig __attribute__((unused)))
{
	got_usr1 = 1;
}

TEST(send_signal_to_self)
{
	__u64 ctx[2] = { 0, 0 };
	__u32 retval = 1;
	int fd;
	struct bpf_insn prog[] = {
		MOV64_IMM(1, SIGUSR1),
		CALL(BPF_FUNC_send_signal_thread),
		EXIT,
	};

	signal(SIGUSR1, on_usr1);
	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL");
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	got_usr1 = 0;
	ASSERT_EQ(0, run_raw_tp(fd, ctx, sizeof(ctx), &retval));
	EXPECT_EQ(0, retval);
	EXPECT_EQ(1, got_usr1);

	/* an invalid signal: -EINVAL from the helper */
	close(fd);
	prog[0].imm = 1000;
	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL");
	ASSERT_LE(3, fd);
	ASSERT_EQ(0, run_raw_tp(fd, ctx, sizeof(ctx), &retval));
	EXPECT_EQ((__u32)-EINVAL, retval);
	close(fd);
}

/*
 * bpf_trace_printk() into the kernel's trace buffer: the line shows up in
 * tracefs (Linux's as "bpf_trace_printk: ...", xbpf's after the helper's
 * name too); formats Linux refuses give -EINVAL from the helper.
 */
static int trace_fd(int flags)
{
	int fd = open("/sys/kernel/tracing/trace", flags);

	if (fd < 0 && errno == ENOENT) {
		mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
		fd = open("/sys/kernel/tracing/trace", flags);
	}
	return fd;
}

TEST(trace_printk)
{
	static const struct {
		const char *fmt;
		__u32 fmt_size;
		int ret;	/* < 0: that error; else the length */
	} cases[] = {
		{ "xbpf-printk %d %s\n", 32, 25 },
		{ "xbpf-printk %5u|%-3x|%lld\n", 32, 0 },
		{ "bad %q", 32, -EINVAL },
		{ "%d %d %d %d", 32, -EINVAL },
		{ "ctl \x01", 32, -EINVAL },
		{ "%s%d", 32, 0 },
		{ "%sd", 32, -EINVAL },
		{ "no NUL within size", 8, -EINVAL },
		{ "%pK %px %pS", 32, 0 },
		{ "%pI4 %pi6", 32, 0 },
		{ "%pZ", 32, -EINVAL },
	};
	char value[64], trace[65536];
	__u64 ctx[2] = { 0, 0 };
	__u32 key = 0, retval;
	size_t i;
	ssize_t n, total;
	int map, fd, tfd;
	struct bpf_insn prog[] = {
		ST_W(10, -4, 0),
		MOV64_REG(2, 10),
		ADD64_IMM(2, -4),
		LD_MAP(1, 0),
		CALL(BPF_FUNC_map_lookup_elem),
		JEQ_IMM(0, 0, 6),
		MOV64_REG(1, 0),
		MOV64_IMM(2, 32),
		MOV64_IMM(3, 4242),
		MOV64_REG(4, 0),
		ADD64_IMM(4, 32),
		CALL(BPF_FUNC_trace_printk),
		EXIT,
	};

	tfd = trace_fd(O_WRONLY | O_TRUNC);
	if (tfd < 0)
		SKIP(return, "no tracefs");
	close(tfd);

	map = sys_map_create(BPF_MAP_TYPE_ARRAY, 4, sizeof(value), 1, 0);
	ASSERT_LE(3, map);
	prog[3].imm = map;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(value, 0, sizeof(value));
		strncpy(value, cases[i].fmt, 32);
		strcpy(value + 32, "str-arg");
		ASSERT_EQ(0, sys_map_update(map, &key, value, 0));
		prog[8].imm = cases[i].fmt_size;
		fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog),
			  "GPL");
		ASSERT_LE(3, fd) TH_LOG("load: %s\n%s", errno_str(errno),
					log_buf);
		/* Linux enables its bpf_trace_printk event from a work item */
		if (!i)
			usleep(200000);
		ASSERT_EQ(0, run_raw_tp(fd, ctx, sizeof(ctx), &retval));
		close(fd);
		if (cases[i].ret) {
			EXPECT_EQ(cases[i].ret, (int)retval)
				TH_LOG("format %s", cases[i].fmt);
		} else {
			EXPECT_LT(0, (int)retval)
				TH_LOG("format %s", cases[i].fmt);
		}
	}

	tfd = trace_fd(O_RDONLY);
	ASSERT_LE(0, tfd);
	total = 0;
	while ((n = read(tfd, trace + total, sizeof(trace) - 1 - total)) > 0)
		total += n;
	trace[total] = '\0';
	close(tfd);
	EXPECT_NE(NULL, strstr(trace, "bpf_trace_printk"));
	EXPECT_NE(NULL, strstr(trace, ": xbpf-printk 4242 str-arg\n"))
		TH_LOG("trace:\n%s", trace);
	EXPECT_NE(NULL, strstr(trace, ": xbpf-printk  4242|")) TH_LOG("trace:\n%s", trace);
	close(map);
}

/* STACK_TRACE maps: creation rules, stack ids, lookups, deletes. */
TEST(stack_trace_map)
{
	__u64 ctx[2] = { 0, 0 }, stack[127];
	__u32 key = 0, next, retval, id;
	int smap, fd, i;
	struct bpf_insn prog[] = {
		MOV64_REG(6, 1),
		LD_MAP(2, 0),
		MOV64_IMM(3, 0),
		CALL(BPF_FUNC_get_stackid),
		EXIT,
	};
	/* bpf_get_stack() into the stack: bytes written */
	struct bpf_insn get_stack[] = {
		MOV64_REG(2, 10),
		ADD64_IMM(2, -64),
		MOV64_IMM(3, 64),
		MOV64_IMM(4, 0),
		CALL(BPF_FUNC_get_stack),
		EXIT,
	};

	EXPECT_EQ(-1, sys_map_create(BPF_MAP_TYPE_STACK_TRACE, 4, 12, 8, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_map_create(BPF_MAP_TYPE_STACK_TRACE, 4, 128 * 8, 8,
				     0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_map_create(BPF_MAP_TYPE_STACK_TRACE, 8, 64, 8, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_map_create(BPF_MAP_TYPE_STACK_TRACE, 4, 64, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_map_create(BPF_MAP_TYPE_STACK_TRACE, 4, 64, 8,
				     BPF_F_NO_PREALLOC));
	EXPECT_EQ(EINVAL, errno);

	smap = sys_map_create(BPF_MAP_TYPE_STACK_TRACE, 4, sizeof(stack), 64,
			      0);
	ASSERT_LE(3, smap) TH_LOG("%s", errno_str(errno));
	/* empty */
	EXPECT_EQ(-1, sys_map_next_key(smap, NULL, &next));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, sys_map_update(smap, &key, stack, 0));
	EXPECT_EQ(EINVAL, errno);

	prog[1].imm = smap;
	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL");
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	ASSERT_EQ(0, run_raw_tp(fd, ctx, sizeof(ctx), &retval));
	id = retval;
	ASSERT_GT(64, (int)id) TH_LOG("get_stackid: %d", (int)id);
	ASSERT_LE(0, (int)id);
	/* the same stack again: the same id */
	ASSERT_EQ(0, run_raw_tp(fd, ctx, sizeof(ctx), &retval));
	EXPECT_EQ(id, retval);
	memset(stack, 0xff, sizeof(stack));
	ASSERT_EQ(0, sys_map_lookup(smap, &id, stack, 0));
	EXPECT_NE(0, stack[0]);
	for (i = 0; i < 127 && stack[i]; i++)
		;
	/* zero after the last frame */
	for (; i < 127; i++)
		EXPECT_EQ(0, stack[i]);
	ASSERT_EQ(0, sys_map_next_key(smap, NULL, &next));
	EXPECT_EQ(id, next);
	EXPECT_EQ(-1, sys_map_next_key(smap, &id, &next));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(0, sys_map_delete(smap, &id));
	EXPECT_EQ(-1, sys_map_lookup(smap, &id, stack, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, sys_map_delete(smap, &id));
	EXPECT_EQ(ENOENT, errno);
	key = 64;
	EXPECT_EQ(-1, sys_map_delete(smap, &key));
	EXPECT_EQ(E2BIG, errno);
	close(fd);

	/* flags outside Linux's set */
	prog[3].imm = 1 << 12;
	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL");
	ASSERT_LE(3, fd);
	ASSERT_EQ(0, run_raw_tp(fd, ctx, sizeof(ctx), &retval));
	EXPECT_EQ(-EINVAL, (int)retval);
	close(fd);

	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, get_stack,
		  ARRAY_SIZE(get_stack), "GPL");
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	ASSERT_EQ(0, run_raw_tp(fd, ctx, sizeof(ctx), &retval));
	EXPECT_LT(0, (int)retval);
	EXPECT_EQ(0, (int)retval % 8);
	close(fd);
	close(smap);
}

/* Deliberately different from Linux: what a module cannot do. */
TEST(stack_trace_limits_in_xbpf)
{
	__u64 ctx[2] = { 0, 0 };
	__u32 retval;
	int smap, fd;
	struct bpf_insn prog[] = {
		LD_MAP(2, 0),
		MOV64_IMM(3, BPF_F_USER_STACK),
		CALL(BPF_FUNC_get_stackid),
		EXIT,
	};

	if (!running_under_xbpf())
		SKIP(return, "xbpf's limits");
	/* build ids need the task's file mappings */
	EXPECT_EQ(-1, sys_map_create(BPF_MAP_TYPE_STACK_TRACE, 4, 32, 8,
				     BPF_F_STACK_BUILD_ID));
	EXPECT_EQ(EOPNOTSUPP, errno);
	/* user stacks cannot be walked from a module */
	smap = sys_map_create(BPF_MAP_TYPE_STACK_TRACE, 4, 64, 8, 0);
	ASSERT_LE(3, smap);
	prog[0].imm = smap;
	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL");
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	ASSERT_EQ(0, run_raw_tp(fd, ctx, sizeof(ctx), &retval));
	EXPECT_EQ(-EFAULT, (int)retval);
	close(fd);
	close(smap);
}

/* A map for constant strings: one value, read-only to programs. */
static int str_map(const char *str, __u32 size, int freeze)
{
	char value[64] = { 0 };
	__u32 key = 0;
	int map;

	map = sys_map_create(BPF_MAP_TYPE_ARRAY, 4, size, 1,
			     BPF_F_RDONLY_PROG);
	if (map < 0)
		return map;
	memcpy(value, str, size);
	if (sys_map_update(map, &key, value, 0) ||
	    (freeze && sys_map_freeze(map))) {
		close(map);
		return -1;
	}
	return map;
}

/*
 * bpf_strncmp(): s2 must be a NUL-terminated string in a frozen
 * read-only map, which the verifier reads at load time.
 */
TEST(strncmp_const_string)
{
	static const struct {
		const char *stack;	/* 5 chars compared against the map's */
		const char *str;
		__u32 size;
		int freeze;
		int err;
		const char *msg;
		int sign;
	} cases[] = {
		{ "hello", "hello", 8, 1, 0, NULL, 0 },
		{ "hellz", "hello", 8, 1, 0, NULL, 1 },
		{ "hella", "hello", 8, 1, 0, NULL, -1 },
		{ "hello", "hello", 8, 0, EACCES,
		  "R3 does not point to a readonly map'\n", 0 },
		{ "hello", "abcdefgh", 8, 1, EINVAL,
		  "string is not zero-terminated\n", 0 },
	};
	__u64 ctx[2] = { 0, 0 };
	__u32 retval, w;
	size_t i;
	int map, fd;
	struct bpf_insn prog[] = {
		ST_W(10, -8, 0),
		ST_W(10, -4, 0),
		MOV64_REG(1, 10),
		ADD64_IMM(1, -8),
		MOV64_IMM(2, 6),
		INSN(BPF_LD | BPF_DW | BPF_IMM, 3, BPF_PSEUDO_MAP_VALUE, 0, 0),
		INSN(0, 0, 0, 0, 0),
		CALL(BPF_FUNC_strncmp),
		EXIT,
	};

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		map = str_map(cases[i].str, cases[i].size, cases[i].freeze);
		ASSERT_LE(3, map) TH_LOG("%s", errno_str(errno));
		memcpy(&w, cases[i].stack, 4);
		prog[0].imm = w;
		prog[1].imm = cases[i].stack[4];
		prog[5].imm = map;
		fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog),
			  "GPL");
		if (cases[i].err) {
			EXPECT_EQ(-1, fd);
			EXPECT_EQ(cases[i].err, errno)
				TH_LOG("case %zu: %s\n%s", i,
				       errno_str(errno), log_buf);
			EXPECT_NE(NULL, strstr(log_buf, cases[i].msg))
				TH_LOG("case %zu:\n%s", i, log_buf);
		} else {
			ASSERT_LE(3, fd) TH_LOG("case %zu: %s\n%s", i,
						errno_str(errno), log_buf);
			ASSERT_EQ(0, run_raw_tp(fd, ctx, sizeof(ctx),
						&retval));
			EXPECT_EQ(cases[i].sign, (int)retval > 0 ? 1 :
				  (int)retval < 0 ? -1 : 0);
		}
		if (fd >= 0)
			close(fd);
		close(map);
	}
}

/* Level 0 is the root cgroup (id 1); past the task's own level, 0. */
TEST(ancestor_cgroup_id)
{
	__u64 ctx[2] = { 0, 0 };
	__u32 retval;
	int fd;
	struct bpf_insn prog[] = {
		MOV64_IMM(1, 0),
		CALL(BPF_FUNC_get_current_ancestor_cgroup_id),
		EXIT,
	};

	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL");
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	ASSERT_EQ(0, run_raw_tp(fd, ctx, sizeof(ctx), &retval));
	EXPECT_EQ(1, retval);
	close(fd);
	prog[0].imm = 1000;
	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL");
	ASSERT_LE(3, fd);
	ASSERT_EQ(0, run_raw_tp(fd, ctx, sizeof(ctx), &retval));
	EXPECT_EQ(0, retval);
	close(fd);
}

TEST_HARNESS_MAIN
