// SPDX-License-Identifier: GPL-2.0
/*
 * The JIT's own tests: every opcode with every register it can take,
 * calls and their ABI, tail calls across images, the emitter's contract
 * (sizes, padding, errors), blinding, retpolines, jump sizing, and a look
 * at code size and speed. Almost everything is a differential run against
 * the interpreter (see diff_run()), in every flavour.
 */
#include <string.h>
#include <time.h>

#include "jit_test.h"

#define AX		MAX_BPF_REG	/* the interpreter's R11 */
#define PROG_ARRAY	0x7a11ca11

/*
 * Returns rsp % 16 at its entry: 8 if its caller had rsp 16-byte aligned
 * at the call, as SysV wants.
 */
u64 rsp_mod16(u64 a, u64 b, u64 c, u64 d, u64 e);
asm(".text\n"
	".globl rsp_mod16\n"
	".type rsp_mod16, @function\n"
	"rsp_mod16:\n"
	"	endbr64\n"
	"	mov %rsp, %rax\n"
	"	and $15, %eax\n"
	"	ret\n"
	".size rsp_mod16, .-rsp_mod16\n");

/*
 * Calls fn(ctx) with the callee-saved registers rbx, rbp and r12-r15 set to
 * known values, and reports in *changed which of them fn did not restore.
 */
u64 call_checked(xbpf_jit_func fn, const void *ctx, u64 *changed);
asm(".text\n"
	".globl call_checked\n"
	".type call_checked, @function\n"
	"call_checked:\n"
	"	endbr64\n"
	"	push %rbx\n"
	"	push %rbp\n"
	"	push %r12\n"
	"	push %r13\n"
	"	push %r14\n"
	"	push %r15\n"
	"	push %rdx\n"
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	mov $0x1111111111111111, %rbx\n"
	"	mov $0x2222222222222222, %rbp\n"
	"	mov $0x3333333333333333, %r12\n"
	"	mov $0x4444444444444444, %r13\n"
	"	mov $0x5555555555555555, %r14\n"
	"	mov $0x6666666666666666, %r15\n"
	"	call *%rax\n"
	"	mov $0x1111111111111111, %rcx\n"
	"	xor %rcx, %rbx\n"
	"	mov $0x2222222222222222, %rcx\n"
	"	xor %rcx, %rbp\n"
	"	or %rbp, %rbx\n"
	"	mov $0x3333333333333333, %rcx\n"
	"	xor %rcx, %r12\n"
	"	or %r12, %rbx\n"
	"	mov $0x4444444444444444, %rcx\n"
	"	xor %rcx, %r13\n"
	"	or %r13, %rbx\n"
	"	mov $0x5555555555555555, %rcx\n"
	"	xor %rcx, %r14\n"
	"	or %r14, %rbx\n"
	"	mov $0x6666666666666666, %rcx\n"
	"	xor %rcx, %r15\n"
	"	or %r15, %rbx\n"
	"	pop %rdx\n"
	"	mov %rbx, (%rdx)\n"
	"	pop %r15\n"
	"	pop %r14\n"
	"	pop %r13\n"
	"	pop %r12\n"
	"	pop %rbp\n"
	"	pop %rbx\n"
	"	ret\n"
	".size call_checked, .-call_checked\n");

static u64 h_sum(u64 a, u64 b, u64 c, u64 d, u64 e)
{
	return a + b + c + d + e;
}

static u64 h_mix(u64 a, u64 b, u64 c, u64 d, u64 e)
{
	return a ^ b << 8 ^ c << 16 ^ d << 24 ^ e << 32;
}

/* libc formatting a double: SSE code that wants its stack aligned */
static u64 h_format(u64 a, u64 b, u64 c, u64 d, u64 e)
{
	char buf[64];

	return snprintf(buf, sizeof(buf), "%.3f/%llu", (double)a / 7,
			(unsigned long long)b) * 1000 + (u8)buf[0];
}

/*
 * bpf_loop(nr, callback, ctx) as the module runs it: an interpreted
 * program names its callback by the callback's first insn, which
 * xbpf_interp_call() runs; a JITed one by its code, which C calls.
 */
static u64 h_loop(u64 nr, u64 fn, u64 ctx, u64 d, u64 e)
{
	u64 i, ret;

	for (i = 0; i < nr; i++) {
		if (host_interp_running)
			ret = xbpf_interp_call(&host_scratch, fn, i, ctx, 0, 0,
					       0);
		else
			ret = ((xbpf_helper_fn)(unsigned long)fn)(i, ctx, 0, 0,
								  0);
		if (ret)
			return i + 1;
	}
	return nr;
}

enum { H_SUM = 1, H_MIX, H_FORMAT, H_RSP, H_LOOP };

static const xbpf_helper_fn helpers[] = {
	[H_SUM] = h_sum,
	[H_MIX] = h_mix,
	[H_FORMAT] = h_format,
	[H_RSP] = rsp_mod16,
	[H_LOOP] = h_loop,
};

/*
 * The memory programs may change: dumps of registers, and a buffer that
 * memory operations get pointers into the middle of.
 */
static struct area {
	u64 dump[16];
	u64 buf[64];
} area;

#define MID	((unsigned long)&area.buf[32])

/* Packet byte i is 0x40 + i. */
static u8 packet[64];

/*
 * The prog array: programs for differential runs (diff_run() JITs them
 * when they are tail-called), or, when JITed programs call the hook
 * directly, images.
 */
static const struct bpf_insn *slots[4];
static struct xbpf_interp_prog slot_progs[4];
static const struct xbpf_jit_prog *direct[4];
static bool use_direct;

static int tail_call(void *cookie, u64 map, u32 index,
		     const struct xbpf_interp_prog **target)
{
	if (map != PROG_ARRAY || index >= ARRAY_SIZE(slots))
		return -1;
	if (use_direct)
		*target = direct[index] ? &direct[index]->interp : NULL;
	else
		*target = slots[index] ? &slot_progs[index] : NULL;
	return 0;
}

static int ld_abs(void *cookie, u64 ctx, s32 off, void *to, u32 size)
{
	if (off < 0 || off + size > sizeof(packet))
		return -1;
	memcpy(to, packet + off, size);
	return 0;
}

/* Only area.buf is readable. */
static int probe_read(void *cookie, void *to, u64 from, u32 size)
{
	u64 start = (unsigned long)area.buf;

	if (from < start || from + size > start + sizeof(area.buf))
		return -1;
	memcpy(to, (void *)(unsigned long)from, size);
	return 0;
}

static const struct xbpf_interp_ops ops = {
	.tail_call = tail_call,
	.ld_abs = ld_abs,
	.probe_read = probe_read,
};

static void set_slots(const struct bpf_insn *s0, const struct bpf_insn *s1)
{
	unsigned int i;

	slots[0] = s0;
	slots[1] = s1;
	for (i = 0; i < ARRAY_SIZE(slots); i++)
		slot_progs[i] = (struct xbpf_interp_prog) {
			.insns = slots[i],
			.helpers = helpers,
			.ops = &ops,
		};
}

static void reset_area(void)
{
	unsigned int i;

	memset(area.dump, 0, sizeof(area.dump));
	for (i = 0; i < ARRAY_SIZE(area.buf); i++)
		area.buf[i] = 0x0123456789abcdefULL * (i + 1);
}

static struct xbpf_interp_prog test_prog(const struct bpf_insn *insns)
{
	return (struct xbpf_interp_prog) {
		.insns = insns,
		.helpers = helpers,
		.ops = &ops,
	};
}

/* A differential run on area, with an expected result if want_ret. */
static bool diff_area(const struct bpf_insn *insns, u32 len, bool want_ret,
		      u64 ret)
{
	struct xbpf_interp_prog prog = test_prog(insns);
	struct diff_result r;

	reset_area();
	r = diff_run(&prog, len, area.buf, &area, sizeof(area));
	if (!r.jit_ran)
		test_diag("the interpreter reported \"%s\"",
			  host_bug ? host_bug : "a runaway");
	if (want_ret && r.ret != ret)
		test_diag("returned %#llx, want %#llx",
			  (unsigned long long)r.ret, (unsigned long long)ret);
	return r.ok && r.jit_ran && (!want_ret || r.ret == ret);
}

static void check(const char *name, const struct bpf_insn *insns, u32 len,
		  u64 ret)
{
	test_result(diff_area(insns, len, true, ret), "jit: %s", name);
}

/* Programs assembled at run time. */
struct builder {
	struct bpf_insn insns[1024];
	u32 n;
};

static void put_insn(struct builder *b, struct bpf_insn insn)
{
	b->insns[b->n++] = insn;
}

/* test.h's builders are initializers: V() makes one a value */
#define V(...)		((struct bpf_insn)__VA_ARGS__)
#define put(b, ...)	put_insn(b, V(__VA_ARGS__))

static void add_ld64(struct builder *b, u8 reg, u64 v)
{
	put(b, INSN(BPF_LD | BPF_IMM | BPF_DW, reg, 0, 0, (s32)(u32)v));
	put(b, INSN(0, 0, 0, 0, (s32)(u32)(v >> 32)));
}

/* The registers a program can name, R10 aside, by index. */
static const u8 mregs[] = { R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, AX };

#define NR_MREGS	ARRAY_SIZE(mregs)

static u64 rnd_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd64(void)
{
	u64 x = rnd_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rnd_state = x;
	return x;
}

/*
 * Values for the registers: wide ones with every upper half set, or narrow
 * ones (shift counts, small divisors and zero, equal low halves).
 */
static void pick_values(u64 *vals, bool narrow)
{
	unsigned int i;

	for (i = 0; i < NR_MREGS; i++) {
		if (!narrow)
			vals[i] = rnd64() | 0x8000000100000000ULL;
		else if (i % 3 == 0)
			vals[i] = rnd64() % 70;
		else if (i % 3 == 1)
			vals[i] = rnd64() % 5 | (rnd64() << 32);
		else
			vals[i] = 0xffffffff00000000ULL | (i & 1);
	}
}

