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
