// SPDX-License-Identifier: GPL-2.0
/*
 * Callbacks: bpf_loop() and bpf_for_each_map_elem(), hand-written
 * programs loaded and run (socket filters through BPF_PROG_TEST_RUN), and
 * the verifier's rules for them, with Linux 6.1's verdicts, errnos, log
 * lines and results.
 *
 * Linux 6.1 takes a callback only in a program with BTF func_info (every
 * function described, the callback static); xbpf has no BTF objects and
 * takes callbacks without it, every subprogram being static. So the
 * native pass loads each program with a minimal BTF made here (one
 * "void f(void)" static FUNC per function), the xbpf pass without:
 * the verdicts and results must be the same. Under xbpf each program that
 * loads also runs with the JIT off (module parameter jit=0, xbpf's
 * interpreter, where Linux 6.1 refuses callbacks): same results again.
 */
#include <linux/btf.h>

#include <kselftest_harness.h>

#include "map_prog.h"

#define BPF_LD_FUNC(d, off)	BPF_LD_IMM64_RAW(d, BPF_PSEUDO_FUNC, off)
#define LOG_SIZE		65536

static char log_buf[LOG_SIZE];

/* The first insn of each function: main's, then every call's target. */
static int func_starts(const struct bpf_insn *insns, int cnt, __u32 *starts)
{
	int i, j, n = 1;

	starts[0] = 0;
	for (i = 0; i < cnt; i++) {
		const struct bpf_insn *insn = &insns[i];
		int t = i + insn->imm + 1;
		bool call = insn->code == (BPF_JMP | BPF_CALL) &&
			    insn->src_reg == BPF_PSEUDO_CALL;
		bool func = insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
			    insn->src_reg == BPF_PSEUDO_FUNC;

		if (!call && !func)
			continue;
		if (t < 0 || t >= cnt)
			continue;
		for (j = 0; j < n && starts[j] != (__u32)t; j++)
			;
		if (j < n)
			continue;
		for (j = n; j > 0 && starts[j - 1] > (__u32)t; j--)
			starts[j] = starts[j - 1];
		starts[j] = t;
		n++;
	}
	return n;
}

/*
 * BTF for n static functions f0..f(n-1) of type void (void): type 1 is
 * the prototype, type 2 + i function i. Returns the BTF fd.
 */
static int load_func_btf(int n)
{
	struct {
		struct btf_header hdr;
		struct btf_type types[1 + 32];
		char strs[32 * 4 + 1];
	} blob;
	union bpf_attr attr;
	__u32 str_len = 1;
	int i;

	memset(&blob, 0, sizeof(blob));
	blob.types[0].info = BTF_KIND_FUNC_PROTO << 24;
	for (i = 0; i < n; i++) {
		blob.types[1 + i].name_off = str_len;
		blob.types[1 + i].info = BTF_KIND_FUNC << 24 | BTF_FUNC_STATIC;
		blob.types[1 + i].type = 1;
		str_len += sprintf(blob.strs + str_len, "f%d", i) + 1;
	}
	blob.hdr.magic = BTF_MAGIC;
	blob.hdr.version = BTF_VERSION;
	blob.hdr.hdr_len = sizeof(blob.hdr);
	blob.hdr.type_off = 0;
	blob.hdr.type_len = (1 + n) * sizeof(struct btf_type);
	blob.hdr.str_off = blob.hdr.type_len;
	blob.hdr.str_len = str_len;
	/* the strings follow the types directly */
	memmove((char *)&blob.types[1 + n], blob.strs, str_len);

	memset(&attr, 0, sizeof(attr));
	attr.btf = ptr_to_u64(&blob);
	attr.btf_size = sizeof(blob.hdr) + blob.hdr.type_len + str_len;
	return sys_bpf(BPF_BTF_LOAD, &attr, sizeof(attr));
}

/*
 * Load a socket filter with callbacks: natively with BTF func_info, under
 * xbpf without. The log goes to log_buf.
 */
