// SPDX-License-Identifier: GPL-2.0
/*
 * The interpreter against hand-computed expectations: whole programs with
 * their return value and the memory they leave, and single ALU and jump
 * instructions on boundary values.
 */
#include <string.h>

#include "test.h"

/* A value no program computes by accident: the prog array of the tests. */
#define PROG_ARRAY	0x7a11ca11
#define NR_SLOTS	4

#define MAX_INSNS	48

struct prog_test {
	const char *name;
	struct bpf_insn insns[MAX_INSNS];
	u64 ret;
	/* R1 points at a copy of mem; it must end up as mem_out. */
	u64 mem[8];
	u64 mem_out[8];
	bool check_mem;
	/* The xbpf_core_bug() the run must report, if any. */
	const char *bug;
	/* The prog array slots; NULL is an empty slot. */
	const struct bpf_insn *slots[NR_SLOTS];
};

/* Helpers, at the indices the programs call. */
static u64 h_sum(u64 a, u64 b, u64 c, u64 d, u64 e)
{
	return a + b + c + d + e;
}

static u64 h_mix(u64 a, u64 b, u64 c, u64 d, u64 e)
{
	return a ^ b << 8 ^ c << 16 ^ d << 24 ^ e << 32;
}

static u64 h_store(u64 a, u64 b, u64 c, u64 d, u64 e)
{
	*(u64 *)(unsigned long)a = b;
	return c;
}

enum { H_SUM = 1, H_MIX, H_STORE };

static const xbpf_helper_fn helpers[] = {
	[H_SUM] = h_sum,
	[H_MIX] = h_mix,
	[H_STORE] = h_store,
};

/* The packet behind every context: byte i is 0xa0 + i. */
static u8 packet[32];
static u64 ctx_mem[8];
static bool bad_ld_abs_ctx;
static struct xbpf_interp_prog slot_progs[NR_SLOTS];
static const struct prog_test *running;

static int tail_call(void *cookie, u64 map, u32 index,
		     const struct xbpf_interp_prog **target)
{
	if (map != PROG_ARRAY || index >= NR_SLOTS)
		return -1;
	*target = running->slots[index] ? &slot_progs[index] : NULL;
	return 0;
}

static int ld_abs(void *cookie, u64 ctx, s32 off, void *to, u32 size)
{
	if (ctx != (unsigned long)ctx_mem)
		bad_ld_abs_ctx = true;
	if (off < 0 || off + size > sizeof(packet))
		return -1;
	memcpy(to, packet + off, size);
	return 0;
}

/* Only the context is readable. */
static int probe_read(void *cookie, void *to, u64 from, u32 size)
{
	u64 start = (unsigned long)ctx_mem;

	if (from < start || from + size > start + sizeof(ctx_mem))
		return -1;
	memcpy(to, (void *)(unsigned long)from, size);
	return 0;
}

static const struct xbpf_interp_ops ops = {
	.tail_call = tail_call,
	.ld_abs = ld_abs,
	.probe_read = probe_read,
};

/* Counts one more run in ctx[0], then tail-calls slot 0. */
#define COUNT_AND_TAIL_CALL						\
	MOV64_X(R6, R1),						\
	LDX(DW, R2, R6, 0),						\
	ALU64_K(ADD, R2, 1),						\
	STX(DW, R6, R2, 0),						\
	MOV64_X(R1, R6),						\
	MOV64_K(R2, PROG_ARRAY),					\
	MOV64_K(R3, 0),							\
	CALL(BPF_FUNC_tail_call),					\
	LDX(DW, R0, R6, 0),						\
	EXIT()

static const struct bpf_insn count_again[] = { COUNT_AND_TAIL_CALL };

static const struct bpf_insn return_42[] = {
	MOV64_K(R0, 42),
	EXIT(),
};

/* Returns what its caller left in r6 and at r10 - 8. */
static const struct bpf_insn read_frame[] = {
	LDX(DW, R0, R10, -8),
	ALU64_X(ADD, R0, R6),
	EXIT(),
};

/* Tail-calls index r7 of the array r8 times, then slot 0. */
#define TAIL_CALL_LOOP(index)						\
	MOV64_X(R6, R1),						\
	MOV64_X(R1, R6),						\
	MOV64_K(R2, PROG_ARRAY),					\
	MOV64_K(R3, index),						\
	CALL(BPF_FUNC_tail_call),					\
	ALU64_K(SUB, R8, 1),						\
	JMP_K(JNE, R8, 0, -6),						\
	MOV64_X(R1, R6),						\
	MOV64_K(R2, PROG_ARRAY),					\
	MOV64_K(R3, 0),							\
	CALL(BPF_FUNC_tail_call),					\
	MOV64_K(R0, 7),							\
	EXIT()

#define ATOMIC_TEST(sz, op, init, operand, old_r0, ret_reg, ret_val, after) \
	{								\
		.name = "atomic: " #sz " " #op,				\
		.insns = {						\
			LD64(R2, operand),				\
			LD64(R0, old_r0),				\
			ATOMIC(sz, op, R1, R2, 8),			\
			MOV64_X(R0, ret_reg),				\
			EXIT(),						\
		},							\
		.ret = ret_val,						\
		.mem = { 0, init },					\
		.mem_out = { 0, after },				\
		.check_mem = true,					\
	}

