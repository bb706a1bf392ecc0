// SPDX-License-Identifier: GPL-2.0
/*
 * The context argument: which __sk_buff fields a socket filter may read
 * (and at what width, with narrow loads reading the right bytes), that it
 * may write only cb[], how the ctx pointer itself may not be moved; the
 * u64 args of a raw tracepoint, and the contexts of kprobe, tracepoint and
 * perf_event programs.
 */
#include <linux/bpf_perf_event.h>

#include "verifier.h"

#define SKB(field)	offsetof(struct __sk_buff, field)
#define PE(field)	offsetof(struct bpf_perf_event_data, field)

static const struct vt_row tests[] = {
{
	.descr = "socket filter reads len",
	.insns = {
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, SKB(len)),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(50),
},
{
	.descr = "socket filter reads protocol",
	.insns = {
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, SKB(protocol)),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0x0008),
},
{
	.descr = "u8 load of the low byte of len",
	.insns = {
	BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_1, SKB(len)),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(50),
},
{
	/* Must be shifted down from the field, not read at its start. */
	.descr = "u16 load of the upper half of len",
	.insns = {
	BPF_LDX_MEM(BPF_H, BPF_REG_0, BPF_REG_1, SKB(len) + 2),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(1),
},
{
	.descr = "u64 load of len",
	.insns = {
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, SKB(len)),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "invalid bpf_context access off=0 size=8",
},
{
	.descr = "misaligned u32 load from __sk_buff",
	.insns = {
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, SKB(len) + 1),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "invalid bpf_context access off=1 size=4",
},
{
	.descr = "socket filter writes len",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_STX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, SKB(len)),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "invalid bpf_context access off=0 size=4",
},
{
	.descr = "socket filter writes mark",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_STX_MEM(BPF_W, BPF_REG_1, BPF_REG_0, SKB(mark)),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "invalid bpf_context access off=8 size=4",
},
{
	.descr = "write and read back cb[0]",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_2, 77),
	BPF_STX_MEM(BPF_W, BPF_REG_1, BPF_REG_2, SKB(cb[0])),
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, SKB(cb[0])),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(77),
},
{
	.descr = "u64 write to cb[0] spans cb[1]",
	.insns = {
	BPF_LD_IMM64(BPF_REG_2, 0x300000004ULL),
	BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, SKB(cb[0])),
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, SKB(cb[1])),
	BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, SKB(cb[0])),
	BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 10),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(34),
},
{
	.descr = "u8 write to the second byte of cb[2]",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_2, 1),
	BPF_STX_MEM(BPF_W, BPF_REG_1, BPF_REG_2, SKB(cb[2])),
	BPF_MOV64_IMM(BPF_REG_2, 2),
	BPF_STX_MEM(BPF_B, BPF_REG_1, BPF_REG_2, SKB(cb[2]) + 1),
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, SKB(cb[2])),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0x201),
},
{
	.descr = "u64 write to cb[4] runs past cb",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_2, 0),
	BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, SKB(cb[4])),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "invalid bpf_context access off=64 size=8",
},
{
	.descr = "socket filter reads data",
	.insns = {
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, SKB(data)),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "invalid bpf_context access off=76 size=4",
},
{
	.descr = "socket filter reads tc_classid",
	.insns = {
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, SKB(tc_classid)),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "invalid bpf_context access off=72 size=4",
},
{
	.descr = "socket filter reads family",
	.insns = {
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, SKB(family)),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "invalid bpf_context access off=88 size=4",
},
{
	.descr = "load past the end of __sk_buff",
	.insns = {
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, sizeof(struct __sk_buff)),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "invalid bpf_context access off=192 size=4",
},
{
	.descr = "load through a moved ctx pointer",
	.insns = {
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 4),
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "dereference of modified ctx ptr R1 off=4 disallowed",
},
{
	.descr = "load through a ctx pointer moved back",
	.insns = {
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -4),
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 4),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "negative offset ctx ptr R1 off=-4 disallowed",
},
{
	.descr = "load at a variable ctx offset",
	.insns = {
	BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 4),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_6, BPF_REG_0),
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_6, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "variable ctx access var_off=(0x0; 0x4) disallowed",
},
{
	.descr = "st of an immediate into cb[0]",
	.insns = {
	BPF_ST_MEM(BPF_W, BPF_REG_1, SKB(cb[0]), 1),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "BPF_ST stores into R1 ctx is not allowed",
},
{
	.descr = "atomic add into cb[0]",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_2, 1),
	BPF_ATOMIC_OP(BPF_W, BPF_ADD, BPF_REG_1, BPF_REG_2, SKB(cb[0])),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "BPF_ATOMIC stores into R1 ctx is not allowed",
},
{
	.descr = "raw_tp reads args[1]",
	.insns = {
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 8),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.result = ACCEPT,
	CTX(3, 11),
	RETVAL(11),
},
{
	.descr = "raw_tp u32 load of the upper half of args[0]",
	.insns = {
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 4),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.result = ACCEPT,
	CTX(0x500000007ULL),
	RETVAL(5),
},
{
	.descr = "raw_tp writes args[0]",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.result = REJECT,
	.errstr = "invalid bpf_context access off=0 size=8",
},
{
	/* There are at most 12 arguments. */
	.descr = "raw_tp reads args[12]",
	.insns = {
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 96),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.result = REJECT,
	.errstr = "invalid bpf_context access off=96 size=8",
},
{
	.descr = "raw_tp misaligned u64 load",
	.insns = {
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 4),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
	.result = REJECT,
	.errstr = "invalid bpf_context access off=4 size=8",
},
{
	.descr = "kprobe reads a pt_regs field",
	.insns = {
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 112),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.result = ACCEPT,
},
{
	.descr = "kprobe writes pt_regs",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.result = REJECT,
	.errstr = "invalid bpf_context access off=0 size=8",
},
{
	.descr = "kprobe reads past pt_regs",
	.insns = {
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 168),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.result = REJECT,
	.errstr = "invalid bpf_context access off=168 size=8",
},
{
	/* The common header at offset 0 is not for programs to read. */
	.descr = "tracepoint reads offset 0",
	.insns = {
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_TRACEPOINT,
	.result = REJECT,
	.errstr = "invalid bpf_context access off=0 size=8",
},
{
	.descr = "tracepoint reads offset 8",
	.insns = {
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 8),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_TRACEPOINT,
	.result = ACCEPT,
},
{
	.descr = "perf_event u32 load of sample_period",
	.insns = {
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, PE(sample_period)),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.result = ACCEPT,
},
{
	.descr = "perf_event u32 load of a pt_regs field",
	.insns = {
	BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, PE(regs)),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_PERF_EVENT,
	.result = REJECT,
	.errstr = "invalid bpf_context access off=0 size=4",
},
};

VT_TABLE(ctx, tests)
