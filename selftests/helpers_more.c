// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_snprintf() and the helpers around task stacks and perf counters:
 * what they write and return, and what the verifier refuses at load time
 * (errno and log line). Programs run through BPF_PROG_TEST_RUN on a raw
 * tracepoint, natively and through xbpf, so the kernel's own results are
 * the expectation of both runs.
 */
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>

#include <kselftest_harness.h>

#include "xbpf_test.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn){ c, d, s, o, i })
#define MOV64_IMM(d, i)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s)	INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i)	INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define STX_DW(d, s, o)	INSN(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define CALL(f)		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
/* two insns: dst = &value of the one-entry array map fd, plus off */
#define LD_MAP_VALUE(d, fd, off)					\
	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_VALUE, 0, fd),	\
	INSN(0, 0, 0, 0, off)

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

static int run_raw_tp(int fd, __u32 *retval)
{
	__u64 ctx[2] = { 0, 0 };
	union bpf_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.ctx_in = ptr_to_u64(ctx);
	attr.test.ctx_size_in = sizeof(ctx);
	err = sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr));
	*retval = attr.test.retval;
	return err;
}

/* A one-entry array holding value (size bytes); frozen read-only if asked. */
static int value_map(const void *value, __u32 size, int rdonly)
{
	__u32 key = 0;
	int map;

	map = sys_map_create(BPF_MAP_TYPE_ARRAY, 4, size, 1,
			     rdonly ? BPF_F_RDONLY_PROG : 0);
	if (map < 0)
		return map;
	if (sys_map_update(map, &key, value, 0) ||
	    (rdonly && sys_map_freeze(map))) {
		close(map);
		return -1;
	}
	return map;
}

#define FMT_SIZE	64
#define OUT_SIZE	128
#define ARGS_SIZE	128	/* room past Linux's 12 arguments */

/*
 * Memory in the kernel for the pointer conversions (%pks, %pI4, %pI6),
 * at these offsets of a map value whose address the program stores into
 * the argument slots marked KDATA(off).
 */
#define KDATA_STR	0	/* "kernel-str" */
#define KDATA_IP4	16	/* 127.0.0.1 */
#define KDATA_IP6	32	/* 2001:db8::1 */
#define KDATA_MARK	0x6b646174ull
#define KDATA(off)	((KDATA_MARK << 32) | (off))

static const unsigned char kdata[64] = {
	'k', 'e', 'r', 'n', 'e', 'l', '-', 's', 't', 'r', 0, 0, 0, 0, 0, 0,
	127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
};

static const char user_str[] = "user-str";

struct snprintf_case {
	const char *fmt;
	__u64 args[13];
	__u32 data_len;		/* bytes of args passed */
	__u32 out_size;
	int null_data;		/* pass NULL data (with data_len) */
	int null_out;		/* pass NULL, 0 as the output buffer */
	/* load-time refusal */
	int load_err;
	const char *msg;
	/* or the run's output and result (0: strlen(out) + 1) */
	const char *out;
	int ret;
	__u32 out_len;		/* compare this many raw bytes, not a string */
};

static void emit_ld_map_value(struct bpf_insn *prog, int *n, int reg, int fd,
			      int off)
{
	struct bpf_insn ld[] = { LD_MAP_VALUE(reg, fd, off) };

	prog[(*n)++] = ld[0];
	prog[(*n)++] = ld[1];
}

/*
 * Load and run one bpf_snprintf() call: out gets the map's output bytes,
 * *ret the return value. Returns the load's fd result (< 0: refused).
 */
static int snprintf_run(struct __test_metadata *_metadata,
			const struct snprintf_case *c, char *out, int *ret)
{
	struct bpf_insn prog[64];
	char fmt[FMT_SIZE] = { 0 }, init[OUT_SIZE];
	__u64 args[ARGS_SIZE / 8] = { 0 };
	int fmt_map, args_map, out_map, kdata_map, fd, n = 0;
	__u32 key = 0, retval, i;

	strncpy(fmt, c->fmt, sizeof(fmt) - 1);
	memcpy(args, c->args, sizeof(c->args));
	memset(init, 0x55, sizeof(init));
	fmt_map = value_map(fmt, sizeof(fmt), 1);
	args_map = value_map(args, sizeof(args), 0);
	out_map = value_map(init, sizeof(init), 0);
	kdata_map = value_map(kdata, sizeof(kdata), 0);
	if (fmt_map < 0 || args_map < 0 || out_map < 0 || kdata_map < 0) {
		TH_LOG("maps: %s", errno_str(errno));
		return -2;
	}

	emit_ld_map_value(prog, &n, 6, args_map, 0);
	emit_ld_map_value(prog, &n, 7, kdata_map, 0);
	for (i = 0; i < ARRAY_SIZE(c->args); i++) {
		if (c->args[i] >> 32 != KDATA_MARK)
			continue;
		prog[n++] = MOV64_REG(2, 7);
		prog[n++] = ADD64_IMM(2, (__u32)c->args[i]);
		prog[n++] = STX_DW(6, 2, i * 8);
	}
	if (c->null_out) {
		prog[n++] = MOV64_IMM(1, 0);
		prog[n++] = MOV64_IMM(2, 0);
	} else {
		emit_ld_map_value(prog, &n, 1, out_map, 0);
		prog[n++] = MOV64_IMM(2, c->out_size);
	}
	emit_ld_map_value(prog, &n, 3, fmt_map, 0);
	if (c->null_data)
		prog[n++] = MOV64_IMM(4, 0);
	else
		prog[n++] = MOV64_REG(4, 6);
	prog[n++] = MOV64_IMM(5, c->data_len);
	prog[n++] = CALL(BPF_FUNC_snprintf);
	prog[n++] = EXIT;

	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, n, "GPL");
	if (fd >= 0) {
		if (run_raw_tp(fd, &retval)) {
			TH_LOG("test run: %s", errno_str(errno));
			close(fd);
			fd = -2;
		} else {
			*ret = (int)retval;
			if (sys_map_lookup(out_map, &key, out, 0))
				fd = -2;
		}
	}
	close(fmt_map);
	close(args_map);
	close(out_map);
	close(kdata_map);
	return fd;
}

