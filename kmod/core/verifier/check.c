// SPDX-License-Identifier: GPL-2.0
/*
 * The main loop: walk every path through the program, one instruction at a
 * time, updating the abstract state; ALU operations (scalar and pointer
 * arithmetic), conditional jumps (which split the state in two, refined
 * each way), 64-bit immediates and packet loads live here too.
 */
#include "../disasm.h"
#include "vfuncs.h"

#define BPF_MAX_VAR_OFF	(1 << 29)

static bool signed_add_overflows(s64 a, s64 b)
{
	s64 res = (s64)((u64)a + (u64)b);

	return b < 0 ? res > a : res < a;
}

static bool signed_sub_overflows(s64 a, s64 b)
{
	s64 res = (s64)((u64)a - (u64)b);

	return b < 0 ? res < a : res > a;
}

/* Offsets a pointer may carry stay far from overflowing 32 bits. */
static bool check_reg_sane_offset(struct xbpf_verifier_env *env,
				  const struct xbpf_reg_state *reg, u32 type)
{
	bool known = tnum_is_const(reg->var_off);
	s64 val = reg->var_off.value;
	s64 smin = reg->smin_value;

	if (known && (val >= BPF_MAX_VAR_OFF || val <= -BPF_MAX_VAR_OFF)) {
		verbose(env, "math between %s pointer and %lld is not allowed\n",
			reg_type_str(env, type), (long long)val);
		return false;
	}
	if (reg->off >= BPF_MAX_VAR_OFF || reg->off <= -BPF_MAX_VAR_OFF) {
		verbose(env, "%s pointer offset %d is not allowed\n",
			reg_type_str(env, type), reg->off);
		return false;
	}
	if (smin == S64_MIN) {
		verbose(env, "math between %s pointer and register with unbounded min value is not allowed\n",
			reg_type_str(env, type));
		return false;
	}
	if (smin >= BPF_MAX_VAR_OFF || smin <= -BPF_MAX_VAR_OFF) {
		verbose(env, "value %lld makes %s pointer be out of bounds\n",
			(long long)smin, reg_type_str(env, type));
		return false;
	}
	return true;
}

/*
 * ptr_reg <op>= off_reg (or off_reg + ptr_reg into dst). Only ADD and SUB
 * of a scalar keep a pointer; the fixed part goes into off when known and
 * small, the rest into the pointer's bounds and var_off.
 */