static const struct prog_test prog_tests[] = {
	{
		.name = "exit returns r0",
		.insns = { MOV64_K(R0, 3), EXIT() },
		.ret = 3,
	},
	{
		.name = "r1 is the context, r10 the top of an aligned stack",
		.insns = {
			LDX(DW, R0, R1, 0),
			MOV64_X(R2, R10),
			ALU64_K(AND, R2, 7),
			ALU64_X(ADD, R0, R2),
			EXIT(),
		},
		.mem = { 77 },
		.ret = 77,
	},
	{
		.name = "ld_imm64 loads 64 bits",
		.insns = { LD64(R0, 0x8123456789abcdefULL), EXIT() },
		.ret = 0x8123456789abcdefULL,
	},
	{
		.name = "ld_imm64 with a negative low half",
		.insns = { LD64(R0, 0x00000001ffffffffULL), EXIT() },
		.ret = 0x00000001ffffffffULL,
	},
	/* Loads zero-extend, stores truncate. */
	{
		.name = "ldx: B H W DW zero-extend",
		.insns = {
			LDX(B, R0, R1, 0),
			LDX(H, R2, R1, 0),
			ALU64_X(ADD, R0, R2),
			LDX(W, R2, R1, 0),
			ALU64_X(ADD, R0, R2),
			LDX(DW, R2, R1, 8),
			ALU64_X(ADD, R0, R2),
			EXIT(),
		},
		.mem = { 0xffffffffffffffffULL, 0x8000000000000000ULL },
		.ret = 0xff + 0xffff + 0xffffffffULL + 0x8000000000000000ULL,
	},
	{
		.name = "ldx: negative offsets",
		.insns = {
			MOV64_X(R2, R1),
			ALU64_K(ADD, R2, 24),
			LDX(B, R0, R2, -8),
			LDX(H, R3, R2, -6),
			ALU64_K(LSH, R3, 8),
			ALU64_X(OR, R0, R3),
			EXIT(),
		},
		.mem = { 0, 0, 0x00000000ddcc0b0aULL },
		.ret = 0xddcc0a,
	},
	{
		.name = "stx: B H W DW store the low bytes",
		.insns = {
			LD64(R2, 0x1122334455667788ULL),
			STX(B, R1, R2, 0),
			STX(H, R1, R2, 8),
			STX(W, R1, R2, 16),
			STX(DW, R1, R2, 24),
			MOV64_K(R0, 0),
			EXIT(),
		},
		.mem = { ~0ULL, ~0ULL, ~0ULL, 0 },
		.mem_out = {
			0xffffffffffffff88ULL, 0xffffffffffff7788ULL,
			0xffffffff55667788ULL, 0x1122334455667788ULL,
		},
		.check_mem = true,
	},
	{
		.name = "st: B H W DW store imm, DW sign-extended",
		.insns = {
			ST(B, R1, 0, -2),
			ST(H, R1, 8, 0x1234),
			ST(W, R1, 16, -2),
			ST(DW, R1, 24, -2),
			ST(DW, R1, 32, 0x7fffffff),
			MOV64_K(R0, 0),
			EXIT(),
		},
		.mem = { 0, 0, 0, 0, 0 },
		.mem_out = {
			0xfe, 0x1234, 0xfffffffe, 0xfffffffffffffffeULL,
			0x7fffffff,
		},
		.check_mem = true,
	},
	{
		.name = "stack: store and load through r10",
		.insns = {
			ST(DW, R10, -8, 5),
			LD64(R2, 0xabcdef0123456789ULL),
			STX(DW, R10, R2, -512),
			LDX(DW, R0, R10, -512),
			LDX(DW, R3, R10, -8),
			ALU64_X(ADD, R0, R3),
			EXIT(),
		},
		.ret = 0xabcdef0123456789ULL + 5,
	},
	{
		/* on the host there is one CPU: the address stays */
		.name = "percpu: this CPU's address of a per-CPU variable",
		.insns = {
			MOV64_X(R2, R1),
			INSN(BPF_ALU64 | XBPF_PERCPU | BPF_K, R2, 0, 0, 0),
			LDX(DW, R0, R2, 8),
			ALU64_X(SUB, R2, R1),
			ALU64_X(ADD, R0, R2),
			EXIT(),
		},
		.mem = { 1, 0x1234 },
		.ret = 0x1234,
	},
	{
		.name = "probe mem: B H W DW read like ldx",
		.insns = {
			PROBE(B, R0, R1, 0),
			PROBE(H, R2, R1, 0),
			ALU64_X(ADD, R0, R2),
			PROBE(W, R2, R1, 0),
			ALU64_X(ADD, R0, R2),
			PROBE(DW, R2, R1, 8),
			ALU64_X(ADD, R0, R2),
			EXIT(),
		},
		.mem = { 0xffffffffffffffffULL, 0x8000000000000000ULL },
		.ret = 0xff + 0xffff + 0xffffffffULL + 0x8000000000000000ULL,
	},
	{
		.name = "probe mem: a fault loads 0",
		.insns = {
			MOV64_K(R2, 16),
			MOV64_K(R0, -1),
			PROBE(DW, R0, R2, 0),
			MOV64_K(R3, -1),
			PROBE(B, R3, R2, 0),
			ALU64_X(OR, R0, R3),
			EXIT(),
		},
		.ret = 0,
	},
	{
		.name = "probe mem: a load straddling the end faults",
		.insns = {
			MOV64_K(R0, -1),
			PROBE(W, R0, R1, 62),
			EXIT(),
		},
		.ret = 0,
	},

	/* Atomics on ctx[1]; the upper half shows what W leaves alone. */
	ATOMIC_TEST(W, BPF_ADD, 0xaaaaaaaaffffffffULL, 0x100000002ULL, 0,
		    R2, 0x100000002ULL, 0xaaaaaaaa00000001ULL),
	ATOMIC_TEST(DW, BPF_ADD, 0xaaaaaaaaffffffffULL, 0x100000002ULL, 0,
		    R2, 0x100000002ULL, 0xaaaaaaac00000001ULL),
	ATOMIC_TEST(W, BPF_AND, 0xaaaaaaaaff00ff00ULL, 0x0ff00ff0ULL, 0,
		    R2, 0x0ff00ff0ULL, 0xaaaaaaaa0f000f00ULL),
	ATOMIC_TEST(DW, BPF_AND, 0xaaaaaaaaff00ff00ULL, 0x0ff00ff0ULL, 0,
		    R2, 0x0ff00ff0ULL, 0x000000000f000f00ULL),
	ATOMIC_TEST(W, BPF_OR, 0xaaaaaaaa00000001ULL, 0xf0000000f0ULL, 0,
		    R2, 0xf0000000f0ULL, 0xaaaaaaaa000000f1ULL),
	ATOMIC_TEST(DW, BPF_OR, 0xaaaaaaaa00000001ULL, 0xf0000000f0ULL, 0,
		    R2, 0xf0000000f0ULL, 0xaaaaaafa000000f1ULL),
	ATOMIC_TEST(W, BPF_XOR, 0xaaaaaaaaffff0000ULL, 0xffffffffffffffffULL,
		    0, R2, 0xffffffffffffffffULL, 0xaaaaaaaa0000ffffULL),
	ATOMIC_TEST(DW, BPF_XOR, 0xaaaaaaaaffff0000ULL, 0xffffffffffffffffULL,
		    0, R2, 0xffffffffffffffffULL, 0x555555550000ffffULL),
	ATOMIC_TEST(W, BPF_ADD | BPF_FETCH, 0xaaaaaaaaffffffffULL, 2, 0,
		    R2, 0xffffffffULL, 0xaaaaaaaa00000001ULL),
	ATOMIC_TEST(DW, BPF_ADD | BPF_FETCH, 0xaaaaaaaaffffffffULL, 2, 0,
		    R2, 0xaaaaaaaaffffffffULL, 0xaaaaaaab00000001ULL),
	ATOMIC_TEST(W, BPF_AND | BPF_FETCH, 0xaaaaaaaaf0f0f0f0ULL,
		    0xffffffff0000ffffULL, 0, R2, 0xf0f0f0f0ULL,
		    0xaaaaaaaa0000f0f0ULL),
	ATOMIC_TEST(DW, BPF_AND | BPF_FETCH, 0xaaaaaaaaf0f0f0f0ULL,
		    0xffffffff0000ffffULL, 0, R2, 0xaaaaaaaaf0f0f0f0ULL,
		    0xaaaaaaaa0000f0f0ULL),
	ATOMIC_TEST(W, BPF_OR | BPF_FETCH, 0xaaaaaaaa80000000ULL, 1, 0,
		    R2, 0x80000000ULL, 0xaaaaaaaa80000001ULL),
	ATOMIC_TEST(DW, BPF_OR | BPF_FETCH, 0xaaaaaaaa80000000ULL,
		    0x100000001ULL, 0, R2, 0xaaaaaaaa80000000ULL,
		    0xaaaaaaab80000001ULL),
	ATOMIC_TEST(W, BPF_XOR | BPF_FETCH, 0xaaaaaaaa0000ffffULL, 0xff, 0,
		    R2, 0xffffULL, 0xaaaaaaaa0000ff00ULL),
	ATOMIC_TEST(DW, BPF_XOR | BPF_FETCH, 0xaaaaaaaa0000ffffULL,
		    0xffffffff000000ffULL, 0, R2, 0xaaaaaaaa0000ffffULL,
		    0x555555550000ff00ULL),
	ATOMIC_TEST(W, BPF_XCHG, 0xaaaaaaaa12345678ULL, 0x1111111187654321ULL,
		    0, R2, 0x12345678ULL, 0xaaaaaaaa87654321ULL),
	ATOMIC_TEST(DW, BPF_XCHG, 0xaaaaaaaa12345678ULL,
		    0x1111111187654321ULL, 0, R2, 0xaaaaaaaa12345678ULL,
		    0x1111111187654321ULL),
	/* cmpxchg compares W operands by their low halves. */
	ATOMIC_TEST(W, BPF_CMPXCHG, 0xaaaaaaaa00000005ULL, 0x1111111100000009ULL,
		    0xffffffff00000005ULL, R0, 5, 0xaaaaaaaa00000009ULL),
	ATOMIC_TEST(DW, BPF_CMPXCHG, 0xaaaaaaaa00000005ULL, 9,
		    0xaaaaaaaa00000005ULL, R0, 0xaaaaaaaa00000005ULL, 9),
	{
		.name = "atomic: cmpxchg mismatch leaves memory, returns it",
		.insns = {
			MOV64_K(R2, 9),
			MOV64_K(R0, 4),
			ATOMIC(DW, BPF_CMPXCHG, R1, R2, 0),
			ATOMIC(W, BPF_CMPXCHG, R1, R2, 8),
			EXIT(),
		},
		.mem = { 5, 0xaaaaaaaa00000006ULL },
		.mem_out = { 5, 0xaaaaaaaa00000006ULL },
		.check_mem = true,
		.ret = 6,
	},
	{
		.name = "atomic: on the stack, off from r10",
		.insns = {
			ST(DW, R10, -16, 40),
			MOV64_K(R2, 2),
			ATOMIC(DW, BPF_ADD, R10, R2, -16),
			ATOMIC(W, BPF_ADD | BPF_FETCH, R10, R2, -16),
			LDX(DW, R0, R10, -16),
			ALU64_X(ADD, R0, R2),
			EXIT(),
		},
		.ret = 44 + 42,
	},

	/* Control flow. */
	{
		.name = "ja: forward, and zero is a no-op",
		.insns = {
			MOV64_K(R0, 1),
			JA(0),
			JA(1),
			MOV64_K(R0, 2),
			EXIT(),
		},
		.ret = 1,
	},
	{
		.name = "ja: backward",
		.insns = {
			MOV64_K(R0, 1),
			JA(2),
			ALU64_K(ADD, R0, 10),
			EXIT(),
			ALU64_K(ADD, R0, 100),
			JA(-4),
		},
		.ret = 111,
	},
	{
		.name = "gotol: imm is the offset, off is ignored",
		.insns = {
			MOV64_K(R0, 1),
			{ .code = BPF_JMP32 | BPF_JA, .off = 5, .imm = 2 },
			ALU64_K(ADD, R0, 10),
			EXIT(),
			ALU64_K(ADD, R0, 100),
			GOTOL(-4),
		},
		.ret = 111,
	},
	{
		.name = "loop: sum 1..10 with a backward conditional jump",
		.insns = {
			MOV64_K(R0, 0),
			MOV64_K(R2, 10),
			ALU64_X(ADD, R0, R2),
			ALU64_K(SUB, R2, 1),
			JMP_K(JNE, R2, 0, -3),
			EXIT(),
		},
		.ret = 55,
	},
	{
		.name = "jump: off counts from the next instruction",
		.insns = {
			MOV64_K(R0, 0),
			JMP_K(JEQ, R0, 0, 1),
			MOV64_K(R0, 1),
			JMP32_K(JEQ, R0, 0, 0),
			EXIT(),
		},
		.ret = 0,
	},

	/* Calls. */
	{
		.name = "helper: r1-r5 in order, result in r0",
		.insns = {
			MOV64_K(R1, 1),
			MOV64_K(R2, 2),
			MOV64_K(R3, 3),
			MOV64_K(R4, 4),
			MOV64_K(R5, 5),
			CALL(H_MIX),
			EXIT(),
		},
		.ret = 1 ^ 2 << 8 ^ 3 << 16 ^ 4ULL << 24 ^ 5ULL << 32,
	},
	{
		.name = "helper: pointer arguments, r6-r9 kept",
		.insns = {
			MOV64_K(R6, 6),
			MOV64_K(R7, 7),
			MOV64_K(R8, 8),
			MOV64_K(R9, 9),
			ALU64_K(ADD, R1, 8),
			MOV64_K(R2, 1234),
			MOV64_K(R3, 100),
			CALL(H_STORE),
			ALU64_X(ADD, R0, R6),
			ALU64_X(ADD, R0, R7),
			ALU64_X(ADD, R0, R8),
			ALU64_X(ADD, R0, R9),
			EXIT(),
		},
		.mem = { 0, 0 },
		.mem_out = { 0, 1234 },
		.check_mem = true,
		.ret = 130,
	},
	{
		/*
		 * The callee gets a stack of its own and may clobber r6-r9;
		 * the caller gets its registers and stack back.
		 */
		.name = "bpf-to-bpf call: own stacks, r6-r9 preserved",
		.insns = {
			MOV64_K(R6, 6),
			MOV64_K(R7, 7),
			MOV64_K(R8, 8),
			MOV64_K(R9, 9),
			ST(DW, R10, -8, 1000),
			MOV64_K(R1, 10),
			CALL_PC(7),
			ALU64_X(ADD, R0, R6),
			ALU64_X(ADD, R0, R7),
			ALU64_X(ADD, R0, R8),
			ALU64_X(ADD, R0, R9),
			LDX(DW, R1, R10, -8),
			ALU64_X(ADD, R0, R1),
			EXIT(),
			/* sub(r1): stack and r6-r9 of its own */
			ST(DW, R10, -8, 500),
			MOV64_K(R6, 0),
			MOV64_K(R7, 0),
			MOV64_K(R8, 0),
			MOV64_K(R9, 0),
			LDX(DW, R0, R10, -8),
			ALU64_X(ADD, R0, R1),
			EXIT(),
		},
		.ret = 510 + 30 + 1000,
	},
	{
		.name = "bpf-to-bpf call: three levels, each with stack",
		.insns = {
			MOV64_K(R6, 1),
			ST(DW, R10, -8, 100),
			CALL_PC(3),
			LDX(DW, R1, R10, -8),
			ALU64_X(ADD, R0, R1),
			EXIT(),
			/* f1 */
			MOV64_K(R6, 2),
			ST(DW, R10, -8, 20),
			CALL_PC(4),
			LDX(DW, R1, R10, -8),
			ALU64_X(ADD, R0, R1),
			ALU64_X(ADD, R0, R6),
			EXIT(),
			/* f2 */
			ST(DW, R10, -8, 3),
			MOV64_K(R6, 0),
			LDX(DW, R0, R10, -8),
			EXIT(),
		},
		.ret = 3 + 20 + 2 + 100,
	},
	{
		.name = "bpf-to-bpf call: backward target",
		.insns = {
			JA(2),
			MOV64_K(R0, 9),
			EXIT(),
			CALL_PC(-3),
			ALU64_K(ADD, R0, 1),
			EXIT(),
		},
		.ret = 10,
	},

	/* Tail calls. */
	{
		.name = "tail call: at most 33, then fall through",
		.insns = { COUNT_AND_TAIL_CALL },
		.slots = { count_again },
		.mem = { 0 },
		.mem_out = { 1 + XBPF_MAX_TAIL_CALL_CNT },
		.check_mem = true,
		.ret = 1 + XBPF_MAX_TAIL_CALL_CNT,
	},
	{
		.name = "tail call: an index beyond the array is not counted",
		.insns = { MOV64_K(R8, 40), TAIL_CALL_LOOP(NR_SLOTS) },
		.slots = { return_42 },
		.ret = 42,
	},
	{
		.name = "tail call: an empty slot is counted",
		.insns = { MOV64_K(R8, 33), TAIL_CALL_LOOP(1) },
		.slots = { return_42 },
		.ret = 7,
	},
	{
		.name = "tail call: 32 to an empty slot leave one",
		.insns = { MOV64_K(R8, 32), TAIL_CALL_LOOP(1) },
		.slots = { return_42 },
		.ret = 42,
	},
	{
		.name = "tail call: the target keeps registers and stack",
		.insns = {
			ST(DW, R10, -8, 0x1200),
			MOV64_K(R6, 0x34),
			MOV64_K(R2, PROG_ARRAY),
			MOV64_K(R3, 2),
			CALL(BPF_FUNC_tail_call),
			MOV64_K(R0, -1),
			EXIT(),
		},
		.slots = { NULL, NULL, read_frame },
		.ret = 0x1234,
	},

	/* Packet loads: byte i of the packet is 0xa0 + i. */
	{
		.name = "ld_abs: B H W in network order",
		.insns = {
			MOV64_X(R6, R1),
			LD_ABS(B, 3),
			MOV64_X(R7, R0),
			LD_ABS(H, 4),
			ALU64_K(LSH, R7, 16),
			ALU64_X(OR, R7, R0),
			LD_ABS(W, 28),
			ALU64_K(LSH, R7, 32),
			ALU64_X(OR, R0, R7),
			EXIT(),
		},
		.ret = 0xa3a4a5bcbdbebfULL,
	},
	{
		.name = "ld_ind: B H W at src + imm, truncated to 32 bits",
		.insns = {
			MOV64_X(R6, R1),
			MOV64_K(R7, 5),
			LD_IND(B, R7, 2),
			MOV64_X(R8, R0),
			MOV64_K(R7, -2),
			LD_IND(H, R7, 4),
			ALU64_K(LSH, R8, 16),
			ALU64_X(OR, R8, R0),
			LD64(R7, 0x100000001ULL),
			LD_IND(W, R7, 0),
			ALU64_K(LSH, R8, 32),
			ALU64_X(OR, R0, R8),
			EXIT(),
		},
		.ret = 0xa7a2a3a1a2a3a4ULL,
	},
	{
		.name = "ld_abs: beyond the packet ends the program with 0",
		.insns = {
			MOV64_X(R6, R1),
			MOV64_K(R0, 99),
			LD_ABS(W, 29),
			MOV64_K(R0, 77),
			EXIT(),
		},
		.ret = 0,
	},
	{
		.name = "ld_abs: a negative offset the hook refuses gives 0",
		.insns = {
			MOV64_X(R6, R1),
			LD_ABS(B, -1),
			MOV64_K(R0, 77),
			EXIT(),
		},
		.ret = 0,
	},
	{
		.name = "ld_ind: beyond the packet ends the program with 0",
		.insns = {
			MOV64_X(R6, R1),
			MOV64_K(R7, 31),
			LD_IND(H, R7, 0),
			MOV64_K(R0, 77),
			EXIT(),
		},
		.ret = 0,
	},
	{
		.name = "ld_abs: a failure in a subprogram returns 0 from it",
		.insns = {
			MOV64_X(R6, R1),
			CALL_PC(2),
			ALU64_K(ADD, R0, 100),
			EXIT(),
			MOV64_K(R0, 5),
			LD_ABS(W, 100),
			MOV64_K(R0, 5),
			EXIT(),
		},
		.ret = 100,
	},

	/* What a verifier refuses: defined, flagged, and safe. */
	{
		.name = "unknown opcode: reported, run returns 0",
		.insns = { MOV64_K(R0, 5), INSN(0xff, 0, 0, 0, 0), EXIT() },
		.bug = "unknown opcode",
		.ret = 0,
	},
	{
		.name = "atomic with an unknown op: reported, run returns 0",
		.insns = {
			MOV64_K(R0, 5),
			ATOMIC(W, BPF_SUB, R1, R0, 0),
			EXIT(),
		},
		.bug = "unknown atomic operation",
		.ret = 0,
	},
	{
		.name = "end with a width Linux refuses leaves dst alone",
		.insns = { MOV64_K(R0, -1), ENDIAN(TO_BE, R0, 8), EXIT() },
		.ret = ~0ULL,
	},
	{
		.name = "div and mod by an immediate zero act as by a register",
		.insns = {
			MOV64_K(R0, 7),
			ALU64_K(DIV, R0, 0),
			MOV64_K(R2, 7),
			ALU64_K(MOD, R2, 0),
			ALU64_X(ADD, R0, R2),
			LD64(R3, 0x500000009ULL),
			ALU32_K(MOD, R3, 0),
			ALU64_X(ADD, R0, R3),
			MOV64_K(R4, 9),
			ALU32_K(DIV, R4, 0),
			ALU64_X(ADD, R0, R4),
			EXIT(),
		},
		.ret = 16,
	},
	{
		.name = "immediate shift counts are masked",
		.insns = {
			MOV64_K(R0, 1),
			ALU64_K(LSH, R0, 65),
			ALU32_K(LSH, R0, 33),
			ALU64_K(RSH, R0, 66),
			ALU32_K(ARSH, R0, 32),
			ALU64_K(ARSH, R0, 64),
			EXIT(),
		},
		.ret = 1,
	},
};

