/* SPDX-License-Identifier: GPL-2.0 */
/* BPF output perf events through the shim (perfbuf.c). */
#ifndef XBPF_SHIM_PERFBUF_H
#define XBPF_SHIM_PERFBUF_H

/* perf_event_open() of this attr is a BPF output event xbpf must make */
int shim_perfbuf_wants(const void *attr);
/* perf_event_open() of such an event, made by xbpf through dev_fd */
long shim_perfbuf_open(int dev_fd, const void *attr, long pid, long cpu,
		       long group_fd, long flags);

#endif
