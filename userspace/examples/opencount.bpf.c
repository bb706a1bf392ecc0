// SPDX-License-Identifier: GPL-2.0
/*
 * Count openat() calls per process name, three ways: a kprobe on the
 * kernel's openat path, the syscalls:sys_enter_openat tracepoint, and the
 * sys_enter raw tracepoint. The loader attaches one of them.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define OPENAT_NR 257

struct comm {
	char name[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct comm);
	__type(value, __u64);
} opens SEC(".maps");

static __always_inline void count_current(void)
{
	struct comm key = {};
	__u64 one = 1, *seen;

	bpf_get_current_comm(key.name, sizeof(key.name));
	seen = bpf_map_lookup_elem(&opens, &key);
	if (seen) {
		__sync_fetch_and_add(seen, 1);
		return;
	}
	/* another CPU may have added it meanwhile */
	if (bpf_map_update_elem(&opens, &key, &one, BPF_NOEXIST)) {
		seen = bpf_map_lookup_elem(&opens, &key);
		if (seen)
			__sync_fetch_and_add(seen, 1);
	}
}

SEC("kprobe/do_sys_openat2")
int count_kprobe(void *ctx)
{
	count_current();
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int count_tracepoint(void *ctx)
{
	count_current();
	return 0;
}

SEC("raw_tp/sys_enter")
int count_raw_tp(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == OPENAT_NR)
		count_current();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