static void seed_regs(struct builder *b, const u64 *vals)
{
	unsigned int i;

	b->n = 0;
	for (i = 0; i < NR_MREGS; i++)
		add_ld64(b, mregs[i], vals[i]);
}

/*
 * Store the registers into area.dump and exit; after a call only R0 and
 * R6-R9, the others being undefined.
 */
static void dump_regs(struct builder *b, bool after_call)
{
	unsigned int i;

	for (i = 0; i < NR_MREGS; i++)
		if (!after_call || i == 0 || (i >= 6 && i <= 9))
			put(b, STX(DW, R10, mregs[i], -8 * (i + 1)));
	add_ld64(b, R1, (unsigned long)area.dump);
	for (i = 0; i < NR_MREGS; i++) {
		if (after_call && i != 0 && (i < 6 || i > 9))
			continue;
		put(b, LDX(DW, R2, R10, -8 * (i + 1)));
		put(b, STX(DW, R1, R2, 8 * i));
	}
	put(b, MOV64_K(R0, 0));
	put(b, EXIT());
}

static const char *label(u8 code)
{
	return opcode_label(code) ? opcode_label(code) : "?";
}

/* Each register-operand opcode of a class, for every dst and src. */
static void test_matrix_x(u8 class, u8 op_class)
{
	static const u8 ops_alu[] = {
		BPF_ADD, BPF_SUB, BPF_AND, BPF_OR, BPF_LSH, BPF_RSH, BPF_XOR,
		BPF_MUL, BPF_MOV, BPF_ARSH, BPF_DIV, BPF_MOD,
	};
	static const u8 ops_jmp[] = {
		BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE,
		BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET,
	};
	bool jmp = op_class == BPF_JMP;
	const u8 *ops = jmp ? ops_jmp : ops_alu;
	unsigned int nr = jmp ? ARRAY_SIZE(ops_jmp) : ARRAY_SIZE(ops_alu);
	unsigned int o, d, s, v, bad;
	struct builder b;
	u64 vals[NR_MREGS];
	u8 code;

	for (o = 0; o < nr; o++) {
		code = class | ops[o] | BPF_X;
		for (bad = 0, d = 0; d < NR_MREGS; d++) {
			for (s = 0; s < NR_MREGS; s++) {
				for (v = 0; v < 2; v++) {
					pick_values(vals, v);
					seed_regs(&b, vals);
					put(&b, INSN(code, mregs[d], mregs[s],
						     1, 0));
					if (jmp)
						put(&b, ALU64_K(XOR, R9, 0x5a));
					dump_regs(&b, false);
					if (!diff_area(b.insns, b.n, false, 0)) {
						test_diag("dst r%u src r%u",
							  mregs[d], mregs[s]);
						bad++;
					}
				}
			}
		}
		test_result(!bad, "jit: %s, every dst and src", label(code));
	}
}

static const s32 imms[] = {
	0, 1, -1, 2, 7, 31, 32, 33, 63, 64, 127, 128, -128, -129,
	0x7fffffff, -0x7fffffff - 1, 0x12345678, -0x12345678,
};

/* Each immediate-operand opcode of a class, for every dst. */
static void test_matrix_k(u8 class)
{
	static const u8 ops_alu[] = {
		BPF_ADD, BPF_SUB, BPF_AND, BPF_OR, BPF_LSH, BPF_RSH, BPF_XOR,
		BPF_MUL, BPF_MOV, BPF_ARSH, BPF_DIV, BPF_MOD,
	};
	static const u8 ops_jmp[] = {
		BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE,
		BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET,
	};
	bool jmp = class == BPF_JMP || class == BPF_JMP32;
	const u8 *ops = jmp ? ops_jmp : ops_alu;
	unsigned int nr = jmp ? ARRAY_SIZE(ops_jmp) : ARRAY_SIZE(ops_alu);
	unsigned int o, d, i, bad;
	struct builder b;
	u64 vals[NR_MREGS];
	u8 code;

	for (o = 0; o < nr; o++) {
		code = class | ops[o] | BPF_K;
		for (bad = 0, d = 0; d < NR_MREGS; d++) {
			for (i = 0; i < ARRAY_SIZE(imms); i++) {
				pick_values(vals, i & 1);
				/* sometimes equal to the immediate */
				if (i % 4 == 2)
					vals[d] = (u64)(s64)imms[i];
				seed_regs(&b, vals);
				put(&b, INSN(code, mregs[d], 0, 1, imms[i]));
				if (jmp)
					put(&b, ALU64_K(XOR, R9, 0x5a));
				dump_regs(&b, false);
				if (!diff_area(b.insns, b.n, false, 0)) {
					test_diag("dst r%u imm %d", mregs[d],
						  imms[i]);
					bad++;
				}
			}
		}
		test_result(!bad, "jit: %s, every dst, edge immediates",
			    label(code));
	}
}

/* NEG and END, for every dst. */
static void test_matrix_unary(void)
{
	static const struct bpf_insn unary[] = {
		NEG64(0), NEG32(0),
		ENDIAN(TO_LE, 0, 16), ENDIAN(TO_LE, 0, 32),
		ENDIAN(TO_LE, 0, 64), ENDIAN(TO_BE, 0, 16),
		ENDIAN(TO_BE, 0, 32), ENDIAN(TO_BE, 0, 64),
		ENDIAN(TO_BE, 0, 8),
	};
	unsigned int u, d, bad;
	struct bpf_insn insn;
	struct builder b;
	u64 vals[NR_MREGS];

	for (u = 0; u < ARRAY_SIZE(unary); u++) {
		for (bad = 0, d = 0; d < NR_MREGS; d++) {
			pick_values(vals, false);
			seed_regs(&b, vals);
			insn = unary[u];
			insn.dst_reg = mregs[d];
			put(&b, insn);
			dump_regs(&b, false);
			bad += !diff_area(b.insns, b.n, false, 0);
		}
		test_result(!bad, "jit: %s %d, every dst", label(unary[u].code),
			    unary[u].imm);
	}
}

static const s16 offs[] = { 0, 8, -8, 120, -128, 200, -256 };

/*
 * Loads, stores, atomics and probes, for every base (pointing at the
 * middle of area.buf) and every other operand, at near and far offsets.
 */
static void test_matrix_mem(u8 code, s32 imm)
{
	unsigned int base, r, o, bad = 0;
	struct builder b;
	u64 vals[NR_MREGS];
	bool atomic = BPF_MODE(code) == BPF_ATOMIC;
	bool probe = BPF_MODE(code) == XBPF_PROBE_MEM;

	for (base = 0; base < NR_MREGS; base++) {
		for (r = 0; r < NR_MREGS; r++) {
			for (o = 0; o < ARRAY_SIZE(offs); o++) {
				pick_values(vals, o & 1);
				seed_regs(&b, vals);
				add_ld64(&b, mregs[base], MID);
				switch (BPF_CLASS(code)) {
				case BPF_LDX:
					put(&b, INSN(code, mregs[r],
						     mregs[base], offs[o], 0));
					break;
				case BPF_ST:
					put(&b, INSN(code, mregs[base], 0,
						     offs[o], imms[r + o]));
					break;
				default:
					put(&b, INSN(code, mregs[base],
						     mregs[r], offs[o], imm));
					break;
				}
				/* a probe of an unreadable address gives 0 */
				if (probe && o == 2)
					b.insns[b.n - 3].imm = 16;
				dump_regs(&b, false);
				if (!diff_area(b.insns, b.n, false, 0)) {
					test_diag("base r%u, r%u, off %d",
						  mregs[base], mregs[r],
						  offs[o]);
					bad++;
				}
			}
			if (BPF_CLASS(code) == BPF_ST)
				break;
		}
	}
	if (atomic)
		test_result(!bad, "jit: %s %#x, every base and src",
			    label(code), imm);
	else
		test_result(!bad, "jit: %s, every base and register",
			    label(code));
}

/* Packet loads with every index register; calls leave R1-R5 undefined. */
static void test_matrix_ld_abs(void)
{
	static const u8 sizes[] = { BPF_B, BPF_H, BPF_W };
	/* index register and imm: offsets 33, 28, 4, and 100, which fails */
	static const s32 idx[] = { 30, 13, -4, 100 }, off[] = { 3, 15, 8, 0 };
	unsigned int s, r, k, bad;
	struct builder b;
	u64 vals[NR_MREGS];

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		for (bad = 0, r = 0; r < NR_MREGS; r++) {
			for (k = 0; k < ARRAY_SIZE(idx); k++) {
				pick_values(vals, true);
				seed_regs(&b, vals);
				put(&b, MOV64_K(mregs[r], idx[k]));
				put(&b, INSN(BPF_LD | BPF_IND | sizes[s], 0,
					     mregs[r], 0, off[k]));
				dump_regs(&b, true);
				bad += !diff_area(b.insns, b.n, false, 0);
			}
		}
		test_result(!bad, "jit: %s, every index register",
			    label(BPF_LD | BPF_IND | sizes[s]));
	}
}