static void setup_slots(const struct prog_test *t)
{
	unsigned int i;

	for (i = 0; i < NR_SLOTS; i++) {
		slot_progs[i] = (struct xbpf_interp_prog) {
			.insns = t->slots[i],
			.helpers = helpers,
			.ops = &ops,
		};
	}
}

static void run_prog_test(const struct prog_test *t)
{
	struct xbpf_interp_prog prog = {
		.insns = t->insns,
		.helpers = helpers,
		.ops = &ops,
	};
	bool ok = true;
	unsigned int i;
	u64 ret;

	running = t;
	setup_slots(t);
	memcpy(ctx_mem, t->mem, sizeof(ctx_mem));
	bad_ld_abs_ctx = false;
	ret = run_prog(&prog, ctx_mem);
	if (ret != t->ret) {
		test_diag("returned %#llx, want %#llx", (unsigned long long)ret,
			  (unsigned long long)t->ret);
		ok = false;
	}
	for (i = 0; t->check_mem && i < ARRAY_SIZE(ctx_mem); i++) {
		if (ctx_mem[i] != t->mem_out[i]) {
			test_diag("ctx[%u] = %#llx, want %#llx", i,
				  (unsigned long long)ctx_mem[i],
				  (unsigned long long)t->mem_out[i]);
			ok = false;
		}
	}
	if (host_bug != t->bug &&
	    (!host_bug || !t->bug || strcmp(host_bug, t->bug))) {
		test_diag("bug report \"%s\", want \"%s\"",
			  host_bug ? host_bug : "", t->bug ? t->bug : "");
		ok = false;
	}
	if (host_budget_hit || bad_ld_abs_ctx) {
		test_diag("%s", host_budget_hit ? "ran away" :
			  "ld_abs hook not given r6");
		ok = false;
	}
	test_result(ok, "interp: %s", t->name);
}

