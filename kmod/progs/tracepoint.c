// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_PROG_TYPE_TRACEPOINT: the context is the trace event's record as the
 * event's format file lays it out. The first 8 bytes (the common header
 * as programs see it) are not accessible, everything is read-only. Beyond
 * Linux, test runs take the record from ctx_in.
 */
#include <linux/trace_events.h>

#include "progs/tracing.h"

static bool tracepoint_is_valid_access(int off, int size,
				       enum xbpf_access_type type,
				       const struct xbpf_verifier_env *env,
				       struct xbpf_insn_access_aux *info)
{
	if (off < sizeof(void *) || off >= PERF_MAX_TRACE_SIZE)
		return false;
	if (type != XBPF_READ)
		return false;
	return off % size == 0;
}

static int tracepoint_test_run(struct xbpf_prog *prog,
			       const union bpf_attr *attr,
			       union bpf_attr __user *uattr)
{
	return xbpf_tracing_test_run(prog, attr, uattr, PERF_MAX_TRACE_SIZE,
				     NULL, 0);
}

struct xbpf_prog_type xbpf_tracepoint_prog_type = {
	.vops = {
		.prog_type = BPF_PROG_TYPE_TRACEPOINT,
		.is_valid_access = tracepoint_is_valid_access,
		.get_func_proto = xbpf_func_proto,
		.helper_offered = xbpf_helper_offered,
	},
	.test_run = tracepoint_test_run,
};
