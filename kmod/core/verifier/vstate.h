/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verifier's abstract state: what it knows about every register and
 * stack slot on one path through the program.
 *
 * The model is Linux 6.1's, deliberately: its verdicts and log messages are
 * xbpf's specification, and they follow from this model (which types
 * exist, how bounds are kept, when two states are equivalent). The code
 * that works on it is xbpf's own.
 */
#ifndef XBPF_CORE_VERIFIER_VSTATE_H
#define XBPF_CORE_VERIFIER_VSTATE_H

#include "../env.h"
#include "tnum.h"

#define XBPF_MAX_BPF_REG	11	/* R0..R10 */
#define XBPF_REG_FP		10
#define XBPF_REG_SIZE		8	/* bytes in a register and a stack slot */
#define XBPF_MAX_STACK		512
#define XBPF_MAX_FRAMES		8	/* MAX_CALL_FRAMES */
#define XBPF_MAX_SUBPROGS	256
#define XBPF_MAX_USED_MAPS	64
#define XBPF_COMPLEXITY_LIMIT_INSNS	1000000
#define XBPF_COMPLEXITY_LIMIT_JMP_SEQ	8192
#define XBPF_COMPLEXITY_LIMIT_STATES	64
#define XBPF_MAX_INSNS_UNPRIV	4096	/* BPF_MAXINSNS */
#define XBPF_CALLER_SAVED_REGS	6	/* R0..R5 */

/* Base register types, numbered and named as Linux 6.1 names them. */
enum xbpf_reg_type {
	NOT_INIT = 0,
	SCALAR_VALUE,
	PTR_TO_CTX,
	CONST_PTR_TO_MAP,
	PTR_TO_MAP_VALUE,
	PTR_TO_MAP_KEY,
	PTR_TO_STACK,
	PTR_TO_PACKET_META,
	PTR_TO_PACKET,
	PTR_TO_PACKET_END,
	PTR_TO_FLOW_KEYS,
	PTR_TO_SOCKET,
	PTR_TO_SOCK_COMMON,
	PTR_TO_TCP_SOCK,
	PTR_TO_TP_BUFFER,
	PTR_TO_XDP_SOCK,
	PTR_TO_BTF_ID,
	PTR_TO_MEM,
	PTR_TO_BUF,
	PTR_TO_FUNC,
	PTR_TO_DYNPTR,
	__XBPF_REG_TYPE_MAX,
};

/* Flags on top of a base type (bits 8 and up, as in Linux). */
#define XBPF_BASE_TYPE_BITS	8
#define XBPF_BASE_TYPE_MASK	((1u << XBPF_BASE_TYPE_BITS) - 1)
#define PTR_MAYBE_NULL		(1u << (XBPF_BASE_TYPE_BITS + 0))
#define MEM_RDONLY		(1u << (XBPF_BASE_TYPE_BITS + 1))
#define MEM_ALLOC		(1u << (XBPF_BASE_TYPE_BITS + 2))	/* ringbuf */
#define MEM_USER		(1u << (XBPF_BASE_TYPE_BITS + 3))
#define MEM_PERCPU		(1u << (XBPF_BASE_TYPE_BITS + 4))
#define OBJ_RELEASE		(1u << (XBPF_BASE_TYPE_BITS + 5))
#define PTR_UNTRUSTED		(1u << (XBPF_BASE_TYPE_BITS + 6))
#define MEM_UNINIT		(1u << (XBPF_BASE_TYPE_BITS + 7))
#define MEM_FIXED_SIZE		(1u << (XBPF_BASE_TYPE_BITS + 10))
/* helper arguments: pointer must be aligned to its fixed size */
#define MEM_ALIGNED		(1u << (XBPF_BASE_TYPE_BITS + 17))
/* helper arguments: the helper writes the memory (else it only reads) */
#define MEM_WRITE		(1u << (XBPF_BASE_TYPE_BITS + 18))