/*
 * A chain of calls nested depth - 1 deep: each function adds 1 to r1 and
 * calls the next, the last returns r1.
 */
static void test_call_depth(unsigned int depth)
{
	struct bpf_insn insns[3 * (XBPF_MAX_CALL_FRAMES + 1)] = {
		MOV64_K(R1, 0),
	};
	struct xbpf_interp_prog prog = {
		.insns = insns,
		.helpers = helpers,
		.ops = &ops,
	};
	struct bpf_insn call[] = {
		CALL_PC(1), EXIT(), ALU64_K(ADD, R1, 1),
	};
	struct bpf_insn last[] = { MOV64_X(R0, R1), EXIT() };
	unsigned int i, n = 1;
	bool overflow = depth > XBPF_MAX_CALL_FRAMES;
	u64 ret;

	for (i = 1; i < depth; i++, n += ARRAY_SIZE(call))
		memcpy(insns + n, call, sizeof(call));
	memcpy(insns + n, last, sizeof(last));

	ret = run_prog(&prog, NULL);
	if (overflow)
		test_result(!ret && host_bug &&
			    !strcmp(host_bug, "call depth exceeded"),
			    "interp: %u frames are refused at run time", depth);
	else
		test_result(ret == depth - 1 && !host_bug,
			    "interp: %u frames run", depth);
}

