// SPDX-License-Identifier: GPL-2.0
/*
 * syscalls:sys_enter_* and sys_exit_* tracepoint events, without perf.
 *
 * In Linux these events are synthetic: one probe on the sys_enter (or
 * sys_exit) raw tracepoint finds the event of the syscall number and
 * hands its BPF programs a record it builds on the stack (struct
 * syscall_tp_t in kernel/trace/trace_syscalls.c): 8 bytes that hold the
 * struct pt_regs * where the format file has the common header, the
 * syscall number as an unsigned long (the format file says int
 * __syscall_nr at 8; programs read it as a u64), then the six arguments
 * or the return value, each an unsigned long. xbpf does the same from its
 * own probes on those raw tracepoints: one probe per direction, registered
 * while any program is attached to an event of that direction, and a list
 * of attached events per syscall number. Going through a kernel perf
 * counter instead (tracepoint.c, for all other events) costs a sample
 * record and an overflow per event.
 *
 * As in Linux, 32-bit (ia32, x32) syscalls do not fire these events, the
 * syscall number is the one in orig_ax and the return value the one in
 * ax; programs run on every CPU, CPUs brought online later included, and
 * whether the event is ENABLEd does not matter.
 */
#include <linux/compat.h>
#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/trace_events.h>
#include <linux/tracepoint.h>
#include <asm/syscall.h>
#include <asm/unistd.h>
#include <trace/syscall.h>

#include "attach/internal.h"

#define SYS_TP_MAX_ARGS	6

/* What programs get; laid out as the event's format file says. */
struct sys_tp_record {
	unsigned long long regs;	/* the common header's place */
	unsigned long nr;
	union {
		unsigned long args[SYS_TP_MAX_ARGS];
		long ret;
	};
};

/* One direction: the raw tracepoint, its probe, the events by number. */
struct sys_tp_dir {
	const char *tp_name;
	void *probe;
	struct tracepoint *tp;		/* found on first use */
	unsigned int armed;		/* events on the lists below */
	struct hlist_head events[NR_syscalls];
};

struct sys_tp_event {
	struct xbpf_event *ev;
	struct sys_tp_dir *dir;
	unsigned int nr;
	u32 record_size;
	struct hlist_node node;		/* dir->events[nr] while armed */
};

static DEFINE_MUTEX(sys_tp_mutex);	/* the dirs' tp, armed and lists */

static __xbpf_hot struct hlist_head *sys_tp_head(struct sys_tp_dir *dir,
						 struct pt_regs *regs)
{
	unsigned long nr;

	if (in_compat_syscall())
		return NULL;
	nr = syscall_get_nr(current, regs);
	if (nr >= NR_syscalls)
		return NULL;
	return &dir->events[array_index_nospec(nr, NR_syscalls)];
}
NOKPROBE_SYMBOL(sys_tp_head);

static __xbpf_hot void sys_tp_run(struct hlist_head *head, struct sys_tp_record *rec)
{
	struct sys_tp_event *st;

	rcu_read_lock();
	hlist_for_each_entry_rcu(st, head, node)
		xbpf_event_run(st->ev, rec);
	rcu_read_unlock();
}
NOKPROBE_SYMBOL(sys_tp_run);

static void sys_tp_enter_probe(void *data, struct pt_regs *regs, long id);
static void sys_tp_exit_probe(void *data, struct pt_regs *regs, long ret);

static struct sys_tp_dir sys_tp_enter = {
	.tp_name	= "sys_enter",
	.probe		= sys_tp_enter_probe,
};

static struct sys_tp_dir sys_tp_exit = {
	.tp_name	= "sys_exit",
	.probe		= sys_tp_exit_probe,
};

static __xbpf_hot void sys_tp_enter_probe(void *data, struct pt_regs *regs, long id)
{
	struct hlist_head *head = sys_tp_head(&sys_tp_enter, regs);
	struct sys_tp_record rec;

	if (!head || hlist_empty(head))
		return;
	rec.regs = (unsigned long)regs;
	rec.nr = syscall_get_nr(current, regs);
	syscall_get_arguments(current, regs, rec.args);
	sys_tp_run(head, &rec);
}
NOKPROBE_SYMBOL(sys_tp_enter_probe);

