/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What insn.def's columns mean to C, and the questions about opcodes the
 * rest of xbpf asks.
 */
#ifndef XBPF_CORE_INSN_H
#define XBPF_CORE_INSN_H

#include "env.h"

/*
 * The mode of a load the loader has proven may fault harmlessly (pointers
 * from BTF-typed memory). Linux's value, so rewritten programs read alike.
 */
#define XBPF_PROBE_MEM		0x20

/*
 * The op of an ALU64 | K instruction xbpf's rewrites use: dst, the address
 * of a per-CPU variable, becomes its address for the CPU running (Linux
 * from 6.10 writes the same as "mov dst, dst" with off -1; userspace sees
 * it so in dumps).
 */
#define XBPF_PERCPU		0xe0

/* insn.def's scope column. */
#define XBPF_SCOPE_USER		true
#define XBPF_SCOPE_KERNEL	false

/* insn.def's form column: the shapes print_bpf_insn() gives instructions. */
enum xbpf_insn_form {
	XBPF_FORM_NONE,		/* not an opcode: zero-filled lookup slots */
	XBPF_FORM_ALU_X,
	XBPF_FORM_ALU_K,
	XBPF_FORM_NEG,
	XBPF_FORM_END,
	XBPF_FORM_JA,
	XBPF_FORM_GOTOL,
	XBPF_FORM_JCOND_X,
	XBPF_FORM_JCOND_K,
	XBPF_FORM_CALL,
	XBPF_FORM_EXIT,
	XBPF_FORM_LDX,
	XBPF_FORM_STX,
	XBPF_FORM_ST,
	XBPF_FORM_ATOMIC,
	XBPF_FORM_LD_IMM64,
	XBPF_FORM_LD_ABS,
	XBPF_FORM_LD_IND,
	XBPF_FORM_PROBE,
	XBPF_FORM_PERCPU,
};

/* insn.def's atomic form column. */
enum xbpf_atomic_form {
	XBPF_AFORM_NONE,
	XBPF_AFORM_LOCK,
	XBPF_AFORM_FETCH,
	XBPF_AFORM_CMPXCHG,
};

/* May a program from userspace use this opcode byte? */
bool xbpf_insn_opcode_valid(u8 code);

/* Is imm one of the operations a BPF_STX | BPF_ATOMIC instruction can do? */
bool xbpf_insn_atomic_valid(s32 imm);

#endif /* XBPF_CORE_INSN_H */
