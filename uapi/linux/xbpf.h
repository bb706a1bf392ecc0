/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * xbpf userspace ABI.
 *
 * xbpf adds exactly one thing to the kernel ABI: the character device
 * /dev/xbpf (mode 0600) and the ioctl below. Everything it carries is the
 * bpf(2) ABI of <linux/bpf.h>, unchanged:
 *
 *   struct xbpf_call call = {
 *           .cmd  = BPF_MAP_CREATE,        enum bpf_cmd, as for bpf(2)
 *           .size = sizeof(attr),          the size argument of bpf(2)
 *           .attr = (__u64)(uintptr_t)&attr,  a union bpf_attr in caller memory
 *   };
 *   int ret = ioctl(xbpf_fd, XBPF_IOC_BPF, &call);
 *
 * behaves as `bpf(call.cmd, attr, call.size)` would: it returns a new file
 * descriptor or 0, or -1 with errno set exactly as bpf(2) sets it for the
 * same mistake. Attributes are read and written in place, so output fields
 * (next_id, info_len, log buffers, ...) land in the caller's union bpf_attr.
 * File descriptors inside attributes (map_fd, prog_fd, ...) are ordinary
 * descriptors of the calling process, as for bpf(2).
 *
 * Objects made through /dev/xbpf are xbpf objects: they live beside the
 * kernel's own BPF objects, have their own ID spaces, and are not accepted
 * by bpf(2) (nor kernel objects by xbpf).
 *
 * Errors of the ioctl itself, before the bpf command is looked at: EFAULT if
 * the struct xbpf_call cannot be read, ENOTTY for an unknown ioctl number,
 * EINVAL if the reserved field is not zero.
 */
#ifndef _UAPI_LINUX_XBPF_H
#define _UAPI_LINUX_XBPF_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define XBPF_DEVICE_NAME	"xbpf"
#define XBPF_DEVICE_PATH	"/dev/xbpf"

struct xbpf_call {
	__u32 cmd;		/* enum bpf_cmd */
	__u32 size;		/* size of the union bpf_attr at attr */
	__aligned_u64 attr;	/* user pointer to union bpf_attr */
	__u64 reserved;		/* must be zero */
};

#define XBPF_IOC_MAGIC		0xBF
#define XBPF_IOC_BPF		_IOW(XBPF_IOC_MAGIC, 0x01, struct xbpf_call)

#endif /* _UAPI_LINUX_XBPF_H */