#define PTR_TO_MAP_VALUE_OR_NULL	(PTR_MAYBE_NULL | PTR_TO_MAP_VALUE)

static inline u32 base_type(u32 type)
{
	return type & XBPF_BASE_TYPE_MASK;
}

static inline u32 type_flag(u32 type)
{
	return type & ~XBPF_BASE_TYPE_MASK;
}

static inline bool type_may_be_null(u32 type)
{
	return type & PTR_MAYBE_NULL;
}

/* Liveness marks, for pruning: a read screens off the parent's write. */
enum xbpf_reg_liveness {
	REG_LIVE_NONE = 0,
	REG_LIVE_READ32 = 0x1,	/* the low 32 bits were read */
	REG_LIVE_READ64 = 0x2,	/* the full 64 bits were read */
	REG_LIVE_READ = REG_LIVE_READ32 | REG_LIVE_READ64,
	REG_LIVE_WRITTEN = 0x4,	/* written: reads below do not propagate */
	REG_LIVE_DONE = 0x8,	/* liveness is final */
};

/* A map as the verifier sees it; the host owns the object behind it. */
struct xbpf_vmap {
	u32 map_type;
	u32 key_size;
	u32 value_size;
	u32 max_entries;
	u32 map_flags;
	u32 id;
	/* frozen when the program was loaded: BPF_F_RDONLY_PROG contents are constants */
	bool frozen;
	/* the host's map: the value an ld_imm64 of this map loads */
	void *handle;
	/*
	 * Set by the host when map_lookup_elem may be inlined as an index
	 * into one flat array: element i at inline_values + i *
	 * inline_elem_size for every i < max_entries, for the map's life.
	 */
	u64 inline_values;
	u32 inline_elem_size;
	/*
	 * Set by the host when map_lookup_elem of this map may call the
	 * map's own lookup directly: the helpers[] index to call (at least
	 * XBPF_FUNC_DIRECT); 0: call the helper.
	 */
	u32 lookup_call;
	/* maps of maps: the template of the maps inside (lookups yield one) */
	const struct xbpf_vmap *inner;
};

struct xbpf_reg_state {
	u32 type;		/* enum xbpf_reg_type | flags */
	/* fixed part of a pointer's offset; the variable part is var_off */
	s32 off;
	union {
		/* PTR_TO_PACKET: bytes known readable past the pointer */
		int range;
		/* CONST_PTR_TO_MAP, PTR_TO_MAP_VALUE, PTR_TO_MAP_KEY */
		struct {
			const struct xbpf_vmap *map_ptr;
			u32 map_uid;
		};
		/* PTR_TO_MEM, PTR_TO_BUF: size of the region */
		u32 mem_size;
		/* PTR_TO_FUNC: the subprogram it points to */
		u32 subprogno;
		/* PTR_TO_BTF_ID: enum xbpf_btf_type */
		u32 btf_id;
		struct {
			unsigned long raw1;
			unsigned long raw2;
		} raw;
	};
	/*
	 * Registers with the same id hold the same value: checking one for
	 * NULL, or bounding one, tells the same of the others.
	 */
	u32 id;
	/* nonzero for a reference that must be released (ringbuf records) */
	u32 ref_obj_id;
	struct xbpf_tnum var_off;
	s64 smin_value;
	s64 smax_value;
	u64 umin_value;
	u64 umax_value;
	s32 s32_min_value;
	s32 s32_max_value;
	u32 u32_min_value;
	u32 u32_max_value;
	/* the same register in the parent state, for liveness */
	struct xbpf_reg_state *parent;
	u32 frameno;
	/* insn index + 1 of the last 32-bit definition, 0 if 64-bit */
	s32 subreg_def;
	u8 live;		/* enum xbpf_reg_liveness */
	/* this scalar's exact value matters to some later decision */
	bool precise;
};

#define DEF_NOT_SUBREG	0

