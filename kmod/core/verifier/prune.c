// SPDX-License-Identifier: GPL-2.0
/*
 * State pruning. At each prune point the current state is compared with
 * the states explored there before: if one of them is at least as general
 * in everything the rest of its path read, and that path was proven safe,
 * the current path is safe too and is dropped. Otherwise the current
 * state may be checkpointed there, becoming the parent (for liveness and
 * precision) of the states that follow it.
 *
 * Explored states are kept in lists hashed by insn index and the callsite
 * of the innermost frame, so a list mixes a few instructions' states.
 */
#include "vfuncs.h"

static u32 state_htab_size(const struct xbpf_verifier_env *env)
{
	return env->len;
}

static struct xbpf_verifier_state_list **
explored_state(struct xbpf_verifier_env *env, int idx)
{
	struct xbpf_verifier_state *cur = env->cur_state;
	struct xbpf_func_state *state = cur->frame[cur->curframe];

	return &env->explored_states[(u32)(idx ^ state->callsite) %
				     state_htab_size(env)];
}

void update_branch_counts(struct xbpf_verifier_env *env,
			  struct xbpf_verifier_state *st)
{
	u32 br;

	/* a state whose last branch finished is final, and so may be its parent */
	while (st) {
		br = --st->branches;
		WARN_ON_ONCE((int)br < 0);
		if (br)
			break;
		st = st->parent;
	}
}

/* Every value cur's bounds allow, old's allow too. */
static bool range_within(const struct xbpf_reg_state *old,
			 const struct xbpf_reg_state *cur)
{
	return old->umin_value <= cur->umin_value &&
	       old->umax_value >= cur->umax_value &&
	       old->smin_value <= cur->smin_value &&
	       old->smax_value >= cur->smax_value &&
	       old->u32_min_value <= cur->u32_min_value &&
	       old->u32_max_value >= cur->u32_max_value &&
	       old->s32_min_value <= cur->s32_min_value &&
	       old->s32_max_value >= cur->s32_max_value;
}

/*
 * Ids link registers (a NULL check of one settles the others), so the
 * links in the old state must exist in the current one too, under
 * whatever ids it uses: each old id must map to one current id.
 */
static bool check_ids(u32 old_id, u32 cur_id, struct xbpf_id_pair *idmap)
{
	unsigned int i;

	for (i = 0; i < XBPF_ID_MAP_SIZE; i++) {
		if (!idmap[i].old) {
			idmap[i].old = old_id;
			idmap[i].cur = cur_id;
			return true;
		}
		if (idmap[i].old == old_id)
			return idmap[i].cur == cur_id;
	}
	/* more ids than registers and slots: cannot happen */
	WARN_ON_ONCE(1);
	return false;
}

/*
 * Liveness of a fully explored state is final: mark it done, and forget
 * what nothing read so that comparisons ignore it.
 */
static void clean_func_state(struct xbpf_verifier_env *env,
			     struct xbpf_func_state *st)
{
	u8 live;
	int i, j;

	for (i = 0; i < XBPF_REG_FP; i++) {
		live = st->regs[i].live;
		st->regs[i].live |= REG_LIVE_DONE;
		if (!(live & REG_LIVE_READ))
			__mark_reg_not_init(env, &st->regs[i]);
	}
	for (i = 0; i < st->allocated_stack / XBPF_REG_SIZE; i++) {
		live = st->stack[i].spilled_ptr.live;
		st->stack[i].spilled_ptr.live |= REG_LIVE_DONE;
		if (!(live & REG_LIVE_READ)) {
			__mark_reg_not_init(env, &st->stack[i].spilled_ptr);
			for (j = 0; j < XBPF_REG_SIZE; j++)
				st->stack[i].slot_type[j] = STACK_INVALID;
		}
	}
}

static void clean_verifier_state(struct xbpf_verifier_env *env,
				 struct xbpf_verifier_state *st)
{
	u32 i;

