// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a kernel perf counter from a program: what Linux 6.1's
 * perf_event_read_local() does, which bpf_perf_event_read{,_value}() and
 * bpf_perf_prog_read_value() call and which is not exported.
 *
 * It is rebuilt here from what <linux/perf_event.h> declares: with
 * interrupts off nothing reschedules the counter, the PMU's own ->read()
 * brings an active counter up to date (the callback Linux calls from NMI),
 * and the enabled/running times are derived from the event's timestamps as
 * Linux's calc_timer_values() derives them. The one private constant it
 * needs, the context's EVENT_TIME bit (kernel/events/core.c), is 6.1's.
 *
 * Also here: taking a kernel perf event by fd for a perf event array.
 * perf_event_get() is not exported either; a perf event's file is an
 * anonymous inode named "[perf_event]" whose private data is the event,
 * which is what is checked. xbpf's own sampling events (the perf events
 * PERF_EVENT programs attach to) are taken too, for their counter.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/perf_event.h>
#include <linux/sched/clock.h>

#include "prog.h"

/* enum event_type_t of kernel/events/core.c: the context's time runs */
#define XBPF_PERF_CTX_EVENT_TIME	0x4

/* perf_event_time_now(): the event's context time at clock value now */
static u64 perf_time_now(struct perf_event *event, u64 now)
{
	struct perf_event_context *ctx = event->ctx;

	if (unlikely(!ctx))
		return 0;
#ifdef CONFIG_CGROUP_PERF
	if (event->cgrp) {
		struct perf_cgroup_info *t;

		t = per_cpu_ptr(event->cgrp->info, event->cpu);
		/* pairs with the release that activates the cgroup's time */
		if (!smp_load_acquire(&t->active))
			return t->time;
		return now + READ_ONCE(t->timeoffset);
	}
#endif
	/* as Linux: timeoffset is valid once is_active says time runs */
	if (!(smp_load_acquire(&ctx->is_active) & XBPF_PERF_CTX_EVENT_TIME))
		return ctx->time;
	return now + READ_ONCE(ctx->timeoffset);
}

/* __perf_update_times() at the current time */
static void perf_times(struct perf_event *event, u64 *enabled, u64 *running)
{
	struct perf_event *leader = event->group_leader;
	enum perf_event_state state = event->state;
	u64 delta;

	if (leader->state <= PERF_EVENT_STATE_OFF)
		state = leader->state;
	delta = perf_time_now(event, local_clock()) - event->tstamp;
	*enabled = event->total_time_enabled;
	if (state >= PERF_EVENT_STATE_INACTIVE)
		*enabled += delta;
	*running = event->total_time_running;
	if (state >= PERF_EVENT_STATE_ACTIVE)
		*running += delta;
}

/* Any context, NMI included. Linux's errors: see the file's comment. */
int xbpf_perf_event_read_local(struct perf_event *event, u64 *value,
			       u64 *enabled, u64 *running)
{
	int cpu, ret = 0;
	unsigned long flags;

	local_irq_save(flags);
	cpu = smp_processor_id();
	/* child counters cannot be summed from atomic context */
	if (event->attr.inherit) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	/* a task's counter is read by the task, a CPU's on the CPU */
	if (event->attach_state & PERF_ATTACH_TASK) {
		if (event->hw.target != current) {
			ret = -EINVAL;
			goto out;
		}
	} else if (event->cpu != cpu) {
		ret = -EINVAL;
		goto out;
	}
	if (event->attr.pinned && event->oncpu != cpu) {
		ret = -EBUSY;
		goto out;
	}
	/* oncpu is this CPU only while the counter is active here */
	if (event->oncpu == cpu)
		event->pmu->read(event);
	*value = local64_read(&event->count);
	if (enabled || running) {
		u64 e, r;

		perf_times(event, &e, &r);
		if (enabled)
			*enabled = e;
		if (running)
			*running = r;
	}
out:
	local_irq_restore(flags);
	return ret;
}

/*
 * The perf event behind fd (*event), with a reference on its file:
 * -EBADF for anything else, -EOPNOTSUPP for an inheriting counter (which
 * programs could not read), as Linux's perf event arrays answer.
 */
struct file *xbpf_perf_event_file_get(int fd, struct perf_event **event)
{
	struct file *file;

	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);
	*event = xbpf_perf_sample_counter(file);
	if (!*event && file_inode(file)->i_sb->s_magic == ANON_INODE_FS_MAGIC &&
	    !strcmp(file->f_path.dentry->d_name.name, "[perf_event]"))
		*event = file->private_data;
	if (!*event) {
		fput(file);
		return ERR_PTR(-EBADF);
	}
	if ((*event)->attr.inherit) {
		fput(file);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return file;
}

/*
 * bpf_perf_prog_read_value(): the counter that overflowed and ran the
 * program. A test run has none: -EINVAL, as for a bad size.
 */
static u64 helper_perf_prog_read_value(u64 ctx, u64 buf, u64 size, u64 r4,
				       u64 r5)
{
	struct xbpf_perf_event_ctx *pctx = (void *)(unsigned long)ctx;
	struct bpf_perf_event_value *v = (void *)(unsigned long)buf;
	int err = -EINVAL;

	if (unlikely(size != sizeof(*v) || !pctx->event))
		goto clear;
	err = xbpf_perf_event_read_local(pctx->event, &v->counter,
					 &v->enabled, &v->running);
	if (unlikely(err))
		goto clear;
	return 0;
clear:
	memset(v, 0, size);
	return err;
}

static const struct xbpf_func_proto perf_prog_read_value_proto = {
	.func_id = BPF_FUNC_perf_prog_read_value,
	.func = helper_perf_prog_read_value,
	.gpl_only = true,
	.ret_type = RET_INTEGER,
	.arg_type = { ARG_PTR_TO_CTX, ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE },
};

const struct xbpf_func_proto *xbpf_perf_read_func_proto(u32 prog_type,
							u32 func_id)
{
	if (func_id == BPF_FUNC_perf_prog_read_value &&
	    prog_type == BPF_PROG_TYPE_PERF_EVENT)
		return &perf_prog_read_value_proto;
	return NULL;
}