static int adjust_ptr_min_max_vals(struct xbpf_verifier_env *env,
				   struct bpf_insn *insn,
				   const struct xbpf_reg_state *ptr_reg,
				   const struct xbpf_reg_state *off_reg)
{
	struct xbpf_reg_state *regs = cur_regs(env), *dst_reg;
	bool known = tnum_is_const(off_reg->var_off);
	s64 smin_val = off_reg->smin_value, smax_val = off_reg->smax_value,
	    smin_ptr = ptr_reg->smin_value, smax_ptr = ptr_reg->smax_value;
	u64 umin_val = off_reg->umin_value, umax_val = off_reg->umax_value,
	    umin_ptr = ptr_reg->umin_value, umax_ptr = ptr_reg->umax_value;
	u8 opcode = BPF_OP(insn->code);
	u32 dst = insn->dst_reg;

	dst_reg = &regs[dst];

	/* a state no value satisfies: only dead code gets here */
	if ((known && (smin_val != smax_val || umin_val != umax_val)) ||
	    smin_val > smax_val || umin_val > umax_val) {
		__mark_reg_unknown(env, dst_reg);
		return 0;
	}

	if (BPF_CLASS(insn->code) != BPF_ALU64) {
		/* 32-bit pointer subtraction yields a scalar */
		if (opcode == BPF_SUB && env->allow_ptr_leaks) {
			__mark_reg_unknown(env, dst_reg);
			return 0;
		}
		verbose(env, "R%d 32-bit pointer arithmetic prohibited\n", dst);
		return -EACCES;
	}

	if (ptr_reg->type & PTR_MAYBE_NULL) {
		verbose(env, "R%d pointer arithmetic on %s prohibited, null-check it first\n",
			dst, reg_type_str(env, ptr_reg->type));
		return -EACCES;
	}

	switch (base_type(ptr_reg->type)) {
	case PTR_TO_FLOW_KEYS:
		if (known)
			break;
		fallthrough;
	case CONST_PTR_TO_MAP:
		/* smin_val is the constant here: adding 0 is harmless */
		if (known && smin_val == 0 && opcode == BPF_ADD)
			break;
		fallthrough;
	case PTR_TO_PACKET_END:
	case PTR_TO_SOCKET:
	case PTR_TO_SOCK_COMMON:
	case PTR_TO_TCP_SOCK:
	case PTR_TO_XDP_SOCK:
		verbose(env, "R%d pointer arithmetic on %s prohibited\n",
			dst, reg_type_str(env, ptr_reg->type));
		return -EACCES;
	default:
		break;
	}

	/* dst takes the pointer's type, id and union; bounds come below */
	if (dst_reg != ptr_reg)
		*dst_reg = *ptr_reg;

	if (!check_reg_sane_offset(env, off_reg, ptr_reg->type) ||
	    !check_reg_sane_offset(env, ptr_reg, ptr_reg->type))
		return -EINVAL;

	/* pointers carry no 32-bit bounds */
	xbpf_mark_reg32_unbounded(dst_reg);

	switch (opcode) {
	case BPF_ADD:
		/* a small known constant just moves the fixed offset */
		if (known && (ptr_reg->off + smin_val ==
			      (s64)(s32)(ptr_reg->off + smin_val))) {
			dst_reg->smin_value = smin_ptr;
			dst_reg->smax_value = smax_ptr;
			dst_reg->umin_value = umin_ptr;
			dst_reg->umax_value = umax_ptr;
			dst_reg->var_off = ptr_reg->var_off;
			dst_reg->off = ptr_reg->off + smin_val;
			dst_reg->raw = ptr_reg->raw;
			break;
		}
		if (signed_add_overflows(smin_ptr, smin_val) ||
		    signed_add_overflows(smax_ptr, smax_val)) {
			dst_reg->smin_value = S64_MIN;
			dst_reg->smax_value = S64_MAX;
		} else {
			dst_reg->smin_value = smin_ptr + smin_val;
			dst_reg->smax_value = smax_ptr + smax_val;
		}
		if (umin_ptr + umin_val < umin_ptr ||
		    umax_ptr + umax_val < umax_ptr) {
			dst_reg->umin_value = 0;
			dst_reg->umax_value = U64_MAX;
		} else {
			dst_reg->umin_value = umin_ptr + umin_val;
			dst_reg->umax_value = umax_ptr + umax_val;
		}
		dst_reg->var_off = tnum_add(ptr_reg->var_off, off_reg->var_off);
		dst_reg->off = ptr_reg->off;
		dst_reg->raw = ptr_reg->raw;
		if (type_is_pkt_pointer(ptr_reg->type)) {
			/* a new packet pointer: its range is unknown */
			dst_reg->id = new_reg_id(env);
			memset(&dst_reg->raw, 0, sizeof(dst_reg->raw));
		}
		break;
	case BPF_SUB:
		if (dst_reg != ptr_reg) {
			verbose(env, "R%d tried to subtract pointer from scalar\n",
				dst);
			return -EACCES;
		}
		if (ptr_reg->type == PTR_TO_STACK) {
			verbose(env, "R%d subtraction from stack pointer prohibited\n",
				dst);
			return -EACCES;
		}
		if (known && (ptr_reg->off - smin_val ==
			      (s64)(s32)(ptr_reg->off - smin_val))) {
			dst_reg->smin_value = smin_ptr;
			dst_reg->smax_value = smax_ptr;
			dst_reg->umin_value = umin_ptr;
			dst_reg->umax_value = umax_ptr;
			dst_reg->var_off = ptr_reg->var_off;
			dst_reg->id = ptr_reg->id;
			dst_reg->off = ptr_reg->off - smin_val;
			dst_reg->raw = ptr_reg->raw;
			break;
		}
		if (signed_sub_overflows(smin_ptr, smax_val) ||
		    signed_sub_overflows(smax_ptr, smin_val)) {
			dst_reg->smin_value = S64_MIN;
			dst_reg->smax_value = S64_MAX;
		} else {
			dst_reg->smin_value = smin_ptr - smax_val;
			dst_reg->smax_value = smax_ptr - smin_val;
		}
		if (umin_ptr < umax_val) {
			dst_reg->umin_value = 0;
			dst_reg->umax_value = U64_MAX;
		} else {
			dst_reg->umin_value = umin_ptr - umax_val;
			dst_reg->umax_value = umax_ptr - umin_val;
		}
		dst_reg->var_off = tnum_sub(ptr_reg->var_off, off_reg->var_off);
		dst_reg->off = ptr_reg->off;
		dst_reg->raw = ptr_reg->raw;
		if (type_is_pkt_pointer(ptr_reg->type)) {
			dst_reg->id = new_reg_id(env);
			/* subtracting a negative number grows the pointer */
			if (smin_val < 0)
				memset(&dst_reg->raw, 0, sizeof(dst_reg->raw));
		}
		break;
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
		verbose(env, "R%d bitwise operator %s on pointer prohibited\n",
			dst, xbpf_alu_op_str(opcode));
		return -EACCES;
	default:
		verbose(env, "R%d pointer arithmetic with %s operator prohibited\n",
			dst, xbpf_alu_op_str(opcode));
		return -EACCES;
	}

	if (!check_reg_sane_offset(env, dst_reg, ptr_reg->type))
		return -EINVAL;
	xbpf_reg_bounds_sync(dst_reg);
	return 0;
}

/* Any two-operand ALU op other than MOV: decide who is the pointer. */
static int adjust_reg_min_max_vals(struct xbpf_verifier_env *env,
				   struct bpf_insn *insn)
{
	struct xbpf_func_state *state = cur_func(env);
	struct xbpf_reg_state *regs = state->regs, *dst_reg, *src_reg;
	struct xbpf_reg_state *ptr_reg = NULL, off_reg;
	u8 opcode = BPF_OP(insn->code);
	int err;

	memset(&off_reg, 0, sizeof(off_reg));
	dst_reg = &regs[insn->dst_reg];
	if (dst_reg->type != SCALAR_VALUE)
		ptr_reg = dst_reg;
	else
		/* the result is a new value: no longer linked to others */
		dst_reg->id = 0;

	if (BPF_SRC(insn->code) == BPF_X) {
		src_reg = &regs[insn->src_reg];
		if (src_reg->type != SCALAR_VALUE) {
			if (dst_reg->type != SCALAR_VALUE) {
				/* only pointer - pointer means something */
				if (opcode == BPF_SUB && env->allow_ptr_leaks) {
					mark_reg_unknown(env, regs,
							 insn->dst_reg);
					return 0;
				}
				verbose(env, "R%d pointer %s pointer prohibited\n",
					insn->dst_reg,
					xbpf_alu_op_str(opcode));
				return -EACCES;
			}
			/* scalar += pointer: the roles swap */
			err = mark_chain_precision(env, insn->dst_reg);
			if (err)
				return err;
			off_reg = *dst_reg;
			return adjust_ptr_min_max_vals(env, insn, src_reg,
						       &off_reg);
		} else if (ptr_reg) {
			err = mark_chain_precision(env, insn->src_reg);
			if (err)
				return err;
			return adjust_ptr_min_max_vals(env, insn, dst_reg,
						       src_reg);
		} else if (dst_reg->precise) {
			/* a precise result needs a precise operand */
			err = mark_chain_precision(env, insn->src_reg);
			if (err)
				return err;
		}
	} else {
		/* the immediate as a known scalar register */
		off_reg.type = SCALAR_VALUE;
		xbpf_mark_reg_known(&off_reg, insn->imm);
		src_reg = &off_reg;
		if (ptr_reg)
			return adjust_ptr_min_max_vals(env, insn, ptr_reg,
						       src_reg);
	}
	return xbpf_scalar_alu(dst_reg, *src_reg, opcode,
			       BPF_CLASS(insn->code) != BPF_ALU64,
			       env->bpf_capable);
}

