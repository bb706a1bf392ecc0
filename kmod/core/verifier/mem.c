// SPDX-License-Identifier: GPL-2.0
/*
 * Memory accesses: loads, stores and atomics through a pointer register,
 * and the memory a helper is handed. Each pointer type has its own rules
 * (the stack tracks what was spilled where, the context asks its program
 * type, map values and other regions check bounds against their size);
 * all are Linux 6.1's, down to the log messages, because the same
 * programs must be accepted and rejected for the same reasons.
 */
#include "vfuncs.h"
#include "../insn.h"

/* Larger variable offsets or sizes could overflow the bounds arithmetic. */
#define BPF_MAX_VAR_OFF	(1 << 29)
#define BPF_MAX_VAR_SIZ	(1 << 29)

/* Who performs an access: the messages and the stack rules differ. */
enum xbpf_access_src {
	ACCESS_DIRECT = 1,	/* a load/store instruction */
	ACCESS_HELPER = 2,	/* a helper, through a pointer argument */
};

static int access_bytes(int bpf_size)
{
	switch (bpf_size) {
	case BPF_B:
		return 1;
	case BPF_H:
		return 2;
	case BPF_W:
		return 4;
	case BPF_DW:
		return 8;
	default:
		return -EINVAL;
	}
}

static int highest_bit(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

static bool type_is_sk_pointer(u32 type)
{
	return type == PTR_TO_SOCKET || type == PTR_TO_SOCK_COMMON ||
	       type == PTR_TO_TCP_SOCK || type == PTR_TO_XDP_SOCK;
}

static bool is_bpf_st_mem(const struct bpf_insn *insn)
{
	return BPF_CLASS(insn->code) == BPF_ST && BPF_MODE(insn->code) == BPF_MEM;
}

/* Pointers that keep their type when spilled (and come back on a fill). */
static bool is_spillable_regtype(u32 type)
{
	switch (base_type(type)) {
	case PTR_TO_MAP_VALUE:
	case PTR_TO_STACK:
	case PTR_TO_CTX:
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
	case PTR_TO_PACKET_END:
	case PTR_TO_FLOW_KEYS:
	case CONST_PTR_TO_MAP:
	case PTR_TO_SOCKET:
	case PTR_TO_SOCK_COMMON:
	case PTR_TO_TCP_SOCK:
	case PTR_TO_XDP_SOCK:
	case PTR_TO_BTF_ID:
	case PTR_TO_BUF:
	case PTR_TO_MEM:
	case PTR_TO_FUNC:
	case PTR_TO_MAP_KEY:
		return true;
	default:
		return false;
	}
}

static bool scalar_is_unbounded(const struct xbpf_reg_state *reg)
{
	return tnum_is_unknown(reg->var_off) &&
	       reg->smin_value == S64_MIN && reg->smax_value == S64_MAX &&
	       reg->umin_value == 0 && reg->umax_value == U64_MAX &&
	       reg->s32_min_value == S32_MIN && reg->s32_max_value == S32_MAX &&
	       reg->u32_min_value == 0 && reg->u32_max_value == U32_MAX;
}

static bool register_is_bounded(const struct xbpf_reg_state *reg)
{
	return reg->type == SCALAR_VALUE && !scalar_is_unbounded(reg);
}

/*
 * A byte that was part of a spill now holds unknown data; a byte never
 * written stays uninitialised, so reading it is still refused.
 */
static void scrub_spilled_slot(u8 *stype)
{
	if (*stype != STACK_INVALID)
		*stype = STACK_MISC;
}

void save_register_state(struct xbpf_func_state *state, int spi,
			 struct xbpf_reg_state *reg, int size)
{
	struct xbpf_stack_state *slot = &state->stack[spi];
	int i;

	copy_register_state(&slot->spilled_ptr, reg);
	/* a narrower spill leaves old bytes: reads must still propagate */
	if (size == XBPF_REG_SIZE)
		slot->spilled_ptr.live |= REG_LIVE_WRITTEN;

	for (i = XBPF_REG_SIZE; i > XBPF_REG_SIZE - size; i--)
		slot->slot_type[i - 1] = STACK_SPILL;
	for (; i; i--)
		scrub_spilled_slot(&slot->slot_type[i - 1]);
}

int update_stack_depth(struct xbpf_verifier_env *env,
		       const struct xbpf_func_state *state, int off)
{
	struct xbpf_subprog_info *info = &env->subprog_info[state->subprogno];

	if (info->stack_depth < -off)
		info->stack_depth = -off;
	return 0;
}

/*
 * A store to the stack at the constant offset off (already aligned and
 * inside the stack). Spills of pointers and of bounded scalars are
 * remembered so that a later fill restores the register; other stores
 * leave bytes of unknown (STACK_MISC) or zero (STACK_ZERO) content.
 */
static int check_stack_write_fixed_off(struct xbpf_verifier_env *env,
				       struct xbpf_func_state *state, int off,
				       int size, int value_regno, int insn_idx)
{
	struct xbpf_func_state *cur = cur_func(env);
	int i, slot = -off - 1, spi = slot / XBPF_REG_SIZE, err;
	struct xbpf_stack_state *stk = &state->stack[spi];
	struct bpf_insn *insn = &env->insns[insn_idx];
	struct xbpf_reg_state *reg = NULL;

	if (!env->allow_ptr_leaks && is_spilled_reg(stk) &&
	    size != XBPF_REG_SIZE) {
		verbose(env, "attempt to corrupt spilled pointer on stack\n");
		return -EACCES;
	}

	if (value_regno >= 0)
		reg = &cur->regs[value_regno];

	mark_stack_slot_scratched(env, spi);
	if (reg && !(off % XBPF_REG_SIZE) && register_is_bounded(reg) &&
	    !register_is_null(reg) && env->bpf_capable) {
		/*
		 * Backtracking recognises only spills through the frame
		 * pointer itself; through any other register, whatever
		 * made the value what it is must be marked precise now.
		 */
		if (insn->dst_reg != XBPF_REG_FP) {
			err = mark_chain_precision(env, value_regno);
			if (err)
				return err;
		}
		save_register_state(state, spi, reg, size);
		/* a narrowing spill no longer equals the register it came from */
		if (highest_bit(reg->umax_value) > 8 * size)
			stk->spilled_ptr.id = 0;
	} else if (!reg && !(off % XBPF_REG_SIZE) && is_bpf_st_mem(insn) &&
		   insn->imm != 0 && env->bpf_capable) {
		struct xbpf_reg_state fake_reg = {};

		xbpf_mark_reg_known(&fake_reg, (u64)(s64)insn->imm);
		fake_reg.type = SCALAR_VALUE;
		save_register_state(state, spi, &fake_reg, size);
	} else if (reg && is_spillable_regtype(reg->type)) {
		if (size != XBPF_REG_SIZE) {
			verbose(env, "invalid size of register spill\n");
			return -EACCES;
		}
		if (state != cur && reg->type == PTR_TO_STACK) {
			verbose(env, "cannot spill pointers to stack into stack frame of the caller\n");
			return -EINVAL;
		}
		save_register_state(state, spi, reg, size);
	} else {
		u8 type = STACK_MISC;

		/* plain data overwrites whatever was spilled here */
		stk->spilled_ptr.type = NOT_INIT;
		if (is_spilled_reg(stk))
			for (i = 0; i < XBPF_REG_SIZE; i++)
				scrub_spilled_slot(&stk->slot_type[i]);

		/*
		 * Only a full overwrite screens the slot's earlier contents
		 * off from reads below; a partial one must let them through.
		 */
		if (size == XBPF_REG_SIZE)
			stk->spilled_ptr.live |= REG_LIVE_WRITTEN;

		if ((reg && register_is_null(reg)) ||
		    (!reg && is_bpf_st_mem(insn) && insn->imm == 0)) {
			/* backtracking cannot see through STACK_ZERO */
			if (reg) {
				err = mark_chain_precision(env, value_regno);
				if (err)
					return err;
			}
			type = STACK_ZERO;
		}

		for (i = 0; i < size; i++)
			stk->slot_type[(slot - i) % XBPF_REG_SIZE] = type;
	}
	return 0;
}

/*
 * A store through a stack pointer with a variable offset: any byte in the
 * range may be written, so none of it can be known afterwards. Spills in
 * range are destroyed but not marked written (the write may miss them).
 * off includes the pointer's fixed offset.
 */
static int check_stack_write_var_off(struct xbpf_verifier_env *env,
				     struct xbpf_func_state *state,
				     int ptr_regno, int off, int size,
				     int value_regno, int insn_idx)
{
	struct xbpf_func_state *cur = cur_func(env);
	struct xbpf_reg_state *ptr_reg = &cur->regs[ptr_regno];
	int min_off = ptr_reg->smin_value + off;
	int max_off = ptr_reg->smax_value + off + size;
	bool writing_zero = false, zero_used = false;
	int i, err;

	if (value_regno >= 0 && register_is_null(&cur->regs[value_regno]))
		writing_zero = true;

	for (i = min_off; i < max_off; i++) {
		int slot = -i - 1, spi = slot / XBPF_REG_SIZE;
		u8 new_type, *stype;

		stype = &state->stack[spi].slot_type[slot % XBPF_REG_SIZE];
		mark_stack_slot_scratched(env, spi);

		/*
		 * Erasing a spilled pointer the write may not even reach
		 * would let its bytes be read back as data.
		 */
		if (!env->allow_ptr_leaks && *stype != STACK_MISC &&
		    *stype != STACK_ZERO) {
			verbose(env, "spilled ptr in range of var-offset stack write; insn %d, ptr off: %d",
				insn_idx, i);
			return -EINVAL;
		}

		state->stack[spi].spilled_ptr.type = NOT_INIT;

		new_type = STACK_MISC;
		if (writing_zero && *stype == STACK_ZERO) {
			new_type = STACK_ZERO;
			zero_used = true;
		}
		/*
		 * An uninitialised byte the write may miss is treated as
		 * written only for loaders allowed to read uninit stack.
		 */
		if (*stype == STACK_INVALID && !env->allow_uninit_stack) {
			verbose(env, "uninit stack in range of var-offset write prohibited for !root; insn %d, off: %d",
				insn_idx, i);
			return -EINVAL;
		}
		*stype = new_type;
	}
	if (zero_used) {
		/* backtracking cannot see through STACK_ZERO */
		err = mark_chain_precision(env, value_regno);
		if (err)
			return err;
	}
	return 0;
}

/*
 * dst_regno receives data read from stack bytes [min_off, max_off) that
 * hold no spill to restore: zero if every byte is known zero, else an
 * unknown scalar.
 */
static void mark_reg_stack_read(struct xbpf_verifier_env *env,
				struct xbpf_func_state *ptr_state,
				int min_off, int max_off, int dst_regno)
{
	struct xbpf_func_state *state = cur_func(env);
	int i, zeros = 0;

	for (i = min_off; i < max_off; i++) {
		int slot = -i - 1, spi = slot / XBPF_REG_SIZE;

		if (ptr_state->stack[spi].slot_type[slot % XBPF_REG_SIZE] !=
		    STACK_ZERO)
			break;
		zeros++;
	}
	if (zeros == max_off - min_off) {
		/* narrow reads zero-extend: the whole register is zero */
		xbpf_mark_reg_const_zero(&state->regs[dst_regno]);
		/*
		 * Backtracking cannot follow STACK_ZERO; precise here stops
		 * it (what made the zero was marked precise when stored).
		 */
		state->regs[dst_regno].precise = true;
	} else {
		mark_reg_unknown(env, state->regs, dst_regno);
	}
	state->regs[dst_regno].live |= REG_LIVE_WRITTEN;
}

/*
 * A load from the stack at the constant offset off (inside the stack),
 * into dst_regno, or nowhere (-1: the caller only asks whether the bytes
 * may be used as a scalar, as atomics do). Fills restore spilled
 * registers.
 */
static int check_stack_read_fixed_off(struct xbpf_verifier_env *env,
				      struct xbpf_func_state *ptr_state,
				      int off, int size, int dst_regno)
{
	struct xbpf_func_state *state = cur_func(env);
	int i, slot = -off - 1, spi = slot / XBPF_REG_SIZE;
	struct xbpf_stack_state *stk = &ptr_state->stack[spi];
	struct xbpf_reg_state *reg = &stk->spilled_ptr;
	u8 *stype = stk->slot_type, type;

	if (is_spilled_reg(stk)) {
		u8 spill_size = 1;

		for (i = XBPF_REG_SIZE - 1; i > 0 && stype[i - 1] == STACK_SPILL;
		     i--)
			spill_size++;

		if (size != XBPF_REG_SIZE || spill_size != XBPF_REG_SIZE) {
			/* part of a pointer is not a pointer */
			if (reg->type != SCALAR_VALUE) {
				verbose(env, "invalid size of register fill\n");
				return -EACCES;
			}

			mark_reg_read(env, reg, reg->parent, REG_LIVE_READ64);
			if (dst_regno < 0)
				return 0;

			if (!(off % XBPF_REG_SIZE) && size == spill_size) {
				/* check_reg_arg() already chose subreg_def */
				s32 subreg_def = state->regs[dst_regno].subreg_def;

				copy_register_state(&state->regs[dst_regno], reg);
				state->regs[dst_regno].subreg_def = subreg_def;
			} else {
				for (i = 0; i < size; i++) {
					type = stype[(slot - i) % XBPF_REG_SIZE];
					if (type == STACK_SPILL)
						continue;
					if (type == STACK_MISC)
						continue;
					if (type == STACK_INVALID &&
					    env->allow_uninit_stack)
						continue;
					verbose(env, "invalid read from stack off %d+%d size %d\n",
						off, i, size);
					return -EACCES;
				}
				mark_reg_unknown(env, state->regs, dst_regno);
			}
			state->regs[dst_regno].live |= REG_LIVE_WRITTEN;
			return 0;
		}

		if (dst_regno >= 0) {
			copy_register_state(&state->regs[dst_regno], reg);
			/*
			 * Pruning may have cleared the spill's liveness marks;
			 * the register is written here regardless.
			 */
			state->regs[dst_regno].live |= REG_LIVE_WRITTEN;
		} else if (__is_pointer_value(env->allow_ptr_leaks, reg)) {
			verbose(env, "leaking pointer from stack off %d\n",
				off);
			return -EACCES;
		}
		mark_reg_read(env, reg, reg->parent, REG_LIVE_READ64);
	} else {
		for (i = 0; i < size; i++) {
			type = stype[(slot - i) % XBPF_REG_SIZE];
			if (type == STACK_MISC)
				continue;
			if (type == STACK_ZERO)
				continue;
			if (type == STACK_INVALID && env->allow_uninit_stack)
				continue;
			verbose(env, "invalid read from stack off %d+%d size %d\n",
				off, i, size);
			return -EACCES;
		}
		mark_reg_read(env, reg, reg->parent, REG_LIVE_READ64);
		if (dst_regno >= 0)
			mark_reg_stack_read(env, ptr_state, off, off + size,
					    dst_regno);
	}
	return 0;
}

static int check_stack_range_initialized(struct xbpf_verifier_env *env,
					 int regno, int off, int access_size,
					 bool zero_size_allowed,
					 enum xbpf_access_src type,
					 struct xbpf_call_arg_meta *meta);

/*
 * A load through a stack pointer with a variable offset: no fill can be
 * recognised, so the result is a scalar (zero if the whole range is).
 */
static int check_stack_read_var_off(struct xbpf_verifier_env *env,
				    int ptr_regno, int off, int size,
				    int dst_regno)
{
	struct xbpf_reg_state *reg = reg_state(env, ptr_regno);
	struct xbpf_func_state *ptr_state = func(env, reg);
	int err, min_off, max_off;

	/* no meta: an instruction cannot read uninitialised bytes */
	err = check_stack_range_initialized(env, ptr_regno, off, size, false,
					    ACCESS_DIRECT, NULL);
	if (err)
		return err;

	min_off = reg->smin_value + off;
	max_off = reg->smax_value + off;
	mark_reg_stack_read(env, ptr_state, min_off, max_off + size, dst_regno);
	return 0;
}

/* off includes the pointer's fixed offset, not its variable one. */
static int check_stack_read(struct xbpf_verifier_env *env, int ptr_regno,
			    int off, int size, int dst_regno)
{
	struct xbpf_reg_state *reg = reg_state(env, ptr_regno);
	struct xbpf_func_state *state = func(env, reg);
	bool var_off = !tnum_is_const(reg->var_off);

	/*
	 * A read that goes nowhere asks whether a spilled pointer may be
	 * used as data; with a variable offset that cannot be answered.
	 */
	if (dst_regno < 0 && var_off) {
		char tn_buf[48];

		tnum_strn(tn_buf, sizeof(tn_buf), reg->var_off);
		verbose(env, "variable offset stack pointer cannot be passed into helper function; var_off=%s off=%d size=%d\n",
			tn_buf, off, size);
		return -EACCES;
	}

	if (var_off)
		return check_stack_read_var_off(env, ptr_regno, off, size,
						dst_regno);

	off += reg->var_off.value;
	/*
	 * Precision backtracking follows a fill back to its slot only
	 * through R10, in the frame it walks; a fill through any other
	 * register must make it give up and mark every scalar precise, or
	 * pruning could accept a path on which a different value is
	 * filled. Linux 6.1 drops the dependency here instead, and accepts
	 * such unsafe programs: a deliberate difference.
	 */
	if (dst_regno >= 0 && ptr_regno != XBPF_REG_FP &&
	    is_spilled_reg(&state->stack[(-off - 1) / XBPF_REG_SIZE]))
		env->insn_aux_data[env->insn_idx].stack_fill_via_ptr = true;
	return check_stack_read_fixed_off(env, state, off, size, dst_regno);
}

/* off includes the pointer's fixed offset, not its variable one. */
static int check_stack_write(struct xbpf_verifier_env *env, int ptr_regno,
			     int off, int size, int value_regno, int insn_idx)
{
	struct xbpf_reg_state *reg = reg_state(env, ptr_regno);
	struct xbpf_func_state *state = func(env, reg);

	if (tnum_is_const(reg->var_off))
		return check_stack_write_fixed_off(env, state,
						   off + reg->var_off.value,
						   size, value_regno, insn_idx);
	return check_stack_write_var_off(env, state, ptr_regno, off, size,
					 value_regno, insn_idx);
}

/*
 * BPF_F_RDONLY_PROG / BPF_F_WRONLY_PROG restrict the program's side of a
 * map (map creation refuses both at once).
 */
static bool map_prog_may(const struct xbpf_vmap *map,
			 enum xbpf_access_type type)
{
	if (map->map_flags & BPF_F_RDONLY_PROG)
		return type == XBPF_READ;
	if (map->map_flags & BPF_F_WRONLY_PROG)
		return type == XBPF_WRITE;
	return true;
}

static int check_map_access_type(struct xbpf_verifier_env *env, u32 regno,
				 int off, int size,
				 enum xbpf_access_type type)
{
	const struct xbpf_vmap *map = cur_regs(env)[regno].map_ptr;

	if (map_prog_may(map, type))
		return 0;
	if (type == XBPF_WRITE)
		verbose(env, "write into map forbidden, value_size=%d off=%d size=%d\n",
			map->value_size, off, size);
	else
		verbose(env, "read from map forbidden, value_size=%d off=%d size=%d\n",
			map->value_size, off, size);
	return -EACCES;
}

/* [off, off + size) inside a region of mem_size bytes. */
static int __check_mem_access(struct xbpf_verifier_env *env, int regno,
			      int off, int size, u32 mem_size,
			      bool zero_size_allowed)
{
	bool size_ok = size > 0 || (size == 0 && zero_size_allowed);
	struct xbpf_reg_state *reg;

	if (off >= 0 && size_ok && (u64)off + size <= mem_size)
		return 0;

	reg = &cur_regs(env)[regno];
	switch (reg->type) {
	case PTR_TO_MAP_KEY:
		verbose(env, "invalid access to map key, key_size=%d off=%d size=%d\n",
			mem_size, off, size);
		break;
	case PTR_TO_MAP_VALUE:
		verbose(env, "invalid access to map value, value_size=%d off=%d size=%d\n",
			mem_size, off, size);
		break;
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
	case PTR_TO_PACKET_END:
		verbose(env, "invalid access to packet, off=%d size=%d, R%d(id=%d,off=%d,r=%d)\n",
			off, size, regno, reg->id, off, mem_size);
		break;
	default:
		verbose(env, "invalid access to memory, mem_size=%u off=%d size=%d\n",
			mem_size, off, size);
	}
	return -EACCES;
}

/*
 * [off, off + size) inside the region for every value the register's
 * variable offset may take: check both ends of its range.
 */
static int check_mem_region_access(struct xbpf_verifier_env *env, u32 regno,
				   int off, int size, u32 mem_size,
				   bool zero_size_allowed)
{
	struct xbpf_reg_state *reg = &cur_regs(env)[regno];
	int err;

	/*
	 * A negative minimum is only safe when it is known and small:
	 * signed indexes need a floor.
	 */
	if (reg->smin_value < 0 &&
	    (reg->smin_value == S64_MIN ||
	     (off + reg->smin_value != (s64)(s32)(off + reg->smin_value)) ||
	     reg->smin_value + off < 0)) {
		verbose(env, "R%d min value is negative, either use unsigned index or do a if (index >=0) check.\n",
			regno);
		return -EACCES;
	}
	err = __check_mem_access(env, regno, reg->smin_value + off, size,
				 mem_size, zero_size_allowed);
	if (err) {
		verbose(env, "R%d min value is outside of the allowed memory range\n",
			regno);
		return err;
	}

	/* no upper bound, or one that could overflow off: unbounded */
	if (reg->umax_value >= BPF_MAX_VAR_OFF) {
		verbose(env, "R%d unbounded memory access, make sure to bounds check any such access\n",
			regno);
		return -EACCES;
	}
	err = __check_mem_access(env, regno, reg->umax_value + off, size,
				 mem_size, zero_size_allowed);
	if (err) {
		verbose(env, "R%d max value is outside of the allowed memory range\n",
			regno);
		return err;
	}
	return 0;
}

int check_ptr_off_reg(struct xbpf_verifier_env *env,
		      const struct xbpf_reg_state *reg, int regno)
{
	if (reg->off < 0) {
		verbose(env, "negative offset %s ptr R%d off=%d disallowed\n",
			reg_type_str(env, reg->type), regno, reg->off);
		return -EACCES;
	}

	if (reg->off) {
		verbose(env, "dereference of modified %s ptr R%d off=%d disallowed\n",
			reg_type_str(env, reg->type), regno, reg->off);
		return -EACCES;
	}

	if (!tnum_is_const(reg->var_off) || reg->var_off.value) {
		char tn_buf[48];

		tnum_strn(tn_buf, sizeof(tn_buf), reg->var_off);
		verbose(env, "variable %s access var_off=%s disallowed\n",
			reg_type_str(env, reg->type), tn_buf);
		return -EACCES;
	}
	return 0;
}

/*
 * Map values of xbpf maps carry no BTF, so no spin lock, timer or kptr
 * lies in them that a plain access would have to avoid.
 */
int check_map_access(struct xbpf_verifier_env *env, u32 regno, int off,
		     int size, bool zero_size_allowed)
{
	const struct xbpf_reg_state *reg = &cur_regs(env)[regno];

	return check_mem_region_access(env, regno, off, size,
				       reg->map_ptr->value_size,
				       zero_size_allowed);
}

/* Only the fixed offset counts: range was proven past the variable part. */
int check_packet_access(struct xbpf_verifier_env *env, u32 regno, int off,
			int size, bool zero_size_allowed)
{
	struct xbpf_reg_state *reg = &cur_regs(env)[regno];
	int err;

	/* too little is tracked to prove a negative offset safe */
	if (reg->smin_value < 0) {
		verbose(env, "R%d min value is negative, either use unsigned index or do a if (index >=0) check.\n",
			regno);
		return -EACCES;
	}

	err = reg->range < 0 ? -EINVAL :
	      __check_mem_access(env, regno, off, size, reg->range,
				 zero_size_allowed);
	if (err)
		verbose(env, "R%d offset is outside of the packet\n", regno);
	return err;
}

/*
 * The program type decides which context bytes may be accessed and what
 * a load yields; the rewrite of the access later needs the field size.
 */
static int check_ctx_access(struct xbpf_verifier_env *env, int insn_idx,
			    int off, int size, enum xbpf_access_type t,
			    u32 *reg_type)
{
	struct xbpf_insn_access_aux info = {
		.reg_type = *reg_type,
	};

	if (env->ops->is_valid_access &&
	    env->ops->is_valid_access(off, size, t, env, &info)) {
		*reg_type = info.reg_type;
		env->insn_aux_data[insn_idx].ctx_field_size =
			info.ctx_field_size;
		/* test runs need a context at least this large */
		if (env->max_ctx_offset < off + size)
			env->max_ctx_offset = off + size;
		return 0;
	}

	verbose(env, "invalid bpf_context access off=%d size=%d\n", off, size);
	return -EACCES;
}

/* The kernel struct behind a map of each type, as its BTF names it. */
static const char *map_struct_name(u32 map_type)
{
	switch (map_type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
		return "bpf_array";
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return "bpf_htab";
	case BPF_MAP_TYPE_STACK_TRACE:
		return "bpf_stack_map";
	case BPF_MAP_TYPE_LPM_TRIE:
		return "lpm_trie";
	case BPF_MAP_TYPE_DEVMAP:
	case BPF_MAP_TYPE_DEVMAP_HASH:
		return "bpf_dtab";
	case BPF_MAP_TYPE_SOCKMAP:
		return "bpf_stab";
	case BPF_MAP_TYPE_SOCKHASH:
		return "bpf_shtab";
	case BPF_MAP_TYPE_CPUMAP:
		return "bpf_cpu_map";
	case BPF_MAP_TYPE_XSKMAP:
		return "xsk_map";
	case BPF_MAP_TYPE_CGROUP_STORAGE:
	case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
		return "bpf_cgroup_storage_map";
	case BPF_MAP_TYPE_REUSEPORT_SOCKARRAY:
		return "reuseport_array";
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
		return "bpf_queue_stack";
	case BPF_MAP_TYPE_SK_STORAGE:
	case BPF_MAP_TYPE_INODE_STORAGE:
	case BPF_MAP_TYPE_TASK_STORAGE:
		return "bpf_local_storage_map";
	case BPF_MAP_TYPE_STRUCT_OPS:
		return "bpf_struct_ops_map";
	case BPF_MAP_TYPE_RINGBUF:
	case BPF_MAP_TYPE_USER_RINGBUF:
		return "bpf_ringbuf_map";
	case BPF_MAP_TYPE_BLOOM_FILTER:
		return "bpf_bloom_filter";
	default:
		return NULL;
	}
}

/*
 * Loads from the map object itself read kernel struct fields by BTF,
 * which xbpf does not have; everything Linux decides before the BTF walk
 * is decided the same way here.
 */
static int check_ptr_to_map_access(struct xbpf_verifier_env *env, u32 regno,
				   int off, enum xbpf_access_type t)
{
	const struct xbpf_vmap *map = cur_regs(env)[regno].map_ptr;
	const char *tname = map_struct_name(map->map_type);

	if (!tname) {
		verbose(env, "map_ptr access not supported for map type %d\n",
			map->map_type);
		return -ENOTSUPP;
	}
	if (!env->allow_ptr_to_map_access) {
		verbose(env, "%s access is allowed only to CAP_PERFMON and CAP_SYS_ADMIN\n",
			tname);
		return -EPERM;
	}
	if (off < 0) {
		verbose(env, "R%d is %s invalid negative access: off=%d\n",
			regno, tname, off);
		return -EACCES;
	}
	if (t != XBPF_READ) {
		verbose(env, "only read from %s is supported\n", tname);
		return -EACCES;
	}
	verbose(env, "xbpf: reading struct %s through a map pointer is not supported\n",
		tname);
	return -ENOTSUPP;
}

static int check_pkt_ptr_alignment(struct xbpf_verifier_env *env,
				   const struct xbpf_reg_state *reg,
				   int off, int size, bool strict)
{
	/*
	 * Strict mode checks as if packet data started NET_IP_ALIGN (2)
	 * bytes past an aligned address, as on machines without
	 * efficient unaligned access.
	 */
	const int ip_align = 2;
	struct xbpf_tnum reg_off;

	if (!strict || size == 1)
		return 0;

	reg_off = tnum_add(reg->var_off, tnum_const(ip_align + reg->off + off));
	if (!tnum_is_aligned(reg_off, size)) {
		char tn_buf[48];

		tnum_strn(tn_buf, sizeof(tn_buf), reg->var_off);
		verbose(env, "misaligned packet access off %d+%s+%d+%d size %d\n",
			ip_align, tn_buf, reg->off, off, size);
		return -EACCES;
	}
	return 0;
}

static int check_generic_ptr_alignment(struct xbpf_verifier_env *env,
				       const struct xbpf_reg_state *reg,
				       const char *pointer_desc,
				       int off, int size, bool strict)
{
	struct xbpf_tnum reg_off;

	if (!strict || size == 1)
		return 0;

	reg_off = tnum_add(reg->var_off, tnum_const(reg->off + off));
	if (!tnum_is_aligned(reg_off, size)) {
		char tn_buf[48];

		tnum_strn(tn_buf, sizeof(tn_buf), reg->var_off);
		verbose(env, "misaligned %saccess off %s+%d+%d size %d\n",
			pointer_desc, tn_buf, reg->off, off, size);
		return -EACCES;
	}
	return 0;
}

static int check_ptr_alignment(struct xbpf_verifier_env *env,
			       const struct xbpf_reg_state *reg, int off,
			       int size, bool strict_alignment_once)
{
	bool strict = env->strict_alignment || strict_alignment_once;
	const char *pointer_desc = "";

	switch (reg->type) {
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		return check_pkt_ptr_alignment(env, reg, off, size, strict);
	case PTR_TO_MAP_KEY:
		pointer_desc = "key ";
		break;
	case PTR_TO_MAP_VALUE:
		pointer_desc = "value ";
		break;
	case PTR_TO_CTX:
		pointer_desc = "context ";
		break;
	case PTR_TO_STACK:
		pointer_desc = "stack ";
		/* spill and fill tracking relies on aligned stack accesses */
		strict = true;
		break;
	case PTR_TO_SOCKET:
		pointer_desc = "sock ";
		break;
	case PTR_TO_SOCK_COMMON:
		pointer_desc = "sock_common ";
		break;
	case PTR_TO_TCP_SOCK:
		pointer_desc = "tcp_sock ";
		break;
	case PTR_TO_XDP_SOCK:
		pointer_desc = "xdp_sock ";
		break;
	default:
		break;
	}
	return check_generic_ptr_alignment(env, reg, pointer_desc, off, size,
					   strict);
}

/*
 * Writes may reach anywhere in the stack's maximum size (the frame
 * grows); reads only what the frame has, unless the loader may read
 * uninitialised stack.
 */
static int check_stack_slot_within_bounds(struct xbpf_verifier_env *env,
					  s64 off,
					  const struct xbpf_func_state *state,
					  enum xbpf_access_type t)
{
	int min_valid_off;

	if (t == XBPF_WRITE || env->allow_uninit_stack)
		min_valid_off = -XBPF_MAX_STACK;
	else
		min_valid_off = -state->allocated_stack;

	if (off < min_valid_off || off > -1)
		return -EACCES;
	return 0;
}

/*
 * The access at regno + off (off includes the fixed offset, not the
 * variable one) lies within the stack for every value of the pointer;
 * the frame grows to cover it.
 */
static int check_stack_access_within_bounds(struct xbpf_verifier_env *env,
					    int regno, int off,
					    int access_size,
					    enum xbpf_access_src src,
					    enum xbpf_access_type type)
{
	struct xbpf_reg_state *reg = reg_state(env, regno);
	struct xbpf_func_state *state = func(env, reg);
	const char *err_extra;
	s64 min_off, max_off;
	int err, size;

	if (src == ACCESS_HELPER)
		/* a helper may read or write: it is not known which */
		err_extra = " indirect access to";
	else if (type == XBPF_READ)
		err_extra = " read from";
	else
		err_extra = " write to";

	if (tnum_is_const(reg->var_off)) {
		min_off = (s64)reg->var_off.value + off;
		max_off = min_off + access_size;
	} else {
		if (reg->smax_value >= BPF_MAX_VAR_OFF ||
		    reg->smin_value <= -BPF_MAX_VAR_OFF) {
			verbose(env, "invalid unbounded variable-offset%s stack R%d\n",
				err_extra, regno);
			return -EACCES;
		}
		min_off = reg->smin_value + off;
		max_off = reg->smax_value + off + access_size;
	}

	err = check_stack_slot_within_bounds(env, min_off, state, type);
	if (!err && max_off > 0)
		err = -EINVAL;	/* into non-negative offsets */
	if (!err && access_size < 0)
		err = -EFAULT;	/* a size that overflowed somewhere */

	if (err) {
		if (tnum_is_const(reg->var_off)) {
			verbose(env, "invalid%s stack R%d off=%d size=%d\n",
				err_extra, regno, off, access_size);
		} else {
			char tn_buf[48];

			tnum_strn(tn_buf, sizeof(tn_buf), reg->var_off);
			verbose(env, "invalid variable-offset%s stack R%d var_off=%s size=%d\n",
				err_extra, regno, tn_buf, access_size);
		}
		return err;
	}

	size = round_up((int)-min_off, XBPF_REG_SIZE);
	err = grow_stack_state(state, size);
	if (err)
		return err;
	return update_stack_depth(env, state, -size);
}

int check_mem_access(struct xbpf_verifier_env *env, int insn_idx, u32 regno,
		     int off, int bpf_size, enum xbpf_access_type t,
		     int value_regno, bool strict_alignment_once)
{
	struct xbpf_reg_state *regs = cur_regs(env);
	struct xbpf_reg_state *reg = regs + regno;
	int size, err;

	size = access_bytes(bpf_size);
	if (size < 0)
		return size;

	/* the alignment checks add reg->off themselves */
	err = check_ptr_alignment(env, reg, off, size, strict_alignment_once);
	if (err)
		return err;

	off += reg->off;

	if (reg->type == PTR_TO_MAP_KEY) {
		if (t == XBPF_WRITE) {
			verbose(env, "write to change key R%d not allowed\n",
				regno);
			return -EACCES;
		}
		err = check_mem_region_access(env, regno, off, size,
					      reg->map_ptr->key_size, false);
		if (err)
			return err;
		if (value_regno >= 0)
			mark_reg_unknown(env, regs, value_regno);
	} else if (reg->type == PTR_TO_MAP_VALUE) {
		if (t == XBPF_WRITE && value_regno >= 0 &&
		    is_pointer_value(env, value_regno)) {
			verbose(env, "R%d leaks addr into map\n", value_regno);
			return -EACCES;
		}
		err = check_map_access_type(env, regno, off, size, t);
		if (err)
			return err;
		err = check_map_access(env, regno, off, size, false);
		if (err)
			return err;
		if (t == XBPF_READ && value_regno >= 0)
			mark_reg_unknown(env, regs, value_regno);
	} else if (base_type(reg->type) == PTR_TO_MEM) {
		if (type_may_be_null(reg->type)) {
			verbose(env, "R%d invalid mem access '%s'\n", regno,
				reg_type_str(env, reg->type));
			return -EACCES;
		}
		if (t == XBPF_WRITE && (reg->type & MEM_RDONLY)) {
			verbose(env, "R%d cannot write into %s\n",
				regno, reg_type_str(env, reg->type));
			return -EACCES;
		}
		if (t == XBPF_WRITE && value_regno >= 0 &&
		    is_pointer_value(env, value_regno)) {
			verbose(env, "R%d leaks addr into mem\n", value_regno);
			return -EACCES;
		}
		err = check_mem_region_access(env, regno, off, size,
					      reg->mem_size, false);
		if (!err && t == XBPF_READ && value_regno >= 0)
			mark_reg_unknown(env, regs, value_regno);
	} else if (reg->type == PTR_TO_CTX) {
		u32 reg_type = SCALAR_VALUE;

		if (t == XBPF_WRITE && value_regno >= 0 &&
		    is_pointer_value(env, value_regno)) {
			verbose(env, "R%d leaks addr into ctx\n", value_regno);
			return -EACCES;
		}
		err = check_ptr_off_reg(env, reg, regno);
		if (err < 0)
			return err;
		err = check_ctx_access(env, insn_idx, off, size, t, &reg_type);
		if (!err && t == XBPF_READ && value_regno >= 0) {
			if (reg_type == SCALAR_VALUE) {
				mark_reg_unknown(env, regs, value_regno);
			} else {
				/* a pointer field points at its object's start */
				mark_reg_known_zero(env, regs, value_regno);
				if (type_may_be_null(reg_type))
					regs[value_regno].id = new_reg_id(env);
				/*
				 * The real load may be wider than the insn
				 * says; a pointer is never a subregister.
				 */
				regs[value_regno].subreg_def = DEF_NOT_SUBREG;
			}
			regs[value_regno].type = reg_type;
		}
	} else if (reg->type == PTR_TO_STACK) {
		err = check_stack_access_within_bounds(env, regno, off, size,
						       ACCESS_DIRECT, t);
		if (err)
			return err;
		if (t == XBPF_READ)
			err = check_stack_read(env, regno, off, size,
					       value_regno);
		else
			err = check_stack_write(env, regno, off, size,
						value_regno, insn_idx);
	} else if (type_is_pkt_pointer(reg->type)) {
		/* no program type xbpf runs may write packet data directly */
		if (t == XBPF_WRITE) {
			verbose(env, "cannot write into packet\n");
			return -EACCES;
		}
		err = check_packet_access(env, regno, off, size, false);
		if (!err && value_regno >= 0)
			mark_reg_unknown(env, regs, value_regno);
	} else if (type_is_sk_pointer(reg->type)) {
		if (t == XBPF_WRITE) {
			verbose(env, "R%d cannot write into %s\n",
				regno, reg_type_str(env, reg->type));
			return -EACCES;
		}
		verbose(env, "xbpf: reading through a %s pointer is not supported\n",
			reg_type_str(env, reg->type));
		return -ENOTSUPP;
	} else if (reg->type == CONST_PTR_TO_MAP) {
		err = check_ptr_to_map_access(env, regno, off, t);
	} else if (base_type(reg->type) == PTR_TO_BTF_ID &&
		   !type_may_be_null(reg->type)) {
		/* Linux reads through it, checked against the kernel's BTF */
		if (t == XBPF_WRITE) {
			verbose(env, "only read is supported\n");
			return -EACCES;
		}
		verbose(env, "xbpf: reading through a ptr_%s pointer needs BTF; not supported\n",
			btf_type_name(reg->btf_id));
		return -ENOTSUPP;
	} else {
		verbose(env, "R%d invalid mem access '%s'\n", regno,
			reg_type_str(env, reg->type));
		return -EACCES;
	}

	/* b/h/w loads zero-extend: the upper bits are known zero */
	if (!err && size < XBPF_REG_SIZE && value_regno >= 0 &&
	    t == XBPF_READ && regs[value_regno].type == SCALAR_VALUE)
		xbpf_coerce_reg_to_size(&regs[value_regno], size);
	return err;
}

int check_atomic(struct xbpf_verifier_env *env, int insn_idx,
		 struct bpf_insn *insn)
{
	const struct xbpf_reg_state *dst;
	int load_reg, err;

	if (!xbpf_insn_atomic_valid(insn->imm)) {
		verbose(env, "BPF_ATOMIC uses invalid atomic opcode %02x\n",
			insn->imm);
		return -EINVAL;
	}

	if (BPF_SIZE(insn->code) != BPF_W && BPF_SIZE(insn->code) != BPF_DW) {
		verbose(env, "invalid atomic operand size\n");
		return -EINVAL;
	}

	err = check_reg_arg(env, insn->src_reg, SRC_OP);
	if (err)
		return err;
	err = check_reg_arg(env, insn->dst_reg, SRC_OP);
	if (err)
		return err;

	if (insn->imm == BPF_CMPXCHG) {
		/* R0 is compared with the memory */
		err = check_reg_arg(env, BPF_REG_0, SRC_OP);
		if (err)
			return err;
		if (is_pointer_value(env, BPF_REG_0)) {
			verbose(env, "R%d leaks addr into mem\n", BPF_REG_0);
			return -EACCES;
		}
	}

	if (is_pointer_value(env, insn->src_reg)) {
		verbose(env, "R%d leaks addr into mem\n", insn->src_reg);
		return -EACCES;
	}

	dst = reg_state(env, insn->dst_reg);
	if (dst->type == PTR_TO_CTX || type_is_pkt_pointer(dst->type) ||
	    type_is_sk_pointer(dst->type)) {
		verbose(env, "BPF_ATOMIC stores into R%d %s is not allowed\n",
			insn->dst_reg, reg_type_str(env, dst->type));
		return -EACCES;
	}

	if (insn->imm & BPF_FETCH) {
		load_reg = insn->imm == BPF_CMPXCHG ? BPF_REG_0 : insn->src_reg;
		/* the old value is loaded into load_reg */
		err = check_reg_arg(env, load_reg, DST_OP);
		if (err)
			return err;
	} else {
		load_reg = -1;
	}

	/*
	 * The memory is read (a second time into load_reg, as a fill would
	 * be, when the old value is fetched), then written.
	 */
	err = check_mem_access(env, insn_idx, insn->dst_reg, insn->off,
			       BPF_SIZE(insn->code), XBPF_READ, -1, true);
	if (!err && load_reg >= 0)
		err = check_mem_access(env, insn_idx, insn->dst_reg, insn->off,
				       BPF_SIZE(insn->code), XBPF_READ,
				       load_reg, true);
	if (err)
		return err;

	return check_mem_access(env, insn_idx, insn->dst_reg, insn->off,
				BPF_SIZE(insn->code), XBPF_WRITE, -1, true);
}

/*
 * Stack bytes [regno + off, + access_size) are within the stack and,
 * unless a helper will only write them (meta->raw_mode), initialised.
 * off includes the pointer's fixed offset, not its variable one. Every
 * slot touched is marked read. A helper may write anything it is given,
 * so the bytes become unknown data.
 */
static int check_stack_range_initialized(struct xbpf_verifier_env *env,
					 int regno, int off, int access_size,
					 bool zero_size_allowed,
					 enum xbpf_access_src type,
					 struct xbpf_call_arg_meta *meta)
{
	struct xbpf_reg_state *reg = reg_state(env, regno);
	struct xbpf_func_state *state = func(env, reg);
	const char *err_extra = type == ACCESS_HELPER ? " indirect" : "";
	enum xbpf_access_type bounds_check_type;
	int err, min_off, max_off, i, j;
	bool clobber = false;

	if (access_size == 0 && !zero_size_allowed) {
		verbose(env, "invalid zero-sized read\n");
		return -EACCES;
	}

	if (type == ACCESS_HELPER) {
		/*
		 * Check bounds as for a write (the more permissive rule);
		 * unless raw_mode, initialisation is checked below.
		 */
		bounds_check_type = XBPF_WRITE;
		clobber = true;
	} else {
		bounds_check_type = XBPF_READ;
	}
	err = check_stack_access_within_bounds(env, regno, off, access_size,
					       type, bounds_check_type);
	if (err)
		return err;

	if (tnum_is_const(reg->var_off)) {
		min_off = max_off = reg->var_off.value + off;
	} else {
		/*
		 * A helper filling an uninitialised buffer at a variable
		 * offset leaves it unknown which bytes it initialised:
		 * such a buffer must be initialised beforehand.
		 */
		if (meta && meta->raw_mode)
			meta = NULL;

		min_off = reg->smin_value + off;
		max_off = reg->smax_value + off;
	}

	if (meta && meta->raw_mode) {
		meta->access_size = access_size;
		meta->regno = regno;
		return 0;
	}

	for (i = min_off; i < max_off + access_size; i++) {
		int slot = -i - 1, spi = slot / XBPF_REG_SIZE;
		struct xbpf_stack_state *stk;
		u8 *stype;

		if (state->allocated_stack <= slot) {
			verbose(env, "verifier bug: allocated_stack too small");
			return -EFAULT;
		}

		stk = &state->stack[spi];
		stype = &stk->slot_type[slot % XBPF_REG_SIZE];
		if (*stype == STACK_MISC)
			goto mark;
		if (*stype == STACK_ZERO ||
		    (*stype == STACK_INVALID && env->allow_uninit_stack)) {
			if (clobber)
				*stype = STACK_MISC;
			goto mark;
		}

		if (is_spilled_reg(stk) &&
		    (stk->spilled_ptr.type == SCALAR_VALUE ||
		     env->allow_ptr_leaks)) {
			if (clobber) {
				__mark_reg_unknown(env, &stk->spilled_ptr);
				for (j = 0; j < XBPF_REG_SIZE; j++)
					scrub_spilled_slot(&stk->slot_type[j]);
			}
			goto mark;
		}

		if (tnum_is_const(reg->var_off)) {
			verbose(env, "invalid%s read from stack R%d off %d+%d size %d\n",
				err_extra, regno, min_off, i - min_off,
				access_size);
		} else {
			char tn_buf[48];

			tnum_strn(tn_buf, sizeof(tn_buf), reg->var_off);
			verbose(env, "invalid%s read from stack R%d var_off %s+%d size %d\n",
				err_extra, regno, tn_buf, i - min_off,
				access_size);
		}
		return -EACCES;
mark:
		/*
		 * Reading any byte reads the whole slot. It is not marked
		 * written: the helper may not write all of it.
		 */
		mark_reg_read(env, &stk->spilled_ptr, stk->spilled_ptr.parent,
			      REG_LIVE_READ64);
	}
	return 0;
}

int check_helper_mem_access(struct xbpf_verifier_env *env, int regno,
			    int access_size,
			    enum xbpf_access_type access_type,
			    bool zero_size_allowed,
			    struct xbpf_call_arg_meta *meta)
{
	struct xbpf_reg_state *reg = reg_state(env, regno);

	switch (base_type(reg->type)) {
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		return check_packet_access(env, regno, reg->off, access_size,
					   zero_size_allowed);
	case PTR_TO_MAP_KEY:
		if (access_type == XBPF_WRITE) {
			verbose(env, "R%d cannot write into %s\n", regno,
				reg_type_str(env, reg->type));
			return -EACCES;
		}
		return check_mem_region_access(env, regno, reg->off,
					       access_size,
					       reg->map_ptr->key_size, false);
	case PTR_TO_MAP_VALUE:
		if (check_map_access_type(env, regno, reg->off, access_size,
					  access_type))
			return -EACCES;
		return check_map_access(env, regno, reg->off, access_size,
					zero_size_allowed);
	case PTR_TO_MEM:
		if ((reg->type & MEM_RDONLY) && access_type == XBPF_WRITE) {
			verbose(env, "R%d cannot write into %s\n", regno,
				reg_type_str(env, reg->type));
			return -EACCES;
		}
		return check_mem_region_access(env, regno, reg->off,
					       access_size, reg->mem_size,
					       zero_size_allowed);
	case PTR_TO_STACK:
		return check_stack_range_initialized(env, regno, reg->off,
						     access_size,
						     zero_size_allowed,
						     ACCESS_HELPER, meta);
	case PTR_TO_CTX:
		/*
		 * A context that is not rewritten is the program's own
		 * memory: ask its program type about the last byte.
		 */
		if (!env->ops->convert_ctx_access) {
			if (access_size == 0)
				return zero_size_allowed ? 0 : -EACCES;
			return check_mem_access(env, env->insn_idx, regno,
						access_size - 1, BPF_B,
						access_type, -1, false);
		}
		fallthrough;
	default:
		/* a zero-byte access through NULL is fine, whatever the type */
		if (zero_size_allowed && access_size == 0 &&
		    register_is_null(reg))
			return 0;

		/* two calls: reg_type_str() reuses one buffer */
		verbose(env, "R%d type=%s ", regno,
			reg_type_str(env, reg->type));
		verbose(env, "expected=%s\n", reg_type_str(env, PTR_TO_STACK));
		return -EACCES;
	}
}

int check_mem_size_reg(struct xbpf_verifier_env *env,
		       struct xbpf_reg_state *reg, u32 regno,
		       enum xbpf_access_type access_type,
		       bool zero_size_allowed,
		       struct xbpf_call_arg_meta *meta)
{
	int err;

	/*
	 * Helpers that return at most the size they were given get R0
	 * bounded by it: only the upper bound can be learned, the return
	 * value may be a negative error.
	 */
	meta->msize_max_value = reg->umax_value;

	/*
	 * With a variable size the helper may fill less than all of an
	 * uninitialised buffer: require it initialised (no raw mode).
	 */
	if (!tnum_is_const(reg->var_off))
		meta = NULL;

	if (reg->smin_value < 0) {
		verbose(env, "R%d min value is negative, either use unsigned or 'var &= const'\n",
			regno);
		return -EACCES;
	}

	if (reg->umin_value == 0) {
		err = check_helper_mem_access(env, regno - 1, 0, access_type,
					      zero_size_allowed, meta);
		if (err)
			return err;
	}

	if (reg->umax_value >= BPF_MAX_VAR_SIZ) {
		verbose(env, "R%d unbounded memory access, use 'var &= const' or 'if (var < const)'\n",
			regno);
		return -EACCES;
	}
	err = check_helper_mem_access(env, regno - 1, reg->umax_value,
				      access_type, zero_size_allowed, meta);
	if (!err)
		err = mark_chain_precision(env, regno);
	return err;
}
