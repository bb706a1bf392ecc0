// SPDX-License-Identifier: GPL-2.0
/*
 * Which helpers each program type offers, as Linux 6.1 decides it
 * (net/core/filter.c sk_filter_func_proto(), kernel/trace/bpf_trace.c
 * *_prog_func_proto(), kernel/bpf/helpers.c bpf_base_func_proto(), with
 * their bpf_capable()/perfmon_capable() and lockdown gates), and which of
 * those xbpf implements.
 *
 * A helper the type offers and xbpf implements is checked and called; one
 * it offers that xbpf lacks is refused with -ENOTSUPP (Linux would accept
 * it); any other is an "unknown func", -EINVAL, as in Linux.
 */
#include <linux/security.h>

#include "prog.h"

static bool kernel_reads_allowed(void)
{
	return security_locked_down(LOCKDOWN_BPF_READ_KERNEL) >= 0;
}

/* bpf_base_func_proto() */
static bool base_offers(u32 id, bool bpf_cap, bool perfmon_cap)
{
	switch (id) {
	case BPF_FUNC_map_lookup_elem:
	case BPF_FUNC_map_update_elem:
	case BPF_FUNC_map_delete_elem:
	case BPF_FUNC_map_push_elem:
	case BPF_FUNC_map_pop_elem:
	case BPF_FUNC_map_peek_elem:
	case BPF_FUNC_map_lookup_percpu_elem:
	case BPF_FUNC_get_prandom_u32:
	case BPF_FUNC_get_smp_processor_id:
	case BPF_FUNC_get_numa_node_id:
	case BPF_FUNC_tail_call:
	case BPF_FUNC_ktime_get_ns:
	case BPF_FUNC_ktime_get_boot_ns:
	case BPF_FUNC_ktime_get_tai_ns:
	case BPF_FUNC_ringbuf_output:
	case BPF_FUNC_ringbuf_reserve:
	case BPF_FUNC_ringbuf_submit:
	case BPF_FUNC_ringbuf_discard:
	case BPF_FUNC_ringbuf_query:
	case BPF_FUNC_strncmp:
	case BPF_FUNC_strtol:
	case BPF_FUNC_strtoul:
		return true;
	case BPF_FUNC_spin_lock:
	case BPF_FUNC_spin_unlock:
	case BPF_FUNC_jiffies64:
	case BPF_FUNC_per_cpu_ptr:
	case BPF_FUNC_this_cpu_ptr:
	case BPF_FUNC_timer_init:
	case BPF_FUNC_timer_set_callback:
	case BPF_FUNC_timer_start:
	case BPF_FUNC_timer_cancel:
	case BPF_FUNC_kptr_xchg:
	case BPF_FUNC_for_each_map_elem:
	case BPF_FUNC_loop:
	case BPF_FUNC_user_ringbuf_drain:
	case BPF_FUNC_ringbuf_reserve_dynptr:
	case BPF_FUNC_ringbuf_submit_dynptr:
	case BPF_FUNC_ringbuf_discard_dynptr:
	case BPF_FUNC_dynptr_from_mem:
	case BPF_FUNC_dynptr_read:
	case BPF_FUNC_dynptr_write:
	case BPF_FUNC_dynptr_data:
		return bpf_cap;
	case BPF_FUNC_trace_printk:
	case BPF_FUNC_get_current_task:
	case BPF_FUNC_get_current_task_btf:
	case BPF_FUNC_probe_read_user:
	case BPF_FUNC_probe_read_user_str:
	case BPF_FUNC_snprintf_btf:
	case BPF_FUNC_snprintf:
	case BPF_FUNC_task_pt_regs:
	case BPF_FUNC_trace_vprintk:
		return bpf_cap && perfmon_cap;
	case BPF_FUNC_probe_read_kernel:
	case BPF_FUNC_probe_read_kernel_str:
		return bpf_cap && perfmon_cap && kernel_reads_allowed();
	default:
		return false;
	}
}

/* sk_filter_func_proto() and bpf_sk_base_func_proto() */
static bool socket_filter_offers(u32 id, bool bpf_cap, bool perfmon_cap)
{
	switch (id) {
	case BPF_FUNC_skb_load_bytes:
	case BPF_FUNC_skb_load_bytes_relative:
	case BPF_FUNC_get_socket_cookie:
	case BPF_FUNC_get_socket_uid:
	case BPF_FUNC_perf_event_output:
	case BPF_FUNC_ktime_get_coarse_ns:
		return true;
	case BPF_FUNC_skc_to_tcp6_sock:
	case BPF_FUNC_skc_to_tcp_sock:
	case BPF_FUNC_skc_to_tcp_timewait_sock:
	case BPF_FUNC_skc_to_tcp_request_sock:
	case BPF_FUNC_skc_to_udp6_sock:
	case BPF_FUNC_skc_to_unix_sock:
	case BPF_FUNC_skc_to_mptcp_sock:
		return perfmon_cap;
	default:
		return base_offers(id, bpf_cap, perfmon_cap);
	}
}

