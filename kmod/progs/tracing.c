// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the tracing program types. */
#include "progs/tracing.h"

/* Helpers Linux 6.1 offers socket programs but never tracing ones. */
static bool socket_only_helper(u32 func_id)
{
	return func_id == BPF_FUNC_ktime_get_coarse_ns;
}

const struct xbpf_func_proto *xbpf_tracing_func_proto(u32 func_id,
					const struct xbpf_verifier_env *env)
{
	if (socket_only_helper(func_id))
		return NULL;
	return xbpf_base_func_proto(func_id) ?:
	       xbpf_probe_func_proto(func_id, true);
}

bool xbpf_helper_known(u32 func_id)
{
	return func_id < __BPF_FUNC_MAX_ID && !socket_only_helper(func_id);
}
