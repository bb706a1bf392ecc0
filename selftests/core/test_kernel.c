// SPDX-License-Identifier: GPL-2.0
/*
 * The host's own BPF as a second opinion, where bpf(2) is allowed (root):
 *  - its verifier log prints, for programs using every user opcode of
 *    insn.def, exactly the lines the disassembler prints;
 *  - its execution (BPF_PROG_TEST_RUN) agrees with the interpreter on each
 *    ALU and jump opcode over boundary values, and with the hand-computed
 *    cases of test_interp.c.
 * The host kernel is newer than 6.1; neither the text nor the semantics of
 * these opcodes changed since.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "disasm.h"
#include "test.h"

#define LOG_SIZE	(1 << 22)
#define MAX_PROG	4096

static char *log_buf;

static int prog_load(const struct bpf_insn *insns, size_t n, u32 log_level)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = n;
	attr.license = (unsigned long)"GPL";
	if (log_level) {
		log_buf[0] = 0;
		attr.log_buf = (unsigned long)log_buf;
		attr.log_size = LOG_SIZE;
		attr.log_level = log_level;
	}
	return syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

/* Run a loaded program once on a dummy packet; its u32 result or -1. */
static s64 prog_run(int fd)
{
	u8 packet[64] = {};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = fd;
	attr.test.data_in = (unsigned long)packet;
	attr.test.data_size_in = sizeof(packet);
	if (syscall(__NR_bpf, BPF_PROG_TEST_RUN, &attr, sizeof(attr)))
		return -1;
	return attr.test.retval;
}

static s64 kernel_run(const struct bpf_insn *insns, size_t n)
{
	int fd = prog_load(insns, n, 0);
	s64 ret;

	if (fd < 0)
		return -1;
	ret = prog_run(fd);
	close(fd);
	return ret;
}

static u32 interp_run(const struct bpf_insn *insns)
{
	struct xbpf_interp_prog prog = { .insns = insns };

	return run_prog(&prog, NULL);
}

/* Programs covering every user opcode, each loadable as a socket filter. */

#define ALL_ALU(CLS, d, s, k, sh)					\
	CLS##_X(ADD, d, s), CLS##_K(ADD, d, k),				\
	CLS##_X(SUB, d, s), CLS##_K(SUB, d, k),				\
	CLS##_X(MUL, d, s), CLS##_K(MUL, d, k),				\
	CLS##_X(DIV, d, s), CLS##_K(DIV, d, k),				\
	CLS##_X(OR, d, s), CLS##_K(OR, d, k),				\
	CLS##_X(AND, d, s), CLS##_K(AND, d, k),				\
	CLS##_X(LSH, d, s), CLS##_K(LSH, d, sh),			\
	CLS##_X(RSH, d, s), CLS##_K(RSH, d, sh),			\
	CLS##_X(MOD, d, s), CLS##_K(MOD, d, k),				\
	CLS##_X(XOR, d, s), CLS##_K(XOR, d, k),				\
	CLS##_X(MOV, d, s), CLS##_K(MOV, d, k),				\
	CLS##_X(ARSH, d, s), CLS##_K(ARSH, d, sh)

#define ALL_JMP(CLS, d, s, k)						\
	CLS##_X(JEQ, d, s, 0), CLS##_K(JEQ, d, k, 0),			\
	CLS##_X(JNE, d, s, 0), CLS##_K(JNE, d, k, 0),			\
	CLS##_X(JGT, d, s, 0), CLS##_K(JGT, d, k, 0),			\
	CLS##_X(JGE, d, s, 0), CLS##_K(JGE, d, k, 0),			\
	CLS##_X(JLT, d, s, 0), CLS##_K(JLT, d, k, 0),			\
	CLS##_X(JLE, d, s, 0), CLS##_K(JLE, d, k, 0),			\
	CLS##_X(JSGT, d, s, 0), CLS##_K(JSGT, d, k, 0),			\
	CLS##_X(JSGE, d, s, 0), CLS##_K(JSGE, d, k, 0),			\
	CLS##_X(JSLT, d, s, 0), CLS##_K(JSLT, d, k, 0),			\
	CLS##_X(JSLE, d, s, 0), CLS##_K(JSLE, d, k, 0),			\
	CLS##_X(JSET, d, s, 0), CLS##_K(JSET, d, k, 0)

