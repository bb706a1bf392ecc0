// SPDX-License-Identifier: GPL-2.0
/*
 * The helpers that call back into the program: bpf_loop() and
 * bpf_for_each_map_elem(), with Linux 6.1's limits and return values.
 *
 * A callback is what the program's ld_imm64 of a BPF_PSEUDO_FUNC loaded.
 * In a JITed program that is the callback's entry in the JIT arena, which
 * C calls like any function (R1-R5 are the SysV argument registers). In an
 * interpreted program it is the address of the callback's first insn,
 * which the interpreter runs in the frame above the helper's caller, on
 * the scratch memory of the run in progress on this CPU (Linux 6.1 refuses
 * callbacks in programs it does not JIT; xbpf runs them either way, with
 * the same results). Addresses in the arena are never insns, so the two
 * cannot be confused.
 */
#include <linux/errno.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>

#include "maps/map.h"
#include "prog.h"

/* Linux's BPF_MAX_LOOPS */
#define XBPF_MAX_LOOPS	(8 * 1024 * 1024)

u64 xbpf_callback_call(u64 fn, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct xbpf_run_cpu *rc;

	if (xbpf_jit_text(fn))
		return ((xbpf_helper_fn)(unsigned long)fn)(r1, r2, r3, r4, r5);
	/* the interpreted run that called the helper is this CPU's latest */
	rc = this_cpu_ptr(&xbpf_run_cpu);
	return xbpf_interp_call(rc->scratch[rc->depth - 1], fn, r1, r2, r3,
				r4, r5);
}
NOKPROBE_SYMBOL(xbpf_callback_call);

static u64 helper_loop(u64 nr_loops, u64 callback_fn, u64 callback_ctx,
		       u64 flags, u64 r5)
{
	u32 nr = nr_loops, i;

	if (flags)
		return -EINVAL;
	if (nr > XBPF_MAX_LOOPS)
		return -E2BIG;

	for (i = 0; i < nr; i++) {
		/* 0: go on, 1: stop (the verifier allows nothing else) */
		if (xbpf_callback_call(callback_fn, i, callback_ctx, 0, 0, 0))
			return i + 1;
	}
	return i;
}

static u64 helper_map_foreach(u64 map, u64 callback_fn, u64 callback_ctx,
			      u64 flags, u64 r5)
{
	struct xbpf_map *m = (struct xbpf_map *)(unsigned long)map;

	if (flags)
		return -EINVAL;
	return m->ops->for_each(m, callback_fn,
				(void *)(unsigned long)callback_ctx);
}

static const struct xbpf_func_proto callback_protos[] = {
	{
		.func_id = BPF_FUNC_loop,
		.func = helper_loop,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_ANYTHING, ARG_PTR_TO_FUNC,
			      ARG_PTR_TO_STACK_OR_NULL, ARG_ANYTHING },
	}, {
		/* the verifier lets only maps with ops->for_each through */
		.func_id = BPF_FUNC_for_each_map_elem,
		.func = helper_map_foreach,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_CONST_MAP_PTR, ARG_PTR_TO_FUNC,
			      ARG_PTR_TO_STACK_OR_NULL, ARG_ANYTHING },
	},
};

const struct xbpf_func_proto *xbpf_callback_func_proto(u32 func_id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(callback_protos); i++)
		if (callback_protos[i].func_id == func_id)
			return &callback_protos[i];
	return NULL;
}
