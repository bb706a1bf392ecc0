// SPDX-License-Identifier: GPL-2.0
/*
 * Scalar ALU: results at run time (32-bit subregisters and their zero
 * extension, division and modulo by zero, shifts), the encodings the
 * verifier refuses, pointer arithmetic it refuses, and the bounds it
 * tracks, shown by branches it can prove dead.
 */
#include "verifier.h"

static const struct vt_row tests[] = {
{
	.descr = "mov and add of constants",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 40),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(42),
},
{
	/* If the upper half survived, r0 >> 32 would add 0xffffffff. */
	.descr = "alu32 add zero-extends into the upper half",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, -1),
	BPF_ALU32_IMM(BPF_ADD, BPF_REG_0, 2),
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 32),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(1),
},
{
	.descr = "mov32 from a register zero-extends",
	.insns = {
	BPF_LD_IMM64(BPF_REG_1, 0x100000007ULL),
	BPF_MOV32_REG(BPF_REG_0, BPF_REG_1),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_0),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_2, 32),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(7),
},
{
	.descr = "alu32 div uses only the low halves",
	.insns = {
	BPF_LD_IMM64(BPF_REG_0, 0x100000064ULL),
	BPF_LD_IMM64(BPF_REG_1, 0x300000005ULL),
	BPF_ALU32_REG(BPF_DIV, BPF_REG_0, BPF_REG_1),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(20),
},
{
	.descr = "div by a zero register gives 0 at run time",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 10),
	BPF_MOV64_IMM(BPF_REG_1, 0),
	BPF_ALU64_REG(BPF_DIV, BPF_REG_0, BPF_REG_1),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 7),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(7),
},
{
	.descr = "alu32 div by a zero register clears the whole register",
	.insns = {
	BPF_LD_IMM64(BPF_REG_0, 0xffffffff00000009ULL),
	BPF_MOV32_IMM(BPF_REG_1, 0),
	BPF_ALU32_REG(BPF_DIV, BPF_REG_0, BPF_REG_1),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_0),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_2, 32),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 3),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(3),
},
{
	.descr = "mod by a zero register leaves the dividend",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 10),
	BPF_MOV64_IMM(BPF_REG_1, 0),
	BPF_ALU64_REG(BPF_MOD, BPF_REG_0, BPF_REG_1),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(10),
},
{
	/* The dividend keeps its low half and loses the upper one. */
	.descr = "alu32 mod by a zero register zero-extends the dividend",
	.insns = {
	BPF_LD_IMM64(BPF_REG_0, 0x100000005ULL),
	BPF_MOV32_IMM(BPF_REG_1, 0),
	BPF_ALU32_REG(BPF_MOD, BPF_REG_0, BPF_REG_1),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_0),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_2, 32),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(5),
},
{
	.descr = "div by an immediate zero",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 1),
	BPF_ALU64_IMM(BPF_DIV, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "div by zero",
},
{
	.descr = "alu32 mod by an immediate zero",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 1),
	BPF_ALU32_IMM(BPF_MOD, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "div by zero",
},
{
	.descr = "64-bit shift by an immediate 64",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 1),
	BPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 64),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "invalid shift 64",
},
{
	.descr = "alu32 shift by an immediate 32",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 1),
	BPF_ALU32_IMM(BPF_RSH, BPF_REG_0, 32),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "invalid shift 32",
},
{
	/* 0xf after arsh; a logical shift would leave 0x3. */
	.descr = "arsh sign-extends",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, -16),
	BPF_ALU64_IMM(BPF_ARSH, BPF_REG_0, 2),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_0, 60),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(15),
},
{
	.descr = "alu32 arsh sign-extends bit 31 only",
	.insns = {
	BPF_LD_IMM64(BPF_REG_0, 0x80000000ULL),
	BPF_ALU32_IMM(BPF_ARSH, BPF_REG_0, 4),
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_1, 32),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_0, 24),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0xf8),
},
{
	.descr = "alu32 neg zero-extends",
	.insns = {
	BPF_MOV32_IMM(BPF_REG_0, 5),
	BPF_ALU32_IMM(BPF_NEG, BPF_REG_0, 0),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_0, 16),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0xffff),
},
{
	.descr = "shift by a register masks nothing within range",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 3),
	BPF_MOV64_IMM(BPF_REG_1, 33),
	BPF_ALU64_REG(BPF_LSH, BPF_REG_0, BPF_REG_1),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_0, 32),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(6),
},
{
	.descr = "be16 swaps the low half-word",
	.insns = {
	BPF_LD_IMM64(BPF_REG_0, 0xabcd00001234ULL),
	BPF_ENDIAN(BPF_TO_BE, BPF_REG_0, 16),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0x3412),
},
{
	.descr = "byte swap of width 8",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 1),
	BPF_ENDIAN(BPF_TO_BE, BPF_REG_0, 8),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "BPF_END uses reserved fields",
},
{
	.descr = "reading an uninitialised register",
	.insns = {
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_2),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R2 !read_ok",
},
{
	.descr = "exit without setting R0",
	.insns = {
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R0 !read_ok",
},
{
	.descr = "writing the frame pointer",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_10, 0),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "frame pointer is read only",
},
{
	.descr = "mov imm with a source register set",
	.insns = {
	BPF_RAW_INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, BPF_REG_1, 0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "BPF_MOV uses reserved fields",
},
{
	/* The offset selects signed division only in later ISAs. */
	.descr = "div with a non-zero offset",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 10),
	BPF_MOV64_IMM(BPF_REG_1, 2),
	BPF_RAW_INSN(BPF_ALU64 | BPF_DIV | BPF_X, BPF_REG_0, BPF_REG_1, 1, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "BPF_ALU uses reserved fields",
},
{
	.descr = "unknown alu64 opcode 0xe0",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_RAW_INSN(BPF_ALU64 | 0xe0 | BPF_K, BPF_REG_0, 0, 0, 1),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "unknown opcode e7",
},
{
	.descr = "multiplying a pointer",
	.insns = {
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
	BPF_ALU64_IMM(BPF_MUL, BPF_REG_1, 2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R1 pointer arithmetic with *= operator prohibited",
},
{
	.descr = "alu32 add to a pointer",
	.insns = {
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
	BPF_ALU32_IMM(BPF_ADD, BPF_REG_1, 8),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R1 32-bit pointer arithmetic prohibited",
},
{
	.descr = "adding two pointers",
	.insns = {
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_1, BPF_REG_2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R1 pointer += pointer prohibited",
},
{
	.descr = "subtracting two pointers gives a scalar",
	.insns = {
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
	BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
	BPF_ALU64_REG(BPF_SUB, BPF_REG_1, BPF_REG_2),
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(8),
},
{
	/* The dead branch would dereference a scalar. */
	.descr = "and mask bounds a scalar: dead branch",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 7),
	BPF_JMP_IMM(BPF_JGT, BPF_REG_0, 7, 2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0),
},
{
	.descr = "and mask bounds a scalar: live branch",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 15),
	BPF_JMP_IMM(BPF_JGT, BPF_REG_0, 7, 2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R0 invalid mem access 'scalar'",
},
{
	.descr = "alu32 result is bounded by U32_MAX",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_ALU32_IMM(BPF_ADD, BPF_REG_0, 1),
	BPF_MOV32_IMM(BPF_REG_1, -1),
	BPF_JMP_REG(BPF_JGT, BPF_REG_0, BPF_REG_1, 2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
},
{
	.descr = "rsh bounds and add keeps them",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_ALU64_IMM(BPF_RSH, BPF_REG_0, 60),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 100),
	BPF_JMP_IMM(BPF_JGT, BPF_REG_0, 115, 3),
	BPF_JMP_IMM(BPF_JLT, BPF_REG_0, 100, 2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
},
{
	/* tnum_xor() keeps every unknown bit unknown, even for x ^ x. */
	.descr = "xor of a register with itself is not known to be 0",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_0),
	BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R0 invalid mem access 'scalar'",
},
{
	.descr = "lsh then arsh by 56 keeps a small positive range",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 0x7f),
	BPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 56),
	BPF_ALU64_IMM(BPF_ARSH, BPF_REG_0, 56),
	BPF_JMP_IMM(BPF_JGT, BPF_REG_0, 0x7f, 2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
},
{
	.descr = "alu32 sub that may wrap loses the bounds",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 15),
	BPF_ALU32_IMM(BPF_SUB, BPF_REG_0, 1),
	BPF_JMP32_IMM(BPF_JGT, BPF_REG_0, 14, 2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R0 invalid mem access 'scalar'",
},
{
	/* 0..15 * 0..15 may reach 225: the branch is live. */
	.descr = "mul of bounded scalars stays bounded",
	.insns = {
	BPF_EMIT_CALL(BPF_FUNC_get_prandom_u32),
	BPF_ALU64_IMM(BPF_AND, BPF_REG_0, 15),
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
	BPF_ALU64_REG(BPF_MUL, BPF_REG_0, BPF_REG_1),
	BPF_JMP_IMM(BPF_JGT, BPF_REG_0, 224, 2),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R0 invalid mem access 'scalar'",
},
};

VT_TABLE(alu, tests)