static int load_cb(const struct bpf_insn *insns, int cnt)
{
	struct bpf_func_info finfo[32];
	__u32 starts[32];
	union bpf_attr attr;
	int btf_fd = -1, n, i, fd, err;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = cnt;
	attr.license = ptr_to_u64("GPL");
	attr.log_buf = ptr_to_u64(log_buf);
	attr.log_size = sizeof(log_buf);
	attr.log_level = 1;
	log_buf[0] = 0;

	if (!running_under_xbpf()) {
		n = func_starts(insns, cnt, starts);
		btf_fd = load_func_btf(n);
		if (btf_fd < 0)
			return -1;
		for (i = 0; i < n; i++) {
			finfo[i].insn_off = starts[i];
			finfo[i].type_id = 2 + i;
		}
		attr.prog_btf_fd = btf_fd;
		attr.func_info = ptr_to_u64(finfo);
		attr.func_info_cnt = n;
		attr.func_info_rec_size = sizeof(finfo[0]);
	}
	fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	err = errno;
	if (btf_fd >= 0)
		close(btf_fd);
	errno = err;
	return fd;
}

/* xbpf's jit module parameter: read, or set (returns the old value). */
static int xbpf_jit_param(int set)
{
	const char *path = "/sys/module/xbpf/parameters/jit";
	char buf[16] = "";
	FILE *f = fopen(path, "r");
	int old = -1;

	if (f) {
		if (fgets(buf, sizeof(buf), f))
			old = atoi(buf);
		fclose(f);
	}
	if (set >= 0) {
		f = fopen(path, "w");
		if (f) {
			fprintf(f, "%d\n", set);
			fclose(f);
		}
	}
	return old;
}

/*
 * Load and run once, returning retval (asserting both work). Under xbpf
 * the program is loaded and run a second time with the JIT off, and the
 * two results must agree.
 */
static __u32 load_run(struct __test_metadata *_metadata,
		      const struct bpf_insn *insns, int cnt)
{
	__u32 retval = 0, retval2 = 0;
	int fd, old;

	fd = load_cb(insns, cnt);
	ASSERT_LE(0, fd) {
		TH_LOG("load failed: %s\n%s", errno_str(errno), log_buf);
	}
	ASSERT_OK(prog_run(fd, 1, &retval));
	close(fd);

	if (!running_under_xbpf())
		return retval;
	old = xbpf_jit_param(0);
	ASSERT_LE(0, old);
	fd = load_cb(insns, cnt);
	xbpf_jit_param(old);
	ASSERT_LE(0, fd) {
		TH_LOG("load with jit=0 failed: %s\n%s", errno_str(errno),
		       log_buf);
	}
	ASSERT_OK(prog_run(fd, 1, &retval2));
	close(fd);
	EXPECT_EQ(retval, retval2) {
		TH_LOG("JIT %#x, interpreter %#x", retval, retval2);
	}
	return retval;
}

/* The load fails with err and a log line containing msg. */
static void load_fails(struct __test_metadata *_metadata,
		       const struct bpf_insn *insns, int cnt, int err,
		       const char *msg)
{
	int fd = load_cb(insns, cnt);

	if (fd >= 0)
		close(fd);
	ASSERT_EQ(-1, fd) {
		TH_LOG("loaded, expected %s", errno_str(err));
	}
	EXPECT_EQ(err, errno) {
		TH_LOG("failed with %s, expected %s\n%s", errno_str(errno),
		       errno_str(err), log_buf);
	}
	EXPECT_NE(NULL, strstr(log_buf, msg)) {
		TH_LOG("no \"%s\" in the log:\n%s", msg, log_buf);
	}
}

#define LOAD_RUN(insns)	load_run(_metadata, insns, ARRAY_SIZE(insns))
#define LOAD_FAILS(insns, err, msg)					\
	load_fails(_metadata, insns, ARRAY_SIZE(insns), err, msg)

/*
 * sum = 0; r0 = bpf_loop(nr, cb, &sum, flags); return r0 + (sum << 10)
 * cb(i, ctx): *ctx += i; return i == stop (stop -1: never)
 */
