// SPDX-License-Identifier: GPL-2.0
/*
 * The JIT as a loader sees it: bpf_prog_info's jited fields and fdinfo's
 * prog_jited, the same results with the JIT on and off, and constant
 * blinding keeping immediates out of the code. The knobs are the
 * kernel's sysctls natively (net.core.bpf_jit_enable, bpf_jit_harden) and
 * xbpf's module parameters under the shim (jit, jit_harden); each test
 * puts them back as it found them.
 */
#include <fcntl.h>
#include <sched.h>
#include <linux/bpf.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"

#define INSN(c, d, s, o, i) { c, d, s, o, i }
#define MOV64_IMM(d, i)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s)	INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV32_IMM(d, i)	INSN(BPF_ALU | BPF_MOV | BPF_K, d, 0, 0, i)
#define ALU64_IMM(op, d, i) INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define ALU64_REG(op, d, s) INSN(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define ALU32_IMM(op, d, i) INSN(BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define ALU32_REG(op, d, s) INSN(BPF_ALU | (op) | BPF_X, d, s, 0, 0)
#define JMP_IMM(op, d, i, o) INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define LDX_W(d, s, o)	INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define LDX_DW(d, s, o)	INSN(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define STX_DW(d, s, o)	INSN(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define ST_DW(d, o, i)	INSN(BPF_ST | BPF_MEM | BPF_DW, d, 0, o, i)
#define LD_ABS_B(o)	INSN(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, o)
#define LD_ABS_H(o)	INSN(BPF_LD | BPF_ABS | BPF_H, 0, 0, 0, o)
#define CALL(f)		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define CALL_SUB(o)	INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, o)
#define LD_MAP(d, fd)	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), \
			INSN(0, 0, 0, 0, 0)
#define LD_IMM64(d, v)	INSN(BPF_LD | BPF_DW | BPF_IMM, d, 0, 0, (__u32)(v)), \
			INSN(0, 0, 0, 0, (__u32)((__u64)(v) >> 32))
#define EXIT		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define BLIND_IMM	0x5a3c96e1

static const char *jit_knob(void)
{
	return running_under_xbpf() ? "/sys/module/xbpf/parameters/jit" :
				      "/proc/sys/net/core/bpf_jit_enable";
}

static const char *harden_knob(void)
{
	return running_under_xbpf() ? "/sys/module/xbpf/parameters/jit_harden" :
				      "/proc/sys/net/core/bpf_jit_harden";
}

/* "blind everything": the kernel's bpf_jit_harden=2, xbpf's jit_harden=1 */
static int harden_all(void)
{
	return running_under_xbpf() ? 1 : 2;
}

static int write_knob(const char *path, int val)
{
	char buf[32];
	int fd = open(path, O_WRONLY), n, ok;

	if (fd < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%d\n", val);
	ok = write(fd, buf, n) == n;
	close(fd);
	return ok ? 0 : -1;
}

static int load(__u32 type, const struct bpf_insn *insns, __u32 cnt)
{
	static char log[65536];
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = cnt;
	attr.license = ptr_to_u64("GPL");
	fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd < 0) {
		/* say why, for the test's output */
		attr.log_buf = ptr_to_u64(log);
		attr.log_size = sizeof(log);
		attr.log_level = 1;
		log[0] = 0;
		sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
		fprintf(stderr, "load failed: %s\n%s\n", errno_str(errno), log);
	}
	return fd;
}

static int test_run(int fd, const void *data, __u32 size, __u32 *retval)
{
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = ptr_to_u64(data);
	attr.test.data_size_in = size;
	attr.test.repeat = 1;
	err = sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr));
	*retval = attr.test.retval;
	return err;
}

static int prog_info(int fd, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);

	return sys_obj_info(fd, info, &len);
}

/* fdinfo's prog_jited, or -1 */
static int fdinfo_jited(int fd)
{
	char val[32];

	return fdinfo_get(fd, "prog_jited", val, sizeof(val)) ? -1 : atoi(val);
}

/* A packet for socket filters: an Ethernet/IPv4 header's worth. */
static const unsigned char pkt[64] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x32, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11,
	0xde, 0xad, 0xc0, 0xa8, 0x01, 0x02, 0xc0, 0xa8, 0x01, 0xfe,
};

/* Programs whose results the JIT and the interpreter must agree on. */
struct case_prog {
	const char *name;
	struct bpf_insn insns[32];
	__u32 cnt;
};

