// SPDX-License-Identifier: GPL-2.0
/*
 * What later instructions need of earlier states, recorded backwards so
 * that pruning compares only what matters:
 *
 * Read marks. A register or stack slot a continuation reads before
 * writing it is marked REG_LIVE_READ in the explored states it came
 * from; one nobody read may differ freely between equivalent states.
 *
 * Precision. Scalars are compared loosely unless marked precise; a
 * scalar whose exact range decided something (a pointer offset, a
 * helper's size argument, a branch) is marked precise, and so is every
 * register and spilled slot it was computed from, found by walking the
 * instructions of the current path backwards through its parent states.
 * Where that walk cannot follow the data (calls into subprograms, exits,
 * LD_ABS/LD_IND, fills through a register other than R10), every scalar
 * of the path is made precise instead.
 */
#include "vfuncs.h"

int mark_reg_read(struct xbpf_verifier_env *env,
		  const struct xbpf_reg_state *state,
		  struct xbpf_reg_state *parent, u8 flag)
{
	/*
	 * The state's own write screens off its reads from its parent,
	 * but not when the read arrives through pruning: then parent is
	 * not state->parent and the write was done by another path.
	 */
	bool writes = parent == state->parent;
	u32 cnt = 0;

	while (parent) {
		if (writes && state->live & REG_LIVE_WRITTEN)
			break;
		if (parent->live & REG_LIVE_DONE) {
			verbose(env, "verifier BUG type %s var_off %lld off %d\n",
				reg_type_str(env, parent->type),
				(long long)parent->var_off.value, parent->off);
			return -EFAULT;
		}
		/*
		 * Marked before, so the rest of the chain is too; READ64
		 * already covers a 32-bit read.
		 */
		if ((parent->live & REG_LIVE_READ) == flag ||
		    parent->live & REG_LIVE_READ64)
			break;
		parent->live |= flag;
		if (flag == REG_LIVE_READ64)
			parent->live &= ~REG_LIVE_READ32;
		state = parent;
		parent = state->parent;
		writes = true;
		cnt++;
	}
	if (env->longest_mark_read_walk < cnt)
		env->longest_mark_read_walk = cnt;
	return 0;
}

/*
 * The instruction executed before insn i in state st: i - 1, unless the
 * jump history says i was reached by a jump. -ENOENT once st's first
 * instruction is passed. A state may run through its first instruction
 * more than once (a loop inside one state), so the history decides.
 */
static int get_prev_insn_idx(const struct xbpf_verifier_state *st, int i,
			     u32 *history)
{
	u32 cnt = *history;

	if (i == st->first_insn_idx) {
		if (cnt == 0)
			return -ENOENT;
		/* the jump into this state from its parent's last insn */
		if (cnt == 1 && st->jmp_history[0].idx == i)
			return -ENOENT;
	}
	if (cnt && st->jmp_history[cnt - 1].idx == i) {
		(*history)--;
		return st->jmp_history[cnt - 1].prev_idx;
	}
	return i - 1;
}

static bool is_atomic_fetch_insn(const struct bpf_insn *insn)
{
	return BPF_CLASS(insn->code) == BPF_STX &&
	       BPF_MODE(insn->code) == BPF_ATOMIC &&
	       (insn->imm & BPF_FETCH);
}

/* Helpers that run a subprogram of the program: like a pseudo call. */
static bool is_callback_calling_function(s32 func_id)
{
	return func_id == BPF_FUNC_for_each_map_elem ||
	       func_id == BPF_FUNC_timer_set_callback ||
	       func_id == BPF_FUNC_find_vma ||
	       func_id == BPF_FUNC_loop ||
	       func_id == BPF_FUNC_user_ringbuf_drain;
}

/* stack_mask has one bit per slot; only fp-relative accesses are tracked */
static int fp_access_spi(struct xbpf_verifier_env *env,
			 const struct bpf_insn *insn, u32 *spi)
{
	*spi = (-insn->off - 1) / XBPF_REG_SIZE;
	if (*spi >= 64) {
		verbose(env, "BUG spi %d\n", *spi);
		WARN_ON_ONCE(1);
		return -EFAULT;
	}
	return 0;
}

