// SPDX-License-Identifier: GPL-2.0
/*
 * Programs for libbpf's uprobe, uretprobe and perf event attach calls:
 * each counts the runs in the test's process (tgid in .bss, set before
 * attaching) and keeps what it sees: the probed function's first
 * argument, its return value, the sample period.
 */
#define __TARGET_ARCH_x86
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "probes.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOT_MAX);
	__type(key, __u32);
	__type(value, struct probe_seen);
} seen SEC(".maps");

__u32 target_tgid = 0;

static __always_inline void record(__u32 slot, __u64 value)
{
	struct probe_seen *s;

	if (bpf_get_current_pid_tgid() >> 32 != target_tgid)
		return;
	s = bpf_map_lookup_elem(&seen, &slot);
	if (!s)
		return;
	__sync_fetch_and_add(&s->hits, 1);
	s->value = value;
}

SEC("uprobe")
int on_entry(struct pt_regs *ctx)
{
	record(SLOT_UPROBE, PT_REGS_PARM1(ctx));
	return 0;
}

SEC("uretprobe")
int on_return(struct pt_regs *ctx)
{
	record(SLOT_URETPROBE, PT_REGS_RC(ctx));
	return 0;
}

SEC("perf_event")
int on_sample(struct bpf_perf_event_data *ctx)
{
	record(SLOT_PERF, ctx->sample_period);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