/* Hand-computed single instructions; see build_alu_case(). */
#define A(cls, op, src, d, s, w) { BPF_##cls | BPF_##op | BPF_##src, d, s, w }
#define A_NEG(cls, d, w) { BPF_##cls | BPF_NEG, d, 0, w }
#define A_END(dir, bits, d, w) { BPF_ALU | BPF_END | BPF_##dir, d, bits, w }

const struct alu_case alu_cases[] = {
	A(ALU64, ADD, X, ~0ULL, 2, 1),
	A(ALU64, SUB, X, 1, 2, ~0ULL),
	A(ALU64, AND, X, 0xff00ff00ff00ff00ULL, 0x0ff00ff00ff00ff0ULL,
	  0x0f000f000f000f00ULL),
	A(ALU64, OR, X, 0xf0, 0x0f00000000000000ULL, 0x0f000000000000f0ULL),
	A(ALU64, LSH, X, 1, 63, 0x8000000000000000ULL),
	A(ALU64, LSH, X, 1, 65, 2),
	A(ALU64, RSH, X, 0x8000000000000000ULL, 63, 1),
	A(ALU64, RSH, X, 0x8000000000000000ULL, 64, 0x8000000000000000ULL),
	A(ALU64, XOR, X, 0xffff0000ffff0000ULL, 0xffffffff00000000ULL,
	  0x0000ffffffff0000ULL),
	A(ALU64, MUL, X, 0x100000001ULL, 0x100000001ULL, 0x200000001ULL),
	A(ALU64, MOV, X, 0, 0x123456789abcdef0ULL, 0x123456789abcdef0ULL),
	A(ALU64, ARSH, X, 0x8000000000000000ULL, 4, 0xf800000000000000ULL),
	A(ALU64, ARSH, X, 0x8000000000000000ULL, 68, 0xf800000000000000ULL),
	A(ALU64, ARSH, X, 0x4000000000000000ULL, 62, 1),
	A(ALU64, DIV, X, 100, 7, 14),
	A(ALU64, DIV, X, ~0ULL, 2, 0x7fffffffffffffffULL),
	A(ALU64, DIV, X, 1234, 0, 0),
	A(ALU64, DIV, X, 0x500000000ULL, 0x100000000ULL, 5),
	A(ALU64, MOD, X, 100, 7, 2),
	A(ALU64, MOD, X, ~0ULL, 0, ~0ULL),
	A(ALU64, MOD, X, 0x500000003ULL, 0x100000000ULL, 3),

	A(ALU64, ADD, K, 1, -1, 0),
	A(ALU64, ADD, K, 0xffffffff, 1, 0x100000000ULL),
	A(ALU64, SUB, K, 0, 1, ~0ULL),
	A(ALU64, SUB, K, 0, -0x80000000LL, 0x80000000ULL),
	A(ALU64, AND, K, ~0ULL, -2, ~1ULL),
	A(ALU64, AND, K, ~0ULL, 0x7fffffff, 0x7fffffff),
	A(ALU64, OR, K, 0, -0x80000000LL, 0xffffffff80000000ULL),
	A(ALU64, LSH, K, 3, 62, 0xc000000000000000ULL),
	A(ALU64, RSH, K, 0xc000000000000000ULL, 62, 3),
	A(ALU64, XOR, K, 0, -1, ~0ULL),
	A(ALU64, MUL, K, 0x7fffffffffffffffULL, 2, ~1ULL),
	A(ALU64, MUL, K, 3, -1, ~2ULL),
	A(ALU64, MOV, K, 5, -1, ~0ULL),
	A(ALU64, MOV, K, 5, 0x7fffffff, 0x7fffffff),
	A(ALU64, ARSH, K, 0xfffffffffffffff0ULL, 2, 0xfffffffffffffffcULL),
	A(ALU64, DIV, K, ~0ULL, -1, 1),
	A(ALU64, DIV, K, 100, -2, 0),
	A(ALU64, DIV, K, 1000, 10, 100),
	A(ALU64, MOD, K, 1000, 7, 6),
	A(ALU64, MOD, K, 5, -1, 5),
	A(ALU64, MOD, K, ~0ULL, -2, 1),
	A_NEG(ALU64, 1, ~0ULL),
	A_NEG(ALU64, 0, 0),
	A_NEG(ALU64, 0x8000000000000000ULL, 0x8000000000000000ULL),

	/* 32-bit: dst's upper half must not show in the result. */
	A(ALU, ADD, X, 0xdeadbeefffffffffULL, 1, 0),
	A(ALU, SUB, X, 0x100000000ULL, 1, 0xffffffff),
	A(ALU, AND, X, 0xffffffffffff0000ULL, 0x0000ffffff00ff00ULL,
	  0xff000000),
	A(ALU, OR, X, 0xffffffff00000000ULL, 1, 1),
	A(ALU, LSH, X, 1, 31, 0x80000000),
	A(ALU, LSH, X, 1, 33, 2),
	A(ALU, LSH, X, 0xffffffff00000001ULL, 4, 0x10),
	A(ALU, RSH, X, 0xffffffff80000000ULL, 31, 1),
	A(ALU, RSH, X, 0xffffffff80000000ULL, 63, 1),
	A(ALU, XOR, X, 0xaaaaaaaa55555555ULL, 0x12345678ffffffffULL,
	  0xaaaaaaaa),
	A(ALU, MUL, X, 0x10000, 0x10000, 0),
	A(ALU, MUL, X, 0xffffffff, 0xffffffff, 1),
	A(ALU, MOV, X, ~0ULL, 0x123456789ULL, 0x23456789),
	A(ALU, ARSH, X, 0x80000000, 4, 0xf8000000),
	A(ALU, ARSH, X, 0x180000000ULL, 36, 0xf8000000),
	A(ALU, ARSH, X, 0xffffffff7fffffffULL, 30, 1),
	A(ALU, DIV, X, 100, 7, 14),
	A(ALU, DIV, X, 0xffffffff, 0x100000000ULL, 0),
	A(ALU, DIV, X, 0x500000064ULL, 10, 10),
	A(ALU, MOD, X, 0x500000064ULL, 7, 2),
	A(ALU, MOD, X, 0x500000064ULL, 0x100000000ULL, 0x64),
	A(ALU, MOD, X, 0xffffffff00000007ULL, 0, 7),

	A(ALU, ADD, K, 0xffffffff, 1, 0),
	A(ALU, ADD, K, 0x100000005ULL, -1, 4),
	A(ALU, SUB, K, 0, 1, 0xffffffff),
	A(ALU, AND, K, 0xffffffff12345678ULL, 0xffff, 0x5678),
	A(ALU, OR, K, 0xffffffff00000000ULL, -1, 0xffffffff),
	A(ALU, LSH, K, 0xffffffff, 16, 0xffff0000),
	A(ALU, RSH, K, 0xffffffff80000000ULL, 31, 1),
	A(ALU, XOR, K, 0xffffffff0000ffffULL, -1, 0xffff0000),
	A(ALU, MUL, K, 0x80000001, 2, 2),
	A(ALU, MOV, K, ~0ULL, -1, 0xffffffff),
	A(ALU, MOV, K, ~0ULL, 0, 0),
	A(ALU, ARSH, K, 0x80000000, 31, 0xffffffff),
	A(ALU, ARSH, K, 0xffffffff40000000ULL, 30, 1),
	A(ALU, DIV, K, 0xffffffff, -1, 1),
	A(ALU, DIV, K, 0x200000064ULL, 7, 14),
	A(ALU, MOD, K, 0xffffffff00000064ULL, 7, 2),
	A(ALU, MOD, K, 0xfffffffe, -1, 0xfffffffe),
	A_NEG(ALU, 1, 0xffffffff),
	A_NEG(ALU, 0x100000000ULL, 0),
	A_NEG(ALU, 0xffffffff80000000ULL, 0x80000000),
	A_END(TO_LE, 16, 0x1122334455667788ULL, 0x7788),
	A_END(TO_LE, 32, 0x1122334455667788ULL, 0x55667788),
	A_END(TO_LE, 64, 0x1122334455667788ULL, 0x1122334455667788ULL),
	A_END(TO_BE, 16, 0x1122334455667788ULL, 0x8877),
	A_END(TO_BE, 32, 0x1122334455667788ULL, 0x88776655),
	A_END(TO_BE, 64, 0x1122334455667788ULL, 0x8877665544332211ULL),
};
const size_t nr_alu_cases = ARRAY_SIZE(alu_cases);

