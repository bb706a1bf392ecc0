/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Links: a program held on a hook by an fd named "bpf_link". The fd and
 * ID machinery is object.c's; the kinds of link are in kmod/attach/.
 */
#ifndef XBPF_LINK_H
#define XBPF_LINK_H

#include <uapi/linux/bpf.h>
#include <linux/atomic.h>
#include <linux/seq_file.h>
#include <linux/types.h>

struct xbpf_link;
struct xbpf_prog;

struct xbpf_link_ops {
	/* detach from the hook: the last reference is gone; may sleep */
	void (*release)(struct xbpf_link *link);
	/* free the link's memory, after release */
	void (*dealloc)(struct xbpf_link *link);
	/* optional: extra fdinfo lines */
	void (*show_fdinfo)(const struct xbpf_link *link, struct seq_file *m);
	/* optional: the kind's part of struct bpf_link_info */
	int (*fill_link_info)(const struct xbpf_link *link,
			      struct bpf_link_info *info);
};

struct xbpf_link {
	atomic64_t refcnt;
	u32 id;
	u32 type;			/* enum bpf_link_type */
	const struct xbpf_link_ops *ops;
	struct xbpf_prog *prog;		/* holds a reference */
};

static inline void xbpf_link_init(struct xbpf_link *link, u32 type,
				  const struct xbpf_link_ops *ops,
				  struct xbpf_prog *prog)
{
	atomic64_set(&link->refcnt, 1);
	link->id = 0;
	link->type = type;
	link->ops = ops;
	link->prog = prog;
}

#endif /* XBPF_LINK_H */
