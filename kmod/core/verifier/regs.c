// SPDX-License-Identifier: GPL-2.0
/*
 * Register bookkeeping shared by every instruction check: marking
 * registers unknown or uninitialised, checking operands, and deciding
 * which uses are 64-bit (liveness and zero-extension depend on it).
 */
#include "vfuncs.h"

/* Something the main loop should never do; keep the state safe. */
static void bad_regno(struct xbpf_verifier_env *env,
		      struct xbpf_reg_state *regs, const char *what, u32 regno)
{
	verbose(env, "%s(regs, %u)\n", what, regno);
	for (regno = 0; regno < XBPF_REG_FP; regno++)
		__mark_reg_not_init(env, regs + regno);
}

void __mark_reg_unknown(const struct xbpf_verifier_env *env,
			struct xbpf_reg_state *reg)
{
	xbpf_mark_reg_unknown(reg, env->bpf_capable);
}

void mark_reg_unknown(struct xbpf_verifier_env *env,
		      struct xbpf_reg_state *regs, u32 regno)
{
	if (WARN_ON(regno >= XBPF_MAX_BPF_REG)) {
		bad_regno(env, regs, "mark_reg_unknown", regno);
		return;
	}
	__mark_reg_unknown(env, regs + regno);
}

void __mark_reg_not_init(const struct xbpf_verifier_env *env,
			 struct xbpf_reg_state *reg)
{
	__mark_reg_unknown(env, reg);
	reg->type = NOT_INIT;
}

void mark_reg_not_init(struct xbpf_verifier_env *env,
		       struct xbpf_reg_state *regs, u32 regno)
{
	if (WARN_ON(regno >= XBPF_MAX_BPF_REG)) {
		bad_regno(env, regs, "mark_reg_not_init", regno);
		return;
	}
	__mark_reg_not_init(env, regs + regno);
}

void mark_reg_known_zero(struct xbpf_verifier_env *env,
			 struct xbpf_reg_state *regs, u32 regno)
{
	if (WARN_ON(regno >= XBPF_MAX_BPF_REG)) {
		bad_regno(env, regs, "mark_reg_known_zero", regno);
		return;
	}
	xbpf_mark_reg_known_zero(regs + regno);
}

static void init_reg_state(struct xbpf_verifier_env *env,
			   struct xbpf_func_state *state)
{
	struct xbpf_reg_state *regs = state->regs;
	int i;

	for (i = 0; i < XBPF_MAX_BPF_REG; i++) {
		mark_reg_not_init(env, regs, i);
		regs[i].live = REG_LIVE_NONE;
		regs[i].parent = NULL;
		regs[i].subreg_def = DEF_NOT_SUBREG;
	}
	regs[XBPF_REG_FP].type = PTR_TO_STACK;
	mark_reg_known_zero(env, regs, XBPF_REG_FP);
	regs[XBPF_REG_FP].frameno = state->frameno;
}

void init_func_state(struct xbpf_verifier_env *env,
		     struct xbpf_func_state *state, int callsite, int frameno,
		     int subprogno)
{
	state->callsite = callsite;
	state->frameno = frameno;
	state->subprogno = subprogno;
	state->callback_ret_range = tnum_range(0, 0);
	init_reg_state(env, state);
	mark_verifier_state_scratched(env);
}

void copy_register_state(struct xbpf_reg_state *dst,
			 const struct xbpf_reg_state *src)
{
	struct xbpf_reg_state *parent = dst->parent;
	u8 live = dst->live;

	*dst = *src;
	dst->parent = parent;
	dst->live = live;
}

bool __is_pointer_value(bool allow_ptr_leaks, const struct xbpf_reg_state *reg)
{
	if (allow_ptr_leaks)
		return false;
	return reg->type != SCALAR_VALUE;
}

bool is_pointer_value(struct xbpf_verifier_env *env, int regno)
{
	return __is_pointer_value(env->allow_ptr_leaks, reg_state(env, regno));
}

bool is_reg64(struct xbpf_verifier_env *env, struct bpf_insn *insn, u32 regno,
	      struct xbpf_reg_state *reg, enum reg_arg_type t)
{
	u8 code = insn->code, class = BPF_CLASS(code), op = BPF_OP(code);

	if (class == BPF_JMP) {
		/* the main program's exit: be conservative */
		if (op == BPF_EXIT)
			return true;
		if (op == BPF_CALL) {
			/* clobbered caller-saved registers of a bpf call */
			if (insn->src_reg == BPF_PSEUDO_CALL)
				return false;
			/* helper arguments */
			return t == SRC_OP;
		}
	}
	/* BPF_END always has class BPF_ALU; imm says the width */
	if (class == BPF_ALU64 || class == BPF_JMP ||
	    (class == BPF_ALU && op == BPF_END && insn->imm == 64))
		return true;
	if (class == BPF_ALU || class == BPF_JMP32)
		return false;
	if (class == BPF_LDX) {
		/* the source of a load is a pointer */
		if (t != SRC_OP)
			return BPF_SIZE(code) == BPF_DW;
		return true;
	}
	if (class == BPF_STX) {
		/* one of the sources is the pointer */
		if (t == SRC_OP && reg->type != SCALAR_VALUE)
			return true;
		return BPF_SIZE(code) == BPF_DW;
	}
	if (class == BPF_LD) {
		/* LD_IMM64 defines 64 bits; LD_ABS/IND results are 32-bit */
		if (BPF_MODE(code) == BPF_IMM)
			return true;
		return t == SRC_OP;
	}
	/* BPF_ST's only register is the pointer; default conservatively */
	return true;
}

void mark_insn_zext(struct xbpf_verifier_env *env, struct xbpf_reg_state *reg)
{
	s32 def_idx = reg->subreg_def;

	if (def_idx == DEF_NOT_SUBREG)
		return;
	env->insn_aux_data[def_idx - 1].zext_dst = true;
	/* zero-extended from now on: no longer a subregister */
	reg->subreg_def = DEF_NOT_SUBREG;
}

int check_reg_arg(struct xbpf_verifier_env *env, u32 regno,
		  enum reg_arg_type t)
{
	struct xbpf_func_state *state = cur_func(env);
	struct bpf_insn *insn = env->insns + env->insn_idx;
	struct xbpf_reg_state *reg, *regs = state->regs;
	bool rw64;

	if (regno >= XBPF_MAX_BPF_REG) {
		verbose(env, "R%d is invalid\n", regno);
		return -EINVAL;
	}
	mark_reg_scratched(env, regno);

	reg = &regs[regno];
	rw64 = is_reg64(env, insn, regno, reg, t);
	if (t == SRC_OP) {
		if (reg->type == NOT_INIT) {
			verbose(env, "R%d !read_ok\n", regno);
			return -EACCES;
		}
		/* the frame pointer is read-only: its liveness is moot */
		if (regno == XBPF_REG_FP)
			return 0;
		if (rw64)
			mark_insn_zext(env, reg);
		return mark_reg_read(env, reg, reg->parent,
				     rw64 ? REG_LIVE_READ64 : REG_LIVE_READ32);
	}
	if (regno == XBPF_REG_FP) {
		verbose(env, "frame pointer is read only\n");
		return -EACCES;
	}
	reg->live |= REG_LIVE_WRITTEN;
	reg->subreg_def = rw64 ? DEF_NOT_SUBREG : env->insn_idx + 1;
	if (t == DST_OP)
		mark_reg_unknown(env, regs, regno);
	return 0;
}
