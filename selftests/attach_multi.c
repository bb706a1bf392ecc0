// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe_multi links (BPF_LINK_CREATE, BPF_TRACE_KPROBE_MULTI): one program
 * on several syscall functions by name or by address, each with its own
 * cookie; return probes; bpf_get_func_ip(); the errnos of bad requests;
 * closing the link stops the program.
 *
 * xbpf goes beyond Debian's 6.1 here: that kernel is built without
 * CONFIG_FPROBE and answers EOPNOTSUPP to every kprobe_multi attach, and
 * the native pass checks exactly that. Everything else runs in the xbpf
 * pass only, with Linux 6.1's CONFIG_FPROBE=y behaviour as expectation.
 */
#include <sched.h>

#include <kselftest_harness.h>

#include "attach_common.h"

#define N 100
#define NFUNC 3

#define STX_W(d, s, o)	INSN(BPF_STX | BPF_MEM | BPF_W, d, s, o, 0)
#define RSH64_IMM(d, i)	INSN(BPF_ALU64 | BPF_RSH | BPF_K, d, 0, 0, i)
#define JNE_IMM(d, i, o) INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)

static const char *const funcs[NFUNC] = {
	"__x64_sys_getpid", "__x64_sys_getppid", "__x64_sys_getuid",
};

/* One element per cookie (0..3). */
struct hit {
	__u64 hits;
	__u64 func_ip;	/* bpf_get_func_ip() */
	__u64 ax;	/* pt_regs ax: the return value in return probes */
};

static int hit_map(void)
{
	return sys_map_create(BPF_MAP_TYPE_ARRAY, 4, sizeof(struct hit), 4, 0);
}

static struct hit hit_get(int map, __u32 key)
{
	struct hit h;

	memset(&h, 0xff, sizeof(h));
	sys_map_lookup(map, &key, &h, 0);
	return h;
}

/*
 * Counts this process's runs in the element its cookie names, with the
 * function's address and ax.
 */
static int multi_prog(int map, __u32 expected_attach_type)
{
	struct bpf_insn insns[] = {
		MOV64_REG(6, 1),
		CALL(BPF_FUNC_get_current_pid_tgid),
		RSH64_IMM(0, 32),
		JNE_IMM(0, getpid(), 17),
		MOV64_REG(1, 6),
		CALL(BPF_FUNC_get_attach_cookie),
		STX_W(10, 0, -4),
		MOV64_REG(1, 6),
		CALL(BPF_FUNC_get_func_ip),
		MOV64_REG(7, 0),
		LDX_DW(8, 6, REGS_AX),
		MOV64_REG(2, 10),
		ADD64_IMM(2, -4),
		LD_MAP(1, map),
		CALL(BPF_FUNC_map_lookup_elem),
		JEQ_IMM(0, 0, 4),
		MOV64_IMM(1, 1),
		XADD_DW(0, 1, 0),
		STX_DW(0, 7, 8),
		STX_DW(0, 8, 16),
		MOV64_IMM(0, 0),
		EXIT,
	};

	return prog_load_insns(BPF_PROG_TYPE_KPROBE, insns,
			       sizeof(insns) / sizeof(insns[0]),
			       expected_attach_type);
}

static int multi_link(int prog, __u32 flags, const char *const *syms,
		      const __u64 *addrs, const __u64 *cookies, __u32 cnt)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = prog;
	attr.link_create.attach_type = BPF_TRACE_KPROBE_MULTI;
	attr.link_create.kprobe_multi.flags = flags;
	attr.link_create.kprobe_multi.cnt = cnt;
	attr.link_create.kprobe_multi.syms = ptr_to_u64(syms);
	attr.link_create.kprobe_multi.addrs = ptr_to_u64(addrs);
	attr.link_create.kprobe_multi.cookies = ptr_to_u64(cookies);
	/* the size libbpf 1.1 sends */
	return sys_bpf(BPF_LINK_CREATE, &attr, 48);
}

/* A function's address from /proc/kallsyms (root sees them), or 0. */
static __u64 kallsyms_addr(const char *name)
{
	char line[512], sym[256], type;
	unsigned long long addr;
	__u64 found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) == 3 &&
		    !strcmp(sym, name)) {
			found = addr;
			break;
		}
	}
	fclose(f);
	return found;
}

static void workload(void)
{
	int i;

	for (i = 0; i < N; i++) {
		syscall(__NR_getpid);
		syscall(__NR_getppid);
		syscall(__NR_getppid);
		syscall(__NR_getuid);
		syscall(__NR_getuid);
		syscall(__NR_getuid);
	}
}

static const __u64 cookies[NFUNC] = { 1, 2, 3 };

/* What the return probes should see, read before anything is attached. */
static __u64 ret_want[NFUNC];

static void ret_want_init(void)
{
	ret_want[0] = getpid();
	ret_want[1] = getppid();
	ret_want[2] = getuid();
}