static void test_matrices(void)
{
	static const u8 sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };
	static const s32 atomics[] = {
#define XBPF_ATOMIC(imm, label, form) imm,
#include "insn.def"
	};
	unsigned int s, a;

	test_matrix_x(BPF_ALU64, BPF_ALU);
	test_matrix_x(BPF_ALU, BPF_ALU);
	test_matrix_x(BPF_JMP, BPF_JMP);
	test_matrix_x(BPF_JMP32, BPF_JMP);
	test_matrix_k(BPF_ALU64);
	test_matrix_k(BPF_ALU);
	test_matrix_k(BPF_JMP);
	test_matrix_k(BPF_JMP32);
	test_matrix_unary();
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		test_matrix_mem(BPF_LDX | BPF_MEM | sizes[s], 0);
		test_matrix_mem(BPF_STX | BPF_MEM | sizes[s], 0);
		test_matrix_mem(BPF_ST | BPF_MEM | sizes[s], 0);
		test_matrix_mem(BPF_LDX | XBPF_PROBE_MEM | sizes[s], 0);
	}
	for (a = 0; a < ARRAY_SIZE(atomics); a++) {
		test_matrix_mem(BPF_STX | BPF_ATOMIC | BPF_W, atomics[a]);
		test_matrix_mem(BPF_STX | BPF_ATOMIC | BPF_DW, atomics[a]);
	}
	test_matrix_ld_abs();
}

/* Calls: helpers, the ABI around them, subprograms. */
static void test_calls(void)
{
	static const struct bpf_insn aligned[] = {
		/* main: helper, then into a subprogram */
		CALL(H_RSP),
		MOV64_X(R6, R0),
		CALL_PC(2),
		ALU64_X(ADD, R0, R6),
		EXIT(),
		/* sub: helper after a probe and a packet load */
		MOV64_X(R7, R1),
		PROBE(DW, R2, R7, 0),
		MOV64_X(R6, R1),
		LD_ABS(B, 1),
		CALL(H_RSP),
		EXIT(),
	};
	static const struct bpf_insn frames8[] = {
		/*
		 * Eight frames deep, each filling both ends of a 512-byte
		 * stack with its depth and checking them after its call.
		 */
		MOV64_K(R1, 0),
		/* f(r1): */
		ALU64_K(ADD, R1, 1),
		STX(DW, R10, R1, -8),
		STX(DW, R10, R1, -512),
		JMP_K(JEQ, R1, 8, 8),
		CALL_PC(-5),
		LDX(DW, R2, R10, -8),
		LDX(DW, R3, R10, -512),
		ALU64_X(SUB, R2, R3),
		ALU64_X(OR, R0, R2),
		ALU64_K(LSH, R0, 1),
		ALU64_X(ADD, R0, R3),
		EXIT(),
		CALL(H_RSP),
		EXIT(),
	};
	static const struct bpf_insn through_stack[] = {
		/* the callee writes the caller's stack through a pointer */
		ST(DW, R10, -16, 5),
		MOV64_X(R1, R10),
		ALU64_K(ADD, R1, -16),
		MOV64_K(R6, 77),
		CALL_PC(3),
		LDX(DW, R0, R10, -16),
		ALU64_X(ADD, R0, R6),
		EXIT(),
		/* sub(p): *p *= 10, clobbering r6-r9 on the way */
		LDX(DW, R2, R1, 0),
		MOV64_K(R6, 1), MOV64_K(R7, 2), MOV64_K(R8, 3),
		MOV64_K(R9, 4),
		ALU64_K(MUL, R2, 10),
		STX(DW, R1, R2, 0),
		CALL(H_SUM),
		EXIT(),
	};
	static const struct bpf_insn fall_into[] = {
		/*
		 * Unverifiable but defined: g jumps into the middle of f, and
		 * main runs on into f's code.
		 */
		MOV64_K(R0, 1),
		CALL_PC(5),
		ALU64_K(ADD, R0, 10),
		ALU64_K(ADD, R0, 5),
		/* f: */
		ALU64_K(MUL, R0, 3),
		ALU64_K(ADD, R0, 7),
		EXIT(),
		/* g: */
		ALU64_K(ADD, R0, 100),
		CALL_PC(-5),
		ALU64_K(ADD, R0, 1000),
		JA(-6),
	};
	static const struct bpf_insn imm_into[] = {
		/*
		 * An ld_imm64 runs on into f, its second half's code byte
		 * being that of an exit, which it is not.
		 */
		MOV64_K(R2, 1),
		CALL_PC(2),
		INSN(BPF_LD | BPF_IMM | BPF_DW, R2, 0, 0, 40),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		/* f: */
		MOV64_X(R0, R2),
		ALU64_K(ADD, R0, 1),
		EXIT(),
	};
	static const struct bpf_insn libc[] = {
		MOV64_K(R1, 22), MOV64_K(R2, 5),
		CALL(H_FORMAT),
		MOV64_X(R6, R0),
		MOV64_K(R1, 700), MOV64_K(R2, 123456),
		CALL_PC(2),
		ALU64_X(ADD, R0, R6),
		EXIT(),
		/* sub: */
		ST(DW, R10, -8, 1),
		CALL(H_FORMAT),
		EXIT(),
	};
	static const struct bpf_insn args[] = {
		MOV64_K(R1, 1), MOV64_K(R2, 2), MOV64_K(R3, 3),
		MOV64_K(R4, 4), MOV64_K(R5, 5),
		CALL_PC(2),
		CALL(H_MIX),
		EXIT(),
		/* sub: a subprogram gets r1-r5 as they are */
		ALU64_K(ADD, R1, 0x10), ALU64_K(ADD, R2, 0x20),
		ALU64_K(ADD, R3, 0x30), ALU64_K(ADD, R4, 0x40),
		ALU64_K(ADD, R5, 0x50),
		EXIT(),
	};
	struct xbpf_interp_prog prog;
	unsigned int f, bad = 0;
	struct image im;
	u64 changed, ret;

	check("helpers see rsp 16-byte aligned, in subprograms too", aligned,
	      ARRAY_SIZE(aligned), 16);
	check("eight frames, each with 512 bytes of stack", frames8,
	      ARRAY_SIZE(frames8), 1793);
	check("a subprogram writes its caller's stack, r6-r9 come back",
	      through_stack, ARRAY_SIZE(through_stack), 50 + 77);
	check("falling into a subprogram, jumping into another", fall_into,
	      ARRAY_SIZE(fall_into), 4003);
	check("an ld_imm64 running on into a subprogram", imm_into,
	      ARRAY_SIZE(imm_into), 41);
	check("libc's snprintf of a double as a helper, in a subprogram too",
	      libc, ARRAY_SIZE(libc),
	      h_format(22, 5, 0, 0, 0) + h_format(700, 123456, 0, 0, 0));
	check("a subprogram gets r1-r5 untouched", args, ARRAY_SIZE(args),
	      h_mix(0x11, 0x22, 0x33, 0x44, 0x55));

	/* The C caller's callee-saved registers, with and without the stub */
	set_slots(NULL, NULL);
	for (f = 0; f < NR_FLAVOURS; f++) {
		prog = test_prog(through_stack);
		if (image_jit(&im, &prog, ARRAY_SIZE(through_stack), 16,
			      &flavours[f]) < 0) {
			bad++;
			continue;
		}
		ret = call_checked((xbpf_jit_func)(unsigned long)im.rx, NULL,
				   &changed);
		bad += ret != 127 || changed;
		image_free(&im);
	}
	test_result(!bad, "jit: rbx, rbp, r12-r15 kept for the C caller");
}

/* Tail calls across images. */
static void test_tail_calls(void)
{
	static const struct bpf_insn ret_42[] = {
		MOV64_K(R0, 42),
		EXIT(),
	};
	static const struct bpf_insn from_sub[] = {
		CALL_PC(2),
		ALU64_K(ADD, R0, 100),
		EXIT(),
		/* sub: its tail call's target returns to main */
		MOV64_K(R2, PROG_ARRAY),
		MOV64_K(R3, 0),
		CALL(BPF_FUNC_tail_call),
		MOV64_K(R0, 1),
		EXIT(),
	};
	/*
	 * ping (slot 0) and pong (slot 1) count their runs in area.dump[0]
	 * and [1], 128 bytes below ctx (area.buf)
	 */
#define PING(me, other)							\
		MOV64_X(R6, R1),					\
		LDX(DW, R2, R6, 8 * (me) - 128),			\
		ALU64_K(ADD, R2, 1),					\
		STX(DW, R6, R2, 8 * (me) - 128),			\
		MOV64_K(R7, 0x7777), MOV64_K(R8, 8), MOV64_K(R9, 9),	\
		ST(DW, R10, -512, 3),					\
		MOV64_X(R1, R6),					\
		MOV64_K(R2, PROG_ARRAY),				\
		MOV64_K(R3, other),					\
		CALL(BPF_FUNC_tail_call),				\
		LDX(DW, R0, R6, -128),					\
		LDX(DW, R2, R6, -120),					\
		ALU64_K(LSH, R0, 8),					\
		ALU64_X(ADD, R0, R2),					\
		EXIT()
	static const struct bpf_insn ping[] = { PING(0, 1) };
	static const struct bpf_insn pong[] = { PING(1, 0) };
	static const struct bpf_insn keeps[] = {
		/* the target keeps R1 and the stack */
		ST(DW, R10, -8, 0x1200),
		ST(DW, R10, -512, 0x34),
		MOV64_K(R2, PROG_ARRAY),
		MOV64_K(R3, 0),
		CALL(BPF_FUNC_tail_call),
		MOV64_K(R0, -1),
		EXIT(),
	};
	static const struct bpf_insn reads_frame[] = {
		LDX(DW, R0, R10, -8),
		LDX(DW, R2, R10, -512),
		ALU64_X(ADD, R0, R2),
		LDX(DW, R2, R1, 0),
		ALU64_X(ADD, R0, R2),
		EXIT(),
	};
	static const struct bpf_insn once[] = {
		MOV64_K(R2, PROG_ARRAY),
		MOV64_K(R3, 0),
		CALL(BPF_FUNC_tail_call),
		MOV64_K(R0, 7),
		EXIT(),
	};
	static struct xbpf_jit_prog no_image;
	struct xbpf_interp_prog prog;
	struct image im;
	unsigned int f, bad;
	u64 ret, changed;

	set_slots(ret_42, NULL);
	check("from a subprogram: the target returns to its caller",
	      from_sub, ARRAY_SIZE(from_sub), 142);
	set_slots(ping, pong);
	check("ping-pong between two images stops after 33", ping,
	      ARRAY_SIZE(ping), (17ULL << 8) + 17);
	set_slots(reads_frame, NULL);
	check("the target keeps R1 and the stack", keeps, ARRAY_SIZE(keeps),
	      0x1200 + 0x34 + 0x0123456789abcdefULL);

	/*
	 * Straight into the images now. The count, r12, is the C caller's
	 * again after a run: ping tail-calls itself 33 times.
	 */
	use_direct = true;
	for (bad = 0, f = 0; f < NR_FLAVOURS; f++) {
		prog = test_prog(ping);
		reset_area();
		if (image_jit(&im, &prog, ARRAY_SIZE(ping), 512,
			      &flavours[f]) < 0) {
			bad++;
			continue;
		}
		direct[0] = &im.jp;
		direct[1] = &im.jp;
		ret = call_checked((xbpf_jit_func)(unsigned long)im.rx,
				   area.buf, &changed);
		bad += changed || ret != 34 << 8;
		image_free(&im);
	}
	test_result(!bad, "jit: a run with tail calls keeps the caller's r12");

	/*
	 * A target without an image counts, and the call fails. Only the JIT
	 * can tell, so this compares with the expected value.
	 */
	no_image.interp = test_prog(ret_42);
	direct[0] = &no_image;
	direct[1] = NULL;
	for (bad = 0, f = 0; f < NR_FLAVOURS; f++) {
		prog = test_prog(once);
		if (image_jit(&im, &prog, ARRAY_SIZE(once), 0,
			      &flavours[f]) < 0) {
			bad++;
			continue;
		}
		bad += image_run(&im, NULL) != 7;
		image_free(&im);
	}
	use_direct = false;
	set_slots(NULL, NULL);
	test_result(!bad, "jit: a call to a target without an image counts, fails");
}

