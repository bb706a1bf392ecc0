/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The program types xbpf implements: XBPF_PROG_TYPE(<enum bpf_prog_type>,
 * <struct xbpf_prog_type>). Expanded by progs/progs.c. No include guard.
 */
XBPF_PROG_TYPE(BPF_PROG_TYPE_SOCKET_FILTER, xbpf_socket_filter_prog_type)
XBPF_PROG_TYPE(BPF_PROG_TYPE_KPROBE, xbpf_kprobe_prog_type)
XBPF_PROG_TYPE(BPF_PROG_TYPE_TRACEPOINT, xbpf_tracepoint_prog_type)
XBPF_PROG_TYPE(BPF_PROG_TYPE_PERF_EVENT, xbpf_perf_event_prog_type)
XBPF_PROG_TYPE(BPF_PROG_TYPE_RAW_TRACEPOINT, xbpf_raw_tracepoint_prog_type)