#define J(cls, op, src, d, s, t) { BPF_##cls | BPF_##op | BPF_##src, d, s, t }
#define MIN64 0x8000000000000000ULL
#define MAX64 0x7fffffffffffffffULL

const struct jmp_case jmp_cases[] = {
	J(JMP, JEQ, X, 5, 5, true),
	J(JMP, JEQ, X, 5, 6, false),
	J(JMP, JEQ, X, 0x100000005ULL, 5, false),
	J(JMP, JNE, X, 5, 5, false),
	J(JMP, JNE, X, 0x100000005ULL, 5, true),
	J(JMP, JGT, X, ~0ULL, 1, true),
	J(JMP, JGT, X, 1, ~0ULL, false),
	J(JMP, JGT, X, 5, 5, false),
	J(JMP, JGE, X, 5, 5, true),
	J(JMP, JGE, X, 4, 5, false),
	J(JMP, JGE, X, MIN64, MAX64, true),
	J(JMP, JLT, X, 1, ~0ULL, true),
	J(JMP, JLT, X, 5, 5, false),
	J(JMP, JLE, X, 5, 5, true),
	J(JMP, JLE, X, 6, 5, false),
	J(JMP, JSGT, X, ~0ULL, 1, false),
	J(JMP, JSGT, X, 1, ~0ULL, true),
	J(JMP, JSGT, X, MAX64, MIN64, true),
	J(JMP, JSGE, X, ~0ULL, ~0ULL, true),
	J(JMP, JSGE, X, MIN64, MAX64, false),
	J(JMP, JSLT, X, MIN64, 0, true),
	J(JMP, JSLT, X, 0, MIN64, false),
	J(JMP, JSLE, X, ~0ULL, 0, true),
	J(JMP, JSLE, X, 0, ~0ULL, false),
	J(JMP, JSLE, X, 5, 5, true),
	J(JMP, JSET, X, 0x100000000ULL, 0x100000000ULL, true),
	J(JMP, JSET, X, 0x100000000ULL, 0xffffffff, false),

	/* imm is sign-extended to 64 bits. */
	J(JMP, JEQ, K, ~0ULL, -1, true),
	J(JMP, JEQ, K, 0xffffffff, -1, false),
	J(JMP, JNE, K, 0xffffffff, -1, true),
	J(JMP, JNE, K, 7, 7, false),
	J(JMP, JGT, K, ~1ULL, -1, false),
	J(JMP, JGT, K, 0xffffffff, 0x7fffffff, true),
	J(JMP, JGE, K, ~0ULL, -1, true),
	J(JMP, JGE, K, 0xffffffff, -1, false),
	J(JMP, JLT, K, 0xffffffff, -1, true),
	J(JMP, JLT, K, 0, 0, false),
	J(JMP, JLE, K, MIN64, -1, true),
	J(JMP, JLE, K, 1, 0, false),
	J(JMP, JSGT, K, 0, -1, true),
	J(JMP, JSGT, K, ~1ULL, -1, false),
	J(JMP, JSGE, K, ~0ULL, -1, true),
	J(JMP, JSGE, K, 0x80000000, -0x80000000LL, true),
	J(JMP, JSGE, K, 0xffffffff7fffffffULL, -0x80000000LL, false),
	J(JMP, JSLT, K, 0xffffffff80000000ULL, -0x7fffffff, true),
	J(JMP, JSLT, K, 0xffffffff, -1, false),
	J(JMP, JSLE, K, ~0ULL, -1, true),
	J(JMP, JSLE, K, 0, -1, false),
	J(JMP, JSET, K, MIN64, -0x80000000LL, true),
	J(JMP, JSET, K, 0x7fffffff, -0x80000000LL, false),

	/* 32-bit jumps ignore the upper halves. */
	J(JMP32, JEQ, X, 0x100000005ULL, 0x200000005ULL, true),
	J(JMP32, JEQ, X, 5, 6, false),
	J(JMP32, JNE, X, 0x100000005ULL, 5, false),
	J(JMP32, JNE, X, 0x100000005ULL, 0x100000006ULL, true),
	J(JMP32, JGT, X, 0x80000000, 0x7fffffff, true),
	J(JMP32, JGT, X, 0x100000001ULL, 2, false),
	J(JMP32, JGE, X, 0xffffffff, 0xffffffff, true),
	J(JMP32, JGE, X, 0x100000000ULL, 1, false),
	J(JMP32, JLT, X, 0x100000000ULL, 1, true),
	J(JMP32, JLT, X, 0xffffffff, 0, false),
	J(JMP32, JLE, X, 0x500000003ULL, 3, true),
	J(JMP32, JLE, X, 4, 3, false),
	J(JMP32, JSGT, X, 0x80000000, 0x7fffffff, false),
	J(JMP32, JSGT, X, 0x7fffffff, 0x80000000, true),
	J(JMP32, JSGT, X, 0xffffffff, 0, false),
	J(JMP32, JSGE, X, 0xffffffff, 0xffffffff, true),
	J(JMP32, JSGE, X, 0x80000000, 0x7fffffff, false),
	J(JMP32, JSLT, X, 0xffffffff, 0, true),
	J(JMP32, JSLT, X, 0x100000000ULL, 0xffffffff, false),
	J(JMP32, JSLE, X, 0x80000000, 0x80000000, true),
	J(JMP32, JSLE, X, 0, 0x80000000, false),
	J(JMP32, JSET, X, 0x100000000ULL, 0x100000000ULL, false),
	J(JMP32, JSET, X, 0x100000003ULL, 2, true),

	J(JMP32, JEQ, K, 0x1ffffffffULL, -1, true),
	J(JMP32, JEQ, K, 0xfffffffe, -1, false),
	J(JMP32, JNE, K, 0x7ffffffffULL, -1, false),
	J(JMP32, JNE, K, 0, -1, true),
	J(JMP32, JGT, K, 0xffffffff, -2, true),
	J(JMP32, JGT, K, 0x100000000ULL, 0, false),
	J(JMP32, JGE, K, 0x80000000, -0x80000000LL, true),
	J(JMP32, JGE, K, 0x7fffffff, -0x80000000LL, false),
	J(JMP32, JLT, K, 0x7fffffff, -0x80000000LL, true),
	J(JMP32, JLT, K, 0xffffffff, -1, false),
	J(JMP32, JLE, K, 0xffffffff, -1, true),
	J(JMP32, JLE, K, 0x100000000ULL, 0, true),
	J(JMP32, JLE, K, 1, 0, false),
	J(JMP32, JSGT, K, 0x7fffffff, -0x80000000LL, true),
	J(JMP32, JSGT, K, 0x80000000, 0x7fffffff, false),
	J(JMP32, JSGE, K, 0xfffffffffffffffeULL, -1, false),
	J(JMP32, JSGE, K, 0x12345678ffffffffULL, -1, true),
	J(JMP32, JSLT, K, 0x80000000, -0x7fffffff, true),
	J(JMP32, JSLT, K, 0, -1, false),
	J(JMP32, JSLE, K, 0xffffffff, -1, true),
	J(JMP32, JSLE, K, 0x7fffffff, 0x7ffffffe, false),
	J(JMP32, JSET, K, 0xffffffff00000000ULL, -1, false),
	J(JMP32, JSET, K, 0x80000000, -0x80000000LL, true),
};
const size_t nr_jmp_cases = ARRAY_SIZE(jmp_cases);

