// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint events: PERF_TYPE_TRACEPOINT, config = the event's id in
 * tracefs. Programs get exactly the record Linux's BPF gets: xbpf opens a
 * kernel counter on the same event on each online CPU (sample_period 1,
 * PERF_SAMPLE_RAW) whose overflow handler receives the record the kernel
 * built in perf_trace_<event>() (or perf_syscall_enter/exit for
 * syscalls:*), laid out as the event's format file says.
 *
 * Two details make the record what Linux's programs see: its first 8
 * bytes (the common header, which programs may not read) hold the event's
 * struct pt_regs * during the run, and for syscalls:* events the int
 * __syscall_nr at offset 8 reads as an unsigned long, as in the struct
 * Linux builds for BPF (syscall numbers here are never negative, so the
 * upper half is zero). Both are put back afterwards, for other perf users
 * of the same record.
 *
 * kprobe and uprobe events made in tracefs (kprobe_events) are tracepoint
 * ids too: they run KPROBE programs on the probe's registers, as in Linux.
 *
 * The counters run while a program is attached: as in Linux, the program
 * runs on every CPU whatever CPU the event was opened for, and whether it
 * is ENABLEd does not matter. CPUs brought online later are not covered.
 */
#include <linux/cpumask.h>
#include <linux/kprobes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/trace_events.h>

#include "attach/internal.h"

struct tp_event {
	struct xbpf_event *ev;
	u32 prog_type;		/* the programs it takes; 0: none */
	bool syscall;
	u32 record_size;	/* what programs may read; 0: no fields */
	struct perf_event *counters[];	/* by CPU */
};

static void tp_overflow(struct perf_event *pe, struct perf_sample_data *data,
			struct pt_regs *regs)
{
	struct tp_event *te = pe->overflow_handler_context;
	u64 *rec, head;
	u32 nr_hi = 0;

	if (te->prog_type == BPF_PROG_TYPE_KPROBE) {
		xbpf_event_run(te->ev, regs);
		return;
	}
	if (!data->raw || data->raw->frag.size < sizeof(u64))
		return;
	rec = data->raw->frag.data;
	head = rec[0];
	rec[0] = (unsigned long)regs;
	if (te->syscall) {
		nr_hi = ((u32 *)rec)[3];
		((u32 *)rec)[3] = 0;
	}
	xbpf_event_run(te->ev, rec);
	if (te->syscall)
		((u32 *)rec)[3] = nr_hi;
	rec[0] = head;
}
NOKPROBE_SYMBOL(tp_overflow);

static int tp_check_prog(struct xbpf_event *ev, struct xbpf_prog *prog)
{
	struct tp_event *te = ev->data;

	if (!te->prog_type || prog->type != te->prog_type)
		return -EINVAL;
	if (prog->type == BPF_PROG_TYPE_TRACEPOINT && te->record_size &&
	    prog->max_ctx_offset > te->record_size)
		return -EACCES;
	return 0;
}

static int tp_arm(struct xbpf_event *ev)
{
	struct tp_event *te = ev->data;
	int cpu;

	for_each_possible_cpu(cpu)
		if (te->counters[cpu])
			perf_event_enable(te->counters[cpu]);
	return 0;
}

static void tp_disarm(struct xbpf_event *ev)
{
	struct tp_event *te = ev->data;
	int cpu;

	for_each_possible_cpu(cpu)
		if (te->counters[cpu])
			perf_event_disable(te->counters[cpu]);
}

static void tp_free(struct xbpf_event *ev)
{
	struct tp_event *te = ev->data;
	int cpu;

	for_each_possible_cpu(cpu)
		if (te->counters[cpu])
			perf_event_release_kernel(te->counters[cpu]);
	/* a handler on another CPU may still be in the record it read */
	synchronize_rcu();
	kfree(te);
}

static const struct xbpf_event_kind tp_kind = {
	.check_prog	= tp_check_prog,
	.arm		= tp_arm,
	.disarm		= tp_disarm,
	.free		= tp_free,
};

/*
 * The start of Linux 6.1's struct ftrace_event_field (kernel/trace/trace.h),
 * which trace_get_fields() lists; the format file shows the same fields,
 * but tracefs files cannot be read with kernel_read().
 */
struct xbpf_ftrace_event_field {
	struct list_head link;
	const char *name;
	const char *type;
	int filter_type;
	int offset;
	int size;
};

/*
 * The end of the event's last field, what Linux checks a program's context
 * accesses against (trace_event_get_offsets()): fields are listed last
 * defined first, so the first one ends the record.
 */
static u32 tp_record_size(struct trace_event_call *call)
{
	struct xbpf_ftrace_event_field *last;
	struct list_head *head = trace_get_fields(call);

	if (list_empty(head))
		return 0;
	last = list_first_entry(head, struct xbpf_ftrace_event_field, link);
	return last->offset + last->size;
}

int xbpf_tracepoint_open(struct xbpf_event *ev)
{
	struct perf_event_attr attr = {
		.type		= PERF_TYPE_TRACEPOINT,
		.size		= sizeof(attr),
		.config		= ev->attr.config,
		.sample_type	= PERF_SAMPLE_RAW,
		.sample_period	= 1,
		.disabled	= 1,
	};
	struct trace_event_call *call;
	struct tp_event *te;
	int cpu, err = 0;

	te = kzalloc(struct_size(te, counters, nr_cpu_ids), GFP_KERNEL_ACCOUNT);
	if (!te)
		return -ENOMEM;
	te->ev = ev;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct perf_event *pe;

		pe = perf_event_create_kernel_counter(&attr, cpu, NULL,
						      tp_overflow, te);
		if (IS_ERR(pe)) {
			err = PTR_ERR(pe);
			break;
		}
		te->counters[cpu] = pe;
	}
	cpus_read_unlock();
	if (err) {
		ev->data = te;
		tp_free(ev);
		return err;
	}

	call = te->counters[cpumask_first(cpu_online_mask)]->tp_event;
	if (call) {
		const char *system = call->class->system;

		if (call->flags & TRACE_EVENT_FL_UKPROBE) {
			te->prog_type = BPF_PROG_TYPE_KPROBE;
		} else if (system && !strcmp(system, "syscalls")) {
			te->prog_type = BPF_PROG_TYPE_TRACEPOINT;
			te->syscall = true;
		} else if (call->flags & TRACE_EVENT_FL_TRACEPOINT) {
			te->prog_type = BPF_PROG_TYPE_TRACEPOINT;
		}
		if (te->prog_type == BPF_PROG_TYPE_TRACEPOINT)
			te->record_size = tp_record_size(call);
	}
	ev->kind = &tp_kind;
	ev->data = te;
	return 0;
}