#define U(p)	((__u64)(uintptr_t)(p))

static const struct snprintf_case snprintf_cases[] = {
	/* integers, with sizes, flags and widths */
	{ .fmt = "%d %i %u", .args = { -5, 7, 0xffffffff }, .data_len = 24,
	  .out_size = OUT_SIZE, .out = "-5 7 4294967295" },
	{ .fmt = "%ld %lld %lu %llx %lX",
	  .args = { -1, 1ull << 40, ~0ull, 0xabcdef0123ull, 0xabcdef0123ull },
	  .data_len = 40, .out_size = OUT_SIZE,
	  .out = "-1 1099511627776 18446744073709551615 abcdef0123 ABCDEF0123" },
	{ .fmt = "[%08x|%-5d|%+d|% d|%5u]", .args = { 0xbeef, 42, 3, 4, 9 },
	  .data_len = 40, .out_size = OUT_SIZE,
	  .out = "[0000beef|42   |+3| 4|    9]" },
	/* a 32-bit conversion takes the low half of its u64 */
	{ .fmt = "%d %x", .args = { 0x100000002ull, 0x1234567890ull },
	  .data_len = 16, .out_size = OUT_SIZE,
	  .out = "2 34567890" },
	{ .fmt = "%c%c%c", .args = { 'a', 'b', 'c' }, .data_len = 24,
	  .out_size = OUT_SIZE, .out = "abc" },
	{ .fmt = "100%% done", .data_len = 0, .null_data = 1,
	  .out_size = OUT_SIZE, .out = "100% done" },
	/* UTF-8 text passes */
	{ .fmt = "\xc3\xa9t\xc3\xa9 %d", .args = { 1 }, .data_len = 8,
	  .out_size = OUT_SIZE, .out = "\xc3\xa9t\xc3\xa9 1" },
	/* strings: user, kernel, and unreadable ones print empty */
	{ .fmt = "<%s> <%pus>", .args = { U(user_str), U(user_str) },
	  .data_len = 16, .out_size = OUT_SIZE,
	  .out = "<user-str> <user-str>" },
	{ .fmt = "<%s> <%pks>", .args = { KDATA(KDATA_STR), KDATA(KDATA_STR) },
	  .data_len = 16, .out_size = OUT_SIZE,
	  .out = "<kernel-str> <kernel-str>" },
	{ .fmt = "<%s><%pks><%pus><%8s>",
	  .args = { 8, 0x8000000000000000ull, 16, 24 },
	  .data_len = 32, .out_size = OUT_SIZE,
	  .out = "<><><><        >" },
	/* pointers */
	{ .fmt = "%px %ps %pS", .args = { 0x1234, 0x1234, 0x1234 },
	  .data_len = 24, .out_size = OUT_SIZE,
	  .out = "0000000000001234 0x1234 0x1234" },
	{ .fmt = "%pI4 %pi4", .args = { KDATA(KDATA_IP4), KDATA(KDATA_IP4) },
	  .data_len = 16, .out_size = OUT_SIZE,
	  .out = "127.0.0.1 127.000.000.001" },
	{ .fmt = "%pI6 %pi6", .args = { KDATA(KDATA_IP6), KDATA(KDATA_IP6) },
	  .data_len = 16, .out_size = OUT_SIZE,
	  .out = "2001:0db8:0000:0000:0000:0000:0000:0001 "
		 "20010db8000000000000000000000001" },
	/* an unreadable address prints as zeros */
	{ .fmt = "%pI4", .args = { 0x8000000000000000ull }, .data_len = 8,
	  .out_size = OUT_SIZE, .out = "0.0.0.0" },
	/* more data than conversions is fine; the size counts the NUL */
	{ .fmt = "%d", .args = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 },
	  .data_len = 96, .out_size = OUT_SIZE, .out = "1" },
	/* cut short: the full size is returned, the output ends in NUL */
	{ .fmt = "hello %s", .args = { U(user_str) }, .data_len = 8,
	  .out_size = 5, .ret = 15, .out = "hell\0\x55\x55",
	  .out_len = 7 },
	{ .fmt = "hello %d", .args = { 12345 }, .data_len = 8, .null_out = 1,
	  .ret = 12, .out = "\x55\x55\x55", .out_len = 3 },
	{ .fmt = "no conversions", .data_len = 0, .null_data = 1,
	  .out_size = 1, .ret = 15, .out = "\0\x55", .out_len = 2 },
	/* run-time refusals: data past 12 arguments */
	{ .fmt = "%d", .args = { 1 }, .data_len = 104, .out_size = OUT_SIZE,
	  .ret = -EINVAL, .out = "\x55\x55", .out_len = 2 },
	/* load-time refusals */
	{ .fmt = "%d", .args = { 1 }, .data_len = 12, .out_size = OUT_SIZE,
	  .load_err = EINVAL, .msg = "" },
	{ .fmt = "%d %d", .args = { 1 }, .data_len = 8, .out_size = OUT_SIZE,
	  .load_err = EINVAL, .msg = "Invalid format string\n" },
	{ .fmt = "%d", .data_len = 0, .null_data = 1, .out_size = OUT_SIZE,
	  .load_err = EINVAL, .msg = "Invalid format string\n" },
	{ .fmt = "%z", .args = { 1 }, .data_len = 8, .out_size = OUT_SIZE,
	  .load_err = EINVAL, .msg = "Invalid format string\n" },
	{ .fmt = "%5.2d", .args = { 1 }, .data_len = 8, .out_size = OUT_SIZE,
	  .load_err = EINVAL, .msg = "Invalid format string\n" },
	{ .fmt = "%sx", .args = { 1 }, .data_len = 8, .out_size = OUT_SIZE,
	  .load_err = EINVAL, .msg = "Invalid format string\n" },
	{ .fmt = "%pX", .args = { 1 }, .data_len = 8, .out_size = OUT_SIZE,
	  .load_err = EINVAL, .msg = "Invalid format string\n" },
	{ .fmt = "%pI5", .args = { 1 }, .data_len = 8, .out_size = OUT_SIZE,
	  .load_err = EINVAL, .msg = "Invalid format string\n" },
	{ .fmt = "%lllx", .args = { 1 }, .data_len = 8, .out_size = OUT_SIZE,
	  .load_err = EINVAL, .msg = "Invalid format string\n" },
	{ .fmt = "bell\a", .data_len = 0, .null_data = 1,
	  .out_size = OUT_SIZE, .load_err = EINVAL,
	  .msg = "Invalid format string\n" },
	{ .fmt = "%\xc3\xa9", .args = { 1 }, .data_len = 8,
	  .out_size = OUT_SIZE, .load_err = EINVAL,
	  .msg = "Invalid format string\n" },
	/* the output buffer must fit the size */
	{ .fmt = "x", .data_len = 0, .null_data = 1, .out_size = OUT_SIZE + 1,
	  .load_err = EACCES,
	  .msg = "invalid access to map value, value_size=128 off=0 size=129\n" },
};