/* The emitter's contract. */
static void test_contract(void)
{
	static const struct bpf_insn prog_insns[] = {
		MOV64_K(R0, 1),
		JMP_K(JEQ, R1, 0, 1),
		CALL(H_SUM),
		EXIT(),
	};
	static const struct {
		const char *what;
		struct bpf_insn insns[3];
		u32 len, depth;
		int err;
	} bad_progs[] = {
		{ "a jump out of the program", { JA(1), EXIT() }, 2, 0, -EINVAL },
		{ "a jump before it", { JA(-2), EXIT() }, 2, 0, -EINVAL },
		{ "a jump into an ld_imm64", { JA(1), LD64(R0, 1) }, 3, 0, -EINVAL },
		{ "a call out of the program", { CALL_PC(5), EXIT() }, 2, 0, -EINVAL },
		{ "a half ld_imm64",
		  { MOV64_K(R0, 0), INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 0) },
		  2, 0, -EINVAL },
		{ "an unknown opcode", { INSN(0xff, 0, 0, 0, 0), EXIT() }, 2, 0, -EINVAL },
		{ "an unknown atomic", { ATOMIC(W, BPF_SUB, R10, R0, -8), EXIT() }, 2, 8, -EINVAL },
		{ "register 12", { MOV64_X(12, R0), EXIT() }, 2, 0, -EINVAL },
		{ "a helper without a function", { CALL(H_RSP + 1), EXIT() }, 2, 0, -EINVAL },
		{ "a negative helper id", { CALL(-1), EXIT() }, 2, 0, -EINVAL },
		{ "more than 512 bytes of stack", { EXIT() }, 1, 520, -EINVAL },
		{ "no instructions", { EXIT() }, 0, 0, -EINVAL },
	};
	static const xbpf_helper_fn four[H_RSP + 2] = { [H_RSP] = rsp_mod16 };
	static const struct bpf_insn hook_users[][2] = {
		{ LD_ABS(B, 0), EXIT() },
		{ LD_IND(W, R2, 0), EXIT() },
		{ PROBE(B, R0, R1, 0), EXIT() },
		{ CALL(BPF_FUNC_tail_call), EXIT() },
	};
	static const struct xbpf_interp_ops no_hooks;
	struct xbpf_interp_prog prog = test_prog(prog_insns);
	static u8 buf1[4096], buf2[4096];
	struct xbpf_jit_layout l1, l2;
	unsigned int i, f, bad;
	int n, m, err;

	for (bad = 0, i = 0; i < ARRAY_SIZE(bad_progs); i++) {
		prog = test_prog(bad_progs[i].insns);
		prog.helpers = four;
		err = xbpf_jit_emit(&prog, bad_progs[i].len,
				    bad_progs[i].depth, NULL, NULL, 0, NULL);
		if (err != bad_progs[i].err) {
			test_diag("%s: %d, want %d", bad_progs[i].what, err,
				  bad_progs[i].err);
			bad++;
		}
	}
	test_result(!bad, "jit: malformed programs are refused with -EINVAL");

	for (bad = 0, i = 0; i < ARRAY_SIZE(hook_users); i++) {
		prog = test_prog(hook_users[i]);
		prog.ops = NULL;
		bad += xbpf_jit_emit(&prog, 2, 0, NULL, NULL, 0, NULL) !=
		       -EINVAL;
		prog.ops = &no_hooks;
		bad += xbpf_jit_emit(&prog, 2, 0, NULL, NULL, 0, NULL) !=
		       -EINVAL;
	}
	test_result(!bad, "jit: the hooks a program needs must exist");

	for (bad = 0, f = 0; f < NR_FLAVOURS; f++) {
		prog = test_prog(prog_insns);
		n = xbpf_jit_emit(&prog, ARRAY_SIZE(prog_insns), 0,
				  &flavours[f], NULL, 0, &l1);
		memset(buf1, 0, sizeof(buf1));
		m = xbpf_jit_emit(&prog, ARRAY_SIZE(prog_insns), 0,
				  &flavours[f], buf1, n + 100, &l2);
		bad += n <= 0 || m != n || l1.len != (u32)n ||
		       memcmp(&l1, &l2, sizeof(l1));
		for (i = n; i < (unsigned int)n + 100; i++)
			bad += buf1[i] != 0xcc;
		bad += buf1[n + 100] != 0;
		bad += xbpf_jit_emit(&prog, ARRAY_SIZE(prog_insns), 0,
				     &flavours[f], buf2, n - 1, NULL) != -EFBIG;
		/* the same code every time */
		bad += xbpf_jit_emit(&prog, ARRAY_SIZE(prog_insns), 0,
				     &flavours[f], buf2, n, NULL) != n;
		bad += memcmp(buf1, buf2, n) != 0;
		/* entry at 0, tail calls entering on an endbr64 too */
		bad += memcmp(buf1, "\xf3\x0f\x1e\xfa", 4) ||
		       memcmp(buf1 + l1.tail_entry, "\xf3\x0f\x1e\xfa", 4);
	}
	test_result(!bad,
		    "jit: sizing, writing, int3 fill, -EFBIG, same code, endbr64");
}

/* Every opcode of insn.def goes through the emitter, in every flavour. */
static void test_all_opcodes(void)
{
	static const u8 forms[256] = {
#define XBPF_INSN(code, label, form, scope) [code] = XBPF_FORM_##form,
#include "insn.def"
	};
	struct bpf_insn insns[4];
	struct xbpf_interp_prog prog;
	unsigned int c, f, bad = 0, n;
	int err;

	for (c = 0; c < 256; c++) {
		if (!forms[c])
			continue;
		n = 0;
		insns[n++] = V(INSN(c, R0, R1, 0, forms[c] == XBPF_FORM_END ?
				  16 : 1));
		switch (forms[c]) {
		case XBPF_FORM_ATOMIC:
			insns[0].imm = BPF_ADD;
			break;
		case XBPF_FORM_JA:
			insns[0].off = 0;
			break;
		case XBPF_FORM_GOTOL:
			insns[0].imm = 0;
			break;
		case XBPF_FORM_JCOND_X:
		case XBPF_FORM_JCOND_K:
			insns[0].off = 0;
			break;
		case XBPF_FORM_CALL:
			insns[0].src_reg = 0;
			insns[0].imm = H_SUM;
			break;
		case XBPF_FORM_LD_IMM64:
			insns[n++] = V(INSN(0, 0, 0, 0, 2));
			break;
		}
		insns[n++] = V(EXIT());
		prog = test_prog(insns);
		for (f = 0; f < NR_FLAVOURS; f++) {
			err = xbpf_jit_emit(&prog, n, 8, &flavours[f], NULL, 0,
					    NULL);
			if (err <= 0) {
				test_diag("%s: %d", opcode_label(c), err);
				bad++;
			}
		}
	}
	test_result(!bad, "jit: every opcode of insn.def is translated");
}

/* Contains pat (4 bytes of v, little-endian) anywhere in the image? */
static bool has_u32(const u8 *code, u32 len, u32 v)
{
	const u8 pat[] = { v, v >> 8, v >> 16, v >> 24 };
	u32 i;

	for (i = 0; i + 4 <= len; i++)
		if (!memcmp(code + i, pat, 4))
			return true;
	return false;
}