/*
 * Step backwards over insn idx: *reg_mask and *stack_mask say which
 * registers and fp slots must be precise after it; on return, which must
 * be precise before it. -ENOTSUPP: the dependency cannot be followed.
 * other_frame: the insn ran in another frame than the masks', so it read
 * and wrote none of their registers nor, through R10, their slots.
 */
static int backtrack_insn(struct xbpf_verifier_env *env, int idx,
			  u32 *reg_mask, u64 *stack_mask, bool other_frame)
{
	const struct bpf_insn *insn = env->insns + idx;
	u8 class = BPF_CLASS(insn->code);
	u8 opcode = BPF_OP(insn->code);
	u8 mode = BPF_MODE(insn->code);
	u32 dreg = 1u << insn->dst_reg;
	u32 sreg = 1u << insn->src_reg;
	u32 spi;
	int err;

	/* the second half of an ld_imm64 */
	if (insn->code == 0)
		return 0;
	if (env->log.level & XBPF_LOG_LEVEL2) {
		verbose(env, "regs=%x stack=%llx before ", *reg_mask,
			(unsigned long long)*stack_mask);
		print_bpf_insn_log(env, insn);
	}

	if (other_frame) {
		/* the walk cannot follow a frame change either way */
		if ((class == BPF_JMP || class == BPF_JMP32) &&
		    (opcode == BPF_CALL || opcode == BPF_EXIT))
			return -ENOTSUPP;
		return 0;
	}

	if (class == BPF_ALU || class == BPF_ALU64) {
		if (!(*reg_mask & dreg))
			return 0;
		/* END and NEG only transform dst; src is unused */
		if (opcode == BPF_END || opcode == BPF_NEG)
			return 0;
		if (opcode == BPF_MOV) {
			/*
			 * dst's value came from src, or from a constant that
			 * is precise by nature: either way not from old dst.
			 */
			*reg_mask &= ~dreg;
			if (BPF_SRC(insn->code) == BPF_X)
				*reg_mask |= sreg;
		} else if (BPF_SRC(insn->code) == BPF_X) {
			/* dst op= src: both operands shaped the result */
			*reg_mask |= sreg;
		}
	} else if (class == BPF_LDX || is_atomic_fetch_insn(insn)) {
		u32 load_reg = dreg;
		u8 base_reg = insn->src_reg;

		/* a fetching atomic loads the old value like a fill */
		if (is_atomic_fetch_insn(insn)) {
			load_reg = insn->imm == BPF_CMPXCHG ?
				   1u << BPF_REG_0 : sreg;
			base_reg = insn->dst_reg;
		}
		if (!(*reg_mask & load_reg))
			return 0;
		*reg_mask &= ~load_reg;
		/*
		 * Only the stack keeps a scalar's bounds across a store and
		 * a load; a load from anywhere else produced a value whose
		 * range is precise as loaded. A fill through a register
		 * other than R10 came from a slot this walk cannot name.
		 */
		if (base_reg != XBPF_REG_FP) {
			if (env->insn_aux_data[idx].stack_fill_via_ptr)
				return -ENOTSUPP;
			return 0;
		}
		err = fp_access_spi(env, insn, &spi);
		if (err)
			return err;
		*stack_mask |= 1ull << spi;
	} else if (class == BPF_STX || class == BPF_ST) {
		/*
		 * A precise scalar used as the address: that is pointer
		 * subtraction, which this walk does not model.
		 */
		if (*reg_mask & dreg)
			return -ENOTSUPP;
		if (insn->dst_reg != XBPF_REG_FP)
			return 0;
		err = fp_access_spi(env, insn, &spi);
		if (err)
			return err;
		if (!(*stack_mask & (1ull << spi)))
			return 0;
		*stack_mask &= ~(1ull << spi);
		if (class == BPF_STX)
			*reg_mask |= sreg;
	} else if (class == BPF_JMP || class == BPF_JMP32) {
		if (opcode == BPF_CALL) {
			if (insn->src_reg == BPF_PSEUDO_CALL)
				return -ENOTSUPP;
			if (insn->src_reg == 0 &&
			    is_callback_calling_function(insn->imm))
				return -ENOTSUPP;
			/* a helper sets R0 and clobbers R1-R5 */
			*reg_mask &= ~1u;
			if (*reg_mask & 0x3f) {
				/* R1-R5 were read by the call: found already */
				verbose(env, "BUG regs %x\n", *reg_mask);
				WARN_ON_ONCE(1);
				return -EFAULT;
			}
		} else if (opcode == BPF_EXIT) {
			return -ENOTSUPP;
		} else if (BPF_SRC(insn->code) == BPF_X) {
			/*
			 * The comparison refined both registers, so if one
			 * must be precise the other must be too.
			 */
			if (*reg_mask & (dreg | sreg))
				*reg_mask |= dreg | sreg;
		}
	} else if (class == BPF_LD) {
		if (!(*reg_mask & dreg))
			return 0;
		*reg_mask &= ~dreg;
		/* an ld_imm64 constant is precise; skb loads are not modelled */
		if (mode == BPF_IND || mode == BPF_ABS)
			return -ENOTSUPP;
	}
	return 0;
}