TEST(snprintf_conversions)
{
	char out[OUT_SIZE];
	size_t i;
	int fd, ret;

	for (i = 0; i < ARRAY_SIZE(snprintf_cases); i++) {
		const struct snprintf_case *c = &snprintf_cases[i];

		ret = 0;
		memset(out, 0, sizeof(out));
		fd = snprintf_run(_metadata, c, out, &ret);
		ASSERT_NE(-2, fd) TH_LOG("case %zu \"%s\"", i, c->fmt);
		if (c->load_err) {
			EXPECT_EQ(-1, fd) TH_LOG("case %zu \"%s\" loaded", i,
						 c->fmt);
			EXPECT_EQ(c->load_err, errno)
				TH_LOG("case %zu \"%s\": %s\n%s", i, c->fmt,
				       errno_str(errno), log_buf);
			EXPECT_NE(NULL, strstr(log_buf, c->msg))
				TH_LOG("case %zu \"%s\":\n%s", i, c->fmt,
				       log_buf);
			if (fd >= 0)
				close(fd);
			continue;
		}
		ASSERT_LE(3, fd) TH_LOG("case %zu \"%s\": %s\n%s", i, c->fmt,
					errno_str(errno), log_buf);
		close(fd);
		EXPECT_EQ(c->ret ?: (int)strlen(c->out) + 1, ret)
			TH_LOG("case %zu \"%s\"", i, c->fmt);
		if (!c->out_len) {
			EXPECT_STREQ(c->out, out);
			/* the NUL, then what was there before */
			EXPECT_EQ(0x55, (unsigned char)out[strlen(c->out) + 1]);
			continue;
		}
		/* cut short or not written: the raw bytes */
		EXPECT_EQ(0, memcmp(c->out, out, c->out_len))
			TH_LOG("case %zu \"%s\": got \"%.*s\"", i, c->fmt,
			       (int)c->out_len, out);
	}
}