#define ALL_ATOMIC(sz, d, s, off)					\
	ATOMIC(sz, BPF_ADD, d, s, off),					\
	ATOMIC(sz, BPF_AND, d, s, off),					\
	ATOMIC(sz, BPF_OR, d, s, off),					\
	ATOMIC(sz, BPF_XOR, d, s, off),					\
	ATOMIC(sz, BPF_ADD | BPF_FETCH, d, s, off),			\
	ATOMIC(sz, BPF_AND | BPF_FETCH, d, s, off),			\
	ATOMIC(sz, BPF_OR | BPF_FETCH, d, s, off),			\
	ATOMIC(sz, BPF_XOR | BPF_FETCH, d, s, off),			\
	ATOMIC(sz, BPF_XCHG, d, s, off),				\
	ATOMIC(sz, BPF_CMPXCHG, d, s, off)

static const struct bpf_insn log_alu[] = {
	MOV64_K(R1, 5),
	MOV64_K(R2, 3),
	MOV64_K(R3, 7),
	ALL_ALU(ALU64, R1, R2, -7, 3),
	NEG64(R1),
	ALL_ALU(ALU32, R3, R2, 9, 31),
	NEG32(R3),
	ENDIAN(TO_LE, R1, 16),
	ENDIAN(TO_LE, R1, 32),
	ENDIAN(TO_BE, R1, 64),
	ENDIAN(TO_BE, R3, 16),
	MOV64_K(R0, 0),
	EXIT(),
};

/* Known operands keep the verifier on one path through the jumps. */
static const struct bpf_insn log_jmp[] = {
	MOV64_K(R6, 5),
	MOV64_K(R7, -3),
	ALL_JMP(JMP, R6, R7, -1),
	ALL_JMP(JMP32, R7, R6, 0x7fffffff),
	JA(0),
	GOTOL(0),
	JA(1),
	JA(1),
	JA(-2),
	MOV64_K(R8, 3),
	ALU64_K(SUB, R8, 1),
	JMP_K(JNE, R8, 0, -2),
	MOV64_K(R0, 0),
	EXIT(),
};

static const struct bpf_insn log_mem[] = {
	MOV64_X(R6, R1),
	LD64(R1, 0x1122334455667788ULL),
	STX(DW, R10, R1, -8),
	STX(W, R10, R1, -16),
	STX(H, R10, R1, -12),
	STX(B, R10, R1, -10),
	ST(B, R10, -9, -1),
	ST(H, R10, -20, 0x1234),
	ST(W, R10, -24, -5),
	ST(DW, R10, -32, 77),
	LDX(B, R2, R10, -9),
	LDX(H, R3, R10, -20),
	LDX(W, R4, R10, -24),
	LDX(DW, R5, R10, -32),
	MOV64_K(R0, 0),
	MOV64_K(R2, 1),
	ALL_ATOMIC(DW, R10, R2, -8),
	ALL_ATOMIC(W, R10, R2, -16),
	LDX(W, R0, R6, 0),
	MOV64_K(R0, 0),
	EXIT(),
};

static const struct bpf_insn log_skb[] = {
	MOV64_X(R6, R1),
	LD_ABS(B, 0),
	LD_ABS(H, 2),
	LD_ABS(W, 4),
	MOV64_K(R7, 1),
	LD_IND(B, R7, 0),
	LD_IND(H, R7, 2),
	LD_IND(W, R7, -1),
	LDX(W, R0, R6, 0),
	CALL(BPF_FUNC_get_prandom_u32),
	CALL_PC(2),
	MOV64_K(R0, 0),
	EXIT(),
	MOV64_K(R0, 1),
	EXIT(),
};

static const struct {
	const char *name;
	const struct bpf_insn *insns;
	size_t len;
} log_progs[] = {
#define LOG_PROG(p) { #p, p, ARRAY_SIZE(p) }
	LOG_PROG(log_alu),
	LOG_PROG(log_jmp),
	LOG_PROG(log_mem),
	LOG_PROG(log_skb),
};