#define LOOP_PROG(nr, flags, stop)					\
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),				\
	BPF_LD_IMM64(BPF_REG_1, nr),					\
	BPF_LD_FUNC(BPF_REG_2, 10),					\
	BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),				\
	BPF_LD_IMM64(BPF_REG_4, flags),					\
	BPF_EMIT_CALL(BPF_FUNC_loop),					\
	BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),			\
	BPF_ALU64_IMM(BPF_LSH, BPF_REG_1, 10),				\
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),			\
	BPF_EXIT_INSN(),						\
	LOOP_CB(stop)

/* cb(i, ctx): *ctx += i; return i == stop (stop -1: never) */
#define LOOP_CB(stop)							\
	BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_2, 0),			\
	BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1),			\
	BPF_STX_MEM(BPF_DW, BPF_REG_2, BPF_REG_3, 0),			\
	BPF_MOV64_IMM(BPF_REG_0, 0),					\
	BPF_JMP_IMM(BPF_JNE, BPF_REG_1, stop, 1),			\
	BPF_MOV64_IMM(BPF_REG_0, 1),					\
	BPF_EXIT_INSN()

TEST(loop_sum)
{
	const struct bpf_insn insns[] = { LOOP_PROG(100, 0, -1) };

	/* 100 iterations, 0 + 1 + ... + 99 */
	EXPECT_EQ(100 + (4950 << 10), LOAD_RUN(insns));
}

TEST(loop_zero_iterations)
{
	const struct bpf_insn insns[] = { LOOP_PROG(0, 0, -1) };

	EXPECT_EQ(0, LOAD_RUN(insns));
}

TEST(loop_early_stop)
{
	const struct bpf_insn insns[] = { LOOP_PROG(100, 0, 5) };

	/* stopped by index 5: 6 calls, 0 + ... + 5 */
	EXPECT_EQ(6 + (15 << 10), LOAD_RUN(insns));
}

TEST(loop_too_many)
{
	const struct bpf_insn insns[] = { LOOP_PROG((1 << 23) + 1, 0, -1) };

	/* -E2BIG, and the callback never ran */
	EXPECT_EQ((__u32)-E2BIG, LOAD_RUN(insns));
}

TEST(loop_at_the_limit)
{
	const struct bpf_insn insns[] = { LOOP_PROG(1 << 23, 0, 0) };

	/* 1 << 23 is allowed: the first call stops it */
	EXPECT_EQ(1, LOAD_RUN(insns));
}

/*
 * With flags known to be 0, Linux 6.1 turns the call into a loop in the
 * program (so does xbpf), which compares nr_loops in 64 bits.
 */
TEST(loop_inlined_count_is_64_bits)
{
	const struct bpf_insn insns[] = { LOOP_PROG((1ULL << 32) + 3, 0, -1) };

	EXPECT_EQ((__u32)-E2BIG, LOAD_RUN(insns));
}

/* Flags the verifier does not know (skb->mark, 0): the helper, a u32. */
TEST(loop_helper_count_is_32_bits)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_LD_IMM64(BPF_REG_1, (1ULL << 32) + 3),
		BPF_LD_FUNC(BPF_REG_2, 9),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),
		BPF_LDX_MEM(BPF_W, BPF_REG_4, BPF_REG_6,
			    offsetof(struct __sk_buff, mark)),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),
		BPF_ALU64_IMM(BPF_LSH, BPF_REG_1, 10),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
		LOOP_CB(1),
	};

	/* 3 iterations, stopped by index 1 after 2: 0 + 1 */
	EXPECT_EQ(2 + (1 << 10), LOAD_RUN(insns));
}

