// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers about the task a program runs in: ids, credentials, name,
 * cgroup, pid namespace, signals, and what the attachment tells the run
 * (function address, cookie). Called with preemption disabled in any
 * context up to NMI: nothing here sleeps; signals from contexts with
 * interrupts off go through an irq_work, as in Linux.
 */
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

#include "prog.h"

static u64 helper_get_current_pid_tgid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct task_struct *task = current;

	return (u64)task->tgid << 32 | task->pid;
}

static u64 helper_get_current_uid_gid(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	kuid_t uid;
	kgid_t gid;

	current_uid_gid(&uid, &gid);
	return (u64)from_kgid(&init_user_ns, gid) << 32 |
	       from_kuid(&init_user_ns, uid);
}

static u64 helper_get_current_comm(u64 buf, u64 size, u64 r3, u64 r4, u64 r5)
{
	/* the verifier guarantees size > 0 */
	strscpy((char *)(unsigned long)buf, current->comm, size);
	return 0;
}

static u64 helper_get_current_task(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return (unsigned long)current;
}

/* The task's user registers, at the top of its kernel stack. */
static u64 helper_task_pt_regs(u64 task, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return (unsigned long)task_pt_regs((struct task_struct *)(unsigned long)task);
}

static u64 helper_get_current_cgroup_id(u64 r1, u64 r2, u64 r3, u64 r4,
					u64 r5)
{
	u64 id;

	rcu_read_lock();
	id = cgroup_id(task_dfl_cgroup(current));
	rcu_read_unlock();
	return id;
}

static u64 helper_get_current_ancestor_cgroup_id(u64 level, u64 r2, u64 r3,
						 u64 r4, u64 r5)
{
	struct cgroup *ancestor;
	u64 id;

	rcu_read_lock();
	ancestor = cgroup_ancestor(task_dfl_cgroup(current), (int)level);
	id = ancestor ? cgroup_id(ancestor) : 0;
	rcu_read_unlock();
	return id;
}

/*
 * The device of the nsfs filesystem, which bpf_get_ns_current_pid_tgid()
 * callers name namespaces by (with the inode). Linux's ns_match() is not
 * exported: xbpf learns the device once, from its loader's own pid
 * namespace file, at module init.
 */
static dev_t nsfs_dev;

static u64 helper_get_ns_current_pid_tgid(u64 dev, u64 ino, u64 data, u64 size,
					  u64 r5)
{
	struct bpf_pidns_info *nsdata = (void *)(unsigned long)data;
	struct task_struct *task = current;
	struct pid_namespace *pidns;
	int err = -EINVAL;

	if (unlikely(size != sizeof(struct bpf_pidns_info)))
		goto clear;
	if (unlikely((u64)(dev_t)dev != dev))
		goto clear;
	pidns = task_active_pid_ns(task);
	if (unlikely(!pidns)) {
		err = -ENOENT;
		goto clear;
	}
	if (!nsfs_dev || pidns->ns.inum != ino || nsfs_dev != (dev_t)dev)
		goto clear;
	nsdata->pid = task_pid_nr_ns(task, pidns);
	nsdata->tgid = task_tgid_nr_ns(task, pidns);
	return 0;
clear:
	memset(nsdata, 0, size);
	return err;
}

/* Signals asked for with interrupts off are sent from an irq_work. */
struct send_signal_work {
	struct irq_work irq_work;
	struct task_struct *task;
	u32 sig;
	bool thread;
};

static DEFINE_PER_CPU(struct send_signal_work, send_signal_work);

static int send_signal_now(struct task_struct *task, u32 sig, bool thread)
{
	if (thread)
		return send_sig_info(sig, SEND_SIG_PRIV, task);
	/* the thread group: Linux's group_send_sig_info() is not exported */
	return kill_pid(task_tgid(task), sig, 1);
}

static void send_signal_work_fn(struct irq_work *entry)
{
	struct send_signal_work *work;

	work = container_of(entry, struct send_signal_work, irq_work);
	send_signal_now(work->task, work->sig, work->thread);
	put_task_struct(work->task);
}

static long send_signal_common(u32 sig, bool thread)
{
	struct send_signal_work *work;

	/*
	 * No signals to kernel threads, exiting tasks or init. (Linux also
	 * refuses while an NMI interrupts a switch of address spaces; its
	 * nmi_uaccess_okay() is not exported, and the irq_work below sends
	 * the signal after the switch anyway.)
	 */
	if (unlikely(current->flags & (PF_KTHREAD | PF_EXITING)))
		return -EPERM;
	if (unlikely(is_global_init(current)))
		return -EPERM;

	if (irqs_disabled()) {
		if (unlikely(!valid_signal(sig)))
			return -EINVAL;
		work = this_cpu_ptr(&send_signal_work);
		if (irq_work_is_busy(&work->irq_work))
			return -EBUSY;
		work->task = get_task_struct(current);
		work->sig = sig;
		work->thread = thread;
		irq_work_queue(&work->irq_work);
		return 0;
	}
	return send_signal_now(current, sig, thread);
}