static int check_alu_op(struct xbpf_verifier_env *env, struct bpf_insn *insn)
{
	struct xbpf_reg_state *regs = cur_regs(env);
	u8 opcode = BPF_OP(insn->code);
	int err;

	if (opcode == BPF_END || opcode == BPF_NEG) {
		if (opcode == BPF_NEG) {
			if (BPF_SRC(insn->code) != BPF_K ||
			    insn->src_reg != BPF_REG_0 ||
			    insn->off != 0 || insn->imm != 0) {
				verbose(env, "BPF_NEG uses reserved fields\n");
				return -EINVAL;
			}
		} else if (insn->src_reg != BPF_REG_0 || insn->off != 0 ||
			   (insn->imm != 16 && insn->imm != 32 &&
			    insn->imm != 64) ||
			   BPF_CLASS(insn->code) == BPF_ALU64) {
			verbose(env, "BPF_END uses reserved fields\n");
			return -EINVAL;
		}
		err = check_reg_arg(env, insn->dst_reg, SRC_OP);
		if (err)
			return err;
		if (is_pointer_value(env, insn->dst_reg)) {
			verbose(env, "R%d pointer arithmetic prohibited\n",
				insn->dst_reg);
			return -EACCES;
		}
		return check_reg_arg(env, insn->dst_reg, DST_OP);
	}

	if (opcode == BPF_MOV) {
		if (BPF_SRC(insn->code) == BPF_X) {
			if (insn->imm != 0 || insn->off != 0) {
				verbose(env, "BPF_MOV uses reserved fields\n");
				return -EINVAL;
			}
			err = check_reg_arg(env, insn->src_reg, SRC_OP);
			if (err)
				return err;
		} else if (insn->src_reg != BPF_REG_0 || insn->off != 0) {
			verbose(env, "BPF_MOV uses reserved fields\n");
			return -EINVAL;
		}
		/* marked below, once we know what dst becomes */
		err = check_reg_arg(env, insn->dst_reg, DST_OP_NO_MARK);
		if (err)
			return err;

		if (BPF_SRC(insn->code) == BPF_X) {
			struct xbpf_reg_state *src_reg = regs + insn->src_reg;
			struct xbpf_reg_state *dst_reg = regs + insn->dst_reg;

			if (BPF_CLASS(insn->code) == BPF_ALU64) {
				/*
				 * Link the copies: bounds learned about one
				 * later apply to both (find_equal_scalars).
				 */
				if (src_reg->type == SCALAR_VALUE &&
				    !src_reg->id)
					src_reg->id = new_reg_id(env);
				copy_register_state(dst_reg, src_reg);
				dst_reg->live |= REG_LIVE_WRITTEN;
				dst_reg->subreg_def = DEF_NOT_SUBREG;
			} else {
				if (is_pointer_value(env, insn->src_reg)) {
					verbose(env, "R%d partial copy of pointer\n",
						insn->src_reg);
					return -EACCES;
				} else if (src_reg->type == SCALAR_VALUE) {
					copy_register_state(dst_reg, src_reg);
					/* a truncated copy is a new value */
					dst_reg->id = 0;
					dst_reg->live |= REG_LIVE_WRITTEN;
					dst_reg->subreg_def = env->insn_idx + 1;
				} else {
					mark_reg_unknown(env, regs,
							 insn->dst_reg);
				}
				xbpf_zext_32_to_64(dst_reg);
				xbpf_reg_bounds_sync(dst_reg);
			}
		} else {
			/* clear what mark_reg_known does not set */
			mark_reg_unknown(env, regs, insn->dst_reg);
			regs[insn->dst_reg].type = SCALAR_VALUE;
			if (BPF_CLASS(insn->code) == BPF_ALU64)
				xbpf_mark_reg_known(regs + insn->dst_reg,
						    insn->imm);
			else
				xbpf_mark_reg_known(regs + insn->dst_reg,
						    (u32)insn->imm);
		}
		return 0;
	}

	if (opcode > BPF_END) {
		verbose(env, "invalid BPF_ALU opcode %x\n", opcode);
		return -EINVAL;
	}

	if (BPF_SRC(insn->code) == BPF_X) {
		if (insn->imm != 0 || insn->off != 0) {
			verbose(env, "BPF_ALU uses reserved fields\n");
			return -EINVAL;
		}
		err = check_reg_arg(env, insn->src_reg, SRC_OP);
		if (err)
			return err;
	} else if (insn->src_reg != BPF_REG_0 || insn->off != 0) {
		verbose(env, "BPF_ALU uses reserved fields\n");
		return -EINVAL;
	}
	err = check_reg_arg(env, insn->dst_reg, SRC_OP);
	if (err)
		return err;

	if ((opcode == BPF_MOD || opcode == BPF_DIV) &&
	    BPF_SRC(insn->code) == BPF_K && insn->imm == 0) {
		verbose(env, "div by zero\n");
		return -EINVAL;
	}
	if ((opcode == BPF_LSH || opcode == BPF_RSH || opcode == BPF_ARSH) &&
	    BPF_SRC(insn->code) == BPF_K) {
		int size = BPF_CLASS(insn->code) == BPF_ALU64 ? 64 : 32;

		if (insn->imm < 0 || insn->imm >= size) {
			verbose(env, "invalid shift %d\n", insn->imm);
			return -EINVAL;
		}
	}
	err = check_reg_arg(env, insn->dst_reg, DST_OP_NO_MARK);
	if (err)
		return err;
	return adjust_reg_min_max_vals(env, insn);
}

