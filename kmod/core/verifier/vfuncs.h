/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Functions the verifier's files provide to one another. Each group names
 * the file that implements it. Semantics are Linux 6.1's functions of the
 * same name (kernel/bpf/verifier.c); messages and errnos too.
 */
#ifndef XBPF_CORE_VERIFIER_VFUNCS_H
#define XBPF_CORE_VERIFIER_VFUNCS_H

#include "venv.h"
#include "bounds.h"

/*
 * Memory (provided by env.h in both builds): zeroed allocation, resize
 * (new bytes are NOT zeroed), free (NULL is fine). May sleep in the
 * kernel: the verifier runs in process context.
 */

enum reg_arg_type {
	SRC_OP,		/* register is used as source operand */
	DST_OP,		/* register is used as destination operand */
	DST_OP_NO_MARK	/* same as above, check only, don't mark */
};

#define BPF_MAIN_FUNC	(-1)

static inline int get_spi(s32 off)
{
	return (-off - 1) / XBPF_REG_SIZE;
}

static inline struct xbpf_func_state *func(struct xbpf_verifier_env *env,
					   const struct xbpf_reg_state *reg)
{
	return env->cur_state->frame[reg->frameno];
}

static inline bool is_spilled_reg(const struct xbpf_stack_state *stack)
{
	return stack->slot_type[XBPF_REG_SIZE - 1] == STACK_SPILL;
}

static inline bool register_is_null(const struct xbpf_reg_state *reg)
{
	return reg->type == SCALAR_VALUE && tnum_equals_const(reg->var_off, 0);
}

static inline bool register_is_const(const struct xbpf_reg_state *reg)
{
	return reg->type == SCALAR_VALUE && tnum_is_const(reg->var_off);
}

static inline bool type_is_pkt_pointer(u32 type)
{
	type = base_type(type);
	return type == PTR_TO_PACKET || type == PTR_TO_PACKET_META;
}

/* --- regs.c: register marking and operand checks --- */
void mark_reg_known_zero(struct xbpf_verifier_env *env,
			 struct xbpf_reg_state *regs, u32 regno);
void mark_reg_unknown(struct xbpf_verifier_env *env,
		      struct xbpf_reg_state *regs, u32 regno);
void __mark_reg_unknown(const struct xbpf_verifier_env *env,
			struct xbpf_reg_state *reg);
void mark_reg_not_init(struct xbpf_verifier_env *env,
		       struct xbpf_reg_state *regs, u32 regno);
void __mark_reg_not_init(const struct xbpf_verifier_env *env,
			 struct xbpf_reg_state *reg);
void init_func_state(struct xbpf_verifier_env *env,
		     struct xbpf_func_state *state, int callsite, int frameno,
		     int subprogno);
/* "R%d !read_ok", "frame pointer is read only", liveness, subreg_def */
int check_reg_arg(struct xbpf_verifier_env *env, u32 regno,
		  enum reg_arg_type t);
bool __is_pointer_value(bool allow_ptr_leaks, const struct xbpf_reg_state *reg);
bool is_pointer_value(struct xbpf_verifier_env *env, int regno);
/* 64-bit use of a register by insn (for READ64 vs READ32 and zext) */
bool is_reg64(struct xbpf_verifier_env *env, struct bpf_insn *insn, u32 regno,
	      struct xbpf_reg_state *reg, enum reg_arg_type t);
void mark_insn_zext(struct xbpf_verifier_env *env, struct xbpf_reg_state *reg);
/* copy src into dst, keeping dst's parent and live (liveness chain) */
void copy_register_state(struct xbpf_reg_state *dst,
			 const struct xbpf_reg_state *src);
static inline struct xbpf_reg_state *reg_state(struct xbpf_verifier_env *env,
					       int regno)
{
	return cur_regs(env) + regno;
}
/* a fresh id for id-linked registers */
static inline u32 new_reg_id(struct xbpf_verifier_env *env)
{
	return ++env->id_gen;
}

/* --- state.c: verifier states, the branch stack, references --- */
int copy_verifier_state(struct xbpf_verifier_state *dst,
			const struct xbpf_verifier_state *src);
void free_verifier_state(struct xbpf_verifier_state *state, bool free_self);
int copy_func_state(struct xbpf_func_state *dst,
		    const struct xbpf_func_state *src);
/* dst->refs becomes a copy of src->refs (the count may shrink) */
int copy_reference_state(struct xbpf_func_state *dst,
			 const struct xbpf_func_state *src);