static u64 helper_send_signal(u64 sig, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return send_signal_common(sig, false);
}

static u64 helper_send_signal_thread(u64 sig, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return send_signal_common(sig, true);
}

static u64 helper_get_attach_cookie(u64 ctx, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return xbpf_run_cookie();
}

static u64 helper_get_func_ip_kprobe(u64 ctx, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return xbpf_run_func_ip();
}

/* Prototypes as Linux 6.1 declares them. */
static const struct xbpf_func_proto task_protos[] = {
	{
		.func_id = BPF_FUNC_get_current_pid_tgid,
		.func = helper_get_current_pid_tgid,
		.ret_type = RET_INTEGER,
	}, {
		.func_id = BPF_FUNC_get_current_uid_gid,
		.func = helper_get_current_uid_gid,
		.ret_type = RET_INTEGER,
	}, {
		.func_id = BPF_FUNC_get_current_comm,
		.func = helper_get_current_comm,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE },
	}, {
		.func_id = BPF_FUNC_get_current_task,
		.func = helper_get_current_task,
		.gpl_only = true,
		.ret_type = RET_INTEGER,
	}, {
		/* the same task, as a typed pointer for task helpers */
		.func_id = BPF_FUNC_get_current_task_btf,
		.func = helper_get_current_task,
		.gpl_only = true,
		.ret_type = RET_PTR_TO_BTF_ID,
		.ret_btf_id = XBPF_BTF_TASK_STRUCT,
	}, {
		.func_id = BPF_FUNC_task_pt_regs,
		.func = helper_task_pt_regs,
		.gpl_only = true,
		.ret_type = RET_PTR_TO_BTF_ID,
		.ret_btf_id = XBPF_BTF_PT_REGS,
		.arg_type = { ARG_PTR_TO_BTF_ID },
		.arg_btf_id = { XBPF_BTF_TASK_STRUCT },
	}, {
		.func_id = BPF_FUNC_get_current_cgroup_id,
		.func = helper_get_current_cgroup_id,
		.ret_type = RET_INTEGER,
	}, {
		.func_id = BPF_FUNC_get_current_ancestor_cgroup_id,
		.func = helper_get_current_ancestor_cgroup_id,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_ANYTHING },
	}, {
		.func_id = BPF_FUNC_get_ns_current_pid_tgid,
		.func = helper_get_ns_current_pid_tgid,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_ANYTHING, ARG_ANYTHING,
			      ARG_PTR_TO_UNINIT_MEM, ARG_CONST_SIZE },
	}, {
		.func_id = BPF_FUNC_send_signal,
		.func = helper_send_signal,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_ANYTHING },
	}, {
		.func_id = BPF_FUNC_send_signal_thread,
		.func = helper_send_signal_thread,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_ANYTHING },
	}, {
		.func_id = BPF_FUNC_get_attach_cookie,
		.func = helper_get_attach_cookie,
		.ret_type = RET_INTEGER,
		.arg_type = { ARG_PTR_TO_CTX },
	},
};

/*
 * bpf_get_func_ip() as kprobes have it; other tracing types get the
 * prototype only for the verifier to refuse the call with Linux's message.
 */
static const struct xbpf_func_proto get_func_ip_kprobe_proto = {
	.func_id = BPF_FUNC_get_func_ip,
	.func = helper_get_func_ip_kprobe,
	.gpl_only = true,
	.ret_type = RET_INTEGER,
	.arg_type = { ARG_PTR_TO_CTX },
};

const struct xbpf_func_proto *xbpf_task_func_proto(u32 func_id)
{
	size_t i;

	if (func_id == BPF_FUNC_get_func_ip)
		return &get_func_ip_kprobe_proto;
	for (i = 0; i < ARRAY_SIZE(task_protos); i++)
		if (task_protos[i].func_id == func_id)
			return &task_protos[i];
	return NULL;
}

int xbpf_task_helpers_init(void)
{
	struct file *f;
	int cpu;

	for_each_possible_cpu(cpu)
		init_irq_work(&per_cpu(send_signal_work, cpu).irq_work,
			      send_signal_work_fn);

	f = filp_open("/proc/self/ns/pid", O_RDONLY, 0);
	if (!IS_ERR(f)) {
		nsfs_dev = file_inode(f)->i_sb->s_dev;
		filp_close(f, NULL);
	}
	return 0;
}

void xbpf_task_helpers_uninit(void)
{
	int cpu;

	/* a queued signal holds a task reference: let it go first */
	for_each_possible_cpu(cpu)
		irq_work_sync(&per_cpu(send_signal_work, cpu).irq_work);
}