static void test_blinding(void)
{
	static const s32 secret[] = {
		0x5a17c0de, 0x0badf00d, 0x13579bdf, 0x2468ace0, 0x1d2c3b4a,
		0x6e5f7081, 0x79a8b7c6, 0x31415926, 0x27182818, 0x16180339,
		0x14142135, 0x17320508, 0x22360679, 0x26457513, 0x0f1e2d3c,
		0x4b5a6978,
	};
	static const struct bpf_insn insns[] = {
		ALU64_K(ADD, R0, 0x5a17c0de),
		ALU32_K(SUB, R0, 0x0badf00d),
		ALU64_K(MUL, R0, 0x13579bdf),
		ALU32_K(XOR, R0, 0x2468ace0),
		MOV64_K(R2, 0x1d2c3b4a),
		ALU64_K(DIV, R2, 0x6e5f7081),
		ALU32_K(MOD, R2, 0x79a8b7c6),
		JMP_K(JEQ, R2, 0x31415926, 0),
		JMP32_K(JSGT, R2, 0x27182818, 0),
		JMP_K(JSET, R0, 0x16180339, 0),
		ST(W, R10, -8, 0x14142135),
		ST(DW, R10, -16, 0x17320508),
		LD64(R3, 0x2236067926457513ULL),
		ALU64_K(AND, R3, 0x0f1e2d3c),
		LD_ABS(W, 0x4b5a6978),
		EXIT(),
	};
	struct xbpf_interp_prog prog = test_prog(insns);
	struct xbpf_jit_opts opts = { XBPF_JIT_BLIND };
	static u8 code[4096];
	unsigned int s, i, leaks = 0, plain = 0;
	int n;

	n = xbpf_jit_emit(&prog, ARRAY_SIZE(insns), 16, NULL, code,
			  sizeof(code), NULL);
	for (i = 0; i < ARRAY_SIZE(secret); i++)
		plain += has_u32(code, n, secret[i]);
	for (s = 0; s < 64; s++) {
		opts.blind_seed = s * 0x9e3779b9;
		n = xbpf_jit_emit(&prog, ARRAY_SIZE(insns), 16, &opts, code,
				  sizeof(code), NULL);
		for (i = 0; i < ARRAY_SIZE(secret); i++)
			leaks += n > 0 && has_u32(code, n, secret[i]);
		leaks += n <= 0;
	}
	test_result(plain == ARRAY_SIZE(secret) && !leaks,
		    "jit: blinding keeps immediates out of the code (%u of %zu there unblinded)",
		    plain, ARRAY_SIZE(secret));
}

/*
 * Per-function frames (opts->func_depth): main keeps 16 bytes of stack,
 * its callee none; the callee still writes main's stack through a
 * pointer, and the function offsets come back.
 */
static void test_func_frames(void)
{
	static const struct bpf_insn insns[] = {
		ST(DW, R10, -16, 5),
		MOV64_X(R1, R10),
		ALU64_K(ADD, R1, -16),
		MOV64_K(R6, 77),
		CALL_PC(3),
		LDX(DW, R0, R10, -16),
		ALU64_X(ADD, R0, R6),
		EXIT(),
		/* sub(p): *p *= 10 */
		LDX(DW, R2, R1, 0),
		ALU64_K(MUL, R2, 10),
		STX(DW, R1, R2, 0),
		MOV64_K(R0, 0),
		EXIT(),
	};
	/* frames that differ, and frames all alike (one shared frame) */
	static const u32 starts[] = { 0, 8 }, depths[2][2] = { { 16, 0 },
							       { 16, 16 } };
	struct xbpf_interp_prog prog = test_prog(insns);
	u8 ctx[64] = { 0 };
	unsigned int d;

	for (d = 0; d < 2; d++) {
		u32 off[2] = { 99, 0 };
		struct xbpf_jit_opts opts = {
			.func_insn = starts, .func_depth = depths[d],
			.func_off = off, .nr_funcs = 2,
		};
		struct image im;
		u64 want, got = 0;
		int n;

		want = run_interp(&prog, ctx);
		n = image_jit(&im, &prog, ARRAY_SIZE(insns), 16, &opts);
		if (n > 0)
			got = image_run(&im, ctx);
		test_result(n > 0 && got == want && want == 127 &&
			    off[0] == 0 && off[1] > 0 && (int)off[1] < n,
			    "jit: per-function frames %u/%u: result %llu (want %llu), function at %u",
			    depths[d][0], depths[d][1],
			    (unsigned long long)got, (unsigned long long)want,
			    off[1]);
		if (n > 0)
			image_free(&im);
	}
}

/*
 * Per-function saved registers: main lives in R6-R9 across calls to a
 * subprogram that uses R7 (with two exits, each its own epilogue) and one
 * that uses none; each function saves only what it uses, so the leaf's
 * prologue is the shortest, and main's registers survive.
 */
static void test_func_saved(void)
{
	static const struct bpf_insn insns[] = {
		MOV64_K(R6, 6),
		MOV64_K(R7, 7),
		MOV64_K(R8, 8),
		MOV64_K(R9, 9),
		MOV64_K(R1, 3),
		CALL_PC(11),			/* f(3) */
		MOV64_X(R1, R0),
		CALL_PC(16),			/* g(f(3)) */
		ALU64_X(ADD, R0, R6),
		ALU64_X(ADD, R0, R7),
		ALU64_X(ADD, R0, R8),
		ALU64_X(ADD, R0, R9),
		MOV64_K(R1, 1000),
		MOV64_X(R7, R0),
		CALL_PC(2),			/* f(1000): the other exit */
		ALU64_X(ADD, R0, R7),
		EXIT(),
		/* f(a): r7 = a * 2; a > 100 ? 1 : r7 + 1 */
		MOV64_X(R7, R1),
		ALU64_K(MUL, R7, 2),
		MOV64_K(R0, 1),
		JMP_K(JGT, R1, 100, 2),
		MOV64_X(R0, R7),
		ALU64_K(ADD, R0, 1),
		EXIT(),
		/* g(a) = a * 10 */
		MOV64_X(R0, R1),
		ALU64_K(MUL, R0, 10),
		EXIT(),
	};
	static const u32 starts[] = { 0, 17, 24 }, depths[] = { 0, 0, 0 };
	struct xbpf_interp_prog prog = test_prog(insns);
	u32 off[3] = { 99, 0, 0 };
	struct xbpf_jit_opts opts = {
		.func_insn = starts, .func_depth = depths,
		.func_off = off, .nr_funcs = 3,
	};
	u8 ctx[64] = { 0 };
	struct image im;
	u64 want, got = 0;
	bool leaf;
	int n;

	want = run_interp(&prog, ctx);
	n = image_jit(&im, &prog, ARRAY_SIZE(insns), 0, &opts);
	if (n > 0)
		got = image_run(&im, ctx);
	/*
	 * g: push rbp; mov rbp, rsp (4 bytes), then at once its first
	 * insn, mov rax, rdi: no stack, no register saved
	 */
	leaf = n > 0 && off[2] > off[1] && (int)off[2] + 7 < n &&
	       !memcmp(im.rw + off[2] + 4, "\x48\x89\xf8", 3);
	test_result(n > 0 && got == want && want == 70 + 6 + 7 + 8 + 9 + 1 &&
		    off[1] > 0 && leaf,
		    "jit: per-function saved registers: result %llu (want %llu), leaf saves none: %s",
		    (unsigned long long)got, (unsigned long long)want,
		    leaf ? "yes" : "no");
	if (n > 0)
		image_free(&im);
}

/*
 * ops->skb_inline: loads within a socket buffer's linear data are read in
 * line, the others (past it, in the paged part; SKF_* negative offsets;
 * past the end) call ld_abs, and every result is the interpreter's.
 */
struct fake_skb {
	u64 pad;
	u8 *data;
	u32 len;
	u32 data_len;
};

static unsigned int skb_hook_calls;

static int skb_ld_abs(void *cookie, u64 ctx, s32 off, void *to, u32 size)
{
	const struct fake_skb *skb = (const void *)(unsigned long)ctx;

	skb_hook_calls++;
	/* the paged part holds the same bytes: the hook reads them too */
	if (off < 0 || (u64)off + size > skb->len)
		return -1;
	memcpy(to, skb->data + off, size);
	return 0;
}

static const struct xbpf_interp_ops skb_ops = {
	.ld_abs = skb_ld_abs,
	.skb_inline = true,
	.skb_data = offsetof(struct fake_skb, data),
	.skb_len = offsetof(struct fake_skb, len),
	.skb_data_len = offsetof(struct fake_skb, data_len),
};

static void test_ld_abs_inline(void)
{
	/* linear data: 48 of the 64 bytes */
	static const struct { u8 size; s32 off; bool hook; } cases[] = {
		{ BPF_B, 0, false }, { BPF_H, 12, false }, { BPF_W, 44, false },
		{ BPF_W, 45, true }, { BPF_H, 47, true }, { BPF_B, 48, true },
		{ BPF_W, 60, true }, { BPF_W, 61, true }, { BPF_B, 64, true },
		{ BPF_H, -0x100000, true }, { BPF_W, 0x7ffffffc, true },
	};
	struct fake_skb skb = { 0, packet, 64, 16 };
	unsigned int k, bad = 0, wrong_path = 0;

	for (k = 0; k < ARRAY_SIZE(cases); k++) {
		const struct bpf_insn insns[] = {
			MOV64_X(R6, R1),
			MOV64_K(R7, cases[k].off - 3),
			LD_IND_SZ(cases[k].size, R7, 3),
			MOV64_X(R8, R0),
			LD_ABS_SZ(cases[k].size, 2),
			ALU64_K(LSH, R8, 32),
			ALU64_X(OR, R0, R8),
			EXIT(),
		};
		struct xbpf_interp_prog prog = {
			.insns = insns, .helpers = helpers, .ops = &skb_ops,
		};
		struct image im;
		u64 want, got = ~0ULL;
		int n;

		want = run_interp(&prog, &skb);
		n = image_jit(&im, &prog, ARRAY_SIZE(insns), 0, NULL);
		skb_hook_calls = 0;
		if (n > 0) {
			got = image_run(&im, &skb);
			image_free(&im);
		}
		bad += n <= 0 || got != want;
		/* the LD_ABS at 2 is always in line */
		wrong_path += skb_hook_calls != cases[k].hook;
	}
	test_result(!bad && !wrong_path,
		    "jit: packet loads in line within the linear data, through the hook past it (%u differ, %u took the wrong path)",
		    bad, wrong_path);
}