/* The format must be a NUL-terminated string in a frozen read-only map. */
TEST(snprintf_format_map)
{
	char fmt[16] = "abc %d";
	__u64 args[2] = { 7, 0 };
	int fmt_map, args_map, fd;
	struct bpf_insn prog[] = {
		LD_MAP_VALUE(4, 0, 0),
		MOV64_REG(1, 10),
		ADD64_IMM(1, -16),
		MOV64_IMM(2, 0),
		STX_DW(1, 2, 0),
		STX_DW(1, 2, 8),
		MOV64_IMM(2, 16),
		LD_MAP_VALUE(3, 0, 0),
		MOV64_IMM(5, 8),
		CALL(BPF_FUNC_snprintf),
		EXIT,
	};

	args_map = value_map(args, sizeof(args), 0);
	ASSERT_LE(3, args_map);
	prog[0].imm = args_map;

	/* writable: refused */
	fmt_map = value_map(fmt, sizeof(fmt), 0);
	ASSERT_LE(3, fmt_map);
	prog[8].imm = fmt_map;
	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL");
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EACCES, errno);
	EXPECT_NE(NULL, strstr(log_buf, "R3 does not point to a readonly map'\n"))
		TH_LOG("%s", log_buf);
	close(fmt_map);

	/* no NUL in the value */
	memset(fmt, 'a', sizeof(fmt));
	fmt_map = value_map(fmt, sizeof(fmt), 1);
	ASSERT_LE(3, fmt_map);
	prog[8].imm = fmt_map;
	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL");
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NE(NULL, strstr(log_buf, "string is not zero-terminated\n"))
		TH_LOG("%s", log_buf);
	close(fmt_map);

	/* at an offset into the value, into a stack buffer */
	memset(fmt, 0, sizeof(fmt));
	strcpy(fmt, "%d|xy %d");
	fmt_map = value_map(fmt, sizeof(fmt), 1);
	ASSERT_LE(3, fmt_map);
	prog[8].imm = fmt_map;
	prog[9].imm = 3;
	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL");
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	{
		__u32 retval;

		ASSERT_EQ(0, run_raw_tp(fd, &retval));
		EXPECT_EQ(5, (int)retval);
	}
	close(fd);

	/* on the stack, not in a map */
	{
		struct bpf_insn stack_fmt[] = {
			LD_MAP_VALUE(4, args_map, 0),
			MOV64_REG(1, 10),
			ADD64_IMM(1, -16),
			MOV64_IMM(2, 0),
			STX_DW(1, 2, 0),
			STX_DW(1, 2, 8),
			MOV64_IMM(2, 16),
			MOV64_REG(3, 1),
			MOV64_IMM(5, 8),
			CALL(BPF_FUNC_snprintf),
			EXIT,
		};

		fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, stack_fmt,
			  ARRAY_SIZE(stack_fmt), "GPL");
		EXPECT_EQ(-1, fd);
		EXPECT_EQ(EACCES, errno);
		EXPECT_NE(NULL, strstr(log_buf, "R3 type=fp expected=map_value\n"))
			TH_LOG("%s", log_buf);
	}

	/* GPL only */
	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog),
		  "Proprietary");
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NE(NULL, strstr(log_buf, "cannot call GPL-restricted function from non-GPL compatible program\n"))
		TH_LOG("%s", log_buf);
	close(fmt_map);
	close(args_map);
}

/* [start, end) of kernel function name, from /proc/kallsyms. */
static int ksym_range(const char *name, __u64 *start, __u64 *end)
{
	char line[256], sym[128], t;
	unsigned long long addr;
	int found = 0;
	FILE *f;

	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %127s", &addr, &t, sym) != 3)
			continue;
		if (found) {
			if (addr > *start) {
				*end = addr;
				break;
			}
			continue;
		}
		if ((t == 't' || t == 'T') && !strcmp(sym, name) && addr) {
			*start = addr;
			found = 1;
		}
	}
	fclose(f);
	return found && *end > *start ? 0 : -1;
}

#define STACK_BUF	512

/*
 * bpf_get_task_stack(bpf_get_current_task_btf(), buf, size, flags) into a
 * map value; returns the load's fd (the result in *ret, buf in stack).
 */
static int task_stack_run(__u32 size, __u64 flags, int *ret, __u64 *stack)
{
	__u64 init[STACK_BUF / 8];
	int map, fd, n = 0;
	__u32 key = 0, retval;
	struct bpf_insn prog[16];

	memset(init, 0x55, sizeof(init));
	map = value_map(init, sizeof(init), 0);
	if (map < 0)
		return -2;
	prog[n++] = CALL(BPF_FUNC_get_current_task_btf);
	prog[n++] = MOV64_REG(1, 0);
	emit_ld_map_value(prog, &n, 2, map, 0);
	prog[n++] = MOV64_IMM(3, size);
	prog[n++] = MOV64_IMM(4, flags);
	prog[n++] = CALL(BPF_FUNC_get_task_stack);
	prog[n++] = EXIT;
	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, n, "GPL");
	if (fd >= 0) {
		if (run_raw_tp(fd, &retval) ||
		    sys_map_lookup(map, &key, stack, 0)) {
			close(fd);
			fd = -2;
		}
		*ret = (int)retval;
	}
	close(map);
	return fd;
}