/*
 * The fallback when backtracking cannot follow a dependency: every scalar
 * in every parent state of st is precise. st itself is skipped: callers
 * pass the current state, whose marks do not matter. (Linux 6.1 passes the
 * state the walk had reached, so that state's own scalars, and any states
 * between it and the current one, stay imprecise.)
 */
void mark_all_scalars_precise(struct xbpf_verifier_env *env,
			      struct xbpf_verifier_state *st)
{
	struct xbpf_func_state *func;
	struct xbpf_reg_state *reg;
	u32 i;
	int j;

	/*
	 * Where an earlier call stopped, the rest of the chain was marked
	 * too: checkpoints never lose marks. Without this a loop that keeps
	 * falling back costs the whole chain of parents at every step.
	 */
	for (st = st->parent; st && !st->all_precise; st = st->parent) {
		st->all_precise = true;
		for (i = 0; i <= st->curframe; i++) {
			func = st->frame[i];
			for (j = 0; j < XBPF_REG_FP; j++) {
				reg = &func->regs[j];
				if (reg->type == SCALAR_VALUE)
					reg->precise = true;
			}
			for (j = 0; j < func->allocated_stack / XBPF_REG_SIZE;
			     j++) {
				if (!is_spilled_reg(&func->stack[j]))
					continue;
				reg = &func->stack[j].spilled_ptr;
				if (reg->type == SCALAR_VALUE)
					reg->precise = true;
			}
		}
	}
}

/*
 * Make register regno (if >= 0) and/or stack slot spi (if >= 0) of frame
 * precise, with everything they were computed from, in the parent states
 * of the current one. The current state itself is not marked: only
 * checkpointed states are ever compared against, and the marks reach
 * them through this walk (or through propagate_precision() on a prune).
 */