enum xbpf_stack_slot_type {
	STACK_INVALID,		/* never written */
	STACK_SPILL,		/* a register was spilled here */
	STACK_MISC,		/* something was written, contents unknown */
	STACK_ZERO,		/* known to be zero */
	STACK_DYNPTR,
};

struct xbpf_stack_state {
	struct xbpf_reg_state spilled_ptr;
	u8 slot_type[XBPF_REG_SIZE];
};

struct xbpf_reference_state {
	int id;			/* matches ref_obj_id of registers */
	int insn_idx;		/* where it was acquired, for the log */
	int callback_ref;
};

/* One call frame. */
struct xbpf_func_state {
	struct xbpf_reg_state regs[XBPF_MAX_BPF_REG];
	int callsite;		/* insn index of the call into this frame */
	u32 frameno;
	u32 subprogno;
	bool in_callback_fn;
	struct xbpf_tnum callback_ret_range;
	int acquired_refs;
	struct xbpf_reference_state *refs;
	int allocated_stack;	/* bytes, a multiple of XBPF_REG_SIZE */
	struct xbpf_stack_state *stack;	/* slot 0 is fp-8 */
};

/* A branch taken, recorded for precision backtracking. */
struct xbpf_idx_pair {
	u32 prev_idx;
	u32 idx;
};

struct xbpf_verifier_state {
	struct xbpf_func_state *frame[XBPF_MAX_FRAMES];
	struct xbpf_verifier_state *parent;
	/* unexplored branches below this state; 0 once fully explored */
	u32 branches;
	u32 insn_idx;
	u32 curframe;
	u32 active_spin_lock;
	bool speculative;
	u32 first_insn_idx;
	u32 last_insn_idx;
	struct xbpf_idx_pair *jmp_history;
	u32 jmp_history_cnt;
	/*
	 * A checkpoint mark_all_scalars_precise() has been through: all its
	 * scalars are precise, and so are all its parents'.
	 */
	bool all_precise;
};

/* Explored states kept per instruction, for pruning. */
struct xbpf_verifier_state_list {
	struct xbpf_verifier_state state;
	struct xbpf_verifier_state_list *next;
	int miss_cnt;
	int hit_cnt;
};

/* A state waiting to be explored (the other side of a branch). */
struct xbpf_verifier_stack_elem {
	struct xbpf_verifier_state st;
	int insn_idx;
	int prev_insn_idx;
	struct xbpf_verifier_stack_elem *next;
	u32 log_pos;
};

/* What the verifier learned about each instruction, for the rewrites. */
struct xbpf_insn_aux_data {
	union {
		u32 ptr_type;		/* loads/stores: pointer type seen */
		unsigned long map_ptr_state;	/* helper calls: the map */
		s32 call_imm;
		struct {
			u32 map_index;	/* ld_imm64: index into used_maps */
			u32 map_off;	/* ld_imm64 of a map value: offset */
		};
	};
	u64 map_key_state;
	int ctx_field_size;	/* ctx loads: the field's real size */
	u32 seen;		/* processed in pass number seen */
	bool zext_dst;		/* writes a 32-bit subregister */
	bool prune_point;
	bool jmp_point;
	/*
	 * Loads: on some path, a fill of a spilled register through a
	 * pointer other than R10 (a copy of the frame pointer, or a pointer
	 * into a caller's frame); backtracking cannot tell which slot.
	 */
	bool stack_fill_via_ptr;
	/*
	 * bpf_loop() calls: inlined if on every path the flags are 0 and
	 * the callback the same (Linux's bpf_loop_inline_state)
	 */
	bool loop_inline_initialized;
	bool loop_fit_for_inline;
	u32 loop_callback_subprogno;
	unsigned int orig_idx;
};

struct xbpf_subprog_info {
	u32 start;		/* first insn */
	u16 stack_depth;	/* bytes of stack it uses */
	bool has_tail_call;
	bool tail_call_reachable;
	bool has_ld_abs;
};

#endif /* XBPF_CORE_VERIFIER_VSTATE_H */