static void copy_if_equal(struct xbpf_reg_state *known_reg,
			  struct xbpf_func_state *state,
			  struct xbpf_reg_state *reg)
{
	s32 saved_subreg_def = reg->subreg_def;

	if (reg->type != SCALAR_VALUE || reg->id != known_reg->id)
		return;
	copy_register_state(reg, known_reg);
	reg->subreg_def = saved_subreg_def;
}

/* Every scalar with known_reg's id learns what known_reg learned. */
static void find_equal_scalars(struct xbpf_verifier_state *vstate,
			       struct xbpf_reg_state *known_reg)
{
	struct xbpf_reg_state *reg;

	for_each_reg_in_vstate(vstate, reg, copy_if_equal, known_reg);
}

static void mark_ptr_not_null_reg(struct xbpf_reg_state *reg)
{
	if (base_type(reg->type) == PTR_TO_MAP_VALUE) {
		/* a map of maps yields the inner map, as its template says */
		if (reg->map_ptr->inner) {
			reg->type = CONST_PTR_TO_MAP;
			reg->map_ptr = reg->map_ptr->inner;
			return;
		}
		reg->type = PTR_TO_MAP_VALUE;
		return;
	}
	reg->type &= ~PTR_MAYBE_NULL;
}

struct null_check {
	u32 id;
	bool is_null;
};

static void mark_ptr_or_null_reg(struct null_check *nc,
				 struct xbpf_func_state *state,
				 struct xbpf_reg_state *reg)
{
	if (!type_may_be_null(reg->type) || reg->id != nc->id ||
	    WARN_ON_ONCE(!reg->id))
		return;
	/* a maybe-NULL pointer has no offset yet: arithmetic is refused */
	if (WARN_ON_ONCE(reg->smin_value || reg->smax_value ||
			 !tnum_equals_const(reg->var_off, 0) || reg->off))
		return;
	if (nc->is_null) {
		reg->type = SCALAR_VALUE;
		reg->id = 0;
		reg->ref_obj_id = 0;
		return;
	}
	mark_ptr_not_null_reg(reg);
	reg->id = 0;
}

/* A NULL check of regno settles every copy of that pointer. */
static void mark_ptr_or_null_regs(struct xbpf_verifier_state *vstate,
				  u32 regno, bool is_null)
{
	struct xbpf_func_state *state = vstate->frame[vstate->curframe];
	struct xbpf_reg_state *regs = state->regs, *reg;
	struct null_check nc = { .id = regs[regno].id, .is_null = is_null };
	u32 ref_obj_id = regs[regno].ref_obj_id;

	/* a NULL reference needs no release */
	if (ref_obj_id && ref_obj_id == nc.id && is_null)
		WARN_ON_ONCE(release_reference_state(state, nc.id));
	for_each_reg_in_vstate(vstate, reg, mark_ptr_or_null_reg, &nc);
}

static int check_cond_jmp_op(struct xbpf_verifier_env *env,
			     struct bpf_insn *insn, int *insn_idx)
{
	struct xbpf_verifier_state *this_branch = env->cur_state;
	struct xbpf_verifier_state *other_branch;
	struct xbpf_reg_state *regs = this_branch->frame[this_branch->curframe]->regs;
	struct xbpf_reg_state *dst_reg, *other_branch_regs, *src_reg = NULL;
	u8 opcode = BPF_OP(insn->code);
	bool is_jmp32;
	int pred = -1;
	int err;

	if (opcode == BPF_JA || opcode > BPF_JSLE) {
		verbose(env, "invalid BPF_JMP/JMP32 opcode %x\n", opcode);
		return -EINVAL;
	}
	err = check_reg_arg(env, insn->dst_reg, SRC_OP);
	if (err)
		return err;

	dst_reg = &regs[insn->dst_reg];
	if (BPF_SRC(insn->code) == BPF_X) {
		if (insn->imm != 0) {
			verbose(env, "BPF_JMP/JMP32 uses reserved fields\n");
			return -EINVAL;
		}
		err = check_reg_arg(env, insn->src_reg, SRC_OP);
		if (err)
			return err;
		src_reg = &regs[insn->src_reg];
		if (!(type_is_pkt_pointer(dst_reg->type) &&
		      type_is_pkt_pointer(src_reg->type)) &&
		    is_pointer_value(env, insn->src_reg)) {
			verbose(env, "R%d pointer comparison prohibited\n",
				insn->src_reg);
			return -EACCES;
		}
	} else if (insn->src_reg != BPF_REG_0) {
		verbose(env, "BPF_JMP/JMP32 uses reserved fields\n");
		return -EINVAL;
	}

	is_jmp32 = BPF_CLASS(insn->code) == BPF_JMP32;

	if (BPF_SRC(insn->code) == BPF_K) {
		pred = xbpf_is_branch_taken(dst_reg, insn->imm, opcode,
					    is_jmp32);
	} else if (src_reg->type == SCALAR_VALUE && is_jmp32 &&
		   tnum_is_const(tnum_subreg(src_reg->var_off))) {
		pred = xbpf_is_branch_taken(dst_reg,
					    tnum_subreg(src_reg->var_off).value,
					    opcode, is_jmp32);
	} else if (src_reg->type == SCALAR_VALUE && !is_jmp32 &&
		   tnum_is_const(src_reg->var_off)) {
		pred = xbpf_is_branch_taken(dst_reg, src_reg->var_off.value,
					    opcode, is_jmp32);
	}