static __xbpf_hot void sys_tp_exit_probe(void *data, struct pt_regs *regs, long ret)
{
	struct hlist_head *head = sys_tp_head(&sys_tp_exit, regs);
	struct sys_tp_record rec;

	if (!head || hlist_empty(head))
		return;
	rec.regs = (unsigned long)regs;
	rec.nr = syscall_get_nr(current, regs);
	memset(rec.args, 0, sizeof(rec.args));
	rec.ret = syscall_get_return_value(current, regs);
	sys_tp_run(head, &rec);
}
NOKPROBE_SYMBOL(sys_tp_exit_probe);

static int sys_tp_check_prog(struct xbpf_event *ev, struct xbpf_prog *prog)
{
	struct sys_tp_event *st = ev->data;

	if (prog->type != BPF_PROG_TYPE_TRACEPOINT)
		return -EINVAL;
	if (prog->max_ctx_offset > st->record_size)
		return -EACCES;
	return 0;
}

static void tp_find(struct tracepoint *tp, void *priv)
{
	struct sys_tp_dir *dir = priv;

	if (!dir->tp && !strcmp(tp->name, dir->tp_name))
		dir->tp = tp;
}

static int sys_tp_arm(struct xbpf_event *ev)
{
	struct sys_tp_event *st = ev->data;
	struct sys_tp_dir *dir = st->dir;
	int err = 0;

	mutex_lock(&sys_tp_mutex);
	if (!dir->armed) {
		if (!dir->tp)
			for_each_kernel_tracepoint(tp_find, dir);
		err = dir->tp ? tracepoint_probe_register(dir->tp, dir->probe,
							  NULL)
			      : -ENOENT;
	}
	if (!err) {
		dir->armed++;
		hlist_add_head_rcu(&st->node, &dir->events[st->nr]);
	}
	mutex_unlock(&sys_tp_mutex);
	return err;
}

static void sys_tp_disarm(struct xbpf_event *ev)
{
	struct sys_tp_event *st = ev->data;
	struct sys_tp_dir *dir = st->dir;
	bool unregistered = false;

	mutex_lock(&sys_tp_mutex);
	hlist_del_init_rcu(&st->node);
	if (!--dir->armed) {
		tracepoint_probe_unregister(dir->tp, dir->probe, NULL);
		unregistered = true;
	}
	mutex_unlock(&sys_tp_mutex);
	/* the probe is module text: no CPU may still be in it at unload */
	if (unregistered)
		tracepoint_synchronize_unregister();
}

static void sys_tp_free(struct xbpf_event *ev)
{
	/* disarmed already (detach waited for the lists' readers) */
	kfree(ev->data);
}

static const struct xbpf_event_kind sys_tp_kind = {
	.check_prog	= sys_tp_check_prog,
	.arm		= sys_tp_arm,
	.disarm		= sys_tp_disarm,
	.free		= sys_tp_free,
};

int xbpf_syscall_tp_open(struct xbpf_event *ev, struct trace_event_call *call,
			 u32 record_size)
{
	struct syscall_metadata *meta = call->data;
	struct sys_tp_event *st;

	if (!meta || meta->syscall_nr < 0 || meta->syscall_nr >= NR_syscalls ||
	    (call != meta->enter_event && call != meta->exit_event) ||
	    record_size > sizeof(struct sys_tp_record))
		return -EINVAL;
	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	st->ev = ev;
	st->dir = call == meta->enter_event ? &sys_tp_enter : &sys_tp_exit;
	st->nr = meta->syscall_nr;
	st->record_size = record_size;
	INIT_HLIST_NODE(&st->node);
	ev->kind = &sys_tp_kind;
	ev->data = st;
	return 0;
}
