// SPDX-License-Identifier: GPL-2.0
/*
 * What an attachment tells the program run it starts: the cookie of the
 * link (bpf_get_attach_cookie()) and the probed function's address
 * (bpf_get_func_ip() in kprobes).
 *
 * Contract with attach/: a hook that runs a program sets these for the
 * duration of the run, on the CPU it runs on (preemption is off for the
 * whole run), and restores the previous values afterwards so a program
 * interrupting another sees its own. Runs without an attachment (test
 * runs) see 0 for both, as Linux's programs without a cookie do.
 */
#include <linux/percpu.h>

#include "prog.h"

static DEFINE_PER_CPU(struct xbpf_run_ctx *, run_ctx);

__xbpf_hot struct xbpf_run_ctx *xbpf_run_ctx_set(struct xbpf_run_ctx *ctx)
{
	return this_cpu_xchg(run_ctx, ctx);
}

__xbpf_hot u64 xbpf_run_cookie(void)
{
	struct xbpf_run_ctx *ctx = this_cpu_read(run_ctx);

	return ctx ? ctx->cookie : 0;
}

__xbpf_hot u64 xbpf_run_func_ip(void)
{
	struct xbpf_run_ctx *ctx = this_cpu_read(run_ctx);

	return ctx ? ctx->func_ip : 0;
}
