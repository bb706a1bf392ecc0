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
 *
 * The second ioctl, XBPF_IOC_PERF_EVENT_OPEN, is perf_event_open(2) for the
 * events xbpf programs attach to:
 *
 *   struct xbpf_perf_event_open req = {
 *           .attr     = (__u64)(uintptr_t)&attr,  a struct perf_event_attr
 *           .pid      = -1, .cpu = 0, .group_fd = -1,
 *           .flags    = PERF_FLAG_FD_CLOEXEC,
 *   };
 *   int event_fd = ioctl(xbpf_fd, XBPF_IOC_PERF_EVENT_OPEN, &req);
 *
 * behaves as `perf_event_open(&attr, pid, cpu, group_fd, flags)` for
 *   - attr.type = the kprobe PMU (/sys/bus/event_source/devices/kprobe/type):
 *     config bit 0 = return probe, config1 = symbol name (user pointer) or
 *     address, config2 = offset;
 *   - attr.type = the uprobe PMU: config1 = path, config2 = offset, config
 *     bit 0 = return probe, bits 32-63 = reference counter offset;
 *   - PERF_TYPE_TRACEPOINT: config = the id in tracefs events/<cat>/<ev>/id;
 *   - PERF_TYPE_SOFTWARE, _HARDWARE, _HW_CACHE sampling events, for
 *     BPF_PROG_TYPE_PERF_EVENT programs.
 * attr.size 0 means PERF_ATTR_SIZE_VER0, a longer attr needs a zero tail
 * (else E2BIG, with the size xbpf knows written back to attr.size), as for
 * perf_event_open(2). The result is an fd of xbpf's own, named
 * "[perf_event]", that takes PERF_EVENT_IOC_SET_BPF (an xbpf program fd),
 * PERF_EVENT_IOC_ENABLE and PERF_EVENT_IOC_DISABLE; closing it detaches
 * the program. It is also the target_fd of BPF_LINK_CREATE with
 * BPF_PERF_EVENT. As in Linux, a kprobe or tracepoint program runs on every
 * CPU even though the event was opened for one. Event groups are not
 * supported: group_fd must be -1 (EINVAL otherwise), and so are cgroup
 * events (PERF_FLAG_PID_CGROUP: EINVAL). reserved must be zero (EINVAL).
 * XBPF_IOC_PERF_OUTPUT: the perf event that BPF_FUNC_perf_event_output
 * writes to. Linux's bpf_perf_event_output() writes into a perf event of
 * type PERF_TYPE_SOFTWARE, config PERF_COUNT_SW_BPF_OUTPUT, opened for one
 * CPU; xbpf cannot write into the kernel's perf events (their output
 * function is not exported), so it makes its own:
 *
 *   struct xbpf_perf_output out = { .cpu = 0, .wakeup_events = 1 };
 *   int fd = ioctl(xbpf_fd, XBPF_IOC_PERF_OUTPUT, &out);
 *
 * returns a new file descriptor (close-on-exec with XBPF_PERF_CLOEXEC)
 * that behaves as the perf event fd would for a reader such as libbpf's
 * perf_buffer: mmap() of 1 + 2^n pages at offset 0, MAP_SHARED, gives a
 * struct perf_event_mmap_page (data_head, data_tail, data_offset,
 * data_size) followed by the data pages, holding PERF_RECORD_SAMPLE
 * records (sample_type PERF_SAMPLE_RAW: header, u32 size, the data padded
 * to 8 bytes) and PERF_RECORD_LOST records (header, u64 id, u64 lost);
 * poll() reports EPOLLIN when records wait, after every wakeup_events
 * records (0 counts as 1); ioctl PERF_EVENT_IOC_ENABLE / _DISABLE /
 * _RESET. The fd can be stored in an xbpf BPF_MAP_TYPE_PERF_EVENT_ARRAY.
 * Programs write only into the event of the CPU they run on, and only
 * while it is enabled (otherwise EOPNOTSUPP, as Linux). Errors: EINVAL for
 * unknown flags, a non-zero reserved field or cpu >= the number of CPU
 * ids, ENODEV for an offline CPU, EFAULT.
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

struct xbpf_perf_event_open {
	__aligned_u64 attr;	/* user pointer to struct perf_event_attr */
	__s32 pid;		/* as perf_event_open(2) */
	__s32 cpu;
	__s32 group_fd;		/* must be -1 */
	__u32 flags;		/* PERF_FLAG_* */
	__u64 reserved;		/* must be zero */
};

#define XBPF_IOC_PERF_EVENT_OPEN \
	_IOW(XBPF_IOC_MAGIC, 0x02, struct xbpf_perf_event_open)
struct xbpf_perf_output {
	__u32 cpu;		/* the CPU whose programs write here */
	__u32 flags;		/* XBPF_PERF_* */
	__u32 wakeup_events;	/* wake readers every N records */
	__u32 reserved;		/* must be zero */
};

#define XBPF_PERF_DISABLED	(1U << 0)	/* start disabled */
#define XBPF_PERF_CLOEXEC	(1U << 1)	/* O_CLOEXEC on the new fd */

/* 0x02 is reserved for the attachment's event fds */
#define XBPF_IOC_PERF_OUTPUT	_IOW(XBPF_IOC_MAGIC, 0x03, struct xbpf_perf_output)

#endif /* _UAPI_LINUX_XBPF_H */
