// SPDX-License-Identifier: GPL-2.0
/*
 * A socket filter that counts packets by ethertype in a hash map and in a
 * global counter, and accepts packets of at least min_len bytes.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} proto_count SEC(".maps");

/* set by the loader before loading: lands in .rodata, frozen */
const volatile __u32 min_len = 0;
/* lands in .bss, which the loader reads back */
__u64 total = 0;

SEC("socket")
int count_packets(struct __sk_buff *skb)
{
	__u32 proto = skb->protocol;
	__u64 one = 1, *seen;

	__sync_fetch_and_add(&total, 1);
	seen = bpf_map_lookup_elem(&proto_count, &proto);
	if (seen)
		__sync_fetch_and_add(seen, 1);
	else
		bpf_map_update_elem(&proto_count, &proto, &one, BPF_NOEXIST);
	return skb->len >= min_len ? skb->len : 0;
}

char LICENSE[] SEC("license") = "GPL";