#define CASE(n, ...) { n, { __VA_ARGS__ }, \
	sizeof((struct bpf_insn[]){ __VA_ARGS__ }) / sizeof(struct bpf_insn) }

static const struct case_prog cases[] = {
	CASE("alu64 mix",
	     MOV64_IMM(0, 7), ALU64_IMM(BPF_MUL, 0, 191),
	     ALU64_IMM(BPF_XOR, 0, 0x5555), ALU64_IMM(BPF_LSH, 0, 33),
	     ALU64_IMM(BPF_ARSH, 0, 35), ALU64_IMM(BPF_SUB, 0, -3), EXIT),
	CASE("div and mod by zero",
	     MOV64_IMM(0, 100), MOV64_IMM(2, 0), ALU64_REG(BPF_DIV, 0, 2),
	     MOV64_IMM(3, 77), ALU64_REG(BPF_MOD, 3, 2),
	     ALU64_REG(BPF_ADD, 0, 3), EXIT),
	CASE("alu32 zero-extends",
	     LD_IMM64(0, 0xffffffff00000005ULL), ALU32_IMM(BPF_ADD, 0, 1),
	     MOV64_REG(1, 0), ALU64_IMM(BPF_RSH, 1, 32), ALU64_REG(BPF_ADD, 0, 1),
	     EXIT),
	CASE("32-bit shift by register masks",
	     MOV32_IMM(0, 1), MOV32_IMM(2, 35), ALU32_REG(BPF_LSH, 0, 2), EXIT),
	CASE("signed jumps",
	     MOV64_IMM(0, 0), MOV64_IMM(2, -5),
	     JMP_IMM(BPF_JSGT, 2, -6, 1), EXIT, MOV64_IMM(0, 9), EXIT),
	CASE("stack spill and fill",
	     LD_IMM64(2, 0x1122334455667788ULL), STX_DW(10, 2, -8),
	     ST_DW(10, -16, -1), LDX_DW(0, 10, -8), LDX_DW(3, 10, -16),
	     ALU64_REG(BPF_ADD, 0, 3), ALU64_IMM(BPF_RSH, 0, 8), EXIT),
	CASE("LD_ABS",
	     MOV64_REG(6, 1), LD_ABS_H(12), MOV64_REG(7, 0), LD_ABS_B(23),
	     ALU64_IMM(BPF_LSH, 7, 8), ALU64_REG(BPF_OR, 0, 7), EXIT),
	CASE("LD_ABS out of the packet",
	     MOV64_REG(6, 1), LD_ABS_B(1000), MOV64_IMM(0, 1), EXIT),
	CASE("ctx len",
	     LDX_W(0, 1, 0), ALU64_IMM(BPF_MUL, 0, 3), EXIT),
	CASE("bpf-to-bpf calls",
	     MOV64_IMM(1, 20), CALL_SUB(2), ALU64_IMM(BPF_ADD, 0, 1), EXIT,
	     MOV64_REG(0, 1), ALU64_IMM(BPF_MUL, 0, 3), EXIT),
	CASE("helper call",
	     CALL(BPF_FUNC_get_smp_processor_id), JMP_IMM(BPF_JGT, 0, 4096, 2),
	     MOV64_IMM(0, 55), EXIT, MOV64_IMM(0, 66), EXIT),
};

FIXTURE(jit) {
	int jit, harden;
};

FIXTURE_SETUP(jit)
{
	self->jit = (int)read_long_file(jit_knob());
	self->harden = (int)read_long_file(harden_knob());
}

/* Each test's first line: the harness runs a test whose setup skipped. */
#define REQUIRE_JIT()							\
	do {								\
		if (self->jit <= 0)					\
			SKIP(return, "the JIT is off (%s: %d)",		\
			     jit_knob(), self->jit);			\
	} while (0)

FIXTURE_TEARDOWN(jit)
{
	if (self->jit > 0)
		write_knob(jit_knob(), self->jit);
	if (self->harden >= 0)
		write_knob(harden_knob(), self->harden);
}

