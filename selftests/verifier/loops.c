// SPDX-License-Identifier: GPL-2.0
/*
 * Loops: bounded loops are walked iteration by iteration and accepted;
 * a loop whose state repeats exactly is an infinite loop; one that never
 * repeats but never ends either runs into the limit of a million
 * processed instructions. Also a long straight-line program. How many
 * instructions the walk took is part of each accepted row: it shows the
 * loop was walked, and pruned, the way 6.1 does it.
 */
#include "verifier.h"

/* r0 = 0, then r0 += 1 until just before the end: 60000 insns in all. */
#define LONG_LEN 60000

static int fill_long(struct bpf_insn *insns)
{
	int i;

	insns[0] = BPF_MOV64_IMM(BPF_REG_0, 0);
	for (i = 1; i < LONG_LEN - 1; i++)
		insns[i] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1);
	insns[i++] = BPF_EXIT_INSN();
	return i;
}

static const struct vt_row tests[] = {
{
	.descr = "loop summing 0..9",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_MOV64_IMM(BPF_REG_1, 0),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
	BPF_JMP_IMM(BPF_JLT, BPF_REG_1, 10, -3),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	.errstr = "processed 33 insns",
	RETVAL(45),
},
{
	.descr = "loop of 1000 iterations",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_MOV64_IMM(BPF_REG_1, 0),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 3),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
	BPF_JMP_IMM(BPF_JLT, BPF_REG_1, 1000, -3),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	.errstr = "processed 3003 insns",
	RETVAL(3000),
},
{
	.descr = "jmp32 loop counting down",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_MOV32_IMM(BPF_REG_1, 500),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
	BPF_ALU32_IMM(BPF_SUB, BPF_REG_1, 1),
	BPF_JMP32_IMM(BPF_JNE, BPF_REG_1, 0, -3),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	.errstr = "processed 1503 insns",
	RETVAL(500),
},
{
	.descr = "loop from an unknown start",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 0xff),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
	BPF_JMP_IMM(BPF_JLT, BPF_REG_0, 300, -2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	.errstr = "processed 858 insns",
	RETVAL(300),
},
{
	.descr = "loop with a map lookup in each iteration",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_6, 0),
	BPF_MOV64_IMM(BPF_REG_7, 0),
	VT_LOOKUP_KEY0(),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
	BPF_LDX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, 0),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_7, BPF_REG_1),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_6, 1),
	BPF_JMP_IMM(BPF_JLT, BPF_REG_6, 4, -11),
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_7),
	BPF_EXIT_INSN(),
	},
	.maps = { { VT_HASH_48B, { 2 + VT_LOOKUP_MAP_AT } } },
	.result = ACCEPT,
	.errstr = "processed 54 insns",
	RETVAL(4),
},
{
	.descr = "loop filling a stack buffer",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_1, 0),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -64),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_1),
	BPF_STX_MEM(BPF_B, BPF_REG_2, BPF_REG_1, 0),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
	BPF_JMP_IMM(BPF_JLT, BPF_REG_1, 64, -6),
	BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_10, -54),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	.errstr = "processed 387 insns",
	RETVAL(10),
},
{
	.descr = "jump to itself",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_JMP_A(-1),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "infinite loop detected at insn 1",
},
{
	/* Nothing changes between iterations, so the state repeats. */
	.descr = "loop waiting on a register it never changes",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 1),
	BPF_JMP_A(-2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "infinite loop detected at insn 2",
},
{
	/* An unknown minus one is as unknown as before. */
	.descr = "loop counting an unknown down to 0",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
	BPF_ALU64_IMM(BPF_SUB, BPF_REG_1, 1),
	BPF_JMP_IMM(BPF_JNE, BPF_REG_1, 0, -2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "infinite loop detected at insn 3",
},
{
	.descr = "loop too long to verify",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_1, 0),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
	BPF_JMP_IMM(BPF_JLT, BPF_REG_1, 1000000, -2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = E2BIG,
	.errstr = "BPF program is too large. Processed 1000001 insn",
},
{
	.descr = "straight-line program of 60000 insns",
	.fill = fill_long,
	.result = ACCEPT,
	.errstr = "processed 60000 insns",
	RETVAL(LONG_LEN - 2),
},
};

VT_TABLE(loops, tests)
