/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verifier's working state for one program load, shared by the files
 * of kmod/core/verifier/. Not an interface: only verifier files include it.
 */
#ifndef XBPF_CORE_VERIFIER_VENV_H
#define XBPF_CORE_VERIFIER_VENV_H

#include "verifier.h"

#define XBPF_ID_MAP_SIZE	(XBPF_MAX_BPF_REG + XBPF_MAX_STACK / XBPF_REG_SIZE)

struct xbpf_id_pair {
	u32 old;
	u32 cur;
};

struct xbpf_verifier_env {
	int insn_idx;
	int prev_insn_idx;
	/* the program being verified and rewritten; grows with rewrites */
	struct bpf_insn *insns;
	u32 len;
	u32 prog_type;
	u32 expected_attach_type;
	bool gpl_compatible;
	const struct xbpf_prog_type_ops *ops;
	const struct xbpf_verifier_host *host;

	struct xbpf_verifier_stack_elem *head;	/* states to explore */
	int stack_size;
	bool strict_alignment;
	bool test_state_freq;
	bool test_rnd_hi32;
	struct xbpf_verifier_state *cur_state;
	struct xbpf_verifier_state_list **explored_states;
	struct xbpf_verifier_state_list *free_list;
	const struct xbpf_vmap *used_maps[XBPF_MAX_USED_MAPS];
	u32 used_map_cnt;
	u32 id_gen;
	bool allow_ptr_leaks;
	bool allow_uninit_stack;
	bool allow_ptr_to_map_access;
	bool bpf_capable;
	bool bypass_spec_v1;
	bool bypass_spec_v4;
	bool seen_direct_write;
	bool has_ld_abs;
	bool has_tail_call;
	u32 max_ctx_offset;	/* last ctx byte accessed + 1 */
	struct xbpf_insn_aux_data *insn_aux_data;
	struct xbpf_verifier_log log;
	struct xbpf_subprog_info subprog_info[XBPF_MAX_SUBPROGS + 1];
	struct xbpf_id_pair idmap_scratch[XBPF_ID_MAP_SIZE];
	struct {
		int *insn_state;
		int *insn_stack;
		int cur_stack;
	} cfg;
	u32 pass_cnt;
	u32 subprog_cnt;
	u32 prev_insn_processed, insn_processed;
	u32 prev_jmps_processed, jmps_processed;
	u32 max_states_per_insn;
	u32 total_states;
	u32 peak_states;
	u32 longest_mark_read_walk;
	u32 scratched_regs;
	u64 scratched_stack_slots;
	u32 prev_log_len, prev_insn_print_len;
	char type_str_buf[64];
	char tmp_str_buf[320];
};

static inline struct xbpf_func_state *cur_func(struct xbpf_verifier_env *env)
{
	struct xbpf_verifier_state *cur = env->cur_state;

	return cur->frame[cur->curframe];
}

static inline struct xbpf_reg_state *cur_regs(struct xbpf_verifier_env *env)
{
	return cur_func(env)->regs;
}

/* log.c */
__printf(2, 3) void verbose(struct xbpf_verifier_env *env,
			    const char *fmt, ...);
bool xbpf_log_needed(const struct xbpf_verifier_log *log);
bool xbpf_log_full(const struct xbpf_verifier_log *log);
void xbpf_log_reset(struct xbpf_verifier_env *env, u32 new_pos);
const char *reg_type_str(struct xbpf_verifier_env *env, u32 type);
const char *btf_type_name(u32 btf_id);
void print_verifier_state(struct xbpf_verifier_env *env,
			  const struct xbpf_func_state *state, bool print_all);
void print_insn_state(struct xbpf_verifier_env *env,
		      const struct xbpf_func_state *state);
void print_bpf_insn_log(struct xbpf_verifier_env *env,
			const struct bpf_insn *insn);
void mark_verifier_state_clean(struct xbpf_verifier_env *env);
void mark_verifier_state_scratched(struct xbpf_verifier_env *env);
void mark_reg_scratched(struct xbpf_verifier_env *env, u32 regno);
void mark_stack_slot_scratched(struct xbpf_verifier_env *env, u32 spi);

/* cfg.c */
int add_subprog(struct xbpf_verifier_env *env, int off);
int find_subprog(struct xbpf_verifier_env *env, int off);
int add_subprogs(struct xbpf_verifier_env *env);
int check_subprogs(struct xbpf_verifier_env *env);
int check_cfg(struct xbpf_verifier_env *env);

#endif /* XBPF_CORE_VERIFIER_VENV_H */