TEST_F(jit, info_one_function)
{
	const struct bpf_insn insns[] = { MOV64_IMM(0, 42), EXIT };
	struct bpf_prog_info info;
	__u64 ksym = 0;
	__u32 flen = 0;
	unsigned char code[4096];
	__u32 retval;
	int fd;

	REQUIRE_JIT();
	fd = load(BPF_PROG_TYPE_SOCKET_FILTER, insns, 2);
	ASSERT_GE(fd, 0);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(prog_info(fd, &info), 0);
	EXPECT_GT(info.jited_prog_len, 0);
	EXPECT_LT(info.jited_prog_len, sizeof(code));
	EXPECT_EQ(info.nr_jited_ksyms, 1);
	EXPECT_EQ(info.nr_jited_func_lens, 1);
	EXPECT_EQ(fdinfo_jited(fd), 1);

	memset(&info, 0, sizeof(info));
	memset(code, 0, sizeof(code));
	info.jited_prog_len = sizeof(code);
	info.jited_prog_insns = ptr_to_u64(code);
	info.nr_jited_ksyms = 1;
	info.jited_ksyms = ptr_to_u64(&ksym);
	info.nr_jited_func_lens = 1;
	info.jited_func_lens = ptr_to_u64(&flen);
	ASSERT_EQ(prog_info(fd, &info), 0);
	EXPECT_NE(ksym, 0);
	EXPECT_EQ(flen, info.jited_prog_len);
	/* the code is there: not all zeros */
	{
		__u32 i, nonzero = 0;

		for (i = 0; i < info.jited_prog_len; i++)
			nonzero += code[i] != 0;
		EXPECT_GT(nonzero, info.jited_prog_len / 2);
	}
	ASSERT_EQ(test_run(fd, pkt, sizeof(pkt), &retval), 0);
	EXPECT_EQ(retval, 42);
	close(fd);
}

TEST_F(jit, info_subprograms)
{
	const struct bpf_insn insns[] = {
		MOV64_IMM(1, 5), CALL_SUB(3), MOV64_REG(1, 0), CALL_SUB(3),
		EXIT,
		/* 5: */ MOV64_REG(0, 1), EXIT,
		/* 7: */ MOV64_REG(0, 1), ALU64_IMM(BPF_ADD, 0, 1), EXIT,
	};
	struct bpf_prog_info info;
	__u64 ksyms[3] = {};
	__u32 lens[3] = {}, retval;
	int fd;

	REQUIRE_JIT();
	fd = load(BPF_PROG_TYPE_SOCKET_FILTER, insns,
		  sizeof(insns) / sizeof(insns[0]));
	ASSERT_GE(fd, 0);
	memset(&info, 0, sizeof(info));
	info.nr_jited_ksyms = 3;
	info.jited_ksyms = ptr_to_u64(ksyms);
	info.nr_jited_func_lens = 3;
	info.jited_func_lens = ptr_to_u64(lens);
	ASSERT_EQ(prog_info(fd, &info), 0);
	EXPECT_EQ(info.nr_jited_ksyms, 3);
	EXPECT_EQ(info.nr_jited_func_lens, 3);
	EXPECT_EQ(lens[0] + lens[1] + lens[2], info.jited_prog_len);
	EXPECT_NE(ksyms[0], 0);
	EXPECT_NE(ksyms[1], ksyms[0]);
	EXPECT_NE(ksyms[2], ksyms[1]);
	EXPECT_NE(ksyms[2], ksyms[0]);
	EXPECT_GT(lens[1], 0);
	EXPECT_GT(lens[2], 0);
	ASSERT_EQ(test_run(fd, pkt, sizeof(pkt), &retval), 0);
	EXPECT_EQ(retval, 6);
	close(fd);
}

TEST_F(jit, same_results_on_and_off)
{
	__u32 on[sizeof(cases) / sizeof(cases[0])];
	struct bpf_prog_info info;
	unsigned int i;
	__u32 retval;
	int fd;

	REQUIRE_JIT();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fd = load(BPF_PROG_TYPE_SOCKET_FILTER, cases[i].insns,
			  cases[i].cnt);
		ASSERT_GE(fd, 0) TH_LOG("%s", cases[i].name);
		EXPECT_EQ(fdinfo_jited(fd), 1) TH_LOG("%s", cases[i].name);
		ASSERT_EQ(test_run(fd, pkt, sizeof(pkt), &on[i]), 0);
		close(fd);
	}

	ASSERT_EQ(write_knob(jit_knob(), 0), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fd = load(BPF_PROG_TYPE_SOCKET_FILTER, cases[i].insns,
			  cases[i].cnt);
		ASSERT_GE(fd, 0) TH_LOG("%s", cases[i].name);
		EXPECT_EQ(fdinfo_jited(fd), 0) TH_LOG("%s", cases[i].name);
		memset(&info, 0, sizeof(info));
		ASSERT_EQ(prog_info(fd, &info), 0);
		EXPECT_EQ(info.jited_prog_len, 0);
		ASSERT_EQ(test_run(fd, pkt, sizeof(pkt), &retval), 0);
		EXPECT_EQ(retval, on[i]) TH_LOG("%s: JIT %u, interpreter %u",
						cases[i].name, on[i], retval);
		close(fd);
	}
}

