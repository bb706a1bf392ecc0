/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scalar tracking: the bounds a register's value is known to lie in
 * (signed and unsigned, 64-bit and for the low 32 bits) together with its
 * known bits (var_off), kept consistent with one another, and how ALU
 * operations and conditional jumps change them. Linux 6.1's rules, so that
 * the same programs are accepted.
 */
#ifndef XBPF_CORE_VERIFIER_BOUNDS_H
#define XBPF_CORE_VERIFIER_BOUNDS_H

#include "vstate.h"

/*
 * The register holds exactly imm; off, the type union, id and ref_obj_id
 * are cleared.
 */
void xbpf_mark_reg_known(struct xbpf_reg_state *reg, u64 imm);
/* Only the low 32 bits are now known to be imm. */
void xbpf_mark_reg32_known(struct xbpf_reg_state *reg, u64 imm);
void xbpf_mark_reg_known_zero(struct xbpf_reg_state *reg);
/* A SCALAR_VALUE of exactly 0. */
void xbpf_mark_reg_const_zero(struct xbpf_reg_state *reg);
/* Bounds to the full range (var_off untouched). */
void xbpf_mark_reg_unbounded(struct xbpf_reg_state *reg);
void xbpf_mark_reg64_unbounded(struct xbpf_reg_state *reg);
void xbpf_mark_reg32_unbounded(struct xbpf_reg_state *reg);
/*
 * An unknown SCALAR_VALUE: everything but parent, subreg_def and live is
 * reset (frameno to 0). precise is set when !bpf_capable (unprivileged
 * programs get no precision tracking).
 */
void xbpf_mark_reg_unknown(struct xbpf_reg_state *reg, bool bpf_capable);

/* Re-derive each kind of bound from the others until they agree. */
void xbpf_reg_bounds_sync(struct xbpf_reg_state *reg);
/* Take the 32-bit bounds as the 64-bit ones (after zero-extension). */
void xbpf_reg_assign_32_into_64(struct xbpf_reg_state *reg);
/* Truncate to size bytes (1, 2, 4 or 8) as a load or zext does. */
void xbpf_coerce_reg_to_size(struct xbpf_reg_state *reg, int size);
/* Zero-extend the low 32 bits (a 32-bit ALU result). */
void xbpf_zext_32_to_64(struct xbpf_reg_state *reg);

/*
 * Are the bounds consistent with each other: min <= max everywhere, and
 * var_off well formed with each range meeting the span it allows?
 */
bool xbpf_reg_bounds_sane(const struct xbpf_reg_state *reg);

/*
 * dst = dst <op> src for two scalars, op a BPF_ALU/BPF_ALU64 operation
 * code (BPF_OP(insn->code): ADD, SUB, MUL, DIV, MOD, OR, AND, LSH, RSH,
 * ARSH, XOR; MOV/NEG/END are not handled here). alu32 selects 32-bit
 * semantics (result zero-extended). For BPF_K the caller passes the imm
 * as a known register; whether src counts as a constant is read from
 * src.var_off (its low half for alu32). Where Linux gives up and marks dst
 * unknown (e.g. shifts by an unknown or too-large amount, DIV/MOD), so
 * does this. Returns 0.
 */
int xbpf_scalar_alu(struct xbpf_reg_state *dst, struct xbpf_reg_state src,
		    u8 op, bool alu32, bool bpf_capable);

/*
 * Would the conditional jump `if reg <op> val` (op = BPF_OP of a BPF_JMP
 * or BPF_JMP32 insn: JEQ, JNE, JGT, JGE, JLT, JLE, JSGT, JSGE, JSLT, JSLE,
 * JSET) be taken? 1: always, 0: never, -1: unknown. For a pointer
 * register only JEQ/JNE against 0 of a never-NULL pointer type is decided.
 */
int xbpf_is_branch_taken(const struct xbpf_reg_state *reg, u64 val, u8 op,
			 bool is_jmp32);

/*
 * Refine a scalar compared with a constant: true_reg is the register on
 * the path where `reg <op> val` holds, false_reg where it does not (both
 * start as copies of the register). val32 is the constant for JMP32.
 */
void xbpf_reg_set_min_max(struct xbpf_reg_state *true_reg,
			  struct xbpf_reg_state *false_reg, u64 val, u32 val32,
			  u8 op, bool is_jmp32);
/* The same for `val <op> reg` (the constant on the left). */
void xbpf_reg_set_min_max_inv(struct xbpf_reg_state *true_reg,
			      struct xbpf_reg_state *false_reg, u64 val,
			      u32 val32, u8 op, bool is_jmp32);
/*
 * Two scalars compared with JEQ/JNE (64-bit): where they are equal, both
 * get the intersection of their bounds.
 */
void xbpf_reg_combine_min_max(struct xbpf_reg_state *true_src,
			      struct xbpf_reg_state *true_dst,
			      struct xbpf_reg_state *false_src,
			      struct xbpf_reg_state *false_dst, u8 op);

#endif /* XBPF_CORE_VERIFIER_BOUNDS_H */