/* Cookie k+1 on funcs[k], called (k+1) * N times by workload(). */
static void check_counts(struct __test_metadata *_metadata, int map,
			 __u64 times, int ret)
{
	struct hit h;
	int k;

	for (k = 0; k < NFUNC; k++) {
		h = hit_get(map, k + 1);
		EXPECT_EQ(times * (k + 1) * N, h.hits);
		if (times)
			EXPECT_EQ(kallsyms_addr(funcs[k]), h.func_ip);
	}
	/* no run without a cookie of its own */
	EXPECT_EQ(0, hit_get(map, 0).hits);
	/* the return values (calling getpid() here would count) */
	if (ret && times)
		for (k = 0; k < NFUNC; k++)
			EXPECT_EQ(ret_want[k], hit_get(map, k + 1).ax);
}

/* Natively, Debian's 6.1 (no CONFIG_FPROBE): EOPNOTSUPP. */
TEST(native_eopnotsupp)
{
	int map, prog;

	if (running_under_xbpf())
		SKIP(return, "the kernel's answer, checked natively");
	ASSERT_FD(map, hit_map());
	ASSERT_FD(prog, multi_prog(map, BPF_TRACE_KPROBE_MULTI));
	EXPECT_ERRNO(EOPNOTSUPP, multi_link(prog, 0, (const char **)funcs,
					     NULL, cookies, NFUNC));
	/* even bad input: the kernel answers before looking */
	EXPECT_ERRNO(EOPNOTSUPP, multi_link(prog, 0, NULL, NULL, NULL, 0));
	close(prog);
	close(map);
}

static void by_syms(struct __test_metadata *_metadata, __u32 flags)
{
	char buf[64];
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	int map, prog, link;
	int ret = !!(flags & BPF_F_KPROBE_MULTI_RETURN);

	ret_want_init();

	ASSERT_FD(map, hit_map());
	ASSERT_FD(prog, multi_prog(map, BPF_TRACE_KPROBE_MULTI));
	ASSERT_FD(link, multi_link(prog, flags, (const char **)funcs, NULL,
				   cookies, NFUNC));
	workload();
	check_counts(_metadata, map, 1, ret);

	ASSERT_OK(fdinfo_get(link, "link_type", buf, sizeof(buf)));
	EXPECT_STREQ("kprobe_multi", buf);
	memset(&info, 0, sizeof(info));
	ASSERT_OK(sys_obj_info(link, &info, &len));
	EXPECT_EQ(BPF_LINK_TYPE_KPROBE_MULTI, info.type);
	EXPECT_LT(0, info.id);
	ASSERT_OK(fdinfo_get(prog, "prog_id", buf, sizeof(buf)));
	EXPECT_EQ(atoi(buf), (int)info.prog_id);

	/* the link holds the program */
	close(prog);
	workload();
	check_counts(_metadata, map, 2, ret);
	close(link);
	workload();
	check_counts(_metadata, map, 2, ret);
	close(map);
}

TEST(syms_entry)
{
	if (!running_under_xbpf())
		SKIP(return, "xbpf only: Debian's 6.1 has no kprobe_multi");
	by_syms(_metadata, 0);
}

TEST(syms_return)
{
	if (!running_under_xbpf())
		SKIP(return, "xbpf only: Debian's 6.1 has no kprobe_multi");
	by_syms(_metadata, BPF_F_KPROBE_MULTI_RETURN);
}

TEST(addrs_entry_and_return)
{
	__u64 addrs[NFUNC];
	int map, prog, link, k, ret;

	if (!running_under_xbpf())
		SKIP(return, "xbpf only: Debian's 6.1 has no kprobe_multi");
	ret_want_init();
	for (k = 0; k < NFUNC; k++) {
		addrs[k] = kallsyms_addr(funcs[k]);
		ASSERT_NE(0, addrs[k]);
	}
	for (ret = 0; ret < 2; ret++) {
		ASSERT_FD(map, hit_map());
		ASSERT_FD(prog, multi_prog(map, BPF_TRACE_KPROBE_MULTI));
		ASSERT_FD(link, multi_link(prog,
					   ret ? BPF_F_KPROBE_MULTI_RETURN : 0,
					   NULL, addrs, cookies, NFUNC));
		workload();
		check_counts(_metadata, map, 1, ret);
		close(link);
		workload();
		check_counts(_metadata, map, 1, ret);
		close(prog);
		close(map);
	}
	/* an address inside a function, not its entry: Linux's EINVAL */
	ASSERT_FD(map, hit_map());
	ASSERT_FD(prog, multi_prog(map, BPF_TRACE_KPROBE_MULTI));
	addrs[1] += 1;
	EXPECT_ERRNO(EINVAL, multi_link(prog, 0, NULL, addrs, cookies, NFUNC));
	addrs[1] -= 1;
	/* without cookies, every run sees 0 */
	ASSERT_FD(link, multi_link(prog, 0, NULL, addrs, NULL, NFUNC));
	workload();
	EXPECT_EQ(6 * N, hit_get(map, 0).hits);
	close(link);
	close(prog);
	close(map);
}

