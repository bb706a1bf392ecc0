// SPDX-License-Identifier: GPL-2.0
/*
 * Verifier states as objects: copying and freeing them, the stack of
 * branches still to explore, acquired references, and the history of
 * jumps a state took (which precision backtracking walks).
 */
#include "vfuncs.h"

/*
 * The buffer to hold n elements of size bytes copied from src, given buf
 * holding have elements now: buf itself if big enough, else a new one
 * (buf is freed then; its old contents are not wanted). NULL if n > 0
 * and memory ran out, with buf untouched, so its owner's count still
 * describes it.
 */
static void *copy_array(void *buf, u32 have, const void *src, u32 n,
			size_t size)
{
	void *p;

	if (have < n) {
		p = xbpf_core_zalloc((size_t)n * size);
		if (!p)
			return NULL;
		xbpf_core_free(buf);
		buf = p;
	}
	if (n)
		memcpy(buf, src, (size_t)n * size);
	return buf;
}

int copy_reference_state(struct xbpf_func_state *dst,
			 const struct xbpf_func_state *src)
{
	struct xbpf_reference_state *refs;

	refs = copy_array(dst->refs, dst->acquired_refs, src->refs,
			  src->acquired_refs, sizeof(*refs));
	if (!refs && src->acquired_refs)
		return -ENOMEM;
	dst->refs = refs;
	dst->acquired_refs = src->acquired_refs;
	return 0;
}

static int copy_stack_state(struct xbpf_func_state *dst,
			    const struct xbpf_func_state *src)
{
	u32 n = src->allocated_stack / XBPF_REG_SIZE;
	struct xbpf_stack_state *stack;

	stack = copy_array(dst->stack, dst->allocated_stack / XBPF_REG_SIZE,
			   src->stack, n, sizeof(*stack));
	if (!stack && n)
		return -ENOMEM;
	dst->stack = stack;
	dst->allocated_stack = src->allocated_stack;
	return 0;
}

