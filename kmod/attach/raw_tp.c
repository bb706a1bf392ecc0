// SPDX-License-Identifier: GPL-2.0
/*
 * Raw tracepoints: BPF_RAW_TRACEPOINT_OPEN by name puts a probe on the
 * kernel's tracepoint (tracepoint_probe_register) that runs the program
 * on the tracepoint's arguments, each as a u64, in a raw_tracepoint link.
 *
 * The probe takes the largest number of arguments a program may read
 * (12), as the calling convention passes them. How many the tracepoint
 * really has, and how each widens to u64, come from vmlinux's BTF
 * (tp_btf.c), read once per tracepoint: as in Linux, a program that reads
 * past the last argument gets EINVAL, and arguments narrower than 64 bits
 * are zero- or sign-extended as their C type says. Where the BTF does not
 * tell (no /sys/kernel/btf/vmlinux, or no btf_trace_<name> typedef),
 * xbpf falls back to letting programs read all 12 slots, those past the
 * last argument holding whatever the registers and stack held, and
 * narrow arguments as the registers held them. Only the core kernel's
 * tracepoints can be found by name, not those of modules.
 *
 * As in Linux, the same program twice on one tracepoint is EEXIST.
 */
#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>

#include "attach/attach.h"
#include "attach/internal.h"
#include "link.h"
#include "object.h"

struct raw_tp_link {
	struct xbpf_link link;
	struct tracepoint *tp;
	struct list_head node;		/* raw_tp_links */
	bool widen;			/* an argument is narrower than u64 */
	struct xbpf_tp_args args;
};

/* Every attached (tracepoint, program) pair, for Linux's EEXIST. */
static LIST_HEAD(raw_tp_links);
/* What the BTF said of each tracepoint looked up so far. */
struct raw_tp_args {
	struct list_head node;
	struct tracepoint *tp;
	struct xbpf_tp_args args;
};

static LIST_HEAD(raw_tp_args_cache);
static DEFINE_MUTEX(raw_tp_mutex);	/* both lists */

static __always_inline u64 raw_tp_widen(u64 v, u8 ext)
{
	switch (ext) {
	case 1:
		return (u8)v;
	case 2:
		return (u16)v;
	case 4:
		return (u32)v;
	case 1 | XBPF_TP_ARG_SIGNED:
		return (s64)(s8)v;
	case 2 | XBPF_TP_ARG_SIGNED:
		return (s64)(s16)v;
	case 4 | XBPF_TP_ARG_SIGNED:
		return (s64)(s32)v;
	default:
		return v;
	}
}

static __xbpf_hot void raw_tp_probe(void *data, u64 a0, u64 a1, u64 a2,
				    u64 a3, u64 a4, u64 a5, u64 a6, u64 a7,
				    u64 a8, u64 a9, u64 a10, u64 a11)
{
	struct raw_tp_link *rl = data;
	u64 args[XBPF_TP_MAX_ARGS] = {
		a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11,
	};
	unsigned int i;

	if (rl->widen)
		for (i = 0; i < rl->args.nr; i++)
			args[i] = raw_tp_widen(args[i], rl->args.ext[i]);
	xbpf_attach_run(rl->link.prog, args, 0, 0);
}
NOKPROBE_SYMBOL(raw_tp_probe);

static void raw_tp_release(struct xbpf_link *link)
{
	struct raw_tp_link *rl = container_of(link, struct raw_tp_link, link);

	mutex_lock(&raw_tp_mutex);
	tracepoint_probe_unregister(rl->tp, raw_tp_probe, rl);
	list_del(&rl->node);
	mutex_unlock(&raw_tp_mutex);
	/* no probe runs the program any more once this returns */
	tracepoint_synchronize_unregister();
}

static void raw_tp_dealloc(struct xbpf_link *link)
{
	kfree(container_of(link, struct raw_tp_link, link));
}

static void raw_tp_show_fdinfo(const struct xbpf_link *link,
			       struct seq_file *m)
{
	const struct raw_tp_link *rl =
		container_of(link, struct raw_tp_link, link);

	seq_printf(m, "tp_name:\t%s\n", rl->tp->name);
}

static int raw_tp_fill_link_info(const struct xbpf_link *link,
				 struct bpf_link_info *info)
{
	const struct raw_tp_link *rl =
		container_of(link, struct raw_tp_link, link);
	char __user *ubuf = u64_to_user_ptr(info->raw_tracepoint.tp_name);
	u32 ulen = info->raw_tracepoint.tp_name_len;
	const char *name = rl->tp->name;
	size_t len = strlen(name);

