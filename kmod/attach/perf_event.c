// SPDX-License-Identifier: GPL-2.0
/*
 * Perf sampling events for BPF_PROG_TYPE_PERF_EVENT programs: software,
 * hardware and cache counters, on a CPU or a task, with sample_period or
 * sample_freq. xbpf opens the same counter in the kernel with an overflow
 * handler that runs the program on struct xbpf_perf_event_ctx (the
 * sampled registers, the period, the address), which the verifier maps
 * struct bpf_perf_event_data onto. Unlike the hook kinds, the event counts
 * only while it is enabled, as in Linux; read(2) gives its count.
 */
#include <linux/kprobes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "attach/internal.h"

struct sample_event {
	struct xbpf_event *ev;
	struct perf_event *counter;
};

static __xbpf_hot void sample_overflow(struct perf_event *pe,
				       struct perf_sample_data *data,
				       struct pt_regs *regs)
{
	struct sample_event *se = pe->overflow_handler_context;
	struct xbpf_perf_event_ctx ctx = {
		.regs = regs,
		.sample_period = data->period,
		.addr = data->addr,
		.event = pe,
	};

	xbpf_event_run(se->ev, &ctx);
}
NOKPROBE_SYMBOL(sample_overflow);

static int sample_check_prog(struct xbpf_event *ev, struct xbpf_prog *prog)
{
	return prog->type == BPF_PROG_TYPE_PERF_EVENT ? 0 : -EINVAL;
}

static int sample_arm(struct xbpf_event *ev)
{
	return 0;
}

static void sample_disarm(struct xbpf_event *ev)
{
}

static int sample_set_enabled(struct xbpf_event *ev, bool on)
{
	struct sample_event *se = ev->data;

	if (on)
		perf_event_enable(se->counter);
	else
		perf_event_disable(se->counter);
	return 0;
}

static ssize_t sample_read(struct xbpf_event *ev, char __user *buf,
			   size_t count)
{
	struct sample_event *se = ev->data;
	u64 values[3], enabled, running;
	size_t n = 1;

	values[0] = perf_event_read_value(se->counter, &enabled, &running);
	if (ev->attr.read_format & PERF_FORMAT_TOTAL_TIME_ENABLED)
		values[n++] = enabled;
	if (ev->attr.read_format & PERF_FORMAT_TOTAL_TIME_RUNNING)
		values[n++] = running;
	if (ev->attr.read_format & ~(PERF_FORMAT_TOTAL_TIME_ENABLED |
				     PERF_FORMAT_TOTAL_TIME_RUNNING))
		return -EINVAL;
	if (count < n * sizeof(u64))
		return -ENOSPC;
	if (copy_to_user(buf, values, n * sizeof(u64)))
		return -EFAULT;
	return n * sizeof(u64);
}

static void sample_free(struct xbpf_event *ev)
{
	struct sample_event *se = ev->data;

	perf_event_release_kernel(se->counter);
	synchronize_rcu();
	kfree(se);
}

static const struct xbpf_event_kind sample_kind = {
	.check_prog	= sample_check_prog,
	.arm		= sample_arm,
	.disarm		= sample_disarm,
	.set_enabled	= sample_set_enabled,
	.read		= sample_read,
	.free		= sample_free,
};

/*
 * The kernel counter of a sampling event's file, for perf event arrays;
 * NULL for any other file. The caller's reference on the file keeps it.
 */
struct perf_event *xbpf_perf_sample_counter(struct file *file)
{
	struct xbpf_event *ev = xbpf_event_from_file(file);

	if (IS_ERR(ev) || ev->kind != &sample_kind)
		return NULL;
	return ((struct sample_event *)ev->data)->counter;
}

int xbpf_perf_sample_open(struct xbpf_event *ev, struct task_struct *task)
{
	struct perf_event_attr attr = ev->attr;
	struct sample_event *se;
	struct perf_event *pe;

	se = kzalloc(sizeof(*se), GFP_KERNEL_ACCOUNT);
	if (!se)
		return -ENOMEM;
	se->ev = ev;
	attr.size = sizeof(attr);
	pe = perf_event_create_kernel_counter(&attr, ev->cpu, task,
					      sample_overflow, se);
	if (IS_ERR(pe)) {
		kfree(se);
		return PTR_ERR(pe);
	}
	se->counter = pe;
	ev->kind = &sample_kind;
	ev->data = se;
	return 0;
}