/* The current task's stack: the syscall that ran the program is in it. */
TEST(task_stack_current)
{
	__u64 stack[STACK_BUF / 8], start = 0, end = 0;
	int fd, ret, i, nr, found = 0;

	fd = task_stack_run(STACK_BUF, 0, &ret, stack);
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	close(fd);
	ASSERT_LT(0, ret);
	ASSERT_EQ(0, ret % 8);
	ASSERT_GE(STACK_BUF, ret);
	nr = ret / 8;
	ASSERT_EQ(0, ksym_range("do_syscall_64", &start, &end));
	for (i = 0; i < nr; i++) {
		EXPECT_LE(0xffff800000000000ull, stack[i]) TH_LOG("ip %d", i);
		if (stack[i] >= start && stack[i] < end)
			found++;
	}
	EXPECT_EQ(1, found) TH_LOG("do_syscall_64 [%llx, %llx) in %d frames",
				   (unsigned long long)start,
				   (unsigned long long)end, nr);
	/* past the frames, the buffer is cleared */
	for (i = nr; i < STACK_BUF / 8; i++)
		EXPECT_EQ(0, stack[i]);

	/* a size not a multiple of 8: -EINVAL, cleared */
	fd = task_stack_run(12, 0, &ret, stack);
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	close(fd);
	EXPECT_EQ(-EINVAL, ret);
	EXPECT_EQ(0, stack[0]);
	EXPECT_EQ(0, (__u32)stack[1]);
	EXPECT_EQ(0x55555555, stack[1] >> 32);
	/* unknown flags: -EINVAL, cleared */
	fd = task_stack_run(16, 1ull << 20, &ret, stack);
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	close(fd);
	EXPECT_EQ(-EINVAL, ret);
	EXPECT_EQ(0, stack[0]);
	EXPECT_EQ(0, stack[1]);
	EXPECT_EQ(0x5555555555555555ull, stack[2]);
	/* a 0 size: nothing to fill */
	fd = task_stack_run(0, 0, &ret, stack);
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	close(fd);
	EXPECT_EQ(0x5555555555555555ull, stack[0]);
}

/* The task argument takes a task_struct from a helper, nothing else. */
TEST(task_stack_arg_types)
{
	static const struct {
		struct bpf_insn r1[2];
		const char *msg;
	} cases[] = {
		{ { MOV64_IMM(1, 0), MOV64_IMM(0, 0) },
		  "R1 type=scalar expected=ptr_\n" },
		{ { MOV64_IMM(0, 0), MOV64_IMM(0, 0) },
		  "R1 type=ctx expected=ptr_\n" },
		{ { CALL(BPF_FUNC_task_pt_regs), MOV64_REG(1, 0) },
		  "R1 is of type pt_regs but task_struct is expected\n" },
	};
	__u64 zero[2] = { 0, 0 };
	struct bpf_insn prog[16];
	size_t i;
	int map, fd, n;

	map = value_map(zero, sizeof(zero), 0);
	ASSERT_LE(3, map);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = 0;
		prog[n++] = CALL(BPF_FUNC_get_current_task_btf);
		prog[n++] = MOV64_REG(1, 0);
		prog[n++] = cases[i].r1[0];
		prog[n++] = cases[i].r1[1];
		if (i == 1)
			n -= 4;		/* R1 stays the context */
		emit_ld_map_value(prog, &n, 2, map, 0);
		prog[n++] = MOV64_IMM(3, 16);
		prog[n++] = MOV64_IMM(4, 0);
		prog[n++] = CALL(BPF_FUNC_get_task_stack);
		prog[n++] = EXIT;
		fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, n, "GPL");
		EXPECT_EQ(-1, fd) TH_LOG("case %zu loaded", i);
		EXPECT_EQ(EACCES, errno) TH_LOG("case %zu: %s\n%s", i,
						errno_str(errno), log_buf);
		EXPECT_NE(NULL, strstr(log_buf, cases[i].msg))
			TH_LOG("case %zu:\n%s", i, log_buf);
		if (fd >= 0)
			close(fd);
	}
	close(map);
}

/*
 * A task pointer survives a spill to the stack and back, and the
 * verifier's state names its type.
 */
TEST(task_pointer_spill_and_log)
{
	__u64 zero[2] = { 0, 0 };
	int map, fd;
	struct bpf_insn prog[] = {
		CALL(BPF_FUNC_get_current_task_btf),
		STX_DW(10, 0, -8),
		INSN(BPF_LDX | BPF_MEM | BPF_DW, 1, 10, -8, 0),
		LD_MAP_VALUE(2, 0, 0),
		MOV64_IMM(3, 16),
		MOV64_IMM(4, 0),
		CALL(BPF_FUNC_get_task_stack),
		EXIT,
	};
	union bpf_attr attr;

	map = value_map(zero, sizeof(zero), 0);
	ASSERT_LE(3, map);
	prog[3].imm = map;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	attr.insns = ptr_to_u64(prog);
	attr.insn_cnt = ARRAY_SIZE(prog);
	attr.license = ptr_to_u64("GPL");
	attr.log_buf = ptr_to_u64(log_buf);
	attr.log_size = sizeof(log_buf);
	attr.log_level = 2;
	log_buf[0] = '\0';
	fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	EXPECT_NE(NULL, strstr(log_buf, "R0_w=ptr_task_struct(off=0,imm=0)"))
		TH_LOG("%s", log_buf);
	EXPECT_NE(NULL, strstr(log_buf, "R1_w=ptr_task_struct(off=0,imm=0)"))
		TH_LOG("%s", log_buf);
	close(fd);
	close(map);
}

