// SPDX-License-Identifier: GPL-2.0
/*
 * The stack: spilling and filling registers (pointers must go whole,
 * scalars may be narrow and keep their value), what root may read
 * uninitialised (everything: CAP_PERFMON), alignment, the 512-byte limit,
 * variable offsets and atomics on stack slots.
 */
#include "verifier.h"

/*
 * Precision across a fill through a register other than r10. r7 is a
 * 48-byte map value; the slot fp-16 holds 40 on one branch and @far on the
 * other, and the filled value is added to r7 and dereferenced. With
 * BPF_F_TEST_STATE_FREQ the second branch meets a checkpoint at the spill,
 * where only a precise fp-16 (or r2) tells the two apart.
 */
#define VT_FILL_PRECISION(far)						\
	VT_LOOKUP_KEY0(),						\
	BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),				\
	BPF_MOV64_IMM(BPF_REG_0, 0),					\
	BPF_EXIT_INSN(),						\
	BPF_MOV64_REG(BPF_REG_7, BPF_REG_0),				\
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),			\
	BPF_MOV64_IMM(BPF_REG_2, far),					\
	BPF_JMP_IMM(BPF_JGT, BPF_REG_0, 100, 1),			\
	BPF_MOV64_IMM(BPF_REG_2, 40),					\
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -16)
#define VT_FILL_VIA_COPY_OF_FP						\
	BPF_MOV64_REG(BPF_REG_9, BPF_REG_10),				\
	BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_9, -16),		\
	BPF_ALU64_REG(BPF_ADD, BPF_REG_7, BPF_REG_3),			\
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_7, 0),			\
	BPF_MOV64_IMM(BPF_REG_0, 0),					\
	BPF_EXIT_INSN()
#define VT_FILL_IN_CALLEE						\
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),				\
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -16),				\
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_7),				\
	BPF_CALL_REL(2),						\
	BPF_MOV64_IMM(BPF_REG_0, 0),					\
	BPF_EXIT_INSN(),						\
	BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, 0),			\
	BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_3),			\
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_2, 0),			\
	BPF_EXIT_INSN()
#define VT_FILL_XBPF_ONLY						\
	"Linux 6.1 does not track precision through such a fill and "	\
	"accepts the out-of-bounds read"

