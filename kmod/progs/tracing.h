/* SPDX-License-Identifier: GPL-2.0 */
/* What the tracing program types share (progs/tracing.c). */
#ifndef XBPF_PROGS_TRACING_H
#define XBPF_PROGS_TRACING_H

#include "prog.h"

/*
 * BPF_PROG_TEST_RUN for tracing programs, which Linux does not offer:
 * the program runs on a caller-supplied context (ctx_in, at most ctx_max
 * bytes, zero-padded). make_ctx, if not NULL, turns that buffer into what
 * the program really runs on (its storage is ctx_buf).
 */
int xbpf_tracing_test_run(struct xbpf_prog *prog, const union bpf_attr *attr,
			  union bpf_attr __user *uattr, size_t ctx_max,
			  const void *(*make_ctx)(void *ctx, void *ctx_buf),
			  size_t ctx_buf_size);

#endif /* XBPF_PROGS_TRACING_H */