/*
 * A prog array's programs are all JITed or all interpreted, as its first:
 * with the JIT turned off after a JITed program joined, an interpreted
 * one may neither join nor load with a tail call through the array.
 */
TEST_F(jit, prog_array_jited_alike)
{
	const struct bpf_insn ret1[] = { MOV64_IMM(0, 1), EXIT };
	int pa, a, b, c, one = 1, zero = 0;

	REQUIRE_JIT();
	pa = sys_map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 2, 0);
	ASSERT_LE(0, pa);
	{
		const struct bpf_insn tail[] = {
			LD_MAP(2, pa), MOV64_IMM(3, 0),
			CALL(BPF_FUNC_tail_call), MOV64_IMM(0, 2), EXIT,
		};

		a = load(BPF_PROG_TYPE_SOCKET_FILTER, ret1, 2);
		ASSERT_LE(0, a);
		EXPECT_EQ(0, sys_map_update(pa, &zero, &a, BPF_ANY));

		ASSERT_EQ(write_knob(jit_knob(), 0), 0);
		b = load(BPF_PROG_TYPE_SOCKET_FILTER, ret1, 2);
		ASSERT_LE(0, b);
		EXPECT_EQ(0, fdinfo_jited(b));
		EXPECT_ERRNO(EINVAL, sys_map_update(pa, &one, &b, BPF_ANY));
		EXPECT_ERRNO(EINVAL, load(BPF_PROG_TYPE_SOCKET_FILTER, tail,
					  sizeof(tail) / sizeof(tail[0])));

		/* JITed again, it may: and the slot still holds a */
		ASSERT_EQ(write_knob(jit_knob(), self->jit), 0);
		c = load(BPF_PROG_TYPE_SOCKET_FILTER, tail,
			 sizeof(tail) / sizeof(tail[0]));
		ASSERT_LE(0, c);
		EXPECT_EQ(0, sys_map_update(pa, &one, &a, BPF_ANY));
		close(c);
	}
	close(b);
	close(a);
	close(pa);
}

static int image_has_imm(int fd, __u32 imm, __u32 *retval)
{
	unsigned char code[4096];
	struct bpf_prog_info info;
	__u32 i;

	memset(&info, 0, sizeof(info));
	info.jited_prog_len = sizeof(code);
	info.jited_prog_insns = ptr_to_u64(code);
	if (prog_info(fd, &info) || !info.jited_prog_len ||
	    info.jited_prog_len > sizeof(code))
		return -1;
	if (test_run(fd, pkt, sizeof(pkt), retval))
		return -1;
	for (i = 0; i + 4 <= info.jited_prog_len; i++)
		if (!memcmp(code + i, &imm, 4))
			return 1;
	return 0;
}

TEST_F(jit, blinding_hides_immediates)
{
	const struct bpf_insn insns[] = {
		MOV64_IMM(0, BLIND_IMM), ALU64_IMM(BPF_XOR, 0, BLIND_IMM ^ 3),
		ALU64_IMM(BPF_ADD, 0, BLIND_IMM), EXIT,
	};
	__u32 plain, blinded;
	int fd;

	REQUIRE_JIT();
	if (self->harden < 0)
		SKIP(return, "no %s", harden_knob());
	ASSERT_EQ(write_knob(harden_knob(), 0), 0);
	fd = load(BPF_PROG_TYPE_SOCKET_FILTER, insns, 4);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(image_has_imm(fd, BLIND_IMM, &plain), 1);
	close(fd);

	ASSERT_EQ(write_knob(harden_knob(), harden_all()), 0);
	fd = load(BPF_PROG_TYPE_SOCKET_FILTER, insns, 4);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(image_has_imm(fd, BLIND_IMM, &blinded), 0);
	EXPECT_EQ(blinded, plain);
	EXPECT_EQ(plain, 3 + BLIND_IMM);
	close(fd);
}