	/* done once for all frames: R0 of frame 0 tells */
	if (st->frame[0]->regs[0].live & REG_LIVE_DONE)
		return;
	for (i = 0; i <= st->curframe; i++)
		clean_func_state(env, st->frame[i]);
}

/*
 * States are pushed depth first, so when the search comes back to an
 * insn, every path below the states explored there with no branches
 * left has been walked and their read marks are complete. Only states of
 * the same call chain qualify: the same insn in another invocation of a
 * subprogram says nothing about this one.
 */
static void clean_live_states(struct xbpf_verifier_env *env, int insn,
			      struct xbpf_verifier_state *cur)
{
	struct xbpf_verifier_state_list *sl;
	u32 i;

	for (sl = *explored_state(env, insn); sl; sl = sl->next) {
		if (sl->state.branches)
			continue;
		if (sl->state.insn_idx != insn ||
		    sl->state.curframe != cur->curframe)
			continue;
		for (i = 0; i <= cur->curframe; i++)
			if (sl->state.frame[i]->callsite !=
			    cur->frame[i]->callsite)
				break;
		if (i <= cur->curframe)
			continue;
		clean_verifier_state(env, &sl->state);
	}
}

/* Is everything rold was proven safe with also true of rcur? */
static bool regsafe(struct xbpf_verifier_env *env,
		    const struct xbpf_reg_state *rold,
		    const struct xbpf_reg_state *rcur,
		    struct xbpf_id_pair *idmap)
{
	bool equal;

	/* the explored path never read it */
	if (!(rold->live & REG_LIVE_READ))
		return true;

	equal = memcmp(rold, rcur, offsetof(struct xbpf_reg_state, parent)) == 0;

	/* fp-8 of one frame is not fp-8 of another */
	if (rold->type == PTR_TO_STACK)
		return equal && rold->frameno == rcur->frameno;
	if (equal)
		return true;
	if (rold->type == NOT_INIT)
		return true;
	if (rcur->type == NOT_INIT)
		return false;

	switch (base_type(rold->type)) {
	case SCALAR_VALUE:
		/*
		 * A pointer where a scalar was: scalars may leak, pointers
		 * may not, so never equivalent.
		 */
		if (rcur->type != SCALAR_VALUE)
			return false;
		/* nothing later depended on its exact value */
		if (!rold->precise)
			return true;
		return range_within(rold, rcur) &&
		       tnum_in(rold->var_off, rcur->var_off);
	case PTR_TO_MAP_KEY:
	case PTR_TO_MAP_VALUE:
		/*
		 * A maybe-NULL pointer must stay one, with the same id
		 * links: a NULL check in the explored path may have settled
		 * other registers through the id.
		 */
		if (type_may_be_null(rold->type)) {
			if (!type_may_be_null(rcur->type))
				return false;
			if (memcmp(rold, rcur, offsetof(struct xbpf_reg_state, id)))
				return false;
			return check_ids(rold->id, rcur->id, idmap);
		}
		/*
		 * Same map, offset within the old bounds. The id is not
		 * compared: whichever element was looked up, the rest of
		 * the program is equally safe with it.
		 */
		return memcmp(rold, rcur, offsetof(struct xbpf_reg_state, id)) == 0 &&
		       range_within(rold, rcur) &&
		       tnum_in(rold->var_off, rcur->var_off);
	default:
		/* other pointers match only exactly, as tested above */
		return false;
	}
}

static bool stacksafe(struct xbpf_verifier_env *env,
		      const struct xbpf_func_state *old,
		      const struct xbpf_func_state *cur,
		      struct xbpf_id_pair *idmap)
{
	u8 old_type, cur_type;
	int i, spi;

