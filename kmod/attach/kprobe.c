// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe and kretprobe events: the kprobe PMU's attr (config bit 0 =
 * return probe, config1 = symbol or address, config2 = offset) on
 * register_kprobe()/register_kretprobe(), so a missing symbol is ENOENT
 * and a blacklisted one EINVAL, the errnos Linux's kprobe PMU gives.
 *
 * As in Linux, the probe is registered when the event is opened (so the
 * errors come from perf_event_open) and stays until it is closed; its
 * handler runs the event's program when there is one. Attaching and
 * detaching programs thus never patches kernel text. As in Linux, the
 * program runs on every CPU and whether the event is ENABLEd does not
 * matter. Programs see the probe's struct pt_regs.
 *
 * Not checked, unlike Linux: that the function is ftrace-able (Linux
 * refuses "notrace" functions with EINVAL; the check needs symbols xbpf
 * may not use).
 */
#include <linux/kprobes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "attach/internal.h"

struct kprobe_event {
	struct xbpf_event *ev;
	bool is_ret;
	char *symbol;
	union {
		struct kprobe kp;
		struct kretprobe rp;
	};
};

static __xbpf_hot int kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	struct kprobe_event *ke = container_of(kp, struct kprobe_event, kp);

	xbpf_event_run(ke->ev, regs);
	return 0;
}
NOKPROBE_SYMBOL(kprobe_pre);

static __xbpf_hot int kretprobe_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct kretprobe *rp = get_kretprobe(ri);
	struct kprobe_event *ke;

	if (!rp)
		return 0;
	ke = container_of(rp, struct kprobe_event, rp);
	xbpf_event_run(ke->ev, regs);
	return 0;
}
NOKPROBE_SYMBOL(kretprobe_ret);

static struct kprobe *ke_kprobe(struct kprobe_event *ke)
{
	return ke->is_ret ? &ke->rp.kp : &ke->kp;
}

static int kprobe_check_prog(struct xbpf_event *ev, struct xbpf_prog *prog)
{
	return prog->type == BPF_PROG_TYPE_KPROBE ? 0 : -EINVAL;
}

static int kprobe_arm(struct xbpf_event *ev)
{
	return 0;
}

static void kprobe_disarm(struct xbpf_event *ev)
{
}

static void kprobe_free(struct xbpf_event *ev)
{
	struct kprobe_event *ke = ev->data;

	/* waits for running handlers */
	if (ke->is_ret)
		unregister_kretprobe(&ke->rp);
	else
		unregister_kprobe(&ke->kp);
	kfree(ke->symbol);
	kfree(ke);
}

static const struct xbpf_event_kind kprobe_kind = {
	.check_prog	= kprobe_check_prog,
	.arm		= kprobe_arm,
	.disarm		= kprobe_disarm,
	.free		= kprobe_free,
};

int xbpf_kprobe_open(struct xbpf_event *ev, bool is_ret)
{
	struct kprobe_event *ke;
	struct kprobe *kp;
	int err;

	if (!perfmon_capable())
		return -EACCES;
	/* no branch sampling for probe events */
	if (ev->attr.sample_type & PERF_SAMPLE_BRANCH_STACK)
		return -EOPNOTSUPP;

	ke = kzalloc(sizeof(*ke), GFP_KERNEL_ACCOUNT);
	if (!ke)
		return -ENOMEM;
	ke->ev = ev;
	ke->is_ret = is_ret;
	if (ev->attr.config1) {
		ke->symbol = strndup_user(u64_to_user_ptr(ev->attr.config1),
					  KSYM_NAME_LEN);
		if (IS_ERR(ke->symbol)) {
			err = PTR_ERR(ke->symbol);
			kfree(ke);
			return err == -EINVAL ? -E2BIG : err;
		}
		if (!ke->symbol[0]) {
			kfree(ke->symbol);
			ke->symbol = NULL;
		}
	}

	kp = ke_kprobe(ke);
	if (ke->symbol) {
		kp->symbol_name = ke->symbol;
		kp->offset = ev->attr.config2;
	} else {
		kp->addr = (kprobe_opcode_t *)(unsigned long)ev->attr.config1;
	}
	if (is_ret) {
		ke->rp.handler = kretprobe_ret;
		err = register_kretprobe(&ke->rp);
	} else {
		ke->kp.pre_handler = kprobe_pre;
		err = register_kprobe(&ke->kp);
	}
	if (err) {
		kfree(ke->symbol);
		kfree(ke);
		return err;
	}
	/* what bpf_get_func_ip() returns, as Linux's kprobe->addr */
	ev->func_ip = (unsigned long)kp->addr;
	ev->kind = &kprobe_kind;
	ev->data = ke;
	return 0;
}