/* Many programs at once, loaded and freed: the JIT's memory comes back. */
TEST_F(jit, many_programs)
{
	const struct bpf_insn insns[] = {
		MOV64_IMM(0, 1), ALU64_IMM(BPF_ADD, 0, 2), EXIT,
	};
	enum { N = 256 };
	int fds[N], round, i;
	__u32 retval;

	REQUIRE_JIT();
	for (round = 0; round < 4; round++) {
		for (i = 0; i < N; i++) {
			fds[i] = load(BPF_PROG_TYPE_SOCKET_FILTER, insns, 3);
			ASSERT_GE(fds[i], 0);
		}
		for (i = 0; i < N; i += 37) {
			ASSERT_EQ(fdinfo_jited(fds[i]), 1);
			ASSERT_EQ(test_run(fds[i], pkt, sizeof(pkt), &retval), 0);
			ASSERT_EQ(retval, 3);
		}
		for (i = 0; i < N; i++)
			close(fds[i]);
	}
}

/*
 * get_smp_processor_id() (which xbpf reads in line, without a call) is the
 * CPU the run is on, on every CPU this task may use, and in a loop that
 * runs it many times over.
 */
TEST(cpu_number_on_each_cpu)
{
	static const struct bpf_insn prog[] = {
		CALL(BPF_FUNC_get_smp_processor_id), EXIT,
	};
	unsigned char pkt[64] = { 0 };
	cpu_set_t old, one;
	__u32 retval;
	int fd, cpu, tried = 0;

	fd = load(BPF_PROG_TYPE_SOCKET_FILTER, prog, 2);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(old), &old));
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &old))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
		retval = ~0U;
		EXPECT_EQ(0, test_run(fd, pkt, sizeof(pkt), &retval));
		EXPECT_EQ((__u32)cpu, retval);
		tried++;
	}
	EXPECT_EQ(0, sched_setaffinity(0, sizeof(old), &old));
	EXPECT_LE(1, tried);
	close(fd);
}

/*
 * xbpf only (Linux counts only with kernel.bpf_stats_enabled): statistics
 * are always on. run_cnt counts every run exactly. A program's first 256
 * runs per CPU are each timed, so their run_time_ns lies within what the
 * test run measured around them; later runs are sampled (an unbiased but
 * heavy-tailed estimate: one sampled run that the host stalls counts for
 * up to 31), so for them only growth is checked.
 */
TEST(stats_always_on)
{
	static const struct bpf_insn prog[] = {
		MOV64_IMM(0, 0), MOV64_IMM(1, 0),
		ALU64_REG(BPF_ADD, 0, 1), ALU64_IMM(BPF_ADD, 1, 1),
		JMP_IMM(BPF_JLT, 1, 2000, -3), EXIT,
	};
	unsigned char pkt[64] = { 0 };
	struct bpf_prog_info info;
	union bpf_attr attr;
	__u64 measured, exact;
	int fd;

	if (!running_under_xbpf())
		SKIP(return, "the kernel keeps no statistics by default");
	fd = load(BPF_PROG_TYPE_SOCKET_FILTER, prog, 6);
	ASSERT_LE(0, fd);
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = ptr_to_u64(pkt);
	attr.test.data_size_in = sizeof(pkt);
	attr.test.repeat = 200;
	ASSERT_EQ(0, sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr)));
	EXPECT_EQ(1999 * 2000 / 2 & 0xffffffffU, attr.test.retval);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, prog_info(fd, &info));
	EXPECT_EQ(200, info.run_cnt);
	/* the mean, rounded down, times the runs: at most the time spent */
	measured = (__u64)attr.test.duration * 200;
	exact = info.run_time_ns;
	EXPECT_LE(measured / 2, exact);
	EXPECT_GE(measured + measured / 10 + 200, exact);
	TH_LOG("exact: run_time_ns %llu, test run %llu", exact, measured);

	attr.test.repeat = 3000;
	ASSERT_EQ(0, sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr)));
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, prog_info(fd, &info));
	EXPECT_EQ(3200, info.run_cnt);
	EXPECT_LT(exact, info.run_time_ns);
	TH_LOG("sampled: run_time_ns %llu, test run %llu",
	       info.run_time_ns - exact, (__u64)attr.test.duration * 3000);
	close(fd);
}

/*
 * An array lookup tested for NULL right after, both ways ("if r0 == 0"
 * and "if r0 != 0"), in bounds and past the end: a value or the miss
 * value (JITed or not: the suite runs both ways). Under xbpf the in-line
 * lookup's found branch goes past the test (its ja lands beyond it),
 * which the xlated code shows.
 */