/* The same helper, too many iterations and flags */
TEST(loop_helper_limits)
{
	const struct bpf_insn big[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_LD_IMM64(BPF_REG_1, (1 << 23) + 1),
		BPF_LD_FUNC(BPF_REG_2, 5),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_LDX_MEM(BPF_W, BPF_REG_4, BPF_REG_6,
			    offsetof(struct __sk_buff, mark)),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn flags[] = {
		BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
		BPF_LD_IMM64(BPF_REG_1, 3),
		BPF_LD_FUNC(BPF_REG_2, 6),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_LDX_MEM(BPF_W, BPF_REG_4, BPF_REG_6,
			    offsetof(struct __sk_buff, mark)),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, 1),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	EXPECT_EQ((__u32)-E2BIG, LOAD_RUN(big));
	EXPECT_EQ((__u32)-EINVAL, LOAD_RUN(flags));
}

TEST(loop_flags)
{
	const struct bpf_insn insns[] = { LOOP_PROG(10, 1, -1) };
	const struct bpf_insn high[] = { LOOP_PROG(10, 1ULL << 40, -1) };

	EXPECT_EQ((__u32)-EINVAL, LOAD_RUN(insns));
	EXPECT_EQ((__u32)-EINVAL, LOAD_RUN(high));
}

TEST(loop_null_ctx)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_1, 7),
		BPF_LD_FUNC(BPF_REG_2, 5),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_EXIT_INSN(),
		/* cb: ctx is NULL */
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	EXPECT_EQ(7, LOAD_RUN(insns));
}

/* A loop inside a loop's callback: 10 x 10 calls of the inner one. */
TEST(loop_nested)
{
	const struct bpf_insn insns[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_MOV64_IMM(BPF_REG_1, 10),
		BPF_LD_FUNC(BPF_REG_2, 7),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_EXIT_INSN(),
		/* outer(i, ctx): bpf_loop(10, inner, ctx, 0) */
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_2),
		BPF_MOV64_IMM(BPF_REG_1, 10),
		BPF_LD_FUNC(BPF_REG_2, 5),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		/* inner(i, ctx): *ctx += 1 */
		BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_2, 0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, 1),
		BPF_STX_MEM(BPF_DW, BPF_REG_2, BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	EXPECT_EQ(100, LOAD_RUN(insns));
}

/*
 * The callback calls a bpf-to-bpf function and a helper, and uses its
 * own stack; the caller's R6-R9 survive the helper.
 */
TEST(loop_callback_calls)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_6, 1000),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_MOV64_IMM(BPF_REG_1, 4),
		BPF_LD_FUNC(BPF_REG_2, 8),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		BPF_EXIT_INSN(),
		/* cb(i, ctx): *ctx += triple(i) + cpu * 0 */
		BPF_MOV64_REG(BPF_REG_7, BPF_REG_2),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -16),
		BPF_EMIT_CALL(BPF_FUNC_get_smp_processor_id),
		BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 0),
		BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -16),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_0),
		BPF_CALL_REL(5),
		BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_7, 0),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_0),
		BPF_STX_MEM(BPF_DW, BPF_REG_7, BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
		/* triple(x) */
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
		BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 3),
		BPF_EXIT_INSN(),
	};

	/* 3 * (0 + 1 + 2 + 3) + 1000 */
	EXPECT_EQ(1018, LOAD_RUN(insns));
}

TEST(callback_returns_2)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_LD_FUNC(BPF_REG_2, 5),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 2),
		BPF_EXIT_INSN(),
	};

	LOAD_FAILS(insns, EINVAL,
		   "At callback return the register R0 has value (0x2; 0x0) should have been in (0x0; 0x1)");
}

TEST(callback_returns_unknown)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_LD_FUNC(BPF_REG_2, 5),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_EXIT_INSN(),
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
	};

	LOAD_FAILS(insns, EINVAL,
		   "At callback return the register R0 has unknown scalar value should have been in (0x0; 0x1)");
}

TEST(callback_returns_pointer)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_LD_FUNC(BPF_REG_2, 6),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_EXIT_INSN(),
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_2),
		BPF_EXIT_INSN(),
	};

	LOAD_FAILS(insns, EINVAL, "cannot return stack pointer to the caller");
}

