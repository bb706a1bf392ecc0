/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Instruction builders for the verifier tests and bench_load, named and
 * laid out as the kernel's filter.h, which userspace does not get.
 */
#ifndef XBPF_VERIFIER_INSN_H
#define XBPF_VERIFIER_INSN_H

#include <linux/bpf.h>

#define BPF_RAW_INSN(c, d, s, o, i)					\
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s),	\
			    .off = (o), .imm = (i) })
#define BPF_ALU64_REG(op, d, s)	BPF_RAW_INSN(BPF_ALU64 | BPF_OP(op) | BPF_X, d, s, 0, 0)
#define BPF_ALU32_REG(op, d, s)	BPF_RAW_INSN(BPF_ALU | BPF_OP(op) | BPF_X, d, s, 0, 0)
#define BPF_ALU64_IMM(op, d, i)	BPF_RAW_INSN(BPF_ALU64 | BPF_OP(op) | BPF_K, d, 0, 0, i)
#define BPF_ALU32_IMM(op, d, i)	BPF_RAW_INSN(BPF_ALU | BPF_OP(op) | BPF_K, d, 0, 0, i)
#define BPF_MOV64_REG(d, s)	BPF_ALU64_REG(BPF_MOV, d, s)
#define BPF_MOV32_REG(d, s)	BPF_ALU32_REG(BPF_MOV, d, s)
#define BPF_MOV64_IMM(d, i)	BPF_ALU64_IMM(BPF_MOV, d, i)
#define BPF_MOV32_IMM(d, i)	BPF_ALU32_IMM(BPF_MOV, d, i)
#define BPF_ENDIAN(t, d, len)	BPF_RAW_INSN(BPF_ALU | BPF_END | (t), d, 0, 0, len)
#define BPF_LDX_MEM(sz, d, s, o) BPF_RAW_INSN(BPF_LDX | BPF_SIZE(sz) | BPF_MEM, d, s, o, 0)
#define BPF_STX_MEM(sz, d, s, o) BPF_RAW_INSN(BPF_STX | BPF_SIZE(sz) | BPF_MEM, d, s, o, 0)
#define BPF_ST_MEM(sz, d, o, i)	BPF_RAW_INSN(BPF_ST | BPF_SIZE(sz) | BPF_MEM, d, 0, o, i)
#define BPF_ATOMIC_OP(sz, op, d, s, o)					\
	BPF_RAW_INSN(BPF_STX | BPF_SIZE(sz) | BPF_ATOMIC, d, s, o, op)
#define BPF_JMP_REG(op, d, s, o) BPF_RAW_INSN(BPF_JMP | BPF_OP(op) | BPF_X, d, s, o, 0)
#define BPF_JMP_IMM(op, d, i, o) BPF_RAW_INSN(BPF_JMP | BPF_OP(op) | BPF_K, d, 0, o, i)
#define BPF_JMP32_REG(op, d, s, o) BPF_RAW_INSN(BPF_JMP32 | BPF_OP(op) | BPF_X, d, s, o, 0)
#define BPF_JMP32_IMM(op, d, i, o) BPF_RAW_INSN(BPF_JMP32 | BPF_OP(op) | BPF_K, d, 0, o, i)
#define BPF_JMP_A(o)		BPF_RAW_INSN(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define BPF_EMIT_CALL(f)	BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define BPF_CALL_REL(o)		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, o)
#define BPF_EXIT_INSN()		BPF_RAW_INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define BPF_LD_ABS(sz, i)	BPF_RAW_INSN(BPF_LD | BPF_SIZE(sz) | BPF_ABS, 0, 0, 0, i)
#define BPF_LD_IND(sz, s, i)	BPF_RAW_INSN(BPF_LD | BPF_SIZE(sz) | BPF_IND, 0, s, 0, i)
#define BPF_LD_IMM64_RAW(d, s, i)					\
	BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, d, s, 0, (__u32)(i)),	\
	BPF_RAW_INSN(0, 0, 0, 0, (__u64)(i) >> 32)
#define BPF_LD_IMM64(d, i)	BPF_LD_IMM64_RAW(d, 0, i)
/* The map's fd is patched into imm before the program is loaded. */
#define BPF_LD_MAP_FD(d)	BPF_LD_IMM64_RAW(d, BPF_PSEUDO_MAP_FD, 0)
#define BPF_LD_MAP_VALUE(d, off)					\
	BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_VALUE, 0, 0), \
	BPF_RAW_INSN(0, 0, 0, 0, off)

#endif /* XBPF_VERIFIER_INSN_H */