TEST(array_lookup_then_null_test)
{
	static const __u32 keys[] = { 0, 7, 8, 1000 };
	unsigned char pkt[64] = { 0 };
	int map, fd, form, k;
	__u32 i, retval;
	__u64 v;

	map = sys_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 8, 0);
	ASSERT_LE(0, map);
	for (i = 0; i < 8; i++) {
		v = 100 + i;
		ASSERT_EQ(0, sys_map_update(map, &i, &v, 0));
	}
	for (form = 0; form < 2; form++) {
		for (k = 0; k < 4; k++) {
			struct bpf_insn prog[] = {
				MOV64_IMM(1, keys[k]),
				STX_DW(10, 1, -8),
				MOV64_REG(2, 10),
				ALU64_IMM(BPF_ADD, 2, -8),
				LD_MAP(1, map),
				CALL(BPF_FUNC_map_lookup_elem),
				/* form 0: if r0 == 0 goto miss */
				JMP_IMM(BPF_JEQ, 0, 0, 2),
				LDX_DW(0, 0, 0),
				EXIT,
				MOV64_IMM(0, 12345),
				EXIT,
			};
			struct bpf_prog_info info;
			struct bpf_insn xl[32];
			int found = 0, j;

			if (form) {
				/* if r0 != 0 goto hit; miss; hit */
				prog[7] = (struct bpf_insn)JMP_IMM(BPF_JNE, 0, 0, 2);
				prog[8] = (struct bpf_insn)MOV64_IMM(0, 12345);
				prog[9] = (struct bpf_insn)EXIT;
				prog[10] = (struct bpf_insn)LDX_DW(0, 0, 0);
			}
			fd = load(BPF_PROG_TYPE_SOCKET_FILTER, prog,
				  sizeof(prog) / sizeof(prog[0]));
			ASSERT_LE(0, fd);
			ASSERT_EQ(0, test_run(fd, pkt, sizeof(pkt), &retval));
			EXPECT_EQ(keys[k] < 8 ? 100 + keys[k] : 12345, retval)
				TH_LOG("form %d key %u", form, keys[k]);
			memset(&info, 0, sizeof(info));
			info.xlated_prog_len = sizeof(xl);
			info.xlated_prog_insns = ptr_to_u64(xl);
			ASSERT_EQ(0, prog_info(fd, &info));
			for (j = 0; j < (int)(info.xlated_prog_len / sizeof(xl[0])); j++)
				found |= xl[j].code == (BPF_JMP | BPF_JA) &&
					 xl[j].off == (form ? 4 : 2);
			if (running_under_xbpf())
				EXPECT_TRUE(found) TH_LOG("form %d", form);
			close(fd);
		}
	}
	close(map);
}

/*
 * Code no path reaches is never checked, so it may hold anything; here a
 * call with reserved fields and a helper id far past any table. The
 * program loads, is JITed (where the JIT is on) and runs: Linux removes
 * such code, xbpf turns it into "ja -1" traps, and neither reads it.
 */
TEST(dead_code_never_read)
{
	static const struct bpf_insn prog[] = {
		MOV64_IMM(0, 1),
		JMP_IMM(BPF_JEQ, 0, 1, 2),
		INSN(BPF_JMP | BPF_CALL, 0, 5, 0, 0x52525252),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, -7),
		EXIT,
	};
	unsigned char pkt[64] = { 0 };
	struct bpf_prog_info info;
	struct bpf_insn xl[8];
	__u32 retval;
	int fd;

	fd = load(BPF_PROG_TYPE_SOCKET_FILTER, prog, 5);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, test_run(fd, pkt, sizeof(pkt), &retval));
	EXPECT_EQ(1, retval);
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = sizeof(xl);
	info.xlated_prog_insns = ptr_to_u64(xl);
	ASSERT_EQ(0, prog_info(fd, &info));
	if (running_under_xbpf()) {
		ASSERT_EQ(5 * sizeof(xl[0]), info.xlated_prog_len);
		EXPECT_EQ(BPF_JMP | BPF_JA, xl[2].code);
		EXPECT_EQ(-1, xl[2].off);
		EXPECT_EQ(BPF_JMP | BPF_JA, xl[3].code);
	}
	close(fd);
}

TEST_HARNESS_MAIN
