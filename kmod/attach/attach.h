/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attachment, as the rest of the module calls it: event fds (the
 * XBPF_IOC_PERF_EVENT_OPEN ioctl) and the link commands of bpf(2).
 */
#ifndef XBPF_ATTACH_H
#define XBPF_ATTACH_H

#include <linux/types.h>

union bpf_attr;
struct xbpf_perf_event_open;

/* Module init and exit. */
int xbpf_attach_init(void);
void xbpf_attach_uninit(void);

/* XBPF_IOC_PERF_EVENT_OPEN: a new event fd, or -errno. */
long xbpf_event_open(struct xbpf_perf_event_open __user *ureq);

/* bpf(2) commands; process context. */
int xbpf_link_create(const union bpf_attr *attr);
int xbpf_raw_tp_open(const union bpf_attr *attr);
int xbpf_link_update(const union bpf_attr *attr);
int xbpf_link_detach(const union bpf_attr *attr);
int xbpf_link_get_fd_by_id(const union bpf_attr *attr);
/* BPF_OBJ_GET_INFO_BY_FD on a link fd: -EINVAL if f is not one */
int xbpf_link_obj_info(struct file *f, const union bpf_attr *attr,
		       union bpf_attr __user *uattr);

#endif /* XBPF_ATTACH_H */
