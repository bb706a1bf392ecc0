// SPDX-License-Identifier: GPL-2.0
/*
 * Raw tracepoints: BPF_RAW_TRACEPOINT_OPEN by name puts a probe on the
 * kernel's tracepoint (tracepoint_probe_register) that runs the program
 * on the tracepoint's arguments, each as a u64, in a raw_tracepoint link.
 *
 * The tracepoint's own arguments are not known to xbpf (Linux knows them
 * from BTF and generated per-tracepoint thunks, which modules cannot
 * reach): the probe takes the largest number a program may read (12) and
 * passes them on as the calling convention left them. So, unlike Linux:
 * a program may read all 12 slots whatever the tracepoint's arity (Linux
 * refuses reads past the last argument with EINVAL at attach), slots past
 * the last argument hold whatever the registers and stack held, and an
 * argument narrower than 64 bits may carry garbage in its upper bits
 * (Linux zero- or sign-extends). Pointers, longs and u64s, the arguments
 * programs mostly read, are exact. Only the core kernel's tracepoints can
 * be found by name, not those of modules.
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

#define RAW_TP_MAX_ARGS	12

struct raw_tp_link {
	struct xbpf_link link;
	struct tracepoint *tp;
	struct list_head node;		/* raw_tp_links */
};

/* Every attached (tracepoint, program) pair, for Linux's EEXIST. */
static LIST_HEAD(raw_tp_links);
static DEFINE_MUTEX(raw_tp_mutex);

static void raw_tp_probe(void *data, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4,
			 u64 a5, u64 a6, u64 a7, u64 a8, u64 a9, u64 a10,
			 u64 a11)
{
	struct raw_tp_link *rl = data;
	u64 args[RAW_TP_MAX_ARGS] = {
		a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11,
	};

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
	err = -EINVAL;
	if (prog->max_ctx_offset > RAW_TP_MAX_ARGS * sizeof(u64))
		goto err_prog;

	err = -ENOMEM;
	rl = kzalloc(sizeof(*rl), GFP_USER);
	if (!rl)
		goto err_prog;
	xbpf_link_init(&rl->link, BPF_LINK_TYPE_RAW_TRACEPOINT,
		       &raw_tp_link_ops, prog);
	rl->tp = lookup.tp;

	mutex_lock(&raw_tp_mutex);
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
