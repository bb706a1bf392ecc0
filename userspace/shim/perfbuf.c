// SPDX-License-Identifier: GPL-2.0
/*
 * perf_event_open(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT) through
 * the shim: the event xbpf programs' bpf_perf_event_output() writes into
 * must be xbpf's own (XBPF_IOC_PERF_OUTPUT), so the shim makes one of
 * those instead. Its fd takes the same mmap/ioctl/poll/close calls.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <linux/xbpf.h>
#include <sys/ioctl.h>

#include "perfbuf.h"

int shim_perfbuf_wants(const void *uattr)
{
	const struct perf_event_attr *attr = uattr;

	return attr && attr->type == PERF_TYPE_SOFTWARE &&
	       attr->config == PERF_COUNT_SW_BPF_OUTPUT;
}

long shim_perfbuf_open(int dev_fd, const void *uattr, long pid, long cpu,
		       long group_fd, long flags)
{
	const struct perf_event_attr *attr = uattr;
	struct xbpf_perf_output out = { 0 };

	if (dev_fd < 0) {
		errno = ENODEV;
		return -1;
	}
	/*
	 * One CPU, any task; no groups: what BPF output events are used as.
	 * pid, cpu and group_fd are ints in perf_event_open(): the upper
	 * halves of the longs syscall() read them as are not theirs.
	 */
	pid = (int)pid;
	cpu = (int)cpu;
	group_fd = (int)group_fd;
	if (pid != -1 || cpu < 0 || group_fd != -1 ||
	    (flags & ~PERF_FLAG_FD_CLOEXEC)) {
		errno = EINVAL;
		return -1;
	}
	out.cpu = (__u32)cpu;
	out.wakeup_events = attr->watermark ? 1 : attr->wakeup_events;
	if (attr->disabled)
		out.flags |= XBPF_PERF_DISABLED;
	if (flags & PERF_FLAG_FD_CLOEXEC)
		out.flags |= XBPF_PERF_CLOEXEC;
	return ioctl(dev_fd, XBPF_IOC_PERF_OUTPUT, &out);
}