	if (pred >= 0) {
		/* the path taken depends on these values: keep them exact */
		if (!__is_pointer_value(false, dst_reg))
			err = mark_chain_precision(env, insn->dst_reg);
		if (BPF_SRC(insn->code) == BPF_X && !err &&
		    !__is_pointer_value(false, src_reg))
			err = mark_chain_precision(env, insn->src_reg);
		if (err)
			return err;
	}

	if (pred == 1) {
		if (env->log.level & XBPF_LOG_LEVEL)
			print_insn_state(env,
				this_branch->frame[this_branch->curframe]);
		*insn_idx += insn->off;
		return 0;
	} else if (pred == 0) {
		if (env->log.level & XBPF_LOG_LEVEL)
			print_insn_state(env,
				this_branch->frame[this_branch->curframe]);
		return 0;
	}

	other_branch = push_stack(env, *insn_idx + insn->off + 1, *insn_idx,
				  false);
	if (!other_branch)
		return -EFAULT;
	other_branch_regs = other_branch->frame[other_branch->curframe]->regs;

	/* other_branch is where the condition holds */
	if (BPF_SRC(insn->code) == BPF_X) {
		if (dst_reg->type == SCALAR_VALUE &&
		    src_reg->type == SCALAR_VALUE) {
			if (tnum_is_const(src_reg->var_off) ||
			    (is_jmp32 &&
			     tnum_is_const(tnum_subreg(src_reg->var_off))))
				xbpf_reg_set_min_max(&other_branch_regs[insn->dst_reg],
						     dst_reg,
						     src_reg->var_off.value,
						     tnum_subreg(src_reg->var_off).value,
						     opcode, is_jmp32);
			else if (tnum_is_const(dst_reg->var_off) ||
				 (is_jmp32 &&
				  tnum_is_const(tnum_subreg(dst_reg->var_off))))
				xbpf_reg_set_min_max_inv(&other_branch_regs[insn->src_reg],
							 src_reg,
							 dst_reg->var_off.value,
							 tnum_subreg(dst_reg->var_off).value,
							 opcode, is_jmp32);
			else if (!is_jmp32 &&
				 (opcode == BPF_JEQ || opcode == BPF_JNE))
				xbpf_reg_combine_min_max(&other_branch_regs[insn->src_reg],
							 &other_branch_regs[insn->dst_reg],
							 src_reg, dst_reg, opcode);
			if (src_reg->id &&
			    !WARN_ON_ONCE(src_reg->id !=
					  other_branch_regs[insn->src_reg].id)) {
				find_equal_scalars(this_branch, src_reg);
				find_equal_scalars(other_branch,
						   &other_branch_regs[insn->src_reg]);
			}
		}
	} else if (dst_reg->type == SCALAR_VALUE) {
		xbpf_reg_set_min_max(&other_branch_regs[insn->dst_reg], dst_reg,
				     insn->imm, (u32)insn->imm, opcode,
				     is_jmp32);
	}

	if (dst_reg->type == SCALAR_VALUE && dst_reg->id &&
	    !WARN_ON_ONCE(dst_reg->id != other_branch_regs[insn->dst_reg].id)) {
		find_equal_scalars(this_branch, dst_reg);
		find_equal_scalars(other_branch,
				   &other_branch_regs[insn->dst_reg]);
	}

	if (!is_jmp32 && BPF_SRC(insn->code) == BPF_K &&
	    insn->imm == 0 && (opcode == BPF_JEQ || opcode == BPF_JNE) &&
	    type_may_be_null(dst_reg->type)) {
		/* JNE 0: the jump is taken when non-NULL */
		mark_ptr_or_null_regs(this_branch, insn->dst_reg,
				      opcode == BPF_JNE);
		mark_ptr_or_null_regs(other_branch, insn->dst_reg,
				      opcode == BPF_JEQ);
	} else if (is_pointer_value(env, insn->dst_reg)) {
		/* no program type of xbpf's compares packet pointers */
		verbose(env, "R%d pointer comparison prohibited\n",
			insn->dst_reg);
		return -EACCES;
	}
	if (env->log.level & XBPF_LOG_LEVEL)
		print_insn_state(env, this_branch->frame[this_branch->curframe]);
	return 0;
}

static int check_ld_imm(struct xbpf_verifier_env *env, struct bpf_insn *insn)
{
	struct xbpf_insn_aux_data *aux = &env->insn_aux_data[env->insn_idx];
	struct xbpf_reg_state *regs = cur_regs(env);
	struct xbpf_reg_state *dst_reg;
	int err;

	if (BPF_SIZE(insn->code) != BPF_DW) {
		verbose(env, "invalid BPF_LD_IMM insn\n");
		return -EINVAL;
	}
	if (insn->off != 0) {
		verbose(env, "BPF_LD_IMM64 uses reserved fields\n");
		return -EINVAL;
	}
	err = check_reg_arg(env, insn->dst_reg, DST_OP);
	if (err)
		return err;

	dst_reg = &regs[insn->dst_reg];
	if (insn->src_reg == 0) {
		u64 imm = ((u64)(insn + 1)->imm << 32) | (u32)insn->imm;

		dst_reg->type = SCALAR_VALUE;
		xbpf_mark_reg_known(dst_reg, imm);
		return 0;
	}

	mark_reg_known_zero(env, regs, insn->dst_reg);
	if (insn->src_reg == BPF_PSEUDO_FUNC) {
		int subprogno = find_subprog(env, env->insn_idx + insn->imm + 1);

		/*
		 * Linux 6.1 wants BTF func_info here ("missing btf
		 * func_info") and refuses a global callback ("callback
		 * function not static"). xbpf has no BTF: like every
		 * subprogram without it, a callback is static.
		 */
		if (subprogno == 0) {
			verbose(env, "callback function cannot be the main program\n");
			return -EINVAL;
		}
		dst_reg->type = PTR_TO_FUNC;
		dst_reg->subprogno = subprogno;
		return 0;
	}

	dst_reg->map_ptr = env->used_maps[aux->map_index];
	if (insn->src_reg == BPF_PSEUDO_MAP_VALUE ||
	    insn->src_reg == BPF_PSEUDO_MAP_IDX_VALUE) {
		dst_reg->type = PTR_TO_MAP_VALUE;
		dst_reg->off = aux->map_off;
	} else if (insn->src_reg == BPF_PSEUDO_MAP_FD ||
		   insn->src_reg == BPF_PSEUDO_MAP_IDX) {
		dst_reg->type = CONST_PTR_TO_MAP;
	} else {
		verbose(env, "bpf verifier is misconfigured\n");
		return -EINVAL;
	}
	return 0;
}