size_t build_alu_case(struct bpf_insn *insns, u8 code, u64 dst, u64 src,
		      bool high)
{
	/* END takes its width from imm even when BPF_X (to_be) is set. */
	const bool imm = BPF_SRC(code) == BPF_K || BPF_OP(code) == BPF_END;
	const struct bpf_insn head[] = {
		LD64(R1, dst),
		LD64(R2, src),
		INSN(code, R1, imm ? 0 : R2, 0,
		     imm && BPF_OP(code) != BPF_NEG ? (s32)src : 0),
		MOV64_X(R0, R1),
	};
	const struct bpf_insn shift = ALU64_K(RSH, R0, 32);
	const struct bpf_insn exit = EXIT();
	size_t n = ARRAY_SIZE(head);

	memcpy(insns, head, sizeof(head));
	if (high)
		insns[n++] = shift;
	insns[n++] = exit;
	return n;
}

size_t build_jmp_case(struct bpf_insn *insns, u8 code, u64 dst, u64 src)
{
	const struct bpf_insn prog[] = {
		LD64(R1, dst),
		LD64(R2, src),
		MOV64_K(R0, 1),
		INSN(code, R1, BPF_SRC(code) == BPF_X ? R2 : 0, 1,
		     BPF_SRC(code) == BPF_K ? (s32)src : 0),
		MOV64_K(R0, 0),
		EXIT(),
	};

	memcpy(insns, prog, sizeof(prog));
	return ARRAY_SIZE(prog);
}

