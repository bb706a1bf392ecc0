// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the hand-written seed inputs of fuzz_verifier into a directory:
 * programs the verifier accepts, so that fuzzing starts from the shapes
 * that reach deep into it (map lookups and their null checks, loops,
 * spills and fills, variable offsets, calls, atomics, direct map values).
 * Each file is the 8-byte header fuzz_verifier.c describes, then insns.
 *
 *	gen_seeds DIR
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#define I(c, d, s, o, i) ((struct bpf_insn){ c, d, s, o, i })
#define ALU64_IMM(op, d, i)	I(BPF_ALU64 | BPF_##op | BPF_K, d, 0, 0, i)
#define ALU64_REG(op, d, s)	I(BPF_ALU64 | BPF_##op | BPF_X, d, s, 0, 0)
#define ALU32_IMM(op, d, i)	I(BPF_ALU | BPF_##op | BPF_K, d, 0, 0, i)
#define ALU32_REG(op, d, s)	I(BPF_ALU | BPF_##op | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i)		ALU64_IMM(MOV, d, i)
#define MOV64_REG(d, s)		ALU64_REG(MOV, d, s)
#define EXIT			I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define JA(o)			I(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define JMP_IMM(op, d, i, o)	I(BPF_JMP | BPF_##op | BPF_K, d, 0, o, i)
#define JMP_REG(op, d, s, o)	I(BPF_JMP | BPF_##op | BPF_X, d, s, o, 0)
#define JMP32_IMM(op, d, i, o)	I(BPF_JMP32 | BPF_##op | BPF_K, d, 0, o, i)
#define LDX(sz, d, s, o)	I(BPF_LDX | BPF_MEM | BPF_##sz, d, s, o, 0)
#define STX(sz, d, s, o)	I(BPF_STX | BPF_MEM | BPF_##sz, d, s, o, 0)
#define ST(sz, d, o, i)		I(BPF_ST | BPF_MEM | BPF_##sz, d, 0, o, i)
#define ATOMIC(sz, op, d, s, o)	I(BPF_STX | BPF_ATOMIC | BPF_##sz, d, s, o, op)
#define CALL(f)			I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_##f)
#define CALL_REL(o)		I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, o)
#define LD_IMM64(d, v)		I(BPF_LD | BPF_DW | BPF_IMM, d, 0, 0, (int)(unsigned)(v)), \
				I(0, 0, 0, 0, (int)((unsigned long long)(v) >> 32))
#define LD_MAP(d, fd)		I(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), \
				I(0, 0, 0, 0, 0)
#define LD_MAP_VALUE(d, fd, off) I(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_VALUE, 0, fd), \
				I(0, 0, 0, 0, off)

/* header flags, as in fuzz_verifier.c */
#define F_LOG2		0x01
#define F_LOG_SMALL	0x02
#define F_UNPRIV	0x04
#define F_NARROW	0x08
#define F_STATE_FREQ	0x20
/* header byte 5 */
#define F2_NO_PROLOGUE	0x01

/*
 * Seeds with .prologue are bodies that run after fuzz_verifier's prologue:
 * R1 = R6 = ctx, R7 = a value of array 100 (16 bytes), R8 = the value of
 * array 102 (16 bytes), R9 = fp, fp-8 = 0. The others are whole programs.
 */
struct seed {
	const char *name;
	unsigned char flags;
	bool prologue;
	struct bpf_insn insns[64];
};

/* r2 = fp - 8 holding key k (u64; the array map reads its low u32) */
#define KEY_ON_STACK(k)	ST(DW, 10, -8, k), MOV64_REG(2, 10), ALU64_IMM(ADD, 2, -8)