/*
 * bpf_tracing_func_proto(). Loading a tracing program takes CAP_BPF and
 * CAP_PERFMON, so every capability gate is open.
 */
static bool tracing_offers(u32 id)
{
	switch (id) {
	case BPF_FUNC_get_current_pid_tgid:
	case BPF_FUNC_get_current_uid_gid:
	case BPF_FUNC_get_current_comm:
	case BPF_FUNC_perf_event_read:
	case BPF_FUNC_current_task_under_cgroup:
	case BPF_FUNC_get_current_cgroup_id:
	case BPF_FUNC_get_current_ancestor_cgroup_id:
	case BPF_FUNC_send_signal:
	case BPF_FUNC_send_signal_thread:
	case BPF_FUNC_perf_event_read_value:
	case BPF_FUNC_get_ns_current_pid_tgid:
	case BPF_FUNC_get_task_stack:
	case BPF_FUNC_copy_from_user:
	case BPF_FUNC_copy_from_user_task:
	case BPF_FUNC_task_storage_get:
	case BPF_FUNC_task_storage_delete:
	case BPF_FUNC_get_func_ip:
	case BPF_FUNC_get_branch_snapshot:
	case BPF_FUNC_find_vma:
		return true;
	case BPF_FUNC_probe_write_user:
		return security_locked_down(LOCKDOWN_BPF_WRITE_USER) >= 0;
	case BPF_FUNC_probe_read:
	case BPF_FUNC_probe_read_str:
		return kernel_reads_allowed();
	default:
		return base_offers(id, true, true);
	}
}

static bool type_offers(u32 type, u32 id, bool bpf_cap, bool perfmon_cap)
{
	switch (type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
		return socket_filter_offers(id, bpf_cap, perfmon_cap);
	case BPF_PROG_TYPE_KPROBE:
		/* kprobe_prog_func_proto(); Debian has no KPROBE_OVERRIDE */
		if (id == BPF_FUNC_get_attach_cookie)
			return true;
		fallthrough;
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
		/* raw_tp_prog_func_proto() */
		if (id == BPF_FUNC_perf_event_output ||
		    id == BPF_FUNC_get_stackid || id == BPF_FUNC_get_stack)
			return true;
		return tracing_offers(id);
	case BPF_PROG_TYPE_PERF_EVENT:
		/* pe_prog_func_proto() */
		if (id == BPF_FUNC_perf_prog_read_value ||
		    id == BPF_FUNC_read_branch_records)
			return true;
		fallthrough;
	case BPF_PROG_TYPE_TRACEPOINT:
		/* tp_prog_func_proto() */
		if (id == BPF_FUNC_perf_event_output ||
		    id == BPF_FUNC_get_stackid || id == BPF_FUNC_get_stack ||
		    id == BPF_FUNC_get_attach_cookie)
			return true;
		return tracing_offers(id);
	default:
		return false;
	}
}

/* xbpf's implementation of helper id for program type, or NULL. */
const struct xbpf_func_proto *xbpf_helper_impl(u32 type, u32 id)
{
	const struct xbpf_func_proto *fn;

	fn = xbpf_base_func_proto(id);
	if (fn)
		return fn;
	/* the old probe_read[_str] are offered to tracing types only */
	fn = xbpf_probe_func_proto(id, true);
	if (fn)
		return fn;
	fn = xbpf_task_func_proto(id);
	if (fn)
		return fn;
	fn = xbpf_printk_func_proto(id);
	if (fn)
		return fn;
	fn = xbpf_stack_func_proto(id);
	if (fn)
		return fn;
	fn = xbpf_ringbuf_func_proto(id);
	if (fn)
		return fn;
	fn = xbpf_callback_func_proto(id);
	if (fn)
		return fn;
	fn = xbpf_perf_read_func_proto(type, id);
	if (fn)
		return fn;
	return xbpf_perf_output_func_proto(type, id);
}

bool xbpf_helper_offered(u32 id, const struct xbpf_verifier_env *env)
{
	if (id == BPF_FUNC_unspec || id >= __BPF_FUNC_MAX_ID)
		return false;
	return type_offers(xbpf_env_prog_type(env), id,
			   xbpf_env_bpf_capable(env),
			   xbpf_env_perfmon_capable(env));
}

const struct xbpf_func_proto *xbpf_func_proto(u32 id,
					      const struct xbpf_verifier_env *env)
{
	if (!xbpf_helper_offered(id, env))
		return NULL;
	return xbpf_helper_impl(xbpf_env_prog_type(env), id);
}