TEST(callback_returns_func)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_LD_FUNC(BPF_REG_2, 6),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_EXIT_INSN(),
		/* cb: returns its own address */
		BPF_LD_FUNC(BPF_REG_0, -1),
		BPF_EXIT_INSN(),
	};

	LOAD_FAILS(insns, EACCES, "R0 not a scalar value");
}

TEST(callback_not_a_func)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_MOV64_IMM(BPF_REG_2, 0),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_EXIT_INSN(),
	};

	LOAD_FAILS(insns, EACCES, "R2 type=scalar expected=func");
}

TEST(callback_ctx_not_stack)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_1),
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_LD_FUNC(BPF_REG_2, 4),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	LOAD_FAILS(insns, EACCES, "R3 type=ctx expected=fp");
}

TEST(callback_is_main)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_LD_FUNC(BPF_REG_2, -2),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	LOAD_FAILS(insns, EINVAL, "callback function cannot be the main program");
}

TEST(callback_out_of_program)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_LD_FUNC(BPF_REG_2, 100),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_EXIT_INSN(),
	};

	LOAD_FAILS(insns, EINVAL, "call to invalid destination");
}

/* A target inside main makes main's first part end without an exit. */
TEST(callback_inside_main)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_LD_FUNC(BPF_REG_2, 3),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_EXIT_INSN(),
	};

	LOAD_FAILS(insns, EINVAL, "last insn is not an exit or jmp");
}

TEST(callback_stack_too_deep)
{
	const struct bpf_insn insns[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -64, 0),
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_LD_FUNC(BPF_REG_2, 5),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_loop),
		BPF_EXIT_INSN(),
		/* cb: 512 bytes of its own */
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -512, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	LOAD_FAILS(insns, EACCES, "combined stack size of 2 calls is 576. Too large");
}

/* r0 = ringbuf_reserve(ringbuf, 8, 0), dropped at the callback's exit */
TEST(callback_leaks_reference)
{
	int rb;

	ASSERT_FD(rb, sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0));
	{
		const struct bpf_insn insns[] = {
			BPF_MOV64_IMM(BPF_REG_1, 1),
			BPF_LD_FUNC(BPF_REG_2, 5),
			BPF_MOV64_IMM(BPF_REG_3, 0),
			BPF_MOV64_IMM(BPF_REG_4, 0),
			BPF_EMIT_CALL(BPF_FUNC_loop),
			BPF_EXIT_INSN(),
			/* cb */
			BPF_LD_MAP_FD_N(BPF_REG_1, rb),
			BPF_MOV64_IMM(BPF_REG_2, 8),
			BPF_MOV64_IMM(BPF_REG_3, 0),
			BPF_EMIT_CALL(BPF_FUNC_ringbuf_reserve),
			BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_EXIT_INSN(),
		};

		LOAD_FAILS(insns, EINVAL, "Unreleased reference id=");
	}
	close(rb);
}

/* The callback reserves and submits: nothing leaks, it loads and runs. */
TEST(callback_releases_reference)
{
	int rb;

	ASSERT_FD(rb, sys_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, 0));
	{
		const struct bpf_insn insns[] = {
			BPF_MOV64_IMM(BPF_REG_1, 3),
			BPF_LD_FUNC(BPF_REG_2, 5),
			BPF_MOV64_IMM(BPF_REG_3, 0),
			BPF_MOV64_IMM(BPF_REG_4, 0),
			BPF_EMIT_CALL(BPF_FUNC_loop),
			BPF_EXIT_INSN(),
			/* cb */
			BPF_LD_MAP_FD_N(BPF_REG_1, rb),
			BPF_MOV64_IMM(BPF_REG_2, 8),
			BPF_MOV64_IMM(BPF_REG_3, 0),
			BPF_EMIT_CALL(BPF_FUNC_ringbuf_reserve),
			BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 4),
			BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
			BPF_ST_MEM(BPF_DW, BPF_REG_1, 0, 42),
			BPF_MOV64_IMM(BPF_REG_2, 0),
			BPF_EMIT_CALL(BPF_FUNC_ringbuf_submit),
			BPF_MOV64_IMM(BPF_REG_0, 0),
			BPF_EXIT_INSN(),
		};

		EXPECT_EQ(3, LOAD_RUN(insns));
	}
	close(rb);
}

