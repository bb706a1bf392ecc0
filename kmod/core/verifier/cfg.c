// SPDX-License-Identifier: GPL-2.0
/*
 * The program's shape, checked before any path through it is walked:
 * where its subprograms start, that no jump leaves the subprogram it is in,
 * and that every instruction is reachable. Loops are refused here only for
 * loaders without CAP_BPF; for the others the path walk itself proves that
 * each loop ends.
 *
 * The walk learns where to try pruning from the same graph, so the prune
 * points are chosen here, as Linux 6.1 chooses them: the "processed N
 * insns" count a loader sees depends on them.
 */
#include "vfuncs.h"

/* insn_state values of the depth-first search */
enum {
	CFG_DISCOVERED = 0x10,	/* on the stack */
	CFG_EXPLORED = 0x20,	/* every successor explored */
	CFG_FALLTHROUGH = 1,	/* edge to the next insn was followed */
	CFG_BRANCH = 2,		/* edge to the jump target was followed */
};

/* what visiting an instruction left to do */
enum {
	CFG_DONE_EXPLORING = 0,
	CFG_KEEP_EXPLORING = 1,
};

static bool insn_is_ldimm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static bool insn_is_pseudo_func(const struct bpf_insn *insn)
{
	return insn_is_ldimm64(insn) && insn->src_reg == BPF_PSEUDO_FUNC;
}

static bool insn_is_pseudo_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) &&
	       insn->src_reg == BPF_PSEUDO_CALL;
}

static bool insn_is_kfunc_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) &&
	       insn->src_reg == BPF_PSEUDO_KFUNC_CALL;
}

/*
 * The insn a jump or call at idx by delta lands on. Computed the way the
 * kernel's int arithmetic wraps, so that a wild offset is reported with
 * the same (out of range) number as under Linux.
 */
static int insn_target(int idx, s32 delta)
{
	return (int)((u32)idx + (u32)delta + 1);
}

/* Index of the subprogram starting at insn off, or -ENOENT. */
int find_subprog(struct xbpf_verifier_env *env, int off)
{
	int lo = 0, hi = (int)env->subprog_cnt - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int start = env->subprog_info[mid].start;

		if (start == off)
			return mid;
		if (start < off)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -ENOENT;
}

/*
 * Record a subprogram starting at insn off, once. subprog_info is kept
 * sorted by start, so that each one ends where the next begins.
 */
int add_subprog(struct xbpf_verifier_env *env, int off)
{
	struct xbpf_subprog_info *subprog = env->subprog_info;
	int ret, i;

	if (off >= (int)env->len || off < 0) {
		verbose(env, "call to invalid destination\n");
		return -EINVAL;
	}
	ret = find_subprog(env, off);
	if (ret >= 0)
		return ret;
	if (env->subprog_cnt >= XBPF_MAX_SUBPROGS) {
		verbose(env, "too many subprograms\n");
		return -E2BIG;
	}
	for (i = env->subprog_cnt; i > 0 && (int)subprog[i - 1].start > off; i--)
		subprog[i] = subprog[i - 1];
	subprog[i] = (struct xbpf_subprog_info){ .start = off };
	env->subprog_cnt++;
	return i;
}

/*
 * The main program and every bpf-to-bpf call or callback target. Kernel
 * functions (kfuncs) are refused: xbpf offers none.
 */
int add_subprogs(struct xbpf_verifier_env *env)
{
	struct xbpf_subprog_info *subprog = env->subprog_info;
	const struct bpf_insn *insn = env->insns;
	int i, ret;

	ret = add_subprog(env, 0);
	if (ret < 0)
		return ret;

	for (i = 0; i < (int)env->len; i++, insn++) {
		if (!insn_is_pseudo_func(insn) && !insn_is_pseudo_call(insn) &&
		    !insn_is_kfunc_call(insn))
			continue;

		if (!env->bpf_capable) {
			verbose(env, "loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN\n");
			return -EPERM;
		}
		if (insn_is_kfunc_call(insn)) {
			verbose(env, "xbpf: calling kernel functions is not supported\n");
			return -ENOTSUPP;
		}
		ret = add_subprog(env, insn_target(i, insn->imm));
		if (ret < 0)
			return ret;
	}

	/*
	 * An entry past the last subprogram, not counted, so that every
	 * subprogram's end is the next entry's start.
	 */
	subprog[env->subprog_cnt].start = env->len;

	if (env->log.level & XBPF_LOG_LEVEL2)
		for (i = 0; i < (int)env->subprog_cnt; i++)
			verbose(env, "func#%d @%d\n", i, subprog[i].start);
	return 0;
}