void free_func_state(struct xbpf_func_state *state);
void clear_jmp_history(struct xbpf_verifier_state *state);
/*
 * Grow (never shrink) a frame's stack to size bytes, its refs to n
 * entries; what is added is zeroed (STACK_INVALID, empty references).
 */
int grow_stack_state(struct xbpf_func_state *state, int size);
int grow_reference_state(struct xbpf_func_state *state, int n);
/* queue the current state to be resumed at insn_idx; NULL on error */
struct xbpf_verifier_state *push_stack(struct xbpf_verifier_env *env,
				       int insn_idx, int prev_insn_idx,
				       bool speculative);
/* resume the next queued state; -ENOENT when none is left */
int pop_stack(struct xbpf_verifier_env *env, int *prev_insn_idx,
	      int *insn_idx, bool pop_log);
int acquire_reference_state(struct xbpf_verifier_env *env, int insn_idx);
int release_reference_state(struct xbpf_func_state *state, int ptr_id);
/* invalidate every register/slot with ref_obj_id, then drop the ref */
int release_reference(struct xbpf_verifier_env *env, int ref_obj_id);
/* "Unreleased reference id=%d alloc_insn=%d" */
int check_reference_leak(struct xbpf_verifier_env *env);
/* record a taken jump for precision backtracking */
int push_jmp_history(struct xbpf_verifier_env *env,
		     struct xbpf_verifier_state *cur);
/* call f on every register in every frame of the current state, incl. spills */
#define for_each_reg_in_vstate(vstate, regvar, fn, arg) do {		\
	u32 __fr, __i;							\
	for (__fr = 0; __fr <= (vstate)->curframe; __fr++) {		\
		struct xbpf_func_state *__st = (vstate)->frame[__fr];	\
		for (__i = 0; __i < XBPF_MAX_BPF_REG; __i++) {		\
			regvar = &__st->regs[__i];			\
			fn(arg, __st, regvar);				\
		}							\
		for (__i = 0; __i < (u32)__st->allocated_stack / XBPF_REG_SIZE; __i++) { \
			if (!is_spilled_reg(&__st->stack[__i]))		\
				continue;				\
			regvar = &__st->stack[__i].spilled_ptr;		\
			fn(arg, __st, regvar);				\
		}							\
	}								\
} while (0)

/* --- liveness.c: read marks and precision --- */
int mark_reg_read(struct xbpf_verifier_env *env,
		  const struct xbpf_reg_state *state,
		  struct xbpf_reg_state *parent, u8 flag);
int mark_chain_precision(struct xbpf_verifier_env *env, int regno);
int mark_chain_precision_stack(struct xbpf_verifier_env *env, int spi);
/* the same for a register or spilled slot of any frame */
int mark_chain_precision_frame(struct xbpf_verifier_env *env, int frame,
			       int regno);
int mark_chain_precision_stack_frame(struct xbpf_verifier_env *env, int frame,
				     int spi);
void mark_all_scalars_precise(struct xbpf_verifier_env *env,
			      struct xbpf_verifier_state *st);

/* --- prune.c: state equivalence and pruning --- */
/*
 * Called before every insn (it records the jump history too; prune points
 * are tested inside). 1: the current state is covered by an explored one
 * (prune), 0: go on, <0: error ("infinite loop detected ...").
 */
int is_state_visited(struct xbpf_verifier_env *env, int insn_idx);
/* a path ended: its states have one branch fewer left to explore */
void update_branch_counts(struct xbpf_verifier_env *env,
			  struct xbpf_verifier_state *st);
/* free all explored states and their table; before env->len changes */
void free_explored_states(struct xbpf_verifier_env *env);

/* --- mem.c: memory accesses --- */
/*
 * Load or store of bpf_size at reg regno + off. t is XBPF_READ or
 * XBPF_WRITE; value_regno is the loaded/stored register (-1 for none,
 * e.g. BPF_ST). strict_alignment_once forces the alignment check.
 */
int check_mem_access(struct xbpf_verifier_env *env, int insn_idx, u32 regno,
		     int off, int bpf_size, enum xbpf_access_type t,
		     int value_regno, bool strict_alignment_once);
int check_atomic(struct xbpf_verifier_env *env, int insn_idx,
		 struct bpf_insn *insn);
struct xbpf_call_arg_meta;
/*
 * Helper memory arguments: [reg, reg + access_size) is read, or written
 * when access_type is XBPF_WRITE (the argument type has MEM_WRITE).
 */
int check_helper_mem_access(struct xbpf_verifier_env *env, int regno,
			    int access_size,
			    enum xbpf_access_type access_type,
			    bool zero_size_allowed,
			    struct xbpf_call_arg_meta *meta);
