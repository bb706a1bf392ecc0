// SPDX-License-Identifier: GPL-2.0
/*
 * One event per run, to a ring buffer and to a perf buffer: a sequence
 * number from a global counter, the task's ids and name.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "events.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 4096);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} pb SEC(".maps");

__u64 seq = 0;
__u64 rb_drops = 0;
__s64 pb_err = 0;

SEC("raw_tp")
int emit(void *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 s = __sync_fetch_and_add(&seq, 1);
	struct event pe = {};
	struct event *e;
	long err;

	e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);
	if (e) {
		e->seq = s;
		e->pid = pid_tgid >> 32;
		e->tid = (__u32)pid_tgid;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		bpf_ringbuf_submit(e, 0);
	} else {
		__sync_fetch_and_add(&rb_drops, 1);
	}

	pe.seq = s;
	pe.pid = pid_tgid >> 32;
	pe.tid = (__u32)pid_tgid;
	bpf_get_current_comm(pe.comm, sizeof(pe.comm));
	err = bpf_perf_event_output(ctx, &pb, BPF_F_CURRENT_CPU, &pe,
				    sizeof(pe));
	if (err)
		pb_err = err;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
