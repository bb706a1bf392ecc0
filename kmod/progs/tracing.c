// SPDX-License-Identifier: GPL-2.0
/* What the tracing program types share. */
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "progs/tracing.h"

/*
 * Linux has no test run for these types; xbpf runs them on a context the
 * caller supplies, so tracing programs can be unit-tested. Without one
 * there is nothing to run on: -ENOTSUPP, what Linux answers.
 */
int xbpf_tracing_test_run(struct xbpf_prog *prog, const union bpf_attr *attr,
			  union bpf_attr __user *uattr, size_t ctx_max,
			  const void *(*make_ctx)(void *ctx, void *ctx_buf),
			  size_t ctx_buf_size)
{
	u32 ctx_size = attr->test.ctx_size_in, repeat = attr->test.repeat;
	u32 retval = 0, duration;
	const void *run_ctx;
	void *ctx, *ctx_buf = NULL;
	int err = 0;

	if (!attr->test.ctx_in)
		return -ENOTSUPP;
	/* a context is input only; no packet, no other CPU */
	if (attr->test.data_in || attr->test.data_out || attr->test.ctx_out ||
	    attr->test.flags || attr->test.cpu || attr->test.batch_size)
		return -EINVAL;
	if (ctx_size < prog->max_ctx_offset || ctx_size > ctx_max)
		return -EINVAL;

	ctx = kzalloc(ctx_max, GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	err = -EFAULT;
	if (copy_from_user(ctx, u64_to_user_ptr(attr->test.ctx_in), ctx_size))
		goto out;
	run_ctx = ctx;
	if (make_ctx) {
		err = -ENOMEM;
		ctx_buf = kzalloc(ctx_buf_size, GFP_KERNEL);
		if (!ctx_buf)
			goto out;
		run_ctx = make_ctx(ctx, ctx_buf);
	}

	err = xbpf_test_repeat(prog, run_ctx, repeat, &retval, &duration);
	if (err)
		goto out;
	if (copy_to_user(&uattr->test.retval, &retval, sizeof(retval)) ||
	    copy_to_user(&uattr->test.duration, &duration, sizeof(duration)))
		err = -EFAULT;
out:
	kfree(ctx_buf);
	kfree(ctx);
	return err;
}