static const struct vt_row tests[] = {
{
	.descr = "spill and fill a scalar",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_1, 42),
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(42),
},
{
	.descr = "spill and fill ctx keeps the pointer",
	.insns = {
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
	BPF_MOV64_IMM(BPF_REG_1, 0),
	BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_2, offsetof(struct __sk_buff, len)),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(50),
},
{
	.descr = "st of an immediate, then a narrow read",
	.insns = {
	BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 7),
	BPF_ST_MEM(BPF_W, BPF_REG_10, -8, 0x1000),
	BPF_LDX_MEM(BPF_H, BPF_REG_0, BPF_REG_10, -4),
	BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, -7),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0x17),
},
{
	.descr = "reading uninitialised stack is allowed with CAP_PERFMON",
	.insns = {
	BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -64),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0),
},
{
	.descr = "the lowest slot, fp-512, is usable",
	.insns = {
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -512, 5),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -512),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(5),
},
{
	.descr = "write below the 512-byte stack",
	.insns = {
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -520, 0),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "invalid write to stack R10 off=-520 size=8",
},
{
	.descr = "write at the frame pointer",
	.insns = {
	BPF_ST_MEM(BPF_DW, BPF_REG_10, 0, 0),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "invalid write to stack R10 off=0 size=8",
},
{
	.descr = "misaligned load through a stack pointer",
	.insns = {
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -4),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "misaligned stack access off (0x0; 0x0)+-4+0 size 8",
},
{
	/* Stack slots are aligned even where the CPU would not care. */
	.descr = "misaligned stack store",
	.insns = {
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -12, 0),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "misaligned stack access off (0x0; 0x0)+0+-12 size 8",
},
{
	.descr = "narrow fill of a spilled pointer",
	.insns = {
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_10, -8),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "invalid size of register fill",
},
{
	.descr = "narrow spill of a pointer",
	.insns = {
	BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, -8),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "invalid size of register spill",
},
{
	.descr = "a byte store over a spilled pointer leaves a scalar",
	.insns = {
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
	BPF_ST_MEM(BPF_B, BPF_REG_10, -8, 0),
	BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_2, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R2 invalid mem access 'scalar'",
},
{
	/* The fill is the known constant, so the deref is dead. */
	.descr = "32-bit spill and fill of a constant keeps it",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_1, 5),
	BPF_STX_MEM(BPF_W, BPF_REG_10, BPF_REG_1, -8),
	BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_10, -8),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 5, 1),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_2, 0),
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(5),
},
{
	/* Only a fill of the spill's own size and offset keeps it. */
	.descr = "fill of half a spilled constant is unknown",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_1, 5),
	BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
	BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_10, -4),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 0, 1),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_2, 0),
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_2),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R2 invalid mem access 'scalar'",
},
{
	.descr = "st of a non-zero immediate is tracked as a constant",
	.insns = {
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 7),
	BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_2, 7, 1),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_2, 0),
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(7),
},
{
	.descr = "variable-offset stack write and read",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 8),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, -16),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_0),
	BPF_MOV64_IMM(BPF_REG_3, 9),
	BPF_STX_MEM(BPF_DW, BPF_REG_2, BPF_REG_3, 0),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_2, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(9),
},
{
	.descr = "variable-offset stack write reaching above the frame",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 15),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, -8),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_0),
	BPF_ST_MEM(BPF_B, BPF_REG_2, 0, 1),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "invalid variable-offset write to stack R2",
},
{
	/* Refused already at the addition, before any access. */
	.descr = "adding an unbounded scalar to the frame pointer",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_2, BPF_REG_0),
	BPF_ST_MEM(BPF_B, BPF_REG_2, -8, 1),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "math between fp pointer and register with unbounded min value is not allowed",
},
{
	.descr = "atomic add and fetch_add on a stack slot",
	.insns = {
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 1),
	BPF_MOV64_IMM(BPF_REG_1, 2),
	BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_10, BPF_REG_1, -8),
	BPF_MOV64_IMM(BPF_REG_1, 10),
	BPF_ATOMIC_OP(BPF_DW, BPF_ADD | BPF_FETCH, BPF_REG_10, BPF_REG_1, -8),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
	BPF_ALU64_IMM(BPF_MUL, BPF_REG_1, 100),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(313),
},
{
	.descr = "atomic cmpxchg on a stack slot",
	.insns = {
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 1),
	BPF_MOV64_IMM(BPF_REG_0, 1),
	BPF_MOV64_IMM(BPF_REG_1, 5),
	BPF_ATOMIC_OP(BPF_DW, BPF_CMPXCHG, BPF_REG_10, BPF_REG_1, -8),
	BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),
	BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 10),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(15),
},
{
	/* Atomics must be 32 or 64 bits wide. */
	.descr = "atomic add of a byte",
	.insns = {
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 1),
	BPF_MOV64_IMM(BPF_REG_1, 2),
	BPF_ATOMIC_OP(BPF_B, BPF_ADD, BPF_REG_10, BPF_REG_1, -8),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "unknown opcode d3",
},
{
	.descr = "fill through a copy of r10: both spilled values in bounds",
	.insns = { VT_FILL_PRECISION(32), VT_FILL_VIA_COPY_OF_FP },
	.maps = { { VT_ARRAY_48B, { VT_LOOKUP_MAP_AT } } },
	.prog_flags = BPF_F_TEST_STATE_FREQ,
	.result = ACCEPT,
	RETVAL(0),
},
{
	.descr = "fill through a copy of r10 keeps the slot precise",
	.insns = { VT_FILL_PRECISION(48), VT_FILL_VIA_COPY_OF_FP },
	.maps = { { VT_ARRAY_48B, { VT_LOOKUP_MAP_AT } } },
	.prog_flags = BPF_F_TEST_STATE_FREQ,
	.result = REJECT,
	.errstr = "invalid access to map value, value_size=48 off=48 size=8",
	.xbpf_only = VT_FILL_XBPF_ONLY,
},
{
	.descr = "fill in a callee: both spilled values in bounds",
	.insns = { VT_FILL_PRECISION(32), VT_FILL_IN_CALLEE },
	.maps = { { VT_ARRAY_48B, { VT_LOOKUP_MAP_AT } } },
	.result = ACCEPT,
	RETVAL(0),
},
{
	.descr = "fill in a callee through a pointer to the caller's slot keeps it precise",
	.insns = { VT_FILL_PRECISION(48), VT_FILL_IN_CALLEE },
	.maps = { { VT_ARRAY_48B, { VT_LOOKUP_MAP_AT } } },
	.result = REJECT,
	.errstr = "invalid access to map value, value_size=48 off=48 size=8",
	.xbpf_only = VT_FILL_XBPF_ONLY,
},
};

VT_TABLE(stack, tests)