static int check_ld_abs(struct xbpf_verifier_env *env, struct bpf_insn *insn)
{
	struct xbpf_reg_state *regs = cur_regs(env);
	const int ctx_reg = BPF_REG_6;
	u8 mode = BPF_MODE(insn->code);
	int i, err;

	if (!env->ops->may_access_skb) {
		verbose(env, "BPF_LD_[ABS|IND] instructions not allowed for this program type\n");
		return -EINVAL;
	}
	if (insn->dst_reg != BPF_REG_0 || insn->off != 0 ||
	    BPF_SIZE(insn->code) == BPF_DW ||
	    (mode == BPF_ABS && insn->src_reg != BPF_REG_0)) {
		verbose(env, "BPF_LD_[ABS|IND] uses reserved fields\n");
		return -EINVAL;
	}
	err = check_reg_arg(env, ctx_reg, SRC_OP);
	if (err)
		return err;
	/* a failed load returns from the program: nothing may be held */
	err = check_reference_leak(env);
	if (err) {
		verbose(env, "BPF_LD_[ABS|IND] cannot be mixed with socket references\n");
		return err;
	}
	if (env->cur_state->active_spin_lock) {
		verbose(env, "BPF_LD_[ABS|IND] cannot be used inside bpf_spin_lock-ed region\n");
		return -EINVAL;
	}
	if (regs[ctx_reg].type != PTR_TO_CTX) {
		verbose(env, "at the time of BPF_LD_ABS|IND R6 != pointer to skb\n");
		return -EINVAL;
	}
	if (mode == BPF_IND) {
		err = check_reg_arg(env, insn->src_reg, SRC_OP);
		if (err)
			return err;
	}
	err = check_ptr_off_reg(env, &regs[ctx_reg], ctx_reg);
	if (err < 0)
		return err;

	/* the load is a call in disguise: it clobbers R0-R5 */
	for (i = 0; i < XBPF_CALLER_SAVED_REGS; i++) {
		mark_reg_not_init(env, regs, i);
		check_reg_arg(env, i, DST_OP_NO_MARK);
	}
	mark_reg_unknown(env, regs, BPF_REG_0);
	regs[BPF_REG_0].subreg_def = env->insn_idx + 1;
	if (env->cur_state->curframe) {
		struct xbpf_verifier_state *branch;

		/* in a subprogram, a failed load returns 0 to the caller */
		mark_reg_scratched(env, BPF_REG_0);
		branch = push_stack(env, env->insn_idx + 1, env->insn_idx,
				    false);
		if (!branch)
			return -EFAULT;
		mark_reg_known_zero(env, regs, BPF_REG_0);
		err = prepare_func_exit(env, &env->insn_idx);
		if (err)
			return err;
		env->insn_idx--;
	}
	return 0;
}

/* Pointer kinds one load/store insn may see with different values. */
static bool reg_type_mismatch_ok(u32 type)
{
	switch (base_type(type)) {
	case PTR_TO_CTX:
	case PTR_TO_SOCKET:
	case PTR_TO_SOCK_COMMON:
	case PTR_TO_TCP_SOCK:
	case PTR_TO_XDP_SOCK:
	case PTR_TO_BTF_ID:
		return false;
	default:
		return true;
	}
}

/*
 * A load/store is rewritten per pointer type (ctx accesses are converted),
 * so it must see the same kind of pointer on every path.
 */
static int check_same_ptr_type(struct xbpf_verifier_env *env, u32 type)
{
	u32 *prev = &env->insn_aux_data[env->insn_idx].ptr_type;

	if (*prev == NOT_INIT) {
		*prev = type;
		return 0;
	}
	if (type != *prev &&
	    (!reg_type_mismatch_ok(type) || !reg_type_mismatch_ok(*prev))) {
		verbose(env, "same insn cannot be used with different pointers\n");
		return -EINVAL;
	}
	return 0;
}

static int check_ldx(struct xbpf_verifier_env *env, struct bpf_insn *insn)
{
	struct xbpf_reg_state *regs = cur_regs(env);
	u32 src_reg_type;
	int err;

	err = check_reg_arg(env, insn->src_reg, SRC_OP);
	if (err)
		return err;
	err = check_reg_arg(env, insn->dst_reg, DST_OP_NO_MARK);
	if (err)
		return err;
	src_reg_type = regs[insn->src_reg].type;
	err = check_mem_access(env, env->insn_idx, insn->src_reg, insn->off,
			       BPF_SIZE(insn->code), XBPF_READ, insn->dst_reg,
			       false);
	if (err)
		return err;
	return check_same_ptr_type(env, src_reg_type);
}

