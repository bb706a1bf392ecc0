// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TYPE_RAW_TRACEPOINT: the context is the tracepoint's arguments,
 * each widened to u64 (at most 12), read-only. Test runs take the
 * arguments from ctx_in, as in Linux.
 */
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "progs/tracing.h"

#define RAW_TP_MAX_ARGS	12	/* MAX_BPF_FUNC_ARGS */

static bool raw_tp_is_valid_access(int off, int size,
				   enum xbpf_access_type type,
				   const struct xbpf_verifier_env *env,
				   struct xbpf_insn_access_aux *info)
{
	if (off < 0 || off >= sizeof(u64) * RAW_TP_MAX_ARGS)
		return false;
	if (type != XBPF_READ)
		return false;
	return off % size == 0;
}

struct raw_tp_run {
	struct xbpf_prog *prog;
	void *ctx;
	u32 retval;
};

static void raw_tp_run_one(void *data)
{
	struct raw_tp_run *run = data;

	run->retval = xbpf_prog_run(run->prog, run->ctx);
}

static int raw_tp_test_run(struct xbpf_prog *prog, const union bpf_attr *attr,
			   union bpf_attr __user *uattr)
{
	void __user *ctx_in = u64_to_user_ptr(attr->test.ctx_in);
	u32 ctx_size_in = attr->test.ctx_size_in;
	struct raw_tp_run run = { .prog = prog };
	int cpu = attr->test.cpu, current_cpu, err = 0;

	/* no packet data, no output context, no repetition */
	if (attr->test.data_in || attr->test.data_out ||
	    attr->test.ctx_out || attr->test.duration ||
	    attr->test.repeat || attr->test.batch_size)
		return -EINVAL;
	if (ctx_size_in < prog->max_ctx_offset ||
	    ctx_size_in > RAW_TP_MAX_ARGS * sizeof(u64))
		return -EINVAL;
	if (!(attr->test.flags & BPF_F_TEST_RUN_ON_CPU) && cpu != 0)
		return -EINVAL;
	if (ctx_size_in) {
		run.ctx = memdup_user(ctx_in, ctx_size_in);
		if (IS_ERR(run.ctx))
			return PTR_ERR(run.ctx);
	}

	current_cpu = get_cpu();
	if (!(attr->test.flags & BPF_F_TEST_RUN_ON_CPU) || cpu == current_cpu)
		raw_tp_run_one(&run);
	else if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		err = -ENXIO;
	else
		err = smp_call_function_single(cpu, raw_tp_run_one, &run, 1);
	put_cpu();

	if (!err && copy_to_user(&uattr->test.retval, &run.retval,
				 sizeof(u32)))
		err = -EFAULT;
	kfree(run.ctx);
	return err;
}

struct xbpf_prog_type xbpf_raw_tracepoint_prog_type = {
	.vops = {
		.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT,
		.is_valid_access = raw_tp_is_valid_access,
		.get_func_proto = xbpf_func_proto,
		.helper_offered = xbpf_helper_offered,
	},
	.test_run = raw_tp_test_run,
};
