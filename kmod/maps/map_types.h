/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The map types xbpf implements: XBPF_MAP_TYPE(<enum bpf_map_type>, <ops>).
 * Expanded by map.h (declarations) and map.c (the type -> ops table).
 * No include guard: this file is meant to be included repeatedly.
 */
XBPF_MAP_TYPE(BPF_MAP_TYPE_HASH, xbpf_hash_map_ops)
XBPF_MAP_TYPE(BPF_MAP_TYPE_ARRAY, xbpf_array_map_ops)
XBPF_MAP_TYPE(BPF_MAP_TYPE_RINGBUF, xbpf_ringbuf_map_ops)
XBPF_MAP_TYPE(BPF_MAP_TYPE_PERF_EVENT_ARRAY, xbpf_perf_event_array_map_ops)
XBPF_MAP_TYPE(BPF_MAP_TYPE_STACK_TRACE, xbpf_stack_trace_map_ops)
XBPF_MAP_TYPE(BPF_MAP_TYPE_PERCPU_HASH, xbpf_percpu_hash_map_ops)
XBPF_MAP_TYPE(BPF_MAP_TYPE_PERCPU_ARRAY, xbpf_percpu_array_map_ops)
XBPF_MAP_TYPE(BPF_MAP_TYPE_LRU_HASH, xbpf_lru_hash_map_ops)
XBPF_MAP_TYPE(BPF_MAP_TYPE_LRU_PERCPU_HASH, xbpf_lru_hash_map_ops)
XBPF_MAP_TYPE(BPF_MAP_TYPE_PROG_ARRAY, xbpf_prog_array_map_ops)
XBPF_MAP_TYPE(BPF_MAP_TYPE_QUEUE, xbpf_queue_map_ops)
XBPF_MAP_TYPE(BPF_MAP_TYPE_STACK, xbpf_stack_map_ops)
XBPF_MAP_TYPE(BPF_MAP_TYPE_BLOOM_FILTER, xbpf_bloom_filter_map_ops)
XBPF_MAP_TYPE(BPF_MAP_TYPE_ARRAY_OF_MAPS, xbpf_array_of_maps_map_ops)
XBPF_MAP_TYPE(BPF_MAP_TYPE_HASH_OF_MAPS, xbpf_hash_of_maps_map_ops)
XBPF_MAP_TYPE(BPF_MAP_TYPE_LPM_TRIE, xbpf_lpm_trie_map_ops)