/*
 * sum = 0; r0 = bpf_for_each_map_elem(map, cb, &sum, flags);
 * return r0 + (sum << 10)
 * cb(map, key, value, ctx): *ctx += *value; *value += add;
 *                           return *key == stop (stop -1: never)
 */
#define FOR_EACH_PROG(fd, flags, add, stop)				\
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),				\
	BPF_LD_MAP_FD_N(BPF_REG_1, fd),					\
	BPF_LD_FUNC(BPF_REG_2, 9),					\
	BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),				\
	BPF_MOV64_IMM(BPF_REG_4, flags),				\
	BPF_EMIT_CALL(BPF_FUNC_for_each_map_elem),			\
	BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),			\
	BPF_ALU64_IMM(BPF_LSH, BPF_REG_1, 10),				\
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),			\
	BPF_EXIT_INSN(),						\
	/* cb */							\
	BPF_LDX_MEM(BPF_DW, BPF_REG_5, BPF_REG_3, 0),			\
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_4, 0),			\
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_5),			\
	BPF_STX_MEM(BPF_DW, BPF_REG_4, BPF_REG_0, 0),			\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_5, add),				\
	BPF_STX_MEM(BPF_DW, BPF_REG_3, BPF_REG_5, 0),			\
	BPF_MOV64_IMM(BPF_REG_0, 0),					\
	BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_2, 0),			\
	BPF_JMP_IMM(BPF_JNE, BPF_REG_1, stop, 1),			\
	BPF_MOV64_IMM(BPF_REG_0, 1),					\
	BPF_EXIT_INSN()

/* A map of type with keys 0..n-1 (u32), value key * 10 + 1 (u64). */
static int make_map(struct __test_metadata *_metadata, __u32 type, __u32 n,
		    __u32 max)
{
	bool percpu = type == BPF_MAP_TYPE_PERCPU_ARRAY ||
		      type == BPF_MAP_TYPE_PERCPU_HASH ||
		      type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	int ncpus = percpu ? nr_cpus() : 1;
	__u64 vals[256];
	__u32 key;
	int fd, c;

	ASSERT_LT(0, ncpus);
	ASSERT_GE(256, ncpus);
	fd = sys_map_create(type, 4, 8, max, 0);
	ASSERT_LE(0, fd) {
		TH_LOG("map_create: %s", errno_str(errno));
	}
	for (key = 0; key < n; key++) {
		/* CPU c sees (key * 10 + 1) << (4 * c) */
		for (c = 0; c < ncpus; c++)
			vals[c] = (__u64)(key * 10 + 1) << (4 * c);
		EXPECT_OK(sys_map_update(fd, &key, vals, BPF_ANY));
	}
	return fd;
}

static void for_each_sum(struct __test_metadata *_metadata, __u32 type)
{
	bool array = type == BPF_MAP_TYPE_ARRAY ||
		     type == BPF_MAP_TYPE_PERCPU_ARRAY;
	/* room to spare: Linux's LRU maps evict long before they are full */
	int fd = make_map(_metadata, type, 5, array ? 5 : 4096);

	ASSERT_OK(pin_cpu(0));
	{
		const struct bpf_insn insns[] = { FOR_EACH_PROG(fd, 0, 0, -1) };

		/* 5 elements, 1 + 11 + 21 + 31 + 41 (CPU 0's) */
		EXPECT_EQ(5 + (105 << 10), LOAD_RUN(insns));
	}
	close(fd);
}

TEST(for_each_array_sum)
{
	for_each_sum(_metadata, BPF_MAP_TYPE_ARRAY);
}

TEST(for_each_percpu_array_sum)
{
	for_each_sum(_metadata, BPF_MAP_TYPE_PERCPU_ARRAY);
}

TEST(for_each_hash_sum)
{
	for_each_sum(_metadata, BPF_MAP_TYPE_HASH);
}