/* bpf_task_pt_regs(): a pointer the program may test but not write. */
TEST(task_pt_regs)
{
	struct bpf_insn prog[] = {
		CALL(BPF_FUNC_get_current_task_btf),
		MOV64_REG(1, 0),
		CALL(BPF_FUNC_task_pt_regs),
		MOV64_REG(1, 0),
		MOV64_IMM(0, 1),
		INSN(BPF_JMP | BPF_JNE | BPF_K, 1, 0, 1, 0),
		MOV64_IMM(0, 0),
		EXIT,
	};
	struct bpf_insn store[] = {
		CALL(BPF_FUNC_get_current_task_btf),
		MOV64_REG(1, 0),
		CALL(BPF_FUNC_task_pt_regs),
		INSN(BPF_ST | BPF_MEM | BPF_DW, 0, 0, 0, 0),
		MOV64_IMM(0, 0),
		EXIT,
	};
	__u32 retval;
	int fd;

	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL");
	ASSERT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	ASSERT_EQ(0, run_raw_tp(fd, &retval));
	EXPECT_EQ(1, retval);
	close(fd);

	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog),
		  "Proprietary");
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EINVAL, errno);

	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, store, ARRAY_SIZE(store),
		  "GPL");
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EACCES, errno);
	EXPECT_NE(NULL, strstr(log_buf, "only read is supported\n"))
		TH_LOG("%s", log_buf);
}

/*
 * Reading a task's fields through the typed pointer takes the kernel's
 * BTF, which Linux has and xbpf does not: xbpf refuses with ENOTSUPP.
 */
TEST(task_btf_read)
{
	struct bpf_insn prog[] = {
		CALL(BPF_FUNC_get_current_task_btf),
		INSN(BPF_LDX | BPF_MEM | BPF_W, 0, 0, 0, 0),
		EXIT,
	};
	int fd;

	fd = load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog), "GPL");
	if (!running_under_xbpf()) {
		EXPECT_LE(3, fd) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	} else {
		EXPECT_EQ(-1, fd);
		EXPECT_EQ(ENOTSUPP, errno);
		EXPECT_NE(NULL, strstr(log_buf, "xbpf: reading through a ptr_task_struct pointer needs BTF; not supported\n"))
			TH_LOG("%s", log_buf);
	}
	if (fd >= 0)
		close(fd);
}

static int perf_open(__u32 config, __u64 period, int inherit, int pid)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = config;
	attr.sample_period = period;
	attr.inherit = inherit;
	attr.disabled = !!period;
	return syscall(__NR_perf_event_open, &attr, pid, -1, -1,
		       PERF_FLAG_FD_CLOEXEC);
}

static void spin_ms(long ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec - t0.tv_nsec <
	       ms * 1000000L);
}

#define LD_MAP_FD(d, fd)						\
	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd),	\
	INSN(0, 0, 0, 0, 0)

/* what the read program leaves: bpf_perf_event_value, then the count */
struct perf_read_out {
	__u64 counter, enabled, running;
	__u64 count;
};

/*
 * bpf_perf_event_read_value(array, flags, out, size), then
 * bpf_perf_event_read(array, flags) into out->count; returns the first.
 */
static int perf_read_prog(int array, int out, __u64 flags, __u32 size)
{
	struct bpf_insn prog[] = {
		LD_MAP_VALUE(6, out, 0),
		LD_MAP_FD(1, array),
		INSN(BPF_LD | BPF_DW | BPF_IMM, 2, 0, 0, (__u32)flags),
		INSN(0, 0, 0, 0, flags >> 32),
		MOV64_REG(3, 6),
		MOV64_IMM(4, size),
		CALL(BPF_FUNC_perf_event_read_value),
		MOV64_REG(7, 0),
		LD_MAP_FD(1, array),
		INSN(BPF_LD | BPF_DW | BPF_IMM, 2, 0, 0, (__u32)flags),
		INSN(0, 0, 0, 0, flags >> 32),
		CALL(BPF_FUNC_perf_event_read),
		STX_DW(6, 0, 24),
		MOV64_REG(0, 7),
		EXIT,
	};

	return load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog, ARRAY_SIZE(prog),
		    "GPL");
}

static int perf_read_run(int prog, int out, struct perf_read_out *o)
{
	struct perf_read_out init;
	__u32 key = 0, retval;

	memset(&init, 0x55, sizeof(init));
	if (sys_map_update(out, &key, &init, 0) || run_raw_tp(prog, &retval) ||
	    sys_map_lookup(out, &key, o, 0))
		return -1000;
	return (int)retval;
}