/*
 * Jumps must stay within their subprogram, and no subprogram may run off
 * its end into the next. Also notes which subprograms use LD_ABS/LD_IND
 * and tail calls, which later checks restrict.
 */
int check_subprogs(struct xbpf_verifier_env *env)
{
	struct xbpf_subprog_info *subprog = env->subprog_info;
	const struct bpf_insn *insn = env->insns;
	int i, off, cur_subprog = 0;
	int subprog_start = subprog[0].start;
	int subprog_end = subprog[1].start;

	for (i = 0; i < (int)env->len; i++) {
		u8 code = insn[i].code;
		u8 class = BPF_CLASS(code);

		if (code == (BPF_JMP | BPF_CALL) &&
		    insn[i].imm == BPF_FUNC_tail_call &&
		    insn[i].src_reg != BPF_PSEUDO_CALL)
			subprog[cur_subprog].has_tail_call = true;
		if (class == BPF_LD &&
		    (BPF_MODE(code) == BPF_ABS || BPF_MODE(code) == BPF_IND))
			subprog[cur_subprog].has_ld_abs = true;

		if ((class == BPF_JMP || class == BPF_JMP32) &&
		    BPF_OP(code) != BPF_EXIT && BPF_OP(code) != BPF_CALL) {
			if (code == (BPF_JMP32 | BPF_JA))
				off = insn_target(i, insn[i].imm);
			else
				off = insn_target(i, insn[i].off);
			if (off < subprog_start || off >= subprog_end) {
				verbose(env, "jump out of range from insn %d to %d\n",
					i, off);
				return -EINVAL;
			}
		}

		if (i != subprog_end - 1)
			continue;
		if (code != (BPF_JMP | BPF_EXIT) &&
		    code != (BPF_JMP32 | BPF_JA) &&
		    code != (BPF_JMP | BPF_JA)) {
			verbose(env, "last insn is not an exit or jmp\n");
			return -EINVAL;
		}
		subprog_start = subprog_end;
		cur_subprog++;
		if (cur_subprog < (int)env->subprog_cnt)
			subprog_end = subprog[cur_subprog + 1].start;
	}
	return 0;
}

/* The walk checks for an equivalent explored state here. */
static void mark_prune_point(struct xbpf_verifier_env *env, int idx)
{
	env->insn_aux_data[idx].prune_point = true;
}

/*
 * Control reaches here other than from the previous insn, so precision
 * backtracking must record how it came.
 */
static void mark_jmp_point(struct xbpf_verifier_env *env, int idx)
{
	env->insn_aux_data[idx].jmp_point = true;
}

/* Follow edge e from insn t to insn w. */
static int push_insn(int t, int w, int e, struct xbpf_verifier_env *env,
		     bool loop_ok)
{
	int *insn_stack = env->cfg.insn_stack;
	int *insn_state = env->cfg.insn_state;

	if (e == CFG_FALLTHROUGH &&
	    insn_state[t] >= (CFG_DISCOVERED | CFG_FALLTHROUGH))
		return CFG_DONE_EXPLORING;
	if (e == CFG_BRANCH && insn_state[t] >= (CFG_DISCOVERED | CFG_BRANCH))
		return CFG_DONE_EXPLORING;

	if (w < 0 || w >= (int)env->len) {
		verbose(env, "jump out of range from insn %d to %d\n", t, w);
		return -EINVAL;
	}

	if (e == CFG_BRANCH) {
		mark_prune_point(env, w);
		mark_jmp_point(env, w);
	}

	if (insn_state[w] == 0) {
		/* tree edge */
		insn_state[t] = CFG_DISCOVERED | e;
		insn_state[w] = CFG_DISCOVERED;
		if (env->cfg.cur_stack >= (int)env->len)
			return -E2BIG;
		insn_stack[env->cfg.cur_stack++] = w;
		return CFG_KEEP_EXPLORING;
	}
	if ((insn_state[w] & 0xF0) == CFG_DISCOVERED) {
		/* back edge: a loop */
		if (loop_ok && env->bpf_capable)
			return CFG_DONE_EXPLORING;
		verbose(env, "back-edge from insn %d to %d\n", t, w);
		return -EINVAL;
	}
	if (insn_state[w] == CFG_EXPLORED) {
		/* forward or cross edge */
		insn_state[t] = CFG_DISCOVERED | e;
		return CFG_DONE_EXPLORING;
	}
	verbose(env, "insn state internal bug\n");
	return -EFAULT;
}

/*
 * A call, or an ld_imm64 of a callback: execution resumes after it, and
 * for a subprogram or callback also goes to the callee.
 */