static void test_log(bool *covered)
{
	const struct bpf_insn *insns;
	char want[128], *line, *text, *end;
	unsigned int i, idx, lines, bad, missing;
	bool seen[MAX_PROG];
	size_t n, k;
	int fd;

	for (i = 0; i < ARRAY_SIZE(log_progs); i++) {
		insns = log_progs[i].insns;
		n = log_progs[i].len;
		fd = prog_load(insns, n, 2);
		if (fd < 0) {
			test_diag("load: %s; log tail: %s", strerror(errno),
				  log_buf + (strlen(log_buf) > 400 ?
					     strlen(log_buf) - 400 : 0));
			test_result(false, "kernel log: %s", log_progs[i].name);
			continue;
		}
		close(fd);

		memset(seen, 0, sizeof(seen));
		lines = bad = missing = 0;
		for (line = strtok(log_buf, "\n"); line;
		     line = strtok(NULL, "\n")) {
			idx = strtoul(line, &text, 10);
			if (text == line || strncmp(text, ": (", 3) ||
			    idx >= n)
				continue;
			text += 2;
			end = strchr(text, ';');
			if (!end)
				end = text + strlen(text);
			while (end > text && end[-1] == ' ')
				end--;
			*end = 0;
			xbpf_disasm_insn(&insns[idx], NULL, true, want,
					 sizeof(want));
			want[strcspn(want, "\n")] = 0;
			lines++;
			seen[idx] = true;
			if (strcmp(text, want)) {
				if (bad++ < 5)
					test_diag("insn %u: kernel \"%s\", "
						  "xbpf \"%s\"", idx, text,
						  want);
			}
		}
		for (k = 0; k < n; k++) {
			if (!seen[k] && !(k && insns[k - 1].code ==
					  (BPF_LD | BPF_IMM | BPF_DW))) {
				test_diag("insn %zu not in the log", k);
				missing++;
			}
			if (seen[k])
				covered[insns[k].code] = true;
		}
		test_result(lines && !bad && !missing,
			    "kernel log: %s, %u lines equal", log_progs[i].name,
			    lines);
	}
}

/* Values where the ALU and jump semantics change. */
static const u64 values[] = {
	0, 1, 2, 3, 31, 32, 63, 64, 0x7fffffff, 0x80000000, 0xffffffff,
	0x100000000ULL, 0x123456789abcdef0ULL, 0x7fffffffffffffffULL,
	0x8000000000000000ULL, 0xffffffff80000000ULL, 0xfffffffffffffffeULL,
	~0ULL,
};

static const s32 imms[] = {
	0, 1, 2, 3, 7, 16, 31, 32, 63, 64, -1, -2, 0x7fffffff, -0x7fffffff - 1,
};

static bool is_jmp(u8 code)
{
	return BPF_CLASS(code) == BPF_JMP || BPF_CLASS(code) == BPF_JMP32;
}

/* Would Linux's verifier accept this imm for code? */
static bool imm_ok(u8 code, s32 imm)
{
	if (is_jmp(code))
		return true;
	switch (BPF_OP(code)) {
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		return imm >= 0 &&
		       imm < (BPF_CLASS(code) == BPF_ALU64 ? 64 : 32);
	case BPF_DIV:
	case BPF_MOD:
		return imm;
	case BPF_END:
		return imm == 16 || imm == 32 || imm == 64;
	case BPF_NEG:
		return !imm;
	default:
		return true;
	}
}

/* The second operands to try with code: registers, or valid imms. */
static size_t operands(u8 code, u64 *out)
{
	size_t i, n = 0;

	if (BPF_SRC(code) == BPF_X && BPF_OP(code) != BPF_END) {
		memcpy(out, values, sizeof(values));
		return ARRAY_SIZE(values);
	}
	for (i = 0; i < ARRAY_SIZE(imms); i++)
		if (imm_ok(code, imms[i]))
			out[n++] = (u64)(s64)imms[i];
	return n;
}

/*
 * One program applying code to every operand pair, folding each result
 * into r9; r0 = the fold's two halves xored, what test-run reports.
 */
static size_t build_fold(struct bpf_insn *insns, u8 code)
{
	const struct bpf_insn head[] = { MOV64_K(R9, 0) };
	const struct bpf_insn mix[] = {
		ALU64_K(MUL, R9, 31),
		ALU64_X(XOR, R9, R0),
	};
	const struct bpf_insn tail[] = {
		MOV64_X(R0, R9),
		ALU64_K(RSH, R0, 32),
		ALU64_X(XOR, R0, R9),
		EXIT(),
	};
	u64 srcs[ARRAY_SIZE(values) + ARRAY_SIZE(imms)];
	struct bpf_insn one[16];
	size_t n = 0, i, j, m, nsrc = operands(code, srcs);

	memcpy(insns, head, sizeof(head));
	n += ARRAY_SIZE(head);
	for (i = 0; i < ARRAY_SIZE(values); i++) {
		for (j = 0; j < nsrc; j++) {
			/* Each case leaves its result in r0; drop its exit. */
			if (is_jmp(code))
				m = build_jmp_case(one, code, values[i],
						   srcs[j]) - 1;
			else
				m = build_alu_case(one, code, values[i],
						   srcs[j], false) - 1;
			memcpy(insns + n, one, m * sizeof(*one));
			n += m;
			memcpy(insns + n, mix, sizeof(mix));
			n += ARRAY_SIZE(mix);
		}
	}
	memcpy(insns + n, tail, sizeof(tail));
	return n + ARRAY_SIZE(tail);
}