static const struct seed seeds[] = {
	{ "ret0", 0, false, { MOV64_IMM(0, 0), EXIT } },
	{ "ret0-log", F_LOG2, false, { MOV64_IMM(0, 0), EXIT } },
	{ "ctx-rw", F_LOG2, false, {
		LDX(DW, 2, 1, 8), STX(W, 1, 2, 16), LDX(B, 3, 1, 63),
		STX(H, 1, 3, 62), ALU64_REG(ADD, 2, 3), MOV64_REG(0, 2),
		EXIT } },
	{ "array-lookup", 0, false, {
		KEY_ON_STACK(1), LD_MAP(1, 100), CALL(map_lookup_elem),
		JMP_IMM(JEQ, 0, 0, 3), LDX(DW, 1, 0, 8), STX(DW, 0, 1, 0),
		ST(W, 0, 12, 3), MOV64_IMM(0, 0), EXIT } },
	{ "array-lookup-varoff", F_LOG2, false, {
		MOV64_REG(6, 1), KEY_ON_STACK(3), LD_MAP(1, 100),
		CALL(map_lookup_elem), JMP_IMM(JEQ, 0, 0, 5),
		LDX(B, 1, 6, 0), ALU64_IMM(AND, 1, 7), ALU64_REG(ADD, 0, 1),
		LDX(DW, 2, 0, 0), STX(DW, 0, 2, 0), MOV64_IMM(0, 0), EXIT } },
	{ "hash-update-lookup-delete", 0, false, {
		ST(DW, 10, -16, 77), KEY_ON_STACK(5), MOV64_REG(3, 10),
		ALU64_IMM(ADD, 3, -16), MOV64_IMM(4, 0), LD_MAP(1, 101),
		CALL(map_update_elem), KEY_ON_STACK(5), LD_MAP(1, 101),
		CALL(map_lookup_elem), JMP_IMM(JEQ, 0, 0, 8),
		MOV64_REG(6, 0), KEY_ON_STACK(5), LD_MAP(1, 101),
		CALL(map_delete_elem), LDX(DW, 0, 6, 0), EXIT } },
	{ "hash-lookup-copy-id", F_LOG2, false, {
		KEY_ON_STACK(0), LD_MAP(1, 101), CALL(map_lookup_elem),
		MOV64_REG(6, 0), JMP_IMM(JNE, 0, 0, 2), MOV64_IMM(0, 1),
		EXIT, LDX(DW, 0, 6, 0), ALU64_IMM(ADD, 0, 1),
		STX(DW, 6, 0, 0), EXIT } },
	{ "bounded-loop", 0, false, {
		MOV64_IMM(0, 0), MOV64_IMM(2, 0), ALU64_IMM(ADD, 0, 3),
		ALU64_IMM(ADD, 2, 1), JMP_IMM(JLT, 2, 100, -3), EXIT } },
	{ "ctx-bounded-loop", F_LOG2, false, {
		LDX(B, 2, 1, 5), ALU64_IMM(AND, 2, 15), MOV64_IMM(0, 0),
		JMP_IMM(JLE, 2, 0, 3), ALU64_REG(ADD, 0, 2),
		ALU64_IMM(SUB, 2, 1), JA(-4), EXIT } },
	{ "loop-stack-writes", 0, false, {
		MOV64_IMM(2, 0), MOV64_REG(3, 10), ALU64_IMM(ADD, 3, -64),
		ALU64_REG(ADD, 3, 2), ST(B, 3, 0, 1), ALU64_IMM(ADD, 2, 1),
		JMP_IMM(JLT, 2, 64, -6), LDX(DW, 0, 10, -8), EXIT } },
	{ "spill-fill", 0, false, {
		STX(DW, 10, 1, -8), MOV64_IMM(2, 42), STX(DW, 10, 2, -16),
		LDX(DW, 1, 10, -8), LDX(DW, 3, 10, -16), STX(DW, 1, 3, 0),
		STX(W, 10, 3, -20), LDX(W, 0, 10, -20), EXIT } },
	{ "stack-varoff", F_LOG2, false, {
		LDX(B, 3, 1, 0), ALU64_IMM(AND, 3, 7), MOV64_REG(4, 10),
		ALU64_IMM(ADD, 4, -16), ALU64_REG(ADD, 4, 3), ST(B, 4, 0, 1),
		ST(DW, 10, -32, 0), MOV64_REG(0, 10), ALU64_IMM(ADD, 0, -32),
		ALU64_REG(ADD, 0, 3), LDX(B, 0, 0, 0), EXIT } },
	{ "call-subprog", 0, false, {
		ST(DW, 10, -8, 5), MOV64_REG(1, 10), ALU64_IMM(ADD, 1, -8),
		CALL_REL(3), LDX(DW, 1, 10, -8), ALU64_REG(ADD, 0, 1), EXIT,
		/* subprog: *(u64 *)r1 += 1; return 2 */
		LDX(DW, 2, 1, 0), ALU64_IMM(ADD, 2, 1), STX(DW, 1, 2, 0),
		MOV64_IMM(0, 2), EXIT } },
	{ "call-nested-stack", F_LOG2, false, {
		MOV64_IMM(6, 1), CALL_REL(2), ALU64_REG(ADD, 0, 6), EXIT,
		/* subprog 1: own stack, pass it down */
		ST(DW, 10, -16, 9), MOV64_REG(1, 10), ALU64_IMM(ADD, 1, -16),
		CALL_REL(2), LDX(DW, 0, 10, -16), EXIT,
		/* subprog 2: write through caller's stack pointer */
		ST(DW, 1, 0, 3), MOV64_IMM(0, 0), EXIT } },
	{ "call-ctx-map", 0, false, {
		MOV64_REG(6, 1), CALL_REL(3), LDX(B, 1, 6, 0),
		ALU64_REG(ADD, 0, 1), EXIT,
		/* subprog: lookup in the array */
		KEY_ON_STACK(0), LD_MAP(1, 100), CALL(map_lookup_elem),
		JMP_IMM(JEQ, 0, 0, 1), LDX(W, 0, 0, 4), EXIT } },
	{ "direct-value", F_LOG2, false, {
		LD_MAP_VALUE(1, 102, 4), ST(W, 1, 0, 5), LDX(DW, 2, 1, 4),
		LD_MAP_VALUE(3, 103, 0), LDX(W, 0, 3, 8), ALU64_REG(ADD, 0, 2),
		EXIT } },
	{ "atomics", 0, false, {
		ST(DW, 10, -8, 1), MOV64_IMM(1, 2),
		ATOMIC(DW, BPF_ADD, 10, 1, -8),
		ATOMIC(DW, BPF_ADD | BPF_FETCH, 10, 1, -8),
		MOV64_IMM(0, 3), MOV64_IMM(2, 9),
		ATOMIC(DW, BPF_CMPXCHG, 10, 2, -8),
		ATOMIC(DW, BPF_XCHG, 10, 2, -8),
		LD_MAP_VALUE(3, 102, 0), MOV64_IMM(4, 1),
		ATOMIC(W, BPF_OR | BPF_FETCH, 3, 4, 12), MOV64_REG(0, 4), EXIT } },
	{ "helpers-branches", 0, false, {
		CALL(ktime_get_ns), MOV64_REG(6, 0), CALL(get_prandom_u32),
		JMP_REG(JGT, 0, 6, 2), ALU64_REG(SUB, 6, 0), JA(1),
		ALU64_IMM(MOV, 6, 0), MOV64_REG(0, 6), EXIT } },
	{ "alu32-jmp32-bounds", F_LOG2, false, {
		LDX(W, 2, 1, 4), JMP32_IMM(JGT, 2, 7, 6), MOV64_REG(3, 10),
		ALU64_IMM(ADD, 3, -8), ST(DW, 3, 0, 0), ALU64_REG(ADD, 3, 2),
		LDX(B, 0, 3, 0), EXIT, ALU32_IMM(MOV, 0, 0), EXIT } },
	{ "alu-mix", 0, false, {
		LD_IMM64(2, 0x123456789abcdef0ULL), LDX(DW, 3, 1, 0),
		ALU64_IMM(LSH, 2, 3), ALU64_IMM(RSH, 2, 7),
		ALU64_IMM(ARSH, 2, 1), I(BPF_ALU | BPF_END | BPF_TO_BE, 2, 0, 0, 32),
		I(BPF_ALU64 | BPF_NEG, 2, 0, 0, 0), ALU64_REG(DIV, 2, 3),
		ALU64_REG(MOD, 3, 2), ALU32_REG(MUL, 3, 2), ALU64_REG(XOR, 2, 3),
		ALU32_IMM(ARSH, 3, 5), ALU64_REG(OR, 2, 3), MOV64_REG(0, 2),
		EXIT } },
	{ "value-bounds-arith", 0, false, {
		MOV64_REG(6, 1), KEY_ON_STACK(0), LD_MAP(1, 102),
		CALL(map_lookup_elem), JMP_IMM(JEQ, 0, 0, 9),
		LDX(DW, 1, 6, 8), JMP_IMM(JSGT, 1, 8, 7), JMP_IMM(JSLT, 1, 0, 6),
		ALU64_REG(ADD, 0, 1), LDX(DW, 2, 0, 0), ALU64_IMM(MUL, 2, 3),
		STX(DW, 0, 2, 0), MOV64_IMM(0, 1), EXIT, MOV64_IMM(0, 0),
		EXIT } },
	{ "narrow-ctx", F_NARROW | F_LOG2, false, {
		LDX(B, 0, 1, 3), LDX(H, 2, 1, 10), ALU64_REG(ADD, 0, 2),
		LDX(W, 2, 1, 20), ALU64_REG(ADD, 0, 2), LDX(DW, 2, 1, 24),
		STX(DW, 1, 2, 0), LDX(B, 2, 1, 40), ALU64_REG(ADD, 0, 2), EXIT } },
	{ "narrow-ctx-jumps", F_NARROW, false, {
		LDX(B, 2, 1, 1), JMP_IMM(JEQ, 2, 0, 2), LDX(H, 0, 1, 6),
		JA(1), LDX(B, 0, 1, 9), LDX(B, 3, 1, 17), ALU64_REG(ADD, 0, 3),
		EXIT } },
	{ "unpriv-map", F_UNPRIV | F_LOG2, false, {
		KEY_ON_STACK(2), LD_MAP(1, 100), CALL(map_lookup_elem),
		JMP_IMM(JEQ, 0, 0, 2), ST(DW, 0, 0, 1), LDX(DW, 0, 0, 8),
		MOV64_IMM(0, 0), EXIT } },
	{ "small-log", F_LOG_SMALL | F_LOG2, false, {
		MOV64_IMM(0, 0), MOV64_IMM(1, 0), MOV64_IMM(2, 0),
		JMP_IMM(JGT, 1, 3, 1), ALU64_IMM(ADD, 0, 1), EXIT } },

	/* bodies after the prologue */
	{ "pro-varoff", F_LOG2, true, {
		LDX(B, 1, 6, 0), ALU64_IMM(AND, 1, 15), ALU64_REG(ADD, 7, 1),
		LDX(B, 0, 7, 0), EXIT } },
	{ "pro-spill-fill-precise", F_STATE_FREQ | F_LOG2, true, {
		LDX(B, 1, 6, 1), MOV64_IMM(2, 0), JMP_IMM(JGT, 1, 100, 1),
		MOV64_IMM(2, 8), STX(DW, 10, 2, -16), LDX(DW, 3, 10, -16),
		ALU64_REG(ADD, 7, 3), LDX(DW, 0, 7, 0), MOV64_IMM(0, 0),
		EXIT } },
	{ "pro-spill-fill-via-r9", F_STATE_FREQ, true, {
		LDX(B, 1, 6, 1), MOV64_IMM(2, 0), JMP_IMM(JGT, 1, 100, 1),
		MOV64_IMM(2, 8), STX(DW, 9, 2, -16), LDX(DW, 3, 9, -16),
		ALU64_REG(ADD, 8, 3), LDX(DW, 0, 8, 0), MOV64_IMM(0, 0),
		EXIT } },
	{ "pro-loop-index", F_STATE_FREQ, true, {
		MOV64_IMM(0, 0), MOV64_IMM(2, 0), MOV64_REG(3, 7),
		ALU64_REG(ADD, 3, 2), LDX(B, 4, 3, 0), ALU64_REG(ADD, 0, 4),
		ALU64_IMM(ADD, 2, 1), JMP_IMM(JLT, 2, 16, -6), EXIT } },
	{ "pro-signed-bounds", 0, true, {
		LDX(DW, 1, 6, 8), JMP_IMM(JSGT, 1, 8, 4), JMP_IMM(JSLT, 1, 0, 3),
		ALU64_REG(ADD, 8, 1), ST(DW, 8, 0, 1), LDX(DW, 0, 8, 0),
		MOV64_IMM(0, 0), EXIT } },
	{ "pro-alu32-shift", F_LOG2, true, {
		LDX(W, 1, 6, 4), ALU32_IMM(AND, 1, 3), ALU32_IMM(LSH, 1, 2),
		ALU64_REG(ADD, 7, 1), LDX(W, 0, 7, 0), EXIT } },
	{ "pro-subprog-offset", F_STATE_FREQ, true, {
		MOV64_REG(1, 6), CALL_REL(4), ALU64_REG(ADD, 7, 0),
		LDX(DW, 0, 7, 0), MOV64_IMM(0, 0), EXIT,
		/* subprog: 0 or 8 depending on ctx */
		LDX(B, 2, 1, 2), MOV64_IMM(0, 0), JMP_IMM(JSET, 2, 1, 1),
		MOV64_IMM(0, 8), EXIT } },
	{ "pro-callee-fills-caller-stack", F_STATE_FREQ, true, {
		LDX(B, 1, 6, 3), MOV64_IMM(2, 0), JMP_IMM(JGT, 1, 7, 1),
		MOV64_IMM(2, 8), STX(DW, 10, 2, -16), MOV64_REG(1, 10),
		ALU64_IMM(ADD, 1, -16), MOV64_REG(2, 7), CALL_REL(2),
		MOV64_IMM(0, 0), EXIT,
		/* subprog: *(u64 *)(r2 + *(u64 *)r1) */
		LDX(DW, 3, 1, 0), ALU64_REG(ADD, 2, 3), LDX(DW, 0, 2, 0),
		EXIT } },
	{ "pro-zero-var-stack", 0, true, {
		ST(DW, 10, -16, 0), LDX(B, 3, 6, 0), ALU64_IMM(AND, 3, 7),
		MOV64_REG(4, 10), ALU64_IMM(ADD, 4, -16), ALU64_REG(ADD, 4, 3),
		MOV64_IMM(5, 0), STX(B, 4, 5, 0), LDX(DW, 2, 10, -16),
		ALU64_REG(ADD, 7, 2), LDX(DW, 0, 7, 8), EXIT } },
	{ "pro-atomic-fetch-offset", 0, true, {
		ST(DW, 10, -16, 4), MOV64_IMM(1, 0),
		ATOMIC(DW, BPF_ADD | BPF_FETCH, 10, 1, -16),
		ALU64_IMM(AND, 1, 7), ALU64_REG(ADD, 7, 1), LDX(DW, 0, 7, 0),
		EXIT } },
	{ "pro-ptr-sub", F_LOG2, true, {
		MOV64_REG(2, 7), ALU64_IMM(ADD, 2, 8), ALU64_REG(SUB, 2, 7),
		ALU64_IMM(AND, 2, 8), ALU64_REG(ADD, 8, 2), LDX(DW, 0, 8, 0),
		EXIT } },
	{ "pro-hash-update-value", 0, true, {
		MOV64_REG(2, 9), ALU64_IMM(ADD, 2, -8), MOV64_REG(3, 7),
		MOV64_IMM(4, 0), LD_MAP(1, 101), CALL(map_update_elem),
		LDX(DW, 0, 7, 8), EXIT } },
	{ "pro-jmp32-refine", F_LOG2, true, {
		LDX(DW, 1, 6, 16), JMP32_IMM(JSGT, 1, 12, 4),
		JMP32_IMM(JSLT, 1, 0, 3), ALU32_REG(MOV, 1, 1),
		ALU64_REG(ADD, 7, 1), LDX(W, 0, 7, 0), MOV64_IMM(0, 0), EXIT } },
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		const struct seed *s = &seeds[i];
		unsigned char hdr[8] = { s->flags, 0x10, (unsigned char)i, 0,
					 0, s->prologue ? 0 : F2_NO_PROLOGUE };
		char path[4096];
		size_t n = 64;
		FILE *f;

		while (n && !s->insns[n - 1].code && !s->insns[n - 1].imm &&
		       !s->insns[n - 1].dst_reg && !s->insns[n - 1].src_reg &&
		       !s->insns[n - 1].off)
			n--;
		snprintf(path, sizeof(path), "%s/seed-%s", argv[1], s->name);
		f = fopen(path, "wb");
		if (!f || fwrite(hdr, 1, 8, f) != 8 ||
		    fwrite(s->insns, sizeof(s->insns[0]), n, f) != n ||
		    fclose(f)) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	return 0;
}
