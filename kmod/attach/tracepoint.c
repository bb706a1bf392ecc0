// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint events: PERF_TYPE_TRACEPOINT, config = the event's id in
 * tracefs. Programs get exactly the record Linux's BPF gets.
 *
 * syscalls:* events are built by xbpf itself from the sys_enter/sys_exit
 * raw tracepoints (syscall_tp.c). For the others xbpf opens a kernel
 * counter on the same event on each online CPU (sample_period 1,
 * PERF_SAMPLE_RAW) whose overflow handler receives the record the kernel
 * built in perf_trace_<event>(), laid out as the event's format file says;
 * a CPU hotplug state opens the counter of a CPU that comes online and
 * closes it when the CPU goes. The record's first 8 bytes (the common
 * header, which programs may not read) hold the event's struct pt_regs *
 * during the run, as in Linux, and are put back afterwards for other perf
 * users of the same record. (Linux's BPF is called from perf_trace_<event>
 * directly; a module cannot be: that path is perf's own.)
 *
 * kprobe and uprobe events made in tracefs (kprobe_events) are tracepoint
 * ids too: they run KPROBE programs on the probe's registers, as in Linux.
 *
 * The counters run while a program is attached: as in Linux, the program
 * runs on every CPU whatever CPU the event was opened for, and whether it
 * is ENABLEd does not matter.
 */
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/kprobes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/trace_events.h>

#include "attach/internal.h"

struct tp_event {
	struct xbpf_event *ev;
	u32 prog_type;		/* the programs it takes; 0: none */
	u32 record_size;	/* what programs may read; 0: no fields */
	struct perf_event_attr attr;	/* of the counters */
	struct hlist_node cpuhp;	/* in tp_cpuhp_state's instances */
	/*
	 * A counter that is never enabled, open as long as the event: the
	 * per-CPU counters are thus never the event's first or last perf
	 * user, which (un)registers the tracepoint and takes the CPU hotplug
	 * lock; they are opened and closed in CPU hotplug threads, while the
	 * lock is held by whoever started the hotplug.
	 */
	struct perf_event *keeper;
	struct mutex lock;		/* counters[], armed */
	bool armed;
	struct perf_event *counters[];	/* by CPU */
};

/* opens and closes the counters of CPUs as they come and go */
static int tp_cpuhp_state;

static __xbpf_hot void tp_overflow(struct perf_event *pe,
				   struct perf_sample_data *data,
				   struct pt_regs *regs)
{
	struct tp_event *te = pe->overflow_handler_context;
	u64 *rec, head;

	if (te->prog_type == BPF_PROG_TYPE_KPROBE) {
		xbpf_event_run(te->ev, regs);
		return;
	}
	if (!data->raw || data->raw->frag.size < sizeof(u64))
		return;
	rec = data->raw->frag.data;
	head = rec[0];
	rec[0] = (unsigned long)regs;
	xbpf_event_run(te->ev, rec);
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

	mutex_lock(&te->lock);
	te->armed = true;
	for_each_possible_cpu(cpu)
		if (te->counters[cpu])
			perf_event_enable(te->counters[cpu]);
	mutex_unlock(&te->lock);
	return 0;
}

static void tp_disarm(struct xbpf_event *ev)
{
	struct tp_event *te = ev->data;
	int cpu;

	mutex_lock(&te->lock);
	te->armed = false;
	for_each_possible_cpu(cpu)
		if (te->counters[cpu])
			perf_event_disable(te->counters[cpu]);
	mutex_unlock(&te->lock);
}

/* cpuhp callbacks: in the CPU's hotplug thread, or for each online CPU */
static int tp_cpu_online(unsigned int cpu, struct hlist_node *node)
{
	struct tp_event *te = hlist_entry(node, struct tp_event, cpuhp);
	struct perf_event *pe;

	pe = perf_event_create_kernel_counter(&te->attr, cpu, NULL,
					      tp_overflow, te);
	if (IS_ERR(pe))
		return PTR_ERR(pe);
	mutex_lock(&te->lock);
	te->counters[cpu] = pe;
	if (te->armed)
		perf_event_enable(pe);
	mutex_unlock(&te->lock);
	return 0;
}

static int tp_cpu_offline(unsigned int cpu, struct hlist_node *node)
{
	struct tp_event *te = hlist_entry(node, struct tp_event, cpuhp);
	struct perf_event *pe;

	mutex_lock(&te->lock);
	pe = te->counters[cpu];
	te->counters[cpu] = NULL;
	mutex_unlock(&te->lock);
	if (pe)
		perf_event_release_kernel(pe);
	return 0;
}

static void tp_free(struct xbpf_event *ev)
{
	struct tp_event *te = ev->data;

	cpuhp_state_remove_instance(tp_cpuhp_state, &te->cpuhp);
	perf_event_release_kernel(te->keeper);
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

/* Which event is id, and which programs it takes: from a probing counter. */
static struct perf_event *tp_probe_counter(struct perf_event_attr *attr)
{
	struct perf_event *pe;

	cpus_read_lock();
	pe = perf_event_create_kernel_counter(attr,
					      cpumask_first(cpu_online_mask),
					      NULL, NULL, NULL);
	cpus_read_unlock();
	return pe;
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
	struct perf_event *probe;
	struct tp_event *te;
	u32 prog_type = 0, record_size = 0;
	bool syscall = false;
	int err;

	probe = tp_probe_counter(&attr);
	if (IS_ERR(probe))
		return PTR_ERR(probe);
	call = probe->tp_event;
	if (call) {
		const char *system = call->class->system;

		if (call->flags & TRACE_EVENT_FL_UKPROBE) {
			prog_type = BPF_PROG_TYPE_KPROBE;
		} else if (system && !strcmp(system, "syscalls")) {
			prog_type = BPF_PROG_TYPE_TRACEPOINT;
			syscall = true;
		} else if (call->flags & TRACE_EVENT_FL_TRACEPOINT) {
			prog_type = BPF_PROG_TYPE_TRACEPOINT;
		}
		if (prog_type == BPF_PROG_TYPE_TRACEPOINT)
			record_size = tp_record_size(call);
	}
	/* syscall events are core kernel ones: call outlives the counter */
	if (syscall) {
		err = xbpf_syscall_tp_open(ev, call, record_size);
		perf_event_release_kernel(probe);
		return err;
	}

	te = kzalloc(struct_size(te, counters, nr_cpu_ids), GFP_KERNEL_ACCOUNT);
	if (!te) {
		perf_event_release_kernel(probe);
		return -ENOMEM;
	}
	te->ev = ev;
	te->prog_type = prog_type;
	te->record_size = record_size;
	te->attr = attr;
	mutex_init(&te->lock);
	te->keeper = probe;
	/* opens a counter on each online CPU; undoes them on failure */
	err = cpuhp_state_add_instance(tp_cpuhp_state, &te->cpuhp);
	if (err) {
		perf_event_release_kernel(probe);
		kfree(te);
		return err;
	}
	ev->kind = &tp_kind;
	ev->data = te;
	return 0;
}

int xbpf_tracepoint_init(void)
{
	int state;

	state = cpuhp_setup_state_multi(CPUHP_AP_ONLINE_DYN,
					"xbpf/tracepoint:online",
					tp_cpu_online, tp_cpu_offline);
	if (state < 0)
		return state;
	tp_cpuhp_state = state;
	return 0;
}

void xbpf_tracepoint_uninit(void)
{
	cpuhp_remove_multi_state(tp_cpuhp_state);
}
