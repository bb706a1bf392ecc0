/* SPDX-License-Identifier: GPL-2.0 */
/* What the tracing program types share (progs/tracing.c). */
#ifndef XBPF_PROGS_TRACING_H
#define XBPF_PROGS_TRACING_H

#include "prog.h"

/* Helpers tracing programs may call. */
const struct xbpf_func_proto *xbpf_tracing_func_proto(u32 func_id,
					const struct xbpf_verifier_env *env);
/* Linux knows this helper: xbpf refuses it as not supported yet. */
bool xbpf_helper_known(u32 func_id);

#endif /* XBPF_PROGS_TRACING_H */