/* A counting task-clock counter of this task, read from a program. */
TEST(perf_event_read_counter)
{
	struct perf_read_out o1, o2, o;
	__u32 key = 0, fd32;
	int array, out, ev, prog, devnull;

	ASSERT_FD(array, sys_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4,
					4, 0));
	memset(&o, 0, sizeof(o));
	ASSERT_FD(out, value_map(&o, sizeof(o), 0));
	ASSERT_FD(ev, perf_open(PERF_COUNT_SW_TASK_CLOCK, 0, 0, 0));
	fd32 = ev;
	ASSERT_OK(sys_map_update(array, &key, &fd32, 0));

	ASSERT_FD(prog, perf_read_prog(array, out, 0, sizeof(o1) - 8));
	ASSERT_EQ(0, perf_read_run(prog, out, &o1));
	spin_ms(20);
	ASSERT_EQ(0, perf_read_run(prog, out, &o2));
	close(prog);
	/* task-clock counts ns while this task runs: it only grows */
	EXPECT_LT(0, o1.counter);
	EXPECT_LE(o1.counter, o1.count);
	EXPECT_LT(o1.count, o2.counter);
	EXPECT_LE(o2.counter, o2.count);
	EXPECT_LT(o2.counter - o1.counter, 1000000000ull);
	EXPECT_LE(10000000ull, o2.counter - o1.counter);
	EXPECT_LT(o1.enabled, o2.enabled);
	EXPECT_LT(0, o1.running);
	EXPECT_LE(o1.running, o1.enabled);
	EXPECT_LE(o2.running, o2.enabled);

	/* an empty slot, past the end, unknown flags, a wrong size */
	ASSERT_FD(prog, perf_read_prog(array, out, 1, sizeof(o1) - 8));
	EXPECT_EQ(-ENOENT, perf_read_run(prog, out, &o));
	EXPECT_EQ(0, o.counter);
	EXPECT_EQ(0, o.running);
	EXPECT_EQ((__u64)-ENOENT, o.count);
	close(prog);
	ASSERT_FD(prog, perf_read_prog(array, out, 4, sizeof(o1) - 8));
	EXPECT_EQ(-E2BIG, perf_read_run(prog, out, &o));
	EXPECT_EQ((__u64)-E2BIG, o.count);
	close(prog);
	ASSERT_FD(prog, perf_read_prog(array, out, 1ull << 40,
				       sizeof(o1) - 8));
	EXPECT_EQ(-EINVAL, perf_read_run(prog, out, &o));
	EXPECT_EQ((__u64)-EINVAL, o.count);
	close(prog);
	ASSERT_FD(prog, perf_read_prog(array, out, 0, 16));
	EXPECT_EQ(-EINVAL, perf_read_run(prog, out, &o));
	EXPECT_EQ(0, o.counter);
	EXPECT_EQ(0, o.enabled);
	EXPECT_EQ(0x5555555555555555ull, o.running);
	EXPECT_LE(o2.count, o.count);
	close(prog);

	/* what the array refuses: inheriting counters, other files */
	close(ev);
	ASSERT_FD(ev, perf_open(PERF_COUNT_SW_TASK_CLOCK, 0, 1, 0));
	fd32 = ev;
	EXPECT_ERRNO(EOPNOTSUPP, sys_map_update(array, &key, &fd32, 0));
	close(ev);
	ASSERT_FD(devnull, open("/dev/null", O_RDONLY));
	fd32 = devnull;
	EXPECT_ERRNO(EBADF, sys_map_update(array, &key, &fd32, 0));
	close(devnull);
	close(array);
	close(out);
}

/*
 * Per-CPU counters, one per slot: BPF_F_CURRENT_CPU reads the one of the
 * CPU the program runs on; another CPU's answers -EINVAL.
 */
TEST(perf_event_read_cpu_counters)
{
	struct perf_event_attr attr;
	struct perf_read_out o;
	int array, out, prog, ncpu, i, ev[64];
	__u32 key, fd32;
	cpu_set_t set;

	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	ASSERT_LT(0, ncpu);
	if (ncpu > 64)
		ncpu = 64;
	ASSERT_FD(array, sys_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4,
					ncpu, 0));
	memset(&o, 0, sizeof(o));
	ASSERT_FD(out, value_map(&o, sizeof(o), 0));
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	for (i = 0; i < ncpu; i++) {
		ev[i] = syscall(__NR_perf_event_open, &attr, -1, i, -1,
				PERF_FLAG_FD_CLOEXEC);
		ASSERT_LE(0, ev[i]) TH_LOG("cpu %d: %s", i, errno_str(errno));
		key = i;
		fd32 = ev[i];
		ASSERT_OK(sys_map_update(array, &key, &fd32, 0));
	}
	spin_ms(10);
	ASSERT_FD(prog, perf_read_prog(array, out, BPF_F_CURRENT_CPU,
				       sizeof(o) - 8));
	EXPECT_EQ(0, perf_read_run(prog, out, &o));
	EXPECT_LT(0, o.counter);
	EXPECT_LE(o.counter, o.count);
	EXPECT_LT(0, o.running);
	close(prog);

	/* pinned to CPU 0, the counter of CPU 1 is another CPU's */
	if (ncpu > 1) {
		CPU_ZERO(&set);
		CPU_SET(0, &set);
		ASSERT_OK(sched_setaffinity(0, sizeof(set), &set));
		ASSERT_FD(prog, perf_read_prog(array, out, 1, sizeof(o) - 8));
		EXPECT_EQ(-EINVAL, perf_read_run(prog, out, &o));
		EXPECT_EQ((__u64)-EINVAL, o.count);
		close(prog);
		ASSERT_FD(prog, perf_read_prog(array, out, 0, sizeof(o) - 8));
		EXPECT_EQ(0, perf_read_run(prog, out, &o));
		close(prog);
	}
	for (i = 0; i < ncpu; i++)
		close(ev[i]);
	close(array);
	close(out);
}

/* A sampling counter (what PERF_EVENT programs attach to) reads too. */
TEST(perf_event_read_sampling_counter)
{
	struct perf_read_out o;
	__u32 key = 0, fd32;
	int array, out, ev, prog;

	ASSERT_FD(array, sys_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4,
					1, 0));
	memset(&o, 0, sizeof(o));
	ASSERT_FD(out, value_map(&o, sizeof(o), 0));
	/* a period it never reaches */
	ASSERT_FD(ev, perf_open(PERF_COUNT_SW_TASK_CLOCK, 1ull << 40, 0, 0));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_ENABLE, 0));
	fd32 = ev;
	ASSERT_OK(sys_map_update(array, &key, &fd32, 0));
	spin_ms(10);
	ASSERT_FD(prog, perf_read_prog(array, out, 0, sizeof(o) - 8));
	EXPECT_EQ(0, perf_read_run(prog, out, &o));
	/* at least half the 10 ms spun: time in interrupts is not the task's */
	EXPECT_LE(5000000ull, o.counter);
	EXPECT_LE(o.counter, o.count);
	EXPECT_LT(0, o.running);
	close(prog);
	close(ev);
	close(array);
	close(out);
}

