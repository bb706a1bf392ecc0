// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe and uretprobe events: the uprobe PMU's attr (config1 = path,
 * config2 = offset in the file, config bit 0 = return probe, bits 32-63 =
 * the offset of a USDT semaphore) on uprobe_register_refctr(). As in
 * Linux, the program runs whether or not the event is ENABLEd (Linux
 * runs a uprobe's BPF programs before it looks at perf's enabled events),
 * and for the event's process only if it was opened for one (pid);
 * programs see the user registers.
 */
#include <linux/fs.h>
#include <linux/kprobes.h>
#include <linux/namei.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uprobes.h>

#include "attach/internal.h"

#define UPROBE_REF_CTR_SHIFT	32

struct uprobe_event {
	struct xbpf_event *ev;
	struct inode *inode;
	loff_t offset;
	struct uprobe_consumer uc;
};

static void uprobe_run(struct uprobe_event *ue, struct pt_regs *regs)
{
	struct xbpf_event *ev = ue->ev;

	if (ev->pid > 0 && task_tgid_nr(current) != ev->pid)
		return;
	xbpf_event_run(ev, regs);
}
NOKPROBE_SYMBOL(uprobe_run);

static int uprobe_entry(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	uprobe_run(container_of(uc, struct uprobe_event, uc), regs);
	return 0;
}
NOKPROBE_SYMBOL(uprobe_entry);

static int uprobe_return(struct uprobe_consumer *uc, unsigned long func,
			 struct pt_regs *regs)
{
	uprobe_run(container_of(uc, struct uprobe_event, uc), regs);
	return 0;
}
NOKPROBE_SYMBOL(uprobe_return);

static int uprobe_check_prog(struct xbpf_event *ev, struct xbpf_prog *prog)
{
	return prog->type == BPF_PROG_TYPE_KPROBE ? 0 : -EINVAL;
}

static int uprobe_arm(struct xbpf_event *ev)
{
	return 0;
}

static void uprobe_disarm(struct xbpf_event *ev)
{
}

static void uprobe_free(struct xbpf_event *ev)
{
	struct uprobe_event *ue = ev->data;

	/* waits for running handlers */
	uprobe_unregister(ue->inode, ue->offset, &ue->uc);
	iput(ue->inode);
	kfree(ue);
}

static const struct xbpf_event_kind uprobe_kind = {
	.check_prog	= uprobe_check_prog,
	.arm		= uprobe_arm,
	.disarm		= uprobe_disarm,
	.free		= uprobe_free,
};

int xbpf_uprobe_open(struct xbpf_event *ev, bool is_ret)
{
	struct uprobe_event *ue;
	struct path path;
	char *name;
	int err;

	if (!perfmon_capable())
		return -EACCES;
	if (ev->attr.sample_type & PERF_SAMPLE_BRANCH_STACK)
		return -EOPNOTSUPP;
	if (!ev->attr.config1)
		return -EINVAL;
	name = strndup_user(u64_to_user_ptr(ev->attr.config1), PATH_MAX);
	if (IS_ERR(name)) {
		err = PTR_ERR(name);
		return err == -EINVAL ? -E2BIG : err;
	}
	err = kern_path(name, LOOKUP_FOLLOW, &path);
	kfree(name);
	if (err)
		return err;
	if (!d_is_reg(path.dentry)) {
		path_put(&path);
		return -EINVAL;
	}

	ue = kzalloc(sizeof(*ue), GFP_KERNEL_ACCOUNT);
	if (!ue) {
		path_put(&path);
		return -ENOMEM;
	}
	ue->ev = ev;
	ue->inode = igrab(d_real_inode(path.dentry));
	path_put(&path);
	ue->offset = ev->attr.config2;
	if (is_ret)
		ue->uc.ret_handler = uprobe_return;
	else
		ue->uc.handler = uprobe_entry;
	err = uprobe_register_refctr(ue->inode, ue->offset,
				     ev->attr.config >> UPROBE_REF_CTR_SHIFT,
				     &ue->uc);
	if (err) {
		iput(ue->inode);
		kfree(ue);
		return err;
	}
	ev->kind = &uprobe_kind;
	ev->data = ue;
	return 0;
}