static int visit_func_call_insn(int t, struct xbpf_verifier_env *env,
				bool visit_callee)
{
	const struct bpf_insn *insn = &env->insns[t];
	int ret, insn_sz;

	insn_sz = insn_is_ldimm64(insn) ? 2 : 1;
	ret = push_insn(t, t + insn_sz, CFG_FALLTHROUGH, env, false);
	if (ret)
		return ret;

	mark_prune_point(env, t + insn_sz);
	/* the return from a subprogram is a jump for backtracking */
	mark_jmp_point(env, t + insn_sz);

	if (visit_callee) {
		mark_prune_point(env, t);
		/*
		 * Recursion is fine as far as the graph goes; the call
		 * checks refuse it.
		 */
		ret = push_insn(t, insn_target(t, insn->imm), CFG_BRANCH, env,
				insn_is_pseudo_func(insn));
	}
	return ret;
}

/*
 * Follow the next unexplored edge out of insn t: < 0 on error,
 * CFG_KEEP_EXPLORING when an edge led somewhere new, CFG_DONE_EXPLORING
 * once none is left.
 */
static int visit_insn(int t, struct xbpf_verifier_env *env)
{
	const struct bpf_insn *insn = &env->insns[t];
	int ret, target;

	if (insn_is_pseudo_func(insn))
		return visit_func_call_insn(t, env, true);

	if (BPF_CLASS(insn->code) != BPF_JMP &&
	    BPF_CLASS(insn->code) != BPF_JMP32)
		return push_insn(t, t + (insn_is_ldimm64(insn) ? 2 : 1),
				 CFG_FALLTHROUGH, env, false);

	switch (BPF_OP(insn->code)) {
	case BPF_EXIT:
		return CFG_DONE_EXPLORING;

	case BPF_CALL:
		return visit_func_call_insn(t, env,
					    insn->src_reg == BPF_PSEUDO_CALL);

	case BPF_JA:
		if (BPF_SRC(insn->code) != BPF_K)
			return -EINVAL;
		if (BPF_CLASS(insn->code) == BPF_JMP)
			target = insn_target(t, insn->off);
		else
			target = insn_target(t, insn->imm);

		/* one edge, kept as fall-through */
		ret = push_insn(t, target, CFG_FALLTHROUGH, env, true);
		if (ret)
			return ret;
		mark_prune_point(env, target);
		mark_jmp_point(env, target);
		return ret;

	default:
		/* a conditional jump: two edges */
		mark_prune_point(env, t);
		ret = push_insn(t, t + 1, CFG_FALLTHROUGH, env, true);
		if (ret)
			return ret;
		return push_insn(t, insn_target(t, insn->off), CFG_BRANCH, env,
				 true);
	}
}

/* Depth-first search from insn 0 without recursion: the program may be long. */
int check_cfg(struct xbpf_verifier_env *env)
{
	int insn_cnt = env->len;
	int *insn_state, *insn_stack;
	int ret, i;

	insn_state = xbpf_core_zalloc(insn_cnt * sizeof(int));
	if (!insn_state)
		return -ENOMEM;
	insn_stack = xbpf_core_zalloc(insn_cnt * sizeof(int));
	if (!insn_stack) {
		xbpf_core_free(insn_state);
		return -ENOMEM;
	}
	env->cfg.insn_state = insn_state;
	env->cfg.insn_stack = insn_stack;

	insn_state[0] = CFG_DISCOVERED;
	insn_stack[0] = 0;
	env->cfg.cur_stack = 1;

	while (env->cfg.cur_stack > 0) {
		int t = insn_stack[env->cfg.cur_stack - 1];

		ret = visit_insn(t, env);
		if (ret < 0)
			goto out;
		if (ret == CFG_DONE_EXPLORING) {
			insn_state[t] = CFG_EXPLORED;
			env->cfg.cur_stack--;
		}
	}

	for (i = 0; i < insn_cnt; i++) {
		if (insn_state[i] != CFG_EXPLORED) {
			verbose(env, "unreachable insn %d\n", i);
			ret = -EINVAL;
			goto out;
		}
		if (insn_is_ldimm64(&env->insns[i])) {
			/* an explored ld_imm64 is known to have its second half */
			if (insn_state[i + 1] != 0) {
				verbose(env, "jump into the middle of ldimm64 insn %d\n",
					i);
				ret = -EINVAL;
				goto out;
			}
			i++;
		}
	}
	ret = 0;

out:
	xbpf_core_free(insn_state);
	xbpf_core_free(insn_stack);
	env->cfg.insn_state = NULL;
	env->cfg.insn_stack = NULL;
	return ret;
}