	/* slots beyond old's stack were not used by the explored path */
	for (i = 0; i < old->allocated_stack; i++) {
		spi = i / XBPF_REG_SIZE;

		if (!(old->stack[spi].spilled_ptr.live & REG_LIVE_READ)) {
			i += XBPF_REG_SIZE - 1;
			continue;
		}
		old_type = old->stack[spi].slot_type[i % XBPF_REG_SIZE];
		if (old_type == STACK_INVALID)
			continue;
		if (env->allow_uninit_stack && old_type == STACK_MISC)
			continue;
		/* old used a byte cur does not even have */
		if (i >= cur->allocated_stack)
			return false;
		cur_type = cur->stack[spi].slot_type[i % XBPF_REG_SIZE];
		/* safe with unknown bytes implies safe with zeroes */
		if (old_type == STACK_MISC && cur_type == STACK_ZERO)
			continue;
		if (old_type != cur_type)
			return false;
		/* spilled registers are compared once, at their last byte */
		if (i % XBPF_REG_SIZE != XBPF_REG_SIZE - 1)
			continue;
		if (!is_spilled_reg(&old->stack[spi]))
			continue;
		if (!regsafe(env, &old->stack[spi].spilled_ptr,
			     &cur->stack[spi].spilled_ptr, idmap))
			return false;
	}
	return true;
}

static bool refsafe(const struct xbpf_func_state *old,
		    const struct xbpf_func_state *cur)
{
	if (old->acquired_refs != cur->acquired_refs)
		return false;
	if (!old->acquired_refs)
		return true;
	return !memcmp(old->refs, cur->refs,
		       sizeof(*old->refs) * old->acquired_refs);
}

static bool func_states_equal(struct xbpf_verifier_env *env,
			      const struct xbpf_func_state *old,
			      const struct xbpf_func_state *cur)
{
	int i;

	memset(env->idmap_scratch, 0, sizeof(env->idmap_scratch));
	for (i = 0; i < XBPF_MAX_BPF_REG; i++)
		if (!regsafe(env, &old->regs[i], &cur->regs[i],
			     env->idmap_scratch))
			return false;
	if (!stacksafe(env, old, cur, env->idmap_scratch))
		return false;
	return refsafe(old, cur);
}

/*
 * Is the explored state old at least as general as cur, in everything
 * its continuation read? Then cur's continuation is safe too.
 */
static bool states_equal(struct xbpf_verifier_env *env,
			 const struct xbpf_verifier_state *old,
			 const struct xbpf_verifier_state *cur)
{
	u32 i;

	if (old->curframe != cur->curframe)
		return false;
	/* a speculative path proves nothing about a real one */
	if (old->speculative && !cur->speculative)
		return false;
	if (old->active_spin_lock != cur->active_spin_lock)
		return false;
	for (i = 0; i <= old->curframe; i++) {
		if (old->frame[i]->callsite != cur->frame[i]->callsite)
			return false;
		if (!func_states_equal(env, old->frame[i], cur->frame[i]))
			return false;
	}
	return true;
}

/* Returns the read flag propagated, 0 for none, or a negative errno. */
static int propagate_liveness_reg(struct xbpf_verifier_env *env,
				  struct xbpf_reg_state *reg,
				  struct xbpf_reg_state *parent_reg)
{
	u8 parent_flag = parent_reg->live & REG_LIVE_READ;
	u8 flag = reg->live & REG_LIVE_READ;
	int err;

	if (parent_flag == REG_LIVE_READ64 || !flag || parent_flag == flag)
		return 0;
	err = mark_reg_read(env, reg, parent_reg, flag);
	if (err)
		return err;
	return flag;
}

/*
 * On a prune, what the explored state's continuation read is read by the
 * current path too: pass its read marks to the current state's parents.
 * Writes of the current state do not screen them off, as the reads did
 * not follow those writes (mark_reg_read() sees parent != state->parent).
 */
static int propagate_liveness(struct xbpf_verifier_env *env,
			      const struct xbpf_verifier_state *vstate,
			      struct xbpf_verifier_state *vparent)
{
	struct xbpf_reg_state *state_reg, *parent_reg;
	struct xbpf_func_state *state, *parent;
	u32 frame;
	int i, err;