int grow_reference_state(struct xbpf_func_state *state, int n)
{
	int old_n = state->acquired_refs;
	struct xbpf_reference_state *refs;

	if (old_n >= n)
		return 0;
	refs = xbpf_core_realloc(state->refs, old_n * sizeof(*refs),
				 n * sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	memset(refs + old_n, 0, (n - old_n) * sizeof(*refs));
	state->refs = refs;
	state->acquired_refs = n;
	return 0;
}

/*
 * Slots are added zeroed, i.e. STACK_INVALID with no spilled register:
 * stack the program has not written reads as uninitialised.
 */
int grow_stack_state(struct xbpf_func_state *state, int size)
{
	int old_n = state->allocated_stack / XBPF_REG_SIZE;
	int n = size / XBPF_REG_SIZE;
	struct xbpf_stack_state *stack;

	if (old_n >= n)
		return 0;
	stack = xbpf_core_realloc(state->stack, old_n * sizeof(*stack),
				  n * sizeof(*stack));
	if (!stack)
		return -ENOMEM;
	memset(stack + old_n, 0, (n - old_n) * sizeof(*stack));
	state->stack = stack;
	state->allocated_stack = size;
	return 0;
}

/* Returns the new reference's id, or a negative errno. */
int acquire_reference_state(struct xbpf_verifier_env *env, int insn_idx)
{
	struct xbpf_func_state *state = cur_func(env);
	int slot = state->acquired_refs;
	int err, id;

	err = grow_reference_state(state, slot + 1);
	if (err)
		return err;
	id = new_reg_id(env);
	state->refs[slot].id = id;
	state->refs[slot].insn_idx = insn_idx;
	state->refs[slot].callback_ref = state->in_callback_fn ?
					 state->frameno : 0;
	return id;
}

/* Idempotent: an id no longer held is -EINVAL, not a corruption. */
int release_reference_state(struct xbpf_func_state *state, int ptr_id)
{
	int i, last = state->acquired_refs - 1;

	for (i = 0; i < state->acquired_refs; i++) {
		if (state->refs[i].id != ptr_id)
			continue;
		/* a callback may not drop what its caller holds */
		if (state->in_callback_fn &&
		    state->refs[i].callback_ref != state->frameno)
			return -EINVAL;
		if (last && i != last)
			state->refs[i] = state->refs[last];
		memset(&state->refs[last], 0, sizeof(state->refs[last]));
		state->acquired_refs--;
		return 0;
	}
	return -EINVAL;
}

struct released_ref {
	struct xbpf_verifier_env *env;
	int ref_obj_id;
};

static void invalidate_released(const struct released_ref *rel,
				struct xbpf_func_state *state,
				struct xbpf_reg_state *reg)
{
	if (reg->ref_obj_id != rel->ref_obj_id)
		return;
	/*
	 * A loader that may see pointers may keep the value as a number;
	 * otherwise any use of a stale copy is an error.
	 */
	if (rel->env->allow_ptr_leaks)
		__mark_reg_unknown(rel->env, reg);
	else
		__mark_reg_not_init(rel->env, reg);
}

int release_reference(struct xbpf_verifier_env *env, int ref_obj_id)
{
	const struct released_ref rel = {
		.env = env,
		.ref_obj_id = ref_obj_id,
	};
	struct xbpf_reg_state *reg;
	int err;

	err = release_reference_state(cur_func(env), ref_obj_id);
	if (err)
		return err;
	for_each_reg_in_vstate(env->cur_state, reg, invalidate_released,
			       &rel);
	return 0;
}

int check_reference_leak(struct xbpf_verifier_env *env)
{
	struct xbpf_func_state *state = cur_func(env);
	bool lingering = false;
	int i;

	/* a subprogram's references are its caller's to release */
	if (state->frameno && !state->in_callback_fn)
		return 0;
	for (i = 0; i < state->acquired_refs; i++) {
		if (state->in_callback_fn &&
		    state->refs[i].callback_ref != state->frameno)
			continue;
		verbose(env, "Unreleased reference id=%d alloc_insn=%d\n",
			state->refs[i].id, state->refs[i].insn_idx);
		lingering = true;
	}
	return lingering ? -EINVAL : 0;
}

void free_func_state(struct xbpf_func_state *state)
{
	if (!state)
		return;
	xbpf_core_free(state->refs);
	xbpf_core_free(state->stack);
	xbpf_core_free(state);
}

void clear_jmp_history(struct xbpf_verifier_state *state)
{
	xbpf_core_free(state->jmp_history);
	state->jmp_history = NULL;
	state->jmp_history_cnt = 0;
}

void free_verifier_state(struct xbpf_verifier_state *state, bool free_self)
{
	u32 i;

	for (i = 0; i <= state->curframe; i++) {
		free_func_state(state->frame[i]);
		state->frame[i] = NULL;
	}
	clear_jmp_history(state);
	if (free_self)
		xbpf_core_free(state);
}

/* dst keeps its own buffers where they are big enough */
int copy_func_state(struct xbpf_func_state *dst,
		    const struct xbpf_func_state *src)
{
	int err;

	memcpy(dst, src, offsetof(struct xbpf_func_state, acquired_refs));
	err = copy_reference_state(dst, src);
	if (err)
		return err;
	return copy_stack_state(dst, src);
}

int copy_verifier_state(struct xbpf_verifier_state *dst,
			const struct xbpf_verifier_state *src)
{
	struct xbpf_func_state *frame;
	struct xbpf_idx_pair *history;
	u32 i;
	int err;

	history = copy_array(dst->jmp_history, dst->jmp_history_cnt,
			     src->jmp_history, src->jmp_history_cnt,
			     sizeof(*history));
	if (!history && src->jmp_history_cnt)
		return -ENOMEM;
	dst->jmp_history = history;
	dst->jmp_history_cnt = src->jmp_history_cnt;

	/* frames dst has beyond src's call depth are gone */
	for (i = src->curframe + 1; i <= dst->curframe; i++) {
		free_func_state(dst->frame[i]);
		dst->frame[i] = NULL;
	}
	dst->speculative = src->speculative;
	dst->curframe = src->curframe;
	dst->active_spin_lock = src->active_spin_lock;
	dst->branches = src->branches;
	dst->parent = src->parent;
	dst->first_insn_idx = src->first_insn_idx;
	dst->last_insn_idx = src->last_insn_idx;
	/* a copy starts a new path whose precision is its own */
	dst->all_precise = false;
	for (i = 0; i <= src->curframe; i++) {
		frame = dst->frame[i];
		if (!frame) {
			frame = xbpf_core_zalloc(sizeof(*frame));
			if (!frame)
				return -ENOMEM;
			dst->frame[i] = frame;
		}
		err = copy_func_state(frame, src->frame[i]);
		if (err)
			return err;
	}
	return 0;
}

int pop_stack(struct xbpf_verifier_env *env, int *prev_insn_idx,
	      int *insn_idx, bool pop_log)
{
	struct xbpf_verifier_stack_elem *head = env->head;
	struct xbpf_verifier_state *cur = env->cur_state;
	int err;

	if (!head)
		return -ENOENT;
	if (cur) {
		err = copy_verifier_state(cur, &head->st);
		if (err)
			return err;
	}
	/* the abandoned path's log is of no interest below level 2 */
	if (pop_log)
		xbpf_log_reset(env, head->log_pos);
	if (insn_idx)
		*insn_idx = head->insn_idx;
	if (prev_insn_idx)
		*prev_insn_idx = head->prev_insn_idx;
	env->head = head->next;
	free_verifier_state(&head->st, false);
	xbpf_core_free(head);
	env->stack_size--;
	return 0;
}

/*
 * On any failure the whole search is abandoned: the current state and
 * every queued one are freed, env->cur_state is NULL, and the caller
 * returns an error.
 */
struct xbpf_verifier_state *push_stack(struct xbpf_verifier_env *env,
				       int insn_idx, int prev_insn_idx,
				       bool speculative)
{
	struct xbpf_verifier_stack_elem *elem;

	elem = xbpf_core_zalloc(sizeof(*elem));
	if (!elem)
		goto err;
	elem->insn_idx = insn_idx;
	elem->prev_insn_idx = prev_insn_idx;
	elem->next = env->head;
	elem->log_pos = env->log.len_used;
	env->head = elem;
	env->stack_size++;
	if (copy_verifier_state(&elem->st, env->cur_state))
		goto err;
	elem->st.speculative |= speculative;
	if (env->stack_size > XBPF_COMPLEXITY_LIMIT_JMP_SEQ) {
		verbose(env, "The sequence of %d jumps is too complex.\n",
			env->stack_size);
		goto err;
	}
	/*
	 * The parent now has one more path to finish before its liveness
	 * and precision are final. Counts above 2 are normal: speculative
	 * states and states not checkpointed share one parent.
	 */
	if (elem->st.parent)
		elem->st.parent->branches++;
	return &elem->st;
err:
	free_verifier_state(env->cur_state, true);
	env->cur_state = NULL;
	while (!pop_stack(env, NULL, NULL, false))
		;
	return NULL;
}

/*
 * Only jump targets (and returns from calls) break straight-line flow;
 * backtracking assumes insn - 1 precedes insn everywhere else.
 */
int push_jmp_history(struct xbpf_verifier_env *env,
		     struct xbpf_verifier_state *cur)
{
	u32 cnt = cur->jmp_history_cnt;
	struct xbpf_idx_pair *p;

	if (!env->insn_aux_data[env->insn_idx].jmp_point)
		return 0;
	p = xbpf_core_realloc(cur->jmp_history, cnt * sizeof(*p),
			      (cnt + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	p[cnt].idx = env->insn_idx;
	p[cnt].prev_idx = env->prev_insn_idx;
	cur->jmp_history = p;
	cur->jmp_history_cnt = cnt + 1;
	return 0;
}