/* the size argument in regno, for the memory pointer in regno - 1 */
int check_mem_size_reg(struct xbpf_verifier_env *env,
		       struct xbpf_reg_state *reg, u32 regno,
		       enum xbpf_access_type access_type,
		       bool zero_size_allowed,
		       struct xbpf_call_arg_meta *meta);
/* pointers passed to helpers must not carry a variable/odd offset */
int check_ptr_off_reg(struct xbpf_verifier_env *env,
		      const struct xbpf_reg_state *reg, int regno);
int check_map_access(struct xbpf_verifier_env *env, u32 regno, int off,
		     int size, bool zero_size_allowed);
int check_packet_access(struct xbpf_verifier_env *env, u32 regno, int off,
			int size, bool zero_size_allowed);
/* the frame's subprogram uses the stack down to fp + off (off < 0) */
int update_stack_depth(struct xbpf_verifier_env *env,
		       const struct xbpf_func_state *func, int off);
void save_register_state(struct xbpf_func_state *state, int spi,
			 struct xbpf_reg_state *reg, int size);

/* --- calls.c: helper and subprogram calls, exits --- */
struct xbpf_call_arg_meta {
	const struct xbpf_vmap *map_ptr;
	bool raw_mode;
	u8 release_regno;
	int regno;
	int access_size;
	int mem_size;
	u64 msize_max_value;
	int ref_obj_id;
	int map_uid;
	int func_id;
	/* ARG_PTR_TO_FUNC: the callback's subprogram */
	int subprogno;
};
/*
 * The BPF_CALL branch of the main loop, whole: reserved fields, then a
 * bpf-to-bpf call, a kfunc (-ENOTSUPP) or a helper. *insn_idx is where
 * the loop's increment continues from (a callee's start - 1).
 */
int check_call(struct xbpf_verifier_env *env, struct bpf_insn *insn,
	       int *insn_idx);
/*
 * The BPF_EXIT branch of the main loop, up to (not including) marking the
 * state scratched, update_branch_counts() and pop_stack(). Returns 1 when
 * a subprogram returned into its caller (continue at *insn_idx without
 * incrementing it; *do_print_state is set), 0 when the program ended on
 * this path (the loop goes on with the next queued state), or an error.
 */
int process_exit(struct xbpf_verifier_env *env, int *insn_idx,
		 bool *do_print_state);
int check_helper_call(struct xbpf_verifier_env *env, struct bpf_insn *insn,
		      int *insn_idx_p);
int check_func_call(struct xbpf_verifier_env *env, struct bpf_insn *insn,
		    int *insn_idx);
int prepare_func_exit(struct xbpf_verifier_env *env, int *insn_idx);
/* the main program's R0 at exit: set, and no pointer leaked */
int check_return_code(struct xbpf_verifier_env *env);

/*
 * What a helper call's insn_aux_data says for the rewrites. map_ptr_state:
 * the map every path called it with (0: never reached), or
 * XBPF_MAP_PTR_POISON if paths disagree. map_key_state (tail calls): the
 * index, when the same in-range constant on every path; otherwise
 * XBPF_MAP_KEY_POISON is set. XBPF_MAP_KEY_SEEN once a path got there.
 */
#define XBPF_MAP_PTR_POISON	1UL
#define XBPF_MAP_KEY_POISON	(1ULL << 63)
#define XBPF_MAP_KEY_SEEN	(1ULL << 62)

static inline const struct xbpf_vmap *
bpf_map_ptr(const struct xbpf_insn_aux_data *aux)
{
	return (const struct xbpf_vmap *)aux->map_ptr_state;
}

static inline bool bpf_map_ptr_poisoned(const struct xbpf_insn_aux_data *aux)
{
	return aux->map_ptr_state == XBPF_MAP_PTR_POISON;
}

static inline bool bpf_map_key_poisoned(const struct xbpf_insn_aux_data *aux)
{
	return aux->map_key_state & XBPF_MAP_KEY_POISON;
}

static inline bool bpf_map_key_unseen(const struct xbpf_insn_aux_data *aux)
{
	return !(aux->map_key_state & XBPF_MAP_KEY_SEEN);
}

static inline u64 bpf_map_key_immediate(const struct xbpf_insn_aux_data *aux)
{
	return aux->map_key_state & ~(XBPF_MAP_KEY_SEEN | XBPF_MAP_KEY_POISON);
}

/* --- check.c: the main loop, ALU, jumps, loads --- */
int do_check_main(struct xbpf_verifier_env *env);
int check_max_stack_depth(struct xbpf_verifier_env *env);

#endif /* XBPF_CORE_VERIFIER_VFUNCS_H */