/*
 * ops->tail_inline: the code reads the prog array's slots itself. A
 * program that counts its runs in ctx and tail-calls through slot idx of
 * a two-slot array: itself in slot 0 runs 1 + 33 times; slot 1 is empty;
 * index 2 is past the end. Both ways agree with the interpreter's hook.
 */
struct fake_parray {
	u64 pad;
	u32 max_entries;
	const void **slots;		/* the interpreter's */
	unsigned long *entries;		/* the JIT's */
};

struct fake_prog {
	u64 hdr[3];
	struct xbpf_jit_prog jp;
};

static int fake_tail_call(void *cookie, u64 map, u32 index,
			  const struct xbpf_interp_prog **target)
{
	const struct fake_parray *pa = (const void *)(unsigned long)map;
	const struct fake_prog *p;

	if (index >= pa->max_entries)
		return 1;
	p = pa->slots[index];
	*target = p ? &p->jp.interp : NULL;
	return 0;
}

static unsigned long stale_guess;

static unsigned long fake_tail_guess(void *cookie, u64 map, u32 key)
{
	return stale_guess;
}

static const struct xbpf_interp_ops tail_ops = {
	.tail_call = fake_tail_call,
	.tail_guess = fake_tail_guess,
	.tail_inline = true,
	.pa_max_entries = offsetof(struct fake_parray, max_entries),
	.pa_entries = offsetof(struct fake_parray, entries),
};

/* The slot of a constant map and index: map is always a fake_parray. */
static const void *fake_tail_slot(void *cookie, u64 map, u32 key,
				  bool *past_end)
{
	const struct fake_parray *pa = (const void *)(unsigned long)map;

	*past_end = key >= pa->max_entries;
	return *past_end ? NULL : &pa->entries[key];
}

static const struct xbpf_interp_ops tail_slot_ops = {
	.tail_call = fake_tail_call,
	.tail_guess = fake_tail_guess,
	.tail_slot = fake_tail_slot,
	.tail_inline = true,
	.pa_max_entries = offsetof(struct fake_parray, max_entries),
	.pa_entries = offsetof(struct fake_parray, entries),
};

/* Is there a jmp rel32 (e9) at some offset of code going to target? */
static bool has_jmp_to(const u8 *code, int n, const u8 *rx,
		       unsigned long target)
{
	int i;
	s32 rel;

	for (i = 0; i + 5 <= n; i++) {
		if (code[i] != 0xe9)
			continue;
		memcpy(&rel, code + i + 1, 4);
		if ((unsigned long)rx + i + 5 + rel == target)
			return true;
	}
	return false;
}

/*
 * Each way, with and without ops->tail_slot, and with a jump landing
 * between the constants and the call (which makes them unknown, so the
 * slot goes unused): the interpreter's results. A known slot makes the
 * code shorter (no index check, or no code at all past the end).
 */
static void test_tail_call_inline(void)
{
	static const s32 idx[] = { 0, 1, 2 };
	static const u64 want[] = { 34, 1, 1 };
	static const struct xbpf_interp_ops *ops[] = {
		&tail_ops, &tail_slot_ops,
	};
	static struct fake_prog fp;
	const void *slots[2] = { &fp, NULL };
	unsigned long entries[2] = { 0 };
	struct fake_parray pa = { 0, 2, slots, entries };
	unsigned int k, f, o, j, bad = 0, shorter = 0;
	int len[2][2];

	for (k = 0; k < ARRAY_SIZE(idx); k++) {
	for (j = 0; j < 2; j++) {
	for (o = 0; o < ARRAY_SIZE(ops); o++) {
		struct bpf_insn insns[] = {
			MOV64_X(R6, R1),
			LDX(DW, R0, R6, 0),
			ALU64_K(ADD, R0, 1),
			STX(DW, R6, R0, 0),
			INSN(BPF_LD | BPF_IMM | BPF_DW, R2, 0, 0,
			     (s32)(u32)(unsigned long)&pa),
			INSN(0, 0, 0, 0, (s32)((unsigned long)&pa >> 32)),
			MOV64_K(R4, 0),	/* or ja +0, with j */
			MOV64_K(R3, idx[k]),
			CALL(BPF_FUNC_tail_call),
			LDX(DW, R0, R6, 0),
			EXIT(),
		};
		struct xbpf_interp_prog prog = {
			.insns = insns, .helpers = helpers, .ops = ops[o],
		};
		u64 ctx[2] = { 0 }, got;
		struct image im;

		if (j)
			insns[6].code = BPF_JMP | BPF_JA;
		memset(&fp, 0, sizeof(fp));
		fp.jp.interp = prog;
		got = run_interp(&prog, ctx);
		bad += got != want[k];
		len[j][o] = 0;
		for (f = 0; f < NR_FLAVOURS; f++) {
			int n = image_jit(&im, &prog, ARRAY_SIZE(insns), 0,
					  &flavours[f]);

			if (n < 0) {
				bad++;
				continue;
			}
			if (!f)
				len[j][o] = n;
			fp.jp = im.jp;
			entries[0] = im.jp.tail_entry;
			ctx[0] = 0;
			got = image_run(&im, ctx);
			bad += got != want[k];
			image_free(&im);
		}
	}
	}
		/* the slot shortens only where nothing lands in between */
		shorter += len[0][1] < len[0][0] && len[1][1] == len[1][0];
	}
	test_result(!bad && shorter == ARRAY_SIZE(idx),
		    "jit: tail calls read the prog array in line: 33 calls, an empty slot, past the end; with a known slot too (%u wrong, %u of %zu shorter)",
		    bad, shorter, ARRAY_SIZE(idx));
}

/*
 * JIT for where the image runs (opts->base), as the module does: direct
 * jumps to guessed tail call targets are made only then.
 */
static int image_jit_at(struct image *im, const struct xbpf_interp_prog *prog,
			u32 len, u32 flags)
{
	struct xbpf_jit_opts opts = { flags };
	int n;

	n = image_jit(im, prog, len, 0, &opts);
	if (n < 0)
		return n;
	opts.base = (unsigned long)im->rx;
	n = xbpf_jit_emit(prog, len, 0, &opts, im->rw, im->size, &im->layout);
	im->jp.tail_entry = (unsigned long)im->rx + im->layout.tail_entry;
	return n;
}

/*
 * Guessed tail call targets: a program that tail-calls itself guesses
 * itself and jumps there directly; a guess gone stale (the slot holds
 * another program now) still ends in the program the slot holds.
 */
static void test_tail_call_guess(void)
{
	static const struct bpf_insn other[] = { MOV64_K(R0, 999), EXIT() };
	static struct fake_prog fp;
	const void *slots[2] = { &fp, NULL };
	unsigned long entries[2] = { 0 };
	struct fake_parray pa = { 0, 2, slots, entries };
	const struct bpf_insn insns[] = {
		MOV64_X(R6, R1),
		LDX(DW, R0, R6, 0),
		ALU64_K(ADD, R0, 1),
		STX(DW, R6, R0, 0),
		INSN(BPF_LD | BPF_IMM | BPF_DW, R2, 0, 0,
		     (s32)(u32)(unsigned long)&pa),
		INSN(0, 0, 0, 0, (s32)((unsigned long)&pa >> 32)),
		MOV64_K(R3, 0),
		CALL(BPF_FUNC_tail_call),
		LDX(DW, R0, R6, 0),
		EXIT(),
	};
	struct xbpf_interp_prog prog = {
		.insns = insns, .helpers = helpers,
	};
	static const struct xbpf_interp_ops *ops[] = {
		&tail_ops, &tail_slot_ops,
	};
	struct xbpf_interp_prog oprog = test_prog(other);
	unsigned int g, f, o, bad = 0, direct = 0;
	struct image im, om;

	if (image_jit_at(&om, &oprog, ARRAY_SIZE(other), 0) < 0) {
		test_result(false, "jit: guessed tail call targets (no image)");
		return;
	}
	for (o = 0; o < ARRAY_SIZE(ops); o++)
	for (g = 0; g < 2; g++) {
		prog.ops = ops[o];
		stale_guess = g ? om.jp.tail_entry : 0;
		for (f = 0; f < NR_FLAVOURS; f++) {
			u64 ctx[2] = { 0 };
			int n;

			memset(&fp, 0, sizeof(fp));
			n = image_jit_at(&im, &prog, ARRAY_SIZE(insns),
					 flavours[f].flags);
			if (n < 0) {
				bad++;
				continue;
			}
			fp.jp = im.jp;
			entries[0] = im.jp.tail_entry;
			/* a direct jmp rel32 to main, in the code */
			direct += !g && has_jmp_to(im.rw, n, im.rx,
						   im.jp.tail_entry);
			bad += image_run(&im, ctx) != 34;
			image_free(&im);
		}
	}
	image_free(&om);
	stale_guess = 0;
	test_result(!bad && direct == 2 * NR_FLAVOURS,
		    "jit: guessed tail call targets, with a known slot or not: itself directly (%u of %u), a stale guess still right (%u wrong)",
		    direct, 2 * NR_FLAVOURS, bad);
}