TEST(for_each_percpu_hash_sum)
{
	for_each_sum(_metadata, BPF_MAP_TYPE_PERCPU_HASH);
}

TEST(for_each_lru_hash_sum)
{
	for_each_sum(_metadata, BPF_MAP_TYPE_LRU_HASH);
}

TEST(for_each_lru_percpu_hash_sum)
{
	for_each_sum(_metadata, BPF_MAP_TYPE_LRU_PERCPU_HASH);
}

/* An array's elements come in index order: stopping at key 2 is 3 calls. */
TEST(for_each_array_early_stop)
{
	int fd = make_map(_metadata, BPF_MAP_TYPE_ARRAY, 8, 8);
	const struct bpf_insn insns[] = { FOR_EACH_PROG(fd, 0, 0, 2) };

	/* 1 + 11 + 21 */
	EXPECT_EQ(3 + (33 << 10), LOAD_RUN(insns));
	close(fd);
}

/* A hash's order is its own: stopping at a key is stopping at its call. */
TEST(for_each_hash_early_stop)
{
	int fd = make_map(_metadata, BPF_MAP_TYPE_HASH, 6, 16);
	const struct bpf_insn insns[] = { FOR_EACH_PROG(fd, 0, 0, 4) };
	__u32 ret = LOAD_RUN(insns);
	__u32 calls = ret & 1023, sum = ret >> 10;

	/* 41 was the last value summed, after calls - 1 others */
	EXPECT_LE(1, calls);
	EXPECT_GE(6, calls);
	EXPECT_LE(41 + (calls - 1) * 1, sum);
	EXPECT_GE(41 + (calls - 1) * 51, sum);
	EXPECT_EQ(1, sum % 10 == (calls % 10)) {
		TH_LOG("sum %u of %u values ending in 1", sum, calls);
	}
	close(fd);
}

/* An array has max_entries elements, set or not. */
TEST(for_each_array_unset_elements)
{
	int fd = make_map(_metadata, BPF_MAP_TYPE_ARRAY, 2, 10);
	const struct bpf_insn insns[] = { FOR_EACH_PROG(fd, 0, 0, -1) };

	EXPECT_EQ(10 + (12 << 10), LOAD_RUN(insns));
	close(fd);
}

TEST(for_each_empty_hash)
{
	int fd = make_map(_metadata, BPF_MAP_TYPE_HASH, 0, 10);
	const struct bpf_insn insns[] = { FOR_EACH_PROG(fd, 0, 0, -1) };

	EXPECT_EQ(0, LOAD_RUN(insns));
	close(fd);
}

/* The callback's writes land in the map's values. */
TEST(for_each_writes_values)
{
	int fd = make_map(_metadata, BPF_MAP_TYPE_HASH, 4, 4);
	const struct bpf_insn insns[] = { FOR_EACH_PROG(fd, 0, 100, -1) };
	__u64 val;
	__u32 key;
	int fd2;

	__u32 retval;

	fd2 = load_cb(insns, ARRAY_SIZE(insns));
	ASSERT_LE(0, fd2) {
		TH_LOG("load failed: %s\n%s", errno_str(errno), log_buf);
	}
	ASSERT_OK(prog_run(fd2, 1, &retval));
	EXPECT_EQ(4 + (64 << 10), retval);
	ASSERT_OK(prog_run(fd2, 1, &retval));
	/* every value grew by 100 in the first run */
	EXPECT_EQ(4 + (464 << 10), retval);
	close(fd2);
	for (key = 0; key < 4; key++) {
		ASSERT_OK(sys_map_lookup(fd, &key, &val, 0));
		EXPECT_EQ(key * 10 + 1 + 200, val);
	}
	close(fd);
}