static int check_stx(struct xbpf_verifier_env *env, struct bpf_insn *insn)
{
	struct xbpf_reg_state *regs = cur_regs(env);
	u32 dst_reg_type;
	int err;

	if (BPF_MODE(insn->code) != BPF_MEM || insn->imm != 0) {
		verbose(env, "BPF_STX uses reserved fields\n");
		return -EINVAL;
	}
	err = check_reg_arg(env, insn->src_reg, SRC_OP);
	if (err)
		return err;
	err = check_reg_arg(env, insn->dst_reg, SRC_OP);
	if (err)
		return err;
	dst_reg_type = regs[insn->dst_reg].type;
	err = check_mem_access(env, env->insn_idx, insn->dst_reg, insn->off,
			       BPF_SIZE(insn->code), XBPF_WRITE, insn->src_reg,
			       false);
	if (err)
		return err;
	return check_same_ptr_type(env, dst_reg_type);
}

static int check_st(struct xbpf_verifier_env *env, struct bpf_insn *insn)
{
	struct xbpf_reg_state *reg;
	int err;

	if (BPF_MODE(insn->code) != BPF_MEM || insn->src_reg != BPF_REG_0) {
		verbose(env, "BPF_ST uses reserved fields\n");
		return -EINVAL;
	}
	err = check_reg_arg(env, insn->dst_reg, SRC_OP);
	if (err)
		return err;
	reg = reg_state(env, insn->dst_reg);
	if (reg->type == PTR_TO_CTX) {
		verbose(env, "BPF_ST stores into R%d %s is not allowed\n",
			insn->dst_reg, reg_type_str(env, reg->type));
		return -EACCES;
	}
	return check_mem_access(env, env->insn_idx, insn->dst_reg, insn->off,
				BPF_SIZE(insn->code), XBPF_WRITE, -1, false);
}

/* Log the insn about to be checked, as Linux does at log level 1+. */
static void log_insn(struct xbpf_verifier_env *env, struct bpf_insn *insn)
{
	struct xbpf_verifier_state *state = env->cur_state;

	if (env->scratched_regs || env->scratched_stack_slots)
		print_insn_state(env, state->frame[state->curframe]);
	env->prev_log_len = env->log.len_used;
	print_bpf_insn_log(env, insn);
	env->prev_insn_print_len = env->log.len_used - env->prev_log_len;
	env->prev_log_len = env->log.len_used;
}

static int do_check(struct xbpf_verifier_env *env)
{
	bool pop_log = !(env->log.level & XBPF_LOG_LEVEL2);
	int insn_cnt = env->len;
	bool do_print_state = false;
	int prev_insn_idx = -1;

	for (;;) {
		struct xbpf_verifier_state *state = env->cur_state;
		struct bpf_insn *insn;
		u8 class;
		int err;

		env->prev_insn_idx = prev_insn_idx;
		if (env->insn_idx >= insn_cnt) {
			verbose(env, "invalid insn idx %d insn_cnt %d\n",
				env->insn_idx, insn_cnt);
			return -EFAULT;
		}
		insn = &env->insns[env->insn_idx];
		class = BPF_CLASS(insn->code);

		if (++env->insn_processed > XBPF_COMPLEXITY_LIMIT_INSNS) {
			verbose(env, "BPF program is too large. Processed %d insn\n",
				env->insn_processed);
			return -E2BIG;
		}

		err = is_state_visited(env, env->insn_idx);
		if (err < 0)
			return err;
		if (err == 1) {
			if (env->log.level & XBPF_LOG_LEVEL) {
				if (do_print_state)
					verbose(env, "\nfrom %d to %d%s: safe\n",
						env->prev_insn_idx,
						env->insn_idx,
						env->cur_state->speculative ?
						" (speculative execution)" : "");
				else
					verbose(env, "%d: safe\n",
						env->insn_idx);
			}
			goto process_bpf_exit;
		}

		xbpf_cond_resched();

		if (env->log.level & XBPF_LOG_LEVEL2 && do_print_state) {
			verbose(env, "\nfrom %d to %d%s:",
				env->prev_insn_idx, env->insn_idx,
				env->cur_state->speculative ?
				" (speculative execution)" : "");
			print_verifier_state(env,
				env->cur_state->frame[env->cur_state->curframe],
				true);
			do_print_state = false;
		}
		if (env->log.level & XBPF_LOG_LEVEL)
			log_insn(env, insn);

		env->insn_aux_data[env->insn_idx].seen = env->pass_cnt;
		prev_insn_idx = env->insn_idx;

		if (class == BPF_ALU || class == BPF_ALU64) {
			err = check_alu_op(env, insn);
		} else if (class == BPF_LDX) {
			err = check_ldx(env, insn);
		} else if (class == BPF_STX) {
			if (BPF_MODE(insn->code) == BPF_ATOMIC) {
				err = check_atomic(env, env->insn_idx, insn);
				if (err)
					return err;
				env->insn_idx++;
				continue;
			}
			err = check_stx(env, insn);
		} else if (class == BPF_ST) {
			err = check_st(env, insn);
		} else if (class == BPF_JMP || class == BPF_JMP32) {
			u8 opcode = BPF_OP(insn->code);

			env->jmps_processed++;
			if (opcode == BPF_CALL) {
				err = check_call(env, insn, &env->insn_idx);
			} else if (opcode == BPF_JA) {
				/* JMP32 | JA (gotol) jumps by imm, not off */
				if (BPF_SRC(insn->code) != BPF_K ||
				    insn->src_reg != BPF_REG_0 ||
				    insn->dst_reg != BPF_REG_0 ||
				    (class == BPF_JMP && insn->imm != 0) ||
				    (class == BPF_JMP32 && insn->off != 0)) {
					verbose(env, "BPF_JA uses reserved fields\n");
					return -EINVAL;
				}
				if (class == BPF_JMP)
					env->insn_idx += insn->off + 1;
				else
					env->insn_idx += insn->imm + 1;
				continue;
			} else if (opcode == BPF_EXIT) {
				err = process_exit(env, &env->insn_idx,
						   &do_print_state);
				if (err < 0)
					return err;
				if (err == 1) {
					/* returned into the caller */
					do_print_state = true;
					continue;
				}
process_bpf_exit:
				mark_verifier_state_scratched(env);
				update_branch_counts(env, env->cur_state);
				err = pop_stack(env, &prev_insn_idx,
						&env->insn_idx, pop_log);
				if (err < 0) {
					if (err != -ENOENT)
						return err;
					break;
				}
				do_print_state = true;
				continue;
			} else {
				err = check_cond_jmp_op(env, insn,
							&env->insn_idx);
			}
		} else if (class == BPF_LD) {
			u8 mode = BPF_MODE(insn->code);

			if (mode == BPF_ABS || mode == BPF_IND) {
				err = check_ld_abs(env, insn);
			} else if (mode == BPF_IMM) {
				err = check_ld_imm(env, insn);
				if (err)
					return err;
				env->insn_idx++;
				env->insn_aux_data[env->insn_idx].seen =
					env->pass_cnt;
			} else {
				verbose(env, "invalid BPF_LD mode\n");
				err = -EINVAL;
			}
		} else {
			verbose(env, "unknown insn class %d\n", class);
			err = -EINVAL;
		}
		if (err)
			return err;
		(void)state;
		env->insn_idx++;
	}
	return 0;
}