static void test_retpoline(void)
{
	static const struct bpf_insn insns[] = { CALL(H_SUM), EXIT() };
	static const u8 thunk[] = {
		0xe8, 0x07, 0x00, 0x00, 0x00, 0xf3, 0x90, 0x0f, 0xae, 0xe8,
		0xeb, 0xf9, 0x48, 0x89, 0x04, 0x24, 0xc3, 0xcc,
	};
	struct xbpf_interp_prog prog = test_prog(insns);
	struct xbpf_jit_opts opts = { XBPF_JIT_RETPOLINE };
	static u8 code[256];
	u32 call, thunk_at;
	s32 rel;
	int n;
	bool ok;

	/* endbr64, push rbp, mov rbp, rsp, then rax = h_sum */
	call = 4 + 1 + 3 + ((unsigned long)h_sum == (u32)(unsigned long)h_sum ?
			    5 : 10);
	n = xbpf_jit_emit(&prog, 2, 0, &opts, code, sizeof(code), NULL);
	thunk_at = n - sizeof(thunk);
	memcpy(&rel, code + call + 1, 4);
	ok = n > 0 && code[call] == 0xe8 && call + 5 + rel == thunk_at &&
	     !memcmp(code + thunk_at, thunk, sizeof(thunk));
	n = xbpf_jit_emit(&prog, 2, 0, NULL, code, sizeof(code), NULL);
	ok &= n > 0 && code[call] == 0xff && code[call + 1] == 0xd0 &&
	      (u32)n == thunk_at - 3;
	test_result(ok, "jit: helper calls: call thunk to the image's retpoline, or call *%%rax");
}

/*
 * Jump sizes: a chain of jumps each of which can shrink only after the
 * next did (its distance is 124 bytes plus the next jump), so that the
 * passes give up and pad.
 */