/* Deleting the element the callback is given goes on to the next one. */
TEST(for_each_deletes)
{
	int fd = make_map(_metadata, BPF_MAP_TYPE_HASH, 5, 8);
	const struct bpf_insn insns[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_LD_MAP_FD_N(BPF_REG_1, fd),
		BPF_LD_FUNC(BPF_REG_2, 6),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_for_each_map_elem),
		BPF_EXIT_INSN(),
		/* cb(map, key, value, ctx): return map_delete_elem(map, key) */
		BPF_EMIT_CALL(BPF_FUNC_map_delete_elem),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_EXIT_INSN(),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};
	__u32 key = 0, next;
	int prog;

	prog = load_cb(insns, ARRAY_SIZE(insns));
	ASSERT_LE(0, prog) {
		TH_LOG("load failed: %s\n%s", errno_str(errno), log_buf);
	}
	{
		__u32 retval;

		ASSERT_OK(prog_run(prog, 1, &retval));
		EXPECT_EQ(5, retval);
		ASSERT_OK(prog_run(prog, 1, &retval));
		EXPECT_EQ(0, retval);
	}
	EXPECT_ERRNO(ENOENT, sys_map_next_key(fd, &key, &next));
	close(prog);
	close(fd);
}

TEST(for_each_flags)
{
	int fd = make_map(_metadata, BPF_MAP_TYPE_ARRAY, 4, 4);
	const struct bpf_insn insns[] = { FOR_EACH_PROG(fd, 1, 0, -1) };

	EXPECT_EQ((__u32)-EINVAL, LOAD_RUN(insns));
	close(fd);
}

TEST(for_each_map_without_elements)
{
	int fd = sys_map_create(BPF_MAP_TYPE_QUEUE, 0, 8, 4, 0);

	ASSERT_LE(0, fd);
	{
		const struct bpf_insn insns[] = { FOR_EACH_PROG(fd, 0, 0, -1) };

		LOAD_FAILS(insns, ENOTSUPP, "callback function not allowed for map");
	}
	close(fd);
}

/* The key is the map's: the callback may not write it. */
TEST(for_each_key_read_only)
{
	int fd = make_map(_metadata, BPF_MAP_TYPE_HASH, 1, 4);
	const struct bpf_insn insns[] = {
		BPF_LD_MAP_FD_N(BPF_REG_1, fd),
		BPF_LD_FUNC(BPF_REG_2, 5),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_for_each_map_elem),
		BPF_EXIT_INSN(),
		BPF_ST_MEM(BPF_W, BPF_REG_2, 0, 1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	LOAD_FAILS(insns, EACCES, "write to change key R2 not allowed");
	close(fd);
}

/* The value is value_size bytes. */
TEST(for_each_value_bounds)
{
	int fd = make_map(_metadata, BPF_MAP_TYPE_ARRAY, 1, 4);
	const struct bpf_insn insns[] = {
		BPF_LD_MAP_FD_N(BPF_REG_1, fd),
		BPF_LD_FUNC(BPF_REG_2, 5),
		BPF_MOV64_IMM(BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(BPF_FUNC_for_each_map_elem),
		BPF_EXIT_INSN(),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_3, 8),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	LOAD_FAILS(insns, EACCES, "invalid access to map value, value_size=8 off=8 size=8");
	close(fd);
}

/* Linux 6.1 wants BTF func_info for a callback; xbpf takes it without. */
TEST(callback_without_func_info)
{
	const struct bpf_insn insns[] = { LOOP_PROG(3, 0, -1) };
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = ptr_to_u64(insns);
	attr.insn_cnt = ARRAY_SIZE(insns);
	attr.license = ptr_to_u64("GPL");
	attr.log_buf = ptr_to_u64(log_buf);
	attr.log_size = sizeof(log_buf);
	attr.log_level = 1;
	fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	if (running_under_xbpf()) {
		/* xbpf extension: without BTF every subprogram is static */
		ASSERT_LE(0, fd) {
			TH_LOG("%s\n%s", errno_str(errno), log_buf);
		}
		close(fd);
	} else {
		EXPECT_EQ(-1, fd);
		EXPECT_EQ(EINVAL, errno);
		EXPECT_NE(NULL, strstr(log_buf, "missing btf func_info"));
		if (fd >= 0)
			close(fd);
	}
}

TEST_HARNESS_MAIN