/* On a disagreement, the single cases that show it. */
static void explain(u8 code)
{
	u64 srcs[ARRAY_SIZE(values) + ARRAY_SIZE(imms)], mine;
	size_t i, j, n, nsrc = operands(code, srcs);
	struct bpf_insn insns[16];
	struct xbpf_interp_prog prog = { .insns = insns };
	unsigned int shown = 0;
	s64 lo, hi;

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		for (j = 0; j < nsrc && shown < 5; j++) {
			if (is_jmp(code)) {
				n = build_jmp_case(insns, code, values[i],
						   srcs[j]);
				hi = 0;
			} else {
				n = build_alu_case(insns, code, values[i],
						   srcs[j], true);
				hi = kernel_run(insns, n);
				n = build_alu_case(insns, code, values[i],
						   srcs[j], false);
			}
			lo = kernel_run(insns, n);
			mine = run_prog(&prog, NULL);
			if (lo == (u32)mine && hi == (u32)(mine >> 32))
				continue;
			test_diag("%#llx, %#llx: xbpf %#llx, kernel %#llx:%08llx",
				  (unsigned long long)values[i],
				  (unsigned long long)srcs[j],
				  (unsigned long long)mine,
				  (unsigned long long)hi,
				  (unsigned long long)lo);
			shown++;
		}
	}
}

static void test_differential(void)
{
	static struct bpf_insn insns[MAX_PROG * 4];
	unsigned int c;
	s64 kernel;
	u32 mine;
	size_t n;

	for (c = 0; c < 256; c++) {
		if (!xbpf_insn_opcode_valid(c))
			continue;
		if (BPF_CLASS(c) != BPF_ALU && BPF_CLASS(c) != BPF_ALU64 &&
		    !is_jmp(c))
			continue;
		if (is_jmp(c) && (BPF_OP(c) == BPF_JA ||
				  BPF_OP(c) == BPF_CALL ||
				  BPF_OP(c) == BPF_EXIT))
			continue;
		n = build_fold(insns, c);
		mine = interp_run(insns);
		kernel = kernel_run(insns, n);
		if (kernel != mine)
			explain(c);
		test_result(kernel == mine,
			    "kernel run: %s on %zu insns of boundary values",
			    opcode_label(c), n);
	}
}

static void test_hand_cases(void)
{
	struct bpf_insn insns[16];
	unsigned int bad = 0;
	size_t i, n;
	s64 lo, hi;

	for (i = 0; i < nr_alu_cases; i++) {
		const struct alu_case *c = &alu_cases[i];

		n = build_alu_case(insns, c->code, c->dst, c->src, false);
		lo = kernel_run(insns, n);
		n = build_alu_case(insns, c->code, c->dst, c->src, true);
		hi = kernel_run(insns, n);
		if (lo != (u32)c->want || hi != (u32)(c->want >> 32)) {
			test_diag("%s %#llx, %#llx: kernel %#llx:%08llx",
				  opcode_label(c->code),
				  (unsigned long long)c->dst,
				  (unsigned long long)c->src,
				  (unsigned long long)hi,
				  (unsigned long long)lo);
			bad++;
		}
	}
	test_result(!bad, "kernel run: the %zu hand-computed alu cases",
		    nr_alu_cases);

	bad = 0;
	for (i = 0; i < nr_jmp_cases; i++) {
		const struct jmp_case *c = &jmp_cases[i];

		n = build_jmp_case(insns, c->code, c->dst, c->src);
		if (kernel_run(insns, n) != c->taken) {
			test_diag("%s %#llx, %#llx: kernel disagrees",
				  opcode_label(c->code),
				  (unsigned long long)c->dst,
				  (unsigned long long)c->src);
			bad++;
		}
	}
	test_result(!bad, "kernel run: the %zu hand-computed jump cases",
		    nr_jmp_cases);
}

void test_kernel(void)
{
	static const struct bpf_insn probe[] = { MOV64_K(R0, 0), EXIT() };
	bool covered[256] = {};
	unsigned int c, missing = 0;
	int fd;

	fd = prog_load(probe, ARRAY_SIZE(probe), 0);
	if (fd < 0) {
		test_skip(strerror(errno), "kernel: bpf(2) not available");
		return;
	}
	close(fd);
	log_buf = malloc(LOG_SIZE);
	if (!log_buf) {
		test_result(false, "kernel: log buffer");
		return;
	}

	test_log(covered);
	for (c = 0; c < 256; c++) {
		if (xbpf_insn_opcode_valid(c) && !covered[c]) {
			test_diag("%s not compared", opcode_label(c));
			missing++;
		}
	}
	test_result(!missing, "kernel log: covers every user opcode");
	free(log_buf);

	test_differential();
	test_hand_cases();
}
