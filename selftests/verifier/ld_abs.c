// SPDX-License-Identifier: GPL-2.0
/*
 * LD_ABS and LD_IND: what they read at run time (big-endian, from the
 * network header on; the SKF_NET_OFF and SKF_LL_OFF bases), that a read
 * out of the packet ends the program with 0, and the verifier's rules
 * around them: ctx in R6, R1-R5 clobbered, socket filters only, sizes B,
 * H and W, never in a subprogram.
 */
#include <linux/filter.h>

#include "verifier.h"

#define CTX_TO_R6	BPF_MOV64_REG(BPF_REG_6, BPF_REG_1)

static const struct vt_row tests[] = {
{
	.descr = "ld_abs byte 0 is the IP header's first",
	.insns = {
	CTX_TO_R6,
	BPF_LD_ABS(BPF_B, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0x45),
},
{
	.descr = "ld_abs half-word is big-endian",
	.insns = {
	CTX_TO_R6,
	BPF_LD_ABS(BPF_H, 2),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(50),
},
{
	.descr = "ld_abs word",
	.insns = {
	CTX_TO_R6,
	BPF_LD_ABS(BPF_W, 12),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0x0a000001),
},
{
	.descr = "ld_abs the last byte",
	.insns = {
	CTX_TO_R6,
	BPF_LD_ABS(BPF_B, 49),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0x06),
},
{
	.descr = "ld_ind adds the register",
	.insns = {
	CTX_TO_R6,
	BPF_MOV64_IMM(BPF_REG_7, 8),
	BPF_LD_IND(BPF_B, BPF_REG_7, 1),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(17),
},
{
	.descr = "ld_ind word at the UDP ports",
	.insns = {
	CTX_TO_R6,
	BPF_MOV64_IMM(BPF_REG_7, 20),
	BPF_LD_IND(BPF_W, BPF_REG_7, 0),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0x12345678),
},
{
	.descr = "ld_abs past the packet ends the program with 0",
	.insns = {
	CTX_TO_R6,
	BPF_MOV64_IMM(BPF_REG_0, 7),
	BPF_LD_ABS(BPF_W, 100),
	BPF_MOV64_IMM(BPF_REG_0, 7),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0),
},
{
	.descr = "ld_abs word straddling the end ends the program with 0",
	.insns = {
	CTX_TO_R6,
	BPF_LD_ABS(BPF_W, 48),
	BPF_MOV64_IMM(BPF_REG_0, 7),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0),
},
{
	.descr = "ld_ind at a negative offset ends the program with 0",
	.insns = {
	CTX_TO_R6,
	BPF_MOV64_IMM(BPF_REG_7, -1),
	BPF_LD_IND(BPF_B, BPF_REG_7, 0),
	BPF_MOV64_IMM(BPF_REG_0, 7),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0),
},
{
	.descr = "ld_abs relative to SKF_NET_OFF",
	.insns = {
	CTX_TO_R6,
	BPF_LD_ABS(BPF_B, SKF_NET_OFF + 9),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(17),
},
{
	.descr = "ld_abs relative to SKF_LL_OFF reads the Ethernet type",
	.insns = {
	CTX_TO_R6,
	BPF_LD_ABS(BPF_H, SKF_LL_OFF + 12),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0x0800),
},
{
	.descr = "ld_abs keeps R7",
	.insns = {
	CTX_TO_R6,
	BPF_MOV64_IMM(BPF_REG_7, 5),
	BPF_LD_ABS(BPF_B, 0),
	BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(0x45 + 5),
},
{
	.descr = "ld_abs clobbers R2",
	.insns = {
	CTX_TO_R6,
	BPF_MOV64_IMM(BPF_REG_2, 5),
	BPF_LD_ABS(BPF_B, 0),
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_2),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R2 !read_ok",
},
{
	.descr = "ld_abs with a scalar in R6",
	.insns = {
	BPF_MOV64_IMM(BPF_REG_6, 0),
	BPF_LD_ABS(BPF_B, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "at the time of BPF_LD_ABS|IND R6 != pointer to skb",
},
{
	.descr = "ld_abs with R6 never written",
	.insns = {
	BPF_LD_ABS(BPF_B, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.errstr = "R6 !read_ok",
},
{
	.descr = "ld_abs in a kprobe program",
	.insns = {
	CTX_TO_R6,
	BPF_LD_ABS(BPF_B, 0),
	BPF_EXIT_INSN(),
	},
	.prog_type = BPF_PROG_TYPE_KPROBE,
	.result = REJECT,
	.err = EINVAL,
	.errstr = "BPF_LD_[ABS|IND] instructions not allowed for this program type",
},
{
	.descr = "ld_abs of a double word",
	.insns = {
	CTX_TO_R6,
	BPF_LD_ABS(BPF_DW, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "unknown opcode 38",
},
{
	.descr = "ld_abs into R1",
	.insns = {
	CTX_TO_R6,
	BPF_RAW_INSN(BPF_LD | BPF_B | BPF_ABS, BPF_REG_1, 0, 0, 0),
	BPF_MOV64_IMM(BPF_REG_0, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "BPF_LD_[ABS|IND] uses reserved fields",
},
{
	.descr = "ld_abs in a subprogram",
	.insns = {
	CTX_TO_R6,
	BPF_CALL_REL(1),
	BPF_EXIT_INSN(),
	BPF_LD_ABS(BPF_B, 0),
	BPF_EXIT_INSN(),
	},
	.result = REJECT,
	.err = EINVAL,
	.errstr = "LD_ABS is not allowed in subprogs without BTF",
},
{
	.descr = "ld_abs in a main program that has a subprogram",
	.insns = {
	CTX_TO_R6,
	BPF_LD_ABS(BPF_B, 9),
	BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
	BPF_CALL_REL(1),
	BPF_EXIT_INSN(),
	BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
	BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
	BPF_EXIT_INSN(),
	},
	.result = ACCEPT,
	RETVAL(18),
},
};

VT_TABLE(ld_abs, tests)