static int __mark_chain_precision(struct xbpf_verifier_env *env, int frame,
				  int regno, int spi)
{
	struct xbpf_verifier_state *st = env->cur_state;
	int first_idx = st->first_insn_idx;
	int last_idx = env->insn_idx;
	struct xbpf_func_state *func;
	struct xbpf_reg_state *reg;
	u32 reg_mask = regno >= 0 ? 1u << regno : 0;
	u64 stack_mask = spi >= 0 ? 1ull << spi : 0;
	bool skip_first = true;
	bool new_marks = false;
	/*
	 * The frame the walked insns ran in: the current one, then, in each
	 * parent, the frame its child started in (a call or an exit ending
	 * the parent stops the walk). It differs from frame when pruning
	 * propagates precision into a caller's registers from inside a
	 * callee; Linux 6.1 then lets the callee's insns clear the caller's
	 * marks.
	 */
	int walk_frame = st->curframe;
	u32 history;
	int i, err;

	/* without precision tracking every scalar is born precise */
	if (!env->bpf_capable)
		return 0;

	func = st->frame[frame];
	if (regno >= 0) {
		reg = &func->regs[regno];
		if (reg->type != SCALAR_VALUE) {
			WARN_ON_ONCE(1);
			return -EFAULT;
		}
		new_marks = true;
	}
	if (spi >= 0) {
		reg = &func->stack[spi].spilled_ptr;
		if (!is_spilled_reg(&func->stack[spi]) ||
		    reg->type != SCALAR_VALUE)
			stack_mask = 0;
		else
			new_marks = true;
	}
	if (!new_marks)
		return 0;
	if (!reg_mask && !stack_mask)
		return 0;

	for (;;) {
		history = st->jmp_history_cnt;
		if (env->log.level & XBPF_LOG_LEVEL2)
			verbose(env, "last_idx %d first_idx %d\n", last_idx,
				first_idx);

		/*
		 * Only the entry state of a program has no last insn; the
		 * main program's entry has no scalars left to mark.
		 */
		if (last_idx < 0) {
			verbose(env, "BUG backtracing func entry subprog %d reg_mask %x stack_mask %llx\n",
				st->frame[0]->subprogno, reg_mask,
				(unsigned long long)stack_mask);
			WARN_ON_ONCE(1);
			return -EFAULT;
		}

		for (i = last_idx;;) {
			/* the insn being checked made the request itself */
			if (skip_first) {
				err = 0;
				skip_first = false;
			} else {
				err = backtrack_insn(env, i, &reg_mask,
						     &stack_mask,
						     walk_frame != frame);
			}
			if (err == -ENOTSUPP) {
				mark_all_scalars_precise(env, env->cur_state);
				return 0;
			}
			if (err)
				return err;
			/* every requirement was met by an assignment here */
			if (!reg_mask && !stack_mask)
				return 0;
			i = get_prev_insn_idx(st, i, &history);
			if (i == -ENOENT)
				break;
			if ((u32)i >= env->len) {
				/* ran off insn 0 with something still unset */
				verbose(env, "BUG backtracking idx %d\n", i);
				WARN_ON_ONCE(1);
				return -EFAULT;
			}
		}
		walk_frame = st->curframe;
		st = st->parent;
		if (!st)
			break;

		new_marks = false;
		func = st->frame[frame];
		for (i = 0; i < XBPF_MAX_BPF_REG; i++) {
			if (!(reg_mask & (1u << i)))
				continue;
			reg = &func->regs[i];
			/* a pointer's value is exact anyway */
			if (reg->type != SCALAR_VALUE) {
				reg_mask &= ~(1u << i);
				continue;
			}
			if (!reg->precise)
				new_marks = true;
			reg->precise = true;
		}
		for (i = 0; i < 64; i++) {
			if (!(stack_mask & (1ull << i)))
				continue;
			/*
			 * A slot the parent never had: a store through a
			 * copy of fp (r3 = r10; *(r3 - 8) = r0) is not seen
			 * as a stack write by the walk, so a later fill left
			 * the slot wanted. Fall back to marking everything.
			 */
			if (i >= func->allocated_stack / XBPF_REG_SIZE) {
				mark_all_scalars_precise(env, env->cur_state);
				return 0;
			}
			reg = &func->stack[i].spilled_ptr;
			if (!is_spilled_reg(&func->stack[i]) ||
			    reg->type != SCALAR_VALUE) {
				stack_mask &= ~(1ull << i);
				continue;
			}
			if (!reg->precise)
				new_marks = true;
			reg->precise = true;
		}
		if (env->log.level & XBPF_LOG_LEVEL2) {
			verbose(env, "parent %s regs=%x stack=%llx marks:",
				new_marks ? "didn't have" : "already had",
				reg_mask, (unsigned long long)stack_mask);
			print_verifier_state(env, func, true);
		}

		if (!reg_mask && !stack_mask)
			break;
		/* marked before: its ancestors were marked then too */
		if (!new_marks)
			break;
		last_idx = st->last_insn_idx;
		first_idx = st->first_insn_idx;
	}
	return 0;
}

int mark_chain_precision(struct xbpf_verifier_env *env, int regno)
{
	return __mark_chain_precision(env, env->cur_state->curframe, regno, -1);
}

int mark_chain_precision_stack(struct xbpf_verifier_env *env, int spi)
{
	return __mark_chain_precision(env, env->cur_state->curframe, -1, spi);
}

int mark_chain_precision_frame(struct xbpf_verifier_env *env, int frame,
			       int regno)
{
	return __mark_chain_precision(env, frame, regno, -1);
}

int mark_chain_precision_stack_frame(struct xbpf_verifier_env *env, int frame,
				     int spi)
{
	return __mark_chain_precision(env, frame, -1, spi);
}