	if (vparent->curframe != vstate->curframe) {
		WARN_ON_ONCE(1);
		return -EFAULT;
	}
	for (frame = 0; frame <= vstate->curframe; frame++) {
		parent = vparent->frame[frame];
		state = vstate->frame[frame];
		parent_reg = parent->regs;
		state_reg = state->regs;
		/*
		 * Callers' R0-R5 are rewritten by the call's return; FP is
		 * read-only.
		 */
		for (i = frame < vstate->curframe ? BPF_REG_6 : 0;
		     i < XBPF_REG_FP; i++) {
			err = propagate_liveness_reg(env, &state_reg[i],
						     &parent_reg[i]);
			if (err < 0)
				return err;
			if (err == REG_LIVE_READ64)
				mark_insn_zext(env, &parent_reg[i]);
		}
		for (i = 0; i < state->allocated_stack / XBPF_REG_SIZE &&
			    i < parent->allocated_stack / XBPF_REG_SIZE; i++) {
			err = propagate_liveness_reg(env,
						     &state->stack[i].spilled_ptr,
						     &parent->stack[i].spilled_ptr);
			if (err < 0)
				return err;
		}
	}
	return 0;
}

/*
 * On a prune, scalars the explored state needed precise (and its
 * continuation read) must be precise on the current path as well.
 */
static int propagate_precision(struct xbpf_verifier_env *env,
			       const struct xbpf_verifier_state *old)
{
	const struct xbpf_reg_state *reg;
	const struct xbpf_func_state *state;
	int i, fr, err;

	for (fr = old->curframe; fr >= 0; fr--) {
		state = old->frame[fr];
		for (i = 0; i < XBPF_REG_FP; i++) {
			reg = &state->regs[i];
			if (reg->type != SCALAR_VALUE || !reg->precise ||
			    !(reg->live & REG_LIVE_READ))
				continue;
			if (env->log.level & XBPF_LOG_LEVEL2)
				verbose(env, "frame %d: propagating r%d\n",
					fr, i);
			err = mark_chain_precision_frame(env, fr, i);
			if (err < 0)
				return err;
		}
		for (i = 0; i < state->allocated_stack / XBPF_REG_SIZE; i++) {
			if (!is_spilled_reg(&state->stack[i]))
				continue;
			reg = &state->stack[i].spilled_ptr;
			if (reg->type != SCALAR_VALUE || !reg->precise ||
			    !(reg->live & REG_LIVE_READ))
				continue;
			if (env->log.level & XBPF_LOG_LEVEL2)
				verbose(env, "frame %d: propagating fp%d\n",
					fr, (-i - 1) * XBPF_REG_SIZE);
			err = mark_chain_precision_stack_frame(env, fr, i);
			if (err < 0)
				return err;
		}
	}
	return 0;
}

/*
 * A cheap exact test run before states_equal() on a state still being
 * explored: the same registers in the innermost frame when coming round
 * a loop again means the loop makes no progress.
 */
static bool states_maybe_looping(const struct xbpf_verifier_state *old,
				 const struct xbpf_verifier_state *cur)
{
	const struct xbpf_func_state *fold, *fcur;
	u32 fr = cur->curframe;
	int i;

	if (old->curframe != fr)
		return false;
	fold = old->frame[fr];
	fcur = cur->frame[fr];
	for (i = 0; i < XBPF_MAX_BPF_REG; i++)
		if (memcmp(&fold->regs[i], &fcur->regs[i],
			   offsetof(struct xbpf_reg_state, parent)))
			return false;
	return true;
}

/*
 * A state about to be checkpointed forgets the precision it inherited:
 * its own continuation will mark again what it needs, and a less precise
 * checkpoint prunes more.
 */