	if (!ubuf ^ !ulen)
		return -EINVAL;
	info->raw_tracepoint.tp_name_len = len + 1;
	if (!ubuf)
		return 0;
	if (ulen >= len + 1)
		return copy_to_user(ubuf, name, len + 1) ? -EFAULT : 0;
	if (copy_to_user(ubuf, name, ulen - 1) || put_user('\0', ubuf + ulen - 1))
		return -EFAULT;
	return -ENOSPC;
}

static const struct xbpf_link_ops raw_tp_link_ops = {
	.release	= raw_tp_release,
	.dealloc	= raw_tp_dealloc,
	.show_fdinfo	= raw_tp_show_fdinfo,
	.fill_link_info	= raw_tp_fill_link_info,
};

struct tp_lookup {
	const char *name;
	struct tracepoint *tp;
};

static void tp_match(struct tracepoint *tp, void *priv)
{
	struct tp_lookup *l = priv;

	if (!l->tp && !strcmp(tp->name, l->name))
		l->tp = tp;
}

/* The tracepoint's arguments; raw_tp_mutex held. */
static int raw_tp_args(struct tracepoint *tp, struct xbpf_tp_args *args)
{
	struct raw_tp_args *ra;
	int err;

	list_for_each_entry(ra, &raw_tp_args_cache, node) {
		if (ra->tp == tp) {
			*args = ra->args;
			return 0;
		}
	}
	ra = kzalloc(sizeof(*ra), GFP_KERNEL);
	if (!ra)
		return -ENOMEM;
	err = xbpf_tp_btf_args(tp->name, &ra->args);
	if (err == -ENOMEM) {
		kfree(ra);
		return err;
	}
	if (err)
		ra->args.nr = XBPF_TP_MAX_ARGS;	/* unknown: all slots */
	ra->tp = tp;
	list_add(&ra->node, &raw_tp_args_cache);
	*args = ra->args;
	return 0;
}

void xbpf_raw_tp_uninit(void)
{
	struct raw_tp_args *ra, *tmp;

	list_for_each_entry_safe(ra, tmp, &raw_tp_args_cache, node)
		kfree(ra);
}

int xbpf_raw_tp_open(const union bpf_attr *attr)
{
	struct tp_lookup lookup = { };
	struct raw_tp_link *rl, *other;
	struct xbpf_prog *prog;
	char name[128];
	int err;

	if (XBPF_ATTR_TAIL_SET(attr, raw_tracepoint.prog_fd))
		return -EINVAL;
	prog = xbpf_attach_prog_get(attr->raw_tracepoint.prog_fd);
	if (IS_ERR(prog))
		return PTR_ERR(prog);

	err = -EINVAL;
	if (prog->type != BPF_PROG_TYPE_RAW_TRACEPOINT)
		goto err_prog;
	err = -EFAULT;
	if (strncpy_from_user(name, u64_to_user_ptr(attr->raw_tracepoint.name),
			      sizeof(name) - 1) < 0)
		goto err_prog;
	name[sizeof(name) - 1] = '\0';
	lookup.name = name;
	for_each_kernel_tracepoint(tp_match, &lookup);
	err = -ENOENT;
	if (!lookup.tp)
		goto err_prog;

	err = -ENOMEM;
	rl = kzalloc(sizeof(*rl), GFP_USER);
	if (!rl)
		goto err_prog;
	xbpf_link_init(&rl->link, BPF_LINK_TYPE_RAW_TRACEPOINT,
		       &raw_tp_link_ops, prog);
	rl->tp = lookup.tp;

	mutex_lock(&raw_tp_mutex);
	err = raw_tp_args(rl->tp, &rl->args);
	if (err)
		goto err_unlock;
	/* Linux's check against the tracepoint's arity */
	err = -EINVAL;
	if (prog->max_ctx_offset > rl->args.nr * sizeof(u64))
		goto err_unlock;
	rl->widen = !!memchr_inv(rl->args.ext, 0, sizeof(rl->args.ext));
	err = -EEXIST;
	list_for_each_entry(other, &raw_tp_links, node)
		if (other->tp == rl->tp && other->link.prog == prog)
			goto err_unlock;
	err = tracepoint_probe_register(rl->tp, raw_tp_probe, rl);
	if (err)
		goto err_unlock;
	list_add(&rl->node, &raw_tp_links);
	mutex_unlock(&raw_tp_mutex);

	err = xbpf_link_publish(&rl->link);
	if (err < 0)
		xbpf_prog_put(prog);
	return err;

err_unlock:
	mutex_unlock(&raw_tp_mutex);
	kfree(rl);
err_prog:
	xbpf_prog_put(prog);
	return err;
}
