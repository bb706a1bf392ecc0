// SPDX-License-Identifier: GPL-2.0
/*
 * Link commands: BPF_LINK_CREATE (perf event links), BPF_LINK_UPDATE,
 * BPF_LINK_DETACH, BPF_LINK_GET_FD_BY_ID and link info, with Linux 6.1's
 * checks in Linux 6.1's order. The link object itself (fd, ID, fdinfo) is
 * object.c's; raw tracepoint links are in raw_tp.c.
 *
 * A perf link holds the event's file and the program; the event holds
 * another reference to the program while it is attached. Closing the last
 * link fd takes the program off the event, closing the event fd alone does
 * not (the link keeps the event), as in Linux.
 *
 * Linux 6.1's raw tracepoint, perf event and kprobe_multi links have no
 * detach and no program update: BPF_LINK_DETACH answers EOPNOTSUPP and
 * BPF_LINK_UPDATE EINVAL for them, here too. BPF_TRACE_KPROBE_MULTI links
 * are kprobe_multi.c's, built on kprobes: xbpf has them where Debian's 6.1
 * (no CONFIG_FPROBE) answers EOPNOTSUPP.
 */
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "attach/attach.h"
#include "attach/internal.h"
#include "link.h"
#include "object.h"

struct xbpf_prog *xbpf_attach_prog_get(u32 ufd)
{
	struct xbpf_prog *prog;
	struct fd f = fdget(ufd);

	prog = xbpf_prog_from_fd(f);
	if (!IS_ERR(prog))
		atomic64_inc(&prog->refcnt);
	fdput(f);
	return prog;
}

struct perf_link {
	struct xbpf_link link;
	struct file *file;
};

static void perf_link_release(struct xbpf_link *link)
{
	struct perf_link *pl = container_of(link, struct perf_link, link);

	xbpf_event_detach(pl->file->private_data);
}

static void perf_link_dealloc(struct xbpf_link *link)
{
	struct perf_link *pl = container_of(link, struct perf_link, link);

	fput(pl->file);
	kfree(pl);
}

static const struct xbpf_link_ops perf_link_ops = {
	.release	= perf_link_release,
	.dealloc	= perf_link_dealloc,
};

/*
 * Publish a link that is attached: ID, then fd. On failure the link is
 * detached and freed, and the caller still owns its program reference.
 */
int xbpf_link_publish(struct xbpf_link *link)
{
	int err;

	err = xbpf_link_alloc_id(link);
	if (!err) {
		err = xbpf_link_new_fd(link);
		if (err >= 0)
			return err;
	}
	atomic64_inc(&link->prog->refcnt);
	xbpf_link_put(link);
	return err;
}

static int perf_link_attach(const union bpf_attr *attr, struct xbpf_prog *prog)
{
	struct xbpf_event *ev;
	struct perf_link *pl;
	struct file *file;
	int err;

	if (attr->link_create.flags)
		return -EINVAL;
	file = fget(attr->link_create.target_fd);
	ev = xbpf_event_from_file(file);
	if (IS_ERR(ev)) {
		if (file)
			fput(file);
		return PTR_ERR(ev);
	}
	pl = kzalloc(sizeof(*pl), GFP_USER);
	if (!pl) {
		fput(file);
		return -ENOMEM;
	}
	xbpf_link_init(&pl->link, BPF_LINK_TYPE_PERF_EVENT, &perf_link_ops,
		       prog);
	pl->file = file;

	/* the event's own reference */
	atomic64_inc(&prog->refcnt);
	err = xbpf_event_attach(ev, prog, attr->link_create.perf_event.bpf_cookie,
				true);
	if (err) {
		xbpf_prog_put(prog);
		fput(file);
		kfree(pl);
		return err;
	}
	return xbpf_link_publish(&pl->link);
}

int xbpf_link_create(const union bpf_attr *attr)
{
	u32 attach_type = attr->link_create.attach_type;
	struct xbpf_prog *prog;
	bool is_multi;
	int ret;

	if (XBPF_ATTR_TAIL_SET(attr, link_create.kprobe_multi.cookies))
		return -EINVAL;
	prog = xbpf_attach_prog_get(attr->link_create.prog_fd);
	if (IS_ERR(prog))
		return PTR_ERR(prog);

	ret = -EINVAL;
	switch (prog->type) {
	case BPF_PROG_TYPE_KPROBE:
		/* a kprobe_multi program attaches only as one, and back */
		is_multi = attach_type == BPF_TRACE_KPROBE_MULTI;
		if (is_multi != (bool)(prog->expected_attach_type ==
				       BPF_TRACE_KPROBE_MULTI))
			goto out;
		if (attach_type == BPF_PERF_EVENT)
			ret = perf_link_attach(attr, prog);
		else if (attach_type == BPF_TRACE_KPROBE_MULTI)
			ret = xbpf_kprobe_multi_attach(attr, prog);
		break;
	case BPF_PROG_TYPE_PERF_EVENT:
	case BPF_PROG_TYPE_TRACEPOINT:
		if (attach_type == BPF_PERF_EVENT)
			ret = perf_link_attach(attr, prog);
		break;
	default:
		/* xbpf has no other kind of link yet */
		break;
	}
out:
	if (ret < 0)
		xbpf_prog_put(prog);
	return ret;
}