static void mark_all_scalars_imprecise(struct xbpf_verifier_state *st)
{
	struct xbpf_func_state *func;
	struct xbpf_reg_state *reg;
	u32 i;
	int j;

	for (i = 0; i <= st->curframe; i++) {
		func = st->frame[i];
		for (j = 0; j < XBPF_REG_FP; j++) {
			reg = &func->regs[j];
			if (reg->type == SCALAR_VALUE)
				reg->precise = false;
		}
		for (j = 0; j < func->allocated_stack / XBPF_REG_SIZE; j++) {
			if (!is_spilled_reg(&func->stack[j]))
				continue;
			reg = &func->stack[j].spilled_ptr;
			if (reg->type == SCALAR_VALUE)
				reg->precise = false;
		}
	}
}

static void free_state_list(struct xbpf_verifier_state_list *sl)
{
	struct xbpf_verifier_state_list *next;

	for (; sl; sl = next) {
		next = sl->next;
		free_verifier_state(&sl->state, false);
		xbpf_core_free(sl);
	}
}

void free_explored_states(struct xbpf_verifier_env *env)
{
	u32 i;

	free_state_list(env->free_list);
	env->free_list = NULL;
	if (!env->explored_states)
		return;
	for (i = 0; i < state_htab_size(env); i++)
		free_state_list(env->explored_states[i]);
	xbpf_core_free(env->explored_states);
	env->explored_states = NULL;
}

/*
 * Drop sl, which pruned too rarely to be worth comparing against. A
 * state whose liveness is not final may still be reached through
 * parent pointers; it is only unlinked, and freed with the rest.
 */
static void evict_state(struct xbpf_verifier_env *env,
			struct xbpf_verifier_state_list *sl)
{
	if (sl->state.frame[0]->regs[0].live & REG_LIVE_DONE) {
		WARN_ON_ONCE(sl->state.branches);
		free_verifier_state(&sl->state, false);
		xbpf_core_free(sl);
		env->peak_states--;
	} else {
		sl->next = env->free_list;
		env->free_list = sl;
	}
}

/*
 * Make a copy of cur the checkpoint at insn_idx and cur its child: cur's
 * registers and slots get parent links into the copy, and lose their
 * write marks, which were made on the way to the checkpoint, not after.
 */
static int add_explored_state(struct xbpf_verifier_env *env, int insn_idx)
{
	struct xbpf_verifier_state *cur = env->cur_state, *new;
	struct xbpf_verifier_state_list *new_sl, **head;
	struct xbpf_func_state *frame, *newframe;
	u32 j;
	int i, err;

	new_sl = xbpf_core_zalloc(sizeof(*new_sl));
	if (!new_sl)
		return -ENOMEM;
	env->total_states++;
	env->peak_states++;
	env->prev_jmps_processed = env->jmps_processed;
	env->prev_insn_processed = env->insn_processed;

	if (env->bpf_capable)
		mark_all_scalars_imprecise(cur);

	new = &new_sl->state;
	err = copy_verifier_state(new, cur);
	if (err) {
		free_verifier_state(new, false);
		xbpf_core_free(new_sl);
		return err;
	}
	new->insn_idx = insn_idx;
	WARN_ON_ONCE(new->branches != 1);

	cur->parent = new;
	cur->first_insn_idx = insn_idx;
	clear_jmp_history(cur);
	head = explored_state(env, insn_idx);
	new_sl->next = *head;
	*head = new_sl;

	/*
	 * Callers' frames link only R6-R9: their R1-R5 are linked to the
	 * call insn's state when the callee returns, and R0 comes from the
	 * callee.
	 */
	for (j = 0; j <= cur->curframe; j++) {
		frame = cur->frame[j];
		newframe = new->frame[j];
		for (i = j < cur->curframe ? BPF_REG_6 : 0; i < XBPF_REG_FP; i++)
			frame->regs[i].parent = &newframe->regs[i];
		for (i = 0; i < XBPF_REG_FP; i++)
			frame->regs[i].live = REG_LIVE_NONE;
	}
	/* the callee can reach every frame's stack */
	for (j = 0; j <= cur->curframe; j++) {
		frame = cur->frame[j];
		newframe = new->frame[j];
		for (i = 0; i < frame->allocated_stack / XBPF_REG_SIZE; i++) {
			frame->stack[i].spilled_ptr.live = REG_LIVE_NONE;
			frame->stack[i].spilled_ptr.parent =
				&newframe->stack[i].spilled_ptr;
		}
	}
	return 0;
}