static void test_jump_sizing(void)
{
	static struct bpf_insn chain[40 * 17 + 3];
	static struct bpf_insn mixed[300];
	struct xbpf_interp_prog prog;
	struct xbpf_jit_layout l;
	unsigned int i, j, n = 0;
	bool ok;

	chain[n++] = V(MOV64_K(R0, 0));
	for (i = 0; i < 40; i++) {
		/* over 16 insns, the next jump and 15 insns: 124 bytes + it */
		chain[n++] = V(JA(16 + 1 + 15));
		for (j = 0; j < 16; j++)
			chain[n++] = V(ALU64_K(ADD, R0, 1));
	}
	/* the last one has no next one */
	chain[n - 17] = V(JA(16));
	chain[n++] = V(EXIT());
	prog = test_prog(chain);
	ok = xbpf_jit_emit(&prog, n, 0, NULL, NULL, 0, &l) > 0;
	test_diag("a chain of %u jumps took %u passes", 40, l.passes);
	ok &= l.passes > 16 + 1;
	ok &= diff_area(chain, n, false, 0);
	test_result(ok, "jit: jumps that shrink one per pass: padded once over 16 passes");

	/* near and far, forward and backward, conditional or not */
	n = 0;
	mixed[n++] = V(MOV64_K(R0, 0));
	mixed[n++] = V(MOV64_K(R2, 3));
	mixed[n++] = V(JMP_K(JGT, R2, 2, 130));		/* far forward */
	for (i = 0; i < 130; i++)
		mixed[n++] = V(ALU64_K(ADD, R0, 1000));
	mixed[n++] = V(ALU64_K(ADD, R0, 1));		/* 133: loop */
	mixed[n++] = V(JA(2));
	mixed[n++] = V(EXIT());				/* 135 */
	mixed[n++] = V(JA(-2));				/* 136 */
	for (i = 0; i < 100; i++)
		mixed[n++] = V(ALU64_K(ADD, R0, 0));
	mixed[n++] = V(ALU64_K(SUB, R2, 1));
	mixed[n] = V(JMP_K(JNE, R2, 0, 133 - (n + 1)));	/* far back */
	n++;
	mixed[n] = V(JA(136 - (n + 1)));
	n++;
	prog = test_prog(mixed);
	ok = xbpf_jit_emit(&prog, n, 0, NULL, NULL, 0, &l) > 0;
	test_result(ok && diff_area(mixed, n, true, 3),
		    "jit: near and far jumps, both ways (%u passes)",
		    l.passes);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Code size per flavour for a few programs, and a loop's speed. */
static void test_size_speed(void)
{
	static const struct bpf_insn loop[] = {
		MOV64_K(R0, 0),
		LD64(R2, 100000),
		ALU64_X(ADD, R0, R2),
		ALU64_K(MUL, R0, 3),
		ALU64_K(RSH, R0, 1),
		ALU64_K(SUB, R2, 1),
		JMP_K(JNE, R2, 0, -5),
		EXIT(),
	};
	static const struct bpf_insn filter[] = {
		/* a socket filter's shape: packet loads, a helper, branches */
		MOV64_X(R6, R1),
		LD_ABS(H, 12),
		JMP_K(JNE, R0, 0x0800, 8),
		LD_ABS(B, 23),
		JMP_K(JNE, R0, 6, 6),
		LDX(W, R2, R6, 0),
		ST(W, R10, -4, 0),
		STX(W, R10, R2, -8),
		MOV64_X(R1, R10),
		CALL(H_SUM),
		EXIT(),
		MOV64_K(R0, 0),
		EXIT(),
	};
	static const struct {
		const char *what;
		const struct bpf_insn *insns;
		u32 len;
	} progs[] = {
		{ "loop", loop, ARRAY_SIZE(loop) },
		{ "filter", filter, ARRAY_SIZE(filter) },
	};
	struct xbpf_interp_prog prog;
	double t0, t_interp, t_jit = 1e9;
	unsigned int p, f;
	struct image im;
	u64 a, b = 0;
	int n[NR_FLAVOURS];

	for (p = 0; p < ARRAY_SIZE(progs); p++) {
		prog = test_prog(progs[p].insns);
		for (f = 0; f < NR_FLAVOURS; f++)
			n[f] = xbpf_jit_emit(&prog, progs[p].len, 8,
					     &flavours[f], NULL, 0, NULL);
		test_diag("%s: %u insns, %d bytes plain, %d retpoline, %d blinded, %d both",
			  progs[p].what, progs[p].len, n[0], n[1], n[2],
			  n[3]);
	}
	prog = test_prog(loop);
	t0 = now();
	a = run_interp(&prog, NULL);
	t_interp = now() - t0;
	if (image_jit(&im, &prog, ARRAY_SIZE(loop), 0, &flavours[0]) > 0) {
		t0 = now();
		b = image_run(&im, NULL);
		t_jit = now() - t0;
		image_free(&im);
	}
	test_diag("100000 iterations: interpreter %.3f ms, JIT %.3f ms",
		  t_interp * 1e3, t_jit * 1e3);
	test_result(a == b && t_jit < t_interp,
		    "jit: a loop gives the interpreter's result, faster");
}

static void test_jit_coverage(void)
{
	unsigned int missing = 0, c, w;

	for (c = 0; c < 256; c++) {
		if (opcode_label(c) && !jit_hit_code[c]) {
			test_diag("opcode %s never compared", opcode_label(c));
			missing++;
		}
	}
	test_result(!missing,
		    "coverage: every opcode in insn.def ran on both, agreeing");

	missing = 0;
#define XBPF_ATOMIC(imm, label, form)					\
	for (w = 0; w < 2; w++) {					\
		if (!jit_hit_atomic[w][imm]) {				\
			test_diag("atomic %s (%s) never compared",	\
				  #label, w ? "DW" : "W");		\
			missing++;					\
		}							\
	}
#include "insn.def"
	test_result(!missing,
		    "coverage: every atomic operation in W and DW, agreeing");
}

#define LD_FUNC(d, off)							\
	INSN(BPF_LD | BPF_IMM | BPF_DW, d, BPF_PSEUDO_FUNC, 0, off),	\
	INSN(0, 0, 0, 0, 0)

/* Callbacks, interpreted and JITed, called from C through a pointer. */
static void test_callbacks(void)
{
	static const struct bpf_insn sum[] = {
		ST(DW, R10, -8, 0),
		MOV64_K(R6, 1000),
		MOV64_K(R1, 10),
		LD_FUNC(R2, 9),
		MOV64_X(R3, R10),
		ALU64_K(ADD, R3, -8),
		CALL(H_LOOP),
		LDX(DW, R1, R10, -8),
		ALU64_K(LSH, R1, 10),
		ALU64_X(ADD, R0, R1),
		ALU64_X(ADD, R0, R6),
		EXIT(),
		/* cb(i, ctx): *ctx += i; clobbers r6-r9; stops at i == 6 */
		MOV64_K(R6, 1), MOV64_K(R7, 2), MOV64_K(R8, 3),
		MOV64_K(R9, 4),
		ST(DW, R10, -512, 9),
		LDX(DW, R3, R2, 0),
		ALU64_X(ADD, R3, R1),
		STX(DW, R2, R3, 0),
		MOV64_K(R0, 0),
		JMP_K(JNE, R1, 6, 1),
		MOV64_K(R0, 1),
		EXIT(),
	};
	static const struct bpf_insn nested[] = {
		ST(DW, R10, -8, 0),
		MOV64_K(R1, 5),
		LD_FUNC(R2, 6),
		MOV64_X(R3, R10),
		ALU64_K(ADD, R3, -8),
		CALL(H_LOOP),
		LDX(DW, R0, R10, -8),
		EXIT(),
		/* outer(i, ctx): h_loop(3, inner, ctx); a call; its stack */
		STX(DW, R10, R2, -8),
		MOV64_X(R3, R2),
		MOV64_K(R1, 3),
		LD_FUNC(R2, 7),
		CALL(H_LOOP),
		LDX(DW, R2, R10, -8),
		MOV64_X(R1, R2),
		CALL_PC(9),
		MOV64_K(R0, 0),
		EXIT(),
		/* inner(i, ctx): *ctx += 1 + i * 100 */
		LDX(DW, R3, R2, 0),
		ALU64_K(MUL, R1, 100),
		ALU64_X(ADD, R3, R1),
		ALU64_K(ADD, R3, 1),
		STX(DW, R2, R3, 0),
		MOV64_K(R0, 0),
		EXIT(),
		/* sub(p): *p += 1000000 */
		LDX(DW, R3, R1, 0),
		ALU64_K(ADD, R3, 1000000),
		STX(DW, R1, R3, 0),
		EXIT(),
	};

	/* 7 calls, 0 + ... + 6, r6 kept */
	check("bpf_loop's callback, stopping at the 7th call", sum,
	      ARRAY_SIZE(sum), 7 + (21 << 10) + 1000);
	/* 15 inner calls: 15 + 100 * 5 * 3, and 5 calls of sub */
	check("a callback calling a loop, a subprogram", nested,
	      ARRAY_SIZE(nested), 15 + 1500 + 5000000);
}

/*
 * Store-to-load forwarding: a load from the stack after a store there,
 * in the same straight-line run, is a move from the stored register. All
 * sizes, narrower loads of a wider store, byte registers that need a REX;
 * and where it must not happen: the register changed, an overlapping
 * store, a store through another pointer to the slot, a jump landing on
 * the load, a call that writes the slot. Each against the interpreter,
 * in every flavour; and the forwarded load is not a memory load.
 */
static bool image_has(const struct bpf_insn *insns, u32 len, const u8 *pat,
		      u32 n)
{
	struct xbpf_interp_prog prog = test_prog(insns);
	struct image im;
	bool found = false;
	int size, i;

	size = image_jit(&im, &prog, len, 64, &flavours[0]);
	for (i = 0; size > 0 && i + (int)n <= size; i++)
		found |= !memcmp(im.rw + i, pat, n);
	if (size > 0)
		image_free(&im);
	return found;
}

static void test_stack_forwarding(void)
{
	static const struct bpf_insn sizes[] = {
		LD64(R2, 0x1122334455667788ULL),
		MOV64_K(R1, 0x1ff),
		STX(DW, R10, R2, -8),
		STX(W, R10, R2, -16),
		STX(H, R10, R2, -24),
		STX(B, R10, R1, -32),
		STX(B, R10, R10, -40),
		LDX(DW, R3, R10, -8),
		LDX(W, R4, R10, -8),
		LDX(B, R5, R10, -16),
		LDX(H, R0, R10, -24),
		LDX(B, R1, R10, -32),
		LDX(B, R2, R10, -40),
		ALU64_K(AND, R2, 0),	/* R10's low byte: not for comparing */
		ALU64_X(ADD, R0, R3),
		ALU64_X(ADD, R0, R4),
		ALU64_X(ADD, R0, R5),
		ALU64_X(ADD, R0, R1),
		ALU64_X(ADD, R0, R2),
		EXIT(),
	};
	static const struct bpf_insn changed[] = {
		MOV64_K(R2, 5),
		STX(DW, R10, R2, -8),
		MOV64_K(R2, 7),
		LDX(DW, R1, R10, -8),
		MOV64_X(R0, R1),
		EXIT(),
	};
	static const struct bpf_insn same[] = {
		MOV64_K(R2, 5),
		STX(DW, R10, R2, -8),
		LDX(DW, R1, R10, -8),
		MOV64_X(R0, R1),
		EXIT(),
	};
	static const struct bpf_insn overlap[] = {
		LD64(R2, 0x1111111111111111ULL),
		STX(DW, R10, R2, -8),
		MOV64_K(R3, 0x22),
		STX(B, R10, R3, -7),
		LDX(DW, R0, R10, -8),
		EXIT(),
	};
	static const struct bpf_insn alias[] = {
		LD64(R2, 0x1111111111111111ULL),
		STX(DW, R10, R2, -8),
		MOV64_X(R3, R10),
		ST(B, R3, -8, 0x33),
		LDX(DW, R0, R10, -8),
		EXIT(),
	};
	static const struct bpf_insn landing[] = {
		MOV64_K(R6, 2),
		MOV64_K(R0, 0),
		MOV64_K(R2, 5),
		STX(DW, R10, R2, -8),
		LDX(DW, R3, R10, -8),	/* the loop lands here */
		ALU64_X(ADD, R0, R3),
		MOV64_K(R7, 9),
		STX(DW, R10, R7, -8),
		ALU64_K(ADD, R6, -1),
		JMP_K(JNE, R6, 0, -6),
		EXIT(),
	};
	static const struct bpf_insn call[] = {
		MOV64_K(R6, 5),
		STX(DW, R10, R6, -8),
		MOV64_X(R1, R10),
		ALU64_K(ADD, R1, -8),
		CALL_PC(2),
		LDX(DW, R0, R10, -8),
		EXIT(),
		/* sub: *(u64 *)R1 = 77 */
		ST(DW, R1, 0, 77),
		MOV64_K(R0, 0),
		EXIT(),
	};
	/* mov rdi, [rbp - 8] */
	static const u8 load[] = { 0x48, 0x8b, 0x7d, 0xf8 };

	check("store-to-load forwarding: every size, narrower loads, byte registers",
	      sizes, ARRAY_SIZE(sizes),
	      0x1122334455667788ULL + 0x55667788 + 0x88 + 0x7788 + 0xff);
	check("store-to-load forwarding: not from a register changed since",
	      changed, ARRAY_SIZE(changed), 5);
	check("store-to-load forwarding: not past an overlapping store",
	      overlap, ARRAY_SIZE(overlap), 0x1111111111112211ULL);
	check("store-to-load forwarding: not past a store through another pointer",
	      alias, ARRAY_SIZE(alias), 0x1111111111111133ULL);
	check("store-to-load forwarding: not where a jump lands",
	      landing, ARRAY_SIZE(landing), 5 + 9);
	check("store-to-load forwarding: not past a call that writes the slot",
	      call, ARRAY_SIZE(call), 77);
	test_result(!image_has(same, ARRAY_SIZE(same), load, sizeof(load)) &&
		    image_has(changed, ARRAY_SIZE(changed), load, sizeof(load)),
		    "jit: store-to-load forwarding: the forwarded load is a move, the other a load");
}

/*
 * Leaf inlining: f (pure arithmetic) and g (writes through its pointer
 * argument into the caller's stack) are put in line at their calls; h
 * touches R6 and stays a call, and the caller's R6 survives it. Against
 * the interpreter and the value computed here; the image has a call to
 * h's code and none to f's or g's.
 */
static bool has_call_to(const u8 *code, int n, u32 target)
{
	int i;
	s32 rel;

	for (i = 0; i + 5 <= n; i++) {
		if (code[i] != 0xe8)
			continue;
		memcpy(&rel, code + i + 1, 4);
		if ((s64)i + 5 + rel == (s64)target)
			return true;
	}
	return false;
}

static void test_leaf_inline(void)
{
	static const struct bpf_insn insns[] = {
		MOV64_K(R6, 0),
		MOV64_K(R7, 0),
		MOV64_X(R1, R6),		/* loop: */
		MOV64_X(R2, R7),
		CALL_PC(13),			/* f(i, acc) */
		MOV64_X(R7, R0),
		ALU64_K(ADD, R6, 1),
		JMP_K(JLT, R6, 100, -6),
		ST(DW, R10, -8, 1),
		MOV64_X(R1, R10),
		ALU64_K(ADD, R1, -8),
		CALL_PC(11),			/* g(fp - 8) */
		LDX(DW, R3, R10, -8),
		ALU64_X(ADD, R7, R3),
		CALL_PC(11),			/* h() */
		ALU64_X(ADD, R0, R7),
		ALU64_X(ADD, R0, R6),
		EXIT(),
		/* f(a, b) = (b ^ a) * 3 + 1 */
		MOV64_X(R0, R2),
		ALU64_X(XOR, R0, R1),
		ALU64_K(MUL, R0, 3),
		ALU64_K(ADD, R0, 1),
		EXIT(),
		/* g(p): *p = 5, returns 0 */
		ST(DW, R1, 0, 5),
		MOV64_K(R0, 0),
		EXIT(),
		/* h() = 1000, through R6 */
		MOV64_K(R6, 1000),
		MOV64_X(R0, R6),
		EXIT(),
	};
	static const u32 starts[] = { 0, 18, 23, 26 };
	static const u32 depths[] = { 8, 0, 0, 0 };
	struct xbpf_interp_prog prog = test_prog(insns);
	u32 off[4] = { 0 };
	struct xbpf_jit_opts opts = {
		.func_insn = starts, .func_depth = depths,
		.func_off = off, .nr_funcs = 4,
	};
	u8 ctx[64] = { 0 };
	u64 want = 0, i, in_line, got = 0;
	struct image im;
	int n;

	for (i = 0; i < 100; i++)
		want = (want ^ i) * 3 + 1;
	want += 5 + 1000 + 100;
	in_line = run_interp(&prog, ctx) == want;
	n = image_jit(&im, &prog, ARRAY_SIZE(insns), 8, &opts);
	if (n > 0) {
		got = image_run(&im, ctx);
		in_line &= !has_call_to(im.rw, n, off[1]) &&
			   !has_call_to(im.rw, n, off[2]) &&
			   has_call_to(im.rw, n, off[3]);
		image_free(&im);
	}
	test_result(n > 0 && got == want && in_line,
		    "jit: leaf subprograms in line (%d bytes): result %llu (want %llu), f and g in line, h called: %s", n,
		    (unsigned long long)got, (unsigned long long)want,
		    in_line ? "yes" : "no");
}

void test_jit(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(packet); i++)
		packet[i] = 0x40 + i;
	test_all_opcodes();
	test_contract();
	test_retpoline();
	test_blinding();
	test_matrices();
	test_calls();
	test_func_frames();
	test_func_saved();
	test_ld_abs_inline();
	test_tail_call_inline();
	test_tail_call_guess();
	test_stack_forwarding();
	test_leaf_inline();
	test_callbacks();
	test_tail_calls();
	test_jump_sizing();
	test_size_speed();
	test_jit_coverage();
}
