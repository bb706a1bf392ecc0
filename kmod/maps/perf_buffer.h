/* SPDX-License-Identifier: GPL-2.0 */
/* xbpf's BPF output perf events (maps/perf_buffer.c). */
#ifndef XBPF_MAPS_PERF_BUFFER_H
#define XBPF_MAPS_PERF_BUFFER_H

#include <linux/compiler.h>
#include <linux/types.h>

struct xbpf_perf_buf;

/* XBPF_IOC_PERF_OUTPUT: a new event fd, or a negative errno. */
int xbpf_perf_buf_create(void __user *uarg);
/* The event behind fd, with a reference; ERR_PTR(-EBADF) if not one. */
struct xbpf_perf_buf *xbpf_perf_buf_get(int fd);
/* Drop a reference; any context but NMI. */
void xbpf_perf_buf_put(struct xbpf_perf_buf *pb);
/*
 * One PERF_RECORD_SAMPLE of size raw bytes, from a program on any CPU in
 * any context: 0, -EOPNOTSUPP (disabled, or another CPU's event), -ENOSPC
 * (no mapping, or full: counted as lost), -E2BIG, -EBUSY.
 */
int xbpf_perf_buf_output(struct xbpf_perf_buf *pb, const void *data, u32 size);

#endif /* XBPF_MAPS_PERF_BUFFER_H */
