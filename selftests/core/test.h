/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the host tests of kmod/core/: the result printer, the host
 * side of env.h, and instruction builders.
 */
#ifndef XBPF_TEST_CORE_H
#define XBPF_TEST_CORE_H

#include "env.h"
#include "insn.h"
#include "interp.h"

/* KTAP-ish results: "ok N - name", "not ok N - name", "... # SKIP why". */
void __printf(2, 3) test_result(bool ok, const char *fmt, ...);
void __printf(2, 3) test_skip(const char *why, const char *fmt, ...);
void __printf(1, 2) test_diag(const char *fmt, ...);

/* The label insn.def gives code, or NULL. */
const char *opcode_label(u8 code);

/*
 * What the interpreter reported through env.h's host hooks during the
 * last run: the last xbpf_core_bug() message, and whether the step budget
 * stopped it. Reset by run_prog().
 */
extern const char *host_bug;
extern bool host_budget_hit;

/* Coverage of insn.def by the runs so far: opcodes, and atomics by size. */
extern bool host_hit_code[256];
extern bool host_hit_atomic[2][256];

/* Run insns with the interpreter on a shared scratch area. */
u64 run_prog(const struct xbpf_interp_prog *prog, void *ctx);

void test_opcodes(void);
void test_interp(void);
void test_coverage(void);
void test_disasm(void);
void test_kernel(void);

/* The ALU and jump cases are shared with the differential kernel tests. */
struct alu_case {
	u8 code;
	u64 dst;
	u64 src;	/* the register, or for BPF_K the imm (as s32) */
	u64 want;
};

struct jmp_case {
	u8 code;
	u64 dst;
	u64 src;	/* as for struct alu_case */
	bool taken;
};

extern const struct alu_case alu_cases[];
extern const size_t nr_alu_cases;
extern const struct jmp_case jmp_cases[];
extern const size_t nr_jmp_cases;

/*
 * A program evaluating one case, for both sides of a comparison: r1 = dst,
 * r2 = src, the op, then r0 = r1 (ALU; shifted right by 32 if high) or
 * r0 = taken (jumps). Returns the instruction count.
 */
size_t build_alu_case(struct bpf_insn *insns, u8 code, u64 dst, u64 src,
		      bool high);
size_t build_jmp_case(struct bpf_insn *insns, u8 code, u64 dst, u64 src);

enum { R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10 };

#define INSN(c, d, s, o, i)						\
	{ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) }

#define ALU64_X(op, d, s)	INSN(BPF_ALU64 | BPF_##op | BPF_X, d, s, 0, 0)
#define ALU64_K(op, d, i)	INSN(BPF_ALU64 | BPF_##op | BPF_K, d, 0, 0, i)
#define ALU32_X(op, d, s)	INSN(BPF_ALU | BPF_##op | BPF_X, d, s, 0, 0)
#define ALU32_K(op, d, i)	INSN(BPF_ALU | BPF_##op | BPF_K, d, 0, 0, i)
#define MOV64_X(d, s)		ALU64_X(MOV, d, s)
#define MOV64_K(d, i)		ALU64_K(MOV, d, i)
#define MOV32_X(d, s)		ALU32_X(MOV, d, s)
#define MOV32_K(d, i)		ALU32_K(MOV, d, i)
#define NEG64(d)		INSN(BPF_ALU64 | BPF_NEG, d, 0, 0, 0)
#define NEG32(d)		INSN(BPF_ALU | BPF_NEG, d, 0, 0, 0)
#define ENDIAN(dir, d, bits)	INSN(BPF_ALU | BPF_END | BPF_##dir, d, 0, 0, bits)
#define LD64(d, v)							\
	INSN(BPF_LD | BPF_IMM | BPF_DW, d, 0, 0, (s32)(u32)(u64)(v)),	\
	INSN(0, 0, 0, 0, (s32)(u32)((u64)(v) >> 32))
#define LDX(sz, d, s, o)	INSN(BPF_LDX | BPF_MEM | BPF_##sz, d, s, o, 0)
#define PROBE(sz, d, s, o)	INSN(BPF_LDX | XBPF_PROBE_MEM | BPF_##sz, d, s, o, 0)
#define STX(sz, d, s, o)	INSN(BPF_STX | BPF_MEM | BPF_##sz, d, s, o, 0)
#define ST(sz, d, o, i)		INSN(BPF_ST | BPF_MEM | BPF_##sz, d, 0, o, i)
#define ATOMIC(sz, op, d, s, o)						\
	INSN(BPF_STX | BPF_ATOMIC | BPF_##sz, d, s, o, op)
#define JMP_X(op, d, s, o)	INSN(BPF_JMP | BPF_##op | BPF_X, d, s, o, 0)
#define JMP_K(op, d, i, o)	INSN(BPF_JMP | BPF_##op | BPF_K, d, 0, o, i)
#define JMP32_X(op, d, s, o)	INSN(BPF_JMP32 | BPF_##op | BPF_X, d, s, o, 0)
#define JMP32_K(op, d, i, o)	INSN(BPF_JMP32 | BPF_##op | BPF_K, d, 0, o, i)
#define JA(o)			INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define GOTOL(i)		INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, i)
#define CALL(id)		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define CALL_PC(i)		INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, i)
#define EXIT()			INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define LD_ABS(sz, i)		INSN(BPF_LD | BPF_ABS | BPF_##sz, 0, 0, 0, i)
#define LD_IND(sz, s, i)	INSN(BPF_LD | BPF_IND | BPF_##sz, 0, s, 0, i)
#define LD_ABS_SZ(sz, i)	INSN(BPF_LD | BPF_ABS | (sz), 0, 0, 0, i)
#define LD_IND_SZ(sz, s, i)	INSN(BPF_LD | BPF_IND | (sz), 0, s, 0, i)

#endif /* XBPF_TEST_CORE_H */
