// SPDX-License-Identifier: GPL-2.0
/*
 * Conditional and unconditional jumps: what JMP and JMP32 compare at run
 * time, how a taken or fallen-through branch refines a register (and its
 * copies), branches on constants that leave code unverified, pointer
 * comparisons, and the control-flow checks done before verification.
 */
#include "verifier.h"

static const struct vt_row tests[] = {
{
	.descr = "jmp32 compares only the low halves",
	.insns = {
	BPF_LD_IMM64(BPF_REG_1, 0x100000000ULL),
	BPF_MOV64_IMM(BPF_REG_0, 1),
	BPF_JMP32_IMM(BPF_JEQ, BPF_REG_1, 0, 1),
	BPF_MOV64_IMM(BPF_REG_0, 2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(1),
},
{
	.descr = "jmp compares all 64 bits",
	.insns = {
	BPF_LD_IMM64(BPF_REG_1, 0x100000000ULL),
	BPF_MOV64_IMM(BPF_REG_0, 1),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 1),
	BPF_MOV64_IMM(BPF_REG_0, 2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(2),
},
{
	.descr = "-1 is signed-negative and unsigned-large",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_1, -1),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_JMP_IMM(BPF_JSGE, BPF_REG_1, 0, 1),
	BPF_ALU64_IMM(BPF_OR, BPF_REG_0, 1),
	BPF_JMP_IMM(BPF_JLE, BPF_REG_1, 100, 1),
	BPF_ALU64_IMM(BPF_OR, BPF_REG_0, 2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(3),
},
{
	.descr = "jmp32 signed compare looks at bit 31",
	.insns = {
	BPF_LD_IMM64(BPF_REG_1, 0x80000000ULL),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_JMP32_IMM(BPF_JSGE, BPF_REG_1, 0, 1),
	BPF_ALU64_IMM(BPF_OR, BPF_REG_0, 1),
	BPF_JMP_IMM(BPF_JSGE, BPF_REG_1, 0, 1),
	BPF_ALU64_IMM(BPF_OR, BPF_REG_0, 2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(1),
},
{
	.descr = "jset tests any common bit",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_1, 6),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_JMP_IMM(BPF_JSET, BPF_REG_1, 1, 1),
	BPF_ALU64_IMM(BPF_OR, BPF_REG_0, 1),
	BPF_JMP_IMM(BPF_JSET, BPF_REG_1, 5, 1),
	BPF_ALU64_IMM(BPF_OR, BPF_REG_0, 2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(1),
},
{
	/*
	 * gotol: JMP32 | JA takes its offset from imm. What it skips is
	 * reachable from the JNE, else it would be an unreachable insn.
	 */
	.descr = "jmp32 ja jumps by imm",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 1),
	BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 1, 1),
	BPF_RAW_INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, 1),
	BPF_MOV64_IMM(BPF_REG_0, 2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(1),
},
{
	/* The untaken side would read R9, which was never written. */
	.descr = "branch on a constant leaves the other side unverified",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_9, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0),
},
{
	.descr = "jmp32 on a masked subregister: dead branch",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_ALU32_IMM(BPF_AND, BPF_REG_0, 0xff),
	BPF_JMP32_IMM(BPF_JGT, BPF_REG_0, 0xff, 2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
},
{
	/* The helper's result is 64 bits wide as far as 6.1 knows. */
	.descr = "jmp32 bound leaves the upper half unknown",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_JMP32_IMM(BPF_JGT, BPF_REG_0, 7, 3),
	BPF_JMP_IMM(BPF_JGT, BPF_REG_0, 7, 3),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_EXIT_INSN(),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R0 invalid mem access 'scalar'",
},
{
	/* With the upper half known zero, the 32-bit bound is the bound. */
	.descr = "jmp32 bound reaches a zero-extended register",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_MOV32_REG(BPF_REG_0, BPF_REG_0),
	BPF_JMP32_IMM(BPF_JGT, BPF_REG_0, 7, 3),
	BPF_JMP_IMM(BPF_JGT, BPF_REG_0, 7, 3),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_EXIT_INSN(),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
},
{
	.descr = "jeq with a constant register makes the other constant",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_MOV64_IMM(BPF_REG_1, 5),
	BPF_JMP_REG(BPF_JEQ, BPF_REG_0, BPF_REG_1, 2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 5, 1),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
},
{
	.descr = "signed bounds from both sides",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_JMP_IMM(BPF_JSGT, BPF_REG_0, 10, 5),
	BPF_JMP_IMM(BPF_JSLT, BPF_REG_0, -5, 4),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 5),
	BPF_JMP_IMM(BPF_JGT, BPF_REG_0, 15, 3),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_EXIT_INSN(),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
},
{
	.descr = "jne makes the other side a constant",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 3, 2),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 3, 1),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
},
{
	/* The bound is learnt on R1 and must reach R0, its copy. */
	.descr = "bounds learnt on a register reach its copies",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
	BPF_JMP_IMM(BPF_JGT, BPF_REG_1, 7, 3),
	BPF_JMP_IMM(BPF_JGT, BPF_REG_0, 7, 3),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_EXIT_INSN(),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
},
{
	/*
	 * The side not taken (R6 = 0) is walked first and leaves a state
	 * at the join; using R6 as an offset makes it precise there, so the
	 * branch (R6 = 4) is not pruned against it and runs past the value.
	 * The padding earns the join a state of its own.
	 */
	.descr = "a precise register keeps its other value from being pruned",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_MOV64_IMM(BPF_REG_6, 4),
	BPF_MOV64_IMM(BPF_REG_1, 0),
	BPF_MOV64_IMM(BPF_REG_2, 0),
	BPF_MOV64_IMM(BPF_REG_3, 0),
	BPF_MOV64_IMM(BPF_REG_4, 0),
	BPF_MOV64_IMM(BPF_REG_5, 0),
	BPF_MOV64_IMM(BPF_REG_7, 0),
	BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 1),
	BPF_MOV64_IMM(BPF_REG_6, 0),
	VT_LOOKUP_KEY0(),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 40),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.maps = { { VT_ARRAY_48B, { 10 + VT_LOOKUP_MAP_AT } } },
	.result = REJECT,
	.errstr = "invalid access to map value, value_size=48 off=44 size=8",
},
{
	/* As above, but R6 is only returned: the branch is pruned. */
	.descr = "an imprecise register does not stop pruning",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_MOV64_IMM(BPF_REG_6, 4),
	BPF_MOV64_IMM(BPF_REG_1, 0),
	BPF_MOV64_IMM(BPF_REG_2, 0),
	BPF_MOV64_IMM(BPF_REG_3, 0),
	BPF_MOV64_IMM(BPF_REG_4, 0),
	BPF_MOV64_IMM(BPF_REG_5, 0),
	BPF_MOV64_IMM(BPF_REG_7, 0),
	BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 1),
	BPF_MOV64_IMM(BPF_REG_6, 0),
	VT_LOOKUP_KEY0(),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 3),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 40),
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_6),
	BPF_EXIT_INSN(),
	BPF_EXIT_INSN(),
	},
	.maps = { { VT_ARRAY_48B, { 10 + VT_LOOKUP_MAP_AT } } },
	.result = ACCEPT,
	.errstr = "processed 21 insns",
},
{
	.descr = "comparing two stack pointers",
	.insns = {
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
	BPF_MOV64_IMM(BPF_REG_0, 1),
	BPF_JMP_REG(BPF_JGT, BPF_REG_1, BPF_REG_2, 1),
	BPF_MOV64_IMM(BPF_REG_0, 2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(1),
},
{
	/*
	 * 6.1 knows only map values and sockets to be non-NULL, so both
	 * sides of a ctx test are walked, one of them reading R9.
	 */
	.descr = "ctx compared with 0: both sides are walked",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, 1),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_9, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R9 !read_ok",
},
{
	.descr = "compare with an uninitialised register",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_JMP_REG(BPF_JEQ, BPF_REG_0, BPF_REG_5, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R5 !read_ok",
},
{
	.descr = "jump out of range",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_JMP_A(5),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "jump out of range from insn 1 to 7",
},
{
	.descr = "unreachable instruction",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_MOV64_IMM(BPF_REG_0, 1),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "unreachable insn 2",
},
{
	.descr = "jump into the middle of ld_imm64",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
	BPF_LD_IMM64(BPF_REG_0, 1),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "jump into the middle of ldimm64 insn 2",
},
{
	.descr = "last instruction falls off the end",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, -2),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "last insn is not an exit or jmp",
},
{
	.descr = "ja with a non-zero imm",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_RAW_INSN(BPF_JMP | BPF_JA, 0, 0, 0, 1),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "BPF_JA uses reserved fields",
},
{
	.descr = "jeq imm with a source register set",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_RAW_INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, BPF_REG_1, 0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "BPF_JMP/JMP32 uses reserved fields",
},
{
	.descr = "exit encoded as jmp32",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_RAW_INSN(BPF_JMP32 | BPF_EXIT, 0, 0, 0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "unknown opcode 96",
},
};

VT_TABLE(jumps, tests)