/* Another task's counter cannot be read from this one: -EINVAL. */
TEST(perf_event_read_other_task)
{
	struct perf_read_out o;
	__u32 key = 0, fd32;
	int array, out, ev, prog;
	pid_t child;

	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		pause();
		_exit(0);
	}
	ASSERT_FD(array, sys_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4,
					1, 0));
	memset(&o, 0, sizeof(o));
	ASSERT_FD(out, value_map(&o, sizeof(o), 0));
	ASSERT_FD(ev, perf_open(PERF_COUNT_SW_TASK_CLOCK, 0, 0, child));
	fd32 = ev;
	ASSERT_OK(sys_map_update(array, &key, &fd32, 0));
	ASSERT_FD(prog, perf_read_prog(array, out, 0, sizeof(o) - 8));
	EXPECT_EQ(-EINVAL, perf_read_run(prog, out, &o));
	EXPECT_EQ((__u64)-EINVAL, o.count);
	close(prog);
	close(ev);
	close(array);
	close(out);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

/* bpf_perf_event_output() into a counter: -EINVAL. */
TEST(perf_event_output_to_counter)
{
	__u32 key = 0, fd32, retval;
	int array, ev, prog;
	struct bpf_insn insns[] = {
		INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, 7),
		LD_MAP_FD(2, 0),
		MOV64_IMM(3, 0),
		MOV64_REG(4, 10),
		ADD64_IMM(4, -8),
		MOV64_IMM(5, 8),
		CALL(BPF_FUNC_perf_event_output),
		EXIT,
	};

	ASSERT_FD(array, sys_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4,
					1, 0));
	ASSERT_FD(ev, perf_open(PERF_COUNT_SW_TASK_CLOCK, 0, 0, 0));
	fd32 = ev;
	ASSERT_OK(sys_map_update(array, &key, &fd32, 0));
	insns[1].imm = array;
	prog = load(BPF_PROG_TYPE_RAW_TRACEPOINT, insns, ARRAY_SIZE(insns),
		    "GPL");
	ASSERT_LE(3, prog) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	ASSERT_EQ(0, run_raw_tp(prog, &retval));
	EXPECT_EQ(-EINVAL, (int)retval);
	close(prog);
	close(ev);
	close(array);
}

/*
 * A PERF_EVENT program reads the sampling counter that ran it: the
 * counter and its times, into a map.
 */
TEST(perf_prog_read_value)
{
	struct perf_read_out o, z;
	__u32 key = 0;
	int out, prog, ev;
	struct bpf_insn insns[] = {
		LD_MAP_VALUE(6, 0, 0),
		MOV64_REG(2, 6),
		MOV64_IMM(3, 24),
		CALL(BPF_FUNC_perf_prog_read_value),
		STX_DW(6, 0, 24),
		MOV64_IMM(0, 0),
		EXIT,
	};
	struct bpf_insn bad_size[] = {
		LD_MAP_VALUE(2, 0, 0),
		MOV64_IMM(3, 16),
		CALL(BPF_FUNC_perf_prog_read_value),
		EXIT,
	};

	memset(&z, 0, sizeof(z));
	ASSERT_FD(out, value_map(&z, sizeof(z), 0));
	insns[0].imm = out;
	prog = load(BPF_PROG_TYPE_PERF_EVENT, insns, ARRAY_SIZE(insns), "GPL");
	ASSERT_LE(3, prog) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	ASSERT_FD(ev, perf_open(PERF_COUNT_SW_TASK_CLOCK, 1000000, 0, 0));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog));
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_ENABLE, 0));
	spin_ms(100);
	ASSERT_OK(ioctl(ev, PERF_EVENT_IOC_DISABLE, 0));
	ASSERT_OK(sys_map_lookup(out, &key, &o, 0));
	EXPECT_EQ(0, o.count);
	/* at least one period counted when the program ran */
	EXPECT_LE(1000000, o.counter);
	EXPECT_LT(0, o.running);
	EXPECT_LE(o.running, o.enabled);
	close(ev);
	close(prog);

	/* any constant size loads: it is checked when the program runs */
	bad_size[0].imm = out;
	prog = load(BPF_PROG_TYPE_PERF_EVENT, bad_size, ARRAY_SIZE(bad_size),
		    "GPL");
	ASSERT_LE(3, prog) TH_LOG("%s\n%s", errno_str(errno), log_buf);
	close(prog);
	/* not offered to other tracing types */
	prog = load(BPF_PROG_TYPE_KPROBE, bad_size, ARRAY_SIZE(bad_size),
		    "GPL");
	EXPECT_EQ(-1, prog);
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NE(NULL, strstr(log_buf, "unknown func bpf_perf_prog_read_value#56\n"))
		TH_LOG("%s", log_buf);
	close(out);
}

TEST_HARNESS_MAIN