/* The link behind a user fd, with a reference; or ERR_PTR. */
static struct xbpf_link *link_get(u32 ufd)
{
	struct xbpf_link *link;
	struct fd f = fdget(ufd);

	link = xbpf_link_from_fd(f);
	if (!IS_ERR(link))
		atomic64_inc(&link->refcnt);
	fdput(f);
	return link;
}

int xbpf_link_update(const union bpf_attr *attr)
{
	struct xbpf_prog *new_prog, *old_prog = NULL;
	struct xbpf_link *link;
	int ret;

	if (XBPF_ATTR_TAIL_SET(attr, link_update.old_prog_fd))
		return -EINVAL;
	if (attr->link_update.flags & ~BPF_F_REPLACE)
		return -EINVAL;
	link = link_get(attr->link_update.link_fd);
	if (IS_ERR(link))
		return PTR_ERR(link);
	new_prog = xbpf_attach_prog_get(attr->link_update.new_prog_fd);
	if (IS_ERR(new_prog)) {
		ret = PTR_ERR(new_prog);
		goto out_link;
	}
	if (attr->link_update.flags & BPF_F_REPLACE) {
		old_prog = xbpf_attach_prog_get(attr->link_update.old_prog_fd);
		if (IS_ERR(old_prog)) {
			ret = PTR_ERR(old_prog);
			old_prog = NULL;
			goto out_progs;
		}
	} else if (attr->link_update.old_prog_fd) {
		ret = -EINVAL;
		goto out_progs;
	}
	/* none of xbpf's links can change its program, as in Linux 6.1 */
	ret = -EINVAL;
out_progs:
	if (old_prog)
		xbpf_prog_put(old_prog);
	xbpf_prog_put(new_prog);
out_link:
	xbpf_link_put(link);
	return ret;
}

int xbpf_link_detach(const union bpf_attr *attr)
{
	struct xbpf_link *link;

	if (XBPF_ATTR_TAIL_SET(attr, link_detach.link_fd))
		return -EINVAL;
	link = link_get(attr->link_detach.link_fd);
	if (IS_ERR(link))
		return PTR_ERR(link);
	/* no xbpf link has a detach of its own, as in Linux 6.1 */
	xbpf_link_put(link);
	return -EOPNOTSUPP;
}

int xbpf_link_get_fd_by_id(const union bpf_attr *attr)
{
	struct xbpf_link *link;
	int fd;

	if (XBPF_ATTR_TAIL_SET(attr, link_id))
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	link = xbpf_link_get_by_id(attr->link_id);
	if (IS_ERR(link))
		return PTR_ERR(link);
	fd = xbpf_link_new_fd(link);
	if (fd < 0)
		xbpf_link_put(link);
	return fd;
}

int xbpf_link_obj_info(struct file *file, const union bpf_attr *attr,
		       union bpf_attr __user *uattr)
{
	struct bpf_link_info __user *uinfo = u64_to_user_ptr(attr->info.info);
	u32 info_len = attr->info.info_len;
	struct bpf_link_info info;
	struct xbpf_link *link;
	struct fd f = { .file = file };
	int err;

	link = xbpf_link_from_fd(f);
	if (IS_ERR(link))
		return -EINVAL;
	if (info_len > PAGE_SIZE)
		return -E2BIG;
	if (info_len > sizeof(info)) {
		err = check_zeroed_user((void __user *)uinfo + sizeof(info),
					info_len - sizeof(info));
		if (err <= 0)
			return err ?: -E2BIG;
	}
	info_len = min_t(u32, sizeof(info), info_len);
	memset(&info, 0, sizeof(info));
	if (copy_from_user(&info, uinfo, info_len))
		return -EFAULT;

	info.type = link->type;
	info.id = link->id;
	info.prog_id = link->prog->id;
	if (link->ops->fill_link_info) {
		err = link->ops->fill_link_info(link, &info);
		if (err)
			return err;
	}
	if (copy_to_user(uinfo, &info, info_len) ||
	    put_user(info_len, &uattr->info.info_len))
		return -EFAULT;
	return 0;
}
