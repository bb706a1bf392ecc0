/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The eBPF interpreter's interface. The loader turns a verified program
 * into a struct xbpf_interp_prog; xbpf_interp_run() executes it.
 */
#ifndef XBPF_CORE_INTERP_H
#define XBPF_CORE_INTERP_H

#include "env.h"

/* Linux's limits (MAX_BPF_STACK, MAX_CALL_FRAMES, MAX_TAIL_CALL_CNT). */
#define XBPF_STACK_SIZE		512
#define XBPF_MAX_CALL_FRAMES	8
#define XBPF_MAX_TAIL_CALL_CNT	33

typedef u64 (*xbpf_helper_fn)(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);

struct xbpf_interp_prog;

/*
 * What a program reaches outside its registers and stack. Each hook gets
 * the cookie of the program executing; a hook is called only by programs
 * using the instruction it serves, so others may leave it NULL.
 */
struct xbpf_interp_ops {
	/*
	 * bpf_tail_call(ctx, map = R2, index = R3). Return nonzero if index
	 * is beyond the array: such a call falls through uncounted. Otherwise
	 * set *target to the program in the slot, NULL if it is empty; the
	 * call counts against XBPF_MAX_TAIL_CALL_CNT either way.
	 */
	int (*tail_call)(void *cookie, u64 map, u32 index,
			 const struct xbpf_interp_prog **target);
	/*
	 * BPF_LD | BPF_ABS / BPF_IND: copy size (1, 2 or 4) bytes at offset
	 * off of the packet behind ctx (R6) into to, or return nonzero, which
	 * ends the current function with R0 = 0. A negative off is Linux's
	 * SKF_NET_OFF / SKF_LL_OFF convention, for the hook to resolve.
	 */
	int (*ld_abs)(void *cookie, u64 ctx, s32 off, void *to, u32 size);
	/*
	 * XBPF_PROBE_MEM loads: copy size bytes from the address from without
	 * faulting, or return nonzero; the destination register is then 0.
	 */
	int (*probe_read)(void *cookie, void *to, u64 from, u32 size);
	/*
	 * For the JIT, optional: R6, the context of a packet load, is a
	 * socket buffer with a u8 *data at skb_data, and u32 len and
	 * data_len at skb_len and skb_data_len. A load at 0 <= off with off
	 * + size <= len - data_len (the linear data) then reads data + off
	 * in the code itself, as ld_abs would; any other calls ld_abs.
	 */
	bool skb_inline;
	u16 skb_data, skb_len, skb_data_len;
	/*
	 * For the JIT, optional: the map of a tail call (R2) has a u32
	 * max_entries at pa_max_entries and, at pa_entries, a pointer to an
	 * unsigned long per slot: the tail call entry (see struct
	 * xbpf_jit_prog) of the slot's program, 0 if the slot is empty or
	 * its program not JITed. The code then reads the slot itself, as
	 * tail_call would, and calls nothing.
	 */
	bool tail_inline;
	u16 pa_max_entries, pa_entries;
	/*
	 * For the JIT, optional, with tail_inline: the tail call entry (see
	 * struct xbpf_jit_prog) of the program in slot key of map now, or 0.
	 * Only a guess, which the code checks before it jumps there.
	 */
	unsigned long (*tail_guess)(void *cookie, u64 map, u32 key);
	/*
	 * For the JIT, optional, with tail_inline: for a tail call whose map
	 * and index are these constants on every path, where the slot's
	 * entry is kept for the program's life, or NULL if map is not known
	 * to be a prog array of the program's; *past_end set (and NULL) if
	 * key is beyond its end, so that the call always falls through.
	 */
	const void *(*tail_slot)(void *cookie, u64 map, u32 key,
				 bool *past_end);
};

/*
 * A program ready to run: verified, and rewritten so that
 *  - an ld_imm64 holds the final value (a pointer or a constant),
 *  - a helper call (BPF_JMP | BPF_CALL, src_reg 0) has in imm the index of
 *    its function in helpers[], except that imm == BPF_FUNC_tail_call is a
 *    tail call (that slot of helpers[] is never read); an index from
 *    XBPF_FUNC_DIRECT on is a function the rewrites call in a helper's
 *    place (a map type's own lookup for map_lookup_elem),
 *  - a call to a subprogram keeps src_reg == BPF_PSEUDO_CALL and the
 *    relative offset in imm.
 */
/*
 * helpers[] has XBPF_HELPER_SLOTS entries: Linux's helper ids, then
 * XBPF_NR_DIRECT slots of xbpf's own direct calls.
 */
#define XBPF_FUNC_DIRECT	__BPF_FUNC_MAX_ID
#define XBPF_NR_DIRECT		16
#define XBPF_HELPER_SLOTS	(XBPF_FUNC_DIRECT + XBPF_NR_DIRECT)

struct xbpf_interp_prog {
	const struct bpf_insn *insns;
	const xbpf_helper_fn *helpers;
	const struct xbpf_interp_ops *ops;
	void *cookie;
};

/* Where a call returns to, and the callee-saved registers R6-R9 there. */
struct xbpf_interp_frame {
	const struct xbpf_interp_prog *prog;
	const struct bpf_insn *ret;
	u64 saved[4];
};

/*
 * The memory a run needs besides under 200 bytes of kernel stack: one
 * stack region per call depth and one return record per caller, 4448
 * bytes in all. The module keeps one per CPU and nesting level; a run owns
 * it until it returns.
 */
struct xbpf_interp_scratch {
	u64 stack[XBPF_MAX_CALL_FRAMES][XBPF_STACK_SIZE / sizeof(u64)];
	struct xbpf_interp_frame caller[XBPF_MAX_CALL_FRAMES - 1];
	/*
	 * At every helper call: the call depth and the program making it,
	 * where a callback the helper runs goes (xbpf_interp_call()).
	 */
	u32 depth;
	const struct xbpf_interp_prog *prog;
};

/*
 * Run prog with R1 = ctx and return R0 at its final exit. Never sleeps or
 * allocates. The stacks are not cleared: the verifier has proven that the
 * program reads no stack slot it did not write.
 */
u64 xbpf_interp_run(const struct xbpf_interp_prog *prog, const void *ctx,
		    struct xbpf_interp_scratch *scratch);

/*
 * Run a callback of an interpreted program from inside a helper that
 * program called (bpf_loop(), bpf_for_each_map_elem()): func is what the
 * program's ld_imm64 of a BPF_PSEUDO_FUNC loaded (in the interpreter, the
 * address of the callback's first insn), scratch the run's. The callback
 * gets the frame above the caller's, R1-R5 = r1-r5, and its R0 at its
 * exit is returned. Interpreted, a callback is as fast as a bpf-to-bpf
 * call; Linux 6.1 refuses callbacks in programs it does not JIT.
 */
u64 xbpf_interp_call(struct xbpf_interp_scratch *scratch, u64 func, u64 r1,
		     u64 r2, u64 r3, u64 r4, u64 r5);

#endif /* XBPF_CORE_INTERP_H */