int do_check_main(struct xbpf_verifier_env *env)
{
	bool pop_log = !(env->log.level & XBPF_LOG_LEVEL2);
	struct xbpf_verifier_state *state;
	struct xbpf_reg_state *regs;
	int ret;

	env->insn_idx = 0;
	env->pass_cnt++;
	state = xbpf_core_zalloc(sizeof(*state));
	if (!state)
		return -ENOMEM;
	state->curframe = 0;
	state->speculative = false;
	state->branches = 1;
	state->frame[0] = xbpf_core_zalloc(sizeof(struct xbpf_func_state));
	if (!state->frame[0]) {
		xbpf_core_free(state);
		return -ENOMEM;
	}
	env->cur_state = state;
	init_func_state(env, state->frame[0], BPF_MAIN_FUNC, 0, 0);
	state->first_insn_idx = env->subprog_info[0].start;
	state->last_insn_idx = -1;

	regs = state->frame[state->curframe]->regs;
	regs[BPF_REG_1].type = PTR_TO_CTX;
	mark_reg_known_zero(env, regs, BPF_REG_1);

	ret = do_check(env);

	if (env->cur_state) {
		free_verifier_state(env->cur_state, true);
		env->cur_state = NULL;
	}
	while (!pop_stack(env, NULL, NULL, false))
		;
	/* a successful load keeps only the summary, as Linux does */
	if (!ret && pop_log)
		xbpf_log_reset(env, 0);
	free_explored_states(env);
	return ret;
}

static bool is_pseudo_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) &&
	       insn->src_reg == BPF_PSEUDO_CALL;
}

/* an ld_imm64 of a callback: its frame sits on top of the caller's */
static bool is_pseudo_func(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       insn->src_reg == BPF_PSEUDO_FUNC;
}

/*
 * The stack of the deepest chain of calls must fit in 512 bytes, each
 * frame rounded up to 32 as the JIT lays frames out.
 */
static int check_max_stack_depth_subprog(struct xbpf_verifier_env *env,
					 int idx)
{
	struct xbpf_subprog_info *subprog = env->subprog_info;
	struct bpf_insn *insn = env->insns;
	int depth = 0, frame = 0, i, subprog_end;
	bool tail_call_reachable = false;
	int ret_insn[XBPF_MAX_FRAMES];
	int ret_prog[XBPF_MAX_FRAMES];
	int j;

	i = subprog[idx].start;
process_func:
	/*
	 * A tail call replaces the frame but keeps the callers' frames:
	 * their stack must leave room for the callee's 256 bytes.
	 */
	if (idx && subprog[idx].has_tail_call && depth >= 256) {
		verbose(env, "tail_calls are not allowed when call stack of previous frames is %d bytes. Too large\n",
			depth);
		return -EACCES;
	}
	depth += round_up(max_t(u32, subprog[idx].stack_depth, 1), 32);
	if (depth > XBPF_MAX_STACK) {
		verbose(env, "combined stack size of %d calls is %d. Too large\n",
			frame + 1, depth);
		return -EACCES;
	}
continue_func:
	subprog_end = subprog[idx + 1].start;
	for (; i < subprog_end; i++) {
		int next_insn, sidx;

		if (!is_pseudo_call(insn + i) && !is_pseudo_func(insn + i))
			continue;
		ret_insn[frame] = i + 1;
		ret_prog[frame] = idx;

		next_insn = i + insn[i].imm + 1;
		sidx = find_subprog(env, next_insn);
		if (sidx < 0) {
			verbose(env, "verifier bug. No program starts at insn %d\n",
				next_insn);
			return -EFAULT;
		}
		i = next_insn;
		idx = sidx;
		if (subprog[idx].has_tail_call)
			tail_call_reachable = true;
		frame++;
		if (frame >= XBPF_MAX_FRAMES) {
			verbose(env, "the call stack of %d frames is too deep !\n",
				frame);
			return -E2BIG;
		}
		goto process_func;
	}
	/* every frame on the way to a tail call needs the JIT's tail call count */
	if (tail_call_reachable)
		for (j = 0; j < frame; j++)
			subprog[ret_prog[j]].tail_call_reachable = true;
	if (frame == 0)
		return 0;
	depth -= round_up(max_t(u32, subprog[idx].stack_depth, 1), 32);
	frame--;
	i = ret_insn[frame];
	idx = ret_prog[frame];
	goto continue_func;
}

int check_max_stack_depth(struct xbpf_verifier_env *env)
{
	return check_max_stack_depth_subprog(env, 0);
}