TEST(bad_input)
{
	const char *syms[NFUNC + 1] = { funcs[0], funcs[1],
					"xbpf_no_such_function", funcs[2] };
	const char *twice[2] = { funcs[0], funcs[0] };
	__u64 addrs[1] = { kallsyms_addr(funcs[0]) };
	char longname[600];
	const char *lp = longname;
	int map, prog, other, link;

	if (!running_under_xbpf())
		SKIP(return, "xbpf only: Debian's 6.1 has no kprobe_multi");
	ASSERT_FD(map, hit_map());
	ASSERT_FD(prog, multi_prog(map, BPF_TRACE_KPROBE_MULTI));

	EXPECT_ERRNO(EINVAL, multi_link(prog, 0, (const char **)funcs,
					 NULL, cookies, 0));
	EXPECT_ERRNO(E2BIG, multi_link(prog, 0, (const char **)funcs, NULL,
				       cookies, (1u << 20) + 1));
	EXPECT_ERRNO(EINVAL, multi_link(prog, 0, (const char **)funcs, addrs,
					cookies, 1));
	EXPECT_ERRNO(EINVAL, multi_link(prog, 0, NULL, NULL, cookies, 1));
	EXPECT_ERRNO(EINVAL, multi_link(prog, 2, (const char **)funcs, NULL,
					cookies, NFUNC));
	EXPECT_ERRNO(EFAULT, multi_link(prog, 0, (const char **)funcs, NULL,
					(const __u64 *)8, NFUNC));
	EXPECT_ERRNO(EFAULT, multi_link(prog, 0, (const char **)8, NULL,
					NULL, 1));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	EXPECT_ERRNO(E2BIG, multi_link(prog, 0, &lp, NULL, NULL, 1));
	/* Linux's lookup: a name unknown or twice is ESRCH */
	EXPECT_ERRNO(ESRCH, multi_link(prog, 0, twice, NULL, NULL, 2));
	EXPECT_ERRNO(ESRCH, multi_link(prog, 0, syms, NULL, NULL, NFUNC + 1));
	EXPECT_ERRNO(ESRCH, multi_link(prog, BPF_F_KPROBE_MULTI_RETURN, syms,
				       NULL, NULL, NFUNC + 1));
	/* a kernel address that is no function */
	addrs[0] = 1;
	EXPECT_ERRNO(EINVAL, multi_link(prog, 0, NULL, addrs, NULL, 1));

	/* a kprobe program not loaded for kprobe_multi, and the reverse */
	ASSERT_FD(other, multi_prog(map, 0));
	EXPECT_ERRNO(EINVAL, multi_link(other, 0, (const char **)funcs, NULL,
					cookies, NFUNC));
	EXPECT_ERRNO(EINVAL, link_create(prog, -1, BPF_PERF_EVENT, 0));
	close(other);

	/* no probe was left behind: nothing counted, and a new link counts */
	workload();
	check_counts(_metadata, map, 0, 0);
	ASSERT_FD(link, multi_link(prog, 0, (const char **)funcs, NULL,
				   cookies, NFUNC));
	workload();
	check_counts(_metadata, map, 1, 0);
	close(link);
	close(prog);
	close(map);
}

/* The program runs on every CPU. */
TEST(every_cpu)
{
	int map, prog, link, cpu, ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set, old;

	if (!running_under_xbpf())
		SKIP(return, "xbpf only: Debian's 6.1 has no kprobe_multi");
	ASSERT_FD(map, hit_map());
	ASSERT_FD(prog, multi_prog(map, BPF_TRACE_KPROBE_MULTI));
	ASSERT_FD(link, multi_link(prog, BPF_F_KPROBE_MULTI_RETURN,
				   (const char **)funcs, NULL, cookies,
				   NFUNC));
	ASSERT_OK(sched_getaffinity(0, sizeof(old), &old));
	for (cpu = 0; cpu < ncpu; cpu++) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		ASSERT_OK(sched_setaffinity(0, sizeof(set), &set));
		workload();
	}
	sched_setaffinity(0, sizeof(old), &old);
	close(link);
	check_counts(_metadata, map, ncpu, 0);
	close(prog);
	close(map);
}

/* As Linux 6.1's kprobe_multi links: no update, no detach. */
TEST(update_detach)
{
	union bpf_attr attr;
	int map, prog, link;

	if (!running_under_xbpf())
		SKIP(return, "xbpf only: Debian's 6.1 has no kprobe_multi");
	ASSERT_FD(map, hit_map());
	ASSERT_FD(prog, multi_prog(map, BPF_TRACE_KPROBE_MULTI));
	ASSERT_FD(link, multi_link(prog, 0, (const char **)funcs, NULL,
				   cookies, NFUNC));
	memset(&attr, 0, sizeof(attr));
	attr.link_update.link_fd = link;
	attr.link_update.new_prog_fd = prog;
	EXPECT_ERRNO(EINVAL, sys_bpf(BPF_LINK_UPDATE, &attr, sizeof(attr)));
	memset(&attr, 0, sizeof(attr));
	attr.link_detach.link_fd = link;
	EXPECT_ERRNO(EOPNOTSUPP, sys_bpf(BPF_LINK_DETACH, &attr,
					 sizeof(attr)));
	workload();
	check_counts(_metadata, map, 1, 0);
	close(link);
	close(prog);
	close(map);
}

TEST_HARNESS_MAIN
