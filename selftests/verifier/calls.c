// SPDX-License-Identifier: GPL-2.0
/*
 * Calls: which helpers a program type may call, the types and sizes the
 * verifier wants in their arguments, R0-R5 clobbered by a call and R6-R9
 * kept; bpf-to-bpf calls, their arguments, results and stack frames.
 */
#include "verifier.h"

/*
 * Pruning inside a callee propagates the caller's precise r6 backwards;
 * the callee's own "r6 = r2" must not end that walk. r7 is a 48-byte map
 * value; r6 is {0, 8} on the first path, 8 on the second (pruned inside
 * the callee), @far on the third (pruned, if the walk stopped early, at a
 * checkpoint of the second path before the call).
 */
#define VT_CALLEE_CLEARS_CALLER_REG(far)				\
	VT_LOOKUP_KEY0(),						\
	BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 0, 2),				\
	BPF_MOV64_IMM(BPF_REG_0, 0),					\
	BPF_EXIT_INSN(),						\
	BPF_MOV64_REG(BPF_REG_7, BPF_REG_0),				\
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),			\
	BPF_MOV64_REG(BPF_REG_6, BPF_REG_0),				\
	BPF_ALU64_IMM(BPF_AND, BPF_REG_6, 8),				\
	BPF_MOV64_IMM(BPF_REG_2, 0),					\
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 1, 4),				\
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 2, 1),				\
	BPF_JMP_A(4),							\
	BPF_MOV64_IMM(BPF_REG_6, 8),					\
	BPF_JMP_A(1),							\
	BPF_MOV64_IMM(BPF_REG_6, far),					\
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),				\
	BPF_MOV64_REG(BPF_REG_3, BPF_REG_2),				\
	BPF_CALL_REL(4),						\
	BPF_ALU64_REG(BPF_ADD, BPF_REG_7, BPF_REG_6),			\
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_7, 0),			\
	BPF_MOV64_IMM(BPF_REG_0, 0),					\
	BPF_EXIT_INSN(),						\
	BPF_MOV64_REG(BPF_REG_6, BPF_REG_2),				\
	BPF_JMP_A(0),							\
	BPF_MOV64_IMM(BPF_REG_0, 0),					\
	BPF_EXIT_INSN()