/*
 * Called by the main loop before every insn. Returns 1 if the current
 * state is covered by an explored one (the path is safe and dropped),
 * 0 to go on, or a negative errno.
 */
int is_state_visited(struct xbpf_verifier_env *env, int insn_idx)
{
	struct xbpf_verifier_state *cur = env->cur_state;
	struct xbpf_verifier_state_list *sl, **pprev;
	bool add_new_state = env->test_state_freq;
	u32 states_cnt = 0;
	int err;

	cur->last_insn_idx = env->prev_insn_idx;
	if (!env->insn_aux_data[insn_idx].prune_point)
		return push_jmp_history(env, cur);

	if (!env->explored_states) {
		env->explored_states =
			xbpf_core_zalloc(state_htab_size(env) *
					 sizeof(*env->explored_states));
		if (!env->explored_states)
			return -ENOMEM;
	}

	/*
	 * Prune points come every few insns; checkpointing only after at
	 * least 2 jumps and 8 insns keeps far fewer states for about the
	 * same pruning.
	 */
	if (env->jmps_processed - env->prev_jmps_processed >= 2 &&
	    env->insn_processed - env->prev_insn_processed >= 8)
		add_new_state = true;

	pprev = explored_state(env, insn_idx);
	sl = *pprev;

	clean_live_states(env, insn_idx, cur);

	while (sl) {
		states_cnt++;
		if (sl->state.insn_idx != insn_idx)
			goto next;

		if (sl->state.branches) {
			/*
			 * An ancestor still being explored: we came round a
			 * loop. Unchanged state means it never ends.
			 */
			if (states_maybe_looping(&sl->state, cur) &&
			    states_equal(env, &sl->state, cur)) {
				verbose(env, "infinite loop detected at insn %d\n",
					insn_idx);
				return -EINVAL;
			}
			/*
			 * Successive iterations differ and rarely prune one
			 * another: checkpoint a loop only now and then, but
			 * often enough that a long loop still hits the insn
			 * limit quickly rather than piling up states.
			 */
			if (env->jmps_processed - env->prev_jmps_processed < 20 &&
			    env->insn_processed - env->prev_insn_processed < 100)
				add_new_state = false;
			goto miss;
		}
		if (states_equal(env, &sl->state, cur)) {
			sl->hit_cnt++;
			/*
			 * What the explored continuation reads and needs
			 * precise, this path's ancestors must keep.
			 */
			err = propagate_liveness(env, &sl->state, cur);
			err = err ? : push_jmp_history(env, cur);
			err = err ? : propagate_precision(env, &sl->state);
			if (err)
				return err;
			return 1;
		}
miss:
		/*
		 * Counting misses only when a state will be added keeps
		 * loop iterations from evicting the states of earlier ones.
		 */
		if (add_new_state)
			sl->miss_cnt++;
		if (sl->miss_cnt > sl->hit_cnt * 3 + 3) {
			*pprev = sl->next;
			evict_state(env, sl);
			sl = *pprev;
			continue;
		}
next:
		pprev = &sl->next;
		sl = *pprev;
	}

	if (env->max_states_per_insn < states_cnt)
		env->max_states_per_insn = states_cnt;

	if (!env->bpf_capable && states_cnt > XBPF_COMPLEXITY_LIMIT_STATES)
		return push_jmp_history(env, cur);
	if (!add_new_state)
		return push_jmp_history(env, cur);
	return add_explored_state(env, insn_idx);
}