static const char *case_name(u8 code)
{
	return opcode_label(code) ? opcode_label(code) : "?";
}

static void test_alu_cases(void)
{
	struct bpf_insn insns[16];
	struct xbpf_interp_prog prog = { .insns = insns };
	const struct alu_case *c;
	size_t i;
	u64 got;

	for (i = 0; i < nr_alu_cases; i++) {
		c = &alu_cases[i];
		build_alu_case(insns, c->code, c->dst, c->src, false);
		got = run_prog(&prog, NULL);
		if (got != c->want)
			test_diag("dst %#llx src %#llx: got %#llx, want %#llx",
				  (unsigned long long)c->dst,
				  (unsigned long long)c->src,
				  (unsigned long long)got,
				  (unsigned long long)c->want);
		test_result(got == c->want, "alu: %s %#llx, %#llx",
			    case_name(c->code), (unsigned long long)c->dst,
			    (unsigned long long)c->src);
	}
}

static void test_jmp_cases(void)
{
	struct bpf_insn insns[16];
	struct xbpf_interp_prog prog = { .insns = insns };
	const struct jmp_case *c;
	size_t i;
	u64 got;

	for (i = 0; i < nr_jmp_cases; i++) {
		c = &jmp_cases[i];
		build_jmp_case(insns, c->code, c->dst, c->src);
		got = run_prog(&prog, NULL);
		test_result(got == c->taken, "jmp: %s %#llx, %#llx %s",
			    case_name(c->code), (unsigned long long)c->dst,
			    (unsigned long long)c->src,
			    c->taken ? "taken" : "not taken");
	}
}

void test_interp(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(packet); i++)
		packet[i] = 0xa0 + i;
	for (i = 0; i < ARRAY_SIZE(prog_tests); i++)
		run_prog_test(&prog_tests[i]);
	test_call_depth(1);
	test_call_depth(XBPF_MAX_CALL_FRAMES);
	test_call_depth(XBPF_MAX_CALL_FRAMES + 1);
	test_alu_cases();
	test_jmp_cases();
}