static const struct vt_row tests[] = {
{
	.descr = "helper id beyond the last one",
	.insns = {
	BPF_EMIT_CALL(9999),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "invalid func unknown#9999",
},
{
	.descr = "helper id 0",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_unspec),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "unknown func bpf_unspec#0",
},
{
	.descr = "R0 holds the result, R6 survives",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_6, 5),
	BPF_EMIT_CALL(BPF_FUNC_get_smp_processor_id),
	BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 0),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(5),
},
{
	.descr = "R1 is clobbered by a helper call",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_1, 1),
	BPF_EMIT_CALL(BPF_FUNC_ktime_get_ns),
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R1 !read_ok",
},
{
	.descr = "R5 is clobbered by a helper call",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_5, 1),
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_5),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R5 !read_ok",
},
{
	.descr = "map_lookup_elem with a scalar for the map",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_1, 0),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
	BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R1 type=scalar expected=map_ptr",
},
{
	.descr = "map_lookup_elem with ctx for the key",
	.insns = {
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_1),
	BPF_LD_MAP_FD(BPF_REG_1),
	BPF_EMIT_CALL(BPF_FUNC_map_lookup_elem),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.maps = { { VT_HASH_8B, { 1 } } },
	.result = REJECT,
	.errstr = "R2 type=ctx expected=fp",
},
{
	.descr = "map_update_elem without its flags",
	.insns = {
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
	BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -16),
	BPF_LD_MAP_FD(BPF_REG_1),
	BPF_EMIT_CALL(BPF_FUNC_map_update_elem),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.maps = { { VT_HASH_8B, { 4 } } },
	.result = REJECT,
	.errstr = "R4 !read_ok",
},
{
	/* The buffer may be uninitialised: the helper writes it. */
	.descr = "probe_read_kernel into a stack buffer",
	.insns = {
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -16),
	BPF_MOV64_IMM(BPF_REG_2, 16),
	BPF_MOV64_IMM(BPF_REG_3, 0),
	BPF_EMIT_CALL(BPF_FUNC_probe_read_kernel),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -16),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.result = ACCEPT,
},
{
	.descr = "probe_read_kernel larger than its buffer",
	.insns = {
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
	BPF_MOV64_IMM(BPF_REG_2, 16),
	BPF_MOV64_IMM(BPF_REG_3, 0),
	BPF_EMIT_CALL(BPF_FUNC_probe_read_kernel),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.result = REJECT,
	.err = EINVAL,
	.errstr = "invalid indirect access to stack R1 off=-8 size=16",
},
{
	.descr = "probe_read_kernel with an unbounded size",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_0),
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -16),
	BPF_MOV64_IMM(BPF_REG_3, 0),
	BPF_EMIT_CALL(BPF_FUNC_probe_read_kernel),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.result = REJECT,
	.errstr = "R2 min value is negative, either use unsigned or 'var &= const'",
},
{
	/* Zero is a valid size: ARG_CONST_SIZE_OR_ZERO. */
	.descr = "probe_read_kernel with a masked size",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_0),
	BPF_ALU64_IMM(BPF_AND, BPF_REG_2, 15),
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -16),
	BPF_MOV64_IMM(BPF_REG_3, 0),
	BPF_EMIT_CALL(BPF_FUNC_probe_read_kernel),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.result = ACCEPT,
},
{
	.descr = "probe_read_user with a size bounded by a branch",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_0),
	BPF_JMP_IMM(BPF_JGT, BPF_REG_2, 16, 4),
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -16),
	BPF_MOV64_IMM(BPF_REG_3, 0),
	BPF_EMIT_CALL(BPF_FUNC_probe_read_user),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_TRACEPOINT,
	.result = ACCEPT,
},
{
	.descr = "time and cpu helpers in a raw tracepoint",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_ktime_get_ns),
	BPF_EMIT_CALL(BPF_FUNC_ktime_get_boot_ns),
	BPF_EMIT_CALL(BPF_FUNC_jiffies64),
	BPF_EMIT_CALL(BPF_FUNC_get_numa_node_id),
	BPF_MOV64_IMM(BPF_REG_0, 1),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.result = ACCEPT,
	CTX(0),
	RETVAL(1),
},
{
	.descr = "bpf-to-bpf call returns a value",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_1, 21),
	BPF_CALL_REL(1),
	BPF_EXIT_INSN(),
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
	BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(42),
},
{
	.descr = "the caller's R6 survives a bpf-to-bpf call",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_6, 7),
	BPF_CALL_REL(2),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
	BPF_EXIT_INSN(),
	BPF_MOV64_IMM(BPF_REG_6, 100),
	BPF_MOV64_IMM(BPF_REG_0, 1),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(8),
},
{
	.descr = "the callee cannot read the caller's R6",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_6, 7),
	BPF_CALL_REL(1),
	BPF_EXIT_INSN(),
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_6),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R6 !read_ok",
},
{
	.descr = "R1 is clobbered by a bpf-to-bpf call",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_1, 7),
	BPF_CALL_REL(2),
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
	BPF_EXIT_INSN(),
	BPF_MOV64_IMM(BPF_REG_0, 1),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R1 !read_ok",
},
{
	.descr = "caller reads R0 that the callee never set",
	.insns = {
	BPF_CALL_REL(2),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
	BPF_EXIT_INSN(),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R0 !read_ok",
},
{
	.descr = "callee writes the caller's stack",
	.insns = {
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
	BPF_CALL_REL(2),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
	BPF_EXIT_INSN(),
	BPF_ST_MEM(BPF_DW, BPF_REG_1, 0, 33),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(33),
},
{
	/* Frames are rounded up to 32 bytes: 256 + 288 = 544. */
	.descr = "combined stack of caller and callee over 512 bytes",
	.insns = {
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -256, 0),
	BPF_CALL_REL(2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -288, 0),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "combined stack size of 2 calls is 544. Too large",
},
{
	.descr = "combined stack of caller and callee within 512 bytes",
	.insns = {
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -256, 0),
	BPF_CALL_REL(2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_ST_MEM(BPF_DW, BPF_REG_10, -256, 0),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0),
},
{
	.descr = "bpf-to-bpf call to an invalid destination",
	.insns = {
	BPF_CALL_REL(10),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "call to invalid destination",
},
{
	.descr = "main program falls through into a subprogram",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_CALL_REL(1),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "last insn is not an exit or jmp",
},
{
	.descr = "jump from a subprogram into the main program",
	.insns = {
	BPF_CALL_REL(1),
	BPF_EXIT_INSN(),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_JMP_A(-3),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "jump out of range from insn 3 to 1",
},
{
	.descr = "callee writes its r6 while the caller's r6 is made precise: all in bounds",
	.insns = { VT_CALLEE_CLEARS_CALLER_REG(40) },
	.maps = { { VT_ARRAY_48B, { VT_LOOKUP_MAP_AT } } },
	.prog_flags = BPF_F_TEST_STATE_FREQ,
	.result = ACCEPT,
	RETVAL(0),
},
{
	.descr = "callee writes its r6 while the caller's r6 is made precise",
	.insns = { VT_CALLEE_CLEARS_CALLER_REG(48) },
	.maps = { { VT_ARRAY_48B, { VT_LOOKUP_MAP_AT } } },
	.prog_flags = BPF_F_TEST_STATE_FREQ,
	.result = REJECT,
	.errstr = "invalid access to map value, value_size=48 off=48 size=8",
	.xbpf_only = "Linux 6.1 lets the callee's insns end the walk that "
		     "marks the caller's registers, and accepts the "
		     "out-of-bounds read",
},
};

VT_TABLE(calls, tests)
